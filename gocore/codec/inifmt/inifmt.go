// Package inifmt reads and writes INI files, following what Python's
// configparser reads by default, so a file written here means the same to
// it (apart from configparser's lowercasing of keys).
//
// The syntax accepted:
//
//	; a comment       # also a comment (whole lines only)
//	name = value      key/values before any section go to the root
//	[section]         a map under the root, named by the trimmed text
//	key = value       "=" or ":" separates; key and value are trimmed
//	key: value
//
// Decisions:
//
//   - Section names are single keys: [a.b] is the key "a.b", not a nesting.
//   - Values are strings, taken literally: quotes are kept, and ";" or "#"
//     after a value is part of it (no inline comments, as in configparser).
//   - The first "=" or ":" ends the key, so keys cannot hold either.
//   - Indented lines are ordinary lines (configparser would join them to the
//     value above as continuation lines; here a value is one line).
//   - A section or a key given twice (in one section) is a parse error, as
//     is a section named like a key of the root, a line that is neither a
//     section, a comment nor a key/value, and a NUL byte.
//   - CRLF line ends read as LF; a UTF-8 byte order mark is skipped.
package inifmt

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/value"
)

// Decode parses an INI file.
func Decode(data []byte) (doc *value.Doc, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, textpos.ParseError(0, 0, "internal error while parsing INI: %v", r)
		}
	}()
	if err := textpos.CheckUTF8(data); err != nil {
		return nil, err
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, textpos.ParseErrorAt(data, i, "NUL byte")
	}
	root := value.NewMap(0)
	var positions map[string]value.Pos
	if len(data) <= textpos.MaxPositionsSize {
		positions = make(map[string]value.Pos)
	}
	cur, curPath := root, ""
	start := 0
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		start = 3
	}
	for lineNo := 1; start <= len(data); lineNo++ {
		end := bytes.IndexByte(data[start:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += start
		}
		raw := string(data[start:end])
		start = end + 1
		line := strings.TrimSuffix(raw, "\r")
		if strings.IndexByte(line, '\r') >= 0 {
			return nil, textpos.ParseError(lineNo, col(raw, strings.IndexByte(line, '\r')), "a carriage return that does not end a line")
		}
		trimmed := strings.TrimLeft(line, " \t")
		indent := len(line) - len(trimmed)
		trimmed = strings.TrimRight(trimmed, " \t")
		if trimmed == "" || trimmed[0] == ';' || trimmed[0] == '#' {
			continue
		}
		if trimmed[0] == '[' {
			if trimmed[len(trimmed)-1] != ']' {
				return nil, textpos.ParseError(lineNo, col(line, indent), "a section header must end with ']'")
			}
			name := strings.Trim(trimmed[1:len(trimmed)-1], " \t")
			if name == "" {
				return nil, textpos.ParseError(lineNo, col(line, indent), "empty section name")
			}
			if why := textpos.KeyProblem(name); why != "" {
				return nil, textpos.ParseError(lineNo, col(line, indent), "%s", why)
			}
			if old, dup := root.Get(name); dup {
				if _, isSection := old.(*value.Map); isSection {
					return nil, textpos.ParseError(lineNo, col(line, indent), "section [%s] appears twice", name)
				}
				return nil, textpos.ParseError(lineNo, col(line, indent), "section [%s] has the name of a key set before any section", name)
			}
			cur = value.NewMap(0)
			root.Set(name, cur)
			curPath = value.QuoteSegment(name)
			if positions != nil {
				positions[curPath] = value.Pos{Line: lineNo, Column: col(line, indent)}
			}
			continue
		}
		sep := strings.IndexAny(trimmed, "=:")
		if sep < 0 {
			return nil, textpos.ParseError(lineNo, col(line, indent), "expected 'key = value', a [section] or a comment")
		}
		key := strings.TrimRight(trimmed[:sep], " \t")
		if key == "" {
			return nil, textpos.ParseError(lineNo, col(line, indent), "empty key before %q", trimmed[sep])
		}
		val := strings.TrimLeft(trimmed[sep+1:], " \t")
		if _, dup := cur.Get(key); dup {
			where := "before any section"
			if cur != root {
				where = "in this section"
			}
			return nil, textpos.ParseError(lineNo, col(line, indent), "key %q appears twice %s", textpos.Trim(key), where)
		}
		cur.Set(key, val)
		if positions != nil {
			positions[value.AppendPath(curPath, key)] = value.Pos{Line: lineNo, Column: col(line, indent)}
		}
	}
	return &value.Doc{Root: root, Positions: positions}, nil
}

// col is the 1-based column (in characters) of byte offset i in line.
func col(line string, i int) int {
	return 1 + utf8.RuneCountInString(line[:i])
}

// Encode writes root as an INI file: the root's scalars first, in order, as
// key = value lines, then one [section] per map, in order. A section may
// hold scalars only: a deeper map or a list gives an *errs.Located with
// Kind errs.ErrTypeMismatch naming the path. So do text that INI cannot
// hold: keys or section names that are empty, have blanks at either end,
// hold a line break, or (keys only) hold '=' or ':' or start with '[', ';'
// or '#'; and values with a line break or blanks at either end, which
// reading would lose. Scalars are written as strings (null as the empty
// string), so they read back as strings.
func Encode(root *value.Map) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	// Root scalars first: after a [section] header they would belong to it.
	root.Range(func(k string, v any) bool {
		if _, isMap := v.(*value.Map); isMap {
			return true
		}
		err = writeKV(&buf, k, v, value.QuoteSegment(k))
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	root.Range(func(name string, v any) bool {
		sec, isMap := v.(*value.Map)
		if !isMap {
			return true
		}
		path := value.QuoteSegment(name)
		if why := badSection(name); why != "" {
			err = textpos.TypeError(path, "INI cannot express the section name %q: %s", textpos.Trim(name), why)
			return false
		}
		if buf.Len() > 0 {
			buf.WriteByte('\n')
		}
		buf.WriteString("[" + name + "]\n")
		sec.Range(func(k string, x any) bool {
			err = writeKV(&buf, k, x, value.AppendPath(path, k))
			return err == nil
		})
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// badSection explains why name cannot be a section header, or returns "".
// A name may hold ']' and start with anything: the header ends at the
// line's last ']'.
func badSection(name string) string {
	switch {
	case name == "":
		return "it is empty"
	case strings.Trim(name, " \t") != name:
		return "it has blanks at an end"
	case strings.ContainsAny(name, "\n\r"):
		return "it holds a line break"
	}
	return textpos.KeyProblem(name)
}

// badName explains why a key cannot be written, or returns "".
func badName(s, forbidden string) string {
	switch {
	case s == "":
		return "it is empty"
	case strings.Trim(s, " \t") != s:
		return "it has blanks at an end"
	case strings.ContainsAny(s, "\n\r"):
		return "it holds a line break"
	case strings.ContainsAny(s, forbidden):
		return "it holds one of " + strings.Join(strings.Split(forbidden, ""), " ")
	case s[0] == '[' || s[0] == ';' || s[0] == '#':
		return "it starts with " + s[:1]
	}
	if why := textpos.KeyProblem(s); why != "" {
		return why
	}
	return ""
}

func writeKV(buf *bytes.Buffer, k string, v any, path string) error {
	if why := badName(k, "=:"); why != "" {
		return textpos.TypeError(path, "INI cannot express the key %q: %s", textpos.Trim(k), why)
	}
	s, err := textpos.ScalarString(v, path, "INI")
	if err != nil {
		return err
	}
	switch {
	case strings.ContainsAny(s, "\n\r"):
		return textpos.TypeError(path, "INI cannot express a value with a line break")
	case strings.TrimLeft(s, " \t") != s || strings.TrimRight(s, " \t") != s:
		return textpos.TypeError(path, "INI cannot express a value with blanks at an end (reading trims them)")
	case strings.IndexByte(s, 0) >= 0:
		return textpos.TypeError(path, "INI cannot express a NUL byte")
	}
	buf.WriteString(k)
	buf.WriteString(" = ")
	buf.WriteString(s)
	buf.WriteByte('\n')
	return nil
}
