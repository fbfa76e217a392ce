package etcd

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gocfg/gocfg/gocore/db/backend"
	"github.com/gocfg/gocfg/gocore/errs"
)

// The errors a cluster gives while it loses a member or elects a leader
// must reach the caller as ErrConnection (try again; a write's outcome
// may be unknown), never as ErrIO, which says the stored data is damaged.
// The client hands them over as rpctypes.EtcdError values, or as gRPC
// statuses when it does not know the message; both forms are checked.
// "leader changed" (a linearizable read or a write in flight while the
// cluster elects a leader) and "too many requests" used to come out as
// ErrIO, which the Python binding raises as FileError, and so did a
// member's own deadline running out.
func TestClusterErrorsAreConnectionErrors(t *testing.T) {
	s := &Store{done: make(chan struct{}), desc: "etcd://h1:1,h2:2/p", endpoints: []string{"h1:1", "h2:2"},
		reqTimeout: time.Second, chunk: DefaultChunkBytes}
	for _, e := range []error{
		rpctypes.ErrNoLeader, rpctypes.ErrLeaderChanged, rpctypes.ErrStopped, rpctypes.ErrTimeout,
		rpctypes.ErrTimeoutDueToLeaderFail, rpctypes.ErrTimeoutDueToConnectionLost,
		rpctypes.ErrTimeoutWaitAppliedIndex, rpctypes.ErrUnhealthy, rpctypes.ErrTooManyRequests,
		rpctypes.Error(rpctypes.ErrGRPCDeadlineExceeded),
		rpctypes.ErrGRPCLeaderChanged, rpctypes.ErrGRPCTimeoutWaitAppliedIndex, rpctypes.ErrGRPCNoLeader,
		// What a member sends when its copy of the request's deadline runs
		// out before the client's does (seen in the cluster fault run as
		// FileError "context deadline exceeded"): gRPC turns a handler's
		// context error into an Unknown status carrying its text.
		status.Error(codes.Unknown, context.DeadlineExceeded.Error()),
		status.Error(codes.Unknown, context.Canceled.Error()),
	} {
		got := s.opErr(context.Background(), "save \"x\"", e)
		if !errors.Is(got, backend.ErrConnection) || errors.Is(got, errs.ErrIO) {
			t.Errorf("%v (%T) became %v, want ErrConnection", e, e, got)
		}
	}
	// What stays as it was: a full disk is a storage failure, a refused
	// permission an auth error, an oversized request a limit.
	for e, want := range map[error]error{
		rpctypes.ErrNoSpace:                           errs.ErrIO,
		rpctypes.ErrPermissionDenied:                  backend.ErrAuth,
		rpctypes.ErrRequestTooLarge:                   errs.ErrLimit,
		status.Error(codes.Unknown, "something else"): errs.ErrIO,
	} {
		if got := s.opErr(context.Background(), "save \"x\"", e); !errors.Is(got, want) || errors.Is(got, backend.ErrConnection) {
			t.Errorf("%v became %v, want %v", e, got, want)
		}
	}
}
