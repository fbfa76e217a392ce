//go:build gocfg_testhooks

package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include <stdlib.h>
#include "gocfg.h"
*/
import "C"

import (
	"fmt"
	"strings"
	"unsafe"
)

// cArg is a Go string in C memory; free it with C.free.
func cArg(s string) (*C.char, C.size_t) { return C.CString(s), C.size_t(len(s)) }

// callError runs an export that fails and returns its status and message.
func callError(call func(e **C.gocfg_error) C.int) (C.int, string) {
	var e *C.gocfg_error
	rc := call(&e)
	if e == nil {
		return rc, ""
	}
	defer gocfg_error_free(e)
	return rc, C.GoString(e.message)
}

// checkPanicPolicy proves the policy the header states under "Panics": a
// panic in a read leaves the config usable; a panic in a change poisons
// that config (every call on it then fails with GOCFG_E_INTERNAL, saying
// why) until it is freed; other configs carry on.
func checkPanicPolicy() error {
	var a, b C.uintptr_t
	if gocfg_config_new(&a, nil) != C.GOCFG_OK || gocfg_config_new(&b, nil) != C.GOCFG_OK {
		return fmt.Errorf("new failed")
	}
	key, keyLen := cArg("x")
	defer C.free(unsafe.Pointer(key))
	panicPath, panicLen := cArg(PanicPath)
	defer C.free(unsafe.Pointer(panicPath))
	after, afterLen := cArg(PanicAfterChangePath)
	defer C.free(unsafe.Pointer(after))
	var got C.int64_t

	gocfg_config_set_int(a, key, keyLen, 1, nil)
	gocfg_config_set_int(b, key, keyLen, 2, nil)

	// A panic in a read: an internal error naming the export, no stack.
	rc, msg := callError(func(e **C.gocfg_error) C.int { return gocfg_config_get_int(a, panicPath, panicLen, &got, e) })
	if rc != C.GOCFG_E_INTERNAL || !strings.Contains(msg, "panic in gocfg_config_get_int") || strings.Contains(msg, "goroutine ") {
		return fmt.Errorf("read panic: status %d, message %q", rc, msg)
	}
	if rc := gocfg_config_get_int(a, key, keyLen, &got, nil); rc != C.GOCFG_OK || got != 1 {
		return fmt.Errorf("a read panic made the config unusable: status %d", rc)
	}

	// A panic after a change went in: the config is poisoned.
	val, valLen := cArg("half")
	defer C.free(unsafe.Pointer(val))
	rc, msg = callError(func(e **C.gocfg_error) C.int { return gocfg_config_set(a, after, afterLen, val, valLen, e) })
	if rc != C.GOCFG_E_INTERNAL || !strings.Contains(msg, "panic in gocfg_config_set") {
		return fmt.Errorf("change panic: status %d, message %q", rc, msg)
	}
	var out C.gocfg_buffer
	var cp C.uintptr_t
	calls := map[string]func(e **C.gocfg_error) C.int{
		"get_int":  func(e **C.gocfg_error) C.int { return gocfg_config_get_int(a, key, keyLen, &got, e) },
		"set_int":  func(e **C.gocfg_error) C.int { return gocfg_config_set_int(a, key, keyLen, 5, e) },
		"len":      func(e **C.gocfg_error) C.int { return C.int(gocfg_config_len(a, nil, 0, e)) },
		"keys":     func(e **C.gocfg_error) C.int { return gocfg_config_keys(a, nil, 0, &out, e) },
		"copy":     func(e **C.gocfg_error) C.int { return gocfg_config_copy(a, &cp, e) },
		"freeze":   func(e **C.gocfg_error) C.int { return gocfg_config_freeze(a, e) },
		"override": func(e **C.gocfg_error) C.int { return gocfg_config_override_layer(a, nil, 0, 0, e) },
	}
	for name, call := range calls {
		rc, msg := callError(call)
		if rc != C.GOCFG_E_INTERNAL || !strings.Contains(msg, "unusable") || !strings.Contains(msg, "gocfg_config_set") {
			return fmt.Errorf("%s on a poisoned config: status %d, message %q", name, rc, msg)
		}
	}
	if rc := gocfg_config_get_int(b, key, keyLen, &got, nil); rc != C.GOCFG_OK || got != 2 {
		return fmt.Errorf("another config was hurt: status %d, value %d", rc, got)
	}
	gocfg_config_free(a) // a poisoned handle can still be freed
	if rc := gocfg_config_get_int(a, key, keyLen, &got, nil); rc != C.GOCFG_E_INVALID_HANDLE {
		return fmt.Errorf("freed poisoned config: status %d", rc)
	}
	gocfg_config_free(b)
	return leaks()
}

func leaks() error {
	var st C.gocfg_stats
	gocfg_stats_get(&st)
	if st.live_handles != 0 || st.outstanding_buffers != 0 || st.outstanding_errors != 0 {
		return fmt.Errorf("leaked: %d handles, %d buffers, %d errors", st.live_handles, st.outstanding_buffers, st.outstanding_errors)
	}
	return nil
}

// checkStaleFrees frees error records and buffers twice, with many
// allocations between the two frees, and checks that the second free
// touches nothing allocated since (issue 14, item 2).
func checkStaleFrees() error {
	var h C.uintptr_t
	gocfg_config_new(&h, nil)
	defer gocfg_config_free(h)
	missing, missingLen := cArg("missing")
	defer C.free(unsafe.Pointer(missing))
	var got C.int64_t

	var stale *C.gocfg_error
	gocfg_config_get_int(h, missing, missingLen, &got, &stale)
	var staleBuf C.gocfg_buffer
	gocfg_config_keys(h, nil, 0, &staleBuf, nil)
	copyOfBuf := staleBuf
	gocfg_error_free(stale)
	gocfg_buffer_free(&staleBuf)

	var live []*C.gocfg_error
	var bufs []C.gocfg_buffer
	for i := 0; i < 1000; i++ {
		var e *C.gocfg_error
		gocfg_config_get_int(h, missing, missingLen, &got, &e)
		if e == stale {
			return fmt.Errorf("error %d reuses a freed record's address", i)
		}
		var b C.gocfg_buffer
		gocfg_config_keys(h, nil, 0, &b, nil)
		live, bufs = append(live, e), append(bufs, b)
	}
	gocfg_error_free(stale)
	gocfg_buffer_free(&copyOfBuf)
	var st C.gocfg_stats
	gocfg_stats_get(&st)
	if st.outstanding_errors != 1000 || st.outstanding_buffers != 1000 {
		return fmt.Errorf("a stale free freed a live record: %d errors, %d buffers outstanding", st.outstanding_errors, st.outstanding_buffers)
	}
	for i, e := range live {
		if !strings.Contains(C.GoString(e.message), "missing") {
			return fmt.Errorf("record %d damaged: %q", i, C.GoString(e.message))
		}
		gocfg_error_free(e)
		gocfg_error_free(e)
		gocfg_buffer_free(&bufs[i])
	}
	return nil
}
