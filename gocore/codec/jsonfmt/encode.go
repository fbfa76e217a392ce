// Package jsonfmt reads and writes configuration trees as JSON.
package jsonfmt

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// Encode writes root as one JSON object, keys in the map's order.
func Encode(root *value.Map) ([]byte, error) {
	var buf bytes.Buffer
	if err := encodeValue(&buf, root, ""); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func encodeValue(buf *bytes.Buffer, v any, path string) error {
	switch v := v.(type) {
	case *value.Map:
		buf.WriteByte('{')
		first := true
		var err error
		v.Range(func(k string, child any) bool {
			if !first {
				buf.WriteByte(',')
			}
			first = false
			writeScalar(buf, k)
			buf.WriteByte(':')
			err = encodeValue(buf, child, join(path, k))
			return err == nil
		})
		if err != nil {
			return err
		}
		buf.WriteByte('}')
	case []any:
		buf.WriteByte('[')
		for i, child := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodeValue(buf, child, fmt.Sprintf("%s.%d", path, i)); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case nil, bool, int64, string:
		writeScalar(buf, v)
	default:
		return fmt.Errorf("%s: JSON cannot express a %T: %w", path, v, errs.ErrTypeMismatch)
	}
	return nil
}

func writeScalar(buf *bytes.Buffer, v any) {
	// Marshal of these types cannot fail. HTML escaping stays off: this is
	// a config file, not a web page.
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	buf.Truncate(buf.Len() - 1) // Encode appends a newline
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
