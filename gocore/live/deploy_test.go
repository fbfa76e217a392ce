package live

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/secretsdir"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
)

func TestEnvFileAndSecretsDirAreWatched(t *testing.T) {
	dir := t.TempDir()
	env := filepath.Join(dir, ".env")
	write(t, env, "APP_DB__HOST=one\nNAME=x\n")
	sec := filepath.Join(dir, "secrets")
	if err := os.Mkdir(sec, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(sec, "db__password"), "p1\n")
	ef, err := EnvFile(env, "APP", "", false)
	if err != nil {
		t.Fatal(err)
	}
	sd, err := SecretsDir(sec, "")
	if err != nil {
		t.Fatal(err)
	}
	envLayer := Env("APP", "", false)
	opts := Options{Settings: store.Settings{Interpolate: true, ParseEnv: true, Env: []string{"APP_PORT=7"}}}
	l := start(t, []Layer{sd, ef, envLayer}, opts)
	c := l.Config()
	if get(t, c, "db.host") != "one" || get(t, c, "db.password") != "p1" || get(t, c, "port") != int64(7) {
		t.Fatalf("first config: %v", c.Snapshot())
	}
	if h, _ := c.History("db.password"); len(h) != 1 || h[0].Kind != layer.KindSecret {
		t.Fatalf("origin of a secret: %v", h)
	}
	saveByRename(t, env, "APP_DB__HOST=two\n")
	until(t, l, func(c *store.Config) bool { return get(t, c, "db.host") == "two" })
	write(t, filepath.Join(sec, "api_token"), "tok")
	until(t, l, func(c *store.Config) bool { return get(t, c, "api_token") == "tok" })
	if err := os.Remove(filepath.Join(sec, "db__password")); err != nil {
		t.Fatal(err)
	}
	until(t, l, func(c *store.Config) bool { _, err := c.Get("db.password"); return err != nil })
}

func TestSecretsAreTextAndBounded(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a"), "0123\r\n")
	write(t, filepath.Join(dir, ".hidden"), "skipped")
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	sd, _ := SecretsDir(dir, "")
	r, err := sd.readSecrets(t.Context())
	if err != nil || len(r.named) != 1 || r.named[0].Value != "0123" {
		t.Fatalf("read %v, %v", r.named, err)
	}
	write(t, filepath.Join(dir, "big"), strings.Repeat("x", secretsdir.FileMax+1))
	if _, err := sd.readSecrets(t.Context()); !errors.Is(err, errs.ErrLimit) || strings.Contains(err.Error(), "xxx") {
		t.Fatalf("a secret over the bound: %v", err)
	}
	write(t, filepath.Join(dir, "big"), "bad\xffvalue")
	if _, err := sd.readSecrets(t.Context()); err == nil || !strings.Contains(err.Error(), "UTF-8") || strings.Contains(err.Error(), "value") {
		t.Fatalf("a secret that is not text: %v", err)
	}
	missing, _ := SecretsDir(filepath.Join(dir, "nope"), "")
	if r, err := missing.readSecrets(t.Context()); err != nil || r.named != nil {
		t.Fatalf("a missing directory is skipped: %v %v", r, err)
	}
}

func TestSectionLayer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.yaml")
	write(t, path, "default:\n  a: 1\nprod:\n  a: 2\n")
	def, _ := Section(path, "", "default", false, layer.Options{})
	prod, _ := Section(path, "", "prod", false, layer.Options{})
	none, _ := Section(path, "", "staging", false, layer.Options{})
	l := start(t, []Layer{def, prod, none}, Options{})
	if get(t, l.Config(), "a") != int64(2) {
		t.Fatalf("config %v", l.Config().Snapshot())
	}
	if h, _ := l.Config().History("a"); len(h) != 2 || h[1].Line != 4 || h[1].Column != 3 {
		t.Fatalf("origins %v", h)
	}
	saveByRename(t, path, "default:\n  a: 1\nprod: 3\n")
	ev := next(t, l, Rejected)
	if !errors.Is(ev.Err, errs.ErrTypeMismatch) || !strings.Contains(ev.Err.Error(), `section "prod"`) {
		t.Fatalf("rejected with %v", ev.Err)
	}
}

func TestAssignFromWire(t *testing.T) {
	m := value.NewMap(1)
	m.Set("k", "v")
	spec := []any{[]any{"assign", []any{
		[]any{[]any{"server", "port"}, int64(9), int64(layer.KindFlag), "--server.port", int64(0), int64(0)},
		[]any{[]any{"labels"}, m, int64(layer.KindFlag), "--labels", int64(0), int64(0)},
	}, int64(0)}}
	layers, err := FromWire(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := start(t, layers, Options{})
	if get(t, l.Config(), "server.port") != int64(9) || get(t, l.Config(), "labels.k") != "v" {
		t.Fatalf("config %v", l.Config().Snapshot())
	}
	for _, bad := range []any{
		[]any{"assign", "rows", int64(0)},
		[]any{"assign", []any{[]any{[]any{}, int64(1), int64(layer.KindFlag), "--x", int64(0), int64(0)}}, int64(0)},
		[]any{"assign", []any{[]any{[]any{"x"}, int64(1), int64(999), "--x", int64(0), int64(0)}}, int64(0)},
		[]any{"secrets", "", "", int64(0)},
		[]any{"section", "p.yaml", "", "", int64(0)},
		[]any{"envfile", "", "", "", int64(0)},
	} {
		if _, err := FromWire([]any{bad}, nil); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
}
