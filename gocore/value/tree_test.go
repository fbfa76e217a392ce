package value

import (
	"errors"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
)

func build(t *testing.T) *Map {
	t.Helper()
	root := NewMap(0)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(SetPath(root, []string{"server", "port"}, int64(80)))
	must(SetPath(root, []string{"servers"}, []any{NewMap(0)}))
	must(SetPath(root, []string{"servers", "0", "host"}, "a"))
	must(SetPath(root, []string{"servers", "1"}, "appended"))
	must(SetPath(root, []string{"a.b"}, true))
	return root
}

func TestSetLookupDelete(t *testing.T) {
	root := build(t)
	for path, want := range map[string]any{"server.port": int64(80), "servers.0.host": "a", "servers.1": "appended", `"a.b"`: true} {
		segs, _ := ParsePath(path)
		got, err := Lookup(root, segs)
		if err != nil || !Equal(got, want) {
			t.Errorf("Lookup(%s) = %v, %v", path, got, err)
		}
	}
	if err := DeletePath(root, []string{"servers", "0"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := Lookup(root, []string{"servers", "0"}); got != "appended" {
		t.Fatalf("after delete servers.0 = %v", got)
	}
}

func TestPathErrors(t *testing.T) {
	root := build(t)
	cases := []struct {
		segs []string
		kind error
	}{
		{[]string{"nope"}, errs.ErrNotFound},
		{[]string{"server", "port", "x"}, errs.ErrNotFound},
		{[]string{"servers", "9"}, errs.ErrNotFound},
		{[]string{"servers", "01"}, errs.ErrNotFound},
		{[]string{"servers", "-1"}, errs.ErrNotFound},
	}
	for _, c := range cases {
		if _, err := Lookup(root, c.segs); !errors.Is(err, c.kind) {
			t.Errorf("Lookup(%v) = %v", c.segs, err)
		}
	}
	if err := SetPath(root, []string{"server", "port", "x"}, int64(1)); !errors.Is(err, errs.ErrTypeMismatch) {
		t.Errorf("set through a scalar: %v", err)
	}
	if err := SetPath(root, []string{"servers", "5"}, int64(1)); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("set past the end of a list: %v", err)
	}
	if err := DeletePath(root, []string{"nope", "x"}); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("delete under a missing key: %v", err)
	}
	if err := SetPath(root, nil, "scalar"); !errors.Is(err, errs.ErrTypeMismatch) {
		t.Errorf("scalar root: %v", err)
	}
}

func TestNestedListSet(t *testing.T) {
	root := NewMap(0)
	SetPath(root, []string{"m"}, []any{[]any{int64(1)}})
	if err := SetPath(root, []string{"m", "0", "1"}, int64(2)); err != nil {
		t.Fatal(err)
	}
	got, _ := Lookup(root, []string{"m"})
	if !Equal(got, []any{[]any{int64(1), int64(2)}}) {
		t.Fatalf("m = %v", got)
	}
	if err := DeletePath(root, []string{"m", "0", "0"}); err != nil {
		t.Fatal(err)
	}
	got, _ = Lookup(root, []string{"m"})
	if !Equal(got, []any{[]any{int64(2)}}) {
		t.Fatalf("m = %v", got)
	}
}

// Only the canonical decimal spelling of an index reaches a list item:
// "+1" and "-0" are other keys, absent from a list, at every entry point.
func TestListIndexIsCanonicalDecimal(t *testing.T) {
	for seg, want := range map[string]int{"0": 0, "1": 1, "2": 2} {
		if got, ok := ListIndex(seg, 3); !ok || got != want {
			t.Errorf("ListIndex(%q) = %d, %v", seg, got, ok)
		}
	}
	if _, ok := ListIndex("3", 3); ok {
		t.Error("ListIndex(3) of 3 items")
	}
	bad := []string{"", "+1", "-0", "+0", "-1", "01", "00", " 1", "1 ", "1_0", "0x1", "1e0",
		"\u0663", "\uff11", "1\x00", "99999999999999999999999999999999"}
	for _, seg := range bad {
		if got, ok := ListIndex(seg, 3); ok {
			t.Errorf("ListIndex(%q) = %d, true", seg, got)
		}
	}
	root := NewMap(0)
	if err := SetPath(root, []string{"l"}, []any{int64(10), int64(20), int64(30)}); err != nil {
		t.Fatal(err)
	}
	for _, seg := range bad {
		segs := []string{"l", seg}
		if v, err := Lookup(root, segs); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("Lookup(l.%q) = %v, %v", seg, v, err)
		}
		if err := SetPath(root, segs, "x"); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("SetPath(l.%q): %v", seg, err)
		}
		if err := DeletePath(root, segs); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("DeletePath(l.%q): %v", seg, err)
		}
	}
	if got, _ := Lookup(root, []string{"l"}); !Equal(got, []any{int64(10), int64(20), int64(30)}) {
		t.Errorf("the list changed: %v", got)
	}
}
