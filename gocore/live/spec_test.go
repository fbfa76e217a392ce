package live

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func noDB(int64) (*db.DB, error) {
	return nil, errors.New("no database here: " + errs.ErrInvalidHandle.Error())
}

func TestFromWireBuildsEveryKind(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.json")
	write(t, p, `{"x": 1, "l": [1]}`)
	m := value.NewMap(0)
	m.Set("x", int64(0))
	m.Set("d", "default")
	spec := []any{
		[]any{"map", "defaults", "defaults", m, int64(0)},
		[]any{"file", p, "", int64(SpecAppendLists)},
		[]any{"file", filepath.Join(dir, "missing.yaml"), "", int64(SpecOptional)},
		[]any{"text", `{"t": true}`, "json", "inline", int64(0)},
		[]any{"env", "APP", "", int64(0)},
		[]any{"overrides", []any{"o=2"}, int64(SpecRawStrings)},
	}
	layers, err := FromWire(spec, noDB)
	if err != nil {
		t.Fatal(err)
	}
	l, err := New(layers, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c := l.Config()
	for path, want := range map[string]any{"x": int64(1), "d": "default", "t": true, "o": "2"} {
		if got := get(t, c, path); got != want {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
}

func TestFromWireRefusesMalformedSpecs(t *testing.T) {
	cases := map[string]any{
		"a list of layers":   "file",
		"non-empty list":     []any{[]any{}},
		"want file, stored":  []any{[]any{"ftp", int64(0)}},
		"has 2 items, not 4": []any{[]any{"file", int64(0)}},
		"a string, not":      []any{[]any{"file", int64(3), "", int64(0)}},
		"an int, not":        []any{[]any{"file", "a.json", "", "0"}},
		"unknown bits":       []any{[]any{"file", "a.json", "", int64(64)}},
		"want defaults":      []any{[]any{"map", "other", "n", value.NewMap(0), int64(0)}},
		"a map, not":         []any{[]any{"map", "dict", "n", []any{}, int64(0)}},
		"prefix is empty":    []any{[]any{"env", "", "", int64(0)}},
		"list of strings":    []any{[]any{"overrides", "a=1", int64(0)}},
		"override 0":         []any{[]any{"overrides", []any{int64(1)}, int64(0)}},
		"no database":        []any{[]any{"stored", int64(7), "a/b", int64(0)}},
		"a format is needed": []any{[]any{"text", "{}", "", "n", int64(0)}},
	}
	for want, spec := range cases {
		_, err := FromWire(spec, noDB)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: got %v, want an error containing %q", spec, err, want)
		}
	}
	huge := make([]any, MaxLayers+1)
	if _, err := FromWire(huge, noDB); !errors.Is(err, errs.ErrLimit) {
		t.Errorf("too many layers: %v", err)
	}
}
