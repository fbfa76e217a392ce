package yamlfmt

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
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
// the piecewise path vouches for its result (a tree, or an error it places
// itself), compares it with the whole decode. It reports whether the
// piecewise path answered.
func checkChunked(t *testing.T, data []byte, target int) bool {
	t.Helper()
	old := chunkTarget
	chunkTarget = target
	defer func() { chunkTarget = old }()
	c := &converter{budget: MaxAliasNodes, positions: map[string]value.Pos{}, pathBudget: textpos.NewPathBudget(len(data))}
	var m *value.Map
	var cerr error
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("decodeChunked panicked: %v\n%q", r, data)
			}
		}()
		m, cerr = c.decodeChunked(data)
	}()
	if cerr == errStepAside {
		return false
	}
	whole, err := decodeWhole(data)
	if cerr != nil {
		if err == nil || err.Error() != cerr.Error() {
			t.Fatalf("piecewise decode refused with %v, the whole decode with %v:\n%q", cerr, err, data)
		}
		return true
	}
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

// chainDoc is a chain of depth nested "kN:" keys, each indented one space
// more, whose innermost block is filled by tail(i) lines (each written
// at the innermost indentation) until the document holds size bytes.
func chainDoc(depth, size int, tail func(i int) string) []byte {
	var b strings.Builder
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&b, "%sk%d:\n", strings.Repeat(" ", i), i)
	}
	ind := strings.Repeat(" ", depth)
	for i := 0; b.Len() < size; i++ {
		for _, l := range strings.SplitAfter(tail(i), "\n") {
			if l != "" {
				b.WriteString(ind + l)
			}
		}
	}
	return []byte(b.String())
}

func leaves(i int) string { return fmt.Sprintf("leaf%d: %d\n", i, i) }

// deepSubtrees puts, at each entry, a small subtree 300 levels deep: a
// chain of 800 keys plus one of those goes past value.MaxDepth inside a
// piece rather than in the chain of big keys.
func deepSubtrees(i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "s%d:\n", i)
	for d := 1; d < 300; d++ {
		fmt.Fprintf(&b, "%sx:\n", strings.Repeat(" ", d))
	}
	fmt.Fprintf(&b, "%sy: 1\n", strings.Repeat(" ", 300))
	return b.String()
}

// compactSeq ends the chain with a "- " list under the last key, which the
// library does not count as a level.
func compactSeq(i int) string {
	if i == 0 {
		return "seq:\n"
	}
	return fmt.Sprintf("- %d\n", i)
}

// TestChunkedDeep decodes deep documents just below and just above the
// piecewise threshold: whatever the path, the result is the whole
// decode's, the same tree or the same error at the same position, and the
// piecewise path answers a too-deep chain itself instead of stepping aside.
func TestChunkedDeep(t *testing.T) {
	// The threshold and the pieces are scaled down (from 4 MiB and 1 MiB)
	// to keep the test quick under the race detector; the deep chains
	// themselves take up to 600 KB.
	oldMin, oldTarget := chunkMin, chunkTarget
	chunkMin, chunkTarget = 1<<20, 256<<10
	defer func() { chunkMin, chunkTarget = oldMin, oldTarget }()
	for _, tc := range []struct {
		name   string
		depth  int
		tail   func(int) string
		refuse bool
		direct bool // the piecewise path places the error itself
	}{
		{"chain 999", 999, leaves, false, false},
		{"chain 1000", 1000, leaves, true, true},
		{"chain 1001", 1001, leaves, true, true},
		{"chain 1100", 1100, leaves, true, true},
		{"chain 600, deep pieces", 600, deepSubtrees, false, false},
		{"chain 800, deep pieces", 800, deepSubtrees, true, true},
		{"chain 998, compact list", 998, compactSeq, false, false},
		{"chain 999, compact list", 999, compactSeq, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var results []string
			for _, size := range []int{chunkMin - 4096, chunkMin + 4096} {
				data := chainDoc(tc.depth, size, tc.tail)
				doc, err := Decode(data)
				whole, werr := decodeWhole(data)
				if fmt.Sprint(err) != fmt.Sprint(werr) {
					t.Fatalf("%d bytes: Decode: %v; whole: %v", len(data), err, werr)
				}
				if (err != nil) != tc.refuse {
					t.Fatalf("%d bytes: err = %v", len(data), err)
				}
				if err != nil {
					if !isDepthError(err) {
						t.Fatalf("%d bytes: not a nesting error: %v", len(data), err)
					}
					results = append(results, err.Error())
				} else if !sameTree(doc.Root, whole.Root) || fmt.Sprint(doc.Positions) != fmt.Sprint(whole.Positions) {
					t.Fatalf("%d bytes: the trees differ", len(data))
				}
				// Without positions, the same answer.
				lean, lerr := DecodeLean(data)
				if fmt.Sprint(lerr) != fmt.Sprint(err) || (err == nil && !sameTree(lean.Root, doc.Root)) {
					t.Fatalf("%d bytes: DecodeLean differs (%v)", len(data), lerr)
				}
				if size > chunkMin {
					c := &converter{budget: MaxAliasNodes}
					_, cerr := c.decodeChunked(data)
					if tc.direct && (cerr == nil || cerr == errStepAside) {
						t.Errorf("%d bytes: the piecewise path did not place the error (%v)", len(data), cerr)
					}
					if !tc.refuse && cerr != nil {
						t.Errorf("%d bytes: the piecewise path stepped aside", len(data))
					}
				}
			}
			// Below and above the threshold, the same error at the same
			// place (the deep part is identical).
			if len(results) == 2 && results[0] != results[1] {
				t.Errorf("below the threshold %s, above %s", results[0], results[1])
			}
		})
	}
}

// TestChunkedLinear checks that the piecewise path looks at each line a
// bounded number of times, whatever the depth: it counts line visits, not
// time. Before, a chain of nested keys made every level read every line
// below it (about depth times the lines).
func TestChunkedLinear(t *testing.T) {
	old := chunkTarget
	chunkTarget = 2048
	defer func() { chunkTarget = old }()
	for _, depth := range []int{1, 10, 300, 998} {
		for _, tail := range []func(int) string{leaves, compactSeq} {
			var perLine []float64
			for _, size := range []int{400 << 10, 1600 << 10} {
				data := chainDoc(depth, size, tail)
				c := &converter{budget: MaxAliasNodes}
				ch := &chunker{c: c, data: data}
				if !ch.index() {
					t.Fatal("index refused the document")
				}
				if _, err := ch.block(0, len(ch.meta), 0, "", 1, false); err != nil {
					t.Fatalf("depth %d: %v", depth, err)
				}
				perLine = append(perLine, float64(ch.scanned)/float64(len(ch.meta)))
			}
			// A line is visited when its block looks for entries and when
			// its piece is cut; a "- " line under its key also by the
			// key's block.
			for _, p := range perLine {
				if p > 3.01 {
					t.Errorf("depth %d: %.2f visits per line (%v)", depth, p, perLine)
					break
				}
			}
		}
	}
}
