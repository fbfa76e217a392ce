package jsonfmt

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
)

// BenchmarkDecode decodes configuration-shaped documents of about 20 KB and
// 2 MB with positions (Decode) and without (DecodeLean), and with
// encoding/json into any for scale (it keeps no key order and no
// positions).
func BenchmarkDecode(b *testing.B) {
	codectest.BenchDecode(b, Encode,
		codectest.Decoder{Name: "positions", Decode: func(d []byte) error { _, err := Decode(d); return err }},
		codectest.Decoder{Name: "lean", Decode: func(d []byte) error { _, err := DecodeLean(d); return err }},
		codectest.Decoder{Name: "encoding-json", Decode: func(d []byte) error { var v any; return json.Unmarshal(d, &v) }})
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
