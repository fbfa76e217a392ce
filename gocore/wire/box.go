package wire

import "strings"

// A decoded tree is mostly small values, and Go allocates each string,
// int64 (beyond 0-255), float64 and list that it stores in an `any`, and
// each string's bytes: one small allocation per value, most of what a
// small document cost to decode (a database load: 23 allocations for a
// 250-byte config). The decoder instead copies such values into blocks
// shared by the values of one Decode (gocore/boxes), as
// gocore/codec/jsonfmt does for JSON.
// The first blocks are sized from the buffer (see firstBlock), so that
// what a value still held keeps alive stays a small multiple of it.

// firstBlock sizes a decoder's first block of boxes, list items or maps
// from the size of its buffer: about one value of the kind in per bytes
// (what the configs of bench/db_bench.py and of the service trees hold;
// a denser buffer makes more first blocks, which double), at least one,
// at most limit. A block of a fixed size would be most of what a small
// buffer costs (a single value sent by set_value, a 250-byte config).
func firstBlock(dataLen, per, limit int) int {
	return min(limit, max(1, dataLen/per))
}

// Bytes of buffer per value of each kind, for firstBlock.
const (
	perString = 32
	perInt    = 64 // ints of 0-255 need no box
	perFloat  = 64
	perList   = 128
	perItem   = 32
	perMap    = 48
	perEntry  = 12
)

// The strings of a buffer of up to strsBlock bytes are cut from one copy
// of the whole buffer (a string of it is an ordinary string), made on the
// first string: one allocation and one copy for all of them. In a bigger
// buffer, short strings are copied into blocks of strsBlock bytes, and
// longer ones get their own allocation. Either way a string still held
// keeps at most strsBlock bytes alive, and a config's strings no more than
// its buffer's size.
const (
	strsBlock  = 16 << 10
	strsMaxLen = 256
)

// keep returns a string holding a copy of b, the bytes that the decoder
// has just taken (d.data[d.pos-len(b):d.pos]).
func (d *decoder) keep(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(d.data) <= strsBlock {
		if d.whole == "" {
			d.whole = string(d.data)
		}
		return d.whole[d.pos-len(b) : d.pos]
	}
	if len(b) > strsMaxLen {
		return string(b)
	}
	if d.strs.Cap()-d.strs.Len() < len(b) {
		d.strs = strings.Builder{}
		// What is left of the buffer, from b on, holds every string to come.
		d.strs.Grow(min(strsBlock, len(d.data)-d.pos+len(b)))
	}
	at := d.strs.Len()
	d.strs.Write(b)
	return d.strs.String()[at:]
}

// listsBlock is the largest block that lists are carved from.
const listsBlock = 256

// list returns a list of n nil items (never nil itself: an empty list is
// []), carved from a block shared by the lists of one Decode: its
// capacity is its length, so an append to it moves it elsewhere.
func (d *decoder) list(n int) []any {
	if n == 0 {
		return []any{}
	}
	if n > listsBlock/4 {
		return make([]any, n)
	}
	if cap(d.lists)-len(d.lists) < n {
		size := firstBlock(len(d.data), perItem, listsBlock)
		if cap(d.lists) > 0 {
			size = min(listsBlock, 2*cap(d.lists))
		}
		d.lists = make([]any, 0, max(n, size))
	}
	at := len(d.lists)
	d.lists = d.lists[:at+n]
	return d.lists[at : at+n : at+n]
}
