package wire

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// Decode carves its values from shared blocks and names an error's path
// only once it has one; refDecode (refdecode_test.go) is the plain decoder
// it replaced. These tests hold them to the same answers, value for value
// and message for message, on every value kind and on broken buffers.

// sameTree reports whether a and b are the same tree, keys in the same
// order, floats bit for bit (so -0.0 and NaN count), and of the same Go
// types.
func sameTree(a, b any) bool {
	switch a := a.(type) {
	case *value.Map:
		bm, ok := b.(*value.Map)
		if !ok || a.Len() != bm.Len() {
			return false
		}
		ak, bk := a.Keys(), bm.Keys()
		for i := range ak {
			if ak[i] != bk[i] {
				return false
			}
			av, _ := a.Get(ak[i])
			bv, _ := bm.Get(bk[i])
			if !sameTree(av, bv) {
				return false
			}
		}
		return true
	case []any:
		bl, ok := b.([]any)
		if !ok || len(a) != len(bl) || (a == nil) != (bl == nil) {
			return false
		}
		for i := range a {
			if !sameTree(a[i], bl[i]) {
				return false
			}
		}
		return true
	case float64:
		bf, ok := b.(float64)
		return ok && math.Float64bits(a) == math.Float64bits(bf)
	case time.Time:
		bt, ok := b.(time.Time)
		if !ok {
			return false
		}
		_, ao := a.Zone()
		_, bo := bt.Zone()
		return a.Equal(bt) && ao == bo
	}
	return fmt.Sprintf("%T", a) == fmt.Sprintf("%T", b) && value.Equal(a, b)
}

// agree decodes b both ways and fails t unless the answers are the same.
func agree(t *testing.T, what string, b []byte) (ok bool) {
	t.Helper()
	got, err := Decode(b)
	want, werr := refDecode(b)
	switch {
	case err != nil && werr != nil:
		if comparable(err) != comparable(werr) || pathOf(err) != pathOf(werr) || !sameKind(err, werr) {
			t.Errorf("%s: error %q (path %q), reference %q (path %q)", what, err, pathOf(err), werr, pathOf(werr))
		}
		return false
	case err != nil || werr != nil:
		t.Errorf("%s: Decode gave (%v), the reference (%v)", what, err, werr)
		return false
	case !sameTree(got, want):
		t.Errorf("%s: Decode gave %#v, the reference %#v", what, got, want)
		return false
	}
	return true
}

// comparable is err's message without what differs from one run to the
// next: a key that is a map or list is shown with %v, which prints the
// addresses of the maps inside it (and whether a map has built its index).
func comparable(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "keys must be str, not "); i >= 0 {
		if j := strings.Index(msg[i:], " ("); j >= 0 {
			return msg[:i+j]
		}
	}
	return msg
}

func sameKind(a, b error) bool {
	for _, k := range []error{errs.ErrInvalidArgument, errs.ErrTypeMismatch, errs.ErrInternal} {
		if errors.Is(a, k) != errors.Is(b, k) {
			return false
		}
	}
	return true
}

// kindsTree holds a value of every kind the format carries, at the
// edges where the decoder changes how it keeps them.
func kindsTree() *value.Map {
	m := value.NewMap(0)
	m.Set("none", nil)
	m.Set("t", true)
	m.Set("f", false)
	for _, n := range []int64{0, 1, 255, 256, -1, -256, math.MaxInt32, math.MinInt32, math.MaxInt32 + 1, math.MaxInt64, math.MinInt64} {
		m.Set(fmt.Sprintf("int %d", n), n)
	}
	big1, _ := new(big.Int).SetString("-123456789012345678901234567890", 10)
	m.Set("big", big1)
	for i, f := range []float64{0, math.Copysign(0, -1), 0.14, -1e300, math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64} {
		m.Set(fmt.Sprintf("float %d", i), f)
	}
	m.Set("", "empty key")
	m.Set("empty", "")
	m.Set("ascii", "plain")
	m.Set("utf-8", "héllo ✓ 𝄞")
	m.Set("nul\x00key", "nul\x00value")
	m.Set("long", strings.Repeat("x", strsMaxLen+1))
	m.Set("just short", strings.Repeat("y", strsMaxLen))
	m.Set(strings.Repeat("k", 300), "long key")
	m.Set("empty list", []any{})
	m.Set("empty map", value.NewMap(0))
	long := make([]any, listsBlock/4+1)
	for i := range long {
		long[i] = int64(i * 1000)
	}
	m.Set("long list", long)
	m.Set("nested", []any{[]any{[]any{"deep"}}, []any{}, value.NewMap(0)})
	wide := value.NewMap(0)
	for i := 0; i < 20; i++ {
		wide.Set(fmt.Sprintf("k%02d", i), float64(i)/3)
	}
	m.Set("wide", wide)
	m.Set("odt", time.Date(2024, 2, 29, 1, 2, 3, 4000, time.FixedZone("", -3600)))
	m.Set("ldt", value.LocalDateTime{Date: value.LocalDate{Year: 1, Month: 1, Day: 1}, Time: value.LocalTime{Hour: 23, Minute: 59, Second: 59, Nanosecond: 999999000}})
	m.Set("dates", []any{value.LocalDate{Year: 9999, Month: 12, Day: 31}, value.LocalTime{Hour: 1}})
	return m
}

func mustTagged(t *testing.T, v any) []byte {
	t.Helper()
	b, err := EncodeTagged(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// handMade are buffers EncodeTagged does not write but CPython's marshal
// (or a damaged file) may: every string code, tuples, a repeated key.
func handMade() map[string][]byte {
	return map[string][]byte{
		"string codes": []byte("[\x06\x00\x00\x00" + "u\x02\x00\x00\x00hi" + "t\x01\x00\x00\x00t" + "a\x01\x00\x00\x00a" +
			"A\x01\x00\x00\x00A" + "z\x01z" + "Z\x00"),
		"tuple":              []byte("(\x02\x00\x00\x00NT"),
		"small tuple":        []byte(")\x02i\x05\x00\x00\x00g\x00\x00\x00\x00\x00\x00\xf0\x3f"),
		"empty tuple":        []byte(")\x00"),
		"repeated key":       []byte("{z\x01ai\x01\x00\x00\x00z\x01bNz\x01ai\x02\x00\x00\x000"),
		"repeated key, wide": []byte("{" + strings.Repeat("z\x01aN", 12) + "z\x01bT" + "0"),
		"key codes":          []byte("{u\x01\x00\x00\x00aNt\x01\x00\x00\x00bNA\x01\x00\x00\x00cNZ\x01dN0"),
	}
}

func TestDecodeAgreesWithReference(t *testing.T) {
	cases := map[string][]byte{
		"kinds":        mustTagged(t, kindsTree()),
		"small config": mustTagged(t, smallConfig()),
		"services 1":   mustTagged(t, serviceTree(1)),
		"services 40":  mustTagged(t, serviceTree(40)), // > strsBlock: more than one block of each kind
		"scalar":       mustTagged(t, "just a string"),
		"int":          mustTagged(t, int64(70000)),
		"float":        mustTagged(t, 2.5),
		"list":         mustTagged(t, []any{"a", int64(300), 1.5}),
	}
	for name, b := range handMade() {
		cases[name] = b
	}
	for name, b := range cases {
		if !agree(t, name, b) {
			t.Errorf("%s: does not decode", name)
		}
	}
}

// TestDecodeAgreesOnDamage breaks the buffers of TestDecodeAgreesWithReference
// every way a byte can: cut short at every length, each byte replaced by
// values that change its meaning, and counts made huge or negative.
func TestDecodeAgreesOnDamage(t *testing.T) {
	cases := map[string][]byte{
		"kinds":        mustTagged(t, kindsTree()),
		"small config": mustTagged(t, smallConfig()),
	}
	for name, b := range handMade() {
		cases[name] = b
	}
	subs := []byte{0, 1, 0x7f, 0x80, 0xff, '{', '[', '(', ')', '0', 'N', '.', 'i', 'l', 'g', 'z', 'u', 's', 'z' | 0x80}
	for name, b := range cases {
		for n := 0; n < len(b); n++ {
			agree(t, fmt.Sprintf("%s cut to %d bytes", name, n), b[:n])
		}
		agree(t, name+" with a trailing byte", append(append([]byte{}, b...), 'N'))
		for i := range b {
			for _, c := range subs {
				if b[i] == c {
					continue
				}
				bad := append([]byte{}, b...)
				bad[i] = c
				agree(t, fmt.Sprintf("%s with byte %d = %#x", name, i, c), bad)
			}
		}
		// Every 4-byte little-endian count or length, made huge, negative
		// or one more than it was.
		for i := 0; i+4 <= len(b); i++ {
			for _, v := range []uint32{0x7fffffff, 0x80000000, 0xffffffff, uint32(b[i]) + 1} {
				bad := append([]byte{}, b...)
				bad[i], bad[i+1], bad[i+2], bad[i+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
				agree(t, fmt.Sprintf("%s with %#x at %d", name, v, i), bad)
			}
		}
	}
}

func TestDecodeAgreesOnText(t *testing.T) {
	for _, s := range []string{"\xff", "ok\xc3", "\xed\xa0\x80", "a\xe2\x82", "\xf4\x90\x80\x80", "fine ✓"} {
		for _, blob := range [][]byte{
			[]byte("{z" + string(rune(len(s))) + s + "N0"),                        // a key
			[]byte("{z\x01az" + string(rune(len(s))) + s + "0"),                   // a value
			[]byte("{z\x01l[\x02\x00\x00\x00Nz" + string(rune(len(s))) + s + "0"), // in a list
		} {
			agree(t, fmt.Sprintf("%q", blob), blob)
		}
	}
}

func TestDecodeAgreesOnNesting(t *testing.T) {
	for _, depth := range []int{1, 2, value.MaxDepth - 1, value.MaxDepth, value.MaxDepth + 1, 3 * value.MaxDepth} {
		var lists, maps, mixed []byte
		for i := 0; i < depth; i++ {
			lists = append(lists, '[', 1, 0, 0, 0)
			maps = append(maps, '{', 'z', 1, 'k')
			if i%2 == 0 {
				mixed = append(mixed, '[', 2, 0, 0, 0, 'N')
			} else {
				mixed = append(mixed, '{', 'z', 2, 'k', byte('0'+i%10))
			}
		}
		lists = append(lists, 'N')
		maps = append(maps, 'N')
		mixed = append(mixed, 'g', 0, 0, 0, 0, 0, 0, 0xf8, 0x7f) // a NaN at the bottom
		for i := depth - 1; i >= 0; i-- {
			maps = append(maps, '0')
			if i%2 == 1 {
				mixed = append(mixed, '0')
			}
		}
		agree(t, fmt.Sprintf("lists %d deep", depth), lists)
		agree(t, fmt.Sprintf("maps %d deep", depth), maps)
		agree(t, fmt.Sprintf("mixed %d deep", depth), mixed)
		// The deepest value refused, to see the whole path named.
		bad := append(append([]byte{}, mixed[:len(mixed)-depth/2-9]...), 's', 0, 0, 0, 0)
		agree(t, fmt.Sprintf("mixed %d deep, bytes at the bottom", depth), bad)
	}
}

// A decoded list or map shares its block with others; growing one must
// leave the others alone.
func TestDecodedContainersGrowApart(t *testing.T) {
	v, err := Decode(mustTagged(t, []any{[]any{"a", "b"}, []any{"c", "d"}, value.NewMap(0), value.NewMap(0)}))
	if err != nil {
		t.Fatal(err)
	}
	top := v.([]any)
	first := append(top[0].([]any), "x")
	first[0] = "changed"
	m := top[2].(*value.Map)
	m.Set("new", int64(1))
	for i, w := range []any{[]any{"a", "b"}, []any{"c", "d"}} {
		if !sameTree(top[i], w) {
			t.Errorf("item %d: %#v, want %#v", i, top[i], w)
		}
	}
	if top[3].(*value.Map).Len() != 0 {
		t.Errorf("a map next to a changed one holds %v", top[3].(*value.Map).Keys())
	}
	if first[2] != "x" || top[0].([]any)[0] != "a" {
		t.Errorf("append to a decoded list wrote into its block: %#v", top)
	}
}

func FuzzDecodeAgrees(f *testing.F) {
	f.Add(mustTaggedF(f, smallConfig()))
	f.Add(mustTaggedF(f, kindsTree()))
	for _, b := range handMade() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) { agree(t, fmt.Sprintf("%q", b), b) })
}

func mustTaggedF(f *testing.F, v any) []byte {
	b, err := EncodeTagged(v)
	if err != nil {
		f.Fatal(err)
	}
	return b
}
