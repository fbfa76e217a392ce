package store

import (
	"reflect"
	"testing"

	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/value"
	"github.com/gocfg/gocfg/gocore/wire"
)

func TestSecretInputs(t *testing.T) {
	for _, interp := range []bool{true, false} {
		c := NewLayered(Settings{Interpolate: interp})
		doc := value.NewMap(2)
		doc.Set("dsn", "postgres://u:${db.password}@h")
		doc.Set("list", []any{"plain", "${env:TOKEN}", int64(1)})
		doc.Set("escaped", "$${not}")
		if err := c.MergeLayer(doc, layer.Source{Kind: layer.KindFile, Name: "app.yaml"}, layer.Options{}); err != nil {
			t.Fatal(err)
		}
		secret := layer.Origin{Kind: layer.KindSecret, Name: "/run/secrets/db__password"}
		if err := c.ApplyLayer([]layer.Assignment{
			{Segs: []string{"db", "password"}, Value: "hunter2", Origin: secret},
			{Segs: []string{"api"}, Value: "k", Origin: secret},
		}); err != nil {
			t.Fatal(err)
		}
		b, err := c.SecretInputs()
		if err != nil {
			t.Fatal(err)
		}
		got, err := wire.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		// db is a map that a secret file made: not itself a secret.
		files := []any{[]any{"api"}, []any{"db", "password"}}
		var refs []any
		if interp {
			refs = []any{
				[]any{[]any{"dsn"}, "postgres://u:${db.password}@h"},
				[]any{[]any{"list", "1"}, "${env:TOKEN}"},
				[]any{[]any{"escaped"}, "$${not}"},
			}
		}
		l := got.([]any)
		gotFiles := l[1].([]any)
		if len(gotFiles) == 2 && reflect.DeepEqual(gotFiles[0], files[1]) { // Walk's order is a map's
			gotFiles[0], gotFiles[1] = gotFiles[1], gotFiles[0]
		}
		if l[0] != interp || !reflect.DeepEqual(gotFiles, files) || len(l[2].([]any)) != len(refs) ||
			(interp && !reflect.DeepEqual(l[2], refs)) {
			t.Errorf("interpolate=%v: got %#v", interp, got)
		}
	}
}
