package jsonfmt

// Strings, numbers and lists are put in interfaces through gocore/boxes,
// which copies them into blocks instead of allocating each: the first
// block of each kind holds firstBoxes values, and each one after doubles.
const firstBoxes = 16

// nextBlock is the size of the block that follows one of size last: the
// first blocks are small and each is twice the one before, up to limit,
// so that a small document does not pay for big blocks it leaves mostly
// empty.
func nextBlock(last, limit int) int {
	return min(limit, max(16, 2*last))
}
