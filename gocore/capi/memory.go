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
	"runtime"
	"sync"
	"unsafe"

	"github.com/gocfg/gocfg/gocore/errs"
)

// Buffers are C memory (malloc), because cgo forbids C from keeping Go
// memory. Each one is recorded until freed, for stats and so that freeing a
// buffer the library does not own is a no-op rather than heap corruption.
var buffers = struct {
	sync.Mutex
	sizes map[uintptr]int
	bytes int
}{sizes: map[uintptr]int{}}

// putBuffer copies b into fresh C memory and describes it in *out.
func putBuffer(out *C.gocfg_buffer, b []byte) error {
	if out == nil {
		return fmt.Errorf("output buffer pointer is NULL: %w", errs.ErrInvalidArgument)
	}
	p := C.malloc(C.size_t(len(b) + 1))
	if p == nil {
		return fmt.Errorf("out of memory allocating %d bytes: %w", len(b)+1, errs.ErrInternal)
	}
	dst := unsafe.Slice((*byte)(p), len(b)+1)
	copy(dst, b)
	dst[len(b)] = 0
	buffers.Lock()
	buffers.sizes[uintptr(p)] = len(b)
	buffers.bytes += len(b)
	buffers.Unlock()
	out.data = (*C.char)(p)
	out.len = C.size_t(len(b))
	return nil
}

//export gocfg_buffer_free
func gocfg_buffer_free(buf *C.gocfg_buffer) {
	if buf == nil || buf.data == nil {
		return
	}
	p := uintptr(unsafe.Pointer(buf.data))
	buffers.Lock()
	n, ok := buffers.sizes[p]
	if ok {
		delete(buffers.sizes, p)
		buffers.bytes -= n
	}
	buffers.Unlock()
	if ok {
		C.free(unsafe.Pointer(buf.data))
	}
	buf.data, buf.len = nil, 0
}

//export gocfg_stats_get
func gocfg_stats_get(out *C.gocfg_stats) (status C.int) {
	defer recoverPanic(&status, nil)
	if out == nil {
		return C.GOCFG_E_INVALID_ARGUMENT
	}
	buffers.Lock()
	out.outstanding_buffers = C.int64_t(len(buffers.sizes))
	out.outstanding_bytes = C.int64_t(buffers.bytes)
	buffers.Unlock()
	out.live_handles = C.int64_t(handles.Live())
	out.outstanding_errors = C.int64_t(outstandingErrors())
	out.goroutines = C.int64_t(runtime.NumGoroutine())
	return C.GOCFG_OK
}

//export gocfg_abi_version
func gocfg_abi_version() C.int { return 1 }

// borrow views C bytes as a Go string without copying. The string is valid
// only during the call: anything kept must be copied (strings.Clone).
func borrow(p *C.char, n C.size_t, what string) (string, error) {
	if n == 0 {
		return "", nil
	}
	if p == nil {
		return "", fmt.Errorf("%s is NULL with length %d: %w", what, uint64(n), errs.ErrInvalidArgument)
	}
	return unsafe.String((*byte)(unsafe.Pointer(p)), int(n)), nil
}
