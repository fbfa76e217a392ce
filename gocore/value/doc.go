package value

// Pos is a 1-based position in a source document.
type Pos struct{ Line, Column int }

// Doc is a decoded document: its tree, and where each value came from when
// the format can tell.
type Doc struct {
	Root *Map
	// Positions maps a canonical path (JoinPath of the segments; list items
	// by index, as in "a.0") to where that entry starts in the source: the
	// key of a map entry, the item of a list. The root is not listed. It may
	// be nil when a format does not track positions (or, to save memory, for
	// very large documents).
	Positions map[string]Pos
}

// AnyDoc is one document of a stream whose root may be any value: a *Map,
// a list, a scalar or nil (an empty YAML document). Positions are keyed as
// in Doc, relative to this document's root (a list root's items are "0",
// "1", ...); a scalar root has none.
type AnyDoc struct {
	Root      any
	Positions map[string]Pos
}
