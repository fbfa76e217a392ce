package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/db/backend"
)

// openTest opens a Store on a new file in a temporary directory, closed
// when the test ends.
func openTest(tb testing.TB, file string) *Store {
	tb.Helper()
	s, err := Open(filepath.Join(tb.TempDir(), file), backend.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// putBlob saves blob as the next revision of each of names.
func putBlob(tb testing.TB, s *Store, blob string, names ...string) {
	tb.Helper()
	for _, n := range names {
		if _, err := s.Put(context.Background(), n, []byte(blob), -1, time.Now()); err != nil {
			tb.Fatal(err)
		}
	}
}
