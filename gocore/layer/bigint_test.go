package layer

import (
	"math/big"
	"testing"

	"github.com/gocfg/gocfg/gocore/value"
)

// Integers beyond int64 (*big.Int, from JSON and YAML) go through merge,
// diff and interpolation like any scalar.
func TestBigIntegers(t *testing.T) {
	huge, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	root := value.NewMap(0)
	var prov Provenance
	a := yamlDoc(t, "n: 123456789012345678901234567890\nm: {k: 1}\ns: \"a\\0b\"\n")
	Merge(root, a.Root, &prov, Source{Kind: KindFile, Name: "a.yaml", Positions: a.Positions}.OriginFunc(prov.NextLayer()), Options{})
	b := yamlDoc(t, "m: {k: 99999999999999999999}\nl: [-99999999999999999999]\n")
	Merge(root, b.Root, &prov, Source{Kind: KindFile, Name: "b.yaml", Positions: b.Positions}.OriginFunc(prov.NextLayer()), Options{AppendLists: true})
	if v := lookup(t, root, "n"); !value.Equal(v, huge) {
		t.Errorf("n = %v", v)
	}
	if h := prov.History(segs("m.k")); len(h) != 2 || h[1].String() != "b.yaml:1:5" {
		t.Errorf("history of m.k = %v", h)
	}
	if len(Diff(root, root)) != 0 {
		t.Error("a tree with big integers differs from itself")
	}
	other := root.Clone()
	other.Set("n", new(big.Int).Add(huge, big.NewInt(1)))
	if d := Diff(root, other); len(d) != 1 || d[0].Path != "n" || d[0].Op != Changed {
		t.Errorf("diff = %v", d)
	}
	r := &Resolver{Root: yamlDoc(t, "n: 123456789012345678901234567890\nx: ${n}\ny: \"n=${n}\"\n").Root}
	if v, err := r.Lookup(segs("x")); err != nil || !value.Equal(v, huge) {
		t.Errorf("x = %v, %v", v, err)
	}
	if v, err := r.Lookup(segs("y")); err != nil || v != "n=123456789012345678901234567890" {
		t.Errorf("y = %v, %v", v, err)
	}
}
