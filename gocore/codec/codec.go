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
	"bytes"
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
	// DecodeAll reads every document of a stream whatever its root (a
	// map, a list, a scalar; nil for an empty YAML document), for
	// load_all() and for reading a file into plain values. YAML gives one
	// entry per document (none for an empty stream); every other format
	// holds one document, and a map-only format (TOML, .env, INI) gives its
	// Decode result. Decode itself keeps its rule: one document, a map
	// root. ByName and ByExtension always fill it in.
	DecodeAll func([]byte) ([]value.AnyDoc, error)
	// DecodeEnviron, when set, is Decode for a format that expands
	// references to environment variables (.env's ${VAR}); environ is a
	// list of "NAME=value" entries, as os.Environ gives. Decode itself
	// expands from the document alone.
	DecodeEnviron func(data []byte, environ []string) (*value.Doc, error)
	// TextChecked says that Decode itself refuses what store.CheckStrings
	// would (invalid UTF-8 in a key or a string, nesting beyond
	// value.MaxDepth), so loading may skip that walk over the tree.
	TextChecked bool
	// CopiesText says that the tree Decode and DecodeContext return holds
	// no reference to their input (every string is a copy), so that a
	// caller whose decode runs within its call may lend them memory that
	// is reused once they return, instead of copying it first.
	CopiesText bool
}

// codecs is fixed at build time and never modified.
var codecs = []Codec{
	{Name: "json", Extensions: []string{".json"}, Decode: jsonfmt.Decode, Encode: jsonfmt.Encode, DecodeContext: jsonfmt.DecodeContext, DecodeAll: jsonfmt.DecodeAll,
		TextChecked: true, CopiesText: true}, // the whole text is checked as UTF-8, lone surrogate escapes and deep nesting refused
	{Name: "yaml", Extensions: []string{".yaml", ".yml"}, Decode: yamlfmt.Decode, Encode: yamlfmt.Encode, DecodeAll: yamlfmt.DecodeAll},
	{Name: "toml", Extensions: []string{".toml"}, Decode: tomlfmt.Decode, Encode: tomlfmt.Encode},
	{Name: "env", Extensions: []string{".env"}, Decode: envfmt.Decode, Encode: envfmt.Encode, DecodeEnviron: envfmt.DecodeEnviron},
	{Name: "ini", Extensions: []string{".ini", ".cfg", ".editorconfig"}, Decode: inifmt.Decode, Encode: inifmt.Encode},
	// JSON with comments and trailing commas; written back as plain JSON.
	{Name: "jsonc", Extensions: []string{".jsonc"}, Decode: jsonfmt.DecodeJSONC, Encode: jsonfmt.Encode, DecodeContext: jsonfmt.DecodeJSONCContext, DecodeAll: jsonfmt.DecodeJSONCAll,
		CopiesText: true},
	{Name: "properties", Extensions: []string{".properties"}, Decode: propsfmt.Decode, Encode: propsfmt.Encode},
	{Name: "hcl", Extensions: []string{".hcl", ".tf", ".tfvars"}, Decode: hclfmt.Decode, Encode: hclfmt.Encode},
}

// variants are reading modes (dialects) of a listed format, chosen by name
// only: no extension picks them, and Names does not list them, since they
// are not formats of their own.
//   - "yaml-1.1" reads plain scalars by YAML 1.1's types (yes/no/on/off
//     booleans, 0755 octal, 1:20 sexagesimal), as Ansible and Kubernetes
//     tools do; it writes YAML as "yaml" does, quoting every string a YAML
//     1.1 reader would take for something else.
//   - "toml-1.0" refuses what TOML 1.1 added (for files that a TOML 1.0
//     reader such as Python's tomllib must read); toml's Encode already
//     writes TOML 1.0.
//   - "ini-case" keeps the case of INI keys (configparser lowercases them).
//   - "env-raw" reads .env values without expanding ${VAR} references.
//   - "hcl-raw" keeps HCL expressions that need evaluation as "${...}"
//     strings instead of refusing them.
//   - "properties-flat" keeps .properties keys whole ("a.b" is one key),
//     for files where a key is both a value and a parent.
var variants = []Codec{
	{Name: "yaml-1.1", Decode: yamlfmt.DecodeYAML11, Encode: yamlfmt.Encode, DecodeAll: yamlfmt.DecodeAllYAML11},
	{Name: "toml-1.0", Decode: tomlfmt.DecodeTOML10, Encode: tomlfmt.Encode},
	{Name: "ini-case", Decode: inifmt.DecodeCase, Encode: inifmt.EncodeCase},
	{Name: "env-raw", Decode: envfmt.DecodeRaw, Encode: envfmt.Encode},
	{Name: "hcl-raw", Decode: hclfmt.DecodeRaw, Encode: hclfmt.Encode},
	{Name: "properties-flat", Decode: propsfmt.DecodeFlat, Encode: propsfmt.EncodeFlat},
}

var bom = []byte("\uFEFF")

// VariantNames lists the reading modes that ByName accepts beyond Names.
func VariantNames() []string {
	out := make([]string, len(variants))
	for i, c := range variants {
		out[i] = c.Name
	}
	return out
}

// complete fills in what a codec may leave out, and makes its Encode
// never start with a byte order mark.
func complete(c Codec) Codec {
	if encode := c.Encode; encode != nil {
		c.Encode = func(root *value.Map) ([]byte, error) {
			b, err := encode(root)
			if err == nil && bytes.HasPrefix(b, bom) {
				// A first key starting with U+FEFF, written bare (.env, INI,
				// HCL), read back as a byte order mark, which every reader
				// skips: the key lost its first character. After a blank
				// line it is a character of the key.
				b = append([]byte{'\n'}, b...)
			}
			return b, err
		}
	}
	if c.DecodeAll == nil {
		decode := c.Decode
		c.DecodeAll = func(data []byte) ([]value.AnyDoc, error) {
			doc, err := decode(data)
			if err != nil {
				return nil, err
			}
			return []value.AnyDoc{{Root: doc.Root, Positions: doc.Positions}}, nil
		}
	}
	return c
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
// accepted for yaml; the reading modes in variants — "yaml-1.1" (or
// "yml-1.1"), "toml-1.0", "ini-case", "env-raw", "hcl-raw" — too). An
// unknown name is an errs.ErrInvalidArgument error listing the known ones.
func ByName(name string) (Codec, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	switch n {
	case "yml":
		n = "yaml"
	case "yml-1.1":
		n = "yaml-1.1"
	}
	for _, list := range [][]Codec{codecs, variants} {
		for _, c := range list {
			if c.Name == n {
				return complete(c), nil
			}
		}
	}
	return Codec{}, fmt.Errorf("unknown format %q (known formats: %s; reading modes: %s): %w",
		name, strings.Join(Names(), ", "), strings.Join(VariantNames(), ", "), errs.ErrInvalidArgument)
}

// ByExtension picks the codec from a file name's extension (.json, .jsonc,
// .yaml, .yml, .toml, .env, .ini, .cfg, .editorconfig, .properties, .hcl,
// .tf, .tfvars, in any case). A file named ".env", or
// ".env.local", ".env.production" and the like, is a .env file. Anything
// else is an errs.ErrInvalidArgument error saying to pass format=.
func ByExtension(path string) (Codec, error) {
	base := filepath.Base(path)
	lower := strings.ToLower(base)
	if lower == ".env" || strings.HasPrefix(lower, ".env.") {
		return ByName("env")
	}
	ext := strings.ToLower(filepath.Ext(base))
	if lang := foreign(lower, ext); lang != "" {
		return Codec{}, fmt.Errorf("%q is %s, a language gocfg does not read (it reads %s): %w",
			path, lang, strings.Join(Names(), ", "), errs.ErrInvalidArgument)
	}
	if ext != "" {
		for _, c := range codecs {
			for _, e := range c.Extensions {
				if e == ext {
					return complete(c), nil
				}
			}
		}
	}
	var known []string
	for _, c := range codecs {
		known = append(known, c.Extensions...)
	}
	more := ""
	if ext == ".json5" {
		// renovate.json5 and the like: JSON5 (bare keys, single quotes,
		// hexadecimal numbers) is not read; the JSONC subset of it is.
		more = `; JSON5 is none of them, but a .json5 file that writes its keys and strings in double quotes reads as "jsonc"`
	} else if hint := nameHint(base, lower, ext); hint != "" {
		more = "; " + hint
	}
	return Codec{}, fmt.Errorf("cannot tell the format of %q from its name (known extensions: %s, and names like .env.local): pass format= (one of %s)%s: %w",
		path, strings.Join(known, " "), strings.Join(Names(), ", "), more, errs.ErrInvalidArgument)
}

// Table lists the formats for the C ABI's gocfg_formats, in the shape
// gocfg.h documents: a line per format, its name, the other names ByName
// takes for it (an extension without its dot, such as "yml"), then its
// extensions, separated by single spaces.
func Table() string {
	var b strings.Builder
	for _, c := range codecs {
		b.WriteString(c.Name)
		for _, ext := range c.Extensions {
			alias := strings.TrimPrefix(ext, ".")
			if other, err := ByName(alias); alias != c.Name && err == nil && other.Name == c.Name {
				b.WriteString(" " + alias)
			}
		}
		for _, ext := range c.Extensions {
			b.WriteString(" " + ext)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// VariantTable lists the reading modes for the C ABI's gocfg_format_modes,
// in the shape gocfg.h documents: a line per mode, its name, the format
// it refines, then the other names ByName takes for it ("yml-1.1"),
// separated by single spaces.
func VariantTable() string {
	var b strings.Builder
	for _, v := range variants {
		base, rest, _ := strings.Cut(v.Name, "-")
		b.WriteString(v.Name + " " + base)
		for _, c := range codecs {
			if c.Name != base {
				continue
			}
			for _, ext := range c.Extensions {
				alias := strings.TrimPrefix(ext, ".") + "-" + rest
				if other, err := ByName(alias); alias != v.Name && err == nil && other.Name == v.Name {
					b.WriteString(" " + alias)
				}
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// wellKnown names the format of configuration files known by their whole
// name, which no extension tells (lower case).
var wellKnown = map[string]string{
	"pipfile": "toml", "cargo.lock": "toml", "poetry.lock": "toml", "uv.lock": "toml", "pdm.lock": "toml", "gopkg.lock": "toml",
	"pipfile.lock": "json", "composer.lock": "json", "flake.lock": "json", "deno.lock": "json", ".bowerrc": "json",
	".coveragerc": "ini", ".flake8": "ini", ".pylintrc": "ini", "pylintrc": "ini", ".pypirc": "ini",
	".gitconfig": "ini", ".gitmodules": "ini", ".hgrc": "ini", "my.cnf": "ini",
	"pip.conf": "ini", "supervisord.conf": "ini", ".sqlfluff": "ini",
	".gemrc": "yaml", ".condarc": "yaml", ".clang-format": "yaml", ".clang-tidy": "yaml", ".yamllint": "yaml",
}

// foreignNames and foreignExts name the languages of files that hold
// configuration in a language gocfg does not read, by a file's whole name
// (lower case) or its extension. Such a file is refused by its name: read
// by its extension it was a wrong guess (haproxy.cfg's .cfg is INI's,
// whose parse error then said nothing of HAProxy), and a name gocfg could
// not place was told to "pass format=", as if some format would read it.
// Only names that say their language for certain are here: a .conf file
// may be INI, and is left to the hint in nameHint.
var foreignNames = map[string]string{
	"nginx.conf": "nginx configuration", "httpd.conf": "Apache httpd configuration",
	"apache2.conf": "Apache httpd configuration", ".htaccess": "Apache httpd configuration",
	"haproxy.cfg": "HAProxy configuration", "caddyfile": "a Caddyfile (Caddy's own syntax)",
	"dockerfile": "a Dockerfile", "containerfile": "a Dockerfile", "makefile": "a Makefile",
	"gnumakefile": "a Makefile", "jenkinsfile": "a Jenkinsfile (Groovy)", "vagrantfile": "Ruby (a Vagrantfile)",
	"gemfile": "Ruby (a Gemfile)", "rakefile": "Ruby (a Rakefile)", "cmakelists.txt": "CMake",
}

var foreignExts = map[string]string{
	".xml": "XML", ".plist": "a property list (XML or binary)", ".js": "JavaScript", ".mjs": "JavaScript",
	".cjs": "JavaScript", ".ts": "TypeScript", ".mts": "TypeScript", ".cts": "TypeScript", ".py": "Python",
	".rb": "Ruby", ".lua": "Lua", ".groovy": "Groovy", ".gradle": "Groovy (a Gradle build)", ".kts": "Kotlin script",
	".sh": "a shell script", ".bash": "a shell script", ".zsh": "a shell script", ".ps1": "PowerShell",
	".php": "PHP", ".nix": "Nix", ".jsonnet": "Jsonnet", ".libsonnet": "Jsonnet", ".cue": "CUE", ".dhall": "Dhall",
	".pkl": "Pkl", ".hocon": "HOCON", ".xsd": "XML", ".csproj": "XML (an MSBuild project)",
}

// foreign returns the language of a file that foreignNames or
// foreignExts name, or "". lower is the file's name in lower case, ext its
// extension.
func foreign(lower, ext string) string {
	if lang, ok := foreignNames[lower]; ok {
		return lang
	}
	// Dockerfile.dev, api.Dockerfile
	if strings.HasPrefix(lower, "dockerfile.") || strings.HasSuffix(lower, ".dockerfile") || strings.HasPrefix(lower, "containerfile.") {
		return "a Dockerfile"
	}
	return foreignExts[ext]
}

// copySuffixes end the names of copies and templates of a configuration
// file (config.yaml.example, app.properties.dist, values.yaml.j2); the
// name before them tells the format.
var copySuffixes = map[string]string{
	".dist": "copy", ".example": "copy", ".sample": "copy", ".default": "copy", ".orig": "copy",
	".bak": "copy", ".old": "copy", ".in": "copy",
	".j2": "template", ".jinja": "template", ".jinja2": "template", ".tpl": "template", ".tmpl": "template",
	".gotmpl": "template", ".template": "template",
}

// nameHint says, for a name ByExtension cannot place, which format= a
// file of that name usually takes, or "". base is the file's name, lower
// that name in lower case, ext its extension.
func nameHint(base, lower, ext string) string {
	if f, ok := wellKnown[lower]; ok {
		return fmt.Sprintf("a file named %s is %s (format %q)", base, strings.ToUpper(f), f)
	}
	switch ext {
	case ".cnf":
		return `MySQL option files read as INI (format "ini")`
	case ".service", ".socket", ".timer", ".mount", ".target", ".path":
		return `systemd units read as INI with their keys' case kept (format "ini-case")`
	case ".conf":
		return `a .conf file may be INI (format "ini"), or in a language gocfg does not read: nginx's, Apache's, HOCON, a shell's`
	}
	switch lower {
	case ".babelrc", ".eslintrc", ".prettierrc", ".jshintrc", ".swcrc", ".stylelintrc":
		return `such a file is usually JSON, often with comments (format "jsonc"), or else YAML (format "yaml")`
	case ".envrc":
		return `.envrc is a direnv shell script, not a .env file; one that holds only NAME=value lines (export allowed) reads as format "env"`
	case ".npmrc":
		// npm's ini splits a line at its first '=' and keeps key case;
		// INI splits at ':' when it comes first, so "@scope:registry=URL"
		// read as the key "@scope", and "//host/:_authToken=..." as a key
		// with no "token" in it, which left the token unmasked.
		return `npm's key=value lines read as format "env-raw" (split at the first "=", case kept, ${...} as written; "#" starts a comment line, not ";"), not as INI, which splits "@scope:registry=..." and "//host/:_authToken=..." at the colon`
	}
	if ext == ".erb" {
		// database.yml.erb: the name says which format ERB's output is,
		// but the template itself is Ruby code around it.
		return "the name says an ERB template (Ruby's, as Rails and GitLab write config/*.yml.erb), " +
			"which reads once rendered: gocfg reads the file ERB writes, not the template"
	}
	if kind, ok := copySuffixes[ext]; ok {
		inner := strings.TrimSuffix(lower, ext)
		if inner == ".env" || strings.HasPrefix(inner, ".env.") {
			return fmt.Sprintf(`the name before %s says .env (format "env")`, ext)
		}
		innerExt := filepath.Ext(inner)
		for _, c := range codecs {
			for _, e := range c.Extensions {
				if e != innerExt || innerExt == "" {
					continue
				}
				if kind == "template" {
					return fmt.Sprintf("the name says a template of a %s file, which reads once rendered (format %q; template syntax left in it is no %s)", e, c.Name, c.Name)
				}
				return fmt.Sprintf("the name before %s says %s (format %q)", ext, e, c.Name)
			}
		}
	}
	return ""
}
