// Package codectest holds helpers shared by the codecs' tests: random trees
// limited to what a format can express, the location of the shared
// conformance suites, and the test drivers (drivers.go).
package codectest

import (
	"errors"
	"strings"

	"github.com/gocfg/gocfg/gocore/errs"
	"math"
	"math/big"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/gocfg/gocfg/gocore/value"
)

// Kinds says which values a random tree may hold.
type Kinds struct {
	Null, Bool, Int, Float, NaNInf, String, DateTime, Local bool
	// BigInt: integers beyond int64 (*big.Int) too, when Int is set.
	BigInt      bool
	Lists, Maps bool
	// FlatSections: the root holds scalars and maps of scalars only (INI).
	FlatSections bool
	// OnlyStrings: every scalar is a string (.env, INI).
	OnlyStrings bool
	// ListsOfNulls etc. are allowed unless NoNullInLists.
	MaxDepth int
	// KeyRunes, when set, is the alphabet for keys; otherwise keys mix
	// ASCII, punctuation and non-ASCII text.
	KeyRunes []rune
	// ValueRunes, when set, is the alphabet for string values.
	ValueRunes []rune
	// NonEmptyKeys forbids the empty key.
	NonEmptyKeys bool
}

var defaultRunes = []rune("abcxyzABC019_-. :=#;[]{}\"'\\/\t\n\r é日本😀\u2028\x01\x7f$`~!@%^&*(),<>?|+")

// RandString returns a random string over runes (or a default mix).
func RandString(r *rand.Rand, runes []rune, maxLen int) string {
	if runes == nil {
		runes = defaultRunes
	}
	n := r.Intn(maxLen + 1)
	b := make([]rune, n)
	for i := range b {
		b[i] = runes[r.Intn(len(runes))]
	}
	return string(b)
}

func (k Kinds) key(r *rand.Rand) string {
	for {
		s := RandString(r, k.KeyRunes, 8)
		if s == "" && (k.NonEmptyKeys || r.Intn(4) != 0) {
			continue
		}
		return s
	}
}

func (k Kinds) scalar(r *rand.Rand) any {
	if k.OnlyStrings {
		return RandString(r, k.ValueRunes, 12)
	}
	for {
		switch r.Intn(10) {
		case 0:
			if k.Null {
				return nil
			}
		case 1:
			if k.Bool {
				return r.Intn(2) == 0
			}
		case 2:
			if k.Int {
				if k.BigInt && r.Intn(4) == 0 {
					return RandBigInt(r)
				}
				switch r.Intn(4) {
				case 0:
					return int64(math.MaxInt64 - r.Intn(2))
				case 1:
					return int64(math.MinInt64 + r.Intn(2))
				}
				return int64(r.Intn(2001) - 1000)
			}
		case 3:
			if k.Float {
				switch r.Intn(8) {
				case 0:
					if k.NaNInf {
						return math.NaN()
					}
				case 1:
					if k.NaNInf {
						return math.Inf(1 - 2*r.Intn(2))
					}
				case 2:
					return float64(r.Intn(100))
				case 3:
					return math.Float64frombits(r.Uint64()&^(0x7FF<<52) | uint64(1+r.Intn(0x7FD))<<52)
				case 4:
					return 1e-300 * r.Float64()
				}
				return r.NormFloat64() * 1000
			}
		case 4:
			if k.DateTime {
				off := (r.Intn(48) - 24) * 30 * 60
				loc := time.FixedZone("", off)
				if off == 0 && r.Intn(2) == 0 {
					loc = time.UTC
				}
				ns := 0
				if r.Intn(2) == 0 {
					ns = r.Intn(1000) * 1000000
				}
				return time.Date(1900+r.Intn(200), time.Month(1+r.Intn(12)), 1+r.Intn(28), r.Intn(24), r.Intn(60), r.Intn(60), ns, loc)
			}
		case 5:
			if k.Local {
				d := value.LocalDate{Year: 1 + r.Intn(9998), Month: 1 + r.Intn(12), Day: 1 + r.Intn(28)}
				t := value.LocalTime{Hour: r.Intn(24), Minute: r.Intn(60), Second: r.Intn(60)}
				if r.Intn(2) == 0 {
					t.Nanosecond = r.Intn(1000) * 1000000
				}
				switch r.Intn(3) {
				case 0:
					return d
				case 1:
					return t
				}
				return value.LocalDateTime{Date: d, Time: t}
			}
		default:
			if k.String {
				return RandString(r, k.ValueRunes, 12)
			}
		}
	}
}

// RandBigInt returns an integer just beyond int64 or far beyond it, of
// either sign, always a *big.Int (never one that fits int64).
func RandBigInt(r *rand.Rand) *big.Int {
	n := new(big.Int).Lsh(big.NewInt(1), uint(63+r.Intn(200)))
	n.Add(n, big.NewInt(int64(r.Intn(1000))))
	if r.Intn(2) == 0 {
		n.Neg(n)
		n.Sub(n, big.NewInt(1)) // -2**63 itself fits int64
	}
	return n
}

// Tree returns a random root map.
func (k Kinds) Tree(r *rand.Rand) *value.Map {
	if k.MaxDepth == 0 {
		k.MaxDepth = 4
	}
	return k.mapAt(r, 1)
}

func (k Kinds) mapAt(r *rand.Rand, depth int) *value.Map {
	m := value.NewMap(0)
	n := r.Intn(6)
	for i := 0; i < n; i++ {
		key := k.key(r)
		if _, dup := m.Get(key); dup {
			continue
		}
		m.Set(key, k.valueAt(r, depth+1))
	}
	return m
}

func (k Kinds) valueAt(r *rand.Rand, depth int) any {
	if k.FlatSections {
		if depth == 2 && r.Intn(3) == 0 {
			m := value.NewMap(0)
			for i := r.Intn(4); i > 0; i-- {
				m.Set(k.key(r), k.scalar(r))
			}
			return m
		}
		return k.scalar(r)
	}
	if depth < k.MaxDepth {
		switch r.Intn(5) {
		case 0:
			if k.Maps {
				return k.mapAt(r, depth)
			}
		case 1:
			if k.Lists {
				l := make([]any, r.Intn(4))
				for i := range l {
					l[i] = k.valueAt(r, depth+1)
				}
				return l
			}
		}
	}
	return k.scalar(r)
}

// Conformance returns the directory of the shared conformance suites, or ""
// when it is not there (tests that need it then skip).
func Conformance() string {
	if dir := os.Getenv("GOCFG_CONFORMANCE"); dir != "" {
		return dir
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	// gocore/codec/internal/codectest -> repository root -> ../shared
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "..", "shared", "conformance")
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return dir
	}
	return ""
}

// Seeds reads up to n files matching the glob under the conformance dir,
// for fuzz seeds; it returns nothing when the suites are missing.
func Seeds(glob string, n int) [][]byte {
	dir := Conformance()
	if dir == "" {
		return nil
	}
	paths, _ := filepath.Glob(filepath.Join(dir, glob))
	var out [][]byte
	for i, p := range paths {
		if len(out) >= n {
			break
		}
		// spread the picks over the whole list
		if len(paths) > n && i%(len(paths)/n) != 0 {
			continue
		}
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
			out = append(out, b)
		}
	}
	return out
}

// Itoa is strconv.Itoa, re-exported for brevity in tests.
var Itoa = strconv.Itoa

// IsLocatedParseError reports whether err is what a decoder may return for
// bad input: a parse error with a line, never an internal error (a
// recovered panic). Every codec's FuzzDecode checks every refusal with it
// (see FuzzDecode): fuzzing json, toml and yaml for 20 s and more each with
// this check found no refusal without a line, so they need no looser one.
func IsLocatedParseError(err error) bool {
	var loc *errs.Located
	return errors.As(err, &loc) && errors.Is(err, errs.ErrParse) && loc.Line != 0 && !strings.Contains(loc.Msg, "internal error")
}
