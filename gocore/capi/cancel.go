package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include "gocfg.h"
*/
import "C"

import (
	"context"

	"github.com/gocfg/gocfg/gocore/registry"
)

// A cancel handle lets another thread stop a long call: the binding makes
// one per call that may take long, and triggers it on Ctrl-C.
type canceller struct {
	ctx    context.Context
	cancel context.CancelFunc
}

//export gocfg_cancel_new
func gocfg_cancel_new(out *C.uintptr_t, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		if err := nonNull(out, "out"); err != nil {
			return err
		}
		ctx, cancel := context.WithCancel(context.Background())
		*out = C.uintptr_t(handles.Add(kindCancel, &canceller{ctx: ctx, cancel: cancel}))
		return nil
	})
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
			obj.(*canceller).cancel() // releases the context's resources
		}
	})
}
