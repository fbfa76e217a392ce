package yamlfmt

import (
	"bytes"
	"strconv"

	yaml "go.yaml.in/yaml/v4"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/value"
)

// Large documents are decoded piece by piece.
//
// The library builds a node tree for the whole document before anything
// can be converted, and a node costs about 16 times the bytes it came from:
// a 200 MB file would need over 3 GB of nodes on top of the tree itself.
// So a large document whose structure is plain block style is cut at the
// lines that start its entries, and each piece of about chunkTarget bytes
// is parsed and converted on its own, so only one piece's nodes are alive
// at a time. An entry too big for one piece (the "services:" key that holds
// the whole file) is itself cut the same way, one indentation level down,
// with its lines shifted left so that each piece is a document of its own.
//
// This is only a way to spend less memory: the pieces are accepted only if
// each one parses to exactly the kind of node expected and nothing crosses
// a cut (an alias to an anchor in another piece, a merge key at the cut
// level, a duplicate key across pieces, a scalar continued on a line at the
// cut indentation, a document marker, a tab in an indentation, ...). On any
// doubt the whole document is decoded the ordinary way, which also gives
// every error its usual message and position. FuzzChunked checks that both
// ways give the same tree and positions.
var (
	chunkMin    = 4 << 20 // smaller documents are decoded whole
	chunkTarget = 1 << 20 // bytes of YAML per piece
)

type chunker struct {
	c      *converter
	data   []byte
	starts []int // offset of each line's first byte; one extra at the end
}

// line returns line i without its line break.
func (ch *chunker) line(i int) []byte {
	l := ch.data[ch.starts[i]:ch.starts[i+1]]
	l = bytes.TrimSuffix(l, []byte{'\n'})
	return bytes.TrimSuffix(l, []byte{'\r'})
}

// info describes line i: its indentation in spaces, whether it is blank or a
// comment, and whether a tab shows up in its indentation.
func (ch *chunker) info(i int) (indent int, skip bool, tab bool) {
	l := ch.line(i)
	for indent < len(l) && l[indent] == ' ' {
		indent++
	}
	rest := bytes.TrimLeft(l[indent:], " \t")
	skip = len(rest) == 0 || rest[0] == '#'
	tab = indent < len(l) && l[indent] == '\t' && !skip
	return indent, skip, tab
}

func isSeqItem(s []byte) bool {
	return len(s) > 0 && s[0] == '-' && (len(s) == 1 || s[1] == ' ' || s[1] == '\t')
}

func isMarker(s []byte) bool {
	if len(s) > 0 && s[0] == '%' {
		return true
	}
	if len(s) < 3 || !(bytes.HasPrefix(s, []byte("---")) || bytes.HasPrefix(s, []byte("..."))) {
		return false
	}
	return len(s) == 3 || s[3] == ' ' || s[3] == '\t'
}

// decodeChunked decodes data piecewise, or reports false when it cannot
// vouch for the result (the caller then decodes the whole document).
func (c *converter) decodeChunked(data []byte) (*value.Map, bool) {
	// Pieces leave out some lines (comments before the first entry), so
	// a character that the library's reader refuses anywhere must send
	// the document down the whole path, which reports it.
	if !readable(data) {
		return nil, false
	}
	// The library also counts U+0085, U+2028, U+2029 and a lone CR as line
	// breaks; the cuts here count only LF, so such documents go whole.
	if bytes.Contains(data, []byte("\u2028")) || bytes.Contains(data, []byte("\u2029")) || bytes.Contains(data, []byte("\u0085")) {
		return nil, false
	}
	for i := bytes.IndexByte(data, '\r'); i >= 0; {
		if i+1 >= len(data) || data[i+1] != '\n' {
			return nil, false
		}
		j := bytes.IndexByte(data[i+1:], '\r')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	ch := &chunker{c: c, data: data}
	first := 0
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		first = 3
	}
	ch.starts = append(make([]int, 0, len(data)/16), first)
	for i := first; ; {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		ch.starts = append(ch.starts, i)
	}
	if ch.starts[len(ch.starts)-1] != len(data) {
		ch.starts = append(ch.starts, len(data))
	}
	n := len(ch.starts) - 1
	lo := 0
	// A leading "---" line (alone) may open the document.
	for i := 0; i < n; i++ {
		if _, skip, _ := ch.info(i); skip {
			continue
		}
		if l := bytes.TrimRight(ch.line(i), " \t"); string(l) == "---" {
			lo = i + 1
		}
		break
	}
	v, ok := ch.block(lo, n, 0, "", 1, false)
	if !ok {
		return nil, false
	}
	m, isMap := v.(*value.Map)
	return m, isMap
}

// block decodes lines [lo, hi) whose entries sit at indentation k. seq says
// whether the entries must be sequence items ("- ") rather than map keys;
// at the top level (k == 0 and not seq) they are map keys.
func (ch *chunker) block(lo, hi, k int, path string, depth int, seq bool) (any, bool) {
	if depth > value.MaxDepth {
		return nil, false
	}
	// Find the entries, checking every line on the way.
	var entries []int
	for i := lo; i < hi; i++ {
		indent, skip, tab := ch.info(i)
		if skip {
			continue
		}
		if tab || indent < k {
			return nil, false
		}
		if indent > k {
			if len(entries) == 0 {
				return nil, false // the block must start at its own indentation
			}
			continue
		}
		s := ch.line(i)[k:]
		if isMarker(s) {
			return nil, false
		}
		switch {
		case seq && isSeqItem(s):
			entries = append(entries, i)
		case seq:
			return nil, false
		case isSeqItem(s):
			// A compact sequence under the previous key.
			if len(entries) == 0 {
				return nil, false
			}
		case bytes.IndexByte([]byte("?:&!*{}[],|>@`"), s[0]) >= 0:
			return nil, false // complex keys, properties, flow or block scalar indicators
		default:
			entries = append(entries, i)
		}
	}
	if len(entries) == 0 {
		return nil, false
	}
	var m *value.Map
	var list []any
	if seq {
		list = []any{}
	} else {
		m = value.NewMap(0)
	}
	flushFrom := entries[0]
	flush := func(to int) bool {
		if flushFrom >= to {
			return true
		}
		if !ch.piece(flushFrom, to, k, path, depth, seq, m, &list) {
			return false
		}
		flushFrom = to
		return true
	}
	for idx, e := range entries {
		end := hi
		if idx+1 < len(entries) {
			end = entries[idx+1]
		}
		size := ch.starts[end] - ch.starts[e]
		if !seq && size > chunkTarget {
			if key, kn, child, ok := ch.bareKey(e, end, k); ok {
				if !flush(e) {
					return nil, false
				}
				if _, dup := m.Get(key); dup {
					return nil, false
				}
				p := value.AppendPath(path, key)
				ch.c.lineOff, ch.c.colOff = e, k
				ch.c.record(p, kn)
				v, ok := ch.block(e+1, end, child, p, depth+1, isSeqItem(ch.line(firstContent(ch, e+1, end))[child:]))
				if !ok {
					return nil, false
				}
				m.Set(key, v)
				flushFrom = end
				continue
			}
		}
		if ch.starts[end]-ch.starts[flushFrom] >= chunkTarget {
			if !flush(end) {
				return nil, false
			}
		}
	}
	if !flush(hi) {
		return nil, false
	}
	if seq {
		return list, true
	}
	return m, true
}

func firstContent(ch *chunker, lo, hi int) int {
	for i := lo; i < hi; i++ {
		if _, skip, _ := ch.info(i); !skip {
			return i
		}
	}
	return lo
}

// bareKey reports whether line e is "key:" with nothing after it but a
// comment, followed by a block at a deeper indentation (or a compact
// sequence at the same one), and returns the key, its node and the child
// block's indentation.
func (ch *chunker) bareKey(e, end, k int) (string, *yaml.Node, int, bool) {
	text := append(bytes.Clone(ch.line(e)[k:]), '\n')
	root, err := load(text)
	if err != nil || root == nil || root.Kind != yaml.MappingNode || len(root.Content) != 2 || root.Anchor != "" || root.Style&yaml.TaggedStyle != 0 {
		return "", nil, 0, false
	}
	kn, vn := root.Content[0], root.Content[1]
	if vn.Kind != yaml.ScalarNode || vn.Value != "" || vn.Style != 0 || vn.Anchor != "" || isMergeKey(kn) || kn.Anchor != "" {
		return "", nil, 0, false
	}
	key, err := mapKey(kn)
	if err != nil {
		return "", nil, 0, false
	}
	fc := firstContent(ch, e+1, end)
	if fc >= end {
		return "", nil, 0, false
	}
	indent, skip, _ := ch.info(fc)
	if skip {
		return "", nil, 0, false
	}
	if indent == k && isSeqItem(ch.line(fc)[k:]) {
		return key, kn, k, true
	}
	if indent <= k {
		return "", nil, 0, false
	}
	return key, kn, indent, true
}

// piece parses lines [lo, hi) shifted left by k and adds what they hold to
// m (map entries) or *list (sequence items).
func (ch *chunker) piece(lo, hi, k int, path string, depth int, seq bool, m *value.Map, list *[]any) bool {
	var buf bytes.Buffer
	buf.Grow(ch.starts[hi] - ch.starts[lo] + 16)
	for i := lo; i < hi; i++ {
		l := ch.line(i)
		indent, skip, _ := ch.info(i)
		switch {
		case indent >= k:
			buf.Write(l[k:])
		case skip:
			buf.Write(bytes.TrimLeft(l, " \t"))
		default:
			return false
		}
		if e := ch.starts[i+1]; e > ch.starts[i] && ch.data[e-1] == '\n' {
			buf.WriteByte('\n') // a last line without a break stays so
		}
	}
	root, err := load(buf.Bytes())
	if err != nil || root == nil || root.Anchor != "" || root.Style&(yaml.TaggedStyle|yaml.FlowStyle) != 0 {
		return false
	}
	c := ch.c
	c.lineOff, c.colOff = lo, k
	if seq {
		if root.Kind != yaml.SequenceNode {
			return false
		}
		for _, item := range root.Content {
			p := value.AppendPath(path, strconv.Itoa(len(*list)))
			c.record(p, item)
			v, err := c.convert(item, p, depth+1)
			if err != nil {
				return false
			}
			*list = append(*list, v)
		}
		return true
	}
	if root.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i < len(root.Content); i += 2 {
		if isMergeKey(root.Content[i]) {
			return false
		}
	}
	part, err := c.mapping(root, path, depth)
	if err != nil {
		return false
	}
	ok := true
	part.Range(func(key string, v any) bool {
		if _, dup := m.Get(key); dup {
			ok = false
			return false
		}
		m.Set(key, v)
		return true
	})
	return ok
}

// readable reports whether the library's reader takes every character of
// data: UTF-8 (no UTF-16 byte order mark), and only characters YAML allows
// (no C0 control but tab, LF and CR; no U+FFFE or U+FFFF).
func readable(data []byte) bool {
	if hasUTF16BOM(data) {
		return false
	}
	for _, b := range data {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' {
			return false
		}
	}
	if bytes.Contains(data, []byte("\uFFFE")) || bytes.Contains(data, []byte("\uFFFF")) {
		return false
	}
	return textpos.InvalidUTF8(data) < 0
}
