package cmem

import (
	"os"
	"testing"
	"unsafe"
)

func newTestArena(t *testing.T, pages int) *Arena {
	t.Helper()
	a, err := New(pages * os.Getpagesize())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// A freed block's address is not handed out again before the whole arena
// has been, so a stale second free finds nothing and leaves the blocks
// allocated since alone (issue 14, item 2).
func TestStaleFreeIsANoOp(t *testing.T) {
	a := newTestArena(t, 64)
	old, _ := a.Alloc(48)
	if _, ok := a.Free(old); !ok {
		t.Fatal("first free refused")
	}
	var live []unsafe.Pointer
	for i := 0; i < 1000; i++ {
		p, err := a.Alloc(48 + i%100)
		if err != nil {
			t.Fatal(err)
		}
		if p == old {
			t.Fatalf("allocation %d reused the freed address", i)
		}
		live = append(live, p)
	}
	if _, ok := a.Free(old); ok {
		t.Fatal("second free of a freed block succeeded")
	}
	for _, p := range live {
		if _, ok := a.Size(p); !ok {
			t.Fatal("a live block was lost")
		}
	}
	if n, _ := a.Stats(); n != len(live) {
		t.Fatalf("%d live blocks, want %d", n, len(live))
	}
	// Pointers the arena never handed out are ignored too.
	inner := unsafe.Add(live[0], 8)
	var local int
	for _, p := range []unsafe.Pointer{nil, inner, unsafe.Pointer(&local)} {
		if _, ok := a.Free(p); ok {
			t.Fatalf("Free(%p) succeeded", p)
		}
	}
}

// Once the arena is used up it starts again at the front, but only on pages
// whose blocks were all freed: a live block is never overwritten.
func TestWrapSkipsLiveBlocks(t *testing.T) {
	page := os.Getpagesize()
	a := newTestArena(t, 16)
	var keep []unsafe.Pointer
	pattern := func(p unsafe.Pointer, b byte) {
		for i, s := 0, Bytes(p, 100); i < len(s); i++ {
			s[i] = b
		}
	}
	for round := 0; round < 20; round++ {
		var drop []unsafe.Pointer
		for i := 0; i < page/128; i++ {
			p, err := a.Alloc(100)
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			if i == 0 && round%4 == 0 {
				pattern(p, byte(len(keep)+1))
				keep = append(keep, p)
				continue
			}
			pattern(p, 0xEE)
			drop = append(drop, p)
		}
		for _, p := range drop {
			a.Free(p)
		}
	}
	if !a.wrapped {
		t.Fatal("the test never made the arena wrap")
	}
	for i, p := range keep {
		for _, b := range Bytes(p, 100) {
			if b != byte(i+1) {
				t.Fatalf("kept block %d overwritten (%#x)", i, b)
			}
		}
	}
	if n, _ := a.Stats(); n != len(keep) {
		t.Fatalf("%d live blocks, want %d", n, len(keep))
	}
}

func TestFullArenaFailsCleanly(t *testing.T) {
	page := os.Getpagesize()
	a := newTestArena(t, 4)
	for i := 0; i < 4; i++ {
		if _, err := a.Alloc(page); err != nil {
			t.Fatalf("block %d: %v", i, err)
		}
	}
	if _, err := a.Alloc(16); err == nil {
		t.Fatal("a full arena handed out a block")
	}
	if _, err := a.Alloc(0); err == nil {
		t.Fatal("a zero-size block was handed out")
	}
}

func TestCellsNeverRepeatAValue(t *testing.T) {
	a := newTestArena(t, 16)
	c := NewCells(a)
	cell, err := c.New()
	if err != nil {
		t.Fatal(err)
	}
	seen := *cell
	c.Release(cell)
	again, _ := c.New()
	if again != cell || *again <= seen {
		t.Fatalf("recycled cell %p value %d, previous owner saw %d", again, *again, seen)
	}
}

// A live block spanning several pages survives wraps: its interior pages
// are not counted one by one, so the arena must jump over it as a whole.
func TestWrapJumpsOverLargeLiveBlocks(t *testing.T) {
	page := os.Getpagesize()
	a := newTestArena(t, 16)
	small, _ := a.Alloc(100)
	big, err := a.Alloc(3*page + 500) // starts mid-page, ends mid-page
	if err != nil {
		t.Fatal(err)
	}
	fill := Bytes(big, 3*page+500)
	for i := range fill {
		fill[i] = 0xAB
	}
	a.Free(small)
	for round := 0; round < 200; round++ {
		p, err := a.Alloc(page/2 + round%700)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		s := Bytes(p, page/2+round%700)
		for i := range s {
			s[i] = 0x11
		}
		a.Free(p)
	}
	if !a.wrapped {
		t.Fatal("the test never made the arena wrap")
	}
	for i, b := range fill {
		if b != 0xAB {
			t.Fatalf("byte %d of the live block overwritten", i)
		}
	}
	if n, ok := a.Free(big); !ok || n != 3*page+500 {
		t.Fatal("the live block was lost")
	}
}
