package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include "gocfg.h"
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/load"
	"github.com/gocfg/gocfg/gocore/secretsdir"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
	"github.com/gocfg/gocfg/gocore/wire"
)

// The layer calls: thin wrappers over gocore/store's layered methods and
// gocore/layer. See the "layers" section of gocfg.h.

//export gocfg_config_layered_new
func gocfg_config_layered_new(flags C.int, env *C.char, envLen C.size_t, out *C.uintptr_t, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		if err := nonNull(out, "out"); err != nil {
			return err
		}
		vars, err := entries(env, envLen, "env")
		if err != nil {
			return err
		}
		return newConfigHandle(store.NewLayered(store.Settings{
			Interpolate: flags&C.GOCFG_LAYER_INTERPOLATE != 0,
			ParseEnv:    flags&C.GOCFG_LAYER_RAW_STRINGS == 0,
			Env:         vars,
		}), out)
	})
}

// newLayer is what a layer export makes of its arguments: a tree to merge
// (with its source), or else assignments to apply, unless skip; result is
// what the export returns when the layer went in.
type newLayer struct {
	tree    *value.Map
	src     layer.Source
	assigns []layer.Assignment
	skip    bool
	result  int
}

// addLayer is the one shape of the five layer exports: find the config,
// build the layer from the call's arguments, and add it as one layer.
func addLayer(h C.uintptr_t, flags C.int, errOut **C.gocfg_error, build func(*store.Config) (newLayer, error)) C.int {
	return count(errOut, changes(h), func() (int, error) {
		c, err := lookupConfig(h)
		if err != nil {
			return 0, err
		}
		l, err := build(c)
		switch {
		case err != nil:
			return 0, err
		case l.skip:
		case l.tree != nil:
			err = c.MergeLayer(l.tree, l.src, layer.Options{AppendLists: flags&C.GOCFG_LAYER_APPEND_LISTS != 0})
		default:
			err = c.ApplyLayer(l.assigns)
		}
		return l.result, err
	})
}

// docLayer is a decoded document as a layer of the given kind and name.
func docLayer(doc *value.Doc, kind layer.Kind, name string) newLayer {
	return newLayer{tree: doc.Root, src: layer.Source{Kind: kind, Name: name, Positions: doc.Positions}}
}

// layerName copies a layer's name, which the provenance keeps.
func layerName(name *C.char, nameLen C.size_t) (string, error) {
	n, err := text(name, nameLen, "name")
	if err != nil {
		return "", err
	}
	return n, store.CheckText("name", n)
}

// prefixAndDelimiter converts the (prefix, delimiter) pair that the env
// and assignment layers both take.
func prefixAndDelimiter(prefix *C.char, prefixLen C.size_t, delim *C.char, delimLen C.size_t) (string, string, error) {
	p, err := text(prefix, prefixLen, "prefix")
	if err != nil {
		return "", "", err
	}
	d, err := text(delim, delimLen, "delimiter")
	return p, d, err
}

//export gocfg_config_merge_layer
func gocfg_config_merge_layer(h C.uintptr_t, data *C.char, dataLen C.size_t, kind C.int, name *C.char, nameLen C.size_t, flags C.int, errOut **C.gocfg_error) C.int {
	return addLayer(h, flags, errOut, func(*store.Config) (newLayer, error) {
		k := layer.Kind(kind)
		if kind < 0 || !k.Valid() || k == layer.KindNone || k == layer.KindEnv || k == layer.KindOverride || k == layer.KindSet {
			return newLayer{}, fmt.Errorf("kind %d: a merged layer is GOCFG_ORIGIN_DEFAULTS, _FILE, _TEXT or _DICT: %w", int(kind), errs.ErrInvalidArgument)
		}
		n, err := layerName(name, nameLen)
		if err != nil {
			return newLayer{}, err
		}
		v, err := decodeValue(data, dataLen, "")
		if err != nil {
			return newLayer{}, err
		}
		m, err := asMap(v, "a layer must be")
		return newLayer{tree: m, src: layer.Source{Kind: k, Name: n}}, err
	})
}

//export gocfg_config_load_layer
func gocfg_config_load_layer(h C.uintptr_t, file *C.char, fileLen C.size_t, format *C.char, formatLen C.size_t, flags C.int, cancel C.uintptr_t, errOut **C.gocfg_error) C.int {
	return fileLayer(h, file, fileLen, format, formatLen, nil, 0, true, flags, flags&C.GOCFG_LAYER_OPTIONAL != 0, cancel, errOut)
}

//export gocfg_config_load_section_layer
func gocfg_config_load_section_layer(h C.uintptr_t, file *C.char, fileLen C.size_t, format *C.char, formatLen C.size_t, section *C.char, sectionLen C.size_t, flags C.int, cancel C.uintptr_t, errOut **C.gocfg_error) C.int {
	return fileLayer(h, file, fileLen, format, formatLen, section, sectionLen, false, flags, false, cancel, errOut)
}

// fileLayer is the shape of both layers read from a file: the whole file
// (whole), or the map under its top-level key section. The file is read
// with the config's environment; a missing one is skipped when optional.
func fileLayer(h C.uintptr_t, file *C.char, fileLen C.size_t, format *C.char, formatLen C.size_t, section *C.char, sectionLen C.size_t, whole bool, flags C.int, optional bool, cancel C.uintptr_t, errOut **C.gocfg_error) C.int {
	return addLayer(h, flags, errOut, func(cfg *store.Config) (newLayer, error) {
		ctx, err := callContext(cancel)
		if err != nil {
			return newLayer{}, err
		}
		name, c, err := fileArgs(file, fileLen, format, formatLen, true)
		if err != nil {
			if optional && errors.Is(err, os.ErrNotExist) {
				return newLayer{skip: true}, nil // "local?" with no extension: skipped as "local.yaml?" is
			}
			return newLayer{}, err
		}
		var sec string
		if !whole {
			if sec, err = text(section, sectionLen, "section"); err != nil {
				return newLayer{}, err
			}
		}
		doc, err := load.FileEnviron(ctx, c, name, cfg.Environ())
		if err != nil {
			if optional && errors.Is(err, os.ErrNotExist) {
				return newLayer{skip: true}, nil
			}
			return newLayer{}, err
		}
		doc.Root = load.KeepLiteral(c, doc.Root, cfg.Interpolates())
		if !whole {
			return sectionLayer(doc, name, sec)
		}
		l := docLayer(doc, layer.KindFile, name)
		l.result = 1
		return l, nil
	})
}

// sectionLayer is the top-level section sec of doc as a file layer (skip
// when there is no such key).
func sectionLayer(doc *value.Doc, name, sec string) (newLayer, error) {
	d, ok, err := load.Section(doc, name, sec)
	if err != nil || !ok {
		return newLayer{skip: !ok && err == nil}, err
	}
	l := docLayer(d, layer.KindFile, name)
	l.result = 1
	return l, nil
}

//export gocfg_config_loads_layer
func gocfg_config_loads_layer(h C.uintptr_t, doc *C.char, docLen C.size_t, format *C.char, formatLen C.size_t, name *C.char, nameLen C.size_t, flags C.int, cancel C.uintptr_t, errOut **C.gocfg_error) C.int {
	return addLayer(h, flags, errOut, func(cfg *store.Config) (newLayer, error) {
		ctx, err := callContext(cancel)
		if err != nil {
			return newLayer{}, err
		}
		data, c, err := textArgs(doc, docLen, format, formatLen)
		if err != nil {
			return newLayer{}, err
		}
		n, err := layerName(name, nameLen)
		if err != nil {
			return newLayer{}, err
		}
		if n == "" {
			n = "<text>"
		}
		d, err := load.DecodeEnviron(ctx, c, data, n, cfg.Environ())
		if err != nil {
			return newLayer{}, err
		}
		d.Root = load.KeepLiteral(c, d.Root, cfg.Interpolates())
		return docLayer(d, layer.KindText, n), nil
	})
}

//export gocfg_config_env_layer
func gocfg_config_env_layer(h C.uintptr_t, prefix *C.char, prefixLen C.size_t, delim *C.char, delimLen C.size_t, flags C.int, errOut **C.gocfg_error) C.int {
	return addLayer(h, flags, errOut, func(c *store.Config) (newLayer, error) {
		p, d, err := prefixAndDelimiter(prefix, prefixLen, delim, delimLen)
		if err != nil {
			return newLayer{}, err
		}
		items, err := c.EnvAssignments(p, d, flags&C.GOCFG_LAYER_RAW_STRINGS != 0)
		return newLayer{assigns: items, result: len(items)}, err
	})
}

//export gocfg_config_override_layer
func gocfg_config_override_layer(h C.uintptr_t, items *C.char, itemsLen C.size_t, flags C.int, errOut **C.gocfg_error) C.int {
	return addLayer(h, flags, errOut, func(*store.Config) (newLayer, error) {
		list, err := entries(items, itemsLen, "items")
		if err != nil {
			return newLayer{}, err
		}
		assigns, err := layer.OverrideAssignments(list, flags&C.GOCFG_LAYER_RAW_STRINGS == 0)
		return newLayer{assigns: assigns, result: len(assigns)}, err
	})
}

//export gocfg_config_assign_layer
func gocfg_config_assign_layer(h C.uintptr_t, prefix *C.char, prefixLen C.size_t, delim *C.char, delimLen C.size_t, data *C.char, dataLen C.size_t, flags C.int, errOut **C.gocfg_error) C.int {
	return addLayer(h, flags, errOut, func(*store.Config) (newLayer, error) {
		p, d, err := prefixAndDelimiter(prefix, prefixLen, delim, delimLen)
		if err != nil {
			return newLayer{}, err
		}
		v, err := decodeValue(data, dataLen, "")
		if err != nil {
			return newLayer{}, err
		}
		rows, ok := v.([]any)
		if !ok {
			return newLayer{}, fmt.Errorf("the assignments are a list, not a %s: %w", value.TypeName(v), errs.ErrTypeMismatch)
		}
		items := make([]layer.Named, 0, len(rows))
		for i, r := range rows {
			it, err := namedRow(r)
			if err != nil {
				return newLayer{}, fmt.Errorf("assignment %d: %w", i, err)
			}
			items = append(items, it)
		}
		assigns, err := layer.NamedAssignments(items, p, d, flags&C.GOCFG_LAYER_RAW_STRINGS == 0)
		return newLayer{assigns: assigns, result: len(assigns)}, err
	})
}

//export gocfg_config_secrets_layer
func gocfg_config_secrets_layer(h C.uintptr_t, dir *C.char, dirLen C.size_t, delim *C.char, delimLen C.size_t, cancel C.uintptr_t, errOut **C.gocfg_error) C.int {
	return addLayer(h, 0, errOut, func(c *store.Config) (newLayer, error) {
		ctx, err := callContext(cancel)
		if err != nil {
			return newLayer{}, err
		}
		d, err := layerName(dir, dirLen)
		if err != nil {
			return newLayer{}, err
		}
		if d == "" {
			return newLayer{}, fmt.Errorf("the secrets directory name is empty: %w", errs.ErrInvalidArgument)
		}
		sep, err := text(delim, delimLen, "delimiter")
		if err != nil {
			return newLayer{}, err
		}
		r, err := secretsdir.Read(ctx, d, d)
		if err != nil || len(r.Items) == 0 {
			return newLayer{skip: true}, err
		}
		assigns, err := secretsdir.Assignments(r.Items, sep, c.Interpolates())
		return newLayer{assigns: assigns, result: len(assigns)}, err
	})
}

// namedRow reads one row of gocfg_config_assign_layer: [key, value, kind,
// name, line, column], key a variable name or a list of path segments.
func namedRow(r any) (layer.Named, error) {
	bad := func(why string) (layer.Named, error) {
		return layer.Named{}, fmt.Errorf("%s: %w", why, errs.ErrInvalidArgument)
	}
	row, ok := r.([]any)
	if !ok || len(row) != 6 {
		return bad("expected [key, value, kind, name, line, column]")
	}
	kind, k1 := row[2].(int64)
	name, k2 := row[3].(string)
	line, k3 := row[4].(int64)
	col, k4 := row[5].(int64)
	if !(k1 && k2 && k3 && k4) {
		return bad("kind, name, line and column must be int, str, int, int")
	}
	k := layer.Kind(kind)
	if kind < 0 || !k.Valid() || k == layer.KindNone || k == layer.KindSet {
		return bad(fmt.Sprintf("kind %d is not the kind of a source", kind))
	}
	if err := store.CheckText("name", name); err != nil {
		return layer.Named{}, err
	}
	it := layer.Named{Origin: layer.Origin{Kind: k, Name: name, Line: int(line), Column: int(col)}}
	switch key := row[0].(type) {
	case string:
		if err := store.CheckText("variable name", key); err != nil {
			return layer.Named{}, err
		}
		it.Name = key
	case []any:
		it.Segs = make([]string, len(key))
		for i, s := range key {
			seg, ok := s.(string)
			if !ok {
				return bad("a path segment is not a str")
			}
			if err := store.CheckKey(seg); err != nil {
				return layer.Named{}, err
			}
			it.Segs[i] = seg
		}
		if it.Segs == nil {
			it.Segs = []string{}
		}
	default:
		return bad("the key is a variable name (str) or a path (a list of str)")
	}
	if _, err := store.CheckStrings(row[1]); err != nil {
		return layer.Named{}, err
	}
	v, _, err := value.CheckTimes(row[1])
	if err != nil {
		return layer.Named{}, fmt.Errorf("%s: %w", err.Error(), errs.ErrInvalidArgument)
	}
	it.Value = v
	return it, nil
}

//export gocfg_config_origin
func gocfg_config_origin(h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.gocfg_origin, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		if err := nonNull(out, "out"); err != nil {
			return err
		}
		c, p, err := atPath(h, path, pathLen, false)
		if err != nil {
			return err
		}
		hist, err := c.History(p)
		if err != nil {
			return err
		}
		*out = C.gocfg_origin{}
		if len(hist) == 0 {
			return nil
		}
		o := hist[len(hist)-1]
		out.kind, out.layer = C.int(o.Kind), C.int(o.Layer)
		out.line, out.column = C.int64_t(o.Line), C.int64_t(o.Column)
		if o.Name != "" {
			return putBuffer(&out.name, []byte(o.Name))
		}
		return nil
	})
}

// wireList encodes rows as a wire list into *out and returns their count.
func wireList[R any](out *C.gocfg_buffer, rows []R, row func(R) []any) (int, error) {
	list := make([]any, len(rows))
	for i, r := range rows {
		list[i] = row(r)
	}
	b, err := wire.Encode(list)
	if err != nil {
		return 0, err
	}
	return len(rows), putBuffer(out, b)
}

// listAt is the shape of the exports that list something about a path.
func listAt[R any](h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.gocfg_buffer, errOut **C.gocfg_error,
	get func(*store.Config, string) ([]R, error), row func(R) []any) C.int64_t {
	return length(errOut, reads, func() (int, error) {
		c, p, err := atPath(h, path, pathLen, false)
		if err != nil {
			return 0, err
		}
		rows, err := get(c, p)
		if err != nil {
			return 0, err
		}
		return wireList(out, rows, row)
	})
}

//export gocfg_config_history
func gocfg_config_history(h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int64_t {
	return listAt(h, path, pathLen, out, errOut, (*store.Config).History, func(o layer.Origin) []any {
		return []any{int64(o.Kind), o.Name, int64(o.Line), int64(o.Column), int64(o.Layer)}
	})
}

// explainRow is one leaf of gocfg_config_explain in the wire format.
func explainRow(r store.Row) []any {
	var msg any
	if r.Err != "" {
		msg = r.Err
	}
	return []any{r.Path, r.Value, int64(r.Origin.Kind), r.Origin.Name, int64(r.Origin.Line), int64(r.Origin.Column), msg,
		int64(r.Origin.Layer)}
}

//export gocfg_config_explain
func gocfg_config_explain(h C.uintptr_t, path *C.char, pathLen C.size_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int64_t {
	return listAt(h, path, pathLen, out, errOut, (*store.Config).Explain, explainRow)
}

//export gocfg_config_explain_first
func gocfg_config_explain_first(h C.uintptr_t, path *C.char, pathLen C.size_t, maxRows C.int64_t, out *C.gocfg_buffer,
	errOut **C.gocfg_error) C.int64_t {
	return length(errOut, reads, func() (int, error) {
		if maxRows < 0 {
			return 0, fmt.Errorf("max_rows %d: want 0 or more: %w", int64(maxRows), errs.ErrInvalidArgument)
		}
		c, p, err := atPath(h, path, pathLen, false)
		if err != nil {
			return 0, err
		}
		rows, total, err := c.ExplainFirst(context.Background(), p, int(min(int64(maxRows), math.MaxInt32)))
		if err != nil {
			return 0, err
		}
		if _, err := wireList(out, rows, explainRow); err != nil {
			return 0, err
		}
		return total, nil
	})
}

//export gocfg_config_resolve
func gocfg_config_resolve(h C.uintptr_t, errOut **C.gocfg_error) C.int {
	return status(errOut, changes(h), func() error {
		c, err := lookupConfig(h)
		if err != nil {
			return err
		}
		return c.Resolve()
	})
}

//export gocfg_config_freeze
func gocfg_config_freeze(h C.uintptr_t, errOut **C.gocfg_error) C.int {
	return status(errOut, changes(h), func() error {
		c, err := lookupConfig(h)
		if err == nil {
			c.Freeze()
		}
		return err
	})
}

//export gocfg_config_is_frozen
func gocfg_config_is_frozen(h C.uintptr_t, errOut **C.gocfg_error) C.int {
	return count(errOut, reads, func() (int, error) {
		c, err := lookupConfig(h)
		if err != nil {
			return 0, err
		}
		return int(cBool(c.Frozen())), nil
	})
}

//export gocfg_config_diff
func gocfg_config_diff(a, b C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int64_t {
	return length(errOut, reads, func() (int, error) {
		ca, err := lookupConfig(a)
		if err != nil {
			return 0, err
		}
		cb, err := lookupConfig(b)
		if err != nil {
			return 0, err
		}
		changes, err := ca.Diff(cb)
		if err != nil {
			return 0, err
		}
		return wireList(out, changes, func(ch layer.Change) []any {
			return []any{ch.Op.String(), ch.Path, ch.Old, ch.New}
		})
	})
}

//export gocfg_config_serialize
func gocfg_config_serialize(h C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		c, err := lookupConfig(h)
		if err != nil {
			return err
		}
		b, err := c.MarshalState()
		if err != nil {
			return err
		}
		return putBuffer(out, b)
	})
}

//export gocfg_config_secret_inputs
func gocfg_config_secret_inputs(h C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		c, err := lookupConfig(h)
		if err != nil {
			return err
		}
		b, err := c.SecretInputs()
		if err != nil {
			return err
		}
		return putBuffer(out, b)
	})
}

//export gocfg_config_deserialize
func gocfg_config_deserialize(data *C.char, dataLen C.size_t, env *C.char, envLen C.size_t, out *C.uintptr_t, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		if err := nonNull(out, "out"); err != nil {
			return err
		}
		raw, err := borrowValue(data, dataLen, "data")
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
		return newConfigHandle(c, out)
	})
}

//export gocfg_config_graft
func gocfg_config_graft(h C.uintptr_t, path *C.char, pathLen C.size_t, state *C.char, stateLen C.size_t, merge C.int, errOut **C.gocfg_error) C.int {
	return status(errOut, changes(h), func() error {
		c, p, err := atPath(h, path, pathLen, true)
		if err != nil {
			return err
		}
		raw, err := borrowValue(state, stateLen, "state")
		if err != nil {
			return err
		}
		src, err := store.UnmarshalState([]byte(raw), nil)
		if err != nil {
			return err
		}
		return c.Graft(p, src, merge != 0)
	})
}
