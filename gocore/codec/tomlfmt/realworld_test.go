package tomlfmt

import (
	"errors"
	"math/big"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func TestByteOrderMark(t *testing.T) {
	for _, in := range []string{"\xEF\xBB\xBFa = 1\n", "\xEF\xBB\xBF", "\xFF\xFEa\x00"} {
		_, err := Decode([]byte(in))
		var loc *errs.Located
		if !errors.As(err, &loc) || !errors.Is(err, errs.ErrParse) || loc.Line != 1 || loc.Column != 1 || !strings.Contains(loc.Msg, "byte order mark") {
			t.Errorf("Decode(%q) = %v, want a parse error at 1:1 naming the byte order mark", in, err)
		}
		if strings.Contains(err.Error(), "U+00EF") {
			t.Errorf("Decode(%q) = %v: the BOM read as a character", in, err)
		}
	}
	// One that is not at the start is an error of its own (toml-test).
	if _, err := Decode([]byte("a = 1\n\xEF\xBB\xBF")); !errors.Is(err, errs.ErrParse) {
		t.Errorf("BOM in the middle: %v", err)
	}
}

func TestBigIntRefused(t *testing.T) {
	n, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	inner := value.NewMap(0)
	inner.Set("list", []any{int64(1), n})
	m := value.NewMap(0)
	m.Set("t", inner)
	_, err := Encode(m)
	var loc *errs.Located
	if !errors.As(err, &loc) || !errors.Is(err, errs.ErrTypeMismatch) || loc.Path != "t.list.1" || !strings.Contains(loc.Msg, "64-bit") {
		t.Fatalf("Encode = %v, want a type mismatch at t.list.1", err)
	}
	// And in an inline table.
	m = value.NewMap(0)
	m.Set("a", []any{func() *value.Map { x := value.NewMap(0); x.Set("n", n); return x }()})
	if _, err := Encode(m); !errors.As(err, &loc) || loc.Path != "a.0.n" {
		t.Fatalf("Encode = %v, want a type mismatch at a.0.n", err)
	}
	// Beyond int64 in a document is refused, as TOML says.
	if _, err := Decode([]byte("a = 9223372036854775808\n")); !errors.Is(err, errs.ErrParse) {
		t.Errorf("Decode of a 65-bit integer: %v", err)
	}
}

func TestNULInStrings(t *testing.T) {
	d, err := Decode([]byte("s = \"a\\u0000b\"\nx = \"\\x00\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := d.Root.Get("s"); s != "a\x00b" {
		t.Fatalf("s = %q", s)
	}
	out, err := Encode(d.Root)
	if err != nil || strings.IndexByte(string(out), 0) >= 0 || !strings.Contains(string(out), `\u0000`) {
		t.Fatalf("Encode = %q, %v", out, err)
	}
	back, err := Decode(out)
	if err != nil || !value.Equal(back.Root, d.Root) {
		t.Fatalf("round trip: %v", err)
	}
	// Keys may hold NUL too: read, and written back escaped.
	codectest.NULKey(t, tomlCodec, "\"a\\u0000\" = 1\n")
}

func TestTOML10(t *testing.T) {
	good := "a = { b = [\n  1, # one\n  2,\n], c = \"\"\"x\ny\"\"\" }\nd = 07:32:00\ne = 1979-05-27T07:32:00Z\nf = \"\\u00e9\\\\x\"\ng = 'C:\\xe'\nh = {}\ni = { j = { k = 1 } }\nl = [ { m = 1 }, { n = \"}\" } ]\n"
	d10, err := DecodeTOML10([]byte(good))
	if err != nil {
		t.Fatalf("DecodeTOML10: %v", err)
	}
	d11, err := Decode([]byte(good))
	if err != nil || !value.Equal(d10.Root, d11.Root) {
		t.Fatalf("TOML 1.0 and 1.1 read a 1.0 document differently: %v", err)
	}
	for _, c := range []struct {
		in        string
		line, col int
		msg       string
	}{
		{"a = {\n b = 1 }\n", 1, 6, "line break inside an inline table"},
		{"a = { b = 1, }\n", 1, 12, "trailing comma"},
		{"a = { b = { c = 1,\n} }\n", 1, 19, "line break"},
		{"a = { b = 1 # c\n}\n", 1, 13, "comment"},
		{"a = \"\\x41\"\n", 1, 6, `\x escape`},
		{"\"k\\e\" = 1\n", 1, 3, `\e escape`},
		{"a = \"\"\"\n\\x41\"\"\"\n", 2, 1, `\x escape`},
		{"t = 07:32\n", 1, 5, "without seconds"},
		{"t = 1979-05-27T07:32Z\n", 1, 5, "without seconds"},
		{"t = 1979-05-27 07:32\n", 1, 5, "without seconds"},
	} {
		_, err := DecodeTOML10([]byte(c.in))
		var loc *errs.Located
		if !errors.As(err, &loc) || !errors.Is(err, errs.ErrParse) || loc.Line != c.line || loc.Column != c.col || !strings.Contains(loc.Msg, c.msg) || !strings.Contains(loc.Msg, "TOML 1.0") {
			t.Errorf("DecodeTOML10(%q) = %v, want %d:%d ...%s...", c.in, err, c.line, c.col, c.msg)
		}
		if _, err := Decode([]byte(c.in)); err != nil {
			t.Errorf("Decode(%q) (TOML 1.1) = %v", c.in, err)
		}
	}
	// Deeply nested inline tables are scanned once (no timing asserted).
	deep := "a = " + strings.Repeat("{ b = ", 900) + "1" + strings.Repeat(" }", 900) + "\n"
	if _, err := DecodeTOML10([]byte(deep)); err != nil {
		t.Errorf("deep inline tables: %v", err)
	}
}

// TestEncodeIsTOML10 checks that what Encode writes is TOML 1.0 too, so a
// file gocfg saves reads with a TOML 1.0 reader.
func TestEncodeIsTOML10(t *testing.T) {
	r := rand.New(rand.NewSource(10))
	for i := 0; i < 1000; i++ {
		tree := tomlKinds.Tree(r)
		out, err := Encode(tree)
		if err != nil {
			t.Fatal(err)
		}
		d, err := DecodeTOML10(out)
		if err != nil {
			t.Fatalf("DecodeTOML10(Encode(x)): %v\n%s", err, out)
		}
		if !value.Equal(d.Root, tree) {
			t.Fatalf("round trip changed the tree:\n%s", out)
		}
	}
}

// TestDottedKeysThroughImpliedTable: dotted keys go through a table that
// a header only implied, as tomllib reads them (a pyproject.toml shape that
// gocfg refused before); the table is then a dotted one, and what tomllib
// refuses after that stays refused.
func TestDottedKeysThroughImpliedTable(t *testing.T) {
	accepted := map[string]string{
		// the sub-table's header first, then its parent with dotted keys
		"[tool.ruff.lint.per-file-ignores]\n\"tests/*\" = [\"S101\"]\n\n[tool.ruff]\nline-length = 100\nlint.select = [\"E\", \"F\"]\n": `{"tool":{"ruff":{"lint":{"per-file-ignores":{"tests/*":["S101"]},"select":["E","F"]},"line-length":100}}}`,
		"[fruit.apple.texture]\nsmooth = true\n\n[fruit]\napple.color = \"red\"\n[fruit.apple.skin]\nx = 1\n":                           `{"fruit":{"apple":{"texture":{"smooth":true},"color":"red","skin":{"x":1}}}}`,
		"[a.b.c]\nx = 1\n[a]\nb.d = {e = 1}\n": `{"a":{"b":{"c":{"x":1},"d":{"e":1}}}}`,
	}
	for src, want := range accepted {
		d, err := Decode([]byte(src))
		if err != nil {
			t.Errorf("Decode(%q): %v", src, err)
			continue
		}
		if got := codectest.Plain(d.Root); !reflect.DeepEqual(got, codectest.MustJSON(t, want)) {
			t.Errorf("Decode(%q) = %v, want %s", src, got, want)
		}
	}
	refused := []string{
		"[fruit.apple.texture]\nsmooth = true\n[fruit]\napple.color = \"red\"\n[fruit.apple]\nx = 1\n", // its own header after dotted keys
		"[fruit.apple.texture]\nsmooth = true\n[fruit]\napple.texture.rough = true\n",                  // through a table with its own header
		"[a.b.c]\nx = 1\n[a]\nb = 1\n",   // a value over the implied table
		"[[a.b]]\nx = 1\n[a]\nb.y = 2\n", // through an array of tables
	}
	for _, src := range refused {
		_, err := Decode([]byte(src))
		var loc *errs.Located
		if !errors.As(err, &loc) || loc.Kind != errs.ErrParse {
			t.Errorf("Decode(%q) = %v, want a parse error", src, err)
		}
	}
}
