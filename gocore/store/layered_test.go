package store

import (
	"errors"
	"fmt"
	"maps"
	"sync"
	"testing"

	"github.com/gocfg/gocfg/gocore/codec/yamlfmt"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/value"
)

func layered(t *testing.T) *Config {
	t.Helper()
	c := NewLayered(Settings{Interpolate: true, ParseEnv: true, Env: []string{"APP_SERVER__PORT=9000", "HOME=/home/me"}})
	doc, err := yamlfmt.Decode([]byte("server:\n  host: h\n  port: 80\nurl: \"http://${server.host}:${server.port}\"\nhome: ${env:HOME}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MergeLayer(doc.Root, layer.Source{Kind: layer.KindFile, Name: "app.yaml", Positions: doc.Positions}, layer.Options{}); err != nil {
		t.Fatal(err)
	}
	items, err := c.EnvAssignments("APP", "", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ApplyLayer(items); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLayeredReadsAndProvenance(t *testing.T) {
	c := layered(t)
	var url any
	c.View("url", func(v any) error { url = v; return nil })
	if url != "http://h:9000" {
		t.Fatalf("url = %v", url)
	}
	h, err := c.History("server.port")
	if err != nil || len(h) != 2 || h[0].String() != "app.yaml:3:3" || h[1].String() != "env APP_SERVER__PORT" {
		t.Fatalf("history = %v, %v", h, err)
	}
	if _, err := c.History("nope"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("history of nothing: %v", err)
	}
	c.Set("server.port", int64(1))
	h, _ = c.History("server.port")
	if len(h) != 3 || h[2].Kind != layer.KindSet {
		t.Fatalf("after set: %v", h)
	}
	rows, err := c.Explain("")
	if err != nil || len(rows) != 4 || rows[2].Path != "url" || rows[2].Value != "http://h:1" {
		t.Fatalf("explain = %+v, %v", rows, err)
	}
	var exported any
	c.ViewResolved("", func(v any) error { exported = v; return nil })
	if u, _ := exported.(*value.Map).Get("home"); u != "/home/me" {
		t.Fatalf("export home = %v", u)
	}
}

// Resolve stores the values that reads gave, in a config that still
// interpolates: a "${" in them is text. Stored as it read, a literal
// "$${x}" became the reference ${x} (read "X", not "${x}"), and so did
// one that a variable's value held.
func TestResolveKeepsWhatReadsGave(t *testing.T) {
	c := NewLayered(Settings{Interpolate: true, Env: []string{"TPL=${x}"}})
	for k, v := range map[string]any{"x": "X", "lit": "$${x}", "env": "${env:TPL}", "gha": "${{ x }}", "mixed": "a$${x}${x}$$${x}"} {
		if err := c.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	read := func() map[string]any {
		out := map[string]any{}
		for _, k := range []string{"lit", "env", "gha", "mixed"} {
			if err := c.View(k, func(v any) error { out[k] = v; return nil }); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	before := read()
	if before["lit"] != "${x}" || before["env"] != "${x}" || before["mixed"] != "a${x}X$${x}" {
		t.Fatalf("before: %v", before)
	}
	if err := c.Resolve(); err != nil {
		t.Fatal(err)
	}
	if after := read(); !maps.Equal(after, before) {
		t.Errorf("after Resolve: %v, want %v", after, before)
	}
	if err := c.Resolve(); err != nil { // and again: nothing to do
		t.Fatal(err)
	}
	if after := read(); !maps.Equal(after, before) {
		t.Errorf("after a second Resolve: %v, want %v", after, before)
	}
}

func TestFrozen(t *testing.T) {
	c := layered(t)
	v0 := c.Version()
	c.Freeze()
	for name, err := range map[string]error{
		"set":    c.Set("a", int64(1)),
		"delete": c.Delete("server"),
		"merge":  c.Merge("", value.NewMap(0)),
		"clear":  c.Clear(),
		"layer":  c.MergeLayer(value.NewMap(0), layer.Source{Kind: layer.KindDict}, layer.Options{}),
		"apply":  c.ApplyLayer(nil),
	} {
		if !errors.Is(err, ErrFrozen) {
			t.Errorf("%s on a frozen config: %v", name, err)
		}
	}
	if c.Version() != v0 {
		t.Error("a refused change moved the version")
	}
	cp := c.Clone()
	if cp.Frozen() || cp.Set("a", int64(1)) != nil {
		t.Error("a clone is mutable")
	}
	if h, _ := cp.History("server.host"); len(h) != 1 {
		t.Errorf("clone lost provenance: %v", h)
	}
}

func TestStateRoundTrip(t *testing.T) {
	c := layered(t)
	c.Freeze()
	b, err := c.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalState(b, []string{"HOME=/elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	if !back.Frozen() {
		t.Error("frozen flag lost")
	}
	h, _ := back.History("server.port")
	if len(h) != 2 || h[1].Name != "APP_SERVER__PORT" {
		t.Errorf("history lost: %v", h)
	}
	var home any
	back.View("home", func(v any) error { home = v; return nil })
	if home != "/elsewhere" {
		t.Errorf("home = %v (the reader's environment is used)", home)
	}
	for _, bad := range [][]byte{nil, []byte("N"), []byte("{0")} {
		if _, err := UnmarshalState(bad, nil); err == nil {
			t.Errorf("UnmarshalState(%q) accepted", bad)
		}
	}
}

func TestLayeredConcurrent(t *testing.T) {
	c := layered(t)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				switch i % 4 {
				case 0:
					c.Set("server.port", int64(i))
				case 1:
					c.View("url", func(any) error { return nil })
				case 2:
					c.History("server.port")
				case 3:
					c.Explain("")
				}
			}
		}(g)
	}
	wg.Wait()
}

// A path through a reference (a: ${b}, read at a.x) is explained as it is
// read: its leaves, with the origin History gives (the reference's), and
// a literal "$${" in the target read once, not resolved a second time.
func TestExplainThroughAReference(t *testing.T) {
	c := NewLayered(Settings{Interpolate: true})
	doc, err := yamlfmt.Decode([]byte("b:\n  x: 1\n  y: {z: \"$${lit}\"}\nl: [10, 20]\na: ${b}\nal: ${l}\nchain: ${a}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MergeLayer(doc.Root, layer.Source{Kind: layer.KindFile, Name: "app.yaml", Positions: doc.Positions}, layer.Options{}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]any{"a.x": int64(1), "a.y.z": "${lit}", "al.1": int64(20), "chain.x": int64(1)} {
		rows, err := c.Explain(path)
		if err != nil || len(rows) != 1 || rows[0].Path != path || !value.Equal(rows[0].Value, want) || rows[0].Err != "" {
			t.Errorf("Explain(%s) = %+v, %v", path, rows, err)
			continue
		}
		h, _ := c.History(path)
		if len(h) == 0 || rows[0].Origin != h[len(h)-1] {
			t.Errorf("Explain(%s) origin %v, history %v", path, rows[0].Origin, h)
		}
	}
	if rows, err := c.Explain("a.y"); err != nil || len(rows) != 1 || rows[0].Path != "a.y.z" {
		t.Errorf("Explain(a.y) = %+v, %v", rows, err)
	}
	for _, path := range []string{"a.nope", "al.2", "al.+1", "a.x.deeper"} {
		if rows, err := c.Explain(path); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("Explain(%s) = %+v, %v", path, rows, err)
		}
	}
}

// ViewResolved resolves each reference once: a literal "$${x}" reads
// "${x}" at a string, in a list and through a reference alike (a second
// pass took it for the reference ${x}, missing).
func TestViewResolvedReadsLiteralsOnce(t *testing.T) {
	c := NewLayered(Settings{Interpolate: true})
	doc, err := yamlfmt.Decode([]byte("d: \"$${x}\"\nl: [\"$${x}\", 1]\nal: ${l}\nm: {k: \"$${x}\"}\nam: ${m}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MergeLayer(doc.Root, layer.Source{Kind: layer.KindFile, Name: "app.yaml"}, layer.Options{}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"d": "${x}", "l": "[${x} 1]", "al": "[${x} 1]", "al.0": "${x}", "m": "{k: ${x}}", "am.k": "${x}"} {
		var got any
		err := c.ViewResolved(path, func(v any) error { got = v; return nil })
		if m, ok := got.(*value.Map); ok {
			k, _ := m.Get("k")
			got = fmt.Sprintf("{k: %v}", k)
		}
		if err != nil || fmt.Sprint(got) != want {
			t.Errorf("ViewResolved(%s) = %v, %v; want %s", path, got, err, want)
		}
	}
}
