package yamlfmt

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func bigInt(t *testing.T, s string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 0)
	if !ok {
		t.Fatalf("bad test number %s", s)
	}
	return n
}

func TestBigIntegers(t *testing.T) {
	d, err := Decode([]byte("a: 99999999999999999999\nb: -99999999999999999999\nc: 0o1777777777777777777777\nd: !!float 99999999999999999999\ne: 9223372036854775807\nf: [18446744073709551616]\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"a": bigInt(t, "99999999999999999999"), "b": bigInt(t, "-99999999999999999999"),
		"c": bigInt(t, "0o1777777777777777777777"), "d": 1e20, "e": int64(math.MaxInt64),
		"f": []any{bigInt(t, "18446744073709551616")},
	}
	for k, w := range want {
		if got, _ := d.Root.Get(k); !value.Equal(got, w) {
			t.Errorf("%s = %#v, want %v", k, got, w)
		}
	}
	out, err := Encode(d.Root)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "a: 99999999999999999999\n") {
		t.Errorf("Encode = %s", out)
	}
	back, err := Decode(out)
	if err != nil || !value.Equal(back.Root, d.Root) {
		t.Errorf("round trip: %v\n%s", err, out)
	}
}

func TestNULInStrings(t *testing.T) {
	d, err := Decode([]byte("s: \"a\\0b\"\nl: [\"\\x00\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := d.Root.Get("s"); s != "a\x00b" {
		t.Fatalf("s = %q", s)
	}
	out, err := Encode(d.Root)
	if err != nil {
		t.Fatal(err)
	}
	if strings.IndexByte(string(out), 0) >= 0 {
		t.Errorf("Encode wrote a raw NUL: %q", out)
	}
	back, err := Decode(out)
	if err != nil || !value.Equal(back.Root, d.Root) {
		t.Errorf("round trip: %v\n%q", err, out)
	}
	// Keys may hold NUL too: read, and written back escaped.
	codectest.NULKey(t, yamlCodec, "\"a\\0\": 1\n")
}

// yaml11Cases: plain scalars and what YAML 1.1 makes of them. "" means the
// scalar stays the same string.
var yaml11Cases = []struct {
	in   string
	want any
}{
	{"yes", true}, {"Yes", true}, {"YES", true}, {"no", false}, {"No", false}, {"NO", false},
	{"on", true}, {"On", true}, {"ON", true}, {"off", false}, {"Off", false}, {"OFF", false},
	{"y", true}, {"Y", true}, {"n", false}, {"N", false},
	{"true", true}, {"False", false}, {"yES", ""}, {"oN", ""}, {"nO", ""},
	{"0755", int64(493)}, {"0o755", int64(493)}, {"-0755", int64(-493)}, {"0", int64(0)}, {"-0", int64(0)},
	{"00", int64(0)}, {"08", ""}, {"0_7", int64(7)}, {"0b1010", int64(10)}, {"-0b11", int64(-3)},
	{"0x1F", int64(31)}, {"0x_1F", int64(31)}, {"+0x10", int64(16)}, {"1_000", int64(1000)}, {"+1", int64(1)},
	{"1:20", int64(80)}, {"-1:20", int64(-80)}, {"190:20:30", int64(685230)}, {"1:60", ""}, {"1:5", int64(65)},
	{"1:20.5", 80.5}, {"1.5", 1.5}, {"1.", 1.0}, {".5", 0.5}, {"1e3", ""}, {"1.0e3", ""}, {"1.0e+3", 1000.0},
	{"+.inf", math.Inf(1)}, {"-.Inf", math.Inf(-1)}, {".NaN", math.NaN()}, {"1.2.3", ""},
	{"~", nil}, {"null", nil}, {"", nil}, {"nULL", ""},
	{"99999999999999999999", "big"}, {"-0x8000000000000001", "big"},
	{"2001-12-14", value.LocalDate{Year: 2001, Month: 12, Day: 14}}, {"2001-13-45", ""},
	{"12:30", int64(750)}, {"_1", ""}, {"=", ""},
}

func TestYAML11(t *testing.T) {
	for _, c := range yaml11Cases {
		src := "v: " + c.in + "\n"
		d, err := DecodeYAML11([]byte(src))
		if err != nil {
			t.Errorf("DecodeYAML11(%q): %v", src, err)
			continue
		}
		got, _ := d.Root.Get("v")
		want := c.want
		switch want {
		case "":
			want = c.in
		case "big":
			want = bigInt(t, c.in)
		}
		if !value.Equal(got, want) {
			t.Errorf("YAML 1.1 %q = %#v, want %#v", c.in, got, want)
		}
		// The default stays YAML 1.2: only what the core schema resolves
		// the same way may come out equal.
		d12, err := Decode([]byte(src))
		if err != nil {
			t.Errorf("Decode(%q): %v", src, err)
		} else if v12, _ := d12.Root.Get("v"); (c.in == "yes" || c.in == "0755" || c.in == "1:20") && value.Equal(v12, got) {
			t.Errorf("YAML 1.2 read %q as %v", c.in, v12)
		}
	}
	// Keys keep their text; quoted scalars stay strings; tags still rule.
	d, err := DecodeYAML11([]byte("on:\n  push: {branches: [main]}\nmode: '0755'\nperm: 0644\nflag: !!str yes\nb: !!bool off\n"))
	if err != nil {
		t.Fatal(err)
	}
	if on, ok := d.Root.Get("on"); !ok || on == nil {
		t.Errorf("the key on: was lost: %v", d.Root.Keys())
	}
	for k, w := range map[string]any{"mode": "0755", "perm": int64(420), "flag": "yes", "b": false} {
		if got, _ := d.Root.Get(k); !value.Equal(got, w) {
			t.Errorf("%s = %#v, want %#v", k, got, w)
		}
	}
	for _, bad := range []string{"v: !!bool maybe\n", "v: !!int 0789\n", "v: 1" + strings.Repeat("0", 4400) + "\n", "v: [\n"} {
		if _, err := DecodeYAML11([]byte(bad)); !errors.Is(err, errs.ErrParse) {
			t.Errorf("DecodeYAML11(%.20q) = %v, want a parse error", bad, err)
		}
	}
	docs, err := DecodeAllYAML11([]byte("- yes\n---\nx: 010\n"))
	if err != nil || len(docs) != 2 || !value.Equal(docs[0].Root, []any{true}) {
		t.Fatalf("DecodeAllYAML11: %v %v", docs, err)
	}
	if x, _ := docs[1].Root.(*value.Map).Get("x"); x != int64(8) {
		t.Errorf("x = %v", x)
	}
}

// TestYAML11AgainstPyYAML reads the same scalars with PyYAML (when it is
// installed), the parser Ansible uses: every case agrees except the ones
// where gocfg follows the YAML 1.1 spec and go-yaml v2 instead.
func TestYAML11AgainstPyYAML(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	var ins []string
	for _, c := range yaml11Cases {
		ins = append(ins, c.in)
	}
	arg, _ := json.Marshal(ins)
	script := `import json, sys, math, datetime
try:
    import yaml
except ImportError:
    print("SKIP"); sys.exit(0)
out = []
for s in json.loads(sys.argv[1]):
    try:
        v = yaml.safe_load("v: " + s + "\n")["v"]
    except Exception:
        out.append("error"); continue
    if isinstance(v, float) and (math.isinf(v) or math.isnan(v)):
        v = repr(v)
    elif isinstance(v, datetime.date):
        v = "date:" + v.isoformat()
    elif isinstance(v, int) and not isinstance(v, bool):
        v = "int:" + str(v)
    out.append(v)
print(json.dumps(out))`
	raw, err := exec.Command(py, "-c", script, string(arg)).CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, raw)
	}
	if strings.TrimSpace(string(raw)) == "SKIP" {
		t.Skip("PyYAML not installed")
	}
	var theirs []any
	if err := json.Unmarshal(raw, &theirs); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	// Where gocfg follows the spec (and go-yaml v2) rather than PyYAML.
	// PyYAML fails on a date-shaped scalar that is no date; gocfg keeps
	// the string.
	differ := map[string]bool{"y": true, "Y": true, "n": true, "N": true, "0o755": true, "2001-13-45": true, "=": true}
	for i, c := range yaml11Cases {
		d, err := DecodeYAML11([]byte("v: " + c.in + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := d.Root.Get("v")
		var ours any
		switch g := got.(type) {
		case int64:
			ours = "int:" + big.NewInt(g).String()
		case *big.Int:
			ours = "int:" + g.String()
		case float64:
			switch {
			case math.IsInf(g, 1):
				ours = "inf"
			case math.IsInf(g, -1):
				ours = "-inf"
			case math.IsNaN(g):
				ours = "nan"
			default:
				ours = g
			}
		case value.LocalDate:
			ours = "date:" + g.String()
		default:
			ours = g
		}
		same := ours == theirs[i]
		if same == differ[c.in] {
			t.Errorf("%q: gocfg %#v, PyYAML %#v (expected to differ: %v)", c.in, ours, theirs[i], differ[c.in])
		}
	}
}

func TestDecodeAll(t *testing.T) {
	src := "# a Kubernetes manifest\napiVersion: v1\nkind: Service\n---\napiVersion: apps/v1\nkind: Deployment\nspec: {replicas: 3}\n---\n---\n- hosts: all\n  become: yes\n--- just text\n...\n"
	docs, err := DecodeAll([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 5 {
		t.Fatalf("%d documents", len(docs))
	}
	if m, ok := docs[1].Root.(*value.Map); !ok || m.Len() != 3 {
		t.Errorf("doc 1 = %#v", docs[1].Root)
	}
	if docs[1].Positions["spec.replicas"] != (value.Pos{Line: 7, Column: 8}) || docs[0].Positions["kind"] != (value.Pos{Line: 3, Column: 1}) {
		t.Errorf("positions %v %v", docs[0].Positions, docs[1].Positions)
	}
	if docs[2].Root != nil {
		t.Errorf("empty document = %#v", docs[2].Root)
	}
	l, ok := docs[3].Root.([]any)
	if !ok || len(l) != 1 || docs[3].Positions["0.become"] != (value.Pos{Line: 11, Column: 3}) {
		t.Errorf("doc 3 = %#v %v", docs[3].Root, docs[3].Positions)
	}
	if become, _ := l[0].(*value.Map).Get("become"); become != "yes" {
		t.Errorf("YAML 1.2 by default: become = %#v", become)
	}
	if docs[4].Root != "just text" {
		t.Errorf("doc 4 = %#v", docs[4].Root)
	}
	if docs, err := DecodeAll(nil); err != nil || len(docs) != 0 {
		t.Errorf("empty stream: %v %v", docs, err)
	}
	// Decode keeps refusing a stream, now pointing to load_all.
	if _, err := Decode([]byte(src)); !errors.Is(err, errs.ErrParse) || !strings.Contains(err.Error(), "load_all") {
		t.Errorf("Decode of a stream: %v", err)
	}
	// An error in a later document is located in the stream.
	for _, c := range []struct {
		in        string
		line, col int
	}{
		{"a: 1\n---\nb: [\n", 4, 1},
		{"a: 1\n---\nb: 1\nb: 2\n", 4, 1},
		{"- 1\n--- \"\xff\"\n", 2, 6},
	} {
		_, err := DecodeAll([]byte(c.in))
		var loc *errs.Located
		if !errors.As(err, &loc) || !errors.Is(err, errs.ErrParse) || loc.Line != c.line || loc.Column != c.col {
			t.Errorf("DecodeAll(%q) = %v, want a parse error at %d:%d", c.in, err, c.line, c.col)
		}
	}
	// The alias budget is the stream's, not each document's.
	var b strings.Builder
	for i := 0; i < 11; i++ { // 11 documents of 100,000 values each
		b.WriteString("---\na: &a [" + strings.Repeat("x,", 999) + "x]\nb: [" + strings.Repeat("*a,", 99) + "*a]\n")
	}
	if _, err := DecodeAll([]byte(b.String())); !errors.Is(err, errs.ErrParse) || !strings.Contains(err.Error(), "alias") {
		t.Errorf("alias budget over a stream: %v", err)
	}
}

// TestYAMLTestSuiteAll runs every yaml-test-suite case with in.json through
// DecodeAll: streams and non-mapping roots included, nothing is out of
// scope. Error cases must be refused.
func TestYAMLTestSuiteAll(t *testing.T) {
	cases := yamlCases(t)
	known := map[string]string{
		"8XYN": "library: a non-ASCII anchor name (&\U0001F601) is refused by the scanner",
		"W4TN": "library: a document end marker (...) does not end a top-level block scalar",
	}
	for id, why := range knownDeviations {
		known[id] = why
	}
	var n, ok, errN, errOK int
	for _, c := range cases {
		docs, derr := DecodeAll(c.in)
		var why string
		switch {
		case c.isError:
			errN++
			if derr != nil {
				errOK++
				continue
			}
			why = "invalid YAML accepted"
		case c.json:
			n++
			if derr == nil && len(docs) == len(c.want) {
				same := true
				for i := range c.want {
					same = same && sameAsJSON(c.want[i], docs[i].Root)
				}
				if same {
					ok++
					continue
				}
			}
			if derr != nil {
				why = derr.Error()
			} else {
				why = "decoded to a different value"
			}
		default:
			continue
		}
		reportCase(t, known, c.id, why)
	}
	t.Logf("yaml-test-suite through DecodeAll: in.json cases %d/%d, error cases refused %d/%d", ok, n, errOK, errN)
}

// TestYAML11Piecewise: a document large enough for the piecewise path
// reads by YAML 1.1's types there too, exactly as the whole-document path.
func TestYAML11Piecewise(t *testing.T) {
	old := chunkMin
	chunkMin = 0
	defer func() { chunkMin = old }()
	var b strings.Builder
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, "k%d:\n  flag: yes\n  mode: 0755\n  t: 1:20\n  big: 99999999999999999999\n  list:\n  - on\n  - 'off'\n", i)
	}
	piece, err := DecodeYAML11([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	whole, err := DecodeAllYAML11([]byte(b.String()))
	if err != nil || len(whole) != 1 || !value.Equal(piece.Root, whole[0].Root) {
		t.Fatalf("piecewise and whole differ: %v", err)
	}
	k, _ := piece.Root.Get("k199")
	for key, want := range map[string]any{"flag": true, "mode": int64(493), "t": int64(80), "list": []any{true, "off"}} {
		if got, _ := k.(*value.Map).Get(key); !value.Equal(got, want) {
			t.Errorf("%s = %#v, want %#v", key, got, want)
		}
	}
}

func TestDecodeAllHostile(t *testing.T) {
	docs, err := DecodeAll([]byte(strings.Repeat("---\n", 200000)))
	if err != nil || len(docs) != 200000 || docs[0].Root != nil || docs[0].Positions != nil {
		t.Fatalf("empty documents: %d, %v", len(docs), err)
	}
	if _, err := DecodeAll([]byte("- " + strings.Repeat("[", 100000))); !errors.Is(err, errs.ErrParse) {
		t.Errorf("deep list root: %v", err)
	}
	if _, err := DecodeAll([]byte("a: 1\n---\n\"\x00\"\n")); !errors.Is(err, errs.ErrParse) {
		t.Errorf("NUL character in a later document: %v", err)
	}
}

// TestApplicationTagsAreRefused: a tag gocfg cannot evaluate used to be
// dropped, the text under it kept (CloudFormation's !Ref Foo read as
// "Foo"); it is refused naming the tag, the key path and the line, with a
// word on whose tag it is. Real shapes: CloudFormation, Home Assistant,
// Ansible Vault, GitLab CI, mkdocs (PyYAML's python tags), %TAG'd tags.
func TestApplicationTagsAreRefused(t *testing.T) {
	for _, c := range []struct {
		src, tag, where string
		line, col       int
		hint            string
	}{
		{"a: !Ref Foo\n", "!Ref", "key a", 1, 4, "CloudFormation template"},
		{"Resources:\n  Bucket:\n    Arn: !GetAtt [X, Arn]\n", "!GetAtt", "key Resources.Bucket.Arn", 3, 10, "intrinsic functions are not evaluated"},
		{"c: !Sub 'x-${AWS::Region}'\n", "!Sub", "key c", 1, 4, "CloudFormation"},
		{"If:\n  - !Equals [a, b]\n", "!Equals", "key If.0", 2, 5, "CloudFormation"},
		{"automation: !include automations.yaml\n", "!include", "key automation", 1, 13, "Home Assistant"},
		{"api_password: !secret http_password\n", "!secret", "key api_password", 1, 15, "secrets.yaml"},
		{"x: !env_var HOME\n", "!env_var", "key x", 1, 4, "Home Assistant"},
		{"pw: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\n", "!vault", "key pw", 1, 5, "Ansible Vault"},
		{"job:\n  script:\n    - !reference [.setup, script]\n", "!reference", "key job.script.0", 3, 7, "GitLab CI"},
		{"m:\n  - e:\n      idx: !!python/name:material.extensions.emoji.twemoji\n", "!!python/name:material.extensions.emoji.twemoji", "key m.0.e.idx", 3, 12, "PyYAML"},
		{"o: !!python/object:os.system {}\n", "!!python/object:os.system", "key o", 1, 4, "safe_load"},
		{"p: !ENV KEY\n", "!ENV", "key p", 1, 4, "mkdocs"},
		{"services:\n  web:\n    ports: !reset []\n", "!reset", "key services.web.ports", 3, 12, "Docker Compose"},
		{"services:\n  web:\n    ports: !override\n      - 80:80\n", "!override", "key services.web.ports", 3, 12, "Docker Compose"},
		{"k: !custom 12\n", "!custom", "key k", 1, 4, "standard tags"},
		{"%TAG !e! tag:example.com,2000:\n---\na: !e!foo x\n", "tag:example.com,2000:foo", "key a", 3, 4, "standard tags"},
		// %TAG may point !! elsewhere: then !!int is not YAML's int
		{"%TAG !! tag:example.com,2000:\n---\na: !!int 1\n", "tag:example.com,2000:int", "key a", 3, 4, "standard tags"},
		{"a: !<tag:example.com:x> 1\n", "tag:example.com:x", "key a", 1, 4, "standard tags"},
		{"!Thing {a: 1}\n", "!Thing", "the document's root", 1, 1, "standard tags"},
		{"!Ref k: v\n", "!Ref", "the document's root", 1, 1, "CloudFormation"},
		{"a:\n  !Ref k: v\n", "!Ref", "key a", 2, 3, "CloudFormation"},
		// through an alias, and under a merge key
		{"b: &x !Ref Foo\nc: *x\n", "!Ref", "key b", 1, 4, "CloudFormation"},
		{"base: &b {k: !Ref Foo}\nd:\n  <<: *b\n", "!Ref", "key base.k", 1, 14, "CloudFormation"},
	} {
		for name, decode := range map[string]func([]byte) error{
			"Decode":       func(b []byte) error { _, err := Decode(b); return err },
			"DecodeLean":   func(b []byte) error { _, err := DecodeLean(b); return err },
			"DecodeYAML11": func(b []byte) error { _, err := DecodeYAML11(b); return err },
			"DecodeAll":    func(b []byte) error { _, err := DecodeAll(b); return err },
		} {
			err := decode([]byte(c.src))
			var le *errs.Located
			if !errors.As(err, &le) || le.Kind != errs.ErrParse {
				t.Errorf("%s(%q) = %v, want a parse error", name, c.src, err)
				continue
			}
			want := c.where + ": the YAML tag " + c.tag + " is not one gocfg reads"
			if le.Line != c.line || le.Column != c.col || !strings.HasPrefix(le.Msg, want) || !strings.Contains(le.Msg, c.hint) {
				t.Errorf("%s(%q) = %d:%d %s, want %d:%d %q ... %q", name, c.src, le.Line, le.Column, le.Msg, c.line, c.col, want, c.hint)
			}
		}
	}
}

// TestStandardTags: YAML's own tags keep their meaning, written short,
// verbatim or through a %TAG of the standard prefix; the non-specific !
// makes a string; a standard tag on the wrong kind of node, or !!binary
// text that is no base64, is refused.
func TestStandardTags(t *testing.T) {
	src := "%TAG !y! tag:yaml.org,2002:\n---\n" +
		"s: !!str 12\nv: !<tag:yaml.org,2002:str> 13\nw: !y!int '14'\nn: ! 12\nq: ! true\nf: !!float 1\nb: !!bool 'false'\nz: !!null ''\n" +
		"bin: !!binary |\n  aGVs\n  bG8=\nset: !!set {x, y}\nomap: !!omap [x: 1, y: 2]\nm: !!map {k: !!seq [1]}\nt: !!timestamp 2001-12-14\n! 7: seven\n"
	d, err := Decode([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"s": "12", "v": "13", "w": int64(14), "n": "12", "q": "true", "f": 1.0, "b": false, "z": nil,
		"bin": "aGVs\nbG8=\n", "set": map[string]any{"x": nil, "y": nil},
		"omap": []any{map[string]any{"x": int64(1)}, map[string]any{"y": int64(2)}},
		"m":    map[string]any{"k": []any{int64(1)}}, "t": value.LocalDate{Year: 2001, Month: 12, Day: 14}, "7": "seven",
	}
	if got := plainTree(d.Root); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
	for src, msg := range map[string]string{
		"a: !!map x\n":             "key a: the YAML tag !!map is for a mapping, not a scalar",
		"a: !!str {k: 1}\n":        "key a: the YAML tag !!str is for a scalar, not a mapping",
		"a: !!int [1]\n":           "key a: the YAML tag !!int is for a scalar, not a sequence",
		"a: !!seq {k: 1}\n":        "key a: the YAML tag !!seq is for a sequence, not a mapping",
		"a: !!binary not*base64\n": "key a: a !!binary value that is not base64",
	} {
		if _, err := Decode([]byte(src)); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("Decode(%q) = %v, want %q", src, err, msg)
		}
	}
}

// plainTree turns maps into Go maps, for comparing trees with ==.
func plainTree(v any) any {
	switch x := v.(type) {
	case *value.Map:
		out := map[string]any{}
		x.Range(func(k string, e any) bool { out[k] = plainTree(e); return true })
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainTree(e)
		}
		return out
	}
	return v
}

// TestSurrogateEscapeIsExplained: JSON encoders (Python's json.dumps by
// default) escape a character beyond U+FFFF as a UTF-16 surrogate pair,
// which YAML's \u does not take (the library refuses it, as libyaml
// does); JSON text read as YAML met "found invalid Unicode character
// escape code" with nothing to say what or how to write it. The error
// now stands at the escape's backslash and names the pair, the character
// and YAML's escape for it.
func TestSurrogateEscapeIsExplained(t *testing.T) {
	for _, c := range []struct {
		src       string
		line, col int
		want      []string
	}{
		{"{\"title\": \"Launch \\ud83d\\ude80\"}\n", 1, 19, []string{`\ud83d\ude80 is a UTF-16 surrogate pair`, "\U0001F680 (U+1F680)", `\U0001F680`, "format json"}},
		{"\ufeffa: 1\nb: \"x\n  \\uD83D\\uDE00\"\r\n", 3, 3, []string{"while scanning a quoted scalar at line 2, column 4", `\uD83D\uDE00 is a UTF-16 surrogate pair`, `\U0001F600`}},
		{"a: [\"é\", \"\\ud800 x\"]\n", 1, 11, []string{`\ud800 is a lone UTF-16 surrogate`}},
		{"a: \"\\udc00\\ud800\"\n", 1, 5, []string{`\udc00 is a lone UTF-16 surrogate`}},
		// an escape beyond Unicode is not a surrogate: the library's words alone
		{"a: \"\\U00110000\"\n", 1, 7, []string{"found invalid Unicode character escape code"}},
	} {
		_, err := Decode([]byte(c.src))
		var le *errs.Located
		if !errors.As(err, &le) || le.Line != c.line || le.Column != c.col {
			t.Errorf("%q: %v, want an error at %d:%d", c.src, err, c.line, c.col)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(le.Msg, w) {
				t.Errorf("%q: %q lacks %q", c.src, le.Msg, w)
			}
		}
		if strings.Contains(c.src, "U0011") && strings.Contains(le.Msg, "surrogate") {
			t.Errorf("%q: %q", c.src, le.Msg)
		}
	}
	// Under a secret's key neither the escape nor its character is shown.
	for _, src := range []string{"db:\n  password: \"p\\ud83d\\ude00w\"\n", "{\"api_token\": \"t\\udc00\"}\n"} {
		_, err := Decode([]byte(src))
		if err == nil || !strings.Contains(err.Error(), "(in a secret's value, not shown)") ||
			strings.Contains(strings.ToLower(err.Error()), "ud83d") || strings.Contains(err.Error(), "\U0001F600") ||
			strings.Contains(err.Error(), `\U0001F600`) || strings.Contains(strings.ToLower(err.Error()), "udc00") {
			t.Errorf("%q: %v", src, err)
		}
	}
}

// TestERBIsRefused: a Rails or GitLab file holding ERB (<%= ... %>) is a
// template; a value that is a tag loaded as its text, and control lines
// gave a YAML error elsewhere that hid the cause. Both name ERB at the
// tag's line; a quoted value with text around a tag stays text.
func TestERBIsRefused(t *testing.T) {
	for _, c := range []struct {
		src       string
		line, col int
		where     string
	}{
		{"password: <%= ENV['DB_PW'] %>\n", 1, 11, "key password: "},
		{"url: \"<%= ENV['DATABASE_URL'] %>\"\n", 1, 6, "key url: "},
		{"pool: '<%= ENV.fetch(\"MAX\") { 5 } %>'\n", 1, 7, "key pool: "},
		{"d:\n  host: db-<%= n %>.local\n", 2, 9, "key d.host: "},
		{"hosts:\n  - <%= h %>\n", 2, 5, "key hosts.0: "},
		{"<%= k %>: 1\n", 1, 1, "the document's root: a key of "},
		{"default: &default\n  adapter: pg\n<% if true %>\n  pool: 5\n<% end %>\n", 3, 1, ""},
		{"a: 1\n<%- if x -%>\nb: 2\n<%- end -%>\n", 2, 1, ""},
		{"a: 1\r<%- if x -%>\rb: 2\r<%- end -%>\r", 2, 1, ""},
		{"a: 1\r\nb: 2\r\n<% if x %>\r\nc: 2\r\n<% end %>\r\n", 3, 1, ""},
		// a tag in quotes above an ERB line is text, not the first tag
		{"t: \"Hi <%= n %>\"\n<% if x %>\nb: 2\n<% end %>\n", 2, 1, ""},
		{"script: |\n  <%= cmd %>\n", 1, 9, "key script: "},
	} {
		for name, decode := range map[string]func([]byte) error{
			"Decode":    func(b []byte) error { _, err := Decode(b); return err },
			"DecodeAll": func(b []byte) error { _, err := DecodeAll(b); return err },
		} {
			err := decode([]byte(c.src))
			var le *errs.Located
			if !errors.As(err, &le) || le.Line != c.line || le.Column != c.col || !strings.HasPrefix(le.Msg, c.where+"ERB template syntax") {
				t.Errorf("%s(%q) = %v, want %d:%d %q...ERB", name, c.src, err, c.line, c.col, c.where)
			} else if strings.Contains(le.Msg, "DB_PW") || strings.Contains(le.Msg, "ENV[") {
				t.Errorf("%s(%q): the message quotes the value: %s", name, c.src, le.Msg)
			}
		}
	}
	for src, want := range map[string]string{
		"t: \"Hello <%= name %>\"\n": "Hello <%= name %>",
		"t: '100<%'\n":               "100<%",
		"t: a%>b<%c\n":               "a%>b<%c",
	} {
		d, err := Decode([]byte(src))
		if err != nil {
			t.Errorf("Decode(%q): %v", src, err)
			continue
		}
		if v, _ := d.Root.Get("t"); v != want {
			t.Errorf("Decode(%q) = %#v", src, v)
		}
	}
	// an unrelated error below a quoted one stays the YAML error
	if _, err := Decode([]byte("t: \"<%= x %> and\"\nu: [1\n")); err == nil || strings.Contains(err.Error(), "ERB") {
		t.Errorf("unclosed list under a quoted tag: %v", err)
	}
}

// TestSecretTagIsNotQuoted: "password: !s3cret" writes the secret as a
// tag; the refusal names where, not the tag. A known application's tag
// (Home Assistant's !secret) is no secret and is named.
func TestSecretTagIsNotQuoted(t *testing.T) {
	for src, want := range map[string]string{
		"db:\n  password: !s3cret\n":             "key db.password: a YAML tag (a secret's value, not shown",
		"tokens:\n  - !tok-9f8e7d\n":             "key tokens.0: a YAML tag (a secret's value, not shown",
		"api_key: !<tag:x.com:s3cret> v\n":       "key api_key: a YAML tag (a secret's value, not shown",
		"api_password: !secret http_password\n":  "key api_password: the YAML tag !secret is not one gocfg reads (Home Assistant",
		"password: !vault |\n  $ANSIBLE_VAULT\n": "key password: the YAML tag !vault",
	} {
		_, err := Decode([]byte(src))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "9f8e7d") {
			t.Errorf("Decode(%q) = %v, want %q", src, err, want)
		}
	}
}

// TestTagsInLargeDocuments: the piecewise path (documents of 4 MiB and
// more) gives the same refusal as the whole-document one.
func TestTagsInLargeDocuments(t *testing.T) {
	old := chunkMin
	chunkMin = 0
	defer func() { chunkMin = old }()
	var b strings.Builder
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "k%d:\n  a: 1\n  list:\n  - x\n", i)
	}
	b.WriteString("k300:\n  arn: !GetAtt [X, Arn]\nk301:\n  pw: <%= ENV['PW'] %>\n")
	_, err := Decode([]byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "line 1202, column 8: key k300.arn: the YAML tag !GetAtt") {
		t.Errorf("tag: %v", err)
	}
	_, err = Decode([]byte(strings.Replace(b.String(), "!GetAtt [X, Arn]", "x", 1)))
	if err == nil || !strings.Contains(err.Error(), "line 1204, column 7: key k301.pw: ERB template syntax") {
		t.Errorf("ERB: %v", err)
	}
}

// TestTaggedEmptyRoot: a document that is a tag alone read as null, an
// empty Config, through Decode (DecodeAll converted it and refused it).
func TestTaggedEmptyRoot(t *testing.T) {
	for src, want := range map[string]string{
		"!Ref\n":             "the document's root: the YAML tag !Ref is not one gocfg reads",
		"--- !include x\n":   "the document's root: the YAML tag !include",
		"<%= settings %>\n":  "the document's root: ERB template syntax",
		"!!map\n":            "the document's root: the YAML tag !!map is for a mapping, not a scalar",
		"# c\n!!python/none": "the document's root: the YAML tag !!python/none",
	} {
		for name, decode := range map[string]func([]byte) error{
			"Decode":     func(b []byte) error { _, err := Decode(b); return err },
			"DecodeLean": func(b []byte) error { _, err := DecodeLean(b); return err },
			"DecodeAll":  func(b []byte) error { _, err := DecodeAll(b); return err },
		} {
			if err := decode([]byte(src)); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s(%q) = %v, want %q", name, src, err, want)
			}
		}
	}
	// an empty root, and !!null, are still an empty Config
	for _, src := range []string{"", "---\n", "!!null\n", "~\n"} {
		if d, err := Decode([]byte(src)); err != nil || d.Root.Len() != 0 {
			t.Errorf("Decode(%q) = %v", src, err)
		}
	}
	// the non-specific ! makes the empty scalar a string: no mapping
	if _, err := Decode([]byte("! \n")); err == nil || !strings.Contains(err.Error(), "the root must be a mapping, not a scalar") {
		t.Errorf(`Decode("! ") = %v`, err)
	}
}
