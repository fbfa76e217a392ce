package tomlfmt

import (
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
