// Package errs defines the error kinds that every gocfg package reports.
//
// Each kind is a sentinel matched with errors.Is; the C export layer maps the
// kind to a status code, so a package only has to wrap the right sentinel
// (fmt.Errorf("...: %w", errs.ErrNotFound)) for the caller to see the right
// code. Every kind lives here, so that mapping needs this package alone;
// packages that name a kind of their own (store.ErrFrozen, db.ErrConflict,
// layer.ErrInterpolation) re-export the value from here.
package errs

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/secretvalue"
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
	// ErrFrozen: a change to a frozen config.
	ErrFrozen = errors.New("config is frozen")
	// ErrInterpolation: a ${...} reference is a cycle, missing or malformed.
	ErrInterpolation = errors.New("interpolation error")
	// ErrConflict: a compare-and-swap found another revision than expected.
	ErrConflict = errors.New("conflict")
	// ErrConnection: a store could not be reached (refused, timed out, TLS
	// handshake failed).
	ErrConnection = errors.New("connection error")
	// ErrAuth: a store refused the credentials or the operation.
	ErrAuth = errors.New("authentication failed")
	// ErrBusy: a call that must not wait (store.Config's Try methods)
	// found the config locked by another call, and did nothing.
	ErrBusy = errors.New("config is busy")

	// ErrPoisoned: an object that a panic interrupted in the middle of a
	// change, and that may be half-changed. It is an internal error too
	// (errors.Is(err, ErrInternal) holds), because it is a bug in gocfg.
	ErrPoisoned = fmt.Errorf("poisoned by an earlier panic: %w", ErrInternal)
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

// Within makes an error found inside a value name the full config path:
// a decoder only knows where it was inside the value it read, and the
// caller knows where that value goes. Other errors pass unchanged.
func Within(path string, err error) error {
	var loc *Located
	if path == "" || !errors.As(err, &loc) {
		return err
	}
	inner := *loc
	if inner.Path == "" {
		inner.Path = path
	} else {
		inner.Path = path + "." + inner.Path
	}
	return &inner
}

// InFile makes an error from a document name the file (or the text's
// label) it came from. A parse error's position is in that file, so the
// file replaces its path; any other located error keeps its config path in
// the message.
func InFile(file string, err error) error {
	var loc *Located
	if file == "" || !errors.As(err, &loc) {
		return err
	}
	located := *loc
	if located.Path != "" && !errors.Is(err, ErrParse) {
		located.Msg = located.Path + ": " + located.Msg
	}
	located.Path = file
	return &located
}

// generic are the kinds whose text only repeats what the status code (and so
// the Python exception class) already says. Wrapping one with
// fmt.Errorf("...: %w", kind) leaves ": invalid argument" at the end of the
// text, which reads as Go, not as a message for a person.
var generic = []error{ErrLimit, ErrInvalidArgument, ErrNotFound, ErrTypeMismatch, ErrParse, ErrIO, ErrInvalidHandle,
	ErrInternal, ErrConflict}

// Message is err's text for a person: err.Error() without the trailing
// names of the generic kinds it wraps (": invalid argument", ": i/o error",
// ": limit exceeded: invalid argument"). The kind itself travels as the
// status code. A message that is nothing but a kind's name keeps it.
//
// The text is bounded (Bound): a message quotes keys, paths and pieces of
// a document, and a hostile document makes any of them as long as itself.
func Message(err error) string {
	msg := err.Error()
	for changed := true; changed; {
		changed = false
		for _, kind := range generic {
			suffix := ": " + kind.Error()
			if strings.HasSuffix(msg, suffix) && len(msg) > len(suffix) && errors.Is(err, kind) {
				msg = msg[:len(msg)-len(suffix)]
				changed = true
			}
		}
	}
	return Bound(msg)
}

// MaxMessageBytes is the longest text Bound lets through. Messages are
// written for a person; the longest real one (an interpolation chain a
// few dozen keys long) takes a few hundred bytes.
const MaxMessageBytes = 4096

// Bound returns msg when it is at most MaxMessageBytes long, else its
// beginning and its end (where a message says what went wrong) with the
// number of bytes left out between them, cut at character boundaries. A
// message quotes what it is about (a key, a path of a thousand keys, a
// number literal, an anchor's name), and each of those may be as long as
// the document: without a bound a 100 MB key made a 100 MB exception.
//
// Every message the library hands out passes through here, so this is
// also where a credential that it quotes inside a value is masked
// (secretvalue: "got 'postgres://app:********@db/app'"), before the cut,
// which could leave a password's first half without the "@" that shows
// it is one.
func Bound(msg string) string {
	msg = secretvalue.MaskText(msg)
	if len(msg) <= MaxMessageBytes {
		return msg
	}
	head, tail := MaxMessageBytes*5/8, len(msg)-MaxMessageBytes/4
	for head > 0 && !utf8.RuneStart(msg[head]) {
		head--
	}
	for tail < len(msg) && !utf8.RuneStart(msg[tail]) {
		tail++
	}
	return fmt.Sprintf("%s ...(%d bytes left out)... %s", msg[:head], tail-head, msg[tail:])
}

// Printable returns msg with the characters that act on a terminal or on
// the text around them written as escapes (\x1b, \x7f, \u202e): the C0
// controls other than tab and line feed, DEL, the C1 controls, the line
// and paragraph separators and the bidi controls (Trojan Source,
// CVE-2021-42574). A message quotes file names, keys and source names as
// they are, and a file named "\x1b[2J.yaml" must not clear the screen of
// whoever reads its parse error, nor a key holding U+202E reverse the log
// line that names it. Bytes that are not UTF-8 pass as they are.
//
// The Python package writes the messages it builds itself by the same
// rule (printable in pybind/gocfg/_text.py); tests/api/test_hostile_text.py
// checks that both write every character the same: change them together.
func Printable(msg string) string {
	if !strings.ContainsFunc(msg, actsOnText) {
		return msg
	}
	var b strings.Builder
	for i := 0; i < len(msg); {
		r, size := utf8.DecodeRuneInString(msg[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteByte(msg[i])
		case !actsOnText(r):
			b.WriteString(msg[i : i+size])
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

func actsOnText(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return true
	}
	switch r {
	case 0x2028, 0x2029, 0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069:
		return true
	}
	return false
}
