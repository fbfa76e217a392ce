package jsonfmt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// TestLineBreakAroundColon is the bug real files found: a line break
// between a key and its colon or its value made the position tracking
// slice backwards (a panic reported as a ParseError without position).
func TestLineBreakAroundColon(t *testing.T) {
	cases := []struct {
		in   string
		want map[string]value.Pos
	}{
		{"{\"a\":\n1}", map[string]value.Pos{"a": {Line: 1, Column: 2}}},
		{"{\"a\"\n:1}", map[string]value.Pos{"a": {Line: 1, Column: 2}}},
		{"{\"a\"\r\n:\r\n1,\r\n\"b\"\n\n:\t{\"c\"\n:\n[\n1\n,\n2]}}", map[string]value.Pos{
			"a": {Line: 1, Column: 2}, "b": {Line: 4, Column: 1}, "b.c": {Line: 6, Column: 4},
			"b.c.0": {Line: 9, Column: 1}, "b.c.1": {Line: 11, Column: 1}}},
		{"{ \"é\"\t\n\t: \"x\" ,\n \"日本\" \n : 2 }", map[string]value.Pos{"é": {Line: 1, Column: 3}, "日本": {Line: 3, Column: 2}}},
	}
	for _, c := range cases {
		d, err := Decode([]byte(c.in))
		if err != nil {
			t.Errorf("Decode(%q): %v", c.in, err)
			continue
		}
		for k, p := range c.want {
			if d.Positions[k] != p {
				t.Errorf("Decode(%q): position of %s = %v, want %v", c.in, k, d.Positions[k], p)
			}
		}
		if len(d.Positions) != len(c.want) {
			t.Errorf("Decode(%q): positions %v", c.in, d.Positions)
		}
	}
	// Bad input around the same places still names the right spot.
	for _, c := range []struct {
		in        string
		line, col int
	}{
		{"{\"a\"\n\n  x:1}", 3, 3},
		{"{\"a\":\n\n  }", 3, 3},
		{"{\"a\":1\n,\n}", 3, 1},
	} {
		_, err := Decode([]byte(c.in))
		var loc *errs.Located
		if !errors.As(err, &loc) || !errors.Is(err, errs.ErrParse) || loc.Line != c.line || loc.Column != c.col {
			t.Errorf("Decode(%q) = %v, want a parse error at %d:%d", c.in, err, c.line, c.col)
		}
	}
}

// panicky is a context whose Err panics: the decoder asks it now and then,
// which stands in for a bug inside the parser.
type panicky struct{ context.Context }

func (panicky) Err() error { panic("boom") }

func TestPanicIsInternalError(t *testing.T) {
	doc := `{"a":[` + strings.Repeat(`1,`, 20000) + `1]}`
	_, err := DecodeContext(panicky{context.Background()}, []byte(doc))
	if !errors.Is(err, errs.ErrInternal) || errors.Is(err, errs.ErrParse) {
		t.Fatalf("err = %v, want an internal error (not a parse error)", err)
	}
	if !strings.Contains(err.Error(), "boom") {
		t.Errorf("err = %v, want the panic's message", err)
	}
}

func TestDuplicateKeysLastWins(t *testing.T) {
	d := codectest.MustDecode(t, Decode, "{\"a\": {\"x\": [1, 2]},\n \"b\": 2,\n \"a\": {\"y\": 3}}")
	if got := strings.Join(d.Root.Keys(), ","); got != "a,b" {
		t.Errorf("keys %s, want a,b (first place kept)", got)
	}
	want := value.NewMap(0)
	want.Set("y", int64(3))
	if a, _ := d.Root.Get("a"); !value.Equal(a, want) {
		t.Errorf("a = %v, want the last value", a)
	}
	if _, stale := d.Positions["a.x.1"]; stale {
		t.Errorf("positions of the replaced value kept: %v", d.Positions)
	}
	if d.Positions["a"] != (value.Pos{Line: 3, Column: 2}) || d.Positions["a.y"] != (value.Pos{Line: 3, Column: 8}) {
		t.Errorf("positions %v", d.Positions)
	}
	// The same key many times stays linear (no timing asserted).
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 50000; i++ {
		b.WriteString(`"k":{"x":[1,2,3]},`)
	}
	b.WriteString(`"k":0}`)
	d = codectest.MustDecode(t, Decode, b.String())
	if v, _ := d.Root.Get("k"); v != int64(0) || len(d.Positions) != 1 {
		t.Errorf("k = %v, %d positions", v, len(d.Positions))
	}
}

func TestBigIntegers(t *testing.T) {
	big1, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	big2, _ := new(big.Int).SetString("-9223372036854775809", 10)
	long := "1" + strings.Repeat("0", 4299)
	big3, _ := new(big.Int).SetString(long, 10)
	d := codectest.MustDecode(t, Decode, `{"a":123456789012345678901234567890,"b":-9223372036854775809,"c":9223372036854775807,"d":-9223372036854775808,"e":`+long+`}`)
	for k, want := range map[string]any{"a": big1, "b": big2, "c": int64(9223372036854775807), "d": int64(-9223372036854775808), "e": big3} {
		got, _ := d.Root.Get(k)
		if !value.Equal(got, want) {
			t.Errorf("%s = %#v, want %v", k, got, want)
		}
	}
	out, err := Encode(d.Root)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`"a": 123456789012345678901234567890,`)) || !bytes.Contains(out, []byte(`"b": -9223372036854775809,`)) {
		t.Errorf("Encode = %s", out)
	}
	d2, err := Decode(out)
	if err != nil || !value.Equal(d.Root, d2.Root) {
		t.Errorf("round trip: %v", err)
	}
	// Python's json reads the same numbers exactly; a big float is still a float.
	if v, _ := codectest.MustDecode(t, Decode, `{"f":123456789012345678901234567890.0}`).Root.Get("f"); v != 1.2345678901234568e29 {
		t.Errorf("f = %#v", v)
	}
}

func TestNULInStringValues(t *testing.T) {
	d := codectest.MustDecode(t, Decode, `{"s":"a\u0000b","l":["\u0000"]}`)
	if s, _ := d.Root.Get("s"); s != "a\x00b" {
		t.Errorf("s = %q", s)
	}
	out, err := Encode(d.Root)
	if err != nil || !bytes.Contains(out, []byte(`"a\u0000b"`)) || bytes.IndexByte(out, 0) >= 0 {
		t.Errorf("Encode = %q, %v", out, err)
	}
}

func TestDecodeAllRoots(t *testing.T) {
	for _, c := range []struct {
		in   string
		want any
		pos  map[string]value.Pos
	}{
		{`[1, {"a": null}]`, []any{int64(1), func() *value.Map { m := value.NewMap(0); m.Set("a", nil); return m }()},
			map[string]value.Pos{"0": {Line: 1, Column: 2}, "1": {Line: 1, Column: 5}, "1.a": {Line: 1, Column: 6}}},
		{` "x"`, "x", map[string]value.Pos{}},
		{`null`, nil, map[string]value.Pos{}},
		{`1e2`, 100.0, map[string]value.Pos{}},
		{`{}`, value.NewMap(0), map[string]value.Pos{}},
	} {
		docs, err := DecodeAll([]byte(c.in))
		if err != nil || len(docs) != 1 {
			t.Errorf("DecodeAll(%q) = %v, %v", c.in, docs, err)
			continue
		}
		if !value.Equal(docs[0].Root, c.want) {
			t.Errorf("DecodeAll(%q) root = %#v", c.in, docs[0].Root)
		}
		if len(docs[0].Positions) != len(c.pos) {
			t.Errorf("DecodeAll(%q) positions = %v", c.in, docs[0].Positions)
		}
		for k, p := range c.pos {
			if docs[0].Positions[k] != p {
				t.Errorf("DecodeAll(%q) position of %s = %v, want %v", c.in, k, docs[0].Positions[k], p)
			}
		}
	}
	for _, bad := range []string{``, `[1,]`, `1 2`, `{"a":1}]`} {
		if _, err := DecodeAll([]byte(bad)); !errors.Is(err, errs.ErrParse) {
			t.Errorf("DecodeAll(%q) = %v, want a parse error", bad, err)
		}
	}
}

func TestJSONC(t *testing.T) {
	src := "// settings\n{\n  /* a block\n     comment */ \"editor.tabSize\": 2, // two\n  \"files.exclude\": {\"**/.git\": true, \"/*x*/\": \"//y\",},\n  \"list\": [1, 2, /* three */],\n  \"é\": /* é日本 */ 1,\n}\n"
	d, err := DecodeJSONC([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(d.Root.Keys(), ","); got != "editor.tabSize,files.exclude,list,é" {
		t.Errorf("keys %s", got)
	}
	fe, _ := d.Root.Get("files.exclude")
	if v, _ := fe.(*value.Map).Get("/*x*/"); v != "//y" {
		t.Errorf("comment-like text inside strings changed: %v", fe)
	}
	if l, _ := d.Root.Get("list"); !value.Equal(l, []any{int64(1), int64(2)}) {
		t.Errorf("list = %v", l)
	}
	want := map[string]value.Pos{`"editor.tabSize"`: {Line: 4, Column: 17}, `"files.exclude"`: {Line: 5, Column: 3},
		"list.1": {Line: 6, Column: 15}, "é": {Line: 7, Column: 3}}
	for k, p := range want {
		if d.Positions[k] != p {
			t.Errorf("position of %s = %v, want %v", k, d.Positions[k], p)
		}
	}
	// Plain JSON refuses what JSONC allows.
	if _, err := Decode([]byte(src)); !errors.Is(err, errs.ErrParse) {
		t.Errorf("Decode accepted JSONC: %v", err)
	}
	// A comment is not a value; a stray comma is not a trailing one.
	for _, c := range []struct {
		in        string
		line, col int
		msg       string
	}{
		{"{\"a\": 1 /* open\n", 1, 9, "unterminated /* comment"},
		{"{\"a\": /* é */ ,}", 1, 15, "expected a value"},
		{"[,]", 1, 2, "expected a value"},
		{"{,}", 1, 2, "expected a string key"},
		{"[1,,]", 1, 4, "expected a value"},
		{"{\"a\":,}", 1, 6, "expected a value"},
		{"{\"a\":1,,}", 1, 8, "expected a string key"},
		{"{\"a\" // c\n 1}", 2, 2, "expected ':'"},
		{"// only a comment\n", 2, 1, "empty document"},
		{"{\"a\": 1} // ok\n/", 2, 1, "after the top-level value"},
		{"{\"a\": \"\xff\"} // bad", 1, 8, "invalid UTF-8"},
		{"{} /* \xff */", 1, 7, "invalid UTF-8"},
		// a NUL in a comment is refused, as anywhere else in the file
		{"{\"a\": 1} // c\x00\n", 1, 14, "NUL byte in a comment"},
		{"{\n/* a\n\x00 */ \"a\": 1}", 3, 1, "NUL byte in a comment"},
		{"[1] ,", 1, 5, "after the top-level value"},
		// JSON5 (renovate.json5, .eslintrc): bare keys and single quotes
		// are named as such
		{"{\n  // renovate\n  extends: [\"config:recommended\"],\n}", 3, 3, "unexpected 'e': expected a string key (an unquoted key, as JSON5 and JavaScript write them: JSON and JSONC keys take double quotes)"},
		{"{\"a\": 1, $schema: 2}", 1, 10, "(an unquoted key"},
		{"{\"extends\": ['config:base']}", 1, 14, "unexpected '\\'' (a single-quoted string, as JSON5 writes them: JSON and JSONC strings take double quotes): expected a value"},
		{"{'a': 1}", 1, 2, "(a single-quoted string, as JSON5 writes them: JSON and JSONC strings take double quotes): expected a string key"},
		{"{1: 2}", 1, 2, "unexpected '1': expected a string key"},
	} {
		_, err := DecodeJSONCAll([]byte(c.in))
		var loc *errs.Located
		if !errors.As(err, &loc) || !errors.Is(err, errs.ErrParse) || loc.Line != c.line || loc.Column != c.col || !strings.Contains(loc.Msg, c.msg) {
			t.Errorf("DecodeJSONC(%q) = %v, want %d:%d ...%s...", c.in, err, c.line, c.col, c.msg)
		}
	}
	// A line comment ends at a lone CR too: it swallowed `, "b": 2`
	// silently, giving {"a": 1}.
	if d, err := DecodeJSONC([]byte("{\"a\": 1 // c\r, \"b\": 2 // d\r\n}")); err != nil || strings.Join(d.Root.Keys(), ",") != "a,b" {
		t.Errorf("comment ended by CR: %v %v", d, err)
	}
	if docs, err := DecodeJSONCAll([]byte("[1, 2, // c\n]")); err != nil || !value.Equal(docs[0].Root, []any{int64(1), int64(2)}) {
		t.Errorf("list root: %v %v", docs, err)
	}
	if _, err := DecodeJSONC([]byte("[1]")); !errors.Is(err, errs.ErrParse) {
		t.Errorf("DecodeJSONC of a list root: %v", err)
	}
}

// ---------------------------------------------------------- differential

// respace rewrites doc with whitespace, drawn from ws, inserted at every
// place where JSON allows it: before and after every structural character
// ({ } [ ] , :) outside strings, and at both ends. Tokens are never split,
// so the result means the same as doc.
func respace(doc, ws []byte) []byte { return respaceWith(doc, ws, false) }

// respaceWith is respace that, with comments, also puts JSONC comments
// where whitespace may stand.
func respaceWith(doc, ws []byte, comments bool) []byte {
	var out []byte
	k := 0
	put := func() {
		if len(ws) == 0 {
			return
		}
		b := ws[k%len(ws)]
		k++
		for n := int(b % 4); n > 0; n-- {
			out = append(out, " \t\n\r"[b>>(2*n)&3])
		}
		if b&0x80 != 0 {
			out = append(out, '\r', '\n')
		}
		if comments && b&0x40 != 0 {
			if b&0x20 != 0 {
				out = append(out, "// \"c\" /* ]\n"...)
			} else {
				out = append(out, "/* // é\n,] */"...)
			}
		}
	}
	put()
	inString := false
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		if inString {
			out = append(out, c)
			switch c {
			case '\\':
				if i+1 < len(doc) {
					i++
					out = append(out, doc[i])
				}
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
			out = append(out, c)
		case '{', '}', '[', ']', ',', ':':
			put()
			out = append(out, c)
			put()
		default:
			out = append(out, c)
		}
	}
	put()
	return out
}

// sameAsStd compares a gocfg tree with what encoding/json (UseNumber) made
// of the same text.
func sameAsStd(ours, std any) bool {
	switch o := ours.(type) {
	case *value.Map:
		m, ok := std.(map[string]any)
		if !ok || len(m) != o.Len() {
			return false
		}
		same := true
		o.Range(func(k string, v any) bool {
			sv, ok := m[k]
			same = ok && sameAsStd(v, sv)
			return same
		})
		return same
	case []any:
		l, ok := std.([]any)
		if !ok || len(l) != len(o) {
			return false
		}
		for i := range o {
			if !sameAsStd(o[i], l[i]) {
				return false
			}
		}
		return true
	case int64, *big.Int:
		n, ok := std.(json.Number)
		if !ok {
			return false
		}
		want, ok := new(big.Int).SetString(n.String(), 10)
		var got *big.Int
		if i, isInt := o.(int64); isInt {
			got = big.NewInt(i)
		} else {
			got = o.(*big.Int)
		}
		return ok && want.Cmp(got) == 0
	case float64:
		n, ok := std.(json.Number)
		if !ok {
			return false
		}
		f, err := strconv.ParseFloat(n.String(), 64)
		return err == nil && f == o
	default:
		return ours == std
	}
}

// refusedOnPurpose lists where gocfg and encoding/json part ways by design,
// by the message gocfg gives.
var refusedOnPurpose = []string{
	"lone surrogate",          // encoding/json puts U+FFFD in its place
	"NUL",                     // keys with NUL
	"nesting deeper",          // encoding/json allows 10000 levels
	"beyond the range",        // encoding/json's Valid accepts 1e400
	"digits",                  // integers of more than 4300 digits
	"empty document",          // gocfg's wording for the empty text
	"unexpected end of input", // both refuse; listed so the check reads simply
}

func checkAgainstStd(t *testing.T, data []byte) {
	if !utf8.Valid(data) || bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		return // invalid UTF-8 and a BOM: gocfg refuses / skips, encoding/json does otherwise
	}
	ours, oerr := parseAny(data)
	if oerr != nil && !errors.Is(oerr, errs.ErrParse) {
		t.Fatalf("%q: error is not a parse error: %v", data, oerr)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var std any
	serr := dec.Decode(&std)
	if serr == nil {
		if _, err := dec.Token(); err == nil {
			serr = errors.New("trailing data")
		}
	}
	if !json.Valid(data) && serr == nil {
		serr = errors.New("not valid")
	}
	switch {
	case oerr == nil && serr == nil:
		if !sameAsStd(ours, std) {
			t.Fatalf("%q: gocfg read %#v, encoding/json %#v", data, ours, std)
		}
	case oerr == nil:
		t.Fatalf("%q: gocfg accepted what encoding/json refuses (%v)", data, serr)
	case serr == nil:
		for _, why := range refusedOnPurpose {
			if strings.Contains(oerr.Error(), why) {
				return
			}
		}
		t.Fatalf("%q: gocfg refused what encoding/json accepts: %v", data, oerr)
	}
}

// FuzzWhitespace compares gocfg's JSON decoder with encoding/json on the
// same document with whitespace placed anywhere JSON allows it. Its seeds
// run with every plain `go test`.
func FuzzWhitespace(f *testing.F) {
	seeds := [][]byte{
		[]byte(`{"a":1,"b":[true,false,null],"c":{"d":"e\"f","g":[]},"h":{}}`),
		[]byte(`[{"a":-0.5e-3},{"a":12345678901234567890123},"x"]`),
		[]byte(`{"a":{"a":{"a":[[[]]]}},"a":2}`),
		[]byte(`"s"`),
	}
	seeds = append(seeds, codectest.Seeds("JSONTestSuite/test_parsing/y_*.json", 60)...)
	seeds = append(seeds, codectest.Seeds("JSONTestSuite/test_parsing/n_*.json", 40)...)
	for i, s := range seeds {
		f.Add(s, []byte{byte(i), 0x55, 0xAA, 0x0F, 0xF3, 0x81})
	}
	f.Fuzz(func(t *testing.T, doc, ws []byte) {
		defer codectest.Watchdog(doc)()
		spaced := respace(doc, ws)
		checkAgainstStd(t, doc)
		checkAgainstStd(t, spaced)
		// Whitespace never changes what gocfg reads, and positions never fail.
		a, aerr := parseAny(doc)
		b, berr := parseAny(spaced)
		if (aerr == nil) != (berr == nil) || aerr == nil && !value.Equal(a, b) {
			t.Fatalf("%q and %q read differently: %v / %v", doc, spaced, aerr, berr)
		}
		if _, err := Decode(spaced); err != nil && !errors.Is(err, errs.ErrParse) {
			t.Fatalf("Decode(%q): %v", spaced, err)
		}
		// JSONC reads the document with comments in its blanks as JSON
		// reads it without them.
		commented := respaceWith(doc, ws, true)
		docs, cerr := DecodeJSONCAll(commented)
		if cerr != nil && !errors.Is(cerr, errs.ErrParse) {
			t.Fatalf("DecodeJSONC(%q): %v", commented, cerr)
		}
		if aerr == nil && (cerr != nil || !value.Equal(a, docs[0].Root)) {
			t.Fatalf("JSONC read %q differently: %v", commented, cerr)
		}
	})
}

// TestWhitespaceEverywhere runs the differential check over random
// documents, each with many whitespace placements.
func TestWhitespaceEverywhere(t *testing.T) {
	r := rand.New(rand.NewSource(12))
	kinds := jsonKinds
	kinds.BigInt = true
	for i := 0; i < 300; i++ {
		doc, err := Encode(kinds.Tree(r))
		if err != nil {
			t.Fatal(err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, doc); err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 5; j++ {
			ws := make([]byte, 1+r.Intn(16))
			r.Read(ws)
			spaced := respace(compact.Bytes(), ws)
			checkAgainstStd(t, spaced)
			d, err := Decode(spaced)
			if err != nil {
				t.Fatalf("Decode(%q): %v", spaced, err)
			}
			d0, _ := Decode(compact.Bytes())
			if !value.Equal(d.Root, d0.Root) {
				t.Fatalf("%q read differently", spaced)
			}
		}
	}
}

func TestJSONCHostile(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("[", 1000000),
		strings.Repeat("[/**/", 200000),
		"{\"a\":" + strings.Repeat("/*", 100000),
		strings.Repeat("//\n", 100000) + "{}",
		"[" + strings.Repeat("1,", 100000) + "]",
	} {
		docs, err := DecodeJSONCAll([]byte(in))
		if err != nil && !errors.Is(err, errs.ErrParse) {
			t.Errorf("DecodeJSONC(%.20q...) = %v", in, err)
		}
		if err == nil && len(docs) != 1 {
			t.Errorf("DecodeJSONC(%.20q...) = %d documents", in, len(docs))
		}
	}
}
