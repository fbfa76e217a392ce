package load

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func TestAllReadsStreamsAndAnyRoot(t *testing.T) {
	ctx := context.Background()
	c, _ := TextCodec("yaml")
	docs, err := All(ctx, c, []byte("a: 1\n---\n- x\n- y\n---\n3\n---\n"), "s.yaml")
	if err != nil || len(docs) != 4 {
		t.Fatalf("got %d docs, %v", len(docs), err)
	}
	if _, ok := docs[0].Root.(*value.Map); !ok {
		t.Errorf("doc 0 = %#v", docs[0].Root)
	}
	if l, ok := docs[1].Root.([]any); !ok || len(l) != 2 {
		t.Errorf("doc 1 = %#v", docs[1].Root)
	}
	if docs[2].Root != int64(3) || docs[3].Root != nil {
		t.Errorf("docs 2, 3 = %#v, %#v", docs[2].Root, docs[3].Root)
	}
	// Strings are checked in every document, naming the index.
	_, err = All(ctx, c, []byte("a: 1\n---\n- \"\\ud800\"\n"), "s.yaml")
	if err == nil {
		// go-yaml may refuse the escape itself; either way it is an error.
		t.Fatal("a lone surrogate was accepted")
	}
	j, _ := TextCodec("json")
	if docs, err := All(ctx, j, []byte(`[1, {"k\u0000": "v"}]`), ""); err != nil || len(docs) != 1 {
		t.Fatalf("json list root: %v", err)
	}
	if _, err := All(ctx, j, []byte(`[1, "\xff"]`), "x.json"); !errors.Is(err, errs.ErrParse) || !strings.HasPrefix(err.Error(), "x.json:") {
		t.Fatalf("bad UTF-8 in a list root: %v", err)
	}
	// A file, and a stream over the document limit.
	path := filepath.Join(t.TempDir(), "many.yaml")
	if err := os.WriteFile(path, []byte(strings.Repeat("---\n", MaxDocuments+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := FileAll(ctx, c, path); !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "100000 documents") {
		t.Fatalf("over the limit: %v", err)
	}
	// Documents started by "..." lines count too; markers inside a line,
	// or indented, do not.
	if n := markers([]byte("a\n...\nb\n--- c\n  ---\nx: ---\n---")); n != 3 {
		t.Errorf("markers = %d, want 3", n)
	}
	// Exactly at the limit is fine.
	if docs, err := All(ctx, c, []byte(strings.Repeat("---\n", MaxDocuments-1)), ""); err != nil || len(docs) != MaxDocuments-1 {
		t.Fatalf("at the limit: %d, %v", len(docs), err)
	}
}

func TestEncodeAll(t *testing.T) {
	m := value.NewMap(0)
	m.Set("a", int64(1))
	roots := []any{m, []any{"x"}, nil}
	for _, c := range []struct {
		format string
		roots  []any
		want   string
	}{
		{"yaml", roots, "a: 1\n---\n- x\n---\nnull\n"},
		{"yaml-1.1", []any{m}, "a: 1\n"},
		{"yaml", nil, ""},
		{"json", []any{[]any{"x"}}, "[\n  \"x\"\n]\n"},
		{"json", nil, "[]\n"},
		{"toml", []any{m}, "a = 1\n"},
	} {
		codec, _ := TextCodec(c.format)
		got, err := EncodeAll(codec, c.roots)
		if err != nil || string(got) != c.want {
			t.Errorf("%s: %q, %v; want %q", c.format, got, err, c.want)
		}
	}
	j, _ := TextCodec("json")
	if got, err := EncodeAll(j, roots); err != nil || !strings.HasPrefix(string(got), "[\n  {") {
		t.Errorf("json stream: %q, %v", got, err)
	}
	for _, bad := range [][]any{roots, {[]any{1}}, nil} {
		toml, _ := TextCodec("toml")
		if _, err := EncodeAll(toml, bad); !errors.Is(err, errs.ErrTypeMismatch) {
			t.Errorf("toml %#v: %v", bad, err)
		}
	}
}

func TestDecodeEnviron(t *testing.T) {
	ctx := context.Background()
	c, _ := TextCodec("env")
	data := []byte("A=${HOME_X}/x\nB=${A}-b\n")
	doc, err := DecodeEnviron(ctx, c, data, "", []string{"HOME_X=/home/u"})
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := doc.Root.Get("A"); a != "/home/u/x" {
		t.Errorf("A = %q", a)
	}
	if b, _ := doc.Root.Get("B"); b != "/home/u/x-b" {
		t.Errorf("B = %q", b)
	}
	// Without an environment: the file alone, as Decode.
	doc, err = DecodeEnviron(ctx, c, data, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := doc.Root.Get("A"); a != "/x" {
		t.Errorf("A without environ = %q", a)
	}
	// Formats without environment references decode as Decode does.
	y, _ := TextCodec("yaml")
	if doc, err := DecodeEnviron(ctx, y, []byte("a: ${HOME_X}\n"), "", []string{"HOME_X=1"}); err != nil {
		t.Fatal(err)
	} else if a, _ := doc.Root.Get("a"); a != "${HOME_X}" {
		t.Errorf("yaml a = %q", a)
	}
}
