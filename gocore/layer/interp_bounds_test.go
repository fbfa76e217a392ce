package layer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// doubling is l0 = "${l1}${l1}", l1 = "${l2}${l2}", ...: reading l0 would
// build a string of 2**(n-1) copies of the last key's value.
func doubling(n int, last string) *value.Map {
	m := value.NewMap(n)
	for i := 0; i < n-1; i++ {
		m.Set(fmt.Sprintf("l%d", i), fmt.Sprintf("${l%d}${l%d}", i+1, i+1))
	}
	m.Set(fmt.Sprintf("l%d", n-1), last)
	return m
}

// chain is c0 = "${c1}", c1 = "${c2}", ... c(n-1) = "end".
func chain(n int) *value.Map {
	m := value.NewMap(n)
	for i := 0; i < n-1; i++ {
		m.Set(fmt.Sprintf("c%d", i), fmt.Sprintf("${c%d}", i+1))
	}
	m.Set(fmt.Sprintf("c%d", n-1), "end")
	return m
}

func wantLimit(t *testing.T, err error, key string, words ...string) {
	t.Helper()
	if !errors.Is(err, ErrInterpolation) || !errors.Is(err, errs.ErrLimit) {
		t.Fatalf("err = %v; want an interpolation limit error", err)
	}
	var loc *errs.Located
	if !errors.As(err, &loc) || loc.Path != key {
		t.Fatalf("err = %v; want it located at the key read, %s", err, key)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message %q does not mention %q", err, w)
		}
	}
}

func TestInterpolationDoublingIsBounded(t *testing.T) {
	// 27 keys did not finish in two minutes before the budget.
	r := &Resolver{Root: doubling(27, "x")}
	_, err := r.Lookup([]string{"l0"})
	wantLimit(t, err, "l0", "1000000 references", "GOCFG_MAX_INTERPOLATION_STEPS")
	_, err = r.Deep(r.Root, nil)
	wantLimit(t, err, "l0")
	// A lower budget, set per resolver, applies.
	r.MaxSteps = 100
	_, err = r.Lookup([]string{"l3"})
	wantLimit(t, err, "l3", "100 references")
	// A long value reaches the output bound before the step bound.
	r = &Resolver{Root: doubling(30, strings.Repeat("v", 1000))}
	_, err = r.Lookup([]string{"l0"})
	wantLimit(t, err, "l0", "64 MiB", "GOCFG_MAX_INTERPOLATION_BYTES")

	// Within the budget the doubling resolves, exactly.
	r = &Resolver{Root: doubling(12, "ab")}
	v, err := r.Lookup([]string{"l0"})
	if err != nil || v != strings.Repeat("ab", 1<<11) {
		t.Fatalf("12 keys: %v", err)
	}
}

func TestInterpolationListDoublingIsBounded(t *testing.T) {
	// The same with lists: l0 = [${l1}, ${l1}] copies 2**n leaves.
	m := value.NewMap(0)
	for i := 0; i < 40; i++ {
		m.Set(fmt.Sprintf("l%d", i), []any{fmt.Sprintf("${l%d}", i+1), fmt.Sprintf("${l%d}", i+1)})
	}
	m.Set("l40", "leaf")
	// A small budget: the default one is spent in the test above.
	r := &Resolver{Root: m, MaxSteps: 10_000}
	_, err := r.Lookup([]string{"l0"})
	wantLimit(t, err, "l0")
	// Resolving everything names the leaf whose resolution went over.
	_, err = r.Deep(m, nil)
	wantLimit(t, err, "l0.0")
}

func TestInterpolationManyCopiesOfALargeValue(t *testing.T) {
	big := make([]any, 20_000)
	for i := range big {
		big[i] = "some text"
	}
	m := value.NewMap(0)
	m.Set("big", big)
	for i := 0; i < 300; i++ {
		m.Set(fmt.Sprintf("k%d", i), "${big}")
	}
	r := &Resolver{Root: m}
	if v, err := r.Lookup([]string{"k5"}); err != nil || len(v.([]any)) != len(big) {
		t.Fatalf("one copy: %v", err)
	}
	// All of them would be 300 copies of a 500 kB list.
	_, err := r.Deep(m, nil)
	if !errors.Is(err, errs.ErrLimit) || !strings.Contains(err.Error(), "interpolation output") {
		t.Fatalf("deep: %v", err)
	}
	// Raising the bound lets it through.
	r.MaxBytes = 4 << 30
	if _, err := r.Deep(m, nil); err != nil {
		t.Fatalf("raised bound: %v", err)
	}
}

func TestInterpolationLongChains(t *testing.T) {
	for _, n := range []int{20_000, 200_000} {
		m := chain(n)
		r := &Resolver{Root: m}
		_, err := r.Lookup([]string{"c0"})
		wantLimit(t, err, "c0", "more than 1000 deep", "c0 -> c1", "more) ...")
		if strings.Count(err.Error(), "->") > 20 {
			t.Errorf("the message lists the whole chain: %d bytes", len(err.Error()))
		}
		if _, err := r.Deep(m, nil); !errors.Is(err, errs.ErrLimit) {
			t.Fatalf("deep: %v", err)
		}
		// The end of the chain is within reach.
		if v, err := r.Lookup([]string{fmt.Sprintf("c%d", n-900)}); err != nil || v != "end" {
			t.Fatalf("short tail: %v, %v", v, err)
		}
	}
	// A chain within the depth resolves, also all at once.
	m := chain(1000)
	r := &Resolver{Root: m}
	if v, err := r.Lookup([]string{"c0"}); err != nil || v != "end" {
		t.Fatalf("chain of 1000: %v, %v", v, err)
	}
	out, err := r.Deep(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := out.(*value.Map).Get("c500"); v != "end" {
		t.Fatalf("c500 = %v", v)
	}
}

func TestInterpolationCyclesStillFound(t *testing.T) {
	m := chain(50)
	m.Set("c49", "${c0}")
	r := &Resolver{Root: m}
	_, err := r.Lookup([]string{"c10"})
	if !errors.Is(err, ErrInterpolation) || errors.Is(err, errs.ErrLimit) || !strings.Contains(err.Error(), "reference cycle: c10 -> c11") {
		t.Fatalf("cycle: %v", err)
	}
	// A cycle inside a doubling is found at once, not after the budget.
	d := doubling(30, "${l0}")
	if _, err := (&Resolver{Root: d}).Lookup([]string{"l0"}); errors.Is(err, errs.ErrLimit) || !strings.Contains(err.Error(), "cycle") {
		t.Fatalf("cycle in doubling: %v", err)
	}
}

func TestInterpolationCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := &Resolver{Root: doubling(40, "x"), Ctx: ctx, MaxSteps: 1 << 40, MaxBytes: 1 << 40}
	_, err := r.Lookup([]string{"l0"})
	if !errors.Is(err, errs.ErrCancelled) {
		t.Fatalf("cancelled: %v", err)
	}
	// Under the steps checked between looks at the context, a cancelled
	// context does not stop a small resolution that is done anyway.
	r = &Resolver{Root: doubling(3, "x"), Ctx: ctx}
	if v, err := r.Lookup([]string{"l0"}); err != nil || v != "xxxx" {
		t.Fatalf("small: %v, %v", v, err)
	}
}

func TestInterpolationRealisticConfigUnaffected(t *testing.T) {
	// A few thousand keys, each with a handful of references, a few
	// levels deep: far below every bound.
	m := value.NewMap(0)
	m.Set("domain", "example.org")
	m.Set("base", "https://${domain}")
	for i := 0; i < 2000; i++ {
		svc := value.NewMap(0)
		svc.Set("host", fmt.Sprintf("svc%d.${domain}", i))
		svc.Set("url", fmt.Sprintf("${base}/svc%d?host=${services.s%d.host}", i, i))
		svc.Set("tags", []any{"${domain}", "static"})
		if i > 0 {
			svc.Set("prev", fmt.Sprintf("${services.s%d.url}", i-1))
		}
		if m.Len() < 3 {
			m.Set("services", value.NewMap(0))
		}
		s, _ := m.Get("services")
		s.(*value.Map).Set(fmt.Sprintf("s%d", i), svc)
	}
	r := &Resolver{Root: m}
	out, err := r.Deep(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := value.Lookup(out.(*value.Map), []string{"services", "s1999", "prev"})
	if err != nil || v != "https://example.org/svc1998?host=svc1998.example.org" {
		t.Fatalf("prev = %v, %v", v, err)
	}
}

// A read of one key charges what a reference copies as Deep does: a
// string or list reached through a whole reference (or under a map that
// one reaches) was returned over the budget that to_dict() held it to.
func TestLookupChargesWhatAReferenceCopies(t *testing.T) {
	for _, n := range []int{1000, 1001} {
		root := value.NewMap(3)
		root.Set("a", "${b}")
		root.Set("b", strings.Repeat("x", n))
		m := value.NewMap(1)
		m.Set("x", "${b}")
		root.Set("m", m)
		root.Set("r", "${m}")
		for _, key := range [][]string{{"a"}, {"r", "x"}} {
			r := &Resolver{Root: root, MaxBytes: 1000}
			_, err := r.Lookup(key)
			if n <= 1000 && err != nil {
				t.Errorf("%v, %d bytes: %v", key, n, err)
			}
			if n > 1000 && !errors.Is(err, errs.ErrLimit) {
				t.Errorf("%v, %d bytes: err = %v, want the output limit", key, n, err)
			}
		}
	}
}

// nested is a map n levels deep (value.Depth n): k: {k: ... {end: leaf}}.
func nested(n int, leaf any) *value.Map {
	top := value.NewMap(1)
	m := top
	for i := 1; i < n; i++ {
		next := value.NewMap(1)
		m.Set("k", next)
		m = next
	}
	m.Set("end", leaf)
	return top
}

// A reference places a container where it stands, which may be deeper
// than where it is stored: the value read is held to value.MaxDepth as a
// document is. b1 holding ${b0} 999 levels down read 1,998 levels deep,
// and thirty such maps built a value 30,000 levels deep that Python's
// marshal refused after seconds.
func TestReferencesNestNoDeeperThanMaxDepth(t *testing.T) {
	n := value.MaxDepth - 1 // as deep as a value under the root may be
	for _, refs := range []bool{false, true} {
		root := value.NewMap(0)
		leaf := any("plain")
		if refs {
			leaf = "${s}" // b0 needs resolving itself
			root.Set("s", "x")
		}
		root.Set("b0", nested(n, leaf))
		root.Set("top", "${b0}")                // 1 + 999 levels: the bound exactly
		root.Set("under", nested(1, "${b0}"))   // one more
		root.Set("b1", nested(n, "${b0}"))      // 1,998
		root.Set("list", []any{[]any{"${b0}"}}) // lists count too
		r := &Resolver{Root: root}
		if v, err := r.Deep(mustGet(t, root, "top"), []string{"top"}); err != nil || value.Depth(v) != n {
			t.Fatalf("refs %v: top: depth %d, %v", refs, value.Depth(v), err)
		}
		for _, key := range []string{"under", "b1", "list"} {
			_, err := r.Deep(mustGet(t, root, key), []string{key})
			wantLimit(t, err, key, fmt.Sprintf("more than %d levels deep", value.MaxDepth), "-> b0")
		}
		_, err := r.Deep(root, nil)
		wantLimit(t, err, "under.end", "levels deep") // where the failing resolution began
	}
	// Thirty maps each holding the one before, 999 levels down: refused
	// at the bound, without building the rest.
	root := value.NewMap(0)
	root.Set("b0", nested(n, int64(1)))
	for i := 1; i < 30; i++ {
		root.Set(fmt.Sprintf("b%d", i), nested(n, fmt.Sprintf("${b%d}", i-1)))
	}
	_, err := (&Resolver{Root: root}).Deep(mustGet(t, root, "b29"), []string{"b29"})
	wantLimit(t, err, "b29", "levels deep")
}

func mustGet(t *testing.T, m *value.Map, k string) any {
	t.Helper()
	v, ok := m.Get(k)
	if !ok {
		t.Fatalf("no %s", k)
	}
	return v
}
