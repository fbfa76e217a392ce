package tomlfmt

import (
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
)

// The checks DecodeTOML10 adds: go-toml reads TOML 1.1, which accepts
// every 1.0 document and a few more; these refuse the few more. Each runs
// on text go-toml has already parsed, so it only looks for 1.1 syntax and
// need not validate anything else.

func (b *builder) err10(off int, format string, args ...any) error {
	line, col := b.lines.Pos(off)
	return textpos.ParseError(line, col, format+" (TOML 1.1 allows it; TOML 1.0 does not)", args...)
}

// check10String refuses the escapes TOML 1.1 added, \xHH and \e, in a basic
// string or quoted key (literal strings have no escapes).
func (b *builder) check10String(r unstable.Range) error {
	start := int(r.Offset)
	raw := b.data[start : start+int(r.Length)]
	if len(raw) == 0 || raw[0] != '"' {
		return nil
	}
	for i := 0; i+1 < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		switch raw[i+1] {
		case 'x':
			return b.err10(start+i, `the \x escape`)
		case 'e':
			return b.err10(start+i, `the \e escape`)
		}
		i++ // the escaped character
	}
	return nil
}

// check10Time refuses a time of day without seconds (07:32 for 07:32:00).
func (b *builder) check10Time(n *unstable.Node) error {
	var clock []byte
	switch n.Kind {
	case unstable.LocalTime:
		clock = n.Data
	case unstable.LocalDateTime, unstable.DateTime:
		if len(n.Data) > 11 {
			clock = n.Data[11:]
		}
	default:
		return nil
	}
	if len(clock) >= 5 && (len(clock) < 6 || clock[5] != ':') {
		return b.err10(int(n.Raw.Offset), "a time without seconds")
	}
	return nil
}

// check10Inline scans the inline table starting at off (its '{') and
// refuses a line break or comment directly inside it, or in an inline table
// nested in it, and a comma just before its '}'. Line breaks inside arrays
// and multi-line strings are TOML 1.0 too.
func (b *builder) check10Inline(off int) error {
	d := b.data
	var stack []byte // open '{' and '['
	last := -1       // offset of the last byte that is not a blank
	for i := off; i < len(d); i++ {
		c := d[i]
		inTable := len(stack) > 0 && stack[len(stack)-1] == '{'
		switch c {
		case ' ', '\t', '\r':
			continue
		case '\n':
			if inTable {
				return b.err10(i, "a line break inside an inline table")
			}
			continue
		case '#':
			if inTable {
				return b.err10(i, "a comment inside an inline table")
			}
			for i < len(d) && d[i] != '\n' {
				i++
			}
			i-- // the line break is looked at next
			continue
		case '"', '\'':
			i = skipString(d, i) - 1
		case '{', '[':
			stack = append(stack, c)
		case '}', ']':
			if c == '}' && last >= 0 && d[last] == ',' {
				return b.err10(last, "a trailing comma in an inline table")
			}
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			if len(stack) == 0 {
				return nil
			}
		}
		last = i
	}
	return nil
}

// skipString returns the offset just past the string starting at i.
func skipString(d []byte, i int) int {
	q := d[i]
	if i+2 < len(d) && d[i+1] == q && d[i+2] == q { // multi-line
		for j := i + 3; j+2 < len(d); j++ {
			if q == '"' && d[j] == '\\' {
				j++
				continue
			}
			if d[j] == q && d[j+1] == q && d[j+2] == q {
				j += 3
				for j < len(d) && d[j] == q { // up to two quotes may end the content
					j++
				}
				return j
			}
		}
		return len(d)
	}
	for j := i + 1; j < len(d); j++ {
		if q == '"' && d[j] == '\\' {
			j++
			continue
		}
		if d[j] == q {
			return j + 1
		}
	}
	return len(d)
}
