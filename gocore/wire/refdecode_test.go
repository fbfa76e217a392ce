package wire

// refDecode is the decoder as it was before values were carved from
// shared blocks (box.go) and the path was built only for an error: one
// allocation per value, the path kept as text all along. It stays here as
// the oracle that Decode must agree with, value for value and error for
// error (see TestDecodeAgreesWithReference).

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"time"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

type refDecoder struct {
	data  []byte
	pos   int
	depth int
	path  []string
	// The entries of the maps being decoded, innermost last: the format
	// does not say how many entries a map has, so they are collected here
	// and the map is made once, at its size, rather than grown entry by
	// entry (four allocations for a map of eight keys).
	pending []refEntry
}

type refEntry struct {
	key string
	val any
}

// Decode reads one value. Strings must be valid UTF-8 (a Python str with a
// lone surrogate arrives as invalid UTF-8); keys and string values may
// hold NUL (store.CheckKey); integers beyond int64 become *big.Int, up to
// value.MaxIntDigits digits; anything else than the types above is
// refused, naming its path.
func refDecode(data []byte) (any, error) {
	var scratch [16]refEntry // on the stack: most documents' maps fit
	d := refDecoder{data: data, pending: scratch[:0]}
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	if _, ok := v.(ellipsis); ok {
		return nil, d.typeErr("Ellipsis")
	}
	if d.pos != len(d.data) {
		return nil, d.corrupt(fmt.Sprintf("%d trailing bytes", len(d.data)-d.pos))
	}
	return v, nil
}

func (d *refDecoder) where() string { return value.JoinPath(d.path...) }

func (d *refDecoder) corrupt(why string) error {
	return &errs.Located{Kind: errs.ErrInvalidArgument, Path: d.where(), Msg: "malformed value buffer: " + why}
}

func (d *refDecoder) typeErr(typ string) error {
	return &errs.Located{Kind: errs.ErrTypeMismatch, Path: d.where(), Msg: fmt.Sprintf("cannot store a value of type '%s' (a config holds None, bool, int, float, str, date/time, list and dict)", typ)}
}

func (d *refDecoder) invalid(msg string) error {
	return &errs.Located{Kind: errs.ErrInvalidArgument, Path: d.where(), Msg: msg}
}

func (d *refDecoder) take(n int) ([]byte, error) {
	if n < 0 || len(d.data)-d.pos < n {
		return nil, d.corrupt("truncated")
	}
	b := d.data[d.pos : d.pos+n]
	d.pos += n
	return b, nil
}

func (d *refDecoder) u32() (int, error) {
	b, err := d.take(4)
	if err != nil {
		return 0, err
	}
	return int(int32(binary.LittleEndian.Uint32(b))), nil
}

func (d *refDecoder) text(n int, what string) (string, error) {
	b, err := d.take(n)
	if err != nil {
		return "", err
	}
	s := string(b)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return "", d.invalid(fmt.Sprintf("%s is not valid UTF-8 (a lone surrogate?) at byte %d", what, i))
		}
		i += size
	}
	return s, nil
}

func (d *refDecoder) str(code byte, what string) (string, error) {
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

func (d *refDecoder) value() (any, error) {
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
		return int64(n), err
	case 'l':
		return d.long()
	case 'g':
		b, err := d.take(8)
		if err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), nil
	case 'u', 't', 'a', 'A', 'z', 'Z':
		return d.str(code, "string")
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

func (d *refDecoder) long() (any, error) {
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

func (d *refDecoder) enter() error {
	d.depth++
	if d.depth > value.MaxDepth {
		return d.invalid(fmt.Sprintf("nested more than %d levels deep", value.MaxDepth))
	}
	return nil
}

func (d *refDecoder) sequence(n int, tuple bool) (any, error) {
	if n < 0 || n > len(d.data)-d.pos {
		return nil, d.corrupt("bad sequence length")
	}
	if err := d.enter(); err != nil {
		return nil, err
	}
	defer func() { d.depth-- }()
	items := make([]any, 0, n)
	for i := 0; i < n; i++ {
		d.path = append(d.path, fmt.Sprint(i))
		v, err := d.value()
		d.path = d.path[:len(d.path)-1]
		if err != nil {
			return nil, err
		}
		items = append(items, v)
	}
	if tuple && n > 0 {
		if _, ok := items[0].(ellipsis); ok {
			return d.when(items)
		}
	}
	for i, v := range items {
		if _, ok := v.(ellipsis); ok {
			d.path = append(d.path, fmt.Sprint(i))
			err := d.typeErr("Ellipsis")
			d.path = d.path[:len(d.path)-1]
			return nil, err
		}
	}
	return items, nil
}

func (d *refDecoder) when(items []any) (any, error) {
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

func (d *refDecoder) dict() (any, error) {
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
			entries := d.pending[mark:]
			m := value.NewMap(len(entries))
			for _, e := range entries {
				m.Set(e.key, e.val) // a key given twice keeps its first place, as before
			}
			return m, nil
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
			return nil, &errs.Located{Kind: errs.ErrTypeMismatch, Path: d.where(),
				Msg: fmt.Sprintf("keys must be str, not %s (%v)", goTypeName(k), k)}
		}
		d.path = append(d.path, key)
		v, err := d.value()
		if err == nil {
			if _, ok := v.(ellipsis); ok {
				err = d.typeErr("Ellipsis")
			}
		}
		d.path = d.path[:len(d.path)-1]
		if err != nil {
			return nil, err
		}
		d.pending = append(d.pending, refEntry{key, v})
	}
}
