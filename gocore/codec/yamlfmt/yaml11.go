package yamlfmt

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/value"
)

// YAML 1.1 resolves plain scalars by its type repository
// (https://yaml.org/type/): the same null, more booleans, integers in base
// 2, 8 (a leading 0), 10, 16 and 60, floats that need a '.', and
// timestamps. The patterns below are the spec's, as PyYAML (Ansible) and
// go-yaml v2 (Kubernetes' sigs.k8s.io/yaml) apply them, with two
// choices:
//
//   - y, Y, n and N are booleans, as the spec and go-yaml v2 say; PyYAML
//     leaves them strings.
//   - 0o755 is octal too (YAML 1.2's spelling, which files written for
//     either version use); PyYAML reads it as a string.
var (
	int11re = regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)
	// float11 leaves out the spellings of infinity and NaN, matched apart.
	float11re     = regexp.MustCompile(`^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*)$`)
	timestamp11re = regexp.MustCompile(`^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$`)
)

func bool11(s string) (bool, bool) {
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
		return true, true
	case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
		return false, true
	}
	return false, false
}

// int11 reads YAML 1.1's integers (underscores are ignored); the value is
// an int64 or a *big.Int beyond it.
func int11(s string) (any, bool, error) {
	if len(s) == 0 || len(s) > 4*value.MaxIntDigits || !int11re.MatchString(s) {
		return nil, false, nil
	}
	t := strings.ReplaceAll(s, "_", "")
	neg := false
	switch t[0] {
	case '-':
		neg = true
		t = t[1:]
	case '+':
		t = t[1:]
	}
	if t == "" {
		return nil, false, nil // "-_" and the like
	}
	var n any
	var ok bool
	var err error
	switch {
	case strings.Contains(t, ":"):
		n, ok, err = sexagesimal(t, s)
	case len(t) > 2 && t[0] == '0' && (t[1] == 'b' || t[1] == 'x' || t[1] == 'o'):
		base := map[byte]int{'b': 2, 'x': 16, 'o': 8}[t[1]]
		n, ok, err = parseInt(t[2:], base, s)
	case len(t) > 1 && t[0] == '0':
		n, ok, err = parseInt(t[1:], 8, s)
	default:
		n, ok, err = parseInt(t, 10, s)
	}
	if !ok || err != nil || !neg {
		return n, ok, err
	}
	switch v := n.(type) {
	case int64:
		return v * -1, true, nil // v >= 0 and fits, so -v fits
	case *big.Int:
		return value.Int(new(big.Int).Neg(v)), true, nil
	}
	return nil, false, nil
}

// sexagesimal reads base-60 digits "190:20:30" (no sign, no underscores).
func sexagesimal(t, text string) (any, bool, error) {
	n := new(big.Int)
	sixty := big.NewInt(60)
	for _, part := range strings.Split(t, ":") {
		d, err := strconv.ParseInt(part, 10, 64)
		if err != nil {
			if len(part) > value.MaxIntDigits {
				return nil, true, fmt.Errorf("integer %s has more than %d digits", textpos.Trim(text), value.MaxIntDigits)
			}
			b, ok := new(big.Int).SetString(part, 10)
			if !ok {
				return nil, false, nil
			}
			n.Mul(n, sixty).Add(n, b)
			continue
		}
		n.Mul(n, sixty).Add(n, big.NewInt(d))
	}
	if value.IntTooLong(n) {
		return nil, true, fmt.Errorf("integer %s has more than %d digits", textpos.Trim(text), value.MaxIntDigits)
	}
	return value.Int(n), true, nil
}

func float11(s string) (float64, bool, error) {
	switch s {
	case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
		return math.Inf(1), true, nil
	case "-.inf", "-.Inf", "-.INF":
		return math.Inf(-1), true, nil
	case ".nan", ".NaN", ".NAN":
		return math.NaN(), true, nil
	}
	if !float11re.MatchString(s) {
		return 0, false, nil
	}
	t := strings.ReplaceAll(s, "_", "")
	if strings.Contains(t, ":") {
		sign := 1.0
		switch t[0] {
		case '-':
			sign, t = -1, t[1:]
		case '+':
			t = t[1:]
		}
		parts := strings.Split(t, ":")
		f := 0.0
		for _, p := range parts {
			d, err := strconv.ParseFloat(p, 64)
			if err != nil {
				return 0, true, fmt.Errorf("number %s is beyond the range of a 64-bit float", textpos.Trim(s))
			}
			f = f*60 + d
		}
		return sign * f, true, nil
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, true, fmt.Errorf("number %s is beyond the range of a 64-bit float", textpos.Trim(s))
	}
	return f, true, nil
}

// timestamp11 reads YAML 1.1's implicit timestamps: 2001-12-14 is a date,
// 2001-12-14 21:59:43.10 -5 a datetime, as PyYAML reads them. A scalar of
// that shape that is no real date (2001-13-45) stays a string.
func timestamp11(s string) (any, bool) {
	if len(s) < 10 || s[4] != '-' || !timestamp11re.MatchString(s) {
		return nil, false
	}
	return timestamp(s)
}
