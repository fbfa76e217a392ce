// Package jsonfmt reads and writes configuration trees as JSON.
package jsonfmt

import (
	"bytes"
	"math"
	"math/big"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/codec/internal/quote"
	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/value"
)

// Encode writes root as one JSON object, keys in the map's order, indented
// by two spaces and ending with a newline.
//
// JSON has no date or time type: an offset datetime is written as an RFC 3339
// string and local dates and times in their TOML/ISO 8601 form, so they read
// back as strings. NaN and ±Inf cannot be written (JSON has no such numbers)
// and give an *errs.Located with Kind errs.ErrTypeMismatch naming the path,
// as do keys or strings that are not valid UTF-8 and nesting deeper than
// value.MaxDepth. A NUL in a key or string is written as \u0000.
func Encode(root *value.Map) ([]byte, error) {
	var buf bytes.Buffer
	e := encoder{buf: &buf}
	if err := e.value(root, nil, 1, 0); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

type encoder struct {
	buf *bytes.Buffer
}

func (e *encoder) newline(indent int) {
	e.buf.WriteByte('\n')
	for i := 0; i < indent; i++ {
		e.buf.WriteString("  ")
	}
}

func (e *encoder) value(v any, path *value.Trail, depth, indent int) error {
	switch v := v.(type) {
	case *value.Map:
		if depth > value.MaxDepth {
			return textpos.TypeError(path.String(), "nesting deeper than %d levels", value.MaxDepth)
		}
		if v.Len() == 0 {
			e.buf.WriteString("{}")
			return nil
		}
		e.buf.WriteByte('{')
		first := true
		var err error
		v.Range(func(k string, child any) bool {
			if !first {
				e.buf.WriteByte(',')
			}
			first = false
			p := path.Add(k)
			if why := textpos.KeyProblem(k); why != "" {
				err = textpos.TypeError(p.String(), "JSON cannot hold this key: %s", why)
				return false
			}
			e.newline(indent + 1)
			writeString(e.buf, k)
			e.buf.WriteString(": ")
			err = e.value(child, p, depth+1, indent+1)
			return err == nil
		})
		if err != nil {
			return err
		}
		e.newline(indent)
		e.buf.WriteByte('}')
	case []any:
		if depth > value.MaxDepth {
			return textpos.TypeError(path.String(), "nesting deeper than %d levels", value.MaxDepth)
		}
		if len(v) == 0 {
			e.buf.WriteString("[]")
			return nil
		}
		e.buf.WriteByte('[')
		for i, child := range v {
			if i > 0 {
				e.buf.WriteByte(',')
			}
			e.newline(indent + 1)
			if err := e.value(child, path.Add(strconv.Itoa(i)), depth+1, indent+1); err != nil {
				return err
			}
		}
		e.newline(indent)
		e.buf.WriteByte(']')
	case nil:
		e.buf.WriteString("null")
	case bool:
		e.buf.WriteString(strconv.FormatBool(v))
	case int64:
		e.buf.WriteString(strconv.FormatInt(v, 10))
	case *big.Int:
		e.buf.WriteString(v.String()) // JSON numbers have no size limit
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return textpos.TypeError(path.String(), "JSON cannot express the float %v", v)
		}
		e.buf.Write(FormatFloat(nil, v))
	case string:
		if !utf8.ValidString(v) {
			return textpos.TypeError(path.String(), "string is not valid UTF-8")
		}
		writeString(e.buf, v)
	case time.Time:
		writeString(e.buf, v.Format(time.RFC3339Nano))
	case value.LocalDateTime:
		writeString(e.buf, v.String())
	case value.LocalDate:
		writeString(e.buf, v.String())
	case value.LocalTime:
		writeString(e.buf, v.String())
	default:
		return textpos.TypeError(path.String(), "JSON cannot express %s", value.AType(v))
	}
	return nil
}

// FormatFloat appends a finite float so that it reads back as the same
// float64, and as a float: an integral value keeps a ".0" (or an exponent),
// so that Decode does not turn it into an int64.
func FormatFloat(dst []byte, f float64) []byte {
	abs := math.Abs(f)
	start := len(dst)
	if abs == 0 || (abs >= 1e-6 && abs < 1e21) {
		dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
		if !bytes.ContainsAny(dst[start:], ".") {
			dst = append(dst, '.', '0')
		}
		return dst
	}
	dst = strconv.AppendFloat(dst, f, 'e', -1, 64)
	// 1e-07 -> 1e-7, as encoding/json writes it.
	n := len(dst)
	if n-start >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
		dst[n-2] = dst[n-1]
		dst = dst[:n-1]
	}
	return dst
}

// writeString writes s as a JSON string. Only what JSON requires is
// escaped (quote, backslash, control characters); HTML characters and
// non-ASCII text stay as they are: this is a config file, not a web page.
func writeString(buf *bytes.Buffer, s string) {
	quote.Write(buf, s, false, "0123456789abcdef")
}

// EncodeValue is Encode for any root (a list, a scalar, null), for
// documents that are not a mapping: gocfg.dumps_all and the CLI writing
// what gocfg.read_all read.
func EncodeValue(root any) ([]byte, error) {
	var buf bytes.Buffer
	e := encoder{buf: &buf}
	if err := e.value(root, nil, 1, 0); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
