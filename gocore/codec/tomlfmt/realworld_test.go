package tomlfmt

import (
	"errors"
	"math/big"
	"strings"
	"testing"

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
	if _, err := Decode([]byte("\"a\\u0000\" = 1\n")); !errors.Is(err, errs.ErrParse) {
		t.Errorf("NUL in a key: %v", err)
	}
}
