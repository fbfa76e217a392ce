package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include "gocfg.h"
*/
import "C"

import (
	"fmt"
	"math/big"
	"strings"
	"unsafe"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/registry"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
	"github.com/gocfg/gocfg/gocore/wire"
)

// atPath finds the config and borrows the path, for the exports that act
// at one path. keep copies the path, for changes: the store may keep its
// segments as keys, and the caller's memory is ours only during the call.
func atPath(h C.uintptr_t, path *C.char, pathLen C.size_t, keep bool) (*store.Config, string, error) {
	c, err := lookupConfig(h)
	if err != nil {
		return nil, "", err
	}
	// A path names what a config holds, and a config may hold a key as
	// long as the document or value it came from (a JSON key of 2 MiB):
	// its bound is a value's, not the 1 MiB of names and URLs, or such a
	// key could be loaded but never read, set, deleted or asked about.
	p, err := borrowValue(path, pathLen, "path")
	if err != nil {
		return nil, "", err
	}
	testHook(p)
	if keep {
		p = strings.Clone(p)
	}
	return c, p, nil
}

// view runs f on the value at path, read in place.
func view(h C.uintptr_t, path *C.char, pathLen C.size_t, f func(p string, v any) error) error {
	c, p, err := atPath(h, path, pathLen, false)
	if err != nil {
		return err
	}
	return c.View(p, func(v any) error { return f(p, v) })
}

// decodeValue reads a wire-encoded value from C memory (wire.Decode copies
// what it keeps); an error inside it names its full path.
func decodeValue(data *C.char, dataLen C.size_t, path string) (any, error) {
	raw, err := borrowValue(data, dataLen, "data")
	if err != nil {
		return nil, err
	}
	v, err := wire.Decode(unsafe.Slice(unsafe.StringData(raw), len(raw)))
	return v, errs.Within(path, err)
}

func asMap(v any, what string) (*value.Map, error) {
	m, ok := v.(*value.Map)
	if !ok {
		return nil, fmt.Errorf("%s a map, not %s: %w", what, value.AType(v), errs.ErrTypeMismatch)
	}
	return m, nil
}

// copyOut copies b into the caller's buffer when it fits and returns its
// length (the capacity needed when it does not).
func copyOut(b []byte, buf *C.char, bufCap C.size_t) (int, error) {
	if len(b) <= int(bufCap) && len(b) > 0 {
		if buf == nil {
			return 0, fmt.Errorf("buf is NULL with capacity %d: %w", uint64(bufCap), errs.ErrInvalidArgument)
		}
		copy(unsafe.Slice((*byte)(unsafe.Pointer(buf)), len(b)), b)
	}
	return len(b), nil
}

// encodeValue is v's wire encoding for a read; a map is announced, not
// copied (see the header).
func encodeValue(v any, small []byte) ([]byte, error) {
	if b, ok := wire.AppendScalar(small, v); ok {
		return b, nil
	}
	if _, isMap := v.(*value.Map); isMap {
		return []byte{'.'}, nil
	}
	return wire.Encode(v)
}

//export gocfg_config_new
func gocfg_config_new(out *C.uintptr_t, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error { return newConfigHandle(store.New(), out) })
}

//export gocfg_config_free
func gocfg_config_free(h C.uintptr_t) {
	release(func() {
		if obj, ok := handles.Remove(registry.Handle(h), kindConfig); ok {
			cells.Release(obj.(*configObj).cell)
		}
	})
}

// The hot calls (set, set_value, get_value, contains, len) come in pairs:
// the usual export, which waits for the config's lock, and a
// gocfg_config_try_* one, which gives GOCFG_E_BUSY at once while another
// call holds it for a change (gocfg.h, "Calls that do not wait"). Each
// pair runs one body; wait says which form it is.

// viewer and setter pick the store's method for the form.
func viewer(c *store.Config, wait bool) func(string, func(any) error) error {
	if wait {
		return c.View
	}
	return c.TryView
}

func setter(c *store.Config, wait bool) func(string, any) error {
	if wait {
		return c.Set
	}
	return c.TrySet
}

//export gocfg_config_set_value
func gocfg_config_set_value(h C.uintptr_t, path *C.char, pathLen C.size_t, data *C.char, dataLen C.size_t, errOut **C.gocfg_error) C.int {
	return changeWith(h, path, pathLen, data, dataLen, errOut, func(c *store.Config, p string, v any) error {
		return c.Set(p, v)
	})
}

//export gocfg_config_try_set_value
func gocfg_config_try_set_value(h C.uintptr_t, path *C.char, pathLen C.size_t, data *C.char, dataLen C.size_t, errOut **C.gocfg_error) C.int {
	return changeWith(h, path, pathLen, data, dataLen, errOut, func(c *store.Config, p string, v any) error {
		return c.TrySet(p, v)
	})
}

//export gocfg_config_get_value
func gocfg_config_get_value(h C.uintptr_t, path *C.char, pathLen C.size_t, buf *C.char, bufCap C.size_t, errOut **C.gocfg_error) C.int64_t {
	return length(errOut, reads, func() (int, error) { return getValue(h, path, pathLen, buf, bufCap, true) })
}

//export gocfg_config_try_get_value
func gocfg_config_try_get_value(h C.uintptr_t, path *C.char, pathLen C.size_t, buf *C.char, bufCap C.size_t, errOut **C.gocfg_error) C.int64_t {
	return length(errOut, reads, func() (int, error) { return getValue(h, path, pathLen, buf, bufCap, false) })
}

func getValue(h C.uintptr_t, path *C.char, pathLen C.size_t, buf *C.char, bufCap C.size_t, wait bool) (n int, err error) {
	c, p, err := atPath(h, path, pathLen, false)
	if err != nil {
		return 0, err
	}
	err = viewer(c, wait)(p, func(v any) error {
		var small [64]byte
		b, err := encodeValue(v, small[:0])
		if err == nil {
			n, err = copyOut(b, buf, bufCap)
		}
		return err
	})
	return n, err
}

//export gocfg_config_merge
func gocfg_config_merge(h C.uintptr_t, path *C.char, pathLen C.size_t, data *C.char, dataLen C.size_t, errOut **C.gocfg_error) C.int {
	return changeWith(h, path, pathLen, data, dataLen, errOut, func(c *store.Config, p string, v any) error {
		m, err := asMap(v, "merge needs")
		if err != nil {
			return err
		}
		return c.Merge(p, m)
	})
}

//export gocfg_config_set_value_within
func gocfg_config_set_value_within(h C.uintptr_t, path *C.char, pathLen C.size_t, data *C.char, dataLen C.size_t, existing *C.size_t, existingLen C.size_t, errOut **C.gocfg_error) C.int {
	return changeWith(h, path, pathLen, data, dataLen, errOut, func(c *store.Config, p string, v any) error {
		within, err := segmentCounts(existing, existingLen)
		if err != nil {
			return err
		}
		return c.SetWithin(p, v, within)
	})
}

// segmentCounts borrows existing[0..n) as ints (see gocfg_config_set_value_within).
func segmentCounts(existing *C.size_t, n C.size_t) ([]int, error) {
	if n == 0 {
		return nil, nil
	}
	if existing == nil || n > value.MaxDepth {
		return nil, fmt.Errorf("existing: %d counts at %p (at most %d, not NULL): %w", uint64(n), existing, value.MaxDepth, errs.ErrInvalidArgument)
	}
	out := make([]int, n)
	for i, x := range unsafe.Slice(existing, n) {
		out[i] = int(min(uint64(x), uint64(value.MaxDepth+1)))
	}
	return out, nil
}

//export gocfg_config_setdefault
func gocfg_config_setdefault(h C.uintptr_t, path *C.char, pathLen C.size_t, data *C.char, dataLen C.size_t, form C.int, existing *C.size_t, existingLen C.size_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int {
	return count(errOut, changes(h), func() (int, error) {
		if out == nil {
			return 0, fmt.Errorf("output buffer pointer is NULL: %w", errs.ErrInvalidArgument)
		}
		c, p, err := atPath(h, path, pathLen, true)
		if err != nil {
			return 0, err
		}
		within, err := segmentCounts(existing, existingLen)
		if err != nil {
			return 0, err
		}
		found := func(v any) error {
			var small [64]byte
			b, err := encodeValue(v, small[:0])
			if err != nil {
				return err
			}
			return putBuffer(out, b)
		}
		var stored bool
		switch form {
		case C.GOCFG_SETDEFAULT_VALUE:
			v, err := decodeValue(data, dataLen, p)
			if err != nil {
				return 0, err
			}
			stored, err = c.SetDefault(p, v, within, found)
			if err != nil {
				return 0, err
			}
		case C.GOCFG_SETDEFAULT_STATE, C.GOCFG_SETDEFAULT_STATE_KEY:
			raw, err := borrowValue(data, dataLen, "state")
			if err != nil {
				return 0, err
			}
			src, err := store.UnmarshalState([]byte(raw), nil)
			if err != nil {
				return 0, err
			}
			stored, err = c.GraftDefault(p, src, form == C.GOCFG_SETDEFAULT_STATE_KEY, within, found)
			if err != nil {
				return 0, err
			}
		default:
			return 0, fmt.Errorf("form %d is not a gocfg_setdefault_form: %w", int(form), errs.ErrInvalidArgument)
		}
		if stored {
			return 1, nil
		}
		return 0, nil
	})
}

// changeWith is the shape of the exports that change a config at a path
// with a wire-encoded value.
func changeWith(h C.uintptr_t, path *C.char, pathLen C.size_t, data *C.char, dataLen C.size_t, errOut **C.gocfg_error,
	apply func(c *store.Config, p string, v any) error) C.int {
	return status(errOut, changes(h), func() error {
		c, p, err := atPath(h, path, pathLen, true)
		if err != nil {
			return err
		}
		v, err := decodeValue(data, dataLen, p)
		if err != nil {
			return err
		}
		return apply(c, p, v)
	})
}

//export gocfg_config_export
func gocfg_config_export(h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		c, p, err := atPath(h, path, pathLen, false)
		if err != nil {
			return err
		}
		// Resolved: an export gives what reads give (see gocfg.h, layers).
		// The encoding is copied out from memory the encoder reuses.
		return c.ViewResolved(p, func(v any) error {
			return wire.EncodeSharedWith(v, func(b []byte) error { return putBuffer(out, b) })
		})
	})
}

//export gocfg_config_export_to
func gocfg_config_export_to(h C.uintptr_t, path *C.char, pathLen C.size_t, buf *C.char, bufCap C.size_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int64_t {
	return length(errOut, reads, func() (n int, err error) {
		if out == nil {
			return 0, fmt.Errorf("output buffer pointer is NULL: %w", errs.ErrInvalidArgument)
		}
		c, p, err := atPath(h, path, pathLen, false)
		if err != nil {
			return 0, err
		}
		err = c.ViewResolved(p, func(v any) error {
			return wire.EncodeSharedWith(v, func(b []byte) error {
				n = len(b)
				if uint64(len(b)) <= uint64(bufCap) {
					out.data, out.len = nil, 0
					_, err := copyOut(b, buf, bufCap)
					return err
				}
				return putBuffer(out, b)
			})
		})
		return n, err
	})
}

//export gocfg_config_set
func gocfg_config_set(h C.uintptr_t, path *C.char, pathLen C.size_t, val *C.char, valLen C.size_t, errOut **C.gocfg_error) C.int {
	return status(errOut, changes(h), func() error { return setString(h, path, pathLen, val, valLen, true) })
}

//export gocfg_config_try_set
func gocfg_config_try_set(h C.uintptr_t, path *C.char, pathLen C.size_t, val *C.char, valLen C.size_t, errOut **C.gocfg_error) C.int {
	return status(errOut, changes(h), func() error { return setString(h, path, pathLen, val, valLen, false) })
}

func setString(h C.uintptr_t, path *C.char, pathLen C.size_t, val *C.char, valLen C.size_t, wait bool) error {
	c, p, err := atPath(h, path, pathLen, true)
	if err != nil {
		return err
	}
	v, err := borrowValue(val, valLen, "value")
	if err != nil {
		return err
	}
	err = setter(c, wait)(p, strings.Clone(v))
	testHookChanged(p)
	return err
}

//export gocfg_config_get
func gocfg_config_get(h C.uintptr_t, path *C.char, pathLen C.size_t, buf *C.char, bufCap C.size_t, errOut **C.gocfg_error) C.int64_t {
	return length(errOut, reads, func() (n int, err error) {
		err = view(h, path, pathLen, func(p string, v any) error {
			s, ok := v.(string)
			if !ok {
				return mismatch(p, v, "a string")
			}
			n, err = copyOut(unsafe.Slice(unsafe.StringData(s), len(s)), buf, bufCap)
			return err
		})
		return n, err
	})
}

func mismatch(path string, v any, want string) error {
	return &errs.Located{Kind: errs.ErrTypeMismatch, Path: path, Msg: fmt.Sprintf("value is %s, not %s", value.AType(v), want)}
}

// getScalar stores the value at path, as T converted by conv, in *out.
func getScalar[T any, O any](h C.uintptr_t, path *C.char, pathLen C.size_t, out *O, what string, conv func(T) O, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		if err := nonNull(out, "out"); err != nil {
			return err
		}
		return view(h, path, pathLen, func(p string, v any) error {
			t, ok := v.(T)
			if !ok {
				return mismatch(p, v, what)
			}
			*out = conv(t)
			return nil
		})
	})
}

func setScalar(h C.uintptr_t, path *C.char, pathLen C.size_t, v any, errOut **C.gocfg_error) C.int {
	return status(errOut, changes(h), func() error {
		c, p, err := atPath(h, path, pathLen, true)
		if err != nil {
			return err
		}
		return c.Set(p, v)
	})
}

//export gocfg_config_set_int
func gocfg_config_set_int(h C.uintptr_t, path *C.char, pathLen C.size_t, v C.int64_t, errOut **C.gocfg_error) C.int {
	return setScalar(h, path, pathLen, int64(v), errOut)
}

//export gocfg_config_get_int
func gocfg_config_get_int(h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.int64_t, errOut **C.gocfg_error) C.int {
	return getScalar(h, path, pathLen, out, "an int", func(v int64) C.int64_t { return C.int64_t(v) }, errOut)
}

//export gocfg_config_set_float
func gocfg_config_set_float(h C.uintptr_t, path *C.char, pathLen C.size_t, v C.double, errOut **C.gocfg_error) C.int {
	return setScalar(h, path, pathLen, float64(v), errOut)
}

//export gocfg_config_get_float
func gocfg_config_get_float(h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.double, errOut **C.gocfg_error) C.int {
	return getScalar(h, path, pathLen, out, "a float", func(v float64) C.double { return C.double(v) }, errOut)
}

//export gocfg_config_set_bool
func gocfg_config_set_bool(h C.uintptr_t, path *C.char, pathLen C.size_t, v C.int, errOut **C.gocfg_error) C.int {
	return setScalar(h, path, pathLen, v != 0, errOut)
}

//export gocfg_config_get_bool
func gocfg_config_get_bool(h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.int, errOut **C.gocfg_error) C.int {
	return getScalar(h, path, pathLen, out, "a bool", cBool, errOut)
}

func cBool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

//export gocfg_config_type
func gocfg_config_type(h C.uintptr_t, path *C.char, pathLen C.size_t, errOut **C.gocfg_error) C.int {
	return count(errOut, reads, func() (t int, err error) {
		err = view(h, path, pathLen, func(_ string, v any) error {
			t = int(typeCode(v))
			return nil
		})
		return t, err
	})
}

func typeCode(v any) C.int {
	switch v.(type) {
	case nil:
		return C.GOCFG_TYPE_NULL
	case bool:
		return C.GOCFG_TYPE_BOOL
	case int64, *big.Int:
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
func gocfg_config_delete(h C.uintptr_t, path *C.char, pathLen C.size_t, errOut **C.gocfg_error) C.int {
	return status(errOut, changes(h), func() error {
		c, p, err := atPath(h, path, pathLen, true)
		if err != nil {
			return err
		}
		return c.Delete(p)
	})
}

//export gocfg_config_pop
func gocfg_config_pop(h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int {
	return status(errOut, changes(h), func() error {
		if out == nil {
			return fmt.Errorf("output buffer pointer is NULL: %w", errs.ErrInvalidArgument)
		}
		c, p, err := atPath(h, path, pathLen, true)
		if err != nil {
			return err
		}
		var b []byte
		err = c.Pop(p, func(v any) (err error) {
			b, err = wire.Encode(v)
			return err
		})
		if err != nil {
			return err
		}
		return putBuffer(out, b)
	})
}

//export gocfg_config_contains
func gocfg_config_contains(h C.uintptr_t, path *C.char, pathLen C.size_t, errOut **C.gocfg_error) C.int {
	return count(errOut, reads, func() (int, error) { return containsAt(h, path, pathLen, true) })
}

//export gocfg_config_try_contains
func gocfg_config_try_contains(h C.uintptr_t, path *C.char, pathLen C.size_t, errOut **C.gocfg_error) C.int {
	return count(errOut, reads, func() (int, error) { return containsAt(h, path, pathLen, false) })
}

func containsAt(h C.uintptr_t, path *C.char, pathLen C.size_t, wait bool) (int, error) {
	c, p, err := atPath(h, path, pathLen, false)
	if err != nil {
		return 0, err
	}
	contains := c.Contains
	if !wait {
		contains = c.TryContains
	}
	found, err := contains(p)
	return int(cBool(found)), err
}

//export gocfg_config_len
func gocfg_config_len(h C.uintptr_t, path *C.char, pathLen C.size_t, errOut **C.gocfg_error) C.int64_t {
	return length(errOut, reads, func() (int, error) { return lenAt(h, path, pathLen, true) })
}

//export gocfg_config_try_len
func gocfg_config_try_len(h C.uintptr_t, path *C.char, pathLen C.size_t, errOut **C.gocfg_error) C.int64_t {
	return length(errOut, reads, func() (int, error) { return lenAt(h, path, pathLen, false) })
}

func lenAt(h C.uintptr_t, path *C.char, pathLen C.size_t, wait bool) (int, error) {
	c, p, err := atPath(h, path, pathLen, false)
	if err != nil {
		return 0, err
	}
	if wait {
		return c.Len(p)
	}
	return c.TryLen(p)
}

//export gocfg_config_keys
func gocfg_config_keys(h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		c, p, err := atPath(h, path, pathLen, false)
		if err != nil {
			return err
		}
		keys, err := c.Keys(p)
		if err != nil {
			return err
		}
		// A wire list, not NUL-separated text: keys may hold NUL.
		list := make([]any, len(keys))
		for i, k := range keys {
			list[i] = k
		}
		b, err := wire.Encode(list)
		if err != nil {
			return err
		}
		return putBuffer(out, b)
	})
}

//export gocfg_config_clear
func gocfg_config_clear(h C.uintptr_t, errOut **C.gocfg_error) C.int {
	return status(errOut, changes(h), func() error {
		c, err := lookupConfig(h)
		if err != nil {
			return err
		}
		return c.Clear() // refused when frozen
	})
}

//export gocfg_config_clear_map
func gocfg_config_clear_map(h C.uintptr_t, path *C.char, pathLen C.size_t, errOut **C.gocfg_error) C.int {
	return status(errOut, changes(h), func() error {
		c, p, err := atPath(h, path, pathLen, true)
		if err != nil {
			return err
		}
		return c.ClearMap(p)
	})
}

//export gocfg_config_copy
func gocfg_config_copy(h C.uintptr_t, out *C.uintptr_t, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		if err := nonNull(out, "out"); err != nil {
			return err
		}
		c, err := lookupConfig(h)
		if err != nil {
			return err
		}
		// Clone keeps a layered config's provenance and settings (a plain
		// config has none); the copy is never frozen.
		return newConfigHandle(c.Clone(), out)
	})
}
