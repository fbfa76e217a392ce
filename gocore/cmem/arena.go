// Package cmem hands out memory that C code may keep: blocks outside the Go
// heap (cgo forbids C from keeping Go pointers), released by the library's
// own free calls.
//
// The C ABI frees error records and buffers by address, so a stale second
// free must never reach a block that was allocated later at the same
// address. An Arena therefore never reuses an address while a stale pointer
// to it can plausibly still be freed: it reserves a large range of virtual
// address space once and hands it out front to back, returning the pages of
// freed blocks to the system (they keep their addresses, which stay
// reserved). Only when the whole range has been handed out does it start
// again at the front, reusing the addresses of blocks freed since: a stale
// pointer is harmless for as long as less than the whole range (1 TiB by
// default) has been allocated after its block was freed.
//
// The package is pure Go (mmap and madvise through package syscall); the
// export layer converts the pointers to its C types.
package cmem

import (
	"fmt"
	"os"
	"sync"
	"syscall"
	"unsafe"

	"github.com/gocfg/gocfg/gocore/errs"
)

// DefaultReserve is how much address space an Arena asks for. Reserving
// costs no memory (the pages are mapped with MAP_NORESERVE and only those
// touched are backed); where the system refuses that much, New halves it
// down to MinReserve.
const (
	DefaultReserve = 1 << 40
	MinReserve     = 1 << 26
)

// align keeps every block 16-byte aligned, as malloc's are.
const align = 16

// Arena is safe for concurrent use.
//
// Bookkeeping is per block and per edge page: a page in the interior of a
// block belongs to that block alone, so only a block's first and last pages
// are counted (they may hold other blocks too), and a large block costs two
// map updates and one madvise, not one per page.
type Arena struct {
	mu      sync.Mutex
	mem     []byte
	page    int
	next    int              // offset of the next block
	wrapped bool             // next has been back to the front at least once
	live    map[int]int      // offset of each live block -> its size
	edges   map[int]edgePage // first or last pages of live blocks
	bytes   int              // bytes in live blocks
}

// edgePage is a page that is the first or last page of live blocks.
type edgePage struct {
	blocks int32 // live blocks that start or end on it
	end    int   // the furthest end of the blocks that start on it (never lowered)
}

// New reserves about size bytes of address space (at least MinReserve,
// unless less was asked for; less than asked when the system refuses).
func New(size int) (*Arena, error) {
	page := os.Getpagesize()
	for {
		size -= size % page
		if size < page {
			return nil, fmt.Errorf("an arena of %d bytes is less than a page: %w", size, errs.ErrInvalidArgument)
		}
		mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE,
			syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
		if err == nil {
			return &Arena{mem: mem, page: page, live: map[int]int{}, edges: map[int]edgePage{}}, nil
		}
		if size/2 < MinReserve {
			return nil, fmt.Errorf("reserving %d bytes of address space: %v: %w", size, err, errs.ErrInternal)
		}
		size /= 2
	}
}

// Alloc returns a block of n bytes (n > 0). Its contents are unspecified:
// the caller writes every byte it hands out.
func (a *Arena) Alloc(n int) (unsafe.Pointer, error) {
	if n <= 0 || n > len(a.mem)/2 {
		return nil, fmt.Errorf("allocating %d bytes: want 1 up to %d: %w", n, len(a.mem)/2, errs.ErrInvalidArgument)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	off, ok := a.place(n)
	if !ok {
		return nil, fmt.Errorf("out of C memory: no free run of %d bytes in the arena: %w", n, errs.ErrInternal)
	}
	a.live[off] = n
	a.bytes += n
	first, last := off/a.page, (off+n-1)/a.page
	e := a.edges[first]
	e.blocks++
	e.end = max(e.end, off+n)
	a.edges[first] = e
	if last != first {
		e = a.edges[last]
		e.blocks++
		a.edges[last] = e
	}
	return unsafe.Pointer(&a.mem[off]), nil
}

// place finds room for n bytes at the bump pointer and moves it past them.
func (a *Arena) place(n int) (int, bool) {
	restarted := false
	for {
		off := (a.next + align - 1) &^ (align - 1)
		if off+n > len(a.mem) {
			if restarted {
				return 0, false
			}
			a.leave(len(a.mem))
			a.next, a.wrapped, restarted = 0, true, true
			continue
		}
		// Before the first wrap every page past the bump pointer is
		// untouched. After it, the pages the block enters must hold no
		// live block of the earlier pass; a busy page is skipped together
		// with the blocks that start on it. The bump pointer never lands
		// inside a live block: it reaches every block's first page before
		// its interior, and jumps over it from there.
		if a.wrapped {
			first := off / a.page
			if a.next > 0 && (a.next-1)/a.page == first {
				first++ // the page being filled: its blocks are this pass's
			}
			skip := -1
			for p := first; p <= (off+n-1)/a.page; p++ {
				if e, busy := a.edges[p]; busy {
					skip = max((p+1)*a.page, e.end)
					break
				}
			}
			if skip >= 0 {
				a.leave(min(skip, len(a.mem)))
				continue
			}
		}
		a.leave(off + n)
		return off, true
	}
}

// leave moves the bump pointer to to. The page it was filling goes back to
// the system if no live block is left on it.
func (a *Arena) leave(to int) {
	if a.next > 0 {
		cur := (a.next - 1) / a.page
		if to == 0 || (to-1)/a.page != cur {
			// The page holding next-1 is the last page of the last block
			// placed, so it is an edge page while that block lives.
			if _, busy := a.edges[cur]; !busy {
				a.release(cur, cur+1)
			}
		}
	}
	a.next = to
}

// release gives pages [from, to) back to the system; their addresses stay
// reserved, and read as zeros if touched again.
func (a *Arena) release(from, to int) {
	if from < to {
		_ = syscall.Madvise(a.mem[from*a.page:to*a.page], syscall.MADV_DONTNEED)
	}
}

// offset returns p's offset in the arena, or false when p is not in it.
func (a *Arena) offset(p unsafe.Pointer) (int, bool) {
	if p == nil {
		return 0, false
	}
	base := uintptr(unsafe.Pointer(&a.mem[0]))
	if uintptr(p) < base || uintptr(p)-base >= uintptr(len(a.mem)) {
		return 0, false
	}
	return int(uintptr(p) - base), true
}

// Free releases the block that starts at p and returns its size. A
// pointer that is not the start of a live block (NULL, freed, never
// handed out, inside a block) is ignored: ok is false.
func (a *Arena) Free(p unsafe.Pointer) (n int, ok bool) {
	off, in := a.offset(p)
	if !in {
		return 0, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	n, ok = a.live[off]
	if !ok {
		return 0, false
	}
	delete(a.live, off)
	a.bytes -= n
	current := -1 // the page being filled keeps its memory
	if a.next > 0 {
		current = (a.next - 1) / a.page
	}
	first, last := off/a.page, (off+n-1)/a.page
	a.release(first+1, last) // the interior was this block's alone
	a.unedge(first, current)
	if last != first {
		a.unedge(last, current)
	}
	return n, true
}

// unedge drops one block from edge page p, releasing the page when it was
// the last and the bump pointer is not filling it.
func (a *Arena) unedge(p, current int) {
	e := a.edges[p]
	if e.blocks--; e.blocks > 0 {
		a.edges[p] = e
		return
	}
	delete(a.edges, p)
	if p != current {
		a.release(p, p+1)
	}
}

// Size returns the size of the live block at p, or false.
func (a *Arena) Size(p unsafe.Pointer) (int, bool) {
	off, in := a.offset(p)
	if !in {
		return 0, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	n, ok := a.live[off]
	return n, ok
}

// Stats reports the live blocks and their bytes.
func (a *Arena) Stats() (blocks, bytes int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.live), a.bytes
}

// Bytes views the block at p (from Alloc, n bytes) as a slice.
func Bytes(p unsafe.Pointer, n int) []byte { return unsafe.Slice((*byte)(p), n) }
