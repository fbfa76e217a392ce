package layer

import (
	"strconv"

	"github.com/gocfg/gocfg/gocore/value"
)

// Source describes a layer being merged: what kind it is, its name, and
// (for documents) where each path starts in it.
type Source struct {
	Kind      Kind
	Name      string
	Positions map[string]value.Pos // by canonical path, as value.Doc has them; may be nil
}

// OriginFunc returns a function giving the origin of each source path of
// the layer numbered seq.
func (s Source) OriginFunc(seq int) func(src []string) Origin {
	base := Origin{Kind: s.Kind, Name: s.Name, Layer: seq}
	if len(s.Positions) == 0 {
		return func([]string) Origin { return base }
	}
	return func(src []string) Origin {
		o := base
		if pos, ok := s.Positions[value.JoinPath(src...)]; ok {
			o.Line, o.Column = pos.Line, pos.Column
		}
		return o
	}
}

// Options change how a layer merges.
type Options struct {
	// AppendLists makes a list extend the list it meets instead of
	// replacing it.
	AppendLists bool
}

// Merge merges src into dst deeply and records where each value came from
// in prov (which may be nil). Maps merge key by key; anything else replaces
// what it meets, except that with AppendLists a list extends a list. src
// belongs to dst afterwards: its maps and lists are stored, not copied.
func Merge(dst, src *value.Map, prov *Provenance, origin func(src []string) Origin, opts Options) {
	var segs []string
	merge(dst, src, segs, prov, origin, opts)
}

func merge(dst, src *value.Map, segs []string, prov *Provenance, origin func([]string) Origin, opts Options) {
	src.Range(func(k string, sv any) bool {
		path := append(segs[:len(segs):len(segs)], k)
		dv, exists := dst.Get(k)
		if exists {
			switch s := sv.(type) {
			case *value.Map:
				if d, ok := dv.(*value.Map); ok {
					if prov != nil {
						prov.Touch(path, origin(path))
					}
					merge(d, s, path, prov, origin, opts)
					return true
				}
			case []any:
				if d, ok := dv.([]any); ok && opts.AppendLists {
					n := len(d)
					dst.Set(k, append(d[:n:n], s...))
					if prov != nil {
						prov.Touch(path, origin(path))
						for i, item := range s {
							prov.Record(append(path[:len(path):len(path)], strconv.Itoa(n+i)),
								append(path[:len(path):len(path)], strconv.Itoa(i)), item, origin)
						}
					}
					return true
				}
			}
		}
		dst.Set(k, sv)
		if prov != nil {
			prov.Record(path, path, sv, origin)
		}
		return true
	})
}
