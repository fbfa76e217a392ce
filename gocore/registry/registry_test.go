package registry

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
)

const (
	kA Kind = 1
	kB Kind = 2
)

func TestAddGetRemove(t *testing.T) {
	var r Registry
	h := r.Add(kA, "x")
	if got, err := r.Get(h, kA); err != nil || got != "x" {
		t.Fatalf("Get = %v, %v", got, err)
	}
	if r.Live() != 1 {
		t.Fatalf("Live = %d", r.Live())
	}
	if _, err := r.Get(h, kB); !errors.Is(err, errs.ErrInvalidHandle) {
		t.Fatalf("wrong kind: %v", err)
	}
	if obj, ok := r.Remove(h, kA); !ok || obj != "x" {
		t.Fatalf("Remove = %v, %v", obj, ok)
	}
	if _, ok := r.Remove(h, kA); ok {
		t.Fatal("second Remove succeeded")
	}
	if _, err := r.Get(h, kA); !errors.Is(err, errs.ErrInvalidHandle) {
		t.Fatalf("stale Get: %v", err)
	}
	if r.Live() != 0 {
		t.Fatalf("Live = %d", r.Live())
	}
}

func TestReusedSlotRejectsOldHandle(t *testing.T) {
	var r Registry
	old := r.Add(kA, 1)
	r.Remove(old, kA)
	fresh := r.Add(kA, 2)
	if old.index() != fresh.index() {
		t.Fatalf("slot not reused: %d vs %d", old.index(), fresh.index())
	}
	if _, err := r.Get(old, kA); err == nil {
		t.Fatal("old handle reached the new object")
	}
	if _, ok := r.Remove(old, kA); ok {
		t.Fatal("old handle freed the new object")
	}
	if v, _ := r.Get(fresh, kA); v != 2 {
		t.Fatalf("fresh = %v", v)
	}
}

func TestForgedHandles(t *testing.T) {
	var r Registry
	r.Add(kA, 1)
	for _, h := range []Handle{0, 1, 0xdeadbeef, ^Handle(0), makeHandle(kA, 0, 0), makeHandle(kA, 7, 0), makeHandle(kA, 1, 5)} {
		if _, err := r.Get(h, kA); !errors.Is(err, errs.ErrInvalidHandle) {
			t.Errorf("Get(%#x) = %v", uint64(h), err)
		}
	}
}

func TestConcurrent(t *testing.T) {
	var r Registry
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				h := r.Add(kA, g*10000+i)
				if v, err := r.Get(h, kA); err != nil || v != g*10000+i {
					t.Errorf("Get = %v, %v", v, err)
					return
				}
				r.Remove(h, kA)
			}
		}(g)
	}
	wg.Wait()
	if r.Live() != 0 {
		t.Fatalf("Live = %d", r.Live())
	}
}

// A slot's generation is forced to its last value: freeing the handle must
// retire the slot, so no later Add revives the old handle, however many
// cycles follow.
func TestGenerationNeverWraps(t *testing.T) {
	var r Registry
	r.Remove(r.Add(kA, "first"), kA)
	r.slots[0].gen = maxGen - 1 // as if 16.7M new/free cycles had passed
	var stale []Handle
	for g := uint32(maxGen - 1); g <= maxGen; g++ {
		h := r.Add(kA, g)
		if h.index() != 0 || h.gen() != g {
			t.Fatalf("want slot 0 generation %d, got slot %d generation %d", g, h.index(), h.gen())
		}
		stale = append(stale, h)
		r.Remove(h, kA)
	}
	for i := 0; i < 1000; i++ {
		n := r.Add(kA, i)
		if n.index() == 0 {
			t.Fatalf("retired slot 0 reused by handle %#x", uint64(n))
		}
		r.Remove(n, kA)
	}
	// Every handle issued on slot 0 stays invalid, and so does the one a
	// wrapped generation would have issued.
	for _, old := range append(stale, makeHandle(kA, 0, 0), makeHandle(kA, 1, 0)) {
		if _, err := r.Get(old, kA); !errors.Is(err, errs.ErrInvalidHandle) {
			t.Fatalf("handle %#x revived: %v", uint64(old), err)
		}
	}
	if r.Live() != 0 {
		t.Fatalf("Live = %d", r.Live())
	}
}

func TestPoisonedHandleFailsUntilRemoved(t *testing.T) {
	var r Registry
	h := r.Add(kA, "obj")
	other := r.Add(kA, "other")
	if !r.Poison(h, kA, "a panic interrupted gocfg_config_set") {
		t.Fatal("Poison of a live handle reported false")
	}
	_, err := r.Get(h, kA)
	if !errors.Is(err, errs.ErrPoisoned) || !errors.Is(err, errs.ErrInternal) {
		t.Fatalf("poisoned Get: %v", err)
	}
	if got := err.Error(); !strings.Contains(got, "gocfg_config_set") {
		t.Fatalf("message does not say why: %q", got)
	}
	if v, err := r.Get(other, kA); err != nil || v != "other" {
		t.Fatalf("other handle: %v %v", v, err)
	}
	if obj, ok := r.Remove(h, kA); !ok || obj != "obj" {
		t.Fatalf("Remove of a poisoned handle: %v %v", obj, ok)
	}
	if r.Poison(h, kA, "again") {
		t.Fatal("Poison of a freed handle reported true")
	}
	fresh := r.Add(kA, "fresh") // reuses the slot: not poisoned
	if v, err := r.Get(fresh, kA); err != nil || v != "fresh" {
		t.Fatalf("reused slot inherited the poison: %v %v", v, err)
	}
}

// Readers on the lock-free path while writers add (growing the page list
// past several pages), remove and poison other handles: every read of the
// fixed handle gives its object, and a removed handle never reads.
func TestGetWhilePagesGrow(t *testing.T) {
	var r Registry
	fixed := r.Add(kA, "fixed")
	gone := r.Add(kA, "gone")
	r.Remove(gone, kA)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if v, err := r.Get(fixed, kA); err != nil || v != "fixed" {
					t.Errorf("Get(fixed) = %v, %v", v, err)
					return
				}
				if _, err := r.Get(gone, kA); !errors.Is(err, errs.ErrInvalidHandle) {
					t.Errorf("Get(removed) = %v", err)
					return
				}
			}
		}()
	}
	var hs []Handle
	for i := 0; i < 5000; i++ { // five pages of 1,024 slots
		h := r.Add(kA, i)
		hs = append(hs, h)
		if i%3 == 0 {
			r.Poison(h, kA, "test")
		}
	}
	for i, h := range hs {
		v, err := r.Get(h, kA)
		if i%3 == 0 {
			if !errors.Is(err, errs.ErrPoisoned) {
				t.Fatalf("poisoned handle %d: %v, %v", i, v, err)
			}
		} else if err != nil || v != i {
			t.Fatalf("handle %d: %v, %v", i, v, err)
		}
		r.Remove(h, kA)
	}
	close(stop)
	wg.Wait()
	if r.Live() != 1 {
		t.Fatalf("Live = %d", r.Live())
	}
}

// The hot path of every C ABI call, from several goroutines at once.
func BenchmarkGetParallel(b *testing.B) {
	var r Registry
	h := r.Add(kA, "x")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.Get(h, kA); err != nil {
				b.Fatal(err)
			}
		}
	})
}
