package live

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/value"
	"github.com/gocfg/gocfg/gocore/wire"
)

// wireCodec stores configs as the C ABI's database does.
type wireCodec struct{}

func (wireCodec) Encode(m *value.Map) ([]byte, error) { return wire.EncodeTagged(m) }

func (wireCodec) Decode(b []byte) (*value.Map, error) {
	v, err := wire.Decode(b)
	if err != nil {
		return nil, err
	}
	m, ok := v.(*value.Map)
	if !ok {
		return nil, fmt.Errorf("not a map: %w", errs.ErrParse)
	}
	return m, nil
}

func backends(t *testing.T) map[string]func() *db.DB {
	out := map[string]func() *db.DB{
		"memory": func() *db.DB {
			d, err := db.Open("memory://", db.Options{}, wireCodec{})
			if err != nil {
				t.Fatal(err)
			}
			return d
		},
		"sqlite": func() *db.DB {
			d, err := db.Open("sqlite://"+filepath.Join(t.TempDir(), "cfg.db"), db.Options{PollInterval: 10 * time.Millisecond}, wireCodec{})
			if err != nil {
				t.Fatal(err)
			}
			return d
		},
	}
	if _, err := os.Stat(etcdBinary); err == nil {
		out["etcd"] = func() *db.DB {
			url := startEtcd(t)
			d, err := db.Open(url, db.Options{}, wireCodec{})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
	} else {
		t.Logf("etcd not measured: %s is not installed", etcdBinary)
	}
	return out
}

const etcdBinary = "/usr/bin/etcd"

// startEtcd runs a single-node etcd on loopback ports for the test and
// returns a URL for it, waiting until it answers.
func startEtcd(t *testing.T) string {
	t.Helper()
	port := func() int {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		return ln.Addr().(*net.TCPAddr).Port
	}
	client := fmt.Sprintf("http://127.0.0.1:%d", port())
	peer := fmt.Sprintf("http://127.0.0.1:%d", port())
	cmd := exec.Command(etcdBinary, "--name", "n0", "--data-dir", filepath.Join(t.TempDir(), "etcd"),
		"--listen-client-urls", client, "--advertise-client-urls", client,
		"--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
		"--initial-cluster", "n0="+peer, "--initial-cluster-state", "new",
		"--heartbeat-interval", "10", "--election-timeout", "100", "--log-level", "error")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := "etcd://" + strings.TrimPrefix(client, "http://") + "/live-test"
	deadline := time.Now().Add(patience)
	for {
		d, err := db.Open(url, db.Options{DialTimeout: time.Second}, wireCodec{})
		if err == nil {
			_, err = d.Names(context.Background(), "")
			d.Close()
			if err == nil {
				return url
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("etcd did not come up: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func save(t *testing.T, d *db.DB, name string, kv ...any) {
	t.Helper()
	if _, err := d.Save(context.Background(), name, mapOf(kv...), -1); err != nil {
		t.Fatal(err)
	}
}

func TestStoredLayer(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			d := open()
			defer d.Close()
			save(t, d, "services/api", "port", int64(1), "host", "db")
			dir := t.TempDir()
			p := filepath.Join(dir, "app.yaml")
			write(t, p, "port: 0\nhost: file\nfile_only: true\n")
			stored, err := Stored(d, "services/api", false, false, layer.Options{})
			if err != nil {
				t.Fatal(err)
			}
			opt, err := Stored(d, "services/api/local", true, false, layer.Options{})
			if err != nil {
				t.Fatal(err)
			}
			l := start(t, []Layer{fileLayer(t, p, false), stored, opt}, Options{})
			c := l.Config()
			if get(t, c, "port") != int64(1) || get(t, c, "file_only") != true {
				t.Fatalf("config %v", c.Snapshot())
			}
			if o := lastOrigin(c, "port"); o.Kind != layer.KindStored || o.String() != "stored services/api" {
				t.Fatalf("origin %v", o)
			}

			save(t, d, "services/api", "port", int64(2), "host", "db")
			ev := next(t, l, Applied)
			if len(ev.Changes) != 1 || ev.Changes[0].Path != "port" || ev.Changes[0].New != int64(2) ||
				ev.Changes[0].NewOrigin.Kind != layer.KindStored {
				t.Fatalf("changes %+v", ev.Changes)
			}
			if len(ev.Sources) != 1 || !strings.HasSuffix(ev.Sources[0], " services/api") {
				t.Fatalf("sources %v", ev.Sources)
			}

			// An optional stored config appearing below the watched name.
			save(t, d, "services/api/local", "host", "local")
			until(t, l, valueIs("host", "local"))

			// A required stored config deleted: rejected, the config stays.
			if err := d.Delete(context.Background(), "services/api"); err != nil {
				t.Fatal(err)
			}
			ev = next(t, l, Rejected)
			if !errors.Is(ev.Err, errs.ErrNotFound) || get(t, l.Config(), "port") != int64(2) {
				t.Fatalf("rejection %v, port %v", ev.Err, get(t, l.Config(), "port"))
			}
			save(t, d, "services/api", "port", int64(3))
			until(t, l, valueIs("port", int64(3)))

			// The database closed under the Live: a Failed event per
			// stored layer; the file is still watched.
			d.Close()
			for range 2 {
				if ev := next(t, l, Failed); !errors.Is(ev.Err, errs.ErrClosed) {
					t.Fatalf("failed: %v", ev.Err)
				}
			}
			saveByRename(t, p, "port: 0\nhost: file\nfile_only: false\n")
			ev = next(t, l, Rejected) // the stored layer cannot be read any more
			if !errors.Is(ev.Err, errs.ErrClosed) {
				t.Fatalf("rejection %v", ev.Err)
			}
		})
	}
}

func TestStoredLayerOwnsItsDatabase(t *testing.T) {
	before := runtime.NumGoroutine()
	for name, open := range backends(t) {
		d := open()
		save(t, d, "cfg", "a", int64(1))
		stored, err := Stored(d, "cfg", false, true, layer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		l, err := New([]Layer{stored}, Options{Debounce: quick})
		if err != nil {
			t.Fatal(err)
		}
		save(t, d, "cfg", "a", int64(2))
		next(t, l, Applied)
		if err := l.Close(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := d.Names(context.Background(), ""); !errors.Is(err, errs.ErrClosed) {
			t.Fatalf("%s: the owned database is still open: %v", name, err)
		}
	}
	waitGoroutines(t, before)
}

func TestStoredLayerArguments(t *testing.T) {
	if _, err := Stored(nil, "x", false, false, layer.Options{}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("nil db: %v", err)
	}
	d, _ := db.Open("memory://", db.Options{}, wireCodec{})
	defer d.Close()
	if _, err := Stored(d, "", false, false, layer.Options{}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("empty name: %v", err)
	}
	stored, _ := Stored(d, "absent", false, false, layer.Options{})
	if _, err := New([]Layer{stored}, Options{}); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("missing required stored config: %v", err)
	}
}

func TestNewFailingClosesOwnedDatabase(t *testing.T) {
	d, err := db.Open("memory://", db.Options{}, wireCodec{})
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := Stored(d, "absent", false, true, layer.Options{})
	if _, err := New([]Layer{stored}, Options{}); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("New: %v", err)
	}
	if _, err := d.Names(context.Background(), ""); !errors.Is(err, errs.ErrClosed) {
		t.Fatalf("the owned database is still open: %v", err)
	}
}
