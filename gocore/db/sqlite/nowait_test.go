package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/db/backend"
	"github.com/gocfg/gocfg/gocore/errs"
)

// A write tried without waiting (backend.WithoutWaiting) is made when no
// lock is held, and otherwise answers ErrWouldWait at once, having written
// nothing, where a plain write would wait out the busy timeout.
func TestWriteWithoutWaiting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nowait.db")
	s, err := Open(path, backend.Options{BusyTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	try := backend.WithoutWaiting(context.Background())
	if rev, err := s.Put(try, "a", []byte("1"), -1, time.Now()); err != nil || rev != 1 {
		t.Fatalf("uncontended save: revision %d, %v", rev, err)
	}

	// Another process's writer: a connection of its own holding the lock.
	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.SetMaxOpenConns(1)
	if _, err := other.Exec("BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := s.Put(try, "a", []byte("2"), -1, time.Now()); !errors.Is(err, backend.ErrWouldWait) {
		t.Fatalf("save behind another writer: %v, want ErrWouldWait", err)
	}
	if _, err := s.Delete(try, "a"); !errors.Is(err, backend.ErrWouldWait) {
		t.Fatalf("delete behind another writer: %v, want ErrWouldWait", err)
	}
	if waited := time.Since(start); waited > 10*time.Second {
		t.Fatalf("the tries waited %v (busy timeout 30s)", waited)
	}
	if _, err := other.Exec("ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if blob, rev, err := s.Get(context.Background(), "a", 0); err != nil || rev != 1 || string(blob) != "1" {
		t.Fatalf("after the refused tries: %q revision %d, %v; want the first save", blob, rev, err)
	}

	// A writer of this process holds the Store's turn (wsem).
	s.wsem <- struct{}{}
	_, err = s.Put(try, "a", []byte("3"), -1, time.Now())
	<-s.wsem
	if !errors.Is(err, backend.ErrWouldWait) {
		t.Fatalf("save behind a writer of this process: %v, want ErrWouldWait", err)
	}

	// Lock free again: both writes are made, and what fails for another
	// reason says so.
	if rev, err := s.Put(try, "a", []byte("4"), -1, time.Now()); err != nil || rev != 2 {
		t.Fatalf("save once free: revision %d, %v", rev, err)
	}
	if _, err := s.Put(try, "a", []byte("5"), 0, time.Now()); !errors.Is(err, backend.ErrConflict) {
		t.Fatalf("conflicting save: %v, want ErrConflict", err)
	}
	if rev, err := s.Delete(try, "a"); err != nil || rev != 3 {
		t.Fatalf("delete once free: revision %d, %v", rev, err)
	}
	if _, err := s.Delete(try, "a"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("deleting a deleted name: %v, want ErrNotFound", err)
	}
}
