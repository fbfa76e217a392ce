package etcd

import (
	"context"
	"net"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"google.golang.org/grpc"
)

// fakeMember answers Status like a follower of leader 7 at term 3 that has
// applied everything; its reads answer at once, or (stalled) never, like a
// thawed member that names the right leader but applies nothing yet.
type fakeMember struct {
	pb.UnimplementedMaintenanceServer
	pb.UnimplementedKVServer
	stalled atomic.Bool
}

func (m *fakeMember) Status(context.Context, *pb.StatusRequest) (*pb.StatusResponse, error) {
	return &pb.StatusResponse{Header: &pb.ResponseHeader{RaftTerm: 3}, Leader: 7, RaftTerm: 3, RaftAppliedIndex: 500}, nil
}

func (m *fakeMember) Range(ctx context.Context, _ *pb.RangeRequest) (*pb.RangeResponse, error) {
	if m.stalled.Load() {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return &pb.RangeResponse{Header: &pb.ResponseHeader{}}, nil
}

func startFake(t *testing.T, m *fakeMember) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	pb.RegisterMaintenanceServer(srv, m)
	pb.RegisterKVServer(srv, m)
	go srv.Serve(ln)
	t.Cleanup(srv.Stop)
	return "http://" + ln.Addr().String()
}

// TestProbeTakesOutAMemberThatDoesNotServeReads: a member whose status is
// perfect but whose reads hang is taken out of the endpoint list, and put
// back once it serves them (issue 18: a thawed old leader was put back on
// its status alone and held every caller's calls for their whole timeout).
func TestProbeTakesOutAMemberThatDoesNotServeReads(t *testing.T) {
	stalled := &fakeMember{}
	stalled.stalled.Store(true)
	urls := []string{startFake(t, &fakeMember{}), startFake(t, stalled), startFake(t, &fakeMember{})}
	cli, err := clientv3.New(clientv3.Config{Endpoints: urls, DialTimeout: 2 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	s := &Store{cli: cli, base: "/t", reqTimeout: 2 * time.Second, fo: newFailover(urls, 2*time.Second), done: make(chan struct{})}
	s.life, s.endLife = context.WithCancel(context.Background())
	defer s.close()

	s.probe()
	if out, _ := s.FailoverState(); !slices.Equal(out, []string{urls[1]}) {
		t.Fatalf("taken out: %v, want only the member whose reads hang, %s", out, urls[1])
	}
	if got := cli.Endpoints(); !slices.Equal(got, []string{urls[0], urls[2]}) {
		t.Fatalf("client endpoints %v", got)
	}

	// It serves again: the put-back loop (every quarter timeout) returns it.
	stalled.stalled.Store(false)
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.fo.mu.Lock()
		back := len(s.fo.out) == 0
		s.fo.mu.Unlock()
		if back {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the member was not put back after it served reads again")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := cli.Endpoints(); len(got) != 3 {
		t.Fatalf("client endpoints after the put-back: %v", got)
	}
}
