package etcd_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/gocfg/gocfg/gocore/db/backend"
	"github.com/gocfg/gocfg/gocore/db/etcd"
)

// freezer is a TCP proxy to an etcd member that can stop passing bytes
// while keeping every connection open: seen from the client, a frozen
// member (SIGSTOP, a hung machine), whose connections stay READY.
type freezer struct {
	l      net.Listener
	target string

	mu       sync.Mutex
	cond     *sync.Cond
	frozen   bool
	conns    []net.Conn
	accepted int
}

func newFreezer(t *testing.T, target string) *freezer {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &freezer{l: l, target: target}
	f.cond = sync.NewCond(&f.mu)
	go f.serve()
	t.Cleanup(f.close)
	return f
}

func (f *freezer) addr() string { return f.l.Addr().String() }

func (f *freezer) serve() {
	for {
		c, err := f.l.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", f.target)
		if err != nil {
			c.Close()
			continue
		}
		f.mu.Lock()
		f.conns = append(f.conns, c, up)
		f.accepted++
		f.mu.Unlock()
		go f.pipe(up, c)
		go f.pipe(c, up)
	}
}

func (f *freezer) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			f.mu.Lock()
			for f.frozen {
				f.cond.Wait()
			}
			f.mu.Unlock()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				src.Close()
				return
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				dst.Close()
			} else if tc, ok := dst.(*net.TCPConn); ok {
				tc.CloseWrite()
			}
			return
		}
	}
}

func (f *freezer) set(frozen bool) {
	f.mu.Lock()
	f.frozen = frozen
	f.cond.Broadcast()
	f.mu.Unlock()
}

func (f *freezer) close() {
	f.l.Close()
	f.set(false)
	f.mu.Lock()
	for _, c := range f.conns {
		c.Close()
	}
	f.mu.Unlock()
}

// increment adds one to the counter stored under name with a
// compare-and-swap; ok is false when the store said ErrConnection.
func increment(t *testing.T, s *etcd.Store, name string) (ok bool) {
	t.Helper()
	for {
		blob, rev, err := s.Get(context.Background(), name, 0)
		if errors.Is(err, backend.ErrConnection) {
			return false
		}
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(string(blob))
		_, err = s.Put(context.Background(), name, []byte(strconv.Itoa(n+1)), rev, time.Now())
		switch {
		case err == nil:
			return true
		case errors.Is(err, backend.ErrConflict):
			t.Fatalf("conflict with no other writer: an earlier save of ours was applied behind our back: %v", err)
		case errors.Is(err, backend.ErrConnection):
			return false
		default:
			t.Fatal(err)
		}
	}
}

// TestFrozenMemberIsTakenOut: a store whose URL names a member directly
// and through a proxy that then freezes. Calls that land on the frozen
// endpoint are cut short and tried on the other, the frozen endpoint
// leaves the client's list, a watch moves off it without losing or
// repeating an event, and once thawed it is put back.
func TestFrozenMemberIsTakenOut(t *testing.T) {
	e := startEtcd(t)
	fz := newFreezer(t, e.Endpoint())
	u := fmt.Sprintf("etcd://%s,%s/failover", e.Endpoint(), fz.addr())
	s, err := etcd.OpenURL(u, backend.Options{DialTimeout: 2 * time.Second, RequestTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Put(t.Context(), "n", []byte("0"), 0, time.Now()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	events, err := s.Watch(ctx, "n")
	if err != nil {
		t.Fatal(err)
	}
	var (
		seenMu sync.Mutex
		seen   []int64
	)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for ev := range events {
			seenMu.Lock()
			seen = append(seen, ev.Revision)
			seenMu.Unlock()
		}
	}()

	done := 0
	count := func(rounds int) (failed int) {
		for range rounds {
			if increment(t, s, "n") {
				done++
			} else {
				failed++
			}
		}
		return failed
	}
	if f := count(20); f != 0 {
		t.Fatalf("%d of 20 increments failed before any fault", f)
	}
	fz.mu.Lock()
	accepted := fz.accepted
	fz.mu.Unlock()
	if accepted == 0 {
		t.Fatal("the client never connected through the proxy: the freeze would test nothing")
	}

	fz.set(true)
	// Without failover about half of the calls would wait out their
	// timeout here (the balancer alternates between the two endpoints).
	// Generous: 0 is what a run shows.
	failed := count(40)
	if failed > 4 {
		t.Errorf("%d of 40 increments failed with a frozen endpoint", failed)
	}
	out, probes := s.FailoverState()
	if fmt.Sprint(out) != fmt.Sprint([]string{"http://" + fz.addr()}) {
		t.Errorf("taken out of the client's list: %v, want the frozen endpoint (%d probes)", out, probes)
	}

	fz.set(false)
	back := false
	for range 200 { // a liveness bound: put back within a few put-back rounds
		out, _ := s.FailoverState()
		if back = len(out) == 0; back {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !back {
		t.Error("the thawed endpoint was never put back")
	}
	if f := count(20); f != 0 {
		t.Errorf("%d of 20 increments failed after the thaw", f)
	}

	blob, rev, err := s.Get(t.Context(), "n", 0)
	if err != nil {
		t.Fatal(err)
	}
	// Increments that failed with ErrConnection may or may not have been
	// applied; the others were, exactly once.
	n, _ := strconv.Atoi(string(blob))
	if n < done || n > done+failed || rev != int64(n)+1 {
		t.Fatalf("counter %d at revision %d after %d increments that succeeded and %d that failed", n, rev, done, failed)
	}
	for range 200 { // a liveness bound for the watch to catch up
		seenMu.Lock()
		caught := len(seen) >= n
		seenMu.Unlock()
		if caught {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-watched
	want := make([]int64, 0, n)
	for r := int64(2); r <= rev; r++ {
		want = append(want, r)
	}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("the watch saw %d events for revisions 2..%d: %v", len(seen), rev, seen)
	}
}

// TestResolveSave: how a save whose outcome was unknown is judged from
// what the store holds.
func TestResolveSave(t *testing.T) {
	e := startEtcd(t)
	s, err := etcd.OpenURL(e.URL("resolve"), backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	cli, err := e.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	modOf := func() int64 {
		resp, err := cli.Get(ctx, "/resolve/rev/x")
		if err != nil || len(resp.Kvs) != 1 {
			t.Fatalf("the counter key: %v", err)
		}
		return resp.Kvs[0].ModRevision
	}
	histKeyOf := func(rev int64) string {
		resp, err := cli.Get(ctx, fmt.Sprintf("/resolve/hist/x:%020d:", rev), clientv3.WithPrefix())
		if err != nil || len(resp.Kvs) != 1 {
			t.Fatalf("history key of revision %d: %v", rev, err)
		}
		return string(resp.Kvs[0].Key)
	}
	save := func(v string) int64 {
		rev, err := s.Put(ctx, "x", []byte(v), -1, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return rev
	}
	type sent struct {
		rev, mod int64
		histKey  string
	}
	check := func(what string, value string, p *sent, applied bool, unknown bool) {
		t.Helper()
		got, err := s.ResolveSave(ctx, "x", value, p.rev, p.mod, p.histKey)
		if unknown {
			if !errors.Is(err, backend.ErrConnection) {
				t.Errorf("%s: got applied=%v err=%v, want ErrConnection (outcome unknown)", what, got, err)
			}
			return
		}
		if err != nil || got != applied {
			t.Errorf("%s: got applied=%v err=%v, want applied=%v", what, got, err, applied)
		}
	}

	save("v1")
	mod1 := modOf()
	save("v2")
	check("our own key and value", "v2", &sent{rev: 2, mod: mod1, histKey: histKeyOf(2)}, true, false)
	check("our key but another value", "other", &sent{rev: 2, mod: mod1, histKey: histKeyOf(2)}, false, false)
	mod2 := modOf()
	check("nothing changed since: not applied yet", "v3", &sent{rev: 3, mod: mod2, histKey: "k"}, false, false)
	save("v3")
	check("another save took the revision", "mine", &sent{rev: 3, mod: mod2, histKey: "k"}, false, false)
	mod3 := modOf()
	if _, err := s.Delete(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	check("a delete took the revision", "mine", &sent{rev: 4, mod: mod3, histKey: "k"}, false, false)
	save("v5")
	mod5 := modOf()
	save("v6")
	if _, err := s.Delete(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	save("v8")
	check("a later delete removed the evidence", "mine", &sent{rev: 6, mod: mod5, histKey: "k"}, false, true)
}
