package envfmt

import (
	"encoding/json"
	"errors"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
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
	"C='single $HOME ${A} \\n \\' \\\\ # kept'  # after\n" +
	"D=\"tab\\there\\nline \\\"q\\\" \\\\ \\$ \\x \\a\"\n" +
	"E=\n" +
	"F=\"multi\nline\"\n" +
	"G=a#b\n" +
	"  H.x-y=é  \r\n" +
	"I='two\r\nlines'\n" +
	"J=#not a comment\n" +
	"K=\"\"\n" +
	"BARE\n" +
	"1ABC=${A}/${B:-x}/${NOPE:-d${K}}/${E:-empty}/${E-unset}\n" +
	"é=$A\n" +
	"'quoted name'= # comment only\n" +
	"L=${GOCFG_TEST_ENV}"

func TestDecode(t *testing.T) {
	d, err := Decode([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		k string
		v any
	}{
		{"A", "plain value"}, {"B", "spaced"}, {"C", "single $HOME ${A} \\n ' \\ # kept"},
		{"D", "tab\there\nline \"q\" \\ $ \\x \a"}, {"E", ""}, {"F", "multi\nline"}, {"G", "a#b"},
		{"H.x-y", "é"}, {"I", "two\nlines"}, {"J", "#not a comment"}, {"K", ""}, {"BARE", nil},
		{"1ABC", "plain value/spaced/d/empty/"}, {"é", "$A"}, {"quoted name", ""}, {"L", ""},
	}
	var keys []string
	for _, kv := range want {
		keys = append(keys, kv.k)
		if got, _ := d.Root.Get(kv.k); got != kv.v {
			t.Errorf("%s = %#v, want %#v", kv.k, got, kv.v)
		}
	}
	if got := strings.Join(d.Root.Keys(), ","); got != strings.Join(keys, ",") {
		t.Errorf("keys %s", got)
	}
	pos := map[string]value.Pos{"A": {Line: 2, Column: 1}, "B": {Line: 3, Column: 8}, `"H.x-y"`: {Line: 10, Column: 3},
		"I": {Line: 11, Column: 1}, "K": {Line: 14, Column: 1}, "BARE": {Line: 15, Column: 1}, "L": {Line: 19, Column: 1}}
	for p, w := range pos {
		if d.Positions[p] != w {
			t.Errorf("position of %s = %v, want %v", p, d.Positions[p], w)
		}
	}
	// the environment, after the file's own names
	d, err = DecodeEnviron([]byte(sample), []string{"GOCFG_TEST_ENV=x", "GOCFG_TEST_ENV=from-env", "A=env", "NOEQUALS"})
	if err != nil {
		t.Fatal(err)
	}
	for k, w := range map[string]string{"L": "from-env", "1ABC": "plain value/spaced/d/empty/"} {
		if got, _ := d.Root.Get(k); got != w {
			t.Errorf("with environ: %s = %#v, want %q", k, got, w)
		}
	}
	d, err = DecodeEnviron([]byte("A=${NOPE:-a}${HOME}\nB=${A}"), []string{"HOME=/h", "NOPE="})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := d.Root.Get("B"); got != "a/h" {
		t.Errorf("B = %#v", got)
	}
	// raw: nothing expanded
	d, err = DecodeRaw([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := d.Root.Get("1ABC"); got != "${A}/${B:-x}/${NOPE:-d${K}}/${E:-empty}/${E-unset}" {
		t.Errorf("raw 1ABC = %#v", got)
	}
	if got, _ := d.Root.Get("D"); got != "tab\there\nline \"q\" \\ $ \\x \a" {
		t.Errorf("raw D = %#v", got)
	}
}

func TestExpansionBounds(t *testing.T) {
	// each line doubles the previous one: 2^40 bytes if unbounded
	var b strings.Builder
	b.WriteString("A0=" + strings.Repeat("x", 1024) + "\n")
	for i := 1; i <= 30; i++ {
		b.WriteString("A" + codectest.Itoa(i) + "=${A" + codectest.Itoa(i-1) + "}${A" + codectest.Itoa(i-1) + "}\n")
	}
	_, err := Decode([]byte(b.String()))
	var loc *errs.Located
	if !errors.As(err, &loc) || !strings.Contains(loc.Msg, "larger than") || loc.Line < 10 {
		t.Fatalf("doubling expansion: %v", err)
	}
	if _, err := DecodeRaw([]byte(b.String())); err != nil {
		t.Fatalf("raw: %v", err)
	}
	// many references on one line to a value just under the bound
	wide := "A=" + strings.Repeat("x", 1<<20) + "\nB=" + strings.Repeat("${A}", 200) + "\n"
	if _, err := Decode([]byte(wide)); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("wide expansion: %v", err)
	}
	deep := "A=" + strings.Repeat("${X:-", 40) + strings.Repeat("}", 40)
	if _, err := Decode([]byte(deep)); err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Fatalf("deep nesting: %v", err)
	}
}

func TestDecodeErrors(t *testing.T) {
	codectest.Errors(t, Decode, []codectest.ErrorCase{
		{"A=1\n=2\n", 2, 1, "cannot start with '='"},
		{"A=1\nB C=2\n", 2, 3, "unexpected 'C' after the name B"},
		{"A=1\nB\x01=2\n", 2, 2, "invalid character"},
		{"A=1\nA=2\n", 2, 1, "set twice (first on line 1)"},
		{"A=1\nB junk\n", 2, 3, "unexpected 'j'"},
		{"A=1\n; a comment\n", 2, 3, "a comment line in a .env file starts with '#', not ';'"},
		{"A='x\n", 1, 3, "unterminated"},
		{"A=\"x\\\"\n", 1, 3, "unterminated"},
		{"A='x' y\n", 1, 7, "after the closing quote"},
		// a quote of the value's own closed it: the message says how to
		// write one; a YAML-style line names the .env form
		{"GREETING='it's'\n", 1, 14, `unexpected 's' after the closing quote (a ' inside a single-quoted value is written \', 'it\'s', or the value goes in double quotes, "it's")`},
		{"MSG=\"say \"hi\"\"\n", 1, 11, `(a " inside a double-quoted value is written \"`},
		{"PORT: 8080\n", 1, 7, "a .env line is NAME=value; NAME: value is YAML's form"},
		{"A=\xff\n", 1, 3, "invalid UTF-8"},
		{"A=a\x00b\n", 1, 4, "NUL"},
		{"A='a\x00b'\n", 1, 5, "NUL"},
		{"# a\x00comment\nA=1\n", 1, 4, "NUL byte"},
		{"A=1 # trailing\x00\n", 1, 15, "NUL byte"},
		{"A=\"x\\\x00\"\n", 1, 6, "NUL byte"},
		{"A=1\rB=2\n", 1, 4, "carriage return"},
		// in a comment too: it ran on over the names after it
		{"# c\rA=1\r", 1, 4, "carriage return"},
		{"A=1 # c\rB=2\n", 1, 8, "carriage return"},
		{"A= # c\rB=2\n", 1, 7, "carriage return"},
		{"A=\"x\" # c\rB=2\n", 1, 10, "carriage return"},
		{"# ok\r\n# c\r", 2, 4, "carriage return"},
		{"A=${B:?err}\n", 1, 3, "unsupported expansion \"${B:?err}\""},
		{"A=x${}\n", 1, 4, "unsupported expansion"},
		{"A=\"\nline ${B\"\n", 2, 6, "unsupported expansion"},
		{"A=${B:-x\n", 1, 9, "'}' expected"},
		{"'' = 1\n", 1, 1, "empty or not closed"},
	})
	// with expansion off, ${...} of any form is text
	if d, err := DecodeRaw([]byte("A=${B:?err}${}\n")); err != nil {
		t.Errorf("DecodeRaw: %v", err)
	} else if v, _ := d.Root.Get("A"); v != "${B:?err}${}" {
		t.Errorf("DecodeRaw: A = %q", v)
	}
}

// The value of a name that names a secret is never quoted in an error
// (a password may hold "${"): the position and the problem are.
func TestDecodeErrorsNeverQuoteASecret(t *testing.T) {
	const secret = "Hunter2Secret"
	codectest.ErrorsHiding(t, Decode, []codectest.ErrorCase{
		{"PASSWORD=ab${Hunter2Secret\n", 1, 12, "unsupported expansion (a secret's value, not shown)"},
		{"PASSWORD=${NOPE:?Hunter2Secret}\n", 1, 10, "unsupported expansion (a secret's value, not shown)"},
		{"A=1\nexport DB_PASSWORD=\"${Hunter2Secret\"\n", 2, 21, "unsupported expansion (a secret's value, not shown)"},
		{"API_TOKEN=${X:-${Hunter2Secret:?x}}\n", 1, 16, "unsupported expansion (a secret's value, not shown)"},
		{"PASSWORD='x'Hunter2Secret\n", 1, 13, "unexpected text after the closing quote"},
		{"PASSWORD Hunter2Secret\n", 1, 10, "unexpected text after the name PASSWORD"},
	}, secret, "'H'")
	// Not a secret: the value helps find the mistake.
	if _, err := Decode([]byte("HOST=${NOPE:?Hunter2Secret}\n")); err == nil || !strings.Contains(err.Error(), secret) {
		t.Errorf("HOST: %v, want the value quoted", err)
	}
}

func TestEncode(t *testing.T) {
	m := value.NewMap(0)
	m.Set("A", "plain/value:1")
	m.Set("B", "needs quoting \"q\" \\ \n\t#")
	m.Set("C", "")
	m.Set("D", int64(42))
	m.Set("E", 1.5)
	m.Set("F", true)
	m.Set("G", nil)
	m.Set("H", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))
	m.Set("I", " lead")
	m.Set("1J", "${NOT} 'expanded' \\")
	m.Set("K", "$ and CR\r")
	b, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	want := "A=plain/value:1\nB=\"needs quoting \\\"q\\\" \\\\ \\n\\t#\"\nC=\nD=42\nE=1.5\nF=true\nG\nH=2024-01-02T03:04:05Z\nI=\" lead\"\n" +
		"1J='${NOT} \\'expanded\\' \\\\'\nK=\"\\$ and CR\\r\"\n"
	if string(b) != want {
		t.Errorf("Encode = %q\nwant     %q", b, want)
	}
	for _, dec := range []func([]byte) (*value.Doc, error){Decode, DecodeRaw} {
		d, err := dec(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"B", "G", "1J", "K"} {
			got, _ := d.Root.Get(k)
			w, _ := m.Get(k)
			if got != w {
				t.Errorf("%s read back as %#v, want %#v", k, got, w)
			}
		}
	}
	for _, c := range []struct {
		k    string
		v    any
		path string
	}{
		{"nested", value.NewMap(0), "nested"},
		{"list", []any{"a"}, "list"},
		{"bad\x01key", "x", "bad\x01key"},
		{"'", "x", `'`},
		{"'q x", "x", `'q x`},
		{"", "x", `""`},
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

// dotenvAgrees are read the same by python-dotenv (dotenv_values) and here.
var dotenvAgrees = []string{
	"A=1\nB=${A}x\nC=\"${A}\"\nE=$A\n",
	"A=\nD=${NOPE:-z}\nE=${NOPE}\n",
	"A='it\\'s'\nB='a\\\\b'\nC='a\\nb'\n",
	"NAME\n1ABC=2\nK.x-y=1\nexport E=3\nF=#x\nH=a #c\nI=a#c\n",
	"G= #x\n", // python-dotenv before 1.2.4 reads "#x"
	"A=\"a\\tb\\ac\\'d\\\"e\\\\f\\qg\"\n",
	"A=x \"q\" y\n",
	"é=1\n",
	"B=${A}\nA=1\n",
	"'quoted key'=v\n",
	"A=${B:-x}}\n",
	"A=1\n  B=2\n\tC = 3 \n",
	"A=\"multi\nline ${X:-d}\"\nB='multi\nline'\n",
	"A=${GOCFG_TEST_ENV}\nB=${GOCFG_TEST_ENV:-no}\n",
	"GOCFG_TEST_ENV=file\nB=${GOCFG_TEST_ENV}\n",
	"export A='x' # c\nB=\"y\"   # c\n",
	"A=a\\nb\nB=c\\\\d\n",
	"A=\"CRLF\r\nline\"\r\nB=2\r\n",
	"# only\n\n\n",
	"A=\"\"\nB=''\nC=\n",
	"A=ünï ${GOCFG_TEST_ENV} çødé\n",
	// a web framework's .env.example and a docker compose .env, written
	// for this test from what such files hold
	"# Application\nAPP_NAME=\"My App\"\nAPP_ENV=local\nAPP_KEY=base64:q1+/w==\nAPP_DEBUG=true\n\n" +
		"DB_HOST=127.0.0.1 # the host\nDB_PASSWORD=\nDATABASE_URL=postgres://user:pw@${DB_HOST}:5432/app?sslmode=disable\n" +
		"MAIL_FROM_ADDRESS=\"hello@example.com\"\nMAIL_FROM_NAME=\"${APP_NAME}\"\n" +
		"COMPOSE_PROJECT_NAME=myapp\nTAG=${TAG:-latest}\nJSON_CONFIG='{\"a\": [1, 2]}'\nexport EXTRA_PATH=/usr/local/bin\r\n",
	// Unicode blanks (no-break space, ideographic space, \f, \v, \x1c,
	// NEL) are blanks, trimmed around names and unquoted values
	"A=\u00a0v\u00a0\nB=x\u00a0#c\n\u00a0C\u3000=\f1\v\x1c\nexport\u00a0D=\"q\"\u00a0#c\nE\u00a0\nF=\u00a0#c\nG=w\u0085\n",
}

// dotenvDiffers are read differently on purpose; gocfg's reading is
// given, and python-dotenv's must differ from it (so the list stays true).
var dotenvDiffers = []struct {
	in   string
	want map[string]any
	why  string
}{
	{"A=1\nD='${A}'\n", map[string]any{"A": "1", "D": "${A}"}, "single quotes never expand (docker compose)"},
	{"A=\nB=${A:-d}\n", map[string]any{"A": "", "B": "d"}, ":- also replaces an empty value (docker compose, POSIX)"},
	{"A=1\nB=${A-d}\nC=${N-d}\n", map[string]any{"A": "1", "B": "1", "C": "d"}, "${A-d} is a default for an unset name (docker compose)"},
	{"A=\"x\\$y\"\n", map[string]any{"A": "x$y"}, "\\$ is an escape in double quotes"},
	{"A=${B:-${C:-n}}\n", map[string]any{"A": "n"}, "defaults may nest (docker compose)"},
}

func python(t *testing.T) string {
	t.Helper()
	py := os.Getenv("GOCFG_TEST_PYTHON")
	if py == "" {
		var err error
		if py, err = exec.LookPath("python3"); err != nil {
			t.Skip("python3 not found")
		}
	}
	out, err := exec.Command(py, "-c", "import dotenv, importlib.metadata as m; print(m.version('python-dotenv'))").Output()
	if err != nil {
		t.Skipf("python-dotenv is not importable by %s (set GOCFG_TEST_PYTHON)", py)
	}
	// the lists below were checked against 1.2.4; older releases differ
	var v [3]int
	for i, f := range strings.SplitN(strings.TrimSpace(string(out)), ".", 3) {
		v[i], _ = strconv.Atoi(f)
	}
	if v[0] < 1 || v[0] == 1 && (v[1] < 2 || v[1] == 2 && v[2] < 4) {
		t.Skipf("python-dotenv %s is older than 1.2.4 (set GOCFG_TEST_PYTHON to a newer one)", strings.TrimSpace(string(out)))
	}
	return py
}

func dotenvRead(t *testing.T, py string, docs []string) []any {
	t.Helper()
	dir := t.TempDir()
	args := []string{filepath.Join("testdata", "dotenv_dump.py")}
	for i, d := range docs {
		p := filepath.Join(dir, codectest.Itoa(i)+".env")
		if err := os.WriteFile(p, []byte(d), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	out, err := exec.Command(py, args...).Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(docs) {
		t.Fatalf("python gave %d results for %d files", len(lines), len(docs))
	}
	res := make([]any, len(lines))
	for i, l := range lines {
		if err := json.Unmarshal([]byte(l), &res[i]); err != nil {
			t.Fatal(err)
		}
	}
	return res
}

var testEnviron = []string{"GOCFG_TEST_ENV=from-env"}

func TestMatchesPythonDotenv(t *testing.T) {
	py := python(t)
	var docs []string
	docs = append(docs, dotenvAgrees...)
	for _, d := range dotenvDiffers {
		docs = append(docs, d.in)
	}
	got := dotenvRead(t, py, docs)
	for i, in := range dotenvAgrees {
		d, err := DecodeEnviron([]byte(in), testEnviron)
		if err != nil {
			t.Errorf("%q: %v (python-dotenv: %v)", in, err, got[i])
			continue
		}
		if mine := codectest.Plain(d.Root); !reflect.DeepEqual(mine, got[i]) {
			t.Errorf("%q:\ngocfg         %#v\npython-dotenv %#v", in, mine, got[i])
		}
	}
	for j, c := range dotenvDiffers {
		d, err := DecodeEnviron([]byte(c.in), testEnviron)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		mine := codectest.Plain(d.Root)
		if !reflect.DeepEqual(mine, c.want) {
			t.Errorf("%q: gocfg %#v, want %#v (%s)", c.in, mine, c.want, c.why)
		}
		if theirs := got[len(dotenvAgrees)+j]; reflect.DeepEqual(theirs, c.want) {
			t.Errorf("%q: python-dotenv now agrees (%#v): move it to dotenvAgrees and the README", c.in, theirs)
		}
	}
	// lines python-dotenv skips with a warning are errors here
	for _, in := range []string{"A b=2\n", "A='x' y\n", "A=\"open\n"} {
		if r := dotenvRead(t, py, []string{in})[0].(map[string]any); r["error"] == nil {
			t.Errorf("%q: python-dotenv reads %v", in, r)
		}
		if _, err := Decode([]byte(in)); err == nil {
			t.Errorf("%q: accepted", in)
		}
	}
}

var envKinds = codectest.Kinds{OnlyStrings: true, FlatSections: true, NonEmptyKeys: true, KeyRunes: []rune("abcXYZ_019.-é'$ {}\u00a0\u3000"),
	ValueRunes: []rune("abc xyz019_-. :=#;[]{}\"'\\/\t\n\r é日本😀$`~!@%^&*(),<>?|+\x01\x7f\u00a0\v\f\u3000\u0085\x1c")}

func TestRoundTripRandom(t *testing.T) {
	codectest.RoundTripRandom(t, envCodec, 4, 3000, func(r *rand.Rand) *value.Map {
		tree := value.NewMap(0)
		envKinds.Tree(r).Range(func(k string, v any) bool {
			if s, ok := v.(string); ok && ValidName(k) {
				tree.Set(k, s)
			}
			return true
		})
		return tree
	})
}

func fuzzSeeds(f *testing.F) {
	// No suite exists for this format; toml-test's documents are made of
	// the same kind of lines (key = value, [sections], comments, quotes).
	codectest.SeedSuite(f, "toml-test/tests/valid/*/*.toml", 30)
	codectest.SeedStrings(f, sample, "export A=1\nB='x'\nC=\"y\\n\"\n")
	codectest.SeedStrings(f, dotenvAgrees...)
	for _, d := range dotenvDiffers {
		f.Add([]byte(d.in))
	}
}

var decoders = []codectest.DecodeFunc{
	Decode, DecodeRaw,
	func(b []byte) (*value.Doc, error) { return DecodeEnviron(b, testEnviron) },
}

var envCodec = codectest.Codec{Decode: Decode, Encode: Encode}

func FuzzDecode(f *testing.F) {
	fuzzSeeds(f)
	codectest.FuzzDecode(f, func(t *testing.T, _ []byte, d *value.Doc) {
		d.Root.Range(func(k string, v any) bool {
			if !ValidName(k) {
				t.Fatalf("invalid name %q accepted", k)
			}
			return true
		})
	}, decoders...)
}

// FuzzRoundTrip: what any decoder reads, Encode writes so that the same
// decoder reads it back unchanged (written values never expand).
func FuzzRoundTrip(f *testing.F) {
	fuzzSeeds(f)
	var codecs []codectest.Codec
	for _, dec := range decoders {
		codecs = append(codecs, codectest.Codec{Decode: dec, Encode: Encode})
	}
	codectest.FuzzRoundTrip(f, codecs...)
}

// TestUnicodeBlanks: python-dotenv's blanks are Python's white space
// other than line breaks, so a no-break space pasted after a value is not
// part of it (it was kept here, silently giving "v\u00a0").
func TestUnicodeBlanks(t *testing.T) {
	d, err := Decode([]byte("A=\u00a0v\u00a0\n\u3000B\u00a0=\fw\v\x1c # c\nexport\u00a0C='q'\u00a0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := codectest.Plain(d.Root), map[string]any{"A": "v", "B": "w", "C": "q"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}

// TestEnvironNotUTF8: a variable of the environment whose value is not
// UTF-8 was taken for unset when a line expanded it, so its default stood
// in for what was set. It is an error naming it (not its value) now; one
// that no line expands is no error.
func TestEnvironNotUTF8(t *testing.T) {
	environ := []string{"BAD=s3cr\xffet", "GOOD=g"}
	for _, src := range []string{"A=${BAD:-dflt}\n", "A=\"x${BAD}\"\n", "A=${BAD-d}\n"} {
		_, err := DecodeEnviron([]byte(src), environ)
		var loc *errs.Located
		if !errors.As(err, &loc) || loc.Line != 1 || !strings.Contains(loc.Msg, "environment variable BAD is set, but its value is not valid UTF-8 text") {
			t.Errorf("DecodeEnviron(%q) = %v", src, err)
		}
		if err != nil && strings.Contains(err.Error(), "s3cr") {
			t.Errorf("the value shows: %v", err)
		}
	}
	doc, err := DecodeEnviron([]byte("A=${GOOD}\nB=${BAD_NOT:-d}\n"), environ)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := doc.Root.Get("A"); a != "g" {
		t.Errorf("A = %v", a)
	}
}
