package layer

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/codec/yamlfmt"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func yamlDoc(t *testing.T, text string) *value.Doc {
	t.Helper()
	doc, err := yamlfmt.Decode([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func lookup(t *testing.T, root *value.Map, path string) any {
	t.Helper()
	segs, err := value.ParsePath(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := value.Lookup(root, segs)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

func segs(p string) []string {
	s, _ := value.ParsePath(p)
	return s
}

func TestMergeDeepWithProvenance(t *testing.T) {
	root := value.NewMap(0)
	var prov Provenance
	base := yamlDoc(t, "server:\n  host: a\n  port: 80\nlist: [1, 2]\n")
	Merge(root, base.Root, &prov, Source{Kind: KindFile, Name: "app.yaml", Positions: base.Positions}.OriginFunc(prov.NextLayer()), Options{})
	local := yamlDoc(t, "server:\n  port: 81\nlist: [3]\nextra: true\n")
	Merge(root, local.Root, &prov, Source{Kind: KindFile, Name: "local.yaml", Positions: local.Positions}.OriginFunc(prov.NextLayer()), Options{})

	if v := lookup(t, root, "server.host"); v != "a" {
		t.Fatalf("host = %v", v)
	}
	if v := lookup(t, root, "server.port"); v != int64(81) {
		t.Fatalf("port = %v", v)
	}
	if v := lookup(t, root, "list"); !value.Equal(v, []any{int64(3)}) {
		t.Fatalf("list replaced = %v", v)
	}
	h := prov.History(segs("server.port"))
	if len(h) != 2 || h[0].String() != "app.yaml:3:3" || h[1].String() != "local.yaml:2:3" {
		t.Fatalf("history = %v", h)
	}
	if h := prov.History(segs("server.host")); len(h) != 1 || h[0].Name != "app.yaml" {
		t.Fatalf("host history = %v", h)
	}
	if h := prov.History(segs("server")); len(h) != 2 {
		t.Fatalf("a map lists the layers that merged into it: %v", h)
	}
	// The replaced list's items belong to the second layer only.
	if h := prov.History(segs("list.0")); len(h) != 1 || h[0].Name != "local.yaml" {
		t.Fatalf("list.0 history = %v", h)
	}
}

func TestMergeAppendLists(t *testing.T) {
	root := value.NewMap(0)
	var prov Provenance
	a := yamlDoc(t, "l: [a, b]\n")
	Merge(root, a.Root, &prov, Source{Kind: KindFile, Name: "a.yaml", Positions: a.Positions}.OriginFunc(prov.NextLayer()), Options{})
	b := yamlDoc(t, "l:\n  - c\n")
	Merge(root, b.Root, &prov, Source{Kind: KindFile, Name: "b.yaml", Positions: b.Positions}.OriginFunc(prov.NextLayer()), Options{AppendLists: true})
	if v := lookup(t, root, "l"); !value.Equal(v, []any{"a", "b", "c"}) {
		t.Fatalf("l = %v", v)
	}
	if h := prov.History(segs("l.2")); len(h) != 1 || h[0].String() != "b.yaml:2:5" {
		t.Fatalf("appended item history = %v", h)
	}
	if h := prov.History(segs("l.0")); len(h) != 1 || h[0].Name != "a.yaml" {
		t.Fatalf("kept item history = %v", h)
	}
	if h := prov.History(segs("l")); len(h) != 2 {
		t.Fatalf("list history = %v", h)
	}
}

func TestParseScalar(t *testing.T) {
	cases := map[string]any{
		"9000": int64(9000), "-3": int64(-3), "0": int64(0), "0x1F": int64(31), "0o17": int64(15),
		"007": "007", "1.5": 1.5, "-2e3": -2000.0, ".5": 0.5, "true": true, "False": false, "null": nil, "~": nil,
		"": "", "abc": "abc", " 12 ": int64(12), "1_000": "1_000", "99999999999999999999": "99999999999999999999",
		"yes": "yes", "2024-01-02": "2024-01-02", "hello world": "hello world", "1e400": "1e400",
		// quotes ask for a string, as in YAML; text that is not one quoted
		// scalar keeps its quotes
		`"1"`: "1", `'true'`: "true", ` "a b" `: "a b", `"tab\tx"`: "tab\tx", `'it''s'`: "it's", `""`: "",
		`'it's'`: "'it's'", `"a" "b"`: `"a" "b"`, `"a": "b"`: `"a": "b"`, `"open`: `"open`, `"`: `"`,
	}
	for in, want := range cases {
		got, err := ParseScalar(in)
		if err != nil || !value.Equal(got, want) {
			t.Errorf("ParseScalar(%q) = %#v, %v; want %#v", in, got, err, want)
		}
	}
	if v, _ := ParseScalar(".inf"); v != math.Inf(1) {
		t.Errorf(".inf = %v", v)
	}
	if v, _ := ParseScalar(".nan"); !math.IsNaN(v.(float64)) {
		t.Errorf(".nan = %v", v)
	}
	v, err := ParseScalar(`[1, "two", {a: true}]`)
	if err != nil {
		t.Fatal(err)
	}
	m := value.NewMap(1)
	m.Set("a", true)
	if !value.Equal(v, []any{int64(1), "two", m}) {
		t.Fatalf("flow list = %v", v)
	}
	if v, err := ParseScalar("{\n\"a\": [1,\n2]\n}"); err != nil || !value.Equal(lookupAny(v, "a"), []any{int64(1), int64(2)}) {
		t.Fatalf("multi-line JSON = %v, %v", v, err)
	}
	for _, bad := range []string{"[1, 2", "{a: [}", "[a]]"} {
		if _, err := ParseScalar(bad); !errors.Is(err, errs.ErrParse) {
			t.Errorf("ParseScalar(%q) = %v, want a parse error", bad, err)
		}
	}
}

func lookupAny(v any, key string) any {
	m, ok := v.(*value.Map)
	if !ok {
		return nil
	}
	x, _ := m.Get(key)
	return x
}

func TestEnvAssignments(t *testing.T) {
	env := []string{
		"APP_SERVER__PORT=9000", "APP_LOG_LEVEL=debug", "APP_DEBUG=true", "app_lower=1",
		"APPLE=no", "OTHER_X=1", "APP_HOSTS=[a, b]", "APP_DB__MAX_CONNS=5", "APP_LOGLEVEL=x",
	}
	items, err := EnvAssignments(env, "APP", "__", true)
	if err != nil {
		t.Fatal(err)
	}
	root := value.NewMap(0)
	log := value.NewMap(0)
	log.Set("logLevel", "info") // a camelCase key: reached regardless of case
	root.Set("Log_Level", "info")
	root.Set("db", log)
	var prov Provenance
	seq := prov.NextLayer()
	for _, a := range items {
		if _, err := Apply(root, a, &prov, seq); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]any{
		"server.port": int64(9000), "Log_Level": "debug", "debug": true, "lower": int64(1),
		"db.max_conns": int64(5), "loglevel": "x",
	}
	for p, w := range want {
		if got := lookup(t, root, p); !value.Equal(got, w) {
			t.Errorf("%s = %#v, want %#v", p, got, w)
		}
	}
	if got := lookup(t, root, "hosts"); !value.Equal(got, []any{"a", "b"}) {
		t.Errorf("hosts = %v", got)
	}
	if _, ok := root.Get("le"); ok {
		t.Error("APPLE was taken for prefix APP")
	}
	if h := prov.History(segs("server.port")); len(h) != 1 || h[0].String() != "env APP_SERVER__PORT" {
		t.Errorf("history = %v", h)
	}
	raw, _ := EnvAssignments(env, "APP_", "", false)
	for _, a := range raw {
		if _, ok := a.Value.(string); !ok {
			t.Errorf("raw %v = %#v", a.Origin, a.Value)
		}
	}
	if _, err := EnvAssignments([]string{"APP_X=[1, 2"}, "APP", "__", true); !errors.Is(err, errs.ErrParse) || !strings.Contains(err.Error(), "APP_X") {
		t.Errorf("bad value: %v", err)
	}
	if _, err := EnvAssignments([]string{"APP_A____B=1"}, "APP", "__", true); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("empty segment: %v", err)
	}
	if _, err := EnvAssignments(nil, "", "__", true); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("empty prefix: %v", err)
	}
}

func TestOverrides(t *testing.T) {
	items, err := OverrideAssignments([]string{"server.port=9000", "debug=true", ` name = a=b`, `"a.b".c=[1]`, "empty="}, true)
	if err != nil {
		t.Fatal(err)
	}
	root := value.NewMap(0)
	for _, a := range items {
		if _, err := Apply(root, a, nil, 0); err != nil {
			t.Fatal(err)
		}
	}
	if v := lookup(t, root, "server.port"); v != int64(9000) {
		t.Errorf("port = %v", v)
	}
	if v := lookup(t, root, "name"); v != "a=b" {
		t.Errorf("name = %#v", v)
	}
	if v := lookup(t, root, `"a.b".c`); !value.Equal(v, []any{int64(1)}) {
		t.Errorf("quoted = %v", v)
	}
	if v := lookup(t, root, "empty"); v != "" {
		t.Errorf("empty = %#v", v)
	}
	for _, bad := range []string{"noequals", "=1", "a..b=1", " =x"} {
		if _, err := OverrideAssignments([]string{bad}, true); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := OverrideAssignments([]string{"a=[1"}, true); !errors.Is(err, errs.ErrParse) {
		t.Errorf("bad value: %v", err)
	}
	// Through a scalar: a type mismatch naming the override.
	items, _ = OverrideAssignments([]string{"server.port.x=1"}, true)
	if _, err := Apply(root, items[0], nil, 0); !errors.Is(err, errs.ErrTypeMismatch) || !strings.Contains(err.Error(), "override server.port.x=1") {
		t.Errorf("through a scalar: %v", err)
	}
}

func resolver(t *testing.T, text string, env map[string]string) *Resolver {
	return &Resolver{Root: yamlDoc(t, text).Root, Env: env, ParseEnv: true}
}

func TestInterpolation(t *testing.T) {
	r := resolver(t, `
server: {host: example.org, port: 8080, tags: [a, b]}
url: "http://${server.host}:${server.port}/"
port: ${server.port}
alias: ${server}
home: ${env:HOME}
eport: ${env:PORT,8080}
flag: ${env:FLAG}
lit: "$${not.a.ref}"
gha: "${{ matrix.os }}"
ghamix: "${{ env.X }}-${server.host}-$${{ y }}"
ghabrace: "${{a}"
ratio: "r=${f}"
f: 1.0
tags: ${server.tags}
chain1: ${chain2}
chain2: ${port}
`, map[string]string{"HOME": "/home/me", "FLAG": "true"})
	cases := map[string]any{
		"url": "http://example.org:8080/", "port": int64(8080), "home": "/home/me", "eport": int64(8080),
		"flag": true, "lit": "${not.a.ref}", "ratio": "r=1.0",
		"gha": "${{ matrix.os }}", "ghamix": "${{ env.X }}-example.org-${{ y }}", "ghabrace": "${{a}", "alias.host": "example.org", "chain1": int64(8080),
	}
	for p, want := range cases {
		got, err := r.Lookup(segs(p))
		if err != nil || !value.Equal(got, want) {
			t.Errorf("%s = %#v, %v; want %#v", p, got, err, want)
		}
	}
	if got, err := r.Lookup(segs("tags")); err != nil || !value.Equal(got, []any{"a", "b"}) {
		t.Errorf("tags = %v, %v", got, err)
	}
	if got, _ := r.Lookup(segs("alias")); got == nil {
		t.Error("alias did not reach the map")
	}
	deep, err := r.Deep(r.Root, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := lookup(t, deep.(*value.Map), "alias.port"); v != int64(8080) {
		t.Errorf("deep alias.port = %v", v)
	}
	if v := lookup(t, r.Root, "url"); !strings.Contains(v.(string), "${") {
		t.Error("Deep changed the stored tree")
	}
}

func TestInterpolationErrors(t *testing.T) {
	r := resolver(t, `
a: ${b}
b: ${c}
c: ${a}
self: {x: "${self}"}
missing: "x ${server.hots}"
noenv: ${env:NOPE_NOT_SET}
open: "${a"
compose: "postgres:${PG_VERSION:-15}"
dotted: "nginx:${NGINX_VERSION:-1.25}-alpine"
spring: "${PORT:8080}"
shell: "echo sha=${GITHUB_SHA}"
ci: 'run ${SYNC:+--sync "$SYNC"}'
embed: "list ${l}"
l: [1]
`, map[string]string{})
	cases := map[string]string{
		"a":       "reference cycle: a -> b -> c -> a",
		"missing": "server.hots",
		"noenv":   "NOPE_NOT_SET is not set",
		"open":    "unterminated",
		"embed":   "cannot be part of a string",
		"compose": "PG_VERSION:-15: no such key (compose -> PG_VERSION:-15); an environment variable is ${env:NAME}",
		"spring":  "with interpolation off",
		// the whole reference, not "NGINX_VERSION:-1", the part before its dot
		"dotted": "${NGINX_VERSION:-1.25}: NGINX_VERSION:-1.25: no such key (dotted -> NGINX_VERSION:-1.25)",
		"shell":  "GITHUB_SHA: no such key (shell -> GITHUB_SHA); an environment variable is ${env:NAME}",
		"ci":     "is not a valid path (ci -> SYNC:+--sync \"$SYNC\"); an environment variable is ${env:NAME}",
	}
	for p, want := range cases {
		_, err := r.Lookup(segs(p))
		if !errors.Is(err, ErrInterpolation) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want an interpolation error with %q", p, err, want)
		}
	}
	// Only a reference with a colon or an environment variable's name,
	// another tool's marks, gets the hint; a missing key of gocfg's does not.
	if _, err := r.Lookup(segs("missing")); err == nil || strings.Contains(err.Error(), "interpolation off") {
		t.Errorf("missing: %v", err)
	}
	if _, err := r.Deep(r.Root, nil); !errors.Is(err, ErrInterpolation) {
		t.Errorf("deep: %v", err)
	}
	m, _ := r.Root.Get("self")
	if _, err := r.Deep(m, []string{"self"}); !errors.Is(err, ErrInterpolation) || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("self: %v", err)
	}
}

func TestDiff(t *testing.T) {
	a := yamlDoc(t, "x: 1\nm: {a: 1, b: [1]}\ngone: true\nn: .nan\n").Root
	b := yamlDoc(t, "x: 2\nm: {a: 1, b: [1, 2], c: null}\nn: .nan\nnew: {k: v}\n").Root
	got := Diff(a, b)
	var lines []string
	for _, c := range got {
		lines = append(lines, c.Op.String()+" "+c.Path)
	}
	want := "changed x|changed m.b|added m.c|removed gone|added new"
	if strings.Join(lines, "|") != want {
		t.Fatalf("diff = %v", lines)
	}
	if len(Diff(a, a)) != 0 {
		t.Fatal("a differs from itself")
	}
}

func TestFormatFloat(t *testing.T) {
	for f, want := range map[float64]string{1: "1.0", 0.5: "0.5", 1e20: "1e+20", 1e-5: "1e-05", -2.25: "-2.25", 0: "0.0"} {
		if got := FormatFloat(f); got != want {
			t.Errorf("FormatFloat(%v) = %s, want %s", f, got, want)
		}
	}
}

// A document lists no position for what an alias or merge key copies: such
// values take the position of the alias (their nearest listed ancestor), as
// yamlfmt's README says, rather than none at all (a compose file's merged
// environment had origins without a line).
func TestAliasedValuesTakeTheAliasPosition(t *testing.T) {
	root := value.NewMap(0)
	var prov Provenance
	doc := yamlDoc(t, "base: &b\n  env:\n    A: 1\n  list: [x]\nuse: *b\nsvc:\n  <<: *b\n  own: 2\n")
	Merge(root, doc.Root, &prov, Source{Kind: KindFile, Name: "c.yaml", Positions: doc.Positions}.OriginFunc(prov.NextLayer()), Options{})
	for path, want := range map[string]string{
		"base.env.A": "c.yaml:3:5",
		"use":        "c.yaml:5:1",
		"use.env":    "c.yaml:5:1",
		"use.env.A":  "c.yaml:5:1",
		"use.list.0": "c.yaml:5:1",
		"svc.env":    "c.yaml:7:7",
		"svc.env.A":  "c.yaml:7:7",
		"svc.list.0": "c.yaml:7:7",
		"svc.own":    "c.yaml:8:3",
	} {
		if h := prov.History(segs(path)); len(h) != 1 || h[0].String() != want {
			t.Errorf("%s: history %v, want %s", path, h, want)
		}
	}
	// A second layer merging into an aliased map: its own values keep
	// their own positions, and the first layer's keep theirs.
	local := yamlDoc(t, "x: &x {A: 9}\nuse:\n  env: *x\n")
	Merge(root, local.Root, &prov, Source{Kind: KindFile, Name: "l.yaml", Positions: local.Positions}.OriginFunc(prov.NextLayer()), Options{})
	if h := prov.History(segs("use.env.A")); len(h) != 2 || h[0].String() != "c.yaml:5:1" || h[1].String() != "l.yaml:3:3" {
		t.Errorf("use.env.A after a second layer: %v", h)
	}
	// A source without positions stays without.
	env := value.NewMap(0)
	inner := value.NewMap(0)
	inner.Set("k", "v")
	env.Set("use", inner)
	Merge(root, env, &prov, Source{Kind: KindEnv, Name: "APP_USE__K"}.OriginFunc(prov.NextLayer()), Options{})
	if h := prov.History(segs("use.k")); len(h) != 1 || h[0].String() != "env APP_USE__K" || h[0].Line != 0 {
		t.Errorf("use.k: %v", h)
	}
}

func TestEnvVarName(t *testing.T) {
	for ref, want := range map[string]bool{
		"GITHUB_SHA": true, "HOME": true, "_X1": true, "PG_VERSION": true,
		"": false, "_": false, "1A": false, "home": false, "Home": false, "A.B": false, "server.hots": false, "A-B": false,
	} {
		if got := envVarName(ref); got != want {
			t.Errorf("envVarName(%q) = %v, want %v", ref, got, want)
		}
	}
	for ref, want := range map[string]bool{
		"PWD##*/": true, "HOME%/": true, "PATH/:/;": true, "NAME^^": true, "A-b": true, "#NAME": true, "!NAME": true,
		"GITHUB_SHA": true, "server.hots": false, "log-level": false, "a#b": false, "#": false, "!x": false,
	} {
		if got := shellReference(ref); got != want {
			t.Errorf("shellReference(%q) = %v, want %v", ref, got, want)
		}
	}
}

// A reference and an environment name reach a list item only through the
// index's canonical spelling, as a read does (value.ListIndex).
func TestListIndexSpellingInReferencesAndEnv(t *testing.T) {
	r := resolver(t, "l: [10, 20, 30]\nplus: ${l.+1}\nneg0: ${l.-0}\nok: ${l.1}\n", nil)
	if got, err := r.Lookup(segs("ok")); err != nil || got != int64(20) {
		t.Errorf("ok = %v, %v", got, err)
	}
	for _, p := range []string{"plus", "neg0"} {
		if got, err := r.Lookup(segs(p)); err == nil || !strings.Contains(err.Error(), "is not an index in it") {
			t.Errorf("%s = %v, %v", p, got, err)
		}
	}
	items, err := EnvAssignments([]string{"APP_L__+1=x"}, "APP", "__", true)
	if err != nil {
		t.Fatal(err)
	}
	root := yamlDoc(t, "l: [10, 20, 30]\n").Root
	if _, err := Apply(root, items[0], nil, 0); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("APP_L__+1: %v", err)
	}
	if got := lookup(t, root, "l"); !value.Equal(got, []any{int64(10), int64(20), int64(30)}) {
		t.Errorf("l = %v", got)
	}
}

// A cycle through a container names every step: the container a
// reference brought in, and the strings followed on the way to it (the
// chain read "a.b -> a.b" for a: {b: "${a}"}, and skipped c and a in
// b.k -> c -> a -> b -> b.k). A secret's references stay unnamed.
func TestCycleChainNamesEveryStep(t *testing.T) {
	cases := []struct{ doc, at, want string }{
		{`a: {b: "${a}"}`, "a", "a.b: reference cycle: a.b -> a -> a.b"},
		{`a: ["${a}"]`, "a", "a.0: reference cycle: a.0 -> a -> a.0"},
		{`a: {b: {c: "${a.b}"}}`, "a", "a.b.c: reference cycle: a.b.c -> a.b -> a.b.c"},
		{"a: ${b}\nb: {x: \"${a}\"}", "b", "b.x: reference cycle: b.x -> a -> b -> b.x"},
		{"a: ${b}\nb: {k: \"${c}\"}\nc: ${a}", "b", "b.k: reference cycle: b.k -> c -> a -> b -> b.k"},
		{"a: ${b}\nb: ${c}\nc: ${a}", "a", "a: reference cycle: a -> b -> c -> a"},
		{"db: {password: \"${alias}\"}\nalias: ${db}", "db",
			"db.password: reference cycle: db.password -> (not shown: a secret) -> (not shown: a secret) -> (not shown: a secret)"},
	}
	for _, c := range cases {
		r := resolver(t, c.doc, nil)
		v, _ := r.Root.Get(c.at)
		_, err := r.Deep(v, []string{c.at})
		if !errors.Is(err, ErrInterpolation) || err.Error() != c.want {
			t.Errorf("%q: %v; want %s", c.doc, err, c.want)
		}
	}
	// Paths with no cycle resolve as before, however many containers a
	// chain of references passes.
	r := resolver(t, "a: ${b}\nb: ${c}\nc: {x: \"${d}\", y: \"${d}\"}\nd: {k: 1}\nuse: {p: \"${a}\", q: \"${a.x.k}\"}", nil)
	v, _ := r.Root.Get("use")
	got, err := r.Deep(v, []string{"use"})
	if err != nil || lookup(t, got.(*value.Map), "p.y.k") != int64(1) || lookup(t, got.(*value.Map), "q") != int64(1) {
		t.Errorf("use = %v, %v", got, err)
	}
}
