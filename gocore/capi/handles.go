package main

import (
	"fmt"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/registry"
	"github.com/gocfg/gocfg/gocore/store"
)

// The handle registry is the library's only global mutable state.
var handles registry.Registry

const (
	kindConfig   registry.Kind = 1
	kindDatabase registry.Kind = 2
	kindCancel   registry.Kind = 3
	kindDBWatch  registry.Kind = 4
)

func init() {
	registry.RegisterKindName(kindConfig, "config")
	registry.RegisterKindName(kindDatabase, "database")
	registry.RegisterKindName(kindCancel, "cancel")
	registry.RegisterKindName(kindDBWatch, "database watch")
}

func registryHandle[T ~uint64 | ~uintptr](h T) registry.Handle { return registry.Handle(h) }

func lookupConfig(h uintptr) (*store.Config, error) {
	obj, err := handles.Get(registry.Handle(h), kindConfig)
	if err != nil {
		return nil, err
	}
	c, ok := obj.(*configObj)
	if !ok {
		return nil, fmt.Errorf("config handle holds %T: %w", obj, errs.ErrInternal)
	}
	return c.Config, nil
}
