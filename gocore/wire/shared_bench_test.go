package wire

import (
	"fmt"
	"testing"

	"github.com/gocfg/gocfg/gocore/value"
)

// benchTree is n tables of the same shape under one map: keys repeat as
// they do in a list of services, and the top level's keys are distinct.
func benchTree(n int) *value.Map {
	root := value.NewMap(0)
	for i := 0; i < n; i++ {
		m := value.NewMap(0)
		m.Set("name", fmt.Sprintf("svc-%d", i))
		m.Set("port", int64(8000+i))
		m.Set("enabled", i%2 == 0)
		root.Set(fmt.Sprintf("s%d", i), m)
	}
	return root
}

// The Go side of the choice EncodeShared makes; marshal.loads of both
// forms is the Python side (bench/run.py's to_dict rows).
func BenchmarkEncodeKeys(b *testing.B) {
	for _, n := range []int{1, 16, 64, 1024} {
		tree := benchTree(n)
		b.Run(fmt.Sprintf("plain/%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_, _ = Encode(tree)
			}
		})
		b.Run(fmt.Sprintf("shared/%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_, _ = EncodeShared(tree)
			}
		})
	}
}
