package errs

import (
	"errors"
	"fmt"
	"testing"
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
