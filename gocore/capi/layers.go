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
	"os"
	"strings"
	"unsafe"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/fileio"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
	"github.com/gocfg/gocfg/gocore/wire"
)

// The layer calls: thin wrappers over gocore/store's layered methods and
// gocore/layer. See the "layers" section of gocfg.h.

// entries splits a buffer of NUL-terminated entries, copying each (the
// caller's memory is ours only during the call).
func entries(p *C.char, n C.size_t, what string) ([]string, error) {
	raw, err := borrow(p, n, what)
	if err != nil {
		return nil, err
	}
	if raw == "" {
		return nil, nil
	}
	raw = strings.TrimSuffix(raw, "\x00")
	parts := strings.Split(raw, "\x00")
	for i, s := range parts {
		parts[i] = strings.Clone(s)
	}
	return parts, nil
}

func decodeMap(data *C.char, dataLen C.size_t) (*value.Map, error) {
	raw, err := borrow(data, dataLen, "data")
	if err != nil {
		return nil, err
	}
	v, err := wire.Decode(unsafe.Slice(unsafe.StringData(raw), len(raw)))
	if err != nil {
		return nil, err
	}
	m, ok := v.(*value.Map)
	if !ok {
		return nil, fmt.Errorf("a layer must be a map, not a %s: %w", value.TypeName(v), errs.ErrTypeMismatch)
	}
	return m, nil
}

//export gocfg_config_layered_new
func gocfg_config_layered_new(flags C.int, env *C.char, envLen C.size_t, out *C.uintptr_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	if out == nil {
		return fail(errOut, fmt.Errorf("out is NULL: %w", errs.ErrInvalidArgument))
	}
	vars, err := entries(env, envLen, "env")
	if err != nil {
		return fail(errOut, err)
	}
	*out = newConfigHandle(store.NewLayered(store.Settings{
		Interpolate: flags&C.GOCFG_LAYER_INTERPOLATE != 0,
		ParseEnv:    flags&C.GOCFG_LAYER_RAW_STRINGS == 0,
		Env:         vars,
	}))
	return C.GOCFG_OK
}

func layerOptions(flags C.int) layer.Options {
	return layer.Options{AppendLists: flags&C.GOCFG_LAYER_APPEND_LISTS != 0}
}

//export gocfg_config_merge_layer
func gocfg_config_merge_layer(h C.uintptr_t, data *C.char, dataLen C.size_t, kind C.int, name *C.char, nameLen C.size_t, flags C.int, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, func() error {
		c, err := lookupConfig(uintptr(h))
		if err != nil {
			return err
		}
		k := layer.Kind(kind)
		if kind < 0 || !k.Valid() || k == layer.KindNone || k == layer.KindEnv || k == layer.KindOverride || k == layer.KindSet {
			return fmt.Errorf("kind %d: a merged layer is GOCFG_ORIGIN_DEFAULTS, _FILE, _TEXT or _DICT: %w", int(kind), errs.ErrInvalidArgument)
		}
		n, err := borrow(name, nameLen, "name")
		if err != nil {
			return err
		}
		if err := store.CheckText("name", n); err != nil {
			return err
		}
		m, err := decodeMap(data, dataLen)
		if err != nil {
			return err
		}
		return c.MergeLayer(m, layer.Source{Kind: k, Name: strings.Clone(n)}, layerOptions(flags))
	}())
}

// mergeDoc checks a decoded document and merges it as a layer.
func mergeDoc(c *store.Config, doc *value.Doc, kind layer.Kind, name string, flags C.int) error {
	if err := checkStrings(doc); err != nil {
		return inFile(name, err)
	}
	return c.MergeLayer(doc.Root, layer.Source{Kind: kind, Name: name, Positions: doc.Positions}, layerOptions(flags))
}

//export gocfg_config_load_layer
func gocfg_config_load_layer(h C.uintptr_t, file *C.char, fileLen C.size_t, format *C.char, formatLen C.size_t, flags C.int, cancel C.uintptr_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	merged := C.int(1)
	err := func() error {
		c, err := lookupConfig(uintptr(h))
		if err != nil {
			return err
		}
		ctx, err := callContext(cancel)
		if err != nil {
			return err
		}
		name, cod, err := fileArgs(file, fileLen, format, formatLen)
		if err != nil {
			return err
		}
		data, err := fileio.ReadFileContext(ctx, name)
		if err != nil {
			if flags&C.GOCFG_LAYER_OPTIONAL != 0 && errors.Is(err, os.ErrNotExist) {
				merged = 0
				return nil
			}
			return err
		}
		doc, err := decode(ctx, cod, data)
		if err != nil {
			return inFile(name, err)
		}
		return mergeDoc(c, doc, layer.KindFile, name, flags)
	}()
	if err != nil {
		return fail(errOut, err)
	}
	return merged
}

//export gocfg_config_loads_layer
func gocfg_config_loads_layer(h C.uintptr_t, text *C.char, textLen C.size_t, format *C.char, formatLen C.size_t, name *C.char, nameLen C.size_t, flags C.int, cancel C.uintptr_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, func() error {
		c, err := lookupConfig(uintptr(h))
		if err != nil {
			return err
		}
		ctx, err := callContext(cancel)
		if err != nil {
			return err
		}
		t, err := borrow(text, textLen, "text")
		if err != nil {
			return err
		}
		f, err := borrow(format, formatLen, "format")
		if err != nil {
			return err
		}
		if f == "" {
			return fmt.Errorf("a format is needed (json, yaml, toml, env or ini): %w", errs.ErrInvalidArgument)
		}
		n, err := borrow(name, nameLen, "name")
		if err != nil {
			return err
		}
		if err := store.CheckText("name", n); err != nil {
			return err
		}
		if n == "" {
			n = "<text>"
		}
		n = strings.Clone(n)
		cod, err := pickCodec(f, "")
		if err != nil {
			return err
		}
		doc, err := decode(ctx, cod, []byte(t))
		if err != nil {
			return inFile(n, err)
		}
		return mergeDoc(c, doc, layer.KindText, n, flags)
	}())
}

//export gocfg_config_env_layer
func gocfg_config_env_layer(h C.uintptr_t, prefix *C.char, prefixLen C.size_t, delim *C.char, delimLen C.size_t, flags C.int, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	n := 0
	err := func() error {
		c, err := lookupConfig(uintptr(h))
		if err != nil {
			return err
		}
		p, err := borrow(prefix, prefixLen, "prefix")
		if err != nil {
			return err
		}
		d, err := borrow(delim, delimLen, "delimiter")
		if err != nil {
			return err
		}
		items, err := c.EnvAssignments(strings.Clone(p), strings.Clone(d), flags&C.GOCFG_LAYER_RAW_STRINGS != 0)
		if err != nil {
			return err
		}
		n = len(items)
		return c.ApplyLayer(items)
	}()
	if err != nil {
		return fail(errOut, err)
	}
	return C.int(n)
}

//export gocfg_config_override_layer
func gocfg_config_override_layer(h C.uintptr_t, items *C.char, itemsLen C.size_t, flags C.int, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	n := 0
	err := func() error {
		c, err := lookupConfig(uintptr(h))
		if err != nil {
			return err
		}
		list, err := entries(items, itemsLen, "items")
		if err != nil {
			return err
		}
		assigns, err := layer.OverrideAssignments(list, flags&C.GOCFG_LAYER_RAW_STRINGS == 0)
		if err != nil {
			return err
		}
		n = len(assigns)
		return c.ApplyLayer(assigns)
	}()
	if err != nil {
		return fail(errOut, err)
	}
	return C.int(n)
}

//export gocfg_config_origin
func gocfg_config_origin(h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.gocfg_origin, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	if out == nil {
		return fail(errOut, fmt.Errorf("out is NULL: %w", errs.ErrInvalidArgument))
	}
	return report(errOut, configRead(h, path, pathLen, func(c *store.Config, p string) error {
		hist, err := c.History(p)
		if err != nil {
			return err
		}
		*out = C.gocfg_origin{}
		if len(hist) == 0 {
			return nil
		}
		o := hist[len(hist)-1]
		out.kind = C.int(o.Kind)
		out.layer = C.int(o.Layer)
		out.line = C.int64_t(o.Line)
		out.column = C.int64_t(o.Column)
		if o.Name != "" {
			return putBuffer(&out.name, []byte(o.Name))
		}
		return nil
	}))
}

func originList(o layer.Origin) []any {
	return []any{int64(o.Kind), o.Name, int64(o.Line), int64(o.Column), int64(o.Layer)}
}

//export gocfg_config_history
func gocfg_config_history(h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.gocfg_buffer, errOut **C.gocfg_error) (result C.int64_t) {
	defer recoverPanic(&result, errOut)
	begin(errOut)
	var n int
	err := configRead(h, path, pathLen, func(c *store.Config, p string) error {
		hist, err := c.History(p)
		if err != nil {
			return err
		}
		list := make([]any, len(hist))
		for i, o := range hist {
			list[i] = originList(o)
		}
		b, err := wire.Encode(list)
		if err != nil {
			return err
		}
		n = len(hist)
		return putBuffer(out, b)
	})
	if err != nil {
		return C.int64_t(fail(errOut, err))
	}
	return C.int64_t(n)
}

//export gocfg_config_explain
func gocfg_config_explain(h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.gocfg_buffer, errOut **C.gocfg_error) (result C.int64_t) {
	defer recoverPanic(&result, errOut)
	begin(errOut)
	var n int
	err := configRead(h, path, pathLen, func(c *store.Config, p string) error {
		rows, err := c.Explain(p)
		if err != nil {
			return err
		}
		list := make([]any, len(rows))
		for i, r := range rows {
			var msg any
			if r.Err != "" {
				msg = r.Err
			}
			list[i] = []any{r.Path, r.Value, int64(r.Origin.Kind), r.Origin.Name, int64(r.Origin.Line), int64(r.Origin.Column), msg}
		}
		b, err := wire.Encode(list)
		if err != nil {
			return err
		}
		n = len(rows)
		return putBuffer(out, b)
	})
	if err != nil {
		return C.int64_t(fail(errOut, err))
	}
	return C.int64_t(n)
}

//export gocfg_config_resolve
func gocfg_config_resolve(h C.uintptr_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	c, err := lookupConfig(uintptr(h))
	if err == nil {
		err = c.Resolve()
	}
	return report(errOut, err)
}

//export gocfg_config_freeze
func gocfg_config_freeze(h C.uintptr_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	c, err := lookupConfig(uintptr(h))
	if err == nil {
		c.Freeze()
	}
	return report(errOut, err)
}

//export gocfg_config_is_frozen
func gocfg_config_is_frozen(h C.uintptr_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	c, err := lookupConfig(uintptr(h))
	if err != nil {
		return fail(errOut, err)
	}
	if c.Frozen() {
		return 1
	}
	return 0
}

//export gocfg_config_diff
func gocfg_config_diff(a, b C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) (result C.int64_t) {
	defer recoverPanic(&result, errOut)
	begin(errOut)
	var n int
	err := func() error {
		ca, err := lookupConfig(uintptr(a))
		if err != nil {
			return err
		}
		cb, err := lookupConfig(uintptr(b))
		if err != nil {
			return err
		}
		changes, err := ca.Diff(cb)
		if err != nil {
			return err
		}
		list := make([]any, len(changes))
		for i, ch := range changes {
			list[i] = []any{ch.Op.String(), ch.Path, ch.Old, ch.New}
		}
		buf, err := wire.Encode(list)
		if err != nil {
			return err
		}
		n = len(changes)
		return putBuffer(out, buf)
	}()
	if err != nil {
		return C.int64_t(fail(errOut, err))
	}
	return C.int64_t(n)
}

//export gocfg_config_serialize
func gocfg_config_serialize(h C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, func() error {
		c, err := lookupConfig(uintptr(h))
		if err != nil {
			return err
		}
		b, err := c.MarshalState()
		if err != nil {
			return err
		}
		return putBuffer(out, b)
	}())
}

//export gocfg_config_deserialize
func gocfg_config_deserialize(data *C.char, dataLen C.size_t, env *C.char, envLen C.size_t, out *C.uintptr_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	if out == nil {
		return fail(errOut, fmt.Errorf("out is NULL: %w", errs.ErrInvalidArgument))
	}
	return report(errOut, func() error {
		raw, err := borrow(data, dataLen, "data")
		if err != nil {
			return err
		}
		vars, err := entries(env, envLen, "env")
		if err != nil {
			return err
		}
		c, err := store.UnmarshalState([]byte(raw), vars)
		if err != nil {
			return err
		}
		*out = newConfigHandle(c)
		return nil
	}())
}
