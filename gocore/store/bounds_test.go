package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/value"
)

// doublingConfig holds l0 = "${l1}${l1}", ... over n keys.
func doublingConfig(t *testing.T, s Settings) *Config {
	t.Helper()
	s.Interpolate = true
	c := NewLayered(s)
	for i := 0; i < 39; i++ {
		if err := c.Set(fmt.Sprintf("l%d", i), fmt.Sprintf("${l%d}${l%d}", i+1, i+1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Set("l39", "x"); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestInterpolationBoundsThroughTheStore(t *testing.T) {
	c := doublingConfig(t, Settings{InterpolationSteps: 5000})
	noop := func(any) error { return nil }
	check := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, layer.ErrInterpolation) || !errors.Is(err, errs.ErrLimit) {
			t.Errorf("%s: %v", what, err)
		}
	}
	check("View", c.View("l0", noop))
	check("ViewResolved", c.ViewResolved("l0", noop))
	check("Resolve", c.Resolve())
	_, err := c.Diff(c)
	check("Diff", err)
	rows, err := c.Explain("l0")
	if err != nil || len(rows) != 1 || rows[0].Err == "" {
		t.Errorf("Explain: %v %v", rows, err)
	}
	// Nothing changed: the failed Resolve left the references in place.
	if v, _ := c.Get("l38"); v != "xx" {
		t.Errorf("l38 = %v", v)
	}
	// The settings survive a copy.
	check("Clone", c.Clone().View("l0", noop))
}

func TestInterpolationCancelThroughTheStore(t *testing.T) {
	c := doublingConfig(t, Settings{InterpolationSteps: 1 << 40, InterpolationBytes: 1 << 40})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	noop := func(any) error { return nil }
	for what, err := range map[string]error{
		"ViewContext":         c.ViewContext(ctx, "l0", noop),
		"ViewResolvedContext": c.ViewResolvedContext(ctx, "l0", noop),
		"ResolveContext":      c.ResolveContext(ctx),
	} {
		if !errors.Is(err, errs.ErrCancelled) {
			t.Errorf("%s: %v", what, err)
		}
	}
	if _, err := c.ExplainContext(ctx, ""); !errors.Is(err, errs.ErrCancelled) {
		t.Errorf("ExplainContext: %v", err)
	}
}

func TestTimesCheckedAtTheDoor(t *testing.T) {
	c := New()
	day := 24 * 3600
	for path, v := range map[string]any{
		"a.year0":  value.LocalDate{Year: 0, Month: 1, Day: 1},
		"a.offset": time.Date(2024, 1, 1, 0, 0, 0, 0, time.FixedZone("", day)),
		"a.neg":    time.Date(2024, 1, 1, 0, 0, 0, 0, time.FixedZone("", -day-1)),
		"a.secs":   time.Date(2024, 1, 1, 0, 0, 0, 0, time.FixedZone("", 3601)),
		"a.clock":  value.LocalTime{Hour: 24},
	} {
		err := c.Set(path, v)
		var loc *errs.Located
		if !errors.Is(err, errs.ErrInvalidArgument) || !errors.As(err, &loc) || loc.Path != path {
			t.Errorf("Set(%s): %v", path, err)
		}
		if ok, _ := c.Contains(path); ok {
			t.Errorf("%s was stored", path)
		}
	}
	// Inside a map or list, the path names the value itself.
	m := value.NewMap(0)
	m.Set("l", []any{value.LocalDateTime{Date: value.LocalDate{Year: 10000, Month: 1, Day: 1}}})
	if err := c.Set("x", m); err == nil || !strings.HasPrefix(err.Error(), "x.l.0: ") {
		t.Errorf("nested Set: %v", err)
	}
	if err := c.Merge("", m); err == nil || !strings.HasPrefix(err.Error(), "l.0: ") {
		t.Errorf("Merge: %v", err)
	}
	lc := NewLayered(Settings{})
	if err := lc.MergeLayer(m, layer.Source{Kind: layer.KindDict}, layer.Options{}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("MergeLayer: %v", err)
	}
	// The boundaries are kept, nanoseconds truncated to microseconds.
	edge := time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.FixedZone("", day-60))
	if err := c.Set("edge", edge); err != nil {
		t.Fatal(err)
	}
	got, _ := c.Get("edge")
	if want := edge.Add(-999 * time.Nanosecond); !value.Equal(got, want) {
		t.Errorf("edge = %v, want %v", got, want)
	}
}

// A serialized config (a pickle, say) is held to the same rule.
func TestUnmarshalStateChecksTimes(t *testing.T) {
	c := NewLayered(Settings{})
	if err := c.Set("t", time.Date(2024, 1, 1, 0, 0, 0, 0, time.FixedZone("", 3600))); err != nil {
		t.Fatal(err)
	}
	good, err := c.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := UnmarshalState(good, nil); err != nil {
		t.Fatalf("good state: %v", err)
	}
	// The same state with the offset made 25 hours (the tagged tuple
	// stores it as an int after the microseconds).
	c.root.Set("t", time.Date(2024, 1, 1, 0, 0, 0, 0, time.FixedZone("", 25*3600)))
	bad, err := c.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := UnmarshalState(bad, nil); !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "24 hours") {
		t.Fatalf("bad state: %v", err)
	}
}

// Explaining every leaf spends one budget, not one per leaf: 60 keys that
// each double into a million references cost one budget in all.
func TestExplainSharesOneBudget(t *testing.T) {
	c := NewLayered(Settings{Interpolate: true, InterpolationSteps: 100_000})
	for b := 0; b < 60; b++ {
		for i := 0; i < 20; i++ {
			c.Set(fmt.Sprintf("b%d.l%d", b, i), fmt.Sprintf("${b%d.l%d}${b%d.l%d}", b, i+1, b, i+1))
		}
		c.Set(fmt.Sprintf("b%d.l20", b), "x")
	}
	c.Set("plain", "${b0.l20}")
	rows, err := c.Explain("")
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, r := range rows {
		if r.Err != "" {
			failed++
			if !strings.Contains(r.Err, "100000 references") {
				t.Fatalf("%s: %s", r.Path, r.Err)
			}
		}
	}
	// Once the budget is spent, every later leaf that needs resolving
	// reports it; those resolved before it got their values.
	if last := rows[len(rows)-1]; last.Path != "plain" || last.Err == "" || failed < 1000 {
		t.Fatalf("%d rows failed; last %+v", failed, last)
	}
	if rows[20].Path != "b0.l20" || rows[20].Value != "x" {
		t.Fatalf("row 20 = %+v", rows[20])
	}
}

// ExplainFirst gives the first rows as Explain gives them, and counts the
// rest without resolving them: leaves past the limit that would each fail
// to resolve spend nothing and report nothing.
func TestExplainFirstCountsTheRest(t *testing.T) {
	c := NewLayered(Settings{Interpolate: true})
	c.Set("a", "1")
	c.Set("b.c", "${a}")
	c.Set("b.d", []any{"x", "y"})
	for i := 0; i < 1000; i++ {
		c.Set(fmt.Sprintf("z.k%04d", i), "${missing}")
	}
	all, err := c.Explain("")
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{0, 1, 3, 4, 1003, 5000} {
		rows, total, err := c.ExplainFirst(context.Background(), "", limit)
		if err != nil || total != len(all) || len(rows) != min(limit, len(all)) {
			t.Fatalf("limit %d: %d rows of %d, %v", limit, len(rows), total, err)
		}
		for i, r := range rows {
			if r.Path != all[i].Path || r.Err != all[i].Err || fmt.Sprint(r.Value) != fmt.Sprint(all[i].Value) {
				t.Fatalf("limit %d row %d: %+v, want %+v", limit, i, r, all[i])
			}
		}
	}
	if rows, total, err := c.ExplainFirst(context.Background(), "b", 1); err != nil || total != 2 || len(rows) != 1 ||
		rows[0].Path != "b.c" || rows[0].Value != "1" {
		t.Fatalf("under b: %+v of %d, %v", rows, total, err)
	}
	if rows, total, err := c.ExplainFirst(context.Background(), "", -1); err != nil || total != len(all) || len(rows) != len(all) {
		t.Fatalf("no limit: %d of %d, %v", len(rows), total, err)
	}
}
