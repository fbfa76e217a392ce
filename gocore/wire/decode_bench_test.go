package wire

import (
	"fmt"
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
