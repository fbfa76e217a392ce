// Package gcfloor gives the Go heap of the library a floor: the collector
// does not run until the heap has grown by about Floor beyond what is live.
//
// Without it the Go runtime's minimum, a 4 MB heap goal, made the collector
// run once per ~20 loads of a 20 KB document, since what the library keeps
// live between calls is small (about 1 MB); every cycle stops the world and
// wakes mark workers, which on 2 cores cost ~1 ms, a fifth of such a load
// (bench/run.py, "JSON 20 KB"). The floor is a pointer-free block that is
// allocated once and never written: the collector counts it as live (the
// goal becomes twice the live heap plus the floor) but never scans it, and
// its pages are never touched, so it takes address space, not memory. The
// price is garbage: a program that makes the library allocate a lot keeps
// up to about Floor more of it resident between collections. Large heaps
// are paced as before, the floor being small beside them.
package gcfloor

// Floor is the size of the block.
const Floor = 8 << 20

// block is kept live for the life of the process.
var block []byte

func init() {
	block = make([]byte, Floor)
}
