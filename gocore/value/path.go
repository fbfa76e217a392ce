package value

import (
	"fmt"
	"strings"

	"github.com/gocfg/gocfg/gocore/errs"
)

// Paths name a value inside the tree: segments joined by dots, as in
// "servers.0.host". A segment that is all digits indexes a list (and is an
// ordinary key inside a map). A segment holding a dot, a double quote or
// nothing at all is written in double quotes, with \" and \\ escaped:
// `a."b.c".d` has the three segments a, b.c and d. The empty path "" names
// the root.

// ParsePath splits a path into its segments.
func ParsePath(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	var segs []string
	i := 0
	for {
		if i < len(p) && p[i] == '"' {
			var b strings.Builder
			i++
			for {
				if i >= len(p) {
					return nil, badPath(p, "unterminated quoted segment")
				}
				c := p[i]
				if c == '\\' {
					if i+1 >= len(p) || (p[i+1] != '"' && p[i+1] != '\\') {
						return nil, badPath(p, fmt.Sprintf(`bad escape at offset %d (only \" and \\ are allowed)`, i))
					}
					b.WriteByte(p[i+1])
					i += 2
					continue
				}
				if c == '"' {
					i++
					break
				}
				b.WriteByte(c)
				i++
			}
			segs = append(segs, b.String())
		} else {
			j := strings.IndexByte(p[i:], '.')
			var seg string
			if j < 0 {
				seg = p[i:]
			} else {
				seg = p[i : i+j]
			}
			if seg == "" {
				return nil, badPath(p, fmt.Sprintf("empty segment at offset %d (quote it as \"\" to mean an empty key)", i))
			}
			if strings.IndexByte(seg, '"') >= 0 {
				return nil, badPath(p, "a double quote may only open a quoted segment")
			}
			segs = append(segs, seg)
			i += len(seg)
		}
		if i == len(p) {
			return segs, nil
		}
		if p[i] != '.' {
			return nil, badPath(p, fmt.Sprintf("expected '.' after a quoted segment at offset %d", i))
		}
		i++
		if i == len(p) {
			return nil, badPath(p, "path ends with '.'")
		}
	}
}

func badPath(p, why string) error {
	return fmt.Errorf("invalid path %q: %s: %w", p, why, errs.ErrInvalidArgument)
}

// QuoteSegment writes one segment so that ParsePath reads it back unchanged.
func QuoteSegment(s string) string {
	if s != "" && !strings.ContainsAny(s, `."\`) {
		return s
	}
	// A hand loop: building a strings.Replacer here, once per call, cost
	// more than the rest of decoding a key (mime-db's 2,500 dotted keys).
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\\' || c == '"' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// JoinPath is the inverse of ParsePath.
func JoinPath(segs ...string) string {
	q := make([]string, len(segs))
	for i, s := range segs {
		q[i] = QuoteSegment(s)
	}
	return strings.Join(q, ".")
}

// AppendPath extends a path by one segment.
func AppendPath(p, seg string) string {
	if p == "" {
		return QuoteSegment(seg)
	}
	return p + "." + QuoteSegment(seg)
}

// Trail is a path built one segment at a time, as a walk goes down a
// tree, and joined only when String asks for it (for an error, which is
// rare). Extending a path string at every level instead copies the whole
// path again each time: a tree a thousand keys of 10 KB deep made a
// walk copy gigabytes, and a long list under a long path copied the path
// once per item. The nil *Trail is the root's empty path.
type Trail struct {
	parent *Trail
	seg    string
}

// Add returns the trail one segment further down (t itself is unchanged).
func (t *Trail) Add(seg string) *Trail { return &Trail{parent: t, seg: seg} }

// String is the trail as a path, as JoinPath writes it.
func (t *Trail) String() string { return JoinPath(t.Segments()...) }

// Segments returns the trail's segments, root first.
func (t *Trail) Segments() []string {
	var segs []string
	for n := t; n != nil; n = n.parent {
		segs = append(segs, n.seg)
	}
	for i, j := 0, len(segs)-1; i < j; i, j = i+1, j-1 {
		segs[i], segs[j] = segs[j], segs[i]
	}
	return segs
}
