//go:build gocfg_testhooks

package main

// PanicPath is the path that makes the config exports panic in a test
// build, so the tests can prove that a panic becomes GOCFG_E_INTERNAL and
// the process carries on.
const PanicPath = "__gocfg_test_panic__"

func testHook(path string) {
	if path == PanicPath {
		var m map[string]int
		m["boom"] = 1 // a genuine runtime panic: assignment to a nil map
	}
}
