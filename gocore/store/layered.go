package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/value"
	"github.com/gocfg/gocfg/gocore/wire"
)

// ErrFrozen is the kind of error a frozen config gives for any mutation.
var ErrFrozen = errs.ErrFrozen

func frozenErr(path string) error {
	return &errs.Located{Kind: ErrFrozen, Path: path, Msg: "the config is frozen (read-only); copy() gives a mutable copy"}
}

// Settings choose what a layered config does beyond a plain one.
type Settings struct {
	// Interpolate resolves ${path} and ${env:NAME} references on read.
	Interpolate bool
	// ParseEnv types the values of environment variables (the env layer and
	// whole-string ${env:...} references) with layer.ParseScalar.
	ParseEnv bool
	// Env is the environment ("NAME=value" entries) that the env layer and
	// ${env:...} read: a snapshot taken when the config was made, so that
	// reads are repeatable and cacheable.
	Env []string
	// InterpolationSteps and InterpolationBytes bound each resolution (see
	// layer.Resolver); 0 takes the process-wide defaults in package
	// limits. They are not serialized: an unpickled config takes the
	// defaults of the process that reads it.
	InterpolationSteps int64
	InterpolationBytes int64
}

type interpState struct {
	env      map[string]string
	parseEnv bool
	maxSteps int64
	maxBytes int64
}

// layeredEnv is kept apart from interp: the env layer needs it even when
// interpolation is off.
type layeredState struct {
	env      []string
	all      []string // env and the entries that are not valid UTF-8 (see setSettings)
	parseEnv bool
}

// NewLayered returns an empty Config that records provenance.
func NewLayered(s Settings) *Config {
	c := &Config{prov: &layer.Provenance{}}
	c.setSettings(s)
	return c
}

func (c *Config) setSettings(s Settings) {
	env := make(map[string]string, len(s.Env))
	vars := make([]string, 0, len(s.Env))
	all := make([]string, 0, len(s.Env))
	for _, e := range s.Env {
		k, v, ok := strings.Cut(e, "=")
		if !ok || k == "" {
			continue
		}
		all = append(all, e)
		if !utf8.ValidString(e) || strings.IndexByte(e, 0) >= 0 {
			// Values must be valid UTF-8 without NUL, as every stored
			// string. Such a variable is kept aside (in all, and in env for
			// a readable name), not dropped: the env layer or a ${env:...}
			// reference that reads it is an error naming it, where leaving
			// it out read as "not set" and let a default or a file's value
			// stand in for what was set.
			if utf8.ValidString(k) {
				env[k] = v
			}
			continue
		}
		env[k] = v
		vars = append(vars, e)
	}
	c.env = &layeredState{env: vars, all: all, parseEnv: s.ParseEnv}
	if s.Interpolate {
		c.interp = &interpState{env: env, parseEnv: s.ParseEnv, maxSteps: s.InterpolationSteps, maxBytes: s.InterpolationBytes}
	}
}

func (c *Config) resolver() *layer.Resolver { return c.resolverContext(context.Background()) }

// resolverContext is a resolver whose resolutions stop when ctx is done
// (context.Background(): never).
func (c *Config) resolverContext(ctx context.Context) *layer.Resolver {
	r := &layer.Resolver{Root: &c.root, Env: c.interp.env, ParseEnv: c.interp.parseEnv,
		Ctx: ctx, MaxSteps: c.interp.maxSteps, MaxBytes: c.interp.maxBytes}
	if c.prov != nil {
		r.Hidden = c.fromSecretFile
	}
	return r
}

// fromSecretFile reports whether the value at segs was last set by a file
// of a secrets directory: a secret whatever its key, whose text messages
// must not quote (held: c.mu, as by every resolution).
func (c *Config) fromSecretFile(segs []string) bool {
	hist := c.prov.History(segs)
	return len(hist) > 0 && hist[len(hist)-1].Kind == layer.KindSecret
}

// Layered reports whether c records provenance.
func (c *Config) Layered() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.prov != nil
}

// recordSet notes a write through the config itself (held: write lock).
func (c *Config) recordSet(segs []string, v any) {
	o := layer.Origin{Kind: layer.KindSet, Layer: c.prov.NextLayer()}
	if len(segs) == 0 {
		c.prov.Reset()
		if m, ok := v.(*value.Map); ok {
			m.Range(func(k string, item any) bool {
				c.prov.Record([]string{k}, []string{k}, item, func([]string) layer.Origin { return o })
				return true
			})
		}
		return
	}
	for i := 1; i < len(segs); i++ {
		c.prov.Touch(segs[:i], o)
	}
	c.prov.Record(segs, segs, v, func([]string) layer.Origin { return o })
}

// recordDelete forgets a deleted value. Deleting a list item moves the
// items after it, so the list's item records are dropped and the list
// itself is marked as changed by a write.
func (c *Config) recordDelete(segs []string) {
	parent := segs[:len(segs)-1]
	if len(parent) > 0 {
		if v, err := value.Lookup(&c.root, parent); err == nil {
			if _, isList := v.([]any); isList {
				o := layer.Origin{Kind: layer.KindSet, Layer: c.prov.NextLayer()}
				c.prov.Record(parent, parent, v, func([]string) layer.Origin { return o })
				return
			}
		}
	}
	c.prov.Remove(segs)
}

// MergeLayer merges src into the config as a new layer (see layer.Merge);
// src belongs to the config afterwards.
func (c *Config) MergeLayer(src *value.Map, s layer.Source, opts layer.Options) error {
	if value.Depth(src) > value.MaxDepth {
		return &errs.Located{Kind: errs.ErrInvalidArgument, Msg: fmt.Sprintf("the config would nest more than %d levels deep", value.MaxDepth)}
	}
	if _, err := checkTimes(nil, src); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return frozenErr("")
	}
	var origin func([]string) layer.Origin
	if c.prov != nil {
		origin = s.OriginFunc(c.prov.NextLayer())
	}
	layer.Merge(&c.root, src, c.prov, origin, opts)
	c.changed()
	return nil
}

// ApplyLayer sets each assignment in turn, as one layer. When one fails,
// the ones before it stay applied (the error names the failing one).
func (c *Config) ApplyLayer(items []layer.Assignment) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return frozenErr("")
	}
	seq := 0
	if c.prov != nil {
		seq = c.prov.NextLayer()
	}
	var err error
	for _, a := range items {
		if _, err = layer.Apply(&c.root, a, c.prov, seq); err != nil {
			break
		}
	}
	if len(items) > 0 {
		c.changed()
	}
	return err
}

// EnvAssignments reads the config's environment snapshot (see Settings)
// for the env layer.
func (c *Config) EnvAssignments(prefix, delim string, raw bool) ([]layer.Assignment, error) {
	c.mu.RLock()
	st := c.env
	c.mu.RUnlock()
	if st == nil {
		return nil, fmt.Errorf("this config has no environment snapshot: make it with the layered constructor: %w", errs.ErrInvalidArgument)
	}
	return layer.EnvAssignments(st.all, prefix, delim, st.parseEnv && !raw)
}

// Environ is the config's environment snapshot ("NAME=value" entries, see
// Settings), or nil for a config made without one: what a .env layer's
// ${VAR} references read, as python-dotenv and docker compose read the
// process environment.
func (c *Config) Environ() []string {
	c.mu.RLock()
	st := c.env
	c.mu.RUnlock()
	if st == nil {
		return nil
	}
	return st.all // a .env's ${VAR} that reads one that is not UTF-8 is an error there
}

// History returns the origins of the value at path, oldest first. It is
// ErrNotFound when there is no value at path, and empty when the config
// does not record provenance (or recorded none there).
func (c *Config) History(path string) ([]layer.Origin, error) {
	segs, err := parse(path)
	if err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if _, err := value.Lookup(&c.root, segs); err != nil {
		if c.interp == nil {
			return nil, err
		}
		if _, err2 := c.resolver().Lookup(segs); err2 != nil {
			return nil, err
		}
	}
	if c.prov == nil {
		return nil, nil
	}
	return c.prov.History(segs), nil
}

// Row is one leaf of Explain.
type Row struct {
	Path   string
	Value  any // resolved; the stored value when resolving failed
	Origin layer.Origin
	Err    string // why resolving failed, or ""
}

// Explain lists the leaves at and below path with their values and the
// origin of each: scalars, empty maps and lists (a list is one row).
func (c *Config) Explain(path string) ([]Row, error) {
	return c.ExplainContext(context.Background(), path)
}

// ExplainContext is Explain that stops resolving once ctx is done.
func (c *Config) ExplainContext(ctx context.Context, path string) ([]Row, error) {
	rows, _, err := c.ExplainFirst(ctx, path, -1)
	return rows, err
}

// ExplainFirst is ExplainContext for the first limit leaves (every leaf
// when limit is negative), and how many leaves there are in all: a table
// of the first few hundred leaves of a huge config resolves, looks up
// and copies those alone, and only counts the rest.
func (c *Config) ExplainFirst(ctx context.Context, path string, limit int) ([]Row, int, error) {
	segs, err := parse(path)
	if err != nil {
		return nil, 0, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	var r *layer.Resolver
	if c.interp != nil {
		// One budget for the whole explanation, as for one to_dict():
		// otherwise every leaf of a hostile config spends a budget of its
		// own, and a notebook's table of it takes minutes.
		r = c.resolverContext(ctx).Shared()
	}
	start, err := value.Lookup(&c.root, segs)
	resolved := false
	if err != nil {
		if r == nil {
			return nil, 0, err
		}
		// A path through a reference (a: ${b}, explained at a.x) has no
		// stored value but reads one: its leaves are those of the value
		// read there, resolved once here, and each row's origin is what
		// origin() says of it (the reference's, History's nearest
		// ancestor). Explaining only stored paths raised "a is a string"
		// for a path that cfg["a.x"] reads.
		v, lerr := readResolved(r, segs)
		if lerr != nil {
			return nil, 0, lerr
		}
		start, resolved = v, true
	}
	var rows []Row
	total := 0
	var cancelled error
	var walk func(v any, segs []string)
	walk = func(v any, segs []string) {
		if m, ok := v.(*value.Map); ok && m.Len() > 0 {
			m.Range(func(k string, item any) bool {
				walk(item, append(segs[:len(segs):len(segs)], k))
				return true
			})
			return
		}
		total++
		if limit >= 0 && len(rows) >= limit {
			return
		}
		row := Row{Path: value.JoinPath(segs...), Value: v}
		if r != nil && !resolved && layer.NeedsResolve(v) && cancelled == nil {
			if rv, err := r.Deep(v, segs); errors.Is(err, errs.ErrCancelled) {
				cancelled = err
			} else if err != nil {
				row.Err = errs.Bound(err.Error()) // shown in explain rows: bounded, credentials masked
			} else {
				row.Value = rv
			}
		}
		if c.prov != nil {
			if h := c.prov.History(segs); len(h) > 0 {
				row.Origin = h[len(h)-1]
			}
		}
		rows = append(rows, row)
	}
	walk(start, segs)
	if cancelled != nil {
		return nil, 0, cancelled
	}
	return rows, total, nil
}

// ViewResolved runs f on the value at path with every reference inside it
// resolved (a copy when anything was resolved). Without interpolation it
// is View.
func (c *Config) ViewResolved(path string, f func(v any) error) error {
	return c.ViewResolvedContext(context.Background(), path, f)
}

// ViewResolvedContext is ViewResolved that stops resolving once ctx is
// done (errs.ErrCancelled).
func (c *Config) ViewResolvedContext(ctx context.Context, path string, f func(v any) error) error {
	if c.interp == nil {
		return c.ViewContext(ctx, path, f)
	}
	segs, err := parse(path)
	if err != nil {
		return err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, err := readResolved(c.resolverContext(ctx), segs)
	if err != nil {
		return err
	}
	return f(v)
}

// readResolved is the value at segs with every reference in it resolved,
// each once. Lookup resolves a string or a list it returns already; only a
// map comes back as stored. Resolving the others again read a literal
// "$${x}" (read "${x}") as the reference ${x}: validate(at=...) of such a
// string, or of a list holding one, raised "x: no such key".
func readResolved(r *layer.Resolver, segs []string) (any, error) {
	v, err := r.Lookup(segs)
	if err != nil {
		return nil, err
	}
	if _, ok := v.(*value.Map); ok {
		return r.Deep(v, segs)
	}
	return v, nil
}

// Resolve replaces every reference in the config by its value, at once;
// on error nothing changes. Provenance is kept.
func (c *Config) Resolve() error { return c.ResolveContext(context.Background()) }

// ResolveContext is Resolve that gives up, changing nothing, once ctx is
// done.
func (c *Config) ResolveContext(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.interp == nil || !layer.NeedsResolve(&c.root) {
		return nil
	}
	if c.frozen {
		return frozenErr("")
	}
	v, err := c.resolverContext(ctx).Deep(&c.root, nil)
	if err != nil {
		return err
	}
	// c still interpolates: a "${" in a resolved value is text.
	c.root = *layer.EscapeDeep(v).(*value.Map)
	c.changed()
	return nil
}

// Freeze makes c read-only for good: every later mutation gives ErrFrozen.
func (c *Config) Freeze() {
	c.mu.Lock()
	c.frozen = true
	c.mu.Unlock()
}

// Frozen reports whether c is frozen.
func (c *Config) Frozen() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.frozen
}

// Clone returns an independent, mutable copy: the data (references
// unresolved), the provenance and the settings; not the frozen flag.
func (c *Config) Clone() *Config {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := &Config{}
	out.root = *c.root.Clone()
	if c.prov != nil {
		out.prov = c.prov.Clone()
	}
	out.interp, out.env = c.interp, c.env // immutable once made
	return out
}

// resolvedRoot is the whole tree with references resolved (held: lock).
func (c *Config) resolvedRoot() (*value.Map, error) {
	if c.interp == nil {
		return &c.root, nil
	}
	v, err := c.resolver().Deep(&c.root, nil)
	if err != nil {
		return nil, err
	}
	return v.(*value.Map), nil
}

// Diff lists the differences from c to other, comparing the values reads
// give (references resolved).
func (c *Config) Diff(other *Config) ([]layer.Change, error) {
	a, err := c.resolvedCopy()
	if err != nil {
		return nil, err
	}
	b, err := other.resolvedCopy()
	if err != nil {
		return nil, err
	}
	return layer.Diff(a, b), nil
}

// resolvedCopy is resolvedRoot taken under the read lock, as a copy, so
// two configs (even the same one twice) can be compared without holding
// both locks.
func (c *Config) resolvedCopy() (*value.Map, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	m, err := c.resolvedRoot()
	if err != nil {
		return nil, err
	}
	if m == &c.root {
		return c.root.Clone(), nil
	}
	return m, nil
}

// ------------------------------------------------------------ serializing

const stateVersion = 1

// MarshalState writes the whole config (data with references unresolved,
// provenance, settings, the frozen flag) in wire's tagged form, for
// pickling. The environment snapshot is left out on purpose: it may hold
// any secret of the process; UnmarshalState takes the reader's.
func (c *Config) MarshalState() ([]byte, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	st := value.NewMap(8)
	st.Set("gocfg_state", int64(stateVersion))
	st.Set("root", &c.root)
	st.Set("frozen", c.frozen)
	st.Set("interpolate", c.interp != nil)
	st.Set("parse_env", c.env != nil && c.env.parseEnv)
	if c.prov != nil {
		var prov []any
		c.prov.Walk(func(segs []string, hist []layer.Origin) {
			path := make([]any, len(segs))
			for i, s := range segs {
				path[i] = s
			}
			h := make([]any, len(hist))
			for i, o := range hist {
				h[i] = []any{int64(o.Kind), o.Name, int64(o.Line), int64(o.Column), int64(o.Layer)}
			}
			prov = append(prov, []any{path, h})
		})
		st.Set("provenance", prov)
		st.Set("next_layer", int64(c.prov.Layers()))
	} else {
		st.Set("provenance", nil)
	}
	return wire.EncodeTagged(st)
}

// UnmarshalState reads what MarshalState wrote into a new Config whose
// environment snapshot is env.
func UnmarshalState(data []byte, env []string) (*Config, error) {
	v, err := wire.DecodeWrapped(data) // the state map is no level of the root's
	if err != nil {
		return nil, err
	}
	bad := func(why string) error {
		return fmt.Errorf("not a serialized config: %s: %w", why, errs.ErrInvalidArgument)
	}
	st, ok := v.(*value.Map)
	if !ok {
		return nil, bad("not a map")
	}
	if ver, _ := st.Get("gocfg_state"); ver != int64(stateVersion) {
		return nil, bad(fmt.Sprintf("unknown state version %v", ver))
	}
	root, ok := get[*value.Map](st, "root")
	if !ok {
		return nil, bad("no root map")
	}
	frozen, _ := get[bool](st, "frozen")
	interp, _ := get[bool](st, "interpolate")
	parseEnv, _ := get[bool](st, "parse_env")
	if _, err := checkTimes(nil, root); err != nil {
		return nil, err
	}
	c := &Config{}
	c.root = *root
	c.setSettings(Settings{Interpolate: interp, ParseEnv: parseEnv, Env: env})
	if provV, _ := st.Get("provenance"); provV != nil {
		entries, ok := provV.([]any)
		if !ok {
			return nil, bad("provenance is not a list")
		}
		c.prov = &layer.Provenance{}
		for _, e := range entries {
			pair, ok := e.([]any)
			if !ok || len(pair) != 2 {
				return nil, bad("a provenance entry is not a pair")
			}
			pathV, ok1 := pair[0].([]any)
			histV, ok2 := pair[1].([]any)
			if !ok1 || !ok2 {
				return nil, bad("a provenance entry is malformed")
			}
			segs := make([]string, len(pathV))
			for i, s := range pathV {
				if segs[i], ok = s.(string); !ok {
					return nil, bad("a provenance path holds a non-string")
				}
			}
			hist := make([]layer.Origin, 0, len(histV))
			for _, h := range histV {
				o, ok := h.([]any)
				if !ok || len(o) != 5 {
					return nil, bad("an origin is malformed")
				}
				kind, k1 := o[0].(int64)
				name, k2 := o[1].(string)
				line, k3 := o[2].(int64)
				col, k4 := o[3].(int64)
				seq, k5 := o[4].(int64)
				if !(k1 && k2 && k3 && k4 && k5) || !layer.Kind(kind).Valid() {
					return nil, bad("an origin is malformed")
				}
				hist = append(hist, layer.Origin{Kind: layer.Kind(kind), Name: name, Line: int(line), Column: int(col), Layer: int(seq)})
			}
			if len(segs) > 0 {
				c.prov.Restore(segs, hist)
			}
		}
		if n, ok := get[int64](st, "next_layer"); ok {
			c.prov.SetNext(int(n))
		}
	}
	c.frozen = frozen
	return c, nil
}

func get[T any](m *value.Map, key string) (T, bool) {
	v, _ := m.Get(key)
	t, ok := v.(T)
	return t, ok
}

// Interpolates reports whether the config resolves ${...} references on
// reads (a layer of literal text is then stored escaped).
func (c *Config) Interpolates() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.interp != nil
}
