package layer

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/gocfg/gocfg/gocore/codec/yamlfmt"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// ParseScalar types the text of an environment variable or an override the
// way a YAML 1.2 (core schema) document would type it, with two changes
// that suit values typed on a command line:
//
//   - null, Null, NULL and ~ are null; true/false (also True, TRUE, ...)
//     are bools; the empty string stays an empty string.
//   - Decimal integers (and 0x hex, 0o octal) are ints, but a decimal with a
//     leading zero ("007", a ZIP code) stays a string, as does an integer
//     beyond 64 bits.
//   - Floats: 1.5, -2e3, .5, .inf, -.inf, .nan (in the core schema's
//     spellings).
//   - Text starting with [ or { (after blanks) is a YAML flow collection,
//     which JSON is too: "[1, 2]", "{a: 1}", `{"a": [true]}`. One that does
//     not parse is an error (errs.ErrParse), never a silent string.
//   - Text that is one YAML quoted scalar ("1", 'a b', "tab\there") is the
//     string it holds, as in a YAML document: quotes are how a command line
//     or an environment variable asks for a string ("1" is the text 1, not
//     the int, nor the text with its quotes). Text that only starts and
//     ends with a quote ('it's', "a" "b") is not one, and stays as given.
//   - Anything else is the string as given, blanks included.
func ParseScalar(text string) (any, error) {
	t := strings.TrimSpace(text)
	if t == "" {
		return text, nil
	}
	switch t[0] {
	case '[', '{':
		return parseFlow(t)
	case '"', '\'':
		if s, ok := quoted(t); ok {
			return s, nil
		}
	}
	switch t {
	case "null", "Null", "NULL", "~":
		return nil, nil
	case "true", "True", "TRUE":
		return true, nil
	case "false", "False", "FALSE":
		return false, nil
	case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
		return math.Inf(1), nil
	case "-.inf", "-.Inf", "-.INF":
		return math.Inf(-1), nil
	case ".nan", ".NaN", ".NAN":
		return math.NaN(), nil
	}
	if v, ok := parseInt(t); ok {
		return v, nil
	}
	if allDigits(t) {
		return text, nil // "007", or beyond 64 bits: never rounded into a float
	}
	if looksFloat(t) {
		if f, err := strconv.ParseFloat(t, 64); err == nil && !math.IsInf(f, 0) {
			return f, nil
		}
	}
	return text, nil
}

func parseInt(t string) (int64, bool) {
	body := t
	if body[0] == '+' || body[0] == '-' {
		body = body[1:]
	}
	if body == "" {
		return 0, false
	}
	base := 10
	digits := body
	if len(body) > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'o') {
		if t[0] == '+' || t[0] == '-' {
			return 0, false // the core schema has no signed hex or octal
		}
		base = 16
		if body[1] == 'o' {
			base = 8
		}
		digits = body[2:]
	} else if len(body) > 1 && body[0] == '0' {
		return 0, false // a leading zero: keep "007" a string
	}
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		ok := c >= '0' && c <= '9' || base == 16 && (c|0x20 >= 'a' && c|0x20 <= 'f')
		if !ok || base == 8 && c > '7' {
			return 0, false
		}
	}
	if base == 10 {
		n, err := strconv.ParseInt(t, 10, 64)
		return n, err == nil
	}
	u, err := strconv.ParseUint(digits, base, 64)
	if err != nil || u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// looksFloat checks the core schema's float form,
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, before strconv,
// which also takes "Inf", "0x1p3" and underscores.
func looksFloat(t string) bool {
	i := 0
	if t[i] == '+' || t[i] == '-' {
		i++
	}
	digits := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
		digits++
	}
	if i < len(t) && t[i] == '.' {
		i++
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		i++
		if i < len(t) && (t[i] == '+' || t[i] == '-') {
			i++
		}
		start := i
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(t)
}

// parseFlow reads a YAML flow collection by placing it, indented, under a
// key of a one-key document, so that YAML's own rules (and limits) apply.
func parseFlow(t string) (any, error) {
	var b strings.Builder
	b.WriteString("v:\n")
	for _, line := range strings.Split(t, "\n") {
		b.WriteString("  ")
		b.WriteString(line)
		b.WriteByte('\n')
	}
	doc, err := yamlfmt.Decode([]byte(b.String()))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flowMessage(err), errs.ErrParse)
	}
	v, _ := doc.Root.Get("v")
	switch v.(type) {
	case []any, *value.Map:
		return v, nil
	}
	return nil, fmt.Errorf("%q is not a list or map: %w", t, errs.ErrParse)
}

// quoted reads t as one YAML quoted scalar, if it is one whole.
func quoted(t string) (string, bool) {
	if len(t) < 2 || t[len(t)-1] != t[0] {
		return "", false
	}
	doc, err := yamlfmt.Decode([]byte("v: " + t + "\n"))
	if err != nil {
		return "", false
	}
	v, _ := doc.Root.Get("v")
	s, ok := v.(string)
	return s, ok
}

func flowMessage(err error) string {
	msg := strings.TrimSuffix(err.Error(), ": "+errs.ErrParse.Error())
	if loc, ok := err.(*errs.Located); ok {
		msg = loc.Msg
	}
	// The parser counted in the document parseFlow built, one line and two
	// columns from the value's own text: a one-line "[1, 2" is "line 1,
	// column 1", not "line 2, column 3".
	return flowPosition.ReplaceAllStringFunc(msg, func(m string) string {
		var line, col int
		if _, err := fmt.Sscanf(m, "line %d, column %d", &line, &col); err != nil {
			return m
		}
		return fmt.Sprintf("line %d, column %d", max(line-1, 1), max(col-2, 1))
	})
}

var flowPosition = regexp.MustCompile(`line [0-9]+, column [0-9]+`)

func allDigits(t string) bool {
	if t[0] == '+' || t[0] == '-' {
		t = t[1:]
	}
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return false
		}
	}
	return true
}
