// Package value holds the configuration tree: an insertion-ordered map of
// string keys to values. Order is kept because configuration files are read
// by people: a file loaded and saved again keeps its keys where they were.
package value

// Map is an insertion-ordered map. It is not safe for concurrent use; the
// store package guards it. The zero value is an empty map.
type Map struct {
	index map[string]int // key -> position in entries
	entries []entry
	dead    int // deleted entries still occupying a position
}

type entry struct {
	key   string
	val   any
	alive bool
}

// NewMap returns an empty map with room for n keys.
func NewMap(n int) *Map {
	return &Map{index: make(map[string]int, n), entries: make([]entry, 0, n)}
}

// Len is the number of keys.
func (m *Map) Len() int { return len(m.index) }

// Get returns the value stored under key.
func (m *Map) Get(key string) (any, bool) {
	i, ok := m.index[key]
	if !ok {
		return nil, false
	}
	return m.entries[i].val, true
}

// Set stores val under key. A new key goes last; an existing key keeps its place.
func (m *Map) Set(key string, val any) {
	if m.index == nil {
		m.index = make(map[string]int)
	}
	if i, ok := m.index[key]; ok {
		m.entries[i].val = val
		return
	}
	m.index[key] = len(m.entries)
	m.entries = append(m.entries, entry{key: key, val: val, alive: true})
}

// Delete removes key and reports whether it was there.
func (m *Map) Delete(key string) bool {
	i, ok := m.index[key]
	if !ok {
		return false
	}
	delete(m.index, key)
	m.entries[i] = entry{}
	m.dead++
	// Compact once the holes outnumber the keys, so deletes stay O(1) amortized.
	if m.dead > len(m.index) {
		m.compact()
	}
	return true
}

func (m *Map) compact() {
	live := m.entries[:0]
	for _, e := range m.entries {
		if e.alive {
			m.index[e.key] = len(live)
			live = append(live, e)
		}
	}
	clear(m.entries[len(live):])
	m.entries = live
	m.dead = 0
}

// Clear removes every key.
func (m *Map) Clear() {
	m.index = make(map[string]int)
	m.entries = nil
	m.dead = 0
}

// Range calls f for each key in order until f returns false.
func (m *Map) Range(f func(key string, val any) bool) {
	for _, e := range m.entries {
		if e.alive && !f(e.key, e.val) {
			return
		}
	}
}

// Keys returns the keys in order.
func (m *Map) Keys() []string {
	keys := make([]string, 0, len(m.index))
	m.Range(func(k string, _ any) bool { keys = append(keys, k); return true })
	return keys
}
