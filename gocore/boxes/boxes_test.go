package boxes

import (
	"runtime"
	"testing"
)

// Every boxed value reads back as what was boxed, with its own type, after
// blocks have filled and been replaced and the collector has run.
func TestBoxedValuesReadBack(t *testing.T) {
	var strs Of[string]
	var ints Of[int64]
	var flts Of[float64]
	var lists Of[[]any]
	var got []any
	for i := 0; i < 1000; i++ {
		got = append(got,
			strs.Box(String, string(rune('a'+i%26))+"x", 4),
			ints.Box(Int64, int64(i)<<40, 1),
			flts.Box(Float64, float64(i)/3, 0),
			lists.Box(List, []any{int64(i)}, 16))
	}
	runtime.GC()
	for i := 0; i < 1000; i++ {
		if s := got[4*i].(string); s != string(rune('a'+i%26))+"x" {
			t.Fatalf("string %d = %q", i, s)
		}
		if n := got[4*i+1].(int64); n != int64(i)<<40 {
			t.Fatalf("int %d = %d", i, n)
		}
		if f := got[4*i+2].(float64); f != float64(i)/3 {
			t.Fatalf("float %d = %v", i, f)
		}
		if l := got[4*i+3].([]any); len(l) != 1 || l[0].(int64) != int64(i) {
			t.Fatalf("list %d = %v", i, l)
		}
	}
	if c := cap(ints.block); c != MaxBlock {
		t.Errorf("blocks grow to %d values, got %d", MaxBlock, c)
	}
}

// Blocks start at first (at least one) and double.
func TestBlocksStartSmallAndDouble(t *testing.T) {
	var b Of[int64]
	var caps []int
	for i := 0; i < 40; i++ {
		b.Box(Int64, 1, 0)
		if n := len(caps); n == 0 || caps[n-1] != cap(b.block) {
			caps = append(caps, cap(b.block))
		}
	}
	want := []int{1, 2, 4, 8, 16, 32}
	if len(caps) != len(want) {
		t.Fatalf("block sizes %v, want %v", caps, want)
	}
	for i := range want {
		if caps[i] != want[i] {
			t.Fatalf("block sizes %v, want %v", caps, want)
		}
	}
}
