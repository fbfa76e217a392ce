package sqlite

import (
	"context"
	"fmt"
	"testing"
)

// The per-load cost of the store: the latest revision of small configs,
// one call each (bench/db_bench.py's "load 1000 small configs", in Go).
func BenchmarkGetLatest(b *testing.B) {
	s := openTest(b, "b.db")
	for i := 0; i < 100; i++ {
		putBlob(b, s, "small blob", fmt.Sprintf("c%d", i))
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := s.Get(ctx, fmt.Sprintf("c%d", i%100), 0); err != nil {
			b.Fatal(err)
		}
	}
}
