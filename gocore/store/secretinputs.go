package store

import (
	"strconv"
	"strings"

	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/value"
	"github.com/gocfg/gocfg/gocore/wire"
)

// SecretInputs gives, in the wire format, what the binding needs to tell
// which values to mask beside those of secret keys (Python's
// Config._hidden): [interpolate, files, refs], where files lists the
// paths (lists of segments) of the values, other than maps, whose last
// origin is a secret file, and refs, when interpolation is on, the
// [path, text] of every string holding "${".
//
// The binding used to read them from the whole serialized state, which
// for a large config costs far more than the config itself (a 2 MB list
// of a million numbers: 6 s and 1.7 GB of Python objects), and a watched
// Config asks it on every change. These are a few entries in a real
// config.
func (c *Config) SecretInputs() ([]byte, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	files := []any{}
	if c.prov != nil {
		c.prov.Walk(func(segs []string, hist []layer.Origin) {
			if hist[len(hist)-1].Kind != layer.KindSecret {
				return
			}
			v, err := value.Lookup(&c.root, segs)
			if err != nil {
				return
			}
			// A map a secret file made (db for db__password) holds other
			// keys too.
			if _, isMap := v.(*value.Map); !isMap {
				files = append(files, segList(segs))
			}
		})
	}
	refs := []any{}
	if c.interp != nil {
		// segs is shared down the walk (segList copies it when kept), so
		// that a value costs no allocation of its own.
		var walk func(v any, segs []string)
		walk = func(v any, segs []string) {
			switch t := v.(type) {
			case string:
				if strings.Contains(t, "${") {
					refs = append(refs, []any{segList(segs), t})
				}
			case *value.Map:
				t.Range(func(k string, e any) bool {
					walk(e, append(segs, k))
					return true
				})
			case []any:
				for i, e := range t {
					walk(e, append(segs, strconv.Itoa(i)))
				}
			}
		}
		walk(&c.root, nil)
	}
	return wire.Encode([]any{c.interp != nil, files, refs})
}

func segList(segs []string) []any {
	out := make([]any, len(segs))
	for i, s := range segs {
		out[i] = s
	}
	return out
}
