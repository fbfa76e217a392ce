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

	"github.com/gocfg/gocfg/gocore/dbconn"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/registry"
	"github.com/gocfg/gocfg/gocore/store"
)

// The handle registry is the library's only global mutable state besides
// the C memory arenas (calls.go).
var handles registry.Registry

const (
	kindConfig   registry.Kind = 1
	kindDatabase registry.Kind = 2
	kindCancel   registry.Kind = 3
	kindDBWatch  registry.Kind = 4
	kindLive     registry.Kind = 5
)

func init() {
	registry.RegisterKindName(kindConfig, "config")
	registry.RegisterKindName(kindDatabase, "database")
	registry.RegisterKindName(kindCancel, "cancel")
	registry.RegisterKindName(kindDBWatch, "database watch")
	registry.RegisterKindName(kindLive, "live configuration")
}

// lookup returns the object of kind k that h names.
func lookup[T any](h C.uintptr_t, k registry.Kind) (T, error) {
	var zero T
	obj, err := handles.Get(registry.Handle(h), k)
	if err != nil {
		return zero, err
	}
	t, ok := obj.(T)
	if !ok {
		return zero, fmt.Errorf("handle holds %T: %w", obj, errs.ErrInternal)
	}
	return t, nil
}

// configObj is what a config handle names: the store and its change
// counter, a cell in C memory that bindings read without a call.
type configObj struct {
	*store.Config
	cell *uint64
}

func lookupConfig(h C.uintptr_t) (*store.Config, error) {
	o, err := lookup[*configObj](h, kindConfig)
	if err != nil {
		return nil, err
	}
	return o.Config, nil
}

// newConfigHandle registers c and writes its handle to *out.
func newConfigHandle(c *store.Config, out *C.uintptr_t) error {
	if err := nonNull(out, "out"); err != nil {
		return err
	}
	cell, err := cells.New()
	if err != nil {
		return err
	}
	c.OnChange(func(uint64) { cells.Bump(cell) })
	*out = C.uintptr_t(handles.Add(kindConfig, &configObj{Config: c, cell: cell}))
	return nil
}

func lookupDB(h C.uintptr_t) (*dbconn.DB, error) { return lookup[*dbconn.DB](h, kindDatabase) }

// callContext returns the context a long call runs under: the cancel
// handle's, or one that is never cancelled when the caller passed NULL.
func callContext(h C.uintptr_t) (context.Context, error) {
	if h == 0 {
		return context.Background(), nil
	}
	c, err := lookup[*canceller](h, kindCancel)
	if err != nil {
		return nil, err
	}
	return c.ctx, nil
}
