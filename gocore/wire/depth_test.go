package wire

import (
	"strings"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/value"
)

func chain(n int, leaf any) any {
	v := leaf
	for i := 0; i < n; i++ {
		m := value.NewMap(1)
		m.Set("a", v)
		v = m
	}
	return v
}

// A date is a tagged tuple on the wire, no level of the config: a date
// under value.MaxDepth keys is as deep as any other leaf there. A list
// of documents, or the state map of a pickled config, is no level of
// the values it holds (DecodeWrapped).
func TestDepthBoundAtTheLeaf(t *testing.T) {
	day := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, leaf := range []any{"v", day} {
		for _, n := range []int{value.MaxDepth, value.MaxDepth + 1} {
			data, err := EncodeTagged(chain(n, leaf))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Decode(data)
			if (err == nil) != (n <= value.MaxDepth) {
				t.Errorf("%T leaf under %d keys: %v", leaf, n, err)
			}
			if err != nil && !strings.Contains(err.Error(), "nested more than") {
				t.Errorf("%T leaf under %d keys: %v", leaf, n, err)
			}
			data, err = EncodeTagged([]any{chain(n, leaf)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err = DecodeWrapped(data); (err == nil) != (n <= value.MaxDepth) {
				t.Errorf("a list of one document, %T leaf under %d keys: %v", leaf, n, err)
			}
		}
	}
}
