//go:build !gocfg_testhooks

package main

// The test hooks are no-ops in release builds: the panic switches exist
// only in libraries built with -tags gocfg_testhooks (the test suite builds
// one).
func testHook(string)        {}
func testHookChanged(string) {}
