// Package tomlfmt reads and writes configuration trees as TOML (1.1.0,
// which accepts every TOML 1.0.0 document).
package tomlfmt

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/value"
)

// Decode parses a TOML document.
//
// github.com/pelletier/go-toml/v2 does the parsing and all of TOML's
// validation (it passes every case of toml-test's TOML 1.1.0 manifest; see
// README.md). Its map result loses the document's key order, so the tree is
// then built by walking go-toml's own AST (package unstable) in document
// order, taking each leaf's value from the validated map. The walk also
// records where each key, table header and array item starts.
//
// Types: offset datetime -> time.Time (with its offset), local datetime,
// date and time -> value.LocalDateTime, value.LocalDate, value.LocalTime.
// A key holding NUL (TOML allows "\u0000" in quoted keys) is refused, as is
// nesting deeper than value.MaxDepth, counting tables, dotted keys, arrays
// and inline tables alike.
func Decode(data []byte) (doc *value.Doc, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, textpos.ParseError(0, 0, "internal error while parsing TOML: %v", r)
		}
	}()
	if err := textpos.CheckUTF8(data); err != nil {
		return nil, err
	}
	var src map[string]any
	if err := toml.Unmarshal(data, &src); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, col := de.Position()
			return nil, textpos.ParseError(line, col, "%s", de.Error())
		}
		return nil, textpos.ParseError(0, 0, "%v", err)
	}
	b := builder{data: data}
	if len(data) <= textpos.MaxPositionsSize {
		b.lines = textpos.NewLines(data)
		b.positions = make(map[string]value.Pos)
	}
	root, err := b.build(src)
	if err != nil {
		return nil, err
	}
	return &value.Doc{Root: root, Positions: b.positions}, nil
}

type builder struct {
	data      []byte
	lines     *textpos.Lines
	positions map[string]value.Pos
	p         unstable.Parser
}

// table is where key/values currently land: the tree being built, the
// matching part of go-toml's result, the path and the depth.
type table struct {
	m     *value.Map
	src   map[string]any
	path  string
	depth int
}

func (b *builder) pos(r unstable.Range) (int, int) {
	if b.lines == nil {
		return textpos.LineCol(b.data, int(r.Offset))
	}
	return b.lines.Pos(int(r.Offset))
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

// mismatch reports a disagreement between the AST and go-toml's result,
// which would be a bug here or in go-toml; it is returned, never panicked.
func (b *builder) mismatch(r unstable.Range, what string) error {
	return b.errAt(r, "internal error: TOML document structure disagrees with its decoded value (%s)", what)
}

func (b *builder) build(src map[string]any) (*value.Map, error) {
	root := table{m: value.NewMap(0), src: src, depth: 1}
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
		// go-toml accepted the document a moment ago; keep its word.
		return nil, textpos.ParseError(0, 0, "toml: %v", err)
	}
	return root.m, nil
}

func keyString(k *unstable.Node) (string, error) {
	s := string(k.Data)
	if why := textpos.KeyProblem(s); why != "" {
		return "", errors.New(why)
	}
	return s, nil
}

// descend moves from t into its child table named by key node k, creating
// it in the tree when it is new. An array of tables stands for its last
// element, as in TOML.
func (b *builder) descend(t table, k *unstable.Node) (table, error) {
	key, err := keyString(k)
	if err != nil {
		return t, b.errAt(k.Raw, "%v", err)
	}
	path := value.AppendPath(t.path, key)
	if t.depth+1 > value.MaxDepth {
		return t, b.errAt(k.Raw, "nesting deeper than %d levels", value.MaxDepth)
	}
	srcV, ok := t.src[key]
	if !ok {
		return t, b.mismatch(k.Raw, "missing table "+strconv.Quote(key))
	}
	cur, exists := t.m.Get(key)
	switch s := srcV.(type) {
	case map[string]any:
		m, isMap := cur.(*value.Map)
		if !exists {
			m = value.NewMap(0)
			t.m.Set(key, m)
			b.record(path, k.Raw)
		} else if !isMap {
			return t, b.mismatch(k.Raw, "table "+strconv.Quote(key))
		}
		return table{m: m, src: s, path: path, depth: t.depth + 1}, nil
	case []any:
		l, isList := cur.([]any)
		// Only the elements seen so far are built: the last of them is
		// the one a header or dotted key refers to.
		if !isList || len(l) == 0 || len(l) > len(s) {
			return t, b.mismatch(k.Raw, "array of tables "+strconv.Quote(key))
		}
		i := len(l) - 1
		m, isMap := l[i].(*value.Map)
		sm, isSrcMap := s[i].(map[string]any)
		if !isMap || !isSrcMap {
			return t, b.mismatch(k.Raw, "array of tables "+strconv.Quote(key))
		}
		return table{m: m, src: sm, path: value.AppendPath(path, strconv.Itoa(i)), depth: t.depth + 2}, nil
	}
	return t, b.mismatch(k.Raw, "key "+strconv.Quote(key)+" is not a table")
}

// header handles [a.b.c] and [[a.b.c]] and returns the table that the
// following key/values fill.
func (b *builder) header(root table, e *unstable.Node, array bool) (table, error) {
	t := root
	it := e.Key()
	var keys []*unstable.Node
	for it.Next() {
		keys = append(keys, it.Node())
	}
	if len(keys) == 0 {
		return t, b.mismatch(e.Raw, "table header without a key")
	}
	last := len(keys) - 1
	for _, k := range keys[:last] {
		var err error
		if t, err = b.descend(t, k); err != nil {
			return t, err
		}
	}
	if !array {
		return b.descend(t, keys[last])
	}
	k := keys[last]
	key, err := keyString(k)
	if err != nil {
		return t, b.errAt(k.Raw, "%v", err)
	}
	if t.depth+2 > value.MaxDepth {
		return t, b.errAt(k.Raw, "nesting deeper than %d levels", value.MaxDepth)
	}
	path := value.AppendPath(t.path, key)
	s, ok := t.src[key].([]any)
	cur, exists := t.m.Get(key)
	l, isList := cur.([]any)
	if !ok || (exists && !isList) || len(l) >= len(s) {
		return t, b.mismatch(k.Raw, "array of tables "+strconv.Quote(key))
	}
	if !exists {
		b.record(path, k.Raw)
	}
	i := len(l)
	sm, isSrcMap := s[i].(map[string]any)
	if !isSrcMap {
		return t, b.mismatch(k.Raw, "array of tables "+strconv.Quote(key))
	}
	m := value.NewMap(0)
	t.m.Set(key, append(l, m))
	itemPath := value.AppendPath(path, strconv.Itoa(i))
	b.record(itemPath, keys[0].Raw) // the header's own Raw is not set by go-toml
	return table{m: m, src: sm, path: itemPath, depth: t.depth + 2}, nil
}

// keyValue handles `a.b.c = value` inside table t.
func (b *builder) keyValue(t table, e *unstable.Node) error {
	it := e.Key()
	var keys []*unstable.Node
	for it.Next() {
		keys = append(keys, it.Node())
	}
	if len(keys) == 0 {
		return b.mismatch(e.Raw, "key/value without a key")
	}
	last := len(keys) - 1
	for _, k := range keys[:last] {
		var err error
		if t, err = b.descend(t, k); err != nil {
			return err
		}
	}
	k := keys[last]
	key, err := keyString(k)
	if err != nil {
		return b.errAt(k.Raw, "%v", err)
	}
	path := value.AppendPath(t.path, key)
	srcV, ok := t.src[key]
	if !ok {
		return b.mismatch(k.Raw, "missing key "+strconv.Quote(key))
	}
	b.record(path, k.Raw)
	v, err := b.value(e.Value(), srcV, path, t.depth+1)
	if err != nil {
		return err
	}
	t.m.Set(key, v)
	return nil
}

// value converts go-toml's value src, whose AST node is n, at depth.
func (b *builder) value(n *unstable.Node, src any, path string, depth int) (any, error) {
	switch n.Kind {
	case unstable.Array:
		if depth > value.MaxDepth {
			return nil, b.errAt(n.Raw, "nesting deeper than %d levels", value.MaxDepth)
		}
		s, ok := src.([]any)
		if !ok {
			return nil, b.mismatch(n.Raw, "array")
		}
		out := make([]any, 0, len(s))
		it := n.Children()
		for it.Next() {
			if len(out) >= len(s) {
				return nil, b.mismatch(n.Raw, "array length")
			}
			c := it.Node()
			p := value.AppendPath(path, strconv.Itoa(len(out)))
			b.record(p, c.Raw)
			v, err := b.value(c, s[len(out)], p, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		if len(out) != len(s) {
			return nil, b.mismatch(n.Raw, "array length")
		}
		return out, nil
	case unstable.InlineTable:
		if depth > value.MaxDepth {
			return nil, b.errAt(n.Raw, "nesting deeper than %d levels", value.MaxDepth)
		}
		s, ok := src.(map[string]any)
		if !ok {
			return nil, b.mismatch(n.Raw, "inline table")
		}
		t := table{m: value.NewMap(0), src: s, path: path, depth: depth}
		it := n.Children()
		for it.Next() {
			if err := b.keyValue(t, it.Node()); err != nil {
				return nil, err
			}
		}
		return t.m, nil
	}
	return b.scalar(n, src)
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
