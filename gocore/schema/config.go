package schema

import (
	"context"

	"github.com/gocfg/gocfg/gocore/aside"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
)

// Finding is a violation found in a config: its full path there, and
// where the value in force at that path came from (the zero Origin when
// the config records no provenance, as a plain load does not).
type Finding struct {
	Violation
	FullPath string
	Origin   layer.Origin
}

// CheckConfig validates the value at path in c (the whole config when path
// is empty), as reads see it (references resolved), against s. It returns
// at most MaxViolations findings and the count of all violations. ctx
// ends the wait (errs.ErrCancelled): the validator cannot watch it, so it
// runs aside and its result is dropped.
func CheckConfig(ctx context.Context, c *store.Config, path string, s *Schema) ([]Finding, int, error) {
	if err := aside.Cancelled(ctx); err != nil {
		return nil, 0, err
	}
	var inst Instance
	err := c.ViewResolvedContext(ctx, path, func(v any) error {
		var err error
		inst, err = NewInstance(v)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	base, err := value.ParsePath(path)
	if err != nil {
		return nil, 0, err
	}
	type result struct {
		vs    []Violation
		total int
	}
	r, err := aside.Run(ctx, "validating against a schema", func() (result, error) {
		vs, total, err := s.Check(inst)
		return result{vs, total}, err
	}, nil)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Finding, len(r.vs))
	for i, v := range r.vs {
		full := append(append(make([]string, 0, len(base)+len(v.Path)), base...), v.Path...)
		out[i] = Finding{Violation: v, FullPath: value.JoinPath(full...)}
		if hist, err := c.History(out[i].FullPath); err == nil && len(hist) > 0 {
			// A scalar's origin is the layer whose value is in force. A map
			// or list is where it was first written: a later layer that set
			// one key inside it says nothing about a key it lacks.
			out[i].Origin = hist[len(hist)-1]
			if inst.container(v.Path) {
				out[i].Origin = hist[0]
			}
		}
	}
	return out, r.total, nil
}

// container reports whether the value at path is a map or a list.
func (inst Instance) container(path []string) bool {
	v := inst.v
	for _, seg := range path {
		switch c := v.(type) {
		case map[string]any:
			v = c[seg]
		case []any:
			i, ok := value.ListIndex(seg, len(c))
			if !ok {
				return false
			}
			v = c[i]
		default:
			return false
		}
	}
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}
