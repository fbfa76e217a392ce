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
	"errors"
	"fmt"
	"time"
	"unsafe"

	"github.com/gocfg/gocfg/gocore/aside"
	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/dbconn"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/registry"
	"github.com/gocfg/gocfg/gocore/store"
)

// The database exports: gocore/db does the work (gocore/dbconn opens it
// and runs its watches), this file only moves arguments and results across
// the C ABI (see the header's "database" section for the contract).

// dbStatus is the shape of the database exports that report a status:
// fn, given the database and the call's context, run as a sliced call
// (see sliced) for the subject s.
func dbStatus(h, cancel C.uintptr_t, errOut **C.gocfg_error, s subject, fn func(context.Context, *dbconn.DB) error) C.int {
	return sliced(cancel, errOut, func(errOut **C.gocfg_error) C.int {
		return status(errOut, s, func() error { return dbCall(h, cancel, fn) })
	})
}

// dbWrite is dbStatus for the writes (save, delete), which may wait for
// another process's lock. Given a sliced cancel handle, the write is first
// tried in the calling thread without waiting (db.WithoutWaiting), and
// runs sliced only if it would wait: a sliced call's goroutine hand-off
// cost a quarter of a small SQLite save (more on a loaded machine), and a
// write that finds no lock held has nothing to wait for.
func dbWrite(h, cancel C.uintptr_t, errOut **C.gocfg_error, s subject, fn func(context.Context, *dbconn.DB) error) C.int {
	if slicing(cancel) {
		wait := false
		rc := status(errOut, s, func() error {
			err := dbCall(h, cancel, func(ctx context.Context, d *dbconn.DB) error {
				return fn(db.WithoutWaiting(ctx), d)
			})
			if wait = errors.Is(err, db.ErrWouldWait); wait {
				return nil
			}
			return err
		})
		if !wait {
			return rc
		}
	}
	return dbStatus(h, cancel, errOut, s, fn)
}

// dbCall finds the database, gives f the call's context, and reports a
// call that ended because its cancel handle was triggered as cancelled
// (gocore/db returns the context's own error then).
func dbCall(h, cancel C.uintptr_t, f func(ctx context.Context, d *dbconn.DB) error) error {
	ctx, err := callContext(cancel)
	if err != nil {
		return err
	}
	d, err := lookupDB(h)
	if err != nil {
		return err
	}
	if err := f(ctx, d); err != nil {
		if cerr := aside.Cancelled(ctx); cerr != nil {
			return cerr
		}
		return err
	}
	return nil
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
	return opts, dbconn.SetTimeoutMs(&opts, int64(o.timeout_ms))
}

//export gocfg_db_open
func gocfg_db_open(url *C.char, urlLen C.size_t, opts *C.gocfg_db_options, cancel C.uintptr_t, out *C.uintptr_t, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		if err := nonNull(out, "out"); err != nil {
			return err
		}
		ctx, err := callContext(cancel)
		if err != nil {
			return err
		}
		u, err := text(url, urlLen, "URL")
		if err != nil {
			return err
		}
		o, err := dbOptions(opts)
		if err != nil {
			return err
		}
		d, err := dbconn.Open(ctx, u, o)
		if err != nil {
			return err
		}
		*out = C.uintptr_t(handles.Add(kindDatabase, d))
		return nil
	})
}

//export gocfg_db_close
func gocfg_db_close(h C.uintptr_t) {
	release(func() {
		if obj, ok := handles.Remove(registry.Handle(h), kindDatabase); ok {
			obj.(*dbconn.DB).Close() // ends the watches, waits for calls in progress
		}
	})
}

//export gocfg_db_describe
func gocfg_db_describe(h C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		d, err := lookupDB(h)
		if err != nil {
			return err
		}
		return putBuffer(out, []byte(d.String()))
	})
}

//export gocfg_db_save
func gocfg_db_save(h C.uintptr_t, name *C.char, nameLen C.size_t, cfg C.uintptr_t, expect C.int64_t, cancel C.uintptr_t, outRev *C.int64_t, errOut **C.gocfg_error) C.int {
	return dbWrite(h, cancel, errOut, changesDB(h), func(ctx context.Context, d *dbconn.DB) error {
		n, err := text(name, nameLen, "name")
		if err != nil {
			return err
		}
		c, err := lookupConfig(cfg)
		if err != nil {
			return err
		}
		// A copy, taken under the config's lock: the save itself may wait
		// on the network, and must not hold up writers of the config.
		rev, err := d.Save(ctx, n, c.Snapshot(), int64(expect))
		if err == nil && outRev != nil {
			*outRev = C.int64_t(rev)
		}
		return err
	})
}

//export gocfg_db_load
func gocfg_db_load(h C.uintptr_t, name *C.char, nameLen C.size_t, revision C.int64_t, cancel C.uintptr_t, out *C.uintptr_t, outRev *C.int64_t, errOut **C.gocfg_error) C.int {
	return dbLoadStatus(h, cancel, errOut, dbLoad{name: name, nameLen: nameLen, revision: revision, out: out, outRev: outRev})
}

// dbLoadStatus is dbStatus for gocfg_db_load, with what dbStatus does
// without a cancel handle (sliced runs the body in the calling thread)
// written out: the closures that dbStatus hands to sliced, which may pass
// them to a goroutine, were two allocations on every load, the most
// frequent call.
func dbLoadStatus(h, cancel C.uintptr_t, errOut **C.gocfg_error, load dbLoad) C.int {
	if cancel == 0 {
		return status(errOut, reads, func() error { return dbCall(h, 0, load.run) })
	}
	return dbStatus(h, cancel, errOut, reads, load.run)
}

// dbLoad is the arguments of gocfg_db_load, and run its body.
type dbLoad struct {
	name     *C.char
	nameLen  C.size_t
	revision C.int64_t
	out      *C.uintptr_t
	outRev   *C.int64_t
}

func (a dbLoad) run(ctx context.Context, d *dbconn.DB) error {
	if err := nonNull(a.out, "out"); err != nil {
		return err
	}
	n, err := text(a.name, a.nameLen, "name")
	if err != nil {
		return err
	}
	m, rev, err := d.Load(ctx, n, int64(a.revision))
	if err != nil {
		return err
	}
	if a.outRev != nil {
		*a.outRev = C.int64_t(rev)
	}
	return newConfigHandle(store.NewFrom(m), a.out)
}

//export gocfg_db_load_many
func gocfg_db_load_many(h C.uintptr_t, names *C.char, namesLen C.size_t, nNames C.size_t, cancel C.uintptr_t, out *C.uintptr_t, outRevs *C.int64_t, errOut **C.gocfg_error) C.int {
	return sliced(cancel, errOut, func(errOut **C.gocfg_error) C.int {
		return count(errOut, reads, func() (int, error) {
			found := 0
			err := dbCall(h, cancel, func(ctx context.Context, d *dbconn.DB) error {
				if nNames > db.MaxLoadMany {
					return fmt.Errorf("%d names, at most %d at once: %w", uint64(nNames), db.MaxLoadMany, errs.ErrInvalidArgument)
				}
				if err := nonNull(out, "out"); err != nil || nNames == 0 {
					return err
				}
				list, err := entries(names, namesLen, "names")
				if err != nil {
					return err
				}
				if len(list) != int(nNames) {
					return fmt.Errorf("names holds %d NUL-terminated names, count says %d: %w", len(list), uint64(nNames), errs.ErrInvalidArgument)
				}
				cfgs, revs, err := d.LoadMany(ctx, list)
				if err != nil {
					return err
				}
				handles := unsafe.Slice(out, len(list))
				var revOut []C.int64_t
				if outRevs != nil {
					revOut = unsafe.Slice(outRevs, len(list))
				}
				for i, m := range cfgs {
					handles[i] = 0
					if revOut != nil {
						revOut[i] = C.int64_t(revs[i])
					}
					if m == nil {
						continue
					}
					if err := newConfigHandle(store.NewFrom(m), &handles[i]); err != nil {
						for _, made := range handles[:i] { // all or nothing
							gocfg_config_free(made)
						}
						clear(handles)
						return err
					}
					found++
				}
				return nil
			})
			return found, err
		})
	})
}

//export gocfg_db_delete
func gocfg_db_delete(h C.uintptr_t, name *C.char, nameLen C.size_t, cancel C.uintptr_t, errOut **C.gocfg_error) C.int {
	return dbWrite(h, cancel, errOut, changesDB(h), func(ctx context.Context, d *dbconn.DB) error {
		n, err := text(name, nameLen, "name")
		if err != nil {
			return err
		}
		return d.Delete(ctx, n)
	})
}

//export gocfg_db_names
func gocfg_db_names(h C.uintptr_t, prefix *C.char, prefixLen C.size_t, cancel C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int {
	return dbStatus(h, cancel, errOut, reads, func(ctx context.Context, d *dbconn.DB) error {
		if err := nonNull(out, "output buffer pointer"); err != nil {
			return err
		}
		p, err := text(prefix, prefixLen, "prefix")
		if err != nil {
			return err
		}
		names, err := d.Names(ctx, p)
		if err != nil {
			return err
		}
		return putBuffer(out, zeroSep(names))
	})
}

//export gocfg_db_history
func gocfg_db_history(h C.uintptr_t, name *C.char, nameLen C.size_t, cancel C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int {
	return dbStatus(h, cancel, errOut, reads, func(ctx context.Context, d *dbconn.DB) error {
		if err := nonNull(out, "output buffer pointer"); err != nil {
			return err
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
	})
}

//export gocfg_db_query
func gocfg_db_query(h C.uintptr_t, expr *C.char, exprLen C.size_t, cancel C.uintptr_t, rowsOut *C.gocfg_buffer, errOut **C.gocfg_error) C.int64_t {
	return sliced(cancel, errOut, func(errOut **C.gocfg_error) C.int64_t {
		return length(errOut, reads, func() (n int, err error) {
			err = dbCall(h, cancel, func(ctx context.Context, d *dbconn.DB) error {
				q, err := text(expr, exprLen, "query")
				if err != nil {
					return err
				}
				rows, err := d.Query(ctx, q)
				if err != nil {
					return err
				}
				n = len(rows)
				if rowsOut == nil {
					return nil
				}
				_, err = wireList(rowsOut, rows, func(r db.Row) []any { return []any{r.Name, r.Path, r.Value} })
				return err
			})
			return n, err
		})
	})
}

//export gocfg_db_watch_open
func gocfg_db_watch_open(h C.uintptr_t, prefix *C.char, prefixLen C.size_t, out *C.uintptr_t, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		return dbCall(h, 0, func(_ context.Context, d *dbconn.DB) error {
			if err := nonNull(out, "out"); err != nil {
				return err
			}
			p, err := text(prefix, prefixLen, "prefix")
			if err != nil {
				return err
			}
			w, err := d.Watch(p)
			if err != nil {
				return err
			}
			*out = C.uintptr_t(handles.Add(kindDBWatch, w))
			return nil
		})
	})
}

//export gocfg_db_watch_next
func gocfg_db_watch_next(h C.uintptr_t, timeoutMs C.int64_t, cancel C.uintptr_t, ev *C.gocfg_db_event, errOut **C.gocfg_error) C.int {
	return count(errOut, reads, func() (int, error) {
		if err := nonNull(ev, "event"); err != nil {
			return 0, err
		}
		*ev = C.gocfg_db_event{}
		ctx, err := callContext(cancel)
		if err != nil {
			return 0, err
		}
		w, err := lookup[*dbconn.Watch](h, kindDBWatch)
		if err != nil {
			return 0, err
		}
		timeout := time.Duration(-1)
		if timeoutMs >= 0 {
			timeout = time.Duration(timeoutMs) * time.Millisecond
		}
		e, ok, err := w.Next(ctx, timeout)
		if err != nil || !ok {
			return 0, err
		}
		if err := putBuffer(&ev.name, []byte(e.Name)); err != nil {
			return 0, err
		}
		ev.revision, ev.deleted = C.int64_t(e.Revision), cBool(e.Deleted)
		return 1, nil
	})
}

//export gocfg_db_watch_close
func gocfg_db_watch_close(h C.uintptr_t) {
	release(func() {
		if obj, ok := handles.Remove(registry.Handle(h), kindDBWatch); ok {
			obj.(*dbconn.Watch).Close()
		}
	})
}

// zeroSep joins names, each followed by one NUL (database names hold no
// control characters, so NUL cannot occur inside one).
func zeroSep(items []string) []byte {
	var b []byte
	for _, s := range items {
		b = append(b, s...)
		b = append(b, 0)
	}
	return b
}
