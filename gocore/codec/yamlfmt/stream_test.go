package yamlfmt

import (
	"runtime"
	"strings"
	"testing"
)

// TestDecodeAllLinear checks that a stream costs the same per document
// whatever its length. It counts bytes allocated, not time (machines are
// noisy): work redone over the whole stream for each document, when it
// builds anything (an index, a copy), shows up as allocation that grows
// with the stream. Before, the flow indentation check indexed every line
// of the stream for every document: 22 KB per document in a stream of
// 500, 205 KB in one of 4,000, and a stream of 100,000 documents took a
// minute.
func TestDecodeAllLinear(t *testing.T) {
	for _, doc := range []string{
		"{\"a\": 1}\n---\n",
		"a: 1\n---\n",
		"a: [1,\n  2]\nb: \"x\n  y\"\n---\n", // what the check looks at
		"%YAML 1.1\n---\na: on\n...\n",
		"- x\n- {b: 'y'}\n---\n",
	} {
		var perDoc []float64
		for _, n := range []int{500, 4000} {
			data := []byte(strings.Repeat(doc, n))
			perDoc = append(perDoc, float64(allocated(t, data))/float64(n))
		}
		if perDoc[1] > 1.5*perDoc[0] {
			t.Errorf("%q: %.0f bytes per document in a stream of 500, %.0f in one of 4,000", doc, perDoc[0], perDoc[1])
		}
	}
}

// allocated returns the fewest bytes DecodeAll allocated for data in a few
// runs: the least disturbed by anything else the runtime allocates.
func allocated(t *testing.T, data []byte) uint64 {
	least := uint64(0)
	for range 3 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := DecodeAll(data); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; least == 0 || n < least {
			least = n
		}
	}
	return least
}
