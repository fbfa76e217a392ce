package envfmt

import (
	"errors"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

const sample = "# comment\n" +
	"A=plain value  \n" +
	"export B = spaced # comment\n" +
	"C='single $HOME \\n # kept'  # after\n" +
	"D=\"tab\\there\\nline \\\"q\\\" \\\\ \\$ \\x\"\n" +
	"E=\n" +
	"F=\"multi\nline\"\n" +
	"G=a#b\n" +
	"  H.x-y=é  \r\n" +
	"I='two\r\nlines'\n" +
	"J=#only comment\n" +
	"K=\"\""

func TestDecode(t *testing.T) {
	d, err := Decode([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{
		{"A", "plain value"}, {"B", "spaced"}, {"C", "single $HOME \\n # kept"},
		{"D", "tab\there\nline \"q\" \\ $ \\x"}, {"E", ""}, {"F", "multi\nline"}, {"G", "a#b"},
		{"H.x-y", "é"}, {"I", "two\nlines"}, {"J", ""}, {"K", ""},
	}
	if got := strings.Join(d.Root.Keys(), ","); got != "A,B,C,D,E,F,G,H.x-y,I,J,K" {
		t.Errorf("keys %s", got)
	}
	for _, kv := range want {
		if got, _ := d.Root.Get(kv[0]); got != kv[1] {
			t.Errorf("%s = %q, want %q", kv[0], got, kv[1])
		}
	}
	pos := map[string]value.Pos{"A": {Line: 2, Column: 1}, "B": {Line: 3, Column: 8}, `"H.x-y"`: {Line: 10, Column: 3}, "I": {Line: 11, Column: 1}, "K": {Line: 14, Column: 1}}
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
		{"A=1\n1B=2\n", 2, 1, "invalid name"},
		{"A=1\nB C=2\n", 2, 3, "expected '='"},
		{"A=1\nB!=2\n", 2, 2, "invalid character"},
		{"A=1\nA=2\n", 2, 1, "set twice"},
		{"A=1\nB\n", 2, 2, "expected '='"},
		{"A='x\n", 1, 3, "unterminated"},
		{"A=\"x\\\"\n", 1, 3, "unterminated"},
		{"A='x' y\n", 1, 7, "after the closing quote"},
		{"A=\xff\n", 1, 3, "invalid UTF-8"},
		{"A=a\x00b\n", 1, 4, "NUL"},
		{"é=1\n", 1, 1, "invalid name"},
		{"A=1\rB=2\n", 1, 4, "carriage return"},
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
	m := value.NewMap(0)
	m.Set("A", "plain/value:1")
	m.Set("B", "needs quoting $X \"q\" \\ \n\t#")
	m.Set("C", "")
	m.Set("D", int64(42))
	m.Set("E", 1.5)
	m.Set("F", true)
	m.Set("G", nil)
	m.Set("H", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))
	m.Set("I", " lead")
	b, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	want := "A=plain/value:1\nB=\"needs quoting \\$X \\\"q\\\" \\\\ \\n\\t#\"\nC=\nD=42\nE=1.5\nF=true\nG=\nH=2024-01-02T03:04:05Z\nI=\" lead\"\n"
	if string(b) != want {
		t.Errorf("Encode = %q", b)
	}
	for _, c := range []struct {
		k    string
		v    any
		path string
	}{
		{"nested", value.NewMap(0), "nested"},
		{"list", []any{"a"}, "list"},
		{"bad key", "x", `bad key`},
		{"a.b c", "x", `"a.b c"`},
		{"N", "a\x00", "N"},
	} {
		m := value.NewMap(0)
		m.Set(c.k, c.v)
		_, err := Encode(m)
		var loc *errs.Located
		if !errors.As(err, &loc) || !errors.Is(err, errs.ErrTypeMismatch) || loc.Path != c.path {
			t.Errorf("Encode(%s=%#v) = %v, want a type mismatch at %s", c.k, c.v, err, c.path)
		}
	}
}

var envKinds = codectest.Kinds{OnlyStrings: true, FlatSections: true, NonEmptyKeys: true, KeyRunes: []rune("abcXYZ_019.-"),
	ValueRunes: []rune("abc xyz019_-. :=#;[]{}\"'\\/\t\n\r é日本😀$`~!@%^&*(),<>?|+\x01\x7f")}

func TestRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	for i := 0; i < 3000; i++ {
		tree := value.NewMap(0)
		envKinds.Tree(r).Range(func(k string, v any) bool {
			if s, ok := v.(string); ok && ValidName(k) {
				tree.Set(k, s)
			}
			return true
		})
		b, err := Encode(tree)
		if err != nil {
			t.Fatalf("Encode: %v", err)
		}
		d, err := Decode(b)
		if err != nil {
			t.Fatalf("Decode(Encode(x)): %v\n%s", err, b)
		}
		if !value.Equal(tree, d.Root) {
			t.Fatalf("round trip changed the tree:\n%q", b)
		}
	}
}

func FuzzDecode(f *testing.F) {
	// No suite exists for this format; toml-test's documents are made of
	// the same kind of lines (key = value, [sections], comments, quotes).
	for _, s := range codectest.Seeds("toml-test/tests/valid/*/*.toml", 30) {
		f.Add(s)
	}
	f.Add([]byte(sample))
	f.Add([]byte("export A=1\nB='x'\nC=\"y\\n\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer codectest.Watchdog(data)()
		d, err := Decode(data)
		if err != nil {
			var loc *errs.Located
			if !errors.As(err, &loc) || !errors.Is(err, errs.ErrParse) || loc.Line == 0 {
				t.Fatalf("error is not a located parse error: %#v", err)
			}
			return
		}
		d.Root.Range(func(k string, v any) bool {
			if !ValidName(k) {
				t.Fatalf("invalid name %q accepted", k)
			}
			return true
		})
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
