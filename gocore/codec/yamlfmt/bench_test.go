package yamlfmt

import (
	"fmt"
	"testing"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
)

// BenchmarkDecode decodes, with positions (Decode) and without (DecodeLean), a configuration-shaped document of about 20 KB
// (a typical file) and one of about 2 MB (the JSON size; the same tree in
// this format).
func BenchmarkDecode(b *testing.B) {
	for _, size := range []int{20 << 10, 2 << 20} {
		data, err := Encode(codectest.ConfigTree(size))
		if err != nil {
			b.Fatal(err)
		}
		name := fmt.Sprintf("%dKB", len(data)>>10)
		b.Run(name+"/positions", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := Decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/lean", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := DecodeLean(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
