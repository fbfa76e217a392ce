// Package limits holds the bounds the library puts on sizes that come from
// outside: documents read from files or handed in by a caller, lengths that
// C passes next to pointers, and the work and output of interpolation.
//
// Each raisable bound has a default and an environment variable that
// raises (or lowers) it. The environment is read once, the first time a
// bound is needed, so a process sets the variable before it first loads a
// configuration; afterwards the bound is fixed for the life of the process
// (no mutable global state, and two threads never see different limits).
// A variable whose value is not a size makes every operation bounded by it
// fail with an error naming the variable, rather than silently falling
// back to the default.
package limits

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/gocfg/gocfg/gocore/errs"
)

// Getenv reads an environment variable for the bounds. The C library sets
// it to read the process's environment as it is when a bound is first
// needed: the Go runtime of a shared library sees only the environment the
// process started with, so a variable set by the host program before its
// first load (os.environ in Python) was silently not seen.
var Getenv = os.Getenv

// A Bound is one raisable limit.
type Bound struct {
	Name    string // what it bounds, as error messages say it
	Env     string // the environment variable that sets it
	Default int64
	Unit    string // "bytes" or a count noun

	once sync.Once
	val  int64
	err  error
}

// The raisable bounds. Their defaults are far above any real configuration
// and low enough that reaching them costs seconds and a few hundred MiB at
// most, never the process.
var (
	// DocumentBytes bounds a document: a file read by load(), text handed
	// to loads() and serialized data handed to set/merge. 256 MiB keeps
	// the 200 MB JSON documents the project measures itself on (issue 15,
	// tests/api/test_hostile.py) loadable, and is far beyond hand-written
	// configuration. What a decoded tree costs depends on its shape: a
	// typical document about 10 times its text, a JSON list of one-digit
	// numbers about 35 times while decoding (measured: 2.4 GB of heap for
	// 64 MiB); lower the bound where memory is tight.
	DocumentBytes = &Bound{Name: "document size", Env: "GOCFG_MAX_DOCUMENT_BYTES", Default: 256 << 20, Unit: "bytes"}

	// InterpolationSteps bounds the references followed while resolving
	// one read (one value, or a whole to_dict()). A large real config
	// holds thousands; a million is the same budget the YAML decoder gives
	// alias expansion, and is spent in about a second.
	InterpolationSteps = &Bound{Name: "interpolation steps", Env: "GOCFG_MAX_INTERPOLATION_STEPS", Default: 1_000_000, Unit: "references"}

	// InterpolationBytes bounds what one resolution produces beyond the
	// stored data: the text it builds and the copies that references to
	// strings, lists and maps bring in. 64 MiB leaves room for references
	// to large values (certificates, embedded lists) while stopping a few
	// dozen keys from doubling into gigabytes.
	InterpolationBytes = &Bound{Name: "interpolation output", Env: "GOCFG_MAX_INTERPOLATION_BYTES", Default: 64 << 20, Unit: "bytes"}
)

// MaxPathBytes bounds the length of a key, name, format or URL passed in
// from C (a dot path into a config is bounded as a value is: see
// CheckValueLength). It is fixed: no key or URL is a mebibyte long, and the
// number exists so that a wrong length (a negative number cast to size_t,
// say) is refused before anything is allocated or read.
const MaxPathBytes = 1 << 20

// MaxInterpolationDepth bounds how many references deep one resolution may
// go (a -> b -> c ...). Resolving recurses once per level, so this is what
// keeps a long chain from using the stack and memory without limit. Real
// chains are a handful of levels; it is fixed, like value.MaxDepth.
const MaxInterpolationDepth = 1000

// Value returns the bound in effect: the environment variable's value when
// it is set, else the default. The error (ErrInvalidArgument) says the
// variable is malformed.
func (b *Bound) Value() (int64, error) {
	b.once.Do(func() { b.val, b.err = b.parse(Getenv(b.Env)) })
	return b.val, b.err
}

func (b *Bound) parse(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return b.Default, nil
	}
	n, err := ParseSize(s)
	if err != nil {
		return 0, fmt.Errorf("environment variable %s=%q: %v: %w", b.Env, shorten(s), err, errs.ErrInvalidArgument)
	}
	return n, nil
}

// ParseSize reads a positive whole number, optionally followed by one of
// the binary suffixes KiB, MiB, GiB or TiB (K, M, G, T are read the same
// way; case does not matter).
func ParseSize(s string) (int64, error) {
	num := strings.TrimSpace(s)
	mult := int64(1)
	lower := strings.ToLower(num)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40}, {"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40}} {
		if strings.HasSuffix(lower, u.suffix) {
			num, mult = strings.TrimSpace(num[:len(num)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("not a positive size (write a number, optionally followed by KiB, MiB, GiB or TiB)")
	}
	if n > math.MaxInt64/mult {
		return 0, fmt.Errorf("larger than %d", int64(math.MaxInt64))
	}
	return n * mult, nil
}

// Exceeded returns the error for an input of n units over this bound
// (n <= 0 when the exact size is unknown), where limit is the bound's
// value. path names the input (a file, a config path); it becomes the
// error's Path, so the C error record carries it.
func (b *Bound) Exceeded(path string, n, limit int64) error {
	msg := "over"
	if n > 0 {
		msg = fmt.Sprintf("%d %s is over", n, b.Unit)
	}
	return &errs.Located{Kind: errs.ErrLimit, Path: path, Msg: fmt.Sprintf(
		"%s the %s limit of %s (set the environment variable %s before the library first loads a configuration to raise it)",
		msg, b.Name, Format(limit, b.Unit), b.Env)}
}

// Check returns nil when n is within the bound, else the Exceeded error
// (or the error of a malformed environment variable).
func (b *Bound) Check(what string, n int64) error {
	limit, err := b.Value()
	if err != nil {
		return err
	}
	if n > limit || n < 0 {
		return b.Exceeded(what, n, limit)
	}
	return nil
}

// Format writes n for a message: bytes in the largest whole binary unit.
func Format(n int64, unit string) string {
	if unit == "bytes" {
		for _, u := range []struct {
			name string
			size int64
		}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
			if n >= u.size && n%u.size == 0 {
				return fmt.Sprintf("%d %s", n/u.size, u.name)
			}
		}
	}
	return fmt.Sprintf("%d %s", n, unit)
}

// CheckPathLength refuses a length passed in from C for a path, key, name,
// format or URL that is over MaxPathBytes. It takes the length as C gives
// it (size_t, converted with uint64(n)), so that lengths at or above 2**63
// are refused rather than wrapping to a negative int. Call it before
// anything is read through the pointer or allocated.
func CheckPathLength(what string, n uint64) error {
	if n > MaxPathBytes {
		return fmt.Errorf("%s length %d is over the limit of %s for paths, keys, names and URLs (is the length right?): %w",
			what, n, Format(MaxPathBytes, "bytes"), errs.ErrLimit)
	}
	return nil
}

// CheckDataLength refuses a length passed in from C for a document, a
// string value or serialized data that is over DocumentBytes. Like
// CheckPathLength it takes the raw size_t.
func CheckDataLength(what string, n uint64) error {
	if n > math.MaxInt64 {
		limit, err := DocumentBytes.Value()
		if err != nil {
			return err
		}
		return fmt.Errorf("%s length %d is over the %s limit of %s (is the length right?): %w",
			what, n, DocumentBytes.Name, Format(limit, "bytes"), errs.ErrLimit)
	}
	return DocumentBytes.Check(what, int64(n))
}

// CheckValueLength refuses a length passed in from C for a value in the
// library's encoding (a dict built in Python, a pickled config, the
// environment snapshot) that is over ValueBytes. Such a value is not a
// document: it may hold all that a document within the bound decodes to,
// which can be more than the document's text (its encoding spends up to
// four times the text of a tiny entry, YAML aliases and INI's DEFAULT
// copy what they name), so the bound is wider than the document size.
func CheckValueLength(what string, n uint64) error {
	limit, err := DocumentBytes.Value()
	if err != nil {
		return err
	}
	if values := ValueBytes(limit); n > uint64(values) {
		return fmt.Errorf("%s: %s is over the limit of %s for values passed to the library (eight times %s, plus 128 MiB; %s raises it): %w",
			what, Format(int64(min(n, math.MaxInt64)), "bytes"), Format(values, "bytes"), DocumentBytes.Name, DocumentBytes.Env, errs.ErrLimit)
	}
	return nil
}

// ValueBytes is the bound of CheckValueLength for a document bound.
func ValueBytes(documentBytes int64) int64 {
	const extra = 128 << 20
	if documentBytes > (math.MaxInt64-extra)/8 {
		return math.MaxInt64
	}
	return 8*documentBytes + extra
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}
