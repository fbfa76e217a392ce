package wire_test

// Fuzz targets for what the C ABI does with the keys, values and paths a
// caller hands it: gocfg_config_set_value and _merge decode a wire buffer
// (wire.Decode) and store it at a path (store.Set / Merge, which parse the
// path with value.ParsePath); gocfg_config_set stores a raw string;
// _get_value, _export, _contains, _len, _keys and _delete take a path and
// answer with a wire buffer. The export layer itself is a thin, cgo-only
// shell around these calls (and is fuzz-tested through them).
//
// Seeds come from the conformance suites when ../shared/conformance is
// there: documents of JSONTestSuite and toml-test are decoded by the
// codecs, and their trees give the wire buffers and their paths.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/codec/jsonfmt"
	"github.com/gocfg/gocfg/gocore/codec/tomlfmt"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
	"github.com/gocfg/gocfg/gocore/wire"
)

// watchdog makes a hang a crash, which the fuzzer reports with its input
// (Go's fuzzer has no time limit per input); see codectest.Watchdog.
func watchdog(what func() string) (stop func()) {
	t := time.AfterFunc(20*time.Second, func() {
		panic("fuzz input still running after 20s (a hang?): " + what())
	})
	return func() { t.Stop() }
}

func conformance() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	// gocore/wire -> repository root -> ../shared/conformance
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "conformance")
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return dir
	}
	return ""
}

// suiteTrees decodes up to n documents of the suites into trees.
func suiteTrees(n int) []*value.Map {
	dir := conformance()
	if dir == "" {
		return nil
	}
	var out []*value.Map
	add := func(glob string, decode func([]byte) (*value.Doc, error), limit int) {
		paths, _ := filepath.Glob(filepath.Join(dir, glob))
		step := max(1, len(paths)/max(1, limit))
		for i := 0; i < len(paths) && limit > 0; i += step {
			b, err := os.ReadFile(paths[i])
			if err != nil || len(b) > 16<<10 {
				continue
			}
			if doc, err := decode(b); err == nil && doc.Root != nil {
				out = append(out, doc.Root)
				limit--
			}
		}
	}
	add("toml-test/tests/valid/*/*.toml", tomlfmt.Decode, n/2)
	// JSONTestSuite's y_ cases are mostly arrays: read each as {"v": ...}.
	add("JSONTestSuite/test_parsing/y_*.json", func(b []byte) (*value.Doc, error) {
		return jsonfmt.Decode(append(append([]byte(`{"v":`), b...), '}'))
	}, n/2)
	return out
}

// leafPaths lists up to limit paths of values in v.
func leafPaths(v any, prefix []string, limit int, out *[]string) {
	if len(*out) >= limit {
		return
	}
	switch c := v.(type) {
	case *value.Map:
		c.Range(func(k string, e any) bool {
			leafPaths(e, append(slices.Clip(prefix), k), limit, out)
			return len(*out) < limit
		})
	case []any:
		for i, e := range c {
			leafPaths(e, append(slices.Clip(prefix), itoa(i)), limit, out)
		}
	}
	*out = append(*out, value.JoinPath(prefix...))
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// base is the tree every FuzzStore run starts from, so paths have maps,
// lists, scalars, dotted and empty keys to reach into.
func base() *value.Map {
	inner := value.NewMap(0)
	inner.Set("c", "x")
	a := value.NewMap(0)
	a.Set("b", []any{int64(1), inner})
	a.Set("d.e", 1.5)
	empty := value.NewMap(0)
	empty.Set("", nil)
	m := value.NewMap(0)
	m.Set("a", a)
	m.Set("l", []any{[]any{int64(1), int64(2)}, []any{}})
	m.Set("s", "str")
	m.Set("", empty)
	return m
}

// wantKind fails unless err is one of the kinds the C ABI maps to a status
// the caller expects from these calls.
func wantKind(t *testing.T, what string, err error) {
	t.Helper()
	for _, k := range []error{errs.ErrInvalidArgument, errs.ErrNotFound, errs.ErrTypeMismatch} {
		if errors.Is(err, k) {
			return
		}
	}
	t.Fatalf("%s: error of an unexpected kind: %v", what, err)
}

// checkTree fails unless every key and string of the tree obeys the
// store's rules (keys and strings: valid UTF-8, NUL allowed) and the
// tree is not too deep.
func checkTree(t *testing.T, v any, path string) {
	t.Helper()
	switch c := v.(type) {
	case string:
		if err := store.CheckValue("string", c); err != nil {
			t.Fatalf("the store holds a bad string at %q: %v", path, err)
		}
	case []any:
		for i, e := range c {
			checkTree(t, e, value.AppendPath(path, itoa(i)))
		}
	case *value.Map:
		c.Range(func(k string, e any) bool {
			if err := store.CheckKey(k); err != nil {
				t.Fatalf("the store holds a bad key under %q: %v", path, err)
			}
			checkTree(t, e, value.AppendPath(path, k))
			return true
		})
	}
}

// FuzzStore: a value from a wire buffer (or a raw string, as
// gocfg_config_set passes it) is set at one arbitrary path, then another
// arbitrary path is read, measured, merged into or deleted. Properties:
// nothing panics; errors have the kinds the ABI reports; a failed write
// changes nothing; a successful write reads back equal, through the wire
// format too; the tree never holds a key or string with invalid
// UTF-8, and never nests deeper than value.MaxDepth.
func FuzzStore(f *testing.F) {
	for _, s := range []struct {
		path  string
		data  []byte
		path2 string
		op    byte
	}{
		{"a.b.0", []byte("i\x07\x00\x00\x00"), "a.b", 0},
		{"l.1.0", []byte("[\x01\x00\x00\x00N"), "l.1", 1},
		{`"d.e"`, []byte("z\x01x"), "a.\"d.e\"", 2},
		{"", []byte("{z\x01ai\x01\x00\x00\x000"), "", 3},
		{"new.key", []byte("z\x02a\x00"), "s\x00", 4},
		{`"".""`, []byte("N"), `""`, 5},
	} {
		f.Add(s.path, s.data, s.path2, s.op)
	}
	for i, m := range suiteTrees(40) {
		data, err := wire.EncodeTagged(m)
		if err != nil {
			continue
		}
		var paths []string
		leafPaths(m, nil, 4, &paths)
		for j, p := range paths {
			f.Add(p, data, paths[len(paths)-1-j], byte(i+j))
		}
	}
	f.Fuzz(func(t *testing.T, path string, data []byte, path2 string, op byte) {
		defer watchdog(func() string { return fmt.Sprintf("%q %q %q %d", path, data, path2, op) })()
		c := store.NewFrom(base())
		var v any = path2 // gocfg_config_set: a raw string
		if op&0x80 == 0 {
			var err error
			if v, err = wire.Decode(data); err != nil {
				wantKind(t, "wire.Decode", err)
				return
			}
		}
		want := value.Clone(v)
		before := c.Snapshot()
		if err := c.Set(path, v); err != nil {
			wantKind(t, "Set", err)
			if !value.Equal(c.Snapshot(), before) {
				t.Fatalf("a failed Set(%q) changed the tree: %v", path, err)
			}
		} else {
			got, err := c.Get(path)
			if err != nil {
				t.Fatalf("Set(%q) succeeded but Get fails: %v", path, err)
			}
			if !value.Equal(got, want) {
				t.Fatalf("Set(%q, %#v) reads back %#v", path, want, got)
			}
			if ok, err := c.Contains(path); !ok || err != nil {
				t.Fatalf("Set(%q) succeeded but Contains says %v, %v", path, ok, err)
			}
			// What gocfg_config_export hands to Python, and back.
			b, err := wire.EncodeTagged(got)
			if err != nil {
				t.Fatalf("cannot encode what was stored at %q: %v", path, err)
			}
			back, err := wire.Decode(b)
			if err != nil || !value.Equal(back, got) {
				t.Fatalf("wire round trip at %q: %#v -> %#v (%v)", path, got, back, err)
			}
		}
		before = c.Snapshot()
		var err error
		what := "?"
		switch op % 5 {
		case 0:
			what = "Get"
			_, err = c.Get(path2)
		case 1:
			what = "Len"
			_, err = c.Len(path2)
		case 2:
			what = "Keys"
			_, err = c.Keys(path2)
		case 3:
			what = "Delete"
			err = c.Delete(path2)
		case 4:
			what = "Merge"
			// Merge's map always comes from wire.Decode in the ABI.
			m, ok := value.Clone(want).(*value.Map)
			if !ok {
				m = value.NewMap(0)
				m.Set("k", want)
			}
			err = c.Merge(path2, m)
		}
		if err != nil {
			wantKind(t, what, err)
			if !value.Equal(c.Snapshot(), before) {
				t.Fatalf("a failed %s(%q) changed the tree: %v", what, path2, err)
			}
		}
		after := c.Snapshot()
		checkTree(t, after, "")
		if d := value.Depth(after); d > value.MaxDepth {
			t.Fatalf("the tree nests %d levels deep", d)
		}
	})
}

// FuzzRoundTrip: whatever wire.Decode accepts encodes again, in both of
// Encode's forms, and decodes to an equal value (the tagged form is the
// one Decode reads; the plain form is checked to encode without error).
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("{z\x01ai\x01\x00\x00\x000"))
	f.Add([]byte("[\x02\x00\x00\x00NT"))
	for _, m := range suiteTrees(40) {
		if b, err := wire.EncodeTagged(m); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		defer watchdog(func() string { return fmt.Sprintf("%q", b) })()
		v, err := wire.Decode(b)
		if err != nil {
			wantKind(t, "Decode", err)
			return
		}
		if _, err := wire.Encode(v); err != nil {
			t.Fatalf("decoded %#v but cannot encode it: %v", v, err)
		}
		tagged, err := wire.EncodeTagged(v)
		if err != nil {
			t.Fatalf("decoded %#v but cannot encode it tagged: %v", v, err)
		}
		back, err := wire.Decode(tagged)
		if err != nil || !value.Equal(back, v) {
			t.Fatalf("round trip: %#v -> %#v (%v)", v, back, err)
		}
		checkTree(t, v, "")
	})
}
