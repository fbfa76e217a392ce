package yamlfmt

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func TestTimestampsReadableEverywhere(t *testing.T) {
	for _, doc := range []string{
		"d: !!timestamp 0000-01-01\n",
		"x: 1\nd: !!timestamp 0000-01-01T10:00:00Z\n",
		"x: 1\nd: [!!timestamp 0000-06-01 10:00:00]\n",
	} {
		_, err := Decode([]byte(doc))
		var loc *errs.Located
		if !errors.Is(err, errs.ErrParse) || !errors.As(err, &loc) || loc.Line != strings.Count(doc, "\n") || !strings.Contains(err.Error(), "year 0") {
			t.Errorf("%q: %v", doc, err)
		}
	}
	// A plain 0000-01-01 is a string (YAML 1.2 core schema), not a date.
	if doc, err := Decode([]byte("d: 0000-01-01\n")); err != nil {
		t.Errorf("plain: %v", err)
	} else if v, _ := doc.Root.Get("d"); v != "0000-01-01" {
		t.Errorf("plain = %#v", v)
	}
	doc, err := Decode([]byte("a: !!timestamp 0001-01-01\nb: !!timestamp 9999-12-31T23:59:59.123456789+23:59\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := doc.Root.Get("a"); v != (value.LocalDate{Year: 1, Month: 1, Day: 1}) {
		t.Errorf("a = %v", v)
	}
	v, _ := doc.Root.Get("b")
	if b := v.(time.Time); b.Nanosecond() != 123_456_000 || b.Year() != 9999 {
		t.Errorf("b = %v", b)
	}
}
