package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/db/internal/dbtest"
	"github.com/gocfg/gocfg/gocore/errs"
)

// The helper process: when the test binary is started with these variables
// set, it increments a counter and exits instead of running the tests.
const (
	helperEnv     = "GOCFG_DB_SQLITE_HELPER" // the database file
	helperNameEnv = "GOCFG_DB_SQLITE_HELPER_NAME"
	helperNEnv    = "GOCFG_DB_SQLITE_HELPER_N"
)

func TestMain(m *testing.M) {
	if path := os.Getenv(helperEnv); path != "" {
		os.Exit(helper(path, os.Getenv(helperNameEnv), os.Getenv(helperNEnv)))
	}
	os.Exit(m.Run())
}

func helper(path, name, count string) int {
	n, err := strconv.Atoi(count)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper: bad count:", err)
		return 2
	}
	d, err := db.Open(path, db.Options{BusyTimeout: 30 * time.Second}, dbtest.JSONCodec{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper: open:", err)
		return 1
	}
	defer d.Close()
	conflicts := 0
	for range n {
		c, err := dbtest.Increment(context.Background(), d, name)
		conflicts += c
		if err != nil {
			fmt.Fprintln(os.Stderr, "helper: increment:", err)
			return 1
		}
	}
	fmt.Printf("%d conflicts\n", conflicts)
	return 0
}

func openDB(t *testing.T, url string) *db.DB {
	t.Helper()
	d, err := db.Open(url, db.Options{PollInterval: 20 * time.Millisecond}, dbtest.JSONCodec{})
	if err != nil {
		t.Fatalf("Open(%q): %v", url, err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// TestMultiProcess: two processes each do 500 compare-and-swap increments
// on one file; the counter ends at exactly 1000, and a watcher in a third
// process (this one) sees every save.
func TestMultiProcess(t *testing.T) {
	const procs, each = 2, 500
	path := filepath.Join(t.TempDir(), "shared.db")
	d := openDB(t, path)
	ctx := t.Context()
	if _, err := d.Save(ctx, "counter", dbtest.Map("n", int64(0)), 0); err != nil {
		t.Fatal(err)
	}
	events, err := d.Watch(ctx, "counter")
	if err != nil {
		t.Fatal(err)
	}
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"="+path, helperNameEnv+"=counter", helperNEnv+"="+strconv.Itoa(each))
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper %d: %v\n%s", i, err, outs[i])
		}
		t.Logf("helper %d: %s", i, strings.TrimSpace(outs[i].String()))
	}
	cfg, rev, err := d.Load(ctx, "counter", 0)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := cfg.Get("n"); n != int64(procs*each) || rev != procs*each+1 {
		t.Fatalf("counter %v at revision %d, want %d at %d", n, rev, procs*each, procs*each+1)
	}
	// The watch polls the file, so it sees the other processes' commits,
	// each one, in order.
	for want := int64(2); want <= procs*each+1; want++ {
		select {
		case ev := <-events:
			if ev.Name != "counter" || ev.Revision != want || ev.Deleted {
				t.Fatalf("event %+v, want revision %d", ev, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no event for revision %d", want)
		}
	}
}

// TestFileMode: the file and its WAL companions are private to their owner,
// whatever the umask.
func TestFileMode(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "private.db")
	d := openDB(t, path)
	if _, err := d.Save(t.Context(), "secret", dbtest.Map("password", "hunter2"), 0); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if m := mode(t, p); m != 0o600 {
			t.Errorf("%s has mode %#o, want 0600", filepath.Base(p), m)
		}
	}
}

// TestLooseModeRefused: a file that others may read is not used.
func TestLooseModeRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "loose.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	_, err := db.Open(path, db.Options{}, dbtest.JSONCodec{})
	if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("open of a 0644 file: %v", err)
	}
	os.Chmod(path, 0o600)
	openDB(t, path)
}

// TestURLForms: sqlite:///abs, sqlite:relative, bare paths, odd characters.
func TestURLForms(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	abs := filepath.Join(dir, "abs.db")
	d := openDB(t, "sqlite://"+abs)
	if _, err := d.Save(ctx, "a", dbtest.Map(), 0); err != nil {
		t.Fatal(err)
	}
	if got := d.String(); got != "sqlite://"+abs {
		t.Fatalf("String() = %q", got)
	}
	d.Close()
	// The bare path opens the same file.
	d = openDB(t, abs)
	if _, _, err := d.Load(ctx, "a", 0); err != nil {
		t.Fatal(err)
	}
	d.Close()

	t.Chdir(dir)
	openDB(t, "sqlite:rel.db").Close()
	openDB(t, "bare.db").Close()
	odd := "we?ird #name%20 ünï.db"
	d = openDB(t, filepath.Join(dir, odd))
	if _, err := d.Save(ctx, "a", dbtest.Map(), 0); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if _, err := os.Stat(filepath.Join(dir, odd)); err != nil {
		t.Fatalf("the odd name was not kept: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), "-wal") && !strings.HasSuffix(e.Name(), "-shm") {
			names = append(names, e.Name())
		}
	}
	if want := "abs.db bare.db rel.db " + odd; strings.Join(names, " ") != want {
		t.Fatalf("files %q, want %q", names, want)
	}

	for _, bad := range []string{"sqlite://host/x.db", "sqlite:///x.db?cache=shared", "sqlite://", "sqlite:", "sqlite:///"} {
		if _, err := db.Open(bad, db.Options{}, dbtest.JSONCodec{}); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("Open(%q): %v, want ErrInvalidArgument", bad, err)
		}
	}
	if _, err := db.Open(filepath.Join(dir, "no/such/dir.db"), db.Options{}, dbtest.JSONCodec{}); !errors.Is(err, errs.ErrIO) {
		t.Errorf("missing directory: %v, want ErrIO", err)
	}
}

// TestForeignDatabase: a sqlite file of another program is left alone.
func TestForeignDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec("CREATE TABLE users (id INTEGER)"); err != nil {
		t.Fatal(err)
	}
	other.Close()
	_, err = db.Open(path, db.Options{}, dbtest.JSONCodec{})
	if !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("open of a foreign database: %v", err)
	}
	if err := os.WriteFile(path, []byte("not a database at all, just text that is long enough to fill a header......."), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err = db.Open(path, db.Options{}, dbtest.JSONCodec{}); !errors.Is(err, errs.ErrIO) {
		t.Fatalf("open of a text file: %v", err)
	}
}

// TestReopenKeepsData: data and revision counters survive closing.
func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keep.db")
	ctx := t.Context()
	d := openDB(t, path)
	d.Save(ctx, "a", dbtest.Map("v", int64(1)), 0)
	d.Save(ctx, "a", dbtest.Map("v", int64(2)), 1)
	if err := d.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	d.Save(ctx, "b", dbtest.Map("v", int64(3)), 0)
	d.Close()
	d = openDB(t, path)
	if rev, err := d.Save(ctx, "a", dbtest.Map(), 0); err != nil || rev != 4 {
		t.Fatalf("revision after reopen %d, %v; want 4", rev, err)
	}
	cfg, rev, err := d.Load(ctx, "b", 0)
	if err != nil || rev != 1 {
		t.Fatalf("b: %v %d %v", cfg, rev, err)
	}
}
