package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
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
	if got := fmt.Sprint(c.Keys()); got != "[a b]" {
		t.Fatalf("Keys = %s", got)
	}
	c.Clear()
	if c.Len() != 0 || c.Contains("a") {
		t.Fatal("Clear left keys")
	}
}

func TestBadKeys(t *testing.T) {
	c := New()
	for _, k := range []string{"a\x00b", "\xff", "ok\xc3"} {
		if err := c.Set(k, "v"); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("Set(%q) = %v", k, err)
		}
	}
	if c.Len() != 0 {
		t.Fatal("a bad key was stored")
	}
	if err := c.Set("ünïcødé ✓", "v"); err != nil {
		t.Fatal(err)
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
				k := fmt.Sprintf("g%d-%d", g, i%50)
				c.Set(k, "x")
				c.Get(k)
				c.Keys()
				if i%7 == 0 {
					c.Delete(k)
				}
			}
		}(g)
	}
	wg.Wait()
	if n := c.Len(); n > 8*50 {
		t.Fatalf("Len = %d", n)
	}
}
