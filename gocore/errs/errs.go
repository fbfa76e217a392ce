// Package errs defines the error kinds that every gocfg package reports.
//
// Each kind is a sentinel matched with errors.Is; the C export layer maps the
// kind to a status code, so a package only has to wrap the right sentinel
// (fmt.Errorf("...: %w", errs.ErrNotFound)) for the caller to see the right code.
package errs

import (
	"errors"
	"fmt"
)

var (
	ErrInvalidHandle   = errors.New("invalid handle")
	ErrInvalidArgument = errors.New("invalid argument")
	ErrNotFound        = errors.New("not found")
	ErrTypeMismatch    = errors.New("type mismatch")
	ErrParse           = errors.New("parse error")
	ErrIO              = errors.New("i/o error")
	ErrClosed          = errors.New("closed")
	ErrInternal        = errors.New("internal error")
	ErrCancelled       = errors.New("cancelled")

	// ErrLimit is the kind of an input that is over one of the library's
	// bounds (document size, a length from C, interpolation work). It wraps
	// ErrInvalidArgument, so code that knows only that kind still maps it to
	// the invalid-argument status; code that wants a distinct status tests
	// errors.Is(err, ErrLimit) first.
	ErrLimit = fmt.Errorf("limit exceeded: %w", ErrInvalidArgument)
)

// Located is an error that knows where in a document or tree it happened.
// Line and Column are 1-based; 0 means unknown.
type Located struct {
	Kind   error  // one of the sentinels above
	Path   string // a file name or a config path; may be empty
	Line   int
	Column int
	Msg    string
}

func (e *Located) Error() string {
	loc := e.Path
	switch {
	case e.Line > 0 && loc != "":
		loc = fmt.Sprintf("%s:%d:%d", loc, e.Line, e.Column)
	case e.Line > 0:
		loc = fmt.Sprintf("line %d, column %d", e.Line, e.Column)
	}
	if loc == "" {
		return e.Msg
	}
	return loc + ": " + e.Msg
}

func (e *Located) Unwrap() error { return e.Kind }
