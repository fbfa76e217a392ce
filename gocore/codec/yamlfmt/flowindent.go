package yamlfmt

import (
	"bytes"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v4"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
)

// Indentation of flow content inside block collections.
//
// YAML 1.2 requires every line of a quoted scalar or a flow collection that
// sits in a block mapping or sequence to be indented more than that
// collection (rule s-flow-line-prefix(n): n spaces; tabs are not
// indentation). The library does not check the lines after the first, so
// it accepts, for instance (yaml-test-suite 9C9N, QB6E, DK95/01):
//
//	flow: [a,        quoted: "a
//	b,               b
//	c]               c"
//
// where b and c belong to the enclosing mapping's column. checkFlowIndent
// refuses such lines. It errs on the side of accepting: the indentation
// asked for is at most what YAML asks (the line indentation where the
// collection's first entry starts, plus one, which is less than YAML's
// figure for compact forms such as "- - x"); blank lines and comment lines
// are not checked; and a line that starts with the closing ']' or '}' is
// accepted at any indentation, since JSON pasted as a value often ends so
// and other YAML readers take it. Documents whose line breaks the library
// counts differently (a lone CR, U+0085, U+2028, U+2029) are not checked.

// newFlowIndent prepares the checks of the documents of data, what the
// library parsed: one flowIndent serves a whole stream, so that the lines
// are indexed once, not once per document (which made a stream of many
// small documents cost time quadratic in its size).
func newFlowIndent(data []byte) *flowIndent {
	return &flowIndent{data: data}
}

// check walks the block collections under root, the root of one document
// of the stream.
func (fi *flowIndent) check(root *yaml.Node) error {
	if root == nil {
		return nil
	}
	if !fi.indexed {
		// On the first document that has a collection, and then never
		// again: both passes read the whole stream.
		fi.indexed = true
		if hasFlowMultiline(fi.data) {
			fi.lines()
		}
	}
	if fi.starts == nil {
		return nil
	}
	return fi.walk(root)
}

// hasFlowMultiline is a quick test for documents that cannot break the rule:
// no quote and no bracket at all.
func hasFlowMultiline(data []byte) bool {
	return bytes.ContainsAny(data, "\"'[{")
}

type flowIndent struct {
	data    []byte
	indexed bool  // starts has been computed (it stays nil when nothing needs checking)
	starts  []int // offset of each line's first byte (lines counted by LF)
	// a cursor for pos: the last answer, so that nodes visited in document
	// order on one long line cost linear time
	curLine, curCol, curOff int
}

func (fi *flowIndent) lines() {
	d := fi.data
	if bytes.Contains(d, []byte("\u2028")) || bytes.Contains(d, []byte("\u2029")) || bytes.Contains(d, []byte("\u0085")) {
		return
	}
	for i := bytes.IndexByte(d, '\r'); i >= 0; {
		if i+1 >= len(d) || d[i+1] != '\n' {
			return // a lone CR: the library counts it as a line break
		}
		j := bytes.IndexByte(d[i+1:], '\r')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	first := 0
	if bytes.HasPrefix(d, []byte("\xEF\xBB\xBF")) {
		first = 3
	}
	fi.starts = append(make([]int, 0, 1+len(d)/32), first)
	for i := first; ; {
		j := bytes.IndexByte(d[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		fi.starts = append(fi.starts, i)
	}
	fi.curLine = -1
}

// pos turns a node's 1-based line and column (in characters) into a byte
// offset, or -1.
func (fi *flowIndent) pos(line, col int) int {
	if line < 1 || line > len(fi.starts) || col < 1 {
		return -1
	}
	off, c := fi.starts[line-1], 1
	if line == fi.curLine && col >= fi.curCol {
		off, c = fi.curOff, fi.curCol
	}
	for c < col {
		if off >= len(fi.data) || fi.data[off] == '\n' {
			return -1
		}
		_, size := utf8.DecodeRune(fi.data[off:])
		off += size
		c++
	}
	fi.curLine, fi.curCol, fi.curOff = line, col, off
	return off
}

// lineOf returns the 0-based line holding offset.
func (fi *flowIndent) lineOf(off int) int {
	lo, hi := 0, len(fi.starts)
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if fi.starts[m] <= off {
			lo = m
		} else {
			hi = m
		}
	}
	return lo
}

// spaces counts the spaces that start line i (0-based).
func (fi *flowIndent) spaces(i int) int {
	n := 0
	for o := fi.starts[i]; o < len(fi.data) && fi.data[o] == ' '; o++ {
		n++
	}
	return n
}

// required is the indentation (in spaces) that flow content inside the
// block collection n must have on its continuation lines: one more than
// the indentation of the line where n, or its first entry, starts.
func (fi *flowIndent) required(n *yaml.Node) int {
	ind := -1
	for _, m := range []*yaml.Node{n, n.Content[0]} {
		if m.Line >= 1 && m.Line <= len(fi.starts) {
			if s := fi.spaces(m.Line - 1); ind < 0 || s < ind {
				ind = s
			}
		}
	}
	return ind + 1
}

func (fi *flowIndent) walk(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode || n.Style&yaml.FlowStyle != 0 || len(n.Content) == 0 {
		return nil
	}
	req := fi.required(n)
	for i, c := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 {
			continue // keys: implicit keys stay on one line, the library checks that
		}
		var err error
		switch {
		case c.Kind == yaml.ScalarNode && c.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
			err = fi.quoted(c, req)
		case (c.Kind == yaml.MappingNode || c.Kind == yaml.SequenceNode) && c.Style&yaml.FlowStyle != 0:
			err = fi.flow(c, req)
		case c.Kind == yaml.MappingNode || c.Kind == yaml.SequenceNode:
			err = fi.walk(c)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// start finds the first byte of node n's content (its quote or bracket),
// skipping the anchor and tag the node's position may point at. It returns
// -1 when what it finds is not one of want.
func (fi *flowIndent) start(n *yaml.Node, want string) int {
	o := fi.pos(n.Line, n.Column)
	if o < 0 {
		return -1
	}
	d := fi.data
	for o < len(d) {
		switch c := d[o]; {
		case bytes.IndexByte([]byte(want), c) >= 0:
			return o
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			o++
		case c == '!' && o+1 < len(d) && d[o+1] == '<': // verbatim tag
			e := bytes.IndexByte(d[o:], '>')
			if e < 0 {
				return -1
			}
			o += e + 1
		case c == '&' || c == '!':
			for o < len(d) && d[o] != ' ' && d[o] != '\t' && d[o] != '\n' && d[o] != '\r' {
				o++
			}
		default:
			return -1
		}
	}
	return -1
}

// quotedEnd returns the offset just past the quoted scalar starting at o.
func (fi *flowIndent) quotedEnd(o int) int {
	d := fi.data
	q := d[o]
	for i := o + 1; i < len(d); i++ {
		switch {
		case q == '"' && d[i] == '\\':
			i++
		case d[i] == q:
			if q == '\'' && i+1 < len(d) && d[i+1] == '\'' {
				i++
				continue
			}
			return i + 1
		}
	}
	return -1
}

func (fi *flowIndent) quoted(n *yaml.Node, req int) error {
	o := fi.start(n, `"'`)
	if o < 0 {
		return nil
	}
	end := fi.quotedEnd(o)
	if end < 0 {
		return nil
	}
	first, last := fi.lineOf(o), fi.lineOf(end-1)
	for i := first + 1; i <= last; i++ {
		if err := fi.checkLine(i, req, true, first, "a quoted string"); err != nil {
			return err
		}
	}
	return nil
}

// flow checks the flow collection n: every line after the one with its
// opening bracket, up to the one with its closing bracket.
func (fi *flowIndent) flow(n *yaml.Node, req int) error {
	o := fi.start(n, "[{")
	if o < 0 {
		return nil
	}
	// The quoted scalars inside, by the offset of their opening quote, in
	// document order: a quote elsewhere (inside a plain scalar, a tag)
	// starts nothing.
	var quotes []int
	var collect func(m *yaml.Node) bool
	collect = func(m *yaml.Node) bool {
		for _, c := range m.Content {
			switch {
			case c.Kind == yaml.ScalarNode && c.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
				q := fi.start(c, `"'`)
				if q < 0 || len(quotes) > 0 && q <= quotes[len(quotes)-1] {
					return false
				}
				quotes = append(quotes, q)
			case c.Kind == yaml.MappingNode || c.Kind == yaml.SequenceNode:
				if !collect(c) {
					return false
				}
			}
		}
		return true
	}
	if !collect(n) {
		return nil
	}
	d := fi.data
	var inQuote map[int]bool // lines that start inside a quoted scalar
	depth := 0
	end := -1
scan:
	for i := o; i < len(d); i++ {
		switch c := d[i]; {
		case len(quotes) > 0 && i == quotes[0]:
			quotes = quotes[1:]
			e := fi.quotedEnd(i)
			if e < 0 {
				return nil
			}
			if bytes.IndexByte(d[i:e], '\n') >= 0 {
				if inQuote == nil {
					inQuote = map[int]bool{}
				}
				for l := fi.lineOf(i) + 1; l <= fi.lineOf(e-1); l++ {
					inQuote[l] = true
				}
			}
			i = e - 1
		case len(quotes) > 0 && i > quotes[0]:
			return nil // a quote inside something this scan misread: do not judge
		case c == '#' && (i == 0 || d[i-1] == ' ' || d[i-1] == '\t' || d[i-1] == '\n' || d[i-1] == '\r'):
			e := bytes.IndexByte(d[i:], '\n')
			if e < 0 {
				return nil
			}
			i += e - 1
		case c == '!' && i+1 < len(d) && d[i+1] == '<':
			e := bytes.IndexByte(d[i:], '>')
			if e < 0 {
				return nil
			}
			i += e
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
			if depth == 0 {
				end = i
				break scan
			}
		}
	}
	if end < 0 {
		return nil
	}
	first, last := fi.lineOf(o), fi.lineOf(end)
	what := "a flow sequence"
	if n.Kind == yaml.MappingNode {
		what = "a flow mapping"
	}
	for i := first + 1; i <= last; i++ {
		if err := fi.checkLine(i, req, inQuote[i], first, what); err != nil {
			return err
		}
	}
	return nil
}

// checkLine checks that line i (0-based), a continuation line of flow
// content that began on line first, is indented by req spaces. quoted says
// whether the line starts inside a quoted scalar, where '#' and brackets
// are text.
func (fi *flowIndent) checkLine(i, req int, quoted bool, first int, what string) error {
	d := fi.data
	s := fi.spaces(i)
	if s >= req {
		return nil
	}
	o := fi.starts[i] + s
	for o < len(d) && (d[o] == ' ' || d[o] == '\t') {
		o++
	}
	if o >= len(d) || d[o] == '\n' || d[o] == '\r' {
		return nil // a blank line
	}
	if !quoted && (d[o] == '#' || d[o] == ']' || d[o] == '}') {
		return nil
	}
	line, col := i+1, 1+utf8.RuneCount(d[fi.starts[i]:o])
	msg := "this line continues %s begun on line %d, so it must be indented by at least %d space(s)"
	if s < o-fi.starts[i] {
		msg += " (a tab is not indentation)"
	}
	return textpos.ParseError(line, col, msg, what, first+1, req)
}
