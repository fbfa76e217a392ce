package gcfloor

import (
	"runtime"
	"testing"
)

var sink []byte

// Garbage well below the floor does not start a collection: with the
// runtime's own minimum (a 4 MB goal) 4 MB of it would.
func TestFloorDefersCollection(t *testing.T) {
	runtime.GC() // the next goal is computed from what is live now
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 0; i < (4<<20)/1024; i++ {
		sink = make([]byte, 1024)
	}
	runtime.ReadMemStats(&after)
	if n := after.NumGC - before.NumGC; n != 0 {
		t.Fatalf("4 MB of garbage started %d collections (heap goal %d MB)", n, after.NextGC>>20)
	}
	if after.NextGC < 2*Floor {
		t.Fatalf("heap goal %d MB, want at least twice the %d MB floor", after.NextGC>>20, Floor>>20)
	}
	runtime.KeepAlive(block)
}
