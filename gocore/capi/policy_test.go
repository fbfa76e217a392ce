//go:build gocfg_testhooks

package main

import "testing"

func TestPanicInAChangePoisonsOnlyThatConfig(t *testing.T) {
	if err := checkPanicPolicy(); err != nil {
		t.Fatal(err)
	}
}

func TestStaleFreesAreNoOps(t *testing.T) {
	if err := checkStaleFrees(); err != nil {
		t.Fatal(err)
	}
	if err := leaks(); err != nil {
		t.Fatal(err)
	}
}
