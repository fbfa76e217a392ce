package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include <stdlib.h>
#include "gocfg.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"syscall"
	"unsafe"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/store"
)

// statusOf maps an error to the status code the header documents.
func statusOf(err error) C.int {
	switch {
	case errors.Is(err, errs.ErrInvalidHandle):
		return C.GOCFG_E_INVALID_HANDLE
	case errors.Is(err, store.ErrFrozen):
		return C.GOCFG_E_FROZEN
	case errors.Is(err, layer.ErrInterpolation):
		return C.GOCFG_E_INTERPOLATION
	case errors.Is(err, db.ErrConflict):
		return C.GOCFG_E_CONFLICT
	case errors.Is(err, db.ErrConnection):
		return C.GOCFG_E_CONNECTION
	case errors.Is(err, db.ErrAuth):
		return C.GOCFG_E_AUTH
	case errors.Is(err, errs.ErrInvalidArgument):
		return C.GOCFG_E_INVALID_ARGUMENT
	case errors.Is(err, errs.ErrNotFound):
		return C.GOCFG_E_NOT_FOUND
	case errors.Is(err, errs.ErrTypeMismatch):
		return C.GOCFG_E_TYPE_MISMATCH
	case errors.Is(err, errs.ErrParse):
		return C.GOCFG_E_PARSE
	case errors.Is(err, errs.ErrIO):
		return C.GOCFG_E_IO
	case errors.Is(err, errs.ErrClosed):
		return C.GOCFG_E_CLOSED
	case errors.Is(err, errs.ErrCancelled):
		return C.GOCFG_E_CANCELLED
	default:
		return C.GOCFG_E_INTERNAL
	}
}

// liveErrors tracks the gocfg_error structs handed out, so that a double
// free is a no-op and stats can report leaks.
var liveErrors = struct {
	sync.Mutex
	set map[uintptr]struct{}
}{set: map[uintptr]struct{}{}}

// fail reports err through errOut (when the caller asked for details) and
// returns its status code.
func fail(errOut **C.gocfg_error, err error) C.int {
	code := statusOf(err)
	if errOut == nil {
		return code
	}
	e := (*C.gocfg_error)(C.calloc(1, C.size_t(unsafe.Sizeof(C.gocfg_error{}))))
	if e == nil {
		return code
	}
	e.code = code
	e.message = C.CString(err.Error())
	var loc *errs.Located
	if errors.As(err, &loc) {
		if loc.Path != "" {
			e.path = C.CString(loc.Path)
		}
		e.line = C.int64_t(loc.Line)
		e.column = C.int64_t(loc.Column)
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		e.sys_errno = C.int(errno)
	}
	liveErrors.Lock()
	liveErrors.set[uintptr(unsafe.Pointer(e))] = struct{}{}
	liveErrors.Unlock()
	*errOut = e
	return code
}

// begin clears the error out-parameter, as the header promises on success.
func begin(errOut **C.gocfg_error) {
	if errOut != nil {
		*errOut = nil
	}
}

// status is any integer type an export returns its status in.
type status interface{ C.int | C.int64_t }

// recoverPanic turns a panic in an export into GOCFG_E_INTERNAL: a Go panic
// must never unwind into C, where it would kill the host process.
func recoverPanic[T status](result *T, errOut **C.gocfg_error) {
	if r := recover(); r != nil {
		*result = T(fail(errOut, fmt.Errorf("panic: %v\n%s: %w", r, debug.Stack(), errs.ErrInternal)))
	}
}

//export gocfg_error_free
func gocfg_error_free(e *C.gocfg_error) {
	if e == nil {
		return
	}
	liveErrors.Lock()
	_, ok := liveErrors.set[uintptr(unsafe.Pointer(e))]
	delete(liveErrors.set, uintptr(unsafe.Pointer(e)))
	liveErrors.Unlock()
	if !ok {
		return // already freed, or not ours
	}
	C.free(unsafe.Pointer(e.message))
	C.free(unsafe.Pointer(e.path))
	C.free(unsafe.Pointer(e))
}

func outstandingErrors() int {
	liveErrors.Lock()
	defer liveErrors.Unlock()
	return len(liveErrors.set)
}
