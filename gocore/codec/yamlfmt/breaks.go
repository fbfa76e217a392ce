package yamlfmt

import (
	"bytes"
	"errors"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// lineMap turns the library's positions into gocfg's for a document that
// holds U+0085 (NEL), U+2028 or U+2029. The library counts them as line
// breaks, as YAML 1.1 did (and PyYAML and ruamel.yaml do, so the values
// read alike); YAML 1.2, every other codec here and editors count lines
// by LF and CR only, so a key after a description holding U+2028 was
// reported a line below where it is, with a column counted from the
// U+2028. Entry i is where the library's line i+1 starts: gocfg's line,
// and the number of characters before it on that line.
type lineMap []lineStart

type lineStart struct{ line, col int }

var unicodeBreaks = [][]byte{[]byte("\u0085"), []byte("\u2028"), []byte("\u2029")}

// newLineMap is nil (positions need no change) unless data holds one of
// the three.
func newLineMap(data []byte) lineMap {
	found := false
	for _, b := range unicodeBreaks {
		if bytes.Contains(data, b) {
			found = true
			break
		}
	}
	if !found {
		return nil
	}
	m := lineMap{{1, 0}}
	line, col := 1, 0
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		i += size
		switch r {
		case '\r':
			if i < len(data) && data[i] == '\n' {
				continue // CRLF: one break, at its LF
			}
			line, col = line+1, 0
		case '\n':
			line, col = line+1, 0
		case '\u0085', '\u2028', '\u2029':
			col++ // a character of gocfg's line, a break of the library's
		default:
			col++
			continue
		}
		m = append(m, lineStart{line, col})
	}
	return m
}

// pos maps the library's 1-based line and column.
func (m lineMap) pos(line, col int) (int, int) {
	if m == nil || line < 1 || line > len(m) {
		return line, col
	}
	s := m[line-1]
	return s.line, s.col + col
}

// err maps the position of a parse error placed by the library's lines.
func (m lineMap) err(err error) error {
	var le *errs.Located
	if m != nil && errors.As(err, &le) && le.Kind == errs.ErrParse && le.Line > 0 {
		le.Line, le.Column = m.pos(le.Line, le.Column)
	}
	return err
}

// positions maps every position of p in place.
func (m lineMap) positions(p map[string]value.Pos) {
	if m == nil {
		return
	}
	for k, v := range p {
		v.Line, v.Column = m.pos(v.Line, v.Column)
		p[k] = v
	}
}

// lineColAt is textpos.LineCol as YAML counts lines: a lone CR ends one
// too, as it does for the library and for positions (so an error the
// reader places by its offset, a control character or a byte that is not
// UTF-8, is on the line a parse error there would name). A leading byte
// order mark is not a column, as for the library and textpos.LineCol.
func lineColAt(data []byte, offset int) (line, col int) {
	if offset > len(data) {
		offset = len(data)
	}
	line, col = 1, 1
	i := 0
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) && offset >= 3 {
		i = 3
	}
	for ; i < offset; i++ {
		switch c := data[i]; {
		case c == '\n', c == '\r' && (i+1 >= len(data) || data[i+1] != '\n'):
			line, col = line+1, 1
		case c == '\r':
		case c < utf8.RuneSelf || c >= 0xC0: // a character's first byte
			col++
		}
	}
	return line, col
}

// offsetAt is the inverse of lineColAt: the byte offset of line:col
// (1-based, lines and columns counted as lineColAt counts them), or -1
// when data has no such place.
func offsetAt(data []byte, line, col int) int {
	i := 0
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		i = 3
	}
	for l := 1; l < line; l++ {
		j := bytes.IndexAny(data[i:], "\r\n")
		if j < 0 {
			return -1
		}
		i += j + 1
		if data[i-1] == '\r' && i < len(data) && data[i] == '\n' {
			i++
		}
	}
	for c := 1; c < col; c++ {
		if i >= len(data) || data[i] == '\n' || data[i] == '\r' {
			return -1
		}
		_, size := utf8.DecodeRune(data[i:])
		i += size
	}
	return i
}

// parseErrorAt is textpos.ParseErrorAt with lineColAt.
func parseErrorAt(data []byte, offset int, format string, args ...any) error {
	line, col := lineColAt(data, offset)
	return textpos.ParseError(line, col, format, args...)
}
