//go:build gocfg_testhooks

package main

import "testing"

func TestExportsConcurrently(t *testing.T) {
	if err := exerciseExports(8, 3000); err != nil {
		t.Fatal(err)
	}
}

func TestSlicedCalls(t *testing.T) {
	if err := exerciseSliced(t.TempDir()); err != nil {
		t.Fatal(err)
	}
}
