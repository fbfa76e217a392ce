package value

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"
)

// A configuration value is one of:
//
//	nil            null
//	bool
//	int64          every integer that fits in 64 bits
//	*big.Int       an integer beyond int64, kept exactly (JSON and YAML
//	               allow any size, as Python's int does); never one that
//	               fits int64, so int64 stays the one common case (see Int)
//	float64        including ±Inf and NaN
//	string         valid UTF-8
//	time.Time      an offset date-time (TOML's offset datetime)
//	LocalDateTime  a date-time with no offset
//	LocalDate
//	LocalTime
//	[]any          a list of values
//	*Map           a map of string keys to values, in insertion order
//
// Codecs produce and consume exactly these types; nothing else is stored.

// MaxDepth bounds how deeply maps and lists may nest. Deeper documents are
// refused by every decoder, so that no recursive walk can exhaust a stack.
const MaxDepth = 1000

// LocalDate is a calendar date with no time zone.
type LocalDate struct {
	Year  int
	Month int
	Day   int
}

// LocalTime is a time of day with no time zone.
type LocalTime struct {
	Hour       int
	Minute     int
	Second     int
	Nanosecond int
}

// LocalDateTime is a date and time of day with no time zone.
type LocalDateTime struct {
	Date LocalDate
	Time LocalTime
}

func (d LocalDate) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

func (t LocalTime) String() string {
	s := fmt.Sprintf("%02d:%02d:%02d", t.Hour, t.Minute, t.Second)
	if t.Nanosecond != 0 {
		s += trimFraction(fmt.Sprintf(".%09d", t.Nanosecond))
	}
	return s
}

func (dt LocalDateTime) String() string { return dt.Date.String() + "T" + dt.Time.String() }

func trimFraction(s string) string {
	for len(s) > 2 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	return s
}

// Int returns n as a value: an int64 when it fits, else n itself. Every
// producer of integers goes through it, so a *big.Int in a tree is always
// beyond int64 and two equal integers always have the same Go type. n must
// not be changed afterwards (values are immutable once stored).
func Int(n *big.Int) any {
	if n.IsInt64() {
		return n.Int64()
	}
	return n
}

// TypeName names v's type the way error messages speak of it.
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case int64, *big.Int:
		return "int"
	case float64:
		return "float"
	case string:
		return "string"
	case time.Time:
		return "datetime"
	case LocalDateTime:
		return "local datetime"
	case LocalDate:
		return "date"
	case LocalTime:
		return "time"
	case []any:
		return "list"
	case *Map:
		return "map"
	default:
		return fmt.Sprintf("unsupported %T", v)
	}
}

// Clone returns a deep copy of v: maps and lists are copied, scalars shared
// (they are immutable).
func Clone(v any) any {
	switch v := v.(type) {
	case *Map:
		return v.Clone()
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = Clone(e)
		}
		return out
	default:
		return v
	}
}

// Clone returns a deep copy of m.
func (m *Map) Clone() *Map {
	out := NewMap(m.Len())
	m.Range(func(k string, v any) bool {
		out.Set(k, Clone(v))
		return true
	})
	return out
}

// Equal reports whether a and b are the same value. Maps compare without
// regard to key order; NaN equals NaN (two configs holding nan are equal);
// offset datetimes compare as instants with the same offset.
func Equal(a, b any) bool {
	switch a := a.(type) {
	case *Map:
		bm, ok := b.(*Map)
		if !ok || a.Len() != bm.Len() {
			return false
		}
		eq := true
		a.Range(func(k string, av any) bool {
			bv, ok := bm.Get(k)
			eq = ok && Equal(av, bv)
			return eq
		})
		return eq
	case []any:
		bl, ok := b.([]any)
		if !ok || len(a) != len(bl) {
			return false
		}
		for i := range a {
			if !Equal(a[i], bl[i]) {
				return false
			}
		}
		return true
	case float64:
		bf, ok := b.(float64)
		return ok && (a == bf || math.IsNaN(a) && math.IsNaN(bf))
	case *big.Int:
		bb, ok := b.(*big.Int)
		return ok && a.Cmp(bb) == 0
	case time.Time:
		bt, ok := b.(time.Time)
		if !ok || !a.Equal(bt) {
			return false
		}
		_, ao := a.Zone()
		_, bo := bt.Zone()
		return ao == bo
	default:
		return a == b
	}
}

// MaxIntDigits bounds the decimal digits of an integer, as CPython's
// default sys.get_int_max_str_digits() does: converting between decimal
// text and a big integer costs more than linear time, so a document cannot
// ask for a number of a million digits.
const MaxIntDigits = 4300

// IntTooLong reports whether n has more than MaxIntDigits decimal digits.
func IntTooLong(n *big.Int) bool {
	switch bits := n.BitLen(); {
	case bits <= 14284: // below 2**14284 < 10**4300
		return false
	case bits > 14290: // above 2**14290 > 10**4301
		return true
	}
	return len(new(big.Int).Abs(n).String()) > MaxIntDigits
}

// AType is TypeName with its article, for messages: "an int", "a map",
// "null" (which needs none).
func AType(v any) string {
	name := TypeName(v)
	switch {
	case name == "null":
		return name
	case strings.ContainsRune("aeiou", rune(name[0])):
		return "an " + name
	default:
		return "a " + name
	}
}

// Items counts list items for messages: "1 item", "3 items".
func Items(n int) string {
	if n == 1 {
		return "1 item"
	}
	return fmt.Sprintf("%d items", n)
}
