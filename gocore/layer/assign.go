package layer

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/secretname"
	"github.com/gocfg/gocfg/gocore/secretvalue"
	"github.com/gocfg/gocfg/gocore/value"
)

// An Assignment sets one path: an environment variable or an override item.
type Assignment struct {
	Segs []string
	// FoldCase matches each segment to an existing map key regardless of
	// case; a segment that matches none is created in lower case. It is how
	// upper-case environment names reach keys of any case.
	FoldCase bool
	Value    any
	Origin   Origin // Layer is filled in when applied
}

// DefaultDelimiter separates nesting levels in environment variable names:
// APP_SERVER__PORT is server.port.
const DefaultDelimiter = "__"

// EnvAssignments turns the variables of env ("NAME=value" entries) whose
// names start with prefix into assignments, sorted by name (so a parent
// such as APP_DB comes before APP_DB__HOST).
//
// The prefix is matched regardless of case and followed by "_" (added when
// the prefix does not end with one): prefix "APP" takes APP_DEBUG and
// APP_SERVER__PORT, not APPLE. The rest of the name is split at delim into
// path segments ("SERVER__PORT" -> SERVER, PORT); single underscores stay
// inside a segment (LOG_LEVEL is the key log_level). With parse, values are
// typed by ParseScalar; otherwise they stay strings. A name that leaves an
// empty segment (APP___X), a value that does not parse and a name or value
// that is not valid UTF-8 are errors naming the variable.
func EnvAssignments(env []string, prefix, delim string, parse bool) ([]Assignment, error) {
	if prefix == "" {
		return nil, fmt.Errorf("the environment prefix is empty (it would take every variable, PATH and HOME too): %w", errs.ErrInvalidArgument)
	}
	if delim == "" {
		delim = DefaultDelimiter
	}
	if !strings.HasSuffix(prefix, "_") {
		prefix += "_"
	}
	type kv struct{ name, val string }
	var vars []kv
	for _, e := range env {
		name, val, ok := strings.Cut(e, "=")
		if !ok || len(name) <= len(prefix) || !strings.EqualFold(name[:len(prefix)], prefix) {
			continue
		}
		if !utf8.ValidString(name) || !utf8.ValidString(val) {
			// Refused, not skipped: skipped, the value below it (a file's,
			// a default) stood in for what the variable set. Its value is
			// not shown: it may be a secret.
			part := "value"
			if !utf8.ValidString(name) {
				part = "name"
			}
			return nil, fmt.Errorf("environment variable %s is set, but its %s is not valid UTF-8 text: %w",
				strconv.QuoteToASCII(name), part, errs.ErrInvalidArgument)
		}
		vars = append(vars, kv{name, val})
	}
	sort.Slice(vars, func(i, j int) bool { return vars[i].name < vars[j].name })
	out := make([]Assignment, 0, len(vars))
	for _, v := range vars {
		segs := strings.Split(v.name[len(prefix):], delim)
		for _, s := range segs {
			if s == "" {
				return nil, fmt.Errorf("environment variable %s: an empty key between %q delimiters: %w", v.name, delim, errs.ErrInvalidArgument)
			}
		}
		var val any = v.val
		if parse {
			var err error
			if val, err = ParseScalar(v.val); err != nil {
				if IsSecretPath(segs) {
					// Neither the value nor the parser's account of it,
					// which may quote it.
					return nil, fmt.Errorf("environment variable %s: cannot parse its value (a secret, not shown): %w", v.name, kindOnly(err))
				}
				return nil, fmt.Errorf("environment variable %s: cannot parse %s: %w", v.name, quoteShort(v.val), err)
			}
		}
		out = append(out, Assignment{Segs: segs, FoldCase: true, Value: val, Origin: Origin{Kind: KindEnv, Name: v.name}})
	}
	return out, nil
}

// OverrideAssignments turns "path=value" items into assignments, in order.
// The path is a dot path (quoted segments allowed: '"a.b".c=1'). The value
// is everything after the first "=", typed by ParseScalar unless parse is
// false. Blanks around the path and the value are ignored.
//
// An item's origin is named "path=value", with the value masked when the
// path is a secret (IsSecretPath): the origin is shown beside values,
// in history and explain, and in error messages. Errors about an item
// quote its value only when its path is known and not a secret.
func OverrideAssignments(items []string, parse bool) ([]Assignment, error) {
	out := make([]Assignment, 0, len(items))
	for _, item := range items {
		key, val, ok := strings.Cut(item, "=")
		if !ok {
			// Without "=", where the key ends is unknown: a typo such as
			// db.password:hunter2 holds a secret's value.
			key = keyHead(item)
		}
		if !utf8.ValidString(item) {
			// Before the path is known to be no secret: the key part only.
			return nil, fmt.Errorf("override %s is not valid UTF-8: %w", quoteShort(key+maskedTail(ok)), errs.ErrInvalidArgument)
		}
		if !ok {
			return nil, fmt.Errorf("override %s: expected key=value (such as server.port=9000): %w", quoteShort(key), errs.ErrInvalidArgument)
		}
		key = strings.TrimSpace(key)
		if key == "" {
			return nil, fmt.Errorf("override %s: the key before '=' is empty: %w", quoteShort(maskedTail(true)), errs.ErrInvalidArgument)
		}
		segs, err := value.ParsePath(key)
		if err != nil {
			return nil, fmt.Errorf("override %s: %w", quoteShort(key+maskedTail(true)), err)
		}
		val = strings.TrimSpace(val)
		secret := IsSecretPath(segs)
		// The origin shows the value: a credential inside it is masked
		// (secretvalue), a secret key's value whole.
		shown := key + "=" + secretvalue.MaskText(val)
		if secret {
			shown = key + "=" + Mask
		}
		var v any = val
		if parse {
			if v, err = ParseScalar(val); err != nil {
				if secret {
					return nil, fmt.Errorf("override %s: cannot parse the value (a secret, not shown): %w", quoteShort(shown), kindOnly(err))
				}
				return nil, fmt.Errorf("override %s: cannot parse the value: %w", quoteShort(shown), err)
			}
		}
		out = append(out, Assignment{Segs: segs, Value: v, Origin: Origin{Kind: KindOverride, Name: shown}})
	}
	return out, nil
}

// kindOnly is the sentinel that classifies err (errs.ErrParse, ...),
// without err's own text, which may quote a secret value, or its
// location (a line and column inside the secret).
func kindOnly(err error) error {
	for _, k := range []error{errs.ErrLimit, errs.ErrInvalidArgument, errs.ErrTypeMismatch, errs.ErrParse} {
		if errors.Is(err, k) {
			return k
		}
	}
	return errs.ErrParse
}

// maskedTail stands for an override's value in a message written before
// the path is known not to be a secret.
// keyHead is what a message may quote of an override without "=": all of
// it, unless it names a secret (secretname), when it may go on into the
// secret's value: then only up to the end of the first secret word, and
// "…" ("db.passwordhunter2" is quoted "db.password…").
func keyHead(item string) string {
	if end := secretname.WordEnd(item); end >= 0 && end < len(item) {
		return item[:end] + "…"
	}
	return item
}

func maskedTail(hasValue bool) string {
	if hasValue {
		return "=" + Mask
	}
	return ""
}

func quoteShort(s string) string {
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return strconv.Quote(s)
}

// Apply stores a.Value at a.Segs under root (resolving the segments' case
// first when a.FoldCase), and records it in prov (may be nil) as set by
// layer seq. It returns the path it set.
func Apply(root *value.Map, a Assignment, prov *Provenance, seq int) ([]string, error) {
	segs := a.Segs
	if a.FoldCase {
		segs = foldPath(root, segs)
	}
	if len(segs)+value.Depth(a.Value) > value.MaxDepth {
		return nil, &errs.Located{Kind: errs.ErrInvalidArgument, Path: value.JoinPath(segs...),
			Msg: fmt.Sprintf("%s: the config would nest more than %d levels deep", a.Origin, value.MaxDepth)}
	}
	if err := value.SetPath(root, segs, a.Value); err != nil {
		return nil, fmt.Errorf("%s: %w", a.Origin, err)
	}
	if prov != nil {
		o := a.Origin
		o.Layer = seq
		for i := 1; i < len(segs); i++ {
			prov.Touch(segs[:i], o)
		}
		prov.Record(segs, segs, a.Value, func([]string) Origin { return o })
	}
	return segs, nil
}

// foldPath maps each segment to the key of the map it reaches that equals
// it regardless of case (an exact match first, else the first such key in
// order); from the first segment that reaches nothing on, segments are
// lower-cased.
func foldPath(root *value.Map, segs []string) []string {
	out := make([]string, len(segs))
	var cur any = root
	for i, s := range segs {
		switch c := cur.(type) {
		case *value.Map:
			if v, ok := c.Get(s); ok {
				out[i], cur = s, v
				continue
			}
			found := false
			c.Range(func(k string, v any) bool {
				if strings.EqualFold(k, s) {
					out[i], cur, found = k, v, true
					return false
				}
				return true
			})
			if !found {
				out[i], cur = strings.ToLower(s), nil
			}
		case []any:
			out[i] = s
			if j, ok := value.ListIndex(s, len(c)); ok {
				cur = c[j]
			} else {
				cur = nil
			}
		default:
			out[i], cur = strings.ToLower(s), nil
		}
	}
	return out
}

// A Named is one assignment given from outside the process environment: a
// variable of a .env file, a file of a secrets directory, a command-line
// flag. Either Name is set (a variable name, read by the environment's
// rules: prefix, delimiter, case folding) or Segs (a path taken as it is).
type Named struct {
	Name   string
	Segs   []string
	Value  any
	Origin Origin
}

// NamedAssignments turns items into assignments. An item with a Name is
// read as EnvAssignments reads a variable: the name must start with
// prefix (matched regardless of case, "_" added when missing; an empty
// prefix takes every name whole), the rest is split at delim, segments
// fold to the case of existing keys, and a string value is typed by
// ParseScalar when parse is true. Items without a prefix match are
// skipped, as unrelated variables are. An item with Segs sets that path
// with its value as given. Named items apply sorted by name (a parent
// before its children, as the environment does); path items after them,
// in order. Errors name the item by its origin, and never quote the value
// of a secret (a secret path or a KindSecret item).
func NamedAssignments(items []Named, prefix, delim string, parse bool) ([]Assignment, error) {
	if delim == "" {
		delim = DefaultDelimiter
	}
	if prefix != "" && !strings.HasSuffix(prefix, "_") {
		prefix += "_"
	}
	var named, paths []Named
	for _, it := range items {
		if it.Segs != nil {
			paths = append(paths, it)
			continue
		}
		if len(it.Name) <= len(prefix) || !strings.EqualFold(it.Name[:len(prefix)], prefix) {
			continue
		}
		named = append(named, it)
	}
	sort.SliceStable(named, func(i, j int) bool { return named[i].Name < named[j].Name })
	out := make([]Assignment, 0, len(named)+len(paths))
	for _, it := range named {
		where := it.Origin.String() + ": " + it.Name
		switch it.Origin.Kind {
		case KindEnv:
			where = "environment variable " + it.Name
		case KindSecret:
			where = it.Origin.String()
		}
		segs := strings.Split(it.Name[len(prefix):], delim)
		for _, s := range segs {
			if s == "" {
				return nil, fmt.Errorf("%s: an empty key between %q delimiters: %w", where, delim, errs.ErrInvalidArgument)
			}
		}
		v := it.Value
		if s, ok := v.(string); ok && parse {
			var err error
			if v, err = ParseScalar(s); err != nil {
				if IsSecretPath(segs) || it.Origin.Kind == KindSecret {
					return nil, fmt.Errorf("%s: cannot parse its value (a secret, not shown): %w", where, kindOnly(err))
				}
				return nil, fmt.Errorf("%s: cannot parse %s: %w", where, quoteShort(s), err)
			}
		}
		out = append(out, Assignment{Segs: segs, FoldCase: true, Value: v, Origin: it.Origin})
	}
	for _, it := range paths {
		if len(it.Segs) == 0 {
			return nil, fmt.Errorf("%s: an empty path: %w", it.Origin, errs.ErrInvalidArgument)
		}
		out = append(out, Assignment{Segs: it.Segs, Value: it.Value, Origin: it.Origin})
	}
	return out, nil
}
