package value

import (
	"fmt"
	"strconv"

	"github.com/gocfg/gocfg/gocore/errs"
)

// ListIndex reads a path segment as an index into a list of n items. Only
// the canonical decimal form is an index: ASCII digits, no sign, no
// leading zero ("0", "1", "12"). strconv.Atoi also takes "+1" and "-0",
// which made "l.+1" read, write and delete l[1] though the segment is
// spelt differently from every path the library writes. Every walk into
// a list (reads, writes, references, environment names) asks this one
// function, so a path means the same thing at every entry point.
func ListIndex(seg string, n int) (int, bool) {
	if seg == "" || len(seg) > 1 && seg[0] == '0' {
		return 0, false
	}
	i := 0
	for k := 0; k < len(seg); k++ {
		c := seg[k]
		if c < '0' || c > '9' {
			return 0, false
		}
		i = i*10 + int(c-'0')
		if i >= n {
			// Past the end already: stop before a long run of digits
			// overflows i.
			return 0, false
		}
	}
	return i, true
}

func notFoundAt(segs []string, why string) error {
	return &errs.Located{Kind: errs.ErrNotFound, Path: JoinPath(segs...), Msg: why}
}

// Lookup returns the value at segs under root (root itself for no segments).
func Lookup(root *Map, segs []string) (any, error) {
	var cur any = root
	for i, seg := range segs {
		switch c := cur.(type) {
		case *Map:
			v, ok := c.Get(seg)
			if !ok {
				return nil, notFoundAt(segs, "no such key")
			}
			cur = v
		case []any:
			j, ok := ListIndex(seg, len(c))
			if !ok {
				return nil, notFoundAt(segs, fmt.Sprintf("%s is a list of %s; %q is not an index in it", JoinPath(segs[:i]...), Items(len(c)), seg))
			}
			cur = c[j]
		default:
			return nil, notFoundAt(segs, fmt.Sprintf("%s is %s, not a map or list", JoinPath(segs[:i]...), AType(cur)))
		}
	}
	return cur, nil
}

// Depth is how deeply v nests: 0 for a scalar, 1 for a flat map or list.
func Depth(v any) int {
	switch c := v.(type) {
	case *Map:
		d := 0
		c.Range(func(_ string, e any) bool {
			d = max(d, Depth(e))
			return true
		})
		return d + 1
	case []any:
		d := 0
		for _, e := range c {
			d = max(d, Depth(e))
		}
		return d + 1
	}
	return 0
}

// SetPath stores v at segs under root, creating a map for each missing
// intermediate segment. A list index must name an existing item, or be the
// list's length to append. With no segments, v must be a map and replaces
// the root's contents.
func SetPath(root *Map, segs []string, v any) error {
	if len(segs) == 0 {
		m, ok := v.(*Map)
		if !ok {
			return &errs.Located{Kind: errs.ErrTypeMismatch, Msg: fmt.Sprintf("the root of a config must be a map, not %s", AType(v))}
		}
		*root = *m.Clone()
		return nil
	}
	parent, err := container(root, segs[:len(segs)-1], true)
	if err != nil {
		return err
	}
	last := segs[len(segs)-1]
	switch c := parent.(type) {
	case *Map:
		c.Set(last, v)
		return nil
	case *listRef:
		n := len(*c.list)
		if last == strconv.Itoa(n) {
			*c.list = append(*c.list, v)
			c.store(*c.list)
			return nil
		}
		j, ok := ListIndex(last, n)
		if !ok {
			return &errs.Located{Kind: errs.ErrNotFound, Path: JoinPath(segs...), Msg: fmt.Sprintf("list has %s; %q is not an index in it (use %d to append)", Items(n), last, n)}
		}
		(*c.list)[j] = v
		return nil
	}
	panic("unreachable")
}

// DeletePath removes the value at segs. Deleting a list item shifts the
// items after it.
func DeletePath(root *Map, segs []string) error {
	if len(segs) == 0 {
		root.Clear()
		return nil
	}
	parent, err := container(root, segs[:len(segs)-1], false)
	if err != nil {
		return err
	}
	last := segs[len(segs)-1]
	switch c := parent.(type) {
	case *Map:
		if !c.Delete(last) {
			return notFoundAt(segs, "no such key")
		}
	case *listRef:
		j, ok := ListIndex(last, len(*c.list))
		if !ok {
			return notFoundAt(segs, fmt.Sprintf("list has %s; %q is not an index in it", Items(len(*c.list)), last))
		}
		l := append((*c.list)[:j:j], (*c.list)[j+1:]...)
		c.store(l)
	}
	return nil
}

// listRef lets SetPath and DeletePath replace a list where its parent keeps it.
type listRef struct {
	list  *[]any
	store func([]any)
}

// container walks segs and returns the *Map or *listRef found there. With
// create, missing map keys get new maps on the way.
func container(root *Map, segs []string, create bool) (any, error) {
	var cur any = root
	var ref *listRef
	for i, seg := range segs {
		var next any
		var nextRef *listRef
		switch c := cur.(type) {
		case *Map:
			v, ok := c.Get(seg)
			if !ok {
				if !create {
					return nil, notFoundAt(segs[:i+1], "no such key")
				}
				v = NewMap(0)
				c.Set(seg, v)
			}
			next = v
			if l, ok := v.([]any); ok {
				m, key := c, seg
				lc := l
				nextRef = &listRef{list: &lc, store: func(nl []any) { m.Set(key, nl) }}
			}
		case []any:
			j, ok := ListIndex(seg, len(c))
			if !ok {
				return nil, notFoundAt(segs[:i+1], fmt.Sprintf("list has %s; %q is not an index in it", Items(len(c)), seg))
			}
			next = c[j]
			if l, ok := next.([]any); ok {
				parent, idx := c, j
				lc := l
				nextRef = &listRef{list: &lc, store: func(nl []any) { parent[idx] = nl }}
			}
		default:
			return nil, &errs.Located{Kind: errs.ErrTypeMismatch, Path: JoinPath(segs[:i+1]...),
				Msg: fmt.Sprintf("%s is %s, not a map or list", JoinPath(segs[:i]...), AType(cur))}
		}
		cur, ref = next, nextRef
	}
	switch c := cur.(type) {
	case *Map:
		return c, nil
	case []any:
		return ref, nil
	default:
		return nil, &errs.Located{Kind: errs.ErrTypeMismatch, Path: JoinPath(segs...),
			Msg: fmt.Sprintf("%s is %s, not a map or list", JoinPath(segs...), AType(cur))}
	}
}
