package codec

import (
	"runtime"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/value"
)

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// An encoder names a path only in an error: building the path of every
// entry on the way down copied a deep path once per level (a tree of
// 999 keys of 10 KB took 5 GB and seconds to write) and a long path once
// per item of a list under it. The work must stay a small multiple of the
// text written.
func TestEncodeWorkIsLinearInTheTree(t *testing.T) {
	key := strings.Repeat("k", 1000)
	deep := value.NewMap(1)
	deep.Set("leaf", int64(1))
	items := make([]any, 2000)
	for i := range items {
		items[i] = int64(i)
	}
	deep.Set("list", items)
	for i := 0; i < 400; i++ {
		m := value.NewMap(1)
		m.Set(key, deep)
		deep = m
	}
	for _, name := range []string{"json", "yaml", "toml", "hcl"} {
		c, err := ByName(name)
		if err != nil {
			t.Fatal(err)
		}
		var out []byte
		n := allocated(func() { out, err = c.Encode(deep) })
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// The tree's keys alone are 400 KB; a path per level is 80 MB.
		if limit := 20*uint64(len(out)) + 8<<20; n > limit {
			t.Errorf("%s: encoding %d bytes allocated %d bytes", name, len(out), n)
		}
	}
}

// A leaf at the end of value.MaxDepth keys is as deep as a tree may be,
// in every format that nests (properties refused it, one level short).
func TestEncodeTheDeepestTree(t *testing.T) {
	for _, name := range []string{"json", "yaml", "toml", "hcl", "properties"} {
		c, _ := ByName(name)
		for _, depth := range []int{value.MaxDepth, value.MaxDepth + 1} {
			var tree any = "v"
			for i := 0; i < depth; i++ {
				m := value.NewMap(1)
				m.Set("a", tree)
				tree = m
			}
			out, err := c.Encode(tree.(*value.Map))
			if depth == value.MaxDepth && err != nil {
				t.Errorf("%s: %d keys deep: %v", name, depth, err)
			}
			if depth > value.MaxDepth && err == nil {
				t.Errorf("%s: %d keys deep was written", name, depth)
			}
			if err == nil {
				back, err := c.Decode(out)
				if err != nil {
					t.Errorf("%s: %d keys deep does not read back: %v", name, depth, err)
				} else if !value.Equal(back.Root, tree) {
					t.Errorf("%s: %d keys deep reads back otherwise", name, depth)
				}
			}
		}
	}
}

// A first key starting with U+FEFF read back as a byte order mark, which
// readers skip: .env, INI and HCL write keys bare, and lost the key's first
// character. Every codec now reads back what it wrote, or refuses it.
func TestFirstKeyStartingWithAByteOrderMark(t *testing.T) {
	for _, name := range Names() {
		c, _ := ByName(name)
		root := value.NewMap(2)
		inner := value.NewMap(1)
		inner.Set("\ufeffk", "v")
		if name == "ini" || name == "toml" || name == "hcl" || name == "yaml" || name == "json" || name == "jsonc" || name == "properties" {
			root.Set("\ufeffs", inner)
		} else {
			root.Set("\ufeffk", "v")
		}
		out, err := c.Encode(root)
		if err != nil {
			continue // refused: nothing is lost
		}
		if strings.HasPrefix(string(out), "\ufeff") {
			t.Errorf("%s: the text starts with a byte order mark", name)
		}
		back, err := c.Decode(out)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if !value.Equal(back.Root, root) {
			t.Errorf("%s: read back %v", name, back.Root)
		}
	}
}
