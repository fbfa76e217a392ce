package tomlfmt

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func TestDatesReadableEverywhere(t *testing.T) {
	refused := map[string]string{
		"d = 0000-01-01\n":                 "year 0",
		"x = 1\nd = 0000-12-31T10:00:00\n": "year 0",
		"d = 0000-01-01T00:00:00Z\n":       "year 0",
		"d = [0000-01-01]\n":               "year 0",
	}
	for doc, want := range refused {
		_, err := Decode([]byte(doc))
		var loc *errs.Located
		if !errors.Is(err, errs.ErrParse) || !errors.As(err, &loc) || loc.Line != strings.Count(doc, "\n") || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v", doc, err)
		}
	}
	doc, err := Decode([]byte(`
a = 0001-01-01
b = 9999-12-31T23:59:59.999999999-23:59
c = 00:00:00.123456789
d = 1979-05-27T00:32:00.0000009
`))
	if err != nil {
		t.Fatal(err)
	}
	get := func(k string) any { v, _ := doc.Root.Get(k); return v }
	if get("a") != (value.LocalDate{Year: 1, Month: 1, Day: 1}) {
		t.Errorf("a = %v", get("a"))
	}
	b := get("b").(time.Time)
	if _, off := b.Zone(); b.Year() != 9999 || b.Nanosecond() != 999_999_000 || off != -(23*3600+59*60) {
		t.Errorf("b = %v", b)
	}
	if get("c") != (value.LocalTime{Nanosecond: 123_456_000}) {
		t.Errorf("c = %v (digits beyond the microsecond are dropped)", get("c"))
	}
	if d := get("d").(value.LocalDateTime); d.Time.Nanosecond != 0 {
		t.Errorf("d = %v", d)
	}
}
