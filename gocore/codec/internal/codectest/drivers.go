package codectest

import (
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// The drivers below are the shapes every codec's tests share: fuzz seeds,
// the fuzz targets' bodies, round trips and tables of refused documents.
// A codec's test file says what is particular to it (its seeds, its
// decoders, what its encoder may refuse) and leaves the loops here, so a
// check tightened once is tightened for every format.

// DecodeFunc and EncodeFunc are the shapes of every codec package's entry points.
type (
	DecodeFunc = func([]byte) (*value.Doc, error)
	EncodeFunc = func(*value.Map) ([]byte, error)
)

// Codec is a decoder with the encoder whose output it reads back.
type Codec struct {
	Decode DecodeFunc
	Encode EncodeFunc
	// Refusable, when set, says which errors Encode may give for a tree
	// (one the format cannot express); the tree is then skipped. Without
	// it, every tree must be writable.
	Refusable func(error) bool
	// KeepsOrder: a round trip keeps the top-level keys in their order.
	KeepsOrder bool
}

// Any is a Refusable that lets Encode refuse any tree (Encode names what
// it cannot express, and random trees often hold such things).
func Any(error) bool { return true }

// SeedSuite adds as fuzz seeds up to n files matching glob in the shared
// conformance suites (none when the suites are missing).
func SeedSuite(f *testing.F, glob string, n int) {
	for _, s := range Seeds(glob, n) {
		f.Add(s)
	}
}

// SeedFiles adds as fuzz seeds the named files of dir that exist.
func SeedFiles(f *testing.F, dir string, names ...string) {
	for _, name := range names {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			f.Add(b)
		}
	}
}

// SeedStrings adds documents given as text as fuzz seeds.
func SeedStrings(f *testing.F, docs ...string) {
	for _, s := range docs {
		f.Add([]byte(s))
	}
}

// FuzzDecode runs the fuzz target shared by every codec: each decoder
// either refuses the input with IsLocatedParseError, or returns a document
// with a root, which check (when set) examines further.
func FuzzDecode(f *testing.F, check func(t *testing.T, data []byte, d *value.Doc), decoders ...DecodeFunc) {
	f.Fuzz(func(t *testing.T, data []byte) {
		defer Watchdog(data)()
		for _, dec := range decoders {
			d, err := dec(data)
			if err != nil {
				if !IsLocatedParseError(err) {
					t.Fatalf("error is not a located parse error: %#v", err)
				}
				continue
			}
			if d.Root == nil {
				t.Fatal("nil root")
			}
			if check != nil {
				check(t, data, d)
			}
		}
	})
}

// FuzzRoundTrip runs the other shared fuzz target: whatever a codec's
// decoder reads, its encoder writes so that the decoder reads the same
// tree back.
func FuzzRoundTrip(f *testing.F, codecs ...Codec) {
	f.Fuzz(func(t *testing.T, data []byte) {
		defer Watchdog(data)()
		for _, c := range codecs {
			d, err := c.Decode(data)
			if err != nil {
				continue
			}
			b, err := c.Encode(d.Root)
			if err != nil {
				if c.Refusable != nil && c.Refusable(err) {
					continue
				}
				t.Fatalf("Encode of a decoded tree: %v\n%q", err, data)
			}
			d2, err := c.Decode(b)
			if err != nil {
				t.Fatalf("Decode(Encode(x)): %v\n%q\n%q", err, data, b)
			}
			if !value.Equal(d.Root, d2.Root) {
				t.Fatalf("round trip changed the tree:\n%q\n%q", data, b)
			}
		}
	})
}

// RoundTrip writes tree with c and reads it back: it must come back equal.
// It returns the document written, and false when c.Refusable let Encode
// refuse the tree.
func RoundTrip(t testing.TB, c Codec, tree *value.Map) ([]byte, bool) {
	t.Helper()
	b, err := c.Encode(tree)
	if err != nil {
		if c.Refusable != nil && c.Refusable(err) {
			return nil, false
		}
		t.Fatalf("Encode: %v", err)
	}
	d, err := c.Decode(b)
	if err != nil {
		t.Fatalf("Decode(Encode(x)): %v\n%q", err, b)
	}
	if !value.Equal(tree, d.Root) {
		t.Fatalf("round trip changed the tree:\n%q", b)
	}
	if c.KeepsOrder && strings.Join(tree.Keys(), "\x00") != strings.Join(d.Root.Keys(), "\x00") {
		t.Fatalf("round trip changed the key order:\n%q", b)
	}
	return b, true
}

// RoundTripRandom does RoundTrip on n random trees made by tree from a
// source seeded with seed, and returns the documents written (trees that
// Encode refused, as c.Refusable allows, are left out).
func RoundTripRandom(t *testing.T, c Codec, seed int64, n int, tree func(*rand.Rand) *value.Map) [][]byte {
	t.Helper()
	r := rand.New(rand.NewSource(seed))
	var written [][]byte
	for i := 0; i < n; i++ {
		if b, ok := RoundTrip(t, c, tree(r)); ok {
			written = append(written, b)
		}
	}
	return written
}

// ErrorCase is a document a decoder must refuse with a parse error located
// at Line and Col (0: that one is not checked) whose message holds Msg. It
// is an alias of a struct literal so that tables may list cases without
// field names.
type ErrorCase = struct {
	In        string
	Line, Col int
	Msg       string
}

// Errors checks every case of a table of refused documents.
func Errors(t *testing.T, decode DecodeFunc, cases []ErrorCase) {
	t.Helper()
	for _, c := range cases {
		_, err := decode([]byte(c.In))
		var loc *errs.Located
		if !errors.As(err, &loc) || !errors.Is(err, errs.ErrParse) {
			t.Errorf("Decode(%.60q) = %v, want a located parse error", c.In, err)
			continue
		}
		if (c.Line != 0 && loc.Line != c.Line) || (c.Col != 0 && loc.Column != c.Col) || !strings.Contains(loc.Msg, c.Msg) {
			t.Errorf("Decode(%.60q) = %d:%d %q, want %d:%d ...%q...", c.In, loc.Line, loc.Column, loc.Msg, c.Line, c.Col, c.Msg)
		}
	}
}

// ErrorsHiding checks a table of refused documents as Errors does, and
// that no error's text holds any of hidden: the value of a secret, which
// messages name by position and problem only.
func ErrorsHiding(t *testing.T, decode DecodeFunc, cases []ErrorCase, hidden ...string) {
	t.Helper()
	Errors(t, decode, cases)
	for _, c := range cases {
		_, err := decode([]byte(c.In))
		for _, h := range hidden {
			if err != nil && strings.Contains(err.Error(), h) {
				t.Errorf("Decode(%.60q) = %v: it quotes %q", c.In, err, h)
			}
		}
	}
}

// NULKey checks that doc, a document whose one key is "a\x00" written with
// the format's escape, is read with the NUL in the key, and written back
// escaped (no raw NUL) so that it reads back the same.
func NULKey(t *testing.T, c Codec, doc string) {
	t.Helper()
	k, err := c.Decode([]byte(doc))
	if err != nil {
		t.Fatalf("NUL in a key: %v", err)
	}
	if _, ok := k.Root.Get("a\x00"); !ok {
		t.Fatalf("NUL key lost: %v", k.Root.Keys())
	}
	kout, err := c.Encode(k.Root)
	if err != nil || strings.IndexByte(string(kout), 0) >= 0 {
		t.Fatalf("Encode(NUL key) = %q, %v", kout, err)
	}
	if kback, err := c.Decode(kout); err != nil || !value.Equal(kback.Root, k.Root) {
		t.Errorf("NUL key round trip: %v\n%q", err, kout)
	}
}
