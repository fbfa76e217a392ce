package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include <stdint.h>
#include <stdlib.h>
#include "gocfg.h"
*/
import "C"

import (
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/store"
)

// Each config has a change counter in C memory that bindings read without
// a call, to keep a cache of values valid: if the counter has not moved,
// nothing changed. The cells live in slabs that are never freed, and a
// freed config's cell is recycled, so a binding reading a cell while
// another thread frees the config reads valid memory. Every value a cell
// ever takes comes from one global counter, so a recycled cell never shows
// a value that a cache of its previous owner could mistake for its own.

const slabCells = 1024

var cells = struct {
	sync.Mutex
	free []*uint64
}{}

var lastVersion atomic.Uint64

func newCell() *uint64 {
	cells.Lock()
	defer cells.Unlock()
	if len(cells.free) == 0 {
		slab := C.calloc(slabCells, 8)
		if slab == nil {
			panic("out of memory allocating version cells")
		}
		all := unsafe.Slice((*uint64)(slab), slabCells)
		for i := range all {
			cells.free = append(cells.free, &all[i])
		}
	}
	c := cells.free[len(cells.free)-1]
	cells.free = cells.free[:len(cells.free)-1]
	atomic.StoreUint64(c, lastVersion.Add(1))
	return c
}

func releaseCell(c *uint64) {
	atomic.StoreUint64(c, lastVersion.Add(1)) // invalidates any cache still looking
	cells.Lock()
	cells.free = append(cells.free, c)
	cells.Unlock()
}

// configObj is what a config handle names: the store and its cell.
type configObj struct {
	*store.Config
	cell *uint64
}

func newConfigObj(c *store.Config) *configObj {
	o := &configObj{Config: c, cell: newCell()}
	c.OnChange(func(uint64) { atomic.StoreUint64(o.cell, lastVersion.Add(1)) })
	return o
}

//export gocfg_config_version_cell
func gocfg_config_version_cell(h C.uintptr_t, out **C.uint64_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	if out == nil {
		return fail(errOut, fmt.Errorf("out is NULL: %w", errs.ErrInvalidArgument))
	}
	obj, err := handles.Get(registryHandle(h), kindConfig)
	if err != nil {
		return fail(errOut, err)
	}
	*out = (*C.uint64_t)(unsafe.Pointer(obj.(*configObj).cell))
	return C.GOCFG_OK
}
