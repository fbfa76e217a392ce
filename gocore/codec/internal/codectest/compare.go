package codectest

import (
	"encoding/json"
	"testing"

	"github.com/gocfg/gocfg/gocore/value"
)

// Plain turns a tree into what encoding/json gives for the same JSON
// (maps, slices, float64 numbers), for comparisons with reflect.DeepEqual.
func Plain(v any) any {
	switch v := v.(type) {
	case *value.Map:
		m := map[string]any{}
		v.Range(func(k string, x any) bool { m[k] = Plain(x); return true })
		return m
	case []any:
		l := make([]any, len(v))
		for i, x := range v {
			l[i] = Plain(x)
		}
		return l
	case int64:
		return float64(v)
	}
	return v
}

// MustJSON reads a JSON text as encoding/json does, failing the test when
// it does not parse.
func MustJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// SameTree reports whether got, a decoded tree, equals want, a value read
// by encoding/json (a suite's expected data): objects against *value.Map
// by their key sets and then key by key, arrays item by item. leaf judges
// the rest; it may also claim an object (toml-test's tagged values are
// objects) by answering handled.
func SameTree(want, got any, leaf func(want, got any) (same, handled bool)) bool {
	if same, handled := leaf(want, got); handled {
		return same
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(*value.Map)
		if !ok || g.Len() != len(w) {
			return false
		}
		for k, x := range w {
			y, ok := g.Get(k)
			if !ok || !SameTree(x, y, leaf) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !SameTree(w[i], g[i], leaf) {
				return false
			}
		}
		return true
	}
	return false
}

// Get returns the value at a dot path of tree (digits index lists), or nil
// when the path leads nowhere.
func Get(tree *value.Map, path string) any {
	segs, _ := value.ParsePath(path)
	var v any = tree
	for _, s := range segs {
		switch c := v.(type) {
		case *value.Map:
			v, _ = c.Get(s)
		case []any:
			i := 0
			for _, ch := range s {
				i = i*10 + int(ch-'0')
			}
			v = c[i]
		default:
			return nil
		}
	}
	return v
}

// MustDecode decodes the document s, failing the test when it is refused.
func MustDecode(t *testing.T, decode DecodeFunc, s string) *value.Doc {
	t.Helper()
	d, err := decode([]byte(s))
	if err != nil {
		t.Fatalf("Decode(%q): %v", s, err)
	}
	return d
}
