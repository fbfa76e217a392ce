package propsfmt

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// flat lists a tree's leaves as "dotted.key=value" lines, sorted, with
// the escaping PropsDump.java uses.
func flat(m *value.Map) string {
	var out []string
	var walk func(m *value.Map, prefix string)
	walk = func(m *value.Map, prefix string) {
		m.Range(func(k string, v any) bool {
			if sub, ok := v.(*value.Map); ok {
				walk(sub, prefix+k+".")
				return true
			}
			out = append(out, esc(prefix+k)+"="+esc(v.(string)))
			return true
		})
	}
	walk(m, "")
	// by key, as PropsDump sorts ("a" before "a.b", which "a=" is not)
	sort.Slice(out, func(i, j int) bool {
		return strings.SplitN(out[i], "=", 2)[0] < strings.SplitN(out[j], "=", 2)[0]
	})
	return strings.Join(out, "|")
}

func esc(s string) string {
	var b strings.Builder
	for _, u := range utf16Units(s) {
		if u < 0x20 || u > 0x7e || u == '\\' || u == '=' || u == '|' {
			b.WriteString(`\u` + leftPad(strconv.FormatInt(int64(u), 16)))
		} else {
			b.WriteByte(byte(u))
		}
	}
	return b.String()
}

func leftPad(h string) string { return strings.Repeat("0", 4-len(h)) + h }

func utf16Units(s string) []uint16 {
	var out []uint16
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			out = append(out, uint16(0xD800+(r>>10)), uint16(0xDC00+(r&0x3FF)))
		} else {
			out = append(out, uint16(r))
		}
	}
	return out
}

// javaAgrees are read the same by java.util.Properties and here.
var javaAgrees = []string{
	"a=1\nb = 2\nc:3\nd 4\ne\t=\t5\nf\f6\n",
	"# c\n! c\n  # indented comment\nk=v\n",
	"k=v   \n",
	"k = a \\\n    b \\\n\tc\n",
	"k\\\n  ey = v\n",
	"k = \\\n",
	"k\n",
	"k=\n",
	"=v\n",
	"k==v\n",
	"k =:v\n",
	"k\\=x=v\n",
	"k\\ x = v\n",
	"k\\:x:v\n",
	"\\#k=v\n",
	"k=\\u00e9\\u20AC\\uD83D\\uDE00\n",
	"k=a\\tb\\nc\\rd\\fe\\bf\\\\g\\q\n",
	"k=v\\",
	"a=1\rb=2\r\nc=3\n",
	"# comment ending in a backslash \\\nk=v\n",
	"k=v\\\n# not a comment\n",
	"a.b=1\na.c=2\nx.y.z=3\n",
	"a..b=1\n",
	"k=\\ \\ lead\n",
	"ünï=çødé\n",
	"\xEF\xBB\xBFk=v\n",
	// a line holding only a continuation leaves the logical line empty:
	// then a line end ends it (no key) and "#" or "!" is a comment, as at
	// a line's start (Java 9+), except when the break is the last byte
	"a=1\n\\\n\nb=2\n", "a=1\n  \\\r\n\t\\\n# c\nb=2\n", "\\\n!x=1\\\ny=2\n", "\\\r\r\n",
	"a=1\n\\\n", "a=1\n\\\r", "a=1\n\\\r\n", "\\\n\\\n", "a=1\n\\",
}

func TestMatchesJava(t *testing.T) {
	java, err := exec.LookPath("java")
	if err != nil {
		t.Skip("java not found")
	}
	dir := t.TempDir()
	docs := append([]string{}, javaAgrees...)
	// log4j.properties reads with DecodeFlat (its appenders are values and
	// parents); the others with Decode
	fixtures := []string{"application.properties", "server.properties", "log4j.properties"}
	flatDoc := len(javaAgrees) + 2
	for _, f := range fixtures {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(b))
	}
	args := []string{filepath.Join("testdata", "PropsDump.java")}
	for i, d := range docs {
		p := filepath.Join(dir, codectest.Itoa(i)+".properties")
		if err := os.WriteFile(p, []byte(d), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	out, err := exec.Command(java, args...).Output()
	if err != nil {
		t.Skipf("java could not run PropsDump.java: %v", err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != len(docs) {
		t.Fatalf("java gave %d lines for %d files:\n%s", len(lines), len(docs), out)
	}
	for i, d := range docs {
		decode := Decode
		if i == flatDoc {
			decode = DecodeFlat
		}
		doc, err := decode([]byte(d))
		if err != nil {
			t.Errorf("%q: %v (java: %s)", d, err, lines[i])
			continue
		}
		if got := flat(doc.Root); got != lines[i] {
			// Java drops a BOM only when it is the first key's first char
			// of a Reader... it does not: it keeps U+FEFF in the key.
			if strings.HasPrefix(d, "\xEF\xBB\xBF") && lines[i] == `\ufeffk=v` && got == "k=v" {
				continue
			}
			t.Errorf("%q:\ngocfg %s\njava  %s", d, got, lines[i])
		}
	}
}

func TestDecode(t *testing.T) {
	in := "# c\nserver.port=8080\nserver.host : h\n  name  value\nlist = a, \\\n       b\nx.y.z=1\n"
	doc, err := Decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := flat(doc.Root); got != "list=a, b|name=value|server.host=h|server.port=8080|x.y.z=1" {
		t.Errorf("got %s", got)
	}
	if got := strings.Join(doc.Root.Keys(), ","); got != "server,name,list,x" {
		t.Errorf("order %s", got)
	}
	pos := map[string]value.Pos{"server": {Line: 2, Column: 1}, "server.port": {Line: 2, Column: 1}, "server.host": {Line: 3, Column: 1},
		"name": {Line: 4, Column: 3}, "list": {Line: 5, Column: 1}, "x.y.z": {Line: 7, Column: 1}}
	for p, w := range pos {
		if doc.Positions[p] != w {
			t.Errorf("position of %s = %v, want %v", p, doc.Positions[p], w)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	codectest.Errors(t, Decode, []codectest.ErrorCase{
		{"a=1\na.b=2\n", 2, 1, `key "a.b" makes "a" a parent, but it is set to a value on line 1`},
		{"a.b=2\n\na=1\n", 3, 1, `key "a" is a value here and a parent of the key "a.b" on line 1`},
		{"a=1\na=2\n", 2, 1, "set twice (first on line 1)"},
		{"k=\\u12\n", 1, 3, "malformed \\uXXXX"},
		// a Windows path: the message says how to write one
		{"dir=C:\\users\\app\n", 1, 7, "a Windows path is written with / or with \\\\: C:/Users or C:\\\\Users"},
		{"k=x\\u12G4\n", 1, 4, "malformed"},
		{"k=\\uD800x\n", 1, 3, "surrogate"},
		{"k=\\uDC00\\uD800\n", 1, 3, "surrogate"},
		{"k=\x00\n", 1, 3, "NUL byte"},
		{"\n  k\\\n x=\\u1\n", 3, 4, "malformed"},
	})
	deep := strings.Repeat("a.", value.MaxDepth) + "a=1"
	if _, err := Decode([]byte(deep)); err == nil || !strings.Contains(err.Error(), "deeper") {
		t.Errorf("deep key: %v", err)
	}
	// NUL in a value is fine, written as an escape
	doc, err := Decode([]byte("k=a\\u0000b\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := doc.Root.Get("k"); v != "a\x00b" {
		t.Errorf("k = %q", v)
	}
}

func TestFixtures(t *testing.T) {
	for _, f := range []string{"application.properties", "server.properties"} {
		data, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		b, err := Encode(doc.Root)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		back, err := Decode(b)
		if err != nil || !value.Equal(back.Root, doc.Root) {
			t.Errorf("%s: round trip: %v\n%s", f, err, b)
		}
	}
	data, _ := os.ReadFile(filepath.Join("testdata", "application.properties"))
	doc, _ := Decode(data)
	for path, want := range map[string]string{
		"server.port":  "8080",
		"app.greeting": "Grüße aus Köln",
		"management.endpoints.web.exposure.include": "health,info,metrics,prometheus",
		`app.keys."with space"`:                     "yes",
		"spring.datasource.password":                "${DB_PASSWORD}",
	} {
		segs, _ := value.ParsePath(path)
		got, err := value.Lookup(doc.Root, segs)
		if err != nil || got != want {
			t.Errorf("%s = %#v (%v), want %q", path, got, err, want)
		}
	}
}

func TestEncode(t *testing.T) {
	m := func(kv ...any) *value.Map {
		out := value.NewMap(0)
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i].(string), kv[i+1])
		}
		return out
	}
	root := m("server", m("port", int64(8080), "host", " lead and trail "), "k=:# x", "é\n\t\\😀", "#c", nil, "b", true)
	b, err := Encode(root)
	if err != nil {
		t.Fatal(err)
	}
	want := "server.port=8080\nserver.host=\\ lead and trail \nk\\=\\:#\\ x=\\u00e9\\n\\t\\\\\\ud83d\\ude00\n\\#c=\nb=true\n"
	if string(b) != want {
		t.Errorf("Encode = %q\nwant     %q", b, want)
	}
	for _, c := range []struct {
		root *value.Map
		path string
	}{
		{m("l", []any{"x"}), "l"},
		{m("a.b", "x"), `"a.b"`},
		{m("e", value.NewMap(0)), "e"},
		{m("s", m("f", 1.5, "x", m("y.z", "1"))), `s.x."y.z"`},
	} {
		_, err := Encode(c.root)
		var loc *errs.Located
		if !errors.As(err, &loc) || !errors.Is(err, errs.ErrTypeMismatch) || loc.Path != c.path {
			t.Errorf("Encode = %v, want a type mismatch at %s", err, c.path)
		}
	}
	// A dotted key names properties-flat where it can write the tree (a
	// map of scalars), and says it cannot where the tree also nests.
	for _, c := range []struct {
		root *value.Map
		want string
	}{
		{m("a.b", "x", "c", "y"), `(format "properties-flat" keeps it whole)`},
		{m("logging", m("level", m("org.hibernate.SQL", "DEBUG"))), `"properties-flat", which keeps it whole, cannot write nested maps`},
	} {
		if _, err := Encode(c.root); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Encode = %v, want %q", err, c.want)
		}
		if _, err := EncodeFlat(c.root); strings.Contains(c.want, "keeps it whole)") && err != nil {
			t.Errorf("EncodeFlat = %v: the hint named it", err)
		}
	}
}

var propsKinds = codectest.Kinds{OnlyStrings: true, Maps: true, MaxDepth: 4, NonEmptyKeys: true,
	KeyRunes:   []rune("abcXYZ_019- :=#!\\é日😀\t\f\n"),
	ValueRunes: []rune("abc xyz019_-. :=#;!\\[]{}\"'\\/é日本😀$\t\n\r\f\x01")}

func TestRoundTripRandom(t *testing.T) {
	// Encode refuses empty maps, saying so.
	c := codectest.Codec{Decode: Decode, Encode: Encode, Refusable: codectest.Any}
	if n := len(codectest.RoundTripRandom(t, c, 7, 5000, propsKinds.Tree)); n < 1000 {
		t.Errorf("only %d random trees were expressible", n)
	}
}

func fuzzSeeds(f *testing.F) {
	codectest.SeedStrings(f, javaAgrees...)
	codectest.SeedFiles(f, "testdata", "application.properties", "server.properties")
	codectest.SeedSuite(f, "toml-test/tests/valid/*/*.toml", 20)
}

func FuzzDecode(f *testing.F) {
	fuzzSeeds(f)
	codectest.FuzzDecode(f, nil, Decode)
}

func FuzzRoundTrip(f *testing.F) {
	fuzzSeeds(f)
	codectest.FuzzRoundTrip(f, codectest.Codec{Decode: Decode, Encode: Encode})
}

// A file that is not valid UTF-8 is read as ISO-8859-1, as Java's
// Properties.load(InputStream) reads it: "caf\xe9" is "café".
func TestLatin1Fallback(t *testing.T) {
	doc, err := Decode([]byte("greeting=caf\xe9\nname=ok\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := doc.Root.Get("greeting"); got != "café" {
		t.Fatalf("greeting = %q, want %q", got, "café")
	}
	// Valid UTF-8 stays UTF-8 (not read twice as Latin-1).
	doc, err = Decode([]byte("greeting=café\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := doc.Root.Get("greeting"); got != "café" {
		t.Fatalf("greeting = %q, want %q", got, "café")
	}
}

// properties-flat keeps keys whole, so a key that is both a value and a
// parent loads; the nesting mode refuses it naming the flat mode.
func TestFlatKeepsDottedKeys(t *testing.T) {
	src := []byte("a=1\na.b=2\n# c\nx.y.z = 3\n")
	if _, err := Decode(src); err == nil || !strings.Contains(err.Error(), "properties-flat") {
		t.Fatalf("Decode: want an error naming properties-flat, got %v", err)
	}
	doc, err := DecodeFlat(src)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "1", "a.b": "2", "x.y.z": "3"}
	if doc.Root.Len() != len(want) {
		t.Fatalf("got %d keys, want %d", doc.Root.Len(), len(want))
	}
	for k, v := range want {
		if got, _ := doc.Root.Get(k); got != v {
			t.Fatalf("%s = %v, want %q", k, got, v)
		}
	}
	if p := doc.Positions[value.AppendPath("", "x.y.z")]; p.Line != 4 || p.Column != 1 {
		t.Fatalf("position of x.y.z = %+v, want 4:1", p)
	}
	if _, err := DecodeFlat([]byte("a=1\na=2\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("a repeated key: want an error naming line 1, got %v", err)
	}
	out, err := EncodeFlat(doc.Root)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeFlat(out)
	if err != nil {
		t.Fatal(err)
	}
	if !value.Equal(back.Root, doc.Root) {
		t.Fatalf("round trip: %s", out)
	}
	nested := value.NewMap(0)
	inner := value.NewMap(0)
	inner.Set("b", "1")
	nested.Set("a", inner)
	if _, err := EncodeFlat(nested); err == nil {
		t.Fatal("EncodeFlat of a nested map: want an error")
	}
}

// TestOneLongLine: every backslash escape computed its position (a count
// of the line's characters up to it) in case the escape was malformed, so
// a line of escapes was quadratic: 4 MB of "\t" ran for minutes. The
// watchdog turns such a hang into a failure; no timing is asserted.
func TestOneLongLine(t *testing.T) {
	const n = 2 << 20
	data := []byte("k=é" + strings.Repeat(`\t`, n) + `\u00e9\n`)
	defer codectest.Watchdog(data)()
	d, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := d.Root.Get("k"); v != "é"+strings.Repeat("\t", n)+"é\n" {
		t.Errorf("value of %d bytes", len(v.(string)))
	}
	// a malformed escape after them is still placed exactly
	_, err = Decode([]byte("a=1\nk=é" + strings.Repeat(`\t`, 1000) + `\u00zz`))
	if err == nil || !strings.Contains(err.Error(), "line 2, column 2004") {
		t.Errorf("error %v, want it at line 2, column 2004", err)
	}
}

// TestPathBudget: every segment of a dotted key built its path, as long
// as the key so far, so a key nested 999 deep cost megabytes of paths: 40
// such lines (440 KB) allocated about 200 MB. Past textpos.PathBudget the
// positions go, and no more paths are built.
func TestPathBudget(t *testing.T) {
	seg := "." + strings.Repeat("s", 10)
	var b strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "k%d%s=1\n", i, strings.Repeat(seg, value.MaxDepth-2))
	}
	codectest.CheckPathBudget(t, []byte(b.String()), Decode)
}

// A key set twice in a document without positions (past the path budget
// or over textpos.MaxPositionsSize) is named without a dangling "(first)".
func TestDuplicateWithoutPositions(t *testing.T) {
	deep := strings.Repeat(".ssssssssss", value.MaxDepth-2)
	var b strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "k%d%s=1\n", i, deep)
	}
	b.WriteString("k0" + deep + "=2\n")
	_, err := Decode([]byte(b.String()))
	if err == nil || !strings.HasSuffix(err.Error(), "is set twice") {
		t.Errorf("error %v, want it to end with 'is set twice'", err)
	}
	if _, err := Decode([]byte("a.b=1\na.b=2\n")); err == nil || !strings.Contains(err.Error(), `key "a.b" is set twice (first on line 1)`) {
		t.Errorf("error %v", err)
	}
}

// TestEmptyLogicalLines: a line holding only a continuation was read as
// the key "" (or, before "#", as a key "#..."), where Java 17 reads an
// empty line or a comment (TestMatchesJava checks these with java).
func TestEmptyLogicalLines(t *testing.T) {
	for in, want := range map[string]string{
		"a=1\n\\\n\nb=2\n":              "a=1|b=2",
		"a=1\n  \\\r\n\t\\\n# c\nb=2\n": "a=1|b=2",
		"\\\n!x=1\\\ny=2\n":             "y=2",
		"a=1\n\\\r\n":                   "a=1",
		"a=1\n\\\n":                     "=|a=1", // Java's quirk: the break is the last byte
	} {
		d, err := DecodeFlat([]byte(in))
		if err != nil {
			t.Errorf("%q: %v", in, err)
		} else if got := flat(d.Root); got != want {
			t.Errorf("%q: %s, want %s", in, got, want)
		}
	}
}

// Spring Boot reads "#---" (or "!---") in application.properties as a
// document separator. A document after it that names a profile (or a
// cloud platform) applies only there: its keys merged silently into the
// keys above. A key set again after one (Spring's override) said only
// "set twice". A document without activation merges as Spring reads it;
// banners of such lines are no separator, as in Spring Boot.
func TestSpringDocumentSeparator(t *testing.T) {
	for _, fn := range []func([]byte) (*value.Doc, error){Decode, DecodeFlat} {
		codectest.Errors(t, fn, []codectest.ErrorCase{
			{"app.name=x\n#---\nspring.config.activate.on-profile=prod\napp.cache=redis\n", 2, 1,
				"#--- separates Spring Boot documents, and the one after it is active only where spring.config.activate.on-profile on line 3 says"},
			{"a=1\r\n\r\n!---  \r\n\r\nb=2\r\nspring.profiles=dev\r\n", 3, 1, "!--- separates Spring Boot documents"},
			{"a=1\n#---\nspring.config.activate.on-cloud-platform=kubernetes\n", 2, 1, "on-cloud-platform on line 3"},
			{"server.port=8080\n#---\nserver.port=80\n", 3, 1, `key "server.port" is set twice (first on line 1); line 2 holds #---, Spring Boot's document separator`},
		})
	}
	for _, src := range []string{
		"a=1\n#---\nb=2\n", // no activation: one document, as Spring merges it
		"#---\n# Profiles\n#---\nspring.profiles=dev\n", // a banner
		"a=1\n#----\nspring.profiles=dev\n",             // four dashes
		"a=1\n  #---\nspring.profiles=dev\n",            // indented
		"a=1\n#--- prod\nspring.profiles=dev\n",         // text after
		"a=1\n#---\n#x\nspring.profiles=dev\n",          // a comment of the same kind after
		"spring.profiles=dev\n#---\n",                   // before the separator
	} {
		if _, err := Decode([]byte(src)); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
	// without a separator, a key set twice says nothing of Spring
	if _, err := Decode([]byte("a=1\na=2\n")); err == nil || strings.Contains(err.Error(), "Spring") {
		t.Errorf("a set twice: %v", err)
	}
}
