package store

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func TestCheckStrings(t *testing.T) {
	mk := func(kv ...any) *value.Map {
		m := value.NewMap(0)
		for i := 0; i < len(kv); i += 2 {
			m.Set(kv[i].(string), kv[i+1])
		}
		return m
	}
	clean := mk("a", "x", "b.c", []any{int64(1), "é日本", mk("k", "v", "n", nil)}, "t", true)
	if at, err := CheckStrings(clean); err != nil || at != nil {
		t.Fatalf("clean tree: %v, %v", at, err)
	}
	// NUL is allowed in values and keys alike (as for values set directly).
	if at, err := CheckStrings(mk("a", "x\x00y", "k\x00", int64(1))); err != nil {
		t.Errorf("NUL refused: %v at %q", err, at)
	}
	deep := any("leaf")
	for i := 0; i < value.MaxDepth; i++ {
		deep = []any{deep}
	}
	if _, err := CheckStrings(deep); err != nil {
		t.Errorf("MaxDepth levels refused: %v", err)
	}
	for _, tc := range []struct {
		tree any
		at   []string
		msg  string
	}{
		{mk("a", mk("b.c", []any{"ok", "bad\xff"})), []string{"a", "b.c", "1"}, "UTF-8"},
		{mk("a", mk("\xfe", int64(1))), []string{"a", "\xfe"}, "UTF-8"},
		{[]any{[]any{"\xff"}}, []string{"0", "0"}, "UTF-8"},
		{"\xc3", []string{}, "UTF-8"},
		// The first refusal in document order.
		{mk("a", "ok", "b", "\xff", "c\xfe", "x"), []string{"b"}, "UTF-8"},
		// A NUL key is allowed, and what follows it is still checked.
		{mk("k\x00", int64(1), "v", "\xff"), []string{"v"}, "UTF-8"},
		{mk("k\x00", mk("\x00", "\xfe")), []string{"k\x00", "\x00"}, "UTF-8"},
	} {
		at, err := CheckStrings(tc.tree)
		if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), tc.msg) || !reflect.DeepEqual(at, tc.at) {
			t.Errorf("CheckStrings(%v) = %q, %v; want %q and %q", tc.tree, at, err, tc.at, tc.msg)
		}
	}
	// One level more than MaxDepth: refused, with no path.
	at, err := CheckStrings([]any{deep})
	if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "levels deep") || at != nil {
		t.Errorf("MaxDepth+1 levels: %v, %d segments", err, len(at))
	}
	// The path names the value whatever its segments hold.
	at, _ = CheckStrings(mk("a.b", mk(`q"`, "\xff")))
	if p := value.JoinPath(at...); p != `"a.b"."q\""` {
		t.Errorf("path %s", p)
	}
}

// benchTree is a configuration-shaped tree of about n services.
func benchTree(n int) *value.Map {
	root := value.NewMap(0)
	svcs := value.NewMap(0)
	for i := 0; i < n; i++ {
		s := value.NewMap(0)
		s.Set("name", fmt.Sprintf("svc-%04d", i))
		s.Set("description", "Handles requests for the domain — Résumé")
		s.Set("replicas", int64(i%24))
		s.Set("tags", []any{"a", "b", "tier-x"})
		env := value.NewMap(0)
		env.Set("LOG_LEVEL", "info")
		env.Set("app.kubernetes.io/name", "x")
		s.Set("env", env)
		eps := []any{}
		for j := 0; j < 3; j++ {
			ep := value.NewMap(0)
			ep.Set("path", fmt.Sprintf("/api/v1/%d/%d", i, j))
			ep.Set("method", "GET")
			eps = append(eps, ep)
		}
		s.Set("endpoints", eps)
		svcs.Set(fmt.Sprintf("svc-%04d", i), s)
	}
	root.Set("services", svcs)
	return root
}

// pathPerNode is the check as it runs before CheckStrings (load.CheckStrings
// on main): a path string built for every node whether or not it is needed.
func pathPerNode(v any, path string) error {
	switch v := v.(type) {
	case string:
		return CheckValue("string", v)
	case []any:
		for i, item := range v {
			if err := pathPerNode(item, value.AppendPath(path, fmt.Sprint(i))); err != nil {
				return err
			}
		}
	case *value.Map:
		var err error
		v.Range(func(k string, item any) bool {
			p := value.AppendPath(path, k)
			if err = CheckKey(k); err != nil {
				return false
			}
			err = pathPerNode(item, p)
			return err == nil
		})
		return err
	}
	return nil
}

// BenchmarkCheckStrings checks a tree of about 2 MB of JSON (2,000
// services), and, as before/after, the old walk that built a path per
// node.
func BenchmarkCheckStrings(b *testing.B) {
	tree := benchTree(2000)
	b.Run("tree-walk", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := CheckStrings(tree); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("path-per-node", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := pathPerNode(tree, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
}
