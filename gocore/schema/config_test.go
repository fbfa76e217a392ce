package schema

import (
	"context"
	"errors"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
)

func TestCheckConfigNamesOrigins(t *testing.T) {
	c := store.NewLayered(store.Settings{Interpolate: true})
	file := tree("server", tree("port", int64(8080), "host", "${env:HOST}"))
	pos := map[string]value.Pos{"server": {Line: 1, Column: 1}, "server.port": {Line: 2, Column: 9}}
	if err := c.MergeLayer(file, layer.Source{Kind: layer.KindFile, Name: "app.yaml", Positions: pos}, layer.Options{}); err != nil {
		t.Fatal(err)
	}
	items, err := layer.OverrideAssignments([]string{"server.port=80"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ApplyLayer(items); err != nil {
		t.Fatal(err)
	}
	sch := mustCompile(t, `{"properties": {"server": {"required": ["name"], "properties": {"port": {"minimum": 1024}}}}}`)
	found, total, err := CheckConfig(context.Background(), c, "", sch)
	if err == nil {
		t.Fatalf("an unresolvable reference validated: %+v", found)
	}
	c = store.NewLayered(store.Settings{Interpolate: true, Env: []string{"HOST=db"}})
	_ = c.MergeLayer(tree("server", tree("port", int64(8080), "host", "${env:HOST}")), layer.Source{Kind: layer.KindFile, Name: "app.yaml", Positions: pos}, layer.Options{})
	_ = c.ApplyLayer(items)
	sch = mustCompile(t, `{"properties": {"server": {"required": ["name"], "properties": {"port": {"minimum": 1024}, "host": {"const": "db"}}}}}`)
	found, total, err = CheckConfig(context.Background(), c, "", sch)
	if err != nil || total != 2 {
		t.Fatalf("%v %d %+v", err, total, found)
	}
	// The map's origin is the file that wrote it, the scalar's the override in force.
	if f := found[0]; f.FullPath != "server" || f.Origin.Kind != layer.KindFile || f.Origin.Line != 1 {
		t.Errorf("%+v", f)
	}
	if f := found[1]; f.FullPath != "server.port" || f.Origin.Kind != layer.KindOverride || f.Origin.Name != "server.port=80" {
		t.Errorf("%+v", f)
	}
	// A path: findings name the full path.
	sch = mustCompile(t, `{"properties": {"port": {"type": "string"}}}`)
	found, _, err = CheckConfig(context.Background(), c, "server", sch)
	if err != nil || len(found) != 1 || found[0].FullPath != "server.port" {
		t.Fatalf("%v %+v", err, found)
	}
	if _, _, err := CheckConfig(context.Background(), c, "nothing.here", sch); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("missing path: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := CheckConfig(ctx, c, "", sch); !errors.Is(err, errs.ErrCancelled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestCheckPlainConfigHasNoOrigins(t *testing.T) {
	c := store.New()
	if err := c.Set("port", "x"); err != nil {
		t.Fatal(err)
	}
	found, _, err := CheckConfig(context.Background(), c, "", mustCompile(t, `{"properties": {"port": {"type": "integer"}}}`))
	if err != nil || len(found) != 1 || found[0].Origin != (layer.Origin{}) {
		t.Fatalf("%v %+v", err, found)
	}
}
