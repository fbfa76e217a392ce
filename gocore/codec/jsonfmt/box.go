package jsonfmt

import "unsafe"

// Storing a string, an int64, a float64 or a slice in an `any` makes Go
// allocate a copy of it for the interface to point to: one small
// allocation per value, the largest share of a big document's
// allocations once maps and lists are built at their exact sizes. The
// parser instead copies such values into blocks of boxesBlock and makes
// the interface point into a block.
//
// This is sound because an interface's data pointer may point to any
// memory holding a value of its type that nobody writes again: the
// interface is Go's own (type, pointer) pair, built with the type taken
// from an ordinary conversion, a block element is written once, before the
// interface exists, and never after (a full block is dropped, not reused),
// and the garbage collector keeps a block alive while any interface points
// into it. The cost is that one value still held keeps its block (at most
// a few KiB) alive.
const boxesBlock = 128

// nextBlock is the size of the block that follows one of size last: the
// first blocks are small and each is twice the one before, up to limit,
// so that a small document does not pay for big blocks it leaves mostly
// empty.
func nextBlock(last, limit int) int {
	return min(limit, max(16, 2*last))
}

// eface is the layout of an `any`: its dynamic type and a pointer to the value.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

func typeOf(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

var (
	stringType  = typeOf("")
	int64Type   = typeOf(int64(0))
	float64Type = typeOf(float64(0))
	listType    = typeOf([]any(nil))
)

// boxes hands out interfaces over values copied into blocks.
type boxes[T any] struct {
	block []T
}

func (b *boxes[T]) box(typ unsafe.Pointer, x T) any {
	if len(b.block) == cap(b.block) {
		b.block = make([]T, 0, nextBlock(cap(b.block), boxesBlock))
	}
	b.block = append(b.block, x)
	var v any
	e := (*eface)(unsafe.Pointer(&v))
	e.typ = typ
	e.data = unsafe.Pointer(&b.block[len(b.block)-1])
	return v
}
