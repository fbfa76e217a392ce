// Package fileio writes files so that a crash never leaves a torn one.
package fileio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/limits"
)

// WriteAtomic replaces path with data: it writes a temporary file in the
// same directory, fsyncs it, renames it over path and fsyncs the directory.
// A process killed at any moment leaves either the old file or the new one.
//
// The new file keeps the mode of the file it replaces; a new file gets perm.
// With private set, the file is created with mode 0600 whatever came before.
func WriteAtomic(path string, data []byte, perm fs.FileMode, private bool) (err error) {
	dir := filepath.Dir(path)
	mode := perm
	if st, statErr := os.Stat(path); statErr == nil {
		if !st.Mode().IsRegular() {
			return ioErr(path, fmt.Errorf("not a regular file"))
		}
		mode = st.Mode().Perm()
	}
	if private {
		mode = 0o600
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return ioErr(path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(mode); err != nil {
		return ioErr(path, err)
	}
	if _, err = tmp.Write(data); err != nil {
		return ioErr(path, err)
	}
	if err = tmp.Sync(); err != nil {
		return ioErr(path, err)
	}
	if err = tmp.Close(); err != nil {
		return ioErr(path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return ioErr(path, err)
	}
	// Make the rename itself durable.
	if d, dirErr := os.Open(dir); dirErr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
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
	f, err := os.Open(path)
	if err != nil {
		return nil, ioErr(path, err)
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
				return nil, ioErr(path, err)
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
			return nil, ioErr(path, err)
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

func ioErr(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path goes in Located.Path; keep the errno
	}
	return &errs.Located{Kind: fmt.Errorf("%w: %w", errs.ErrIO, err), Path: path, Msg: err.Error()}
}
