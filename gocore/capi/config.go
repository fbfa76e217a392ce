package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include "gocfg.h"
*/
import "C"

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/gocfg/gocfg/gocore/codec/jsonfmt"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/registry"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
)

//export gocfg_config_new
func gocfg_config_new(out *C.uintptr_t, errOut **C.gocfg_error) (status C.int) {
	defer recoverPanic(&status, errOut)
	begin(errOut)
	if out == nil {
		return fail(errOut, fmt.Errorf("out is NULL: %w", errs.ErrInvalidArgument))
	}
	*out = C.uintptr_t(handles.Add(kindConfig, store.New()))
	return C.GOCFG_OK
}

//export gocfg_config_free
func gocfg_config_free(h C.uintptr_t) {
	defer func() { _ = recover() }() // nothing to report to: a free cannot fail
	handles.Remove(registry.Handle(h), kindConfig)
}

//export gocfg_config_set
func gocfg_config_set(h C.uintptr_t, key *C.char, keyLen C.size_t, val *C.char, valLen C.size_t, errOut **C.gocfg_error) (status C.int) {
	defer recoverPanic(&status, errOut)
	begin(errOut)
	c, err := lookupConfig(uintptr(h))
	if err != nil {
		return fail(errOut, err)
	}
	k, err := borrow(key, keyLen, "key")
	if err != nil {
		return fail(errOut, err)
	}
	v, err := borrow(val, valLen, "value")
	if err != nil {
		return fail(errOut, err)
	}
	if err := c.Set(strings.Clone(k), strings.Clone(v)); err != nil {
		return fail(errOut, err)
	}
	return C.GOCFG_OK
}

//export gocfg_config_get
func gocfg_config_get(h C.uintptr_t, key *C.char, keyLen C.size_t, buf *C.char, bufCap C.size_t, errOut **C.gocfg_error) (result C.int64_t) {
	defer recoverPanic(&result, errOut)
	begin(errOut)
	c, err := lookupConfig(uintptr(h))
	if err != nil {
		return C.int64_t(fail(errOut, err))
	}
	k, err := borrow(key, keyLen, "key")
	if err != nil {
		return C.int64_t(fail(errOut, err))
	}
	v, err := c.Get(k)
	if err != nil {
		return C.int64_t(fail(errOut, err))
	}
	s, ok := v.(string)
	if !ok {
		return C.int64_t(fail(errOut, fmt.Errorf("key %q holds a %T, not a string: %w", k, v, errs.ErrTypeMismatch)))
	}
	if len(s) <= int(bufCap) && len(s) > 0 {
		if buf == nil {
			return C.int64_t(fail(errOut, fmt.Errorf("buf is NULL with capacity %d: %w", uint64(bufCap), errs.ErrInvalidArgument)))
		}
		copy(unsafe.Slice((*byte)(unsafe.Pointer(buf)), len(s)), s)
	}
	return C.int64_t(len(s))
}

//export gocfg_config_delete
func gocfg_config_delete(h C.uintptr_t, key *C.char, keyLen C.size_t, errOut **C.gocfg_error) (status C.int) {
	defer recoverPanic(&status, errOut)
	begin(errOut)
	c, err := lookupConfig(uintptr(h))
	if err != nil {
		return fail(errOut, err)
	}
	k, err := borrow(key, keyLen, "key")
	if err != nil {
		return fail(errOut, err)
	}
	if err := c.Delete(k); err != nil {
		return fail(errOut, err)
	}
	return C.GOCFG_OK
}

//export gocfg_config_contains
func gocfg_config_contains(h C.uintptr_t, key *C.char, keyLen C.size_t, errOut **C.gocfg_error) (result C.int) {
	defer recoverPanic(&result, errOut)
	begin(errOut)
	c, err := lookupConfig(uintptr(h))
	if err != nil {
		return fail(errOut, err)
	}
	k, err := borrow(key, keyLen, "key")
	if err != nil {
		return fail(errOut, err)
	}
	if c.Contains(k) {
		return 1
	}
	return 0
}

//export gocfg_config_len
func gocfg_config_len(h C.uintptr_t, errOut **C.gocfg_error) (result C.int64_t) {
	defer recoverPanic(&result, errOut)
	begin(errOut)
	c, err := lookupConfig(uintptr(h))
	if err != nil {
		return C.int64_t(fail(errOut, err))
	}
	return C.int64_t(c.Len())
}

//export gocfg_config_keys
func gocfg_config_keys(h C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) (status C.int) {
	defer recoverPanic(&status, errOut)
	begin(errOut)
	c, err := lookupConfig(uintptr(h))
	if err != nil {
		return fail(errOut, err)
	}
	var b []byte
	for _, k := range c.Keys() {
		b = append(b, k...)
		b = append(b, 0)
	}
	if err := putBuffer(out, b); err != nil {
		return fail(errOut, err)
	}
	return C.GOCFG_OK
}

//export gocfg_config_clear
func gocfg_config_clear(h C.uintptr_t, errOut **C.gocfg_error) (status C.int) {
	defer recoverPanic(&status, errOut)
	begin(errOut)
	c, err := lookupConfig(uintptr(h))
	if err != nil {
		return fail(errOut, err)
	}
	c.Clear()
	return C.GOCFG_OK
}

//export gocfg_config_to_json
func gocfg_config_to_json(h C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) (status C.int) {
	defer recoverPanic(&status, errOut)
	begin(errOut)
	c, err := lookupConfig(uintptr(h))
	if err != nil {
		return fail(errOut, err)
	}
	var doc []byte
	err = c.View(func(root *value.Map) (err error) {
		doc, err = jsonfmt.Encode(root)
		return err
	})
	if err == nil {
		err = putBuffer(out, doc)
	}
	if err != nil {
		return fail(errOut, err)
	}
	return C.GOCFG_OK
}
