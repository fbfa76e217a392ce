// The etcd store's behaviour as a user meets it (outage and recovery, an
// unreachable server, authentication, TLS, malformed URLs) is tested once,
// through the binding, in tests/api/test_database.py. The Go tests here
// and beside it cover what that cannot reach: the caller's own context, the
// chunked layout, the failover machinery and the error mapping.
package etcd_test

import (
	"context"
	"errors"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/db/internal/dbtest"
)

func startEtcd(t testing.TB) *dbtest.Etcd {
	t.Helper()
	if !dbtest.HaveEtcd() {
		t.Skip(dbtest.SkipEtcd)
	}
	e, err := dbtest.StartEtcd(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Stop)
	return e
}

// rawAndDB starts a test etcd and gives a raw client of it (to look at the
// keys a store writes) and a store under prefix that splits configs into
// 64 KiB pieces. Both are closed when the test ends.
func rawAndDB(t *testing.T, prefix string) (*clientv3.Client, *db.DB) {
	t.Helper()
	e := startEtcd(t)
	cli, err := e.Client()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	d, err := openDB(t, e.URL(prefix)+"?chunk_bytes=64KiB", db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return cli, d
}

func openDB(t *testing.T, u string, opts db.Options) (*db.DB, error) {
	t.Helper()
	d, err := db.Open(u, opts, dbtest.JSONCodec{})
	if err == nil {
		t.Cleanup(func() { d.Close() })
	}
	return d, err
}

func wantErr(t *testing.T, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v, want %v", err, kind)
	}
}

// TestCallerContext: the caller's own deadline is reported as such, not as
// a connection error.
func TestCallerContext(t *testing.T) {
	e := startEtcd(t)
	d, err := openDB(t, e.URL("ctx"), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, _, err = d.Load(ctx, "a", 0)
	if !errors.Is(err, context.Canceled) || errors.Is(err, db.ErrConnection) {
		t.Fatalf("cancelled context: %v", err)
	}
}
