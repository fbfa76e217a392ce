package wire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"math/big"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// python runs CPython's marshal on the encoded bytes, so the format is
// checked against the real reader rather than against this package's idea
// of it.
func python(t *testing.T, script string, stdin []byte) []byte {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	return out
}

func TestEncodeReadByCPython(t *testing.T) {
	m := value.NewMap(0)
	m.Set("s", "hé✓")
	m.Set("ascii", "plain")
	m.Set("big", int64(math.MaxInt64))
	m.Set("small", int64(math.MinInt64))
	m.Set("mid", int64(-1<<40))
	m.Set("f", 1.5)
	m.Set("t", true)
	m.Set("n", nil)
	m.Set("list", []any{int64(1), "x", []any{}})
	m.Set("date", value.LocalDate{Year: 2024, Month: 2, Day: 29})
	inner := value.NewMap(0)
	inner.Set("k", "v")
	m.Set("m", inner)
	b, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	out := python(t, "import marshal,sys; print(repr(marshal.loads(sys.stdin.buffer.read())))", b)
	want := "({'s': 'hé✓', 'ascii': 'plain', 'big': 9223372036854775807, 'small': -9223372036854775808, " +
		"'mid': -1099511627776, 'f': 1.5, 't': True, 'n': None, 'list': [1, 'x', []], " +
		"'date': ('d', 2024, 2, 29, 0, 0, 0, 0, None), 'm': {'k': 'v'}}, [('date',)])\n"
	if string(out) != want {
		t.Fatalf("CPython read:\n%s\nwant:\n%s", out, want)
	}
}

// A string that is not valid UTF-8 (a file name in an origin: Linux names
// are bytes) reaches Python as os.fsdecode() makes it of those bytes; it
// made marshal.loads raise UnicodeDecodeError. Valid text is untouched.
func TestEncodeInvalidUTF8AsPythonsSurrogateEscape(t *testing.T) {
	names := []any{"q\xff.yaml", "\xc3", "ok é \xed\xa0\x80 \x80\xbf\xc0\xfe", strings.Repeat("x", 300) + "\xff", "hé✓"}
	b, err := Encode(names)
	if err != nil {
		t.Fatal(err)
	}
	script := "import marshal,os,sys; v = marshal.loads(sys.stdin.buffer.read()); " +
		"v = v[0] if isinstance(v, tuple) else v; print([os.fsencode(s).hex() for s in v])"
	out := python(t, script, b)
	var hexes []string
	for _, n := range names {
		hexes = append(hexes, "'"+hex.EncodeToString([]byte(n.(string)))+"'")
	}
	if want := "[" + strings.Join(hexes, ", ") + "]\n"; string(out) != want {
		t.Fatalf("CPython read:\n%s\nwant (the same bytes back through os.fsencode):\n%s", out, want)
	}
}

func TestDecodeWhatCPythonWrites(t *testing.T) {
	b := python(t, `import marshal,sys
v = {"a": [1, 2.5, None, True, "é", (1, 2)], "big": -2**63, "d": (..., "L", 2024, 1, 2, 3, 4, 5, 6, None)}
sys.stdout.buffer.write(marshal.dumps(v, 2))`, nil)
	v, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	m := v.(*value.Map)
	a, _ := m.Get("a")
	want := []any{int64(1), 2.5, nil, true, "é", []any{int64(1), int64(2)}}
	if !value.Equal(a, want) {
		t.Fatalf("a = %#v", a)
	}
	if big, _ := m.Get("big"); big != int64(math.MinInt64) {
		t.Fatalf("big = %v", big)
	}
	d, _ := m.Get("d")
	if d != (value.LocalDateTime{Date: value.LocalDate{Year: 2024, Month: 1, Day: 2}, Time: value.LocalTime{Hour: 3, Minute: 4, Second: 5, Nanosecond: 6000}}) {
		t.Fatalf("d = %#v", d)
	}
}

func TestDecodeRefusals(t *testing.T) {
	cases := map[string]struct {
		script string
		kind   error
		path   string
	}{
		"bytes":         {`{"a": {"b": b"x"}}`, errs.ErrTypeMismatch, "a.b"},
		"set":           {`{"a": {1}}`, errs.ErrTypeMismatch, "a"},
		"int key":       {`{1: "x"}`, errs.ErrTypeMismatch, ""},
		"huge int":      {`{"n": [10**4300]}`, errs.ErrInvalidArgument, "n.0"},
		"huge int 2":    {`{"n": -2**20000}`, errs.ErrInvalidArgument, "n"},
		"surrogate":     {`{"s": "\ud800"}`, errs.ErrInvalidArgument, "s"},
		"list of bytes": {`{"l": [1, b""]}`, errs.ErrTypeMismatch, "l.1"},
	}
	for name, c := range cases {
		b := python(t, "import marshal,sys; sys.stdout.buffer.write(marshal.dumps("+c.script+", 2))", nil)
		_, err := Decode(b)
		var loc *errs.Located
		if !errors.Is(err, c.kind) || !errors.As(err, &loc) || loc.Path != c.path {
			t.Errorf("%s: %v (path %q), want kind %v at %q", name, err, pathOf(err), c.kind, c.path)
		}
	}
}

func pathOf(err error) string {
	var loc *errs.Located
	if errors.As(err, &loc) {
		return loc.Path
	}
	return ""
}

func TestDepthLimit(t *testing.T) {
	var b []byte
	for i := 0; i < value.MaxDepth+1; i++ {
		b = append(b, '[', 1, 0, 0, 0)
	}
	b = append(b, 'N')
	if _, err := Decode(b); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("deep list: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("{z\x01ai\x01\x00\x00\x000"))
	f.Add([]byte("[\x02\x00\x00\x00NT"))
	f.Add([]byte(")\x0a.z\x01Di\x00\x00\x00\x00i\x01\x00\x00\x00i\x01\x00\x00\x00i\x00\x00\x00\x00i\x00\x00\x00\x00i\x00\x00\x00\x00i\x00\x00\x00\x00i\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := Decode(b)
		if err != nil {
			return
		}
		if _, err := Encode(v); err != nil {
			t.Fatalf("decoded %#v but cannot encode it: %v", v, err)
		}
	})
}

func TestTaggedRoundTrip(t *testing.T) {
	m := value.NewMap(0)
	m.Set("odt", time.Date(2024, 2, 29, 1, 2, 3, 4000, time.FixedZone("", -3600)))
	m.Set("ldt", value.LocalDateTime{Date: value.LocalDate{Year: 1, Month: 1, Day: 1}, Time: value.LocalTime{Hour: 23, Minute: 59, Second: 59, Nanosecond: 999999000}})
	m.Set("list", []any{value.LocalDate{Year: 2020, Month: 12, Day: 31}, value.LocalTime{Hour: 1}, nil, 1.5, int64(-7)})
	inner := value.NewMap(0)
	inner.Set("s", "x")
	m.Set("m", inner)
	b, err := EncodeTagged(m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !value.Equal(back, m) {
		t.Fatalf("round trip: %#v", back)
	}
}

// TestBigIntsWithCPython checks integers beyond int64 both ways against
// CPython's marshal: what Python writes reads as the same *big.Int, and
// what Go writes Python reads as the same int.
func TestBigIntsWithCPython(t *testing.T) {
	exprs := []string{"2**63", "-2**63-1", "2**64", "-2**64", "2**75-1", "2**75", "-(2**75)", "3**500", "-(10**4299)", "10**4300-1", "-2**63", "2**63-1", "0", "-1", "2**31", "-2**31-1"}
	script := "import marshal,sys; sys.stdout.buffer.write(marshal.dumps([" + strings.Join(exprs, ",") + "], 2))"
	v, err := Decode(python(t, script, nil))
	if err != nil {
		t.Fatal(err)
	}
	list := v.([]any)
	text := python(t, "print('\\n'.join(str(x) for x in ["+strings.Join(exprs, ",")+"]))", nil)
	want := strings.Fields(string(text))
	for i, item := range list {
		var got string
		switch n := item.(type) {
		case int64:
			got = strconv.FormatInt(n, 10)
		case *big.Int:
			if n.IsInt64() {
				t.Errorf("%s decoded as a *big.Int that fits int64", exprs[i])
			}
			got = n.String()
		default:
			t.Fatalf("%s decoded as %T", exprs[i], item)
		}
		if got != want[i] {
			t.Errorf("%s decoded as %s, want %s", exprs[i], got, want[i])
		}
	}
	// And back: Go's encoding of the same values, read by CPython, is
	// exactly the list, and marshal.dumps of it gives the same bytes.
	b, err := Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	check := "import marshal,sys; b=sys.stdin.buffer.read(); v=marshal.loads(b); " +
		"assert v == [" + strings.Join(exprs, ",") + "], v; assert marshal.dumps(v, 2) == b, 'bytes differ'; print('ok')"
	if out := python(t, check, b); string(out) != "ok\n" {
		t.Fatalf("CPython: %s", out)
	}
}

func TestNULInStringValues(t *testing.T) {
	b := python(t, `import marshal,sys; sys.stdout.buffer.write(marshal.dumps({"s": "a\0b", "l": ["\0"]}, 2))`, nil)
	v, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	m := v.(*value.Map)
	if s, _ := m.Get("s"); s != "a\x00b" {
		t.Fatalf("s = %q", s)
	}
	out, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	if got := python(t, "import marshal,sys; print(marshal.loads(sys.stdin.buffer.read()) == {'s': 'a\\0b', 'l': ['\\0']})", out); string(got) != "True\n" {
		t.Fatalf("CPython read %s", got)
	}
}
