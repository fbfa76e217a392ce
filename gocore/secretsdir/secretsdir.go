// Package secretsdir reads a secrets directory, as Docker and Kubernetes
// mount secrets: one file per key, the file name the key, the file's text
// the value. Both a plain load (through the C export) and a watched config
// (gocore/live) read it here, so the two cannot disagree on what a
// directory holds or on how a bad one is reported.
package secretsdir

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
)

// Bounds on a secrets directory: Kubernetes limits a whole Secret to 1 MiB
// and Docker a secret to 500 KB, so these leave room for any real mount
// while keeping a wrong directory (a home, /) from being read whole.
const (
	FileMax  = 1 << 20  // bytes in one secret file
	FilesMax = 1000     // files in one directory
	TotalMax = 16 << 20 // bytes of secrets in one directory
)

// Reading is what one read of a directory found.
type Reading struct {
	// Items holds one item per file, sorted by file name, each with a
	// KindSecret origin naming the file.
	Items []layer.Named
	// Mark changes when any file name or content does; it is "" when the
	// directory does not exist.
	Mark string
}

// Read reads the directory dir; shown is how messages and origins name it
// (the path as the user gave it, where dir may be made absolute). A
// missing directory gives an empty Reading and no error, as
// pydantic-settings skips it; a path that is not a directory is an error.
// Names starting with "." are skipped (Kubernetes keeps its bookkeeping
// there: ..data, ..2024_...; each key is a symbolic link into it, which is
// followed), and so are directories. Each value is the file's text with
// one final newline removed. No message ever quotes a secret's content.
func Read(ctx context.Context, dir, shown string) (Reading, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return Reading{}, nil
		}
		return Reading{}, ioError(shown, "secrets_dir", err)
	}
	if !fi.IsDir() {
		return Reading{}, &errs.Located{Kind: errnoKind(syscall.ENOTDIR), Path: shown, Msg: "secrets_dir: not a directory"}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Reading{}, ioError(shown, "secrets_dir", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	sum := sha256.New()
	var items []layer.Named
	total := 0
	for _, name := range names {
		if ctx.Err() != nil {
			return Reading{}, fmt.Errorf("reading secrets_dir %s was cancelled: %w", shown, errs.ErrCancelled)
		}
		if strings.HasPrefix(name, ".") {
			continue
		}
		path := join(dir, name)
		if st, err := os.Stat(path); err == nil && st.IsDir() {
			continue // a Kubernetes key never leads to a directory; a broken link is reported below
		}
		if len(items) == FilesMax {
			return Reading{}, fmt.Errorf("secrets_dir %s: more than %d files (is it the right directory?): %w", shown, FilesMax, errs.ErrLimit)
		}
		if !utf8.ValidString(name) {
			return Reading{}, fmt.Errorf("secrets_dir %s: a file name that is not valid UTF-8: %q: %w", shown, name, errs.ErrInvalidArgument)
		}
		file := join(shown, name)
		text, err := readFile(path, file)
		if err != nil {
			return Reading{}, err
		}
		total += len(text)
		if total > TotalMax {
			return Reading{}, fmt.Errorf("secrets_dir %s: more than %d bytes of secrets in all: %w", shown, TotalMax, errs.ErrLimit)
		}
		sum.Write([]byte(name))
		sum.Write([]byte{0})
		sum.Write([]byte(text))
		sum.Write([]byte{0})
		items = append(items, layer.Named{Name: name, Value: text, Origin: layer.Origin{Kind: layer.KindSecret, Name: file}})
	}
	return Reading{Items: items, Mark: "s" + string(sum.Sum(nil))}, nil
}

// Assignments are the items of a Reading as one layer: each file name read
// by the environment's nesting rule (split at delim, "" meaning "__":
// db__password is db.password; segments take the case of existing keys),
// the value never typed (a password "0123" or "1e5" stays what it is;
// typed reads convert where a field wants a number). In a config that
// interpolates (escape), each value is stored with its "${" escaped: a
// password holding "${" reads as written, not as a reference.
func Assignments(items []layer.Named, delim string, escape bool) ([]layer.Assignment, error) {
	if escape {
		items = append([]layer.Named(nil), items...)
		for i, it := range items {
			if text, ok := it.Value.(string); ok {
				items[i].Value = layer.Escape(text)
			}
		}
	}
	return layer.NamedAssignments(items, "", delim, false)
}

// join is path/name without cleaning path, so that an origin names the
// file under the directory as it was given ("./run/secrets/db").
func join(path, name string) string {
	if strings.HasSuffix(path, string(os.PathSeparator)) {
		return path + name
	}
	return path + string(os.PathSeparator) + name
}

// errnoKind is an I/O error kind that also carries the system's error
// number, which the C export reports as sys_errno.
func errnoKind(no syscall.Errno) error {
	return fmt.Errorf("%w: %w", errs.ErrIO, no)
}

// ioError reports a failed system call on path, with its errno when it
// has one; what says which part of the source failed.
func ioError(path, what string, err error) error {
	msg := err.Error()
	var pe *os.PathError
	if errors.As(err, &pe) {
		msg = pe.Err.Error()
	}
	kind := errs.ErrIO
	var no syscall.Errno
	if errors.As(err, &no) {
		kind = errnoKind(no)
	}
	return &errs.Located{Kind: kind, Path: path, Msg: what + ": " + msg}
}

// readFile reads one secret file: opened without blocking and checked to
// be a regular file first (a FIFO would wait forever), bounded, text
// without NUL. shown names it in messages.
func readFile(path, shown string) (string, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		// The name was just listed, so a failure to open it is most often
		// a symbolic link that leads nowhere or round in a circle.
		switch {
		case errors.Is(err, syscall.ENOENT):
			return "", &errs.Located{Kind: errnoKind(syscall.ENOENT), Path: shown, Msg: "secret file: a symbolic link to nothing"}
		case errors.Is(err, syscall.ELOOP):
			return "", &errs.Located{Kind: errnoKind(syscall.ELOOP), Path: shown, Msg: "secret file: a loop of symbolic links"}
		}
		return "", ioError(shown, "secret file", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", ioError(shown, "secret file", err)
	}
	if !st.Mode().IsRegular() {
		return "", &errs.Located{Kind: errnoKind(syscall.EINVAL), Path: shown, Msg: "secret file: not a regular file"}
	}
	if st.Size() > FileMax {
		return "", fmt.Errorf("secret file %s: %d bytes, more than the %d a secret may hold: %w", shown, st.Size(), FileMax, errs.ErrLimit)
	}
	// The size may change under us: read to the bound, no further.
	data, err := io.ReadAll(io.LimitReader(f, FileMax+1))
	if err != nil {
		return "", ioError(shown, "secret file", err)
	}
	if len(data) > FileMax {
		return "", fmt.Errorf("secret file %s: more than the %d bytes a secret may hold: %w", shown, FileMax, errs.ErrLimit)
	}
	// One final newline is the editor's or echo's, not the secret's.
	if bytes.HasSuffix(data, []byte("\r\n")) {
		data = data[:len(data)-2]
	} else if bytes.HasSuffix(data, []byte("\n")) {
		data = data[:len(data)-1]
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return "", fmt.Errorf("secret file %s: holds a NUL byte at offset %d: secrets are read as text (binary secrets are not supported): %w", shown, i, errs.ErrInvalidArgument)
	}
	if i := badUTF8(data); i >= 0 {
		return "", fmt.Errorf("secret file %s: not valid UTF-8 (bad byte at offset %d): secrets are read as text (binary secrets are not supported): %w", shown, i, errs.ErrInvalidArgument)
	}
	return string(data), nil
}

// badUTF8 is the offset of the first byte that is not valid UTF-8, or -1.
func badUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}
