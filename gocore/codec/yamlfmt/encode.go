package yamlfmt

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v4"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// Encode writes root as a block-style YAML document, keys in the map's
// order, indented by two spaces, with no line wrapping.
//
// Strings are quoted whenever the plain form would read back as something
// else under the rules of Decode (so "true", "1", "~" and "0x10" stay
// strings). Offset datetimes and local datetimes and dates are written with
// an explicit !!timestamp tag, which Decode turns back into the same type;
// a local time has no YAML type and is written as a string. NaN and ±Inf
// are .nan, .inf and -.inf. A NUL in a key or string is written escaped
// ("\0"). Keys and strings that are not valid UTF-8, and nesting deeper
// than value.MaxDepth, give an *errs.Located with Kind errs.ErrTypeMismatch naming the path.
//
// The root's entries are written in batches of about encodeBatch values:
// the library's emitter allocates about 300 bytes for each byte it writes
// and keeps half of it to the end (a million keys, 10 MB of YAML, peaked
// at 2.2 GB), so a batch at a time bounds what it holds. Root entries of
// a block mapping are independent lines, so the batches joined are the
// document one call writes (TestEncodeInBatches compares them).
func Encode(root *value.Map) (out []byte, err error) {
	var buf []byte
	batch := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	values := 0
	cutEnd := false // the last batch written lost its "..." line
	flush := func(last bool) error {
		if len(batch.Content) == 0 && !(last && buf == nil) {
			if last && cutEnd {
				buf = append(buf, "...\n"...)
			}
			return nil
		}
		part, err := dump(batch)
		if err != nil {
			return err
		}
		if !last {
			// The emitter ends a document whose last scalar keeps its
			// final line breaks (|+) with "...", which only the real end
			// of the document may have.
			cut := bytes.TrimSuffix(part, []byte("\n...\n"))
			cutEnd = len(cut) < len(part)
			if cutEnd {
				part = append(cut, '\n')
			}
		}
		buf = append(buf, part...)
		batch = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		values = 0
		return nil
	}
	root.Range(func(k string, x any) bool {
		p := (*value.Trail)(nil).Add(k)
		if why := textpos.KeyProblem(k); why != "" {
			err = textpos.TypeError(p.String(), "YAML cannot hold this key here: %s", why)
			return false
		}
		var c *yaml.Node
		if c, err = toNode(x, p, 2); err != nil {
			return false
		}
		batch.Content = append(batch.Content, stringNode(k), c)
		if values += countNodes(c); values >= encodeBatch {
			err = flush(false)
		}
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	if err := flush(true); err != nil {
		return nil, err
	}
	return buf, nil
}

// encodeBatch is how many values Encode gives the emitter at a time.
var encodeBatch = 1 << 14

func countNodes(n *yaml.Node) int {
	c := 1
	for _, x := range n.Content {
		c += countNodes(x)
	}
	return c
}

// dump writes one node as a document.
func dump(n *yaml.Node) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("yaml: emitter failed: %v: %w", r, errs.ErrInternal)
		}
	}()
	out, err = yaml.Dump(n, yaml.WithIndent(2), yaml.WithCompactSeqIndent(true), yaml.WithLineWidth(-1), yaml.WithUnicode(true))
	if err != nil {
		return nil, fmt.Errorf("yaml: %v: %w", err, errs.ErrInternal)
	}
	return out, nil
}

func scalarNode(tag, v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v}
}

// stringNode writes s so that Decode reads back the same string. Strings
// that a YAML 1.1 reader (PyYAML, older libraries) would take for a
// boolean, a number, a sexagesimal or a timestamp are quoted too, so the
// file means the same to them.
func stringNode(s string) *yaml.Node {
	n := scalarNode("!!str", s)
	if v, err := scalar(&yaml.Node{Kind: yaml.ScalarNode, Value: s}); err != nil || v != s || looksTyped11(s) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// looksTyped11 is a generous test for plain scalars that YAML 1.1 resolves
// to something other than a string.
func looksTyped11(s string) bool {
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"on", "On", "ON", "off", "Off", "OFF", "<<", "=":
		return true
	}
	if s == "" {
		return false
	}
	if c := s[0]; !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' ||
			strings.IndexByte("xXoObB_:.+-eE tTzZ", c) >= 0) {
			return false
		}
	}
	return true
}

func toNode(v any, path *value.Trail, depth int) (*yaml.Node, error) {
	switch v := v.(type) {
	case *value.Map:
		if depth > value.MaxDepth {
			return nil, textpos.TypeError(path.String(), "nesting deeper than %d levels", value.MaxDepth)
		}
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: make([]*yaml.Node, 0, 2*v.Len())}
		var err error
		v.Range(func(k string, x any) bool {
			p := path.Add(k)
			if why := textpos.KeyProblem(k); why != "" {
				err = textpos.TypeError(p.String(), "YAML cannot hold this key here: %s", why)
				return false
			}
			var c *yaml.Node
			if c, err = toNode(x, p, depth+1); err != nil {
				return false
			}
			n.Content = append(n.Content, stringNode(k), c)
			return true
		})
		if err != nil {
			return nil, err
		}
		return n, nil
	case []any:
		if depth > value.MaxDepth {
			return nil, textpos.TypeError(path.String(), "nesting deeper than %d levels", value.MaxDepth)
		}
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: make([]*yaml.Node, 0, len(v))}
		for i, x := range v {
			c, err := toNode(x, path.Add(strconv.Itoa(i)), depth+1)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, c)
		}
		return n, nil
	case nil:
		return scalarNode("!!null", "null"), nil
	case bool:
		return scalarNode("!!bool", strconv.FormatBool(v)), nil
	case int64:
		return scalarNode("!!int", strconv.FormatInt(v, 10)), nil
	case *big.Int:
		return scalarNode("!!int", v.String()), nil // YAML integers have no size limit
	case float64:
		return scalarNode("!!float", formatFloat(v)), nil
	case string:
		if !utf8.ValidString(v) {
			return nil, textpos.TypeError(path.String(), "string is not valid UTF-8")
		}
		return stringNode(v), nil
	case time.Time:
		return timestampNode(v.Format(time.RFC3339Nano)), nil
	case value.LocalDateTime:
		return timestampNode(v.String()), nil
	case value.LocalDate:
		return timestampNode(v.String()), nil
	case value.LocalTime:
		return stringNode(v.String()), nil
	}
	return nil, textpos.TypeError(path.String(), "YAML cannot express %s", value.AType(v))
}

func timestampNode(s string) *yaml.Node {
	n := scalarNode("!!timestamp", s)
	n.Style = yaml.TaggedStyle
	return n
}

func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return ".nan"
	case math.IsInf(f, 1):
		return ".inf"
	case math.IsInf(f, -1):
		return "-.inf"
	}
	abs := math.Abs(f)
	if abs == 0 || (abs >= 1e-6 && abs < 1e21) {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		for i := 0; i < len(s); i++ {
			if s[i] == '.' {
				return s
			}
		}
		return s + ".0"
	}
	// A mantissa without a point (1e+300) is a float to YAML 1.2 but a
	// string to YAML 1.1, whose floats need one: PyYAML read such a value
	// back as the text "1e+300". 1.0e+300 is a float to both.
	s := strconv.FormatFloat(f, 'e', -1, 64)
	if e := strings.IndexByte(s, 'e'); e >= 0 && strings.IndexByte(s[:e], '.') < 0 {
		s = s[:e] + ".0" + s[e:]
	}
	return s
}

// EncodeValue is Encode for any root (a list, a scalar, null), for
// documents that are not a mapping (an Ansible playbook's list): one
// document, without a "---" line.
func EncodeValue(root any) (out []byte, err error) {
	n, err := toNode(root, nil, 1)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("yaml: emitter failed: %v: %w", r, errs.ErrInternal)
		}
	}()
	out, err = yaml.Dump(n, yaml.WithIndent(2), yaml.WithCompactSeqIndent(true), yaml.WithLineWidth(-1), yaml.WithUnicode(true))
	if err != nil {
		return nil, fmt.Errorf("yaml: %v: %w", err, errs.ErrInternal)
	}
	return out, nil
}
