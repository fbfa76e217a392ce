package db

import (
	"bytes"
	"testing"
)

// A store whose bound is below zstd's smallest window (1 KiB) sealed a
// compressed blob that unseal refused as damaged ("window size
// exceeded"): a config saved without error could not be loaded.
func TestSmallBoundStillLoadsWhatItSaved(t *testing.T) {
	for _, max := range []int64{600, 1000, 1024, 1100, 2000} {
		e := &encoder{compress: true, max: max}
		raw := bytes.Repeat([]byte("gocfg "), int(max)/6)
		raw = append(raw, bytes.Repeat([]byte("x"), int(max)-len(raw))...)
		blob, err := e.seal(raw)
		if err != nil {
			t.Fatalf("max %d: seal: %v", max, err)
		}
		back, err := e.unseal(blob)
		if err != nil || !bytes.Equal(back, raw) {
			t.Errorf("max %d: unseal: %v", max, err)
		}
		e.close()
	}
}
