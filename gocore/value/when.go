package value

import (
	"fmt"
	"strconv"
	"time"
)

// Dates and times are kept only as far as every reader can take them back
// exactly. Python's datetime is the narrowest reader: years 1 to 9999,
// whole microseconds, and UTC offsets strictly between -24 h and +24 h.
// The text formats are narrower on one point: RFC 3339 (JSON, YAML) and
// TOML write offsets in whole minutes, so an offset with seconds could be
// stored but never written without changing the instant. So:
//
//   - a date outside years 1..9999, a field out of range, an offset of
//     24 hours or more or one with seconds is refused (decoders: a parse
//     error at its line; the store: an invalid argument naming the path);
//   - digits beyond the microsecond are dropped (truncated, not rounded,
//     as the TOML specification asks of an implementation that keeps less
//     precision), so Go, Python, every encoder and the database all see
//     the same instant. Go's offsets are whole seconds, so an offset can
//     never hold a fraction here; the binding refuses such offsets before
//     they reach the library.

// MinYear and MaxYear bound the years of dates and datetimes.
const (
	MinYear = 1
	MaxYear = 9999
)

// MaxOffsetSeconds is the largest UTC offset magnitude kept: one minute
// short of a day (Python's timezone requires |offset| < 24 h; offsets are
// whole minutes).
const MaxOffsetSeconds = 24*3600 - 60

// CheckTime returns v with any date or time in it made readable
// everywhere (nanoseconds truncated to microseconds), or an error (without
// a kind: the caller wraps it as a parse error or an invalid argument)
// when it cannot be. Values of other types are returned unchanged.
func CheckTime(v any) (any, error) {
	switch t := v.(type) {
	case time.Time:
		_, off := t.Zone()
		if off > MaxOffsetSeconds || off < -MaxOffsetSeconds {
			return nil, fmt.Errorf("datetime %s has a UTC offset of %s; offsets must be less than 24 hours", formatInstant(t), formatOffset(off))
		}
		if off%60 != 0 {
			return nil, fmt.Errorf("datetime %s has a UTC offset of %s; offsets must be whole minutes (RFC 3339 and TOML cannot write seconds)", formatInstant(t), formatOffset(off))
		}
		if y := t.Year(); y < MinYear || y > MaxYear {
			return nil, fmt.Errorf("datetime %s is in year %d; years must be %d to %d", formatInstant(t), y, MinYear, MaxYear)
		}
		if ns := t.Nanosecond(); ns%1000 != 0 {
			t = t.Add(-time.Duration(ns % 1000))
		}
		return t, nil
	case LocalDate:
		if err := checkDate(t, "date"); err != nil {
			return nil, err
		}
		return t, nil
	case LocalTime:
		return checkClock(t, "time")
	case LocalDateTime:
		if err := checkDate(t.Date, "datetime"); err != nil {
			return nil, err
		}
		clock, err := checkClock(t.Time, "datetime")
		if err != nil {
			return nil, err
		}
		t.Time = clock.(LocalTime)
		return t, nil
	}
	return v, nil
}

func checkDate(d LocalDate, what string) error {
	if d.Year < MinYear || d.Year > MaxYear {
		return fmt.Errorf("%s %s is in year %d; years must be %d to %d", what, d, d.Year, MinYear, MaxYear)
	}
	probe := time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
	if d.Month < 1 || d.Month > 12 || d.Day < 1 || probe.Month() != time.Month(d.Month) || probe.Day() != d.Day {
		return fmt.Errorf("%s %s is not a day of the calendar", what, d)
	}
	return nil
}

func checkClock(t LocalTime, what string) (any, error) {
	if t.Hour < 0 || t.Hour > 23 || t.Minute < 0 || t.Minute > 59 || t.Second < 0 || t.Second > 59 ||
		t.Nanosecond < 0 || t.Nanosecond > 999_999_999 {
		return nil, fmt.Errorf("%s has an invalid time of day %02d:%02d:%02d.%09d (hours 0-23, minutes and seconds 0-59; no leap seconds)",
			what, t.Hour, t.Minute, t.Second, t.Nanosecond)
	}
	t.Nanosecond -= t.Nanosecond % 1000
	return t, nil
}

// CheckTimes applies CheckTime to every value in the tree v, replacing
// dates and times in place (maps and lists are changed; the caller owns
// them). It returns v (replaced itself when v is a scalar), and on error
// the path (segments) of the first value that cannot be kept.
func CheckTimes(v any) (any, []string, error) {
	var path []string
	var walk func(v any) (any, error)
	walk = func(v any) (any, error) {
		switch c := v.(type) {
		case *Map:
			var err error
			c.Range(func(k string, e any) bool {
				var x any
				path = append(path, k)
				if x, err = walk(e); err != nil {
					return false
				}
				path = path[:len(path)-1]
				if isWhen(e) {
					c.Set(k, x)
				}
				return true
			})
			return c, err
		case []any:
			for i, e := range c {
				path = append(path, strconv.Itoa(i))
				x, err := walk(e)
				if err != nil {
					return nil, err
				}
				path = path[:len(path)-1]
				c[i] = x
			}
			return c, nil
		case time.Time, LocalDate, LocalTime, LocalDateTime:
			return CheckTime(v)
		}
		return v, nil
	}
	out, err := walk(v)
	if err != nil {
		return nil, path, err
	}
	return out, nil, nil
}

func isWhen(v any) bool {
	switch v.(type) {
	case time.Time, LocalDate, LocalTime, LocalDateTime:
		return true
	}
	return false
}

func formatInstant(t time.Time) string {
	// time.Format writes years outside 0..9999 oddly; say it plainly.
	if y := t.Year(); y < 0 || y > 9999 {
		return fmt.Sprintf("(year %d)", y)
	}
	return t.Format("2006-01-02T15:04:05.999999999Z07:00")
}

func formatOffset(off int) string {
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	return fmt.Sprintf("%s%02d:%02d:%02d", sign, off/3600, off/60%60, off%60)
}
