package store

import (
	"fmt"
	"slices"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/value"
)

// A secretMark is a value of a copy that is masked as a secret wherever
// it is stored: one read from a secrets directory, or one that
// interpolated a secret (see the binding's gocfg.secrets). segs is
// relative to the copy's root.
type secretMark struct {
	segs   []string
	origin layer.Origin
}

// Graft stores src's data at path, whole (as Set does) or, with merge,
// key by key (as Merge does), and keeps the values src's provenance marks
// as secrets (last origin of kind "secret") masked where they now sit. Its
// other origins are dropped: the copy is written through this config,
// like any value set. src is a copy made for the purpose (UnmarshalState
// of a Section's state, see the binding's Section copies) and belongs to
// c afterwards.
//
// Without this, a Section copied into another config (other["db"] =
// cfg["db"], Config(cfg["db"])) arrived as plain values and showed the
// secrets it masked in its new home's repr and dumps.
func (c *Config) Graft(path string, src *Config, merge bool) error {
	secrets := src.secretMarks(nil)
	if merge {
		return c.merge(path, &src.root, secrets)
	}
	return c.set(path, &src.root, true, secrets)
}

// GraftDefault is SetDefault for a copy, as Graft is Set for one: src's
// data is stored at path unless a value is there, with the values src
// marks as secrets masked. With inner, what is stored is the value of
// src's one key (a list holding a copy, which a state's root, a map,
// carries under a key). existing is as for SetWithin.
func (c *Config) GraftDefault(path string, src *Config, inner bool, existing []int, f func(v any) error) (bool, error) {
	if !inner {
		return c.setDefault(path, &src.root, existing, src.secretMarks(nil), f)
	}
	keys := src.root.Keys()
	if len(keys) != 1 {
		return false, fmt.Errorf("the copy holds %d keys, not the one whose value is stored: %w", len(keys), errs.ErrInvalidArgument)
	}
	v, _ := src.root.Get(keys[0])
	return c.setDefault(path, v, existing, src.secretMarks(keys), f)
}

// secretMarks are the values c's provenance marks as secrets (last origin
// of kind "secret"), below the segments under, relative to them.
func (c *Config) secretMarks(under []string) []secretMark {
	var secrets []secretMark
	if c.prov == nil {
		return nil
	}
	c.prov.Walk(func(segs []string, hist []layer.Origin) {
		if len(segs) <= len(under) || !slices.Equal(segs[:len(under)], under) {
			return
		}
		if last := hist[len(hist)-1]; last.Kind == layer.KindSecret {
			secrets = append(secrets, secretMark{segs: append([]string(nil), segs[len(under):]...), origin: last})
		}
	})
	return secrets
}

// markSecrets gives the values at segs+mark.segs their secret origins,
// recording provenance from now on if c did not (held: write lock). A
// config that records none (gocfg.Config()) so starts recording: its
// origin() then names the values written after this one.
func (c *Config) markSecrets(segs []string, secrets []secretMark) {
	if len(secrets) == 0 {
		return
	}
	if c.prov == nil {
		c.prov = &layer.Provenance{}
	}
	seq := c.prov.NextLayer()
	for _, m := range secrets {
		p := append(segs[:len(segs):len(segs)], m.segs...)
		v, err := value.Lookup(&c.root, p)
		if err != nil {
			continue
		}
		o := m.origin
		o.Layer = seq
		c.prov.Record(p, p, v, func([]string) layer.Origin { return o })
	}
}
