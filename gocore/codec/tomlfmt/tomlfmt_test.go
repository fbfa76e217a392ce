package tomlfmt

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

const sample = `# a comment
title = "T"
z = 1
a = 2

[server]
host = "h" # trailing
ports = [1, 2, 3]
dotted.inner = true

[[srv]]
name = "one"
[srv.sub]
x = 1.5
[[srv]]
name = "two"

[dates]
odt = 1979-05-27T07:32:00-08:00
ldt = 1979-05-27T07:32:00.5
ld = 1979-05-27
lt = 07:32:00
inl = { b = 1, a = [{ c = 2 }] }
`

func TestDecode(t *testing.T) {
	d, err := Decode([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(d.Root.Keys(), ","); got != "title,z,a,server,srv,dates" {
		t.Errorf("root key order %s", got)
	}
	get := func(path string) any { return codectest.Get(d.Root, path) }
	checks := map[string]any{
		"server.host":         "h",
		"server.ports":        []any{int64(1), int64(2), int64(3)},
		"server.dotted.inner": true,
		"srv.0.name":          "one",
		"srv.0.sub.x":         1.5,
		"srv.1.name":          "two",
		"dates.odt":           time.Date(1979, 5, 27, 7, 32, 0, 0, time.FixedZone("", -8*3600)),
		"dates.ldt":           value.LocalDateTime{Date: value.LocalDate{Year: 1979, Month: 5, Day: 27}, Time: value.LocalTime{Hour: 7, Minute: 32, Nanosecond: 5e8}},
		"dates.ld":            value.LocalDate{Year: 1979, Month: 5, Day: 27},
		"dates.lt":            value.LocalTime{Hour: 7, Minute: 32},
		"dates.inl.a.0.c":     int64(2),
	}
	for p, want := range checks {
		if got := get(p); !value.Equal(got, want) {
			t.Errorf("%s = %#v, want %#v", p, got, want)
		}
	}
	if got := strings.Join(get("dates.inl").(*value.Map).Keys(), ","); got != "b,a" {
		t.Errorf("inline table order %s", got)
	}
	pos := map[string]value.Pos{
		"title": {Line: 2, Column: 1}, "server": {Line: 6, Column: 2}, "server.host": {Line: 7, Column: 1}, "server.ports.1": {Line: 8, Column: 13},
		"server.dotted": {Line: 9, Column: 1}, "server.dotted.inner": {Line: 9, Column: 8}, "srv": {Line: 11, Column: 3}, "srv.0": {Line: 11, Column: 3},
		"srv.0.sub": {Line: 13, Column: 6}, "srv.1": {Line: 15, Column: 3}, "srv.1.name": {Line: 16, Column: 1}, "dates.inl.a.0.c": {Line: 23, Column: 23},
	}
	for p, want := range pos {
		if got := d.Positions[p]; got != want {
			t.Errorf("position of %s = %v, want %v", p, got, want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	codectest.Errors(t, Decode, []codectest.ErrorCase{
		// A bracket left open is reported where the next key stands:
		// the message names where it opened (a pyproject.toml missing a '}')
		{"[project]\nlicense = {text = \"MIT\"\nauthors = []\n", 3, 1, "the inline table opened at line 2, column 11 is not closed"},
		{"x = [\n  \"a\",\n\nc = 1\n", 4, 1, "the array opened at line 1, column 5 is not closed"},
		// brackets in strings, multi-line strings and comments do not count
		{"a = [ \"]\", '[', \"\"\"\n]\n\"\"\",\n# ]\nb = 1\n", 5, 1, "the array opened at line 1, column 5"},
		{"[[p]]\nx = [[1, 2], [3\ny = 1\n", 3, 1, "the array opened at line 2, column 14"},
		// A value without quotes is named, at its start, with what to
		// write (go-toml said `expected keyword "false"` for foo, and
		// `expected newline but got U+002E '.'` for 0.1.0)
		{"name = foo\n", 1, 8, `the value foo has no quotes: TOML strings take them ("foo")`},
		{"[package]\nversion = 0.1.0\n", 2, 11, `the value 0.1.0 has no quotes: TOML strings take them ("0.1.0")`},
		{"title = My App # c\n", 1, 9, `the value My App has no quotes: TOML strings take them ("My App")`},
		{"path = C:\\Users\\x\n", 1, 8, `('C:\Users\x')`},
		{"a = [\n  1,\n  foo,\n]\n", 3, 3, `the value foo has no quotes`},
		{"a = {b = /usr/bin}\n", 1, 10, `the value /usr/bin has no quotes`},
		{"debug = True\n", 1, 9, "True is no TOML value: TOML's booleans are true and false, in lower case"},
		{"x = None\n", 1, 5, "None is no TOML value: TOML has no null"},
		// a non-ASCII character is named as itself (go-toml said U+00C3 'Ã')
		{"a = 1 \u00e4\n", 1, 7, "U+00E4 'ä'"},
		// a Windows path in a basic string: the message says how to write one
		{"dir = \"C:\\data\"\n", 1, 10, `invalid escape character U+0064 'd' (a backslash starts an escape in a "basic string": a Windows path goes in a 'literal string'`},
		{"dir = \"C:\\Users\"\n", 1, 0, `a Windows path goes in a 'literal string'`},
		// a malformed number keeps go-toml's message, which names what is
		// wrong with it; an address or version is no number
		{"a = 01\n", 1, 5, "integers cannot have leading zeroes"},
		{"a = 5.\n", 1, 7, "decimal point must be followed by a digit"},
		{"a = 1_000_\n", 1, 10, "at least one digit between underscores"},
		{"host = 10.0.0.1\n", 1, 8, `the value 10.0.0.1 has no quotes`},
		// elsewhere go-toml's message stands
		{"a = \"x\" y\n", 1, 9, "expected newline"},
		{"a = 1\na = 2", 2, 1, "already defined"},
		// the message names the first definition, with positions on or
		// off (a pyproject.toml with two [tool.poetry] headers)
		{"[tool.poetry]\nname = \"x\"\n\n[tool.poetry]\n", 4, 7, "toml: table poetry already exists (first on line 1)"},
		{"a = 1\nb = 2\na = 3\n", 3, 1, "toml: key a is already defined (first on line 1)"},
		{"p = {x = 1}\n\np.y = 2\n", 3, 1, "toml: key p is already defined (as a value) (first on line 1)"},
		{"[s]\nk = 1\n[s.k.x]\n", 3, 4, "(first on line 2)"},
		{"a = ", 1, 4, "toml:"},
		{"a = 99999999999999999999", 1, 5, "toml:"},
		// A float beyond float64 is said as JSON says it; go-toml's
		// message quoted the number, maybe a secret's value.
		{"password = 1e400", 1, 12, "a number beyond the range of a 64-bit float"},
		{"a = -1_7e3_08", 1, 5, "a number beyond the range of a 64-bit float"},
		{"a = \"\xff\"", 1, 6, "invalid UTF-8"},
		{"a = [" + strings.Repeat("[", 20000) + strings.Repeat("]", 20001), 1, 0, "nested"},
		{"a = " + strings.Repeat("[", value.MaxDepth) + strings.Repeat("]", value.MaxDepth), 0, 0, "nesting deeper"},
		{"[" + strings.TrimSuffix(strings.Repeat("a.", value.MaxDepth), ".") + "]", 0, 0, "nesting deeper"},
		{strings.Repeat("a.", 100000) + "a = 1", 0, 0, "nesting deeper"},
	})
	// MaxDepth itself is fine.
	if _, err := Decode([]byte("a = " + strings.Repeat("[", value.MaxDepth-1) + strings.Repeat("]", value.MaxDepth-1))); err != nil {
		t.Errorf("depth MaxDepth refused: %v", err)
	}
}

func TestEncode(t *testing.T) {
	d, err := Decode([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Encode(d.Root)
	if err != nil {
		t.Fatal(err)
	}
	want := `title = "T"
z = 1
a = 2

[server]
host = "h"
ports = [1, 2, 3]

[server.dotted]
inner = true

[[srv]]
name = "one"

[srv.sub]
x = 1.5

[[srv]]
name = "two"

[dates]
odt = 1979-05-27T07:32:00-08:00
ldt = 1979-05-27T07:32:00.5
ld = 1979-05-27
lt = 07:32:00

[dates.inl]
b = 1

[[dates.inl.a]]
c = 2
`
	if string(b) != want {
		t.Errorf("Encode =\n%s", b)
	}
	m := value.NewMap(0)
	m.Set("weird key", "q\"\\\x00\x7f\n")
	m.Set("f", []any{math.NaN(), math.Inf(-1), 1e300, 0.0, -2.5e-9})
	m.Set("mixed", []any{int64(1), "a", value.NewMap(0), []any{}})
	b, err = Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	want = `"weird key" = "q\"\\\u0000\u007F\n"
f = [nan, -inf, 1e+300, 0.0, -2.5e-09]
mixed = [1, "a", {}, []]
`
	if string(b) != want {
		t.Errorf("Encode =\n%s", b)
	}
}

func TestEncodeErrors(t *testing.T) {
	inner := value.NewMap(0)
	inner.Set("l", []any{int64(1), nil})
	m := value.NewMap(0)
	m.Set("a.b", inner)
	for _, c := range []struct {
		v    any
		path string
	}{
		{nil, "x"},
		{[]any{int64(1), nil}, "x.1"},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "x"},
		{value.LocalDate{Year: -1, Month: 1, Day: 1}, "x"},
		{"\xff", "x"},
	} {
		m := value.NewMap(0)
		m.Set("x", c.v)
		_, err := Encode(m)
		var loc *errs.Located
		if !errors.As(err, &loc) || !errors.Is(err, errs.ErrTypeMismatch) || loc.Path != c.path {
			t.Errorf("Encode(%#v) = %v, want a type mismatch at %s", c.v, err, c.path)
		}
	}
	_, err := Encode(m)
	var loc *errs.Located
	if !errors.As(err, &loc) || loc.Path != `"a.b".l.1` || !strings.Contains(loc.Msg, "null") {
		t.Errorf("Encode = %v", err)
	}
}

// An integer beyond 64 bits is refused naming its path; its digits are
// quoted unless the path is a secret (gocore/secretname).
// An unquoted value under a key naming a secret is never quoted: on its
// line, under a [header] naming one, in an array opened on such a line.
func TestUnquotedSecretIsNotQuoted(t *testing.T) {
	codectest.ErrorsHiding(t, Decode, []codectest.ErrorCase{
		{"[db]\npassword = hunter2\n", 2, 12, "a value without quotes (a secret's value, not shown)"},
		{"[secrets]\ndb = hunter2\n", 2, 6, "a secret's value, not shown"},
		{"api_tokens = [\n  \"a\",\n  hunter2,\n]\n", 3, 3, "a secret's value, not shown"},
		{"token = True2\n", 1, 9, "a secret's value, not shown"},
	}, "hunter2", "True2")
}

func TestDecodeErrorsNeverQuoteAFloatOutOfRange(t *testing.T) {
	for doc, quoted := range map[string]string{"password = 1e400": "1e400", "[db]\ntoken = -9.9e999": "9.9e999", "k = 1_7.5e3_08": "7.5e3"} {
		_, err := Decode([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), "beyond the range of a 64-bit float") || strings.Contains(err.Error(), quoted) {
			t.Errorf("%q: %v", doc, err)
		}
	}
	// Underflow is zero, as tomllib reads it, not an error.
	if _, err := Decode([]byte("a = 1e-400")); err != nil {
		t.Errorf("1e-400: %v", err)
	}
}

func TestEncodeErrorsNeverQuoteASecret(t *testing.T) {
	big, _ := new(big.Int).SetString("1234567890123456789012345", 10)
	for _, c := range []struct {
		path   []string
		secret bool
	}{
		{[]string{"api_key"}, true},
		{[]string{"db", "password"}, true},
		{[]string{"secrets", "l"}, true},
		{[]string{"db", "port"}, false},
	} {
		m := value.NewMap(0)
		inner := m
		for _, k := range c.path[:len(c.path)-1] {
			sub := value.NewMap(0)
			inner.Set(k, sub)
			inner = sub
		}
		inner.Set(c.path[len(c.path)-1], []any{big})
		_, err := Encode(m)
		var loc *errs.Located
		if !errors.As(err, &loc) || !errors.Is(err, errs.ErrTypeMismatch) || !strings.Contains(loc.Msg, "64-bit") ||
			loc.Path != strings.Join(c.path, ".")+".0" {
			t.Errorf("%v: %v, want a type mismatch at its path", c.path, err)
			continue
		}
		if quoted := strings.Contains(err.Error(), "1234567890"); quoted == c.secret {
			t.Errorf("%v: %v (quoted: %v)", c.path, err, quoted)
		}
	}
}

var tomlKinds = codectest.Kinds{Bool: true, Int: true, Float: true, NaNInf: true, String: true, DateTime: true, Local: true, Lists: true, Maps: true}

func TestRoundTripRandom(t *testing.T) {
	codectest.RoundTripRandom(t, tomlCodec, 2, 2000, tomlKinds.Tree)
}

var tomlCodec = codectest.Codec{Decode: Decode, Encode: Encode}

func FuzzDecode(f *testing.F) {
	codectest.SeedSuite(f, "toml-test/tests/valid/*/*.toml", 30)
	codectest.SeedSuite(f, "toml-test/tests/invalid/*/*.toml", 20)
	codectest.SeedStrings(f, sample)
	codectest.FuzzDecode(f, func(t *testing.T, data []byte, d *value.Doc) {
		// TOML 1.0 accepts a subset, read the same way.
		d10, err := DecodeTOML10(data)
		if err != nil {
			if !errors.Is(err, errs.ErrParse) {
				t.Fatalf("DecodeTOML10: error is not a parse error: %#v", err)
			}
			return
		}
		if !value.Equal(d10.Root, d.Root) {
			t.Fatal("DecodeTOML10 and Decode read the document differently")
		}
	}, Decode)
}

func FuzzRoundTrip(f *testing.F) {
	codectest.SeedSuite(f, "toml-test/tests/valid/*/*.toml", 40)
	codectest.SeedStrings(f, sample)
	codectest.FuzzRoundTrip(f, tomlCodec)
}

// TestManyKeys decodes shapes that made go-toml's own key tracking (and an
// earlier column count here) take time quadratic in their size; they must
// stay fast. No timing is asserted: a regression shows as a slow test.
func TestManyKeys(t *testing.T) {
	const n = 20000
	var inline, array, aot strings.Builder
	inline.WriteString("a = {")
	array.WriteString("a = [")
	for i := 0; i < n; i++ {
		if i > 0 {
			inline.WriteString(", ")
		}
		inline.WriteString("k" + codectest.Itoa(i) + " = " + codectest.Itoa(i))
		array.WriteString("{x = " + codectest.Itoa(i) + ", y = {z = 1}},")
		aot.WriteString("[[t]]\nx = " + codectest.Itoa(i) + "\n[t.sub]\ny = 1\n")
	}
	inline.WriteString("}\n")
	array.WriteString("]\n")
	for _, doc := range []string{inline.String(), array.String(), aot.String()} {
		d, err := Decode([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Positions) < n {
			t.Errorf("only %d positions", len(d.Positions))
		}
	}
	if _, err := Decode([]byte("a = {x = 1, x = 2}")); err == nil {
		t.Error("duplicate key in an inline table accepted")
	}
	if _, err := Decode([]byte("a = {x.y = 1}\n[a.x]\n")); err == nil {
		t.Error("inline table extended by a header")
	}
}

// TestPathBudget: long keys nested deep over many values made a small
// document build a gigabyte of paths for its positions.
func TestPathBudget(t *testing.T) {
	k := strings.Repeat("k", 1000)
	var b strings.Builder
	b.WriteString("[" + strings.TrimSuffix(strings.Repeat(k+".", 100), ".") + "]\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&b, "a%d = 1\n", i)
	}
	codectest.CheckPathBudget(t, []byte(b.String()), Decode)
}

// A CRLF file reads as its LF twin (multi-line strings hold "\n", as in
// tomllib), escaped "\r" stays, and positions are the same lines and
// columns.
func TestCRLF(t *testing.T) {
	lf := "a = \"\"\"\nx\ny\n\"\"\"\nb = '''\nz\n'''\nc = \"\\r\\n\"\nd = \"\"\"p\\r\nq\"\"\"\n[t]\ne = 1\n"
	crlf := strings.ReplaceAll(lf, "\n", "\r\n")
	want, err := Decode([]byte(lf))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode([]byte(crlf))
	if err != nil {
		t.Fatal(err)
	}
	if g, w := codectest.Plain(got.Root), codectest.Plain(want.Root); fmt.Sprint(g) != fmt.Sprint(w) {
		t.Errorf("CRLF: %q\nLF:   %q", g, w)
	}
	if c, _ := got.Root.Get("c"); c != "\r\n" {
		t.Errorf("escaped CR LF: %q", c)
	}
	if d, _ := got.Root.Get("d"); d != "p\r\nq" {
		t.Errorf("escaped CR before a newline: %q", d)
	}
	if fmt.Sprint(got.Positions) != fmt.Sprint(want.Positions) {
		t.Errorf("positions: %v, want %v", got.Positions, want.Positions)
	}
	codectest.Errors(t, Decode, []codectest.ErrorCase{{"a = 1\r\nb = \r\n", 2, 5, "toml:"}})
}

// Without positions (a plain load) a refused redefinition still names the
// first one: the document is read again with positions.
func TestRedefinitionNamesTheFirstWithoutPositions(t *testing.T) {
	for _, decode := range []func([]byte) (*value.Doc, error){DecodeLean, DecodeTOML10Lean} {
		_, err := decode([]byte("[tool.poetry]\nname = \"x\"\n\n[tool.poetry]\n"))
		if err == nil || !strings.Contains(err.Error(), "table poetry already exists (first on line 1)") {
			t.Errorf("got %v", err)
		}
	}
}

// An array held in an array has no range in go-toml's tree: its position
// is its '[' (it was 1:1, the document's start), whatever strings,
// comments and inline tables stand before it.
func TestNestedArrayPositions(t *testing.T) {
	src := "title = \"x\"\n" +
		"assets = [\n" +
		"  [\"target/release/rg\", \"usr/bin/\", \"755\"], # a [comment]\n" +
		"  [\"COPYING\", \"[doc]/\", '''\n]'''],\n" +
		"  { k = [[1], [2]] },\n" +
		"  [[\"deep\"]],\n" +
		"]\n" +
		"\"quoted=key\" = [[0]]\n" +
		"t = { m = [ [3] ] }\n"
	d, err := Decode([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]value.Pos{
		"assets": {Line: 2, Column: 1}, "assets.0": {Line: 3, Column: 3}, "assets.0.1": {Line: 3, Column: 25},
		"assets.1": {Line: 4, Column: 3}, "assets.1.2": {Line: 4, Column: 25},
		"assets.2": {Line: 6, Column: 3}, "assets.2.k": {Line: 6, Column: 5}, "assets.2.k.1": {Line: 6, Column: 15},
		"assets.3": {Line: 7, Column: 3}, "assets.3.0": {Line: 7, Column: 4}, "assets.3.0.0": {Line: 7, Column: 5},
		"quoted=key": {Line: 9, Column: 1}, "quoted=key.0": {Line: 9, Column: 17},
		"t.m": {Line: 10, Column: 7}, "t.m.0": {Line: 10, Column: 13},
	}
	for p, w := range want {
		if got := d.Positions[p]; got != w {
			t.Errorf("position of %s = %v, want %v", p, got, w)
		}
	}
}

// An array too deep is named at the '[' that crossed the limit, as JSON
// and YAML name theirs, with positions kept or not: an array held in an
// array has no range of its own, and the error read line 1, column 1.
func TestTooDeepArrayNamesItsBracket(t *testing.T) {
	n := value.MaxDepth
	open, shut := strings.Repeat("[", n), strings.Repeat("]", n)
	for _, c := range []struct {
		doc       string
		line, col int
	}{
		// The root is level 1: the n-th '[' is level n+1.
		{"x = 1\ny = '[['\n\na = " + open + shut + "\n", 4, 4 + n},
		{"s = \"[\" # [[\nb = [1, [2, {k = " + open + shut + "}]]\n", 2, 17 + n - 3},
		{"[t]\nc = [ # [\n" + open + shut + "]\n", 3, n - 2},
	} {
		for name, decode := range map[string]func([]byte) (*value.Doc, error){"Decode": Decode, "DecodeLean": DecodeLean} {
			_, err := decode([]byte(c.doc))
			var le *errs.Located
			if !errors.As(err, &le) || le.Msg != fmt.Sprintf("nesting deeper than %d levels", n) || le.Line != c.line || le.Column != c.col {
				t.Errorf("%s(%.40q...): %v; want line %d, column %d", name, c.doc, err, c.line, c.col)
			}
		}
	}
}
