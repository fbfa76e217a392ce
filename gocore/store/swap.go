package store

// Swap exchanges the whole state of c (its tree and its provenance) with
// that of next, under c's write lock, and moves c's version on: a reader
// of c sees the configuration before the call or the one after it, never a
// mix, and every cache validated by the version counter (and every handle
// or section that names c) stays valid.
//
// It is the one way a watcher puts a rebuilt configuration in force, so it
// works on a frozen c too: freezing stops the user's writes, not the
// re-layering of the sources the user asked to watch. c's frozen flag, its
// interpolation settings and its change callback stay as they are; next
// must have been made with the same Settings but for Env (by NewLayered)
// for reads to mean the same thing. The environment snapshot moves with
// the tree: a watched .env file changes what ${env:NAME} reads.
//
// next must be private to the caller: afterwards it holds c's former state,
// which the caller may read (to compare, say) and then drop. Swap returns
// c's new version.
func (c *Config) Swap(next *Config) uint64 {
	if next == c {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.changed()
		return c.version.Load()
	}
	// next is private, so taking its lock first cannot deadlock against a
	// caller holding c's.
	next.mu.Lock()
	defer next.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.root, next.root = next.root, c.root
	c.prov, next.prov = next.prov, c.prov
	if next.env != nil && c.env != nil {
		c.env, next.env = next.env, c.env
	}
	if next.interp != nil && c.interp != nil {
		c.interp, next.interp = next.interp, c.interp
	}
	c.changed()
	return c.version.Load()
}
