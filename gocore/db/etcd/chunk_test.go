package etcd_test

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/db/etcd"
	"github.com/gocfg/gocfg/gocore/db/internal/dbtest"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// randomConfig is about n bytes of JSON that zstd cannot shrink much.
func randomConfig(n int) *value.Map {
	raw := make([]byte, n*3/4)
	rand.Read(raw)
	return dbtest.Map("blob", base64.StdEncoding.EncodeToString(raw))
}

func countKeys(t *testing.T, cli *clientv3.Client, prefix string) int64 {
	t.Helper()
	resp, err := cli.Get(t.Context(), prefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		t.Fatal(err)
	}
	return resp.Count
}

// TestChunks looks at the keys a split config uses: its pieces exist once
// it is saved, those of a save that lost its compare-and-swap are removed,
// a delete removes the rest, and a missing piece is reported as damage.
func TestChunks(t *testing.T) {
	cli, d := rawAndDB(t, "/c")
	ctx := t.Context()
	if _, err := d.Save(ctx, "a", randomConfig(1<<20), 0); err != nil {
		t.Fatal(err)
	}
	pieces := countKeys(t, cli, "/c/chunk/a:")
	if pieces < 12 { // ~1 MiB of base64 shrinks by a quarter: ~12 pieces of 64 KiB
		t.Fatalf("%d pieces for about 1 MiB in pieces of 64 KiB", pieces)
	}
	// A lost compare-and-swap leaves no pieces behind, whether it was
	// lost before the pieces were written or in the transaction: of four
	// saves racing from revision 1, one wins and only its pieces remain.
	_, err := d.Save(ctx, "a", randomConfig(1<<20), 5)
	wantErr(t, err, db.ErrConflict)
	if n := countKeys(t, cli, "/c/chunk/a:"); n != pieces {
		t.Fatalf("%d pieces after a failed save, want %d", n, pieces)
	}
	errc := make(chan error, 4)
	for range 4 {
		go func() {
			_, err := d.Save(ctx, "a", randomConfig(1<<20), 1)
			errc <- err
		}()
	}
	won := 0
	for range 4 {
		switch err := <-errc; {
		case err == nil:
			won++
		case !errors.Is(err, db.ErrConflict):
			t.Fatal(err)
		}
	}
	if won != 1 {
		t.Fatalf("%d of 4 racing saves from revision 1 won", won)
	}
	resp, err := cli.Get(ctx, "/c/hist/a:", clientv3.WithPrefix(), clientv3.WithKeysOnly())
	if err != nil || len(resp.Kvs) != 2 {
		t.Fatalf("history keys: %v, %v", resp, err)
	}
	pieces = countKeys(t, cli, "/c/chunk/a:")
	if pieces < 24 || pieces > 34 {
		t.Fatalf("%d pieces for two revisions of about 1 MiB in pieces of 64 KiB", pieces)
	}
	// A missing piece is damage, reported as an I/O error.
	resp, err = cli.Get(ctx, "/c/chunk/a:", clientv3.WithPrefix(), clientv3.WithKeysOnly(), clientv3.WithLimit(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Delete(ctx, string(resp.Kvs[0].Key)); err != nil {
		t.Fatal(err)
	}
	// The first piece in key order is one of revision 1 (keys hold the
	// time of the save); revision 2 is untouched.
	_, _, err = d.Load(ctx, "a", 1)
	wantErr(t, err, errs.ErrIO)
	if _, _, err := d.Load(ctx, "a", 2); err != nil {
		t.Fatalf("the intact revision: %v", err)
	}
	if !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("error %q does not say the data is damaged", err)
	}
	if err := d.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if n := countKeys(t, cli, "/c/chunk/"); n != 0 {
		t.Fatalf("%d pieces left after delete", n)
	}
}

// TestRequestTooLarge: pieces larger than the server's --max-request-bytes
// (1.5 MiB by default) are refused with a limit error that says what to
// change; the default pieces fit, just under and just over etcd's request
// limit alike.
func TestRequestTooLarge(t *testing.T) {
	e := startEtcd(t)
	ctx := t.Context()
	d, err := openDB(t, e.URL("/big")+"?chunk_bytes=4MiB", db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Save(ctx, "x", randomConfig(3<<20), -1)
	wantErr(t, err, errs.ErrLimit)
	for _, s := range []string{"--max-request-bytes", "chunk_bytes"} {
		if !strings.Contains(err.Error(), s) {
			t.Fatalf("error %q does not name %s", err, s)
		}
	}
	d2, err := openDB(t, e.URL("/big"), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const etcdLimit = 1572864 // etcd's default --max-request-bytes
	for _, n := range []int{etcdLimit - 1024, etcdLimit + 1024, 2 * etcdLimit} {
		if _, err := d2.Save(ctx, "x", randomConfig(n), -1); err != nil {
			t.Fatalf("a config of %d bytes: %v", n, err)
		}
	}
	for _, bad := range []string{"chunk_bytes=1", "chunk_bytes=2GiB", "chunk_bytes=x"} {
		_, err := openDB(t, e.URL("/big")+"?"+bad, db.Options{})
		wantErr(t, err, errs.ErrInvalidArgument)
	}
}

// TestLegacyBlob: a history value written before the storage encoding was
// versioned (the codec output itself) still loads and queries.
func TestLegacyBlob(t *testing.T) {
	e := startEtcd(t)
	st, err := etcd.OpenURL(e.URL("/old"), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(t.Context(), "svc", []byte(`{"server":{"port":8080}}`), -1, time.Now()); err != nil {
		t.Fatal(err)
	}
	st.Close()
	d, err := openDB(t, e.URL("/old"), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := d.Query(t.Context(), "**:server.port")
	if err != nil || len(rows) != 1 || rows[0].Value != int64(8080) {
		t.Fatalf("Query: %v, %v", rows, err)
	}
	if _, _, err := d.Load(t.Context(), "svc", 0); err != nil {
		t.Fatal(err)
	}
}

// TestDeleteRacingLargeSave: deletes of a name while large saves of it
// write their pieces never leave a revision that fails to load.
func TestDeleteRacingLargeSave(t *testing.T) {
	e := startEtcd(t)
	ctx := t.Context()
	d, err := openDB(t, e.URL("/race")+"?chunk_bytes=16KiB", db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := randomConfig(256 << 10) // 12 or more pieces each
	stop := make(chan struct{})
	deleted := make(chan int)
	var losing atomic.Int64 // saves in a row that gave up with a conflict
	go func() {
		n := 0
		defer func() { deleted <- n }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			// A small save makes sure there is something to delete.
			d.Save(ctx, "x", dbtest.Map("small", true), -1)
			if err := d.Delete(ctx, "x"); err == nil {
				n++
			}
			// Let some saves through: the longer saves have been losing
			// the race (a slow, loaded machine), the longer the pause.
			time.Sleep(time.Duration(1+losing.Load()) * 20 * time.Millisecond)
		}
	}()
	conflicts, saved, attempts := 0, 0, 0
	for ; saved < 20 && attempts < 400; attempts++ {
		rev, err := d.Save(ctx, "x", cfg, -1)
		if errors.Is(err, db.ErrConflict) {
			conflicts++ // deleted again and again while it was written
			losing.Add(1)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		saved++
		losing.Store(0)
		// Deleted since is fine; damaged is not.
		if _, _, err := d.Load(ctx, "x", rev); err != nil && !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("revision %d right after its save: %v", rev, err)
		}
	}
	close(stop)
	t.Logf("%d deletes raced %d saves, %d of which gave up with a conflict", <-deleted, attempts, conflicts)
	if saved == 0 {
		t.Fatal("no save got through: the test checked nothing")
	}
	hist, err := d.History(ctx, "x")
	if err != nil && !errors.Is(err, errs.ErrNotFound) {
		t.Fatal(err)
	}
	for _, h := range hist {
		if _, _, err := d.Load(ctx, "x", h.Revision); err != nil {
			t.Fatalf("revision %d: %v", h.Revision, err)
		}
	}
	if _, err := d.Save(ctx, "x", cfg, -1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.Load(ctx, "x", 0); err != nil {
		t.Fatal(err)
	}
}
