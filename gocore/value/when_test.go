package value

import (
	"strings"
	"testing"
	"time"
)

func TestCheckTimeBoundaries(t *testing.T) {
	zone := func(sec int) *time.Location { return time.FixedZone("", sec) }
	ok := []any{
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_000, time.UTC),
		time.Date(2024, 2, 29, 12, 0, 0, 0, zone(MaxOffsetSeconds)),
		time.Date(2024, 2, 29, 12, 0, 0, 0, zone(-MaxOffsetSeconds)),
		time.Date(1, 1, 1, 0, 0, 0, 0, zone(3600)), // the instant is in year 0: Python keeps it
		LocalDate{1, 1, 1}, LocalDate{9999, 12, 31}, LocalDate{2000, 2, 29},
		LocalTime{0, 0, 0, 0}, LocalTime{23, 59, 59, 999_999_000},
		LocalDateTime{LocalDate{9999, 12, 31}, LocalTime{23, 59, 59, 0}},
		"not a time", int64(0),
	}
	for _, v := range ok {
		got, err := CheckTime(v)
		if err != nil || !Equal(got, v) {
			t.Errorf("CheckTime(%v) = %v, %v", v, got, err)
		}
	}
	bad := map[string]any{
		"year 0":              time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC),
		"year 10000":          time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		"+24:00:00":           time.Date(2024, 1, 1, 0, 0, 0, 0, zone(24*3600)),
		"-24:00:00":           time.Date(2024, 1, 1, 0, 0, 0, 0, zone(-24*3600)),
		"+99:00:00":           time.Date(2024, 1, 1, 0, 0, 0, 0, zone(99*3600)),
		"+05:30:17":           time.Date(2024, 1, 1, 0, 0, 0, 0, zone(5*3600+30*60+17)),
		"-23:59:59":           time.Date(2024, 1, 1, 0, 0, 0, 0, zone(-86399)),
		"year 0 ":             LocalDate{0, 1, 1},
		"year -1":             LocalDate{-1, 1, 1},
		"year 10000 ":         LocalDate{10000, 1, 1},
		"not a day":           LocalDate{2023, 2, 29},
		"not a day ":          LocalDate{2023, 13, 1},
		"invalid time of day": LocalTime{24, 0, 0, 0},
		"no leap seconds":     LocalTime{23, 59, 60, 0},
		"invalid time":        LocalTime{1, 1, 1, 1_000_000_000},
		"year 0  ":            LocalDateTime{LocalDate{0, 1, 1}, LocalTime{}},
		"datetime has":        LocalDateTime{LocalDate{1, 1, 1}, LocalTime{Hour: -1}},
	}
	for want, v := range bad {
		_, err := CheckTime(v)
		if err == nil || !strings.Contains(err.Error(), strings.TrimSpace(want)) {
			t.Errorf("CheckTime(%#v) = %v; want an error with %q", v, err, want)
		}
	}
}

func TestCheckTimeTruncatesNanoseconds(t *testing.T) {
	in := time.Date(2024, 5, 6, 7, 8, 9, 123_456_789, time.FixedZone("", -7*3600))
	got, err := CheckTime(in)
	want := time.Date(2024, 5, 6, 7, 8, 9, 123_456_000, time.FixedZone("", -7*3600))
	if err != nil || !Equal(got, want) {
		t.Fatalf("datetime: %v, %v", got, err)
	}
	// Truncated, not rounded, even at the end of a second.
	got, _ = CheckTime(LocalTime{23, 59, 59, 999_999_999})
	if got != (LocalTime{23, 59, 59, 999_999_000}) {
		t.Fatalf("time: %v", got)
	}
	got, _ = CheckTime(LocalDateTime{LocalDate{2024, 1, 1}, LocalTime{0, 0, 0, 1}})
	if got != (LocalDateTime{LocalDate{2024, 1, 1}, LocalTime{}}) {
		t.Fatalf("local datetime: %v", got)
	}
}

func TestCheckTimes(t *testing.T) {
	inner := NewMap(0)
	inner.Set("when", LocalTime{1, 2, 3, 4_000_999})
	inner.Set("list", []any{int64(1), LocalDate{2020, 1, 1}, []any{time.Date(2020, 1, 1, 0, 0, 0, 7, time.UTC)}})
	root := NewMap(0)
	root.Set("a", inner)
	out, path, err := CheckTimes(root)
	if err != nil || out != any(root) || path != nil {
		t.Fatalf("CheckTimes: %v %v %v", out, path, err)
	}
	if v, _ := inner.Get("when"); v != (LocalTime{1, 2, 3, 4_000_000}) {
		t.Fatalf("when = %v", v)
	}
	l, _ := inner.Get("list")
	if v := l.([]any)[2].([]any)[0].(time.Time); v.Nanosecond() != 0 {
		t.Fatalf("nested = %v", v)
	}
	inner.Set("list", []any{int64(1), []any{LocalDate{0, 1, 1}}})
	_, path, err = CheckTimes(root)
	if err == nil || JoinPath(path...) != "a.list.1.0" {
		t.Fatalf("bad: %v at %v", err, path)
	}
	if v, _, err := CheckTimes(LocalDate{2020, 1, 1}); err != nil || v != (LocalDate{2020, 1, 1}) {
		t.Fatalf("scalar: %v %v", v, err)
	}
}
