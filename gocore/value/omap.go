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
