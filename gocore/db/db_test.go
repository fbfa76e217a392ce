package db_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/db/internal/dbtest"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// One etcd server serves every etcd case of this package, each under a key
// prefix of its own; TestMain stops it.
var (
	etcdOnce   sync.Once
	sharedEtcd *dbtest.Etcd
	etcdErr    error
	etcdDir    string
	prefixSeq  atomic.Int64
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedEtcd != nil {
		sharedEtcd.Remove()
	}
	if etcdDir != "" {
		os.RemoveAll(etcdDir)
	}
	os.Exit(code)
}

func etcdServer(t *testing.T) *dbtest.Etcd {
	t.Helper()
	if !dbtest.HaveEtcd() {
		t.Skip(dbtest.SkipEtcd)
	}
	etcdOnce.Do(func() {
		etcdDir, etcdErr = os.MkdirTemp("", "gocfg-db-test-")
		if etcdErr == nil {
			sharedEtcd, etcdErr = dbtest.StartEtcd(etcdDir)
		}
	})
	if etcdErr != nil {
		t.Fatalf("starting etcd: %v", etcdErr)
	}
	return sharedEtcd
}

func open(t *testing.T, url string) *db.DB {
	t.Helper()
	d, err := db.Open(url, db.Options{PollInterval: 20 * time.Millisecond}, dbtest.JSONCodec{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// backends opens a new, empty store of each kind.
var backends = []struct {
	name string
	open func(t *testing.T) *db.DB
}{
	{"memory", func(t *testing.T) *db.DB { return open(t, "memory://") }},
	{"sqlite", func(t *testing.T) *db.DB { return open(t, filepath.Join(t.TempDir(), "store.db")) }},
	{"etcd", func(t *testing.T) *db.DB {
		return open(t, etcdServer(t).URL(fmt.Sprintf("/suite/t%d", prefixSeq.Add(1))))
	}},
}

var m = dbtest.Map

func mustSave(t *testing.T, d *db.DB, name string, cfg *value.Map, expect int64) int64 {
	t.Helper()
	rev, err := d.Save(t.Context(), name, cfg, expect)
	if err != nil {
		t.Fatalf("Save(%q, expect %d): %v", name, expect, err)
	}
	return rev
}

func wantErr(t *testing.T, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v, want %v", err, kind)
	}
}

// The backend-independent semantics (revisions, compare-and-swap, names,
// delete, history, queries, watches, closing, name and URL checks) are
// tested once, through the public Python API on every backend:
// tests/api/test_database.py. What stays here is what that API cannot
// reach: the Go API's own contract (nil arguments, names that are not
// UTF-8), the storage encoding and size bounds (large_test.go), and the
// tests that need Go's race detector or goroutine counts (scale_test.go).

// TestGoAPIContract: arguments only a Go caller can pass.
func TestGoAPIContract(t *testing.T) {
	if _, err := db.Open("memory://", db.Options{}, nil); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("nil codec: %v", err)
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			d := b.open(t)
			// A nil context is taken as context.Background().
			if _, err := d.Save(nil, "a", m(), 0); err != nil {
				t.Fatal(err)
			}
			_, err := d.Save(t.Context(), "a", nil, -1)
			wantErr(t, err, errs.ErrInvalidArgument)
			// Python's strings are always UTF-8 when they reach the library.
			for _, name := range []string{"\xff\xfe", "a\xc0b", "ok/\xed\xa0\x80"} {
				_, err := d.Save(t.Context(), name, m(), -1)
				wantErr(t, err, errs.ErrInvalidArgument)
				_, _, err = d.Load(t.Context(), name, 0)
				wantErr(t, err, errs.ErrInvalidArgument)
				wantErr(t, d.Delete(t.Context(), name), errs.ErrInvalidArgument)
				_, err = d.History(t.Context(), name)
				wantErr(t, err, errs.ErrInvalidArgument)
				_, err = d.Names(t.Context(), name)
				wantErr(t, err, errs.ErrInvalidArgument)
				_, err = d.Watch(t.Context(), name)
				wantErr(t, err, errs.ErrInvalidArgument)
			}
			if names, err := d.Names(t.Context(), ""); err != nil || !slices.Equal(names, []string{"a"}) {
				t.Fatalf("names %q, %v", names, err)
			}
		})
	}
}

// A Save or Delete tried without waiting (db.WithoutWaiting) is made on
// SQLite, which can refuse to wait, and answered ErrWouldWait at once on
// the stores whose writes may always wait, with nothing written: the
// caller then writes again, waiting.
func TestWriteWithoutWaiting(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			d := b.open(t)
			try := db.WithoutWaiting(t.Context())
			rev, err := d.Save(try, "a", m("k", "v"), -1)
			derr := d.Delete(try, "a")
			if b.name == "sqlite" {
				if err != nil || rev != 1 || derr != nil {
					t.Fatalf("save: revision %d, %v; delete: %v", rev, err, derr)
				}
				return
			}
			wantErr(t, err, db.ErrWouldWait)
			wantErr(t, derr, db.ErrWouldWait)
			if names, err := d.Names(t.Context(), ""); err != nil || len(names) != 0 {
				t.Fatalf("names after refused writes: %v, %v", names, err)
			}
		})
	}
}
