package live

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/gocfg/gocfg/gocore/codec"
	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/fileio"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/load"
	"github.com/gocfg/gocfg/gocore/secretsdir"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
)

type layerKind uint8

const (
	kindFile layerKind = iota + 1
	kindStored
	kindFixed // a mapping or a document given once
	kindEnv
	kindOverrides
	kindEnvFile // a .env file read as environment variables (see EnvFile)
	kindSecrets // a secrets directory (see SecretsDir)
)

// watched reports whether the layer is read again on a change (files,
// stored configs, .env files, secrets directories).
func (ly *Layer) watched() bool {
	switch ly.kind {
	case kindFile, kindStored, kindEnvFile, kindSecrets:
		return true
	}
	return false
}

// Layer is one entry of a Live's layer stack. Make it with File, Stored,
// Map, Text, Env or Overrides.
type Layer struct {
	kind layerKind
	opts layer.Options

	// File: abs is the path watched and read; name is the path as given,
	// used in origins and errors (as a plain load does).
	abs, name string
	codec     codec.Codec
	optional  bool
	section   string // a Section layer: the top-level key merged

	// Stored.
	db      *db.DB
	dbName  string
	ownDB   bool
	storeID string // the database and name, for Event.Sources

	// Fixed: a document, cloned into every rebuild.
	doc *value.Doc
	src layer.Source

	// Env, EnvFile (prefix, delim, raw), SecretsDir (delim).
	prefix, delim string
	raw           bool

	// Overrides.
	assigns []layer.Assignment
}

// File is a file layer: format is a format name ("" picks it from the
// extension, as a plain load does); an optional file that is missing is
// skipped, and merged again when it appears. The path is made absolute
// now, so a later change of working directory does not move it.
func File(path, format string, optional bool, opts layer.Options) (Layer, error) {
	if path == "" {
		return Layer{}, fmt.Errorf("file name is empty: %w", errs.ErrInvalidArgument)
	}
	if err := store.CheckText("file name", path); err != nil {
		return Layer{}, err
	}
	var (
		c   codec.Codec
		err error
	)
	switch {
	case format != "":
		c, err = codec.ByName(format)
	case optional:
		c, err = codec.ByExtension(path) // the file may appear later: its name must tell
	default:
		c, err = load.ReadingCodec(path, "") // a missing file is said first, as a plain load says it
	}
	if err != nil {
		return Layer{}, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return Layer{}, fmt.Errorf("file %q: %v: %w", path, err, errs.ErrInvalidArgument)
	}
	return Layer{kind: kindFile, opts: opts, abs: abs, name: path, codec: c, optional: optional}, nil
}

// Stored is a layer holding the latest revision of the config called name
// in d, watched with d.Watch. A missing config is an error unless optional
// (then the layer is skipped until the config is saved). With own, the
// Live closes d when it is closed, or when New fails; otherwise d must
// stay open as long as the Live (when it is closed first, the Live queues
// a Failed event and stops watching it). Origins read "stored NAME".
func Stored(d *db.DB, name string, optional, own bool, opts layer.Options) (Layer, error) {
	if d == nil {
		return Layer{}, fmt.Errorf("stored layer %q: no database: %w", name, errs.ErrInvalidArgument)
	}
	if err := db.ValidateName(name); err != nil {
		return Layer{}, err
	}
	return Layer{kind: kindStored, opts: opts, db: d, dbName: name, ownDB: own, optional: optional,
		storeID: d.String() + " " + name}, nil
}

// Map is a fixed layer: a mapping (kind layer.KindDefaults or
// layer.KindDict) merged unchanged into every rebuild. m belongs to the
// Layer afterwards.
func Map(kind layer.Kind, name string, m *value.Map, opts layer.Options) (Layer, error) {
	if kind != layer.KindDefaults && kind != layer.KindDict {
		return Layer{}, fmt.Errorf("kind %v: a mapping layer is defaults or dict: %w", kind, errs.ErrInvalidArgument)
	}
	if m == nil {
		m = value.NewMap(0)
	}
	if err := store.CheckText("name", name); err != nil {
		return Layer{}, err
	}
	doc := &value.Doc{Root: m}
	if err := load.CheckStrings(doc); err != nil {
		return Layer{}, err
	}
	return Layer{kind: kindFixed, opts: opts, doc: doc, src: layer.Source{Kind: kind, Name: name}}, nil
}

// Text is a fixed layer parsed now from a document in a string; name
// labels it in origins (default "<text>").
func Text(text []byte, format, name string, opts layer.Options) (Layer, error) {
	if format == "" {
		return Layer{}, fmt.Errorf("a format is needed (json, yaml, toml, env or ini): %w", errs.ErrInvalidArgument)
	}
	if name == "" {
		name = "<text>"
	}
	if err := store.CheckText("name", name); err != nil {
		return Layer{}, err
	}
	c, err := codec.ByName(format)
	if err != nil {
		return Layer{}, err
	}
	doc, err := c.Decode(text)
	if err == nil {
		err = load.CheckStrings(doc)
	}
	if err != nil {
		return Layer{}, inFile(name, err)
	}
	return Layer{kind: kindFixed, opts: opts, doc: doc, src: layer.Source{Kind: layer.KindText, Name: name, Positions: doc.Positions}}, nil
}

// Env is the environment layer, read from the snapshot in
// Options.Settings.Env (see store.Config.EnvAssignments): prefix, the
// delimiter ("" for "__"), and raw to keep the values strings.
func Env(prefix, delim string, raw bool) Layer {
	return Layer{kind: kindEnv, prefix: prefix, delim: delim, raw: raw}
}

// Overrides is a layer of "path=value" items, typed unless !parse.
func Overrides(items []string, parse bool) (Layer, error) {
	assigns, err := layer.OverrideAssignments(items, parse)
	if err != nil {
		return Layer{}, err
	}
	return Layer{kind: kindOverrides, assigns: assigns}, nil
}

// what a layer read in one rebuild. mark is its fingerprint: the file's
// digest, the stored revision; missing layers have mark "".
type reading struct {
	mark  string
	doc   *value.Doc    // nil: missing (optional), skip
	named []layer.Named // a secrets directory's files
}

// cache keeps the last decoded document of a watched layer, so that a
// rebuild caused by another layer does not parse this one again.
type cache struct {
	mark string
	doc  *value.Doc
}

// read fetches a watched layer's content; env is the environment
// snapshot, which a .env file's ${VAR} references read. Called with
// Live.buildMu held.
func (ly *Layer) read(ctx context.Context, c *cache, env []string) (reading, error) {
	switch ly.kind {
	case kindSecrets:
		return ly.readSecrets(ctx)
	case kindFile, kindEnvFile:
		// Only regular files: opening a FIFO blocks until a writer comes,
		// where no context can stop it, and Close would wait for it.
		if fi, err := os.Stat(ly.abs); err == nil && !fi.Mode().IsRegular() {
			return reading{mark: "n" + fi.Mode().String()}, &errs.Located{Kind: errs.ErrIO, Path: ly.name,
				Msg: fmt.Sprintf("not a regular file (%v): a watched layer must be one", fi.Mode().Type())}
		}
		data, err := fileio.ReadFileContext(ctx, ly.abs)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				if ly.optional {
					return reading{}, nil
				}
				// An I/O error carrying ENOENT, as a plain load reports a
				// missing file (Python's FileNotFoundError).
				return reading{}, &errs.Located{Kind: fmt.Errorf("%w: %w", errs.ErrIO, syscall.ENOENT), Path: ly.name, Msg: "the file does not exist (a required layer; mark it optional to allow this)"}
			}
			return reading{}, err
		}
		sum := sha256.Sum256(data)
		mark := "f" + string(sum[:])
		if c.mark == mark {
			return reading{mark: mark, doc: c.doc}, nil
		}
		doc, err := ly.decodeFile(ctx, data, env)
		if err == nil {
			err = load.CheckStrings(doc)
		}
		if err != nil {
			return reading{mark: mark}, inFile(ly.name, err)
		}
		if ly.section != "" {
			if doc, err = ly.sectionOf(doc); err != nil {
				return reading{mark: mark}, err
			}
		}
		c.mark, c.doc = mark, doc
		return reading{mark: mark, doc: doc}, nil
	case kindStored:
		m, rev, err := ly.db.Load(ctx, ly.dbName, 0)
		if err != nil {
			if errors.Is(err, errs.ErrNotFound) {
				if ly.optional {
					return reading{}, nil
				}
				return reading{}, fmt.Errorf("stored config %q in %s does not exist (a required layer; mark it optional to allow this): %w", ly.dbName, ly.db, errs.ErrNotFound)
			}
			return reading{}, fmt.Errorf("stored config %q in %s: %w", ly.dbName, ly.db, err)
		}
		mark := fmt.Sprintf("r%d", rev)
		if c.mark == mark {
			return reading{mark: mark, doc: c.doc}, nil
		}
		doc := &value.Doc{Root: m}
		if err := load.CheckStrings(doc); err != nil {
			return reading{mark: mark}, fmt.Errorf("stored config %q revision %d: %w", ly.dbName, rev, err)
		}
		c.mark, c.doc = mark, doc
		return reading{mark: mark, doc: doc}, nil
	}
	return reading{}, nil
}

// label names a watched layer in Event.Sources.
func (ly *Layer) label() string {
	if ly.kind == kindStored {
		return ly.storeID
	}
	return ly.name
}

// buildEnv is what the layers of one rebuild share: the real environment
// (the env layer's, and the names a .env file does not override) and
// whether it is typed.
type buildEnv struct {
	real     []string
	names    map[string]struct{}
	parseEnv bool
}

// merge adds one layer to a candidate being built. r is what read gave
// for a watched layer.
func (ly *Layer) merge(c *store.Config, r reading, be *buildEnv) error {
	switch ly.kind {
	case kindEnvFile:
		if r.doc == nil {
			return nil
		}
		items, err := layer.NamedAssignments(ly.dotenvItems(r.doc, be.names), ly.prefix, ly.delim, !ly.raw)
		if err != nil {
			return err
		}
		return c.ApplyLayer(items)
	case kindSecrets:
		items, err := secretsdir.Assignments(r.named, ly.delim, c.Interpolates())
		if err != nil {
			return err
		}
		return c.ApplyLayer(items)
	case kindFile:
		if r.doc == nil {
			return nil
		}
		return c.MergeLayer(load.KeepLiteral(ly.codec, r.doc.Root.Clone(), c.Interpolates()), layer.Source{Kind: layer.KindFile, Name: ly.name, Positions: r.doc.Positions}, ly.opts)
	case kindStored:
		if r.doc == nil {
			return nil
		}
		return c.MergeLayer(r.doc.Root.Clone(), layer.Source{Kind: layer.KindStored, Name: ly.dbName}, ly.opts)
	case kindFixed:
		return c.MergeLayer(ly.doc.Root.Clone(), ly.src, ly.opts)
	case kindEnv:
		// The real environment alone: the snapshot of a rebuild also holds
		// the .env variables (for ${env:NAME}), which their own layer set.
		items, err := layer.EnvAssignments(be.real, ly.prefix, ly.delim, be.parseEnv && !ly.raw)
		if err != nil {
			return err
		}
		return c.ApplyLayer(items)
	case kindOverrides:
		items := make([]layer.Assignment, len(ly.assigns))
		for i, a := range ly.assigns {
			a.Value = value.Clone(a.Value)
			items[i] = a
		}
		return c.ApplyLayer(items)
	}
	return fmt.Errorf("unknown layer kind %d: %w", ly.kind, errs.ErrInternal)
}

// inFile makes a codec's error name the file (or text) it came from, so
// it reads "app.yaml:3:7: ...".
func inFile(file string, err error) error {
	var loc *errs.Located
	if !errors.As(err, &loc) {
		return fmt.Errorf("%s: %w", file, err)
	}
	located := *loc
	if located.Path != "" && !errors.Is(err, errs.ErrParse) {
		located.Msg = located.Path + ": " + located.Msg
	}
	located.Path = file
	return &located
}
