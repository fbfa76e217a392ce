// Package layer builds a configuration from layers (defaults, files,
// mappings, the environment, overrides) and remembers where every value
// came from.
//
// A layer is merged into a tree deeply: maps merge key by key, anything
// else replaces what it meets (a list may instead extend the list it meets,
// with Options.AppendLists). Each merge records, for every value it sets,
// an Origin in a Provenance: the kind of layer, its name (file name,
// environment variable, override item), the line and column in the source
// document when the codec tracked them, and the layer's sequence number in
// its config. History lists a path's origins oldest first; the last one is
// where the value in force came from.
//
// The package also parses environment variables and override items into
// typed values (ParseScalar), resolves ${...} interpolation (Resolver) and
// compares trees (Diff). It holds no locks: the store guards its trees.
package layer

import (
	"fmt"
	"github.com/gocfg/gocfg/gocore/errs"
)

// Kind says what sort of layer set a value.
type Kind uint8

// The numbers are the header's enum gocfg_origin_kind.
const (
	KindNone     Kind = 0  // unknown: set before tracking began
	KindDefaults Kind = 1  // the defaults mapping of a load
	KindFile     Kind = 2  // a document read from a file
	KindText     Kind = 3  // a document given as text
	KindDict     Kind = 4  // a mapping (or another config) given by the program
	KindEnv      Kind = 5  // an environment variable
	KindOverride Kind = 6  // an override item ("server.port=9000")
	KindSet      Kind = 7  // a later write through the config itself (cfg[k] = v)
	KindStored   Kind = 8  // a config stored in a Database (name: the config's name)
	KindSecret   Kind = 9  // a secret file of a secrets directory (name: the file); its value is shown masked
	KindFlag     Kind = 10 // a command-line flag (name: the flag, such as "--server.port")
)

var kindNames = [...]string{"none", "defaults", "file", "text", "dict", "env", "override", "set", "stored", "secret", "flag"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool { return int(k) < len(kindNames) }

// Origin is where one value came from.
type Origin struct {
	Kind   Kind
	Name   string // file name, variable name, override item or label; may be empty
	Line   int    // 1-based; 0 when unknown
	Column int
	Layer  int // the layer's sequence number in its config (later wins)
}

// String is the form people read: "app.yaml:12:3", "env APP_SERVER__PORT",
// "override server.port=9000", "secret file /run/secrets/db_password",
// "command line --server.port", "defaults", "dict", "set".
func (o Origin) String() string {
	switch o.Kind {
	case KindFile, KindText:
		if o.Line > 0 {
			return fmt.Sprintf("%s:%d:%d", o.Name, o.Line, o.Column)
		}
		return o.Name
	case KindEnv:
		return "env " + o.Name
	case KindOverride:
		return "override " + o.Name
	case KindSecret:
		return "secret file " + o.Name
	case KindFlag:
		return "command line " + o.Name
	default:
		if o.Name != "" && o.Name != o.Kind.String() {
			return o.Kind.String() + " " + o.Name
		}
		return o.Kind.String()
	}
}

// ErrInterpolation is the kind of every error a ${...} reference gives: a
// cycle, a missing key or variable, a malformed reference.
var ErrInterpolation = errs.ErrInterpolation
