package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/db/backend"
	"github.com/gocfg/gocfg/gocore/errs"
)

// removeDB removes a database file with its WAL and shared-memory files.
func removeDB(tb testing.TB, path string) {
	tb.Helper()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			tb.Fatal(err)
		}
	}
}

// A save into a file that its path no longer names was committed into
// the unlinked (or replaced) file and reported a revision, for data that
// no later open could read. It fails now, saying why, and saves nothing
// anywhere; opening again uses the file the path names.
func TestWritesRefuseAFileDeletedOrReplacedSinceOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "cfg.db")
	s, err := Open(path, backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Put(ctx, "a", []byte("one"), -1, time.Now()); err != nil {
		t.Fatal(err)
	}

	removeDB(t, path)
	for what, call := range map[string]func() error{
		"save":   func() error { _, err := s.Put(ctx, "a", []byte("two"), -1, time.Now()); return err },
		"delete": func() error { _, err := s.Delete(ctx, "a"); return err },
	} {
		err := call()
		if !errors.Is(err, errs.ErrIO) || !strings.Contains(err.Error(), path+" was deleted after the Database was opened") {
			t.Fatalf("%s into a deleted file: %v", what, err)
		}
	}

	// A backup restored by a rename over the path: another file.
	other := filepath.Join(dir, "backup.db")
	b, err := Open(other, backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Put(ctx, "a", []byte("backup"), -1, time.Now()); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if err := os.Rename(other, path); err != nil {
		t.Fatal(err)
	}
	_, err = s.Put(ctx, "a", []byte("three"), -1, time.Now())
	if !errors.Is(err, errs.ErrIO) || !strings.Contains(err.Error(), path+" was replaced by another file") {
		t.Fatalf("save into a replaced file: %v", err)
	}

	again, err := Open(path, backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	blob, rev, err := again.Get(ctx, "a", 0)
	if err != nil || string(blob) != "backup" || rev != 1 {
		t.Fatalf("the restored file after the refused saves: %q %d %v", blob, rev, err)
	}
	if rev, err := again.Put(ctx, "a", []byte("four"), -1, time.Now()); err != nil || rev != 2 {
		t.Fatalf("a save after opening again: %d %v", rev, err)
	}
}

// A watch on a file that its path no longer names waited for good: the
// saves of other processes went to the file the path named now, and the
// watch saw none of them. It ends (its channel closes) once the poller
// finds the file deleted or replaced, and a new watch is refused.
func TestWatchesEndWhenTheFileIsReplaced(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "cfg.db")
	s, err := Open(path, backend.Options{PollInterval: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ch, err := s.Watch(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "a", []byte("one"), -1, time.Now()); err != nil {
		t.Fatal(err)
	}
	if ev := <-ch; ev.Name != "a" || ev.Revision != 1 {
		t.Fatalf("first event: %+v", ev)
	}
	other := filepath.Join(dir, "backup.db")
	b, err := Open(other, backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	if err := os.Rename(other, path); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(60 * time.Second) // a bound against a hang, never what is tested
	for ended := false; !ended; {
		select {
		case ev, ok := <-ch:
			if ok {
				t.Fatalf("an event after the file was replaced: %+v", ev)
			}
			ended = true
		case <-deadline:
			t.Fatal("the watch of a replaced file did not end")
		}
	}
	if _, err := s.Watch(ctx, ""); !errors.Is(err, errs.ErrIO) ||
		!strings.Contains(err.Error(), "was replaced by another file after the Database was opened; its changes cannot be watched") {
		t.Fatalf("a new watch of the replaced file: %v", err)
	}
}
