package db_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
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
			sharedEtcd, etcdErr = dbtest.StartEtcd(etcdDir, nil)
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

var cases = []struct {
	name string
	run  func(t *testing.T, d *db.DB)
}{
	{"SaveLoadRevisions", testSaveLoad},
	{"CompareAndSwap", testCAS},
	{"Names", testNames},
	{"Delete", testDelete},
	{"History", testHistory},
	{"Query", testQuery},
	{"Watch", testWatch},
	{"Close", testClose},
	{"BadNames", testBadNames},
	{"ConcurrentIncrements", testConcurrentIncrements},
}

// TestBackends runs the same suite on every backend.
func TestBackends(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) { c.run(t, b.open(t)) })
			}
		})
	}
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

func testSaveLoad(t *testing.T, d *db.DB) {
	ctx := t.Context()
	v1 := m("server", m("host", "a", "port", int64(80)), "debug", true, "ratio", 0.5, "tags", []any{"x", nil})
	if rev := mustSave(t, d, "app", v1, 0); rev != 1 {
		t.Fatalf("first revision %d, want 1", rev)
	}
	v2 := m("server", m("host", "b", "port", int64(8080)))
	if rev := mustSave(t, d, "app", v2, 1); rev != 2 {
		t.Fatalf("second revision %d, want 2", rev)
	}
	if rev := mustSave(t, d, "app", v1, -1); rev != 3 {
		t.Fatalf("third revision %d, want 3", rev)
	}
	got, rev, err := d.Load(ctx, "app", 0)
	if err != nil || rev != 3 || !value.Equal(got, v1) {
		t.Fatalf("Load latest: %v rev %d err %v", got, rev, err)
	}
	got, rev, err = d.Load(ctx, "app", 2)
	if err != nil || rev != 2 || !value.Equal(got, v2) {
		t.Fatalf("Load rev 2: %v rev %d err %v", got, rev, err)
	}
	// Key order survives the round trip.
	if keys := got.Keys(); !slices.Equal(keys, []string{"server"}) {
		t.Fatalf("keys %v", keys)
	}
	_, _, err = d.Load(ctx, "app", 4)
	wantErr(t, err, errs.ErrNotFound)
	_, _, err = d.Load(ctx, "nope", 0)
	wantErr(t, err, errs.ErrNotFound)
	_, _, err = d.Load(ctx, "app", -1)
	wantErr(t, err, errs.ErrInvalidArgument)
	_, err = d.Save(ctx, "app", nil, -1)
	wantErr(t, err, errs.ErrInvalidArgument)
	_, err = d.Save(ctx, "app", v1, -2)
	wantErr(t, err, errs.ErrInvalidArgument)
	// Revisions count per name.
	if rev := mustSave(t, d, "other", m(), 0); rev != 1 {
		t.Fatalf("other's first revision %d", rev)
	}
	got, _, err = d.Load(ctx, "other", 0)
	if err != nil || got.Len() != 0 {
		t.Fatalf("empty config: %v %v", got, err)
	}
	// A unicode name with spaces and dots.
	mustSave(t, d, "équipe/名前 x.y", v2, 0)
	got, _, err = d.Load(ctx, "équipe/名前 x.y", 0)
	if err != nil || !value.Equal(got, v2) {
		t.Fatalf("unicode name: %v %v", got, err)
	}
}

func testCAS(t *testing.T, d *db.DB) {
	ctx := t.Context()
	_, err := d.Save(ctx, "c", m("a", int64(1)), 1)
	wantErr(t, err, db.ErrConflict) // expected revision 1 of a missing config
	mustSave(t, d, "c", m("a", int64(1)), 0)
	_, err = d.Save(ctx, "c", m("a", int64(2)), 0)
	wantErr(t, err, db.ErrConflict) // must not exist, but does
	mustSave(t, d, "c", m("a", int64(2)), 1)
	_, err = d.Save(ctx, "c", m("a", int64(3)), 1)
	wantErr(t, err, db.ErrConflict) // stale: someone saved revision 2
	_, err = d.Save(ctx, "c", m("a", int64(3)), 7)
	wantErr(t, err, db.ErrConflict)
	got, rev, err := d.Load(ctx, "c", 0)
	if err != nil || rev != 2 || !value.Equal(got, m("a", int64(2))) {
		t.Fatalf("after conflicts: %v rev %d err %v", got, rev, err)
	}
	if rev := mustSave(t, d, "c", m("a", int64(4)), -1); rev != 3 {
		t.Fatalf("unconditional save gave revision %d", rev)
	}
}

func testNames(t *testing.T, d *db.DB) {
	ctx := t.Context()
	for _, n := range []string{"services/web/extra", "services/web", "a", "services", "services/api", "servicesX", "z/y"} {
		mustSave(t, d, n, m(), -1)
	}
	check := func(prefix string, want ...string) {
		t.Helper()
		got, err := d.Names(ctx, prefix)
		if err != nil {
			t.Fatalf("Names(%q): %v", prefix, err)
		}
		if want == nil {
			want = []string{}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("Names(%q) = %q, want %q", prefix, got, want)
		}
	}
	check("", "a", "services", "services/api", "services/web", "services/web/extra", "servicesX", "z/y")
	check("services", "services", "services/api", "services/web", "services/web/extra")
	check("services/", "services/api", "services/web", "services/web/extra")
	check("services/web", "services/web", "services/web/extra")
	check("serv")
	check("nothing/")
	_, err := d.Names(ctx, "a//")
	wantErr(t, err, errs.ErrInvalidArgument)
	_, err = d.Names(ctx, "/")
	wantErr(t, err, errs.ErrInvalidArgument)
}

func testDelete(t *testing.T, d *db.DB) {
	ctx := t.Context()
	mustSave(t, d, "x/a", m("v", int64(1)), 0)
	mustSave(t, d, "x/a", m("v", int64(2)), 1)
	mustSave(t, d, "x/b", m(), 0)
	if err := d.Delete(ctx, "x/a"); err != nil {
		t.Fatal(err)
	}
	_, _, err := d.Load(ctx, "x/a", 0)
	wantErr(t, err, errs.ErrNotFound)
	_, _, err = d.Load(ctx, "x/a", 1)
	wantErr(t, err, errs.ErrNotFound) // history went with it
	_, err = d.History(ctx, "x/a")
	wantErr(t, err, errs.ErrNotFound)
	wantErr(t, d.Delete(ctx, "x/a"), errs.ErrNotFound)
	wantErr(t, d.Delete(ctx, "never"), errs.ErrNotFound)
	if names, _ := d.Names(ctx, ""); !slices.Equal(names, []string{"x/b"}) {
		t.Fatalf("names after delete: %q", names)
	}
	// A CAS against the deleted revision fails; re-creating works, and
	// revisions go on where they were (the delete used up 3).
	_, err = d.Save(ctx, "x/a", m(), 2)
	wantErr(t, err, db.ErrConflict)
	if rev := mustSave(t, d, "x/a", m("v", int64(9)), 0); rev != 4 {
		t.Fatalf("re-created at revision %d, want 4", rev)
	}
	h, err := d.History(ctx, "x/a")
	if err != nil || len(h) != 1 || h[0].Revision != 4 {
		t.Fatalf("history after re-creation: %v %v", h, err)
	}
}

func testHistory(t *testing.T, d *db.DB) {
	ctx := t.Context()
	before := time.Now().Add(-time.Second)
	for i := range 3 {
		mustSave(t, d, "h", m("i", int64(i)), int64(i))
	}
	mustSave(t, d, "h2", m(), 0)
	h, err := d.History(ctx, "h")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 3 {
		t.Fatalf("history %v", h)
	}
	for i, e := range h {
		if e.Revision != int64(i+1) {
			t.Fatalf("history %v: not oldest first", h)
		}
		if e.Time.Before(before) || e.Time.After(time.Now().Add(time.Second)) {
			t.Fatalf("history time %v", e.Time)
		}
		if i > 0 && e.Time.Before(h[i-1].Time) {
			t.Fatalf("history times go back: %v", h)
		}
		got, _, err := d.Load(ctx, "h", e.Revision)
		if err != nil || !value.Equal(got, m("i", int64(i))) {
			t.Fatalf("revision %d: %v %v", e.Revision, got, err)
		}
	}
	_, err = d.History(ctx, "missing")
	wantErr(t, err, errs.ErrNotFound)
}

func testQuery(t *testing.T, d *db.DB) {
	ctx := t.Context()
	mustSave(t, d, "services/api", m("server", m("host", "api.local", "port", int64(8080)), "tags", []any{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}), 0)
	mustSave(t, d, "services/web", m("server", m("port", int64(80)), "empty", m(), "a.b", "dotted"), 0)
	mustSave(t, d, "services/web/v2", m("server", m("port", int64(81))), 0)
	mustSave(t, d, "top", m("server", m("port", int64(1)), "list", []any{}), 0)
	type row = db.Row
	check := func(expr string, want ...row) {
		t.Helper()
		got, err := d.Query(ctx, expr)
		if err != nil {
			t.Fatalf("Query(%q): %v", expr, err)
		}
		if len(got) != len(want) {
			t.Fatalf("Query(%q) = %v, want %v", expr, got, want)
		}
		for i := range got {
			if got[i].Name != want[i].Name || got[i].Path != want[i].Path || !value.Equal(got[i].Value, want[i].Value) {
				t.Fatalf("Query(%q)[%d] = %v, want %v (all: %v)", expr, i, got[i], want[i], got)
			}
		}
	}
	check("services/*:server.port",
		row{"services/api", "server.port", int64(8080)},
		row{"services/web", "server.port", int64(80)})
	check("**:server.port",
		row{"services/api", "server.port", int64(8080)},
		row{"services/web", "server.port", int64(80)},
		row{"services/web/v2", "server.port", int64(81)},
		row{"top", "server.port", int64(1)})
	check("services/**:server.port",
		row{"services/api", "server.port", int64(8080)},
		row{"services/web", "server.port", int64(80)},
		row{"services/web/v2", "server.port", int64(81)})
	// '*' stays within one level; ** may match none.
	check("*:**",
		row{"top", "list", []any{}},
		row{"top", "server.port", int64(1)})
	check("services/web/**:*.port",
		row{"services/web", "server.port", int64(80)},
		row{"services/web/v2", "server.port", int64(81)})
	check("s*/w*:**",
		row{"services/web", `"a.b"`, "dotted"},
		row{"services/web", "empty", m()},
		row{"services/web", "server.port", int64(80)})
	check(`services/web:"a.b"`, row{"services/web", `"a.b"`, "dotted"})
	check("services/api:server.*",
		row{"services/api", "server.host", "api.local"},
		row{"services/api", "server.port", int64(8080)})
	// List indexes sort as numbers.
	got, err := d.Query(ctx, "services/api:tags.*")
	if err != nil || len(got) != 11 || got[2].Path != "tags.2" || got[10].Path != "tags.10" || got[10].Value != "k" {
		t.Fatalf("tags: %v %v", got, err)
	}
	check("**:**.po*",
		row{"services/api", "server.port", int64(8080)},
		row{"services/web", "server.port", int64(80)},
		row{"services/web/v2", "server.port", int64(81)},
		row{"top", "server.port", int64(1)})
	check("nothing/*:**")
	check("top:server") // a map is not a leaf
	for _, bad := range []string{"", "top", ":x", "top:", "a//b:x", "a**:x", "top:a..b", "top:x.", `top:"open`, "top:a**", "../x:y"} {
		_, err := d.Query(ctx, bad)
		wantErr(t, err, errs.ErrInvalidArgument)
	}
}

func nextEvent(t *testing.T, ch <-chan db.Event) db.Event {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("watch channel closed")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
	}
	return db.Event{}
}

func noEvent(t *testing.T, ch <-chan db.Event) {
	t.Helper()
	select {
	case ev, ok := <-ch:
		t.Fatalf("unexpected event %v (open %v)", ev, ok)
	case <-time.After(200 * time.Millisecond):
	}
}

func waitClosed(t *testing.T, ch <-chan db.Event) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("watch channel not closed within 10s")
		}
	}
}

func testWatch(t *testing.T, d *db.DB) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	mustSave(t, d, "svc/a", m(), 0) // before the watch: not reported
	ch, err := d.Watch(ctx, "svc")
	if err != nil {
		t.Fatal(err)
	}
	exact, err := d.Watch(ctx, "svc/a")
	if err != nil {
		t.Fatal(err)
	}
	all, err := d.Watch(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	mustSave(t, d, "svc/a", m("v", int64(2)), 1)
	mustSave(t, d, "svcX", m(), 0)    // not under svc
	mustSave(t, d, "svc/a/b", m(), 0) // under svc and svc/a
	mustSave(t, d, "svc/ab", m(), 0)  // under svc, not svc/a
	if err := d.Delete(ctx, "svc/a"); err != nil {
		t.Fatal(err)
	}
	mustSave(t, d, "svc", m(), 0)
	want := []db.Event{
		{Name: "svc/a", Revision: 2},
		{Name: "svc/a/b", Revision: 1},
		{Name: "svc/ab", Revision: 1},
		{Name: "svc/a", Revision: 3, Deleted: true},
		{Name: "svc", Revision: 1},
	}
	for _, w := range want {
		if ev := nextEvent(t, ch); ev != w {
			t.Fatalf("event %+v, want %+v", ev, w)
		}
	}
	noEvent(t, ch)
	for _, w := range []db.Event{want[0], want[1], want[3]} {
		if ev := nextEvent(t, exact); ev != w {
			t.Fatalf("exact watch: event %+v, want %+v", ev, w)
		}
	}
	noEvent(t, exact)
	if n := len(want) + 1; true {
		var got []db.Event
		for range n {
			got = append(got, nextEvent(t, all))
		}
		if got[1] != (db.Event{Name: "svcX", Revision: 1}) {
			t.Fatalf("watch of everything: %+v", got)
		}
	}
	// Cancelling the context closes the channel.
	cancel()
	waitClosed(t, ch)
	waitClosed(t, exact)
	waitClosed(t, all)
	_, err = d.Watch(t.Context(), "bad//prefix")
	wantErr(t, err, errs.ErrInvalidArgument)
}

func testClose(t *testing.T, d *db.DB) {
	ctx := t.Context()
	mustSave(t, d, "k", m(), 0)
	ch, err := d.Watch(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if s := d.String(); s == "" {
		t.Fatal("empty String()")
	}
	if err := d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	waitClosed(t, ch) // Close ends the watches
	if err := d.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	_, err = d.Save(ctx, "k", m(), -1)
	wantErr(t, err, errs.ErrClosed)
	_, _, err = d.Load(ctx, "k", 0)
	wantErr(t, err, errs.ErrClosed)
	wantErr(t, d.Delete(ctx, "k"), errs.ErrClosed)
	_, err = d.Names(ctx, "")
	wantErr(t, err, errs.ErrClosed)
	_, err = d.History(ctx, "k")
	wantErr(t, err, errs.ErrClosed)
	_, err = d.Query(ctx, "*:**")
	wantErr(t, err, errs.ErrClosed)
	_, err = d.Watch(ctx, "")
	wantErr(t, err, errs.ErrClosed)
}

func testBadNames(t *testing.T, d *db.DB) {
	ctx := t.Context()
	bad := []string{
		"", "/a", "a/", "a//b", ".", "..", "a/../b", "a/./b", "../etc/passwd",
		"a\x00b", "a\nb", "a\x7fb", "a\u2028b", "\xff\xfe", "a*b", "a:b", `a\b`,
		strings.Repeat("x", db.MaxNameLen+1),
	}
	for _, name := range bad {
		_, err := d.Save(ctx, name, m(), -1)
		wantErr(t, err, errs.ErrInvalidArgument)
		_, _, err = d.Load(ctx, name, 0)
		wantErr(t, err, errs.ErrInvalidArgument)
		wantErr(t, d.Delete(ctx, name), errs.ErrInvalidArgument)
		_, err = d.History(ctx, name)
		wantErr(t, err, errs.ErrInvalidArgument)
	}
	if names, err := d.Names(ctx, ""); err != nil || len(names) != 0 {
		t.Fatalf("a bad name got stored: %q %v", names, err)
	}
	for _, good := range []string{"a", "a/b/c", "a.b", "a b", "a-b_c@d", "..a", "a..", "x/.hidden", strings.Repeat("x", db.MaxNameLen)} {
		mustSave(t, d, good, m(), 0)
	}
}

func testConcurrentIncrements(t *testing.T, d *db.DB) {
	ctx := t.Context()
	const workers, each = 2, 500
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
}

// TestOpen: URL dispatch and its errors.
func TestOpen(t *testing.T) {
	codec := dbtest.JSONCodec{}
	for _, bad := range []string{"", "memory://x", "memory:x", "ftp://host/x", "etcd:nohost"} {
		if _, err := db.Open(bad, db.Options{}, codec); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("Open(%q): %v, want ErrInvalidArgument", bad, err)
		}
	}
	if _, err := db.Open("memory://", db.Options{}, nil); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("nil codec: %v", err)
	}
	_, err := db.Open("redis://user:hunter2@host/0", db.Options{}, codec)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("unknown scheme: %v", err)
	}
	for _, u := range []string{"memory://", "memory:", "MEMORY://"} {
		d := open(t, u)
		if d.String() != "memory://" {
			t.Errorf("String() = %q", d.String())
		}
	}
	// A colon in a bare file name does not make it a URL.
	dir := t.TempDir()
	t.Chdir(dir)
	open(t, "a:b.db").Close()
	if _, err := os.Stat(filepath.Join(dir, "a:b.db")); err != nil {
		t.Fatal(err)
	}
	// A nil context is taken as context.Background().
	d := open(t, "memory://")
	if _, err := d.Save(nil, "a", m(), 0); err != nil {
		t.Fatal(err)
	}
}
