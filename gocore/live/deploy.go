package live

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/load"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
)

// The deployment sources of a watched config: a .env file read as
// environment variables, a secrets directory of one file per key, a file
// section of profiles, and a fixed list of named assignments (command-line
// flags). The first three are watched and read again on a change, as a
// file layer is.

// Bounds on a secrets directory, the same as the binding's unwatched
// reader (pybind/gocfg/envsources.py): Kubernetes limits a whole Secret
// to 1 MiB and Docker a secret to 500 KB, so these leave room for any
// real mount while keeping a wrong directory from being read whole.
const (
	SecretFileMax   = 1 << 20
	SecretFilesMax  = 1000
	SecretsTotalMax = 16 << 20
)

// EnvFile is a .env file read as environment variables below the real
// environment (Settings.Env): each variable the environment does not set
// is read by the env layer's rules (prefix, "" for every name whole;
// delim; typed unless raw), with the file's line and column as its
// origin. A missing file is skipped, and merged once it appears. Its
// variables also join the environment that ${env:NAME} references read.
func EnvFile(path, prefix, delim string, raw bool) (Layer, error) {
	ly, err := File(path, "env", true, layer.Options{})
	if err != nil {
		return Layer{}, err
	}
	ly.kind, ly.prefix, ly.delim, ly.raw = kindEnvFile, prefix, delim, raw
	return ly, nil
}

// SecretsDir is a directory of one file per key, as Docker and Kubernetes
// mount secrets: the file name is the key, split at delim ("" for "__");
// the file's text, one final newline removed, the value, never typed. Names
// starting with "." (Kubernetes' bookkeeping) and directories are skipped;
// symbolic links are followed. A missing directory is skipped, and read
// once it appears. Changes in the directory (a file written, added,
// removed, Kubernetes' swap of ..data) are watched.
func SecretsDir(path, delim string) (Layer, error) {
	if path == "" {
		return Layer{}, fmt.Errorf("secrets directory name is empty: %w", errs.ErrInvalidArgument)
	}
	if err := store.CheckText("secrets directory name", path); err != nil {
		return Layer{}, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return Layer{}, fmt.Errorf("secrets directory %q: %v: %w", path, err, errs.ErrInvalidArgument)
	}
	return Layer{kind: kindSecrets, abs: abs, name: path, delim: delim, optional: true}, nil
}

// Section is a file layer that merges the map under the top-level key
// section of the file (a File(profiles=True) source): nothing when the
// file has no such key, an error when it holds something else than a map.
func Section(path, format, section string, optional bool, opts layer.Options) (Layer, error) {
	if section == "" {
		return Layer{}, fmt.Errorf("the section name is empty: %w", errs.ErrInvalidArgument)
	}
	if err := store.CheckText("section", section); err != nil {
		return Layer{}, err
	}
	ly, err := File(path, format, optional, opts)
	if err != nil {
		return Layer{}, err
	}
	ly.section = section
	return ly, nil
}

// Assign is a fixed layer of named assignments (layer.NamedAssignments,
// with prefix, delim and parse), applied unchanged in every rebuild: the
// command-line flags, given once for the life of the process.
func Assign(items []layer.Named, prefix, delim string, parse bool) (Layer, error) {
	assigns, err := layer.NamedAssignments(items, prefix, delim, parse)
	if err != nil {
		return Layer{}, err
	}
	return Layer{kind: kindOverrides, assigns: assigns}, nil
}

// decodeFile decodes a watched file's bytes: a .env file expands ${VAR}
// from the environment snapshot, as a plain load does.
func (ly *Layer) decodeFile(ctx context.Context, data []byte, env []string) (*value.Doc, error) {
	if ly.codec.DecodeEnviron != nil && env != nil {
		return load.DecodeEnviron(ctx, ly.codec, data, ly.name, env)
	}
	return ly.codec.Decode(data)
}

// sectionOf is the part of a decoded file a Section layer merges: its map
// and the positions under it, or nil when the file has no such section.
func (ly *Layer) sectionOf(doc *value.Doc) (*value.Doc, error) {
	sec, ok, err := load.Section(doc, ly.name, ly.section)
	if !ok {
		return nil, err
	}
	return sec, nil
}

// envNames is the set of names an environment snapshot sets.
func envNames(env []string) map[string]struct{} {
	out := make(map[string]struct{}, len(env))
	for _, e := range env {
		if name, _, ok := strings.Cut(e, "="); ok {
			out[name] = struct{}{}
		}
	}
	return out
}

// dotenvItems are the variables of a decoded .env file that the real
// environment does not set, with their positions in the file.
func (ly *Layer) dotenvItems(doc *value.Doc, real map[string]struct{}) []layer.Named {
	var out []layer.Named
	all := doc.AllPositions()
	for _, k := range doc.Root.Keys() {
		if _, set := real[k]; set {
			continue
		}
		v, _ := doc.Root.Get(k)
		s, ok := v.(string)
		if !ok {
			s = fmt.Sprint(v)
		}
		p := all[value.JoinPath(k)]
		out = append(out, layer.Named{Name: k, Value: s,
			Origin: layer.Origin{Kind: layer.KindFile, Name: ly.name, Line: p.Line, Column: p.Column}})
	}
	return out
}

// readSecrets reads a secrets directory: one item per file, sorted by
// name, and a mark that changes when any name or content does.
func (ly *Layer) readSecrets(ctx context.Context) (reading, error) {
	fi, err := os.Stat(ly.abs)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return reading{}, nil
		}
		return reading{}, &errs.Located{Kind: errs.ErrIO, Path: ly.name, Msg: "secrets directory: " + err.Error()}
	}
	if !fi.IsDir() {
		return reading{}, &errs.Located{Kind: errs.ErrIO, Path: ly.name, Msg: "secrets directory: not a directory"}
	}
	entries, err := os.ReadDir(ly.abs)
	if err != nil {
		return reading{}, &errs.Located{Kind: errs.ErrIO, Path: ly.name, Msg: "secrets directory: " + err.Error()}
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
		if err := ctx.Err(); err != nil {
			return reading{}, err
		}
		if strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(ly.abs, name)
		if st, err := os.Stat(path); err == nil && st.IsDir() {
			continue
		}
		shown := filepath.Join(ly.name, name)
		if len(items) == SecretFilesMax {
			return reading{}, fmt.Errorf("secrets_dir %s: more than %d files (is it the right directory?): %w", ly.name, SecretFilesMax, errs.ErrLimit)
		}
		if !utf8.ValidString(name) {
			return reading{}, fmt.Errorf("secrets_dir %s: a file name that is not valid UTF-8: %q: %w", ly.name, name, errs.ErrInvalidArgument)
		}
		text, err := readSecret(path, shown)
		if err != nil {
			return reading{}, err
		}
		total += len(text)
		if total > SecretsTotalMax {
			return reading{}, fmt.Errorf("secrets_dir %s: more than %d bytes of secrets in all: %w", ly.name, SecretsTotalMax, errs.ErrLimit)
		}
		sum.Write([]byte(name))
		sum.Write([]byte{0})
		sum.Write([]byte(text))
		sum.Write([]byte{0})
		items = append(items, layer.Named{Name: name, Value: text, Origin: layer.Origin{Kind: layer.KindSecret, Name: shown}})
	}
	return reading{mark: "s" + string(sum.Sum(nil)), named: items}, nil
}

// readSecret reads one secret file: opened without blocking and checked to
// be a regular file first (a FIFO would wait forever), bounded, text
// without NUL. Messages never quote the content.
func readSecret(path, shown string) (string, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		var pe *os.PathError
		msg := err.Error()
		if errors.As(err, &pe) {
			msg = pe.Err.Error()
		}
		kind := errs.ErrIO
		if errors.Is(err, os.ErrNotExist) {
			kind = fmt.Errorf("%w: %w", errs.ErrIO, syscall.ENOENT)
			msg = "a symbolic link to nothing"
		}
		return "", &errs.Located{Kind: kind, Path: shown, Msg: "secret file: " + msg}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", &errs.Located{Kind: errs.ErrIO, Path: shown, Msg: "secret file: " + err.Error()}
	}
	if !st.Mode().IsRegular() {
		return "", &errs.Located{Kind: errs.ErrIO, Path: shown, Msg: "secret file: not a regular file"}
	}
	data, err := io.ReadAll(io.LimitReader(f, SecretFileMax+1))
	if err != nil {
		return "", &errs.Located{Kind: errs.ErrIO, Path: shown, Msg: "secret file: " + err.Error()}
	}
	if len(data) > SecretFileMax {
		return "", fmt.Errorf("secret file %s: more than the %d bytes a secret may hold: %w", shown, SecretFileMax, errs.ErrLimit)
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
	if !utf8.Valid(data) {
		return "", fmt.Errorf("secret file %s: not valid UTF-8: secrets are read as text (binary secrets are not supported): %w", shown, errs.ErrInvalidArgument)
	}
	return string(data), nil
}
