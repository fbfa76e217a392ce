package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include "gocfg.h"
*/
import "C"

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gocfg/gocfg/gocore/aside"
	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/live"
	"github.com/gocfg/gocfg/gocore/registry"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/wire"
)

// The live exports: gocore/live does the work (watching, debouncing,
// rebuilding, the two-phase decision); this file moves arguments and
// results across the C ABI (see the header's "live" section).

// liveObj is what a live handle names: the Live, and the Pending
// candidate most recently handed out with its config handle, which
// gocfg_live_commit and gocfg_live_reject name it by.
type liveObj struct {
	*live.Live
	mu       sync.Mutex
	pendingH registry.Handle
	pending  *live.Candidate
}

func changesLive(h C.uintptr_t) subject { return subject{registry.Handle(h), kindLive} }

func lookupLive(h C.uintptr_t) (*liveObj, error) { return lookup[*liveObj](h, kindLive) }

// candidateOf returns the pending candidate that the config handle cand
// was given for.
func (o *liveObj) candidateOf(cand C.uintptr_t) (*live.Candidate, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if cand == 0 || registry.Handle(cand) != o.pendingH {
		return nil, fmt.Errorf("the config handle is not the candidate of this live configuration's latest pending event: %w", live.ErrStale)
	}
	c := o.pending
	o.pending, o.pendingH = nil, 0
	return c, nil
}

// putEvent writes ev's wire form into *out, when out is not NULL.
func putEvent(out *C.gocfg_buffer, ev *live.Event) error {
	if out == nil || ev == nil {
		return nil
	}
	b, err := wire.Encode(ev.Wire())
	if err != nil {
		return err
	}
	return putBuffer(out, b)
}

//export gocfg_live_open
func gocfg_live_open(spec *C.char, specLen C.size_t, flags C.int, env *C.char, envLen C.size_t, debounceMs C.int64_t,
	cancel C.uintptr_t, out *C.uintptr_t, outConfig *C.uintptr_t, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		if err := nonNull(out, "out"); err != nil {
			return err
		}
		if err := nonNull(outConfig, "out_config"); err != nil {
			return err
		}
		*out, *outConfig = 0, 0
		if flags&^(C.GOCFG_LAYER_INTERPOLATE|C.GOCFG_LAYER_RAW_STRINGS|C.GOCFG_LIVE_MANUAL) != 0 {
			return fmt.Errorf("flags %d: only GOCFG_LAYER_INTERPOLATE, GOCFG_LAYER_RAW_STRINGS and GOCFG_LIVE_MANUAL apply: %w", int(flags), errs.ErrInvalidArgument)
		}
		if debounceMs < 0 || time.Duration(debounceMs) > live.MaxDebounce/time.Millisecond {
			return fmt.Errorf("debounce_ms %d: want 0 (the default, %v) up to %d: %w", int64(debounceMs), live.DefaultDebounce, int64(live.MaxDebounce/time.Millisecond), errs.ErrInvalidArgument)
		}
		ctx, err := callContext(cancel)
		if err != nil {
			return err
		}
		v, err := decodeValue(spec, specLen, "")
		if err != nil {
			return err
		}
		vars, err := entries(env, envLen, "env")
		if err != nil {
			return err
		}
		layers, err := live.FromWire(v, func(ref int64) (*db.DB, error) {
			d, err := lookupDB(C.uintptr_t(ref))
			if err != nil {
				return nil, err
			}
			return d.DB, nil
		})
		if err != nil {
			return err
		}
		opts := live.Options{
			Settings: store.Settings{
				Interpolate: flags&C.GOCFG_LAYER_INTERPOLATE != 0,
				ParseEnv:    flags&C.GOCFG_LAYER_RAW_STRINGS == 0,
				Env:         vars,
			},
			Debounce: time.Duration(debounceMs) * time.Millisecond,
			Manual:   flags&C.GOCFG_LIVE_MANUAL != 0,
		}
		// New reads every source once and may wait on a database: run it
		// aside, so that a triggered cancel returns at once (a Live that
		// opens after all is closed).
		l, err := aside.Run(ctx, "opening the live configuration", func() (*live.Live, error) {
			return live.New(layers, opts)
		}, func(l *live.Live) { _ = l.Close() })
		if err != nil {
			return err
		}
		if err := newConfigHandle(l.Config(), outConfig); err != nil {
			_ = l.Close()
			return err
		}
		*out = C.uintptr_t(handles.Add(kindLive, &liveObj{Live: l}))
		return nil
	})
}

//export gocfg_live_next
func gocfg_live_next(h C.uintptr_t, timeoutMs C.int64_t, cancel C.uintptr_t, out *C.gocfg_buffer, outCandidate *C.uintptr_t, errOut **C.gocfg_error) C.int {
	return count(errOut, reads, func() (int, error) {
		if err := nonNull(out, "out"); err != nil {
			return 0, err
		}
		if err := nonNull(outCandidate, "out_candidate"); err != nil {
			return 0, err
		}
		*outCandidate = 0
		ctx, err := callContext(cancel)
		if err != nil {
			return 0, err
		}
		o, err := lookupLive(h)
		if err != nil {
			return 0, err
		}
		timeout := time.Duration(-1)
		if timeoutMs >= 0 {
			timeout = time.Duration(timeoutMs) * time.Millisecond
		}
		ev, err := o.Next(ctx, timeout)
		if err != nil || ev == nil {
			return 0, err
		}
		if err := putEvent(out, ev); err != nil {
			return 0, err
		}
		if ev.Kind == live.Pending && ev.Candidate != nil {
			if err := newConfigHandle(ev.Candidate.Config(), outCandidate); err != nil {
				// Nobody could decide it: reject it, so the watcher goes on.
				_, _ = o.Reject(ev.Candidate, err)
				gocfg_buffer_free(out)
				return 0, err
			}
			o.mu.Lock()
			o.pendingH, o.pending = registry.Handle(*outCandidate), ev.Candidate
			o.mu.Unlock()
		}
		return 1, nil
	})
}

//export gocfg_live_commit
func gocfg_live_commit(h C.uintptr_t, candidate C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int {
	return status(errOut, changesLive(h), func() error {
		o, err := lookupLive(h)
		if err != nil {
			return err
		}
		c, err := o.candidateOf(candidate)
		if err != nil {
			return err
		}
		ev, err := o.Commit(c)
		if err != nil {
			return err
		}
		return putEvent(out, ev)
	})
}

//export gocfg_live_reject
func gocfg_live_reject(h C.uintptr_t, candidate C.uintptr_t, reason *C.char, reasonLen C.size_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int {
	return status(errOut, changesLive(h), func() error {
		o, err := lookupLive(h)
		if err != nil {
			return err
		}
		why, err := borrowData(reason, reasonLen, "reason")
		if err != nil {
			return err
		}
		if err := store.CheckValue("reason", why); err != nil {
			return err
		}
		c, err := o.candidateOf(candidate)
		if err != nil {
			return err
		}
		var cause error
		if why != "" {
			// A copy: the event outlives the caller's memory.
			cause = rejection(strings.Clone(why))
		}
		ev, err := o.Reject(c, cause)
		if err != nil {
			return err
		}
		return putEvent(out, ev)
	})
}

// rejection is a caller's reason for rejecting a candidate, kept as given.
type rejection string

func (r rejection) Error() string { return string(r) }

//export gocfg_live_reload
func gocfg_live_reload(h C.uintptr_t, cancel C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int {
	return count(errOut, changesLive(h), func() (int, error) {
		ctx, err := callContext(cancel)
		if err != nil {
			return 0, err
		}
		o, err := lookupLive(h)
		if err != nil {
			return 0, err
		}
		ev, err := o.Reload(ctx)
		if err != nil {
			if cerr := aside.Cancelled(ctx); cerr != nil {
				return 0, cerr
			}
			return 0, err
		}
		if ev == nil {
			return 0, nil
		}
		return 1, putEvent(out, ev)
	})
}

//export gocfg_live_close
func gocfg_live_close(h C.uintptr_t) {
	release(func() {
		if obj, ok := handles.Remove(registry.Handle(h), kindLive); ok {
			_ = obj.(*liveObj).Close() // stops and waits for the watcher's goroutines
		}
	})
}
