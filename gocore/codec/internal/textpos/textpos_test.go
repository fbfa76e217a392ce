package textpos

import (
	"errors"
	"math/big"
	"math/rand"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
)

func TestLineCol(t *testing.T) {
	data := []byte("ab\né日x\n\nz")
	cases := []struct{ off, line, col int }{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {5, 2, 2}, {8, 2, 3}, {9, 2, 4}, {10, 3, 1}, {11, 4, 1}, {12, 4, 2}, {99, 4, 2}, {-1, 1, 1},
	}
	lines := NewLines(data)
	for _, c := range cases {
		if l, col := LineCol(data, c.off); l != c.line || col != c.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", c.off, l, col, c.line, c.col)
		}
		if l, col := lines.Pos(c.off); l != c.line || col != c.col {
			t.Errorf("Lines.Pos(%d) = %d:%d, want %d:%d", c.off, l, col, c.line, c.col)
		}
	}
	// A leading byte order mark is not a column: the first line counts
	// from the text after it (the decoders place keys and their own
	// errors so; the NUL and UTF-8 checks counted the mark, one more).
	withBOM := []byte("\xEF\xBB\xBFab\ncd")
	lines = NewLines(withBOM)
	for _, c := range []struct{ off, line, col int }{{0, 1, 1}, {3, 1, 1}, {4, 1, 2}, {5, 1, 3}, {6, 2, 1}, {7, 2, 2}} {
		if l, col := LineCol(withBOM, c.off); l != c.line || col != c.col {
			t.Errorf("LineCol(BOM, %d) = %d:%d, want %d:%d", c.off, l, col, c.line, c.col)
		}
		if l, col := lines.Pos(c.off); l != c.line || col != c.col {
			t.Errorf("Lines.Pos(BOM, %d) = %d:%d, want %d:%d", c.off, l, col, c.line, c.col)
		}
	}
	r := rand.New(rand.NewSource(1))
	buf := make([]byte, 300)
	for i := 0; i < 200; i++ {
		for j := range buf {
			buf[j] = "a\né"[r.Intn(4)%3]
		}
		lines := NewLines(buf)
		for off := 0; off <= len(buf); off += 7 {
			l1, c1 := LineCol(buf, off)
			l2, c2 := lines.Pos(off)
			if l1 != l2 || c1 != c2 {
				t.Fatalf("offset %d: %d:%d vs %d:%d", off, l1, c1, l2, c2)
			}
		}
	}
}

func TestChecks(t *testing.T) {
	if InvalidUTF8([]byte("ok é")) != -1 || InvalidUTF8([]byte("ab\xffc")) != 2 {
		t.Error("InvalidUTF8")
	}
	err := CheckUTF8([]byte("a\n\xc3"))
	var loc *errs.Located
	if !errors.As(err, &loc) || !errors.Is(err, errs.ErrParse) || loc.Line != 2 || loc.Column != 1 {
		t.Errorf("CheckUTF8 = %#v", err)
	}
	if KeyProblem("fine.key é") != "" || KeyProblem("a\x00") != "" || KeyProblem("\xff") == "" ||
		PlainKeyProblem("a\x00") == "" || PlainKeyProblem("\xff") == "" || PlainKeyProblem("ok") != "" {
		t.Error("KeyProblem")
	}
	if err := TypeError("a.b", "x"); !errors.Is(err, errs.ErrTypeMismatch) {
		t.Error("TypeError kind")
	}
	if _, err := ScalarString([]any{}, "p", "INI"); !errors.Is(err, errs.ErrTypeMismatch) {
		t.Error("ScalarString list")
	}
	if s := Trim(string(make([]byte, 100))); len(s) != 63 {
		t.Errorf("Trim len %d", len(s))
	}
}

func TestScalarStringBigInt(t *testing.T) {
	n, _ := new(big.Int).SetString("-123456789012345678901234567890", 10)
	if s, err := ScalarString(n, "a", "INI"); err != nil || s != "-123456789012345678901234567890" {
		t.Errorf("ScalarString = %q, %v", s, err)
	}
}

func TestInternalError(t *testing.T) {
	err := InternalError("parsing X", "boom")
	if !errors.Is(err, errs.ErrInternal) || errors.Is(err, errs.ErrParse) || !strings.Contains(err.Error(), "boom") {
		t.Errorf("InternalError = %v", err)
	}
}

func TestCheckNotUTF16(t *testing.T) {
	for in, utf16 := range map[string]bool{
		"\xff\xfeA\x00": true, "\xfe\xff\x00A": true, "A\x00=\x00": true, "\x00[\x00s": true, "{\x00\n\x00": true,
		"{\x00": false, "A\x00B=1": false, "\x00A=1": false, "": false, "A": false, "A=1\n": false, "\xef\xbb\xbfA=1": false, "\x00\x00": false, "é=1": false, "\xff": false,
	} {
		err := CheckNotUTF16([]byte(in))
		if got := err != nil; got != utf16 {
			t.Errorf("%q: %v", in, err)
		} else if got && (!errors.Is(err, errs.ErrParse) || !strings.Contains(err.Error(), "UTF-16")) {
			t.Errorf("%q: %v", in, err)
		}
	}
}

// Text with no UTF-8 beyond ASCII is named as a one-byte encoding
// (Latin-1, Windows-1252), with what to do; a bad byte in UTF-8 text is
// damage, and only placed.
func TestUTF8ProblemNamesOneByteEncodings(t *testing.T) {
	const hint = "looks like Latin-1 or Windows-1252 text; save it as UTF-8"
	for _, c := range []struct {
		in   string
		hint bool
	}{
		{"[s]\nname = Caf\xe9\n", true},
		{"// \x93quoted\x94\n{}", true},
		{"a = \xc3\xa9\nb = Caf\xe9\n", false},
		{"a = x\xff", true},
	} {
		err := CheckUTF8([]byte(c.in))
		if err == nil || !strings.Contains(err.Error(), "invalid UTF-8 (byte") || strings.Contains(err.Error(), hint) != c.hint {
			t.Errorf("CheckUTF8(%q) = %v, hint %v", c.in, err, c.hint)
		}
	}
}
