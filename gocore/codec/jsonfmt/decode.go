package jsonfmt

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/value"
)

// Decode parses one JSON document whose root is an object.
//
// The parser is a small hand-written one, not encoding/json, because a
// configuration reader needs things encoding/json does not give:
//
//   - keys keep their order (an object decodes to a *value.Map);
//   - numbers keep their kind: an integer that fits int64 becomes an int64,
//     a number with a fraction or an exponent becomes a float64, and an
//     integer beyond int64 or a float beyond float64 is refused rather than
//     rounded;
//   - a key repeated in one object is refused, naming the key (RFC 8259 only
//     says names "SHOULD be unique"; silently keeping the last one hides
//     mistakes in hand-edited files);
//   - invalid UTF-8 is refused (encoding/json would replace it with U+FFFD),
//     as is a \u escape of a lone surrogate, which no UTF-8 string can hold;
//   - \u0000 is kept inside string values, but refused inside keys;
//   - nesting deeper than value.MaxDepth is refused; the parser keeps an
//     explicit stack, so even 100,000 open brackets cannot exhaust Go's.
//
// A leading UTF-8 byte order mark is skipped. Every error is an
// *errs.Located with Kind errs.ErrParse and a 1-based line and column.
func Decode(data []byte) (doc *value.Doc, err error) {
	return DecodeContext(nil, data)
}

// DecodeContext is Decode that stops early, returning ctx's error, once
// ctx is done: a huge document can be abandoned half way.
func DecodeContext(ctx context.Context, data []byte) (doc *value.Doc, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, textpos.ParseError(0, 0, "internal error while parsing JSON: %v", r)
		}
	}()
	p := newParser(data, len(data) <= textpos.MaxPositionsSize)
	p.ctx = ctx
	v, err := p.document()
	if err != nil {
		return nil, err
	}
	m, ok := v.(*value.Map)
	if !ok {
		line, col := textpos.LineCol(data, p.rootOff)
		return nil, textpos.ParseError(line, col, "the root must be a mapping (a JSON object), not a %s", value.TypeName(v))
	}
	return &value.Doc{Root: m, Positions: p.positions}, nil
}

// parseAny parses a document whatever its root; the conformance tests use it
// to check the grammar apart from the root rule.
func parseAny(data []byte) (any, error) {
	return newParser(data, false).document()
}

type frame struct {
	m    *value.Map // nil for a list
	list []any
	path string // path of the container itself
	key  string // the key whose value is being parsed (maps only)
}

type parser struct {
	ctx       context.Context // nil: never cancelled
	steps     int             // values parsed, to look at ctx now and then
	data      []byte
	i         int
	rootOff   int
	positions map[string]value.Pos

	// Position tracking: JSON puts newlines only between tokens, so the
	// line is counted while skipping whitespace; the column is advanced
	// lazily from the last known point on the same line.
	line      int
	lineStart int
	colOff    int // offset whose column is colNum
	colNum    int
}

func newParser(data []byte, withPositions bool) *parser {
	p := &parser{data: data, line: 1, colNum: 1}
	if withPositions {
		p.positions = make(map[string]value.Pos)
	}
	return p
}

// pos returns the line and column of offset i, which must not lie before
// the last position asked for on the same line.
func (p *parser) pos(i int) value.Pos {
	if p.colOff < p.lineStart {
		p.colOff, p.colNum = p.lineStart, 1
	}
	if i < p.colOff { // not expected; recompute from the line start
		p.colOff, p.colNum = p.lineStart, 1
	}
	p.colNum += utf8.RuneCount(p.data[p.colOff:i])
	p.colOff = i
	return value.Pos{Line: p.line, Column: p.colNum}
}

func (p *parser) errAt(off int, format string, args ...any) error {
	return textpos.ParseErrorAt(p.data, off, format, args...)
}

func (p *parser) skipSpace() {
	d := p.data
	i := p.i
	for i < len(d) {
		switch d[i] {
		case ' ', '\t', '\r':
			i++
		case '\n':
			i++
			p.line++
			p.lineStart = i
		default:
			p.i = i
			return
		}
	}
	p.i = i
}

func (p *parser) record(path string, off int) {
	if p.positions != nil {
		p.positions[path] = p.pos(off)
	}
}

func describe(d []byte, i int) string {
	if i >= len(d) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(d[i:])
	if r < 0x20 || r == utf8.RuneError {
		return fmt.Sprintf("byte %#x", d[i])
	}
	return fmt.Sprintf("%q", r)
}

func (p *parser) document() (any, error) {
	if off := textpos.InvalidUTF8(p.data); off >= 0 {
		return nil, p.errAt(off, "invalid UTF-8 (byte %#x at offset %d)", p.data[off], off)
	}
	if len(p.data) >= 3 && p.data[0] == 0xEF && p.data[1] == 0xBB && p.data[2] == 0xBF {
		p.i = 3
		p.colOff = 3
	}
	p.skipSpace()
	p.rootOff = p.i
	if p.i >= len(p.data) {
		return nil, p.errAt(p.i, "empty document: expected a JSON object")
	}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i < len(p.data) {
		return nil, p.errAt(p.i, "unexpected %s after the top-level value", describe(p.data, p.i))
	}
	return v, nil
}

// value parses one value with an explicit stack of open containers.
func (p *parser) value() (any, error) {
	var stack []frame
	d := p.data
	path := ""
	for {
		if p.ctx != nil {
			if p.steps++; p.steps%8192 == 0 && p.ctx.Err() != nil {
				return nil, p.ctx.Err()
			}
		}
		// Parse the start of a value at p.i (whitespace already skipped).
		var v any
		if p.i >= len(d) {
			return nil, p.errAt(p.i, "unexpected end of input: expected a value")
		}
		start := p.i
		switch c := d[p.i]; {
		case c == '{' || c == '[':
			if len(stack) >= value.MaxDepth {
				return nil, p.errAt(p.i, "nesting deeper than %d levels", value.MaxDepth)
			}
			p.i++
			f := frame{path: path}
			if c == '{' {
				f.m = value.NewMap(0)
			}
			stack = append(stack, f)
			p.skipSpace()
			top := &stack[len(stack)-1]
			if c == '{' {
				if p.i < len(d) && d[p.i] == '}' {
					p.i++
					v = top.m
					stack = stack[:len(stack)-1]
					break
				}
				keyOff := p.i
				if err := p.key(top); err != nil {
					return nil, err
				}
				path = value.AppendPath(top.path, top.key)
				if p.positions != nil {
					p.record(path, keyOff)
				}
				continue
			}
			if p.i < len(d) && d[p.i] == ']' {
				p.i++
				v = []any{}
				stack = stack[:len(stack)-1]
				break
			}
			path = value.AppendPath(top.path, "0")
			if p.positions != nil {
				p.record(path, p.i)
			}
			continue
		case c == '"':
			s, err := p.str()
			if err != nil {
				return nil, err
			}
			v = s
		case c == '-' || (c >= '0' && c <= '9'):
			n, err := p.number()
			if err != nil {
				return nil, err
			}
			v = n
		case c == 't':
			if err := p.literal("true"); err != nil {
				return nil, err
			}
			v = true
		case c == 'f':
			if err := p.literal("false"); err != nil {
				return nil, err
			}
			v = false
		case c == 'n':
			if err := p.literal("null"); err != nil {
				return nil, err
			}
			v = nil
		default:
			return nil, p.errAt(start, "unexpected %s: expected a value", describe(d, start))
		}

		// A value is complete: hand it to its container, closing as many
		// containers as end here.
		for {
			if len(stack) == 0 {
				return v, nil
			}
			top := &stack[len(stack)-1]
			if top.m != nil {
				top.m.Set(top.key, v)
			} else {
				top.list = append(top.list, v)
			}
			p.skipSpace()
			if p.i >= len(d) {
				return nil, p.errAt(p.i, "unexpected end of input: expected ',' or '%c'", closer(top))
			}
			c := d[p.i]
			if c == ',' {
				p.i++
				p.skipSpace()
				itemOff := p.i
				if top.m != nil {
					if err := p.key(top); err != nil {
						return nil, err
					}
					path = value.AppendPath(top.path, top.key)
				} else {
					path = value.AppendPath(top.path, strconv.Itoa(len(top.list)))
				}
				if p.positions != nil {
					p.record(path, itemOff)
				}
				break
			}
			if c != closer(top) {
				return nil, p.errAt(p.i, "unexpected %s: expected ',' or '%c'", describe(d, p.i), closer(top))
			}
			p.i++
			if top.m != nil {
				v = top.m
			} else {
				if top.list == nil {
					top.list = []any{}
				}
				v = top.list
			}
			stack = stack[:len(stack)-1]
		}
	}
}

func closer(f *frame) byte {
	if f.m != nil {
		return '}'
	}
	return ']'
}

// key parses `"name" :` and leaves p.i at the value (whitespace skipped).
func (p *parser) key(f *frame) error {
	d := p.data
	if p.i >= len(d) || d[p.i] != '"' {
		return p.errAt(p.i, "unexpected %s: expected a string key", describe(d, p.i))
	}
	off := p.i
	k, err := p.str()
	if err != nil {
		return err
	}
	if why := textpos.KeyProblem(k); why != "" {
		return p.errAt(off, "%s", why)
	}
	if _, dup := f.m.Get(k); dup {
		return p.errAt(off, "duplicate key %q in one object", textpos.Trim(k))
	}
	p.skipSpace()
	if p.i >= len(d) || d[p.i] != ':' {
		return p.errAt(p.i, "unexpected %s: expected ':' after key %q", describe(d, p.i), textpos.Trim(k))
	}
	p.i++
	p.skipSpace()
	f.key = k
	return nil
}

func (p *parser) literal(word string) error {
	d := p.data
	if len(d)-p.i >= len(word) && string(d[p.i:p.i+len(word)]) == word {
		p.i += len(word)
		return nil
	}
	return p.errAt(p.i, "invalid literal: expected %q", word)
}

// str parses a string starting at the opening quote.
func (p *parser) str() (string, error) {
	d := p.data
	start := p.i + 1
	i := start
	// Fast path: no escapes.
	for i < len(d) {
		c := d[i]
		if c == '"' {
			p.i = i + 1
			return string(d[start:i]), nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", p.errAt(i, "control character %#x in a string (escape it)", c)
		}
		i++
	}
	buf := make([]byte, 0, i-start+16)
	buf = append(buf, d[start:i]...)
	for i < len(d) {
		c := d[i]
		switch {
		case c == '"':
			p.i = i + 1
			return string(buf), nil
		case c < 0x20:
			return "", p.errAt(i, "control character %#x in a string (escape it)", c)
		case c != '\\':
			buf = append(buf, c)
			i++
			continue
		}
		if i+1 >= len(d) {
			break
		}
		esc := d[i+1]
		switch esc {
		case '"', '\\', '/':
			buf = append(buf, esc)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := hex4(d, i+2)
			if !ok {
				return "", p.errAt(i, `invalid \u escape (expected four hex digits)`)
			}
			n := 6
			if utf16.IsSurrogate(r) {
				r2, ok2 := rune(0), false
				if i+12 <= len(d) && d[i+6] == '\\' && d[i+7] == 'u' {
					r2, ok2 = hex4(d, i+8)
				}
				dec := utf16.DecodeRune(r, r2)
				if !ok2 || dec == utf8.RuneError {
					return "", p.errAt(i, `\u escape of a lone surrogate (%04X) cannot be stored as UTF-8`, r)
				}
				r = dec
				n = 12
			}
			buf = utf8.AppendRune(buf, r)
			i += n
			continue
		default:
			return "", p.errAt(i, "invalid escape %s in a string", describe(d, i+1))
		}
		i += 2
	}
	return "", p.errAt(p.i, "unterminated string")
}

func hex4(d []byte, i int) (rune, bool) {
	if i+4 > len(d) {
		return 0, false
	}
	var r rune
	for _, c := range d[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// number parses a JSON number: an int64 when it has no fraction and no
// exponent, a float64 otherwise.
func (p *parser) number() (any, error) {
	d := p.data
	start := p.i
	i := start
	if d[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
			n++
		}
		return n
	}
	intStart := i
	n := digits()
	if n == 0 {
		return nil, p.errAt(start, "invalid number: expected a digit")
	}
	if n > 1 && d[intStart] == '0' {
		return nil, p.errAt(start, "invalid number: leading zero")
	}
	isFloat := false
	if i < len(d) && d[i] == '.' {
		i++
		isFloat = true
		if digits() == 0 {
			return nil, p.errAt(start, "invalid number: expected a digit after '.'")
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		isFloat = true
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			return nil, p.errAt(start, "invalid number: expected a digit in the exponent")
		}
	}
	text := string(d[start:i])
	p.i = i
	if !isFloat {
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return nil, p.errAt(start, "integer %s does not fit in 64 bits (it is refused rather than rounded)", textpos.Trim(text))
		}
		return n, nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return nil, p.errAt(start, "number %s is beyond the range of a 64-bit float", textpos.Trim(text))
		}
		return nil, p.errAt(start, "invalid number %s", textpos.Trim(text))
	}
	return f, nil
}
