package db

import "testing"

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
