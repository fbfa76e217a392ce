// Package schema checks configuration trees against JSON Schema documents
// with github.com/santhosh-tekuri/jsonschema/v6, and reports every
// violation at once as a config path, the keyword that failed and a
// message.
//
// Choices a user can rely on:
//
//   - A schema without "$schema" is read as draft 2020-12; "$schema" selects
//     draft 4, 6, 7 or 2019-09 instead.
//   - "format" is asserted when Options.AssertFormat is set (an "email"
//     that is not one is then a violation; the binding sets it by default:
//     a configuration check is where users want formats enforced);
//     otherwise it follows the draft (an annotation in 2019-09 and
//     2020-12). Content keywords (contentEncoding, ...) stay annotations,
//     as the specification asks.
//   - Nothing is fetched: a "$ref" to another document is an error unless
//     that document was given as a resource (Compile's resources). The
//     draft meta-schemas are built into the library.
//   - Numbers are compared as decimals, not binary floats: a float value is
//     written in its shortest form ("0.3") before the library reads it, so
//     that multipleOf 0.1 accepts 0.3 as a person expects.
//   - Dates and times (TOML and YAML timestamps) are checked as the RFC 3339
//     strings they stand for, so "format": "date-time" accepts them.
package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/secretvalue"
	"github.com/gocfg/gocfg/gocore/value"
)

// rootURL names the schema given by the caller, so that its own
// "#/$defs/..." references resolve against it. It is not a real place:
// the loader below refuses to fetch anything. It is hierarchical (not a
// URN) so that a relative reference ("other.json") resolves to another
// document, which is then refused, rather than back to this one.
const rootURL = "gocfg:///schema.json"

// MaxViolations bounds the violations reported by one validation; the
// count of all of them is still returned.
const MaxViolations = 1000

// Schema is a compiled schema, safe for concurrent use (checks of one
// Schema take turns: they share its step counter).
type Schema struct {
	s     *jsonschema.Schema
	mu    sync.Mutex
	steps *stepCounter
	base  int64
}

// Steps bound the work of one check. A schema can make the work grow
// exponentially with its size ("$defs": {"a1": {"allOf": [a0, a0]}, "a2":
// {"allOf": [a1, a1]}, ...} is 2**n evaluations of a0), and the library
// has no bound of its own, so every evaluation of a subschema counts a
// step: a check stops after BaseSteps plus StepsPerValue for each value
// of the instance. Real configurations use a few dozen steps per value.
const (
	BaseSteps     = 2_000_000
	StepsPerValue = 1_000
)

// MaxSchemas bounds the subschemas of a schema and its resources, counted
// as the objects and booleans of their documents (an enum's objects too:
// a few more than the compiler makes). The library's compiler looks each
// subschema up in a list of all those met so far, so compiling n of them
// costs n*n: 20,000 take about a second, 40,000 ten, and the 500,000
// properties of a 10 MB schema would take half an hour before a single
// step of the check above is counted.
const MaxSchemas = 20_000

// stepCounter is attached to every subschema through a vocabulary of
// gocfg's own (no keyword: it only counts), and stops the library's
// validator by panicking with errTooManySteps, recovered in Check.
type stepCounter struct {
	n, limit int64
}

type tooManySteps struct{ limit int64 }

func (c *stepCounter) Validate(*jsonschema.ValidatorContext, any) {
	c.n++
	if c.n > c.limit {
		panic(tooManySteps{c.limit})
	}
}

// countingVocabulary attaches c to every subschema. Its meta-schema is
// true: it adds no keyword, so it accepts every schema.
func countingVocabulary(c *stepCounter) *jsonschema.Vocabulary {
	return &jsonschema.Vocabulary{
		URL:    "urn:gocfg:steps",
		Schema: trueSchema,
		Compile: func(*jsonschema.CompilerContext, map[string]any) (jsonschema.SchemaExt, error) {
			return c, nil
		},
	}
}

var trueSchema = func() *jsonschema.Schema {
	c := jsonschema.NewCompiler()
	if err := c.AddResource("urn:gocfg:true", true); err != nil {
		panic(err) // a constant document: cannot fail
	}
	return c.MustCompile("urn:gocfg:true")
}()

// Violation is one failed rule.
type Violation struct {
	Path    []string // where in the validated value (segments, from its root)
	Keyword string   // the keyword that failed ("type", "minimum", "required", ...)
	// Message reads as "got string, want integer"; it may quote the value.
	Message string
	// Masked is Message without the value itself, for values the caller
	// must not show (secrets): "does not match pattern '^a'".
	Masked string
	// SchemaPath is the keyword's location in the schema (a JSON pointer
	// fragment, "#/properties/port/minimum", or a resource URL with one).
	SchemaPath string
}

// refuseLoader answers every request to load a document: validation never
// touches the network or the file system.
type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("gocfg does not fetch schemas: put the referenced schema under $defs, or pass it as a resource")
}

// Resources reads a JSON object mapping absolute URLs to schema documents
// (empty data: none), for Compile.
func Resources(data []byte) (map[string][]byte, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	if d := jsonDepth(data); d > value.MaxDepth {
		return nil, fmt.Errorf("resources nest more than %d levels deep: %w", value.MaxDepth, errs.ErrInvalidArgument)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("resources must be a JSON object of URL to schema: %v: %w", err, errs.ErrInvalidArgument)
	}
	out := make(map[string][]byte, len(m))
	for u, doc := range m {
		out[u] = doc
	}
	return out, nil
}

// Options change how a schema is compiled.
type Options struct {
	// AssertFormat makes "format" a check in every draft.
	AssertFormat bool
	// BaseSteps replaces the constant BaseSteps when positive (tests).
	BaseSteps int64
}

// Compile reads a schema from JSON text. resources maps absolute URLs to
// JSON documents that "$ref" may name (the only documents besides the
// schema itself that a reference can reach). A malformed document is
// errs.ErrParse; a document that is not a valid schema, a reference that
// reaches outside, or a document over the nesting bound is
// errs.ErrInvalidArgument.
func Compile(schemaJSON []byte, resources map[string][]byte, opts Options) (*Schema, error) {
	doc, err := decode(schemaJSON, "schema")
	if err != nil {
		return nil, err
	}
	schemas := countSchemas(doc)
	c := jsonschema.NewCompiler()
	steps := &stepCounter{}
	c.RegisterVocabulary(countingVocabulary(steps))
	c.AssertVocabs()
	c.DefaultDraft(jsonschema.Draft2020)
	if opts.AssertFormat {
		c.AssertFormat()
	}
	c.UseLoader(refuseLoader{})
	urls := make([]string, 0, len(resources))
	for u := range resources {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	for _, u := range urls {
		d, err := decode(resources[u], "resource "+u)
		if err != nil {
			return nil, err
		}
		if schemas += countSchemas(d); schemas > MaxSchemas {
			break // refused below, once, with the schema's own count
		}
		if err := c.AddResource(u, d); err != nil {
			return nil, fmt.Errorf("resource %s: %v: %w", u, err, errs.ErrInvalidArgument)
		}
	}
	if schemas > MaxSchemas {
		return nil, fmt.Errorf("the schema and its resources hold more than %d subschemas (objects and booleans), "+
			"which would take too long to compile; the limit is fixed: %w", MaxSchemas, errs.ErrInvalidArgument)
	}
	if err := c.AddResource(rootURL, doc); err != nil {
		return nil, fmt.Errorf("schema: %v: %w", err, errs.ErrInvalidArgument)
	}
	s, err := compile(c)
	if err != nil {
		msg := strings.ReplaceAll(err.Error(), rootURL, "<schema>")
		msg = strings.ReplaceAll(msg, "gocfg:///", "")
		return nil, fmt.Errorf("invalid schema: %s: %w", msg, errs.ErrInvalidArgument)
	}
	base := int64(BaseSteps)
	if opts.BaseSteps > 0 {
		base = opts.BaseSteps
	}
	return &Schema{s: s, steps: steps, base: base}, nil
}

// compile runs the library's compiler, which reports a few malformed
// schemas by panicking: those become errors, not a dead process.
func compile(c *jsonschema.Compiler) (s *jsonschema.Schema, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("the schema could not be compiled (%v)", r)
		}
	}()
	return c.Compile(rootURL)
}

// countSchemas counts the objects and booleans in doc, a decoded document
// (nested at most value.MaxDepth levels, so the walk is bounded).
func countSchemas(doc any) int {
	switch v := doc.(type) {
	case bool:
		return 1
	case map[string]any:
		n := 1
		for _, e := range v {
			n += countSchemas(e)
		}
		return n
	case []any:
		n := 0
		for _, e := range v {
			n += countSchemas(e)
		}
		return n
	}
	return 0
}

// decode reads one JSON document as the library wants it (numbers as
// json.Number, so that none loses digits), refusing trailing data and
// documents nested deeper than value.MaxDepth.
func decode(data []byte, what string) (any, error) {
	if !utf8.Valid(data) {
		// encoding/json would read each bad byte as U+FFFD: a pattern or
		// an enum would then check something else than was written.
		return nil, fmt.Errorf("%s is not valid UTF-8: %w", what, errs.ErrInvalidArgument)
	}
	if d := jsonDepth(data); d > value.MaxDepth {
		return nil, fmt.Errorf("%s nests more than %d levels deep: %w", what, value.MaxDepth, errs.ErrInvalidArgument)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s is not JSON: %v: %w", what, err, errs.ErrParse)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s is not JSON: data after the document: %w", what, errs.ErrParse)
	}
	return doc, nil
}

// jsonDepth is the deepest nesting of brackets in data, outside strings;
// it runs before decoding so that a hostile document never reaches a
// recursive walk.
func jsonDepth(data []byte) int {
	depth, deepest, inString, escaped := 0, 0, false, false
	for _, b := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
		case b == '"':
			inString = true
		case b == '{' || b == '[':
			depth++
			if depth > deepest {
				deepest = depth
			}
		case b == '}' || b == ']':
			depth--
		}
	}
	return deepest
}

// Instance is a value copied into the form the validator reads; it shares
// nothing with the tree it came from, so it can be made under a config's
// lock and checked after the lock is released.
type Instance struct {
	v      any
	values int // how many values it holds, for the step bound
}

// NewInstance copies v (a gocfg value).
func NewInstance(v any) (Instance, error) {
	n := 0
	inst, err := instance(v, 0, &n)
	return Instance{inst, n}, err
}

// Validate checks v (a gocfg value) and returns at most MaxViolations
// violations, with the count of all of them. Paths are relative to v.
func (s *Schema) Validate(v any) ([]Violation, int, error) {
	inst, err := NewInstance(v)
	if err != nil {
		return nil, 0, err
	}
	return s.Check(inst)
}

// Check is Validate on a value already copied.
func (s *Schema) Check(inst Instance) ([]Violation, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.steps.n, s.steps.limit = 0, s.base+StepsPerValue*int64(inst.values)
	err := s.run(inst.v)
	if err == nil {
		return nil, 0, nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		if errors.Is(err, errs.ErrInvalidArgument) || errors.Is(err, errs.ErrInternal) {
			return nil, 0, err
		}
		return nil, 0, fmt.Errorf("validation failed: %v: %w", err, errs.ErrInternal)
	}
	if c := refCycle(verr); c != nil {
		// Not a fault of the config: the schema cannot be applied to it.
		// The library finds a cycle only when a value reaches it, and
		// reports it among the violations, where it reads as one.
		at := c.URL
		if i := strings.IndexByte(at, '#'); i >= 0 {
			at = at[i:]
		}
		return nil, 0, fmt.Errorf("invalid schema: a $ref cycle: %s and %s both lead to %q: %w",
			c.KeywordLocation2, c.KeywordLocation1, at, errs.ErrInvalidArgument)
	}
	var out []Violation
	collect(verr, func(e *jsonschema.ValidationError) { out = append(out, violation(e)) })
	sort.SliceStable(out, func(i, j int) bool { return lessPath(out[i].Path, out[j].Path) })
	total := len(out)
	if total > MaxViolations {
		out = out[:MaxViolations]
	}
	return out, total, nil
}

// lessPath orders paths as a person reads a document: list indexes by
// number, keys by name.
func lessPath(a, b []string) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] == b[i] {
			continue
		}
		x, errX := strconv.Atoi(a[i])
		y, errY := strconv.Atoi(b[i])
		if errX == nil && errY == nil {
			return x < y
		}
		return a[i] < b[i]
	}
	return len(a) < len(b)
}

// run is the library's Validate, stopped by the step counter.
func (s *Schema) run(v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			t, ok := r.(tooManySteps)
			if !ok {
				err = fmt.Errorf("the validator failed (%v): %w", r, errs.ErrInternal)
				return
			}
			err = fmt.Errorf("validation stopped after %d steps: the schema makes the check grow too large "+
				"(nested allOf/anyOf/oneOf reached through $ref many times over?): %w", t.limit, errs.ErrInvalidArgument)
		}
	}()
	return s.s.Validate(v)
}

// refCycle is the first $ref cycle anywhere in e's tree (also below an
// anyOf, which collect reports as one failure), or nil.
func refCycle(e *jsonschema.ValidationError) *kind.RefCycle {
	stack := []*jsonschema.ValidationError{e}
	for len(stack) > 0 {
		e, stack = stack[len(stack)-1], stack[:len(stack)-1]
		if c, ok := e.ErrorKind.(*kind.RefCycle); ok {
			return c
		}
		stack = append(stack, e.Causes...)
	}
	return nil
}

// collect calls f for each failure a person should read: the leaves of
// the error tree, except that anyOf and oneOf are reported as one failure
// (the failures of each alternative say little alone).
func collect(e *jsonschema.ValidationError, f func(*jsonschema.ValidationError)) {
	switch e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf, *kind.PropertyNames:
		// propertyNames too: its causes are about a key's name, read as
		// a value of its own at no path.
		f(e)
		return
	}
	if len(e.Causes) == 0 {
		f(e)
		return
	}
	for _, c := range e.Causes {
		collect(c, f)
	}
}

// printer writes the library's messages.
var printer = message.NewPrinter(language.English)

// numeric is the message of the kinds that print numbers, which the
// library's printer groups ("1,024"): a config file writes 1024, and
// bounds print exactly (not through float64). "" for the other kinds.
func numeric(k jsonschema.ErrorKind) string {
	rat := func(name string, got, want *big.Rat) string {
		return fmt.Sprintf("%s: got %s, want %s", name, ratString(got), ratString(want))
	}
	count := func(name string, got, want int) string {
		return fmt.Sprintf("%s: got %d, want %d", name, got, want)
	}
	switch k := k.(type) {
	case *kind.Minimum:
		return rat("minimum", k.Got, k.Want)
	case *kind.Maximum:
		return rat("maximum", k.Got, k.Want)
	case *kind.ExclusiveMinimum:
		return rat("exclusiveMinimum", k.Got, k.Want)
	case *kind.ExclusiveMaximum:
		return rat("exclusiveMaximum", k.Got, k.Want)
	case *kind.MultipleOf:
		return fmt.Sprintf("%s is not a multiple of %s", ratString(k.Got), ratString(k.Want))
	case *kind.MinLength:
		return count("minLength", k.Got, k.Want)
	case *kind.MaxLength:
		return count("maxLength", k.Got, k.Want)
	case *kind.MinItems:
		return count("minItems", k.Got, k.Want)
	case *kind.MaxItems:
		return count("maxItems", k.Got, k.Want)
	case *kind.MinProperties:
		return count("minProperties", k.Got, k.Want)
	case *kind.MaxProperties:
		return count("maxProperties", k.Got, k.Want)
	}
	return ""
}

func violation(e *jsonschema.ValidationError) Violation {
	kw := e.ErrorKind.KeywordPath()
	keyword := ""
	if len(kw) > 0 {
		keyword = kw[0]
	}
	msg := ""
	if k, ok := e.ErrorKind.(*kind.Enum); ok && len(k.Want) > maxEnumShown {
		// The library's message lists every value the enum allows: a
		// schema's enum of 100,000 values of 1 KB made a 100 MB message
		// and took 21 s to report. The first few, and how many in all.
		few := &kind.Enum{Got: k.Got, Want: k.Want[:maxEnumShown]}
		msg = fmt.Sprintf("%s, ... (%d values in all)", few.LocalizedString(printer), len(k.Want))
	} else {
		msg = e.ErrorKind.LocalizedString(printer)
	}
	if m := numeric(e.ErrorKind); m != "" {
		msg = m
	}
	switch k := e.ErrorKind.(type) {
	case *kind.AnyOf:
		msg = fmt.Sprintf("matches none of the %d alternatives of anyOf", len(e.Causes))
	case *kind.OneOf:
		if len(k.Subschemas) > 1 {
			msg = fmt.Sprintf("matches more than one alternative of oneOf (%v)", k.Subschemas)
		} else {
			msg = fmt.Sprintf("matches none of the alternatives of oneOf")
		}
	case *kind.Reference:
		keyword = "$ref"
	case *kind.FalseSchema:
		keyword = "false" // the schema false: nothing is allowed here
		msg = "not allowed here (the schema is false)"
	case *kind.Not:
		keyword = "not"
		msg = "matches the schema under 'not', which it must not"
	case *kind.PropertyNames:
		var why []string
		for _, c := range e.Causes {
			collect(c, func(leaf *jsonschema.ValidationError) { why = append(why, violation(leaf).Message) })
		}
		msg = fmt.Sprintf("the key %s: %s", strconv.Quote(k.Property), strings.Join(why, "; "))
	}
	path := append([]string(nil), e.InstanceLocation...)
	if _, ok := e.ErrorKind.(*kind.PropertyNames); ok {
		// The library hands this error its validator's location slice
		// without a copy, which later siblings overwrite (jsonschema/v6
		// validator.go, "propertyNames"): no path rather than a wrong one;
		// the message names the key.
		path = nil
	}
	schemaPath := strings.Replace(e.SchemaURL, rootURL, "", 1)
	if _, isRef := e.ErrorKind.(*kind.Reference); !isRef && len(kw) > 0 {
		schemaPath += "/" + strings.Join(kw, "/")
	}
	hidden := masked(e.ErrorKind, msg)
	if quotesCredential(e.ErrorKind) {
		// The value holds a credential (a URL's password, "password=..."):
		// said as for a secret key's value, not quoted. Masking the quoted
		// text instead would not do: the quoting escapes the value's own
		// quotes ('password=\'a b\''), which hides where it ends.
		msg = hidden
	}
	// A message may quote the value (a pattern's or format's failure quotes
	// a 1 MB string whole) or the schema (a const of 10 MB): bounded as
	// the library's error messages are.
	return Violation{
		Path:       path,
		Keyword:    keyword,
		Message:    errs.Bound(msg),
		Masked:     errs.Bound(hidden),
		SchemaPath: schemaPath,
	}
}

// quotesCredential reports whether k's message would quote a string
// value that holds a credential (secretvalue).
func quotesCredential(k jsonschema.ErrorKind) bool {
	var got any
	switch k := k.(type) {
	case *kind.Pattern:
		got = k.Got
	case *kind.Format:
		got = k.Got
	case *kind.Enum:
		got = k.Got
	case *kind.Const:
		got = k.Got
	}
	s, ok := got.(string)
	return ok && secretvalue.Holds(s)
}

// maxEnumShown is how many of an enum's values a violation's message lists.
const maxEnumShown = 10

// masked is the message for a value that must not be shown: the kinds
// whose message quotes the value get one of their own, saying what was
// wanted; the others never quote it.
func masked(k jsonschema.ErrorKind, msg string) string {
	switch k := k.(type) {
	case *kind.Pattern:
		return fmt.Sprintf("does not match pattern %s", strconv.Quote(k.Want))
	case *kind.Format:
		return fmt.Sprintf("is not a valid %s", k.Want)
	case *kind.Enum:
		return "is not one of the values enum allows"
	case *kind.Const:
		return "is not the value const asks for"
	case *kind.Minimum:
		return "is below the minimum " + ratString(k.Want)
	case *kind.Maximum:
		return "is above the maximum " + ratString(k.Want)
	case *kind.ExclusiveMinimum:
		return "is not above the exclusive minimum " + ratString(k.Want)
	case *kind.ExclusiveMaximum:
		return "is not below the exclusive maximum " + ratString(k.Want)
	case *kind.MultipleOf:
		return "is not a multiple of " + ratString(k.Want)
	case *kind.InvalidJsonValue:
		return "is not a JSON value"
	case *kind.AdditionalProperties:
		return fmt.Sprintf("has %d key(s) that additionalProperties does not allow", len(k.Properties))
	case *kind.PropertyNames:
		return "has a key whose name does not fit propertyNames"
	case *kind.Type, *kind.MinLength, *kind.MaxLength, *kind.MinItems, *kind.MaxItems,
		*kind.MinProperties, *kind.MaxProperties, *kind.Required,
		*kind.DependentRequired, *kind.Dependency, *kind.FalseSchema, *kind.AnyOf, *kind.OneOf,
		*kind.AllOf, *kind.Not, *kind.UniqueItems, *kind.Contains, *kind.MinContains, *kind.MaxContains,
		*kind.AdditionalItems, *kind.Reference, *kind.Group, *kind.Schema, *kind.ContentSchema:
		return msg
	}
	// A kind this list does not know (a later version of the library) may
	// quote the value: say only which keyword failed.
	if kw := k.KeywordPath(); len(kw) > 0 {
		return kw[0] + " failed"
	}
	return "failed"
}

// ratString writes a number as its source did: integers in full, other
// numbers as the shortest decimal that reads back the same, or exactly
// when that is short.
func ratString(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	if r.IsInt() {
		return r.Num().String()
	}
	if prec, exact := r.FloatPrec(); exact && prec <= 20 {
		return r.FloatString(prec)
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// instance converts a gocfg value into the library's JSON model.
func instance(v any, depth int, n *int) (any, error) {
	*n++
	if depth > value.MaxDepth {
		return nil, fmt.Errorf("the value nests more than %d levels deep: %w", value.MaxDepth, errs.ErrInvalidArgument)
	}
	switch x := v.(type) {
	case nil, bool, string:
		return x, nil
	case int64:
		return json.Number(strconv.FormatInt(x, 10)), nil
	case *big.Int:
		return json.Number(x.String()), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return x, nil // the library reports these as "not a JSON value"
		}
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".e") {
			s += ".0" // still a float: "1.0", which every draft but 4 counts as an integer
		}
		return json.Number(s), nil
	case time.Time:
		return x.Format(time.RFC3339Nano), nil
	case value.LocalDateTime, value.LocalDate, value.LocalTime:
		return fmt.Sprint(x), nil
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			c, err := instance(item, depth+1, n)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case *value.Map:
		out := make(map[string]any, x.Len())
		var err error
		x.Range(func(k string, item any) bool {
			var c any
			if c, err = instance(item, depth+1, n); err != nil {
				return false
			}
			out[k] = c
			return true
		})
		return out, err
	}
	return nil, fmt.Errorf("a value of Go type %T cannot be validated: %w", v, errs.ErrInternal)
}
