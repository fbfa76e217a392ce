package layer

import "github.com/gocfg/gocfg/gocore/value"

// Op is what happened to a path between two trees.
type Op uint8

const (
	Added   Op = 1
	Removed Op = 2
	Changed Op = 3
)

func (o Op) String() string {
	switch o {
	case Added:
		return "added"
	case Removed:
		return "removed"
	case Changed:
		return "changed"
	}
	return "?"
}

// Change is one difference: Old is nil for Added, New nil for Removed.
type Change struct {
	Op       Op
	Path     string
	Old, New any
}

// Diff lists the differences from a to b. Maps are compared key by key,
// down to the leaves; anything else (lists included) is compared whole
// with value.Equal and reported at its own path. Paths come in a's key
// order, with the keys only b has after a's at each level.
func Diff(a, b *value.Map) []Change {
	var out []Change
	diffMaps(a, b, nil, &out)
	return out
}

// diffMaps joins a path only for a change: a path string extended at
// every level copied a deep path once per level, and kept every copy.
func diffMaps(a, b *value.Map, at *value.Trail, out *[]Change) {
	a.Range(func(k string, av any) bool {
		p := at.Add(k)
		bv, ok := b.Get(k)
		if !ok {
			*out = append(*out, Change{Op: Removed, Path: p.String(), Old: av})
			return true
		}
		am, aIsMap := av.(*value.Map)
		bm, bIsMap := bv.(*value.Map)
		if aIsMap && bIsMap {
			diffMaps(am, bm, p, out)
		} else if !value.Equal(av, bv) {
			*out = append(*out, Change{Op: Changed, Path: p.String(), Old: av, New: bv})
		}
		return true
	})
	b.Range(func(k string, bv any) bool {
		if _, ok := a.Get(k); !ok {
			*out = append(*out, Change{Op: Added, Path: at.Add(k).String(), New: bv})
		}
		return true
	})
}
