package jsonfmt

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func TestDecodeValues(t *testing.T) {
	d := codectest.MustDecode(t, Decode, `{"z":1,"a":[true,false,null,-0,1.5,1e2,-9223372036854775808,9223372036854775807],"m":{"s":"x\u0000y\n\"\\\/é😀"},"e":{},"l":[]}`)
	if got := d.Root.Keys(); strings.Join(got, ",") != "z,a,m,e,l" {
		t.Errorf("key order %v", got)
	}
	a, _ := d.Root.Get("a")
	want := []any{true, false, nil, int64(0), 1.5, 100.0, int64(math.MinInt64), int64(math.MaxInt64)}
	if !value.Equal(a, want) {
		t.Errorf("a = %#v", a)
	}
	for i, v := range a.([]any) {
		if _, isF := want[i].(float64); isF {
			if _, ok := v.(float64); !ok {
				t.Errorf("a.%d is %T, want float64", i, v)
			}
		}
	}
	m, _ := d.Root.Get("m")
	s, _ := m.(*value.Map).Get("s")
	if s != "x\x00y\n\"\\/é😀" {
		t.Errorf("s = %q", s)
	}
	if l, _ := d.Root.Get("l"); l == nil || len(l.([]any)) != 0 {
		t.Errorf("l = %#v", l)
	}
}

func TestDecodePositions(t *testing.T) {
	d := codectest.MustDecode(t, Decode, "{\n  \"a\": 1,\n  \"é\": {\"b\": [10,\n    20]}\n}")
	want := map[string]value.Pos{"a": {Line: 2, Column: 3}, "é": {Line: 3, Column: 3}, "é.b": {Line: 3, Column: 9}, "é.b.0": {Line: 3, Column: 15}, "é.b.1": {Line: 4, Column: 5}}
	for k, p := range want {
		if d.Positions[k] != p {
			t.Errorf("position of %s = %v, want %v", k, d.Positions[k], p)
		}
	}
	if len(d.Positions) != len(want) {
		t.Errorf("positions %v", d.Positions)
	}
}

// A number's text is never quoted in an error: it may be a secret's
// value ({"pin": 1e99999}), as YAML's errors already hid it.
func TestDecodeErrorsNeverQuoteANumber(t *testing.T) {
	codectest.ErrorsHiding(t, Decode, []codectest.ErrorCase{
		{`{"pin": 7531e99999}`, 1, 9, "beyond the range"},
		{`{"password": -7531` + strings.Repeat("0", 4300) + `}`, 1, 14, "more than 4300 digits (4304)"},
		{`{"password": 07531}`, 1, 14, "leading zero"},
	}, "7531")
}

func TestDecodeErrors(t *testing.T) {
	codectest.Errors(t, Decode, []codectest.ErrorCase{
		{`[1,2]`, 1, 1, "root must be a mapping"},
		{`"x"`, 1, 1, "root must be a mapping"},
		{`  null`, 1, 3, "root must be a mapping"},
		{``, 1, 1, "empty document"},
		{`{"a":-1` + strings.Repeat("0", 4300) + `}`, 1, 6, "more than 4300 digits"},
		{`{"a":1e400}`, 1, 6, "beyond the range"},
		{"{\n\"a\": \"\xff\"}", 2, 7, "invalid UTF-8"},
		{"{\"é\":\n  \"x\xc3\"}", 2, 5, "invalid UTF-8"},
		{`{"a":"\ud800x"}`, 1, 7, "lone surrogate"},
		{`{"a":"\x"}`, 1, 7, "invalid escape"},
		// JSON Lines: the second value is named as such
		{"{\"a\": 1}\n{\"a\": 2}\n", 2, 1, "a second value starts this line, and a file of one JSON value a line (JSON Lines) is no JSON document"},
		{"{\"a\": 1} {\"a\": 2}\n", 1, 10, "unexpected '{' after the top-level value"},
		// values of other languages, which JSON lacks, are named as such
		// (were "unexpected 'N': expected a value")
		{`{"ratio": NaN}`, 1, 11, "unexpected NaN: expected a value (JSON has no such number; Python's json.dumps writes it unless allow_nan=False"},
		{`[1, Infinity]`, 1, 5, "unexpected Infinity: expected a value (JSON has no such number"},
		{`{"low": -Infinity}`, 1, 9, "invalid number -Infinity (JSON has no such number"},
		{`{"debug": True}`, 1, 11, "unexpected True: expected a value (Python's, not JSON's: JSON writes true"},
		{`{"x": None}`, 1, 7, "unexpected None: expected a value (Python's, not JSON's: JSON writes null"},
		{`{"x": undefined}`, 1, 7, "unexpected undefined: expected a value (JavaScript's, not JSON's: JSON writes null)"},
		{`{"x": Nonesuch}`, 1, 7, "unexpected 'N': expected a value"},
		// a Windows path: the message says how to write one
		{`{"dir": "C:\Users\app"}`, 1, 12, `invalid escape 'U' in a string (a backslash starts an escape in JSON: a Windows path takes \\ or /`},
		{"{\"a\":\"\t\"}", 1, 7, "control character"},
		{`{"a":01}`, 1, 6, "leading zero"},
		{`{"a":1.}`, 1, 6, "after '.'"},
		{`{"a":1,}`, 1, 8, "expected a string key"},
		{`{"a":[1,]}`, 1, 9, "expected a value"},
		{`{"a":1} x`, 1, 9, "after the top-level value"},
		// What JSONC reads is named (tsconfig.json, VS Code settings).
		{"{\n  // c\n  \"a\": 1\n}", 2, 3, `'/' (a comment, which JSON does not allow: format "jsonc" reads`},
		{`{"a": /* c */ 1}`, 1, 7, `(a comment`},
		{`{"a":1} // c`, 1, 9, `'/' (a comment`},
		{"{\"a\":1,\n}", 2, 1, `'}' after a trailing comma, which JSON does not allow (format "jsonc"`},
		{`{"a":[1, ]}`, 1, 10, `']' after a trailing comma`},
		{`{"a":[1 / 2]}`, 1, 9, `unexpected '/': expected ','`},
		{`{"a" 1}`, 1, 6, "expected ':'"},
		{`{"a":1`, 1, 7, "unexpected end of input"},
		{`{"a":"b`, 1, 6, "unterminated string"},
		{`{"a":NaN}`, 1, 6, "expected a value"},
		{`{"a":tru}`, 1, 6, `expected "true"`},
		// A leading byte order mark is skipped, and not a column: the
		// first line's columns are those of the text after it.
		{"\ufeff{\"a\": ]}", 1, 7, "expected a value"},
		{"\ufeff[1]", 1, 1, "root must be a mapping"},
		{"\ufeff{\"a\": \"\xff\"}", 1, 8, "invalid UTF-8"},
		{"\ufeff{\n\"a\": ]}", 2, 6, "expected a value"},
	})
	codectest.Errors(t, DecodeJSONC, []codectest.ErrorCase{
		{"\ufeff{\"a\": 1 /* c", 1, 9, "unterminated /* comment"},
	})
}

func TestDeepNesting(t *testing.T) {
	for _, n := range []int{value.MaxDepth - 1, value.MaxDepth, value.MaxDepth + 1, 100000} {
		s := `{"a":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`
		_, err := Decode([]byte(s))
		if n <= value.MaxDepth && err != nil {
			t.Errorf("depth %d: %v", n, err)
		}
		if n > value.MaxDepth && !errors.Is(err, errs.ErrParse) {
			t.Errorf("depth %d: err = %v, want a parse error", n, err)
		}
	}
	// Unclosed brackets, 1,000,000 deep: refused quickly, no stack growth.
	if _, err := Decode([]byte(`{"a":` + strings.Repeat(`{"a":`, 1000000))); err == nil {
		t.Error("deep unclosed document accepted")
	}
}

func TestEncode(t *testing.T) {
	m := value.NewMap(0)
	m.Set("s", "a\"b\\c\n\x00<&>é")
	m.Set("i", int64(-3))
	m.Set("f", 2.0)
	m.Set("g", 1e-7)
	m.Set("h", 1e21)
	m.Set("n", nil)
	m.Set("t", time.Date(2024, 1, 2, 3, 4, 5, 6000000, time.FixedZone("", 3600)))
	m.Set("d", value.LocalDate{Year: 2024, Month: 1, Day: 2})
	m.Set("lt", value.LocalTime{Hour: 1, Minute: 2, Second: 3, Nanosecond: 500000000})
	m.Set("l", []any{})
	m.Set("m", value.NewMap(0))
	b, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "s": "a\"b\\c\n\u0000<&>é",
  "i": -3,
  "f": 2.0,
  "g": 1e-7,
  "h": 1e+21,
  "n": null,
  "t": "2024-01-02T03:04:05.006+01:00",
  "d": "2024-01-02",
  "lt": "01:02:03.5",
  "l": [],
  "m": {}
}
`
	if string(b) != want {
		t.Errorf("Encode = %s", b)
	}
}

func TestEncodeErrors(t *testing.T) {
	inner := value.NewMap(0)
	inner.Set("x.y", []any{int64(1), math.Inf(1)})
	m := value.NewMap(0)
	m.Set("a", inner)
	_, err := Encode(m)
	var loc *errs.Located
	if !errors.As(err, &loc) || !errors.Is(err, errs.ErrTypeMismatch) || loc.Path != `a."x.y".1` {
		t.Fatalf("Encode(inf) = %#v", err)
	}
	m = value.NewMap(0)
	m.Set("nan", math.NaN())
	if _, err := Encode(m); !errors.Is(err, errs.ErrTypeMismatch) {
		t.Errorf("Encode(nan) = %v", err)
	}
	m = value.NewMap(0)
	m.Set("bad", "\xff")
	if _, err := Encode(m); !errors.Is(err, errs.ErrTypeMismatch) {
		t.Errorf("Encode(bad utf8) = %v", err)
	}
	// A NUL in a key is written escaped and read back.
	m = value.NewMap(0)
	m.Set("k\x00", "v")
	if out, err := Encode(m); err != nil || !strings.Contains(string(out), `"k\u0000"`) {
		t.Errorf("Encode(NUL key) = %q, %v", out, err)
	} else if back, err := Decode(out); err != nil || !value.Equal(back.Root, m) {
		t.Errorf("NUL key round trip: %v", err)
	}
}

var jsonKinds = codectest.Kinds{Null: true, Bool: true, Int: true, Float: true, String: true, Lists: true, Maps: true}

func TestRoundTripRandom(t *testing.T) {
	codectest.RoundTripRandom(t, jsonCodec, 1, 2000, jsonKinds.Tree)
}

var jsonCodec = codectest.Codec{Decode: Decode, Encode: Encode, KeepsOrder: true}

// TestJSONTestSuite runs nst/JSONTestSuite: y_ cases must parse (as any
// value; the root rule is separate), n_ cases must fail, i_ cases must not
// crash. Known deviations are listed with their reason.
func TestJSONTestSuite(t *testing.T) {
	dir := codectest.Conformance()
	if dir == "" {
		t.Skip("conformance suites not found")
	}
	deviations := map[string]string{}
	files, _ := filepath.Glob(filepath.Join(dir, "JSONTestSuite", "test_parsing", "*.json"))
	if len(files) == 0 {
		t.Skip("JSONTestSuite not found")
	}
	var pass, fail int
	for _, f := range files {
		name := filepath.Base(f)
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, perr := parseAny(data)
		_, _ = Decode(data) // must not panic either
		ok := true
		switch name[0] {
		case 'y':
			ok = perr == nil
		case 'n':
			ok = perr != nil
		}
		if ok {
			pass++
			continue
		}
		if why, known := deviations[name]; known {
			t.Logf("known deviation %s: %s", name, why)
			continue
		}
		fail++
		t.Errorf("%s: err = %v", name, perr)
	}
	t.Logf("JSONTestSuite: %d passed, %d failed", pass, fail)
}

func FuzzDecode(f *testing.F) {
	codectest.SeedSuite(f, "JSONTestSuite/test_parsing/*.json", 40)
	codectest.SeedStrings(f, `{"a":[1,2.5,{"b":null}],"c":"\u00e9"}`)
	codectest.FuzzDecode(f, nil, Decode)
}

func FuzzRoundTrip(f *testing.F) {
	codectest.SeedSuite(f, "JSONTestSuite/test_parsing/y_*.json", 40)
	codectest.SeedStrings(f, `{"a":[1,2.5,{"b":null}],"c":"\u00e9","d":1e-320}`)
	codectest.FuzzRoundTrip(f, jsonCodec)
}

// TestOneLongLine decodes a minified document with many positions on one
// line; column counting must stay linear (no timing is asserted).
func TestOneLongLine(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"é":[`)
	for i := 0; i < 200000; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"k":"日本"}`)
	}
	b.WriteString("]}")
	d, err := Decode([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if p := d.Positions["é.199999.k"]; p.Line != 1 || p.Column != 8+199999*11 {
		t.Errorf("position %v", p)
	}
}

// TestPathBudget: long keys nested deep over many values made a 200 KB
// document build a gigabyte of paths for its positions.
func TestPathBudget(t *testing.T) {
	var b strings.Builder
	k := strings.Repeat("k", 1000)
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "{%q:", k)
	}
	b.WriteString("[")
	for i := 0; i < 10000; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("1")
	}
	b.WriteString("]" + strings.Repeat("}", 100))
	codectest.CheckPathBudget(t, []byte(b.String()), Decode)
}

// TestIntegerDigits crosses the 18-digit fast path's edge.
func TestIntegerDigits(t *testing.T) {
	for text, want := range map[string]any{
		"0": int64(0), "-0": int64(0), "7": int64(7), "-42": int64(-42),
		"123456789012345678":   int64(123456789012345678),
		"-123456789012345678":  int64(-123456789012345678),
		"1234567890123456789":  int64(1234567890123456789),
		"-9223372036854775808": int64(-9223372036854775808),
		"9223372036854775807":  int64(9223372036854775807),
	} {
		doc, err := Decode([]byte(`{"n": ` + text + `}`))
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if got, _ := doc.Root.Get("n"); got != want {
			t.Errorf("%s read as %#v", text, got)
		}
	}
	doc, err := Decode([]byte(`{"n": 9223372036854775808}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := doc.Root.Get("n"); fmt.Sprint(got) != "9223372036854775808" {
		t.Errorf("beyond int64: %#v", got)
	}
}

// Lists are carved from blocks shared with their neighbours: appending to
// one must move it rather than write over the next.
func TestDecodedListsAreIndependent(t *testing.T) {
	doc, err := DecodeLean([]byte(`{"a": [1, "x", 2.5], "b": [300, "y", [true]], "c": []}`))
	if err != nil {
		t.Fatal(err)
	}
	get := func(k string) []any { v, _ := doc.Root.Get(k); return v.([]any) }
	a := append(get("a"), "appended")
	c := append(get("c"), "appended")
	_, _ = a, c
	b := get("b")
	if len(b) != 3 || b[0] != int64(300) || b[1] != "y" {
		t.Fatalf("b = %#v after appending to a and c", b)
	}
	if got := get("a"); len(got) != 3 || got[0] != int64(1) || got[1] != "x" || got[2] != 2.5 {
		t.Fatalf("a = %#v", got)
	}
}
