package db

import (
	"context"

	"github.com/gocfg/gocfg/gocore/db/backend"
)

// Error kinds that the stores add to those of gocore/errs (which they also
// use: errs.ErrNotFound, errs.ErrInvalidArgument, errs.ErrClosed, errs.ErrIO).
// They are the same values as in gocore/db/backend, where the backends can
// reach them; match them with errors.Is.
var (
	// ErrConflict: Save's expected revision was not the stored one, because
	// someone saved or deleted in between. Load again and retry.
	ErrConflict = backend.ErrConflict
	// ErrConnection: the store could not be reached, did not answer within
	// the timeout, or the TLS handshake failed.
	ErrConnection = backend.ErrConnection
	// ErrAuth: the store refused the credentials or the operation.
	ErrAuth = backend.ErrAuth
	// ErrWouldWait: a Save or Delete given a context made by
	// WithoutWaiting would have waited for a lock, and wrote nothing.
	ErrWouldWait = backend.ErrWouldWait
)

// WithoutWaiting marks ctx for a Save or Delete that is to be tried
// without waiting for a lock (see backend.WithoutWaiting): it gives
// ErrWouldWait instead. On stores whose writes may always wait (etcd,
// memory) that is answered at once, before any work.
func WithoutWaiting(ctx context.Context) context.Context { return backend.WithoutWaiting(ctx) }
