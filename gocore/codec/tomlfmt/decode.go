// Package tomlfmt reads and writes configuration trees as TOML (1.1.0,
// which accepts every TOML 1.0.0 document).
package tomlfmt

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// Decode parses a TOML document.
//
// github.com/pelletier/go-toml/v2 does the parsing (its unstable package
// gives the syntax tree with byte offsets) and converts every value; with
// the checks below, this passes every case of toml-test's TOML 1.1.0
// manifest but one (see README.md).
//
// The document is not handed to toml.Unmarshal: go-toml's check of key
// definitions scans every key seen so far for each new key, so its time
// grows with the square of the number of keys and tables (3 s for a 6 MB
// file, 33 s for an array of 40,000 inline tables). Instead the syntax tree
// is walked here in document order and the table rules (no key or table
// defined twice, dotted keys only through tables dotted keys made, no
// [table] over a dotted-key table or a value, inline tables sealed,
// [[arrays]] only extending arrays of tables) are checked with hash maps.
// Strings, booleans and plain decimal integers are taken from the tree;
// other numbers and datetimes go through toml.Unmarshal one by one, which
// checks and converts them with all of go-toml's rules. The walk keeps key
// order and records where each key, table header and array item starts.
//
// Types: offset datetime -> time.Time (with its offset), local datetime,
// date and time -> value.LocalDateTime, value.LocalDate, value.LocalTime.
// A key may hold NUL (TOML allows "\u0000" in quoted keys). Nesting deeper
// than value.MaxDepth is refused, counting tables, dotted keys, arrays
// and inline tables alike.
func Decode(data []byte) (doc *value.Doc, err error) {
	return decode(data, false, true)
}

// DecodeLean is Decode that records no positions while converting, for a
// plain load that keeps no provenance; the Doc's Locate decodes again
// with them when an error found later must be placed (Doc.Position).
// Parse errors are placed exactly either way.
func DecodeLean(data []byte) (*value.Doc, error) {
	return decode(data, false, false)
}

// DecodeTOML10Lean is DecodeTOML10 without positions, as DecodeLean.
func DecodeTOML10Lean(data []byte) (*value.Doc, error) {
	return decode(data, true, false)
}

// DecodeTOML10 is Decode that holds the document to TOML 1.0.0: what TOML
// 1.1 added is refused (line breaks, comments and a trailing comma inside
// inline tables, the \xHH and \e escapes, times without seconds). Use it
// to check that a file reads with a TOML 1.0 reader, such as Python's
// tomllib before 3.14; the tree is the same as Decode's.
func DecodeTOML10(data []byte) (*value.Doc, error) {
	return decode(data, true, true)
}

func decode(data []byte, v10, withPositions bool) (doc *value.Doc, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, textpos.InternalError("parsing TOML", r)
		}
	}()
	// A byte order mark is refused, as tomllib refuses it (toml-test only
	// says one may not stand anywhere else); the message names it rather
	// than the first of its bytes read as a character.
	switch {
	case len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF:
		return nil, textpos.ParseError(1, 1, "the file starts with a byte order mark (U+FEFF): TOML is UTF-8 text without one (Python's tomllib refuses it too); save the file without the BOM")
	case len(data) >= 2 && (data[0] == 0xFE && data[1] == 0xFF || data[0] == 0xFF && data[1] == 0xFE):
		return nil, textpos.ParseError(1, 1, "the file starts with a UTF-16 byte order mark: TOML files must be UTF-8")
	}
	if err := textpos.CheckNotUTF16(data); err != nil {
		return nil, err // UTF-16 without a byte order mark
	}
	if err := textpos.CheckUTF8(data); err != nil {
		return nil, err
	}
	// A newline is LF or CRLF; in a multi-line string it reads as LF, as
	// tomllib reads it, so that a file checked out on Windows gives the
	// same values. An escaped "\r" is two bytes of text here and stays.
	// Lines and columns do not change: each CR stood at a line's end.
	if bytes.Contains(data, []byte("\r\n")) {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	b := builder{data: data, lines: textpos.NewLines(data), kinds: make(map[*value.Map]map[string]kind), v10: v10, pathBudget: textpos.NewPathBudget(len(data))}
	if withPositions && len(data) <= textpos.MaxPositionsSize {
		b.positions = make(map[string]value.Pos)
	}
	root, err := b.build()
	if err != nil {
		if b.defined {
			firstDefinition(err, &b, data, v10)
		}
		return nil, err
	}
	doc = &value.Doc{Root: root, Positions: b.positions}
	if !withPositions && len(data) <= textpos.MaxPositionsSize {
		doc.Locate = func() map[string]value.Pos {
			d, _ := decode(data, v10, true)
			if d == nil {
				return nil
			}
			return d.Positions
		}
	}
	return doc, nil
}

// firstDefinition adds to err, the refusal of a key or table defined
// before (a pyproject.toml with two [tool.poetry] headers), the line of
// that first definition, as the INI and .env codecs name it. Without
// positions (a plain load keeps none) the document is read again with
// them, to the same error: only a refused document pays.
func firstDefinition(err error, b *builder, data []byte, v10 bool) {
	var le *errs.Located
	if !errors.As(err, &le) || len(data) > textpos.MaxPositionsSize {
		return
	}
	positions, at := b.positions, b.definedAt
	if positions == nil {
		again := builder{data: data, lines: b.lines, kinds: make(map[*value.Map]map[string]kind), v10: v10,
			pathBudget: textpos.NewPathBudget(len(data)), positions: make(map[string]value.Pos)}
		if _, err := again.build(); err == nil || !again.defined {
			return
		}
		positions, at = again.positions, again.definedAt
	}
	if pos, ok := positions[at]; ok && pos.Line < le.Line {
		le.Msg += fmt.Sprintf(" (first on line %d)", pos.Line)
	}
}

// kind is what a key of a table was made by; it decides what may follow.
type kind uint8

const (
	kindValue         kind = iota + 1 // key = value (inline tables and arrays too)
	kindDotted                        // a table made by a dotted key (a.b = 1 makes a)
	kindImplicit                      // a table made as the parent of a [header]
	kindExplicit                      // a table made by its own [header]
	kindArrayOfTables                 // [[header]]
)

func (k kind) String() string {
	switch k {
	case kindValue:
		return "a value"
	case kindDotted:
		return "a table defined by dotted keys"
	case kindImplicit, kindExplicit:
		return "a table"
	case kindArrayOfTables:
		return "an array of tables"
	}
	return "?"
}

type builder struct {
	data      []byte
	lines     *textpos.Lines
	positions map[string]value.Pos
	// pathBudget bounds the bytes of paths positions may cost.
	pathBudget textpos.PathBudget
	kinds      map[*value.Map]map[string]kind
	p          unstable.Parser
	v10        bool // TOML 1.0.0 only (toml10.go)
	inInline   int  // > 0 while converting an inline table (v10 scans the outermost)
	// defined is set, with the key's path (with positions on), when a key
	// or table is refused for being defined before (see firstDefinition).
	defined   bool
	definedAt string
	// arrayStarts holds the offsets of the arrays of the key/value being
	// converted (with positions on), arrayFrom where its value starts,
	// arrayNext the next one to meet, inArray how many arrays the walk is
	// in (arrays.go).
	arrayStarts []int
	arrayFrom   int
	arrayNext   int
	inArray     int
}

// table is where key/values currently land.
type table struct {
	m     *value.Map
	path  string
	depth int
}

func (b *builder) kindOf(m *value.Map, key string) kind {
	return b.kinds[m][key]
}

func (b *builder) setKind(m *value.Map, key string, k kind) {
	km := b.kinds[m]
	if km == nil {
		km = make(map[string]kind)
		b.kinds[m] = km
	}
	km[key] = k
}

func (b *builder) pos(r unstable.Range) (int, int) {
	return b.lines.Pos(int(r.Offset))
}

// sub extends a path by a key. Paths serve only positions: without them
// no string is built per value.
func (b *builder) sub(path, key string) string {
	if b.positions == nil {
		return ""
	}
	p := value.AppendPath(path, key)
	if !b.pathBudget.Spend(len(p)) {
		b.positions = nil // see textpos.PathBudget
	}
	return p
}

// subIndex extends a path by a list index, as sub.
func (b *builder) subIndex(path string, i int) string {
	return b.sub(path, strconv.Itoa(i))
}

func (b *builder) record(path string, r unstable.Range) {
	if b.positions == nil {
		return
	}
	if _, seen := b.positions[path]; seen {
		return
	}
	line, col := b.pos(r)
	b.positions[path] = value.Pos{Line: line, Column: col}
}

func (b *builder) errAt(r unstable.Range, format string, args ...any) error {
	line, col := b.pos(r)
	return textpos.ParseError(line, col, format, args...)
}

// mismatch reports a tree that is not what the walk expects, which would be
// a bug; it is returned, never panicked, and is an internal error rather
// than a ParseError (the document is not at fault).
func (b *builder) mismatch(r unstable.Range, what string) error {
	line, col := b.pos(r)
	return &errs.Located{Kind: errs.ErrInternal, Line: line, Column: col,
		Msg: fmt.Sprintf("internal error: TOML syntax tree disagrees with its decoded value (%s); please report this bug", what)}
}

func (b *builder) build() (*value.Map, error) {
	root := table{m: value.NewMap(0), depth: 1}
	cur := root
	b.p.Reset(b.data)
	for b.p.NextExpression() {
		e := b.p.Expression()
		var err error
		switch e.Kind {
		case unstable.KeyValue:
			err = b.keyValue(cur, e)
		case unstable.Table:
			cur, err = b.header(root, e, false)
		case unstable.ArrayTable:
			cur, err = b.header(root, e, true)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := b.p.Error(); err != nil {
		var pe *unstable.ParserError
		if errors.As(err, &pe) && pe.Highlight != nil {
			r := b.p.Range(pe.Highlight)
			line, col := b.pos(r)
			msg := pe.Message
			// A missing ']' or '}' is reported where the next key
			// stands, lines below the bracket left open: name it.
			if at, what := unclosedBefore(b.data, int(r.Offset)); at >= 0 {
				if oLine, oCol := b.lines.Pos(at); oLine < line {
					msg = fmt.Sprintf("%s (the %s opened at line %d, column %d is not closed)", msg, what, oLine, oCol)
				}
			}
			msg, at := explain(b.data, int(r.Offset), "toml: "+msg)
			if at != int(r.Offset) {
				line, col = b.lines.Pos(at)
			}
			return nil, textpos.ParseError(line, col, "%s", msg)
		}
		return nil, textpos.ParseError(0, 0, "toml: %v", err)
	}
	return root.m, nil
}

func keysOf(e *unstable.Node) []*unstable.Node {
	var keys []*unstable.Node
	it := e.Key()
	for it.Next() {
		keys = append(keys, it.Node())
	}
	return keys
}

func (b *builder) keyString(k *unstable.Node) (string, error) {
	s := string(k.Data)
	if why := textpos.KeyProblem(s); why != "" {
		return "", b.errAt(k.Raw, "%s", why)
	}
	if b.v10 {
		if err := b.check10String(k.Raw); err != nil {
			return "", err
		}
	}
	return s, nil
}

// through moves from t into its child table named by k on the way along a
// [header]'s key, creating it (implicitly defined) when it is new. An array
// of tables stands for its last element, as in TOML.
func (b *builder) through(t table, k *unstable.Node) (table, error) {
	key, err := b.keyString(k)
	if err != nil {
		return t, err
	}
	if t.depth+1 > value.MaxDepth {
		return t, b.errAt(k.Raw, "nesting deeper than %d levels", value.MaxDepth)
	}
	path := b.sub(t.path, key)
	switch kd := b.kindOf(t.m, key); kd {
	case 0:
		m := value.NewMap(0)
		t.m.Set(key, m)
		b.setKind(t.m, key, kindImplicit)
		b.record(path, k.Raw)
		return table{m: m, path: path, depth: t.depth + 1}, nil
	case kindImplicit, kindExplicit, kindDotted:
		v, _ := t.m.Get(key)
		m, ok := v.(*value.Map)
		if !ok {
			return t, b.mismatch(k.Raw, "table "+strconv.Quote(key))
		}
		return table{m: m, path: path, depth: t.depth + 1}, nil
	case kindArrayOfTables:
		v, _ := t.m.Get(key)
		l, ok := v.([]any)
		if !ok || len(l) == 0 {
			return t, b.mismatch(k.Raw, "array of tables "+strconv.Quote(key))
		}
		m, ok := l[len(l)-1].(*value.Map)
		if !ok {
			return t, b.mismatch(k.Raw, "array of tables "+strconv.Quote(key))
		}
		return table{m: m, path: b.subIndex(path, len(l)-1), depth: t.depth + 2}, nil
	default:
		b.defined, b.definedAt = true, path
		return t, b.errAt(k.Raw, "toml: key %s already exists as %s", key, kd)
	}
}

// header handles [a.b.c] and [[a.b.c]] and returns the table that the
// following key/values fill.
func (b *builder) header(root table, e *unstable.Node, array bool) (table, error) {
	keys := keysOf(e)
	if len(keys) == 0 {
		return root, b.mismatch(e.Raw, "table header without a key")
	}
	t := root
	last := len(keys) - 1
	for _, k := range keys[:last] {
		var err error
		if t, err = b.through(t, k); err != nil {
			return t, err
		}
	}
	k := keys[last]
	key, err := b.keyString(k)
	if err != nil {
		return t, err
	}
	path := b.sub(t.path, key)
	kd := b.kindOf(t.m, key)
	if !array {
		if t.depth+1 > value.MaxDepth {
			return t, b.errAt(k.Raw, "nesting deeper than %d levels", value.MaxDepth)
		}
		switch kd {
		case 0:
			m := value.NewMap(0)
			t.m.Set(key, m)
			b.setKind(t.m, key, kindExplicit)
			b.record(path, k.Raw)
			return table{m: m, path: path, depth: t.depth + 1}, nil
		case kindImplicit:
			b.setKind(t.m, key, kindExplicit)
			v, _ := t.m.Get(key)
			m, ok := v.(*value.Map)
			if !ok {
				return t, b.mismatch(k.Raw, "table "+strconv.Quote(key))
			}
			return table{m: m, path: path, depth: t.depth + 1}, nil
		case kindExplicit:
			b.defined, b.definedAt = true, path
			return t, b.errAt(k.Raw, "toml: table %s already exists", key)
		default:
			b.defined, b.definedAt = true, path
			return t, b.errAt(k.Raw, "toml: table %s already exists as %s", key, kd)
		}
	}
	if t.depth+2 > value.MaxDepth {
		return t, b.errAt(k.Raw, "nesting deeper than %d levels", value.MaxDepth)
	}
	var l []any
	switch kd {
	case 0:
		b.setKind(t.m, key, kindArrayOfTables)
		b.record(path, k.Raw)
	case kindArrayOfTables:
		v, _ := t.m.Get(key)
		var ok bool
		if l, ok = v.([]any); !ok {
			return t, b.mismatch(k.Raw, "array of tables "+strconv.Quote(key))
		}
	default:
		return t, b.errAt(k.Raw, "toml: key %s already exists as %s, not an array of tables", key, kd)
	}
	m := value.NewMap(0)
	itemPath := b.subIndex(path, len(l))
	t.m.Set(key, append(l, m))
	b.record(itemPath, keys[0].Raw) // go-toml leaves the header's own Raw unset
	return table{m: m, path: itemPath, depth: t.depth + 2}, nil
}

// keyValue handles `a.b.c = value` inside table t (a [table] or an
// inline table: the rules are the same). Dotted keys go only through tables
// that dotted keys made or that a [header] only implied; the last key must
// be new.
func (b *builder) keyValue(t table, e *unstable.Node) error {
	keys := keysOf(e)
	if len(keys) == 0 {
		return b.mismatch(e.Raw, "key/value without a key")
	}
	last := len(keys) - 1
	for i, k := range keys {
		key, err := b.keyString(k)
		if err != nil {
			return err
		}
		path := b.sub(t.path, key)
		kd := b.kindOf(t.m, key)
		if i == last {
			if kd != 0 {
				b.defined, b.definedAt = true, path
				return b.errAt(k.Raw, "toml: key %s is already defined", key)
			}
			b.record(path, k.Raw)
			if vn := e.Value(); vn.Kind == unstable.Array && b.inArray == 0 {
				end := int(k.Raw.Offset + k.Raw.Length)
				b.arrayStarts, b.arrayFrom, b.arrayNext = nil, end, 0
				if b.positions != nil {
					b.arrayStarts = arrayStarts(b.data, end)
				}
			}
			v, err := b.value(e.Value(), path, t.depth+1)
			if err != nil {
				return err
			}
			t.m.Set(key, v)
			b.setKind(t.m, key, kindValue)
			return nil
		}
		if t.depth+1 > value.MaxDepth {
			return b.errAt(k.Raw, "nesting deeper than %d levels", value.MaxDepth)
		}
		switch kd {
		case 0:
			m := value.NewMap(0)
			t.m.Set(key, m)
			b.setKind(t.m, key, kindDotted)
			b.record(path, k.Raw)
			t = table{m: m, path: path, depth: t.depth + 1}
		case kindDotted, kindImplicit:
			// A table a [header] only implied (the parent of [a.b.c]) may
			// take dotted keys, as tomllib and toml-lang/toml#771 read the
			// specification: pyproject.toml files put
			// [tool.ruff.lint.per-file-ignores] above [tool.ruff]'s
			// lint.select. It is a dotted table from then on, so a
			// later [header] of its own is refused, as tomllib refuses it.
			v, _ := t.m.Get(key)
			m, ok := v.(*value.Map)
			if !ok {
				return b.mismatch(k.Raw, "dotted key")
			}
			b.setKind(t.m, key, kindDotted)
			t = table{m: m, path: path, depth: t.depth + 1}
		default:
			b.defined, b.definedAt = true, path
			return b.errAt(k.Raw, "toml: key %s is already defined (as %s)", key, kd)
		}
	}
	return nil
}

// value converts the value node n at depth.
func (b *builder) value(n *unstable.Node, path string, depth int) (any, error) {
	switch n.Kind {
	case unstable.Array:
		// an array item that is an array has no range: its '['
		i := b.arrayNext
		at := b.nextArrayStart()
		if depth > value.MaxDepth {
			// Named at its '[', as JSON and YAML name theirs (the range
			// of an array held in an array is empty, which read 1:1).
			if at < 0 {
				at = b.arrayAt(i)
			}
			if at >= 0 {
				line, col := b.lines.Pos(at)
				return nil, textpos.ParseError(line, col, "nesting deeper than %d levels", value.MaxDepth)
			}
			return nil, b.errAt(n.Raw, "nesting deeper than %d levels", value.MaxDepth)
		}
		b.recordOffset(path, at)
		b.inArray++
		defer func() { b.inArray-- }()
		out := []any{}
		it := n.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind == unstable.Comment {
				continue
			}
			p := b.subIndex(path, len(out))
			if c.Kind != unstable.Array {
				b.record(p, c.Raw)
			}
			v, err := b.value(c, p, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case unstable.InlineTable:
		if depth > value.MaxDepth {
			return nil, b.errAt(n.Raw, "nesting deeper than %d levels", value.MaxDepth)
		}
		if b.v10 && b.inInline == 0 {
			if err := b.check10Inline(int(n.Raw.Offset)); err != nil {
				return nil, err
			}
		}
		b.inInline++
		defer func() { b.inInline-- }()
		t := table{m: value.NewMap(0), path: path, depth: depth}
		it := n.Children()
		for it.Next() {
			if c := it.Node(); c.Kind == unstable.KeyValue {
				if err := b.keyValue(t, c); err != nil {
					return nil, err
				}
			}
		}
		delete(b.kinds, t.m) // sealed: nothing can be added to it later
		return t.m, nil
	case unstable.String:
		if b.v10 {
			if err := b.check10String(n.Raw); err != nil {
				return nil, err
			}
		}
		return string(n.Data), nil
	case unstable.Bool:
		return len(n.Data) > 0 && n.Data[0] == 't', nil
	case unstable.Integer:
		if plainDecimal(n.Data) {
			if v, err := strconv.ParseInt(string(n.Data), 10, 64); err == nil {
				return v, nil
			}
		}
	}
	// Other numbers and datetimes: go-toml converts and checks them, given
	// as a one-line document.
	mini := make([]byte, 0, len(n.Data)+4)
	mini = append(append(mini, "v = "...), n.Data...)
	var src map[string]any
	if err := toml.Unmarshal(mini, &src); err != nil {
		if n.Kind == unstable.Float && floatOutOfRange(n.Data) {
			// go-toml's message quotes the number, which may be a
			// secret's value: said as the JSON decoder says it.
			return nil, b.errAt(n.Raw, "a number beyond the range of a 64-bit float")
		}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			return nil, b.errAt(n.Raw, "%s", de.Error())
		}
		return nil, b.errAt(n.Raw, "toml: %v", err)
	}
	if b.v10 {
		if err := b.check10Time(n); err != nil {
			return nil, err
		}
	}
	return b.scalarChecked(n, src["v"])
}

// floatOutOfRange reports a TOML float (digits, maybe with underscores)
// too large for a float64.
func floatOutOfRange(d []byte) bool {
	_, err := strconv.ParseFloat(string(bytes.ReplaceAll(d, []byte("_"), nil)), 64)
	return errors.Is(err, strconv.ErrRange)
}

// plainDecimal matches [+-]?(0|[1-9][0-9]*), the integers strconv reads
// exactly as TOML does.
func plainDecimal(d []byte) bool {
	if len(d) > 0 && (d[0] == '+' || d[0] == '-') {
		d = d[1:]
	}
	if len(d) == 0 || (d[0] == '0' && len(d) > 1) {
		return false
	}
	for _, c := range d {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (b *builder) scalar(n *unstable.Node, src any) (any, error) {
	switch v := src.(type) {
	case string, bool, int64, float64:
		return v, nil
	case time.Time:
		return v, nil
	case toml.LocalDate:
		return value.LocalDate{Year: v.Year, Month: v.Month, Day: v.Day}, nil
	case toml.LocalTime:
		return localTime(v), nil
	case toml.LocalDateTime:
		return value.LocalDateTime{
			Date: value.LocalDate{Year: v.Year, Month: v.Month, Day: v.Day},
			Time: localTime(v.LocalTime),
		}, nil
	}
	return nil, b.mismatch(n.Raw, fmt.Sprintf("unexpected %T", src))
}

func localTime(t toml.LocalTime) value.LocalTime {
	return value.LocalTime{Hour: t.Hour, Minute: t.Minute, Second: t.Second, Nanosecond: t.Nanosecond}
}

// unclosedBefore returns the offset of the innermost value bracket ('['
// of an array, '{' of an inline table) still open at offset end of data,
// and what it opens, or -1. It skips strings and comments; a table
// header's brackets close on their own line. Only an error takes this
// scan, once.
func unclosedBefore(data []byte, end int) (int, string) {
	open := openBrackets(data, end)
	if len(open) == 0 {
		return -1, ""
	}
	at := open[len(open)-1]
	if data[at] == '{' {
		return at, "inline table"
	}
	return at, "array"
}

// openBrackets returns the offsets of the value brackets still open at
// offset end of data, outermost first (see unclosedBefore).
func openBrackets(data []byte, end int) []int {
	if end > len(data) {
		end = len(data)
	}
	var open []int
	lineStart := true // no value begun on this line yet: '[' opens a header
	for i := 0; i < end; i++ {
		switch c := data[i]; c {
		case '\n':
			lineStart = true
			continue
		case ' ', '\t', '\r':
			continue
		case '#':
			for i < end && data[i] != '\n' {
				i++
			}
			i--
			continue
		case '"', '\'':
			i = skipString(data[:end], i) - 1 // toml10.go
		case '[':
			if lineStart && len(open) == 0 {
				// a [header] or [[header]]: to its line's end
				for i < end && data[i] != '\n' && data[i] != '#' {
					i++
				}
				i--
			} else {
				open = append(open, i)
			}
		case '{':
			open = append(open, i)
		case ']', '}':
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		}
		lineStart = false
	}
	return open
}
