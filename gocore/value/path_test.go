package value

import (
	"errors"
	"slices"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
)

func TestParsePath(t *testing.T) {
	cases := map[string][]string{
		"":               nil,
		"a":              {"a"},
		"server.port":    {"server", "port"},
		"servers.0.host": {"servers", "0", "host"},
		`a."b.c".d`:      {"a", "b.c", "d"},
		`""`:             {""},
		`"x\"y\\z"`:      {`x"y\z`},
		`"a"."b"`:        {"a", "b"},
		"ünï.✓":          {"ünï", "✓"},
	}
	for in, want := range cases {
		got, err := ParsePath(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParsePath(%q) = %q, %v; want %q", in, got, err, want)
		}
		if in != "" && JoinPath(got...) != in && !slices.Equal(mustParse(t, JoinPath(got...)), want) {
			t.Errorf("JoinPath(%q) does not round-trip", got)
		}
	}
}

func mustParse(t *testing.T, p string) []string {
	segs, err := ParsePath(p)
	if err != nil {
		t.Fatal(err)
	}
	return segs
}

func TestParsePathErrors(t *testing.T) {
	for _, in := range []string{".", "a.", ".a", "a..b", `"a`, `a"b`, `"a"b`, `"\n"`, `"a\"`} {
		if _, err := ParsePath(in); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("ParsePath(%q) = %v, want an invalid-argument error", in, err)
		}
	}
}

func FuzzPathRoundTrip(f *testing.F) {
	for _, s := range []string{"a", "a.b", `"a.b"`, `""`, "0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		segs, err := ParsePath(p)
		if err != nil {
			return
		}
		again, err := ParsePath(JoinPath(segs...))
		if err != nil || !slices.Equal(again, segs) {
			t.Fatalf("%q -> %q -> %q (%v)", p, segs, again, err)
		}
	})
}
