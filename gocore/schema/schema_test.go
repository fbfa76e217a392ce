package schema

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func tree(kv ...any) *value.Map {
	m := value.NewMap(len(kv) / 2)
	for i := 0; i < len(kv); i += 2 {
		m.Set(kv[i].(string), kv[i+1])
	}
	return m
}

func mustCompile(t *testing.T, s string) *Schema {
	t.Helper()
	sch, err := Compile([]byte(s), nil, Options{AssertFormat: true})
	if err != nil {
		t.Fatalf("compile %s: %v", s, err)
	}
	return sch
}

func TestEveryViolationWithPathAndKeyword(t *testing.T) {
	sch := mustCompile(t, `{
		"type": "object",
		"properties": {
			"server": {"type": "object", "properties": {
				"port": {"type": "integer", "minimum": 1024},
				"host": {"type": "string", "pattern": "^[a-z]+$"}},
				"required": ["name"]},
			"servers": {"type": "array", "items": {"$ref": "#/$defs/srv"}}
		},
		"$defs": {"srv": {"type": "object", "properties": {"port": {"type": "integer"}}}}
	}`)
	v := tree("server", tree("port", int64(80), "host", "Bad Host"),
		"servers", []any{tree("port", int64(1)), tree("port", "x")})
	got, total, err := sch.Validate(v)
	if err != nil {
		t.Fatal(err)
	}
	if total != len(got) || total != 4 {
		t.Fatalf("got %d of %d: %+v", len(got), total, got)
	}
	want := []struct{ path, kw string }{
		{"server", "required"}, {"server.host", "pattern"}, {"server.port", "minimum"}, {"servers.1.port", "type"},
	}
	for i, w := range want {
		if p := value.JoinPath(got[i].Path...); p != w.path || got[i].Keyword != w.kw {
			t.Errorf("violation %d: %s %s, want %s %s (%s)", i, p, got[i].Keyword, w.path, w.kw, got[i].Message)
		}
	}
	if !strings.Contains(got[1].Message, "Bad Host") || strings.Contains(got[1].Masked, "Bad Host") {
		t.Errorf("pattern message %q, masked %q", got[1].Message, got[1].Masked)
	}
	if strings.Contains(got[2].Masked, "80") {
		t.Errorf("masked minimum quotes the value: %q", got[2].Masked)
	}
	if got[3].SchemaPath != "#/$defs/srv/properties/port/type" {
		t.Errorf("schema path %q", got[3].SchemaPath)
	}
}

func TestValidValuesOfEveryType(t *testing.T) {
	sch := mustCompile(t, `{"properties": {
		"i": {"type": "integer"}, "big": {"type": "integer", "minimum": 1e20},
		"f": {"type": "number", "multipleOf": 0.1}, "one": {"type": "integer"},
		"when": {"type": "string", "format": "date-time"}, "day": {"type": "string", "format": "date"},
		"n": {"type": "null"}, "b": {"type": "boolean"}, "l": {"type": "array"}}}`)
	huge, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	v := tree("i", int64(3), "big", huge, "f", 0.3, "one", 1.0,
		"when", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "day", value.LocalDate{Year: 2024, Month: 1, Day: 2},
		"n", nil, "b", true, "l", []any{})
	got, _, err := sch.Validate(v)
	if err != nil || len(got) != 0 {
		t.Fatalf("%v %+v", err, got)
	}
}

func TestFormatIsAssertedOnRequest(t *testing.T) {
	sch := mustCompile(t, `{"properties": {"mail": {"format": "email"}}}`)
	got, _, _ := sch.Validate(tree("mail", "not an address"))
	if len(got) != 1 || got[0].Keyword != "format" {
		t.Fatalf("%+v", got)
	}
	lax, err := Compile([]byte(`{"properties": {"mail": {"format": "email"}}}`), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _, _ := lax.Validate(tree("mail", "not an address")); len(got) != 0 {
		t.Fatalf("2020-12 format is an annotation without AssertFormat: %+v", got)
	}
}

func TestNaNIsNotAJSONValue(t *testing.T) {
	sch := mustCompile(t, `{"properties": {"x": {"type": "number"}}}`)
	got, _, err := sch.Validate(tree("x", math.NaN()))
	if err != nil || len(got) != 1 {
		t.Fatalf("%v %+v", err, got)
	}
}

func TestDraftsBySchemaKeyword(t *testing.T) {
	// Draft 4's exclusiveMaximum is a boolean beside maximum; 2020-12's is a number.
	sch := mustCompile(t, `{"$schema": "http://json-schema.org/draft-04/schema#", "properties": {"x": {"maximum": 3, "exclusiveMaximum": true}}}`)
	if got, _, _ := sch.Validate(tree("x", int64(3))); len(got) != 1 {
		t.Fatalf("draft 4: %+v", got)
	}
	if _, err := Compile([]byte(`{"properties": {"x": {"maximum": 3, "exclusiveMaximum": true}}}`), nil, Options{AssertFormat: true}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("2020-12 with a boolean exclusiveMaximum: %v", err)
	}
}

func TestRemoteRefRefused(t *testing.T) {
	for _, ref := range []string{"http://example.com/s.json", "https://example.com/s.json#/a", "file:///etc/passwd", "other.json"} {
		_, err := Compile([]byte(`{"$ref": "`+ref+`"}`), nil, Options{AssertFormat: true})
		if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "does not fetch") {
			t.Errorf("%s: %v", ref, err)
		}
	}
	// The same reference, given as a resource, works.
	sch, err := Compile([]byte(`{"properties": {"p": {"$ref": "http://example.com/s.json#/$defs/port"}}}`),
		map[string][]byte{"http://example.com/s.json": []byte(`{"$defs": {"port": {"type": "integer"}}}`)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _, _ := sch.Validate(tree("p", "x")); len(got) != 1 {
		t.Fatalf("%+v", got)
	}
}

func TestBadSchemas(t *testing.T) {
	for _, s := range []string{"{\"pattern\": \"\xff\"}", "{\"a\": \"\x00\"}", `{`, `{"type": 3}`, `{} {}`, `{"type": "strnig"}`, `{"$ref": "#/$defs/missing"}`, `{"pattern": "("}`} {
		if _, err := Compile([]byte(s), nil, Options{AssertFormat: true}); err == nil {
			t.Errorf("%s: compiled", s)
		} else if !errors.Is(err, errs.ErrInvalidArgument) && !errors.Is(err, errs.ErrParse) {
			t.Errorf("%s: %v", s, err)
		}
	}
}

func TestDeepSchemaBounded(t *testing.T) {
	deep := strings.Repeat(`{"items":`, 5000) + `{}` + strings.Repeat(`}`, 5000)
	if _, err := Compile([]byte(deep), nil, Options{AssertFormat: true}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("%v", err)
	}
	// Brackets inside strings do not count.
	if _, err := Compile([]byte(`{"description": "`+strings.Repeat("[", 5000)+`"}`), nil, Options{AssertFormat: true}); err != nil {
		t.Fatal(err)
	}
}

func TestManySubschemasBounded(t *testing.T) {
	// The compiler's cost grows with the square of the subschemas: 500,000
	// properties (a 10 MB schema) took half an hour to compile.
	props := func(n int) string {
		var b strings.Builder
		b.WriteString(`{"properties": {`)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `"p%d": {"type": "string"}`, i)
		}
		b.WriteString("}}")
		return b.String()
	}
	_, err := Compile([]byte(props(500_000)), nil, Options{})
	if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "more than 20000 subschemas") {
		t.Fatalf("%v", err)
	}
	// Counted with the resources, and booleans are subschemas too.
	many := `{"allOf": [` + strings.Repeat(`true, `, MaxSchemas) + `true]}`
	res := map[string][]byte{"https://example.com/a.json": []byte(many)}
	if _, err := Compile([]byte(`{"$ref": "https://example.com/a.json"}`), res, Options{}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("%v", err)
	}
	// Within the bound it compiles.
	if _, err := Compile([]byte(props(MaxSchemas/2-1)), nil, Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestViolationsCapped(t *testing.T) {
	sch := mustCompile(t, `{"additionalProperties": {"type": "string"}}`)
	m := value.NewMap(0)
	for i := 0; i < MaxViolations+10; i++ {
		m.Set(strings.Repeat("k", 1+i%7)+string(rune('a'+i%26))+time.Duration(i).String(), int64(i))
	}
	got, total, err := sch.Validate(m)
	if err != nil || len(got) != MaxViolations || total != MaxViolations+10 {
		t.Fatalf("%v: %d of %d", err, len(got), total)
	}
}

func TestAnyOfIsOneViolation(t *testing.T) {
	sch := mustCompile(t, `{"properties": {"p": {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]+$"}]}}}`)
	got, _, _ := sch.Validate(tree("p", "abc"))
	if len(got) != 1 || got[0].Keyword != "anyOf" {
		t.Fatalf("%+v", got)
	}
}

func TestConcurrentValidation(t *testing.T) {
	sch := mustCompile(t, `{"properties": {"p": {"type": "integer"}}}`)
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			for i := 0; i < 100; i++ {
				if got, _, _ := sch.Validate(tree("p", "x")); len(got) != 1 {
					t.Error(got)
				}
			}
			done <- true
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}

func TestNumbersPrintAsWritten(t *testing.T) {
	sch := mustCompile(t, `{"properties": {"a": {"minimum": 1024}, "b": {"maximum": 0.5}, "c": {"multipleOf": 0.01}, "d": {"maxLength": 2000}}}`)
	got, _, _ := sch.Validate(tree("a", int64(80), "b", 0.75, "c", 0.125, "d", strings.Repeat("x", 2001)))
	want := []string{"minimum: got 80, want 1024", "maximum: got 0.75, want 0.5", "0.125 is not a multiple of 0.01", "maxLength: got 2001, want 2000"}
	if len(got) != len(want) {
		t.Fatalf("%+v", got)
	}
	for i, w := range want {
		if got[i].Message != w {
			t.Errorf("%q, want %q", got[i].Message, w)
		}
	}
}

// exponential is a schema whose check evaluates its leaf 2**levels times.
func exponential(levels int) string {
	defs := `"a0": {"type": "integer"}`
	for i := 1; i <= levels; i++ {
		defs += fmt.Sprintf(`, "a%d": {"allOf": [{"$ref": "#/$defs/a%d"}, {"$ref": "#/$defs/a%d"}]}`, i, i-1, i-1)
	}
	return fmt.Sprintf(`{"$defs": {%s}, "properties": {"x": {"$ref": "#/$defs/a%d"}}}`, defs, levels)
}

func TestExponentialSchemaStops(t *testing.T) {
	sch, err := Compile([]byte(exponential(60)), nil, Options{BaseSteps: 50_000})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = sch.Validate(tree("x", int64(1)))
	if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "after 52000 steps") {
		t.Fatalf("%v", err)
	}
	// The same schema, small enough, checks; and a later check starts afresh.
	small := mustCompile(t, exponential(8))
	for i := 0; i < 3; i++ {
		if got, _, err := small.Validate(tree("x", "no")); err != nil || len(got) == 0 {
			t.Fatalf("%v %+v", err, got)
		}
	}
}

// FuzzCompileAndValidate: any bytes as a schema give a schema or an error
// of a documented kind, never a panic, and a compiled one checks a small
// config without failing.
func FuzzCompileAndValidate(f *testing.F) {
	for _, s := range []string{`{}`, `true`, `{"type": "integer"}`, `{"properties": {"a": {"$ref": "#"}}}`,
		`{"$defs": {"x": {"anyOf": [{"$ref": "#/$defs/x"}]}}, "$ref": "#/$defs/x"}`, `{"pattern": "a+"}`,
		`{"$schema": "http://json-schema.org/draft-04/schema#", "maximum": 1, "exclusiveMaximum": true}`} {
		f.Add([]byte(s))
	}
	v := tree("a", int64(1), "b", []any{"x", 2.5, nil}, "c", tree("d", true))
	f.Fuzz(func(t *testing.T, data []byte) {
		sch, err := Compile(data, nil, Options{AssertFormat: true, BaseSteps: 10_000})
		if err != nil {
			if !errors.Is(err, errs.ErrInvalidArgument) && !errors.Is(err, errs.ErrParse) {
				t.Fatalf("%q: %v", data, err)
			}
			return
		}
		if _, _, err := sch.Validate(v); err != nil && !errors.Is(err, errs.ErrInvalidArgument) {
			t.Fatalf("%q: %v", data, err)
		}
	})
}

// propertyNames is one violation at the object, naming the key and why;
// not names its keyword; neither masked message quotes a key, nor does
// additionalProperties'.
func TestPropertyNamesNotAndAdditionalProperties(t *testing.T) {
	sch := mustCompile(t, `{"properties": {
		"a": {"propertyNames": {"maxLength": 1}},
		"b": {"not": {"type": "integer"}},
		"c": {"additionalProperties": false}}}`)
	got, _, err := sch.Validate(tree("a", tree("longkey", int64(1)), "b", int64(5), "c", tree("tok3n", int64(1))))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ path, kw, msg string }{
		// No path: the library's location for it is not to be trusted.
		{"", "propertyNames", `the key "longkey": maxLength: got 7, want 1`},
		{"b", "not", "matches the schema under 'not', which it must not"},
		{"c", "additionalProperties", "tok3n"},
	}
	if len(got) != len(want) {
		t.Fatalf("%+v", got)
	}
	for i, w := range want {
		if p := value.JoinPath(got[i].Path...); p != w.path || got[i].Keyword != w.kw || !strings.Contains(got[i].Message, w.msg) {
			t.Errorf("violation %d: %s %s %q, want %s %s %q", i, p, got[i].Keyword, got[i].Message, w.path, w.kw, w.msg)
		}
		if strings.Contains(got[i].Masked, "longkey") || strings.Contains(got[i].Masked, "tok3n") {
			t.Errorf("violation %d: masked %q quotes a key", i, got[i].Masked)
		}
	}
}

// A $ref cycle is a fault of the schema, found only when a value reaches
// it: an InvalidArgument error naming the cycle, also when the cycle is
// one alternative of an anyOf, never a violation of the config.
func TestRefCycleIsABadSchema(t *testing.T) {
	for _, s := range []string{
		`{"properties": {"a": {"$ref": "#/$defs/x"}}, "$defs": {"x": {"$ref": "#/$defs/x"}}}`,
		`{"properties": {"a": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/x"}]}}, "$defs": {"x": {"$ref": "#/$defs/y"}, "y": {"$ref": "#/$defs/x"}}}`,
	} {
		sch := mustCompile(t, s)
		got, _, err := sch.Validate(tree("a", int64(1)))
		if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), `$ref cycle`) || !strings.Contains(err.Error(), `"#/$defs/`) || got != nil {
			t.Errorf("%s: %v %+v", s, err, got)
		}
		// A value that does not reach the cycle is checked as before.
		if got, _, err := sch.Validate(tree("b", int64(1))); err != nil || got != nil {
			t.Errorf("%s: %v %+v", s, err, got)
		}
	}
}

func TestViolationMessagesAreBounded(t *testing.T) {
	// An enum of 20,000 long values was listed whole in its message, and a
	// pattern's failure quoted a megabyte string whole.
	enum := make([]string, 20000)
	for i := range enum {
		enum[i] = fmt.Sprintf("%q", fmt.Sprintf("%04d%s", i, strings.Repeat("y", 500)))
	}
	sch := mustCompile(t, `{"properties": {"e": {"enum": [`+strings.Join(enum, ",")+`]},
		"p": {"pattern": "^a"}, "c": {"const": "`+strings.Repeat("z", 100000)+`"}}}`)
	got, total, err := sch.Validate(tree("e", "no", "p", strings.Repeat("x", 1<<20), "c", "no"))
	if err != nil || total != 3 {
		t.Fatalf("%d violations, %v", total, err)
	}
	for _, v := range got {
		if len(v.Message) > errs.MaxMessageBytes+100 || len(v.Masked) > errs.MaxMessageBytes+100 {
			t.Errorf("%s: a message of %d bytes (masked %d)", v.Keyword, len(v.Message), len(v.Masked))
		}
		if v.Keyword == "enum" && (!strings.Contains(v.Message, "'0009y") || strings.Contains(v.Message, "'0010y") ||
			!strings.HasSuffix(v.Message, ", ... (20000 values in all)")) {
			t.Errorf("enum: %.200s ... %s", v.Message, v.Message[max(0, len(v.Message)-60):])
		}
	}
}

// A value that holds a credential (a URL's password, "password=...") is
// not quoted in a violation, whatever its key: the message says what was
// wanted, as for a secret key's value. Other values are quoted as before.
func TestViolationsDoNotQuoteACredentialInsideAValue(t *testing.T) {
	sch := mustCompile(t, `{"properties": {
		"url": {"pattern": "^x$"}, "conn": {"format": "ipv4"}, "dsn": {"enum": ["a"]},
		"c": {"const": "a"}, "host": {"pattern": "^x$"}}}`)
	v := tree("url", "postgres://app:hunter3@db/app", "conn", `host=db password='hunter3 x' dbname=app`,
		"dsn", "redis://:hunter3@cache", "c", "token=hunter3", "host", "db.internal")
	got, _, err := sch.Validate(v)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 {
		t.Fatalf("%d violations: %+v", len(got), got)
	}
	for _, g := range got {
		if strings.Contains(g.Message, "hunter3") || strings.Contains(g.Masked, "hunter3") {
			t.Errorf("%v: %q quotes the password", g.Path, g.Message)
		}
		if g.Path[0] == "host" && !strings.Contains(g.Message, "'db.internal'") {
			t.Errorf("host: %q, want the value quoted", g.Message)
		}
	}
}
