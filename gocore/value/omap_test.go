package value

import (
	"math/rand"
	"slices"
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
