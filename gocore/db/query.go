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
		if level == "**" && len(q.names) > 0 && q.names[len(q.names)-1] == "**" {
			continue // "**/**" is "**"; one is one pass in matchLevels
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
				if len(out) == 0 || !out[len(out)-1].any { // "**.**" is "**"
					out = append(out, pathPat{text: seg, any: true})
				}
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

// matchLevels reports whether the name levels match the level patterns.
// It follows every way of matching at once (the set of patterns reached
// after each level), so each "**" costs a pass, not a choice to try: by
// backtracking, a few "**" against a deep name took exponential time.
func matchLevels(pats, levels []string) bool {
	at := closeStars(pats, []int{0}, func(i int) bool { return pats[i] == "**" })
	for _, level := range levels {
		var next []int
		for _, i := range at {
			switch {
			case i == len(pats):
			case pats[i] == "**":
				next = append(next, i)
			case starMatch(pats[i], level):
				next = append(next, i+1)
			}
		}
		at = closeStars(pats, next, func(i int) bool { return pats[i] == "**" })
		if len(at) == 0 {
			return false
		}
	}
	return slices.Contains(at, len(pats))
}

// closeStars adds to the pattern positions at those reached by letting
// each "**" (isAny) match nothing, and returns them sorted, each once.
func closeStars[P any](pats []P, at []int, isAny func(int) bool) []int {
	out := make([]int, 0, len(at))
	for _, i := range at {
		for ; ; i++ {
			out = append(out, i)
			if i == len(pats) || !isAny(i) {
				break
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
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
// The walk visits each node once with the set of pattern positions that
// reach it (see matchLevels): "**.**.**...x" took exponential time by
// trying every way for the "**"s to share a deep path.
func (q *query) leaves(cfg *value.Map) []leaf {
	var out []leaf
	pats := q.path
	isAny := func(i int) bool { return pats[i].any }
	var walk func(node any, at []int, segs []string)
	walk = func(node any, at []int, segs []string) {
		if slices.Contains(at, len(pats)) && isLeaf(node) {
			out = append(out, leaf{segs: slices.Clone(segs), val: node})
		}
		step := func(k string, child any) {
			var next []int
			for _, i := range at {
				switch {
				case i == len(pats):
				case pats[i].any:
					next = append(next, i)
				case (pats[i].literal && k == pats[i].text) || (!pats[i].literal && starMatch(pats[i].text, k)):
					next = append(next, i+1)
				}
			}
			if len(next) > 0 {
				walk(child, closeStars(pats, next, isAny), append(segs, k))
			}
		}
		// Only literal segments ahead: look the keys up rather than
		// reading every key of a large map (server.port).
		if m, ok := node.(*value.Map); ok && onlyLiterals(pats, at) {
			var keys []string // step takes each key once, for every position
			for _, i := range at {
				if i < len(pats) && !slices.Contains(keys, pats[i].text) {
					keys = append(keys, pats[i].text)
				}
			}
			for _, k := range keys {
				if child, ok := m.Get(k); ok {
					step(k, child)
				}
			}
			return
		}
		children(node, step)
	}
	walk(cfg, closeStars(pats, []int{0}, isAny), nil)
	return out
}

// onlyLiterals reports whether every pattern position in at is a literal
// segment (or the end).
func onlyLiterals(pats []pathPat, at []int) bool {
	for _, i := range at {
		if i < len(pats) && !pats[i].literal {
			return false
		}
	}
	return true
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
