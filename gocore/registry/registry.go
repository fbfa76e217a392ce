// Package registry maps opaque handles to Go objects.
//
// C code must never hold a Go pointer, so every object that crosses the C ABI
// is stored here and C receives a Handle: a number that encodes the object's
// kind, its slot and the slot's generation. A handle that was freed, never
// issued, or names another kind of object is detected and refused; it can
// never reach the wrong object, because a slot's generation changes each time
// it is freed. A slot whose generation has run out is retired for good
// rather than wrapped, so a freed handle never names a live object again.
//
// A handle can also be poisoned: the export layer does that when a panic
// interrupted a change to its object (see gocfg.h, "Panics"). A poisoned
// handle fails every Get with errs.ErrPoisoned but can still be removed.
package registry

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/gocfg/gocfg/gocore/errs"
)

// Kind tells what sort of object a handle names. Zero is never a valid kind.
type Kind uint8

// Handle is the number C sees. Layout, high to low bits:
// kind (8) | generation (24) | slot index + 1 (32).
// Zero is never issued, so a NULL handle is always invalid.
type Handle uint64

const genMask = 1<<24 - 1

func makeHandle(kind Kind, gen uint32, index uint32) Handle {
	return Handle(uint64(kind)<<56 | uint64(gen&genMask)<<32 | uint64(index+1))
}

func (h Handle) kind() Kind    { return Kind(h >> 56) }
func (h Handle) gen() uint32   { return uint32(h>>32) & genMask }
func (h Handle) index() uint32 { return uint32(h) - 1 } // wraps to MaxUint32 for 0

// maxGen is the last generation a slot can carry. A slot freed at maxGen is
// retired: it stays out of the free list, so its handles stay invalid. At
// one new/free cycle per microsecond on the same slot that happens after
// 16 s; each retirement costs one slot (a few dozen bytes), so even a
// process that spends its life on it leaks a few MB a year.
const maxGen = genMask

type slot struct {
	gen      uint32
	kind     Kind // 0 while the slot is free
	obj      any
	poisoned string // why the object must not be used; "" when it may
}

// Registry is safe for concurrent use. The zero value is ready to use.
//
// Every call through the C ABI looks its handle up, so Get takes no lock:
// the live slots are also published as immutable entries in pages that
// never move (a new page is added by publishing a longer page list), and
// Get reads them with atomic loads. Two threads reading through the same
// handle then share no written memory; with the RWMutex that Get took
// before, each RLock wrote the mutex's reader count, one cache line
// bounced between the cores on every call. The writers (Add, Remove,
// Poison) keep the bookkeeping under mu, as before, and publish each
// change; a Get that finds no matching entry takes mu and asks the
// bookkeeping, for the exact error.
type Registry struct {
	mu    sync.Mutex
	slots []slot
	free  []uint32 // indexes of free slots, reused last-in first-out
	live  int
	pages atomic.Pointer[[]*page]
}

// entry is what Get sees of a live slot; it is never changed once
// published (a change publishes a new one).
type entry struct {
	gen      uint32
	kind     Kind
	obj      any
	poisoned string
}

const pageBits = 10

type page [1 << pageBits]atomic.Pointer[entry]

// publish makes e what Get sees at slot i (nil: nothing). The caller holds r.mu.
func (r *Registry) publish(i uint32, e *entry) {
	var pages []*page
	if pp := r.pages.Load(); pp != nil {
		pages = *pp
	}
	n := int(i >> pageBits)
	if n >= len(pages) {
		grown := make([]*page, n+1)
		copy(grown, pages)
		for j := len(pages); j <= n; j++ {
			grown[j] = new(page)
		}
		r.pages.Store(&grown)
		pages = grown
	}
	pages[n][i&(1<<pageBits-1)].Store(e)
}

// published is the entry Get sees at slot i, or nil.
func (r *Registry) published(i uint32) *entry {
	pp := r.pages.Load()
	if pp == nil || int(i>>pageBits) >= len(*pp) {
		return nil
	}
	return (*pp)[i>>pageBits][i&(1<<pageBits-1)].Load()
}

// Add stores obj and returns its new handle.
func (r *Registry) Add(kind Kind, obj any) Handle {
	if kind == 0 {
		panic("registry: kind 0 is reserved")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var i uint32
	if n := len(r.free); n > 0 {
		i = r.free[n-1]
		r.free = r.free[:n-1]
	} else {
		r.slots = append(r.slots, slot{gen: 1})
		i = uint32(len(r.slots) - 1)
	}
	s := &r.slots[i]
	s.kind, s.obj = kind, obj
	r.live++
	r.publish(i, &entry{gen: s.gen, kind: kind, obj: obj})
	return makeHandle(kind, s.gen, i)
}

// lookup returns the slot h names, or an error saying why h is not valid.
// The caller holds r.mu.
func (r *Registry) lookup(h Handle, kind Kind) (*slot, error) {
	if h == 0 {
		return nil, fmt.Errorf("NULL handle: %w", errs.ErrInvalidHandle)
	}
	i := h.index()
	if int64(i) >= int64(len(r.slots)) || h.gen() == 0 {
		return nil, fmt.Errorf("unknown handle %#x: %w", uint64(h), errs.ErrInvalidHandle)
	}
	s := &r.slots[i]
	if h.kind() != kind {
		return nil, fmt.Errorf("handle %#x is not a %s handle: %w", uint64(h), kindName(kind), errs.ErrInvalidHandle)
	}
	if s.kind != kind || s.gen != h.gen() {
		return nil, fmt.Errorf("stale handle %#x (already freed): %w", uint64(h), errs.ErrInvalidHandle)
	}
	return s, nil
}

// Poison marks the live handle h so that every later Get fails with
// errs.ErrPoisoned and the reason; Remove still frees it. It reports
// whether h was live.
func (r *Registry) Poison(h Handle, kind Kind, reason string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.lookup(h, kind)
	if err != nil {
		return false
	}
	if s.poisoned == "" {
		s.poisoned = reason
		r.publish(h.index(), &entry{gen: s.gen, kind: s.kind, obj: s.obj, poisoned: reason})
	}
	return true
}

// Get returns the object h names if h is a live handle of the given kind.
func (r *Registry) Get(h Handle, kind Kind) (any, error) {
	if e := r.published(h.index()); e != nil && h != 0 && h.kind() == kind && e.kind == kind && e.gen == h.gen() {
		if e.poisoned != "" {
			return nil, poisonedErr(h, kind, e.poisoned)
		}
		return e.obj, nil
	}
	// Not a live handle of that kind, or it changed meanwhile: ask the
	// bookkeeping, which says why (or finds it live after all).
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.lookup(h, kind)
	if err != nil {
		return nil, err
	}
	if s.poisoned != "" {
		return nil, poisonedErr(h, kind, s.poisoned)
	}
	return s.obj, nil
}

func poisonedErr(h Handle, kind Kind, why string) error {
	return fmt.Errorf("%s handle %#x is unusable: %s: %w", kindName(kind), uint64(h), why, errs.ErrPoisoned)
}

// Remove frees h and returns the object it named. ok is false, and nothing
// happens, when h is not a live handle of that kind: freeing twice is harmless.
func (r *Registry) Remove(h Handle, kind Kind) (obj any, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.lookup(h, kind)
	if err != nil {
		return nil, false
	}
	obj = s.obj
	s.obj, s.kind, s.poisoned = nil, 0, ""
	r.live--
	r.publish(h.index(), nil)
	if s.gen == maxGen {
		return obj, true // retired: never issued again
	}
	s.gen++
	r.free = append(r.free, h.index())
	return obj, true
}

// Live reports how many handles are issued and not yet freed.
func (r *Registry) Live() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.live
}

var kindNames sync.Map // Kind -> string

// RegisterKindName gives a kind a name for error messages.
func RegisterKindName(k Kind, name string) { kindNames.Store(k, name) }

func kindName(k Kind) string {
	if n, ok := kindNames.Load(k); ok {
		return n.(string)
	}
	return fmt.Sprintf("kind-%d", k)
}
