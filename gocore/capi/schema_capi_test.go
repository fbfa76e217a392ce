//go:build gocfg_testhooks

package main

import "testing"

func TestValidateConcurrently(t *testing.T) {
	if err := exerciseValidate(8, 60); err != nil {
		t.Fatal(err)
	}
}

func TestValidateBadArguments(t *testing.T) {
	if err := validateBadArguments(); err != nil {
		t.Fatal(err)
	}
}
