package wire

import (
	"fmt"
	"github.com/gocfg/gocfg/gocore/value"
	"testing"
)

// BenchmarkDecodeConfig is the Go side of a database load (the stored
// form is EncodeTagged's) and of every Python value sent to the library,
// on a small configuration and on the 2 MB-shaped one.
func BenchmarkDecodeConfig(b *testing.B) {
	for _, n := range []int{1, 20, 2000} {
		data, err := EncodeTagged(serviceTree(n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("services/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := Decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// smallConfig is one config of bench/db_bench.py's small loads: ten
// scalars in three nested maps and a two-item list, ~250 bytes of JSON.
func smallConfig() *value.Map {
	server := value.NewMap(0)
	server.Set("host", "0.0.0.0")
	server.Set("port", int64(8001))
	server.Set("workers", int64(2))
	db := value.NewMap(0)
	db.Set("url", "postgres://db-1.internal/app")
	db.Set("pool", int64(10))
	m := value.NewMap(0)
	m.Set("name", "app-1")
	m.Set("server", server)
	m.Set("debug", false)
	m.Set("ratio", 0.14)
	m.Set("tags", []any{"web", "zone-1"})
	m.Set("db", db)
	return m
}

// BenchmarkDecodeSmall is the decoding of one database load of
// bench/db_bench.py's "load 1000 small configs".
func BenchmarkDecodeSmall(b *testing.B) {
	data, err := EncodeTagged(smallConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
