// Package store is the thread-safe configuration tree behind a Config handle.
package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/value"
)

// Config is a configuration tree guarded by a read-write lock, so any number
// of readers proceed together and writers take turns. Every method takes a
// path in the syntax of value.ParsePath; "" is the root.
type Config struct {
	mu   sync.RWMutex
	root value.Map
	// version counts mutations, so a reader can tell cheaply whether
	// anything changed since it last looked.
	version atomic.Uint64
	// onChange, when set, is called (under the write lock) after each
	// mutation with the new version.
	onChange func(uint64)

	// Layered configuration (see layered.go): a frozen config refuses every
	// mutation; prov, when not nil, records where each value came from;
	// interp, when not nil, resolves ${...} references on every read.
	frozen bool
	prov   *layer.Provenance
	interp *interpState
	env    *layeredState
}

// New returns an empty Config.
func New() *Config { return &Config{} }

// NewFrom returns a Config that takes ownership of root.
func NewFrom(root *value.Map) *Config {
	c := &Config{}
	if root != nil {
		c.root = *root
	}
	return c
}

// OnChange registers f to hear of every mutation. It takes the write lock,
// so it may be set while a watcher is already replacing c's state (see
// Swap).
func (c *Config) OnChange(f func(version uint64)) {
	c.mu.Lock()
	c.onChange = f
	c.mu.Unlock()
}

func (c *Config) changed() {
	v := c.version.Add(1)
	if c.onChange != nil {
		c.onChange(v)
	}
}

// CheckKey refuses keys that are not valid UTF-8. NUL is allowed in keys,
// as in string values: keys cross the C ABI with their lengths (the keys
// export returns a wire list, not NUL-separated text), JSON, TOML and YAML
// write it escaped, and the formats that cannot write it (.env, INI, HCL)
// refuse such a key by its path when encoding.
func CheckKey(key string) error { return CheckValue("key", key) }

// CheckValue refuses a string value that is not valid UTF-8. NUL is
// allowed in values: JSON (\u0000), TOML (\u0000) and YAML ("\0") can all
// hold it, and values cross the C ABI and the wire format with their
// lengths. Keys, paths and names keep CheckText's stricter rule.
func CheckValue(what, s string) error {
	if utf8.ValidString(s) {
		return nil
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Errorf("%s is not valid UTF-8 (bad byte %#x at offset %d): %w", what, s[i], i, errs.ErrInvalidArgument)
		}
		i += size
	}
	return nil
}

// CheckText refuses a string that is not valid UTF-8 or holds a NUL: the
// rule for names (layer labels, file names, database names), which cross
// the C ABI as NUL-terminated or NUL-separated text. Keys and paths take
// CheckValue's rule (see CheckKey).
func CheckText(what, s string) error {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == 0 {
				return fmt.Errorf("%s %q contains a NUL byte at offset %d: %w", what, trimForMessage(s), i, errs.ErrInvalidArgument)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Errorf("%s is not valid UTF-8 (bad byte %#x at offset %d): %w", what, s[i], i, errs.ErrInvalidArgument)
		}
		i += size
	}
	return nil
}

// checkTimes refuses dates and times that some reader could not take
// back exactly (value.CheckTime), naming the path, and truncates their
// nanoseconds to microseconds in place. v (at segs) belongs to the caller
// that is handing it to the store.
func checkTimes(segs []string, v any) (any, error) {
	out, at, err := value.CheckTimes(v)
	if err != nil {
		p := value.JoinPath(append(segs[:len(segs):len(segs)], at...)...)
		return nil, &errs.Located{Kind: errs.ErrInvalidArgument, Path: p, Msg: err.Error()}
	}
	return out, nil
}

func trimForMessage(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

func parse(path string) ([]string, error) {
	// A path may hold NUL, to reach a key holding one (see CheckKey).
	if err := CheckValue("path", path); err != nil {
		return nil, err
	}
	return value.ParsePath(path)
}

// Version returns the mutation counter.
func (c *Config) Version() uint64 { return c.version.Load() }

// View runs f on the value at path with the tree read-locked. f must not
// keep the value or anything inside it, nor call back into c.
func (c *Config) View(path string, f func(v any) error) error {
	return c.viewContext(context.Background(), path, true, f)
}

// TryView is View that does not wait for the config's lock: while another
// call holds it for a change (or waits to), it returns errs.ErrBusy at
// once and calls nothing. For callers that must not block where they are
// (a binding holding an interpreter lock); they make the call again with
// View where waiting is harmless.
func (c *Config) TryView(path string, f func(v any) error) error {
	return c.viewContext(context.Background(), path, false, f)
}

// readLock takes the config's read lock; when !wait, only if it is free
// at once (errs.ErrBusy otherwise).
func (c *Config) readLock(wait bool) error {
	if wait {
		c.mu.RLock()
	} else if !c.mu.TryRLock() {
		return errs.ErrBusy
	}
	return nil
}

// writeLock is readLock's counterpart for changes.
func (c *Config) writeLock(wait bool) error {
	if wait {
		c.mu.Lock()
	} else if !c.mu.TryLock() {
		return errs.ErrBusy
	}
	return nil
}

// ViewContext is View that stops resolving references on the way once ctx
// is done (errs.ErrCancelled). A long resolution (see
// layer.Resolver) is the only part of a read that can take long.
func (c *Config) ViewContext(ctx context.Context, path string, f func(v any) error) error {
	return c.viewContext(ctx, path, true, f)
}

func (c *Config) viewContext(ctx context.Context, path string, wait bool, f func(v any) error) error {
	segs, err := parse(path)
	if err != nil {
		return err
	}
	if err := c.readLock(wait); err != nil {
		return err
	}
	defer c.mu.RUnlock()
	v, err := c.lookupLocked(ctx, segs)
	if err != nil {
		return err
	}
	return f(v)
}

// Get returns a copy of the value at path.
func (c *Config) Get(path string) (any, error) {
	var out any
	err := c.View(path, func(v any) error {
		out = value.Clone(v)
		return nil
	})
	return out, err
}

// Contains reports whether a value exists at path. A malformed path is an
// error, not a "no".
func (c *Config) Contains(path string) (bool, error) {
	return c.contains(path, true)
}

// TryContains is Contains that does not wait for the lock (see TryView).
func (c *Config) TryContains(path string) (bool, error) {
	return c.contains(path, false)
}

func (c *Config) contains(path string, wait bool) (bool, error) {
	segs, err := parse(path)
	if err != nil {
		return false, err
	}
	if err := c.readLock(wait); err != nil {
		return false, err
	}
	defer c.mu.RUnlock()
	_, err = value.Lookup(&c.root, segs)
	if err != nil && c.interp != nil {
		// A path may reach through a reference to a map ("${server}").
		_, err = c.resolver().Lookup(segs)
		if err != nil && !errors.Is(err, errs.ErrNotFound) {
			return false, err
		}
	}
	return err == nil, nil
}

// Set stores v at path; v now belongs to the Config. Missing maps on the
// way are created.
func (c *Config) Set(path string, v any) error {
	return c.set(path, v, true, nil)
}

// TrySet is Set that does not wait for the lock (see TryView): on
// errs.ErrBusy nothing was stored.
func (c *Config) TrySet(path string, v any) error {
	return c.set(path, v, false, nil)
}

// set stores v at path and marks the values secrets names (relative to
// path) as secrets (see Graft).
func (c *Config) set(path string, v any, wait bool, secrets []secretMark) error {
	segs, v, err := prepareSet(path, v)
	if err != nil {
		return err
	}
	if err := c.writeLock(wait); err != nil {
		return err
	}
	defer c.mu.Unlock()
	return c.setLocked(path, segs, v, secrets)
}

// prepareSet parses path and checks v for a write there, before the lock
// is taken: the segments, and v with its times truncated (see checkTimes).
func prepareSet(path string, v any) ([]string, any, error) {
	segs, err := parse(path)
	if err != nil {
		return nil, nil, err
	}
	// The message's path is built only for a string that fails the check:
	// this runs on every cfg[k] = "v".
	if s, ok := v.(string); ok && !utf8.ValidString(s) {
		return nil, nil, CheckValue("value at "+value.JoinPath(segs...), s)
	}
	if len(segs)+value.Depth(v) > value.MaxDepth {
		return nil, nil, &errs.Located{Kind: errs.ErrInvalidArgument, Path: path, Msg: fmt.Sprintf("the config would nest more than %d levels deep", value.MaxDepth)}
	}
	if v, err = checkTimes(segs, v); err != nil {
		return nil, nil, err
	}
	return segs, v, nil
}

// setLocked is set's change, made under the write lock.
func (c *Config) setLocked(path string, segs []string, v any, secrets []secretMark) error {
	if c.frozen {
		return frozenErr(path)
	}
	if err := value.SetPath(&c.root, segs, v); err != nil {
		return err
	}
	if c.prov != nil {
		c.recordSet(segs, v)
	}
	c.markSecrets(segs, secrets)
	c.changed()
	return nil
}

// SetDefault is dict.setdefault: it stores v at path unless a value is
// there already, as one change under the write lock, so that of several
// calls at one path one stores and every other finds its value. f is
// called, under the same lock, with the value then at path as a read gives
// it (references resolved): the one found, or v as stored. stored says
// which. Finding a value changes nothing, so a frozen config refuses only
// the store. f must not keep the value or anything inside it, nor call
// back into c.
// existing is as for SetWithin.
func (c *Config) SetDefault(path string, v any, existing []int, f func(v any) error) (stored bool, err error) {
	return c.setDefault(path, v, existing, nil, f)
}

func (c *Config) setDefault(path string, v any, existing []int, secrets []secretMark, f func(v any) error) (bool, error) {
	segs, v, err := prepareSet(path, v)
	if err != nil {
		return false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	found, err := c.lookupLocked(context.Background(), segs)
	if err == nil {
		return false, f(found)
	}
	if !errors.Is(err, errs.ErrNotFound) && !errors.Is(err, errs.ErrTypeMismatch) {
		return false, err // a reference that does not resolve, say: as a read says
	}
	if err := c.checkWithin(segs, existing); err != nil {
		return false, err
	}
	if err := c.setLocked(path, segs, v, secrets); err != nil {
		return false, err
	}
	stored, err := c.lookupLocked(context.Background(), segs)
	if err != nil {
		return true, err
	}
	return true, f(stored)
}

// SetWithin is Set that first makes sure, under the same lock, that the
// first n segments of path name a value, for each n in existing (else
// ErrNotFound, and nothing is stored). A binding passes the parents of the
// segments that read as list indexes: a write through one creates no map
// keyed by it, even when another caller removes the list just before.
func (c *Config) SetWithin(path string, v any, existing []int) error {
	segs, v, err := prepareSet(path, v)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkWithin(segs, existing); err != nil {
		return err
	}
	return c.setLocked(path, segs, v, nil)
}

// checkWithin is SetWithin's check (held: c.mu). A value reached through a
// reference counts, as for Contains.
func (c *Config) checkWithin(segs []string, existing []int) error {
	for _, n := range existing {
		if n <= 0 || n > len(segs) {
			return fmt.Errorf("%d is not a count of the path's %d segments: %w", n, len(segs), errs.ErrInvalidArgument)
		}
		_, err := value.Lookup(&c.root, segs[:n])
		if err != nil && c.interp != nil {
			_, err = c.resolver().Lookup(segs[:n])
		}
		if err != nil {
			return &errs.Located{Kind: errs.ErrNotFound, Path: value.JoinPath(segs[:n]...), Msg: "no such key, and a write creates no lists"}
		}
	}
	return nil
}

// lookupLocked is the value at segs as a read gives it (held: c.mu).
func (c *Config) lookupLocked(ctx context.Context, segs []string) (any, error) {
	if c.interp != nil {
		return c.resolverContext(ctx).Lookup(segs)
	}
	return value.Lookup(&c.root, segs)
}

// Merge assigns each key of m into the map at path, as dict.update does:
// keys are literal, values replace what was there.
func (c *Config) Merge(path string, m *value.Map) error {
	return c.merge(path, m, nil)
}

func (c *Config) merge(path string, m *value.Map, secrets []secretMark) error {
	segs, err := parse(path)
	if err != nil {
		return err
	}
	if len(segs)+value.Depth(m) > value.MaxDepth {
		return &errs.Located{Kind: errs.ErrInvalidArgument, Path: path, Msg: fmt.Sprintf("the config would nest more than %d levels deep", value.MaxDepth)}
	}
	if _, err := checkTimes(segs, m); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return frozenErr(path)
	}
	target, err := value.Lookup(&c.root, segs)
	if err != nil {
		return err
	}
	dst, ok := target.(*value.Map)
	if !ok {
		return &errs.Located{Kind: errs.ErrTypeMismatch, Path: path, Msg: fmt.Sprintf("cannot update %s: only a map has keys", value.AType(target))}
	}
	m.Range(func(k string, v any) bool {
		dst.Set(k, v)
		return true
	})
	if c.prov != nil {
		o := layer.Origin{Kind: layer.KindSet, Layer: c.prov.NextLayer()}
		m.Range(func(k string, v any) bool {
			p := append(segs[:len(segs):len(segs)], k)
			for i := 1; i < len(p); i++ {
				c.prov.Touch(p[:i], o)
			}
			c.prov.Record(p, p, v, func([]string) layer.Origin { return o })
			return true
		})
	}
	c.markSecrets(segs, secrets)
	c.changed()
	return nil
}

// Delete removes the value at path.
func (c *Config) Delete(path string) error {
	segs, err := parse(path)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return frozenErr(path)
	}
	if err := value.DeletePath(&c.root, segs); err != nil {
		return err
	}
	if c.prov != nil {
		c.recordDelete(segs)
	}
	c.changed()
	return nil
}

// Pop is Delete that first calls f, under the same write lock, with the
// value at path as a read gives it (references resolved): of several
// calls at one path, from any threads, one has the value and the others
// find nothing (errs.ErrNotFound), and no write made meanwhile is removed
// unseen. f must not keep the value or anything inside it, nor call back
// into c; an error from f, as a value that a read finds but a delete
// cannot reach (through a reference), deletes nothing. Finding nothing
// is ErrNotFound on a frozen config too.
func (c *Config) Pop(path string, f func(v any) error) error {
	segs, err := parse(path)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, err := c.lookupLocked(context.Background(), segs)
	if err != nil {
		return err
	}
	if c.frozen {
		return frozenErr(path)
	}
	if err := f(v); err != nil {
		return err
	}
	if err := value.DeletePath(&c.root, segs); err != nil {
		// Read through a reference ("${server}"): no stored value to remove.
		return &errs.Located{Kind: errs.ErrNotFound, Path: path, Msg: "it is read through a reference, which a delete does not reach: " + err.Error()}
	}
	if c.prov != nil {
		c.recordDelete(segs)
	}
	c.changed()
	return nil
}

// Len is the number of keys of the map, or items of the list, at path.
func (c *Config) Len(path string) (int, error) {
	return c.length(path, true)
}

// TryLen is Len that does not wait for the lock (see TryView).
func (c *Config) TryLen(path string) (int, error) {
	return c.length(path, false)
}

func (c *Config) length(path string, wait bool) (int, error) {
	n := 0
	err := c.viewContext(context.Background(), path, wait, func(v any) error {
		switch v := v.(type) {
		case *value.Map:
			n = v.Len()
		case []any:
			n = len(v)
		default:
			return &errs.Located{Kind: errs.ErrTypeMismatch, Path: path, Msg: fmt.Sprintf("%s has no length", value.AType(v))}
		}
		return nil
	})
	return n, err
}

// Keys returns the keys of the map at path, in order.
func (c *Config) Keys(path string) ([]string, error) {
	var keys []string
	err := c.View(path, func(v any) error {
		m, ok := v.(*value.Map)
		if !ok {
			return &errs.Located{Kind: errs.ErrTypeMismatch, Path: path, Msg: fmt.Sprintf("%s has no keys", value.AType(v))}
		}
		keys = m.Keys()
		return nil
	})
	return keys, err
}

// Clear removes every key. A frozen config refuses (ErrFrozen).
func (c *Config) Clear() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return frozenErr("")
	}
	c.root.Clear()
	if c.prov != nil {
		c.prov.Reset()
	}
	c.changed()
	return nil
}

// ClearMap removes every key of the map stored at path, as one change
// (Clear for the root): no write made meanwhile by another caller is
// removed while a later one stays. A path that holds no map as stored
// (a list, a value, a reference to a map) is ErrTypeMismatch.
func (c *Config) ClearMap(path string) error {
	segs, err := parse(path)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, err := value.Lookup(&c.root, segs)
	if err != nil {
		return err
	}
	m, ok := v.(*value.Map)
	if !ok {
		return &errs.Located{Kind: errs.ErrTypeMismatch, Path: path, Msg: fmt.Sprintf("cannot clear %s: only a map has keys", value.AType(v))}
	}
	if c.frozen {
		return frozenErr(path)
	}
	if c.prov != nil {
		for _, k := range m.Keys() {
			c.prov.Remove(append(segs[:len(segs):len(segs)], k))
		}
	}
	m.Clear()
	c.changed()
	return nil
}

// Snapshot returns a deep copy of the whole tree.
func (c *Config) Snapshot() *value.Map {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.root.Clone()
}
