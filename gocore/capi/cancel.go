package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include "gocfg.h"
*/
import "C"

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/registry"
)

// A cancel handle lets another thread stop a long call: the binding makes
// one per call that may take long, and triggers it on Ctrl-C.
//
// A handle made with a time slice (gocfg_cancel_new_sliced) also lets the
// calling thread itself get control back while the call goes on: the
// calls that support it (see sliced) run their work in a goroutine and
// return GOCFG_E_PENDING when it is not done within the slice, and
// gocfg_cancel_wait collects the result later. An interpreter whose
// signal handlers run only between calls (CPython: Ctrl-C) thus needs no
// thread of its own per call.
type canceller struct {
	ctx    context.Context
	cancel context.CancelFunc
	slice  time.Duration // 0: calls run to the end in the calling thread

	mu      sync.Mutex
	started bool          // a sliced call was given this handle
	done    chan struct{} // closed when that call's work has ended
	rc      C.int64_t     // its result, once done
	rec     *C.gocfg_error
	taken   bool // the result was handed out (by the call or a wait)
	freed   bool // the handle was freed: the work's record is dropped at its end
}

//export gocfg_cancel_new
func gocfg_cancel_new(out *C.uintptr_t, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error { return newCanceller(out, 0) })
}

// maxSliceMs bounds a slice: a caller that waits longer than this in one
// crossing would not need slices.
const maxSliceMs = 60_000

//export gocfg_cancel_new_sliced
func gocfg_cancel_new_sliced(sliceMs C.int64_t, out *C.uintptr_t, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		if sliceMs < 1 || sliceMs > maxSliceMs {
			return fmt.Errorf("slice_ms %d: want 1 to %d: %w", int64(sliceMs), maxSliceMs, errs.ErrInvalidArgument)
		}
		return newCanceller(out, time.Duration(sliceMs)*time.Millisecond)
	})
}

func newCanceller(out *C.uintptr_t, slice time.Duration) error {
	if err := nonNull(out, "out"); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	*out = C.uintptr_t(handles.Add(kindCancel, &canceller{ctx: ctx, cancel: cancel, slice: slice}))
	return nil
}

//export gocfg_cancel_trigger
func gocfg_cancel_trigger(h C.uintptr_t) {
	release(func() {
		if c, err := lookup[*canceller](h, kindCancel); err == nil {
			c.cancel()
		}
	})
}

//export gocfg_cancel_free
func gocfg_cancel_free(h C.uintptr_t) {
	release(func() {
		if obj, ok := handles.Remove(registry.Handle(h), kindCancel); ok {
			c := obj.(*canceller)
			c.cancel() // releases the context's resources, and stops a pending call
			c.mu.Lock()
			c.freed = true
			if !c.taken && c.done != nil {
				select {
				case <-c.done: // ended, never collected: drop its record
					c.drop()
				default: // still running: its end drops the record
				}
			}
			c.mu.Unlock()
		}
	})
}

//export gocfg_cancel_wait
func gocfg_cancel_wait(h C.uintptr_t, timeoutMs C.int64_t, errOut **C.gocfg_error) C.int64_t {
	// The result is the sliced call's own (a status, count or length, and
	// its error record), passed through as it is.
	return length(errOut, reads, func() (int, error) {
		c, err := lookup[*canceller](h, kindCancel)
		if err != nil {
			return 0, err
		}
		if timeoutMs < 0 || timeoutMs > maxSliceMs {
			return 0, fmt.Errorf("timeout_ms %d: want 0 to %d: %w", int64(timeoutMs), maxSliceMs, errs.ErrInvalidArgument)
		}
		c.mu.Lock()
		done, taken := c.done, c.taken
		c.mu.Unlock()
		if done == nil || taken {
			return 0, fmt.Errorf("no sliced call to wait for on this cancel handle: %w", errs.ErrInvalidArgument)
		}
		return int(c.await(time.Duration(timeoutMs)*time.Millisecond, errOut)), nil
	})
}

// await waits up to d for the work to end and hands out its result, once:
// the call's result, its record in *errOut. GOCFG_E_PENDING while the
// work goes on.
func (c *canceller) await(d time.Duration, errOut **C.gocfg_error) C.int64_t {
	if d > 0 {
		t := time.NewTimer(d)
		select {
		case <-c.done:
		case <-t.C:
		}
		t.Stop()
	}
	select {
	case <-c.done:
	default:
		return C.GOCFG_E_PENDING
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.taken {
		return C.int64_t(fail(errOut, fmt.Errorf("the sliced call's result was already collected: %w", errs.ErrInvalidArgument)))
	}
	c.taken = true
	if errOut != nil {
		*errOut = c.rec
	} else {
		c.drop()
	}
	c.rec = nil
	return c.rc
}

// drop frees the work's error record (c.mu held).
func (c *canceller) drop() {
	if c.rec != nil {
		gocfg_error_free(c.rec)
		c.rec = nil
	}
}

// slicing reports whether cancel is a handle with a time slice that no
// call has used yet: a call given it would run sliced.
func slicing(cancel C.uintptr_t) bool {
	if cancel == 0 {
		return false
	}
	c, err := lookup[*canceller](cancel, kindCancel)
	if err != nil || c.slice == 0 {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.started
}

// sliced runs body, an export's whole body (its shape wrapper included,
// so that a panic is recovered and the result is final), for an export
// that takes a cancel handle. Without a handle, or with one that has no
// slice, body runs here. With a slice, it runs in a goroutine, and the
// caller gets its result if it ends within the slice, or GOCFG_E_PENDING
// and later the result from gocfg_cancel_wait. The body writes its
// outputs through the caller's pointers, which the header makes the
// caller keep valid until then.
func sliced[T C.int | C.int64_t](cancel C.uintptr_t, errOut **C.gocfg_error, body func(**C.gocfg_error) T) (rc T) {
	defer recoverInto(&rc, errOut, reads) // body recovers its own; this covers the rest
	var c *canceller
	if cancel != 0 {
		c, _ = lookup[*canceller](cancel, kindCancel) // a bad handle: body reports it
	}
	if c == nil || c.slice == 0 {
		return body(errOut)
	}
	if errOut != nil {
		*errOut = nil
	}
	c.mu.Lock()
	if c.started {
		c.mu.Unlock()
		return T(fail(errOut, fmt.Errorf("a sliced cancel handle serves one call: %w", errs.ErrInvalidArgument)))
	}
	c.started = true
	c.done = make(chan struct{})
	c.mu.Unlock()
	go func() {
		var rec *C.gocfg_error
		rc := body(&rec) // never panics: the export's shape wrapper recovers
		c.mu.Lock()
		c.rc, c.rec = C.int64_t(rc), rec
		close(c.done)
		if c.freed {
			c.drop() // nobody will collect it
		}
		c.mu.Unlock()
	}()
	return T(c.await(c.slice, errOut))
}
