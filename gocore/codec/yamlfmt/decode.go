// Package yamlfmt reads and writes configuration trees as YAML.
package yamlfmt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v4"
	"go.yaml.in/yaml/v4/plugin/loaderlimits"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/secretname"
	"github.com/gocfg/gocfg/gocore/value"
)

// MaxAliasNodes bounds how many values aliases may produce in one document.
// Each use of an alias copies its anchor's value, so a few lines can stand
// for billions of values ("billion laughs"); past this many, Decode stops
// with a parse error instead of exhausting memory.
const MaxAliasNodes = 1_000_000

// MaxAliasBytes bounds the text (keys and scalars) that aliases may copy
// in one document: a few aliases of one long string are few values but
// many bytes once each copy becomes a string of its own (to_dict(), the
// wire to Python), where Go shares one.
const MaxAliasBytes = 64 << 20

// Decode parses a YAML document (YAML 1.2, one document) whose root is a
// mapping; an empty document, or one whose root is null, is an empty map.
//
// Parsing is go.yaml.in/yaml/v4's, into its node tree; the tree is then
// converted here, which is where YAML's meaning is decided:
//
//   - Plain scalars resolve by the YAML 1.2 core schema: null (~, null,
//     empty), true/false (three spellings each), integers in decimal, 0o
//     octal and 0x hex, floats (including .inf and .nan). Everything else is
//     a string: YAML 1.1's yes/no, on/off, 0b..., 1_000 and sexagesimal
//     numbers are strings, and so are dates (DecodeYAML11 reads them as
//     YAML 1.1 does). Integers beyond int64 are kept as *big.Int (up to
//     value.MaxIntDigits digits); floats beyond float64 are refused, never
//     rounded.
//   - Timestamps: the core schema has none, so 2024-01-02 is a string. A
//     scalar tagged !!timestamp becomes a time.Time when it has an offset
//     (or Z), a value.LocalDateTime when it has a time but no offset, and a
//     value.LocalDate when it is a date alone.
//   - Tags never run code. The standard tags !!str, !!int, !!float,
//     !!bool, !!null and !!timestamp convert (a value that does not fit its
//     tag is a parse error); !!binary keeps its base64 text (which must be
//     base64); !!map, !!set, !!seq, !!omap and !!pairs keep the node as
//     written; the non-specific ! makes a scalar a string. Any other tag
//     (!Ref, !include, !!python/object, ...) is refused naming it, its key
//     path and line (tags.go): dropping it kept a wrong value.
//   - Merge keys (<<: *base), a YAML 1.1 feature still common in
//     configuration files, are applied: keys written in the mapping win over
//     merged ones, and earlier merged mappings win over later ones.
//   - Map keys must be scalars; a scalar key keeps its source text as the
//     key string (1: x has the key "1", true: y the key "true", ~: z the
//     key "~"). Mapping and sequence keys, duplicate keys and keys holding
//     NUL are refused.
//   - Aliases may produce at most MaxAliasNodes values in all (see above),
//     and an alias that contains itself is refused.
//   - Nesting deeper than value.MaxDepth is refused; the library itself
//     stops at that depth while scanning, before any deep recursion (it
//     counts block and flow levels apart, so a mix of both, or a "- " list
//     under its key, is caught after scanning, by the conversion).
//   - A %YAML 1.1 or 1.2 directive is accepted (other 1.x versions too);
//     a document that declares 1.1 (or 1.0) reads with YAML 1.1's types,
//     as the yaml-1.1 dialect reads every document; unknown directives
//     are ignored, as YAML says.
//   - A stream of more than one document is refused: DecodeAll reads
//     streams.
//
// Every error is an *errs.Located with Kind errs.ErrParse; line and column
// are the library's (1-based, columns counted in characters). A recovered
// panic is an errs.ErrInternal error.
func Decode(data []byte) (doc *value.Doc, err error) {
	return decode(data, false, true)
}

// DecodeLean is Decode that records no positions while converting, for a
// plain load that keeps no provenance; the Doc's Locate decodes again
// with them when an error found later must be placed (Doc.Position).
// Parse errors are placed exactly either way.
func DecodeLean(data []byte) (*value.Doc, error) {
	return decode(data, false, false)
}

// DecodeYAML11Lean is DecodeYAML11 without positions, as DecodeLean.
func DecodeYAML11Lean(data []byte) (*value.Doc, error) {
	return decode(data, true, false)
}

// DecodeYAML11 is Decode with plain scalars resolved by YAML 1.1's types,
// as Ansible (PyYAML) and Kubernetes tools (go-yaml v2) read them: yes/no,
// on/off and y/n in their three spellings are booleans; 0755 is octal (and
// 0o755, 0b1010, 0x1F, 1_000); 1:20 is sexagesimal (80), as is 1:20.5;
// a float needs a '.' (1e3 stays a string, 1.0e+3 is a float); 2001-12-14
// is a date and 2001-12-14 21:59:43 a datetime. Keys keep their source
// text whatever they would resolve to ("on:" is the key "on"). Everything
// else is as in Decode.
func DecodeYAML11(data []byte) (*value.Doc, error) {
	return decode(data, true, true)
}

// DecodeAll reads every document of a YAML stream, whatever its root: a
// mapping, a sequence, a scalar, or nil for an empty document ("---" with
// nothing after it). An empty stream gives no documents. Each document is
// converted as Decode converts one (the same tags, merge keys and limits;
// the alias budget is shared by the whole stream); positions are per
// document. Large documents are not decoded piecewise here.
func DecodeAll(data []byte) ([]value.AnyDoc, error) {
	return decodeAll(data, false)
}

// DecodeAllYAML11 is DecodeAll with YAML 1.1's types (see DecodeYAML11).
func DecodeAllYAML11(data []byte) ([]value.AnyDoc, error) {
	return decodeAll(data, true)
}

func newConverter(size int, yaml11, withPositions bool) *converter {
	c := &converter{budget: MaxAliasNodes, yaml11: yaml11, pathBudget: textpos.NewPathBudget(size)}
	if withPositions && size <= textpos.MaxPositionsSize {
		c.positions = make(map[string]value.Pos)
	}
	return c
}

func decode(data []byte, yaml11, withPositions bool) (doc *value.Doc, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, textpos.InternalError("parsing YAML", r)
		}
	}()
	defer func() {
		if doc != nil && !withPositions && len(data) <= textpos.MaxPositionsSize {
			doc.Locate = func() map[string]value.Pos {
				d, _ := decode(data, yaml11, true)
				if d == nil {
					return nil
				}
				return d.Positions
			}
		}
	}()
	if len(data) >= chunkMin {
		c := newConverter(len(data), yaml11, withPositions)
		m, err := c.decodeChunked(data)
		if err == nil {
			return &value.Doc{Root: m, Positions: c.positions}, nil
		}
		if err != errStepAside {
			return nil, err
		}
	}
	roots, declared, err := loadDocs(data, false)
	if err != nil {
		return nil, err
	}
	lines := newLineMap(data)
	c := newConverter(len(data), yaml11 || len(declared) > 0 && declared[0], withPositions)
	c.lines = lines
	m := value.NewMap(0)
	if len(roots) > 0 && roots[0] != nil {
		// A root that is an application's tag alone ("!Ref" with nothing
		// after it) or ERB read as null, an empty Config.
		root := roots[0]
		err := checkTag(root)
		if err == nil && root.Kind == yaml.ScalarNode && erbScalar(root) {
			err = keyedAt(root, "%s", erbHint)
		}
		if err != nil {
			return nil, lines.err(placed(err))
		}
	}
	if len(roots) > 0 && roots[0] != nil && !c.isNull(roots[0]) {
		root := roots[0]
		n := root
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		if n.Kind != yaml.MappingNode {
			return nil, lines.err(textpos.ParseError(root.Line, root.Column, "the root must be a mapping, not a %s: %s", kindName(n), textpos.NotAMapping))
		}
		v, err := c.convert(root, "", 1)
		if err != nil {
			return nil, lines.err(placed(err))
		}
		m = v.(*value.Map)
	}
	lines.positions(c.positions)
	return &value.Doc{Root: m, Positions: c.positions}, nil
}

func decodeAll(data []byte, yaml11 bool) (docs []value.AnyDoc, err error) {
	defer func() {
		if r := recover(); r != nil {
			docs, err = nil, textpos.InternalError("parsing YAML", r)
		}
	}()
	roots, declared, err := loadDocs(data, true)
	if err != nil {
		return nil, err
	}
	lines := newLineMap(data)
	c := newConverter(len(data), yaml11, true)
	c.lines = lines
	withPositions := c.positions != nil
	docs = make([]value.AnyDoc, 0, len(roots))
	for i, root := range roots {
		c.yaml11 = yaml11 || declared[i]
		// A map per document that can have positions: a stream of a
		// million empty documents costs no million maps.
		c.positions = nil
		if withPositions && root != nil && (root.Kind == yaml.MappingNode || root.Kind == yaml.SequenceNode || root.Kind == yaml.AliasNode) {
			c.positions = make(map[string]value.Pos)
		}
		var v any
		if root != nil {
			if v, err = c.convert(root, "", 1); err != nil {
				return nil, lines.err(placed(err))
			}
		}
		lines.positions(c.positions)
		docs = append(docs, value.AnyDoc{Root: v, Positions: c.positions})
	}
	return docs, nil
}

// loadDocs parses data into the root node of each document (nil for an
// empty one); without all, a second document is an error. yaml11 says,
// for each document, whether it declares YAML 1.1 (or 1.0).
func loadDocs(data []byte, all bool) (roots []*yaml.Node, yaml11 []bool, err error) {
	var older []int
	if !hasUTF16BOM(data) {
		// UTF-16 with a byte order mark is read; without one the library
		// took it for UTF-8 and refused its first NUL as a control
		// character.
		if err := textpos.CheckNotUTF16(data); err != nil {
			return nil, nil, err
		}
		if i := textpos.InvalidUTF8(data); i >= 0 {
			return nil, nil, parseErrorAt(data, i, "%s", textpos.UTF8Problem(data, i))
		}
		if data, older, err = fixDirectives(data); err != nil {
			return nil, nil, err
		}
	}
	l, err := yaml.NewLoader(bytes.NewReader(data), yaml.WithPlugin(
		loaderlimits.New(loaderlimits.DepthValue(value.MaxDepth), loaderlimits.AliasNone())))
	if err != nil {
		return nil, nil, textpos.ParseError(0, 0, "yaml: %v", err)
	}
	fi := newFlowIndent(data)
	lines := newLineMap(data)
	previous := 0 // the line of the previous document's root: the next one's directives come after it
	for {
		var doc yaml.Node
		err := l.Load(&doc)
		if errors.Is(err, io.EOF) {
			return roots, yaml11, nil
		}
		if err != nil {
			return nil, nil, erbError(atMostEnd(loadError(err, data, lines), data), data)
		}
		if !all && len(roots) == 1 {
			return nil, nil, lines.err(textpos.ParseError(doc.Line, doc.Column, "a second YAML document starts here: a configuration file must hold exactly one document (gocfg.load_all reads a stream of several)"))
		}
		var root *yaml.Node
		if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
			root = doc.Content[0]
			if (root.Kind == yaml.MappingNode || root.Kind == yaml.SequenceNode) && !hasUTF16BOM(data) {
				if err := fi.check(root); err != nil {
					return nil, nil, err
				}
			}
		}
		// The document's own line is that of its first directive; its
		// root's comes after them.
		at := doc.Line
		if root != nil {
			at = root.Line
		}
		at, _ = lines.pos(at, 1) // older counts lines as gocfg does
		// older is sorted: the first directive after previous says it,
		// found without a pass over all of them per document.
		i := sort.SearchInts(older, previous+1)
		declared := i < len(older) && older[i] < at
		previous = at
		roots = append(roots, root)
		yaml11 = append(yaml11, declared)
	}
}

// atMostEnd keeps an error from pointing past the end of data. The
// library places an error at the end of the stream (an unclosed bracket,
// a key cut off before its ':') on the line after the last line break,
// which for a document ending without one (a truncated file) is a line
// the file does not have: it goes at the end of the last line instead,
// where PyYAML and an editor place it.
func atMostEnd(err error, data []byte) error {
	var le *errs.Located
	if len(data) == 0 || hasUTF16BOM(data) || !errors.As(err, &le) || le.Line < 1 {
		return err
	}
	if last := data[len(data)-1]; last == '\n' || last == '\r' {
		return err
	}
	if line, col := lineColAt(data, len(data)); le.Line > line || le.Line == line && le.Column > col {
		le.Line, le.Column = line, col
	}
	return err
}

// loadError turns the library's error into ours. data is the input the
// library read; lines maps the library's positions.
func loadError(err error, data []byte, lines lineMap) error {
	var le *yaml.LoadError
	if errors.As(err, &le) {
		msg := le.Message
		if strings.HasPrefix(msg, "exceeded max depth of") {
			// The library counts the levels of block and of flow
			// collections each against value.MaxDepth; a document it
			// stops is refused by the conversion too, so it says so in
			// the conversion's words.
			return lines.err(textpos.ParseError(le.Mark.Line, le.Mark.Column, "%s", depthMsg))
		}
		if line, col := lines.pos(le.Mark.Line, le.Mark.Column); strings.HasPrefix(msg, "unknown anchor ") && (hasUTF16BOM(data) || secretAt(data, line, col)) {
			// An unquoted secret starting with "*" reads as an alias: the
			// library's message would quote it.
			msg = "unknown anchor referenced (a secret's value, not shown; a value starting with * is an alias unless quoted)"
		}
		line, col := le.Mark.Line, le.Mark.Column
		if le.Message == "found invalid Unicode character escape code" && !hasUTF16BOM(data) {
			var why string
			if why, line, col = surrogateEscape(data, lines, line, col); why != "" {
				msg += ": " + why
			}
		}
		if !hasUTF16BOM(data) {
			if hint := scannerHint(le.Message, data, lines, le.Mark.Line, le.Mark.Column); hint != "" {
				msg += " (" + hint + ")"
			}
		}
		if le.ContextMsg != "" {
			// The error is placed where the library gave up (for an
			// unclosed quote, the end of the file; for a key without
			// its ':', the next line); the construct it was reading is
			// where the mistake usually is, so the message names it.
			if cm := le.ContextMark; cm.Line > 0 && cm.Line != le.Mark.Line {
				line, col := lines.pos(cm.Line, cm.Column)
				msg = fmt.Sprintf("%s at line %d, column %d: %s", le.ContextMsg, line, col, msg)
			} else {
				msg = le.ContextMsg + ": " + msg
			}
		}
		if le.Mark.Line == 0 && le.Stage == yaml.ReaderStage && !hasUTF16BOM(data) {
			// The reader (a control character such as NUL) gives only a
			// byte offset into the UTF-8 input.
			return parseErrorAt(data, le.Mark.Index, "yaml: %s", msg)
		}
		if le.Mark.Line == 0 && le.Stage == yaml.ReaderStage {
			// In UTF-16 the reader gives no position at all: the first
			// unit that does not decode is where it stopped.
			line, col := utf16Fault(data)
			return textpos.ParseError(line, col, "yaml: %s", msg)
		}
		return lines.err(textpos.ParseError(line, col, "yaml: %s", msg))
	}
	return textpos.ParseError(0, 0, "yaml: %v", err)
}

// surrogateEscape explains the library's "invalid Unicode character
// escape code" when the escape is a UTF-16 surrogate: JSON encoders
// (Python's json.dumps by default, Jackson, PHP) write a character beyond
// U+FFFF as a pair of them, "\ud83d\ude00", so JSON text read as YAML, or
// a string pasted from it, meets this; YAML's \u escapes one character,
// which a surrogate is not, as libyaml and go-yaml read it. line and col
// are the library's position (after the "\u"); the error moves to the
// backslash. why is "" when the escape is something else.
func surrogateEscape(data []byte, lines lineMap, line, col int) (why string, atLine, atCol int) {
	gl, gc := lines.pos(line, col)
	off := offsetAt(data, gl, gc)
	hex4 := func(at int) (rune, bool) {
		if at < 2 || at+4 > len(data) || data[at-2] != '\\' || data[at-1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(string(data[at:at+4]), 16, 16)
		return rune(v), err == nil
	}
	hi, ok := hex4(off)
	if !ok || !utf16.IsSurrogate(hi) {
		return "", line, col
	}
	lo, ok := hex4(off + 6)
	pair := ok && hi < 0xDC00 && lo >= 0xDC00 && lo <= 0xDFFF
	if secretAt(data, gl, gc) {
		// The escape and its character are part of a secret's value.
		if pair {
			return "a \\u escape of a UTF-16 surrogate pair (in a secret's value, not shown), the way JSON encoders escape a character beyond U+FFFF; " +
				"YAML escapes such a character as one \\UXXXXXXXX, or holds it as written", line, col - 2
		}
		return "a \\u escape of a lone UTF-16 surrogate (in a secret's value, not shown), which is no character", line, col - 2
	}
	esc := string(data[off-2 : off+4])
	if pair {
		r := utf16.DecodeRune(hi, lo)
		why = fmt.Sprintf("%s%s is a UTF-16 surrogate pair, the way JSON encoders escape %s (U+%04X); "+
			"YAML escapes that character as one \\U%08X, or holds it as written "+
			"(a file that is JSON reads with format json)", esc, data[off+4:off+10], string(r), r, r)
	} else {
		why = esc + " is a lone UTF-16 surrogate, which is no character: YAML's \\u escapes a character"
	}
	return why, line, col - 2
}

// secretAt reports whether the text at line:column (1-based) of data
// lies under a key that names a secret (secretname), as far as the text
// alone tells, for the library's errors, which come before any tree: the
// text before it on its line (keys of a block or flow mapping, a list's
// "- key:"), and each enclosing block key (the nearest earlier line with
// less indentation, and so on up). It errs on the side of a secret: a
// secret word anywhere in those texts counts.
func secretAt(data []byte, line, column int) bool {
	if line < 1 {
		return false
	}
	// Lines end at LF, CRLF and a lone CR, as the library's positions
	// count them: split at LF only, a file with old-Mac line ends was one
	// line, no key was found above the error, and the message quoted a
	// secret's value.
	if bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.Clone(data)
		for i, c := range data {
			if c == '\r' && (i+1 >= len(data) || data[i+1] != '\n') {
				data[i] = '\n'
			}
		}
	}
	lines := bytes.SplitN(data, []byte("\n"), line+1)
	if len(lines) < line {
		return false
	}
	cur := []rune(string(lines[line-1]))
	if column >= 1 && column-1 <= len(cur) {
		cur = cur[:column-1]
	}
	if secretname.IsKey(string(cur)) {
		return true
	}
	indent := indentOf(lines[line-1])
	for i := line - 2; i >= 0 && indent > 0; i-- {
		l := lines[i]
		t := bytes.TrimSpace(l)
		if len(t) == 0 || t[0] == '#' {
			continue
		}
		if in := indentOf(l); in < indent {
			indent = in
			key, _, _ := bytes.Cut(t, []byte(":"))
			if secretname.IsKey(string(key)) {
				return true
			}
		}
	}
	return false
}

// indentOf is the number of blanks that start line.
func indentOf(line []byte) int {
	return len(line) - len(bytes.TrimLeft(line, " "))
}

// depthMsg is the message of every nesting error, the library's included.
var depthMsg = fmt.Sprintf("nesting deeper than %d levels", value.MaxDepth)

// isDepthError reports whether err is a nesting error.
func isDepthError(err error) bool {
	var le *errs.Located
	return errors.As(err, &le) && le.Msg == depthMsg
}

// utf16Fault is the line and column (1-based, in characters) of the first
// code unit of data, UTF-16 after its byte order mark, that does not
// decode: a lone surrogate, or a last byte without its pair. Past the end
// when all of it decodes.
func utf16Fault(data []byte) (line, col int) {
	unit := binary.BigEndian.Uint16
	if data[0] == 0xFF {
		unit = binary.LittleEndian.Uint16
	}
	line, col = 1, 1
	for i := 2; i < len(data); i += 2 {
		if i+1 >= len(data) {
			return line, col
		}
		u := unit(data[i:])
		switch {
		case utf16.IsSurrogate(rune(u)) && u < 0xDC00 && i+3 < len(data) && unit(data[i+2:]) >= 0xDC00 && unit(data[i+2:]) <= 0xDFFF:
			i += 2 // a pair: one character
		case utf16.IsSurrogate(rune(u)):
			return line, col
		case u == '\n':
			line, col = line+1, 0
		}
		col++
	}
	return line, col
}

func hasUTF16BOM(data []byte) bool {
	return len(data) >= 2 && (data[0] == 0xFE && data[1] == 0xFF || data[0] == 0xFF && data[1] == 0xFE)
}

// fixDirectives rewrites, in place of a copy and keeping every offset, the
// directives the library does not take: "%YAML 1.2" (it knows only 1.1,
// whose syntax 1.2 kept) becomes "%YAML 1.1", and an unknown directive
// becomes a comment, as YAML says to ignore it. Directives stand only at
// the start of the stream or after a "..." line. older lists the lines of
// "%YAML 1.1" and "%YAML 1.0" directives: their documents read with YAML
// 1.1's types.
func fixDirectives(data []byte) (out []byte, older []int, err error) {
	out = data
	copied := false
	atDirectives := true
	start := 0
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		start = 3
	}
	// The line of start and where that line begins (before the BOM), kept
	// as the loop goes: textpos.LineCol would count from the top of the
	// stream for every directive, quadratic time in a stream of many.
	row, lineStart := 1, 0
	for start < len(data) {
		end := bytes.IndexByte(data[start:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += start
		}
		line := data[start:end]
		if atDirectives && len(line) > 0 && line[0] == '%' {
			if !copied {
				out = bytes.Clone(data)
				copied = true
			}
			fields := strings.Fields(string(line))
			switch fields[0] {
			case "%YAML":
				if len(fields) < 2 {
					break // the library reports it
				}
				major, minor, ok := strings.Cut(fields[1], ".")
				col := 1 + utf8.RuneCount(data[lineStart:start])
				if !ok || major != "1" || minor == "" || strings.Trim(minor, "0123456789") != "" {
					return nil, nil, textpos.ParseError(row, col, "unsupported YAML version %q (1.x is supported)", fields[1])
				}
				if n, _ := strconv.Atoi(minor); n < 2 && len(minor) < 3 {
					older = append(older, row)
				}
				at := start + bytes.Index(line, []byte(fields[1]))
				n := copy(out[at:], "1.1")
				for i := at + n; i < at+len(fields[1]); i++ {
					out[i] = ' '
				}
			case "%TAG":
			default:
				out[start] = '#'
			}
		} else if atDirectives {
			t := bytes.TrimSpace(line)
			if len(t) > 0 && t[0] != '#' {
				atDirectives = false
			}
		}
		if !atDirectives && isDocEnd(line) {
			atDirectives = true
		}
		start = end + 1
		// A lone CR breaks a line too, for the library and for positions
		// (older is compared with them): "a\rb" is two rows.
		row, lineStart = row+1+bytes.Count(bytes.TrimSuffix(line, []byte{'\r'}), []byte{'\r'}), start
	}
	return out, older, nil
}

func isDocEnd(line []byte) bool {
	return bytes.HasPrefix(line, []byte("...")) && (len(line) == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r')
}

type converter struct {
	positions  map[string]value.Pos
	pathBudget textpos.PathBudget // bytes of paths positions may still cost
	// lineOff and colOff shift node positions when a piece of a large
	// document is parsed on its own (see chunked.go).
	lineOff, colOff int
	// lines maps the library's lines to gocfg's, for the line numbers a
	// message names (nil: they are the same).
	lines      lineMap
	budget     int  // values aliases may still produce
	aliasBytes int  // text aliases have copied so far (MaxAliasBytes)
	yaml11     bool // resolve plain scalars by YAML 1.1's types (yaml11.go)
	inAlias    int  // > 0 while converting through an alias
	expanding  []*yaml.Node
	// failed is the scalar or alias whose error is on its way up, quoting
	// its text: a key that names a secret (secretname) on the way replaces
	// the error with one that names the position and the problem only.
	// Keys are asked only then, so a document that loads pays nothing.
	failed *yaml.Node
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "sequence"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	}
	return "node"
}

// sub extends a path by a key. Paths serve only positions: without them
// no string is built per value.
func (c *converter) sub(path, key string) string {
	if c.positions == nil {
		return ""
	}
	p := value.AppendPath(path, key)
	if !c.pathBudget.Spend(len(p)) {
		c.positions = nil // see textpos.PathBudget
	}
	return p
}

// subIndex extends a path by a list index, as sub.
func (c *converter) subIndex(path string, i int) string {
	return c.sub(path, strconv.Itoa(i))
}

func (c *converter) record(path string, n *yaml.Node) {
	if c.positions != nil && c.inAlias == 0 && n.Line > 0 {
		c.positions[path] = value.Pos{Line: n.Line + c.lineOff, Column: n.Column + c.colOff}
	}
}

// duplicate reports the key k of mapping n, at n.Content[i], as written
// before in n: the message names the line of the first (a values.yaml
// that sets image: twice, which PyYAML reads with the last winning).
func (c *converter) duplicate(n *yaml.Node, i int, k string) error {
	kn := n.Content[i]
	for j := 0; j < i; j += 2 {
		if first, err := mapKey(n.Content[j]); err == nil && first == k && !isMergeKey(n.Content[j]) {
			line, _ := c.lines.pos(n.Content[j].Line, n.Content[j].Column)
			return errAt(kn, "duplicate key %q in one mapping (first on line %d; YAML keys are unique, where PyYAML keeps the last)", textpos.Trim(k), line+c.lineOff)
		}
	}
	return errAt(kn, "duplicate key %q in one mapping", textpos.Trim(k))
}

func errAt(n *yaml.Node, format string, args ...any) error {
	return textpos.ParseError(n.Line, n.Column, format, args...)
}

func (c *converter) convert(n *yaml.Node, path string, depth int) (any, error) {
	if c.inAlias > 0 {
		c.budget--
		if c.budget < 0 {
			return nil, errAt(n, "aliases expand to more than %d values (an alias bomb?)", MaxAliasNodes)
		}
		switch n.Kind {
		case yaml.ScalarNode:
			c.aliasBytes += len(n.Value)
		case yaml.MappingNode:
			for i := 0; i < len(n.Content); i += 2 {
				c.aliasBytes += len(n.Content[i].Value)
			}
		}
		if c.aliasBytes > MaxAliasBytes {
			return nil, errAt(n, "aliases expand to more than %d MiB of text (an alias bomb?)", MaxAliasBytes>>20)
		}
	}
	if n.Kind != yaml.AliasNode {
		if err := checkTag(n); err != nil {
			return nil, err
		}
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			c.failed = n
			return nil, errAt(n, "unknown alias *%s", n.Value)
		}
		for _, a := range c.expanding {
			if a == n.Alias {
				c.failed = n
				return nil, errAt(n, "alias *%s refers to a value that contains it", n.Value)
			}
		}
		c.expanding = append(c.expanding, n.Alias)
		c.inAlias++
		v, err := c.convert(n.Alias, path, depth)
		c.inAlias--
		c.expanding = c.expanding[:len(c.expanding)-1]
		return v, err
	case yaml.MappingNode:
		if depth > value.MaxDepth {
			return nil, errAt(n, "%s", depthMsg)
		}
		return c.mapping(n, path, depth)
	case yaml.SequenceNode:
		if depth > value.MaxDepth {
			return nil, errAt(n, "%s", depthMsg)
		}
		out := make([]any, 0, len(n.Content))
		for i, item := range n.Content {
			p := c.subIndex(path, i)
			c.record(p, item)
			v, err := c.convert(item, p, depth+1)
			if err != nil {
				addKey(err, strconv.Itoa(i))
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.ScalarNode:
		if erbScalar(n) {
			return nil, keyedAt(n, "%s", erbHint)
		}
		v, err := scalarIn(n, c.yaml11)
		if err != nil {
			c.failed = n
		}
		return v, err
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.convert(n.Content[0], path, depth)
	}
	return nil, errAt(n, "unexpected YAML node")
}

func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" &&
		(k.Tag == "!!merge" || (k.Style&yaml.TaggedStyle == 0 && k.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0))
}

func (c *converter) mapping(n *yaml.Node, path string, depth int) (*value.Map, error) {
	if len(n.Content)%2 != 0 {
		return nil, errAt(n, "malformed mapping")
	}
	m := value.NewMap(len(n.Content) / 2)
	var explicit map[string]bool // keys written here, when there is a merge
	for i := 0; i < len(n.Content); i += 2 {
		if isMergeKey(n.Content[i]) {
			explicit = make(map[string]bool, len(n.Content)/2)
			break
		}
	}
	if explicit != nil {
		for i := 0; i < len(n.Content); i += 2 {
			if isMergeKey(n.Content[i]) {
				continue
			}
			k, err := mapKey(n.Content[i])
			if err != nil {
				return nil, err
			}
			if explicit[k] {
				return nil, c.duplicate(n, i, k)
			}
			explicit[k] = true
		}
	}
	for i := 0; i < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		if explicit != nil && isMergeKey(kn) {
			if err := c.merge(m, explicit, vn, path, depth); err != nil {
				return nil, err
			}
			continue
		}
		k, err := mapKey(kn)
		if err != nil {
			if flowTemplate(n, kn) {
				return nil, errAt(n, "{{ here reads as a mapping keyed by a mapping, which no key can be (%s)", templateHint)
			}
			if templateKey(kn) {
				return nil, errAt(kn, "{{ here reads as a mapping keyed by a mapping, which no key can be (%s)", templateHint)
			}
			return nil, err
		}
		if explicit == nil {
			if _, dup := m.Get(k); dup {
				return nil, c.duplicate(n, i, k)
			}
		}
		p := c.sub(path, k)
		c.record(p, kn)
		v, err := c.convert(vn, p, depth+1)
		if err != nil {
			if c.failed != nil && secretname.IsKey(k) {
				err, c.failed = secretScalarError(c.failed), nil // an unquoted secret starting with "*" reads as an alias
			}
			addKey(err, k)
			return nil, err
		}
		m.Set(k, v)
	}
	return m, nil
}

// merge applies `<<: src` to m: src is a mapping, an alias of one, or a
// sequence of those; keys already in m or written in the mapping win.
func (c *converter) merge(m *value.Map, explicit map[string]bool, src *yaml.Node, path string, depth int) error {
	var sources []*yaml.Node
	if src.Kind == yaml.SequenceNode {
		sources = src.Content
	} else {
		sources = []*yaml.Node{src}
	}
	for _, s := range sources {
		target := s
		if target.Kind == yaml.AliasNode && target.Alias != nil {
			target = target.Alias
		}
		if target.Kind != yaml.MappingNode {
			return errAt(s, "a merge key (<<) needs a mapping or a list of mappings, not a %s", kindName(target))
		}
		v, err := c.convert(s, path, depth)
		if err != nil {
			return err
		}
		// Each entry a merge copies from an alias is a value the alias
		// produced, as the budget counts them: a chain of mappings that
		// each merge the one before copies each entry once per link,
		// work that grew with the cube of the chain's length without
		// being counted (400 lines, 10 KB, took seconds).
		counted := c.inAlias > 0 || s.Kind == yaml.AliasNode
		var ferr error
		v.(*value.Map).Range(func(k string, x any) bool {
			if counted {
				c.budget--
				if c.budget < 0 {
					ferr = errAt(s, "aliases expand to more than %d values (an alias bomb?)", MaxAliasNodes)
					return false
				}
			}
			if explicit[k] {
				return true
			}
			if _, seen := m.Get(k); seen {
				return true
			}
			m.Set(k, x)
			c.record(c.sub(path, k), s)
			return true
		})
		if ferr != nil {
			return ferr
		}
	}
	return nil
}

// mapKey turns a key node into the key string.
func mapKey(k *yaml.Node) (string, error) {
	n := k
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode {
		return "", errAt(k, "a mapping key must be a scalar, not a %s", kindName(n))
	}
	if err := checkTag(n); err != nil {
		return "", err
	}
	if erbScalar(n) {
		return "", keyedAt(n, "a key of %s", erbHint)
	}
	if why := textpos.KeyProblem(n.Value); why != "" {
		return "", errAt(k, "%s", why)
	}
	return n.Value, nil
}

func (c *converter) isNull(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode {
		return false
	}
	v, err := scalarIn(n, c.yaml11)
	return err == nil && v == nil
}

const (
	quotedStyles = yaml.SingleQuotedStyle | yaml.DoubleQuotedStyle | yaml.LiteralStyle | yaml.FoldedStyle
)

// secretScalarError is the error for a scalar of a secret key that does
// not resolve: its position and what it failed to be, not its text.
func secretScalarError(n *yaml.Node) error {
	switch {
	case n.Kind == yaml.AliasNode && n.Alias != nil:
		return errAt(n, "an alias refers to a value that contains it (a secret's value, not shown)")
	case n.Kind == yaml.AliasNode:
		return errAt(n, "an alias that does not resolve (a secret's value, not shown; a value starting with * is an alias unless quoted)")
	}
	if n.Style&yaml.TaggedStyle != 0 && n.Tag != "" {
		return errAt(n, "the value is not a valid %s (a secret's value, not shown)", n.Tag)
	}
	return errAt(n, "the value cannot be read (a secret's value, not shown)")
}

// scalar resolves a scalar node (see Decode for the rules).
func scalar(n *yaml.Node) (any, error) { return scalarIn(n, false) }

// scalarIn resolves a scalar node by the YAML 1.2 core schema, or with
// yaml11 by YAML 1.1's types (see DecodeYAML11).
func scalarIn(n *yaml.Node, yaml11 bool) (any, error) {
	s := n.Value
	isBool, isInt, isFloat := coreBool, coreInt, coreFloat
	if yaml11 {
		isBool, isInt, isFloat = bool11, int11, float11
	}
	if n.Tag == "!" {
		// The non-specific tag: a string, whatever the text would resolve
		// to (! 12 is "12"); the library leaves it out of the style.
		return s, nil
	}
	tag := ""
	if n.Style&yaml.TaggedStyle != 0 {
		tag = n.Tag
	}
	switch tag {
	case "!!str", "!!binary":
		return s, nil
	case "!!null":
		return nil, nil
	case "!!bool":
		if b, ok := isBool(s); ok {
			return b, nil
		}
		return nil, errAt(n, "%q is not a !!bool", textpos.Trim(s))
	case "!!int":
		v, ok, err := isInt(s)
		if err != nil {
			return nil, errAt(n, "%v", err)
		}
		if !ok {
			return nil, errAt(n, "%q is not a !!int", textpos.Trim(s))
		}
		return v, nil
	case "!!float":
		if v, ok, err := isInt(s); ok && err == nil {
			return toFloat(v), nil
		}
		v, ok, err := isFloat(s)
		if err != nil {
			return nil, errAt(n, "%v", err)
		}
		if !ok {
			if f, perr := strconv.ParseFloat(s, 64); perr == nil {
				return f, nil
			}
			return nil, errAt(n, "%q is not a !!float", textpos.Trim(s))
		}
		return v, nil
	case "!!timestamp":
		v, ok := timestamp(s)
		if !ok {
			return nil, errAt(n, "%q is not a !!timestamp", textpos.Trim(s))
		}
		return checkedTimestamp(n, v)
	}
	if n.Style&quotedStyles != 0 {
		return s, nil
	}
	// Plain scalar: the YAML 1.2 core schema.
	switch s {
	case "", "~", "null", "Null", "NULL":
		return nil, nil
	}
	if b, ok := isBool(s); ok {
		return b, nil
	}
	if v, ok, err := isInt(s); ok || err != nil {
		if err != nil {
			return nil, errAt(n, "%v", err)
		}
		return v, nil
	}
	if v, ok, err := isFloat(s); ok || err != nil {
		if err != nil {
			return nil, errAt(n, "%v", err)
		}
		return v, nil
	}
	if yaml11 {
		if v, ok := timestamp11(s); ok {
			return v, nil
		}
	}
	return s, nil
}

// toFloat converts an integer scalar read under a !!float tag.
func toFloat(v any) float64 {
	if b, ok := v.(*big.Int); ok {
		f, _ := new(big.Float).SetInt(b).Float64()
		return f
	}
	return float64(v.(int64))
}

func coreBool(s string) (bool, bool) {
	switch s {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	return false, false
}

func allIn(s, set string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) < 0 {
			return false
		}
	}
	return true
}

const digits = "0123456789"

// coreInt matches the core schema's integers: [-+]?[0-9]+, 0o[0-7]+,
// 0x[0-9a-fA-F]+. ok says whether s is one; the value is an int64, or a
// *big.Int beyond int64; err says it has too many digits.
func coreInt(s string) (any, bool, error) {
	var base int
	var body string
	switch {
	case len(s) > 2 && s[0] == '0' && s[1] == 'o' && allIn(s[2:], "01234567"):
		base, body = 8, s[2:]
	case len(s) > 2 && s[0] == '0' && s[1] == 'x' && allIn(s[2:], "0123456789abcdefABCDEF"):
		base, body = 16, s[2:]
	default:
		d := s
		if d != "" && (d[0] == '-' || d[0] == '+') {
			d = d[1:]
		}
		if !allIn(d, digits) {
			return 0, false, nil
		}
		base, body = 10, s
	}
	return parseInt(body, base, s)
}

// parseInt reads body (digits in base, a sign allowed for base 10) as an
// int64 or, beyond that, a *big.Int; text is the scalar, for messages.
func parseInt(body string, base int, text string) (any, bool, error) {
	if v, err := strconv.ParseInt(body, base, 64); err == nil {
		return v, true, nil
	}
	if len(body) > value.MaxIntDigits*4 {
		return nil, true, fmt.Errorf("integer %s has more than %d digits", textpos.Trim(text), value.MaxIntDigits)
	}
	n, ok := new(big.Int).SetString(body, base)
	if !ok {
		return nil, false, nil
	}
	if value.IntTooLong(n) {
		return nil, true, fmt.Errorf("integer %s has more than %d digits", textpos.Trim(text), value.MaxIntDigits)
	}
	return value.Int(n), true, nil
}

// coreFloat matches the core schema's floats.
func coreFloat(s string) (float64, bool, error) {
	switch s {
	case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
		return math.Inf(1), true, nil
	case "-.inf", "-.Inf", "-.INF":
		return math.Inf(-1), true, nil
	case ".nan", ".NaN", ".NAN":
		return math.NaN(), true, nil
	}
	// [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	intDigits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		intDigits++
	}
	fracDigits := 0
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			fracDigits++
		}
	}
	if intDigits == 0 && fracDigits == 0 {
		return 0, false, nil
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		expDigits := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			expDigits++
		}
		if expDigits == 0 {
			return 0, false, nil
		}
	}
	if i != len(s) {
		return 0, false, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, true, fmt.Errorf("number %s is beyond the range of a 64-bit float", textpos.Trim(s))
	}
	return f, true, nil
}

// timestamp parses the forms of YAML's timestamp type.
func timestamp(s string) (any, bool) {
	s = strings.TrimSpace(s)
	if d, err := time.Parse("2006-1-2", s); err == nil && len(s) <= 10 {
		return value.LocalDate{Year: d.Year(), Month: int(d.Month()), Day: d.Day()}, true
	}
	// Normalise "2001-12-14 21:59:43.10 -5" and "...t..." forms.
	date, rest, ok := cutAny(s, "Tt \t")
	if !ok {
		return nil, false
	}
	rest = strings.TrimLeft(rest, " \t")
	clock, zone := rest, ""
	if i := strings.IndexAny(rest, "Zz+-"); i >= 0 {
		clock, zone = strings.TrimRight(rest[:i], " \t"), rest[i:]
	} else if i := strings.IndexAny(rest, " \t"); i >= 0 {
		return nil, false
	}
	t, err := time.Parse("2006-1-2T15:4:5.999999999", date+"T"+clock)
	if err != nil {
		return nil, false
	}
	if zone == "" {
		return value.LocalDateTime{
			Date: value.LocalDate{Year: t.Year(), Month: int(t.Month()), Day: t.Day()},
			Time: value.LocalTime{Hour: t.Hour(), Minute: t.Minute(), Second: t.Second(), Nanosecond: t.Nanosecond()},
		}, true
	}
	if zone == "Z" || zone == "z" {
		return t, true
	}
	sign := 1
	if zone[0] == '-' {
		sign = -1
	}
	hh, mm, _ := strings.Cut(zone[1:], ":")
	h, err1 := strconv.Atoi(hh)
	m := 0
	var err2 error
	if mm != "" {
		m, err2 = strconv.Atoi(mm)
	}
	if err1 != nil || err2 != nil || h > 23 || m > 59 || len(hh) > 2 {
		return nil, false
	}
	off := sign * (h*3600 + m*60)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.FixedZone("", off)), true
}

func cutAny(s, chars string) (string, string, bool) {
	i := strings.IndexAny(s, chars)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// load parses data into the root node of its only document, or nil when
// the stream holds no document or an empty one.
func load(data []byte) (*yaml.Node, error) {
	roots, _, err := loadDocs(data, false)
	if err != nil || len(roots) == 0 {
		return nil, err
	}
	return roots[0], nil
}
