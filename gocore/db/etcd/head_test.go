package etcd_test

import (
	"errors"
	"strings"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/db/internal/dbtest"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func headValue(t *testing.T, cli *clientv3.Client, key string) (string, bool) {
	t.Helper()
	resp, err := cli.Get(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Kvs) == 0 {
		return "", false
	}
	return string(resp.Kvs[0].Value), true
}

func wantLoad(t *testing.T, d *db.DB, name string, rev int64, key string, want any) {
	t.Helper()
	m, got, err := d.Load(t.Context(), name, 0)
	if err != nil {
		t.Fatalf("load %q: %v", name, err)
	}
	if v, _ := m.Get(key); got != rev || v != want {
		t.Fatalf("load %q: revision %d, %s = %v; want revision %d, %v", name, got, key, v, rev, want)
	}
	cfgs, revs, err := d.LoadMany(t.Context(), []string{"absent", name})
	if err != nil {
		t.Fatalf("load_many %q: %v", name, err)
	}
	if cfgs[0] != nil || cfgs[1] == nil || revs[1] != rev {
		t.Fatalf("load_many %q: %v %v; want revision %d", name, cfgs, revs, rev)
	}
	if v, _ := cfgs[1].Get(key); v != want {
		t.Fatalf("load_many %q: %s = %v, want %v", name, key, v, want)
	}
}

// TestHead: a save writes the head key (a copy of a small history value;
// only the history key's name for a large one) and a delete removes it;
// a load never trusts a head that names another revision than the rev
// key, as one left by a writer that does not keep heads would, nor one
// that does not parse; load and load_many read the right revision through
// every kind of head, and none.
func TestHead(t *testing.T) {
	cli, d := rawAndDB(t, "/h")
	ctx := t.Context()
	if _, err := d.Save(ctx, "a", dbtest.Map("v", "one"), 0); err != nil {
		t.Fatal(err)
	}
	first, ok := headValue(t, cli, "/h/head/a")
	if !ok || !strings.HasPrefix(first, "00000000000000000001:") || !strings.Contains(first, "\n") {
		t.Fatalf("head after the first save: %q, %v", first, ok)
	}
	wantLoad(t, d, "a", 1, "v", "one")
	if _, err := d.Save(ctx, "a", dbtest.Map("v", "two"), 1); err != nil {
		t.Fatal(err)
	}
	wantLoad(t, d, "a", 2, "v", "two")

	// Heads that must be ignored: one naming the first revision (what a
	// writer without heads leaves after the second save), garbage, none.
	for _, h := range []string{first, "", "garbage", "x:1\nvalue", "-3:4\nvalue"} {
		if _, err := cli.Put(ctx, "/h/head/a", h); err != nil {
			t.Fatal(err)
		}
		wantLoad(t, d, "a", 2, "v", "two")
	}
	if _, err := cli.Delete(ctx, "/h/head/a"); err != nil {
		t.Fatal(err)
	}
	wantLoad(t, d, "a", 2, "v", "two")

	// Over a quarter of the chunk size, the head names the history key
	// without a copy; a split config's head copies its manifest.
	// (Random text: zstd would shrink a repeated one below the bound.)
	medium := randomConfig(40 << 10)
	for _, m := range []*value.Map{medium, randomConfig(200 << 10)} {
		if _, err := d.Save(ctx, "b", m, -1); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Save(ctx, "c", medium, -1); err != nil {
		t.Fatal(err)
	}
	if h, _ := headValue(t, cli, "/h/head/c"); strings.Contains(h, "\n") || !strings.HasPrefix(h, "00000000000000000001:") {
		t.Fatalf("head of a 40 KiB config with 64 KiB chunks: %.60q", h)
	}
	blob, _ := medium.Get("blob")
	wantLoad(t, d, "c", 1, "blob", blob)
	if h, _ := headValue(t, cli, "/h/head/b"); !strings.HasPrefix(h, "00000000000000000002:") || !strings.Contains(h, "\n\x00gck") {
		t.Fatalf("head of a split config: %.60q", h)
	}
	m, rev, err := d.Load(ctx, "b", 0)
	if err != nil || rev != 2 || m.Len() != 1 {
		t.Fatalf("split config: revision %d, %v", rev, err)
	}

	// A delete removes the head with the history (a secret must really go).
	if _, err := d.Save(ctx, "a", dbtest.Map("v", "secret"), 2); err != nil {
		t.Fatal(err)
	}
	if h, _ := headValue(t, cli, "/h/head/a"); !strings.Contains(h, "\n") {
		t.Fatalf("head after a save: %q", h)
	}
	if err := d.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if h, ok := headValue(t, cli, "/h/head/a"); ok {
		t.Fatalf("head after delete: %q", h)
	}
	if _, _, err := d.Load(ctx, "a", 0); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("load after delete: %v", err)
	}
	if _, err := d.Save(ctx, "a", dbtest.Map("v", "three"), 0); err != nil {
		t.Fatal(err)
	}
	wantLoad(t, d, "a", 5, "v", "three")
}
