package fileio

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

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

func TestReadFileContextStopsABlockedPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	// A writer that opens the pipe and never finishes.
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			w.Write([]byte("{"))
			time.Sleep(5 * time.Second)
			w.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	t0 := time.Now()
	_, err := ReadFileContext(ctx, fifo)
	if !errors.Is(err, errs.ErrCancelled) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Fatalf("took %v", d)
	}
}

// A FIFO that no writer ever opens: the open itself blocks, and a
// cancelled read must still return (it used to wait for a writer for good,
// so Ctrl-C on `gocfg show fifo` hung).
func TestReadFileContextStopsAnOpenWithNoWriter(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := ReadFileContext(ctx, fifo)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // most likely blocked in open by now; the test holds either way
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, errs.ErrCancelled) {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the cancelled read is still blocked opening the FIFO")
	}
	// The abandoned open completes when a writer comes, and closes its
	// file: the writer sees a reader that went away, not a hang.
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
}

func TestReadFileLimit(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.json")
	os.WriteFile(p, []byte("0123456789"), 0o644)
	for _, limit := range []int64{10, 11, 1 << 20} {
		b, err := ReadFileLimit(context.Background(), p, limit)
		if err != nil || string(b) != "0123456789" {
			t.Fatalf("limit %d: %q, %v", limit, b, err)
		}
	}
	_, err := ReadFileLimit(context.Background(), p, 9)
	if !errors.Is(err, errs.ErrLimit) || !strings.Contains(err.Error(), "GOCFG_MAX_DOCUMENT_BYTES") || !strings.Contains(err.Error(), "a.json") {
		t.Fatalf("over the limit: %v", err)
	}
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o644)
	if b, err := ReadFileLimit(context.Background(), empty, 0); err != nil || len(b) != 0 {
		t.Fatalf("empty file: %q, %v", b, err)
	}
}

// An endless device stops at the limit, while reading: the default read
// would otherwise fill memory.
func TestReadFileLimitEndless(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := ReadFileLimit(context.Background(), "/dev/zero", 3<<20)
	if !errors.Is(err, errs.ErrLimit) || !strings.Contains(err.Error(), "3 MiB") {
		t.Fatalf("/dev/zero: %v", err)
	}
}

// The default bound applies to the plain calls: a (sparse) file just over
// 256 MiB is refused from its size, without being read.
func TestReadFileDefaultLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.json")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(256<<20 + 1); err != nil {
		t.Skip(err)
	}
	f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := ReadFileContext(ctx, p); !errors.Is(err, errs.ErrLimit) || !strings.Contains(err.Error(), "256 MiB") {
		t.Fatalf("ReadFileContext: %v", err)
	}
	if _, err := ReadFile(p); !errors.Is(err, errs.ErrLimit) {
		t.Fatalf("ReadFile: %v", err)
	}
}

// A FIFO whose writer never stops is bounded the same way.
func TestReadFileLimitFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		w, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		chunk := make([]byte, 4096)
		for {
			if _, err := w.Write(chunk); err != nil {
				return // the reader gave up and closed its end
			}
		}
	}()
	_, err := ReadFileLimit(context.Background(), p, 100<<10)
	if !errors.Is(err, errs.ErrLimit) {
		t.Fatalf("FIFO: %v", err)
	}
	<-done
}

// A pipe within the limit is read whole, across several pieces.
func TestReadFileLimitPipeWithin(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip(err)
	}
	want := make([]byte, 300<<10+7)
	for i := range want {
		want[i] = byte('a' + i%26)
	}
	go func() {
		w, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		w.Write(want)
		w.Close()
	}()
	got, err := ReadFileLimit(context.Background(), p, int64(len(want)))
	if err != nil || string(got) != string(want) {
		t.Fatalf("pipe: %d bytes, %v", len(got), err)
	}
}
