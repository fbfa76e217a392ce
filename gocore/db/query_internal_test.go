package db

import (
	"slices"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/value"
)

func TestStarMatch(t *testing.T) {
	for _, c := range []struct {
		pat, s string
		want   bool
	}{
		{"*", "", true}, {"*", "abc", true}, {"a*", "abc", true}, {"*c", "abc", true},
		{"a*c", "abbbc", true}, {"a*c", "abcd", false}, {"*b*", "abc", true},
		{"a**", "a", true}, {"abc", "abc", true}, {"abc", "abd", false}, {"", "", true},
		{"", "a", false}, {"a*b*c", "aXbYc", true}, {"a*b*c", "aXcYb", false},
	} {
		if got := starMatch(c.pat, c.s); got != c.want {
			t.Errorf("starMatch(%q, %q) = %v", c.pat, c.s, got)
		}
	}
}

func TestMatchPrefix(t *testing.T) {
	for _, c := range []struct {
		prefix, name string
		want         bool
	}{
		{"", "a", true}, {"a", "a", true}, {"a", "a/b", true}, {"a", "ab", false},
		{"a/", "a", false}, {"a/", "a/b", true}, {"a/b", "a/b/c", true}, {"a/b", "a/bc", false},
	} {
		if got := matchPrefix(c.prefix, c.name); got != c.want {
			t.Errorf("matchPrefix(%q, %q) = %v", c.prefix, c.name, got)
		}
	}
}

func TestCompareSegs(t *testing.T) {
	less := [][2][]string{
		{{"a", "2"}, {"a", "10"}},
		{{"a"}, {"a", "0"}},
		{{"a", "b"}, {"b"}},
		{{"9"}, {"a"}},
		{{"007"}, {"8"}},
	}
	for _, p := range less {
		if compareSegs(p[0], p[1]) >= 0 || compareSegs(p[1], p[0]) <= 0 {
			t.Errorf("want %q < %q", p[0], p[1])
		}
	}
}

// Several "**" against a deep path or name: matched by backtracking, the
// ways for them to share the levels grow exponentially (ten of them and a
// path 31 deep took 30 s, twenty would take years).
func TestManyDoubleStarsAreLinear(t *testing.T) {
	deep := value.NewMap(1)
	node := deep
	var names []string
	for i := 0; i < 60; i++ {
		child := value.NewMap(1)
		node.Set("a", child)
		node = child
		names = append(names, "n")
	}
	node.Set("x", int64(1))
	glob := strings.Repeat("**.", 40)
	for _, c := range []struct {
		path string
		want int
	}{{glob + "y", 0}, {glob + "x", 1}, {glob + "a.*.**.x", 1}, {"a.**.a.**.a.**.x", 1}, {"**.a.x", 1}, {"a.x", 0}} {
		q, err := parseQuery("n:" + c.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.leaves(deep); len(got) != c.want {
			t.Errorf("%s: %d leaves", c.path, len(got))
		}
	}
	name := strings.Join(names, "/")
	for _, c := range []struct {
		glob string
		want bool
	}{{strings.Repeat("**/", 40) + "x", false}, {strings.Repeat("**/", 40) + "n", true}, {"n/**/n/**", true}, {"**/m/**", false}} {
		q, err := parseQuery(c.glob + ":*")
		if err != nil {
			t.Fatal(err)
		}
		if got := q.matchName(name); got != c.want {
			t.Errorf("%s: %v", c.glob, got)
		}
	}
}

func TestPathGlobsSelectEachLeafOnce(t *testing.T) {
	cfg := value.NewMap(2)
	server := value.NewMap(2)
	server.Set("port", int64(80))
	server.Set("host", "h")
	cfg.Set("server", server)
	cfg.Set("tags", []any{"a", []any{}, value.NewMap(0)})
	for _, c := range []struct {
		path string
		want []string
	}{
		{"**", []string{"server.port", "server.host", "tags.0", "tags.1", "tags.2"}},
		{"**.**", []string{"server.port", "server.host", "tags.0", "tags.1", "tags.2"}},
		{"server.port", []string{"server.port"}},
		{"**.port", []string{"server.port"}},
		{"server.**.port", []string{"server.port"}},
		{"*.po*", []string{"server.port"}},
		{"tags.*", []string{"tags.0", "tags.1", "tags.2"}},
		{`"server".**`, []string{"server.port", "server.host"}},
		{"server", nil},
	} {
		q, err := parseQuery("n:" + c.path)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range q.leaves(cfg) {
			got = append(got, value.JoinPath(l.segs...))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.path, got, c.want)
		}
	}
}
