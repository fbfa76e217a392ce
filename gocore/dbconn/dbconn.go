// Package dbconn is what a database handle of the C ABI holds: a gocore/db
// store opened with the wire storage codec, under a context that can stop
// the open, and its watches, which know why they ended.
package dbconn

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/aside"
	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
	"github.com/gocfg/gocfg/gocore/wire"
)

// WireCodec stores configs in the wire package's tagged form, the one
// encoding that keeps every value type exactly (dates and times included,
// to the microsecond) and that Decode reads back without a fixup pass.
type WireCodec struct{}

func (WireCodec) Encode(m *value.Map) ([]byte, error) { return wire.EncodeTagged(m) }

func (WireCodec) Decode(b []byte) (*value.Map, error) {
	v, err := wire.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("stored config is damaged: %w", err)
	}
	m, ok := v.(*value.Map)
	if !ok {
		return nil, fmt.Errorf("stored config is %s, not a map: %w", value.AType(v), errs.ErrIO)
	}
	return m, nil
}

// SetTimeoutMs applies one timeout, in milliseconds, to connecting, each
// request and waiting for a lock: 0 keeps the defaults, at most one day.
func SetTimeoutMs(opts *db.Options, ms int64) error {
	if ms < 0 || ms > int64(24*time.Hour/time.Millisecond) {
		return fmt.Errorf("timeout_ms %d: want 0 (the default) up to one day: %w", ms, errs.ErrInvalidArgument)
	}
	if ms > 0 {
		t := time.Duration(ms) * time.Millisecond
		opts.DialTimeout, opts.RequestTimeout, opts.BusyTimeout = t, t, t
	}
	return nil
}

// DB is an open store that remembers being closed, so that its watches
// can say why they ended.
type DB struct {
	*db.DB
	closed atomic.Bool
}

// Open opens the store url names under ctx. db.Open takes no context (its
// own timeouts bound it), so a cancellable open runs aside: Open returns at
// once when cancelled, and the store, if it opens after all, is closed.
func Open(ctx context.Context, url string, opts db.Options) (*DB, error) {
	// Never quote the URL: it may hold a password.
	if !utf8.ValidString(url) || strings.IndexByte(url, 0) >= 0 {
		return nil, fmt.Errorf("the database URL must be UTF-8 without NUL bytes: %w", errs.ErrInvalidArgument)
	}
	d, err := aside.Run(ctx, "opening the database", func() (*db.DB, error) {
		return db.Open(url, opts, WireCodec{})
	}, func(d *db.DB) { d.Close() })
	if err != nil {
		return nil, err
	}
	return &DB{DB: d}, nil
}

// Close ends the watches and waits for calls in progress.
func (d *DB) Close() {
	d.closed.Store(true)
	d.DB.Close()
}

// Watch is a stream of change events.
type Watch struct {
	d      *DB
	events <-chan db.Event
	ctx    context.Context // ended by Close
	stop   context.CancelFunc
}

// Watch starts watching the names under prefix.
func (d *DB) Watch(prefix string) (*Watch, error) {
	ctx, stop := context.WithCancel(context.Background())
	events, err := d.DB.Watch(ctx, prefix)
	if err != nil {
		stop()
		return nil, err
	}
	return &Watch{d: d, events: events, ctx: ctx, stop: stop}, nil
}

// Close stops the watch.
func (w *Watch) Close() { w.stop() }

// Next waits for the next event: up to timeout (negative: without limit,
// 0: only a poll) or until ctx ends. ok is false when the time passed with
// no event. A watch that ended reports why: closed (the watch or its
// database) or the store stopped sending.
func (w *Watch) Next(ctx context.Context, timeout time.Duration) (ev db.Event, ok bool, err error) {
	var expired <-chan time.Time
	switch {
	case timeout == 0:
		select {
		case e, open := <-w.events:
			return w.deliver(e, open)
		default:
			return db.Event{}, false, nil
		}
	case timeout > 0:
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	select {
	case e, open := <-w.events:
		return w.deliver(e, open)
	case <-expired:
		return db.Event{}, false, nil
	case <-ctx.Done():
		return db.Event{}, false, aside.Cancelled(ctx)
	}
}

func (w *Watch) deliver(e db.Event, open bool) (db.Event, bool, error) {
	if open {
		return e, true, nil
	}
	switch {
	case w.ctx.Err() != nil:
		return e, false, fmt.Errorf("the watch was closed: %w", errs.ErrClosed)
	case w.d.closed.Load():
		return e, false, fmt.Errorf("the database %s was closed: %w", w.d.String(), errs.ErrClosed)
	default:
		return e, false, fmt.Errorf("the store %s stopped sending changes: %w", w.d.String(), errs.ErrConnection)
	}
}
