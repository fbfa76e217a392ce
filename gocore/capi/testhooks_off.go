//go:build !gocfg_testhooks

package main

// testHook is a no-op in release builds: the panic switch below exists only
// in libraries built with -tags gocfg_testhooks (the test suite builds one).
func testHook(string) {}
