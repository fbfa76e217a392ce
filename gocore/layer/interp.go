package layer

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// Interpolation. A string value may hold references:
//
//	${server.host}        the value at a dot path of the same config
//	${env:HOME}           an environment variable
//	${env:PORT,8080}      ... or the text after the first comma when unset
//	$${                   a literal "${"
//
// A string that is exactly one reference takes the referenced value with
// its type (an int, a list, a map: reading through it reaches inside);
// an environment variable in that position is typed by ParseScalar when
// the resolver's ParseEnv is set. References inside longer text are
// formatted: ints and floats as numbers, bools as true/false, null as
// null, dates in ISO 8601; a list or map there is an error. References are
// not nested (a default cannot hold one). A cycle, a missing key or
// variable, and a malformed reference give an ErrInterpolation error whose
// message names the chain of paths that led to it.

// Resolver resolves references against one tree and one environment.
type Resolver struct {
	Root     *value.Map
	Env      map[string]string
	ParseEnv bool
}

// HasRef reports whether s may hold a reference (or the $${ escape).
func HasRef(s string) bool { return strings.Contains(s, "${") }

func interpErr(at []string, format string, args ...any) error {
	return &errs.Located{Kind: ErrInterpolation, Path: value.JoinPath(at...), Msg: fmt.Sprintf(format, args...)}
}

func chainText(chain []string, last string) string {
	return strings.Join(append(slices.Clone(chain), last), " -> ")
}

// Lookup returns the value at segs, following references met on the way
// (a segment inside a string that refers to a map reaches into that map),
// with the value found resolved: a string with references becomes its
// result, a list is copied with its strings resolved, a map is returned as
// stored (its entries resolve when read).
func (r *Resolver) Lookup(segs []string) (any, error) {
	v, _, err := r.lookup(segs, nil)
	if err != nil {
		return nil, err
	}
	if l, ok := v.([]any); ok && needsResolve(l) {
		return r.deep(l, segs, nil)
	}
	return v, nil
}

// lookup walks segs from the root. It returns the value (shallowly
// resolved) and the real path where it lives (after following references).
func (r *Resolver) lookup(segs []string, chain []string) (any, []string, error) {
	var cur any = r.Root
	real := make([]string, 0, len(segs))
	for i, seg := range segs {
		var err error
		if cur, real, err = r.follow(cur, real, chain); err != nil {
			return nil, nil, err
		}
		switch c := cur.(type) {
		case *value.Map:
			v, ok := c.Get(seg)
			if !ok {
				return nil, nil, &errs.Located{Kind: errs.ErrNotFound, Path: value.JoinPath(segs[:i+1]...), Msg: "no such key"}
			}
			cur = v
		case []any:
			j, err := strconv.Atoi(seg)
			if err != nil || j < 0 || j >= len(c) || (len(seg) > 1 && seg[0] == '0') {
				return nil, nil, &errs.Located{Kind: errs.ErrNotFound, Path: value.JoinPath(segs[:i+1]...),
					Msg: fmt.Sprintf("%s is a list of %d items; %q is not an index in it", value.JoinPath(segs[:i]...), len(c), seg)}
			}
			cur = c[j]
		default:
			return nil, nil, &errs.Located{Kind: errs.ErrNotFound, Path: value.JoinPath(segs[:i+1]...),
				Msg: fmt.Sprintf("%s is a %s, not a map or list", value.JoinPath(segs[:i]...), value.TypeName(cur))}
		}
		real = append(real, seg)
	}
	return r.follow(cur, real, chain)
}

// follow resolves v, found at path at, when it is a string with references.
// It returns the result and where that lives (at itself, or the target of
// a whole-string reference).
func (r *Resolver) follow(v any, at []string, chain []string) (any, []string, error) {
	s, ok := v.(string)
	if !ok || !HasRef(s) {
		return v, at, nil
	}
	return r.resolveString(s, at, chain)
}

type part struct {
	lit    string
	ref    string // the text between ${ and }
	isRef  bool
	offset int
}

func parse(s string, at []string) ([]part, error) {
	var parts []part
	var lit strings.Builder
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "${")
		if j < 0 {
			lit.WriteString(s[i:])
			break
		}
		j += i
		if j > 0 && s[j-1] == '$' {
			// "$${" is a literal "${": the first $ escapes it.
			lit.WriteString(s[i : j-1])
			lit.WriteString("${")
			i = j + 2
			continue
		}
		lit.WriteString(s[i:j])
		end := strings.IndexByte(s[j+2:], '}')
		if end < 0 {
			return nil, interpErr(at, "unterminated reference %q (a literal ${ is written $${)", shorten(s[j:]))
		}
		ref := s[j+2 : j+2+end]
		if strings.Contains(ref, "${") {
			return nil, interpErr(at, "nested reference in %q: references cannot hold references", shorten(s[j:j+3+end]))
		}
		if lit.Len() > 0 {
			parts = append(parts, part{lit: lit.String()})
			lit.Reset()
		}
		parts = append(parts, part{ref: ref, isRef: true, offset: j})
		i = j + 3 + end
	}
	if lit.Len() > 0 {
		parts = append(parts, part{lit: lit.String()})
	}
	return parts, nil
}

func shorten(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

func (r *Resolver) resolveString(s string, at []string, chain []string) (any, []string, error) {
	here := value.JoinPath(at...)
	if slices.Contains(chain, here) {
		return nil, nil, interpErr(at, "reference cycle: %s", chainText(chain, here))
	}
	chain = append(slices.Clone(chain), here)
	parts, err := parse(s, at)
	if err != nil {
		return nil, nil, err
	}
	if len(parts) == 1 && parts[0].isRef {
		return r.refValue(parts[0].ref, at, chain, true)
	}
	var b strings.Builder
	for _, p := range parts {
		if !p.isRef {
			b.WriteString(p.lit)
			continue
		}
		v, _, err := r.refValue(p.ref, at, chain, false)
		if err != nil {
			return nil, nil, err
		}
		text, ok := Format(v)
		if !ok {
			return nil, nil, interpErr(at, "${%s} is a %s, which cannot be part of a string (%s)", p.ref, value.TypeName(v), chainText(chain, p.ref))
		}
		b.WriteString(text)
	}
	return b.String(), at, nil
}

func (r *Resolver) refValue(ref string, at []string, chain []string, whole bool) (any, []string, error) {
	if name, ok := strings.CutPrefix(ref, "env:"); ok {
		name, def, hasDef := strings.Cut(name, ",")
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, nil, interpErr(at, "${%s}: no variable name", ref)
		}
		val, set := r.Env[name]
		if !set {
			if !hasDef {
				return nil, nil, interpErr(at, "environment variable %s is not set and ${%s} has no default (write ${env:%s,default}) (%s)",
					name, ref, name, chainText(chain, "env:"+name))
			}
			val = def
		}
		if whole && r.ParseEnv {
			v, err := ParseScalar(val)
			if err != nil {
				return nil, nil, interpErr(at, "${%s}: cannot parse %s: %v", ref, quoteShort(val), err)
			}
			return v, at, nil
		}
		return val, at, nil
	}
	segs, err := value.ParsePath(strings.TrimSpace(ref))
	if err != nil || len(segs) == 0 {
		return nil, nil, interpErr(at, "${%s} is not a valid path (%s)", ref, chainText(chain, ref))
	}
	v, real, err := r.lookup(segs, chain)
	if err != nil {
		var loc *errs.Located
		if asLocated(err, &loc) && loc.Kind == errs.ErrNotFound {
			return nil, nil, interpErr(at, "${%s}: %s: %s (%s)", ref, loc.Path, loc.Msg, chainText(chain, value.JoinPath(segs...)))
		}
		return nil, nil, err
	}
	return v, real, nil
}

func asLocated(err error, out **errs.Located) bool {
	l, ok := err.(*errs.Located)
	if ok {
		*out = l
	}
	return ok
}

// Format writes a scalar as interpolation puts it inside a string.
func Format(v any) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "null", true
	case bool:
		return strconv.FormatBool(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case *big.Int:
		return v.String(), true
	case float64:
		return FormatFloat(v), true
	case string:
		return v, true
	case time.Time:
		return v.Format(time.RFC3339Nano), true
	case value.LocalDate:
		return v.String(), true
	case value.LocalTime:
		return v.String(), true
	case value.LocalDateTime:
		return v.String(), true
	}
	return "", false
}

// FormatFloat writes f as Python's repr does (1.0, 1e+20, inf, nan), so a
// float reads the same in a string as it prints in Python.
func FormatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	abs := math.Abs(f)
	if abs != 0 && (abs >= 1e16 || abs < 1e-4) {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		// Go writes 1e+20 and 1e-05; Python 1e+20 and 1e-05 too.
		return s
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// needsResolve reports whether v holds any string with a reference.
func needsResolve(v any) bool {
	switch c := v.(type) {
	case string:
		return HasRef(c)
	case []any:
		for _, e := range c {
			if needsResolve(e) {
				return true
			}
		}
	case *value.Map:
		found := false
		c.Range(func(_ string, e any) bool {
			found = needsResolve(e)
			return !found
		})
		return found
	}
	return false
}

// NeedsResolve reports whether anything inside v holds a reference.
func NeedsResolve(v any) bool { return needsResolve(v) }

// Deep returns v (found at path at) with every reference inside resolved:
// maps and lists are copied when anything inside them changes, and a
// reference to a map or list brings a resolved copy of it.
func (r *Resolver) Deep(v any, at []string) (any, error) {
	if !needsResolve(v) {
		return v, nil
	}
	return r.deep(v, at, nil)
}

func (r *Resolver) deep(v any, at []string, chain []string) (any, error) {
	switch c := v.(type) {
	case string:
		if !HasRef(c) {
			return c, nil
		}
		rv, real, err := r.resolveString(c, at, chain)
		if err != nil {
			return nil, err
		}
		switch rv.(type) {
		case *value.Map, []any:
			// A whole-string reference to a container: resolve what is
			// inside it too, remembering how we got there.
			return r.deep(rv, real, append(slices.Clone(chain), value.JoinPath(at...)))
		}
		return rv, nil
	case []any:
		if !needsResolve(c) {
			return value.Clone(c), nil
		}
		out := make([]any, len(c))
		for i, e := range c {
			x, err := r.deep(e, append(at[:len(at):len(at)], strconv.Itoa(i)), chain)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case *value.Map:
		if !needsResolve(c) {
			return c.Clone(), nil
		}
		out := value.NewMap(c.Len())
		var err error
		c.Range(func(k string, e any) bool {
			var x any
			x, err = r.deep(e, append(at[:len(at):len(at)], k), chain)
			if err != nil {
				return false
			}
			out.Set(k, x)
			return true
		})
		return out, err
	}
	return v, nil
}
