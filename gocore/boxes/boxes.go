// Package boxes puts decoded values in interfaces without one allocation
// per value.
//
// Storing a string, an int64, a float64 or a slice in an `any` makes Go
// allocate a copy of it for the interface to point to: one small
// allocation per value, most of what a decoded tree costs once its maps
// and lists are built at their sizes. A decoder (gocore/codec/jsonfmt,
// gocore/wire) instead copies such values into blocks shared by the
// values of one decode, and makes each interface point into a block.
//
// This is sound because an `any` is Go's own (type, pointer) pair, built
// here with the type taken from an ordinary conversion; a block element is
// written once, before its interface exists, and never again (a full block
// is dropped, not reused); and the garbage collector keeps a block alive
// while any interface points into it. The cost: one value still held keeps
// its block (at most MaxBlock values) alive.
package boxes

import "unsafe"

// MaxBlock is the most values one block holds.
const MaxBlock = 128

// eface is the layout of an `any`: its dynamic type and a pointer to the value.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// Type is the dynamic type of an `any` holding a T, for Of.Box.
type Type unsafe.Pointer

func typeOf(v any) Type { return Type((*eface)(unsafe.Pointer(&v)).typ) }

// The types the decoders box.
var (
	String  = typeOf("")
	Int64   = typeOf(int64(0))
	Float64 = typeOf(float64(0))
	List    = typeOf([]any(nil))
)

// Of hands out interfaces over values of type T copied into blocks. The
// zero value is ready to use; it is not safe for concurrent use (one
// decode has its own).
type Of[T any] struct {
	block []T
}

// Box returns x in an interface of type typ, which must be T's (String
// for string, and so on). first is the size of the first block; each
// block after it is twice the one before, up to MaxBlock, so that a small
// document does not pay for big blocks it leaves mostly empty.
func (b *Of[T]) Box(typ Type, x T, first int) any {
	if len(b.block) == cap(b.block) {
		n := max(1, min(MaxBlock, first))
		if cap(b.block) > 0 {
			n = min(MaxBlock, 2*cap(b.block))
		}
		b.block = make([]T, 0, n)
	}
	b.block = append(b.block, x)
	var v any
	e := (*eface)(unsafe.Pointer(&v))
	e.typ = unsafe.Pointer(typ)
	e.data = unsafe.Pointer(&b.block[len(b.block)-1])
	return v
}
