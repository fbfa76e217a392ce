package tomlfmt

import "github.com/gocfg/gocfg/gocore/value"

// go-toml's syntax tree gives an array no range of its own: a value's
// position comes from its node's range, so an array held in an array
// (the rows of Cargo's package.metadata.deb assets, a matrix) had none,
// and took position 1:1. Its '[' is found in the text instead.

// arrayStarts returns the offsets of the '[' of every array in the
// array value that follows the key ending at offset from (past blanks
// and '='), that array's own first, in text order: the order in which
// the builder meets them, since it converts values as they are written.
// Strings and comments are skipped. It returns nil when no '[' follows,
// which leaves those arrays with their parent's position.
func arrayStarts(data []byte, from int) []int {
	i := from
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '=') {
		i++
	}
	if i >= len(data) || data[i] != '[' {
		return nil
	}
	var starts []int
	depth := 0
	for i < len(data) {
		switch data[i] {
		case '[':
			starts = append(starts, i)
			depth++
		case ']':
			depth--
			if depth == 0 {
				return starts
			}
		case '#':
			for i < len(data) && data[i] != '\n' {
				i++
			}
			continue
		case '"', '\'':
			i = skipString(data, i) // toml10.go
			continue
		}
		i++
	}
	return starts
}

// nextArrayStart takes the offset of the next array the walk meets, or
// -1 when there is none (positions off, or no scan).
// The arrays met are counted with positions off too, so that arrayAt can
// still find the '[' of one that an error names.
func (b *builder) nextArrayStart() int {
	i := b.arrayNext
	b.arrayNext++
	if b.positions == nil || i >= len(b.arrayStarts) {
		return -1
	}
	return b.arrayStarts[i]
}

// arrayAt is the offset of the '[' of the i-th array (in text order) of
// the key/value being converted, or -1. With positions off nothing was
// scanned: it scans now, on the way to an error.
func (b *builder) arrayAt(i int) int {
	starts := b.arrayStarts
	if starts == nil {
		starts = arrayStarts(b.data, b.arrayFrom)
	}
	if i < len(starts) {
		return starts[i]
	}
	return -1
}

// recordOffset records path at a byte offset, as record does at a range.
func (b *builder) recordOffset(path string, offset int) {
	if b.positions == nil || offset < 0 {
		return
	}
	if _, seen := b.positions[path]; seen {
		return
	}
	line, col := b.lines.Pos(offset)
	b.positions[path] = value.Pos{Line: line, Column: col}
}
