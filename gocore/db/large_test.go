package db_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/db/internal/dbtest"
	"github.com/gocfg/gocfg/gocore/db/sqlite"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// bigConfig returns a config of about size bytes of JSON, made of random
// text (which zstd shrinks by only a quarter) in many keys, like a large
// generated config, with seed marking which version it is.
func bigConfig(t *testing.T, size int, seed string) *value.Map {
	t.Helper()
	cfg := value.NewMap(0)
	cfg.Set("version", seed)
	for i := 0; size > 0; i++ {
		raw := make([]byte, min(size, 3000)*3/4)
		rand.Read(raw)
		cfg.Set(fmt.Sprintf("key%05d", i), base64.StdEncoding.EncodeToString(raw))
		size -= len(raw)*4/3 + 14
	}
	return cfg
}

func encoded(t *testing.T, cfg *value.Map) []byte {
	t.Helper()
	b, err := dbtest.JSONCodec{}.Encode(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sameConfig(t *testing.T, got, want *value.Map, what string) {
	t.Helper()
	if g, w := encoded(t, got), encoded(t, want); !bytes.Equal(g, w) {
		t.Fatalf("%s: got %d bytes that differ from the %d saved", what, len(g), len(w))
	}
}

// TestLargeConfigs saves configs over etcd's request limit (1.5 MiB) and,
// compressed, still over it, so that etcd stores them in pieces, and checks
// that revisions, compare-and-swap, history, watch and delete behave as for
// small ones on every backend.
func TestLargeConfigs(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			d := b.open(t)
			ctx := t.Context()
			v1, v2, v3 := bigConfig(t, 2<<20, "v1"), bigConfig(t, 5<<20, "v2"), bigConfig(t, 3<<20, "v3")
			if rev := mustSave(t, d, "big", v1, 0); rev != 1 {
				t.Fatalf("first save: revision %d", rev)
			}
			got, rev, err := d.Load(ctx, "big", 0)
			if err != nil || rev != 1 {
				t.Fatalf("Load: %v, revision %d", err, rev)
			}
			sameConfig(t, got, v1, "latest after one save")
			if rev := mustSave(t, d, "big", v2, 1); rev != 2 {
				t.Fatalf("second save: revision %d", rev)
			}
			_, err = d.Save(ctx, "big", v3, 1)
			wantErr(t, err, db.ErrConflict)

			watchCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			events, err := d.Watch(watchCtx, "big")
			if err != nil {
				t.Fatal(err)
			}
			mustSave(t, d, "big", v3, 2)
			ev, ok := <-events
			if !ok || ev.Revision != 3 || ev.Deleted {
				t.Fatalf("watch: %+v, %v", ev, ok)
			}
			// What the event announces is whole when it is announced.
			got, _, err = d.Load(ctx, "big", ev.Revision)
			if err != nil {
				t.Fatal(err)
			}
			sameConfig(t, got, v3, "revision 3, loaded on its event")

			hist, err := d.History(ctx, "big")
			if err != nil || len(hist) != 3 {
				t.Fatalf("History: %v, %v", hist, err)
			}
			for i, want := range []*value.Map{v1, v2, v3} {
				if hist[i].Revision != int64(i+1) {
					t.Fatalf("history %d: revision %d", i, hist[i].Revision)
				}
				got, _, err := d.Load(ctx, "big", hist[i].Revision)
				if err != nil {
					t.Fatal(err)
				}
				sameConfig(t, got, want, fmt.Sprintf("revision %d", i+1))
			}
			rows, err := d.Query(ctx, "big:version")
			if err != nil || len(rows) != 1 || rows[0].Value != "v3" {
				t.Fatalf("Query: %v, %v", rows, err)
			}
			if err := d.Delete(ctx, "big"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := d.Load(ctx, "big", 3); !isNotFound(err) {
				t.Fatalf("Load after delete: %v", err)
			}
			if rev := mustSave(t, d, "big", v1, 0); rev != 5 {
				t.Fatalf("save after delete: revision %d", rev)
			}
		})
	}
}

func isNotFound(err error) bool { return err != nil && strings.Contains(err.Error(), "not found") }

// withParam adds a query parameter to a store URL.
func withParam(u, kv string) string {
	if strings.Contains(u, "?") {
		return u + "&" + kv
	}
	return u + "?" + kv
}

// TestConfigLimit saves configs just at and just over the size limit set
// in the URL, and checks that Options override the URL.
func TestConfigLimit(t *testing.T) {
	const limit = 256 << 10
	// {"s":"xx...x"} is n+8 bytes of JSON.
	sized := func(n int) *value.Map { return dbtest.Map("s", strings.Repeat("x", n-8)) }
	urls := map[string]func(t *testing.T) string{
		"memory": func(t *testing.T) string { return "memory://" },
		"sqlite": func(t *testing.T) string { return "sqlite://" + filepath.Join(t.TempDir(), "s.db") },
		"etcd": func(t *testing.T) string {
			return etcdServer(t).URL(fmt.Sprintf("/limit/t%d", prefixSeq.Add(1)))
		},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			u := urls[b.name](t)
			d := open(t, withParam(u, "max_config_bytes=256KiB"))
			ctx := t.Context()
			if len(encoded(t, sized(limit))) != limit {
				t.Fatal("the test's sizing is off")
			}
			mustSave(t, d, "at", sized(limit), -1)
			_, err := d.Save(ctx, "over", sized(limit+1), -1)
			wantErr(t, err, errs.ErrLimit)
			wantErr(t, err, errs.ErrInvalidArgument)
			for _, s := range []string{"262145 bytes", "limit of 262144 bytes (256 KiB)", "max_config_bytes"} {
				if !strings.Contains(err.Error(), s) {
					t.Fatalf("error %q does not say %q", err, s)
				}
			}
			got, _, err := d.Load(ctx, "at", 0)
			if err != nil {
				t.Fatal(err)
			}
			sameConfig(t, got, sized(limit), "config at the limit")

			// Options win over the URL.
			d2, err := db.Open(withParam(u, "max_config_bytes=1KiB"), db.Options{MaxConfigBytes: limit + 1}, dbtest.JSONCodec{})
			if err != nil {
				t.Fatal(err)
			}
			defer d2.Close()
			if _, err := d2.Save(ctx, "over", sized(limit+1), -1); err != nil {
				t.Fatalf("Options.MaxConfigBytes did not raise the limit: %v", err)
			}
		})
	}
	t.Run("bad values", func(t *testing.T) {
		for _, v := range []string{"0", "-1", "x", "1.5MiB", ""} {
			_, err := db.Open("memory://?max_config_bytes="+v, db.Options{}, dbtest.JSONCodec{})
			wantErr(t, err, errs.ErrInvalidArgument)
		}
		_, err := db.Open("memory://", db.Options{MaxConfigBytes: -1}, dbtest.JSONCodec{})
		wantErr(t, err, errs.ErrInvalidArgument)
	})
	t.Run("load over a lower limit", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "s.db")
		big := open(t, path)
		mustSave(t, big, "c", sized(4096), -1)
		small := open(t, "sqlite://"+path+"?max_config_bytes=1KiB")
		_, _, err := small.Load(t.Context(), "c", 0)
		wantErr(t, err, errs.ErrLimit)
	})
	t.Run("sqlite:relative reads as a URL", func(t *testing.T) {
		dir := t.TempDir()
		t.Chdir(dir)
		big := open(t, "s.db")
		mustSave(t, big, "c", sized(4096), -1)
		// The parameter applies, as with sqlite:///abs/path.db, and the
		// file is s.db, not one named after the whole text.
		small := open(t, "sqlite:s.db?max_config_bytes=1KiB")
		_, _, err := small.Load(t.Context(), "c", 0)
		wantErr(t, err, errs.ErrLimit)
		for _, u := range []string{"sqlite:s.db?mode=ro", "sqlite:s.db#x", "sqlite:s.db?max_config_bytes=1KiB&cache=shared", "sqlite:sub/", "sqlite:///" + dir + "/sub/"} {
			_, err := db.Open(u, db.Options{}, dbtest.JSONCodec{})
			wantErr(t, err, errs.ErrInvalidArgument)
		}
		// A bare path is a path: '?' is part of its file name.
		odd := open(t, "odd?name 1%.db")
		mustSave(t, odd, "c", sized(10), -1)
		// Its URL opens the same file.
		if again := open(t, odd.String()); again.String() != odd.String() || !strings.Contains(odd.String(), "odd%3Fname%201%25.db") {
			t.Fatalf("%s, then %s", odd, again)
		} else if _, _, err := again.Load(t.Context(), "c", 0); err != nil {
			t.Fatal(err)
		}
		if got, err := filepath.Glob(filepath.Join(dir, "*.db")); err != nil || len(got) != 2 {
			t.Fatalf("files %v %v: want s.db and odd?name.db", got, err)
		}
	})
}

// TestLegacyBlobs reads configs stored before the storage encoding was
// versioned: the codec output itself.
func TestLegacyBlobs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	st, err := sqlite.Open(path, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(t.Context(), "old", []byte(`{"a":1,"b":["x"]}`), -1, time.Now()); err != nil {
		t.Fatal(err)
	}
	st.Close()
	d := open(t, path)
	got, rev, err := d.Load(t.Context(), "old", 0)
	if err != nil || rev != 1 {
		t.Fatalf("Load: %v", err)
	}
	sameConfig(t, got, dbtest.Map("a", int64(1), "b", []any{"x"}), "legacy blob")
	rows, err := d.Query(t.Context(), "old:a")
	if err != nil || len(rows) != 1 || rows[0].Value != int64(1) {
		t.Fatalf("Query: %v %v", rows, err)
	}
}

// TestDamagedStorage checks that damaged stored data is an I/O error (the
// storage failed), never an invalid argument (the caller did nothing
// wrong): a blob that does not decode, a bad header, and damaged pages of
// a SQLite file.
func TestDamagedStorage(t *testing.T) {
	ctx := t.Context()
	t.Run("blobs", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "d.db")
		st, err := sqlite.Open(path, db.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for name, blob := range map[string]string{
			"notjson":   `{"a":`,
			"badmagic":  "\x00gcX\x01\x00\x01x",
			"badsize":   "\x00gcf\x01\x00\x05abc",
			"badzstd":   "\x00gcf\x01\x01\x05abcde",
			"newer":     "\x00gcf\x09\x00\x01x",
			"badmethod": "\x00gcf\x01\x07\x01x",
			"short":     "\x00gc",
		} {
			if _, err := st.Put(ctx, name, []byte(blob), -1, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		st.Close()
		d := open(t, path)
		names, _ := d.Names(ctx, "")
		for _, name := range names {
			_, _, err := d.Load(ctx, name, 0)
			wantErr(t, err, errs.ErrIO)
			if strings.Contains(err.Error(), "invalid argument") {
				t.Fatalf("%s: %v", name, err)
			}
		}
		_, err = d.Query(ctx, "**:a")
		wantErr(t, err, errs.ErrIO)
	})
	t.Run("sqlite pages", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "p.db")
		d, err := db.Open(path, db.Options{}, dbtest.JSONCodec{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 200 {
			if _, err := d.Save(ctx, fmt.Sprintf("c%03d", i), dbtest.Map("n", int64(i), "pad", strings.Repeat("p", 300)), -1); err != nil {
				t.Fatal(err)
			}
		}
		d.Close()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// Overwrite everything after the first page (the header and the
		// schema) with garbage.
		for i := 4096; i < len(data); i++ {
			data[i] = byte(i*7 + 0x5a)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		d, err = db.Open(path, db.Options{}, dbtest.JSONCodec{})
		if err != nil {
			wantErr(t, err, errs.ErrIO)
			return
		}
		defer d.Close()
		_, _, err = d.Load(ctx, "c100", 0)
		wantErr(t, err, errs.ErrIO)
		_, err = d.Names(ctx, "")
		wantErr(t, err, errs.ErrIO)
	})
}
