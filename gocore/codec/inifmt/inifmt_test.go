package inifmt

import (
	"errors"
	"math/rand"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

const sample = "\xEF\xBB\xBF; comment\n" +
	"top = 1\n" +
	"# another\n" +
	"[server]\n" +
	"host = example.org ; not a comment\n" +
	"url: http://x/#frag\n" +
	"  indented = yes\r\n" +
	"empty =\n" +
	"quoted = \"q\"\n" +
	"\n" +
	"[a.b]\n" +
	"k=v=w\n" +
	"[ spaced ]\n" +
	"é = ü"

func TestDecode(t *testing.T) {
	d, err := Decode([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(d.Root.Keys(), ","); got != "top,server,a.b,spaced" {
		t.Errorf("keys %s", got)
	}
	checks := map[string]string{
		"top": "1", "server.host": "example.org ; not a comment", "server.url": "http://x/#frag",
		"server.indented": "yes", "server.empty": "", "server.quoted": `"q"`, `"a.b".k`: "v=w", "spaced.é": "ü",
	}
	for p, want := range checks {
		segs, _ := value.ParsePath(p)
		var v any = d.Root
		for _, s := range segs {
			v, _ = v.(*value.Map).Get(s)
		}
		if v != want {
			t.Errorf("%s = %#v, want %q", p, v, want)
		}
	}
	pos := map[string]value.Pos{"top": {Line: 2, Column: 1}, "server": {Line: 4, Column: 1}, "server.indented": {Line: 7, Column: 3}, `"a.b".k`: {Line: 12, Column: 1}, "spaced.é": {Line: 14, Column: 1}}
	for p, w := range pos {
		if d.Positions[p] != w {
			t.Errorf("position of %s = %v, want %v", p, d.Positions[p], w)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		in        string
		line, col int
		msg       string
	}{
		{"a = 1\njunk\n", 2, 1, "expected 'key = value'"},
		{"[s]\n  = x\n", 2, 3, "empty key"},
		{"[s\n", 1, 1, "must end with ']'"},
		{"[]\n", 1, 1, "empty section"},
		{"[s]\n[s]\n", 2, 1, "appears twice"},
		{"s = 1\n[s]\n", 2, 1, "name of a key"},
		{"[s]\na=1\na=2\n", 3, 1, "appears twice in this section"},
		{"a=\xff\n", 1, 3, "invalid UTF-8"},
		{"a=\x00\n", 1, 3, "NUL"},
		{"a=1\rb=2\n", 1, 4, "carriage return"},
	}
	for _, c := range cases {
		_, err := Decode([]byte(c.in))
		var loc *errs.Located
		if !errors.As(err, &loc) || !errors.Is(err, errs.ErrParse) {
			t.Errorf("Decode(%q) = %v, want a located parse error", c.in, err)
			continue
		}
		if loc.Line != c.line || loc.Column != c.col || !strings.Contains(loc.Msg, c.msg) {
			t.Errorf("Decode(%q) = %d:%d %q, want %d:%d ...%q...", c.in, loc.Line, loc.Column, loc.Msg, c.line, c.col, c.msg)
		}
	}
}

func TestEncode(t *testing.T) {
	sec := value.NewMap(0)
	sec.Set("k", "v ; x")
	sec.Set("n", int64(3))
	root := value.NewMap(0)
	root.Set("first", "1")
	root.Set("sec", sec)
	root.Set("late", nil)
	root.Set("empty", value.NewMap(0))
	b, err := Encode(root)
	if err != nil {
		t.Fatal(err)
	}
	if want := "first = 1\nlate = \n\n[sec]\nk = v ; x\nn = 3\n\n[empty]\n"; string(b) != want {
		t.Errorf("Encode = %q", b)
	}
	for _, c := range []struct {
		build func() *value.Map
		path  string
	}{
		{func() *value.Map { m := value.NewMap(0); m.Set("l", []any{}); return m }, "l"},
		{func() *value.Map {
			s := value.NewMap(0)
			s.Set("deep", value.NewMap(0))
			m := value.NewMap(0)
			m.Set("s", s)
			return m
		}, "s.deep"},
		{func() *value.Map { m := value.NewMap(0); m.Set("a=b", "x"); return m }, "a=b"},
		{func() *value.Map { m := value.NewMap(0); m.Set(";c", "x"); return m }, ";c"},
		{func() *value.Map { m := value.NewMap(0); m.Set("v", "two\nlines"); return m }, "v"},
		{func() *value.Map { m := value.NewMap(0); m.Set("v", " pad"); return m }, "v"},
		{func() *value.Map { m := value.NewMap(0); m.Set(" s", value.NewMap(0)); return m }, " s"},
	} {
		_, err := Encode(c.build())
		var loc *errs.Located
		if !errors.As(err, &loc) || !errors.Is(err, errs.ErrTypeMismatch) || loc.Path != c.path {
			t.Errorf("Encode = %v, want a type mismatch at %s", err, c.path)
		}
	}
}

var iniKinds = codectest.Kinds{OnlyStrings: true, FlatSections: true, NonEmptyKeys: true,
	KeyRunes:   []rune("abcXYZ_019.- é日;#[]"),
	ValueRunes: []rune("abc xyz019_-. :=#;[]{}\"'\\/é日本😀$")}

func TestRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	n := 0
	for i := 0; i < 5000; i++ {
		tree := iniKinds.Tree(r)
		b, err := Encode(tree)
		if err != nil {
			continue // keys or values INI cannot express; Encode said so
		}
		n++
		d, err := Decode(b)
		if err != nil {
			t.Fatalf("Decode(Encode(x)): %v\n%s", err, b)
		}
		if !value.Equal(tree, d.Root) {
			t.Fatalf("round trip changed the tree:\n%q", b)
		}
	}
	if n < 500 {
		t.Errorf("only %d random trees were expressible", n)
	}
}

func FuzzDecode(f *testing.F) {
	// No suite exists for this format; toml-test's documents are made of
	// the same kind of lines (key = value, [sections], comments, quotes).
	for _, s := range codectest.Seeds("toml-test/tests/valid/*/*.toml", 30) {
		f.Add(s)
	}
	f.Add([]byte(sample))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer codectest.Watchdog(data)()
		if _, err := Decode(data); err != nil {
			var loc *errs.Located
			if !errors.As(err, &loc) || !errors.Is(err, errs.ErrParse) || loc.Line == 0 {
				t.Fatalf("error is not a located parse error: %#v", err)
			}
		}
	})
}

func FuzzRoundTrip(f *testing.F) {
	for _, s := range codectest.Seeds("toml-test/tests/valid/*/*.toml", 30) {
		f.Add(s)
	}
	f.Add([]byte(sample))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer codectest.Watchdog(data)()
		d, err := Decode(data)
		if err != nil {
			return
		}
		b, err := Encode(d.Root)
		if err != nil {
			t.Fatalf("Encode of a decoded tree: %v", err)
		}
		d2, err := Decode(b)
		if err != nil {
			t.Fatalf("Decode(Encode(x)): %v\n%q", err, b)
		}
		if !value.Equal(d.Root, d2.Root) {
			t.Fatalf("round trip changed the tree:\n%q\n%q", data, b)
		}
	})
}
