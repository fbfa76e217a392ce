package jsonfmt

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/gocfg/gocfg/gocore/boxes"
	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/value"
)

// Decode parses one JSON document whose root is an object.
//
// The parser is a small hand-written one, not encoding/json, because a
// configuration reader needs things encoding/json does not give:
//
//   - keys keep their order (an object decodes to a *value.Map);
//   - numbers keep their kind: an integer becomes an int64 when it fits and
//     a *big.Int, exactly, when it does not (as Python's json keeps it); a
//     number with a fraction or an exponent becomes a float64, and a float
//     beyond float64 is refused rather than rounded. Integers of more than
//     value.MaxIntDigits digits are refused, as CPython refuses them;
//   - a key repeated in one object keeps its first place and its last
//     value, as Python's json, JavaScript's JSON.parse and encoding/json
//     read it (RFC 8259 leaves it to the reader);
//   - invalid UTF-8 is refused (encoding/json would replace it with U+FFFD),
//     as is a \u escape of a lone surrogate, which no UTF-8 string can hold;
//   - \u0000 is kept, in string values and in keys alike (keys cross the
//     C ABI with their lengths; see store.CheckKey);
//   - nesting deeper than value.MaxDepth is refused; the parser keeps an
//     explicit stack, so even 100,000 open brackets cannot exhaust Go's.
//
// A leading UTF-8 byte order mark is skipped. Every error is an
// *errs.Located with Kind errs.ErrParse and a 1-based line and column,
// except a recovered panic (a bug), which is an errs.ErrInternal error.
func Decode(data []byte) (doc *value.Doc, err error) {
	return DecodeContext(nil, data)
}

// DecodeContext is Decode that stops early, returning ctx's error, once
// ctx is done: a huge document can be abandoned half way.
func DecodeContext(ctx context.Context, data []byte) (*value.Doc, error) {
	return decodeMap(ctx, data, false, true)
}

// DecodeLean is Decode that records no positions while parsing, for a
// plain load that keeps no provenance: about a third less time and far
// less memory. The Doc's Locate parses again with positions, when an
// error found later must be placed (Doc.Position). Parse errors are
// placed exactly either way.
func DecodeLean(data []byte) (*value.Doc, error) {
	return DecodeLeanContext(nil, data)
}

// DecodeLeanContext is DecodeLean that stops early once ctx is done.
func DecodeLeanContext(ctx context.Context, data []byte) (*value.Doc, error) {
	return decodeMap(ctx, data, false, false)
}

// DecodeAll reads a JSON document whatever its root (an object, a list or
// a scalar): JSON has one document per text, so the result has one entry.
func DecodeAll(data []byte) ([]value.AnyDoc, error) {
	return decodeAll(data, false)
}

// DecodeJSONC parses JSON with comments, as VS Code's settings, tsconfig
// and devcontainer files are written: // line comments, /* block */
// comments and a trailing comma before } or ] are allowed; everything else
// is JSON as Decode reads it. Positions, in errors and in the Doc, are those
// of the original text. There is no JSONC encoder: such a tree is written
// back as plain JSON (Encode), so its comments are not kept.
func DecodeJSONC(data []byte) (*value.Doc, error) {
	return DecodeJSONCContext(nil, data)
}

// DecodeJSONCContext is DecodeJSONC that stops early once ctx is done.
func DecodeJSONCContext(ctx context.Context, data []byte) (*value.Doc, error) {
	return decodeMap(ctx, data, true, true)
}

// DecodeJSONCLean is DecodeJSONC without positions, as DecodeLean.
func DecodeJSONCLean(data []byte) (*value.Doc, error) {
	return DecodeJSONCLeanContext(nil, data)
}

// DecodeJSONCLeanContext is DecodeJSONCLean that stops early once ctx is
// done.
func DecodeJSONCLeanContext(ctx context.Context, data []byte) (*value.Doc, error) {
	return decodeMap(ctx, data, true, false)
}

// DecodeJSONCAll is DecodeAll for JSON with comments.
func DecodeJSONCAll(data []byte) ([]value.AnyDoc, error) {
	return decodeAll(data, true)
}

func decodeAll(data []byte, jsonc bool) ([]value.AnyDoc, error) {
	v, positions, _, err := decode(nil, data, jsonc, true)
	if err != nil {
		return nil, err
	}
	return []value.AnyDoc{{Root: v, Positions: positions}}, nil
}

func decodeMap(ctx context.Context, data []byte, jsonc, withPositions bool) (*value.Doc, error) {
	v, positions, rootOff, err := decode(ctx, data, jsonc, withPositions)
	if err != nil {
		return nil, err
	}
	m, ok := v.(*value.Map)
	if !ok {
		line, col := textpos.LineCol(data, rootOff)
		return nil, textpos.ParseError(line, col, "the root must be a mapping (a JSON object), not %s: %s", value.AType(v), textpos.NotAMapping)
	}
	doc := &value.Doc{Root: m, Positions: positions}
	if !withPositions && len(data) <= textpos.MaxPositionsSize {
		doc.Locate = func() map[string]value.Pos {
			_, positions, _, _ := decode(nil, data, jsonc, true)
			return positions
		}
	}
	return doc, nil
}

// decode parses a document whatever its root; rootOff is where the root
// value starts.
func decode(ctx context.Context, data []byte, jsonc, withPositions bool) (v any, positions map[string]value.Pos, rootOff int, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, positions, err = nil, nil, textpos.InternalError("parsing JSON", r)
		}
	}()
	text := data
	if err := textpos.CheckNotUTF16(data); err != nil {
		return nil, nil, 0, err
	}
	if jsonc {
		if off := textpos.InvalidUTF8(data); off >= 0 {
			return nil, nil, 0, parseErrorAt(data, off, "%s", textpos.UTF8Problem(data, off))
		}
		if text, err = stripJSONC(data); err != nil {
			return nil, nil, 0, err
		}
	}
	p := newParser(text, withPositions && len(data) <= textpos.MaxPositionsSize)
	p.src = data
	p.ctx = ctx
	p.takeScratch()
	v, err = p.document()
	p.giveScratch() // not reached by a panic: a parser left half way keeps its scratch
	if err != nil {
		return nil, nil, 0, err
	}
	return v, p.positions, p.rootOff, nil
}

// parseAny parses a document whatever its root; the conformance tests use it
// to check the grammar apart from the root rule.
func parseAny(data []byte) (any, error) {
	v, _, _, err := decode(nil, data, false, true)
	return v, err
}

// scratch is what a parse uses only while it runs: the stacks of open
// containers, items and entries, and the key table. Decoding a document
// of a config file's size allocated about twice what its tree needs, a
// fifth of it for these; a pooled scratch spares the garbage collector
// that much (its cycles come with the bytes allocated, and each marks
// every tree alive). Given back emptied: nothing in the pool points into
// a tree.
type scratch struct {
	ents   []value.Entry
	items  []any
	stack  []frame
	intern []string
	seed   maphash.Seed
}

var scratches sync.Pool

// scratchMaxLen bounds what is pooled: the stacks of a huge or deeply
// nested document are dropped after it rather than kept.
const scratchMaxLen = 1 << 16

func (p *parser) takeScratch() {
	sc, _ := scratches.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	p.scratch = sc
	p.ents, p.items, p.stack = sc.ents[:0], sc.items[:0], sc.stack[:0]
}

func (p *parser) giveScratch() {
	sc := p.scratch
	if sc == nil {
		return
	}
	p.scratch = nil
	clear(p.ents[:cap(p.ents)])
	clear(p.items[:cap(p.items)])
	clear(p.stack[:cap(p.stack)])
	if p.intern != nil {
		clear(p.intern)
		if cap(p.intern) >= cap(sc.intern) {
			sc.intern, sc.seed = p.intern, p.internSeed
		}
	}
	if cap(p.ents) > scratchMaxLen || cap(p.items) > scratchMaxLen || cap(p.stack) > scratchMaxLen {
		return
	}
	sc.ents, sc.items, sc.stack = p.ents[:0], p.items[:0], p.stack[:0]
	scratches.Put(sc)
}

// frame is an open container. A list's items, and a map's entries when no
// positions are recorded, collect on the parser's scratch stacks (p.items,
// p.ents) from base on, and the container is made once, at its exact
// size, when it closes: appending to each container's own slice cost a
// few doublings per container, most of a big document's allocations. With
// positions a map is built key by key, so that a repeated key can drop the
// first value's positions before the new value records its own.
type frame struct {
	isMap bool
	m     *value.Map // the map built key by key (positions recorded), else nil
	base  int        // where this container's items or entries start in p.items or p.ents
	path  string     // path of the container itself
	key   string     // the key whose value is being parsed (maps only)
}

type parser struct {
	ctx        context.Context // nil: never cancelled
	steps      int             // values parsed, to look at ctx now and then
	data       []byte          // the text parsed (JSONC: comments blanked)
	src        []byte          // the text as given, for positions (columns count its runes)
	i          int
	rootOff    int
	positions  map[string]value.Pos
	budget     textpos.PathBudget
	intern     []string // interned keys (see strInterned), made on the first key
	internSeed maphash.Seed
	ents       []value.Entry    // entries of the open maps (see frame)
	items      []any            // items of the open lists (see frame)
	strs       strings.Builder  // backing store of short strings (see keep)
	strBoxes   boxes.Of[string] // see box.go
	intBoxes   boxes.Of[int64]
	fltBoxes   boxes.Of[float64]
	listBoxes  boxes.Of[[]any]
	maps       value.Maker
	lists      []any   // a block lists are carved from (see closeList)
	stack      []frame // the open containers (see value)
	scratch    *scratch

	// Position tracking: JSON puts newlines only between tokens, so the
	// line is counted while skipping whitespace; the column is advanced
	// lazily from the last known point on the same line.
	line      int
	lineStart int
	colOff    int // offset whose column is colNum
	colNum    int
}

func newParser(data []byte, withPositions bool) *parser {
	p := &parser{data: data, src: data, line: 1, colNum: 1, budget: textpos.NewPathBudget(len(data))}
	if withPositions {
		p.positions = make(map[string]value.Pos)
	}
	return p
}

// pos returns the line and column of offset i, which must lie on the line
// the parser is at (p.line), at or after the last position asked for there:
// callers take a position before skipping the whitespace after it.
func (p *parser) pos(i int) value.Pos {
	if i < p.lineStart {
		// Not expected: the line was left already. Count from the start
		// rather than slicing backwards.
		line, col := textpos.LineCol(p.src, i)
		return value.Pos{Line: line, Column: col}
	}
	if p.colOff < p.lineStart || i < p.colOff {
		p.colOff, p.colNum = p.lineStart, 1
	}
	p.colNum += utf8.RuneCount(p.src[p.colOff:i])
	p.colOff = i
	return value.Pos{Line: p.line, Column: p.colNum}
}

func (p *parser) errAt(off int, format string, args ...any) error {
	return parseErrorAt(p.src, off, format, args...)
}

// parseErrorAt is textpos.ParseErrorAt (a leading byte order mark is not
// a column).
func parseErrorAt(data []byte, off int, format string, args ...any) error {
	return textpos.ParseErrorAt(data, off, format, args...)
}

func (p *parser) skipSpace() {
	// Most calls find a token at once (the space after a colon is one
	// byte): the check is inlined, the loop is not.
	if p.i < len(p.data) && p.data[p.i] > ' ' {
		return
	}
	p.skipSpaces()
}

func (p *parser) skipSpaces() {
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
			// The indentation of the next line, eight spaces at a time
			// (pretty-printed JSON is a third spaces).
			for i+8 <= len(d) {
				x := binary.LittleEndian.Uint64(d[i:]) ^ (0x0101010101010101 * ' ')
				if x != 0 {
					i += bits.TrailingZeros64(x) / 8
					break
				}
				i += 8
			}
		default:
			p.i = i
			return
		}
	}
	p.i = i
}

// sub builds the path of a value for its position, within the budget
// (see textpos.PathBudget): past it, positions are dropped for good.
func (p *parser) sub(parent, seg string) string {
	path := value.AppendPath(parent, seg)
	if !p.budget.Spend(len(path)) {
		p.positions = nil
	}
	return path
}

func (p *parser) setPos(path string, pos value.Pos) {
	if p.positions != nil {
		p.positions[path] = pos
	}
}

func (p *parser) record(path string, off int) {
	if p.positions != nil {
		p.positions[path] = p.pos(off)
	}
}

// posAt is pos when positions are recorded, and free otherwise.
func (p *parser) posAt(off int) value.Pos {
	if p.positions == nil {
		return value.Pos{}
	}
	return p.pos(off)
}

// forget drops the positions recorded for v, the value at path, and
// everything inside it: a repeated key replaces it. The cost is that of
// parsing v, so repeated keys keep decoding linear.
func (p *parser) forget(path string, v any) {
	delete(p.positions, path)
	switch v := v.(type) {
	case *value.Map:
		v.Range(func(k string, item any) bool {
			p.forget(value.AppendPath(path, k), item)
			return true
		})
	case []any:
		for i, item := range v {
			p.forget(value.AppendPath(path, strconv.Itoa(i)), item)
		}
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

// foreignWord names a value of another language that JSON lacks, written
// at d[i] by a tool that is not a JSON encoder (Python's json.dumps writes
// NaN and Infinity unless told allow_nan=False; str() of a dict writes
// True and None; JavaScript has undefined) and why it is refused, or "".
func foreignWord(d []byte, i int) (word, why string) {
	j := i
	for j < len(d) && (d[j] >= 'a' && d[j] <= 'z' || d[j] >= 'A' && d[j] <= 'Z') {
		j++
	}
	switch w := string(d[i:j]); w {
	case "NaN", "Infinity":
		return w, "JSON has no such number; Python's json.dumps writes it unless allow_nan=False; null or a string stands in for it"
	case "True", "False", "None":
		return w, fmt.Sprintf("Python's, not JSON's: JSON writes %s; json.dumps writes JSON, str() of a dict does not", map[string]string{"True": "true", "False": "false", "None": "null"}[w])
	case "undefined":
		return w, "JavaScript's, not JSON's: JSON writes null"
	}
	return "", ""
}

// unexpected describes the token at d[i] that the grammar does not allow
// there, naming the two JSONC features a .json file most often holds
// (tsconfig.json and VS Code's settings.json take both): a JSONC document
// reaches the parser with them blanked, so here they are always strict
// JSON's errors.
func unexpected(d []byte, i int) string {
	what := describe(d, i)
	if i+1 < len(d) && d[i] == '/' && (d[i+1] == '/' || d[i+1] == '*') {
		return what + ` (a comment, which JSON does not allow: format "jsonc" reads comments and trailing commas)`
	}
	if i < len(d) && d[i] == '\'' {
		return what + ` (a single-quoted string, as JSON5 writes them: JSON and JSONC strings take double quotes)`
	}
	if i < len(d) && (d[i] == '}' || d[i] == ']') {
		j := i - 1
		for j >= 0 && (d[j] == ' ' || d[j] == '\t' || d[j] == '\n' || d[j] == '\r') {
			j--
		}
		if j >= 0 && d[j] == ',' {
			return what + ` after a trailing comma, which JSON does not allow (format "jsonc" reads trailing commas and comments)`
		}
	}
	return what
}

func (p *parser) document() (any, error) {
	if off := textpos.InvalidUTF8(p.src); off >= 0 {
		return nil, p.errAt(off, "%s", textpos.UTF8Problem(p.src, off))
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
		j := p.i
		for j > 0 && (p.data[j-1] == ' ' || p.data[j-1] == '\t') {
			j--
		}
		if c := p.data[p.i]; (c == '{' || c == '[') && j > 0 && (p.data[j-1] == '\n' || p.data[j-1] == '\r') {
			// A value a line: JSON Lines (.jsonl, .ndjson), or logs.
			return nil, p.errAt(p.i, "unexpected %s after the top-level value: a second value starts this line, "+
				"and a file of one JSON value a line (JSON Lines) is no JSON document; read it line by line, or make the values a list [...]", unexpected(p.data, p.i))
		}
		return nil, p.errAt(p.i, "unexpected %s after the top-level value", unexpected(p.data, p.i))
	}
	return v, nil
}

// value parses one value with an explicit stack of open containers.
func (p *parser) value() (any, error) {
	stack := p.stack[:0]
	defer func() { p.stack = stack }() // for giveScratch
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
			f := frame{path: path, isMap: c == '{', base: len(p.items)}
			if c == '{' {
				f.base = len(p.ents)
				if p.positions != nil {
					f.m = value.NewMap(0)
				}
			}
			stack = append(stack, f)
			p.skipSpace()
			top := &stack[len(stack)-1]
			if c == '{' {
				if p.i < len(d) && d[p.i] == '}' {
					p.i++
					v = p.maps.Make(nil)
					stack = stack[:len(stack)-1]
					break
				}
				// The key's position is taken before key() moves past
				// the colon and any line breaks around it.
				keyPos := p.posAt(p.i)
				if err := p.key(top); err != nil {
					return nil, err
				}
				if p.positions != nil {
					path = p.sub(top.path, top.key)
					p.setPos(path, keyPos)
				}
				continue
			}
			if p.i < len(d) && d[p.i] == ']' {
				p.i++
				v = []any{}
				stack = stack[:len(stack)-1]
				break
			}
			if p.positions != nil {
				path = p.sub(top.path, "0")
				p.record(path, p.i)
			}
			continue
		case c == '"':
			s, err := p.str()
			if err != nil {
				return nil, err
			}
			v = p.strBoxes.Box(boxes.String, s, firstBoxes)
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
			if w, why := foreignWord(d, start); w != "" {
				return nil, p.errAt(start, "unexpected %s: expected a value (%s)", w, why)
			}
			return nil, p.errAt(start, "unexpected %s: expected a value", unexpected(d, start))
		}

		// A value is complete: hand it to its container, closing as many
		// containers as end here.
		for {
			if len(stack) == 0 {
				return v, nil
			}
			top := &stack[len(stack)-1]
			switch {
			case top.m != nil:
				top.m.Set(top.key, v)
			case top.isMap:
				p.ents = append(p.ents, value.Entry{Key: top.key, Val: v})
			default:
				p.items = append(p.items, v)
			}
			p.skipSpace()
			if p.i >= len(d) {
				return nil, p.errAt(p.i, "unexpected end of input: expected ',' or '%c'", closer(top))
			}
			c := d[p.i]
			if c == ',' {
				p.i++
				p.skipSpace()
				itemPos := p.posAt(p.i) // before key() skips past line breaks
				if top.isMap {
					if err := p.key(top); err != nil {
						return nil, err
					}
				}
				// Paths are only for positions: without them, no
				// string is built per value.
				if p.positions != nil {
					if top.isMap {
						path = p.sub(top.path, top.key)
					} else {
						path = p.sub(top.path, strconv.Itoa(len(p.items)-top.base))
					}
					p.setPos(path, itemPos)
				}
				break
			}
			if c != closer(top) {
				return nil, p.errAt(p.i, "unexpected %s: expected ',' or '%c'", unexpected(d, p.i), closer(top))
			}
			p.i++
			switch {
			case top.m != nil:
				v = top.m
			case top.isMap:
				v = p.maps.Make(p.ents[top.base:])
				p.ents = p.ents[:top.base]
			default:
				v = p.listBoxes.Box(boxes.List, p.closeList(p.items[top.base:]), firstBoxes)
				p.items = p.items[:top.base]
			}
			stack = stack[:len(stack)-1]
		}
	}
}

// closeList returns a copy of items, never nil (an empty list is []),
// carved from a block shared by many lists as value.Maker does for maps:
// its capacity is its length, so an append to it moves it elsewhere.
func (p *parser) closeList(items []any) []any {
	n := len(items)
	if n > listsBlock/4 {
		list := make([]any, n)
		copy(list, items)
		return list
	}
	if cap(p.lists)-len(p.lists) < n || p.lists == nil {
		p.lists = make([]any, 0, max(n, nextBlock(cap(p.lists), listsBlock)))
	}
	at := len(p.lists)
	p.lists = append(p.lists, items...)
	return p.lists[at : at+n : at+n]
}

const listsBlock = 256

func closer(f *frame) byte {
	if f.isMap {
		return '}'
	}
	return ']'
}

// key parses `"name" :` and leaves p.i at the value (whitespace skipped).
func (p *parser) key(f *frame) error {
	d := p.data
	if p.i >= len(d) || d[p.i] != '"' {
		if p.i < len(d) {
			if c, _ := utf8.DecodeRune(d[p.i:]); c == '_' || c == '$' || unicode.IsLetter(c) {
				// renovate.json5, .eslintrc and JavaScript objects
				// pasted into a .json file write keys bare.
				return p.errAt(p.i, "unexpected %s: expected a string key (an unquoted key, as JSON5 and JavaScript write them: JSON and JSONC keys take double quotes)", describe(d, p.i))
			}
		}
		return p.errAt(p.i, "unexpected %s: expected a string key", unexpected(d, p.i))
	}
	off := p.i
	k, plain, err := p.strInterned()
	if err != nil {
		return err
	}
	if !plain {
		if why := textpos.KeyProblem(k); why != "" {
			return p.errAt(off, "%s", why)
		}
	}
	// Without positions a repeated key is settled when the map is built
	// (value.Maker); with them, the first value's positions go now.
	if f.m != nil && p.positions != nil {
		if old, dup := f.m.Get(k); dup {
			// The last value wins (see Decode).
			p.forget(value.AppendPath(f.path, k), old)
		}
	}
	p.skipSpace()
	if p.i >= len(d) || d[p.i] != ':' {
		return p.errAt(p.i, "unexpected %s: expected ':' after key %q", unexpected(d, p.i), textpos.Trim(k))
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

// Keys repeat (every service of a list has "name", "port", ...): the
// parser gives each recurring key one string, as json.loads' memo does, so
// a held tree keeps one copy of "timeout_ms" rather than thousands. The
// memo is a table indexed by the key's hash, each slot holding the last
// key that landed there: bounded (short keys only, a fixed number of
// slots sized to the document), and a lookup is one hash and one compare,
// less than a Go map's, with no growth as new keys come. A key pushed out
// by another is only made again, as a new string.
const (
	internMaxLen   = 64
	internMinSlots = 64
	internMaxSlots = 4096
	internBytes    = 64 // bytes of document per slot, for sizing the table
)

// strInterned is str for keys: an unescaped key seen before comes back as
// the string made the first time, without an allocation. plain reports a
// key read straight from the text (no escape), which the text's UTF-8
// check (see document) already covered.
func (p *parser) strInterned() (s string, plain bool, err error) {
	d := p.data
	start := p.i + 1
	end := bytes.IndexByte(d[start:min(len(d), start+internMaxLen+1)], '"')
	if end < 0 {
		s, err = p.str()
		return s, false, err
	}
	raw := d[start : start+end]
	if bytes.IndexByte(raw, '\\') >= 0 {
		s, err = p.str()
		return s, false, err
	}
	if p.intern == nil {
		n := internMinSlots
		for n < internMaxSlots && n*internBytes < len(d) {
			n *= 2
		}
		if sc := p.scratch; sc != nil && cap(sc.intern) >= n {
			p.intern, p.internSeed = sc.intern[:n], sc.seed
		} else {
			p.intern, p.internSeed = make([]string, n), maphash.MakeSeed()
		}
	}
	slot := &p.intern[maphash.Bytes(p.internSeed, raw)&uint64(len(p.intern)-1)]
	if *slot == string(raw) { // no allocation for the compare (an empty key matches an empty slot, rightly)
		p.i = start + end + 1
		return *slot, true, nil
	}
	s, err = p.str() // checks the bytes (control characters) as for any string
	if err == nil {
		*slot = s
	}
	return s, true, err
}

// Short strings are copied into shared blocks of strsBlock bytes rather
// than one allocation each: a document holds tens of thousands of them.
// A strings.Builder is the block: it only appends, its String() is never
// written again, a substring of it is an ordinary string, and its memory
// is not zeroed first. A block lives as long as any string in it (the
// cost: one kept string keeps its block's 16 KiB).
const (
	strsBlock  = 16 << 10
	strsMaxLen = 256 // longer strings get their own allocation
)

// keep returns a string holding a copy of b.
func (p *parser) keep(b []byte) string {
	if len(b) == 0 || len(b) > strsMaxLen {
		return string(b)
	}
	if p.strs.Cap()-p.strs.Len() < len(b) {
		p.strs = strings.Builder{}
		p.strs.Grow(min(strsBlock, max(len(p.data), strsMaxLen)))
	}
	at := p.strs.Len()
	p.strs.Write(b)
	return p.strs.String()[at:]
}

// plainRun reports whether none of the eight bytes of x (little-endian) is
// a quote, a backslash or a control character (below 0x20), the bytes that
// end a string's fast path. Each test below is the classic "has a zero
// byte" and "has a byte less than n" of eight bytes at once: a byte that
// needs a look sets the high bit of its place in hit; a borrow starts only
// at such a byte, and a byte of 0x80 and up (UTF-8) never sets one, as its
// own high bit masks it.
func plainRun(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q := x ^ (ones * '"')
	b := x ^ (ones * '\\')
	// A zero byte of q or b, or a byte of x below 0x20, sets its high bit
	// in the subtraction while its own high bit is clear.
	hit := ((q - ones) &^ q) | ((b - ones) &^ b) | ((x - ones*0x20) &^ x)
	return hit&highs == 0
}

// str parses a string starting at the opening quote.
func (p *parser) str() (string, error) {
	d := p.data
	start := p.i + 1
	i := start
	// Fast path: no escapes. Eight bytes at a time while none of them
	// needs a look (see plainRun), then byte by byte.
	for i+8 <= len(d) && plainRun(binary.LittleEndian.Uint64(d[i:])) {
		i += 8
	}
	for i < len(d) {
		c := d[i]
		if c == '"' {
			p.i = i + 1
			return p.keep(d[start:i]), nil
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
			// A Windows path written as is (C:\Users) is the usual case.
			return "", p.errAt(i, "invalid escape %s in a string (a backslash starts an escape in JSON: a Windows path takes \\\\ or /, C:\\\\Users or C:/Users)", describe(d, i+1))
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
		if w, why := foreignWord(d, intStart); w != "" {
			return nil, p.errAt(start, "invalid number -%s (%s)", w, why)
		}
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
	p.i = i
	if !isFloat && i-intStart <= 18 {
		// Fits an int64 whatever the digits: no string to parse from.
		var n int64
		for _, c := range d[intStart:i] {
			n = n*10 + int64(c-'0')
		}
		if d[start] == '-' {
			n = -n
		}
		if n >= 0 && n < 256 {
			return n, nil // Go boxes these without allocating
		}
		return p.intBoxes.Box(boxes.Int64, n, firstBoxes), nil
	}
	// Only parsed and quoted from, never kept: no copy.
	text := unsafe.String(&d[start], i-start)
	if !isFloat {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, nil
		}
		if i-intStart > value.MaxIntDigits {
			// the number is not quoted: it may be a secret's value (the
			// position says where it is)
			return nil, p.errAt(start, "an integer with more than %d digits (%d)", value.MaxIntDigits, i-intStart)
		}
		n, ok := new(big.Int).SetString(text, 10)
		if !ok {
			return nil, p.errAt(start, "invalid number")
		}
		return value.Int(n), nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return nil, p.errAt(start, "a number beyond the range of a 64-bit float")
		}
		return nil, p.errAt(start, "invalid number")
	}
	return p.fltBoxes.Box(boxes.Float64, f, firstBoxes), nil
}
