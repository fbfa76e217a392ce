package registry

import (
	"errors"
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
