package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
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
