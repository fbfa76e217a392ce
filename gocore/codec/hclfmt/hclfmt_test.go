package hclfmt

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func TestTerraformFile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]any{
		"terraform.backend.s3.region":                             "eu-west-1",
		"terraform.required_providers.aws.version":                "~> 5.0",
		"variable.instance_count.default":                         int64(2),
		"variable.tags.default.env":                               "prod",
		"resource.aws_security_group.web.ingress.1.from_port":     int64(443),
		"resource.aws_security_group.web.ingress.0.cidr_blocks.0": "0.0.0.0/0",
		"resource.aws_security_group.web.egress.protocol":         "-1",
		"resource.aws_instance.web.monitoring":                    true,
		"resource.aws_instance.web.user_data":                     "#!/bin/sh\necho \"hello, ${USER}\" > /tmp/hello\n",
		"resource.aws_instance.web.root_block_device.volume_size": int64(20),
	} {
		segs, _ := value.ParsePath(path)
		got, err := value.Lookup(doc.Root, segs)
		if err != nil || got != want {
			t.Errorf("%s = %#v (%v), want %#v", path, got, err, want)
		}
	}
	if got := strings.Join(doc.Root.Keys(), ","); got != "terraform,provider,variable,resource,output" {
		t.Errorf("keys %s", got)
	}
	pos := map[string]value.Pos{
		"terraform": {Line: 1, Column: 1}, "terraform.backend.s3": {Line: 9, Column: 11}, "provider.aws": {Line: 16, Column: 10},
		"resource.aws_security_group.web.ingress.0": {Line: 36, Column: 3}, "resource.aws_security_group.web.ingress.0.to_port": {Line: 38, Column: 5},
		"resource.aws_security_group.web.ingress.1": {Line: 43, Column: 3}, "resource.aws_security_group.web.ingress.1.cidr_blocks.1": {Line: 47, Column: 33},
		"variable.tags.default.env": {Line: 28, Column: 5},
	}
	for p, w := range pos {
		if doc.Positions[p] != w {
			t.Errorf("position of %s = %v, want %v", p, doc.Positions[p], w)
		}
	}
	roundTrip(t, doc.Root)
}

func roundTrip(t *testing.T, root *value.Map) {
	t.Helper()
	codectest.RoundTrip(t, codectest.Codec{Decode: Decode, Encode: Encode}, root)
}

func TestAgentConfig(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "config.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	want := codectest.MustJSON(t, `{"datacenter": "dc1", "data_dir": "/opt/agent/data", "log_level": "INFO", "ratio": 0.75, "retries": -3,
		"enabled": true, "servers": ["10.0.0.1:4647", "10.0.0.2:4647"], "server": {"enabled": true, "bootstrap_expect": 3},
		"client": {"enabled": true, "meta": {"rack": "r1", "zone": "eu-west-1a"}},
		"plugin": {"docker": {"config": {"allow_privileged": false, "volumes": {"enabled": true}}}, "raw_exec": {"config": {"enabled": false}}},
		"telemetry": {"collection_interval": "1s", "prometheus_metrics": true, "publish_allocation_metrics": true}}`)
	if got := codectest.Plain(doc.Root); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	bom, err := Decode(append([]byte("\xEF\xBB\xBF"), data...))
	if err != nil || !value.Equal(bom.Root, doc.Root) || bom.Positions["datacenter"] != (value.Pos{Line: 2, Column: 1}) {
		t.Errorf("with a BOM: %v %v", err, bom.Positions["datacenter"])
	}
	if _, err := Decode([]byte("\xEF\xBB\xBFa = b\n")); err == nil || err.(*errs.Located).Column != 5 {
		t.Errorf("error column after a BOM: %v", err)
	}
	if v, _ := doc.Root.Get("ratio"); v != 0.75 {
		t.Errorf("ratio = %#v", v)
	}
	roundTrip(t, doc.Root)
}

func TestLiterals(t *testing.T) {
	in := `a = 1
b = 1.0
c = -2
d = -2.5e3
e = 9223372036854775807
f = -9223372036854775808
g = "x\ty\u00e9\U0001F600 $${lit} %%{lit}"
h = null
i = [1, "two", [3], {k = 4}]
j = { "quoted key" = 1, bare = 2, 3 = "three" }
k = 2 * 3 + 1
l = "a" == "a" ? "yes" : "no"
n = <<EOT
heredoc ${"with"} literal template
EOT
o = "${1 + 1}"
p = 1e2
`
	doc, err := Decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"a": int64(1), "b": 1.0, "c": int64(-2), "d": -2500.0, "e": int64(math.MaxInt64), "f": int64(math.MinInt64),
		"g": "x\tyé😀 ${lit} %{lit}", "h": nil, "k": int64(7), "l": "yes", "n": "heredoc with literal template\n", "o": int64(2), // a lone interpolation keeps its type, as in HCL
		"p": 100.0,
	}
	for k, w := range want {
		if got, _ := doc.Root.Get(k); got != w {
			t.Errorf("%s = %#v, want %#v", k, got, w)
		}
	}
	if got := codectest.Plain(mustGet(doc.Root, "i")); !reflect.DeepEqual(got, codectest.MustJSON(t, `[1, "two", [3], {"k": 4}]`)) {
		t.Errorf("i = %v", got)
	}
	j := mustGet(doc.Root, "j").(*value.Map)
	if got := strings.Join(j.Keys(), ","); got != "quoted key,bare,3" {
		t.Errorf("j keys %s", got)
	}
	roundTrip(t, doc.Root)
}

func mustGet(m *value.Map, k string) any {
	v, _ := m.Get(k)
	return v
}

func TestDecodeErrors(t *testing.T) {
	codectest.Errors(t, Decode, []codectest.ErrorCase{
		// a Windows path: the message says how to write one
		{"dir = \"C:\\data\"\n", 1, 10, `Invalid escape sequence: The symbol "d" is not a valid escape sequence selector. (a backslash starts an escape in an HCL string: a Windows path takes \\ or /`},
		{"region = var.region\n", 1, 10, "the expression var.region needs evaluation (Variables not allowed)"},
		// a value left without quotes, as INI and YAML write it, in a
		// .tfvars: it said the expression needs evaluation
		{"region = us-east-1\n", 1, 10, `the value us-east-1 has no quotes, so it reads as a variable, which needs evaluation: HCL strings take quotes ("us-east-1")`},
		{"tags = {\n  env = prod\n}\n", 2, 9, `HCL strings take quotes ("prod")`},
		{"enabled = yes\n", 1, 11, "yes reads as a variable, which needs evaluation: HCL's booleans are true and false, in lower case"},
		{"x = None\n", 1, 5, "HCL's null is null"},
		{"a = 1\nb = upper(\"x\")\n", 2, 5, "the expression upper(\"x\") needs evaluation (Function calls not allowed)"},
		{"name = \"web-${var.env}\"\n", 1, 15, "the expression \"web-${var.env}\" needs evaluation"},
		{"variable \"x\" {\n  type = number\n}\n", 2, 10, "the expression number is a Terraform type constraint, which needs evaluation"},
		{"variable \"x\" {\n  type = map(object({ a = optional(string) }))\n}\n", 2, 10, "the expression map(object({ a = optional(string) })) is a Terraform type constraint"},
		{"x = upper(\"a\")\n", 1, 5, "the expression upper(\"a\") needs evaluation (Function calls not allowed)"},
		{"tags = { (var.k) = 1 }\n", 1, 11, "needs evaluation"},
		{"l = [1, each.key]\n", 1, 9, "each.key"},
		{"a = 1\na = 2\n", 2, 1, "Attribute redefined"},
		// hclsyntax names the first one as a range of a file without a
		// name (":1,1-2")
		{"a = 1\n  a = 2\n", 2, 3, `The argument "a" was already set at line 1, column 1. Each`},
		{"m = [1, [for x in [1, 2] : [for y in [3] : y]]]\n", 1, 9, "the expression [for x in [1, 2] : [for y in [3] : y]] is a loop"},
		{"t = \"a%{ for x in [1, 2] }${x}%{ endfor }\"\n", 1, 7, "is a loop"},
		// a Terraform module's loop: the message names the mode that keeps it
		{"names = [for s in var.subnets : upper(s.name)]\n", 1, 9, "which gocfg does not evaluate (format hcl-raw keeps it as \"${...}\" text"},
		{"a = {\n", 2, 1, "Missing expression"},
		{"a = 99999999999999999999\n", 1, 5, "beyond 64 bits"},
		{"a = 1e400\n", 1, 5, "beyond float64"},
		{"a = { k = 1, k = 2 }\n", 1, 14, `key "k" appears twice`},
		{"a = 1\na {\n}\n", 2, 1, ""},
		{"a {}\na = 1\n", 2, 1, `attribute "a" has the name of a block`},
		{"r \"x\" \"y\" {}\nr \"x\" {}\n", 2, 3, "fewer labels"},
		{"r \"x\" {}\nr \"x\" \"y\" {}\n", 2, 3, "puts a label under"},
		{"a = \"\xff\"\n", 1, 6, "invalid UTF-8"},
		{"a = 1\x00\n", 1, 6, "NUL"},
		// old-Mac line ends: after a comment, hclsyntax read the rest as
		// the comment and dropped b
		{"# c\ra = 1\rb = 2\r", 1, 4, "carriage return that does not end a line"},
		{"a = 1 // c\rb = 2\n", 1, 11, "carriage return"},
		{"a = 1\r\nb = 2\r", 2, 6, "carriage return"},
		{"a = " + strings.Repeat("[", value.MaxDepth+1) + strings.Repeat("]", value.MaxDepth+1), 1, 1005, "nesting deeper"},
		// a heredoc's closing marker as the file's last line, with no line
		// break after it (a .tfvars from an editor that adds none): refused
		// by hclsyntax and Terraform, and the message now says why
		{"region = \"eu\"\npolicy = <<EOF\n{}\nEOF", 4, 4, "No closing marker was found for the string. (the closing marker EOF on the file's last line needs a line break after it, as HCL requires)"},
		{"user_data = <<-EOT\r\n  echo ok\r\n  EOT", 3, 6, "the closing marker EOT on the file's last line needs a line break"},
		// UTF-16, as Windows PowerShell 5 writes "terraform output > x.tfvars"
		{"\xff\xfea\x00 \x00=\x00 \x001\x00\n\x00", 1, 1, "the file is UTF-16 text (it starts with a UTF-16 byte order mark)"},
		{"a\x00 \x00=\x00 \x001\x00\n\x00", 1, 1, "the file is UTF-16 text (its first two characters have a zero byte each)"},
	})
	// any other unterminated string gets no word on markers
	for _, src := range []string{"p = <<EOT\nx\n", "p = \"EOT", "p = <<EOT\nx\nEOX"} {
		if _, err := Decode([]byte(src)); err == nil || !strings.Contains(err.Error(), "No closing marker") || strings.Contains(err.Error(), "closing marker EO") {
			t.Errorf("%q: %v", src, err)
		}
	}
	deepBlocks := strings.Repeat("b {\n", value.MaxDepth) + strings.Repeat("}\n", value.MaxDepth)
	if _, err := Decode([]byte(deepBlocks)); err == nil || !strings.Contains(err.Error(), "deeper") {
		t.Errorf("deep blocks: %v", err)
	}
	manyLabels := "b" + strings.Repeat(` "l"`, value.MaxDepth) + " {}\n"
	if _, err := Decode([]byte(manyLabels)); err == nil || !strings.Contains(err.Error(), "deeper") {
		t.Errorf("many labels: %v", err)
	}
}

// A module full of references: refused by Decode, read by DecodeRaw with
// the expressions as "${...}" strings.
// The value of an attribute, block or object key that names a secret is
// never quoted in an error: the position and the problem are.
func TestDecodeErrorsNeverQuoteASecret(t *testing.T) {
	const secret = "Hunter2Secret"
	codectest.ErrorsHiding(t, Decode, []codectest.ErrorCase{
		{"password = Hunter2Secret\n", 1, 12, "a value without quotes (a secret's value, not shown) reads as a variable, which needs evaluation"},
		{"db {\n  api_key = [1, Hunter2Secret.x]\n}\n", 2, 17, "needs evaluation"},
		{"creds = { token = Hunter2Secret }\n", 1, 19, "needs evaluation"},
		{"secrets \"a\" {\n  x = Hunter2Secret\n}\n", 2, 7, "needs evaluation"},
		{"password = 99999999999999999999999\n", 1, 12, "beyond 64 bits"},
		{"password = \"%{ Hunter2Secret }\"\n", 1, 16, "Invalid template control keyword (in a secret's value, not shown)"},
		{"db {\n  password = [\n    \"%{ Hunter2Secret }\"\n  ]\n}\n", 3, 9, "Invalid template control keyword"},
	}, secret, "99999")
	// Not a secret: the value helps find the mistake.
	for _, doc := range []string{"host = Hunter2Secret\n", "host = \"%{ Hunter2Secret }\"\n", "a {\n  b = Hunter2Secret\n}\n"} {
		if _, err := Decode([]byte(doc)); err == nil || !strings.Contains(err.Error(), secret) {
			t.Errorf("%q: %v, want the value quoted", doc, err)
		}
	}
}

func TestRawModule(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "module.tf"))
	if err != nil {
		t.Fatal(err)
	}
	// The error names the mode that reads the module.
	if _, err := Decode(data); err == nil || !strings.Contains(err.Error(), "the expression string is a Terraform type constraint") ||
		!strings.Contains(err.Error(), "format hcl-raw") {
		t.Errorf("Decode: %v", err)
	}
	doc, err := DecodeRaw(data)
	if err != nil {
		t.Fatal(err)
	}
	want := codectest.MustJSON(t, `{
		"variable": {"env": {"type": "${string}", "default": "prod"}},
		"locals": {"name_prefix": "app-${var.env}", "common_tags": "${merge(var.tags, { Environment = var.env })}"},
		"resource": {"aws_s3_bucket": {"logs": {"bucket": "${local.name_prefix}-logs", "count": "${var.env == \"prod\" ? 1 : 0}", "tags": "${local.common_tags}"}}},
		"output": {"bucket_arns": {"value": "${[for b in aws_s3_bucket.logs : b.arn]}"}}}`)
	if got := codectest.Plain(doc.Root); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if p := doc.Positions["resource.aws_s3_bucket.logs.count"]; p != (value.Pos{Line: 13, Column: 3}) {
		t.Errorf("position of count = %v", p)
	}
	codectest.RoundTrip(t, codectest.Codec{Decode: DecodeRaw, Encode: Encode}, doc.Root)
	// a literal template with a directive is kept whole; keys too
	doc, err = DecodeRaw([]byte("a = \"x%{ if var.on }y%{ endif }\"\nb = { (var.k) = 1 }\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := codectest.Plain(doc.Root); !reflect.DeepEqual(got, codectest.MustJSON(t, `{"a": "\"x%{ if var.on }y%{ endif }\"", "b": {"${(var.k)}": 1}}`)) {
		t.Errorf("got %#v", got)
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
	root := m("name", "a \"q\" ${x} %{y} $$ \n", "n", int64(-3), "f", 2.0, "nothing", nil,
		"server", m("port", int64(80)), "odd", m("not an identifier", true),
		"ingress", []any{m("p", int64(1)), m("p", int64(2))}, "one", []any{m("p", int64(1))}, "empty", value.NewMap(0))
	b, err := Encode(root)
	if err != nil {
		t.Fatal(err)
	}
	want := `name = "a \"q\" $${x} %%{y} $$ \n"
n = -3
f = 2.0
nothing = null
server {
  port = 80
}
odd = {
  "not an identifier" = true
}
ingress {
  p = 1
}
ingress {
  p = 2
}
one = [
  {
    "p" = 1
  },
]
empty {}
`
	if string(b) != want {
		t.Errorf("Encode =\n%s\nwant\n%s", b, want)
	}
	roundTrip(t, root)
	for _, c := range []struct {
		root *value.Map
		path string
	}{
		{m("not id", int64(1)), `not id`},
		{m("x", math.NaN()), "x"},
		{m("x", m("y", math.Inf(1))), "x.y"},
		{m("s", m("a b", m("c d", int64(1)), "k", int64(1))), ""},
	} {
		_, err := Encode(c.root)
		var loc *errs.Located
		if c.path == "" {
			if err != nil {
				t.Errorf("Encode: %v", err)
			}
			continue
		}
		if !errors.As(err, &loc) || !errors.Is(err, errs.ErrTypeMismatch) || loc.Path != c.path {
			t.Errorf("Encode = %v, want a type mismatch at %s", err, c.path)
		}
	}
}

var hclKinds = codectest.Kinds{Null: true, Bool: true, Int: true, Float: true, String: true, Lists: true, Maps: true, NonEmptyKeys: true,
	KeyRunes:   []rune("abcxyz_-019 .\"\\${}%é日"),
	ValueRunes: []rune("abc xyz019_-. :=#;[]{}\"'\\/\t\n\r é日本😀$%`~\x01\x7f")}

func TestRoundTripRandom(t *testing.T) {
	// Encode refuses top-level keys that are not identifiers.
	c := codectest.Codec{Decode: Decode, Encode: Encode, Refusable: codectest.Any}
	if n := len(codectest.RoundTripRandom(t, c, 9, 3000, hclKinds.Tree)); n < 300 {
		t.Errorf("only %d random trees were expressible", n)
	}
}

func fuzzSeeds(f *testing.F) {
	codectest.SeedFiles(f, "testdata", "main.tf", "config.hcl", "module.tf")
	codectest.SeedStrings(f, "a = [1, {b = \"${\"x\"}\"}, <<EOT\nh\nEOT\n]\nr \"l\" { x = -1.5 }\nr \"l\" { x = 2 }\n", "x = var.y\n")
	codectest.SeedSuite(f, "toml-test/tests/valid/*/*.toml", 20)
}

func FuzzDecode(f *testing.F) {
	fuzzSeeds(f)
	codectest.FuzzDecode(f, nil, Decode, DecodeRaw)
}

// notIdentifier: keys read from quoted block labels need not be
// identifiers; everything else a decoder reads must be writable.
func notIdentifier(err error) bool {
	var loc *errs.Located
	return errors.As(err, &loc) && strings.Contains(loc.Msg, "identifiers")
}

func FuzzRoundTrip(f *testing.F) {
	fuzzSeeds(f)
	codectest.FuzzRoundTrip(f,
		codectest.Codec{Decode: Decode, Encode: Encode, Refusable: notIdentifier},
		codectest.Codec{Decode: DecodeRaw, Encode: Encode, Refusable: notIdentifier})
}

// hclsyntax joins a string's pieces of text (a heredoc's lines, $${ and
// %%{ escapes) in time that grows with the square of their number: a
// 1.2 MB heredoc of 250,000 lines did not parse in two minutes. More than
// MaxLiteralRun in a row is refused, before hclsyntax parses.
func TestLongLiteralRunsAreRefused(t *testing.T) {
	over := MaxLiteralRun + 1
	codectest.Errors(t, Decode, []codectest.ErrorCase{
		{"a = 1\nk = <<EOF\n" + strings.Repeat("line\n", 2*over) + "EOF\n", 2, 5, "more than 10000 lines or $${/%%{ escapes in a row"},
		{"a = 1\nk = [1, \"" + strings.Repeat("x$${y}", over) + "\"]\n", 2, 9, "more than 10000 lines"},
	})
	// Runs end at a string's end and at a ${...} sequence.
	many := "k = [" + strings.Repeat("\"a$${b}\",\n", over) + "]\n"
	if _, err := Decode([]byte(many)); err != nil {
		t.Errorf("many short strings: %v", err)
	}
	broken := "k = <<EOF\n" + strings.Repeat("line\n${1}\n", over/2+1) + "EOF\n"
	if _, err := DecodeRaw([]byte(broken)); err != nil {
		t.Errorf("a heredoc whose lines alternate with ${...}: %v", err)
	}
}

// TestCRLFHeredoc keeps what the README says of line ends, on the shape of
// hashicorp/terraform-provider-aws's eks-getting-started example (an IAM
// policy in a heredoc) checked out with CRLF: attributes read alike, the
// heredoc keeps its "\r\n" as hclsyntax (and so Terraform) gives it, and
// it is written back escaped and read back the same.
func TestCRLFHeredoc(t *testing.T) {
	lf := "resource \"aws_iam_role\" \"demo\" {\n  name = \"eks-demo\"\n\n  assume_role_policy = <<POLICY\n{\n  \"Version\": \"2012-10-17\"\n}\nPOLICY\n  user_data = <<-EOF\n    #!/bin/bash\n    echo ok\n  EOF\n}\n"
	crlf := strings.ReplaceAll(lf, "\n", "\r\n")
	a, err := Decode([]byte(lf))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Decode([]byte(crlf))
	if err != nil {
		t.Fatal(err)
	}
	at := []string{"resource", "aws_iam_role", "demo"}
	get := func(d *value.Doc, k string) any {
		v, err := value.Lookup(d.Root, append(at[:3:3], k))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if get(a, "name") != "eks-demo" || get(b, "name") != "eks-demo" {
		t.Errorf("name: %q, %q", get(a, "name"), get(b, "name"))
	}
	if got := get(b, "assume_role_policy"); got != "{\r\n  \"Version\": \"2012-10-17\"\r\n}\r\n" {
		t.Errorf("heredoc in a CRLF file = %q", got)
	}
	if got := get(b, "user_data"); got != "#!/bin/bash\r\necho ok\r\n" {
		t.Errorf("indented heredoc in a CRLF file = %q", got)
	}
	if got := get(a, "assume_role_policy"); got != "{\n  \"Version\": \"2012-10-17\"\n}\n" {
		t.Errorf("heredoc in an LF file = %q", got)
	}
	out, err := Encode(b.Root)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "\r") {
		t.Errorf("Encode wrote a raw CR: %q", out)
	}
	back, err := Decode(out)
	if err != nil || !value.Equal(back.Root, b.Root) {
		t.Errorf("round trip: %v\n%s", err, out)
	}
}

// A block's body is one level below its labels, and a list of repeated
// blocks' bodies one more: a single block no longer counts the list it
// is not in (blocks nested only 500 deep, though Encode writes 1000).
func TestBlocksNestToTheDepthBound(t *testing.T) {
	nested := func(n int, inner string) []byte {
		return []byte(strings.Repeat("a {\n", n) + inner + strings.Repeat("}\n", n))
	}
	cases := []struct {
		text []byte
		ok   bool
	}{
		{nested(value.MaxDepth-1, "x = 1\n"), true},
		{nested(value.MaxDepth, "x = 1\n"), false},
		{nested(value.MaxDepth-3, "r {\nx = 1\n}\nr {\nx = 2\n}\n"), true},
		{nested(value.MaxDepth-2, "r {\nx = 1\n}\nr {\nx = 2\n}\n"), false},
		{nested(value.MaxDepth-3, "r \"l\" {\nx = 1\n}\nr \"m\" {\nx = 2\n}\n"), true},
		{nested(value.MaxDepth-2, "r \"l\" {\nx = 1\n}\n"), false},
	}
	for i, c := range cases {
		doc, err := Decode(c.text)
		if c.ok != (err == nil) {
			t.Errorf("case %d: err = %v", i, err)
			continue
		}
		if err == nil {
			if _, err := Encode(doc.Root); err != nil {
				t.Errorf("case %d: does not write back: %v", i, err)
			}
		}
	}
}
