package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include "gocfg.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"syscall"
	"unsafe"

	"github.com/gocfg/gocfg/gocore/cmem"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/limits"
	"github.com/gocfg/gocfg/gocore/registry"
)

// Every export is one of four shapes, and each shape is one wrapper below
// holding the call's prologue (clearing *err) and its panic recovery, so
// no export can forget either:
//
//	status  int: GOCFG_OK or a negative status
//	count   int: a non-negative answer (a count, 0/1, a type) or a status
//	length  int64_t: a length or count, or a status
//	release void: a free or trigger call, which has no one to report to
//
// The subject is the handle whose object the call changes, if any: a panic
// in the middle of a change poisons it (see "Panics" in gocfg.h).

type subject struct {
	h    registry.Handle
	kind registry.Kind
}

// reads is the subject of calls that change no existing object.
var reads subject

func changes(h C.uintptr_t) subject   { return subject{registry.Handle(h), kindConfig} }
func changesDB(h C.uintptr_t) subject { return subject{registry.Handle(h), kindDatabase} }

func status(errOut **C.gocfg_error, s subject, f func() error) (rc C.int) {
	if errOut != nil {
		*errOut = nil
	}
	defer recoverInto(&rc, errOut, s)
	if err := f(); err != nil {
		return fail(errOut, err)
	}
	return C.GOCFG_OK
}

func count(errOut **C.gocfg_error, s subject, f func() (int, error)) (rc C.int) {
	if errOut != nil {
		*errOut = nil
	}
	defer recoverInto(&rc, errOut, s)
	n, err := f()
	if err != nil {
		return fail(errOut, err)
	}
	return C.int(n)
}

func length(errOut **C.gocfg_error, s subject, f func() (int, error)) (n C.int64_t) {
	if errOut != nil {
		*errOut = nil
	}
	defer recoverInto(&n, errOut, s)
	v, err := f()
	if err != nil {
		return C.int64_t(fail(errOut, err))
	}
	return C.int64_t(v)
}

func release(f func()) {
	defer func() { _ = recover() }() // a free cannot fail, and must not unwind into C
	f()
}

// recoverInto turns a panic into GOCFG_E_INTERNAL: a Go panic must never
// unwind into C, where it would kill the host process. When the call was
// changing an object, the object is poisoned first.
func recoverInto[T C.int | C.int64_t](result *T, errOut **C.gocfg_error, s subject) {
	r := recover()
	if r == nil {
		return
	}
	export, where := panicSite()
	err := fmt.Errorf("panic in %s: %v (at %s): %w", export, r, where, errs.ErrInternal)
	if s.h != 0 {
		handles.Poison(s.h, s.kind, fmt.Sprintf("a panic in %s interrupted a change to it (%v)", export, r))
	}
	*result = T(fail(errOut, err))
}

// panicSite names the export that was running and the line that panicked
// (one line, not a stack: messages reach users and logs).
func panicSite() (export, where string) {
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		f, more := frames.Next()
		fn := f.Function
		// "main.gocfg_x" in the library, "<import path>.gocfg_x" in tests.
		name := fn[strings.LastIndex(fn, "/")+1:]
		name = name[strings.Index(name, ".")+1:]
		switch {
		case strings.HasPrefix(name, "gocfg_") && !strings.Contains(name, "."):
			export = name
		case where == "" && !strings.HasPrefix(fn, "runtime."):
			where = fmt.Sprintf("%s:%d", trimPath(f.File), f.Line)
		}
		if !more || export != "" {
			break
		}
	}
	if export == "" {
		export = "gocfg"
	}
	return export, where
}

func trimPath(file string) string {
	if i := strings.Index(file, "gocore/"); i >= 0 {
		return file[i:]
	}
	return file
}

// statusOf maps an error to the status code the header documents.
func statusOf(err error) C.int {
	switch {
	case errors.Is(err, errs.ErrInvalidHandle):
		return C.GOCFG_E_INVALID_HANDLE
	case errors.Is(err, errs.ErrFrozen):
		return C.GOCFG_E_FROZEN
	case errors.Is(err, errs.ErrInterpolation):
		return C.GOCFG_E_INTERPOLATION
	case errors.Is(err, errs.ErrConflict):
		return C.GOCFG_E_CONFLICT
	case errors.Is(err, errs.ErrConnection):
		return C.GOCFG_E_CONNECTION
	case errors.Is(err, errs.ErrAuth):
		return C.GOCFG_E_AUTH
	case errors.Is(err, errs.ErrBusy):
		return C.GOCFG_E_BUSY
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

// C memory. Error records and buffers come from arenas whose addresses
// are not reused while a stale pointer may still be freed (gocore/cmem),
// so a second free is a no-op whatever was allocated since. Each kind has
// its own arena, which also counts what is outstanding for gocfg_stats.
var (
	errorArena  = newArena(cmem.DefaultReserve)
	bufferArena = newArena(cmem.DefaultReserve)
	cellArena   = newArena(1 << 30)
)

func newArena(size int) *cmem.Arena {
	a, err := cmem.New(size)
	if err != nil {
		return nil // every allocation then fails with an error, not a crash
	}
	return a
}

func alloc(a *cmem.Arena, n int) (unsafe.Pointer, error) {
	if a == nil {
		return nil, fmt.Errorf("the library could not reserve memory at start: %w", errs.ErrInternal)
	}
	return a.Alloc(n)
}

// fail reports err through errOut (when the caller asked for details) and
// returns its status code. The record and its strings are one block.
func fail(errOut **C.gocfg_error, err error) C.int {
	code := statusOf(err)
	if errOut == nil {
		return code
	}
	msg, path := errs.Message(err), ""
	var loc *errs.Located
	if errors.As(err, &loc) {
		path = loc.Path
	}
	// The record's strings are NUL-terminated, and a key (so a path) may
	// hold NUL: write it as \0 rather than cut the message short there.
	msg, path = strings.ReplaceAll(msg, "\x00", `\0`), strings.ReplaceAll(path, "\x00", `\0`)
	// The message is for people: what it quotes as it is (a file name, a
	// key) must not act on their terminal. The path stays exact, for code.
	msg = errs.Printable(msg)
	head := int(unsafe.Sizeof(C.gocfg_error{}))
	size := head + len(msg) + 1
	if path != "" {
		size += len(path) + 1
	}
	p, aerr := alloc(errorArena, size)
	if aerr != nil {
		return code
	}
	block := cmem.Bytes(p, size)
	e := (*C.gocfg_error)(p)
	*e = C.gocfg_error{code: code}
	e.message = cString(block[head:], msg)
	if path != "" {
		e.path = cString(block[head+len(msg)+1:], path)
	}
	if loc != nil {
		e.line = C.int64_t(loc.Line)
		e.column = C.int64_t(loc.Column)
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		e.sys_errno = C.int(errno)
	}
	*errOut = e
	return code
}

// cString writes s and a NUL at the start of dst.
func cString(dst []byte, s string) *C.char {
	copy(dst, s)
	dst[len(s)] = 0
	return (*C.char)(unsafe.Pointer(&dst[0]))
}

//export gocfg_error_free
func gocfg_error_free(e *C.gocfg_error) {
	release(func() {
		if errorArena != nil {
			errorArena.Free(unsafe.Pointer(e)) // NULL, stale and foreign pointers: no-ops
		}
	})
}

// putBuffer copies b into fresh C memory and describes it in *out.
func putBuffer(out *C.gocfg_buffer, b []byte) error {
	if out == nil {
		return fmt.Errorf("output buffer pointer is NULL: %w", errs.ErrInvalidArgument)
	}
	p, err := alloc(bufferArena, len(b)+1)
	if err != nil {
		return err
	}
	dst := cmem.Bytes(p, len(b)+1)
	copy(dst, b)
	dst[len(b)] = 0
	out.data = (*C.char)(p)
	out.len = C.size_t(len(b))
	return nil
}

//export gocfg_buffer_free
func gocfg_buffer_free(buf *C.gocfg_buffer) {
	release(func() {
		if buf == nil {
			return
		}
		if bufferArena != nil {
			bufferArena.Free(unsafe.Pointer(buf.data))
		}
		buf.data, buf.len = nil, 0
	})
}

//export gocfg_stats_get
func gocfg_stats_get(out *C.gocfg_stats) C.int {
	return status(nil, reads, func() error {
		if out == nil {
			return fmt.Errorf("out is NULL: %w", errs.ErrInvalidArgument)
		}
		*out = C.gocfg_stats{live_handles: C.int64_t(handles.Live()), goroutines: C.int64_t(runtime.NumGoroutine())}
		if bufferArena != nil {
			blocks, bytes := bufferArena.Stats()
			out.outstanding_buffers, out.outstanding_bytes = C.int64_t(blocks), C.int64_t(bytes)
		}
		if errorArena != nil {
			blocks, _ := errorArena.Stats()
			out.outstanding_errors = C.int64_t(blocks)
		}
		return nil
	})
}

//export gocfg_abi_version
func gocfg_abi_version() C.int { return 1 }

// borrow views a path, key, name, format or URL in C memory as a Go string
// without copying, after checking its length against the bound for such
// strings. The string is valid only during the call: anything kept must be
// copied (see text).
func borrow(p *C.char, n C.size_t, what string) (string, error) {
	if err := limits.CheckPathLength(what, uint64(n)); err != nil {
		return "", err
	}
	return cBytes(p, n, what)
}

// borrowData is borrow for documents (and schemas), whose bound is the
// document size.
func borrowData(p *C.char, n C.size_t, what string) (string, error) {
	if err := limits.CheckDataLength(what, uint64(n)); err != nil {
		return "", err
	}
	return cBytes(p, n, what)
}

// borrowValue is borrow for values in the library's encoding and entry
// lists (the environment), whose bound is wider than a document's
// (limits.CheckValueLength): what a document at the bound decodes to must
// come back in.
func borrowValue(p *C.char, n C.size_t, what string) (string, error) {
	if err := limits.CheckValueLength(what, uint64(n)); err != nil {
		return "", err
	}
	return cBytes(p, n, what)
}

// cBytes is the unchecked part of borrow: the length was bounded before, so
// that no caller-chosen length reaches the conversion below.
func cBytes(p *C.char, n C.size_t, what string) (string, error) {
	if n == 0 {
		return "", nil
	}
	if p == nil {
		return "", fmt.Errorf("%s is NULL with length %d: %w", what, uint64(n), errs.ErrInvalidArgument)
	}
	return unsafe.String((*byte)(unsafe.Pointer(p)), int(n)), nil
}

// text borrows a (pointer, length) string and returns a copy, for what
// the library keeps: the caller's memory is ours only during the call.
func text(p *C.char, n C.size_t, what string) (string, error) {
	s, err := borrow(p, n, what)
	return strings.Clone(s), err
}

// entries splits a buffer of NUL-terminated entries, copying each.
func entries(p *C.char, n C.size_t, what string) ([]string, error) {
	raw, err := borrowValue(p, n, what)
	if err != nil || raw == "" {
		return nil, err
	}
	parts := strings.Split(strings.TrimSuffix(raw, "\x00"), "\x00")
	for i, s := range parts {
		parts[i] = strings.Clone(s)
	}
	return parts, nil
}

// nonNull reports a NULL out-parameter.
func nonNull[T any](p *T, what string) error {
	if p == nil {
		return fmt.Errorf("%s is NULL: %w", what, errs.ErrInvalidArgument)
	}
	return nil
}
