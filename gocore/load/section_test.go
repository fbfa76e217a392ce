package load_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/load"
	"github.com/gocfg/gocfg/gocore/value"
)

func TestSection(t *testing.T) {
	text := "default:\n  port: 1\nproduction:\n  port: 2\n  db:\n    host: h\nlisted: [1]\n"
	c, err := load.TextCodec("yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := load.Decode(t.Context(), c, []byte(text), "app.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sec, ok, err := load.Section(doc, "app.yaml", "production")
	if err != nil || !ok {
		t.Fatalf("production: ok %v, %v", ok, err)
	}
	if v, _ := sec.Root.Get("port"); v != int64(2) {
		t.Errorf("port = %#v, want 2", v)
	}
	// Positions are the file's, keyed below the section.
	if p, known := sec.Position(value.JoinPath("db", "host")); !known || p.Line != 6 {
		t.Errorf("db.host at %+v (known %v), want line 6", p, known)
	}
	if _, known := sec.Position(value.JoinPath("listed")); known {
		t.Error("a key beside the section has a position in it")
	}
	if _, ok, err := load.Section(doc, "app.yaml", "staging"); ok || err != nil {
		t.Errorf("a missing section: ok %v, %v", ok, err)
	}
	_, _, err = load.Section(doc, "app.yaml", "listed")
	if !errors.Is(err, errs.ErrTypeMismatch) || !strings.Contains(err.Error(), "app.yaml:7:") {
		t.Errorf("a list as a section: %v", err)
	}
}
