package codectest

import (
	"runtime"
	"testing"

	"github.com/gocfg/gocfg/gocore/value"
)

// AllocatedBy returns the bytes f allocates (runtime.MemStats.TotalAlloc),
// for tests that bound memory rather than time.
func AllocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// CheckPathBudget decodes doc, a document of long keys nested deep over
// many small values, whose paths would cost about a gigabyte if every
// value's position were recorded; it checks that the decode succeeds,
// allocates a bounded amount, and records no positions (they were dropped
// once their paths cost more than textpos.PathBudget allows).
func CheckPathBudget(t *testing.T, doc []byte, decode func([]byte) (*value.Doc, error)) {
	t.Helper()
	var got *value.Doc
	var err error
	alloc := AllocatedBy(func() { got, err = decode(doc) })
	if err != nil {
		t.Fatalf("%d bytes: %v", len(doc), err)
	}
	if limit := uint64(100 << 20); alloc > limit {
		t.Errorf("decoding %d bytes allocated %d MB", len(doc), alloc>>20)
	}
	if n := len(got.Positions); n != 0 {
		t.Errorf("%d positions kept past the budget", n)
	}
}
