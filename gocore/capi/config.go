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
	"strings"
	"unsafe"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/registry"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
	"github.com/gocfg/gocfg/gocore/wire"
)

// configCall is the shape shared by the exports that act on one config
// at one path: it finds the config, borrows the path, and runs f.
func configCall(h C.uintptr_t, path *C.char, pathLen C.size_t, f func(c *store.Config, path string) error) error {
	c, err := lookupConfig(uintptr(h))
	if err != nil {
		return err
	}
	p, err := borrow(path, pathLen, "path")
	if err != nil {
		return err
	}
	testHook(p)
	// A copy, because the store may keep the path's segments as keys and
	// the caller's memory is ours only for the duration of the call.
	return f(c, strings.Clone(p))
}

// report turns an error (or nil) into the status an export returns.
func report(errOut **C.gocfg_error, err error) C.int {
	if err != nil {
		return fail(errOut, err)
	}
	return C.GOCFG_OK
}

// within makes an error found inside a value name the full path: the
// decoder only knows where it was inside the value being set.
func within(path string, err error) error {
	var loc *errs.Located
	if path == "" || !errors.As(err, &loc) {
		return err
	}
	inner := *loc
	if inner.Path == "" {
		inner.Path = path
	} else {
		inner.Path = path + "." + inner.Path
	}
	return &inner
}

// configRead is configCall for calls that only read: the path is used
// in place, without a copy.
func configRead(h C.uintptr_t, path *C.char, pathLen C.size_t, f func(c *store.Config, path string) error) error {
	c, err := lookupConfig(uintptr(h))
	if err != nil {
		return err
	}
	p, err := borrow(path, pathLen, "path")
	if err != nil {
		return err
	}
	testHook(p)
	return f(c, p)
}

// putValue writes v's wire encoding into the caller's buffer and returns
// its length (the needed capacity when it does not fit).
func putValue(v any, buf *C.char, bufCap C.size_t) (C.int64_t, error) {
	var small [64]byte
	b, ok := wire.AppendScalar(small[:0], v)
	if !ok {
		if _, isMap := v.(*value.Map); isMap {
			b = []byte{'.'} // a map is announced, not copied: see the header
		} else {
			var err error
			if b, err = wire.Encode(v); err != nil {
				return 0, err
			}
		}
	}
	if len(b) <= int(bufCap) {
		if buf == nil {
			return 0, fmt.Errorf("buf is NULL with capacity %d: %w", uint64(bufCap), errs.ErrInvalidArgument)
		}
		copy(unsafe.Slice((*byte)(unsafe.Pointer(buf)), len(b)), b)
	}
	return C.int64_t(len(b)), nil
}

func newConfigHandle(c *store.Config) C.uintptr_t {
	return C.uintptr_t(handles.Add(kindConfig, newConfigObj(c)))
}

//export gocfg_config_new
func gocfg_config_new(out *C.uintptr_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	if out == nil {
		return fail(errOut, fmt.Errorf("out is NULL: %w", errs.ErrInvalidArgument))
	}
	*out = newConfigHandle(store.New())
	return C.GOCFG_OK
}

//export gocfg_config_free
func gocfg_config_free(h C.uintptr_t) {
	defer func() { _ = recover() }() // nothing to report to: a free cannot fail
	if obj, ok := handles.Remove(registry.Handle(h), kindConfig); ok {
		releaseCell(obj.(*configObj).cell)
	}
}

//export gocfg_config_set_value
func gocfg_config_set_value(h C.uintptr_t, path *C.char, pathLen C.size_t, data *C.char, dataLen C.size_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, configCall(h, path, pathLen, func(c *store.Config, p string) error {
		raw, err := borrow(data, dataLen, "data")
		if err != nil {
			return err
		}
		v, err := wire.Decode(unsafe.Slice(unsafe.StringData(raw), len(raw)))
		if err != nil {
			return within(p, err)
		}
		return c.Set(p, v)
	}))
}

//export gocfg_config_get_value
func gocfg_config_get_value(h C.uintptr_t, path *C.char, pathLen C.size_t, buf *C.char, bufCap C.size_t, errOut **C.gocfg_error) (result C.int64_t) {
	defer recoverPanic(&result, errOut)
	begin(errOut)
	var n C.int64_t
	err := configRead(h, path, pathLen, func(c *store.Config, p string) error {
		return c.View(p, func(v any) (err error) {
			n, err = putValue(v, buf, bufCap)
			return err
		})
	})
	if err != nil {
		return C.int64_t(fail(errOut, err))
	}
	return n
}

//export gocfg_config_merge
func gocfg_config_merge(h C.uintptr_t, path *C.char, pathLen C.size_t, data *C.char, dataLen C.size_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, configCall(h, path, pathLen, func(c *store.Config, p string) error {
		raw, err := borrow(data, dataLen, "data")
		if err != nil {
			return err
		}
		v, err := wire.Decode(unsafe.Slice(unsafe.StringData(raw), len(raw)))
		if err != nil {
			return within(p, err)
		}
		m, ok := v.(*value.Map)
		if !ok {
			return fmt.Errorf("merge needs a map, not a %s: %w", value.TypeName(v), errs.ErrTypeMismatch)
		}
		return c.Merge(p, m)
	}))
}

//export gocfg_config_export
func gocfg_config_export(h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.gocfg_buffer, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, configRead(h, path, pathLen, func(c *store.Config, p string) error {
		var b []byte
		// Resolved: an export gives what reads give (see gocfg.h, layers).
		err := c.ViewResolved(p, func(v any) (err error) {
			b, err = wire.Encode(v)
			return err
		})
		if err != nil {
			return err
		}
		return putBuffer(out, b)
	}))
}

//export gocfg_config_set
func gocfg_config_set(h C.uintptr_t, path *C.char, pathLen C.size_t, val *C.char, valLen C.size_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, configCall(h, path, pathLen, func(c *store.Config, p string) error {
		v, err := borrow(val, valLen, "value")
		if err != nil {
			return err
		}
		return c.Set(p, strings.Clone(v))
	}))
}

//export gocfg_config_get
func gocfg_config_get(h C.uintptr_t, path *C.char, pathLen C.size_t, buf *C.char, bufCap C.size_t, errOut **C.gocfg_error) (result C.int64_t) {
	defer recoverPanic(&result, errOut)
	begin(errOut)
	var n int
	err := configRead(h, path, pathLen, func(c *store.Config, p string) error {
		return c.View(p, func(v any) error {
			s, ok := v.(string)
			if !ok {
				return &errs.Located{Kind: errs.ErrTypeMismatch, Path: p, Msg: fmt.Sprintf("value is a %s, not a string", value.TypeName(v))}
			}
			n = len(s)
			if n <= int(bufCap) && n > 0 {
				if buf == nil {
					return fmt.Errorf("buf is NULL with capacity %d: %w", uint64(bufCap), errs.ErrInvalidArgument)
				}
				copy(unsafe.Slice((*byte)(unsafe.Pointer(buf)), n), s)
			}
			return nil
		})
	})
	if err != nil {
		return C.int64_t(fail(errOut, err))
	}
	return C.int64_t(n)
}

// scalarGet reads the value at path as T, or reports a type mismatch.
func scalarGet[T any](h C.uintptr_t, path *C.char, pathLen C.size_t, what string) (T, error) {
	var out T
	err := configRead(h, path, pathLen, func(c *store.Config, p string) error {
		return c.View(p, func(v any) error {
			t, ok := v.(T)
			if !ok {
				return &errs.Located{Kind: errs.ErrTypeMismatch, Path: p, Msg: fmt.Sprintf("value is a %s, not %s", value.TypeName(v), what)}
			}
			out = t
			return nil
		})
	})
	return out, err
}

func scalarSet(h C.uintptr_t, path *C.char, pathLen C.size_t, v any) error {
	return configCall(h, path, pathLen, func(c *store.Config, p string) error {
		return c.Set(p, v)
	})
}

//export gocfg_config_set_int
func gocfg_config_set_int(h C.uintptr_t, path *C.char, pathLen C.size_t, v C.int64_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, scalarSet(h, path, pathLen, int64(v)))
}

//export gocfg_config_get_int
func gocfg_config_get_int(h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.int64_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	if out == nil {
		return fail(errOut, fmt.Errorf("out is NULL: %w", errs.ErrInvalidArgument))
	}
	v, err := scalarGet[int64](h, path, pathLen, "an int")
	if err == nil {
		*out = C.int64_t(v)
	}
	return report(errOut, err)
}

//export gocfg_config_set_float
func gocfg_config_set_float(h C.uintptr_t, path *C.char, pathLen C.size_t, v C.double, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, scalarSet(h, path, pathLen, float64(v)))
}

//export gocfg_config_get_float
func gocfg_config_get_float(h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.double, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	if out == nil {
		return fail(errOut, fmt.Errorf("out is NULL: %w", errs.ErrInvalidArgument))
	}
	v, err := scalarGet[float64](h, path, pathLen, "a float")
	if err == nil {
		*out = C.double(v)
	}
	return report(errOut, err)
}

//export gocfg_config_set_bool
func gocfg_config_set_bool(h C.uintptr_t, path *C.char, pathLen C.size_t, v C.int, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, scalarSet(h, path, pathLen, v != 0))
}

//export gocfg_config_get_bool
func gocfg_config_get_bool(h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.int, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	if out == nil {
		return fail(errOut, fmt.Errorf("out is NULL: %w", errs.ErrInvalidArgument))
	}
	v, err := scalarGet[bool](h, path, pathLen, "a bool")
	if err == nil {
		*out = 0
		if v {
			*out = 1
		}
	}
	return report(errOut, err)
}

//export gocfg_config_type
func gocfg_config_type(h C.uintptr_t, path *C.char, pathLen C.size_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	var t C.int
	err := configRead(h, path, pathLen, func(c *store.Config, p string) error {
		return c.View(p, func(v any) error {
			t = typeCode(v)
			return nil
		})
	})
	if err != nil {
		return fail(errOut, err)
	}
	return t
}

func typeCode(v any) C.int {
	switch v.(type) {
	case nil:
		return C.GOCFG_TYPE_NULL
	case bool:
		return C.GOCFG_TYPE_BOOL
	case int64:
		return C.GOCFG_TYPE_INT
	case float64:
		return C.GOCFG_TYPE_FLOAT
	case string:
		return C.GOCFG_TYPE_STRING
	case []any:
		return C.GOCFG_TYPE_LIST
	case *value.Map:
		return C.GOCFG_TYPE_MAP
	case value.LocalDate:
		return C.GOCFG_TYPE_LOCAL_DATE
	case value.LocalTime:
		return C.GOCFG_TYPE_LOCAL_TIME
	case value.LocalDateTime:
		return C.GOCFG_TYPE_LOCAL_DATETIME
	default:
		return C.GOCFG_TYPE_DATETIME
	}
}

//export gocfg_config_delete
func gocfg_config_delete(h C.uintptr_t, path *C.char, pathLen C.size_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, configCall(h, path, pathLen, func(c *store.Config, p string) error {
		return c.Delete(p)
	}))
}

//export gocfg_config_contains
func gocfg_config_contains(h C.uintptr_t, path *C.char, pathLen C.size_t, errOut **C.gocfg_error) (result C.int) {
	defer recoverPanic(&result, errOut)
	begin(errOut)
	var found bool
	err := configRead(h, path, pathLen, func(c *store.Config, p string) (err error) {
		found, err = c.Contains(p)
		return err
	})
	if err != nil {
		return fail(errOut, err)
	}
	if found {
		return 1
	}
	return 0
}

//export gocfg_config_len
func gocfg_config_len(h C.uintptr_t, path *C.char, pathLen C.size_t, errOut **C.gocfg_error) (result C.int64_t) {
	defer recoverPanic(&result, errOut)
	begin(errOut)
	var n int
	err := configRead(h, path, pathLen, func(c *store.Config, p string) (err error) {
		n, err = c.Len(p)
		return err
	})
	if err != nil {
		return C.int64_t(fail(errOut, err))
	}
	return C.int64_t(n)
}

//export gocfg_config_keys
func gocfg_config_keys(h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.gocfg_buffer, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, configRead(h, path, pathLen, func(c *store.Config, p string) error {
		keys, err := c.Keys(p)
		if err != nil {
			return err
		}
		var b []byte
		for _, k := range keys {
			b = append(b, k...)
			b = append(b, 0)
		}
		return putBuffer(out, b)
	}))
}

//export gocfg_config_clear
func gocfg_config_clear(h C.uintptr_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	c, err := lookupConfig(uintptr(h))
	if err == nil {
		err = c.Clear() // refused when frozen
	}
	return report(errOut, err)
}

//export gocfg_config_copy
func gocfg_config_copy(h C.uintptr_t, out *C.uintptr_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	if out == nil {
		return fail(errOut, fmt.Errorf("out is NULL: %w", errs.ErrInvalidArgument))
	}
	c, err := lookupConfig(uintptr(h))
	if err != nil {
		return fail(errOut, err)
	}
	// Clone keeps a layered config's provenance and settings (a plain
	// config has none); the copy is never frozen.
	*out = newConfigHandle(c.Clone())
	return C.GOCFG_OK
}
