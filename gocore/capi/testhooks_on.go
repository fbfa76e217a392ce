//go:build gocfg_testhooks

package main

// PanicPath is the path that makes the config exports panic before they
// read or change anything, in a test build, so the tests can prove that a
// panic becomes GOCFG_E_INTERNAL and the process carries on.
const PanicPath = "__gocfg_test_panic__"

// PanicAfterChangePath makes gocfg_config_set panic after its change went
// in, as a bug half way through a change would: the config must then be
// poisoned.
const PanicAfterChangePath = "__gocfg_test_panic_after_change__"

func testHook(path string) {
	if path == PanicPath {
		var m map[string]int
		m["boom"] = 1 // a genuine runtime panic: assignment to a nil map
	}
}

func testHookChanged(path string) {
	if path == PanicAfterChangePath {
		var s []int
		_ = s[len(path)] // a genuine runtime panic: index out of range
	}
}
