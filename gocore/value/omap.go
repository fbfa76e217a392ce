// Package value holds the configuration tree: an insertion-ordered map of
// string keys to values. Order is kept because configuration files are read
// by people: a file loaded and saved again keeps its keys where they were.
package value

// Map is an insertion-ordered map. It is not safe for concurrent use; the
// store package guards it. The zero value is an empty map.
//
// Most maps in configuration files are small, and a big document holds
// millions of them, so a map of up to smallMap keys has no hash index: a
// linear scan over a few entries is as fast and costs no memory. The index
// is built when the map grows past that.
type Map struct {
	index   map[string]int // key -> position in entries; nil while small
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
		m.index = make(map[string]int, n)
	}
	return m
}

// Len is the number of keys.
func (m *Map) Len() int { return m.n }

// find returns the position of key in entries.
func (m *Map) find(key string) (int, bool) {
	if m.index != nil {
		i, ok := m.index[key]
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
	if m.index != nil {
		m.index[key] = len(m.entries)
	}
	m.entries = append(m.entries, entry{key: key, val: val})
	m.n++
	if m.index == nil && m.n > smallMap {
		m.buildIndex()
	}
}

func (m *Map) buildIndex() {
	m.index = make(map[string]int, 2*m.n)
	for i := range m.entries {
		if e := &m.entries[i]; e.alive() {
			m.index[e.key] = i
		}
	}
}

// Delete removes key and reports whether it was there.
func (m *Map) Delete(key string) bool {
	i, ok := m.find(key)
	if !ok {
		return false
	}
	if m.index != nil {
		delete(m.index, key)
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
	for _, e := range m.entries {
		if e.alive() {
			if m.index != nil {
				m.index[e.key] = len(live)
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
	m.index = nil
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
}

const (
	makerMaps    = 64
	makerEntries = 512
)

// Make returns a map holding es in order, as Set would make it one by one
// (a repeated key keeps its first place and takes its last value). es is
// copied; the caller may reuse it.
func (mk *Maker) Make(es []Entry) *Map {
	if len(mk.maps) == cap(mk.maps) {
		mk.maps = make([]Map, 0, makerMaps)
	}
	mk.maps = mk.maps[:len(mk.maps)+1]
	m := &mk.maps[len(mk.maps)-1]
	n := len(es)
	if n > makerEntries/4 {
		m.entries = make([]entry, n)
	} else if n > 0 {
		if cap(mk.entries)-len(mk.entries) < n {
			mk.entries = make([]entry, 0, makerEntries)
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
		m.index = make(map[string]int, n)
		for i := range m.entries {
			m.index[m.entries[i].key] = i
		}
		if len(m.index) == n {
			return m
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
