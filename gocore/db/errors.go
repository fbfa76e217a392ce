package db

import "github.com/gocfg/gocfg/gocore/db/backend"

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
)
