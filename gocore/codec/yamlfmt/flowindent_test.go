package yamlfmt

import (
	"errors"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
)

// Regression cases for checkFlowIndent (yaml-test-suite 9C9N, QB6E and
// DK95/01 were accepted before it).
func TestFlowIndentRefused(t *testing.T) {
	for _, c := range []struct {
		in        string
		line, col int
		what      string
	}{
		{"---\nflow: [a,\nb,\nc]\n", 3, 1, "flow sequence"},         // 9C9N
		{"---\nquoted: \"a\nb\nc\"\n", 3, 1, "quoted string"},       // QB6E
		{"foo: \"bar\n\tbaz\"\n", 2, 2, "a tab is not indentation"}, // DK95/01
		{"a:\n  b: 'x\n  y'\n", 3, 3, "quoted string"},
		{"l:\n  - {a: 1,\n  b: 2}\n", 3, 3, "flow mapping"},
		{"a: [\"x\ny\"]\n", 2, 1, "flow sequence"},
		{"a: [1,\r\n2]\r\n", 2, 1, "flow sequence"},
		{"a: x\nb: [1, [2,\n3]]\n", 3, 1, "begun on line 2"},
		{"a: &anchor 'x\ny'\n", 2, 1, "quoted string"},
		{"a:\n- b\n- \"c\nd\"\n", 4, 1, "quoted string"},
	} {
		_, err := Decode([]byte(c.in))
		var loc *errs.Located
		if !errors.As(err, &loc) || !errors.Is(err, errs.ErrParse) {
			t.Errorf("Decode(%q) = %v, want a parse error", c.in, err)
			continue
		}
		if loc.Line != c.line || loc.Column != c.col || !strings.Contains(loc.Msg, c.what) {
			t.Errorf("Decode(%q) = %d:%d %q, want %d:%d ...%q...", c.in, loc.Line, loc.Column, loc.Msg, c.line, c.col, c.what)
		}
	}
}

// What the check must leave alone: indented continuation lines, blank and
// comment lines, a closing bracket at any column, brackets and '#' inside
// quotes, compact forms, a flow root, and lines the library breaks
// differently.
func TestFlowIndentAccepted(t *testing.T) {
	for _, in := range []string{
		"key: [\n  a,\n  b\n]\n",
		"key: {\n  \"a\": 1,\n  \"b\": [1,\n    2]\n}\n",
		"a: \"x\n\n  y\"\n",
		"a: \"x\n \n\t\n y\"\n",
		"a: [a, # c\n# a comment at column 0\n  b]\n",
		"foo: \"bar\n  \tbaz\"\n", // DK95/02
		"foo: \"bar\n \t \t baz \t \t \"\n",
		"a: [\"x]\",\n  'y}',\n  \"#z\"\n  ]\n",
		"a: ['it''s',\n b]\n",
		"a: [x\"y, z'w,\n b]\n",
		"x:\n- - \"a\n   b\"\n- [\n  c]\n",
		"a: &x \"q\n r\"\nb: !!str\n  \"q\n  r\"\n",
		"a: !<tag:yaml.org,2002:seq> [1,\n  2]\n",
		"{a: [1,\n2], b: \"c\nd\"}\n",
		"a: [1,\n  2]\nb:\n  c: 'x\n    y'\n",
		"a: \"x\\\n  y\"\n",
		"a: \"x\u2028y\"\n",
		"a: |\n  text\nb: >\n  more\n",
	} {
		if _, err := Decode([]byte(in)); err != nil {
			t.Errorf("Decode(%q): %v", in, err)
		}
	}
}

// A long single line with many quoted scalars in a flow sequence is
// checked in linear time.
func TestFlowIndentLongLine(t *testing.T) {
	var b strings.Builder
	b.WriteString("a: [")
	for i := 0; i < 200000; i++ {
		b.WriteString(`"é", `)
	}
	b.WriteString("\"x\n  y\"]\n")
	if _, err := Decode([]byte(b.String())); err != nil {
		t.Fatal(err)
	}
}
