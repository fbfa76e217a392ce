package layer

import (
	"strconv"

	"github.com/gocfg/gocfg/gocore/value"
)

// Provenance records, per path, the origins of the values set there. It
// mirrors the value tree as a trie: a node per map key or list index that
// was ever set, holding the origins of the layers that set it (a map's node
// lists the layers that set or merged into it). The zero value is empty and
// ready.
type Provenance struct {
	root node
	next int // the sequence number of the next layer
}

type node struct {
	hist []Origin
	kids map[string]*node
}

// NextLayer reserves a sequence number for a new layer.
func (p *Provenance) NextLayer() int {
	n := p.next
	p.next++
	return n
}

// Layers is the number of sequence numbers handed out so far.
func (p *Provenance) Layers() int { return p.next }

func (p *Provenance) find(segs []string) *node {
	n := &p.root
	for _, s := range segs {
		k, ok := n.kids[s]
		if !ok {
			return nil
		}
		n = k
	}
	return n
}

func (p *Provenance) make(segs []string) *node {
	n := &p.root
	for _, s := range segs {
		k, ok := n.kids[s]
		if !ok {
			if n.kids == nil {
				n.kids = make(map[string]*node, 4)
			}
			k = &node{}
			n.kids[s] = k
		}
		n = k
	}
	return n
}

// add appends o to n's history; a layer appears once per node (a later
// record of the same layer replaces its earlier one), and so does a run of
// writes through the config: each write is a layer of its own, and a
// program that sets a value (or any value below a map) over and over must
// not grow its history without end; the newest write is what it shows.
func (n *node) add(o Origin) {
	if l := len(n.hist); l > 0 {
		if last := n.hist[l-1]; last.Layer == o.Layer || (last.Kind == KindSet && o.Kind == KindSet && last.Name == o.Name) {
			n.hist[l-1] = o
			return
		}
	}
	n.hist = append(n.hist, o)
}

// Touch records o at segs without changing what is below (a map merged
// into, a list extended).
func (p *Provenance) Touch(segs []string, o Origin) {
	if len(segs) == 0 {
		return
	}
	p.make(segs).add(p.placed(segs, o))
}

// placed gives o the position its parent at segs has from the same layer
// when o has none: a document lists no position for a value reached
// through a YAML alias or merge key, which sits where the alias is
// written (the parent's position, inherited down from there).
func (p *Provenance) placed(segs []string, o Origin) Origin {
	if o.Line != 0 || len(segs) < 2 {
		return o
	}
	if parent := p.find(segs[:len(segs)-1]); parent != nil {
		return inherit(o, parent)
	}
	return o
}

// inherit is placed's rule, for a parent node at hand.
func inherit(o Origin, parent *node) Origin {
	if o.Line != 0 {
		return o
	}
	if l := len(parent.hist); l > 0 {
		if h := parent.hist[l-1]; h.Layer == o.Layer && h.Kind == o.Kind && h.Name == o.Name && h.Line != 0 {
			o.Line, o.Column = h.Line, h.Column
		}
	}
	return o
}

// Prune forgets what was recorded below segs (its value was replaced as a
// whole), keeping segs' own history.
func (p *Provenance) Prune(segs []string) {
	if n := p.find(segs); n != nil {
		n.kids = nil
	}
}

// Remove forgets segs and everything below it (its value was deleted).
func (p *Provenance) Remove(segs []string) {
	if len(segs) == 0 {
		p.root.kids = nil
		return
	}
	parent := p.find(segs[:len(segs)-1])
	if parent != nil {
		delete(parent.kids, segs[len(segs)-1])
	}
}

// Reset forgets everything but keeps counting layers.
func (p *Provenance) Reset() { p.root = node{} }

// Record notes that v, now stored at dst, came from origin(src) and so did
// everything inside it: what was recorded below dst is forgotten first.
// src is where v sits in its source document (it differs from dst for list
// items appended after existing ones). origin may return the same Origin
// for every path.
func (p *Provenance) Record(dst, src []string, v any, origin func(src []string) Origin) {
	if len(dst) == 0 {
		return
	}
	// Own copies: the walk below appends to them, and the caller's slices
	// may share a backing array.
	dst = append(make([]string, 0, len(dst)+8), dst...)
	src = append(make([]string, 0, len(src)+8), src...)
	o := p.placed(dst, origin(src))
	n := p.make(dst)
	n.kids = nil
	n.add(o)
	p.below(n, dst, src, v, origin)
}

func (p *Provenance) below(n *node, dst, src []string, v any, origin func([]string) Origin) {
	switch c := v.(type) {
	case *value.Map:
		if c.Len() == 0 {
			return
		}
		if n.kids == nil {
			n.kids = make(map[string]*node, c.Len())
		}
		c.Range(func(k string, item any) bool {
			kid := &node{}
			n.kids[k] = kid
			s := append(src, k)
			kid.add(inherit(origin(s), n))
			p.below(kid, append(dst, k), s, item, origin)
			return true
		})
	case []any:
		if len(c) == 0 {
			return
		}
		if n.kids == nil {
			n.kids = make(map[string]*node, len(c))
		}
		for i, item := range c {
			kid := &node{}
			k := strconv.Itoa(i)
			n.kids[k] = kid
			s := append(src, k)
			kid.add(inherit(origin(s), n))
			p.below(kid, append(dst, k), s, item, origin)
		}
	}
}

// History returns the origins recorded at segs, oldest first, or, when
// nothing was recorded there, those of the nearest ancestor that has any
// (a value reached through a reference, or inside a value set whole).
// It returns nil when nothing on the way was recorded.
func (p *Provenance) History(segs []string) []Origin {
	n := &p.root
	var found []Origin
	for _, s := range segs {
		k, ok := n.kids[s]
		if !ok {
			break
		}
		n = k
		if len(n.hist) > 0 {
			found = n.hist
		}
	}
	return append([]Origin(nil), found...)
}

// Clone returns an independent copy.
func (p *Provenance) Clone() *Provenance {
	out := &Provenance{next: p.next}
	out.root = *p.root.clone()
	return out
}

func (n *node) clone() *node {
	out := &node{hist: append([]Origin(nil), n.hist...)}
	if n.kids != nil {
		out.kids = make(map[string]*node, len(n.kids))
		for k, kid := range n.kids {
			out.kids[k] = kid.clone()
		}
	}
	return out
}

// Walk calls f for every path that has a history, parents before their
// children (in no particular order among siblings).
func (p *Provenance) Walk(f func(segs []string, hist []Origin)) {
	var walk func(n *node, segs []string)
	walk = func(n *node, segs []string) {
		if len(n.hist) > 0 {
			f(segs, n.hist)
		}
		for k, kid := range n.kids {
			walk(kid, append(segs, k))
		}
	}
	walk(&p.root, nil)
}

// Restore sets the history of segs (used when a config is read back from
// its serialized form), and makes sure later layers get higher numbers.
func (p *Provenance) Restore(segs []string, hist []Origin) {
	n := p.make(segs)
	n.hist = append([]Origin(nil), hist...)
	for _, o := range hist {
		if o.Layer >= p.next {
			p.next = o.Layer + 1
		}
	}
}

// SetNext sets the next layer number (when restoring).
func (p *Provenance) SetNext(n int) {
	if n > p.next {
		p.next = n
	}
}
