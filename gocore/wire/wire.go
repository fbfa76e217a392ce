// Package wire moves whole values between Go and Python in one buffer.
//
// The format is a subset of CPython's marshal format, version 2: the one
// serialization that CPython reads and writes in C at full speed, with no
// text parsing and no per-key calls. Python's marshal.loads turns an encoded
// tree into dicts and lists directly; marshal.dumps(v, 2) produces what
// Decode reads. Only these type codes are used:
//
//	N T F .        None, True, False, Ellipsis
//	i l            int32, arbitrary-precision int (15-bit digits)
//	g              float64, little-endian
//	u t a A z Z    str in its UTF-8 and ASCII forms
//	( ) [          tuple, small tuple, list
//	{ ... 0        dict, closed by the NULL code
//
// Date and time values have no marshal form. Decode accepts them as a tuple
// tagged by Ellipsis: (..., kind, year, month, day, hour, minute, second,
// microsecond, utcoffset_seconds or None), kind being "D" (offset
// datetime), "L" (local datetime), "d" (date) or "t" (time). Encode writes
// them as the same tuple without the Ellipsis and, when the tree holds any,
// wraps the result as (tree, [path, ...]) listing where they are, so Python
// converts just those instead of walking the whole tree. A tree never holds
// a tuple otherwise.
package wire

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/boxes"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// Kinds of date and time values, as written in the tagged tuple.
const (
	KindOffsetDateTime = "D"
	KindLocalDateTime  = "L"
	KindLocalDate      = "d"
	KindLocalTime      = "t"
)

// ---------------------------------------------------------------- encoding

type encoder struct {
	buf    []byte
	fixups [][]any   // paths (string keys, int indexes) of date/time values
	path   []seg     // where the encoder is, for fixups
	tagged bool      // write dates as Decode reads them, with no fixup list
	shared bool      // share repeated keys (EncodeShared)
	seen   int       // map keys written so far
	keys   *keyTable // the keys that may be shared, once seen > plainKeys
	spare  *keyTable // a table to use (reset) rather than allocate one
}

// seg is one step of the encoder's path: a key, or an index when idx >= 0.
// A []any path boxed every key and index (an allocation per map entry);
// the path is only turned into values for the rare fixup.
type seg struct {
	key string
	idx int
}

// plainKeys is how many keys a shared encoding writes plainly before it
// starts sharing: below it, looking keys up costs more than marshal.loads
// saves, so tiny trees are encoded exactly as by Encode. Measured on
// bench/gen.py documents of 1.6, 5, 8 and 24 kB (Go encoding with the
// pooled table, then marshal.loads): from 16 keys on, sharing saved
// marshal.loads 0.5 to 2 µs and cost the encoder no measurable time; 64,
// chosen before the table was pooled, left that saving unused below it.
const plainKeys = 16

// keyTable remembers recent keys (and short string values) and their
// back-reference numbers, in a fixed table indexed by the string's hash
// where a newer string replaces an older one. A map would remember every
// string, but inserting each distinct one (service names, say) cost more
// than sharing saved; a string pushed out of the table is just written
// again, as a new entry of marshal's table.
type keyTable struct {
	seed  maphash.Seed
	slots [keySlots]keySlot
	next  uint32   // the number the next flagged string gets
	used  []uint16 // the slots filled, for reset
}

type keySlot struct {
	key string
	ref uint32
	set bool
}

// reset empties a used table for another encoding. Clearing costs what
// zeroing a new one would, but no allocation; and a pooled table must not
// hold keys, which would keep the blocks of a freed tree's strings alive.
func (t *keyTable) reset() {
	if len(t.used) > keySlots/8 {
		clear(t.slots[:])
	} else {
		for _, i := range t.used {
			t.slots[i] = keySlot{}
		}
	}
	t.used = t.used[:0]
	t.next = 0
}

// keySlots is the size of the table; shareMaxLen is the longest string
// value shared (keys of any length are).
const (
	keySlots    = 4096
	shareMaxLen = 64
)

// Marshal's back-references: a type code with flagRef set adds the object
// it reads to the reader's table; typeRef and a 32-bit index name an entry
// of that table.
const (
	flagRef = 0x80
	typeRef = 'r'
)

// AppendScalar appends the encoding of a null, bool, int, float or string
// to dst. ok is false, and dst unchanged, for any other value: the caller
// falls back to Encode. It spares single-value reads an allocation.
func AppendScalar(dst []byte, v any) (out []byte, ok bool) {
	e := encoder{buf: dst}
	switch v.(type) {
	case nil, bool, int64, float64, string:
		_ = e.value(v) // cannot fail for these types
		return e.buf, true
	}
	return dst, false
}

// EncodeTagged writes v in the form Decode reads back: date/time values as
// Ellipsis-tagged tuples and no fixup list. It is the storage form (the
// database keeps configs in it): Decode(EncodeTagged(v)) equals v, except
// that times keep microseconds, as Python's do.
func EncodeTagged(v any) ([]byte, error) {
	e := encoder{buf: make([]byte, 0, 256), tagged: true}
	if err := e.value(v); err != nil {
		return nil, err
	}
	return e.buf, nil
}

// Encode writes v in the wire format.
func Encode(v any) ([]byte, error) {
	return encode(v, false)
}

// EncodeShared is Encode for whole trees that Python turns into dicts: each
// distinct map key is written once, and every later use of it as a
// back-reference (marshal's FLAG_REF and TYPE_REF, read by every CPython
// since 3.4). marshal.loads then builds one str per distinct key and the
// dicts share them, as json.loads' dicts do: in a tree where keys repeat
// (lists of tables, services of the same shape) that halves the time of
// marshal.loads and the memory of the dicts. Decode does not read
// back-references: what it reads comes from marshal.dumps(v, 2).
func EncodeShared(v any) ([]byte, error) {
	return encode(v, true)
}

// EncodeSharedWith is EncodeShared that hands the encoding to use, which
// must not keep it, and then reuses its memory for the next encoding: a
// whole tree that is copied out at once (to the C caller's buffer) then
// costs no allocation of its size, nor the copies of a buffer growing to
// it, nor the garbage collections that this much garbage brings on (each
// of which scans every live tree).
func EncodeSharedWith(v any, use func([]byte) error) error {
	sc, _ := scratches.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	e := encoder{buf: sc.buf[:0], shared: true, spare: sc.keys}
	b, err := e.encode(v)
	if err == nil {
		err = use(b)
	}
	if cap(e.buf) <= maxPooledBuf {
		if e.keys != nil {
			e.keys.reset()
			sc.keys = e.keys
		}
		sc.buf = e.buf[:0]
		scratches.Put(sc)
	}
	return err
}

// scratch is what EncodeSharedWith keeps between encodings: the buffer
// and the key table (96 KiB, which a fresh encoder would allocate and
// zero; reset clears only the slots used). Pooled scratches are dropped at the second garbage collection
// that finds them unused (sync.Pool), and one whose buffer grew past
// maxPooledBuf is not kept: an export of a huge tree does not pin its size
// in memory.
type scratch struct {
	buf  []byte
	keys *keyTable
}

var scratches sync.Pool

const maxPooledBuf = 16 << 20

func encode(v any, shared bool) ([]byte, error) {
	e := encoder{buf: make([]byte, 0, 256), shared: shared}
	return e.encode(v)
}

// encode writes v after what e.buf holds (nothing), keeping e.buf the
// whole buffer so that its memory can be used again.
func (e *encoder) encode(v any) ([]byte, error) {
	e.buf = append(e.buf, 0, 0) // reserved for the (tree, fixups) header
	if err := e.value(v); err != nil {
		return nil, err
	}
	if len(e.fixups) == 0 {
		return e.buf[2:], nil
	}
	e.buf[0], e.buf[1] = ')', 2
	e.buf = append(e.buf, '[')
	e.buf = binary.LittleEndian.AppendUint32(e.buf, uint32(len(e.fixups)))
	for _, p := range e.fixups {
		e.tupleHeader(len(p))
		for _, seg := range p {
			switch s := seg.(type) {
			case string:
				e.str(s)
			case int:
				e.int(int64(s))
			}
		}
	}
	return e.buf, nil
}

func (e *encoder) tupleHeader(n int) {
	if n < 256 {
		e.buf = append(e.buf, ')', byte(n))
	} else {
		e.buf = append(e.buf, '(')
		e.buf = binary.LittleEndian.AppendUint32(e.buf, uint32(n))
	}
}

func (e *encoder) str(s string) { e.strFlags(s, 0) }

func (e *encoder) strFlags(s string, flags byte) {
	if len(s) < 256 && isASCII(s) {
		e.buf = append(e.buf, 'z'|flags, byte(len(s)))
	} else {
		if !utf8.ValidString(s) {
			s = surrogateEscape(s)
		}
		e.buf = append(e.buf, 'u'|flags)
		e.buf = binary.LittleEndian.AppendUint32(e.buf, uint32(len(s)))
	}
	e.buf = append(e.buf, s...)
}

// surrogateEscape is s with each byte that is not part of valid UTF-8
// written as Python's surrogateescape error handler decodes it: byte b as
// the lone surrogate U+DC00+b, in the UTF-8 form marshal reads
// ("surrogatepass"). Values are valid UTF-8 (the library refuses others);
// what may not be is a file name in an origin, which the OS gives as bytes
// (a Linux name need not be UTF-8): Python gets the str that
// os.fsdecode() makes of those bytes, the name it was given, where strict
// UTF-8 made marshal.loads, and so explain(), repr() and the notebook
// display of such a config, raise UnicodeDecodeError.
func surrogateEscape(s string) string {
	out := make([]byte, 0, len(s)+16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			cp := 0xDC00 + rune(s[i])
			out = append(out, 0xE0|byte(cp>>12), 0x80|byte(cp>>6)&0x3F, 0x80|byte(cp)&0x3F)
		} else {
			out = append(out, s[i:i+size]...)
		}
		i += size
	}
	return string(out)
}

// isASCII reports whether s is all ASCII, eight bytes at a time.
func isASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if binary.LittleEndian.Uint64([]byte(s[i:i+8]))&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// key writes a map key: as a string, or, in a shared encoding, as a
// back-reference to its first use.
func (e *encoder) key(k string) {
	if e.keys == nil {
		if e.seen++; !e.shared || e.seen <= plainKeys {
			e.str(k)
			return
		}
		t := e.spare
		if t == nil {
			t = &keyTable{seed: maphash.MakeSeed()}
		}
		e.keys = t
	}
	e.sharedStr(k)
}

// sharedStr writes s as a back-reference to its last use when the table
// remembers one, else as a string flagged for later ones.
func (e *encoder) sharedStr(s string) {
	t := e.keys
	i := maphash.String(t.seed, s) & (keySlots - 1)
	slot := &t.slots[i]
	if slot.set && slot.key == s {
		e.buf = append(e.buf, typeRef)
		e.buf = binary.LittleEndian.AppendUint32(e.buf, slot.ref)
		return
	}
	if !slot.set {
		t.used = append(t.used, uint16(i))
	}
	// Only the strings written here carry flagRef, so the reader's table
	// holds exactly these, numbered in the order they are written.
	*slot = keySlot{key: s, ref: t.next, set: true}
	t.next++
	e.strFlags(s, flagRef)
}

func (e *encoder) int(n int64) {
	if n >= math.MinInt32 && n <= math.MaxInt32 {
		e.buf = append(e.buf, 'i')
		e.buf = binary.LittleEndian.AppendUint32(e.buf, uint32(int32(n)))
		return
	}
	e.long(n)
}

// long writes 'l': a signed count of base-2**15 digits, least significant
// first, as CPython's marshal writes an int beyond 32 bits.
func (e *encoder) long(n int64) {
	neg := n < 0
	u := uint64(n)
	if neg {
		u = uint64(-(n + 1)) + 1 // magnitude, safe for MinInt64
	}
	var digits []uint16
	for u > 0 {
		digits = append(digits, uint16(u&0x7fff))
		u >>= 15
	}
	count := int32(len(digits))
	if neg {
		count = -count
	}
	e.buf = append(e.buf, 'l')
	e.buf = binary.LittleEndian.AppendUint32(e.buf, uint32(count))
	for _, d := range digits {
		e.buf = binary.LittleEndian.AppendUint16(e.buf, d)
	}
}

// bigInt writes an integer beyond int64 as 'l', the same digits as long.
func (e *encoder) bigInt(n *big.Int) {
	mag := new(big.Int).Abs(n)
	words := (mag.BitLen() + 14) / 15
	count := int32(words)
	if n.Sign() < 0 {
		count = -count
	}
	e.buf = append(e.buf, 'l')
	e.buf = binary.LittleEndian.AppendUint32(e.buf, uint32(count))
	mask := big.NewInt(0x7fff)
	d := new(big.Int)
	for i := 0; i < words; i++ {
		e.buf = binary.LittleEndian.AppendUint16(e.buf, uint16(d.And(mag, mask).Uint64()))
		mag.Rsh(mag, 15)
	}
}

func (e *encoder) when(kind string, y, mo, d, h, mi, s, ns int, offset *int) {
	if e.tagged {
		e.tupleHeader(10)
		e.buf = append(e.buf, '.')
	} else {
		p := make([]any, len(e.path))
		for i, s := range e.path {
			if s.idx >= 0 {
				p[i] = s.idx
			} else {
				p[i] = s.key
			}
		}
		e.fixups = append(e.fixups, p)
		e.tupleHeader(9)
	}
	e.str(kind)
	for _, n := range []int{y, mo, d, h, mi, s, ns / 1000} {
		e.int(int64(n))
	}
	if offset == nil {
		e.buf = append(e.buf, 'N')
	} else {
		e.int(int64(*offset))
	}
}

func (e *encoder) value(v any) error {
	switch v := v.(type) {
	case nil:
		e.buf = append(e.buf, 'N')
	case bool:
		if v {
			e.buf = append(e.buf, 'T')
		} else {
			e.buf = append(e.buf, 'F')
		}
	case int64:
		e.int(v)
	case *big.Int:
		e.bigInt(v)
	case float64:
		e.buf = append(e.buf, 'g')
		e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v))
	case string:
		// Values repeat too (a method, a region, a health path in every
		// service): once keys are shared, a short value is shared the
		// same way, and marshal.loads makes one str for all its uses.
		if e.keys != nil && len(v) <= shareMaxLen {
			e.sharedStr(v)
		} else {
			e.str(v)
		}
	case time.Time:
		_, off := v.Zone()
		e.when(KindOffsetDateTime, v.Year(), int(v.Month()), v.Day(), v.Hour(), v.Minute(), v.Second(), v.Nanosecond(), &off)
	case value.LocalDateTime:
		d, t := v.Date, v.Time
		e.when(KindLocalDateTime, d.Year, d.Month, d.Day, t.Hour, t.Minute, t.Second, t.Nanosecond, nil)
	case value.LocalDate:
		e.when(KindLocalDate, v.Year, v.Month, v.Day, 0, 0, 0, 0, nil)
	case value.LocalTime:
		e.when(KindLocalTime, 0, 0, 0, v.Hour, v.Minute, v.Second, v.Nanosecond, nil)
	case []any:
		e.buf = append(e.buf, '[')
		e.buf = binary.LittleEndian.AppendUint32(e.buf, uint32(len(v)))
		for i, item := range v {
			e.path = append(e.path, seg{idx: i})
			err := e.value(item)
			e.path = e.path[:len(e.path)-1]
			if err != nil {
				return err
			}
		}
	case *value.Map:
		e.buf = append(e.buf, '{')
		var err error
		v.Range(func(k string, item any) bool {
			e.key(k)
			e.path = append(e.path, seg{key: k, idx: -1})
			err = e.value(item)
			e.path = e.path[:len(e.path)-1]
			return err == nil
		})
		if err != nil {
			return err
		}
		e.buf = append(e.buf, '0')
	default:
		return fmt.Errorf("wire: cannot encode %T: %w", v, errs.ErrInternal)
	}
	return nil
}

// ---------------------------------------------------------------- decoding

type decoder struct {
	data  []byte
	pos   int
	depth int
	// The entries of the maps being decoded, innermost last: the format
	// does not say how many entries a map has, so they are collected here
	// and the map is made once, at its size, by maps (carved from blocks
	// shared by the maps of one Decode).
	pending []value.Entry
	*blocks
}

// blocks are what the decoded values are carved from (box.go), apart from
// the decoder: the compiler's escape analysis does not tell one field
// from another, and these hand out memory that outlives the call, which
// would move the decoder's stack scratch space to the heap with them.
type blocks struct {
	// at is where an error was found, innermost step first: each map and
	// list adds its step as the error passes through it, so a value that
	// decodes costs no path-keeping (a list's indexes were formatted for
	// every item), and Decode names the whole path (see located). It is
	// here for the same reason as the blocks.
	at []seg

	maps      value.Maker
	whole     string // the buffer, for a small one's strings (see keep)
	strs      strings.Builder
	lists     []any
	strBoxes  boxes.Of[string]
	intBoxes  boxes.Of[int64]
	fltBoxes  boxes.Of[float64]
	listBoxes boxes.Of[[]any]
}

// ellipsis marks a tagged date/time tuple while decoding.
type ellipsis struct{}

// Decode reads one value. Strings must be valid UTF-8 (a Python str with a
// lone surrogate arrives as invalid UTF-8); keys and string values may
// hold NUL (store.CheckKey); integers beyond int64 become *big.Int, up to
// value.MaxIntDigits digits; anything else than the types above is
// refused, naming its path.
func Decode(data []byte) (any, error) { return decode(data, 0) }

// DecodeWrapped is Decode for a container that is no level of nesting of
// the values it holds: the list of documents of gocfg_dump_all, the state
// map of a pickled config. Each value in it may nest as deep as a config
// may (a config at the depth bound could not be written as a stream,
// shown by the command line, which writes through one, or unpickled).
func DecodeWrapped(data []byte) (any, error) { return decode(data, -1) }

func decode(data []byte, depth int) (any, error) {
	var (
		scratch [16]value.Entry // on the stack: most documents' maps fit
		b       blocks
	)
	d := decoder{data: data, pending: scratch[:0], blocks: &b, depth: depth}
	b.maps.Expect(firstBlock(len(data), perMap, math.MaxInt), firstBlock(len(data), perEntry, math.MaxInt))
	v, err := d.value()
	if err != nil {
		return nil, d.located(err)
	}
	if _, ok := v.(ellipsis); ok {
		return nil, d.typeErr("Ellipsis")
	}
	if d.pos != len(d.data) {
		return nil, d.corrupt(fmt.Sprintf("%d trailing bytes", len(d.data)-d.pos))
	}
	return v, nil
}

// located names in err, the decoder's own error, the path where it was
// found.
func (d *decoder) located(err error) error {
	if e, ok := err.(*errs.Located); ok && len(d.at) > 0 {
		segs := make([]string, len(d.at))
		for i, p := range d.at {
			s := p.key
			if p.idx >= 0 {
				s = strconv.Itoa(p.idx)
			}
			segs[len(segs)-1-i] = s
		}
		e.Path = value.JoinPath(segs...)
	}
	return err
}

// fail passes err on from inside the step of a map or list.
func (d *decoder) fail(step seg, err error) error {
	d.at = append(d.at, step)
	return err
}

// The errors of the decoder are made where it is, and named by Decode
// (located) once they have reached the top.

func (d *decoder) corrupt(why string) error {
	return &errs.Located{Kind: errs.ErrInvalidArgument, Msg: "malformed value buffer: " + why}
}

func (d *decoder) typeErr(typ string) error {
	return &errs.Located{Kind: errs.ErrTypeMismatch, Msg: fmt.Sprintf("cannot store a value of type '%s' (a config holds None, bool, int, float, str, date/time, list and dict)", typ)}
}

func (d *decoder) invalid(msg string) error {
	return &errs.Located{Kind: errs.ErrInvalidArgument, Msg: msg}
}

func (d *decoder) take(n int) ([]byte, error) {
	if n < 0 || len(d.data)-d.pos < n {
		return nil, d.corrupt("truncated")
	}
	b := d.data[d.pos : d.pos+n]
	d.pos += n
	return b, nil
}

func (d *decoder) u32() (int, error) {
	b, err := d.take(4)
	if err != nil {
		return 0, err
	}
	return int(int32(binary.LittleEndian.Uint32(b))), nil
}

func (d *decoder) text(n int, what string) (string, error) {
	b, err := d.take(n)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		for i := 0; i < len(b); {
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				return "", d.invalid(fmt.Sprintf("%s is not valid UTF-8 (a lone surrogate?) at byte %d", what, i))
			}
			i += size
		}
	}
	return d.keep(b), nil
}

func (d *decoder) str(code byte, what string) (string, error) {
	switch code {
	case 'u', 't', 'a', 'A':
		n, err := d.u32()
		if err != nil {
			return "", err
		}
		return d.text(n, what)
	case 'z', 'Z':
		b, err := d.take(1)
		if err != nil {
			return "", err
		}
		return d.text(int(b[0]), what)
	}
	return "", d.corrupt("not a string")
}

func (d *decoder) value() (any, error) {
	b, err := d.take(1)
	if err != nil {
		return nil, err
	}
	code := b[0]
	if code&0x80 != 0 {
		return nil, d.corrupt("reference flags are not used (encode with marshal version 2)")
	}
	switch code {
	case 'N':
		return nil, nil
	case 'T':
		return true, nil
	case 'F':
		return false, nil
	case '.':
		return ellipsis{}, nil
	case 'i':
		n, err := d.u32()
		if err != nil || (n >= 0 && n < 256) {
			return int64(n), err // Go boxes 0-255 without allocating
		}
		return d.intBoxes.Box(boxes.Int64, int64(n), firstBlock(len(d.data), perInt, boxes.MaxBlock)), nil
	case 'l':
		return d.long()
	case 'g':
		b, err := d.take(8)
		if err != nil {
			return nil, err
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(b))
		return d.fltBoxes.Box(boxes.Float64, f, firstBlock(len(d.data), perFloat, boxes.MaxBlock)), nil
	case 'u', 't', 'a', 'A', 'z', 'Z':
		s, err := d.str(code, "string")
		if err != nil {
			return nil, err
		}
		return d.strBoxes.Box(boxes.String, s, firstBlock(len(d.data), perString, boxes.MaxBlock)), nil
	case '[', '(', ')':
		var n int
		if code == ')' {
			b, err := d.take(1)
			if err != nil {
				return nil, err
			}
			n = int(b[0])
		} else if n, err = d.u32(); err != nil {
			return nil, err
		}
		return d.sequence(n, code != '[')
	case '{':
		return d.dict()
	case 's':
		return nil, d.typeErr("bytes")
	case '<', '>':
		return nil, d.typeErr("set")
	case 'y', 'x':
		return nil, d.typeErr("complex")
	case 'S':
		return nil, d.typeErr("StopIteration")
	case 'c':
		return nil, d.typeErr("code")
	}
	return nil, d.corrupt(fmt.Sprintf("unknown type code %q", code))
}

func (d *decoder) long() (any, error) {
	count, err := d.u32()
	if err != nil {
		return nil, err
	}
	neg := count < 0
	if neg {
		count = -count
	}
	if count > 960 { // 960 digits of 15 bits are beyond value.MaxIntDigits
		return nil, d.invalid(fmt.Sprintf("integer of more than %d digits (Python's own limit for int to str)", value.MaxIntDigits))
	}
	b, err := d.take(2 * count)
	if err != nil {
		return nil, err
	}
	mag := new(big.Int)
	for i := count - 1; i >= 0; i-- {
		mag.Lsh(mag, 15)
		mag.Or(mag, big.NewInt(int64(binary.LittleEndian.Uint16(b[2*i:]))))
	}
	if neg {
		mag.Neg(mag)
	}
	if value.IntTooLong(mag) {
		return nil, d.invalid(fmt.Sprintf("integer of more than %d digits (Python's own limit for int to str)", value.MaxIntDigits))
	}
	return value.Int(mag), nil
}

func (d *decoder) enter() error {
	d.depth++
	if d.depth > value.MaxDepth {
		return d.invalid(fmt.Sprintf("nested more than %d levels deep", value.MaxDepth))
	}
	return nil
}

func (d *decoder) sequence(n int, tuple bool) (any, error) {
	if n < 0 || n > len(d.data)-d.pos {
		return nil, d.corrupt("bad sequence length")
	}
	// A date or time is a tagged tuple, no level of the config: a date
	// under 1000 keys is as deep as a config may be. A tuple that is not
	// one is a list, checked as one below.
	d.depth++
	defer func() { d.depth-- }()
	if limit := value.MaxDepth; d.depth > limit && !(tuple && d.depth == limit+1) {
		return nil, d.invalid(fmt.Sprintf("nested more than %d levels deep", value.MaxDepth))
	}
	var items []any
	if tuple {
		items = make([]any, n) // a date/time, not kept as it is
	} else {
		items = d.list(n)
	}
	for i := range items {
		v, err := d.value()
		if err != nil {
			return nil, d.fail(seg{idx: i}, err)
		}
		items[i] = v
	}
	if tuple && n > 0 {
		if _, ok := items[0].(ellipsis); ok {
			return d.when(items)
		}
	}
	if d.depth > value.MaxDepth {
		return nil, d.invalid(fmt.Sprintf("nested more than %d levels deep", value.MaxDepth))
	}
	for i, v := range items {
		if _, ok := v.(ellipsis); ok {
			return nil, d.fail(seg{idx: i}, d.typeErr("Ellipsis"))
		}
	}
	return d.listBoxes.Box(boxes.List, items, firstBlock(len(d.data), perList, boxes.MaxBlock)), nil
}

func (d *decoder) when(items []any) (any, error) {
	bad := d.corrupt("malformed date/time tuple")
	if len(items) != 10 {
		return nil, bad
	}
	kind, ok := items[1].(string)
	if !ok {
		return nil, bad
	}
	var n [7]int
	for i := range n {
		v, ok := items[2+i].(int64)
		if !ok {
			return nil, bad
		}
		n[i] = int(v)
	}
	probe := time.Date(n[0], time.Month(n[1]), n[2], 0, 0, 0, 0, time.UTC)
	if kind != KindLocalTime && (n[0] < 1 || n[0] > 9999 || probe.Month() != time.Month(n[1]) || probe.Day() != n[2]) {
		return nil, d.invalid(fmt.Sprintf("invalid date %04d-%02d-%02d", n[0], n[1], n[2]))
	}
	if n[3] < 0 || n[3] > 23 || n[4] < 0 || n[4] > 59 || n[5] < 0 || n[5] > 59 || n[6] < 0 || n[6] > 999999 {
		return nil, d.invalid(fmt.Sprintf("invalid time %02d:%02d:%02d.%06d", n[3], n[4], n[5], n[6]))
	}
	date := value.LocalDate{Year: n[0], Month: n[1], Day: n[2]}
	clock := value.LocalTime{Hour: n[3], Minute: n[4], Second: n[5], Nanosecond: n[6] * 1000}
	switch kind {
	case KindLocalDate:
		return date, nil
	case KindLocalTime:
		return clock, nil
	case KindLocalDateTime:
		return value.LocalDateTime{Date: date, Time: clock}, nil
	case KindOffsetDateTime:
		off, ok := items[9].(int64)
		if !ok {
			return nil, bad
		}
		return time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], n[6]*1000, time.FixedZone("", int(off))), nil
	}
	return nil, bad
}

func (d *decoder) dict() (any, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	defer func() { d.depth-- }()
	mark := len(d.pending)
	defer func() {
		clear(d.pending[mark:]) // keep no value alive through the scratch space
		d.pending = d.pending[:mark]
	}()
	for {
		b, err := d.take(1)
		if err != nil {
			return nil, err
		}
		code := b[0]
		if code == '0' {
			// A key given twice keeps its first place and takes its last
			// value, as Set one by one made it.
			return d.maps.Make(d.pending[mark:]), nil
		}
		var key string
		switch code {
		case 'u', 't', 'a', 'A', 'z', 'Z':
			if key, err = d.str(code, "key"); err != nil {
				return nil, err
			}
		default:
			d.pos--
			k, err := d.value()
			if err != nil {
				return nil, err
			}
			return nil, &errs.Located{Kind: errs.ErrTypeMismatch,
				Msg: fmt.Sprintf("keys must be str, not %s (%v)", goTypeName(k), k)}
		}
		v, err := d.value()
		if err == nil {
			if _, ok := v.(ellipsis); ok {
				err = d.typeErr("Ellipsis")
			}
		}
		if err != nil {
			return nil, d.fail(seg{key: key, idx: -1}, err)
		}
		d.push(value.Entry{Key: key, Val: v})
	}
}

// push adds e to pending. Not append: the compiler's escape analysis
// takes `d.pending = append(d.pending, ...)` for a store of d's own
// memory to the heap, which moved the scratch space of every Decode to
// the heap (512 bytes a call); a reslice of a field to itself and a
// store of a new array are not.
func (d *decoder) push(e value.Entry) {
	if len(d.pending) == cap(d.pending) {
		d.pending = grown(d.pending)
	}
	d.pending = d.pending[:len(d.pending)+1]
	d.pending[len(d.pending)-1] = e
}

func grown(s []value.Entry) []value.Entry {
	n := make([]value.Entry, len(s), 2*cap(s)+16)
	copy(n, s)
	return n
}

func goTypeName(v any) string {
	switch v.(type) {
	case int64:
		return "int"
	case float64:
		return "float"
	case bool:
		return "bool"
	case nil:
		return "None"
	case []any:
		return "tuple"
	}
	return fmt.Sprintf("%T", v)
}
