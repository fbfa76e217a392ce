package yamlfmt

import (
	"strconv"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
)

// BenchmarkDecode decodes configuration-shaped documents of about 20 KB and
// 2 MB (the JSON size; the same tree in this format) with positions
// (Decode) and without (DecodeLean).
func BenchmarkDecode(b *testing.B) {
	codectest.BenchDecode(b, Encode,
		codectest.Decoder{Name: "positions", Decode: func(d []byte) error { _, err := Decode(d); return err }},
		codectest.Decoder{Name: "lean", Decode: func(d []byte) error { _, err := DecodeLean(d); return err }})
}

// BenchmarkDecodeAllStream reads streams of many one-key documents; the
// time per document should not grow with the stream (it did, linearly,
// when every document re-read the whole stream).
func BenchmarkDecodeAllStream(b *testing.B) {
	for _, n := range []int{5000, 20000} {
		data := []byte(strings.Repeat("{\"a\":1}\n---\n", n-1) + "{}")
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := DecodeAll(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
