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

// serviceTree is n services shaped as bench/gen.py's deployment document
// is: scalars, a list of strings, nested maps and a list of small maps.
func serviceTree(n int) *value.Map {
	root := value.NewMap(0)
	root.Set("version", int64(3))
	services := value.NewMap(0)
	for i := 0; i < n; i++ {
		s := value.NewMap(0)
		s.Set("name", fmt.Sprintf("service-%d", i))
		s.Set("image", fmt.Sprintf("registry.example.com/team/service-%d:1.%d.%d", i, i%7, i%13))
		s.Set("replicas", int64(i%5+1))
		s.Set("enabled", i%3 != 0)
		s.Set("ratio", float64(i)/7)
		s.Set("tags", []any{"alpha", "beta", fmt.Sprintf("tag-%d", i)})
		env := value.NewMap(0)
		for j := 0; j < 6; j++ {
			env.Set(fmt.Sprintf("VAR_%d", j), fmt.Sprintf("value %d of service %d", j, i))
		}
		s.Set("environment", env)
		limits := value.NewMap(0)
		limits.Set("cpu", "500m")
		limits.Set("memory", "256Mi")
		res := value.NewMap(0)
		res.Set("limits", limits)
		s.Set("resources", res)
		var eps []any
		for j := 0; j < 3; j++ {
			ep := value.NewMap(0)
			ep.Set("path", fmt.Sprintf("/api/v%d/items", j))
			ep.Set("method", "GET")
			ep.Set("timeout_ms", int64(1000+100000*j))
			eps = append(eps, ep)
		}
		s.Set("endpoints", eps)
		services.Set(fmt.Sprintf("svc-%04d", i), s)
	}
	root.Set("services", services)
	return root
}

// BenchmarkEncodeConfig is to_dict()'s Go side on a configuration-shaped
// tree of a few services and of about 2 MB (as JSON).
func BenchmarkEncodeConfig(b *testing.B) {
	for _, n := range []int{20, 2000} {
		tree := serviceTree(n)
		b.Run(fmt.Sprintf("services/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := EncodeShared(tree); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
