package yamlfmt

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func TestScalars(t *testing.T) {
	cases := map[string]any{
		"~": nil, "null": nil, "NULL": nil, "": nil, "true": true, "False": false,
		"yes": "yes", "on": "on", "n": "n",
		"0": int64(0), "-12": int64(-12), "+7": int64(7), "012": int64(12), "0o17": int64(15), "0x1F": int64(31),
		"9223372036854775807": int64(math.MaxInt64), "-9223372036854775808": int64(math.MinInt64),
		"1.5": 1.5, "-.5": -0.5, "5.": 5.0, "1e3": 1000.0, "6.02E+23": 6.02e23, ".inf": math.Inf(1), "-.Inf": math.Inf(-1),
		"0b101": "0b101", "1_000": "1_000", "1:20": "1:20", "0x": "0x", "2024-01-02": "2024-01-02", "12:30:00": "12:30:00",
		"'1'": "1", `"true"`: "true", "!!str 12": "12", "!!int '12'": int64(12), "!!float 1": 1.0, "!!bool 'true'": true,
		"!!null x": nil, "! 12": "12", "!!binary aGk=": "aGk=",
		"!!timestamp 2001-12-14":                   value.LocalDate{Year: 2001, Month: 12, Day: 14},
		"!!timestamp 2001-12-14t21:59:43.10-05:00": time.Date(2001, 12, 14, 21, 59, 43, 1e8, time.FixedZone("", -5*3600)),
		"!!timestamp 2001-12-14 21:59:43.10 -5":    time.Date(2001, 12, 14, 21, 59, 43, 1e8, time.FixedZone("", -5*3600)),
		"!!timestamp 2001-12-15T02:59:43.1Z":       time.Date(2001, 12, 15, 2, 59, 43, 1e8, time.UTC),
		"!!timestamp 2001-12-15 2:59:43":           value.LocalDateTime{Date: value.LocalDate{Year: 2001, Month: 12, Day: 15}, Time: value.LocalTime{Hour: 2, Minute: 59, Second: 43}},
		`"a\0b"`:                                   "a\x00b", "|\n  x\n  y\n": "x\ny\n",
	}
	for in, want := range cases {
		d, err := Decode([]byte("k: " + in + "\n"))
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		got, _ := d.Root.Get("k")
		if !value.Equal(got, want) {
			t.Errorf("%q = %#v (%T), want %#v", in, got, got, want)
		}
	}
}

func TestStructure(t *testing.T) {
	d := codectest.MustDecode(t, Decode, `%YAML 1.2
%FOO bar
---
b: 1
a:
  - x
  - {p: 1, q: [1, 2]}
1: one
true: two
~: three
base: &base {k1: 1, k2: 2}
derived:
  k2: 20
  <<: [*base, {k3: 3}]
list: &l [1, 2]
again: *l
`)
	if got := strings.Join(d.Root.Keys(), ","); got != "b,a,1,true,~,base,derived,list,again" {
		t.Errorf("keys %s", got)
	}
	if got := codectest.Get(d.Root, "derived"); !value.Equal(got, mapOf("k2", int64(20), "k1", int64(1), "k3", int64(3))) {
		t.Errorf("merge = %v", got)
	}
	if got := strings.Join(codectest.Get(d.Root, "derived").(*value.Map).Keys(), ","); got != "k2,k1,k3" {
		t.Errorf("merged key order %s", got)
	}
	if got := codectest.Get(d.Root, "again"); !value.Equal(got, []any{int64(1), int64(2)}) {
		t.Errorf("alias = %v", got)
	}
	pos := map[string]value.Pos{"b": {Line: 4, Column: 1}, "a": {Line: 5, Column: 1}, "a.0": {Line: 6, Column: 5}, "a.1": {Line: 7, Column: 5}, "a.1.p": {Line: 7, Column: 6}, "a.1.q.1": {Line: 7, Column: 19}, "1": {Line: 8, Column: 1}, "derived.k2": {Line: 13, Column: 3}, "again": {Line: 16, Column: 1}}
	for p, want := range pos {
		if got := d.Positions[p]; got != want {
			t.Errorf("position of %s = %v, want %v", p, got, want)
		}
	}
	// Empty documents and a null root are empty maps.
	for _, s := range []string{"", "# only a comment\n", "---\n", "~\n", "---\n...\n"} {
		if d := codectest.MustDecode(t, Decode, s); d.Root.Len() != 0 {
			t.Errorf("%q: root %v", s, d.Root.Keys())
		}
	}
}

func mapOf(kv ...any) *value.Map {
	m := value.NewMap(0)
	for i := 0; i < len(kv); i += 2 {
		m.Set(kv[i].(string), kv[i+1])
	}
	return m
}

func TestDecodeErrors(t *testing.T) {
	codectest.Errors(t, Decode, []codectest.ErrorCase{
		{"- a\n- b\n", 1, 1, "root must be a mapping"},
		{"just text\n", 1, 1, "root must be a mapping"},
		{"a: 1\n---\nb: 2\n", 2, 1, "second YAML document"},
		{"a: 1\na: 2\n", 2, 1, `duplicate key "a"`},
		// the message names the first (a values.yaml setting image: twice)
		{"image:\n  tag: 1\nreplicas: 2\nimage:\n  tag: 2\n", 4, 1, `duplicate key "image" in one mapping (first on line 1; YAML keys are unique, where PyYAML keeps the last)`},
		{"a: {x: 1, y: 2, x: 3}\n", 1, 17, `duplicate key "x" in one mapping (first on line 1`},
		{"base: &b {x: 1}\nm:\n  <<: *b\n  y: 1\n  y: 2\n", 5, 3, `(first on line 4;`},
		{"1: a\n'1': b\n", 2, 1, `duplicate key "1"`},
		{"? [a]\n: b\n", 1, 3, "must be a scalar"},
		{"{a: 1}: b\n", 1, 1, "must be a scalar"},
		// At the end of a document without a final line break (a file cut
		// short): the end of its last line, as PyYAML places it, not the
		// line after it, which the file does not have.
		{"site_name: HTTPX\nsite_d", 2, 7, "could not find expected ':'"},
		{"a: 1\nb: [1,", 2, 7, "did not find expected node content"},
		{"a: 1\nb: [1,\n", 3, 1, "did not find expected node content"},
		{"a: 1\nb: {x: \u00e9", 2, 9, "did not find expected"},
		// Raw control characters are refused by the library's reader,
		// which gives only an offset: the position is worked out here.
		{"a: x\x00y\n", 1, 5, "control characters are not allowed"},
		{"a: b\nc: |\n  \u00e9\x01\n", 3, 4, "control characters are not allowed"},
		// placed by its offset, on the line a parse error would name: a
		// lone CR ends a line (as for the library), a CRLF once
		{"a: 1\rb: x\x01\n", 2, 5, "control characters are not allowed"},
		{"a: 1\r\nb: x\x01\n", 2, 5, "control characters are not allowed"},
		{"a: 1\rb: \xff\n", 2, 4, "invalid UTF-8 (byte 0xff at offset 8)"},
		{"a: 1\rb: ]\n", 2, 4, "yaml:"},
		{"a: 1" + strings.Repeat("0", 4300) + "\n", 1, 4, "more than 4300 digits"},
		{"a: !!int 0x1" + strings.Repeat("0", 4000) + "\n", 1, 4, "more than 4300 digits"},
		{"a: 1e999\n", 1, 4, "beyond the range"},
		{"a: !!int x\n", 1, 4, "not a !!int"},
		{"a: !!timestamp nope\n", 1, 4, "not a !!timestamp"},
		{"a: [1, 2\n", 2, 1, "yaml:"},
		// Placed where the library gave up, the message names where the
		// construct it was reading starts: the unclosed quote, the key
		// without its ':' (not only the end of the file, or the next line).
		{"a: 1\nb: \"open\nc: 2\n", 4, 1, "yaml: while scanning a quoted scalar at line 2, column 4: found unexpected end of stream"},
		{"a: 1\nb\n", 3, 1, "yaml: while scanning a simple key at line 2, column 1: could not find expected ':'"},
		{"a: 1\nb\nc: 2\n", 3, 1, "at line 2, column 1"},
		{"a: 1\nb: \"\u2028\"\nc\n", 4, 1, "at line 3, column 1"},
		{"a: {x: 1\nb: 2\n", 2, 2, "yaml: while parsing a flow mapping at line 1, column 4: did not find expected ',' or '}'"},
		{"a:\n  b: 1\n c: 2\n", 3, 2, "yaml:"},
		{"a: \"\xff\"\n", 1, 5, "invalid UTF-8"},
		{"%YAML 2.0\n---\na: 1\n", 1, 1, "unsupported YAML version"},
		{"a: *nope\n", 1, 4, "yaml:"},
		{"a: &x [*x]\n", 1, 8, "contains it"},
		{"a: &x\n  b: *x\n", 0, 0, ""},
		{"<<: 1\n", 1, 5, "merge key"},
	})
}

// Mistakes met in real files whose library message said what the
// scanner saw (a mapping key that is a mapping, a character that cannot
// start a token, an undefined tag handle): the message says what was
// wrong and what to write.
func TestDecodeErrorsSayWhatWasWrong(t *testing.T) {
	codectest.Errors(t, Decode, []codectest.ErrorCase{
		// an Ansible value or a Helm template left unquoted / unrendered
		{"- hosts: all\n  vars:\n    url: {{ base }}/x\n", 3, 20, "a value that starts with {{ takes quotes"},
		{"metadata:\n  name: {{ .Release.Name }}\n", 2, 9, "template syntax (Helm, Go templates, Ansible's Jinja)"},
		{"spec:\n  {{- toYaml .Values.spec | nindent 2 }}\n", 2, 5, "helm template"},
		{"{% if x %}\na: 1\n{% endif %}\n", 1, 2, "template syntax"},
		// a template as a key, and a Jinja comment
		{"{{ key }}: 1\n", 1, 1, "{{ here reads as a mapping keyed by a mapping, which no key can be ({{ ... }}, {% ... %} and {# ... #} are template syntax"},
		{"env:\n  a: 1\n  {{ .Values.name }}: x\n", 3, 3, "template syntax (Helm, Go templates, Ansible's Jinja)"},
		{"{# managed by salt #}\na: 1\n", 1, 2, "template syntax"},
		// a key that is a mapping, but no template: the library's words
		{"{ {a: 1}: b }\n", 1, 3, "a mapping key must be a scalar, not a mapping"},
		// tabs
		{"a:\n\tb: 1\n", 2, 1, "a tab indents this line: YAML indents with spaces only"},
		{"a: [x,\t\t@y]\n", 1, 9, "'@' is reserved in YAML"},
		// reserved indicators starting a plain value (an npm scope)
		{"deps:\n  - @babel/core\n", 2, 5, "'@' is reserved in YAML and cannot start a plain value: quote the value"},
		{"cmd: `date`\n", 1, 6, "'`' is reserved in YAML"},
		{"fmt: %d items\n", 1, 6, "'%' cannot start a plain value"},
		// a ": " where a value already began (were "mapping values are
		// not allowed in this context" alone)
		{"msg: Error: disk full\n", 1, 11, `a plain value holding ": " (a colon and a space) takes quotes`},
		{"web:\n  image:nginx\n  ports: [80]\n", 3, 8, "the line above holds a ':' with no space after it, so it is text that runs on to this line"},
		{"a:\n  b: 1\n   c: 2\n", 3, 5, "this line is indented deeper than the key above it, so it reads as more of that key's value"},
		// a quote of the value's own closed it (was "did not find expected key" alone)
		{"name: 'it's'\n", 1, 11, `text right after a closing quote: a ' inside a single-quoted value is doubled, 'it''s'`},
		{"msg: \"say \"hi\"\"\n", 1, 12, `a " inside a double-quoted value is written \"`},
		// a Windows path in double quotes
		{"dir: \"C:\\data\"\n", 1, 0, `found unknown escape character (a backslash starts an escape in a "double-quoted" string: a Windows path goes in 'single quotes'`},
		{"dir: \"C:\\Users\"\n", 1, 0, `a Windows path goes in 'single quotes'`},
		// a handle that a %TAG declared for the document before (Unity)
		{"%TAG !u! tag:unity3d.com,2011:\n--- !u!1 &1\na: 1\n--- !u!4 &2\nb: 2\n", 4, 5, "!u! is not declared for this document: a %TAG directive declares a handle for the one document after it"},
		{"a: !x!y 1\n", 1, 4, "no %TAG directive declares !x!"},
	})
}

// The value of a key that names a secret is never quoted in an error:
// the position and the problem are.
func TestATabInTheIndentationIsNamed(t *testing.T) {
	const hint = "(a tab indents this line: YAML indents with spaces only)"
	for _, doc := range []string{"server:\n\tport: 1\n", "a: 1\r\nserver:\r\n\tport: 1\r\n", "\xEF\xBB\xBFserver:\n\tport: 1\n"} {
		_, err := Decode([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), hint) {
			t.Errorf("%q: %v", doc, err)
		}
	}
	// Another character that starts no token is not called a tab.
	if _, err := Decode([]byte("a: 1\nb: @x\n")); err == nil || strings.Contains(err.Error(), "tab") {
		t.Errorf("@: %v", err)
	}
}

func TestDecodeErrorsNeverQuoteASecret(t *testing.T) {
	const secret = "Hunter2Secret"
	codectest.ErrorsHiding(t, Decode, []codectest.ErrorCase{
		{"password: !!int Hunter2Secret\n", 1, 11, "not a valid !!int"},
		{"password: !!float Hunter2Secret\n", 1, 11, "not a valid !!float"},
		{"password: !!bool Hunter2Secret\n", 1, 11, "not a valid !!bool"},
		{"password: !!timestamp Hunter2Secret\n", 1, 11, "not a valid !!timestamp"},
		{"db:\n  api_key: !!int Hunter2Secret\n", 2, 12, "not a valid !!int"},
		{"secrets:\n  a: [!!int Hunter2Secret]\n", 2, 7, "not a valid !!int"},
		{"password: *Hunter2Secret\n", 1, 11, "unknown anchor"},
		{"db:\n  password: *Hunter2Secret\n", 2, 13, "unknown anchor"},
		{"tokens:\n  - *Hunter2Secret\n", 2, 5, "unknown anchor"},
		{"a: {token: *Hunter2Secret}\n", 1, 12, "unknown anchor"},
		{"password: &Hunter2Secret [*Hunter2Secret]\n", 1, 27, "contains it"},
		// old-Mac line ends (a lone CR) and U+2028 end lines for the
		// library: the key is found on the line it names
		{"a: 1\rpassword: *Hunter2Secret\r", 2, 11, "unknown anchor"},
		{"db:\r  password: *Hunter2Secret\r", 2, 13, "unknown anchor"},
		{"a: \"\u2028\"\npassword: *Hunter2Secret\n", 2, 11, "unknown anchor"},
	}, secret)
	// Not a secret: the value helps find the mistake.
	for _, doc := range []string{"port: !!int Hunter2Secret\n", "port: *Hunter2Secret\n", "a:\n  b: *Hunter2Secret\n"} {
		if _, err := Decode([]byte(doc)); err == nil || !strings.Contains(err.Error(), secret) {
			t.Errorf("%q: %v, want the value quoted", doc, err)
		}
	}
}

func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		b.WriteString(name + ": &" + name + " [")
		for j := 0; j < 9; j++ {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
		prev = name
	}
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := Decode([]byte(b.String()))
	elapsed := time.Since(start)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if !errors.Is(err, errs.ErrParse) || !strings.Contains(err.Error(), "alias") {
		t.Fatalf("billion laughs: %v", err)
	}
	if elapsed > 5*time.Second {
		t.Errorf("billion laughs took %v", elapsed)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<30 {
		t.Errorf("billion laughs allocated %d MB", alloc>>20)
	}
}

func TestDepth(t *testing.T) {
	ok := "a: " + strings.Repeat("[", value.MaxDepth-1) + strings.Repeat("]", value.MaxDepth-1) + "\n"
	if _, err := Decode([]byte(ok)); err != nil {
		t.Errorf("depth MaxDepth: %v", err)
	}
	var block strings.Builder
	for i := 0; i < value.MaxDepth; i++ {
		block.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	for _, s := range []string{
		"a: " + strings.Repeat("[", value.MaxDepth) + strings.Repeat("]", value.MaxDepth) + "\n",
		"a: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n",
		"a: " + strings.Repeat("{a: ", 100000) + "\n",
		block.String() + strings.Repeat(" ", value.MaxDepth) + "k: 1\n",
		"a:\n" + strings.Repeat("- ", 100000) + "x\n",
	} {
		_, err := Decode([]byte(s))
		if !errors.Is(err, errs.ErrParse) {
			t.Errorf("deep document (%d bytes) err = %v", len(s), err)
		}
	}
}

func TestEncode(t *testing.T) {
	m := mapOf("s", "plain", "q", []any{"1", "true", "~", "", "yes", "12:30", "2024-01-02", "a: b", "x\ny", "\x00", " pad "},
		"n", mapOf("i", int64(-1), "f", 1.0, "big", 1e300, "nan", math.NaN(), "null", nil, "b", false, "e", value.NewMap(0), "l", []any{}),
		"weird key: x", int64(1), "1", "one",
		"t", time.Date(2024, 1, 2, 3, 4, 5, 6e6, time.UTC), "ld", value.LocalDate{Year: 2024, Month: 1, Day: 2},
		"ldt", value.LocalDateTime{Date: value.LocalDate{Year: 2024, Month: 1, Day: 2}, Time: value.LocalTime{Hour: 1}})
	b, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	want := `s: plain
q:
- "1"
- "true"
- "~"
- ""
- "yes"
- "12:30"
- "2024-01-02"
- 'a: b'
- |-
  x
  y
- "\0"
- ' pad '
"n":
  i: -1
  f: 1.0
  big: 1.0e+300
  nan: .nan
  "null": null
  b: false
  e: {}
  l: []
'weird key: x': 1
"1": one
t: !!timestamp 2024-01-02T03:04:05.006Z
ld: !!timestamp 2024-01-02
ldt: !!timestamp 2024-01-02T01:00:00
`
	if string(b) != want {
		t.Errorf("Encode =\n%s", b)
	}
	d, err := Decode(b)
	if err != nil || !value.Equal(d.Root, m) {
		t.Errorf("round trip: %v", err)
	}
	for _, c := range []struct {
		v    any
		path string
	}{{"\xff", "x"}, {[]any{mapOf("k\xff", int64(1))}, `x.0."k\xff"`}} {
		_, err := Encode(mapOf("x", c.v))
		var loc *errs.Located
		if !errors.As(err, &loc) || !errors.Is(err, errs.ErrTypeMismatch) {
			t.Errorf("Encode(%#v) = %v", c.v, err)
		}
	}
}

var yamlKinds = codectest.Kinds{Null: true, Bool: true, Int: true, Float: true, NaNInf: true, String: true, DateTime: true, Lists: true, Maps: true}

func TestRoundTripRandom(t *testing.T) {
	codectest.RoundTripRandom(t, yamlCodec, 3, 2000, yamlKinds.Tree)
}

var yamlCodec = codectest.Codec{Decode: Decode, Encode: Encode, KeepsOrder: true}

func FuzzDecode(f *testing.F) {
	codectest.SeedSuite(f, "yaml-test-suite/*/in.yaml", 60)
	codectest.SeedStrings(f, "a: &a [1, *a]\n", "b: &b {x: 1}\nc:\n  <<: *b\n  y: !!timestamp 2001-01-01\n")
	codectest.FuzzDecode(f, nil, Decode)
}

func FuzzRoundTrip(f *testing.F) {
	codectest.SeedSuite(f, "yaml-test-suite/*/in.yaml", 60)
	codectest.SeedStrings(f, "a: [1, 'x', {b: ~}]\n")
	codectest.FuzzRoundTrip(f, yamlCodec)
}

// TestPathBudget: long keys nested deep over many values made a small
// document build a gigabyte of paths for its positions.
func TestPathBudget(t *testing.T) {
	var b strings.Builder
	k := strings.Repeat("k", 1000)
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "%s%s:\n", strings.Repeat(" ", i), k)
	}
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&b, "%s- 1\n", strings.Repeat(" ", 100))
	}
	codectest.CheckPathBudget(t, []byte(b.String()), Decode)
}

// Aliases of long text are bounded by its bytes, not only by the count of
// values: keys and scalars both count, through merge keys too, and text
// up to the bound still reads.
func TestAliasTextBound(t *testing.T) {
	long := strings.Repeat("x", 1<<20)
	uses := func(n int, alias string) string {
		return "[" + strings.TrimSuffix(strings.Repeat(alias+",", n), ",") + "]"
	}
	for _, text := range []string{
		"s: &s " + long + "\nl: " + uses(MaxAliasBytes>>20+1, "*s") + "\n",
		"m: &m {" + long + ": 1}\nl: " + uses(MaxAliasBytes>>20+1, "*m") + "\n",
		"m: &m {a: " + long + "}\nl:\n" + strings.Repeat("  - <<: *m\n", MaxAliasBytes>>20+1),
	} {
		_, err := Decode([]byte(text))
		if !errors.Is(err, errs.ErrParse) || !strings.Contains(err.Error(), "MiB of text (an alias bomb?)") {
			t.Errorf("%.30q: %v", text, err)
		}
	}
	doc, err := Decode([]byte("s: &s " + long + "\nl: " + uses(MaxAliasBytes>>20-1, "*s") + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := doc.Root.Get("l"); len(l.([]any)) != MaxAliasBytes>>20-1 {
		t.Errorf("l has %d items", len(l.([]any)))
	}
}

// A document that declares YAML 1.1 reads with 1.1's types; the others in
// its stream, and documents declaring 1.2, do not.
func TestDeclaredYAML11(t *testing.T) {
	doc, err := Decode([]byte("%YAML 1.1\n---\na: yes\nb: 0755\nc: on\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := codectest.Plain(doc.Root); fmt.Sprint(got) != "map[a:true b:493 c:true]" {
		t.Errorf("declared 1.1: %v", got)
	}
	docs, err := DecodeAll([]byte("a: yes\n---\nb: yes\n...\n%YAML 1.1\n---\nc: yes\n...\n%YAML 1.2\n---\nd: yes\n...\n# x\n%YAML 1.1\n--- {e: yes}\n---\nf: yes\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		got = append(got, fmt.Sprint(codectest.Plain(d.Root)))
	}
	if want := "[map[a:yes] map[b:yes] map[c:true] map[d:yes] map[e:true] map[f:yes]]"; fmt.Sprint(got) != want {
		t.Errorf("stream: %v, want %v", got, want)
	}
	doc, err = Decode([]byte("%YAML 1.2\n---\na: yes\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := codectest.Plain(doc.Root); fmt.Sprint(got) != "map[a:yes]" {
		t.Errorf("declared 1.2: %v", got)
	}
}

// A UTF-16 document that does not decode is refused at the unit where it
// stops (the library gives no position for it).
func TestUTF16FaultPosition(t *testing.T) {
	be := func(s string) string {
		var b strings.Builder
		b.WriteString("\xfe\xff")
		for _, r := range s {
			b.WriteString(string([]byte{byte(r >> 8), byte(r)}))
		}
		return b.String()
	}
	codectest.Errors(t, Decode, []codectest.ErrorCase{
		{be("a: 1\nbc") + "\x00", 2, 3, "UTF-16"},
		{be("a: 1\nb: ") + "\xd8\x00" + be("x")[2:], 2, 4, "surrogate"},
	})
}

// U+0085, U+2028 and U+2029 are line breaks to the library (YAML 1.1's
// rule, which PyYAML and ruamel.yaml keep: the values read alike), not to
// YAML 1.2, editors or the other codecs: positions and errors count lines
// by LF and CR only. A key after a description holding U+2028 was placed
// a line below where it is.
func TestUnicodeLineBreaksKeepPositionsByLF(t *testing.T) {
	d, err := Decode([]byte("a: \"x\u2028y\"\nb: 1\nc: x\u2028  y\u0085  z\nd:\n  - \"\u2029\"\n  - e\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := d.Root.Get("c"); v != "x\u2028y z" {
		t.Errorf("c = %q (the library's reading, as PyYAML's)", v)
	}
	for p, want := range map[string]value.Pos{
		"a": {Line: 1, Column: 1}, "b": {Line: 2, Column: 1}, "c": {Line: 3, Column: 1},
		"d": {Line: 4, Column: 1}, "d.0": {Line: 5, Column: 5}, "d.1": {Line: 6, Column: 5},
	} {
		if got := d.Positions[p]; got != want {
			t.Errorf("%s at %v, want %v", p, got, want)
		}
	}
	docs, err := DecodeAll([]byte("a: \"\u2028\"\n---\n- \"\u2028\"\n- x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := docs[1].Positions["1"]; got != (value.Pos{Line: 4, Column: 3}) {
		t.Errorf("second document's item 1 at %v, want 4:3", got)
	}
	// A %YAML 1.1 directive applies to the document it heads, however
	// many U+2028 an earlier document holds: counted by the library's
	// lines, the directive went to the document before it.
	docs, err = DecodeAll([]byte("a: \"\u2028\u2028\u2028\u2028\"\n---\nb: yes\n...\n%YAML 1.1\n---\nc: yes\n"))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := docs[1].Root.(*value.Map).Get("b"); b != "yes" {
		t.Errorf("b = %#v, want the YAML 1.2 string", b)
	}
	if c, _ := docs[2].Root.(*value.Map).Get("c"); c != true {
		t.Errorf("c = %#v, want the YAML 1.1 boolean", c)
	}
	// The same with lone CRs, line breaks to the library and to positions.
	docs, err = DecodeAll([]byte("a: \"\r\r\r\r\"\n---\nb: yes\n...\n%YAML 1.1\n---\nc: yes\n"))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := docs[1].Root.(*value.Map).Get("b"); b != "yes" {
		t.Errorf("after lone CRs, b = %#v, want the YAML 1.2 string", b)
	}
	if c, _ := docs[2].Root.(*value.Map).Get("c"); c != true {
		t.Errorf("after lone CRs, c = %#v, want the YAML 1.1 boolean", c)
	}
	codectest.Errors(t, Decode, []codectest.ErrorCase{
		// the library's own errors, counted from the U+2028 before them
		{"a: 1\nb: [x,\u2028 @]\n", 2, 9, "cannot start any token"},
		{"a: \"\u2028\"\nb: 1\nb: 2\n", 3, 1, `duplicate key "b" in one mapping (first on line 2;`},
		{"a: \"\u2029\"\n---\nb: 1\n", 2, 1, "second YAML document"},
		{"a: \"\u0085\"\nb: !!int x\n", 2, 4, "not a !!int"},
		// a control character, placed by its offset: unchanged
		{"a: \"\u2028\"\nb: x\x01\n", 2, 5, "control characters"},
	})
}

// A chain of mappings that each merge the one before copies each entry
// once per link: the copies count against the alias budget, so a short
// hostile chain stops at the bound (400 links, 10 KB, took seconds and
// went through; its work grows with the cube of the length) while a
// realistic one reads.
func TestMergeChainCopiesCountAsAliasValues(t *testing.T) {
	chain := func(links, keys int) []byte {
		var b strings.Builder
		for i := 0; i < links; i++ {
			fmt.Fprintf(&b, "a%d: &a%d {", i, i)
			if i > 0 {
				fmt.Fprintf(&b, "<<: *a%d, ", i-1)
			}
			for k := 0; k < keys; k++ {
				fmt.Fprintf(&b, "k%d_%d: %d, ", i, k, k)
			}
			b.WriteString("z: 0}\n")
		}
		return []byte(b.String())
	}
	doc, err := Decode(chain(30, 10))
	if err != nil {
		t.Fatalf("a chain of 30 merges: %v", err)
	}
	last, _ := doc.Root.Get("a29")
	if n := last.(*value.Map).Len(); n != 30*10+1 {
		t.Fatalf("a29 has %d keys", n)
	}
	if _, err := Decode(chain(400, 1)); err == nil || !strings.Contains(err.Error(), "alias bomb") {
		t.Fatalf("a chain of 400 merges: %v", err)
	}
}

// Encode writes the root's entries in batches; joined, they are the
// document one call of the emitter writes, whatever ends a batch (a
// scalar that keeps its final line breaks makes the emitter end a
// document with "...").
func TestEncodeInBatches(t *testing.T) {
	root := value.NewMap(0)
	vals := []any{"keep\n\n", "plain", int64(1), nil, "multi\nline", []any{"a", "b\n\n"}, "", "...", "- x", "#c", 1.5,
		func() *value.Map { m := value.NewMap(1); m.Set("in", "x\n\n"); return m }(), "trail ", "k: v"}
	for i := 0; i < 60; i++ {
		root.Set(fmt.Sprintf("k%d", i), vals[i%len(vals)])
	}
	n, err := toNode(root, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := dump(n)
	if err != nil {
		t.Fatal(err)
	}
	defer func(b int) { encodeBatch = b }(encodeBatch)
	for _, size := range []int{1, 2, 3, 5, 7, 1 << 14} {
		encodeBatch = size
		for _, cut := range []int{60, 59, 13, 1, 0} {
			m := value.NewMap(0)
			count := 0
			root.Range(func(k string, v any) bool {
				if count < cut {
					m.Set(k, v)
				}
				count++
				return true
			})
			mn, _ := toNode(m, nil, 1)
			want, _ := dump(mn)
			got, err := Encode(m)
			if err != nil || string(got) != string(want) {
				t.Fatalf("batch %d, %d keys: got\n%s\nwant\n%s", size, cut, got, want)
			}
			back, err := Decode(got)
			if err != nil || !value.Equal(back.Root, m) {
				t.Fatalf("batch %d, %d keys: does not read back: %v", size, cut, err)
			}
		}
	}
	if len(whole) == 0 {
		t.Fatal("nothing written")
	}
}
