package errs

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWithinPrefixesTheConfigPath(t *testing.T) {
	inner := &Located{Kind: ErrTypeMismatch, Path: "b.c", Msg: "bytes are not a value"}
	err := Within("a", fmt.Errorf("decoding: %w", inner))
	var loc *Located
	if !errors.As(err, &loc) || loc.Path != "a.b.c" || !errors.Is(err, ErrTypeMismatch) {
		t.Fatalf("got %v", err)
	}
	if inner.Path != "b.c" {
		t.Fatal("Within changed the error it was given")
	}
	if got := Within("a", &Located{Kind: ErrParse, Msg: "m"}); got.(*Located).Path != "a" {
		t.Fatalf("empty inner path: %v", got)
	}
	plain := errors.New("plain")
	if Within("a", plain) != plain || Within("", inner) != error(inner) {
		t.Fatal("errors without a location, or an empty path, must pass unchanged")
	}
}

func TestInFileNamesTheFile(t *testing.T) {
	parse := InFile("app.yaml", &Located{Kind: ErrParse, Path: "ignored", Line: 3, Column: 2, Msg: "bad"})
	if parse.Error() != "app.yaml:3:2: bad" || !errors.Is(parse, ErrParse) {
		t.Fatalf("parse error: %v", parse)
	}
	mismatch := InFile("app.toml", &Located{Kind: ErrTypeMismatch, Path: "server.port", Msg: "null"})
	if mismatch.Error() != "app.toml: server.port: null" {
		t.Fatalf("located error: %v", mismatch)
	}
}

func TestEveryKindIsDistinctAndPoisonIsInternal(t *testing.T) {
	kinds := []error{ErrInvalidHandle, ErrInvalidArgument, ErrNotFound, ErrTypeMismatch, ErrParse, ErrIO,
		ErrClosed, ErrInternal, ErrCancelled, ErrFrozen, ErrInterpolation, ErrConflict, ErrConnection, ErrAuth}
	for i, a := range kinds {
		for j, b := range kinds {
			if i != j && errors.Is(a, b) {
				t.Fatalf("%v matches %v", a, b)
			}
		}
	}
	if !errors.Is(ErrPoisoned, ErrInternal) {
		t.Fatal("a poisoned object must report an internal error")
	}
}

func TestMessageDropsTheKindNames(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("cannot tell the format: %w", ErrInvalidArgument), "cannot tell the format"},
		{fmt.Errorf("sqlite store: disk full: %w", ErrIO), "sqlite store: disk full"},
		{fmt.Errorf("document of 3 GB is over the bound: %w", ErrLimit), "document of 3 GB is over the bound"},
		{fmt.Errorf("outer: %w", fmt.Errorf("inner: %w", ErrNotFound)), "outer: inner"},
		{fmt.Errorf(`save "a": expected revision 5 but it is at 1: %w`, ErrConflict), `save "a": expected revision 5 but it is at 1`},
		// Only kinds the error wraps go: a message that merely ends in the
		// same words keeps them.
		{errors.New("the flag is an invalid argument: invalid argument"), "the flag is an invalid argument: invalid argument"},
		// Kinds that say something the status does not are kept.
		{fmt.Errorf("server.port: %w", ErrFrozen), "server.port: config is frozen"},
		{ErrInvalidArgument, "invalid argument"},
		{&Located{Kind: ErrParse, Path: "a.yaml", Line: 1, Column: 2, Msg: "bad"}, "a.yaml:1:2: bad"},
	}
	for _, c := range cases {
		if got := Message(c.err); got != c.want {
			t.Errorf("Message(%q) = %q, want %q", c.err.Error(), got, c.want)
		}
	}
}

func TestMessageIsBounded(t *testing.T) {
	key := strings.Repeat("é", 3_000_000) // 6 MB, two bytes a character
	msg := Message(fmt.Errorf("key %q nests too deep: %w", key, ErrInvalidArgument))
	if len(msg) > MaxMessageBytes+100 {
		t.Fatalf("message of %d bytes", len(msg))
	}
	if !utf8.ValidString(msg) || !strings.HasPrefix(msg, `key "éé`) || !strings.HasSuffix(msg, `éé" nests too deep`) {
		t.Fatalf("message cut badly: %q ... %q", msg[:20], msg[len(msg)-30:])
	}
	if !strings.Contains(msg, " bytes left out)... ") {
		t.Fatalf("the cut is not said: %q", msg)
	}
	short := "a: expected int, got 'x'"
	if got := Message(fmt.Errorf("%s: %w", short, ErrTypeMismatch)); got != short {
		t.Fatalf("short message changed: %q", got)
	}
}

func TestPrintableEscapesWhatActsOnText(t *testing.T) {
	for in, want := range map[string]string{
		"plain: a/b.yaml:1:2: ok\n\tnext line": "plain: a/b.yaml:1:2: ok\n\tnext line",
		"we\x1b[31mird.yaml:1:5: x":            `we\x1b[31mird.yaml:1:5: x`,
		"a\rb\x7fc\u0085d":                     `a\rb\x7fc\x85d`,
		"key a\u202eb\u2028c\u2066d":           `key a\u202eb\u2028c\u2066d`,
		"not UTF-8 \xff\x1b kept":              "not UTF-8 \xff\\x1b kept",
		"ä ✓ 🚀":                                "ä ✓ 🚀",
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every message the library hands out passes through Bound, which masks a
// credential quoted inside a value, before a long message is cut (the cut
// could otherwise leave half a password, with no "@" after it to show it
// is one).
func TestBoundMasksCredentials(t *testing.T) {
	if got := Bound(`db.url: got "postgres://app:hunter3@db/app"`); got != `db.url: got "postgres://app:********@db/app"` {
		t.Errorf("got %.120q", got)
	}
	long := "postgres://app:" + strings.Repeat("h", MaxMessageBytes) + "@db/app"
	if got := Bound(long); strings.Contains(got, "hhhh") || !strings.HasPrefix(got, "postgres://app:********@db") {
		t.Errorf("got %.120q", got)
	}
	if got := Bound("plain text, a=b"); got != "plain text, a=b" {
		t.Errorf("got %.120q", got)
	}
}
