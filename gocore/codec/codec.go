// Package codec names the formats gocfg reads and writes and finds the one
// a file's name or a format name asks for. Each format lives in its own
// package (jsonfmt, yamlfmt, tomlfmt, envfmt, inifmt) with the same two
// functions; this package only lists them.
package codec

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gocfg/gocfg/gocore/codec/envfmt"
	"github.com/gocfg/gocfg/gocore/codec/inifmt"
	"github.com/gocfg/gocfg/gocore/codec/jsonfmt"
	"github.com/gocfg/gocfg/gocore/codec/tomlfmt"
	"github.com/gocfg/gocfg/gocore/codec/yamlfmt"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// Codec is one format.
type Codec struct {
	Name       string
	Extensions []string // with the dot, lower case
	// Decode parses a whole document; errors are *errs.Located with Kind
	// errs.ErrParse, whose Path the caller fills with the file name.
	Decode func([]byte) (*value.Doc, error)
	// Encode writes a tree; a value the format cannot express gives an
	// *errs.Located with Kind errs.ErrTypeMismatch naming its path.
	Encode func(*value.Map) ([]byte, error)
	// DecodeContext, when set, is Decode that gives up early once its
	// context is done; formats without it cannot be stopped half way.
	DecodeContext func(context.Context, []byte) (*value.Doc, error)
}

// codecs is fixed at build time and never modified.
var codecs = []Codec{
	{Name: "json", Extensions: []string{".json"}, Decode: jsonfmt.Decode, Encode: jsonfmt.Encode, DecodeContext: jsonfmt.DecodeContext},
	{Name: "yaml", Extensions: []string{".yaml", ".yml"}, Decode: yamlfmt.Decode, Encode: yamlfmt.Encode},
	{Name: "toml", Extensions: []string{".toml"}, Decode: tomlfmt.Decode, Encode: tomlfmt.Encode},
	{Name: "env", Extensions: []string{".env"}, Decode: envfmt.Decode, Encode: envfmt.Encode},
	{Name: "ini", Extensions: []string{".ini", ".cfg"}, Decode: inifmt.Decode, Encode: inifmt.Encode},
}

// Names lists the format names, in a fixed order.
func Names() []string {
	out := make([]string, len(codecs))
	for i, c := range codecs {
		out[i] = c.Name
	}
	return out
}

// ByName returns the codec called name (case-insensitive; "yml" is
// accepted for yaml). An unknown name is an errs.ErrInvalidArgument error
// listing the known ones.
func ByName(name string) (Codec, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "yml" {
		n = "yaml"
	}
	for _, c := range codecs {
		if c.Name == n {
			return c, nil
		}
	}
	return Codec{}, fmt.Errorf("unknown format %q (known formats: %s): %w", name, strings.Join(Names(), ", "), errs.ErrInvalidArgument)
}

// ByExtension picks the codec from a file name's extension (.json, .yaml,
// .yml, .toml, .env, .ini, .cfg, in any case). A file named ".env", or
// ".env.local", ".env.production" and the like, is a .env file. Anything
// else is an errs.ErrInvalidArgument error saying to pass format=.
func ByExtension(path string) (Codec, error) {
	base := filepath.Base(path)
	lower := strings.ToLower(base)
	if lower == ".env" || strings.HasPrefix(lower, ".env.") {
		return ByName("env")
	}
	ext := strings.ToLower(filepath.Ext(base))
	if ext != "" {
		for _, c := range codecs {
			for _, e := range c.Extensions {
				if e == ext {
					return c, nil
				}
			}
		}
	}
	return Codec{}, fmt.Errorf("cannot tell the format of %q from its name (known extensions: .json .yaml .yml .toml .env .ini .cfg): pass format= (one of %s): %w",
		path, strings.Join(Names(), ", "), errs.ErrInvalidArgument)
}
