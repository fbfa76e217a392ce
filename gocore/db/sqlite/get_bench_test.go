package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/db/backend"
)

// The per-load cost of the store: the latest revision of small configs,
// one call each (bench/db_bench.py's "load 1000 small configs", in Go).
func BenchmarkGetLatest(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "b.db"), backend.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for i := 0; i < 100; i++ {
		if _, err := s.Put(ctx, fmt.Sprintf("c%d", i), []byte("small blob"), -1, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := s.Get(ctx, fmt.Sprintf("c%d", i%100), 0); err != nil {
			b.Fatal(err)
		}
	}
}
