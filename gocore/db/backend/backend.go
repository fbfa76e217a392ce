// Package backend is the contract between gocore/db and its storage engines
// (memory, sqlite, etcd).
//
// A backend stores opaque blobs under names, with a revision counter per
// name, a history of every revision and a stream of change events. It knows
// nothing of configs, codecs or queries: gocore/db adds those, once, on top
// of every backend, so that all of them behave the same.
//
// This package exists apart from gocore/db only so that the backends can
// share these types without an import cycle; gocore/db re-exports what its
// callers need (Options, Event, the error sentinels).
package backend

import (
	"context"
	"errors"
	"time"

	"github.com/gocfg/gocfg/gocore/errs"
)

// Error kinds of the storage layer, re-exported from gocore/errs (where
// every kind lives) for the backends; match them with errors.Is.
var (
	// ErrConflict: a compare-and-swap found another revision than expected.
	ErrConflict = errs.ErrConflict
	// ErrConnection: the store could not be reached (refused, timed out,
	// TLS handshake failed).
	ErrConnection = errs.ErrConnection
	// ErrAuth: the store refused the credentials or the operation.
	ErrAuth = errs.ErrAuth
)

// ErrWouldWait: a write tried without waiting (WithoutWaiting) found a
// lock held, and wrote nothing.
var ErrWouldWait = errors.New("the write would wait for a lock")

type noWaitKey struct{}

// WithoutWaiting marks ctx for a write (Put, Delete) that is to be tried
// without waiting: a backend that is a NoWaitWriter then returns
// ErrWouldWait, having written nothing, where it would wait for a lock.
// A caller that cannot wait where it is (a thread that must get control
// back to run signal handlers) tries so, and waits elsewhere only when
// told to.
func WithoutWaiting(ctx context.Context) context.Context {
	return context.WithValue(ctx, noWaitKey{}, true)
}

// NoWait reports whether ctx was marked by WithoutWaiting.
func NoWait(ctx context.Context) bool {
	v, _ := ctx.Value(noWaitKey{}).(bool)
	return v
}

// NoWaitWriter is implemented by backends that honour WithoutWaiting. For
// the others gocore/db answers ErrWouldWait before calling them: their
// writes may always wait (etcd: the network).
type NoWaitWriter interface {
	WritesWithoutWaiting()
}

// Event tells that a config was saved (Deleted false) or deleted. Revision
// is the new revision; a delete uses up a revision too, so a watcher sees
// strictly increasing revisions per name.
type Event struct {
	Name     string
	Revision int64
	Deleted  bool
}

// HistoryEntry is one stored revision of a config.
type HistoryEntry struct {
	Revision int64
	Time     time.Time // when it was saved, by the saver's clock (UTC)
}

// Options tunes how a store is opened. The zero value gives the defaults;
// fields that do not concern a backend are ignored by it.
type Options struct {
	// Username and Password authenticate to etcd. They override credentials
	// given in the URL (etcd://user:pass@host/prefix). The password never
	// appears in errors, String() or logs.
	Username string
	Password string

	// CAFile, CertFile and KeyFile configure TLS to etcd: the CA that signed
	// the server's certificate, and the client certificate and its key for
	// servers that require one. They override the URL's ca=, cert= and key=
	// parameters. Giving any of them turns TLS on.
	CAFile   string
	CertFile string
	KeyFile  string

	// DialTimeout bounds connecting (and authenticating) to etcd. Default 5s.
	DialTimeout time.Duration
	// RequestTimeout bounds each call (Save, Load, ...) on etcd, retries
	// included. Default 5s.
	RequestTimeout time.Duration

	// BusyTimeout is how long sqlite waits for a lock held by another
	// connection or process before giving up. Default 5s.
	BusyTimeout time.Duration

	// PollInterval is how often sqlite watchers look for changes (made by
	// this or any other process). Default 50ms.
	PollInterval time.Duration

	// MaxConfigBytes bounds the size of one config as its codec encodes it
	// (before compression); a larger one is refused with errs.ErrLimit, on
	// save and on load. 0 means the default, 64 MiB. The URL parameter
	// max_config_bytes sets it too (Options wins).
	MaxConfigBytes int64
}

// Defaults.
const (
	DefaultDialTimeout    = 5 * time.Second
	DefaultRequestTimeout = 5 * time.Second
	DefaultBusyTimeout    = 5 * time.Second
	DefaultPollInterval   = 50 * time.Millisecond
)

// WithDefaults returns o with every zero duration replaced by its default.
func (o Options) WithDefaults() Options {
	if o.DialTimeout <= 0 {
		o.DialTimeout = DefaultDialTimeout
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = DefaultBusyTimeout
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
	return o
}

// Backend stores blobs. Names reaching a backend have been validated by
// gocore/db: non-empty UTF-8 without NUL, control characters, '*' or ':'.
// Prefixes are plain string prefixes ("" means every name); gocore/db
// narrows them to whole levels.
//
// Every method is safe for concurrent use. Revisions start at 1 and grow by
// one per save or delete of a name; they are never reused, even after a
// delete, so that a compare-and-swap cannot mistake a re-created config for
// the one it read.
type Backend interface {
	// Put stores blob as the next revision of name and returns it.
	// expect: -1 stores unconditionally, 0 requires that name does not
	// exist, n > 0 requires that its latest revision is n. A failed
	// requirement gives ErrConflict. now is recorded in the history.
	Put(ctx context.Context, name string, blob []byte, expect int64, now time.Time) (int64, error)

	// Get returns revision rev of name (0: the latest) and its number.
	// A missing name or revision gives errs.ErrNotFound.
	Get(ctx context.Context, name string, rev int64) ([]byte, int64, error)

	// Delete removes name and its history, using up one revision (which it
	// returns). A missing name gives errs.ErrNotFound.
	Delete(ctx context.Context, name string) (int64, error)

	// List returns the existing names that start with prefix, in any order.
	List(ctx context.Context, prefix string) ([]string, error)

	// History returns every stored revision of name, oldest first; a
	// missing name gives errs.ErrNotFound.
	History(ctx context.Context, name string) ([]HistoryEntry, error)

	// Watch sends an Event for every save and delete of a name starting
	// with prefix made after Watch returns, by any client of the store, in
	// order per name. The channel is closed when ctx is done, the backend
	// is closed, or the watch cannot go on.
	Watch(ctx context.Context, prefix string) (<-chan Event, error)

	// Close releases the backend. Watches must have ended (their contexts
	// cancelled) or end during Close; Close waits for their goroutines.
	Close() error
}

// Blob is one config's latest stored revision, as Scanner returns it.
type Blob struct {
	Name     string
	Revision int64
	Data     []byte
}

// Scanner is implemented by backends for which reading one name at a time
// costs a network round trip (etcd) or a query's fixed cost (SQLite):
// Latest reads the latest revision of many names at once, leaving out
// those that do not exist (any more). A name given twice may come back
// twice; callers key the blobs by name.
type Scanner interface {
	Latest(ctx context.Context, names []string) ([]Blob, error)
}
