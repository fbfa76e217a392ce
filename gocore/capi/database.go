package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include "gocfg.h"
*/
import "C"

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/registry"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
	"github.com/gocfg/gocfg/gocore/wire"
)

// The database exports: gocore/db does the work, this file only moves
// arguments and results across the C ABI (see the header's "database"
// section for the contract).

// wireCodec stores configs in the wire package's tagged form, the one
// encoding that keeps every value type exactly (dates and times included,
// to the microsecond) and that Decode reads back without a fixup pass.
type wireCodec struct{}

func (wireCodec) Encode(m *value.Map) ([]byte, error) { return wire.EncodeTagged(m) }

func (wireCodec) Decode(b []byte) (*value.Map, error) {
	v, err := wire.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("stored config is damaged: %w", err)
	}
	m, ok := v.(*value.Map)
	if !ok {
		return nil, fmt.Errorf("stored config is a %s, not a map: %w", value.TypeName(v), errs.ErrIO)
	}
	return m, nil
}

// database is what a gocfg_db handle names.
type database struct {
	*db.DB
	closed atomic.Bool // set by gocfg_db_close, so watches can say why they ended
}

// dbWatch is what a gocfg_db_watch handle names.
type dbWatch struct {
	d      *database
	events <-chan db.Event
	ctx    context.Context // cancelled by gocfg_db_watch_close
	stop   context.CancelFunc
}

func lookupDB(h C.uintptr_t) (*database, error) {
	obj, err := handles.Get(registry.Handle(h), kindDatabase)
	if err != nil {
		return nil, err
	}
	d, ok := obj.(*database)
	if !ok {
		return nil, fmt.Errorf("database handle holds %T: %w", obj, errs.ErrInternal)
	}
	return d, nil
}

// dbCall finds the database, gives f the call's context, and reports a
// call that ended because its cancel handle was triggered as cancelled
// (gocore/db returns the context's own error then).
func dbCall(h, cancel C.uintptr_t, f func(ctx context.Context, d *database) error) error {
	ctx, err := callContext(cancel)
	if err != nil {
		return err
	}
	d, err := lookupDB(h)
	if err != nil {
		return err
	}
	if err := f(ctx, d); err != nil {
		if ctx.Err() != nil {
			return interrupted(ctx)
		}
		return err
	}
	return nil
}

// text borrows a (pointer, length) string and returns a copy: the stores
// keep names as map keys and in their events, and the caller's memory is
// ours only for the duration of the call.
func text(p *C.char, n C.size_t, what string) (string, error) {
	s, err := borrow(p, n, what)
	if err != nil {
		return "", err
	}
	return strings.Clone(s), nil
}

func optString(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

func dbOptions(o *C.gocfg_db_options) (db.Options, error) {
	var opts db.Options
	if o == nil {
		return opts, nil
	}
	opts.Username = optString(o.username)
	opts.Password = optString(o.password)
	opts.CAFile = optString(o.ca_file)
	opts.CertFile = optString(o.cert_file)
	opts.KeyFile = optString(o.key_file)
	ms := int64(o.timeout_ms)
	if ms < 0 || ms > int64(24*time.Hour/time.Millisecond) {
		return opts, fmt.Errorf("timeout_ms %d: want 0 (the default) up to one day: %w", ms, errs.ErrInvalidArgument)
	}
	if ms > 0 {
		t := time.Duration(ms) * time.Millisecond
		opts.DialTimeout, opts.RequestTimeout, opts.BusyTimeout = t, t, t
	}
	return opts, nil
}

// openDB opens the store under ctx. db.Open takes no context (its own
// timeouts bound it), so a cancellable open runs aside: the call returns at
// once when cancelled, and the store, if it opens after all, is closed.
func openDB(ctx context.Context, url string, opts db.Options) (*db.DB, error) {
	if ctx.Done() == nil {
		return db.Open(url, opts, wireCodec{})
	}
	type result struct {
		d   *db.DB
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{nil, fmt.Errorf("panic while opening the database: %v: %w", r, errs.ErrInternal)}
			}
		}()
		d, err := db.Open(url, opts, wireCodec{})
		done <- result{d, err}
	}()
	select {
	case r := <-done:
		return r.d, r.err
	case <-ctx.Done():
		go func() {
			if r := <-done; r.d != nil {
				r.d.Close()
			}
		}()
		return nil, interrupted(ctx)
	}
}

//export gocfg_db_open
func gocfg_db_open(url *C.char, urlLen C.size_t, opts *C.gocfg_db_options, cancel C.uintptr_t, out *C.uintptr_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, func() error {
		if out == nil {
			return fmt.Errorf("out is NULL: %w", errs.ErrInvalidArgument)
		}
		ctx, err := callContext(cancel)
		if err != nil {
			return err
		}
		u, err := text(url, urlLen, "URL")
		if err != nil {
			return err
		}
		// Never quote the URL: it may hold a password.
		if !utf8.ValidString(u) || strings.IndexByte(u, 0) >= 0 {
			return fmt.Errorf("the database URL must be UTF-8 without NUL bytes: %w", errs.ErrInvalidArgument)
		}
		o, err := dbOptions(opts)
		if err != nil {
			return err
		}
		d, err := openDB(ctx, u, o)
		if err != nil {
			return err
		}
		*out = C.uintptr_t(handles.Add(kindDatabase, &database{DB: d}))
		return nil
	}())
}

//export gocfg_db_close
func gocfg_db_close(h C.uintptr_t) {
	defer func() { _ = recover() }() // nothing to report to: a close cannot fail
	obj, ok := handles.Remove(registry.Handle(h), kindDatabase)
	if !ok {
		return
	}
	d := obj.(*database)
	d.closed.Store(true)
	d.Close() // ends the watches, waits for calls in progress
}

//export gocfg_db_describe
func gocfg_db_describe(h C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, dbCall(h, 0, func(_ context.Context, d *database) error {
		return putBuffer(out, []byte(d.String()))
	}))
}

//export gocfg_db_save
func gocfg_db_save(h C.uintptr_t, name *C.char, nameLen C.size_t, cfg C.uintptr_t, expect C.int64_t, cancel C.uintptr_t, outRev *C.int64_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, dbCall(h, cancel, func(ctx context.Context, d *database) error {
		n, err := text(name, nameLen, "name")
		if err != nil {
			return err
		}
		c, err := lookupConfig(uintptr(cfg))
		if err != nil {
			return err
		}
		// A copy, taken under the config's lock: the save itself may wait
		// on the network, and must not hold up writers of the config.
		rev, err := d.Save(ctx, n, c.Snapshot(), int64(expect))
		if err != nil {
			return err
		}
		if outRev != nil {
			*outRev = C.int64_t(rev)
		}
		return nil
	}))
}

//export gocfg_db_load
func gocfg_db_load(h C.uintptr_t, name *C.char, nameLen C.size_t, revision C.int64_t, cancel C.uintptr_t, out *C.uintptr_t, outRev *C.int64_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, dbCall(h, cancel, func(ctx context.Context, d *database) error {
		if out == nil {
			return fmt.Errorf("out is NULL: %w", errs.ErrInvalidArgument)
		}
		n, err := text(name, nameLen, "name")
		if err != nil {
			return err
		}
		m, rev, err := d.Load(ctx, n, int64(revision))
		if err != nil {
			return err
		}
		*out = newConfigHandle(store.NewFrom(m))
		if outRev != nil {
			*outRev = C.int64_t(rev)
		}
		return nil
	}))
}

//export gocfg_db_delete
func gocfg_db_delete(h C.uintptr_t, name *C.char, nameLen C.size_t, cancel C.uintptr_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, dbCall(h, cancel, func(ctx context.Context, d *database) error {
		n, err := text(name, nameLen, "name")
		if err != nil {
			return err
		}
		return d.Delete(ctx, n)
	}))
}

//export gocfg_db_names
func gocfg_db_names(h C.uintptr_t, prefix *C.char, prefixLen C.size_t, cancel C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, dbCall(h, cancel, func(ctx context.Context, d *database) error {
		if out == nil {
			return fmt.Errorf("output buffer pointer is NULL: %w", errs.ErrInvalidArgument)
		}
		p, err := text(prefix, prefixLen, "prefix")
		if err != nil {
			return err
		}
		names, err := d.Names(ctx, p)
		if err != nil {
			return err
		}
		var b []byte
		for _, n := range names {
			b = append(b, n...)
			b = append(b, 0)
		}
		return putBuffer(out, b)
	}))
}

//export gocfg_db_history
func gocfg_db_history(h C.uintptr_t, name *C.char, nameLen C.size_t, cancel C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, dbCall(h, cancel, func(ctx context.Context, d *database) error {
		if out == nil {
			return fmt.Errorf("output buffer pointer is NULL: %w", errs.ErrInvalidArgument)
		}
		n, err := text(name, nameLen, "name")
		if err != nil {
			return err
		}
		entries, err := d.History(ctx, n)
		if err != nil {
			return err
		}
		// An array of gocfg_db_revision: two int64_t each, in the
		// machine's byte order.
		b := make([]byte, 0, 16*len(entries))
		for _, e := range entries {
			b = binary.NativeEndian.AppendUint64(b, uint64(e.Revision))
			b = binary.NativeEndian.AppendUint64(b, uint64(e.Time.UnixNano()))
		}
		return putBuffer(out, b)
	}))
}

//export gocfg_db_query
func gocfg_db_query(h C.uintptr_t, expr *C.char, exprLen C.size_t, cancel C.uintptr_t, rowsOut *C.gocfg_buffer, errOut **C.gocfg_error) (result C.int64_t) {
	defer recoverPanic(&result, errOut)
	begin(errOut)
	var count int
	err := dbCall(h, cancel, func(ctx context.Context, d *database) error {
		q, err := text(expr, exprLen, "query")
		if err != nil {
			return err
		}
		rows, err := d.Query(ctx, q)
		if err != nil {
			return err
		}
		count = len(rows)
		if rowsOut == nil {
			return nil
		}
		list := make([]any, len(rows))
		for i, r := range rows {
			list[i] = []any{r.Name, r.Path, r.Value}
		}
		b, err := wire.Encode(list)
		if err != nil {
			return err
		}
		return putBuffer(rowsOut, b)
	})
	if err != nil {
		return C.int64_t(fail(errOut, err))
	}
	return C.int64_t(count)
}

//export gocfg_db_watch_open
func gocfg_db_watch_open(h C.uintptr_t, prefix *C.char, prefixLen C.size_t, out *C.uintptr_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, dbCall(h, 0, func(_ context.Context, d *database) error {
		if out == nil {
			return fmt.Errorf("out is NULL: %w", errs.ErrInvalidArgument)
		}
		p, err := text(prefix, prefixLen, "prefix")
		if err != nil {
			return err
		}
		ctx, stop := context.WithCancel(context.Background())
		events, err := d.Watch(ctx, p)
		if err != nil {
			stop()
			return err
		}
		*out = C.uintptr_t(handles.Add(kindDBWatch, &dbWatch{d: d, events: events, ctx: ctx, stop: stop}))
		return nil
	}))
}

// ended tells why a watch's channel closed.
func (w *dbWatch) ended() error {
	switch {
	case w.ctx.Err() != nil:
		return fmt.Errorf("the watch was closed: %w", errs.ErrClosed)
	case w.d.closed.Load():
		return fmt.Errorf("the database %s was closed: %w", w.d.String(), errs.ErrClosed)
	default:
		return fmt.Errorf("the store %s stopped sending changes: %w", w.d.String(), db.ErrConnection)
	}
}

//export gocfg_db_watch_next
func gocfg_db_watch_next(h C.uintptr_t, timeoutMs C.int64_t, cancel C.uintptr_t, ev *C.gocfg_db_event, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	got, err := func() (bool, error) {
		if ev == nil {
			return false, fmt.Errorf("event is NULL: %w", errs.ErrInvalidArgument)
		}
		ev.name.data, ev.name.len, ev.revision, ev.deleted = nil, 0, 0, 0
		ctx, err := callContext(cancel)
		if err != nil {
			return false, err
		}
		obj, err := handles.Get(registry.Handle(h), kindDBWatch)
		if err != nil {
			return false, err
		}
		w := obj.(*dbWatch)
		var timeout <-chan time.Time
		switch {
		case timeoutMs == 0:
			select {
			case e, ok := <-w.events:
				return w.deliver(e, ok, ev)
			default:
				return false, nil
			}
		case timeoutMs > 0:
			t := time.NewTimer(time.Duration(timeoutMs) * time.Millisecond)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case e, ok := <-w.events:
			return w.deliver(e, ok, ev)
		case <-timeout:
			return false, nil
		case <-ctx.Done():
			return false, interrupted(ctx)
		}
	}()
	switch {
	case err != nil:
		return fail(errOut, err)
	case got:
		return 1
	default:
		return 0
	}
}

func (w *dbWatch) deliver(e db.Event, ok bool, ev *C.gocfg_db_event) (bool, error) {
	if !ok {
		return false, w.ended()
	}
	if err := putBuffer(&ev.name, []byte(e.Name)); err != nil {
		return false, err
	}
	ev.revision = C.int64_t(e.Revision)
	if e.Deleted {
		ev.deleted = 1
	}
	return true, nil
}

//export gocfg_db_watch_close
func gocfg_db_watch_close(h C.uintptr_t) {
	defer func() { _ = recover() }()
	if obj, ok := handles.Remove(registry.Handle(h), kindDBWatch); ok {
		obj.(*dbWatch).stop()
	}
}
