package store

import (
	"errors"
	"reflect"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/value"
)

// copyWithSecret is a copy as the binding makes one of a Section
// (MarshalState and back): {"user": "me", "token": "t0k"}, token from a
// secret file, user from a file whose origin must not travel.
func copyWithSecret(t *testing.T) *Config {
	t.Helper()
	src := NewLayered(Settings{})
	doc := value.NewMap(1)
	doc.Set("user", "me")
	if err := src.MergeLayer(doc, layer.Source{Kind: layer.KindFile, Name: "app.yaml"}, layer.Options{}); err != nil {
		t.Fatal(err)
	}
	secret := layer.Origin{Kind: layer.KindSecret, Name: "/run/secrets/token"}
	if err := src.ApplyLayer([]layer.Assignment{{Segs: []string{"token"}, Value: "t0k", Origin: secret}}); err != nil {
		t.Fatal(err)
	}
	state, err := src.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalState(state, nil)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

func lastKind(t *testing.T, c *Config, path string) layer.Kind {
	t.Helper()
	hist, err := c.History(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) == 0 {
		return layer.KindNone
	}
	return hist[len(hist)-1].Kind
}

func TestGraftKeepsOnlySecretOrigins(t *testing.T) {
	for _, merge := range []bool{false, true} {
		c := New()
		if err := c.Set("keep", int64(1)); err != nil {
			t.Fatal(err)
		}
		at, under := "copy", "copy."
		if merge {
			at, under = "", ""
		}
		if err := c.Graft(at, copyWithSecret(t), merge); err != nil {
			t.Fatal(err)
		}
		if v, _ := c.Get(under + "token"); v != "t0k" {
			t.Fatalf("merge=%v: token = %v", merge, v)
		}
		if k := lastKind(t, c, under+"token"); k != layer.KindSecret {
			t.Fatalf("merge=%v: token's origin is %v, want secret", merge, k)
		}
		// The file's origin stays behind; the plain config had none to give.
		if k := lastKind(t, c, under+"user"); k != layer.KindNone {
			t.Fatalf("merge=%v: user's origin is %v, want none", merge, k)
		}
		if v, _ := c.Get("keep"); v != int64(1) {
			t.Fatalf("merge=%v: keep = %v", merge, v)
		}
	}
}

func TestGraftIsAWrite(t *testing.T) {
	c := New()
	c.Freeze()
	before := c.Version()
	if err := c.Graft("x", copyWithSecret(t), false); !errors.Is(err, errs.ErrFrozen) {
		t.Fatalf("frozen: %v", err)
	}
	if c.Version() != before || c.Layered() {
		t.Fatal("a refused graft changed the config")
	}
	c = New()
	if err := c.Set("list", []any{int64(1)}); err != nil {
		t.Fatal(err)
	}
	if err := c.Graft("list", copyWithSecret(t), true); !errors.Is(err, errs.ErrTypeMismatch) {
		t.Fatalf("merge into a list: %v", err)
	}
	if got, _ := c.Get("list"); !reflect.DeepEqual(got, []any{int64(1)}) || c.Layered() {
		t.Fatalf("a refused merge changed the config: %v", got)
	}
}
