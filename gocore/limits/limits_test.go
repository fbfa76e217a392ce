package limits

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
)

func TestParseSize(t *testing.T) {
	good := map[string]int64{
		"1": 1, "1048576": 1 << 20, "64KiB": 64 << 10, "64 kib": 64 << 10, "3M": 3 << 20,
		"1GiB": 1 << 30, "2g": 2 << 30, "1TiB": 1 << 40, "9223372036854775807": math.MaxInt64,
	}
	for s, want := range good {
		if got, err := ParseSize(s); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "0", "-1", "1.5GiB", "abc", "1PiB", "9223372036854775808", "8388608TiB", "GiB"} {
		if n, err := ParseSize(s); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", s, n)
		}
	}
}

func TestBoundFromEnvironment(t *testing.T) {
	t.Setenv("GOCFG_TEST_BOUND", "2KiB")
	b := &Bound{Name: "test size", Env: "GOCFG_TEST_BOUND", Default: 10, Unit: "bytes"}
	if n, err := b.Value(); err != nil || n != 2048 {
		t.Fatalf("Value() = %d, %v", n, err)
	}
	// Read once: a later change of the environment has no effect.
	t.Setenv("GOCFG_TEST_BOUND", "1")
	if n, _ := b.Value(); n != 2048 {
		t.Fatalf("the bound changed to %d after its first use", n)
	}
	if err := b.Check("x", 2048); err != nil {
		t.Fatal(err)
	}
	err := b.Check("app.json", 2049)
	if !errors.Is(err, errs.ErrLimit) || !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("err = %v, want ErrLimit (an ErrInvalidArgument)", err)
	}
	for _, part := range []string{"app.json", "2049 bytes", "2 KiB", "GOCFG_TEST_BOUND"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("message %q does not mention %q", err, part)
		}
	}

	unset := &Bound{Name: "test size", Env: "GOCFG_TEST_BOUND_UNSET", Default: 10, Unit: "bytes"}
	if n, err := unset.Value(); err != nil || n != 10 {
		t.Fatalf("default: %d, %v", n, err)
	}

	t.Setenv("GOCFG_TEST_BOUND_BAD", "lots")
	bad := &Bound{Name: "test size", Env: "GOCFG_TEST_BOUND_BAD", Default: 10, Unit: "bytes"}
	if err := bad.Check("x", 1); !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "GOCFG_TEST_BOUND_BAD") {
		t.Fatalf("a malformed variable gave %v", err)
	}
}

func TestCheckLengths(t *testing.T) {
	// Lengths as C's size_t gives them, including the ones that do not
	// fit an int64 and would wrap to negative numbers.
	huge := []uint64{MaxPathBytes + 1, 1 << 40, math.MaxInt64, math.MaxInt64 + 1, math.MaxUint64}
	for _, n := range huge {
		if err := CheckPathLength("path", n); !errors.Is(err, errs.ErrLimit) || !strings.Contains(err.Error(), "path length") {
			t.Errorf("CheckPathLength(%d) = %v", n, err)
		}
		if err := CheckDataLength("data", n); n > 256<<20 && !errors.Is(err, errs.ErrLimit) {
			t.Errorf("CheckDataLength(%d) = %v", n, err)
		}
	}
	for _, n := range []uint64{0, 3, MaxPathBytes} {
		if err := CheckPathLength("path", n); err != nil {
			t.Errorf("CheckPathLength(%d) = %v", n, err)
		}
		if err := CheckDataLength("data", n); err != nil {
			t.Errorf("CheckDataLength(%d) = %v", n, err)
		}
	}
	if err := CheckDataLength("data", math.MaxUint64); err == nil || strings.Contains(err.Error(), "-1") {
		t.Errorf("CheckDataLength(2**64-1) = %v", err)
	}
}

// A value in the library's encoding may hold all a document within the
// bound decodes to, which can be larger than its text: its bound is wider.
func TestCheckValueLength(t *testing.T) {
	doc, err := DocumentBytes.Value()
	if err != nil {
		t.Fatal(err)
	}
	if ValueBytes(doc) != 8*doc+128<<20 || ValueBytes(math.MaxInt64) != math.MaxInt64 {
		t.Fatalf("ValueBytes(%d) = %d", doc, ValueBytes(doc))
	}
	for _, n := range []uint64{0, uint64(doc) + 1, uint64(ValueBytes(doc))} {
		if err := CheckValueLength("data", n); err != nil {
			t.Errorf("CheckValueLength(%d) = %v", n, err)
		}
	}
	for _, n := range []uint64{uint64(ValueBytes(doc)) + 1, math.MaxInt64 + 1, math.MaxUint64} {
		if err := CheckValueLength("data", n); !errors.Is(err, errs.ErrLimit) || !strings.Contains(err.Error(), "GOCFG_MAX_DOCUMENT_BYTES") {
			t.Errorf("CheckValueLength(%d) = %v", n, err)
		}
	}
}
