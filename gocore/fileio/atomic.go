// Package fileio writes files so that a crash never leaves a torn one.
package fileio

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/limits"
)

// WriteAtomic replaces path with data: it writes a temporary file in the
// same directory, fsyncs it, renames it over path and fsyncs the directory.
// A process killed at any moment leaves either the old file or the new one.
//
// Modes: a new file is created with perm, less the process's umask (the
// kernel applies it, as for open(2); default ACLs too); a file that
// replaces another keeps the old one's mode, and its owner and group when
// the process may set them (root may; others keep the group when they
// belong to it, else the file is theirs); with private set, the file gets
// mode 0600 whatever came before.
//
// Symbolic links are followed: when path is a link (or a chain of them),
// the file it leads to is replaced, in that file's directory, and the link
// stays a link; a dangling link gets its file created. A hard link is
// broken: path becomes a new file, the other names keep the old content.
//
// Temporary files are named ".<name>.gocfg-tmp.<pid>.<random>". A process
// killed mid-save leaves its temporary file behind; the next save of the
// same file removes such leftovers, but only those that are provably stale
// (see removeStale).
func WriteAtomic(path string, data []byte, perm fs.FileMode, private bool) (err error) {
	target, err := followLinks(path)
	if err != nil {
		return PathError(path, err)
	}
	dir := filepath.Dir(target)
	var old fs.FileInfo
	if st, statErr := os.Stat(target); statErr == nil {
		if !st.Mode().IsRegular() {
			return PathError(path, fmt.Errorf("not a regular file"))
		}
		old = st
	}
	createMode := perm.Perm()
	if private || old != nil {
		createMode = 0o600 // the final mode is set below, before any data is written
	}
	prefix := tempPrefix(filepath.Base(target))
	removeStale(dir, prefix, time.Now())
	tmp, err := createTemp(dir, prefix, createMode)
	if err != nil {
		return PathError(path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if old != nil {
		keepOwner(tmp, old)
	}
	switch {
	case private:
		err = tmp.Chmod(0o600)
	case old != nil:
		err = tmp.Chmod(old.Mode().Perm())
	}
	if err != nil {
		return PathError(path, err)
	}
	if _, err = tmp.Write(data); err != nil {
		return PathError(path, err)
	}
	if err = tmp.Sync(); err != nil {
		return PathError(path, err)
	}
	if err = tmp.Close(); err != nil {
		return PathError(path, err)
	}
	if err = os.Rename(tmp.Name(), target); err != nil {
		return PathError(path, err)
	}
	// Make the rename itself durable.
	if d, dirErr := os.Open(dir); dirErr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// maxLinks bounds a chain of symbolic links, as the kernel's ELOOP does.
const maxLinks = 40

// followLinks returns the file path leads to: path itself unless it is a
// symbolic link, else the end of its chain of links (which need not exist).
func followLinks(path string) (string, error) {
	for i := 0; i < maxLinks; i++ {
		st, err := os.Lstat(path)
		if err != nil || st.Mode()&fs.ModeSymlink == 0 {
			return path, nil // a missing file is created; other errors surface later
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		path = dest
	}
	return "", fmt.Errorf("more than %d levels of symbolic links: %w", maxLinks, syscall.ELOOP)
}

// keepOwner gives f the owner and group of old where the process may;
// where it may not, f stays the process's (the documented behaviour).
func keepOwner(f *os.File, old fs.FileInfo) {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	uid, gid := int(st.Uid), int(st.Gid)
	if uid == os.Geteuid() && gid == os.Getegid() {
		return
	}
	if f.Chown(uid, gid) != nil {
		_ = f.Chown(-1, gid) // a group the process belongs to
	}
}

const (
	tempMarker = ".gocfg-tmp."
	// maxTempBase keeps ".<name>.gocfg-tmp.<pid>.<random>" within the usual
	// 255-byte limit on a file name.
	maxTempBase = 200
	// StaleAfter is how old a leftover temporary file must be before a save
	// removes it (besides its writer being gone): no save takes that long,
	// and it covers writers this process cannot see (another host on a
	// shared directory, another pid namespace).
	StaleAfter = 15 * time.Minute
)

// tempPrefix is the start of the names of base's temporary files.
func tempPrefix(base string) string {
	if len(base) > maxTempBase {
		base = base[:maxTempBase]
	}
	return "." + base + tempMarker
}

// createTemp creates a new file "<prefix><pid>.<random>" in dir with mode
// (less the umask, as the kernel applies it).
func createTemp(dir, prefix string, mode fs.FileMode) (*os.File, error) {
	var rnd [6]byte
	for try := 0; ; try++ {
		if _, err := rand.Read(rnd[:]); err != nil {
			return nil, err
		}
		name := filepath.Join(dir, fmt.Sprintf("%s%d.%x", prefix, os.Getpid(), rnd))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, mode)
		if err == nil || !errors.Is(err, fs.ErrExist) || try >= 100 {
			return f, err
		}
	}
}

// removeStale removes the temporary files of earlier saves of the same
// file that are provably stale: named "<prefix><pid>.<random>", regular
// files owned by this user, last written more than StaleAfter ago, by a
// process that no longer exists. Anything else is left alone (a save in
// progress elsewhere, a file of another user, a name that only looks
// alike). Failures are ignored: cleaning up is a courtesy, the save goes on.
func removeStale(dir, prefix string, now time.Time) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	for _, name := range names {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok {
			continue
		}
		pidText, random, ok := strings.Cut(rest, ".")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || random == "" || strings.Trim(random, "0123456789abcdef") != "" {
			continue
		}
		full := filepath.Join(dir, name)
		st, err := os.Lstat(full)
		if err != nil || !st.Mode().IsRegular() || now.Sub(st.ModTime()) < StaleAfter {
			continue
		}
		if sys, ok := st.Sys().(*syscall.Stat_t); !ok || int(sys.Uid) != os.Geteuid() {
			continue
		}
		if pid == os.Getpid() || processExists(pid) {
			continue
		}
		_ = os.Remove(full)
	}
}

// processExists reports whether a process with this pid exists (signal 0
// checks without sending; EPERM means it exists but is another user's).
func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// ReadFile reads a whole file of at most limits.DocumentBytes, reporting
// failures as I/O errors that name it.
func ReadFile(path string) ([]byte, error) {
	return ReadFileContext(context.Background(), path)
}

// ReadFileContext is ReadFile that gives up once ctx is done, returning
// errs.ErrCancelled. Closing the file is what stops a read in progress, so
// even a pipe whose writer is slow, or a file on a stalled network mount,
// lets go at once.
func ReadFileContext(ctx context.Context, path string) ([]byte, error) {
	limit, err := limits.DocumentBytes.Value()
	if err != nil {
		return nil, err
	}
	return ReadFileLimit(ctx, path, limit)
}

// ReadFileLimit is ReadFileContext with an explicit bound: a file longer
// than limit bytes gives an errs.ErrLimit error naming the limit and how
// to raise it. The bound is enforced while reading, not after: /dev/zero,
// a FIFO or a file that grows while being read costs at most limit+1
// bytes of memory.
func ReadFileLimit(ctx context.Context, path string, limit int64) ([]byte, error) {
	if limit < 0 {
		limit = 0
	}
	f, err := openContext(ctx, path)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("reading %s was cancelled: %w", path, errs.ErrCancelled)
		}
		return nil, PathError(path, err)
	}
	var stop func() bool
	if ctx.Done() != nil {
		stop = context.AfterFunc(ctx, func() { f.Close() })
	}
	data, err := readBounded(f, path, limit)
	if stop == nil || stop() {
		f.Close()
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("reading %s was cancelled: %w", path, errs.ErrCancelled)
	}
	if err != nil {
		return nil, err
	}
	return data, nil
}

// openContext opens path for reading, giving up once ctx is done. Opening
// a FIFO blocks until a writer opens it too, for as long as that takes,
// and closing nothing can stop it: so a path that is not a regular file
// is opened by a goroutine of its own, which a cancelled caller leaves
// behind (it closes the file if the open ever completes). A regular file
// opens at once, on the caller's goroutine.
func openContext(ctx context.Context, path string) (*os.File, error) {
	if ctx.Done() == nil {
		return os.Open(path)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().IsRegular() {
		return os.Open(path) // a missing file included: os.Open reports it
	}
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1) // never blocks the goroutine
	var mu sync.Mutex
	abandoned := false
	go func() {
		f, err := os.Open(path)
		mu.Lock()
		defer mu.Unlock()
		if abandoned {
			if f != nil {
				f.Close()
			}
			return
		}
		ch <- opened{f, err}
	}()
	select {
	case o := <-ch:
		return o.f, o.err
	case <-ctx.Done():
		mu.Lock()
		abandoned = true
		mu.Unlock()
		select {
		case o := <-ch: // opened just before the caller gave up
			if o.f != nil {
				o.f.Close()
			}
		default:
		}
		return nil, ctx.Err()
	}
}

// readBounded reads f to its end, or fails as soon as it has seen more
// than limit bytes.
func readBounded(f *os.File, path string, limit int64) ([]byte, error) {
	r := io.LimitReader(f, limit+1)
	// A regular file says its size: refuse a large one without reading it,
	// and read a small one into one buffer of the right size (+1 to see
	// EOF, or growth, without a second buffer).
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		if st.Size() > limit {
			return nil, limits.DocumentBytes.Exceeded(path, st.Size(), limit)
		}
		buf := make([]byte, 0, st.Size()+1)
		for {
			n, err := r.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if err == io.EOF {
				return buf, nil
			}
			if err != nil {
				return nil, PathError(path, err)
			}
			if len(buf) == cap(buf) {
				break // it grew while being read: go on as for a pipe
			}
		}
		return readPieces(r, path, limit, [][]byte{buf}, int64(len(buf)))
	}
	return readPieces(r, path, limit, nil, 0)
}

// readPieces reads the rest of r in pieces and joins them at the end.
// Pieces, rather than one buffer that doubles, keep the memory of a read
// that goes over the limit (an endless device, a pipe) at the limit.
func readPieces(r io.Reader, path string, limit int64, pieces [][]byte, total int64) ([]byte, error) {
	size := 64 << 10
	for {
		piece := make([]byte, size)
		n, err := io.ReadFull(r, piece)
		if n > 0 {
			pieces = append(pieces, piece[:n])
			total += int64(n)
		}
		if total > limit {
			return nil, limits.DocumentBytes.Exceeded(path, 0, limit)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, PathError(path, err)
		}
		size = min(2*size, 8<<20)
	}
	if len(pieces) == 1 {
		return pieces[0], nil
	}
	out := make([]byte, 0, total)
	for _, p := range pieces {
		out = append(out, p...)
	}
	return out, nil
}

// PathError is err, from an operation on the file at path, as an I/O
// error located at path that keeps its errno (the binding raises it as
// Python's OSError would read: "[Errno 2] No such file or directory:
// 'path'"), with no second copy of the path in the message.
func PathError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path goes in Located.Path; keep the errno
	}
	return &errs.Located{Kind: fmt.Errorf("%w: %w", errs.ErrIO, err), Path: path, Msg: err.Error()}
}
