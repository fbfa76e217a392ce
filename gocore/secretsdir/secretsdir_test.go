package secretsdir

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestReadsOneValuePerFile(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "db__password"), "hunter2\n")
	write(t, filepath.Join(dir, "api_key"), "k1\r\n\n") // only one final newline goes
	write(t, filepath.Join(dir, ".hidden"), "x")
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	shown := dir + "/"
	r, err := Read(t.Context(), dir, shown)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Items) != 2 || r.Items[0].Name != "api_key" || r.Items[0].Value != "k1\r\n" ||
		r.Items[1].Name != "db__password" || r.Items[1].Value != "hunter2" {
		t.Fatalf("items %+v", r.Items)
	}
	if o := r.Items[1].Origin; o.Kind != layer.KindSecret || o.Name != shown+"db__password" {
		t.Fatalf("origin %+v", o)
	}
	again, _ := Read(t.Context(), dir, shown)
	write(t, filepath.Join(dir, "api_key"), "k2")
	changed, _ := Read(t.Context(), dir, shown)
	if r.Mark == "" || again.Mark != r.Mark || changed.Mark == r.Mark {
		t.Fatal("the mark must follow the contents and only them")
	}
	as, err := Assignments(r.Items, "", false)
	if err != nil || len(as) != 2 || strings.Join(as[1].Segs, ".") != "db.password" || as[1].Value != "hunter2" {
		t.Fatalf("assignments %+v, %v", as, err)
	}
	if missing, err := Read(t.Context(), filepath.Join(dir, "nope"), "nope"); err != nil || missing.Items != nil || missing.Mark != "" {
		t.Fatalf("a missing directory is skipped: %+v %v", missing, err)
	}
}

func TestKubernetesVolume(t *testing.T) {
	dir := t.TempDir()
	stamp := filepath.Join(dir, "..2024_05_01_10_00_00.1")
	if err := os.Mkdir(stamp, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(stamp, "token"), "t0k")
	if err := os.Symlink(filepath.Base(stamp), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("..data/token", filepath.Join(dir, "token")); err != nil {
		t.Fatal(err)
	}
	r, err := Read(t.Context(), dir, dir)
	if err != nil || len(r.Items) != 1 || r.Items[0].Value != "t0k" {
		t.Fatalf("read %+v, %v", r.Items, err)
	}
}

// Each fault is reported with the kind the binding maps to the documented
// Python class, naming the file and never quoting its content.
func TestFaults(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	write(t, file, "x")
	if _, err := Read(t.Context(), file, file); !errors.Is(err, syscall.ENOTDIR) || !strings.Contains(err.Error(), "secrets_dir: not a directory") {
		t.Fatalf("not a directory: %v", err)
	}
	os.Remove(file)
	cases := []struct {
		name  string
		setup func(path string)
		kind  error
		words string
	}{
		{"bin", func(p string) { write(t, p, "\x89PNG\xff\xfehunter2") }, errs.ErrInvalidArgument, "UTF-8 (bad byte at offset 0)"},
		{"nul", func(p string) { write(t, p, "pass\x00hunter2") }, errs.ErrInvalidArgument, "NUL byte at offset 4"},
		{"huge", func(p string) { write(t, p, strings.Repeat("z", FileMax+1)) }, errs.ErrLimit, "a secret may hold"},
		{"loop", func(p string) { os.Symlink(p, p) }, syscall.ELOOP, "a loop of symbolic links"},
		{"dangling", func(p string) { os.Symlink(p+"-gone", p) }, syscall.ENOENT, "a symbolic link to nothing"},
		{"fifo", func(p string) { syscall.Mkfifo(p, 0o600) }, syscall.EINVAL, "not a regular file"},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		c.setup(path)
		_, err := Read(t.Context(), dir, dir)
		if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.words) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v", c.name, err)
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "zzzz") {
			t.Errorf("%s: quotes the content: %v", c.name, err)
		}
		os.Remove(path)
	}
	write(t, filepath.Join(dir, "bad\xffname"), "v")
	if _, err := Read(t.Context(), dir, dir); !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), `bad\xffname`) {
		t.Fatalf("a name that is not UTF-8: %v", err)
	}
	os.Remove(filepath.Join(dir, "bad\xffname"))
	for i := 0; i <= FilesMax; i++ {
		write(t, filepath.Join(dir, fmt.Sprintf("k%d", i)), "v")
	}
	if _, err := Read(t.Context(), dir, dir); !errors.Is(err, errs.ErrLimit) || !strings.Contains(err.Error(), "more than 1000 files") {
		t.Fatalf("too many files: %v", err)
	}
}

func TestTotalBoundAndCancel(t *testing.T) {
	dir := t.TempDir()
	chunk := strings.Repeat("v", FileMax)
	for i := 0; i*FileMax <= TotalMax; i++ {
		write(t, filepath.Join(dir, fmt.Sprintf("k%02d", i)), chunk)
	}
	if _, err := Read(t.Context(), dir, dir); !errors.Is(err, errs.ErrLimit) || !strings.Contains(err.Error(), "in all") || strings.Contains(err.Error(), "vvv") {
		t.Fatalf("over the total: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Read(ctx, dir, dir); !errors.Is(err, errs.ErrCancelled) {
		t.Fatalf("cancelled: %v", err)
	}
}
