package jsonfmt

import (
	"encoding/json"
	"fmt"
	"strings"
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

// BenchmarkDecodeReference is encoding/json decoding the same documents
// into any, for scale (it keeps no key order and no positions).
func BenchmarkDecodeReference(b *testing.B) {
	for _, size := range []int{20 << 10, 2 << 20} {
		data, err := Encode(codectest.ConfigTree(size))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%dKB/encoding-json", len(data)>>10), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				var v any
				if err := json.Unmarshal(data, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// dottedKeys is a document shaped like mime-db's db.json: 2,500 keys
// holding dots, each with a small object.
func dottedKeys() []byte {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 2500; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "\n  \"application/vnd.example.type%d+json\": {\"source\": \"iana\", \"compressible\": true, \"extensions\": [\"x%d\"]}", i, i)
	}
	b.WriteString("\n}\n")
	return []byte(b.String())
}

func BenchmarkDecodeDottedKeys(b *testing.B) {
	data := dottedKeys()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
