package yamlfmt

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
	"github.com/gocfg/gocfg/gocore/value"
)

// sameTree is value.Equal plus key order.
func sameTree(a, b any) bool {
	if !value.Equal(a, b) {
		return false
	}
	switch a := a.(type) {
	case *value.Map:
		bm := b.(*value.Map)
		ak, bk := a.Keys(), bm.Keys()
		for i := range ak {
			if ak[i] != bk[i] {
				return false
			}
			av, _ := a.Get(ak[i])
			bv, _ := bm.Get(bk[i])
			if !sameTree(av, bv) {
				return false
			}
		}
	case []any:
		for i := range a {
			if !sameTree(a[i], b.([]any)[i]) {
				return false
			}
		}
	}
	return true
}

// checkChunked decodes data piecewise with pieces of target bytes and, when
// the piecewise path vouches for its result, compares it with the whole
// decode. It reports whether the piecewise path was taken.
func checkChunked(t *testing.T, data []byte, target int) bool {
	t.Helper()
	old := chunkTarget
	chunkTarget = target
	defer func() { chunkTarget = old }()
	c := &converter{budget: MaxAliasNodes, positions: map[string]value.Pos{}}
	var m *value.Map
	var ok bool
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("decodeChunked panicked: %v\n%q", r, data)
			}
		}()
		m, ok = c.decodeChunked(data)
	}()
	if !ok {
		return false
	}
	whole, err := decodeWhole(data)
	if err != nil {
		t.Fatalf("piecewise decode accepted a document the whole decode refuses (%v):\n%q", err, data)
	}
	if !sameTree(whole.Root, m) {
		t.Fatalf("piecewise decode differs (target %d):\n%q", target, data)
	}
	if fmt.Sprint(whole.Positions) != fmt.Sprint(c.positions) {
		var diff []string
		for k, v := range whole.Positions {
			if c.positions[k] != v {
				diff = append(diff, fmt.Sprintf("%q: whole %v, piecewise %v", k, v, c.positions[k]))
			}
		}
		for k, v := range c.positions {
			if _, ok := whole.Positions[k]; !ok {
				diff = append(diff, fmt.Sprintf("%q: only piecewise %v", k, v))
			}
		}
		t.Fatalf("piecewise positions differ (target %d): %v\n%q", target, diff, data)
	}
	return true
}

// decodeWhole is Decode without the piecewise path.
func decodeWhole(data []byte) (*value.Doc, error) {
	old := chunkMin
	chunkMin = 1 << 62
	defer func() { chunkMin = old }()
	return Decode(data)
}

func TestChunkedRandom(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	kinds := yamlKinds
	kinds.MaxDepth = 5
	// No U+2028 or lone CR, which send a document down the whole path.
	runes := []rune("abcxyzABC019_-. :=#;[]{}\"'\\/\t\n é日本😀\x01\x7f$`~!@%^&*(),<>?|+")
	kinds.ValueRunes = runes
	kinds.KeyRunes = []rune("abcxyzABC019_-. :=#;[]{}\"'\\/ é日本😀$`~!@%^&*(),<>?|+")
	taken := 0
	for i := 0; i < 400; i++ {
		tree := value.NewMap(0)
		for j := 0; j < 4; j++ {
			tree.Set(fmt.Sprint("k", j), kinds.Tree(r))
		}
		tree.Set("list", []any{kinds.Tree(r), "x", []any{int64(1)}, kinds.Tree(r)})
		b, err := Encode(tree)
		if err != nil {
			t.Fatal(err)
		}
		for _, target := range []int{1, 40, 200} {
			if checkChunked(t, b, target) {
				taken++
			}
		}
	}
	if taken < 600 {
		t.Errorf("the piecewise path was taken only %d times of 1200", taken)
	}
}

func TestChunkedFallback(t *testing.T) {
	for _, s := range []string{
		"a: &x 1\nb: *x\n",              // alias across pieces
		"a: 1\na: 2\n",                  // duplicate across pieces
		"a: \"x\nb\"\nc: 1\n",           // quoted scalar continued at the cut
		"a: [1,\n2]\n",                  // flow continued at the cut
		"a: 1\n---\nb: 2\n",             // second document
		"<<: {x: 1}\na: 1\n",            // merge key at the cut level
		"- a\n- b\n",                    // sequence root
		"s:\n  a: \"x\n  b\"\n  c: 1\n", // the same one level down
		"s:\n  a: 1\n b: 2\n",           // bad indentation
		"s:\n  a: 1\n  ---\n  b: 2\n",   // a line that would become a marker
		"s: &anchor\n  a: 1\n  b: 2\nt: *anchor\n",
	} {
		if checkChunked(t, []byte(s), 1) {
			// Taken is fine only if equal, which checkChunked verified.
			continue
		}
	}
	// And Decode still reports the usual errors.
	old := chunkMin
	chunkMin = 0
	defer func() { chunkMin = old }()
	if _, err := Decode([]byte("a: 1\na: 2\n")); err == nil {
		t.Error("duplicate accepted")
	}
	// Characters the library's reader refuses, on lines the pieces leave
	// out (a leading comment): the piecewise path used to accept them, so
	// a document over chunkMin was accepted where a small one was refused
	// (FuzzChunked's f0c52819172a97da).
	for _, s := range []string{"#\x00\na: 1\n", "#\x01 x\n---\na: 1\n", "#\xa4\n0:", "# \uFFFF\na: 1\n"} {
		checkChunked(t, []byte(s), 1)
		if _, err := Decode([]byte(s)); err == nil {
			t.Errorf("Decode(%q) accepted", s)
		}
	}
}

func FuzzChunked(f *testing.F) {
	for _, s := range codectest.Seeds("yaml-test-suite/*/in.yaml", 60) {
		f.Add(s, uint8(1))
	}
	f.Add([]byte("a:\n  b: 1\n  c:\n  - x\n  - y: 1\n    z: |\n      text\n\n      more\nd: 2\n"), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, target uint8) {
		defer codectest.Watchdog(data)()
		checkChunked(t, data, int(target))
	})
}
