package fileio

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
)

func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.toml")
	if err := WriteAtomic(p, []byte("one"), 0o644, false); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, 0o640)
	if err := WriteAtomic(p, []byte("two"), 0o644, false); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	st, _ := os.Stat(p)
	if string(b) != "two" || st.Mode().Perm() != 0o640 {
		t.Fatalf("content %q mode %v", b, st.Mode())
	}
	if err := WriteAtomic(p, []byte("three"), 0o644, true); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Fatalf("private mode %v", st.Mode())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
}

func TestErrors(t *testing.T) {
	_, err := ReadFile(filepath.Join(t.TempDir(), "missing"))
	if !errors.Is(err, errs.ErrIO) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	err = WriteAtomic(filepath.Join(t.TempDir(), "no", "dir"), nil, 0o644, false)
	if !errors.Is(err, errs.ErrIO) {
		t.Fatalf("missing dir: %v", err)
	}
}
