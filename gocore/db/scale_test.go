package db_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/db/internal/dbtest"
	"github.com/gocfg/gocfg/gocore/errs"
)

// TestWatchCloseRace opens watches while another goroutine closes the DB:
// every Watch either works (and its channel is closed by Close) or fails
// with errs.ErrClosed, never with a context error or another kind.
func TestWatchCloseRace(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			iterations := 200
			if b.name == "etcd" {
				iterations = 50
			}
			for i := range iterations {
				d := b.open(t)
				var wg sync.WaitGroup
				errc := make(chan error, 4)
				for range 4 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						ch, err := d.Watch(context.Background(), "p")
						if err != nil {
							errc <- err
							return
						}
						for range ch {
						}
					}()
				}
				if i%2 == 1 {
					runtime.Gosched()
				}
				if err := d.Close(); err != nil {
					t.Fatal(err)
				}
				wg.Wait()
				close(errc)
				for err := range errc {
					if !errors.Is(err, errs.ErrClosed) || errors.Is(err, context.Canceled) {
						t.Fatalf("iteration %d: Watch racing Close: %v, want only %v", i, err, errs.ErrClosed)
					}
				}
			}
		})
	}
}

// TestWatchFanOut: 100 watches on one prefix each see 1,000 saves, in
// order, none missing.
func TestWatchFanOut(t *testing.T) {
	const watchers, updates = 100, 1000
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			d := b.open(t)
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			chans := make([]<-chan db.Event, watchers)
			for i := range chans {
				ch, err := d.Watch(ctx, "fan")
				if err != nil {
					t.Fatal(err)
				}
				chans[i] = ch
			}
			var wg sync.WaitGroup
			errc := make(chan error, watchers)
			for i, ch := range chans {
				wg.Add(1)
				go func() {
					defer wg.Done()
					want := int64(1)
					for ev := range ch {
						if ev.Name != "fan/x" || ev.Revision != want {
							errc <- fmt.Errorf("watcher %d: event %+v, want revision %d", i, ev, want)
							return
						}
						if want == updates {
							return
						}
						want++
					}
					errc <- fmt.Errorf("watcher %d: channel closed after revision %d of %d", i, want-1, updates)
				}()
			}
			for i := range updates {
				if _, err := d.Save(ctx, "fan/x", m("i", int64(i)), int64(i)); err != nil {
					t.Fatal(err)
				}
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Error(err)
			}
		})
	}
}

// TestConcurrentIncrements: two goroutines do 500 compare-and-swap
// increments each on one counter, under the race detector; the counter
// ends at exactly 1000, at revision 1001, with 1001 history entries.
func TestConcurrentIncrements(t *testing.T) {
	const workers, each = 2, 500
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			d := b.open(t)
			ctx := t.Context()
			mustSave(t, d, "counter", m("n", int64(0)), 0)
			var wg sync.WaitGroup
			var conflicts atomic.Int64
			errc := make(chan error, workers)
			for range workers {
				wg.Go(func() {
					for range each {
						c, err := dbtest.Increment(ctx, d, "counter")
						conflicts.Add(int64(c))
						if err != nil {
							errc <- err
							return
						}
					}
				})
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Fatal(err)
			}
			cfg, rev, err := d.Load(ctx, "counter", 0)
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := cfg.Get("n"); n != int64(workers*each) || rev != workers*each+1 {
				t.Fatalf("counter %v at revision %d, want %d at %d", n, rev, workers*each, workers*each+1)
			}
			h, err := d.History(ctx, "counter")
			if err != nil || len(h) != workers*each+1 {
				t.Fatalf("history has %d entries (%v)", len(h), err)
			}
			t.Logf("%d increments, %d conflicts retried", workers*each, conflicts.Load())
		})
	}
}

// TestConcurrentWriters: 8 goroutines save their own names in a loop; at
// the end every name is at the revision of its last save, and holds it.
func TestConcurrentWriters(t *testing.T) {
	const writers, saves = 8, 150
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			d := b.open(t)
			ctx := t.Context()
			var wg sync.WaitGroup
			errc := make(chan error, writers)
			for w := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range saves {
						name := fmt.Sprintf("w%d/c%d", w, i%10)
						if _, err := d.Save(ctx, name, m("w", int64(w), "i", int64(i)), -1); err != nil {
							errc <- err
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Fatal(err)
			}
			names, err := d.Names(ctx, "")
			if err != nil || len(names) != writers*10 {
				t.Fatalf("Names: %d names, %v", len(names), err)
			}
			for w := range writers {
				for c := range 10 {
					cfg, rev, err := d.Load(ctx, fmt.Sprintf("w%d/c%d", w, c), 0)
					if err != nil {
						t.Fatal(err)
					}
					if rev != saves/10 {
						t.Fatalf("w%d/c%d at revision %d, want %d", w, c, rev, saves/10)
					}
					if i, _ := cfg.Get("i"); i != int64(saves-10+c) {
						t.Fatalf("w%d/c%d holds save %v, want %d", w, c, i, saves-10+c)
					}
				}
			}
		})
	}
}

func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

// settle waits until the goroutine count drops to at most want, and
// returns the last count seen.
func settle(want int) int {
	n := runtime.NumGoroutine()
	for deadline := time.Now().Add(10 * time.Second); n > want && time.Now().Before(deadline); n = runtime.NumGoroutine() {
		time.Sleep(20 * time.Millisecond)
	}
	return n
}

// TestManyWatchesResources opens 1,000 watches on one DB: goroutines stay
// within a few per watch, file descriptors do not grow with the watches
// (one connection serves them all), and both return to the baseline when
// the watches end, then again when the DB closes.
func TestManyWatchesResources(t *testing.T) {
	const watches = 1000
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			if b.name == "etcd" {
				etcdServer(t) // started before the count: it outlives the DB
			}
			time.Sleep(100 * time.Millisecond)
			before := runtime.NumGoroutine()
			d := b.open(t)
			ctx := t.Context()
			// One call first, so that connections exist in the baseline.
			if _, err := d.Save(ctx, "w/x", m("a", int64(0)), -1); err != nil {
				t.Fatal(err)
			}
			if _, err := d.Names(ctx, ""); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond)
			baseG, baseFD := runtime.NumGoroutine(), openFDs(t)
			wctx, cancel := context.WithCancel(ctx)
			chans := make([]<-chan db.Event, watches)
			for i := range chans {
				ch, err := d.Watch(wctx, "w")
				if err != nil {
					t.Fatal(err)
				}
				chans[i] = ch
			}
			if _, err := d.Save(ctx, "w/x", m("a", int64(1)), -1); err != nil {
				t.Fatal(err)
			}
			for i, ch := range chans {
				if ev := <-ch; ev.Revision != 2 {
					t.Fatalf("watch %d: %+v", i, ev)
				}
			}
			g, fd := runtime.NumGoroutine(), openFDs(t)
			t.Logf("%s: %d watches: goroutines %d -> %d (%.2f per watch), fds %d -> %d",
				b.name, watches, baseG, g, float64(g-baseG)/watches, baseFD, fd)
			if per := float64(g-baseG) / watches; per > 4 {
				t.Errorf("%.1f goroutines per watch", per)
			}
			if fd > baseFD+8 {
				t.Errorf("file descriptors grew from %d to %d with %d watches", baseFD, fd, watches)
			}
			cancel()
			for _, ch := range chans {
				for range ch {
				}
			}
			// etcd's client keeps one watch stream per client; allow it.
			if g := settle(baseG + 3); g > baseG+3 {
				t.Errorf("goroutines after the watches ended: %d, baseline %d", g, baseG)
			}
			// sqlite's pool may keep the few connections the watches used
			// (they read two at a time) idle for a minute; the bound is
			// theirs, not the number of watches.
			if fd := openFDs(t); fd > baseFD+6 {
				t.Errorf("file descriptors after the watches ended: %d, baseline %d", fd, baseFD)
			}
			// Closing the DB ends everything it started (the etcd client,
			// sqlite's poller, zstd).
			if err := d.Close(); err != nil {
				t.Fatal(err)
			}
			if g := settle(before); g > before {
				t.Errorf("goroutines after Close: %d, before Open %d", g, before)
			}
		})
	}
}
