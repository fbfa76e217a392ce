// Package hclfmt reads HCL (HashiCorp Configuration Language: .hcl, and
// Terraform's .tf) into a tree, with github.com/hashicorp/hcl/v2's native
// syntax parser (hclsyntax), and writes trees as HCL attributes.
//
// Reading:
//
//   - An attribute "name = expr" is the key name.
//   - A block becomes a map under its type and then its labels:
//     resource "aws_instance" "web" { ami = "x" } is
//     {"resource": {"aws_instance": {"web": {"ami": "x"}}}}, so blocks of one
//     type with different labels merge (resource.aws_instance.web and
//     resource.aws_instance.db side by side). A block given again with the
//     same type and labels (two ingress { } blocks in a resource, say)
//     makes a list of their maps, in order; a single one stays a map.
//     Blocks whose labels would put one where another holds a value, or an
//     attribute named like a block, are a parse error naming both.
//   - Values are literal: strings (heredocs too, and templates without
//     references, "$${x}" reading as "${x}"), numbers (int64 when written
//     without a fraction or exponent, else float64), bools, null, lists
//     and objects (keys in their written order). Expressions built only
//     from literals are evaluated (-1, 2 * 3, "a" == "a" ? 1 : 2); loops
//     (for expressions, %{for} in templates) are refused, since nested
//     ones over literal lists could ask for an unbounded result.
//   - What needs evaluation (variable references such as var.region or
//     each.key, function calls, templates with "${var.x}") is refused
//     with a parse error naming the expression and its position: gocfg
//     reads configuration, it does not run Terraform. DecodeRaw (the
//     dialect "hcl-raw") keeps such expressions as strings instead.
//   - Integers beyond int64 and numbers beyond float64 are refused.
//   - Nesting is bounded by value.MaxDepth, found from the tokens before
//     parsing.
//
// Writing: a map whose keys are all identifiers is written as a block
// (name { ... }), a list of two or more such maps as repeated blocks, any
// other map as an object literal ({ "key" = value }) and lists as tuple
// literals; reading gives the same tree back. Block labels are not
// written (resource.aws_instance.web becomes nested blocks resource {
// aws_instance { web { ... } } }, which reads back the same but is not
// what Terraform wants): a written file is HCL, not a Terraform module.
package hclfmt

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/secretname"
	"github.com/gocfg/gocfg/gocore/value"
)

// Decode parses an HCL document; expressions that need evaluation are
// errors.
func Decode(data []byte) (*value.Doc, error) { return decode(data, false) }

// DecodeRaw parses an HCL document, keeping each expression that needs
// evaluation as a string of its source text: var.region reads as
// "${var.region}", "web-${var.env}" as "web-${var.env}" (the way hcl2json
// shows them), so Terraform modules can be read and queried.
func DecodeRaw(data []byte) (*value.Doc, error) { return decode(data, true) }

func decode(data []byte, raw bool) (doc *value.Doc, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, textpos.InternalError("parsing HCL", r)
		}
	}()
	if err := textpos.CheckNotUTF16(data); err != nil {
		return nil, err
	}
	if err := textpos.CheckUTF8(data); err != nil {
		return nil, err
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, textpos.ParseErrorAt(data, i, "NUL byte (a string can hold one written as \\u0000)")
	}
	if i := loneCR(data); i >= 0 {
		// hclsyntax ends lines at LF only: after a # or // comment, a
		// file with old-Mac line ends read as one comment line, so every
		// key after it was dropped without a word (elsewhere it is an
		// "Invalid character"). .env and INI refuse it so too.
		return nil, textpos.ParseErrorAt(data, i, "a carriage return that does not end a line (HCL ends lines with LF or CRLF)")
	}
	src := data
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		src = data[3:] // hclsyntax refuses a BOM; columns do not count it
	}
	d := &decoder{data: src, raw: raw, lines: textpos.NewLines(src), bodies: map[*value.Map]string{}, lists: map[string]bool{}}
	if err := d.checkDepth(); err != nil {
		return nil, err
	}
	if err := d.checkLiteralRuns(); err != nil {
		return nil, err
	}
	file, diags := hclsyntax.ParseConfig(src, "", hcl.InitialPos)
	if diags.HasErrors() {
		return nil, d.diagError(diags)
	}
	body, ok := file.Body.(*hclsyntax.Body)
	if !ok {
		return nil, textpos.ParseError(1, 1, "HCL document has no native syntax body")
	}
	root := value.NewMap(0)
	if len(data) <= textpos.MaxPositionsSize {
		d.positions = make(map[string]value.Pos)
	}
	if err := d.body(body, root, "", 1); err != nil {
		return nil, err
	}
	return &value.Doc{Root: root, Positions: d.positions}, nil
}

type decoder struct {
	data      []byte
	raw       bool // keep expressions needing evaluation as "${...}"
	lines     *textpos.Lines
	positions map[string]value.Pos
	// bodies marks the maps made by a block's body (value: the block's
	// description, for errors), as opposed to those made for its labels
	bodies map[*value.Map]string
	// lists marks the paths of lists made by repeated blocks
	lists map[string]bool
	// secret > 0 while reading the value of an attribute, block or object
	// key that names a secret (secretname): errors then quote no
	// expression (quote).
	secret int
}

// quote is the text of r for a message: as written (shortened), or, in
// the value of a secret, a note that it is not shown.
func (d *decoder) quote(r hcl.Range) string {
	if d.secret > 0 {
		return "(a secret's value, not shown)"
	}
	return d.text(r)
}

// secretBefore reports whether the text at offset lies in the value of a
// key that names a secret, as far as the text alone tells, for the
// parser's diagnostics, which come before any tree: the text before it on
// its line ("password = \"%{"), and the line of each brace or bracket left
// open before it ("secrets {", "password = ["). It errs on the side of a
// secret: a secret word anywhere in those texts counts.
func (d *decoder) secretBefore(off int) bool {
	if off > len(d.data) {
		off = len(d.data)
	}
	lineStart := func(i int) int { return bytes.LastIndexByte(d.data[:i], '\n') + 1 }
	if secretname.IsKey(string(d.data[lineStart(off):off])) {
		return true
	}
	depth := 0
	for i := off - 1; i >= 0; i-- {
		switch d.data[i] {
		case '}', ']':
			depth++
		case '{', '[':
			if depth > 0 {
				depth--
				continue
			}
			if secretname.IsKey(string(d.data[lineStart(i):i])) {
				return true
			}
		}
	}
	return false
}

func (d *decoder) pos(offset int) value.Pos {
	l, c := d.lines.Pos(offset)
	return value.Pos{Line: l, Column: c}
}

func (d *decoder) errAt(offset int, format string, args ...any) error {
	p := d.pos(offset)
	return textpos.ParseError(p.Line, p.Column, format, args...)
}

func (d *decoder) record(path string, offset int) {
	if d.positions != nil {
		d.positions[path] = d.pos(offset)
	}
}

// MaxLiteralRun bounds the pieces of text in a row that one string or
// heredoc may hold: hclsyntax's lexer makes a token of each heredoc line
// and of each $${ or %%{ escape, and its parser joins consecutive ones in
// time that grows with the square of their number (a 100 KB heredoc of
// 20,000 lines took 2 s to parse, one of 250,000 lines minutes). A
// ${...} or %{...} sequence ends a run. At the bound, parsing takes about
// half a second.
const MaxLiteralRun = 10000

// checkLiteralRuns refuses a string or heredoc with more than
// MaxLiteralRun pieces of text in a row. Only a document with that many
// lines and escapes can hold one, so most are not lexed here.
func (d *decoder) checkLiteralRuns() error {
	pieces := bytes.Count(d.data, []byte{'\n'}) + bytes.Count(d.data, []byte("${")) + bytes.Count(d.data, []byte("%{"))
	if pieces <= MaxLiteralRun {
		return nil
	}
	toks, _ := hclsyntax.LexConfig(d.data, "", hcl.InitialPos)
	run, start := 0, 0
	for i, t := range toks {
		if t.Type != hclsyntax.TokenStringLit && t.Type != hclsyntax.TokenQuotedLit {
			run = 0
			continue
		}
		if run == 0 {
			start = i
		}
		if run++; run > MaxLiteralRun {
			at := start
			if at > 0 {
				at-- // the opening quote or heredoc marker
			}
			return d.errAt(toks[at].Range.Start.Byte, "a string or heredoc of more than %d lines or $${/%%%%{ escapes in a row (gocfg's bound: hclsyntax's time grows with the square of their number)", MaxLiteralRun)
		}
	}
	return nil
}

// checkDepth refuses nesting deeper than value.MaxDepth: brackets, braces,
// parentheses, strings and template sequences are a level each, and so is
// each operator of a chain, since hclsyntax's parser recurses on both
// (see shape.go). A chain ends at a comma, and at a line's end where that
// ends an item (outside brackets and parentheses).
func (d *decoder) checkDepth() error {
	// Every level and operator holds one of these bytes, so their count
	// bounds the depth; most files have fewer and need no scan.
	bound := 0
	for _, c := range []byte("[{(\"<$%+-*/!?:.=>&|") {
		bound += bytes.Count(d.data, []byte{c})
	}
	if bound <= value.MaxDepth {
		return nil
	}
	failAt, byOperator := tooDeep(d.data)
	switch {
	case failAt < 0:
		return nil
	case byOperator:
		return d.errAt(failAt, "expression nested deeper than %d levels (each operator of a chain is one)", value.MaxDepth)
	default:
		return d.errAt(failAt, "nesting deeper than %d levels", value.MaxDepth)
	}
}

// unnamedRange is how hclsyntax names a place in a detail ("was already
// set at :1,1-2"): a range in a file without a name, which the file's own
// name given around the error does not fill in.
var unnamedRange = regexp.MustCompile(`\bat :(\d+),(\d+)(?:-\d+(?:,\d+)?)?`)

func (d *decoder) diagError(diags hcl.Diagnostics) error {
	for _, diag := range diags {
		if diag.Severity != hcl.DiagError {
			continue
		}
		off := 0
		if diag.Subject != nil {
			off = diag.Subject.Start.Byte
		}
		msg := diag.Summary
		if d.secretBefore(off) {
			// The detail may quote the text, part of a secret's value.
			msg += " (in a secret's value, not shown)"
		} else if diag.Detail != "" {
			msg += ": " + unnamedRange.ReplaceAllString(diag.Detail, "at line $1, column $2")
		}
		if diag.Summary == "Unterminated template string" {
			msg += d.markerWithoutBreak()
		}
		if diag.Summary == "Invalid escape sequence" {
			// A Windows path written as is (C:\Users) is the usual case.
			msg += ` (a backslash starts an escape in an HCL string: a Windows path takes \\ or /, C:\\Users or C:/Users)`
		}
		return d.errAt(off, "%s", msg)
	}
	return textpos.ParseError(1, 1, "%s", diags.Error())
}

// markerWithoutBreak explains a heredoc whose closing marker is the
// file's last line with no line break after it: hclsyntax (and so
// Terraform) end a heredoc only at a marker line that ends with a break,
// and says only that no closing marker was found, with the marker in
// plain sight (a .tfvars saved by an editor that adds no final newline).
// It is "" for any other unterminated string.
func (d *decoder) markerWithoutBreak() string {
	last := d.data[bytes.LastIndexByte(d.data, '\n')+1:]
	marker := string(bytes.TrimLeft(last, " \t"))
	if marker == "" || !hclsyntax.ValidIdentifier(marker) {
		return ""
	}
	for _, open := range []string{"<<" + marker + "\n", "<<-" + marker + "\n", "<<" + marker + "\r\n", "<<-" + marker + "\r\n"} {
		if bytes.Contains(d.data, []byte(open)) {
			return fmt.Sprintf(" (the closing marker %s on the file's last line needs a line break after it, as HCL requires)", marker)
		}
	}
	return ""
}

func (d *decoder) text(r hcl.Range) string {
	if r.Start.Byte < 0 || r.End.Byte > len(d.data) || r.Start.Byte > r.End.Byte {
		return ""
	}
	return textpos.Trim(strings.Join(strings.Fields(string(d.data[r.Start.Byte:r.End.Byte])), " "))
}

// body fills m with the attributes and blocks of b, in source order.
func (d *decoder) body(b *hclsyntax.Body, m *value.Map, path string, depth int) error {
	type item struct {
		at    int
		attr  *hclsyntax.Attribute
		block *hclsyntax.Block
	}
	items := make([]item, 0, len(b.Attributes)+len(b.Blocks))
	for _, a := range b.Attributes {
		items = append(items, item{at: a.SrcRange.Start.Byte, attr: a})
	}
	for _, blk := range b.Blocks {
		items = append(items, item{at: blk.TypeRange.Start.Byte, block: blk})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].at < items[j].at })
	// Blocks of one type and labels become a list of their bodies, one
	// level deeper than a single block's body: count them first, so that
	// a single block's body is as deep as it is (counting the list level
	// for every block let blocks nest only 500 deep).
	seen := make(map[string]int, len(b.Blocks))
	for _, blk := range b.Blocks {
		seen[blockKey(blk)]++
	}
	for _, it := range items {
		if a := it.attr; a != nil {
			if _, dup := m.Get(a.Name); dup {
				return d.errAt(a.NameRange.Start.Byte, "attribute %q has the name of a block in the same body", textpos.Trim(a.Name))
			}
			p := value.AppendPath(path, a.Name)
			secret := secretname.IsKey(a.Name)
			if secret {
				d.secret++
			}
			v, err := d.expr(a.Expr, p)
			if secret {
				d.secret--
			}
			if err != nil {
				return err
			}
			m.Set(a.Name, v)
			d.record(p, a.NameRange.Start.Byte)
			continue
		}
		if err := d.block(it.block, m, path, depth, seen[blockKey(it.block)] > 1); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) describe(blk *hclsyntax.Block) string {
	s := blk.Type
	for _, l := range blk.Labels {
		s += " " + strconv.Quote(l)
	}
	return fmt.Sprintf("%s (line %d)", textpos.Trim(s), d.pos(blk.TypeRange.Start.Byte).Line)
}

// blockKey identifies the blocks that a body makes one list of: the same
// type and labels.
func blockKey(blk *hclsyntax.Block) string {
	return strings.Join(append([]string{blk.Type}, blk.Labels...), "\x00")
}

// block adds blk to m, the map of a body depth levels deep; repeated says
// that other blocks of the body have its type and labels, so that their
// bodies make a list.
func (d *decoder) block(blk *hclsyntax.Block, m *value.Map, path string, depth int, repeated bool) error {
	keys := append([]string{blk.Type}, blk.Labels...)
	if secretname.IsPath(keys) {
		d.secret++
		defer func() { d.secret-- }()
	}
	bodyDepth := depth + len(keys)
	if repeated {
		bodyDepth++
	}
	if bodyDepth > value.MaxDepth {
		return d.errAt(blk.TypeRange.Start.Byte, "block %s nests deeper than %d levels", textpos.Trim(blk.Type), value.MaxDepth)
	}
	offsets := []int{blk.TypeRange.Start.Byte}
	for _, r := range blk.LabelRanges {
		offsets = append(offsets, r.Start.Byte)
	}
	me := d.describe(blk)
	for i, k := range keys {
		if why := textpos.PlainKeyProblem(k); why != "" {
			return d.errAt(offsets[i], "%s", why)
		}
		p := value.AppendPath(path, k)
		old, exists := m.Get(k)
		last := i == len(keys)-1
		if !last {
			if !exists {
				sub := value.NewMap(0)
				m.Set(k, sub)
				d.record(p, offsets[i])
				m, path = sub, p
				continue
			}
			sub, isMap := old.(*value.Map)
			if !isMap || d.bodies[sub] != "" {
				return d.errAt(offsets[i], "block %s puts a label under %q, which holds %s", me, textpos.Trim(k), d.what(old))
			}
			m, path = sub, p
			continue
		}
		body := value.NewMap(0)
		d.bodies[body] = me
		if !exists {
			m.Set(k, body)
			d.record(p, offsets[i])
			return d.body(blk.Body, body, p, bodyDepth)
		}
		switch old := old.(type) {
		case *value.Map:
			if d.bodies[old] == "" {
				return d.errAt(offsets[i], "block %s has fewer labels than the blocks already under %q", me, textpos.Trim(k))
			}
			// a repeated block: the map becomes a list of maps
			m.Set(k, []any{old, body})
			d.lists[p] = true
			if d.positions != nil {
				d.moveUnder(p, value.AppendPath(p, "0"))
			}
			d.record(value.AppendPath(p, "1"), offsets[i])
			return d.body(blk.Body, body, value.AppendPath(p, "1"), bodyDepth)
		case []any:
			if d.lists[p] {
				m.Set(k, append(old, body))
				ip := value.AppendPath(p, strconv.Itoa(len(old)))
				d.record(ip, offsets[i])
				return d.body(blk.Body, body, ip, bodyDepth)
			}
		}
		return d.errAt(offsets[i], "block %s has the name of %s", me, d.what(old))
	}
	return nil
}

// moveUnder re-records the positions at and under from as under to (a
// map turned into the first item of a list).
func (d *decoder) moveUnder(from, to string) {
	var moves [][2]string
	for p := range d.positions {
		if p == from || strings.HasPrefix(p, from+".") {
			moves = append(moves, [2]string{p, to + p[len(from):]})
		}
	}
	for _, mv := range moves {
		d.positions[mv[1]] = d.positions[mv[0]]
		if mv[0] != from {
			delete(d.positions, mv[0])
		}
	}
}

func (d *decoder) what(v any) string {
	if m, ok := v.(*value.Map); ok {
		if desc := d.bodies[m]; desc != "" {
			return "the block " + desc
		}
		return "a map"
	}
	return "an attribute"
}

// expr turns an expression into a value, keeping object keys in their
// written order; what needs evaluation is an error naming it.
func (d *decoder) expr(e hclsyntax.Expression, path string) (any, error) {
	switch e := e.(type) {
	case *hclsyntax.LiteralValueExpr:
		if e.Val.Type() == cty.Number {
			return d.number(e.Val, e.SrcRange, false)
		}
	case *hclsyntax.UnaryOpExpr:
		if lit, ok := e.Val.(*hclsyntax.LiteralValueExpr); ok && e.Op == hclsyntax.OpNegate && lit.Val.Type() == cty.Number {
			return d.number(lit.Val, lit.SrcRange, true)
		}
	case *hclsyntax.TupleConsExpr:
		out := make([]any, 0, len(e.Exprs))
		for i, x := range e.Exprs {
			p := value.AppendPath(path, strconv.Itoa(i))
			v, err := d.expr(x, p)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			d.record(p, x.Range().Start.Byte)
		}
		return out, nil
	case *hclsyntax.ObjectConsExpr:
		out := value.NewMap(len(e.Items))
		for _, it := range e.Items {
			kv, diags := it.KeyExpr.Value(nil)
			if diags.HasErrors() && d.raw {
				kv, diags = cty.StringVal("${"+d.source(it.KeyExpr.Range())+"}"), nil
			}
			if diags.HasErrors() {
				return nil, d.needsEval(it.KeyExpr, diags)
			}
			if kv.IsNull() || !kv.IsKnown() || kv.Type() != cty.String {
				conv, err := keyString(kv)
				if err != nil {
					return nil, d.errAt(it.KeyExpr.Range().Start.Byte, "object key %s: %v", d.quote(it.KeyExpr.Range()), err)
				}
				kv = cty.StringVal(conv)
			}
			k := kv.AsString()
			if why := textpos.PlainKeyProblem(k); why != "" {
				return nil, d.errAt(it.KeyExpr.Range().Start.Byte, "%s", why)
			}
			if _, dup := out.Get(k); dup {
				return nil, d.errAt(it.KeyExpr.Range().Start.Byte, "key %q appears twice in this object", textpos.Trim(k))
			}
			p := value.AppendPath(path, k)
			secret := secretname.IsKey(k)
			if secret {
				d.secret++
			}
			v, err := d.expr(it.ValueExpr, p)
			if secret {
				d.secret--
			}
			if err != nil {
				return nil, err
			}
			out.Set(k, v)
			d.record(p, it.KeyExpr.Range().Start.Byte)
		}
		return out, nil
	}
	// Loops are not evaluated: nested for expressions over literal lists
	// multiply, so a small document could ask for an unbounded result.
	var loop hclsyntax.Node
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		switch n.(type) {
		case *hclsyntax.ForExpr, *hclsyntax.TemplateJoinExpr:
			if loop == nil {
				loop = n
			}
		}
		return nil
	})
	if loop != nil && d.raw {
		return d.rawExpr(e), nil
	}
	if loop != nil {
		return nil, d.errAt(loop.Range().Start.Byte, "the expression %s is a loop (a for expression or %%{for}), which gocfg does not evaluate (format hcl-raw keeps it as \"${...}\" text, as a Terraform module needs)", d.quote(loop.Range()))
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() && d.raw {
		return d.rawExpr(e), nil
	}
	if diags.HasErrors() {
		return nil, d.needsEval(e, diags)
	}
	return d.fromCty(v, e.Range(), 0)
}

// source is the text of r exactly as written.
func (d *decoder) source(r hcl.Range) string {
	if r.Start.Byte < 0 || r.End.Byte > len(d.data) || r.Start.Byte > r.End.Byte {
		return ""
	}
	return string(d.data[r.Start.Byte:r.End.Byte])
}

// rawExpr is an expression needing evaluation as a string: a template's
// literal parts decoded and its interpolations as "${...}" as written;
// any other expression as "${" + its source + "}".
func (d *decoder) rawExpr(e hclsyntax.Expression) string {
	if t, ok := e.(*hclsyntax.TemplateExpr); ok {
		var b strings.Builder
		for _, part := range t.Parts {
			if lit, ok := part.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.String && lit.Val.IsKnown() && !lit.Val.IsNull() {
				b.WriteString(lit.Val.AsString())
				continue
			}
			switch part.(type) {
			case *hclsyntax.TemplateJoinExpr, *hclsyntax.ConditionalExpr:
				// a %{for} or %{if} directive: the whole template as written
				return d.source(t.Range())
			}
			b.WriteString("${" + d.source(part.Range()) + "}")
		}
		return b.String()
	}
	if w, ok := e.(*hclsyntax.TemplateWrapExpr); ok {
		return "${" + d.source(w.Wrapped.Range()) + "}"
	}
	return "${" + d.source(e.Range()) + "}"
}

func keyString(v cty.Value) (string, error) {
	switch {
	case v.IsNull():
		return "", fmt.Errorf("is null")
	case !v.IsKnown():
		return "", fmt.Errorf("is not known")
	case v.Type() == cty.Number:
		return v.AsBigFloat().Text('f', -1), nil
	case v.Type() == cty.Bool:
		return strconv.FormatBool(v.True()), nil
	}
	return "", fmt.Errorf("is a %s, not a string", v.Type().FriendlyName())
}

// needsEval explains that e cannot be read without evaluation.
func (d *decoder) needsEval(e hclsyntax.Expression, diags hcl.Diagnostics) error {
	off := e.Range().Start.Byte
	why := ""
	for _, diag := range diags {
		if diag.Severity == hcl.DiagError {
			why = diag.Summary
			if diag.Subject != nil && diag.Subject.Start.Byte >= off {
				off = diag.Subject.Start.Byte
			}
			break
		}
	}
	if msg := d.bareWord(e); msg != "" {
		return d.errAt(e.Range().Start.Byte, "%s", msg)
	}
	if typeConstraint(e) {
		// "string needs evaluation (Variables not allowed)" named
		// Terraform's type as a variable
		return d.errAt(e.Range().Start.Byte, "the expression %s is a Terraform type constraint, which needs evaluation: gocfg reads literal values only (format hcl-raw keeps such expressions as \"${...}\" text, as a Terraform module needs)", d.quote(e.Range()))
	}
	return d.errAt(off, "the expression %s needs evaluation (%s): gocfg reads literal values only (format hcl-raw keeps such expressions as \"${...}\" text, as a Terraform module needs)", d.quote(e.Range()), why)
}

// typeConstraint reports whether e is written as a Terraform type
// constraint: a primitive type's keyword (string, number, bool, any) or a
// type constructor (list(string), map(any), object({...}), optional(...)).
func typeConstraint(e hclsyntax.Expression) bool {
	switch x := e.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		if len(x.Traversal) != 1 {
			return false
		}
		switch x.Traversal.RootName() {
		case "string", "number", "bool", "any":
			return true
		}
	case *hclsyntax.FunctionCallExpr:
		switch x.Name {
		case "list", "map", "set", "tuple", "object", "optional":
			return true
		}
	}
	return false
}

// bareWord explains a value written without quotes, as in INI, YAML and
// HCL 1 (region = us-east-1, env = prod, enabled = yes in a .tfvars): HCL
// reads such a word as a variable, or us-east-1 as a subtraction of
// variables, and said it needs evaluation. It returns "" for anything
// else, and for the words of Terraform's type constraints (type = string),
// which are expressions.
func (d *decoder) bareWord(e hclsyntax.Expression) string {
	word := d.text(e.Range())
	if word == "" || !(word[0] >= 'a' && word[0] <= 'z' || word[0] >= 'A' && word[0] <= 'Z' || word[0] == '_') {
		return ""
	}
	for i := 0; i < len(word); i++ {
		c := word[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return ""
		}
	}
	switch word {
	case "string", "number", "bool", "any", "list", "map", "set", "object", "tuple":
		return ""
	}
	if d.secretBefore(e.Range().Start.Byte) {
		return "a value without quotes (a secret's value, not shown) reads as a variable, which needs evaluation: HCL strings take quotes"
	}
	switch strings.ToLower(word) {
	case "true", "false", "yes", "no", "on", "off":
		return fmt.Sprintf("%s reads as a variable, which needs evaluation: HCL's booleans are true and false, in lower case (a string takes quotes: %q)", word, word)
	case "none", "nil", "null":
		return fmt.Sprintf("%s reads as a variable, which needs evaluation: HCL's null is null, in lower case (a string takes quotes: %q)", word, word)
	}
	return fmt.Sprintf("the value %s has no quotes, so it reads as a variable, which needs evaluation: HCL strings take quotes (%q); "+
		"a variable reference is kept as text by format hcl-raw", word, word)
}

// number reads a numeric literal: int64 when written without a fraction
// or exponent, else float64.
func (d *decoder) number(v cty.Value, r hcl.Range, negate bool) (any, error) {
	f := new(big.Float).Copy(v.AsBigFloat())
	if negate {
		f.Neg(f)
	}
	src := d.text(r)
	if !strings.ContainsAny(src, ".eE") {
		if i, acc := f.Int64(); acc == big.Exact && f.IsInt() {
			return i, nil
		}
		return nil, d.errAt(r.Start.Byte, "integer %s is beyond 64 bits", d.quote(r))
	}
	x, _ := f.Float64()
	if math.IsInf(x, 0) {
		return nil, d.errAt(r.Start.Byte, "number %s is beyond float64", d.quote(r))
	}
	return x, nil
}

// fromCty converts an evaluated value.
func (d *decoder) fromCty(v cty.Value, r hcl.Range, depth int) (any, error) {
	if depth > value.MaxDepth {
		return nil, d.errAt(r.Start.Byte, "nesting deeper than %d levels", value.MaxDepth)
	}
	if !v.IsKnown() {
		return nil, d.errAt(r.Start.Byte, "the expression %s has no known value", d.quote(r))
	}
	if v.IsNull() {
		return nil, nil
	}
	v, _ = v.Unmark()
	t := v.Type()
	switch {
	case t == cty.String:
		return v.AsString(), nil
	case t == cty.Bool:
		return v.True(), nil
	case t == cty.Number:
		f := v.AsBigFloat()
		if f.IsInt() {
			if i, acc := f.Int64(); acc == big.Exact {
				return i, nil
			}
			return nil, d.errAt(r.Start.Byte, "the expression %s gives an integer beyond 64 bits", d.quote(r))
		}
		x, _ := f.Float64()
		if math.IsInf(x, 0) {
			return nil, d.errAt(r.Start.Byte, "the expression %s gives a number beyond float64", d.quote(r))
		}
		return x, nil
	case t.IsListType() || t.IsTupleType() || t.IsSetType():
		out := make([]any, 0, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			x, err := d.fromCty(ev, r, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, nil
	case t.IsMapType() || t.IsObjectType():
		out := value.NewMap(0)
		for it := v.ElementIterator(); it.Next(); {
			kv, ev := it.Element()
			k := kv.AsString()
			if why := textpos.PlainKeyProblem(k); why != "" {
				return nil, d.errAt(r.Start.Byte, "%s", why)
			}
			x, err := d.fromCty(ev, r, depth+1)
			if err != nil {
				return nil, err
			}
			out.Set(k, x)
		}
		return out, nil
	}
	return nil, d.errAt(r.Start.Byte, "the expression %s gives a %s, which gocfg cannot hold", d.quote(r), t.FriendlyName())
}

// Encode writes root as HCL (see the package doc). Root keys must be HCL
// identifiers; NaN and infinities cannot be written; other refusals name
// the path in an *errs.Located of Kind errs.ErrTypeMismatch.
func Encode(root *value.Map) ([]byte, error) {
	var buf bytes.Buffer
	if err := writeBody(&buf, root, nil, 0); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// identifier says whether k can be written as an attribute or block name.
// hclsyntax.ValidIdentifier takes U+FEFF, which its scanner refuses in
// a name (and skips as a byte order mark at the start of a file): such a
// name wrote a file that did not read back.
func identifier(k string) bool {
	return hclsyntax.ValidIdentifier(k) && !strings.ContainsRune(k, '\uFEFF')
}

// blockable says whether m can be written as a block body: every key an
// identifier (attribute and block names are).
func blockable(m *value.Map) bool {
	ok := true
	m.Range(func(k string, _ any) bool {
		ok = identifier(k)
		return ok
	})
	return ok
}

// writeBody writes the entries of m as a body: maps whose keys are all
// identifiers as blocks, lists of two or more such maps as repeated
// blocks (reading makes them a list again), the rest as attributes.
func writeBody(buf *bytes.Buffer, m *value.Map, path *value.Trail, depth int) error {
	var err error
	m.Range(func(k string, v any) bool {
		p := path.Add(k)
		if !identifier(k) {
			err = textpos.TypeError(p.String(), "HCL cannot express the key %q here: attribute and block names are identifiers (only keys inside an object value may be any string)", textpos.Trim(k))
			return false
		}
		if depth+1 > value.MaxDepth {
			err = textpos.TypeError(p.String(), "nesting deeper than %d levels", value.MaxDepth)
			return false
		}
		var blocks []*value.Map
		switch v := v.(type) {
		case *value.Map:
			if blockable(v) {
				blocks = []*value.Map{v}
			}
		case []any:
			if len(v) >= 2 {
				for _, x := range v {
					if sub, ok := x.(*value.Map); ok && blockable(sub) {
						blocks = append(blocks, sub)
					} else {
						blocks = nil
						break
					}
				}
			}
		}
		for i, b := range blocks {
			bp := p
			if _, isList := v.([]any); isList {
				bp = p.Add(strconv.Itoa(i))
			}
			indent(buf, depth)
			buf.WriteString(k)
			if b.Len() == 0 {
				buf.WriteString(" {}\n")
				continue
			}
			buf.WriteString(" {\n")
			if err = writeBody(buf, b, bp, depth+1); err != nil {
				return false
			}
			indent(buf, depth)
			buf.WriteString("}\n")
		}
		if blocks != nil {
			return true
		}
		indent(buf, depth)
		buf.WriteString(k)
		buf.WriteString(" = ")
		err = writeValue(buf, v, p, depth+1)
		buf.WriteByte('\n')
		return err == nil
	})
	return err
}

func indent(buf *bytes.Buffer, n int) {
	for i := 0; i < n; i++ {
		buf.WriteString("  ")
	}
}

func writeValue(buf *bytes.Buffer, v any, path *value.Trail, depth int) error {
	if depth > value.MaxDepth {
		return textpos.TypeError(path.String(), "nesting deeper than %d levels", value.MaxDepth)
	}
	switch v := v.(type) {
	case nil:
		buf.WriteString("null")
	case bool:
		buf.WriteString(strconv.FormatBool(v))
	case int64:
		buf.WriteString(strconv.FormatInt(v, 10))
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return textpos.TypeError(path.String(), "HCL cannot express %v", v)
		}
		s := strconv.FormatFloat(v, 'g', -1, 64)
		if !strings.ContainsAny(s, ".e") {
			s += ".0" // keeps it a float when read back
		}
		buf.WriteString(s)
	case string:
		if !utf8.ValidString(v) {
			return textpos.TypeError(path.String(), "string is not valid UTF-8")
		}
		writeString(buf, v)
	case time.Time:
		writeString(buf, v.Format(time.RFC3339Nano))
	case value.LocalDateTime, value.LocalDate, value.LocalTime:
		writeString(buf, fmt.Sprint(v))
	case []any:
		if len(v) == 0 {
			buf.WriteString("[]")
			return nil
		}
		buf.WriteString("[\n")
		for i, x := range v {
			indent(buf, depth)
			if err := writeValue(buf, x, path.Add(strconv.Itoa(i)), depth+1); err != nil {
				return err
			}
			buf.WriteString(",\n")
		}
		indent(buf, depth-1)
		buf.WriteByte(']')
	case *value.Map:
		if v.Len() == 0 {
			buf.WriteString("{}")
			return nil
		}
		buf.WriteString("{\n")
		var err error
		v.Range(func(k string, x any) bool {
			p := path.Add(k)
			if why := textpos.PlainKeyProblem(k); why != "" {
				err = textpos.TypeError(p.String(), "%s", why)
				return false
			}
			indent(buf, depth)
			writeString(buf, k)
			buf.WriteString(" = ")
			err = writeValue(buf, x, p, depth+1)
			buf.WriteByte('\n')
			return err == nil
		})
		if err != nil {
			return err
		}
		indent(buf, depth-1)
		buf.WriteByte('}')
	default:
		return textpos.TypeError(path.String(), "HCL cannot express %s", value.AType(v))
	}
	return nil
}

// writeString writes a quoted template that reads back as s exactly: the
// escapes HCL knows, and "${" and "%{" doubled so they are not templates.
func writeString(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"':
			buf.WriteString(`\"`)
		case r == '\\':
			buf.WriteString(`\\`)
		case r == '\n':
			buf.WriteString(`\n`)
		case r == '\r':
			buf.WriteString(`\r`)
		case r == '\t':
			buf.WriteString(`\t`)
		case (r == '$' || r == '%') && i+1 < len(s) && s[i+1] == '{':
			buf.WriteRune(r)
			buf.WriteRune(r)
		case r < 0x20 || r == 0x7f || r == utf8.RuneError:
			fmt.Fprintf(buf, `\u%04X`, r)
		default:
			buf.WriteRune(r)
		}
	}
	buf.WriteByte('"')
}

// loneCR returns the offset of the first CR not followed by LF, or -1.
func loneCR(data []byte) int {
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\r')
		if j < 0 {
			return -1
		}
		i += j
		if i+1 >= len(data) || data[i+1] != '\n' {
			return i
		}
		i += 2
	}
}
