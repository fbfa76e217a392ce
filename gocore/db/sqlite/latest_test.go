package sqlite

import (
	"context"
	"fmt"
	"testing"

	"github.com/gocfg/gocfg/gocore/db/backend"
)

var _ backend.Scanner = (*Store)(nil)

// Latest answers batches of every size around its statement's 32 names
// (short batches pad with a repeated name) exactly as Get answers each
// name: the latest revision, nothing for a missing or deleted name.
func TestLatestMatchesGet(t *testing.T) {
	s := openTest(t, "l.db")
	ctx := context.Background()
	var names []string
	for i := 0; i < 70; i++ {
		n := fmt.Sprintf("c/%02d 'q\" %%_é", i)
		names = append(names, n)
		for r := 0; r <= i%3; r++ {
			putBlob(t, s, fmt.Sprintf("%d-%d", i, r), n)
		}
	}
	if _, err := s.Delete(ctx, names[7]); err != nil {
		t.Fatal(err)
	}
	ask := append(append([]string{}, names...), "missing", "c/%")
	for _, size := range []int{0, 1, 2, 31, 32, 33, 64, 65, len(ask)} {
		got, err := s.Latest(ctx, ask[:size])
		if err != nil {
			t.Fatal(size, err)
		}
		seen := map[string]backend.Blob{}
		for _, b := range got {
			if _, dup := seen[b.Name]; dup {
				t.Fatalf("size %d: %q twice", size, b.Name)
			}
			seen[b.Name] = b
		}
		want := 0
		for _, n := range ask[:size] {
			blob, rev, err := s.Get(ctx, n, 0)
			b, ok := seen[n]
			if err != nil {
				if ok {
					t.Fatalf("size %d: %q: Latest gave rev %d, Get %v", size, n, b.Revision, err)
				}
				continue
			}
			if !ok || b.Revision != rev || string(b.Data) != string(blob) {
				t.Fatalf("size %d: %q: Latest %+v, Get rev %d %q", size, n, b, rev, blob)
			}
			if _, counted := seen[n+"\x00counted"]; !counted {
				seen[n+"\x00counted"] = backend.Blob{}
				want++
			}
		}
		if len(got) != want {
			t.Fatalf("size %d: %d blobs, want %d", size, len(got), want)
		}
	}
}

// A name given twice in one batch comes back once.
func TestLatestRepeatedName(t *testing.T) {
	s := openTest(t, "r.db")
	putBlob(t, s, "x", "a")
	got, err := s.Latest(context.Background(), []string{"a", "b", "a"})
	if err != nil || len(got) != 1 || got[0].Name != "a" || got[0].Revision != 1 || string(got[0].Data) != "x" {
		t.Fatalf("%+v, %v", got, err)
	}
}

// The batched read's per-name cost (db.LoadMany on SQLite).
func BenchmarkLatest(b *testing.B) {
	s := openTest(b, "b.db")
	ctx := context.Background()
	names := make([]string, 100)
	for i := range names {
		names[i] = fmt.Sprintf("c%d", i)
	}
	putBlob(b, s, "small blob", names...)
	b.ResetTimer()
	for i := 0; i < b.N; i += len(names) {
		if _, err := s.Latest(ctx, names); err != nil {
			b.Fatal(err)
		}
	}
}
