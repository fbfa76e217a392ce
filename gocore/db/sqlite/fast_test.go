package sqlite

import (
	"bytes"
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/db/backend"
	"github.com/gocfg/gocfg/gocore/errs"
)

// Loads of a latest revision go through the Store's own connection
// (fastGet) unless it is busy; these tests hold that path to the pool's
// answers, commits and errors.

// poolGet is Get through the pool: the fast connection is held, as a
// concurrent load would hold it.
func poolGet(s *Store, name string, ctx ...context.Context) ([]byte, int64, error) {
	s.fast.mu.Lock()
	defer s.fast.mu.Unlock()
	c := context.Background()
	if len(ctx) > 0 {
		c = ctx[0]
	}
	return s.Get(c, name, 0)
}

// fastOnly is fastGet, failing t when it did not answer.
func fastOnly(t *testing.T, s *Store, ctx context.Context, name string) ([]byte, int64, error) {
	t.Helper()
	ok, blob, rev, err := s.fastGet(ctx, name)
	if !ok {
		t.Fatalf("%q: the fast connection did not answer", name)
	}
	return blob, rev, err
}

func TestFastGetMatchesPool(t *testing.T) {
	s := openTest(t, "f.db")
	ctx := context.Background()
	names := []string{"a", "b/c", "quote'\"", "é/ü", "empty", "big", "deleted", "resaved"}
	for i, n := range names {
		for r := 0; r <= i%3; r++ {
			blob := []byte(fmt.Sprintf("%s rev %d", n, r))
			switch n {
			case "empty":
				blob = nil
			case "big":
				blob = bytes.Repeat([]byte{0, 1, 0xff}, 300000)
			}
			if _, err := s.Put(ctx, n, blob, -1, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, n := range []string{"deleted", "resaved"} {
		if _, err := s.Delete(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Put(ctx, "resaved", []byte("again"), -1, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, n := range append(names, "missing", "a%", "") {
		blob, rev, err := fastOnly(t, s, ctx, n)
		wblob, wrev, werr := poolGet(s, n)
		if fmt.Sprint(err) != fmt.Sprint(werr) || !errors.Is(err, errs.ErrNotFound) != !errors.Is(werr, errs.ErrNotFound) {
			t.Errorf("%q: error %v, pool %v", n, err, werr)
		}
		if rev != wrev || !bytes.Equal(blob, wblob) || (blob == nil) != (wblob == nil) {
			t.Errorf("%q: rev %d, %d bytes (nil %v); pool rev %d, %d bytes (nil %v)", n, rev, len(blob), blob == nil, wrev, len(wblob), wblob == nil)
		}
	}
}

// A commit, of this Store or of another connection to the file (another
// process), is seen by the next load: the fast connection keeps no read
// transaction open between loads.
func TestFastGetSeesCommits(t *testing.T) {
	s := openTest(t, "c.db")
	other, err := Open(s.path, backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	for i := 1; i <= 20; i++ {
		w := s
		if i%2 == 0 {
			w = other
		}
		want := []byte(fmt.Sprintf("v%d", i))
		if _, err := w.Put(ctx, "n", want, -1, time.Now()); err != nil {
			t.Fatal(err)
		}
		blob, rev, err := fastOnly(t, s, ctx, "n")
		if err != nil || rev != int64(i) || !bytes.Equal(blob, want) {
			t.Fatalf("after commit %d: %q rev %d (%v)", i, blob, rev, err)
		}
	}
	if _, err := other.Delete(ctx, "n"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := fastOnly(t, s, ctx, "n"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("deleted by the other connection: %v", err)
	}
	// No read transaction left open: a checkpoint that must wait for
	// every reader completes.
	var busy, logged, done int
	if err := s.db.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logged, &done); err != nil || busy != 0 {
		t.Fatalf("checkpoint after fast loads: busy %d (%v)", busy, err)
	}
}

// A connection the driver says is bad is dropped, and the next load opens
// another.
func TestFastGetReopens(t *testing.T) {
	s := openTest(t, "b.db")
	ctx := context.Background()
	if _, err := s.Put(ctx, "n", []byte("x"), -1, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := fastOnly(t, s, ctx, "n"); err != nil {
		t.Fatal(err)
	}
	first := s.fast.conn
	s.fast.mu.Lock()
	s.fast.drop() // as answer does for a bad connection
	s.fast.mu.Unlock()
	if blob, _, err := fastOnly(t, s, ctx, "n"); err != nil || string(blob) != "x" {
		t.Fatalf("after reopening: %q (%v)", blob, err)
	}
	if s.fast.conn == nil || s.fast.conn == first {
		t.Fatal("no new connection")
	}
}

// The fast connection is opened with the pool's settings: the busy
// timeout (a load waits as long for a lock) and WAL mode.
func TestFastConnectionSettings(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "busy.db"), backend.Options{BusyTimeout: 1234 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, _, err := fastOnly(t, s, ctx, "n"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatal(err)
	}
	s.fast.mu.Lock()
	defer s.fast.mu.Unlock()
	for pragma, want := range map[string]string{"busy_timeout": "1234", "journal_mode": "wal", "synchronous": "2"} {
		st, err := s.fast.conn.(driver.ConnPrepareContext).PrepareContext(ctx, "PRAGMA "+pragma)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := st.(driver.StmtQueryContext).QueryContext(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		dest := make([]driver.Value, 1)
		if err := rows.Next(dest); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		st.Close()
		if got := fmt.Sprint(dest[0]); got != want {
			t.Errorf("PRAGMA %s on the fast connection: %s, want %s", pragma, got, want)
		}
	}
}

func TestFastGetCancelled(t *testing.T) {
	for _, opened := range []bool{false, true} {
		s := openTest(t, "x.db")
		ctx, cancel := context.WithCancel(context.Background())
		if _, err := s.Put(ctx, "n", []byte("x"), -1, time.Now()); err != nil {
			t.Fatal(err)
		}
		if opened {
			if _, _, err := fastOnly(t, s, ctx, "n"); err != nil {
				t.Fatal(err)
			}
		}
		cancel()
		_, _, err := s.Get(ctx, "n", 0)
		_, _, werr := poolGet(s, "n", ctx)
		if !errors.Is(err, context.Canceled) || fmt.Sprint(err) != fmt.Sprint(werr) {
			t.Fatalf("cancelled load (opened %v): %v; through the pool: %v", opened, err, werr)
		}
		if blob, _, err := fastOnly(t, s, context.Background(), "n"); err != nil || string(blob) != "x" {
			t.Fatalf("after a cancelled load (opened %v): %q (%v)", opened, blob, err)
		}
	}
}

// Loads from many goroutines (most find the fast connection busy) while
// others save and delete, then Close in the middle of loads: every load
// sees a whole revision, and after Close a load says the store is closed.
func TestFastGetConcurrent(t *testing.T) {
	s := openTest(t, "r.db")
	ctx := context.Background()
	names := []string{"a", "b", "c"}
	for _, n := range names {
		if _, err := s.Put(ctx, n, []byte(n+" 1"), -1, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errc := make(chan error, 16)
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			last := map[string]int64{}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				n := names[(g+i)%len(names)]
				blob, rev, err := s.Get(ctx, n, 0)
				if errors.Is(err, errs.ErrNotFound) {
					continue
				}
				if err != nil {
					errc <- err
					return
				}
				if want := fmt.Sprintf("%s %d", n, rev); string(blob) != want || rev < last[n] {
					errc <- fmt.Errorf("%s: %q at rev %d after rev %d", n, blob, rev, last[n])
					return
				}
				last[n] = rev
			}
		}(g)
	}
	cur := map[string]int64{"a": 1, "b": 1, "c": 1}
	for i := 0; i < 60; i++ {
		n := names[i%len(names)]
		if i%7 == 6 {
			rev, err := s.Delete(ctx, n)
			if err == nil {
				cur[n] = rev
			} else if !errors.Is(err, errs.ErrNotFound) {
				t.Fatal(err)
			}
			continue
		}
		// The blob names the revision it is saved as (a deleted name
		// continues its count).
		rev, err := s.Put(ctx, n, []byte(fmt.Sprintf("%s %d", n, cur[n]+1)), -1, time.Now())
		if err != nil || rev != cur[n]+1 {
			t.Fatalf("save %s: rev %d, want %d (%v)", n, rev, cur[n]+1, err)
		}
		cur[n] = rev
	}
	close(stop)
	wg.Wait()
	select {
	case err := <-errc:
		t.Fatal(err)
	default:
	}

	// Close while loads run: the loads end with an error (which one
	// depends on where Close found them: gocore/db waits for the calls in
	// progress before it closes a Store, so that none sees this), and
	// nothing crashes on a connection closed under it.
	var loads sync.WaitGroup
	for g := 0; g < 4; g++ {
		loads.Add(1)
		go func() {
			defer loads.Done()
			for {
				if _, _, err := s.Get(ctx, "a", 0); err != nil && !errors.Is(err, errs.ErrNotFound) {
					return
				}
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	loads.Wait()
	if ok, _, _, _ := s.fastGet(ctx, "a"); ok || s.fast.conn != nil {
		t.Fatal("the fast connection serves after Close")
	}
	if _, _, err := s.Get(ctx, "a", 0); err == nil {
		t.Fatal("a load after Close succeeded")
	}
}
