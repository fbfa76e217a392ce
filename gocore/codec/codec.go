// Package codec names the formats gocfg reads and writes and finds the one
// a file's name or a format name asks for. Each format lives in its own
// package (jsonfmt, yamlfmt, tomlfmt, envfmt, inifmt, propsfmt, hclfmt)
// with the same two functions; this package only lists them.
//
// Dialects are further names that ByName accepts and Names does not list,
// so a format stays one string everywhere (C ABI, Python, CLI):
// "ini-case" (INI keeping the case of keys; "ini" lowercases them as
// Python's configparser does), "env-raw" (.env without ${VAR}
// expansion) and "hcl-raw" (HCL keeping expressions that need evaluation
// as "${...}" strings instead of refusing them).
package codec

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gocfg/gocfg/gocore/codec/envfmt"
	"github.com/gocfg/gocfg/gocore/codec/hclfmt"
	"github.com/gocfg/gocfg/gocore/codec/inifmt"
	"github.com/gocfg/gocfg/gocore/codec/jsonfmt"
	"github.com/gocfg/gocfg/gocore/codec/propsfmt"
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
	// DecodeEnviron, when set, is Decode for a format that expands
	// references to environment variables (.env's ${VAR}); environ is a
	// list of "NAME=value" entries, as os.Environ gives. Decode itself
	// expands from the document alone.
	DecodeEnviron func(data []byte, environ []string) (*value.Doc, error)
}

// codecs is fixed at build time and never modified.
var codecs = []Codec{
	{Name: "json", Extensions: []string{".json"}, Decode: jsonfmt.Decode, Encode: jsonfmt.Encode, DecodeContext: jsonfmt.DecodeContext},
	{Name: "yaml", Extensions: []string{".yaml", ".yml"}, Decode: yamlfmt.Decode, Encode: yamlfmt.Encode},
	{Name: "toml", Extensions: []string{".toml"}, Decode: tomlfmt.Decode, Encode: tomlfmt.Encode},
	{Name: "env", Extensions: []string{".env"}, Decode: envfmt.Decode, Encode: envfmt.Encode, DecodeEnviron: envfmt.DecodeEnviron},
	{Name: "ini", Extensions: []string{".ini", ".cfg", ".editorconfig"}, Decode: inifmt.Decode, Encode: inifmt.Encode},
	{Name: "properties", Extensions: []string{".properties"}, Decode: propsfmt.Decode, Encode: propsfmt.Encode},
	{Name: "hcl", Extensions: []string{".hcl", ".tf", ".tfvars"}, Decode: hclfmt.Decode, Encode: hclfmt.Encode},
}

// dialects are found by ByName only; no extension picks them.
var dialects = []Codec{
	{Name: "ini-case", Decode: inifmt.DecodeCase, Encode: inifmt.EncodeCase},
	{Name: "env-raw", Decode: envfmt.DecodeRaw, Encode: envfmt.Encode},
	{Name: "hcl-raw", Decode: hclfmt.DecodeRaw, Encode: hclfmt.Encode},
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
// accepted for yaml, and the dialects "ini-case", "env-raw" and "hcl-raw"
// too). An
// unknown name is an errs.ErrInvalidArgument error listing the known ones.
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
	for _, c := range dialects {
		if c.Name == n {
			return c, nil
		}
	}
	return Codec{}, fmt.Errorf("unknown format %q (known formats: %s; dialects: ini-case, env-raw, hcl-raw): %w", name, strings.Join(Names(), ", "), errs.ErrInvalidArgument)
}

// ByExtension picks the codec from a file name's extension (.json, .yaml,
// .yml, .toml, .env, .ini, .cfg, .editorconfig, .properties, .hcl, .tf,
// .tfvars, in any case). A file named ".env", or
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
	return Codec{}, fmt.Errorf("cannot tell the format of %q from its name (known extensions: .json .yaml .yml .toml .env .ini .cfg .editorconfig .properties .hcl .tf .tfvars): pass format= (one of %s): %w",
		path, strings.Join(Names(), ", "), errs.ErrInvalidArgument)
}
