package live

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/load"
	"github.com/gocfg/gocfg/gocore/secretsdir"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
)

// The deployment sources of a watched config: a .env file read as
// environment variables, a secrets directory of one file per key, a file
// section of profiles, and a fixed list of named assignments (command-line
// flags). The first three are watched and read again on a change, as a
// file layer is.

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
		if v == nil {
			continue // a name without "=": no variable, as python-dotenv's load_dotenv sets none
		}
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

// readSecrets reads a secrets directory through gocore/secretsdir, the
// reader a plain load uses too.
func (ly *Layer) readSecrets(ctx context.Context) (reading, error) {
	r, err := secretsdir.Read(ctx, ly.abs, ly.name)
	if err != nil {
		return reading{}, err
	}
	return reading{mark: r.Mark, named: r.Items}, nil
}
