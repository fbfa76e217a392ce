// Package envfmt reads and writes .env files: flat lists of NAME=value
// lines, as read by docker compose, python-dotenv and godotenv.
//
// A small parser of its own rather than github.com/joho/godotenv: that
// library expands $VARIABLES, reports errors without line numbers and
// returns an unordered map.
//
// The syntax accepted:
//
//	# a comment line
//	NAME=value              unquoted: trimmed; " #" starts a comment
//	export NAME=value       "export " is ignored
//	NAME = value            blanks around "=" are allowed
//	NAME='literal'          no escapes; may span lines
//	NAME="a\tb\n"           escapes \n \t \r \" \\ and \$; may span lines
//	NAME=                   the empty string
//
// Names start with a letter or "_" and go on with letters, digits, "_", "."
// and "-". Values are strings: typing happens elsewhere. Nothing is
// expanded ($HOME stays $HOME). A backslash before any other character in
// double quotes is kept as it is. A name given twice is a parse error, as
// is anything after a closing quote other than a comment. CRLF line ends
// read as LF.
package envfmt

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/value"
)

// Decode parses a .env file into a flat map of strings.
func Decode(data []byte) (doc *value.Doc, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, textpos.ParseError(0, 0, "internal error while parsing .env: %v", r)
		}
	}()
	if err := textpos.CheckUTF8(data); err != nil {
		return nil, err
	}
	p := parser{data: data, line: 1}
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		p.i = 3
		p.lineStart = 3
	}
	root := value.NewMap(0)
	var positions map[string]value.Pos
	if len(data) <= textpos.MaxPositionsSize {
		positions = make(map[string]value.Pos)
	}
	for {
		p.skipBlank()
		if p.i >= len(data) {
			break
		}
		if c := data[p.i]; c == '#' {
			p.skipLine()
			continue
		} else if c == '\n' || c == '\r' {
			if err := p.newline(); err != nil {
				return nil, err
			}
			continue
		}
		keyPos := p.pos(p.i)
		if rest := data[p.i:]; bytes.HasPrefix(rest, []byte("export")) && len(rest) > 6 && (rest[6] == ' ' || rest[6] == '\t') {
			p.i += 6
			p.skipBlank()
			keyPos = p.pos(p.i)
		}
		key, err := p.name()
		if err != nil {
			return nil, err
		}
		if _, dup := root.Get(key); dup {
			return nil, textpos.ParseError(keyPos.Line, keyPos.Column, "%s is set twice", key)
		}
		p.skipBlank()
		if p.i >= len(data) || data[p.i] != '=' {
			return nil, p.errAt(p.i, "expected '=' after %s", key)
		}
		p.i++
		p.skipBlank()
		val, err := p.value()
		if err != nil {
			return nil, err
		}
		root.Set(key, val)
		if positions != nil {
			positions[value.QuoteSegment(key)] = keyPos
		}
	}
	return &value.Doc{Root: root, Positions: positions}, nil
}

type parser struct {
	data      []byte
	i         int
	line      int
	lineStart int
}

func (p *parser) pos(i int) value.Pos {
	return value.Pos{Line: p.line, Column: 1 + utf8.RuneCount(p.data[p.lineStart:i])}
}

func (p *parser) errAt(i int, format string, args ...any) error {
	pos := p.pos(i)
	return textpos.ParseError(pos.Line, pos.Column, format, args...)
}

func (p *parser) skipBlank() {
	for p.i < len(p.data) && (p.data[p.i] == ' ' || p.data[p.i] == '\t') {
		p.i++
	}
}

// newline consumes "\n" or "\r\n" at p.i.
func (p *parser) newline() error {
	if p.data[p.i] == '\r' {
		if p.i+1 < len(p.data) && p.data[p.i+1] == '\n' {
			p.i++
		} else {
			return p.errAt(p.i, "a carriage return that does not end a line")
		}
	}
	p.i++
	p.line++
	p.lineStart = p.i
	return nil
}

func (p *parser) skipLine() {
	j := bytes.IndexByte(p.data[p.i:], '\n')
	if j < 0 {
		p.i = len(p.data)
		return
	}
	p.i += j
	p.newline() //nolint:errcheck // at '\n', cannot fail
}

// endOfLine accepts blanks and an optional comment up to the line end.
func (p *parser) endOfLine(what string) error {
	p.skipBlank()
	if p.i >= len(p.data) {
		return nil
	}
	switch p.data[p.i] {
	case '#':
		p.skipLine()
		return nil
	case '\n', '\r':
		return p.newline()
	}
	return p.errAt(p.i, "unexpected %q after %s", p.data[p.i], what)
}

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isNameChar(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '.' || c == '-'
}

// ValidName says whether s can be a name in a .env file.
func ValidName(s string) bool {
	if s == "" || !isNameStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isNameChar(s[i]) {
			return false
		}
	}
	return true
}

func (p *parser) name() (string, error) {
	start := p.i
	if p.i >= len(p.data) || !isNameStart(p.data[p.i]) {
		r, _ := utf8.DecodeRune(p.data[p.i:])
		return "", p.errAt(p.i, "invalid name: a name starts with a letter or '_', not %q", r)
	}
	for p.i < len(p.data) && isNameChar(p.data[p.i]) {
		p.i++
	}
	if p.i < len(p.data) {
		switch c := p.data[p.i]; c {
		case '=', ' ', '\t', '\n', '\r':
		default:
			r, _ := utf8.DecodeRune(p.data[p.i:])
			return "", p.errAt(p.i, "invalid character %q in the name %q (names hold letters, digits, '_', '.' and '-')", r, string(p.data[start:p.i]))
		}
	}
	return string(p.data[start:p.i]), nil
}

func (p *parser) value() (string, error) {
	if p.i >= len(p.data) {
		return "", nil
	}
	switch p.data[p.i] {
	case '\'':
		return p.quoted('\'')
	case '"':
		return p.quoted('"')
	}
	// Unquoted: to the line end; " #" (or a leading "#") starts a comment.
	start := p.i
	end := start
	for end < len(p.data) && p.data[end] != '\n' {
		if p.data[end] == '#' && (end == start || p.data[end-1] == ' ' || p.data[end-1] == '\t') {
			break
		}
		end++
	}
	v := strings.TrimRight(string(p.data[start:end]), " \t\r")
	if strings.IndexByte(v, 0) >= 0 {
		return "", p.errAt(start+strings.IndexByte(v, 0), "NUL byte in a value")
	}
	if strings.IndexByte(v, '\r') >= 0 {
		return "", p.errAt(start+strings.IndexByte(v, '\r'), "a carriage return that does not end a line")
	}
	p.i = end
	if p.i < len(p.data) && p.data[p.i] == '#' {
		p.skipLine()
	} else if p.i < len(p.data) {
		p.newline() //nolint:errcheck // at '\n'
	}
	return v, nil
}

// quoted reads a quoted value starting at its opening quote q.
func (p *parser) quoted(q byte) (string, error) {
	open := p.i
	openPos := p.pos(open)
	p.i++
	var b strings.Builder
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case c == q:
			p.i++
			return b.String(), p.endOfLine("the closing quote")
		case c == 0:
			return "", p.errAt(p.i, "NUL byte in a value")
		case c == '\r' && p.i+1 < len(p.data) && p.data[p.i+1] == '\n':
			p.i++ // CRLF inside quotes reads as LF
			continue
		case c == '\n':
			b.WriteByte('\n')
			p.newline() //nolint:errcheck // at '\n'
			continue
		case c == '\\' && q == '"' && p.i+1 < len(p.data):
			switch e := p.data[p.i+1]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '"', '\\', '$':
				b.WriteByte(e)
			default:
				b.WriteByte('\\')
				p.i++
				continue
			}
			p.i += 2
			continue
		}
		b.WriteByte(c)
		p.i++
	}
	return "", textpos.ParseError(openPos.Line, openPos.Column, "unterminated %c-quoted value", q)
}

// Encode writes root as a .env file, one NAME=value line per key in the
// map's order. The root must be flat: a map or list value gives an
// *errs.Located with Kind errs.ErrTypeMismatch naming its path, as does a
// key that is not a valid name or a string holding NUL. Scalars are written
// as strings (null as the empty string, datetimes in RFC 3339 / ISO 8601
// form), so they read back as strings; a value that is not plain is
// double-quoted with escapes, so every string reads back exactly.
func Encode(root *value.Map) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	root.Range(func(k string, v any) bool {
		path := value.QuoteSegment(k)
		if !ValidName(k) {
			err = textpos.TypeError(path, ".env cannot express the name %q (names are a letter or '_' then letters, digits, '_', '.' or '-')", textpos.Trim(k))
			return false
		}
		var s string
		if s, err = textpos.ScalarString(v, path, ".env"); err != nil {
			return false
		}
		if strings.IndexByte(s, 0) >= 0 {
			err = textpos.TypeError(path, ".env cannot express a NUL byte")
			return false
		}
		buf.WriteString(k)
		buf.WriteByte('=')
		writeValue(&buf, s)
		buf.WriteByte('\n')
		return true
	})
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func plain(s string) bool {
	if s == "" {
		return true
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80 ||
			strings.IndexByte("_-.,/:@%+=~^!?*()[]{}<>|&;", c) >= 0) {
			return false
		}
	}
	return true
}

func writeValue(buf *bytes.Buffer, s string) {
	if plain(s) {
		buf.WriteString(s)
		return
	}
	buf.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '$':
			buf.WriteByte('\\')
			buf.WriteByte(c)
		case '\n':
			buf.WriteString(`\n`)
		case '\r':
			buf.WriteString(`\r`)
		case '\t':
			buf.WriteString(`\t`)
		default:
			buf.WriteByte(c)
		}
	}
	buf.WriteByte('"')
}
