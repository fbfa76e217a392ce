// Package aside lets a caller stop waiting for work that cannot watch a
// context (a parser, a driver's open): the work runs on its own goroutine
// and the caller returns as soon as its context ends.
package aside

import (
	"context"
	"fmt"

	"github.com/gocfg/gocfg/gocore/errs"
)

// Cancelled turns a context's end into the error the C ABI reports as
// GOCFG_E_CANCELLED; nil while ctx is still running.
func Cancelled(ctx context.Context) error {
	if ctx.Err() != nil {
		return fmt.Errorf("the call was cancelled: %w", errs.ErrCancelled)
	}
	return nil
}

// Run returns what f returns. When ctx can end, f runs on a goroutine of
// its own and Run returns Cancelled(ctx) as soon as ctx ends; f then
// finishes in the background and discard (may be nil) receives what it
// made, to release it. A panic in f, which no caller's recovery could reach
// on that goroutine, becomes an errs.ErrInternal error naming what.
func Run[T any](ctx context.Context, what string, f func() (T, error), discard func(T)) (T, error) {
	if ctx.Done() == nil {
		return f()
	}
	if err := Cancelled(ctx); err != nil {
		// Cancelled before it began: a fast f could otherwise finish first
		// and the select below pick either answer at random.
		var zero T
		return zero, err
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				var zero T
				done <- result{zero, fmt.Errorf("panic while %s: %v: %w", what, r, errs.ErrInternal)}
			}
		}()
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		if discard != nil {
			go func() {
				if r := <-done; r.err == nil {
					discard(r.v)
				}
			}()
		}
		var zero T
		return zero, Cancelled(ctx)
	}
}
