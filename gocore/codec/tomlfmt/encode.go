package tomlfmt

import (
	"bytes"
	"github.com/gocfg/gocfg/gocore/codec/internal/quote"
	"math"
	"math/big"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/secretname"
	"github.com/gocfg/gocfg/gocore/value"
)

// Encode writes root as a TOML document.
//
// TOML requires a table's plain key/values before its sub-tables, so within
// each map the plain values (scalars, arrays, empty maps) are written first,
// in the map's order, then the non-empty maps as [tables] and the lists of
// maps as [[arrays of tables]], in the map's order. A map that holds both
// kinds therefore reads back with its plain keys first.
//
// TOML has no null: a null anywhere, in a map or a list, gives an
// *errs.Located with Kind errs.ErrTypeMismatch naming the path. So do
// datetimes outside years 0000-9999, strings or keys that are not valid
// UTF-8, and nesting deeper than value.MaxDepth (a NUL in a key or string
// is written as \u0000). Lists
// may mix types (TOML 1.0 allows it); maps inside lists that are not
// arrays of tables are written as inline tables.
func Encode(root *value.Map) ([]byte, error) {
	e := encoder{}
	if err := e.table(root, nil, nil, 1, false); err != nil {
		return nil, err
	}
	return e.buf.Bytes(), nil
}

type encoder struct {
	buf bytes.Buffer
}

// isTable says whether v is written as a [table]: a non-empty map.
func isTable(v any) bool {
	m, ok := v.(*value.Map)
	return ok && m.Len() > 0
}

// isArrayOfTables says whether v is written as [[array of tables]].
func isArrayOfTables(v any) bool {
	l, ok := v.([]any)
	if !ok || len(l) == 0 {
		return false
	}
	for _, x := range l {
		if _, ok := x.(*value.Map); !ok {
			return false
		}
	}
	return true
}

// table writes the body of map m, whose header (if any) has been written.
// keys is the TOML key path of m (without list indices), path its value
// path for error messages.
func (e *encoder) table(m *value.Map, path *value.Trail, keys []string, depth int, headerWritten bool) error {
	if depth > value.MaxDepth {
		return textpos.TypeError(path.String(), "nesting deeper than %d levels", value.MaxDepth)
	}
	var err error
	// Plain key/values first.
	m.Range(func(k string, v any) bool {
		if isTable(v) || isArrayOfTables(v) {
			return true
		}
		p := path.Add(k)
		if err = checkKey(p, k); err != nil {
			return false
		}
		writeKey(&e.buf, k)
		e.buf.WriteString(" = ")
		if err = e.inline(v, p, depth+1); err != nil {
			return false
		}
		e.buf.WriteByte('\n')
		return true
	})
	if err != nil {
		return err
	}
	// Then tables and arrays of tables.
	m.Range(func(k string, v any) bool {
		if !isTable(v) && !isArrayOfTables(v) {
			return true
		}
		p := path.Add(k)
		if err = checkKey(p, k); err != nil {
			return false
		}
		sub := append(keys[:len(keys):len(keys)], k)
		if isTable(v) {
			child := v.(*value.Map)
			written := false
			if hasPlain(child) {
				e.header(sub, false)
				written = true
			}
			err = e.table(child, p, sub, depth+1, written)
			return err == nil
		}
		for i, item := range v.([]any) {
			e.header(sub, true)
			if err = e.table(item.(*value.Map), p.Add(strconv.Itoa(i)), sub, depth+2, true); err != nil {
				return false
			}
		}
		return true
	})
	return err
}

func hasPlain(m *value.Map) bool {
	plain := false
	m.Range(func(_ string, v any) bool {
		plain = !isTable(v) && !isArrayOfTables(v)
		return !plain
	})
	return plain
}

func (e *encoder) header(keys []string, array bool) {
	if e.buf.Len() > 0 {
		e.buf.WriteByte('\n')
	}
	if array {
		e.buf.WriteString("[[")
	} else {
		e.buf.WriteByte('[')
	}
	for i, k := range keys {
		if i > 0 {
			e.buf.WriteByte('.')
		}
		writeKey(&e.buf, k)
	}
	if array {
		e.buf.WriteString("]]\n")
	} else {
		e.buf.WriteString("]\n")
	}
}

// inline writes a value on one line.
func (e *encoder) inline(v any, path *value.Trail, depth int) error {
	switch v := v.(type) {
	case nil:
		return textpos.TypeError(path.String(), "TOML cannot express null")
	case bool:
		e.buf.WriteString(strconv.FormatBool(v))
	case int64:
		e.buf.WriteString(strconv.FormatInt(v, 10))
	case float64:
		e.buf.Write(formatFloat(nil, v))
	case string:
		if !utf8.ValidString(v) {
			return textpos.TypeError(path.String(), "string is not valid UTF-8")
		}
		writeString(&e.buf, v)
	case time.Time:
		if v.Year() < 0 || v.Year() > 9999 {
			return textpos.TypeError(path.String(), "TOML cannot express the year %d", v.Year())
		}
		_, off := v.Zone()
		if off%60 != 0 {
			// TOML offsets have minutes, not seconds: write the instant
			// in UTC rather than change it.
			v = v.UTC()
		}
		e.buf.WriteString(v.Format("2006-01-02T15:04:05.999999999Z07:00"))
	case value.LocalDateTime:
		if err := checkYear(path, v.Date.Year); err != nil {
			return err
		}
		e.buf.WriteString(v.String())
	case value.LocalDate:
		if err := checkYear(path, v.Year); err != nil {
			return err
		}
		e.buf.WriteString(v.String())
	case value.LocalTime:
		e.buf.WriteString(v.String())
	case []any:
		if depth > value.MaxDepth {
			return textpos.TypeError(path.String(), "nesting deeper than %d levels", value.MaxDepth)
		}
		e.buf.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				e.buf.WriteString(", ")
			}
			if err := e.inline(x, path.Add(strconv.Itoa(i)), depth+1); err != nil {
				return err
			}
		}
		e.buf.WriteByte(']')
	case *value.Map:
		if depth > value.MaxDepth {
			return textpos.TypeError(path.String(), "nesting deeper than %d levels", value.MaxDepth)
		}
		if v.Len() == 0 {
			e.buf.WriteString("{}")
			return nil
		}
		e.buf.WriteString("{ ")
		first := true
		var err error
		v.Range(func(k string, x any) bool {
			if !first {
				e.buf.WriteString(", ")
			}
			first = false
			p := path.Add(k)
			if err = checkKey(p, k); err != nil {
				return false
			}
			writeKey(&e.buf, k)
			e.buf.WriteString(" = ")
			err = e.inline(x, p, depth+1)
			return err == nil
		})
		if err != nil {
			return err
		}
		e.buf.WriteString(" }")
	case *big.Int:
		if secretPath(path) {
			return textpos.TypeError(path.String(), "TOML integers are 64-bit: the value (a secret's, not shown) does not fit (JSON and YAML can hold it)")
		}
		return textpos.TypeError(path.String(), "TOML integers are 64-bit: %s does not fit (JSON and YAML can hold it)", textpos.Trim(v.String()))
	default:
		return textpos.TypeError(path.String(), "TOML cannot express %s", value.AType(v))
	}
	return nil
}

// secretPath reports whether the value at path is a secret by its keys (secretname): its errors do not quote it.
func secretPath(path *value.Trail) bool {
	return secretname.IsPath(path.Segments())
}

func checkYear(path *value.Trail, y int) error {
	if y < 0 || y > 9999 {
		return textpos.TypeError(path.String(), "TOML cannot express the year %d", y)
	}
	return nil
}

func checkKey(path *value.Trail, k string) error {
	if why := textpos.KeyProblem(k); why != "" {
		return textpos.TypeError(path.String(), "TOML cannot hold this key: %s", why)
	}
	return nil
}

func formatFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "nan"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	}
	abs := math.Abs(f)
	start := len(dst)
	if abs == 0 || (abs >= 1e-6 && abs < 1e21) {
		dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
		if !bytes.ContainsAny(dst[start:], ".") {
			dst = append(dst, '.', '0')
		}
		return dst
	}
	return strconv.AppendFloat(dst, f, 'e', -1, 64)
}

func isBare(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func writeKey(buf *bytes.Buffer, k string) {
	if isBare(k) {
		buf.WriteString(k)
		return
	}
	writeString(buf, k)
}

// writeString writes a TOML basic string; control characters and DEL,
// which TOML forbids raw, are escaped.
func writeString(buf *bytes.Buffer, s string) {
	quote.Write(buf, s, true, "0123456789ABCDEF")
}
