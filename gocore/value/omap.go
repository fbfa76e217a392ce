// Package value holds the configuration tree: an insertion-ordered map of
// string keys to values. Order is kept because configuration files are read
// by people: a file loaded and saved again keeps its keys where they were.
package value

import (
	"hash/maphash"
	"sync/atomic"
	"unsafe"
)

// Map is an insertion-ordered map. It is not safe for concurrent use; the
// store package guards it. The zero value is an empty map.
//
// Most maps in configuration files are small, and a big document holds
// millions of them, so a map of up to smallMap keys has no hash index: a
// linear scan over a few entries is as fast and costs no memory. The index
// is built when the map grows past that, or, for a map a decoder built
// whole (Maker), on the first lookup: a document loaded to be read once
// (to_dict) or only in part never pays for the indexes of the maps it does
// not look into.
type Map struct {
	// index is key -> position in entries (a *map[string]int), nil while
	// small or not yet needed. It is read and set atomically: readers
	// that share the tree under a read lock may build it at once, and
	// the first to publish its index wins (see lazyIndex). Writers,
	// which have the map to themselves, change the published map in place.
	index   unsafe.Pointer
	entries []entry
	n       int // live keys
	dead    int // deleted entries still occupying a position
}

const smallMap = 8

// entry is one key and its value: 32 bytes. A deleted entry holds the
// value deleted{} (no tree value has that type) rather than a flag beside
// the value, which padded every entry to 40 bytes.
type entry struct {
	key string
	val any
}

type deleted struct{}

func (e *entry) alive() bool {
	_, dead := e.val.(deleted)
	return !dead
}

// NewMap returns an empty map with room for n keys.
func NewMap(n int) *Map {
	m := &Map{entries: make([]entry, 0, n)}
	if n > smallMap {
		m.setIdx(make(map[string]int, n))
	}
	return m
}

// Len is the number of keys.
func (m *Map) Len() int { return m.n }

// idx is the published index, or nil.
func (m *Map) idx() map[string]int {
	if p := atomic.LoadPointer(&m.index); p != nil {
		return *(*map[string]int)(p)
	}
	return nil
}

// setIdx publishes ix (nil: no index). Writers only.
func (m *Map) setIdx(ix map[string]int) {
	if ix == nil {
		atomic.StorePointer(&m.index, nil)
		return
	}
	atomic.StorePointer(&m.index, unsafe.Pointer(&ix))
}

// lazyIndex builds the index of a map that has none yet, and publishes it
// unless another reader did first (then that one is used: both are equal).
func (m *Map) lazyIndex() map[string]int {
	ix := make(map[string]int, len(m.entries))
	for i := range m.entries {
		if e := &m.entries[i]; e.alive() {
			ix[e.key] = i
		}
	}
	if atomic.CompareAndSwapPointer(&m.index, nil, unsafe.Pointer(&ix)) {
		return ix
	}
	return m.idx()
}

// find returns the position of key in entries.
func (m *Map) find(key string) (int, bool) {
	ix := m.idx()
	if ix == nil && m.n > smallMap {
		ix = m.lazyIndex()
	}
	if ix != nil {
		i, ok := ix[key]
		return i, ok
	}
	for i := range m.entries {
		if e := &m.entries[i]; e.key == key && e.alive() {
			return i, true
		}
	}
	return 0, false
}

// Get returns the value stored under key.
func (m *Map) Get(key string) (any, bool) {
	i, ok := m.find(key)
	if !ok {
		return nil, false
	}
	return m.entries[i].val, true
}

// Set stores val under key. A new key goes last; an existing key keeps its place.
func (m *Map) Set(key string, val any) {
	if i, ok := m.find(key); ok {
		m.entries[i].val = val
		return
	}
	ix := m.idx() // find made it if the map is past smallMap
	if ix != nil {
		ix[key] = len(m.entries)
	}
	m.entries = append(m.entries, entry{key: key, val: val})
	m.n++
	if ix == nil && m.n > smallMap {
		m.buildIndex()
	}
}

func (m *Map) buildIndex() {
	ix := make(map[string]int, 2*m.n)
	for i := range m.entries {
		if e := &m.entries[i]; e.alive() {
			ix[e.key] = i
		}
	}
	m.setIdx(ix)
}

// Delete removes key and reports whether it was there.
func (m *Map) Delete(key string) bool {
	i, ok := m.find(key)
	if !ok {
		return false
	}
	if ix := m.idx(); ix != nil {
		delete(ix, key)
	}
	m.entries[i] = entry{val: deleted{}}
	m.n--
	m.dead++
	// Compact once the holes outnumber the keys, so deletes stay O(1) amortized.
	if m.dead > m.n {
		m.compact()
	}
	return true
}

func (m *Map) compact() {
	live := m.entries[:0]
	ix := m.idx()
	for _, e := range m.entries {
		if e.alive() {
			if ix != nil {
				ix[e.key] = len(live)
			}
			live = append(live, e)
		}
	}
	clear(m.entries[len(live):])
	m.entries = live
	m.dead = 0
}

// Clear removes every key.
func (m *Map) Clear() {
	m.setIdx(nil)
	m.entries = nil
	m.n = 0
	m.dead = 0
}

// Range calls f for each key in order until f returns false.
func (m *Map) Range(f func(key string, val any) bool) {
	for _, e := range m.entries {
		if e.alive() && !f(e.key, e.val) {
			return
		}
	}
}

// Keys returns the keys in order.
func (m *Map) Keys() []string {
	keys := make([]string, 0, m.n)
	m.Range(func(k string, _ any) bool { keys = append(keys, k); return true })
	return keys
}

// Entry is one key and its value, for Maker.Make.
type Entry struct {
	Key string
	Val any
}

// Maker builds maps for a decoder, which collects a map's entries and
// builds the map once it is closed: the Map and its entries are carved
// from blocks shared by many maps rather than allocated one by one (a big
// document holds tens of thousands of small maps). Each map's entries get
// a capacity equal to their length, so a later Set appends into a new
// array and never into a neighbour's. A block lives while any map carved
// from it does. The zero Maker is ready to use.
type Maker struct {
	maps    []Map
	entries []entry
	seen    []int32 // see repeat
	seed    maphash.Seed
	// The sizes of the first blocks when Expect was called (0: nextBlock's).
	firstMaps, firstEntries int
}

// Expect sizes the first blocks for about maps maps holding entries
// entries in all (a decoder's guess from the size of its input), so that
// a small document gets blocks of its size: a few hundred bytes of a
// database load made blocks of 8 maps and then of 8 and 16 entries. The
// blocks after the first double as without it. Call it before Make.
func (mk *Maker) Expect(maps, entries int) {
	mk.firstMaps = min(makerMaps, max(1, maps))
	mk.firstEntries = min(makerEntries, max(1, entries))
}

const (
	makerMaps    = 64
	makerEntries = 512
)

// nextBlock is the size of the block that follows one of size last: the
// first blocks are small and each is twice the one before, up to limit,
// so that a small document does not pay for big blocks it leaves mostly
// empty (a few bytes of JSON cost ~20 KiB when every block was full size).
func nextBlock(last, limit int) int {
	return min(limit, max(8, 2*last))
}

// Make returns a map holding es in order, as Set would make it one by one
// (a repeated key keeps its first place and takes its last value). es is
// copied; the caller may reuse it.
func (mk *Maker) Make(es []Entry) *Map {
	if len(mk.maps) == cap(mk.maps) {
		size := nextBlock(cap(mk.maps), makerMaps)
		if mk.maps == nil && mk.firstMaps > 0 {
			size = mk.firstMaps
		}
		mk.maps = make([]Map, 0, size)
	}
	mk.maps = mk.maps[:len(mk.maps)+1]
	m := &mk.maps[len(mk.maps)-1]
	n := len(es)
	if n > makerEntries/4 {
		m.entries = make([]entry, n)
	} else if n > 0 {
		if cap(mk.entries)-len(mk.entries) < n {
			size := nextBlock(cap(mk.entries), makerEntries)
			if mk.entries == nil && mk.firstEntries > 0 {
				size = mk.firstEntries
			}
			mk.entries = make([]entry, 0, max(n, size))
		}
		at := len(mk.entries)
		mk.entries = mk.entries[:at+n]
		m.entries = mk.entries[at : at+n : at+n]
	}
	for i := range es {
		m.entries[i] = entry{key: es[i].Key, val: es[i].Val}
	}
	m.n = n
	if n > smallMap {
		if !mk.repeat(m.entries) {
			return m // its index is made on first need (see Map)
		}
	} else if !repeats(m.entries) {
		return m
	}
	// A repeated key (rare: a JSON object may repeat one): Set settles it.
	*m = Map{entries: make([]entry, 0, n)}
	for _, e := range es {
		m.Set(e.Key, e.Val)
	}
	return m
}

// repeat reports whether entries repeat a key, for a map too big for
// repeats: an open-addressing set of entry positions by key hash, reused
// from map to map, costs a hash and a probe per key, a third of what the
// map index it replaces cost (which the map may never need).
func (mk *Maker) repeat(es []entry) bool {
	size := 16
	for size < 2*len(es) {
		size *= 2
	}
	if cap(mk.seen) < size {
		mk.seen = make([]int32, size)
		mk.seed = maphash.MakeSeed()
	}
	seen := mk.seen[:size]
	clear(seen)
	mask := uint64(size - 1)
	for i := range es {
		k := es[i].key
		j := maphash.String(mk.seed, k) & mask
		for seen[j] != 0 {
			if es[seen[j]-1].key == k {
				return true
			}
			j = (j + 1) & mask
		}
		seen[j] = int32(i + 1)
	}
	return false
}

// repeats reports whether a few entries repeat a key.
func repeats(es []entry) bool {
	for i := 1; i < len(es); i++ {
		for j := 0; j < i; j++ {
			if es[i].key == es[j].key {
				return true
			}
		}
	}
	return false
}
