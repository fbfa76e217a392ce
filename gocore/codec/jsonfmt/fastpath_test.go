package jsonfmt

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
	"github.com/gocfg/gocfg/gocore/value"
)

// plainRun must say true exactly when none of eight bytes is a quote, a
// backslash or a control character: every byte value in every place, with
// plain and UTF-8 neighbours, and random words.
func TestPlainRun(t *testing.T) {
	needsLook := func(c byte) bool { return c == '"' || c == '\\' || c < 0x20 }
	ref := func(b []byte) bool {
		for _, c := range b {
			if needsLook(c) {
				return false
			}
		}
		return true
	}
	for _, fill := range []byte{'a', 0x80, 0xA2, 0xDC, 0xFF, ' '} {
		for pos := 0; pos < 8; pos++ {
			for c := 0; c < 256; c++ {
				b := []byte(strings.Repeat(string(fill), 8))
				b[pos] = byte(c)
				if got := plainRun(binary.LittleEndian.Uint64(b)); got != ref(b) {
					t.Fatalf("plainRun(% x) = %v", b, got)
				}
			}
		}
	}
	r := rand.New(rand.NewSource(1))
	b := make([]byte, 8)
	for i := 0; i < 1_000_000; i++ {
		binary.LittleEndian.PutUint64(b, r.Uint64())
		if got := plainRun(binary.LittleEndian.Uint64(b)); got != ref(b) {
			t.Fatalf("plainRun(% x) = %v", b, got)
		}
	}
}

// Strings and indentation of every length around the eight-byte steps
// decode to the same values, with the same positions and the same errors
// (line and column), as when read byte by byte.
func TestFastPathsKeepValuesAndPositions(t *testing.T) {
	for indent := 0; indent < 20; indent++ {
		for n := 0; n < 20; n++ {
			pad := strings.Repeat(" ", indent)
			s := strings.Repeat("é", n%3) + strings.Repeat("x", n)
			doc := fmt.Sprintf("{\n%s\"k%s\": \"%s\",\n%s\t \"b\": [\n%s1]}", pad, s, s, pad, pad)
			d := codectest.MustDecode(t, Decode, doc)
			if v, _ := d.Root.Get("k" + s); v != s {
				t.Fatalf("indent %d, n %d: value %q, want %q", indent, n, v, s)
			}
			want := map[string]value.Pos{
				"k" + s: {Line: 2, Column: indent + 1},
				"b":     {Line: 3, Column: indent + 3},
				"b.0":   {Line: 4, Column: indent + 1},
			}
			for k, p := range want {
				if got := d.Positions[k]; got != p {
					t.Fatalf("indent %d, n %d: position of %q = %v, want %v", indent, n, k, got, p)
				}
			}
			// An error after the indentation and inside a long string.
			codectest.Errors(t, Decode, []codectest.ErrorCase{
				{fmt.Sprintf("{\n%s\"a\": x}", pad), 2, indent + 6, "expected a value"},
				{fmt.Sprintf("{\n%s\"a\": \"%s\x01\"}", pad, s), 2, indent + 7 + len([]rune(s)), "control character"},
				{fmt.Sprintf("{\n%s\"%s\x01\": 1}", pad, s), 2, indent + 2 + len([]rune(s)), "control character"},
			})
		}
	}
}

// More distinct keys than the intern table has slots, repeated keys that
// collide in it, and the empty key: every key decodes as written, in
// order, and a key seen again is one string.
func TestInternTableOverflow(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"": 0, "list": [`)
	const distinct = 3 * internMaxSlots
	for i := 0; i < 3; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("{")
		for k := 0; k < distinct; k++ {
			if k > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `"key-%d": %d`, k, k)
		}
		b.WriteString(`, "": 1}`)
	}
	b.WriteString("]}")
	d, err := DecodeLean([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := d.Root.Get(""); !ok || v != int64(0) {
		t.Fatalf(`root "" = %v, %v`, v, ok)
	}
	l, _ := d.Root.Get("list")
	for _, item := range l.([]any) {
		m := item.(*value.Map)
		keys := m.Keys()
		if len(keys) != distinct+1 || keys[distinct] != "" {
			t.Fatalf("%d keys, last %q", len(keys), keys[len(keys)-1])
		}
		for k := 0; k < distinct; k++ {
			if want := fmt.Sprintf("key-%d", k); keys[k] != want {
				t.Fatalf("key %d = %q, want %q", k, keys[k], want)
			}
			if v, _ := m.Get(keys[k]); v != int64(k) {
				t.Fatalf("%s = %v", keys[k], v)
			}
		}
	}
}

// Parses share pooled scratch (stacks, key table) one after another and at
// once: every document still decodes to what a parse of its own gives,
// whatever was decoded before it, errors included (run with -race).
func TestPooledScratchKeepsParsesApart(t *testing.T) {
	docs := []string{
		`{"a": {"b": [1, {"c": "x"}]}, "k": "v"}`,
		`{"a": ` + strings.Repeat(`[`, 300) + strings.Repeat(`]`, 300) + `}`,
		`{"x": [1, 2, 3], "y": {"z": null}`, // unterminated: an error half way
		strings.Replace(fmt.Sprintf(`{%s"end": 1}`, strings.Repeat(`"k": {"a": 1, "b": [true]}, `, 2000)), `"k"`, `"k2"`, 1000),
	}
	want := make([]any, len(docs))
	for i, d := range docs {
		doc, err := DecodeLean([]byte(d))
		if err != nil {
			want[i] = err.Error()
		} else {
			want[i] = doc.Root
		}
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for r := 0; r < 50; r++ {
				i := (g + r) % len(docs)
				doc, err := DecodeLean([]byte(docs[i]))
				if err != nil {
					if err.Error() != want[i] {
						t.Errorf("doc %d: %v, want %v", i, err, want[i])
					}
					continue
				}
				if w, ok := want[i].(*value.Map); !ok || !value.Equal(doc.Root, w) {
					t.Errorf("doc %d decoded differently", i)
				}
			}
		}(g)
	}
	wg.Wait()
}
