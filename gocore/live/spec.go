package live

import (
	"errors"
	"fmt"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
)

// Spec flags: the bits of the last item of a "file", "stored", "map" or
// "text" entry, and of an "env" or "overrides" entry (see FromWire).
const (
	SpecOptional    = 1 // file, stored: a missing source is skipped
	SpecAppendLists = 2 // file, stored, map, text: a list extends the list it meets
	SpecRawStrings  = 4 // env, overrides: values stay strings
)

// FromWire makes a layer stack from its description in plain values (as
// wire.Decode gives them), so that a binding can describe the whole stack
// in one buffer. spec is a list of entries, each a list whose first item
// names the kind:
//
//	["file", path, format, flags]             format "" picks it from the extension
//	["stored", database, name, flags]         database: what stored resolves
//	["map", "defaults" | "dict", name, map, flags]
//	["text", text, format, name, flags]
//	["env", prefix, delimiter, flags]
//	["overrides", [item, ...], flags]
//	["envfile", path, prefix, delimiter, flags]      see EnvFile; prefix "" takes every name
//	["secrets", directory, delimiter, flags]         see SecretsDir
//	["section", path, format, section, flags]        see Section
//	["assign", [row, ...], flags]                    see Assign; a row is
//	                                                 [[segment, ...], value, origin kind, origin name, line, column]
//
// stored turns a database reference (an int, the binding's handle) into
// the database; the Live does not own it.
func FromWire(spec any, stored func(ref int64) (*db.DB, error)) ([]Layer, error) {
	list, ok := spec.([]any)
	if !ok {
		return nil, shape("layer spec: a list of layers, not %s: %w", value.AType(spec), errs.ErrInvalidArgument)
	}
	if len(list) > MaxLayers {
		return nil, shape("%d layers: at most %d: %w", len(list), MaxLayers, errs.ErrLimit)
	}
	out := make([]Layer, 0, len(list))
	for i, e := range list {
		ly, err := entryFromWire(e, stored)
		if err != nil {
			var se *shapeError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("layer %d: %w", i, err)
			}
			return nil, err // it names its file, override or stored config
		}
		out = append(out, ly)
	}
	return out, nil
}

// shapeError is an entry that is not what FromWire takes: FromWire says
// which layer it is. Errors of the sources themselves (a file that does
// not parse, a bad override) name their source already, and pass as they
// are, as a plain load gives them.
type shapeError struct{ err error }

func (e *shapeError) Error() string { return e.err.Error() }
func (e *shapeError) Unwrap() error { return e.err }

func shape(format string, args ...any) error {
	return &shapeError{fmt.Errorf(format, args...)}
}

// item reads the typed items of one entry.
type item struct {
	vals []any
	err  error
}

func (it *item) str(i int, what string) string {
	if it.err != nil {
		return ""
	}
	s, ok := it.vals[i].(string)
	if !ok {
		it.err = shape("%s: a string, not %s: %w", what, value.AType(it.vals[i]), errs.ErrInvalidArgument)
	}
	return s
}

func (it *item) int(i int, what string) int64 {
	if it.err != nil {
		return 0
	}
	n, ok := it.vals[i].(int64)
	if !ok {
		it.err = shape("%s: an int, not %s: %w", what, value.AType(it.vals[i]), errs.ErrInvalidArgument)
	}
	return n
}

func entryFromWire(e any, stored func(int64) (*db.DB, error)) (Layer, error) {
	vals, ok := e.([]any)
	if !ok || len(vals) == 0 {
		return Layer{}, shape("an entry is a non-empty list, not %s: %w", value.AType(e), errs.ErrInvalidArgument)
	}
	it := &item{vals: vals}
	kind := it.str(0, "kind")
	sizes := map[string]int{"file": 4, "stored": 4, "map": 5, "text": 5, "env": 4, "overrides": 3,
		"envfile": 5, "secrets": 4, "section": 5, "assign": 3}
	want, known := sizes[kind]
	switch {
	case it.err != nil:
		return Layer{}, it.err
	case !known:
		return Layer{}, shape("kind %q: want file, stored, map, text, env, overrides, envfile, secrets, section or assign: %w", kind, errs.ErrInvalidArgument)
	case len(vals) != want:
		return Layer{}, shape("a %s entry has %d items, not %d: %w", kind, len(vals), want, errs.ErrInvalidArgument)
	}
	flags := it.int(want-1, "flags")
	if it.err != nil {
		return Layer{}, it.err
	}
	if flags < 0 || flags > SpecOptional|SpecAppendLists|SpecRawStrings {
		return Layer{}, shape("flags %d: unknown bits: %w", flags, errs.ErrInvalidArgument)
	}
	opts := layer.Options{AppendLists: flags&SpecAppendLists != 0}
	optional := flags&SpecOptional != 0
	switch kind {
	case "file":
		path, format := it.str(1, "path"), it.str(2, "format")
		if it.err != nil {
			return Layer{}, it.err
		}
		return File(path, format, optional, opts)
	case "stored":
		ref, name := it.int(1, "database"), it.str(2, "name")
		if it.err != nil {
			return Layer{}, it.err
		}
		d, err := stored(ref)
		if err != nil {
			return Layer{}, err
		}
		return Stored(d, name, optional, false, opts)
	case "map":
		which, name := it.str(1, "kind of mapping"), it.str(2, "name")
		if it.err != nil {
			return Layer{}, it.err
		}
		m, ok := vals[3].(*value.Map)
		if !ok {
			return Layer{}, shape("mapping: a map, not %s: %w", value.AType(vals[3]), errs.ErrTypeMismatch)
		}
		k := layer.KindDict
		switch which {
		case "defaults":
			k = layer.KindDefaults
		case "dict":
		default:
			return Layer{}, shape("kind of mapping %q: want defaults or dict: %w", which, errs.ErrInvalidArgument)
		}
		return Map(k, name, m, opts)
	case "text":
		text, format, name := it.str(1, "text"), it.str(2, "format"), it.str(3, "name")
		if it.err != nil {
			return Layer{}, it.err
		}
		return Text([]byte(text), format, name, opts)
	case "envfile":
		path, prefix, delim := it.str(1, "path"), it.str(2, "prefix"), it.str(3, "delimiter")
		if it.err != nil {
			return Layer{}, it.err
		}
		return EnvFile(path, prefix, delim, flags&SpecRawStrings != 0)
	case "secrets":
		dir, delim := it.str(1, "directory"), it.str(2, "delimiter")
		if it.err != nil {
			return Layer{}, it.err
		}
		return SecretsDir(dir, delim)
	case "section":
		path, format, sec := it.str(1, "path"), it.str(2, "format"), it.str(3, "section")
		if it.err != nil {
			return Layer{}, it.err
		}
		return Section(path, format, sec, optional, opts)
	case "assign":
		return assignFromWire(vals[1])
	case "env":
		prefix, delim := it.str(1, "prefix"), it.str(2, "delimiter")
		if it.err != nil {
			return Layer{}, it.err
		}
		if prefix == "" {
			return Layer{}, shape("the environment prefix is empty: %w", errs.ErrInvalidArgument)
		}
		return Env(prefix, delim, flags&SpecRawStrings != 0), nil
	default: // overrides
		raw, ok := vals[1].([]any)
		if !ok {
			return Layer{}, shape("overrides: a list of strings, not %s: %w", value.AType(vals[1]), errs.ErrInvalidArgument)
		}
		items := make([]string, len(raw))
		sub := &item{vals: raw}
		for i := range raw {
			items[i] = sub.str(i, fmt.Sprintf("override %d", i))
		}
		if sub.err != nil {
			return Layer{}, sub.err
		}
		return Overrides(items, flags&SpecRawStrings == 0)
	}
}

// assignFromWire reads the rows of an "assign" entry: each sets a path
// (a list of segments) to a value, typed as given, with its origin.
func assignFromWire(v any) (Layer, error) {
	rows, ok := v.([]any)
	if !ok {
		return Layer{}, shape("assign: a list of rows, not %s: %w", value.AType(v), errs.ErrInvalidArgument)
	}
	items := make([]layer.Named, 0, len(rows))
	for i, r := range rows {
		row, ok := r.([]any)
		if !ok || len(row) != 6 {
			return Layer{}, shape("assign row %d: [path, value, kind, name, line, column]: %w", i, errs.ErrInvalidArgument)
		}
		it := &item{vals: row}
		kind, name, line, col := it.int(2, "kind"), it.str(3, "name"), it.int(4, "line"), it.int(5, "column")
		if it.err != nil {
			return Layer{}, it.err
		}
		k := layer.Kind(kind)
		if kind < 0 || !k.Valid() || k == layer.KindNone || k == layer.KindSet {
			return Layer{}, shape("assign row %d: kind %d is not the kind of a source: %w", i, kind, errs.ErrInvalidArgument)
		}
		if err := store.CheckText("name", name); err != nil {
			return Layer{}, err
		}
		segsRaw, ok := row[0].([]any)
		if !ok || len(segsRaw) == 0 {
			return Layer{}, shape("assign row %d: the path is a non-empty list of segments: %w", i, errs.ErrInvalidArgument)
		}
		segs := make([]string, len(segsRaw))
		sub := &item{vals: segsRaw}
		for j := range segsRaw {
			segs[j] = sub.str(j, "path segment")
		}
		if sub.err != nil {
			return Layer{}, sub.err
		}
		for _, s := range segs {
			if err := store.CheckKey(s); err != nil {
				return Layer{}, err
			}
		}
		items = append(items, layer.Named{Segs: segs, Value: row[1],
			Origin: layer.Origin{Kind: k, Name: name, Line: int(line), Column: int(col)}})
	}
	return Assign(items, "", "", false)
}
