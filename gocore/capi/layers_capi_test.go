//go:build gocfg_testhooks

package main

import "testing"

func TestLayerExportsConcurrently(t *testing.T) {
	if err := exerciseLayerExports(8, 120); err != nil {
		t.Fatal(err)
	}
}
