package layer

import (
	"runtime"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/value"
)

// Diff joins a path only for a change it reports: extending a path string
// at every level of a deep tree of long keys kept a copy per level (5 GB
// for 999 keys of 10 KB, through Config.__eq__ and diff).
func TestDiffOfADeepTreeAllocatesLittle(t *testing.T) {
	key := strings.Repeat("k", 1000)
	build := func(leaf int64) *value.Map {
		var tree any = leaf
		for i := 0; i < 500; i++ {
			m := value.NewMap(1)
			m.Set(key, tree)
			tree = m
		}
		return tree.(*value.Map)
	}
	a, b := build(1), build(2)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	changes := Diff(a, b)
	runtime.ReadMemStats(&after)
	if len(changes) != 1 || changes[0].Op != Changed || len(changes[0].Path) != 500*1001-1 {
		t.Fatalf("changes = %d", len(changes))
	}
	// The one path is 500 KB; a path per level is 125 MB.
	if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
		t.Errorf("Diff allocated %d bytes", n)
	}
}
