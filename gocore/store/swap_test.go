package store

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/value"
)

func swapLayer(t *testing.T, kv map[string]any, name string) *Config {
	t.Helper()
	c := NewLayered(Settings{Interpolate: true})
	m := value.NewMap(len(kv))
	for k, v := range kv {
		m.Set(k, v)
	}
	if err := c.MergeLayer(m, layer.Source{Kind: layer.KindFile, Name: name}, layer.Options{}); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSwapReplacesStateOfAFrozenConfig(t *testing.T) {
	c := swapLayer(t, map[string]any{"a": int64(1), "old": true}, "old.yaml")
	c.Freeze()
	var heard atomic.Int64
	c.OnChange(func(uint64) { heard.Add(1) })
	before := c.Version()
	next := swapLayer(t, map[string]any{"a": int64(2), "b": "x"}, "new.yaml")

	if v := c.Swap(next); v <= before || v != c.Version() {
		t.Fatalf("version %d after swap, was %d", v, before)
	}
	if heard.Load() != 1 {
		t.Fatalf("the change callback ran %d times, want 1", heard.Load())
	}
	if got, _ := c.Get("a"); got != int64(2) {
		t.Fatalf("a = %v after swap", got)
	}
	if ok, _ := c.Contains("old"); ok {
		t.Fatal("a key of the old state survived the swap")
	}
	h, err := c.History("b")
	if err != nil || len(h) != 1 || h[0].Name != "new.yaml" {
		t.Fatalf("provenance after swap: %v, %v", h, err)
	}
	if !c.Frozen() {
		t.Fatal("the swap thawed the config")
	}
	if err := c.Set("a", int64(3)); !errors.Is(err, ErrFrozen) {
		t.Fatalf("a user write after the swap: %v, want ErrFrozen", err)
	}
	// next now holds the old state.
	if got, _ := next.Get("old"); got != true {
		t.Fatalf("next holds %v, want the old state", got)
	}
}

func TestSwapIsAtomicForReaders(t *testing.T) {
	c := swapLayer(t, map[string]any{"a": int64(0), "b": int64(0)}, "v0")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var mixed atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				_ = c.View("", func(v any) error {
					m := v.(*value.Map)
					a, _ := m.Get("a")
					b, _ := m.Get("b")
					if a != b {
						mixed.Add(1)
					}
					return nil
				})
			}
		}()
	}
	for i := int64(1); i <= 300; i++ {
		c.Swap(swapLayer(t, map[string]any{"a": i, "b": i}, "v"))
	}
	close(stop)
	wg.Wait()
	if mixed.Load() != 0 {
		t.Fatalf("%d reads saw a mix of two states", mixed.Load())
	}
	if got, _ := c.Get("a"); got != int64(300) {
		t.Fatalf("a = %v, want 300", got)
	}
}
