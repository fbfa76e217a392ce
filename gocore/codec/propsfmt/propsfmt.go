// Package propsfmt reads and writes Java .properties files (Spring Boot's
// application.properties, Kafka's server.properties), following
// java.util.Properties.load, with dotted keys made into paths:
//
//	# a comment            ! also a comment (whole lines only)
//	server.port=8080       {"server": {"port": "8080"}}
//	server.host : h        "=", ":" or blanks separate key and value
//	name  value
//	list = a, \            a backslash at a line end continues the line;
//	       b               the next line's leading blanks are dropped
//	greeting=caf\u00e9     \uXXXX, \t \n \r \f escapes; \ before any other
//	                       character is that character (\: \= \  \# \\)
//
// Written by hand rather than with github.com/magiconair/properties: that
// library keeps no line numbers for keys (gocfg's provenance and errors
// need them) and expands ${...} references by default.
//
// Decisions:
//
//   - Keys are split at every "." into a path; "a..b" has an empty middle
//     segment. A key that is both a value and a parent ("a=1" and
//     "a.b=2", in either order) is a parse error naming both lines and the
//     reading mode "properties-flat" (DecodeFlat), which keeps every key
//     whole, as Java does, so such files (message bundles, Spring Boot's
//     metadata) still load. A key given twice is an error (Java keeps the
//     last; a silent loss here would hide a typo).
//   - Values are strings, kept as Java reads them: trailing blanks are
//     part of the value, nothing is expanded (${x} stays as written).
//   - The file is read as UTF-8 when it is valid UTF-8 (what Spring Boot
//     and Java 9+ resource bundles read), and otherwise as ISO-8859-1, the
//     encoding of Java's Properties.load(InputStream), in which every byte
//     is a character: real files written by Java tools in Latin-1 load with
//     the characters Java sees. A UTF-8 byte order mark is skipped. NUL may
//     appear in values as \u0000, not as a raw byte.
//   - Lines end at "\n", "\r\n" or a lone "\r", as in Java.
//   - Spring Boot's document separator ("#---" or "!---" alone on a line,
//     in application.properties since 2.4) before a document that names
//     a profile (spring.config.activate.*, spring.profiles) is a parse
//     error at the separator: merging that document into the others
//     would give wrong values. A key set twice across one says so.
package propsfmt

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// Decode parses a .properties file into a tree of strings, dotted keys
// made into paths.
func Decode(data []byte) (*value.Doc, error) { return decode(data, false) }

// DecodeFlat parses a .properties file into one map of whole keys, as
// Java's Properties holds them: "a.b=1" is the key "a.b".
func DecodeFlat(data []byte) (*value.Doc, error) { return decode(data, true) }

func decode(data []byte, flat bool) (doc *value.Doc, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, textpos.InternalError("parsing properties", r)
		}
	}()
	// before the ISO-8859-1 fallback, which would take UTF-16 for text
	// with NULs and report the first NUL
	if err := textpos.CheckNotUTF16(data); err != nil {
		return nil, err
	}
	if textpos.InvalidUTF8(data) >= 0 {
		data = latin1ToUTF8(data)
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, textpos.ParseErrorAt(data, i, "NUL byte (write \\u0000 for a NUL in a value)")
	}
	p := &parser{data: data, line: 1}
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		p.i, p.lineStart = 3, 3
	}
	root := value.NewMap(0)
	rec := &recorder{budget: textpos.NewPathBudget(len(data))}
	if len(data) <= textpos.MaxPositionsSize {
		rec.m = make(map[string]value.Pos)
	}
	// separator is where the last of Spring Boot's document separators
	// stands (springSeparator), sepChar its comment character or 0 before
	// any; prevComment is the comment character of the line before, or 0.
	var separator value.Pos
	var sepChar, prevComment byte
	for {
		p.skipBlank()
		// A line holding only a continuation ("\" at its end) leaves the
		// logical line empty, and Java (9+: "still on a new logical line")
		// reads on as at a line's start: a line end then ends an empty
		// line (no key, where "" = "" was stored here) and "#" or "!"
		// starts a comment (where it was read as a key).
		// Java 17 has one exception, kept here: when that line break is
		// the file's last byte, it returns the empty line, read as the key
		// "" (so "a=1\n\\\n" holds "" = "", and "a=1\n\\\r\n" does not).
		for p.i+1 < len(p.data) && p.data[p.i] == '\\' && (p.data[p.i+1] == '\n' || p.data[p.i+1] == '\r') {
			if p.i+2 == len(p.data) {
				break // key() reads "" = ""
			}
			p.i++
			p.newline()
			p.skipBlank()
		}
		if p.i >= len(p.data) {
			break
		}
		switch c := p.data[p.i]; c {
		case '\n', '\r':
			p.newline()
			prevComment = 0
			continue
		case '#', '!':
			if p.i == p.lineStart && prevComment != c && p.springSeparator() {
				separator, sepChar = p.pos(), c
			}
			p.skipToEOL()
			if p.i < len(p.data) {
				p.newline()
			}
			prevComment = c
			continue
		}
		prevComment = 0
		keyPos := p.pos()
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		val, err := p.value()
		if err != nil {
			return nil, err
		}
		if sepChar != 0 && springActivation(key) {
			// a profile's document (or a cloud platform's): its keys
			// apply only there, so merging them would be wrong
			return nil, p.errAt(separator, "%c--- separates Spring Boot documents, and the one after it is active only where %s on line %d says: gocfg reads a .properties file as one document, which would merge it into the keys above; move each such document to a file of its own (application-{profile}.properties)",
				sepChar, key, keyPos.Line)
		}
		if flat {
			err = setFlat(root, key, val, keyPos, rec.m)
		} else {
			err = set(root, key, val, keyPos, rec)
		}
		if t, ok := err.(twice); ok {
			if sepChar != 0 {
				// set again in a later document, which Spring Boot
				// reads as an override
				t.Msg += fmt.Sprintf("; line %d holds %c---, Spring Boot's document separator: gocfg reads a .properties file as one document, so move each document to a file of its own (application-{profile}.properties)", separator.Line, sepChar)
			}
			return nil, t.Located
		}
		if err != nil {
			return nil, err
		}
	}
	return &value.Doc{Root: root, Positions: rec.m}, nil
}

// recorder keeps the positions of a decode within a textpos.PathBudget. A
// dotted key builds a path for each of its segments, each as long as the
// key so far, so keys nested a thousand deep cost about a megabyte of
// paths each (an 800 KB file took 500 MB); past the budget the positions
// are dropped and no more paths are built, as in the other decoders.
type recorder struct {
	m      map[string]value.Pos // nil: no positions
	budget textpos.PathBudget
}

// path extends path by seg, or returns "" once positions are off.
func (r *recorder) path(path, seg string) string {
	if r.m == nil {
		return ""
	}
	path = value.AppendPath(path, seg)
	if !r.budget.Spend(len(path)) {
		r.m = nil
		return ""
	}
	return path
}

// latin1ToUTF8 reads data as ISO-8859-1, where byte b is the character
// U+00b: the decoding Java's Properties.load(InputStream) uses.
func latin1ToUTF8(data []byte) []byte {
	out := make([]byte, 0, len(data)+len(data)/8)
	for _, b := range data {
		out = utf8.AppendRune(out, rune(b))
	}
	return out
}

// setFlat stores val under the whole key, for DecodeFlat.
func setFlat(root *value.Map, key, val string, at value.Pos, positions map[string]value.Pos) error {
	if why := textpos.KeyProblem(key); why != "" {
		return textpos.ParseError(at.Line, at.Column, "%s", why)
	}
	path := value.AppendPath("", key)
	if _, exists := root.Get(key); exists {
		first := ""
		if p, ok := positions[path]; ok {
			first = fmt.Sprintf(" (first on line %d)", p.Line)
		}
		return setTwice(at, key, first)
	}
	root.Set(key, val)
	if positions != nil {
		positions[path] = at
	}
	return nil
}

// twice is the error of a key set twice, which decode completes when a
// Spring Boot document separator stands before the key.
type twice struct{ *errs.Located }

func setTwice(at value.Pos, key, first string) error {
	return twice{&errs.Located{Kind: errs.ErrParse, Line: at.Line, Column: at.Column,
		Msg: fmt.Sprintf("key %q is set twice%s", textpos.Trim(key), first)}}
}

// set stores val at the path the dotted key names.
// Conflicts name the line of the earlier key from the positions (which
// documents over textpos.MaxPositionsSize do not keep).
func set(root *value.Map, key, val string, at value.Pos, rec *recorder) error {
	onLine := func(path string) string {
		if p, ok := rec.m[path]; ok {
			return fmt.Sprintf(" on line %d", p.Line)
		}
		return ""
	}
	segs := strings.Split(key, ".")
	if len(segs) > value.MaxDepth {
		return textpos.ParseError(at.Line, at.Column, "key %q nests deeper than %d levels", textpos.Trim(key), value.MaxDepth)
	}
	m, path := root, ""
	for i, seg := range segs {
		if why := textpos.KeyProblem(seg); why != "" {
			return textpos.ParseError(at.Line, at.Column, "%s", why)
		}
		path = rec.path(path, seg)
		old, exists := m.Get(seg)
		last := i == len(segs)-1
		switch {
		case last && exists:
			if _, isMap := old.(*value.Map); isMap {
				return textpos.ParseError(at.Line, at.Column, "key %q is a value here and a parent of the key %q%s (format \"properties-flat\" keeps dotted keys whole)", textpos.Trim(key), textpos.Trim(key+"."+firstChild(old.(*value.Map))), onLine(path))
			}
			// without positions (a large document) the first line is
			// unknown: no "(first)" left dangling
			first := onLine(path)
			if first != "" {
				first = " (first" + first + ")"
			}
			return setTwice(at, key, first)
		case last:
			m.Set(seg, val)
		case exists:
			sub, isMap := old.(*value.Map)
			if !isMap {
				return textpos.ParseError(at.Line, at.Column, "key %q makes %q a parent, but it is set to a value%s (format \"properties-flat\" keeps dotted keys whole)", textpos.Trim(key), textpos.Trim(strings.Join(segs[:i+1], ".")), onLine(path))
			}
			m = sub
			continue
		default:
			sub := value.NewMap(0)
			m.Set(seg, sub)
			m = sub
		}
		if rec.m != nil {
			rec.m[path] = at
		}
	}
	return nil
}

func firstChild(m *value.Map) string {
	k := ""
	m.Range(func(key string, _ any) bool { k = key; return false })
	return k
}

type parser struct {
	data      []byte
	i         int
	line      int
	lineStart int
	ended     bool // key() met the line's end
}

func (p *parser) pos() value.Pos { return p.posAt(p.i) }

// posAt is the position of data[off], an offset on the current line.
func (p *parser) posAt(off int) value.Pos {
	return value.Pos{Line: p.line, Column: 1 + utf8.RuneCount(p.data[p.lineStart:off])}
}

func (p *parser) errAt(pos value.Pos, format string, args ...any) error {
	return textpos.ParseError(pos.Line, pos.Column, format, args...)
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\f' }

// plainByte is a byte that stands for itself in keys and values (UTF-8
// continuation bytes included: the input is valid UTF-8).
func plainByte(c byte) bool { return c != '\\' && c != '\n' && c != '\r' }

func (p *parser) skipBlank() {
	for p.i < len(p.data) && isBlank(p.data[p.i]) {
		p.i++
	}
}

// newline consumes "\n", "\r\n" or "\r" at p.i.
func (p *parser) newline() {
	if p.data[p.i] == '\r' && p.i+1 < len(p.data) && p.data[p.i+1] == '\n' {
		p.i++
	}
	p.i++
	p.line++
	p.lineStart = p.i
}

// springSeparator reports whether the comment line at p.i is one of the
// document separators Spring Boot (2.4 and later) reads in
// application.properties: "#---" or "!---" at the line's start, blanks
// after it, and not followed by a comment line of the same character (the
// caller checks the line before), so that a banner of such lines is no
// separator, as in Spring Boot.
func (p *parser) springSeparator() bool {
	c := p.data[p.i]
	j := p.i + 1
	if !bytes.HasPrefix(p.data[j:], []byte("---")) {
		return false
	}
	j += 3
	for j < len(p.data) && isBlank(p.data[j]) {
		j++
	}
	if j < len(p.data) && p.data[j] != '\n' && p.data[j] != '\r' {
		return false
	}
	if j < len(p.data) && p.data[j] == '\r' {
		j++
	}
	if j < len(p.data) && p.data[j] == '\n' {
		j++
	}
	for j < len(p.data) && isBlank(p.data[j]) {
		j++
	}
	return j >= len(p.data) || p.data[j] != c
}

// springActivation reports whether key is one of the properties that
// make a Spring Boot document conditional: spring.config.activate.* (2.4
// and later) or spring.profiles (before 2.4).
func springActivation(key string) bool {
	return strings.HasPrefix(key, "spring.config.activate.") || key == "spring.profiles"
}

func (p *parser) skipToEOL() {
	for p.i < len(p.data) && p.data[p.i] != '\n' && p.data[p.i] != '\r' {
		p.i++
	}
}

func (p *parser) atEOL() bool {
	return p.i >= len(p.data) || p.data[p.i] == '\n' || p.data[p.i] == '\r'
}

// char reads one character of a logical line: escapes decoded, line
// continuations followed. It returns ok=false at the line's end (the line
// break is consumed), and escaped=true for a character written with a
// backslash (which never ends a key).
func (p *parser) char() (r rune, escaped, ok bool, err error) {
	for {
		if p.i >= len(p.data) {
			return 0, false, false, nil
		}
		c := p.data[p.i]
		if c == '\n' || c == '\r' {
			p.newline()
			return 0, false, false, nil
		}
		if c != '\\' {
			r, size := utf8.DecodeRune(p.data[p.i:])
			p.i += size
			return r, false, true, nil
		}
		// the escape's offset, not its position: counting the line's
		// characters up to every backslash made a line of escapes
		// quadratic (a 1 MB line of \t took minutes)
		at := p.i
		p.i++
		if p.i >= len(p.data) {
			return 0, false, false, nil // a backslash at the very end: dropped, as Java does
		}
		switch e := p.data[p.i]; e {
		case '\n', '\r':
			p.newline() // continuation: the next line's leading blanks go
			p.skipBlank()
			continue
		case 't':
			p.i++
			return '\t', true, true, nil
		case 'n':
			p.i++
			return '\n', true, true, nil
		case 'r':
			p.i++
			return '\r', true, true, nil
		case 'f':
			p.i++
			return '\f', true, true, nil
		case 'u':
			r, err := p.unicode(at)
			return r, true, err == nil, err
		default:
			r, size := utf8.DecodeRune(p.data[p.i:])
			p.i += size
			return r, true, true, nil
		}
	}
}

// unicode reads the XXXX of \uXXXX at p.i (on the 'u'), joining a
// surrogate pair written as two escapes.
func (p *parser) unicode(at int) (rune, error) {
	hex4 := func() (rune, bool) {
		if p.i+5 > len(p.data) {
			return 0, false
		}
		var r rune
		for _, c := range p.data[p.i+1 : p.i+5] {
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
		p.i += 5
		return r, true
	}
	r, ok := hex4()
	if !ok {
		// Met on Windows paths (dir=C:\users\app), where Java's
		// load fails alike.
		return 0, p.errAt(p.posAt(at), "malformed \\uXXXX escape (four hex digits expected; a backslash escapes the next character in .properties, as Java reads them, so a Windows path is written with / or with \\\\: C:/Users or C:\\\\Users)")
	}
	if !utf16.IsSurrogate(r) {
		return r, nil
	}
	if r < 0xDC00 && p.i+1 < len(p.data) && p.data[p.i] == '\\' && p.data[p.i+1] == 'u' {
		save := p.i
		p.i++
		if lo, ok := hex4(); ok {
			if pair := utf16.DecodeRune(r, lo); pair != utf8.RuneError {
				return pair, nil
			}
		}
		p.i = save
	}
	return 0, p.errAt(p.posAt(at), "\\u%04X is half of a surrogate pair without its other half", r)
}

// key reads a key up to an unescaped "=", ":" or blank, and the
// separator. Continuations are followed first, as Java joins a logical
// line before splitting it.
func (p *parser) key() (string, error) {
	var b strings.Builder
	for {
		// a run of plain characters at once
		j := p.i
		for j < len(p.data) && plainByte(p.data[j]) && p.data[j] != '=' && p.data[j] != ':' && !isBlank(p.data[j]) {
			j++
		}
		b.Write(p.data[p.i:j])
		p.i = j
		r, escaped, ok, err := p.char()
		if err != nil {
			return "", err
		}
		if !ok {
			p.ended = true // the line ended with the key: an empty value
			return b.String(), nil
		}
		if !escaped {
			switch r {
			case '=', ':':
				p.skipBlanks()
				return b.String(), nil
			case ' ', '\t', '\f':
				p.skipSep()
				return b.String(), nil
			}
		}
		b.WriteRune(r)
	}
}

// skipBlanks skips blanks and line continuations.
func (p *parser) skipBlanks() {
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case isBlank(c):
			p.i++
		case c == '\\' && p.i+1 < len(p.data) && (p.data[p.i+1] == '\n' || p.data[p.i+1] == '\r'):
			p.i++
			p.newline()
		default:
			return
		}
	}
}

// skipSep skips blanks, one optional '=' or ':', and blanks.
func (p *parser) skipSep() {
	p.skipBlanks()
	if p.i < len(p.data) && (p.data[p.i] == '=' || p.data[p.i] == ':') {
		p.i++
		p.skipBlanks()
	}
}

func (p *parser) value() (string, error) {
	if p.ended {
		p.ended = false
		return "", nil
	}
	var b strings.Builder
	for {
		j := p.i
		for j < len(p.data) && plainByte(p.data[j]) {
			j++
		}
		b.Write(p.data[p.i:j])
		p.i = j
		r, _, ok, err := p.char()
		if err != nil {
			return "", err
		}
		if !ok {
			return b.String(), nil
		}
		b.WriteRune(r)
	}
}

// Encode writes root as a .properties file: every leaf as one
// "dotted.key=value" line, depth first in the maps' order. It refuses,
// with an *errs.Located of Kind errs.ErrTypeMismatch naming the path, what
// the format cannot express: lists, empty maps (they would vanish), keys
// holding "." (they would split), and nesting deeper than value.MaxDepth.
// Scalars are written as strings (null as the empty string), so they read
// back as strings. Characters outside printable ASCII are written as
// \uXXXX escapes, so the file means the same to a Java reader that takes
// it as ISO-8859-1.
func Encode(root *value.Map) ([]byte, error) { return encode(root, false) }

// EncodeFlat writes a map of whole keys, as DecodeFlat reads them: dots
// in keys are kept, and nested maps cannot be expressed.
func EncodeFlat(root *value.Map) ([]byte, error) { return encode(root, true) }

func encode(root *value.Map, flat bool) ([]byte, error) {
	var buf bytes.Buffer
	var segs []string
	var walk func(m *value.Map, depth int) error
	walk = func(m *value.Map, depth int) error {
		var err error
		m.Range(func(k string, v any) bool {
			segs = append(segs, k)
			defer func() { segs = segs[:len(segs)-1] }()
			// The path is joined only for a message: joining it for
			// every key copied a deep path once per entry.
			path := func() string { return value.JoinPath(segs...) }
			if why := textpos.KeyProblem(k); why != "" {
				err = textpos.TypeError(path(), "%s", why)
				return false
			}
			if !flat && strings.Contains(k, ".") {
				err = textpos.TypeError(path(), "properties cannot express the key %q: a '.' in a key reads as a nesting%s", textpos.Trim(k), flatHint(root))
				return false
			}
			switch v := v.(type) {
			case *value.Map:
				// A map one level below m nests one level deeper; a
				// scalar at a key of m does not (the decoder and the
				// other encoders count so).
				if depth+1 > value.MaxDepth {
					err = textpos.TypeError(path(), "nesting deeper than %d levels", value.MaxDepth)
					return false
				}
				if flat {
					err = textpos.TypeError(path(), "properties-flat cannot express a nested map")
					return false
				}
				if v.Len() == 0 {
					err = textpos.TypeError(path(), "properties cannot express an empty map")
					return false
				}
				err = walk(v, depth+1)
				return err == nil
			case []any:
				err = textpos.TypeError(path(), "properties cannot express a list")
				return false
			}
			s, e := textpos.ScalarString(v, path(), "properties")
			if e != nil {
				err = e
				return false
			}
			writeEscaped(&buf, strings.Join(segs, "."), true)
			buf.WriteByte('=')
			writeEscaped(&buf, s, false)
			buf.WriteByte('\n')
			return true
		})
		return err
	}
	if err := walk(root, 1); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// flatHint names the format that keeps a dotted key whole, where it can
// write root: properties-flat holds one map of scalars. A tree that also
// nests (a Spring application.yml: "logging.level" over a key
// "org.hibernate.SQL") fits neither format, and naming properties-flat
// there sent the user to a second refusal.
func flatHint(root *value.Map) string {
	nested := false
	root.Range(func(_ string, v any) bool {
		_, nested = v.(*value.Map)
		return !nested
	})
	if nested {
		return ", and format \"properties-flat\", which keeps it whole, cannot write nested maps"
	}
	return " (format \"properties-flat\" keeps it whole)"
}

func writeEscaped(buf *bytes.Buffer, s string, isKey bool) {
	for i, r := range s {
		switch {
		case r == '\\':
			buf.WriteString(`\\`)
		case r == '\n':
			buf.WriteString(`\n`)
		case r == '\r':
			buf.WriteString(`\r`)
		case r == '\t':
			buf.WriteString(`\t`)
		case r == '\f':
			buf.WriteString(`\f`)
		case r == ' ' && (isKey || i == 0):
			buf.WriteString(`\ `) // a key's blanks and a value's leading ones
		case isKey && (r == '=' || r == ':'):
			buf.WriteByte('\\')
			buf.WriteRune(r)
		case i == 0 && isKey && (r == '#' || r == '!'):
			buf.WriteByte('\\')
			buf.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(buf, `\u%04x`, u)
			}
		default:
			buf.WriteRune(r)
		}
	}
}
