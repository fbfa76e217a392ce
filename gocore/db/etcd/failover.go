package etcd

// Failover: what keeps a frozen member from costing every caller its
// timeout.
//
// A member that is stopped (SIGSTOP, a hung machine, a partition that drops
// packets) keeps its TCP connection open: gRPC's round-robin balancer goes
// on sending it a share of the calls, which wait until their deadline,
// until gRPC's keepalive gives up on the connection. gRPC will not ping
// more often than every 10 s (and etcd answers quicker pings with
// GOAWAY), so that took about 12 s, during which most saves failed with
// ErrConnection.
//
// Here a call that has not answered after suspectAfter (a quarter of the
// request timeout) makes the store ask every member for its status, and
// for a linearizable read of one key, on a connection of its own (probe).
// Members that do not answer both within suspectAfter are taken out of
// the client's endpoint list (Client.SetEndpoints), so the balancer stops
// picking them, and the calls that may have been sent to them (those
// begun before they were taken out) are cut short and tried again on the
// others. A member that answers a
// later probe (every suspectAfter while some member is out) is put back.
// A call that is merely slow is not cut while every member answers its
// probe, so a large save over a slow link keeps its whole timeout. When no
// member answers, nothing is taken out: the client's own view is as good as
// ours.
//
// Trying again is safe for reads and for writes that are idempotent
// (pieces of a split config, removing pieces). A save's compare-and-swap
// transaction is not retried blindly: see resolveSave in etcd.go.
//
// Watches: a watch stream on a member that is taken out is moved too (the
// watch is cancelled and started again from the next revision it has not
// delivered, on a gRPC stream of its own, which the balancer puts on a
// member that answers), so events go on arriving without a gap of
// keepalive length, none lost and none repeated.

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// failover is a Store's view of which members answer.
type failover struct {
	urls         []string // every endpoint, as given
	suspectAfter time.Duration
	margin       time.Duration // how long the balancer may take to apply an endpoint list

	mu      sync.Mutex
	closed  bool                 // the store closed: start nothing
	out     map[string]time.Time // endpoints taken out, and when
	probing *probeRound          // the round in progress, if any
	looping bool                 // the put-back loop runs
	routeN  int64                // how many times watches were told to move
	route   context.Context      // cancelled when watches must move
	reroute context.CancelFunc

	probes atomic.Int64 // probe rounds run (for tests and figures)
}

type probeRound struct {
	done chan struct{}
}

func newFailover(urls []string, reqTimeout time.Duration) *failover {
	f := &failover{
		urls:         urls,
		suspectAfter: min(max(reqTimeout/4, 100*time.Millisecond), 2*time.Second),
		margin:       100 * time.Millisecond,
		out:          map[string]time.Time{},
	}
	f.route, f.reroute = context.WithCancel(context.Background())
	return f
}

// enabled: with one endpoint there is nowhere else to go.
func (f *failover) enabled() bool { return len(f.urls) > 1 }

// watchRoute is the context a watch stream runs under, cancelled when a
// member is taken out, and its sequence number.
func (f *failover) watchRoute() (context.Context, int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.route, f.routeN
}

// attempt runs one call. It returns cut = true when the call was cancelled
// because it may have been waiting on a member that was then taken out.
func (s *Store) attempt(ctx context.Context, call func(context.Context) error) (err error, cut bool) {
	f := s.fo
	if !f.enabled() {
		return call(ctx), false
	}
	start := time.Now()
	actx, cancel := context.WithCancel(ctx)
	var (
		mu       sync.Mutex
		finished bool
		wasCut   bool
		timer    *time.Timer
	)
	check := func() {
		// A call slow enough to be suspect: ask who answers.
		if s.suspect(start) {
			mu.Lock()
			if !finished {
				wasCut = true
			}
			mu.Unlock()
			cancel()
			return
		}
		mu.Lock()
		if !finished {
			timer.Reset(f.suspectAfter)
		}
		mu.Unlock()
	}
	mu.Lock()
	timer = time.AfterFunc(f.suspectAfter, check)
	mu.Unlock()
	err = call(actx)
	mu.Lock()
	finished = true
	cut = wasCut && err != nil && ctx.Err() == nil
	timer.Stop()
	mu.Unlock()
	cancel()
	return err, cut
}

// suspect runs a probe round (or waits for the one in progress) and says
// whether a call begun at start may be waiting on a member taken out since.
func (s *Store) suspect(start time.Time) bool {
	s.probe()
	f := s.fo
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, since := range f.out {
		if since.After(start.Add(-f.margin)) {
			return true
		}
	}
	return false
}

// memberState is what a probe learned of one member.
type memberState struct {
	answered bool
	refused  bool   // it answered with a refusal: its state is unknown
	leader   uint64 // the leader it knows (0: none)
	term     uint64
	applied  uint64 // its applied Raft index
}

// maxApplyLag is how far (in Raft entries) a member's applied index may be
// behind the most advanced member's for it to serve calls. A member thawed
// after a freeze answers its status at once but serves linearizable reads
// only once it has applied what it missed; sending it calls before would
// make them wait.
const maxApplyLag = 1000

// probe asks every member for its status, each on a connection of its own,
// and updates the endpoint list (see serving for who serves calls). When
// no member qualifies (an election is under way, the quorum is lost, or
// none answered), nothing changes: our view is then no better than the
// client's. Concurrent probes share one round.
func (s *Store) probe() {
	f := s.fo
	f.mu.Lock()
	if r := f.probing; r != nil {
		f.mu.Unlock()
		select {
		case <-r.done:
		case <-s.done:
		}
		return
	}
	r := &probeRound{done: make(chan struct{})}
	f.probing = r
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.probing = nil
		f.mu.Unlock()
		close(r.done)
	}()
	f.probes.Add(1)

	states := make([]memberState, len(f.urls))
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(s.life, f.suspectAfter)
	defer cancel()
	for i, u := range f.urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			states[i] = s.probeMember(ctx, u)
		}()
	}
	wg.Wait()

	f.mu.Lock()
	defer f.mu.Unlock()
	good := serving(states)
	if f.closed || good == nil {
		return
	}
	newlyOut := false
	for i, u := range f.urls {
		_, isOut := f.out[u]
		switch {
		case good[i] && isOut:
			delete(f.out, u)
		case !good[i] && !isOut:
			f.out[u] = time.Time{} // set below, once the balancer knows
			newlyOut = true
		}
	}
	var in []string
	for _, u := range f.urls {
		if _, isOut := f.out[u]; !isOut {
			in = append(in, u)
		}
	}
	if len(in) == 0 {
		return // cannot happen (a good member is in), but never leave none
	}
	s.cli.SetEndpoints(in...)
	now := time.Now()
	for u, since := range f.out {
		if since.IsZero() {
			f.out[u] = now
		}
	}
	if newlyOut {
		f.reroute()
		f.route, f.reroute = context.WithCancel(context.Background())
		f.routeN++
	}
	if len(f.out) > 0 && !f.looping {
		f.looping = true
		s.wg.Add(1)
		go s.putBack()
	}
}

// probeMember asks one member, on a connection of its own, for its status
// and, at the same time, for a linearizable read of one key (the rev key
// of the empty name, which never exists: the read costs one ReadIndex
// round and no data).
//
// The read is what the calls need: a member serves them only once it can
// confirm with the leader that it has applied what is committed. Its
// status alone is not enough. On a loaded machine, a thawed old leader
// answered its status at once, naming the new leader at its term with an
// applied index 5 entries behind, and then applied nothing for over 3 s
// while the others went on. Put back on its status, it held every call
// the balancer gave it for the caller's whole timeout, and as each
// caller's calls came round to it, all of them waited at once (issue 18:
// five ConnectionErrors in a row for one worker, ~10 s with almost no
// save). With the read, such a member stays out until it serves.
func (s *Store) probeMember(ctx context.Context, u string) memberState {
	conn, err := s.cli.Dial(u)
	if err != nil {
		return memberState{}
	}
	defer conn.Close()
	var (
		st      memberState
		readErr error
		wg      sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		kv := clientv3.NewKVFromKVClient(pb.NewKVClient(conn), s.cli)
		_, readErr = kv.Get(ctx, s.revKey(""), clientv3.WithCountOnly())
	}()
	m := clientv3.NewMaintenanceFromMaintenanceClient(pb.NewMaintenanceClient(conn), s.cli)
	resp, err := m.Status(ctx, u)
	wg.Wait()
	if err == nil && readErr != nil && (isConn(readErr) || ctx.Err() != nil) {
		return memberState{} // it answers its status but does not serve
	}
	if err != nil {
		// A refusal (auth, permission) is an answer too: the member
		// runs, and the calls will report the refusal themselves.
		st.answered = !isConn(err) && ctx.Err() == nil
		st.refused = st.answered
		return st
	}
	// A read refused (a user allowed only some names) says nothing of
	// the member's state: it is judged by its status alone.
	st.answered, st.leader, st.term, st.applied = true, resp.Leader, resp.RaftTerm, resp.RaftAppliedIndex
	if resp.Header != nil && st.term == 0 {
		st.term = resp.Header.RaftTerm
	}
	return st
}

// serving says which members should get calls, from their states; nil
// when none qualifies. The leader is the one most members that answered
// name (at the highest term, on a tie); a member qualifies when it names
// that leader at that term and has applied nearly everything. A thawed old
// leader (it names itself, at its old term) and a candidate (it names
// nobody, at a term it raised alone; without pre-vote a thawed member may
// campaign again and again) do not.
func serving(states []memberState) []bool {
	type view struct{ leader, term uint64 }
	votes := map[view]int{}
	var maxApplied uint64
	for _, st := range states {
		if st.answered && !st.refused && st.leader != 0 {
			votes[view{st.leader, st.term}]++
			maxApplied = max(maxApplied, st.applied)
		}
	}
	var best view
	bestVotes := 0
	for v, n := range votes {
		if n > bestVotes || (n == bestVotes && v.term > best.term) {
			best, bestVotes = v, n
		}
	}
	good := make([]bool, len(states))
	anyGood := false
	for i, st := range states {
		good[i] = st.refused || (bestVotes > 0 && st.answered && st.leader == best.leader && st.term == best.term &&
			st.applied+maxApplyLag >= maxApplied)
		anyGood = anyGood || good[i]
	}
	if !anyGood {
		return nil
	}
	return good
}

// putBack probes the members taken out until all are back (or the store
// closes), so that a thawed member takes its share of the calls again.
func (s *Store) putBack() {
	defer s.wg.Done()
	f := s.fo
	t := time.NewTicker(f.suspectAfter)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		f.mu.Lock()
		if len(f.out) == 0 {
			f.looping = false
			f.mu.Unlock()
			return
		}
		f.mu.Unlock()
		s.probe()
	}
}

// retry runs an idempotent call (a read, or a write that may be repeated)
// until it succeeds, fails for a reason other than the connection, or ctx
// ends. A member's "not now" (no leader, leader changed, its own deadline)
// is tried again too, after a short pause.
func (s *Store) retry(ctx context.Context, call func(context.Context) error) error {
	for {
		err, cut := s.attempt(ctx, call)
		if err == nil {
			return nil
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if !cut && !isConn(err) {
			return err
		}
		if !cut && !pause(ctx, retryPause) {
			return ctx.Err()
		}
	}
}

// retryPause keeps a call that fails at once (no endpoint available) from
// spinning until its deadline.
const retryPause = 50 * time.Millisecond

// pause waits d or until ctx ends; false if it ended.
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
