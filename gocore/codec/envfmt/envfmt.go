// Package envfmt reads and writes .env files: flat lists of NAME=value
// lines, as read by docker compose and python-dotenv.
//
// A small parser of its own rather than github.com/joho/godotenv: that
// library reports errors without line numbers, returns an unordered map
// and cannot take an environment to expand from.
//
// The syntax accepted:
//
//	# a comment line
//	NAME=value              unquoted: trimmed; blanks then "#" start a comment
//	export NAME=value       "export " is ignored
//	NAME = value            blanks around "=" are allowed
//	NAME='literal'          never expanded; \' and \\ are escapes; may span lines
//	NAME="a\tb\n${X}"       escapes \n \t \r \a \b \f \v \" \' \\ and \$;
//	                        may span lines
//	NAME=                   the empty string
//	NAME                    a bare name: null (python-dotenv's None)
//	'any name'=value        a single-quoted name
//
// Names are any run of characters other than blanks, control characters,
// "=" and "#" (1ABC, K.x-y and é are names, as python-dotenv reads them).
//
// Expansion (Decode, DecodeEnviron; DecodeRaw turns it off): in unquoted
// and double-quoted values, ${NAME} is the value of NAME, ${NAME:-default}
// the default when NAME is unset or empty, ${NAME-default} the default
// when NAME is unset. NAME is looked up first among the names set earlier
// in the file, then in the environment passed to DecodeEnviron (Decode
// passes none); a name set nowhere gives "" (as both tools do). Defaults
// may hold further ${...}. A name in ${...} is letters, digits, "_" and
// "."; any other form (${A:?x}, ${A+x}, ${}) is a parse error naming it.
// $NAME without braces is kept as written (python-dotenv keeps it; docker
// compose would expand it). \$ in double quotes is a literal "$".
//
// Values are strings (or null for a bare name): typing happens elsewhere.
// A backslash before any other character in double quotes is kept as it
// is. A name given twice is a parse error (both tools keep the last), as
// is anything after a closing quote other than a comment. CRLF line ends
// read as LF; a lone CR is an error (python-dotenv takes it for a line
// end). Blanks are Unicode white space other than line breaks, as in
// python-dotenv. Expansion may not make the document's values larger than
// MaxExpanded in total.
package envfmt

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/secretname"
	"github.com/gocfg/gocfg/gocore/value"
)

// MaxExpanded bounds the total size of the values of one document after
// expansion: ${A}${A}... repeated over a few lines would otherwise grow
// exponentially.
const MaxExpanded = 64 << 20

// maxNesting bounds ${A:-${B:-...}} nesting inside defaults.
const maxNesting = 32

// Decode parses a .env file, expanding ${NAME} from the names set earlier
// in the file only.
func Decode(data []byte) (*value.Doc, error) { return decode(data, true, nil) }

// DecodeRaw parses a .env file and expands nothing: ${NAME} stays as
// written.
func DecodeRaw(data []byte) (*value.Doc, error) { return decode(data, false, nil) }

// DecodeEnviron parses a .env file, expanding ${NAME} from the names set
// earlier in the file and then from environ, a list of "NAME=value"
// entries as os.Environ gives (entries without "=" are ignored; of a name
// listed twice the last entry counts, as in Python's os.environ).
func DecodeEnviron(data []byte, environ []string) (*value.Doc, error) {
	env := make(map[string]string, len(environ))
	for _, kv := range environ {
		if i := strings.IndexByte(kv, '='); i > 0 {
			env[kv[:i]] = kv[i+1:]
		}
	}
	return decode(data, true, env)
}

func decode(data []byte, expand bool, env map[string]string) (doc *value.Doc, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, textpos.InternalError("parsing .env", r)
		}
	}()
	if err := textpos.CheckNotUTF16(data); err != nil {
		return nil, err
	}
	if err := textpos.CheckUTF8(data); err != nil {
		return nil, err
	}
	// anywhere, a comment included, as the other codecs refuse it: a
	// value cannot hold one, and a NUL in a comment was dropped unseen
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, textpos.ParseErrorAt(data, i, "NUL byte")
	}
	p := parser{data: data, line: 1, expand: expand, env: env}
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		p.i = 3
		p.lineStart = 3
	}
	root := value.NewMap(0)
	p.root = root
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
			if err := p.skipLine(); err != nil {
				return nil, err
			}
			continue
		} else if c == '\n' || c == '\r' {
			if err := p.newline(); err != nil {
				return nil, err
			}
			continue
		}
		keyPos := p.pos(p.i)
		if rest := data[p.i:]; bytes.HasPrefix(rest, []byte("export")) && blankAt(rest, 6) > 0 {
			p.i += 6
			p.skipBlank()
			keyPos = p.pos(p.i)
		}
		key, err := p.name()
		if err != nil {
			return nil, err
		}
		if _, dup := root.Get(key); dup {
			return nil, textpos.ParseError(keyPos.Line, keyPos.Column, "%s is set twice (first on line %d)", textpos.Trim(key), p.lines[key])
		}
		p.skipBlank()
		p.secret = secretname.IsKey(key)
		var val any
		if p.i < len(data) && data[p.i] == '=' {
			p.i++
			blank := p.i
			p.skipBlank()
			if p.i > blank && p.i < len(data) && data[p.i] == '#' {
				// "NAME= # comment" is empty, where "NAME=#x" is "#x"
				if err := p.skipLine(); err != nil {
					return nil, err
				}
				val = ""
			} else if val, err = p.value(); err != nil {
				return nil, err
			}
		} else if strings.HasSuffix(key, ":") {
			// NAME: value, the YAML form of docker compose's environment:
			if err := p.endOfLine("the name " + textpos.Trim(key) + " (expected '=': a .env line is NAME=value; NAME: value is YAML's form, as in docker compose's environment:)"); err != nil {
				return nil, err
			}
		} else if strings.HasPrefix(key, ";") {
			// "; comment", as INI and .npmrc files write comments
			if err := p.endOfLine("the name " + textpos.Trim(key) + " (expected '=': a comment line in a .env file starts with '#', not ';')"); err != nil {
				return nil, err
			}
		} else if err := p.endOfLine("the name " + textpos.Trim(key) + " (expected '=')"); err != nil {
			return nil, err
		}
		root.Set(key, val)
		if p.lines == nil {
			p.lines = make(map[string]int)
		}
		p.lines[key] = keyPos.Line
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
	expand    bool
	env       map[string]string
	root      *value.Map     // the names set so far, for expansion
	lines     map[string]int // name -> line, for duplicate errors
	expanded  int            // bytes of values so far, against MaxExpanded
	// secret is set while reading the value of a name that names a secret
	// (secretname): errors then name the position and the problem, never
	// text of the value.
	secret bool
}

func (p *parser) pos(i int) value.Pos {
	return value.Pos{Line: p.line, Column: 1 + utf8.RuneCount(p.data[p.lineStart:i])}
}

func (p *parser) errAt(i int, format string, args ...any) error {
	pos := p.pos(i)
	return textpos.ParseError(pos.Line, pos.Column, format, args...)
}

// errOff is errAt for an offset at or after the current line's start,
// possibly on a later line (inside a quoted value not yet passed).
func (p *parser) errOff(off int, format string, args ...any) error {
	line, ls := p.line, p.lineStart
	if seg := p.data[ls:off]; bytes.IndexByte(seg, '\n') >= 0 {
		line += bytes.Count(seg, []byte{'\n'})
		ls += bytes.LastIndexByte(seg, '\n') + 1
	}
	return textpos.ParseError(line, 1+utf8.RuneCount(p.data[ls:off]), format, args...)
}

// isBlank is a blank as python-dotenv's [^\S\r\n] matches it: Python's
// white space (Unicode's, and \x1c-\x1f) other than a line break. A
// no-break space or a form feed pasted around a value is trimmed as
// python-dotenv (and godotenv's isSpace) trim it, not kept in the value.
func isBlank(r rune) bool {
	return r != '\n' && r != '\r' && (unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f)
}

// blankAt is the size of the blank at data[i], or 0.
func blankAt(data []byte, i int) int {
	if i >= len(data) {
		return 0
	}
	if c := data[i]; c == ' ' || c == '\t' {
		return 1
	} else if c < 0x09 || c > 0x20 && c < 0x80 {
		return 0
	}
	r, size := utf8.DecodeRune(data[i:])
	if !isBlank(r) {
		return 0
	}
	return size
}

func (p *parser) skipBlank() {
	for n := blankAt(p.data, p.i); n > 0; n = blankAt(p.data, p.i) {
		p.i += n
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

// skipLine skips a comment to the end of its line. A carriage return in
// it that does not end the line is an error, as elsewhere: the comment
// would otherwise run on over the names after it (a file with old-Mac
// line ends that starts with a comment read as empty).
func (p *parser) skipLine() error {
	rest := p.data[p.i:]
	j := bytes.IndexByte(rest, '\n')
	line := rest
	if j >= 0 {
		line = rest[:j]
	}
	if k := bytes.IndexByte(line, '\r'); k >= 0 && (j < 0 || k < len(line)-1) {
		return p.errAt(p.i+k, "a carriage return that does not end a line")
	}
	if j < 0 {
		p.i = len(p.data)
		return nil
	}
	p.i += j
	return p.newline() // at '\n', cannot fail
}

// endOfLine accepts blanks and an optional comment up to the line end.
func (p *parser) endOfLine(what string) error {
	p.skipBlank()
	if p.i >= len(p.data) {
		return nil
	}
	switch p.data[p.i] {
	case '#':
		return p.skipLine()
	case '\n', '\r':
		return p.newline()
	}
	if p.secret {
		return p.errAt(p.i, "unexpected text after %s (a secret's value, not shown)", what)
	}
	r, _ := utf8.DecodeRune(p.data[p.i:])
	return p.errAt(p.i, "unexpected %q after %s", r, what)
}

// nameRune says whether r may be part of an unquoted name.
func nameRune(r rune) bool {
	return r != '=' && r != '#' && !unicode.IsSpace(r) && !unicode.IsControl(r) && r != utf8.RuneError
}

// ValidName says whether s can be written as a name in a .env file,
// unquoted or in single quotes.
func ValidName(s string) bool {
	if s == "" || textpos.PlainKeyProblem(s) != "" {
		return false
	}
	if plainName(s) {
		return true
	}
	for _, r := range s {
		if r == '\'' || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

// plainName says whether s can be written without quotes.
func plainName(s string) bool {
	if s == "" || s[0] == '\'' {
		return false
	}
	for _, r := range s {
		if !nameRune(r) {
			return false
		}
	}
	return true
}

func (p *parser) name() (string, error) {
	start := p.i
	if p.i >= len(p.data) {
		return "", p.errAt(p.i, "a name is expected after export")
	}
	if p.data[p.i] == '\'' {
		end := bytes.IndexByte(p.data[p.i+1:], '\'')
		if end <= 0 || bytes.IndexByte(p.data[p.i+1:p.i+1+end], '\n') >= 0 {
			return "", p.errAt(p.i, "a name opened with ' is empty or not closed on its line")
		}
		name := string(p.data[p.i+1 : p.i+1+end])
		if why := textpos.PlainKeyProblem(name); why != "" {
			return "", p.errAt(p.i, "%s", why)
		}
		if !ValidName(name) {
			return "", p.errAt(p.i, "invalid name %q: names hold no control characters", textpos.Trim(name))
		}
		p.i += end + 2
		return name, nil
	}
	for p.i < len(p.data) {
		r, size := utf8.DecodeRune(p.data[p.i:])
		if !nameRune(r) {
			break
		}
		p.i += size
	}
	if p.i == start {
		r, _ := utf8.DecodeRune(p.data[p.i:])
		return "", p.errAt(p.i, "invalid name: a name cannot start with %q", r)
	}
	if p.i < len(p.data) && blankAt(p.data, p.i) == 0 {
		switch c := p.data[p.i]; c {
		case '=', '\n', '\r', '#':
		default:
			r, _ := utf8.DecodeRune(p.data[p.i:])
			return "", p.errAt(p.i, "invalid character %q in the name %q", r, string(p.data[start:p.i]))
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
	// Unquoted: to the line end; blanks then "#" start a comment.
	start := p.i
	end := start
	for end < len(p.data) && p.data[end] != '\n' {
		if p.data[end] == '#' && end > start {
			if r, _ := utf8.DecodeLastRune(p.data[start:end]); isBlank(r) {
				break
			}
		}
		end++
	}
	// trailing blanks go (python-dotenv's rstrip), and the CR of a CRLF
	raw := bytes.TrimRightFunc(p.data[start:end], func(r rune) bool { return r == '\r' || isBlank(r) })
	if i := bytes.IndexByte(raw, '\r'); i >= 0 {
		return "", p.errAt(start+i, "a carriage return that does not end a line")
	}
	var b strings.Builder
	if _, err := p.text(&b, start, start+len(raw), 0, 0); err != nil {
		return "", err
	}
	if err := p.grow(b.Len(), start); err != nil {
		return "", err
	}
	p.i = end
	if p.i < len(p.data) && p.data[p.i] == '#' {
		if err := p.skipLine(); err != nil {
			return "", err
		}
	} else if p.i < len(p.data) {
		p.newline() //nolint:errcheck // at '\n'
	}
	return b.String(), nil
}

// grow counts n more bytes of values against MaxExpanded.
func (p *parser) grow(n, at int) error {
	p.expanded += n
	if p.expanded > MaxExpanded && p.expanded > 2*len(p.data) {
		return p.errOff(at, "expanding ${...} makes the values larger than %d MiB", MaxExpanded>>20)
	}
	return nil
}

// quoted reads a quoted value starting at its opening quote q.
func (p *parser) quoted(q byte) (string, error) {
	open := p.i
	openPos := p.pos(open)
	// Find the closing quote first; a backslash always takes the next byte
	// along, so \" and \' never close (python-dotenv's rule).
	end := -1
	for j := open + 1; j < len(p.data); j++ {
		c := p.data[j]
		if c == '\\' {
			j++
			continue
		}
		if c == q {
			end = j
			break
		}
	}
	if end < 0 {
		return "", textpos.ParseError(openPos.Line, openPos.Column, "unterminated %c-quoted value", q)
	}
	var b strings.Builder
	if _, err := p.text(&b, open+1, end, q, 0); err != nil {
		return "", err
	}
	if err := p.grow(b.Len(), open); err != nil {
		return "", err
	}
	// move the line count past the value
	for j := open; j < end; j++ {
		if p.data[j] == '\n' {
			p.line++
			p.lineStart = j + 1
		}
	}
	p.i = end + 1
	what := "the closing quote"
	if p.i < len(p.data) && p.data[p.i] != ' ' && p.data[p.i] != '\t' && p.data[p.i] != '#' && p.data[p.i] != '\n' && p.data[p.i] != '\r' {
		// Text right after the quote: most often a quote of the value's
		// own (NAME='it's'), which closed it.
		if q == '\'' {
			what += ` (a ' inside a single-quoted value is written \', 'it\'s', or the value goes in double quotes, "it's")`
		} else {
			what += ` (a " inside a double-quoted value is written \", "say \"hi\"", or the value goes in single quotes, 'say "hi"')`
		}
	}
	if err := p.endOfLine(what); err != nil {
		return "", err
	}
	return b.String(), nil
}

// text decodes data[i:end] into b: for q == '"' the double-quote escapes,
// for q == '\” the single-quote ones, none for unquoted text; ${...}
// expansions unless q == '\” or expansion is off. It stops early at a '}'
// when depth > 0 (the end of a default) and returns where it stopped.
func (p *parser) text(b *strings.Builder, i, end int, q byte, depth int) (int, error) {
	for i < end {
		c := p.data[i]
		switch {
		case c == '\r' && q != 0 && i+1 < end && p.data[i+1] == '\n':
			i++ // CRLF inside quotes reads as LF
			continue
		case c == '\\' && q != 0 && i+1 < end:
			e := p.data[i+1]
			if q == '\'' {
				if e == '\\' || e == '\'' {
					b.WriteByte(e)
					i += 2
					continue
				}
				break
			}
			if r := doubleEscape(e); r != 0 {
				b.WriteByte(r)
				i += 2
				continue
			}
		case c == '}' && depth > 0:
			return i, nil
		case c == '$' && p.expand && q != '\'' && i+1 < end && p.data[i+1] == '{':
			next, err := p.expansion(b, i, end, q, depth)
			if err != nil {
				return 0, err
			}
			i = next
			continue
		}
		b.WriteByte(c)
		i++
	}
	if depth > 0 {
		return 0, p.errOff(i, "'}' expected to close ${...}")
	}
	return i, nil
}

func doubleEscape(e byte) byte {
	switch e {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case 'a':
		return '\a'
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'v':
		return '\v'
	case '"', '\'', '\\', '$':
		return e
	}
	return 0
}

func isRefChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
}

// expansion writes the value of the ${...} starting at data[at] into b and
// returns the offset after its '}'.
func (p *parser) expansion(b *strings.Builder, at, end int, q byte, depth int) (int, error) {
	if depth >= maxNesting {
		return 0, p.errOff(at, "${...} nested more than %d deep", maxNesting)
	}
	i := at + 2
	for i < end && isRefChar(p.data[i]) {
		i++
	}
	name := string(p.data[at+2 : i])
	bad := func() error {
		j := i
		for j < end && j-at < 40 && p.data[j] != '}' && p.data[j] != '\n' {
			j++
		}
		if j < end && p.data[j] == '}' {
			j++
		}
		what := strconv.Quote(string(p.data[at:j]))
		if p.secret {
			what = "(a secret's value, not shown)"
		}
		return p.errOff(at, "unsupported expansion %s: use ${NAME}, ${NAME:-default} or ${NAME-default}, or write \\$ (in double quotes) or single quotes for a literal $", what)
	}
	if name == "" || i >= end {
		return 0, bad()
	}
	val, set := p.lookup(name)
	if set && !utf8.ValidString(val) {
		// From the environment (the file's own text is UTF-8): neither
		// "unset", which lets a default stand in, nor its bytes.
		return 0, p.errOff(at, "environment variable %s is set, but its value is not valid UTF-8 text", name)
	}
	if p.expanded+b.Len()+len(val) > MaxExpanded && p.expanded+b.Len()+len(val) > 2*len(p.data) {
		return 0, p.errOff(at, "expanding ${...} makes the values larger than %d MiB", MaxExpanded>>20)
	}
	switch {
	case p.data[i] == '}':
		b.WriteString(val)
		return i + 1, nil
	case p.data[i] == '-', p.data[i] == ':' && i+1 < end && p.data[i+1] == '-':
		unsetOnly := p.data[i] == '-'
		if !unsetOnly {
			i++
		}
		useDefault := !set || !unsetOnly && val == ""
		if useDefault {
			stop, err := p.text(b, i+1, end, q, depth+1)
			return stop + 1, err
		}
		b.WriteString(val)
		// skip the default, still checking its syntax
		var discard strings.Builder
		stop, err := p.text(&discard, i+1, end, q, depth+1)
		if err != nil {
			return 0, err
		}
		return stop + 1, nil
	}
	return 0, bad()
}

// lookup finds name among the names set earlier in the file, then in the
// environment. A bare name (null) counts as unset.
func (p *parser) lookup(name string) (string, bool) {
	if v, ok := p.root.Get(name); ok {
		if s, isStr := v.(string); isStr {
			return s, true
		}
	}
	if v, ok := p.env[name]; ok {
		return v, true
	}
	return "", false
}

// Encode writes root as a .env file, one NAME=value line per key in the
// map's order. The root must be flat: a map or list value gives an
// *errs.Located with Kind errs.ErrTypeMismatch naming its path, as does a
// key that is not a valid name or a string holding NUL. Null is written as
// a bare NAME line; other scalars as strings (datetimes in RFC 3339 / ISO
// 8601 form), so they read back as strings. A value that is not plain is
// quoted so that it reads back exactly, with or without expansion: in
// single quotes when it holds a "$" (which also keeps docker compose from
// expanding it), else in double quotes with escapes. python-dotenv expands
// ${...} even in single quotes and has no escape for it: a value holding
// "${" cannot be written so that it reads it back.
func Encode(root *value.Map) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	root.Range(func(k string, v any) bool {
		path := value.QuoteSegment(k)
		if !ValidName(k) {
			err = textpos.TypeError(path, ".env cannot express the name %q (names are not empty and hold no control characters; a name that holds blanks, '=' or '#' is quoted, and then cannot hold a single quote)", textpos.Trim(k))
			return false
		}
		if !plainName(k) {
			k = "'" + k + "'"
		}
		if v == nil {
			buf.WriteString(k)
			buf.WriteByte('\n')
			return true
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
	// non-ASCII blanks at the ends would be kept by reading, but a
	// reader may well trim them: quote them
	r, _ := utf8.DecodeRuneInString(s)
	l, _ := utf8.DecodeLastRuneInString(s)
	return !unicode.IsSpace(r) && !unicode.IsSpace(l)
}

func writeValue(buf *bytes.Buffer, s string) {
	if plain(s) {
		buf.WriteString(s)
		return
	}
	if strings.IndexByte(s, '$') >= 0 && strings.IndexByte(s, '\r') < 0 {
		buf.WriteByte('\'')
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == '\'' || c == '\\' {
				buf.WriteByte('\\')
			}
			buf.WriteByte(s[i])
		}
		buf.WriteByte('\'')
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
