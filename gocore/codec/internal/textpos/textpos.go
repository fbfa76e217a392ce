// Package textpos holds what every codec needs around positions and text
// checks: byte offsets turned into 1-based line and column, the key and
// string rules shared by all formats, and the two error shapes codecs
// return.
package textpos

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// LineCol converts a byte offset in data into a 1-based line and column.
// Columns count characters (runes), not bytes, so that an editor's cursor
// lands on the right place; an offset past the end is clamped. A leading
// byte order mark is not a column (an editor does not show it): the first
// line's columns are those of the text after it, as the decoders count
// the positions of keys and their own errors.
func LineCol(data []byte, offset int) (line, col int) {
	if offset < 0 {
		offset = 0
	}
	if offset > len(data) {
		offset = len(data)
	}
	before := data[:offset]
	line = 1 + bytes.Count(before, []byte{'\n'})
	start := bytes.LastIndexByte(before, '\n') + 1
	if start == 0 && bytes.HasPrefix(before, bom) {
		start = len(bom)
	}
	col = 1 + utf8.RuneCount(before[start:])
	return line, col
}

var bom = []byte("\xEF\xBB\xBF")

// Lines turns offsets into positions in O(log n) each, after one pass over
// the data to find the line starts. Use it when many positions are needed.
// Columns are counted from the last position asked for when it lies on the
// same line and not after the offset, so that many positions on one long
// line (a minified document) cost linear time, not quadratic. A Lines is
// not safe for concurrent use.
type Lines struct {
	data   []byte
	starts []int // offset of the first byte of each line

	lastLine, lastOff, lastCol int // the last answer, 0-based line
}

// NewLines indexes the line starts of data.
func NewLines(data []byte) *Lines {
	starts := make([]int, 1, 1+len(data)/32)
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	return &Lines{data: data, starts: starts, lastLine: -1}
}

// Pos returns the 1-based line and column (in runes) of offset, as
// LineCol counts them.
func (l *Lines) Pos(offset int) (line, col int) {
	if offset < 0 {
		offset = 0
	}
	if offset > len(l.data) {
		offset = len(l.data)
	}
	lo, hi := 0, len(l.starts)
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if l.starts[m] <= offset {
			lo = m
		} else {
			hi = m
		}
	}
	from, c := l.starts[lo], 1
	if lo == l.lastLine && offset >= l.lastOff {
		from, c = l.lastOff, l.lastCol
	}
	if lo == 0 && from < len(bom) && offset >= len(bom) && bytes.HasPrefix(l.data, bom) {
		from, c = len(bom), 1 // not a column, as in LineCol
	}
	c += utf8.RuneCount(l.data[from:offset])
	l.lastLine, l.lastOff, l.lastCol = lo, offset, c
	return lo + 1, c
}

// NotAMapping ends the error of a decoder whose document has a root that
// is not a mapping, saying what reads such a document instead.
const NotAMapping = "a Config holds a mapping (gocfg.read() reads any root)"

// ParseError builds the error every Decode returns for a malformed document.
func ParseError(line, col int, format string, args ...any) error {
	return &errs.Located{Kind: errs.ErrParse, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// ParseErrorAt is ParseError with the position given as a byte offset.
func ParseErrorAt(data []byte, offset int, format string, args ...any) error {
	line, col := LineCol(data, offset)
	return ParseError(line, col, format, args...)
}

// TypeError builds the error Encode returns for a value the format cannot
// express; path names the value (value.JoinPath form).
func TypeError(path string, format string, args ...any) error {
	return &errs.Located{Kind: errs.ErrTypeMismatch, Path: path, Msg: fmt.Sprintf(format, args...)}
}

// InvalidUTF8 returns the offset of the first byte of data that is not part
// of valid UTF-8, or -1 when data is valid.
func InvalidUTF8(data []byte) int {
	if utf8.Valid(data) {
		return -1
	}
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// CheckUTF8 refuses a document that is not valid UTF-8, naming the position
// of the first bad byte. Every text format here is UTF-8 only.
func CheckUTF8(data []byte) error {
	if i := InvalidUTF8(data); i >= 0 {
		return ParseErrorAt(data, i, "%s", UTF8Problem(data, i))
	}
	return nil
}

// UTF8Problem is the message for data's first byte that is not UTF-8, at
// offset i. Text holding no UTF-8 character beyond ASCII at all is most
// likely in a one-byte encoding, as Windows tools and older editors save
// php.ini, .ini and .env files (Latin-1, Windows-1252: "Café" as
// 43 61 66 E9): the message then says so and what to do. The character
// is not named: it may be part of a secret's value.
func UTF8Problem(data []byte, i int) string {
	msg := fmt.Sprintf("invalid UTF-8 (byte %#x at offset %d)", data[i], i)
	for j := 0; j < len(data); {
		if data[j] < utf8.RuneSelf {
			j++
			continue
		}
		r, size := utf8.DecodeRune(data[j:])
		if r != utf8.RuneError || size > 1 {
			return msg // UTF-8 elsewhere: a damaged file, not an encoding
		}
		j += size
	}
	return msg + ": the file holds no UTF-8 beyond ASCII and looks like Latin-1 or Windows-1252 text; save it as UTF-8"
}

// CheckNotUTF16 refuses UTF-16 text by name: Windows tools write it
// (PowerShell 5's "echo A=1 > .env", Notepad's "Unicode"), and read as
// UTF-8 it is otherwise refused for its first byte ("invalid UTF-8 (byte
// 0xff at offset 0)") or for a NUL, which does not say what is wrong.
// UTF-16 is recognised by its byte order mark, or without one by two
// ASCII characters each with a zero byte beside it (one could be a NUL
// typed after a one-letter key, "A\x00B=1", which is refused as a NUL).
func CheckNotUTF16(data []byte) error {
	if len(data) < 2 {
		return nil
	}
	ascii := func(c byte) bool { return c >= 0x20 && c < 0x7f || c == '\t' || c == '\n' || c == '\r' }
	how := ""
	switch {
	case data[0] == 0xFF && data[1] == 0xFE, data[0] == 0xFE && data[1] == 0xFF:
		how = "it starts with a UTF-16 byte order mark"
	case len(data) >= 4 && ascii(data[0]) && data[1] == 0 && ascii(data[2]) && data[3] == 0,
		len(data) >= 4 && data[0] == 0 && ascii(data[1]) && data[2] == 0 && ascii(data[3]):
		how = "its first two characters have a zero byte each"
	default:
		return nil
	}
	return ParseError(1, 1, "the file is UTF-16 text (%s): it must be UTF-8; save it as UTF-8", how)
}

// KeyProblem explains why key cannot be stored, or returns "" when it can.
// This is the store's rule (store.CheckKey): valid UTF-8. NUL is allowed:
// keys cross the C ABI with their lengths (gocfg_config_keys returns a
// wire list), and JSON, TOML, YAML and .properties write it escaped.
func KeyProblem(key string) string {
	if utf8.ValidString(key) {
		return ""
	}
	i := InvalidUTF8([]byte(key))
	return fmt.Sprintf("key is not valid UTF-8 (bad byte %#x at offset %d)", key[i], i)
}

// PlainKeyProblem is KeyProblem for formats that have no way to write a
// NUL in a key (.env, INI, HCL): such a key is refused, not cut short.
func PlainKeyProblem(key string) string {
	if i := strings.IndexByte(key, 0); i >= 0 {
		return fmt.Sprintf("key %q contains a NUL byte at offset %d, which this format cannot write", Trim(key), i)
	}
	return KeyProblem(key)
}

// Trim shortens s for an error message.
func Trim(s string) string {
	if len(s) > 60 {
		cut := 60
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return s[:cut] + "..."
	}
	return s
}

// MaxPositionsSize is the largest document for which decoders record
// positions. A position costs about as much memory as the value it
// describes, so past this size a Doc carries no Positions and decoding
// needs only a few times the document's size.
const MaxPositionsSize = 32 << 20

// ScalarString turns a scalar into the string a flat format writes; maps
// and lists give a type mismatch naming path.
func ScalarString(v any, path, format string) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		if !utf8.ValidString(v) {
			return "", TypeError(path, "string is not valid UTF-8")
		}
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case *big.Int:
		return v.String(), nil // text, like every other integer here
	case float64:
		switch {
		case math.IsNaN(v):
			return "nan", nil
		case math.IsInf(v, 1):
			return "inf", nil
		case math.IsInf(v, -1):
			return "-inf", nil
		}
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	case time.Time:
		return v.Format(time.RFC3339Nano), nil
	case value.LocalDateTime:
		return v.String(), nil
	case value.LocalDate:
		return v.String(), nil
	case value.LocalTime:
		return v.String(), nil
	case *value.Map, []any:
		return "", TypeError(path, "%s holds only flat key=value pairs: it cannot express a nested %s", format, value.TypeName(v))
	}
	return "", TypeError(path, "%s cannot express %s", format, value.AType(v))
}

// InternalError reports a panic recovered while decoding: a bug in gocfg
// or in a library, never the document's fault, so it is an errs.ErrInternal
// error rather than a ParseError that would blame the user's file (and the
// position would be a guess).
func InternalError(format string, r any) error {
	return &errs.Located{Kind: errs.ErrInternal, Msg: fmt.Sprintf("internal error while %s: %v (please report this bug)", format, r)}
}
