// Package dbtest holds what the tests of gocore/db and its backends share: a
// small JSON codec, a real etcd server started on loopback ports, and a
// throw-away certificate authority. Only tests import it.
package dbtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gocfg/gocfg/gocore/value"
)

// JSONCodec encodes configs as JSON, keeping key order and telling integers
// (int64) from floats. It supports the types the tests use: null, bool,
// int64, float64, string, lists and maps.
type JSONCodec struct{}

func (JSONCodec) Encode(m *value.Map) ([]byte, error) {
	var b bytes.Buffer
	if err := encode(&b, m); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func encode(b *bytes.Buffer, v any) error {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool, string:
		out, _ := json.Marshal(v)
		b.Write(out)
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case float64:
		s := strconv.FormatFloat(v, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0"
		}
		b.WriteString(s)
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encode(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case *value.Map:
		b.WriteByte('{')
		var err error
		i := 0
		v.Range(func(k string, e any) bool {
			if i > 0 {
				b.WriteByte(',')
			}
			i++
			key, _ := json.Marshal(k)
			b.Write(key)
			b.WriteByte(':')
			err = encode(b, e)
			return err == nil
		})
		if err != nil {
			return err
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("test codec: unsupported %T", v)
	}
	return nil
}

func (JSONCodec) Decode(data []byte) (*value.Map, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decode(dec)
	if err != nil {
		return nil, err
	}
	m, ok := v.(*value.Map)
	if !ok {
		return nil, fmt.Errorf("test codec: top level is %T, not an object", v)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("test codec: trailing data")
	}
	return m, nil
}

func decode(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := value.NewMap(0)
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decode(dec)
				if err != nil {
					return nil, err
				}
				m.Set(kt.(string), v)
			}
			_, err := dec.Token()
			return m, err
		case '[':
			l := []any{}
			for dec.More() {
				v, err := decode(dec)
				if err != nil {
					return nil, err
				}
				l = append(l, v)
			}
			_, err := dec.Token()
			return l, err
		}
		return nil, fmt.Errorf("test codec: unexpected %v", t)
	case json.Number:
		if i, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return i, nil
		}
		return strconv.ParseFloat(string(t), 64)
	default:
		return t, nil // nil, bool, string
	}
}

// Map builds a map from alternating keys and values.
func Map(kv ...any) *value.Map {
	m := value.NewMap(len(kv) / 2)
	for i := 0; i+1 < len(kv); i += 2 {
		m.Set(kv[i].(string), kv[i+1])
	}
	return m
}
