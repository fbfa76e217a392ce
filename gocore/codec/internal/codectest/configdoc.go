package codectest

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/gocfg/gocfg/gocore/value"
)

// ConfigTree builds a deterministic configuration-shaped tree whose JSON
// text is about size bytes, for benchmarks: a few top-level settings and
// many services, each with scalars, lists, an environment map, nested
// tables and a list of endpoint tables, with some keys holding dots (as
// mime-db's and Kubernetes' annotation keys do) and some non-ASCII text.
// There are no nulls (TOML cannot hold them), and within every map the
// scalars come before the tables, the order TOML writes back.
func ConfigTree(size int) *value.Map {
	r := rand.New(rand.NewSource(20240611))
	words := []string{"auth", "billing", "catalog", "search", "ledger", "gateway", "orders", "users", "notify", "audit", "metrics", "cache"}
	root := value.NewMap(0)
	root.Set("version", int64(3))
	root.Set("name", "deployment")
	root.Set("debug", false)
	services := value.NewMap(0)
	// About 900 bytes of JSON per service.
	for i := 0; i < size/900+1; i++ {
		w := words[r.Intn(len(words))]
		s := value.NewMap(0)
		s.Set("name", fmt.Sprintf("svc-%04d-%s", i, w))
		s.Set("description", fmt.Sprintf("Handles requests for the %s domain — Résumé %d", w, r.Intn(1000)))
		s.Set("image", fmt.Sprintf("registry.example.com/%s:%d.%d", w, r.Intn(9), r.Intn(30)))
		s.Set("replicas", int64(r.Intn(24)+1))
		s.Set("enabled", r.Intn(10) > 0)
		s.Set("weight", float64(r.Intn(1000))/100)
		s.Set("tags", []any{words[r.Intn(len(words))], words[r.Intn(len(words))], "tier-" + w})
		s.Set("ports", []any{int64(1024 + r.Intn(60000)), int64(1024 + r.Intn(60000))})
		env := value.NewMap(0)
		env.Set("LOG_LEVEL", "info")
		env.Set("TIMEOUT", fmt.Sprint(r.Intn(90)))
		env.Set("REGION", "eu-west-1")
		s.Set("env", env)
		ann := value.NewMap(0)
		ann.Set("app.kubernetes.io/name", w)
		ann.Set("prometheus.io/port", fmt.Sprint(9000+r.Intn(100)))
		s.Set("annotations", ann)
		limits := value.NewMap(0)
		limits.Set("cpu", "500m")
		limits.Set("memory", fmt.Sprintf("%dMi", 128*(1+r.Intn(8))))
		res := value.NewMap(0)
		res.Set("limits", limits)
		s.Set("resources", res)
		var eps []any
		for j := 0; j < 2+r.Intn(3); j++ {
			ep := value.NewMap(0)
			ep.Set("path", fmt.Sprintf("/api/v%d/%s/%d", 1+r.Intn(3), w, j))
			ep.Set("method", []string{"GET", "POST", "PUT"}[r.Intn(3)])
			ep.Set("timeout_ms", int64(100*(1+r.Intn(50))))
			eps = append(eps, ep)
		}
		s.Set("endpoints", eps)
		services.Set(fmt.Sprintf("svc-%04d", i), s)
	}
	root.Set("services", services)
	return root
}

// Decoder is one way of decoding a document, named for a benchmark.
type Decoder struct {
	Name   string
	Decode func([]byte) error
}

// BenchDecode runs each decoder on configuration-shaped documents of about
// 20 KB (a typical file) and 2 MB, written by encode: the formats'
// BenchmarkDecode share it, so their figures compare.
func BenchDecode(b *testing.B, encode func(*value.Map) ([]byte, error), decoders ...Decoder) {
	for _, size := range []int{20 << 10, 2 << 20} {
		data, err := encode(ConfigTree(size))
		if err != nil {
			b.Fatal(err)
		}
		for _, d := range decoders {
			b.Run(fmt.Sprintf("%dKB/%s", len(data)>>10, d.Name), func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if err := d.Decode(data); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
