package db

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
	"github.com/gocfg/gocfg/gocore/wire"
)

// wireCodec is the C layer's codec (gocore/db/internal/dbtest imports
// this package, so its codec cannot be used here).
type wireCodec struct{}

func (wireCodec) Encode(m *value.Map) ([]byte, error) { return wire.EncodeTagged(m) }
func (wireCodec) Decode(b []byte) (*value.Map, error) {
	v, err := wire.Decode(b)
	if err != nil {
		return nil, err
	}
	return v.(*value.Map), nil
}

func mp(kv ...any) *value.Map {
	m := value.NewMap(len(kv) / 2)
	for i := 0; i+1 < len(kv); i += 2 {
		m.Set(kv[i].(string), kv[i+1])
	}
	return m
}

func TestSealUnseal(t *testing.T) {
	random := make([]byte, 4096)
	rand.Read(random)
	for _, tc := range []struct {
		name     string
		raw      []byte
		compress bool
		method   byte
	}{
		{"small", []byte(`{"a":1}`), true, methodRaw},
		{"repetitive", bytes.Repeat([]byte("host-1.example.com,"), 1000), true, methodZstd},
		{"random", random, true, methodRaw}, // zstd would not save enough
		{"no compression", bytes.Repeat([]byte("x"), 10000), false, methodRaw},
		{"empty", []byte{}, true, methodRaw},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &encoder{compress: tc.compress, max: DefaultMaxConfigBytes}
			defer e.close()
			blob, err := e.seal(tc.raw)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(blob, []byte(encMagic)) || blob[4] != encVersion || blob[5] != tc.method {
				t.Fatalf("header % x", blob[:min(len(blob), 8)])
			}
			got, err := e.unseal(blob)
			if err != nil || !bytes.Equal(got, tc.raw) {
				t.Fatalf("unseal: %v", err)
			}
		})
	}
}

// TestZstdBomb: a small stored blob that claims, or decompresses to, more
// than the limit is refused without allocating it.
func TestZstdBomb(t *testing.T) {
	big := &encoder{compress: true, max: 64 << 20}
	defer big.close()
	blob, err := big.seal(bytes.Repeat([]byte{'a'}, 32<<20))
	if err != nil {
		t.Fatal(err)
	}
	if len(blob) > 64<<10 {
		t.Fatalf("32 MiB of 'a' compressed to %d bytes", len(blob))
	}
	small := &encoder{compress: true, max: 1 << 20}
	defer small.close()
	if _, err := small.unseal(blob); !errors.Is(err, errs.ErrLimit) {
		t.Fatalf("unseal over the limit: %v", err)
	}
	// A header that lies about the size: the decoder still stops.
	lie := append([]byte(encMagic), encVersion, methodZstd, 0x10) // claims 16 bytes
	lie = append(lie, blob[len(encMagic)+2+4:]...)                // 32 MiB's uvarint is 4 bytes
	if _, err := small.unseal(lie); !errors.Is(err, errs.ErrIO) {
		t.Fatalf("lying header: %v", err)
	}
}

func randomConfig(size int) *value.Map {
	cfg := value.NewMap(0)
	for i := 0; i*4096 < size; i++ {
		raw := make([]byte, 3072)
		rand.Read(raw)
		cfg.Set(fmt.Sprintf("k%d", i), base64.StdEncoding.EncodeToString(raw))
	}
	return cfg
}

func serviceConfig(size int) *value.Map {
	cfg := value.NewMap(0)
	for i := 0; i*200 < size; i++ {
		cfg.Set(fmt.Sprintf("svc%d", i), mp("host", fmt.Sprintf("10.0.%d.%d", i/256%256, i%256),
			"port", int64(8000+i%100), "tags", []any{"a", "b", strings.Repeat("t", i%30)}, "enabled", i%2 == 0))
	}
	return cfg
}

// BenchmarkSQLiteCompression decides whether SQLite stores compressed
// blobs: save and load of configs of several sizes and kinds, with and
// without zstd. Run: go test ./gocore/db -run - -bench SQLiteCompression
func BenchmarkSQLiteCompression(b *testing.B) {
	for _, kind := range []struct {
		name string
		make func(int) *value.Map
	}{{"service", serviceConfig}, {"random", randomConfig}} {
		for _, size := range []int{4 << 10, 256 << 10, 4 << 20} {
			cfg := kind.make(size)
			for _, compress := range []bool{false, true} {
				b.Run(fmt.Sprintf("%s/%dKiB/zstd=%v", kind.name, size>>10, compress), func(b *testing.B) {
					d, err := Open(filepath.Join(b.TempDir(), "c.db"), Options{}, wireCodec{})
					if err != nil {
						b.Fatal(err)
					}
					defer d.Close()
					d.enc.compress = compress
					raw, _ := wireCodec{}.Encode(cfg)
					sealed, _ := d.enc.seal(raw)
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						if _, err := d.Save(nil, "c", cfg, -1); err != nil {
							b.Fatal(err)
						}
						if _, _, err := d.Load(nil, "c", 0); err != nil {
							b.Fatal(err)
						}
					}
					// After the loop: ResetTimer drops metrics reported before it.
					b.ReportMetric(float64(len(sealed))/float64(len(raw)), "stored/raw")
				})
			}
		}
	}
}
