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
type Arena struct {
	mu       sync.Mutex
	mem      []byte
	page     int
	next     int           // offset of the next block
	wrapped  bool          // next has been back to the front at least once
	live     map[int]int   // offset of each live block -> its size
	pageLive map[int]int32 // page index -> live blocks on it (absent: 0)
	bytes    int           // bytes in live blocks
}

// New reserves about size bytes of address space (at least MinReserve;
// less than asked when the system refuses).
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
			return &Arena{mem: mem, page: page, live: map[int]int{}, pageLive: map[int]int32{}}, nil
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
	for p := off / a.page; p <= (off+n-1)/a.page; p++ {
		a.pageLive[p]++
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
		// Pages the block enters for the first time in this pass must
		// hold no live block of an earlier pass. Before the first wrap
		// every page past the bump pointer is untouched.
		if a.wrapped {
			first := off / a.page
			if a.next > 0 && (a.next-1)/a.page == first {
				first++ // the page being filled: its blocks are this pass's
			}
			busy := -1
			for p := (off + n - 1) / a.page; p >= first; p-- {
				if a.pageLive[p] > 0 {
					busy = p
					break
				}
			}
			if busy >= 0 {
				a.leave((busy + 1) * a.page)
				continue
			}
		}
		a.leave(off + n)
		return off, true
	}
}

// leave moves the bump pointer to to, returning to the system the pages
// it leaves behind that hold no live block.
func (a *Arena) leave(to int) {
	if a.next > 0 {
		from := (a.next - 1) / a.page
		for p := from; p < to/a.page && p*a.page < len(a.mem); p++ {
			if a.pageLive[p] == 0 {
				a.release(p)
			}
		}
	}
	a.next = to
}

// release gives page p's memory back to the system; its address stays
// reserved, and reads as zeros if touched again.
func (a *Arena) release(p int) {
	_ = syscall.Madvise(a.mem[p*a.page:(p+1)*a.page], syscall.MADV_DONTNEED)
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
	for pg := off / a.page; pg <= (off+n-1)/a.page; pg++ {
		if a.pageLive[pg]--; a.pageLive[pg] == 0 {
			delete(a.pageLive, pg)
			if pg != current {
				a.release(pg)
			}
		}
	}
	return n, true
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
