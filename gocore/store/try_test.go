package store

import (
	"errors"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
)

// The Try forms give errs.ErrBusy, and change nothing, while another call
// holds the lock for a change; with the lock free they answer as the
// waiting forms do.
func TestTryFormsDoNotWait(t *testing.T) {
	c := New()
	if err := c.Set("a", "1"); err != nil {
		t.Fatal(err)
	}
	tries := map[string]func() error{
		"TryView":     func() error { return c.TryView("a", func(any) error { return nil }) },
		"TryContains": func() error { _, err := c.TryContains("a"); return err },
		"TryLen":      func() error { _, err := c.TryLen(""); return err },
		"TrySet":      func() error { return c.TrySet("b", "2") },
	}
	c.mu.Lock() // a change under way on another goroutine, as far as the Try forms can tell
	for name, try := range tries {
		if err := try(); !errors.Is(err, errs.ErrBusy) {
			c.mu.Unlock()
			t.Fatalf("%s with the lock held for a change: %v, want ErrBusy", name, err)
		}
	}
	c.mu.Unlock()
	if ok, _ := c.Contains("b"); ok {
		t.Fatal("a busy TrySet stored its value")
	}
	c.mu.RLock() // a read under way: reads go on, a change is turned away
	for name, try := range tries {
		err := try()
		if busy := errors.Is(err, errs.ErrBusy); busy != (name == "TrySet") || (!busy && err != nil) {
			c.mu.RUnlock()
			t.Fatalf("%s beside a read: %v", name, err)
		}
	}
	c.mu.RUnlock()
	for name, try := range tries {
		if err := try(); err != nil {
			t.Fatalf("%s with the lock free: %v", name, err)
		}
	}
	if n, err := c.TryLen(""); n != 2 || err != nil {
		t.Fatalf("TryLen = %d, %v; want 2 after TrySet", n, err)
	}
	if ok, err := c.TryContains("nope"); ok || err != nil {
		t.Fatalf("TryContains(nope) = %v, %v", ok, err)
	}
}
