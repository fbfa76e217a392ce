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

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/registry"
)

// A cancel handle lets another thread stop a long call: the binding makes
// one per call that may take long, and triggers it on Ctrl-C.
type canceller struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// callContext returns the context a long call runs under: the cancel
// handle's, or one that is never cancelled when the caller passed NULL.
func callContext(h C.uintptr_t) (context.Context, error) {
	if h == 0 {
		return context.Background(), nil
	}
	obj, err := handles.Get(registry.Handle(h), kindCancel)
	if err != nil {
		return nil, err
	}
	return obj.(*canceller).ctx, nil
}

// interrupted turns a context's end into the error the header documents.
func interrupted(ctx context.Context) error {
	if ctx.Err() != nil {
		return fmt.Errorf("the call was cancelled: %w", errs.ErrCancelled)
	}
	return nil
}

//export gocfg_cancel_new
func gocfg_cancel_new(out *C.uintptr_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	if out == nil {
		return fail(errOut, fmt.Errorf("out is NULL: %w", errs.ErrInvalidArgument))
	}
	ctx, cancel := context.WithCancel(context.Background())
	*out = C.uintptr_t(handles.Add(kindCancel, &canceller{ctx: ctx, cancel: cancel}))
	return C.GOCFG_OK
}

//export gocfg_cancel_trigger
func gocfg_cancel_trigger(h C.uintptr_t) {
	defer func() { _ = recover() }()
	if obj, err := handles.Get(registry.Handle(h), kindCancel); err == nil {
		obj.(*canceller).cancel()
	}
}

//export gocfg_cancel_free
func gocfg_cancel_free(h C.uintptr_t) {
	defer func() { _ = recover() }()
	if obj, ok := handles.Remove(registry.Handle(h), kindCancel); ok {
		obj.(*canceller).cancel() // releases the context's resources
	}
}
