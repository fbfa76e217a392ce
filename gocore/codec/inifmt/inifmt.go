// Package inifmt reads and writes INI files the way Python's configparser
// reads them with its defaults (ConfigParser(interpolation=None)), so that
// tox.ini, setup.cfg, mypy.ini and friends mean here what they mean to the
// tools that own them.
//
// Two dialects, picked by the codec name (see package codec):
//
//   - "ini" (Decode, Encode): configparser exactly, keys lowercased as its
//     default optionxform (str.lower) does.
//   - "ini-case" (DecodeCase, EncodeCase): the same, keys kept as written
//     (configparser with optionxform=str; php.ini, systemd-like files).
//
// The syntax accepted, as configparser reads it:
//
//	; a comment       # also a comment (whole lines only; indented ones too)
//	[section]         the header ends at the line's last "]"; the name is
//	                  taken as written (blanks kept) and text after "]" is
//	                  ignored, as configparser does
//	key = value       "=" or ":" separates, the first one wins; key and
//	key: value        value are stripped of blanks
//	deps =            a line indented deeper than its key's line continues
//	    pytest        the value: lines are stripped and joined with "\n";
//	                  empty lines inside are kept, comment lines dropped,
//	                  and the whole value loses trailing blank lines
//	[DEFAULT]         its keys are copied into every other section that
//	                  does not set them (after the section's own keys);
//	                  the DEFAULT section itself stays in the tree
//
// Decisions beyond configparser:
//
//   - Keys before any section go to the root (configparser refuses the file
//     with MissingSectionHeaderError; .editorconfig and php.ini-like files
//     have them). They get no DEFAULT values.
//   - Values are strings, taken literally: no interpolation (% and $ are
//     kept), quotes are kept, ";" or "#" after a value is part of it.
//   - A section or key given twice is a parse error (configparser's
//     strict=True), as is a section named like a root key, a line that is
//     neither a section, a comment nor a key/value, and a NUL byte. A
//     repeated [DEFAULT] header is allowed and merges, as in configparser.
//   - Blanks are Python's (str.strip): Unicode white space and \x1c-\x1f.
//     Lowercasing is Go's Unicode mapping, with İ mapped as Python maps it;
//     a final capital sigma lowercases to σ, where Python gives ς.
//   - CRLF line ends read as LF; a lone CR is an error (configparser splits
//     lines there when reading a file and not when reading a string); a
//     UTF-8 byte order mark is skipped.
package inifmt

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/value"
)

// DefaultSection is configparser's default_section.
const DefaultSection = "DEFAULT"

// MaxDefaultCopies bounds the values [DEFAULT] is copied into: configparser
// looks them up lazily, a tree holds the copies, and a small file with
// many keys in [DEFAULT] and many sections would otherwise make a huge one
// (like YAML's alias bomb).
const MaxDefaultCopies = 1_000_000

// Decode parses an INI file as configparser does, keys lowercased.
func Decode(data []byte) (*value.Doc, error) { return decode(data, false) }

// ansibleInventory reports whether data looks like an Ansible inventory
// in its INI form (hosts.ini): group variables and children sections, or
// ansible_* host variables. Its host lines are names alone, which INI
// cannot read, so an error there says what the file is.
func ansibleInventory(data []byte) bool {
	return bytes.Contains(data, []byte(":vars]")) || bytes.Contains(data, []byte(":children]")) ||
		bytes.Contains(data, []byte("ansible_"))
}

// DecodeCase parses an INI file as configparser does, keys kept as written.
func DecodeCase(data []byte) (*value.Doc, error) { return decode(data, true) }

// isSpace is Python's str.isspace, which str.strip and the regular
// expressions' \s use.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f
}

func strip(s string) string     { return strings.TrimFunc(s, isSpace) }
func rstrip(s string) string    { return strings.TrimRightFunc(s, isSpace) }
func lstripLen(s string) int    { return len(s) - len(strings.TrimLeftFunc(s, isSpace)) }
func runes(s string, n int) int { return utf8.RuneCountInString(s[:n]) }
func isComment(stripped string) bool {
	return stripped != "" && (stripped[0] == ';' || stripped[0] == '#')
}

// lower is Python's str.lower for keys, as far as it matters in practice.
func lower(s string) string {
	if strings.ContainsRune(s, 'İ') {
		s = strings.ReplaceAll(s, "İ", "i\u0307")
	}
	return strings.ToLower(s)
}

// option is the key whose value continuation lines extend.
type option struct {
	active bool
	sec    *value.Map
	key    string
	lines  []string
	indent int // the key line's indentation, in characters
}

type section struct {
	m    *value.Map
	name string
	line int // of its first header
	path string
}

func decode(data []byte, keepCase bool) (doc *value.Doc, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, textpos.InternalError("parsing INI", r)
		}
	}()
	if err := textpos.CheckNotUTF16(data); err != nil {
		return nil, err
	}
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
	rootSec := &section{m: root}
	cur := rootSec
	var order []*section // sections other than DEFAULT, in file order
	var defaults *section
	var opt option
	// finish stores the value of the key whose lines are complete; the key
	// is set only now, which keeps its place since nothing else is set in
	// its section meanwhile.
	finish := func() {
		if opt.active {
			v := opt.lines[0]
			if len(opt.lines) > 1 {
				v = rstrip(strings.Join(opt.lines, "\n"))
			}
			opt.sec.Set(opt.key, v)
			opt.active = false
		}
	}
	// firstLine names the line a path was first set on, for errors.
	firstLine := func(path string) string {
		if p, ok := positions[path]; ok {
			return fmt.Sprintf(" (first on line %d)", p.Line)
		}
		return ""
	}
	start := 0
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		start = 3
	}
	// before is the content line above the current one (comments and
	// empty lines skipped), for the error on a line that is no key.
	var before, lastContent string
	for lineNo := 1; start <= len(data); lineNo++ {
		end := bytes.IndexByte(data[start:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += start
		}
		line := string(data[start:end])
		start = end + 1
		line = strings.TrimSuffix(line, "\r")
		if i := strings.IndexByte(line, '\r'); i >= 0 {
			return nil, textpos.ParseError(lineNo, 1+runes(line, i), "a carriage return that does not end a line")
		}
		stripped := strip(line)
		if stripped == "" {
			// configparser keeps empty lines inside a value (its
			// empty_lines_in_values) and drops trailing ones at the end.
			if opt.active {
				opt.lines = append(opt.lines, "")
			}
			continue
		}
		if isComment(stripped) {
			continue // does not end a value either
		}
		before, lastContent = lastContent, stripped
		ind := lstripLen(line)
		indent := runes(line, ind)
		col := 1 + indent
		if opt.active && indent > opt.indent {
			opt.lines = append(opt.lines, stripped)
			continue
		}
		finish()
		if name, ok := header(stripped); ok {
			if why := textpos.PlainKeyProblem(name); why != "" {
				return nil, textpos.ParseError(lineNo, col, "%s", why)
			}
			if name == DefaultSection {
				if defaults == nil {
					defaults = &section{m: value.NewMap(0), name: name, line: lineNo, path: value.QuoteSegment(name)}
					if err := addSection(root, name, defaults.m, lineNo, col); err != nil {
						return nil, err
					}
					if positions != nil {
						positions[defaults.path] = value.Pos{Line: lineNo, Column: col}
					}
				}
				cur = defaults
				continue
			}
			s := &section{m: value.NewMap(0), name: name, line: lineNo, path: value.QuoteSegment(name)}
			if old, dup := root.Get(name); dup {
				if _, isSection := old.(*value.Map); isSection {
					return nil, textpos.ParseError(lineNo, col, "section [%s] appears twice%s", textpos.Trim(name), firstLine(s.path))
				}
			}
			if err := addSection(root, name, s.m, lineNo, col); err != nil {
				return nil, err
			}
			order = append(order, s)
			cur = s
			if positions != nil {
				positions[s.path] = value.Pos{Line: lineNo, Column: col}
			}
			continue
		}
		sep := strings.IndexAny(stripped, "=:")
		if sep < 0 {
			if strings.HasPrefix(stripped, "!include") {
				return nil, textpos.ParseError(lineNo, col, "an !include directive (MySQL option files), which gocfg does not follow: "+
					"read the included files as further sources of gocfg.load()")
			}
			// The line is not quoted: it may be a secret on its own.
			if strings.HasSuffix(before, "\\") {
				// A systemd unit's (or a shell's) continued line:
				// ExecStart=/usr/bin/app \ then --flag on the next line.
				return nil, textpos.ParseError(lineNo, col, "expected 'key = value', a [section] or a comment: "+
					"the line above ends with '\\', which continues nothing in INI (systemd units and shells continue lines so); "+
					"a value goes on over lines indented deeper than its key, as configparser reads them")
			}
			if strings.HasPrefix(stripped, "[") {
				// [section without its ']', or [] (configparser
				// refuses both).
				return nil, textpos.ParseError(lineNo, col, "expected 'key = value', a [section] or a comment: "+
					"a section header is a name between '[' and ']' on one line, and this one has no ']' or no name")
			}
			if ansibleInventory(data) {
				return nil, textpos.ParseError(lineNo, col, "expected 'key = value', a [section] or a comment: "+
					"the file looks like an Ansible inventory, whose host lines are not INI (configparser refuses them too); "+
					"Ansible's YAML inventory reads as yaml")
			}
			return nil, textpos.ParseError(lineNo, col, "expected 'key = value', a [section] or a comment "+
				"(a key without a value, as MySQL option files write flags, needs one: 'skip-name-resolve = true')")
		}
		key := rstrip(stripped[:sep])
		if key == "" {
			return nil, textpos.ParseError(lineNo, col, "empty key before %q", stripped[sep])
		}
		if !keepCase {
			key = lower(key)
		}
		if why := textpos.PlainKeyProblem(key); why != "" {
			return nil, textpos.ParseError(lineNo, col, "%s", why)
		}
		path := value.AppendPath(cur.path, key)
		if _, dup := cur.m.Get(key); dup {
			where := "before any section"
			if cur != rootSec {
				where = "in section [" + textpos.Trim(cur.name) + "]"
			}
			return nil, textpos.ParseError(lineNo, col, "key %q appears twice %s%s", textpos.Trim(key), where, firstLine(path))
		}
		// (a root key cannot meet a section: root keys come before any)
		opt = option{active: true, sec: cur.m, key: key, lines: append(opt.lines[:0], strip(stripped[sep+1:])), indent: indent}
		if positions != nil {
			positions[path] = value.Pos{Line: lineNo, Column: col}
		}
	}
	finish()
	if defaults != nil && len(order)*defaults.m.Len() > MaxDefaultCopies {
		return nil, textpos.ParseError(defaults.line, 1, "[DEFAULT] holds %d keys to copy into %d sections: more than %d copies", defaults.m.Len(), len(order), MaxDefaultCopies)
	}
	if defaults != nil && defaults.m.Len() > 0 {
		for _, s := range order {
			defaults.m.Range(func(k string, v any) bool {
				if _, own := s.m.Get(k); !own {
					s.m.Set(k, v)
					if positions != nil {
						// provenance: the value comes from the DEFAULT line
						if p, ok := positions[value.AppendPath(defaults.path, k)]; ok {
							positions[value.AppendPath(s.path, k)] = p
						}
					}
				}
				return true
			})
		}
	}
	return &value.Doc{Root: root, Positions: positions}, nil
}

// header reads "[name]" as configparser's SECTCRE does: the name runs to
// the last "]" and must not be empty; anything after that "]" is ignored.
func header(stripped string) (string, bool) {
	if stripped[0] != '[' {
		return "", false
	}
	end := strings.LastIndexByte(stripped, ']')
	if end < 2 {
		return "", false
	}
	return stripped[1:end], true
}

func addSection(root *value.Map, name string, m *value.Map, line, col int) error {
	if _, dup := root.Get(name); dup {
		return textpos.ParseError(line, col, "section [%s] has the name of a key set before any section", textpos.Trim(name))
	}
	root.Set(name, m)
	return nil
}

// Encode writes root as an INI file that configparser reads back to the
// same tree: the root's scalars first, in order, then one [section] per
// map, in order. Keys must be lowercase (configparser would lowercase
// them: use EncodeCase to keep case). See encode for the rest.
func Encode(root *value.Map) ([]byte, error) { return encode(root, false) }

// EncodeCase is Encode for the case-keeping dialect.
func EncodeCase(root *value.Map) ([]byte, error) { return encode(root, true) }

// encode refuses, with an *errs.Located of Kind errs.ErrTypeMismatch
// naming the path, what reading would not give back: a section holding a
// map or a list; keys or section names that are empty, hold a line break,
// or (keys only) have blanks at either end, hold '=' or ':', start with
// ';' or '#', or start with '[' and make the line a section header; values with blanks at either end or around a line
// break, or a line starting with ';' or '#'; and a section lacking a
// [DEFAULT] key, which reading would add. A multi-line value is written
// as configparser writes it, its lines after the first indented by a tab.
// Scalars are written as strings (null as the empty string), so they read
// back as strings.
func encode(root *value.Map, keepCase bool) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	// Root scalars first: after a [section] header they would belong to it.
	root.Range(func(k string, v any) bool {
		if _, isMap := v.(*value.Map); isMap {
			return true
		}
		err = writeKV(&buf, k, v, value.QuoteSegment(k), keepCase)
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	var defaults *value.Map
	if v, ok := root.Get(DefaultSection); ok {
		defaults, _ = v.(*value.Map)
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
		if defaults != nil && sec != defaults {
			defaults.Range(func(k string, _ any) bool {
				if _, ok := sec.Get(k); !ok {
					err = textpos.TypeError(value.AppendPath(path, k), "INI section [%s] lacks the key %q of [DEFAULT], which reading copies into every section", textpos.Trim(name), textpos.Trim(k))
				}
				return err == nil
			})
			if err != nil {
				return false
			}
		}
		if buf.Len() > 0 {
			buf.WriteByte('\n')
		}
		buf.WriteString("[" + name + "]\n")
		sec.Range(func(k string, x any) bool {
			err = writeKV(&buf, k, x, value.AppendPath(path, k), keepCase)
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
// A name may hold ']' and blanks: the header ends at the line's last ']'
// and the name is not stripped. It may not start with blanks, though,
// since the line is stripped before the '[' is looked for; '[' at its
// start is fine.
func badSection(name string) string {
	switch {
	case name == "":
		return "it is empty"
	case strings.ContainsAny(name, "\n\r"):
		return "it holds a line break"
	}
	return textpos.PlainKeyProblem(name)
}

// badKey explains why a key cannot be written, or returns "".
func badKey(s string, keepCase bool) string {
	switch {
	case s == "":
		return "it is empty"
	case strip(s) != s:
		return "it has blanks at an end"
	case strings.ContainsAny(s, "\n\r"):
		return "it holds a line break"
	case strings.ContainsAny(s, "=:"):
		return "it holds '=' or ':'"
	case s[0] == ';' || s[0] == '#':
		return "it starts with " + s[:1]
	case !keepCase && lower(s) != s:
		return "configparser lowercases keys, so it would read back as " + textpos.Trim(lower(s)) + " (the format ini-case keeps case)"
	}
	return textpos.PlainKeyProblem(s)
}

func writeKV(buf *bytes.Buffer, k string, v any, path string, keepCase bool) error {
	if why := badKey(k, keepCase); why != "" {
		return textpos.TypeError(path, "INI cannot express the key %q: %s", textpos.Trim(k), why)
	}
	s, err := textpos.ScalarString(v, path, "INI")
	if err != nil {
		return err
	}
	if strings.IndexByte(s, 0) >= 0 {
		return textpos.TypeError(path, "INI cannot express a NUL byte")
	}
	if strings.IndexByte(s, '\r') >= 0 {
		return textpos.TypeError(path, "INI cannot express a carriage return")
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		switch {
		case strip(l) != l:
			return textpos.TypeError(path, "INI cannot express a value with blanks at the start or end of a line (reading strips them)")
		case i > 0 && isComment(l):
			return textpos.TypeError(path, "INI cannot express a value whose line %d starts with %q (reading takes it for a comment)", i+1, l[:1])
		}
	}
	if k[0] == '[' {
		if _, isHeader := header(k + " = " + lines[0]); isHeader {
			return textpos.TypeError(path, "INI cannot express the key %q with this value: the line would read as a section header", textpos.Trim(k))
		}
	}
	if len(lines) > 1 && lines[len(lines)-1] == "" {
		return textpos.TypeError(path, "INI cannot express a value ending in a line break (reading drops it)")
	}
	buf.WriteString(k)
	buf.WriteString(" =")
	for i, l := range lines {
		switch {
		case i == 0 && l != "":
			buf.WriteByte(' ')
		case i > 0 && l == "":
			buf.WriteByte('\n') // an empty line inside the value
			continue
		case i > 0:
			buf.WriteString("\n\t")
		}
		buf.WriteString(l)
	}
	buf.WriteByte('\n')
	return nil
}
