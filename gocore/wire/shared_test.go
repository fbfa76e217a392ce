package wire

import (
	"bytes"
	"fmt"
	"strings"
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
