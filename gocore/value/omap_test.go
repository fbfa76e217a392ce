package value

import (
	"fmt"
	"math/rand"
	"slices"
	"sync"
	"testing"
)

// TestMapAgainstOracle drives Map and a plain map plus key order slice with
// the same random operations and compares them after each step.
func TestMapAgainstOracle(t *testing.T) {
	for _, keys := range []int{5, 12, 40} { // small (no index), crossing over, indexed
		testMapAgainstOracle(t, keys)
	}
}

func testMapAgainstOracle(t *testing.T, nkeys int) {
	rng := rand.New(rand.NewSource(int64(nkeys)))
	var m Map
	oracle := map[string]any{}
	var order []string
	for step := 0; step < 20000; step++ {
		k := string(rune('a' + rng.Intn(nkeys)))
		switch rng.Intn(4) {
		case 0, 1:
			v := rng.Int()
			if _, ok := oracle[k]; !ok {
				order = append(order, k)
			}
			oracle[k] = v
			m.Set(k, v)
		case 2:
			_, had := oracle[k]
			delete(oracle, k)
			if i := slices.Index(order, k); i >= 0 {
				order = slices.Delete(order, i, i+1)
			}
			if got := m.Delete(k); got != had {
				t.Fatalf("step %d: Delete(%q) = %v, want %v", step, k, got, had)
			}
		case 3:
			if rng.Intn(50) == 0 {
				m.Clear()
				clear(oracle)
				order = nil
			}
		}
		if m.Len() != len(oracle) {
			t.Fatalf("step %d: Len = %d, want %d", step, m.Len(), len(oracle))
		}
		if got := m.Keys(); !slices.Equal(got, order) {
			t.Fatalf("step %d: Keys = %v, want %v", step, got, order)
		}
		for k, want := range oracle {
			if got, ok := m.Get(k); !ok || got != want {
				t.Fatalf("step %d: Get(%q) = %v, %v", step, k, got, ok)
			}
		}
	}
}

// Maps carved by one Maker share blocks: each must behave as a map of its
// own, whatever is done to its neighbours, and a repeated key must end as
// Set leaves it.
func TestMakerMapsAreIndependent(t *testing.T) {
	var mk Maker
	var maps []*Map
	for n := 0; n < 300; n++ {
		es := make([]Entry, n%12)
		for i := range es {
			es[i] = Entry{Key: string(rune('a' + i)), Val: n*100 + i}
		}
		maps = append(maps, mk.Make(es))
	}
	// Grow, shrink and clear every other map; the others must not change.
	for n, m := range maps {
		switch n % 4 {
		case 0:
			m.Clear()
		case 1:
			m.Delete("a")
		case 2: // appends right before the unchanged map n+1
			m.Set("new", -1)
		}
	}
	for n, m := range maps {
		want := n % 12
		switch {
		case n%4 == 0:
			want = 0
		case n%4 == 1 && want > 0:
			want--
		case n%4 == 2:
			want++
		}
		if m.Len() != want {
			t.Fatalf("map %d: %d keys, want %d", n, m.Len(), want)
		}
		if n%4 == 3 {
			for i := 0; i < n%12; i++ {
				if v, ok := m.Get(string(rune('a' + i))); !ok || v != n*100+i {
					t.Fatalf("map %d key %c = %v, %v; a neighbour wrote over it", n, 'a'+i, v, ok)
				}
			}
		}
	}

	for _, n := range []int{3, 20} { // without and with a hash index
		es := []Entry{{"k", 1}}
		for i := 0; i < n; i++ {
			es = append(es, Entry{Key: string(rune('m' + i)), Val: i})
		}
		es = append(es, Entry{"k", 2})
		m := mk.Make(es)
		if m.Len() != n+1 || m.Keys()[0] != "k" {
			t.Fatalf("repeated key: %d keys %v, want %d with k first", m.Len(), m.Keys(), n+1)
		}
		if v, _ := m.Get("k"); v != 2 {
			t.Fatalf("repeated key: k = %v, want the last value 2", v)
		}
	}
}

// A big map made whole gets its index on first lookup: readers that share
// it (under a store's read lock) may all ask at once, and each must find
// every key; writes after that keep the index right. Run with -race.
func TestMakerMapIndexOnFirstLookup(t *testing.T) {
	var mk Maker
	es := make([]Entry, 500)
	for i := range es {
		es[i] = Entry{Key: fmt.Sprintf("key-%d", i), Val: i}
	}
	m := mk.Make(es)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; i < len(es); i += 3 {
				if v, ok := m.Get(es[i].Key); !ok || v != i {
					errs <- fmt.Sprintf("reader %d: %s = %v, %v", g, es[i].Key, v, ok)
					return
				}
			}
			if _, ok := m.Get("missing"); ok {
				errs <- "a missing key was found"
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	m.Set("new", -1)
	m.Delete("key-7")
	m.Set("key-3", 33)
	if v, ok := m.Get("new"); !ok || v != -1 || m.Len() != 500 {
		t.Fatalf("after writes: new = %v, %v; %d keys", v, ok, m.Len())
	}
	if _, ok := m.Get("key-7"); ok {
		t.Fatal("a deleted key was found")
	}
	if v, _ := m.Get("key-3"); v != 33 || m.Keys()[3] != "key-3" {
		t.Fatalf("key-3 = %v at %q: an overwritten key keeps its place", v, m.Keys()[3])
	}
}

// Repeats in maps too big for a linear check, in every place: each one
// leaves the map as Set would, key by key.
func TestMakerBigMapRepeats(t *testing.T) {
	var mk Maker
	for _, n := range []int{9, 40, 1000} {
		for _, at := range [][2]int{{0, n - 1}, {0, 1}, {n / 2, n - 1}, {n - 2, n - 1}} {
			es := make([]Entry, n)
			for i := range es {
				es[i] = Entry{Key: fmt.Sprint(i), Val: i}
			}
			es[at[1]].Key = es[at[0]].Key
			want := NewMap(0)
			for _, e := range es {
				want.Set(e.Key, e.Val)
			}
			got := mk.Make(es)
			if !slices.Equal(got.Keys(), want.Keys()) || got.Len() != n-1 {
				t.Fatalf("n=%d repeat %v: keys %v, want %v", n, at, got.Keys(), want.Keys())
			}
			if v, _ := got.Get(es[at[0]].Key); v != at[1] {
				t.Fatalf("n=%d repeat %v: value %v, want the last, %d", n, at, v, at[1])
			}
		}
	}
}
