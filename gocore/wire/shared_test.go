package wire

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/gocfg/gocfg/gocore/value"
)

// sharedTree has what a shared encoding must get right: more keys than
// plainKeys, keys repeated across tables, more distinct keys than the key
// table has slots (so keys are pushed out and written again), non-ASCII,
// NUL, empty and 300-byte keys, and a date (the fixup list).
func sharedTree() *value.Map {
	root := value.NewMap(0)
	long := strings.Repeat("k", 300)
	for i := 0; i < 3*keySlots; i++ {
		m := value.NewMap(0)
		m.Set("name", fmt.Sprintf("svc-%d", i))
		m.Set("clé", int64(i))
		m.Set("a\x00b", i%2 == 0)
		m.Set("", "empty key")
		m.Set(long, []any{"x", value.NewMap(0)})
		m.Set(fmt.Sprintf("only-%d", i), 1.5)
		root.Set(fmt.Sprintf("s%d", i), m)
	}
	root.Set("when", value.LocalDate{Year: 2024, Month: 2, Day: 29})
	return root
}

func TestEncodeSharedReadByCPython(t *testing.T) {
	tree := sharedTree()
	plain, err := Encode(tree)
	if err != nil {
		t.Fatal(err)
	}
	shared, err := EncodeShared(tree)
	if err != nil {
		t.Fatal(err)
	}
	if len(shared) >= len(plain) {
		t.Fatalf("shared encoding is %d bytes, the plain one %d: no key was shared", len(shared), len(plain))
	}
	// CPython reads both as the same value, and in the shared one every
	// repeated key is one object.
	script := `import marshal,sys
data = sys.stdin.buffer.read()
n = int.from_bytes(data[:4], "little")
plain, shared = marshal.loads(data[4:4+n]), marshal.loads(data[4+n:])
assert plain == shared, "values differ"
tree = shared[0]
names = {id(k) for m in tree.values() if isinstance(m, dict) for k in m if k == "name"}
assert len(names) < len(tree) // 10, len(names)  # pushed out of the table now and then
assert list(tree["s5"]) == ["name", "clé", "a\0b", "", "k" * 300, "only-5"], list(tree["s5"])
print("ok")`
	var in bytes.Buffer
	in.Write([]byte{byte(len(plain)), byte(len(plain) >> 8), byte(len(plain) >> 16), byte(len(plain) >> 24)})
	in.Write(plain)
	in.Write(shared)
	if out := python(t, script, in.Bytes()); string(out) != "ok\n" {
		t.Fatalf("CPython: %s", out)
	}
}

func TestEncodeSharedSmallTreeIsPlain(t *testing.T) {
	m := value.NewMap(0)
	for i := 0; i < plainKeys; i++ {
		m.Set(fmt.Sprint(i%3), int64(i))
	}
	a, _ := Encode(m)
	b, _ := EncodeShared(m)
	if !bytes.Equal(a, b) {
		t.Fatal("a tree of at most plainKeys keys is not encoded as Encode does")
	}
}

// EncodeSharedWith writes what EncodeShared writes, however the pooled
// buffer and key table were used before: after a big tree, a small one
// (which must come out plain, with no back-reference to the big tree's
// keys), after an error, and from goroutines at once (run with -race).
func TestEncodeSharedWithReusesNothingVisible(t *testing.T) {
	small := value.NewMap(0)
	small.Set("name", "x")
	small.Set("s0", int64(1))
	bad := value.NewMap(0)
	bad.Set("name", struct{}{}) // no wire form
	trees := []any{sharedTree(), small, serviceTree(300), bad, small, sharedTree()}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 3; round++ {
				for i, tree := range trees {
					// Which keys are shared depends on the table's
					// random seed: compare the values the encodings
					// stand for, written out without back-references.
					want, wantErr := Encode(tree)
					var got []byte
					err := EncodeSharedWith(tree, func(b []byte) error {
						got = expandRefs(t, b)
						return nil
					})
					if (err != nil) != (wantErr != nil) || !bytes.Equal(got, want) {
						t.Errorf("tree %d: EncodeSharedWith gave %d bytes (%v), Encode %d (%v)", i, len(got), err, len(want), wantErr)
						return
					}
					if i == 1 && !bytes.Equal(got, mustEncodeWith(t, tree)) {
						t.Errorf("a small tree was not written plainly after a big one")
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	// use's error is the call's.
	stop := fmt.Errorf("stop")
	if err := EncodeSharedWith(small, func([]byte) error { return stop }); err != stop {
		t.Fatalf("err = %v, want use's", err)
	}
}

func mustEncodeWith(t *testing.T, tree any) []byte {
	var out []byte
	if err := EncodeSharedWith(tree, func(b []byte) error { out = bytes.Clone(b); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// expandRefs rewrites a shared encoding as Encode writes it: each flagged
// key plain, each back-reference as the key it names. It reads the type
// codes the encoder writes (see the package comment).
func expandRefs(t *testing.T, b []byte) []byte {
	var out []byte
	var refs [][]byte
	u32 := func(at int) int { return int(binary.LittleEndian.Uint32(b[at:])) }
	var value func(i int) int
	value = func(i int) int {
		code := b[i]
		flagged := code&flagRef != 0
		code &^= flagRef
		start := len(out)
		out = append(out, code)
		i++
		switch code {
		case 'N', 'T', 'F', '.':
		case 'i':
			out, i = append(out, b[i:i+4]...), i+4
		case 'g':
			out, i = append(out, b[i:i+8]...), i+8
		case 'l':
			n := int(int32(binary.LittleEndian.Uint32(b[i:])))
			if n < 0 {
				n = -n
			}
			out, i = append(out, b[i:i+4+2*n]...), i+4+2*n
		case 'u', 't', 'a', 'A':
			n := u32(i)
			out, i = append(out, b[i:i+4+n]...), i+4+n
		case 'z', 'Z':
			n := int(b[i])
			out, i = append(out, b[i:i+1+n]...), i+1+n
		case ')':
			n := int(b[i])
			out, i = append(out, b[i]), i+1
			for ; n > 0; n-- {
				i = value(i)
			}
		case '(', '[':
			n := u32(i)
			out, i = append(out, b[i:i+4]...), i+4
			for ; n > 0; n-- {
				i = value(i)
			}
		case '{':
			for b[i] != '0' {
				i = value(value(i))
			}
			out, i = append(out, '0'), i+1
		case 'r':
			out = append(out[:start], refs[u32(i)]...)
			i += 4
		default:
			t.Fatalf("unexpected type code %q at %d", code, i-1)
		}
		if flagged {
			refs = append(refs, bytes.Clone(out[start:]))
		}
		return i
	}
	if end := value(0); end != len(b) {
		t.Fatalf("%d trailing bytes", len(b)-end)
	}
	return out
}
