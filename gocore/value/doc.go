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
	// Locate, when set, computes Positions on first need: a decoder asked
	// to record none (for a plain load, which keeps no provenance) leaves
	// Positions nil and sets Locate to decode the document again with
	// them, so that an error found later can still be placed exactly. It
	// keeps the document's text alive as long as the Doc. Read positions
	// through Position or AllPositions, which call it.
	Locate func() map[string]Pos
}

// Position returns where the value at path starts in the source, when the
// format records positions.
func (d *Doc) Position(path string) (Pos, bool) {
	p, ok := d.AllPositions()[path]
	return p, ok
}

// AllPositions returns Positions, computing them first (once) when the
// decoder left them to Locate. A Doc is not safe for concurrent use.
func (d *Doc) AllPositions() map[string]Pos {
	if d.Positions == nil && d.Locate != nil {
		d.Positions = d.Locate()
		d.Locate = nil
	}
	return d.Positions
}

// AnyDoc is one document of a stream whose root may be any value: a *Map,
// a list, a scalar or nil (an empty YAML document). Positions are keyed as
// in Doc, relative to this document's root (a list root's items are "0",
// "1", ...); a scalar root has none.
type AnyDoc struct {
	Root      any
	Positions map[string]Pos
}
