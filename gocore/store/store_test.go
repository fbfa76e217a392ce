package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func TestBasics(t *testing.T) {
	c := New()
	if err := c.Set("a", "1"); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Get("a"); err != nil || v != "1" {
		t.Fatalf("Get = %v, %v", v, err)
	}
	if _, err := c.Get("b"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("Get missing: %v", err)
	}
	if err := c.Delete("b"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("Delete missing: %v", err)
	}
	v0 := c.Version()
	c.Set("b", "2")
	if c.Version() == v0 {
		t.Fatal("version did not move on Set")
	}
	if keys, _ := c.Keys(""); fmt.Sprint(keys) != "[a b]" {
		t.Fatalf("Keys = %v", keys)
	}
	c.Clear()
	if n, _ := c.Len(""); n != 0 {
		t.Fatal("Clear left keys")
	}
}

func TestPaths(t *testing.T) {
	c := New()
	if err := c.Set("server.port", int64(8080)); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(`"a.b"`, true); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Contains("server.port"); !ok {
		t.Fatal("server.port missing")
	}
	if n, _ := c.Len("server"); n != 1 {
		t.Fatalf("Len(server) = %d", n)
	}
	if keys, _ := c.Keys(""); fmt.Sprint(keys) != "[server a.b]" {
		t.Fatalf("Keys = %v", keys)
	}
	m := value.NewMap(0)
	m.Set("host", "h")
	if err := c.Merge("server", m); err != nil {
		t.Fatal(err)
	}
	if keys, _ := c.Keys("server"); fmt.Sprint(keys) != "[port host]" {
		t.Fatalf("Keys(server) = %v", keys)
	}
	if err := c.Merge("server.port", m); !errors.Is(err, errs.ErrTypeMismatch) {
		t.Fatalf("Merge into a scalar: %v", err)
	}
	if _, err := c.Contains("a..b"); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("bad path: %v", err)
	}
}

func TestBadKeys(t *testing.T) {
	c := New()
	for _, k := range []string{"\xff", "ok\xc3"} {
		if err := c.Set(k, "v"); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("Set(%q) = %v", k, err)
		}
	}
	if n, _ := c.Len(""); n != 0 {
		t.Fatal("a bad key was stored")
	}
}

func TestDepthLimit(t *testing.T) {
	c := New()
	var v any = "leaf"
	for i := 0; i < value.MaxDepth; i++ {
		v = []any{v}
	}
	if err := c.Set("deep", v); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("too deep: %v", err)
	}
}

func TestConcurrentWriters(t *testing.T) {
	c := New()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				k := fmt.Sprintf("g%d.k%d", g, i%50)
				c.Set(k, "x")
				c.Get(k)
				c.Keys("")
				c.Snapshot()
				if i%7 == 0 {
					c.Delete(k)
				}
			}
		}(g)
	}
	wg.Wait()
	if n, _ := c.Len(""); n != 8 {
		t.Fatalf("Len = %d", n)
	}
}

func TestValueStrings(t *testing.T) {
	c := New()
	if err := c.Set("s", "a\x00b"); err != nil {
		t.Fatalf("NUL in a value: %v", err)
	}
	if v, err := c.Get("s"); err != nil || v != "a\x00b" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	if err := c.Set("bad", "ok\xc3"); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("invalid UTF-8 value: %v", err)
	}
	if err := CheckValue("v", "\x00é"); err != nil {
		t.Fatal(err)
	}
	if err := CheckText("key", "a\x00"); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("CheckText let NUL through: %v", err)
	}
}

func TestSetDefaultOneStoresTheOthersFindIt(t *testing.T) {
	c := New()
	const keys, workers = 500, 4
	got := make([][]any, workers)
	var wins [keys]int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < keys; i++ {
				var seen any
				stored, err := c.SetDefault(fmt.Sprintf("k%d", i), int64(w), nil, func(v any) error { seen = v; return nil })
				if err != nil {
					t.Error(err)
					return
				}
				if stored {
					mu.Lock()
					wins[i]++
					mu.Unlock()
				}
				got[w] = append(got[w], seen)
			}
		}(w)
	}
	wg.Wait()
	for i := 0; i < keys; i++ {
		if wins[i] != 1 {
			t.Fatalf("k%d stored %d times", i, wins[i])
		}
		want, _ := c.Get(fmt.Sprintf("k%d", i))
		for w := 0; w < workers; w++ {
			if got[w][i] != want {
				t.Fatalf("k%d: worker %d saw %v, stored %v", i, w, got[w][i], want)
			}
		}
	}
}

func TestSetDefaultFindsWithoutChanging(t *testing.T) {
	c := New()
	c.Set("a.b", "1")
	c.Freeze()
	v0 := c.Version()
	var seen any
	stored, err := c.SetDefault("a.b", "2", nil, func(v any) error { seen = v; return nil })
	if err != nil || stored || seen != "1" || c.Version() != v0 {
		t.Fatalf("SetDefault on a frozen config's value = %v, %v, %v", stored, seen, err)
	}
	if _, err := c.SetDefault("a.c", "2", nil, func(any) error { return nil }); !errors.Is(err, errs.ErrFrozen) {
		t.Fatalf("SetDefault storing on a frozen config: %v", err)
	}
	c = New()
	c.Set("a", true)
	if _, err := c.SetDefault("a.x", "2", nil, func(any) error { return nil }); !errors.Is(err, errs.ErrTypeMismatch) {
		t.Fatalf("SetDefault through a value: %v", err)
	}
}

func TestPopHandsEachValueOutOnce(t *testing.T) {
	c := New()
	const keys, workers = 500, 4
	for i := 0; i < keys; i++ {
		c.Set(fmt.Sprintf("k%d", i), int64(i))
	}
	var mu sync.Mutex
	seen := map[any]int{}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < keys; i++ {
				err := c.Pop(fmt.Sprintf("k%d", i), func(v any) error {
					mu.Lock()
					seen[v]++
					mu.Unlock()
					return nil
				})
				if err != nil && !errors.Is(err, errs.ErrNotFound) {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if n, _ := c.Len(""); n != 0 || len(seen) != keys {
		t.Fatalf("%d keys left, %d values seen", n, len(seen))
	}
	for v, n := range seen {
		if n != 1 {
			t.Fatalf("%v popped %d times", v, n)
		}
	}
	c.Set("a", "1")
	c.Freeze()
	if err := c.Pop("b", func(any) error { return nil }); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("Pop of nothing on a frozen config: %v", err)
	}
	if err := c.Pop("a", func(any) error { return nil }); !errors.Is(err, errs.ErrFrozen) {
		t.Fatalf("Pop on a frozen config: %v", err)
	}
}

func TestClearMap(t *testing.T) {
	c := New()
	c.Set("s.a", "1")
	c.Set("s.b", "2")
	c.Set("l", []any{int64(1)})
	if err := c.ClearMap("s"); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Len("s"); n != 0 {
		t.Fatalf("%d keys left", n)
	}
	if err := c.ClearMap("l"); !errors.Is(err, errs.ErrTypeMismatch) {
		t.Fatalf("ClearMap of a list: %v", err)
	}
	if err := c.ClearMap("nope"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("ClearMap of nothing: %v", err)
	}
	c.Set("s.a", "1")
	c.Freeze()
	if err := c.ClearMap("s"); !errors.Is(err, errs.ErrFrozen) {
		t.Fatalf("ClearMap of a frozen config: %v", err)
	}
}

func TestSetWithinCreatesNoMapWhereTheListWas(t *testing.T) {
	c := New()
	c.Set("servers", []any{value.NewMap(0)})
	if err := c.SetWithin("servers.0.host", "a", []int{1}); err != nil {
		t.Fatal(err)
	}
	c.Delete("servers")
	if err := c.SetWithin("servers.0.host", "a", []int{1}); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("SetWithin without the list: %v", err)
	}
	if ok, _ := c.Contains("servers"); ok {
		t.Fatal("SetWithin created servers")
	}
	if _, err := c.SetDefault("servers.0.host", "a", []int{1}, func(any) error { return nil }); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("SetDefault without the list: %v", err)
	}
	if err := c.SetWithin("a", "1", []int{2}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("SetWithin with a count past the path: %v", err)
	}
}
