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
	"sync"
	"sync/atomic"
	"unsafe"
)

// exerciseExports drives the exports the way a binding does, from many
// goroutines at once, on one shared config, with C memory for every
// argument. The race detector watches the whole export layer while it runs
// (go test -race -tags gocfg_testhooks ./gocore/capi): a race-instrumented
// library cannot be loaded into CPython, whose memory layout the race
// runtime cannot shadow, so this is where the export layer meets -race.
func exerciseExports(goroutines, iterations int) error {
	var h C.uintptr_t
	if rc := gocfg_config_new(&h, nil); rc != C.GOCFG_OK {
		return fmt.Errorf("new: %d", rc)
	}
	var cell *C.uint64_t
	if rc := gocfg_config_version_cell(h, &cell, nil); rc != C.GOCFG_OK {
		return fmt.Errorf("version cell: %d", rc)
	}
	cstr := func(s string) (*C.char, C.size_t) { return C.CString(s), C.size_t(len(s)) }
	json, jsonLen := cstr("json")
	defer C.free(unsafe.Pointer(json))

	bufs := make([]*C.char, goroutines)
	for g := range bufs {
		bufs[g] = (*C.char)(C.malloc(256))
		defer C.free(unsafe.Pointer(bufs[g]))
	}
	return inParallel(goroutines, iterations, h, func(g, i int) C.int {
		buf := bufs[g]
		path, pathLen := cstr(fmt.Sprintf("g%d.k%d", g, i%7))
		val, valLen := cstr(fmt.Sprint(i))
		defer C.free(unsafe.Pointer(path))
		defer C.free(unsafe.Pointer(val))
		var rc C.int
		switch i % 8 {
		case 0:
			rc = gocfg_config_set(h, path, pathLen, val, valLen, nil)
		case 1:
			if n := gocfg_config_get_value(h, path, pathLen, buf, 256, nil); n < 0 && n != C.GOCFG_E_NOT_FOUND {
				rc = C.int(n)
			}
		case 2:
			rc = gocfg_config_set_int(h, path, pathLen, C.int64_t(i), nil)
		case 3:
			var out C.gocfg_buffer
			if rc = gocfg_config_dump(h, json, jsonLen, &out, nil); rc == C.GOCFG_OK {
				gocfg_buffer_free(&out)
			}
		case 4:
			var out C.gocfg_buffer
			if rc = gocfg_config_keys(h, nil, 0, &out, nil); rc == C.GOCFG_OK {
				gocfg_buffer_free(&out)
			}
		case 5:
			var e *C.gocfg_error
			if r := gocfg_config_delete(h, path, pathLen, &e); r != C.GOCFG_OK && r != C.GOCFG_E_NOT_FOUND {
				rc = r
			}
			gocfg_error_free(e)
		case 6:
			var cp C.uintptr_t
			if rc = gocfg_config_copy(h, &cp, nil); rc == C.GOCFG_OK {
				gocfg_config_free(cp)
			}
		case 7:
			_ = atomic.LoadUint64((*uint64)(unsafe.Pointer(cell)))
			if r := gocfg_config_contains(h, path, pathLen, nil); r < 0 {
				rc = r
			}
		}
		return rc
	})
}

// inParallel runs step(g, i) for i < iterations on each of goroutines
// goroutines at once, stops at the first status that is not GOCFG_OK,
// frees h, and checks that nothing leaked.
func inParallel(goroutines, iterations int, h C.uintptr_t, step func(g, i int) C.int) error {
	var wg sync.WaitGroup
	errc := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < iterations; i++ {
				if rc := step(g, i); rc != C.GOCFG_OK {
					errc <- fmt.Errorf("goroutine %d step %d: status %d", g, i, rc)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errc)
	gocfg_config_free(h)
	if err := <-errc; err != nil {
		return err
	}
	return leaks()
}
