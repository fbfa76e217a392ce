package inifmt

import (
	"errors"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
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
	"Empty =\n" +
	"quoted = \"q\"\n" +
	"\n" +
	"[a.b]\n" +
	"k=v=w\n" +
	"[ spaced ] trailing text\n" +
	"É = ü\n" +
	"deps =\n" +
	"    pytest\n" +
	"\n" +
	"  # dropped\n" +
	"    cov\n" +
	"\n"

// plainNoEmptyDefault is plain without an empty DEFAULT section, which
// configparser_dump.py cannot see.
func plainNoEmptyDefault(m *value.Map) any {
	out := codectest.Plain(m).(map[string]any)
	if d, ok := out[DefaultSection].(map[string]any); ok && len(d) == 0 {
		delete(out, DefaultSection)
	}
	return out
}

func TestDecode(t *testing.T) {
	d, err := Decode([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(d.Root.Keys(), ","); got != "top,server,a.b, spaced " {
		t.Errorf("keys %q", got)
	}
	want := codectest.MustJSON(t, `{"top": "1", "server": {"host": "example.org ; not a comment",
		"url": "http://x/#frag\nindented = yes", "empty": "", "quoted": "\"q\""},
		"a.b": {"k": "v=w"}, " spaced ": {"é": "ü", "deps": "\npytest\n\ncov"}}`)
	if got := codectest.Plain(d.Root); !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v\nwant %#v", got, want)
	}
	pos := map[string]value.Pos{"top": {Line: 2, Column: 1}, "server": {Line: 4, Column: 1}, "server.empty": {Line: 8, Column: 1},
		`"a.b".k`: {Line: 12, Column: 1}, value.JoinPath(" spaced ", "é"): {Line: 14, Column: 1}, value.JoinPath(" spaced ", "deps"): {Line: 15, Column: 1}}
	for p, w := range pos {
		if d.Positions[p] != w {
			t.Errorf("position of %s = %v, want %v", p, d.Positions[p], w)
		}
	}
	d, err = DecodeCase([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := d.Root.Get("server"); !ok {
		t.Fatal("no server")
	}
	if got := strings.Join(mustMap(t, d.Root, " spaced ").Keys(), ","); got != "É,deps" {
		t.Errorf("case-keeping keys %q", got)
	}
}

func mustMap(t *testing.T, m *value.Map, k string) *value.Map {
	t.Helper()
	v, _ := m.Get(k)
	s, ok := v.(*value.Map)
	if !ok {
		t.Fatalf("%s is %T", k, v)
	}
	return s
}

func TestDefaultSection(t *testing.T) {
	in := "[s]\nown = 1\nd = mine\n[DEFAULT]\nd = 1\ne = 2\n[t]\n"
	doc, err := Decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(mustMap(t, doc.Root, "s").Keys(), ","); got != "own,d,e" {
		t.Errorf("s keys %s", got)
	}
	if v, _ := mustMap(t, doc.Root, "s").Get("d"); v != "mine" {
		t.Errorf("s.d = %v", v)
	}
	if v, _ := mustMap(t, doc.Root, "t").Get("e"); v != "2" {
		t.Errorf("t.e = %v", v)
	}
	// provenance of a copied value: the DEFAULT line
	if p := doc.Positions["t.e"]; p != (value.Pos{Line: 6, Column: 1}) {
		t.Errorf("position of t.e = %v", p)
	}
	codectest.RoundTrip(t, codectest.Codec{Decode: Decode, Encode: Encode}, doc.Root)
}

func TestDefaultCopiesBound(t *testing.T) {
	var b strings.Builder
	b.WriteString("[DEFAULT]\n")
	for i := 0; i < 2000; i++ {
		b.WriteString("k" + codectest.Itoa(i) + " = v\n")
	}
	for i := 0; i < 600; i++ {
		b.WriteString("[s" + codectest.Itoa(i) + "]\n")
	}
	_, err := Decode([]byte(b.String()))
	var loc *errs.Located
	if !errors.As(err, &loc) || loc.Line != 1 || !strings.Contains(loc.Msg, "more than 1000000 copies") {
		t.Errorf("DEFAULT bomb: %v", err)
	}
}

// .editorconfig files have keys before any section and glob sections.
func TestEditorconfig(t *testing.T) {
	in := "# top-most EditorConfig file\nroot = true\n\n[*]\nend_of_line = lf\nInsert_Final_Newline = true\n\n[*.{js,py}]\ncharset = utf-8\nindent_style = space\nindent_size = 4\n\n[Makefile]\nindent_style = tab\n"
	doc, err := Decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := codectest.MustJSON(t, `{"root": "true", "*": {"end_of_line": "lf", "insert_final_newline": "true"},
		"*.{js,py}": {"charset": "utf-8", "indent_style": "space", "indent_size": "4"}, "Makefile": {"indent_style": "tab"}}`)
	if got := codectest.Plain(doc.Root); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v", got)
	}
}

func TestDecodeErrors(t *testing.T) {
	codectest.Errors(t, Decode, []codectest.ErrorCase{
		{"a = 1\njunk\n", 2, 1, "expected 'key = value'"},
		{"[mysqld]\nskip-external-locking\n", 2, 1, "a key without a value, as MySQL option files write flags, needs one"},
		{"[mysqld]\n!includedir /etc/mysql/conf.d/\n", 2, 1, "an !include directive"},
		{"[s]\n  = x\n", 2, 3, "empty key"},
		{"[s\n", 1, 1, "expected 'key = value'"},
		{"[]\n", 1, 1, "expected 'key = value'"},
		// a header without its ']' is named as one (it said a key
		// without a value needs one, as MySQL flags do)
		{"[mysqld\nport = 3306\n", 1, 1, "a section header is a name between '[' and ']' on one line, and this one has no ']' or no name"},
		{"[s]\n  [\n", 2, 3, "this one has no ']' or no name"},
		{"[s]\n[s]\n", 2, 1, "appears twice (first on line 1)"},
		{"s = 1\n[s]\n", 2, 1, "name of a key"},
		{"[s]\na=1\nA=2\n", 3, 1, "appears twice in section [s] (first on line 2)"},
		{"[DEFAULT]\na=1\n[DEFAULT]\na=2\n", 4, 1, "appears twice in section [DEFAULT]"},
		{"a=1\na=2\n", 2, 1, "twice before any section"},
		{"a=\xff\n", 1, 3, "invalid UTF-8"},
		{"a=\x00\n", 1, 3, "NUL"},
		{"a=1\rb=2\n", 1, 4, "carriage return"},
		// a systemd unit's line continued with a backslash and an
		// unindented next line: the MySQL hint was beside the point
		{"[Service]\nExecStart=/usr/bin/app \\\n# the port\n--port 8080\n", 4, 1, "the line above ends with '\\', which continues nothing in INI (systemd units"},
		{"[Service]\r\nExecStart=/usr/bin/app \\\r\n\r\n--port 8080\r\n", 4, 1, "lines indented deeper than its key"},
		// an Ansible inventory (hosts.ini): its host lines are names alone
		{"mail.example.com\n[webservers]\nfoo.example.com\n[all:vars]\nntp_server=ntp.example.com\n", 1, 1, "the file looks like an Ansible inventory, whose host lines are not INI (configparser refuses them too); Ansible's YAML inventory reads as yaml"},
		{"[db]\none.example.com ansible_host=10.0.0.5\ntwo.example.com\n", 3, 1, "Ansible inventory"},
		{"[prod:children]\nweb\n", 2, 1, "Ansible inventory"},
	})
	// a line that is no key after one that ends otherwise keeps the MySQL hint
	if _, err := Decode([]byte("[mysqld]\nport = 3306 \\ x\nquick\n")); err == nil || !strings.Contains(err.Error(), "MySQL") {
		t.Errorf("bare key: %v", err)
	}
	// The case-keeping dialect allows keys differing in case only.
	if _, err := DecodeCase([]byte("[s]\na=1\nA=2\n")); err != nil {
		t.Errorf("DecodeCase: %v", err)
	}
}

func TestEncode(t *testing.T) {
	sec := value.NewMap(0)
	sec.Set("k", "v ; x")
	sec.Set("n", int64(3))
	sec.Set("multi", "\nflake8 = flake8.main.cli:main\n\nsecond")
	root := value.NewMap(0)
	root.Set("first", "1")
	root.Set("sec", sec)
	root.Set("late", nil)
	root.Set("empty", value.NewMap(0))
	b, err := Encode(root)
	if err != nil {
		t.Fatal(err)
	}
	if want := "first = 1\nlate =\n\n[sec]\nk = v ; x\nn = 3\nmulti =\n\tflake8 = flake8.main.cli:main\n\n\tsecond\n\n[empty]\n"; string(b) != want {
		t.Errorf("Encode = %q", b)
	}
	m := func(kv ...any) *value.Map {
		out := value.NewMap(0)
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i].(string), kv[i+1])
		}
		return out
	}
	for _, c := range []struct {
		root *value.Map
		path string
		msg  string
	}{
		{m("l", []any{}), "l", "nested list"},
		{m("s", m("deep", value.NewMap(0))), "s.deep", "nested map"},
		{m("a=b", "x"), "a=b", "'=' or ':'"},
		{m(";c", "x"), ";c", "starts with ;"},
		{m("K", "x"), "K", "ini-case"},
		{m("v", "two\n lines"), "v", "blanks"},
		{m("v", "two\n#lines"), "v", "comment"},
		{m("v", "trailing\n"), "v", "line break"},
		{m("v", " pad"), "v", "blanks"},
		{m("v", "cr\r"), "v", "carriage return"},
		{m("", value.NewMap(0)), `""`, "empty"},
		{m("DEFAULT", m("d", "1"), "s", m()), "s.d", "lacks the key"},
	} {
		_, err := Encode(c.root)
		var loc *errs.Located
		if !errors.As(err, &loc) || !errors.Is(err, errs.ErrTypeMismatch) || loc.Path != c.path || !strings.Contains(loc.Msg, c.msg) {
			t.Errorf("Encode = %v, want a type mismatch at %s saying %q", err, c.path, c.msg)
		}
	}
	if b, err := EncodeCase(m("K", "x")); err != nil || string(b) != "K = x\n" {
		t.Errorf("EncodeCase = %q, %v", b, err)
	}
}

// The fixtures are realistic files; their .json goldens are configparser's
// reading (testdata/configparser_dump.py). Each must decode to its golden
// and survive encode + decode unchanged.
func TestFixtures(t *testing.T) {
	for _, f := range []struct {
		file, golden string
		keepCase     bool
	}{
		{"tox.ini", "tox.ini.json", false},
		{"setup.cfg", "setup.cfg.json", false},
		{"mypy.ini", "mypy.ini.json", false},
		{"defaults.ini", "defaults.ini.json", false},
		{"defaults.ini", "defaults.ini.case.json", true},
		{"php.ini", "php.ini.json", true},
	} {
		data, err := os.ReadFile(filepath.Join("testdata", f.file))
		if err != nil {
			t.Fatal(err)
		}
		golden, err := os.ReadFile(filepath.Join("testdata", f.golden))
		if err != nil {
			t.Fatal(err)
		}
		dec, enc := Decode, Encode
		if f.keepCase {
			dec, enc = DecodeCase, EncodeCase
		}
		doc, err := dec(data)
		if err != nil {
			t.Fatalf("%s: %v", f.file, err)
		}
		if got, want := codectest.Plain(doc.Root), codectest.MustJSON(t, string(golden)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s differs from configparser:\ngot  %v\nwant %v", f.file, got, want)
		}
		b, err := enc(doc.Root)
		if err != nil {
			t.Fatalf("%s: encode: %v", f.file, err)
		}
		back, err := dec(b)
		if err != nil || !value.Equal(back.Root, doc.Root) {
			t.Errorf("%s: round trip: %v\n%s", f.file, err, b)
		}
	}
	// the example, exactly
	doc, err := Decode([]byte("[options.entry_points]\nconsole_scripts =\n    flake8 = flake8.main.cli:main\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := mustMap(t, doc.Root, "options.entry_points").Get("console_scripts"); v != "\nflake8 = flake8.main.cli:main" {
		t.Errorf("console_scripts = %q", v)
	}
}

// tricky holds snippets whose reading is checked against configparser
// itself when python3 is on PATH.
var tricky = []string{
	"[s]\na =\n    pytest\n\n    cov\n\n",
	"[s]\na = 1\n  # c\n  b\n",
	"[a] ; x\nk=1\n",
	"[ a ]\nk=1\n",
	"[s]\n  k = 1\n  j = 2\nl=3\n",
	"[s]\n  k = 1\n    j = 2\nl=3\n",
	"[s]\nk=1\n  [t]\nj=2\n",
	"[DEFAULT]\nd=1\n[s]\nk=2\n[DEFAULT]\ne=3\n",
	"[s]\n[a=b\n",
	"[s]\nk==v\n",
	"[s]\nK:v=w\n",
	"[s]\nk=1\n\t\n  b  \n\n",
	"[s]\nk=1\n;c\n b\n",
	"[s]\nk : v : w\n",
	"[s]\nk = %(x)s 100%\n",
	"[s]\nk =   spaced   \n",
	"[s]\nKey\u00a0=\u00a0nbsp\u00a0\n",
	"[s]\nk = a\n\u3000b\n",
	"[a]b]\nk=1\n",
	"[s]\r\nk = 1\r\n  two\r\n",
	"[s]\nÉTÉ = été\n",
	"[s]\n#k = 1\n;j = 2\nm=3\n",
	"[s]\nk=1\n[t]\n  x = 2\n",
	// a .gitconfig: tab-indented keys, quoted subsections, values with
	// quotes, '%' and ':'
	"[user]\n\tname = A B\n\temail = a@b.example\n[remote \"origin\"]\n\turl = git@host:x/y.git\n" +
		"\tfetch = +refs/heads/*:refs/remotes/origin/*\n[alias]\n\tlg = log --pretty=format:'%h %s'\n",
	// a MySQL option file: dashes in keys, a '#' after a value is text
	"[client]\nport=3306\n[mysqld]\ncharacter-set-server=utf8mb4\nport            = 3306 # must match\n",
	// .flake8 / pytest.ini: continuation lists holding ':' and '='
	"[flake8]\nper-file-ignores =\n    __init__.py: F401\n    tests/*: S101\n[pytest]\naddopts = -ra\nfilterwarnings =\n    error\n    ignore::DeprecationWarning\n",
}

func TestMatchesConfigparser(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	dir := t.TempDir()
	var names, paths []string
	for i, s := range tricky {
		p := filepath.Join(dir, "t"+codectest.Itoa(i)+".ini")
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		names, paths = append(names, s), append(paths, p)
	}
	for _, f := range []string{"tox.ini", "setup.cfg", "mypy.ini", "defaults.ini", "php.ini"} {
		names, paths = append(names, f), append(paths, filepath.Join("testdata", f))
	}
	for _, keepCase := range []bool{false, true} {
		args := []string{filepath.Join("testdata", "configparser_dump.py")}
		dec := Decode
		if keepCase {
			args = append(args, "--case")
			dec = DecodeCase
		}
		out, err := exec.Command(py, append(args, paths...)...).Output()
		if err != nil {
			t.Fatalf("python3: %v", err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != len(paths) {
			t.Fatalf("python3 gave %d results for %d files", len(lines), len(paths))
		}
		for i, name := range names {
			data, _ := os.ReadFile(paths[i])
			want := codectest.MustJSON(t, lines[i])
			doc, err := dec(data)
			if m, ok := want.(map[string]any); ok && m["error"] != nil {
				if err == nil {
					t.Errorf("%q: configparser refuses (%v), gocfg reads %v", name, m["error"], codectest.Plain(doc.Root))
				}
				continue
			}
			if err != nil {
				t.Errorf("%q: %v (configparser reads %v)", name, err, want)
				continue
			}
			if got := plainNoEmptyDefault(doc.Root); !reflect.DeepEqual(got, want) {
				t.Errorf("%q (keepCase %v):\ngot  %#v\nwant %#v", name, keepCase, got, want)
			}
		}
	}
}

// TestRandomAgainstConfigparser writes random INI-like documents from a
// small alphabet of tricky pieces and compares gocfg's reading with
// configparser's, where configparser reads the document (gocfg refuses
// some that configparser reads, listed in refusedOnPurpose).
func TestRandomAgainstConfigparser(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	pieces := []string{"[s]", "[t]", "[DEFAULT]", "[ u ]", "[v] x", "k", "K", "é", " ", "  ", "\t", "\u00a0", "=", ":", "==", " = ",
		"val", "%(x)s", ";", "#", "[", "]", "\n", "\n", "\n", "\n  ", "\n\t", "\r\n", "\n; c\n", "\n  # c\n"}
	r := rand.New(rand.NewSource(11))
	dir := t.TempDir()
	var docs, paths []string
	for i := 0; i < 400; i++ {
		var b strings.Builder
		b.WriteString("[s]\n")
		for j := r.Intn(30); j > 0; j-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		p := filepath.Join(dir, codectest.Itoa(i)+".ini")
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		docs, paths = append(docs, b.String()), append(paths, p)
	}
	for _, keepCase := range []bool{false, true} {
		args := []string{filepath.Join("testdata", "configparser_dump.py")}
		dec := Decode
		if keepCase {
			args = append(args, "--case")
			dec = DecodeCase
		}
		out, err := exec.Command(py, append(args, paths...)...).Output()
		if err != nil {
			t.Fatalf("python3: %v", err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != len(docs) {
			t.Fatalf("python3 gave %d results for %d files", len(lines), len(docs))
		}
		agreed, refused := 0, 0
		for i, d := range docs {
			want := codectest.MustJSON(t, lines[i])
			doc, err := dec([]byte(d))
			if m, ok := want.(map[string]any); ok && m["error"] != nil {
				if err == nil {
					t.Errorf("%q: configparser refuses (%v), gocfg reads %v", d, m["error"], codectest.Plain(doc.Root))
				}
				refused++
				continue
			}
			if err != nil {
				t.Errorf("%q: %v (configparser reads %v)", d, err, want)
				continue
			}
			if got := plainNoEmptyDefault(doc.Root); !reflect.DeepEqual(got, want) {
				t.Errorf("%q (keepCase %v):\ngot  %#v\nwant %#v", d, keepCase, got, want)
				continue
			}
			agreed++
		}
		t.Logf("keepCase %v: %d documents read alike, %d refused by both", keepCase, agreed, refused)
		if agreed < 100 {
			t.Errorf("only %d documents read by both (%d refused by both)", agreed, refused)
		}
	}
}

var iniKinds = codectest.Kinds{OnlyStrings: true, FlatSections: true, NonEmptyKeys: true,
	KeyRunes:   []rune("abcxyz_019.- é日;#[]"),
	ValueRunes: []rune("abc xyz019_-. :=#;[]{}\"'\\/é日本😀$%\n")}

func TestRoundTripRandom(t *testing.T) {
	// Encode refuses keys or values INI cannot express, saying so.
	c := codectest.Codec{Decode: Decode, Encode: Encode, Refusable: codectest.Any}
	written := codectest.RoundTripRandom(t, c, 5, 5000, iniKinds.Tree)
	multi := 0
	for _, b := range written {
		if strings.Contains(string(b), "\n\t") {
			multi++
		}
	}
	if n := len(written); n < 500 || multi < 50 {
		t.Errorf("only %d random trees were expressible, %d with multi-line values", n, multi)
	}
}

func fuzzSeeds(f *testing.F) {
	// No suite exists for this format; toml-test's documents are made of
	// the same kind of lines (key = value, [sections], comments, quotes).
	codectest.SeedSuite(f, "toml-test/tests/valid/*/*.toml", 30)
	codectest.SeedStrings(f, sample)
	codectest.SeedStrings(f, tricky...)
	codectest.SeedFiles(f, "testdata", "tox.ini", "setup.cfg", "mypy.ini", "php.ini", "defaults.ini")
}

func FuzzDecode(f *testing.F) {
	fuzzSeeds(f)
	codectest.FuzzDecode(f, nil, Decode, DecodeCase)
}

// FuzzRoundTrip: what reading gives, writing can express (every Encode
// error fails), except blanks or comment marks that continuation lines
// cannot hold, which reading never produces (it strips them).
func FuzzRoundTrip(f *testing.F) {
	fuzzSeeds(f)
	codectest.FuzzRoundTrip(f, codectest.Codec{Decode: Decode, Encode: Encode}, codectest.Codec{Decode: DecodeCase, Encode: EncodeCase})
}
