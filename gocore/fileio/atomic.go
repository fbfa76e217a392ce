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

// ReadFile reads a whole file, reporting failures as I/O errors that name it.
func ReadFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, ioErr(path, err)
	}
	return data, nil
}

// ReadFileContext is ReadFile that gives up once ctx is done, returning
// errs.ErrCancelled. Closing the file is what stops a read in progress, so
// even a pipe whose writer is slow, or a file on a stalled network mount,
// lets go at once.
func ReadFileContext(ctx context.Context, path string) ([]byte, error) {
	if ctx.Done() == nil {
		return ReadFile(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, ioErr(path, err)
	}
	stop := context.AfterFunc(ctx, func() { f.Close() })
	data, err := io.ReadAll(f)
	if stop() {
		f.Close()
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("reading %s was cancelled: %w", path, errs.ErrCancelled)
	}
	if err != nil {
		return nil, ioErr(path, err)
	}
	return data, nil
}

func ioErr(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path goes in Located.Path; keep the errno
	}
	return &errs.Located{Kind: fmt.Errorf("%w: %w", errs.ErrIO, err), Path: path, Msg: err.Error()}
}
