package db

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// Row is one leaf found by Query.
type Row struct {
	Name  string // the config's name
	Path  string // the leaf's dot path inside it, quoted as value.JoinPath does
	Value any    // the leaf: a scalar, or an empty map or list
}

// query is a parsed query expression: <name-glob>:<path-glob>. The grammar is
// documented in README.md.
type query struct {
	names []string  // name levels; "**" or a level pattern with '*'
	path  []pathPat // path segments
}

type pathPat struct {
	text    string
	any     bool // "**": zero or more segments
	literal bool // no wildcard (a quoted segment is always literal)
}

func badQuery(expr, why string) error {
	return fmt.Errorf("invalid query %q: %s: %w", expr, why, errs.ErrInvalidArgument)
}

func parseQuery(expr string) (*query, error) {
	i := strings.IndexByte(expr, ':')
	if i < 0 {
		return nil, badQuery(expr, "expected <name-glob>:<path-glob>, e.g. services/*:server.port or *:**")
	}
	nameGlob, pathGlob := expr[:i], expr[i+1:]
	if nameGlob == "" {
		return nil, badQuery(expr, "empty name glob (use ** for every config)")
	}
	if pathGlob == "" {
		return nil, badQuery(expr, "empty path glob (use ** for every leaf)")
	}
	q := &query{}
	for _, level := range strings.Split(nameGlob, "/") {
		if level == "" {
			return nil, badQuery(expr, "empty level in the name glob")
		}
		if strings.Contains(level, "**") && level != "**" {
			return nil, badQuery(expr, fmt.Sprintf("** must be a whole level, not part of %q", level))
		}
		// A level without wildcards must be a valid name level: checking
		// it with '*' replaced keeps the same rules for the rest.
		if err := ValidateName(strings.ReplaceAll(level, "*", "x")); err != nil {
			return nil, badQuery(expr, fmt.Sprintf("level %q can match no name", level))
		}
		q.names = append(q.names, level)
	}
	segs, err := splitPathGlob(pathGlob)
	if err != nil {
		return nil, badQuery(expr, err.Error())
	}
	q.path = segs
	return q, nil
}

// splitPathGlob splits a dot path the way value.ParsePath does, remembering
// which segments were quoted (and are therefore literal even if they hold '*').
func splitPathGlob(p string) ([]pathPat, error) {
	var out []pathPat
	i := 0
	for {
		if i < len(p) && p[i] == '"' {
			var b strings.Builder
			i++
			for {
				if i >= len(p) {
					return nil, fmt.Errorf("unterminated quoted segment")
				}
				c := p[i]
				if c == '\\' {
					if i+1 >= len(p) || (p[i+1] != '"' && p[i+1] != '\\') {
						return nil, fmt.Errorf(`bad escape at offset %d (only \" and \\ are allowed)`, i)
					}
					b.WriteByte(p[i+1])
					i += 2
					continue
				}
				i++
				if c == '"' {
					break
				}
				b.WriteByte(c)
			}
			out = append(out, pathPat{text: b.String(), literal: true})
		} else {
			j := strings.IndexByte(p[i:], '.')
			seg := p[i:]
			if j >= 0 {
				seg = p[i : i+j]
			}
			if seg == "" {
				return nil, fmt.Errorf("empty path segment at offset %d", i)
			}
			if strings.IndexByte(seg, '"') >= 0 {
				return nil, fmt.Errorf("a double quote may only open a quoted segment")
			}
			switch {
			case seg == "**":
				out = append(out, pathPat{text: seg, any: true})
			case strings.Contains(seg, "**"):
				return nil, fmt.Errorf("** must be a whole segment, not part of %q", seg)
			default:
				out = append(out, pathPat{text: seg, literal: !strings.Contains(seg, "*")})
			}
			i += len(seg)
		}
		if i == len(p) {
			return out, nil
		}
		if p[i] != '.' {
			return nil, fmt.Errorf("expected '.' after a quoted segment at offset %d", i)
		}
		i++
		if i == len(p) {
			return nil, fmt.Errorf("path glob ends with '.'")
		}
	}
}

// listPrefix is the longest run of literal leading name levels, used to
// narrow the listing of names ("" when the first level has a wildcard).
func (q *query) listPrefix() string {
	var lit []string
	for _, l := range q.names {
		if strings.Contains(l, "*") {
			break
		}
		lit = append(lit, l)
	}
	return strings.Join(lit, "/")
}

func (q *query) matchName(name string) bool {
	return matchLevels(q.names, strings.Split(name, "/"))
}

func matchLevels(pats, levels []string) bool {
	if len(pats) == 0 {
		return len(levels) == 0
	}
	if pats[0] == "**" {
		for k := 0; k <= len(levels); k++ {
			if matchLevels(pats[1:], levels[k:]) {
				return true
			}
		}
		return false
	}
	return len(levels) > 0 && starMatch(pats[0], levels[0]) && matchLevels(pats[1:], levels[1:])
}

// starMatch matches s against a pattern in which '*' stands for any run of
// characters (possibly empty) and every other byte for itself.
func starMatch(pat, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pat) && pat[p] == '*':
			star, mark = p, i
			p++
		case p < len(pat) && pat[p] == s[i]:
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pat) && pat[p] == '*' {
		p++
	}
	return p == len(pat)
}

type leaf struct {
	segs []string
	val  any
}

// leaves returns the leaves of cfg that the path glob selects, each once.
func (q *query) leaves(cfg *value.Map) []leaf {
	var out []leaf
	seen := map[string]bool{}
	var walk func(node any, pats []pathPat, segs []string)
	walk = func(node any, pats []pathPat, segs []string) {
		if len(pats) == 0 {
			if isLeaf(node) {
				key := value.JoinPath(segs...)
				if !seen[key] {
					seen[key] = true
					out = append(out, leaf{segs: slices.Clone(segs), val: node})
				}
			}
			return
		}
		p := pats[0]
		if p.any {
			walk(node, pats[1:], segs)
			children(node, func(k string, child any) { walk(child, pats, append(segs, k)) })
			return
		}
		if m, ok := node.(*value.Map); ok && p.literal {
			if child, ok := m.Get(p.text); ok {
				walk(child, pats[1:], append(segs, p.text))
			}
			return
		}
		children(node, func(k string, child any) {
			if (p.literal && k == p.text) || (!p.literal && starMatch(p.text, k)) {
				walk(child, pats[1:], append(segs, k))
			}
		})
	}
	walk(cfg, q.path, nil)
	return out
}

func isLeaf(v any) bool {
	switch c := v.(type) {
	case *value.Map:
		return c.Len() == 0
	case []any:
		return len(c) == 0
	}
	return true
}

func children(node any, f func(key string, child any)) {
	switch c := node.(type) {
	case *value.Map:
		c.Range(func(k string, v any) bool { f(k, v); return true })
	case []any:
		for i, v := range c {
			f(fmt.Sprint(i), v)
		}
	}
}

// compareSegs orders paths segment by segment; two all-digit segments (list
// indexes) compare as numbers, so that items.2 comes before items.10.
func compareSegs(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := compareSeg(a[i], b[i]); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

func compareSeg(a, b string) int {
	if isDigits(a) && isDigits(b) {
		ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(ta) != len(tb) {
			return len(ta) - len(tb)
		}
		if c := strings.Compare(ta, tb); c != 0 {
			return c
		}
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
