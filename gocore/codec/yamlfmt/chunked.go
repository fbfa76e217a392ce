package yamlfmt

import (
	"bytes"
	"errors"
	"math"

	yaml "go.yaml.in/yaml/v4"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/errs"
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

// errStepAside is decodeChunked's answer when it cannot vouch for a result:
// the caller decodes the whole document, which gives the usual error.
var errStepAside = errors.New("yaml: the piecewise path steps aside")

// Every line is looked at a bounded number of times, so that the work
// grows with the size of the document whatever its shape. A line's
// indentation is measured once (meta), and next links each line that
// holds content to the next such line indented no deeper; the entries of
// a block are found by following those links rather than by reading
// every line the block holds. Without them a chain of nested keys made
// every level read every line below it: size times depth.
const (
	metaSkip   = 1 << 31 // blank or comment only
	metaTab    = 1 << 30 // a tab where the indentation ends, on a content line
	metaIndent = metaTab - 1
)

type chunker struct {
	c      *converter
	data   []byte
	starts []int32  // offset of each line's first byte; one extra at the end
	meta   []uint32 // per line: indentation in spaces, metaSkip, metaTab
	next   []int32  // per content line: the next content line indented no deeper
	// chain holds the "key:" lines of the blocks being decoded, outermost
	// first, for placing a nesting error exactly (see depthError).
	chain []int32
	// scanned counts line visits after the first pass, so that tests can
	// check that the work is linear without timing anything.
	scanned int
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
	m := ch.meta[i]
	return int(m & metaIndent), m&metaSkip != 0, m&metaTab != 0
}

// measure computes meta for line i.
func measure(l []byte) (uint32, bool) {
	indent := 0
	for indent < len(l) && l[indent] == ' ' {
		indent++
	}
	if indent > metaIndent {
		return 0, false
	}
	rest := bytes.TrimLeft(l[indent:], " \t")
	skip := len(rest) == 0 || rest[0] == '#'
	m := uint32(indent)
	if skip {
		m |= metaSkip
	} else if indent < len(l) && l[indent] == '\t' {
		m |= metaTab
	}
	return m, true
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

// decodeChunked decodes data piecewise. It returns errStepAside when it
// cannot vouch for the result (the caller then decodes the whole
// document), or a parse error it can place exactly as the whole decode
// would: nesting deeper than value.MaxDepth, found as soon as the pieces
// reach it rather than after the whole document was read again.
func (c *converter) decodeChunked(data []byte) (*value.Map, error) {
	if len(data) >= math.MaxInt32 {
		return nil, errStepAside // line offsets are kept in 32 bits
	}
	// Pieces leave out some lines (comments before the first entry), so
	// a character that the library's reader refuses anywhere must send
	// the document down the whole path, which reports it.
	if !readable(data) {
		return nil, errStepAside
	}
	// The library also counts U+0085, U+2028, U+2029 and a lone CR as line
	// breaks; the cuts here count only LF, so such documents go whole.
	if bytes.Contains(data, []byte("\u2028")) || bytes.Contains(data, []byte("\u2029")) || bytes.Contains(data, []byte("\u0085")) {
		return nil, errStepAside
	}
	for i := bytes.IndexByte(data, '\r'); i >= 0; {
		if i+1 >= len(data) || data[i+1] != '\n' {
			return nil, errStepAside
		}
		j := bytes.IndexByte(data[i+1:], '\r')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	ch := &chunker{c: c, data: data}
	if !ch.index() {
		return nil, errStepAside
	}
	n := len(ch.meta)
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
	v, err := ch.block(lo, n, 0, "", 1, false)
	if err != nil {
		return nil, err
	}
	m, isMap := v.(*value.Map)
	if !isMap {
		return nil, errStepAside
	}
	return m, nil
}

// index finds the line starts and fills meta and next, in one pass. It
// reports false when the document is not for the piecewise path: a tab
// in the indentation of a content line (every line belongs to the top
// level block, which would refuse it), or an absurd indentation.
func (ch *chunker) index() bool {
	data := ch.data
	first := 0
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		first = 3
	}
	ch.starts = append(make([]int32, 0, len(data)/32+2), int32(first))
	for i := first; ; {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		ch.starts = append(ch.starts, int32(i))
	}
	if int(ch.starts[len(ch.starts)-1]) != len(data) {
		ch.starts = append(ch.starts, int32(len(data)))
	}
	n := len(ch.starts) - 1
	ch.meta = make([]uint32, n)
	ch.next = make([]int32, n)
	// open holds content lines still waiting for their next, with
	// strictly increasing indentation: a line closes every open line
	// indented as deep as it or deeper.
	var open []int32
	for i := 0; i < n; i++ {
		m, ok := measure(ch.line(i))
		if !ok || m&metaTab != 0 {
			return false
		}
		ch.meta[i] = m
		if m&metaSkip != 0 {
			continue
		}
		indent := m & metaIndent
		for len(open) > 0 && ch.meta[open[len(open)-1]]&metaIndent >= indent {
			ch.next[open[len(open)-1]] = int32(i)
			open = open[:len(open)-1]
		}
		open = append(open, int32(i))
	}
	for _, i := range open {
		ch.next[i] = int32(n)
	}
	return true
}

// block decodes lines [lo, hi) whose entries sit at indentation k. seq says
// whether the entries must be sequence items ("- ") rather than map keys;
// at the top level (k == 0 and not seq) they are map keys. Every content
// line of [lo, hi) is indented at least k, or the block steps aside; the
// parent's cut guarantees it, since [lo, hi) ends at the parent's next
// entry.
func (ch *chunker) block(lo, hi, k int, path string, depth int, seq bool) (any, error) {
	fc := ch.firstContent(lo, hi)
	if depth > value.MaxDepth {
		if fc >= hi {
			return nil, errStepAside
		}
		// The library, which counts the same levels here, stops at
		// this block's first entry: only that line is needed.
		return nil, ch.depthError(fc, fc+1)
	}
	// Find the entries: the content lines indented exactly k, reached
	// from one to the next through next.
	var entries []int
	for i := fc; i < hi; i = int(ch.next[i]) {
		ch.scanned++
		indent, _, _ := ch.info(i)
		if indent < k {
			return nil, errStepAside
		}
		if indent > k {
			return nil, errStepAside // the block must start at its own indentation
		}
		s := ch.line(i)[k:]
		if isMarker(s) {
			return nil, errStepAside
		}
		switch {
		case seq && isSeqItem(s):
			entries = append(entries, i)
		case seq:
			return nil, errStepAside
		case isSeqItem(s):
			// A compact sequence under the previous key.
			if len(entries) == 0 {
				return nil, errStepAside
			}
		case bytes.IndexByte([]byte("?:&!*{}[],|>@`"), s[0]) >= 0:
			return nil, errStepAside // complex keys, properties, flow or block scalar indicators
		default:
			entries = append(entries, i)
		}
	}
	if len(entries) == 0 {
		return nil, errStepAside
	}
	var m *value.Map
	var list []any
	if seq {
		list = []any{}
	} else {
		m = value.NewMap(0)
	}
	flushFrom := entries[0]
	flush := func(to int) error {
		if flushFrom >= to {
			return nil
		}
		if err := ch.piece(flushFrom, to, k, path, depth, seq, m, &list); err != nil {
			return err
		}
		flushFrom = to
		return nil
	}
	for idx, e := range entries {
		end := hi
		if idx+1 < len(entries) {
			end = entries[idx+1]
		}
		size := int(ch.starts[end] - ch.starts[e])
		if !seq && size > chunkTarget {
			if key, kn, child, cfc, ok := ch.bareKey(e, end, k); ok {
				if err := flush(e); err != nil {
					return nil, err
				}
				if _, dup := m.Get(key); dup {
					return nil, errStepAside
				}
				p := ch.c.sub(path, key)
				ch.c.lineOff, ch.c.colOff = e, k
				ch.c.record(p, kn)
				ch.chain = append(ch.chain, int32(e))
				v, err := ch.block(cfc, end, child, p, depth+1, isSeqItem(ch.line(cfc)[child:]))
				ch.chain = ch.chain[:len(ch.chain)-1]
				if err != nil {
					return nil, err
				}
				m.Set(key, v)
				flushFrom = end
				continue
			}
		}
		if int(ch.starts[end]-ch.starts[flushFrom]) >= chunkTarget {
			if err := flush(end); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(hi); err != nil {
		return nil, err
	}
	if seq {
		return list, nil
	}
	return m, nil
}

// firstContent returns the first line of [lo, hi) that is not blank or a
// comment, or hi.
func (ch *chunker) firstContent(lo, hi int) int {
	for i := lo; i < hi; i++ {
		ch.scanned++
		if _, skip, _ := ch.info(i); !skip {
			return i
		}
	}
	return hi
}

// bareKey reports whether line e is "key:" with nothing after it but a
// comment, followed by a block at a deeper indentation (or a compact
// sequence at the same one), and returns the key, its node, the child
// block's indentation and its first content line.
func (ch *chunker) bareKey(e, end, k int) (string, *yaml.Node, int, int, bool) {
	text := append(bytes.Clone(ch.line(e)[k:]), '\n')
	root, err := load(text)
	if err != nil || root == nil || root.Kind != yaml.MappingNode || len(root.Content) != 2 || root.Anchor != "" || root.Style&yaml.TaggedStyle != 0 {
		return "", nil, 0, 0, false
	}
	kn, vn := root.Content[0], root.Content[1]
	if vn.Kind != yaml.ScalarNode || vn.Value != "" || vn.Style != 0 || vn.Anchor != "" || isMergeKey(kn) || kn.Anchor != "" {
		return "", nil, 0, 0, false
	}
	key, err := mapKey(kn)
	if err != nil {
		return "", nil, 0, 0, false
	}
	fc := ch.firstContent(e+1, end)
	if fc >= end {
		return "", nil, 0, 0, false
	}
	indent, _, _ := ch.info(fc)
	if indent == k && isSeqItem(ch.line(fc)[k:]) {
		return key, kn, k, fc, true
	}
	if indent <= k {
		return "", nil, 0, 0, false
	}
	return key, kn, indent, fc, true
}

// piece parses lines [lo, hi) shifted left by k and adds what they hold to
// m (map entries) or *list (sequence items).
func (ch *chunker) piece(lo, hi, k int, path string, depth int, seq bool, m *value.Map, list *[]any) error {
	var buf bytes.Buffer
	buf.Grow(int(ch.starts[hi]-ch.starts[lo]) + 16)
	for i := lo; i < hi; i++ {
		ch.scanned++
		l := ch.line(i)
		indent, skip, _ := ch.info(i)
		switch {
		case indent >= k:
			buf.Write(l[k:])
		case skip:
			buf.Write(bytes.TrimLeft(l, " \t"))
		default:
			return errStepAside
		}
		if e := ch.starts[i+1]; e > ch.starts[i] && ch.data[e-1] == '\n' {
			buf.WriteByte('\n') // a last line without a break stays so
		}
	}
	root, err := load(buf.Bytes())
	if err != nil || root == nil || root.Anchor != "" || root.Style&(yaml.TaggedStyle|yaml.FlowStyle) != 0 {
		return errStepAside
	}
	c := ch.c
	c.lineOff, c.colOff = lo, k
	// A value nested too deep inside the piece: the library, reading the
	// piece alone, saw fewer levels than the whole document has.
	deep := func(err error) error {
		if isDepthError(err) {
			return ch.depthError(lo, hi)
		}
		return errStepAside
	}
	if seq {
		if root.Kind != yaml.SequenceNode {
			return errStepAside
		}
		for _, item := range root.Content {
			p := c.subIndex(path, len(*list))
			c.record(p, item)
			v, err := c.convert(item, p, depth+1)
			if err != nil {
				return deep(err)
			}
			*list = append(*list, v)
		}
		return nil
	}
	if root.Kind != yaml.MappingNode {
		return errStepAside
	}
	for i := 0; i < len(root.Content); i += 2 {
		if isMergeKey(root.Content[i]) {
			return errStepAside
		}
	}
	part, err := c.mapping(root, path, depth)
	if err != nil {
		return deep(err)
	}
	var perr error
	part.Range(func(key string, v any) bool {
		if _, dup := m.Get(key); dup {
			perr = errStepAside
			return false
		}
		m.Set(key, v)
		return true
	})
	return perr
}

// depthError places a nesting error found in lines [lo, hi) the way the
// whole decode would: it lets the library read the "key:" lines of the
// enclosing blocks followed by those lines, unshifted, which puts the
// library in the state it would reach there in the whole document (every
// earlier entry of those blocks has been read, as pieces, without error),
// so its error names the same line, column and message, with the line
// mapped back. When the library finds nothing (it counts levels a little
// differently: an indentless "- " list under its key is no level to it),
// the whole decode must decide, and the piecewise path steps aside.
func (ch *chunker) depthError(lo, hi int) error {
	var buf bytes.Buffer
	lines := make([]int32, 0, len(ch.chain)+hi-lo)
	for _, i := range ch.chain {
		buf.Write(ch.data[ch.starts[i]:ch.starts[i+1]])
		lines = append(lines, i)
	}
	buf.Write(ch.data[ch.starts[lo]:ch.starts[hi]])
	for i := lo; i < hi; i++ {
		lines = append(lines, int32(i))
	}
	_, err := load(buf.Bytes())
	var le *errs.Located
	if !isDepthError(err) || !errors.As(err, &le) || le.Line < 1 || le.Line > len(lines) {
		return errStepAside
	}
	return textpos.ParseError(int(lines[le.Line-1])+1, le.Column, "%s", le.Msg)
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
