package textpos

// PathBudget bounds the bytes of path strings a decoder spends on
// positions. A path is as long as the keys above its value, so a document
// of long keys nested deep (a thousand levels of 1,000-character keys,
// then many small values) makes each value's path a megabyte: a 108 KB
// JSON text built 107 MB of paths, and a 32 MiB one would have exhausted
// memory. Real configurations spend about their own size (1.05 times for
// codectest.ConfigTree's 2.5 MB); past eight times the document, plus a
// MiB for small ones, the decoder stops recording positions and drops
// those it has (the tree is unaffected; provenance then has no lines).
type PathBudget struct{ left int }

// NewPathBudget gives the budget for a document of size bytes.
func NewPathBudget(size int) PathBudget {
	return PathBudget{left: 8*size + 1<<20}
}

// Spend takes n bytes from the budget and reports whether it still holds.
func (b *PathBudget) Spend(n int) bool {
	b.left -= n
	return b.left >= 0
}
