package codec

import (
	"context"

	"github.com/gocfg/gocfg/gocore/codec/jsonfmt"
	"github.com/gocfg/gocfg/gocore/codec/tomlfmt"
	"github.com/gocfg/gocfg/gocore/codec/yamlfmt"
	"github.com/gocfg/gocfg/gocore/value"
)

// leanDecoders are the decoders that record no positions while parsing,
// by format name; a format missing here records positions anyway (they
// cost it little).
var leanDecoders = map[string]struct {
	decode        func([]byte) (*value.Doc, error)
	decodeContext func(context.Context, []byte) (*value.Doc, error)
}{
	"json":     {jsonfmt.DecodeLean, jsonfmt.DecodeLeanContext},
	"jsonc":    {jsonfmt.DecodeJSONCLean, jsonfmt.DecodeJSONCLeanContext},
	"yaml":     {yamlfmt.DecodeLean, nil},
	"yaml-1.1": {yamlfmt.DecodeYAML11Lean, nil},
	"toml":     {tomlfmt.DecodeLean, nil},
	"toml-1.0": {tomlfmt.DecodeTOML10Lean, nil},
}

// Lean returns the codec with Decode and DecodeContext replaced by
// decoders that record no positions while parsing: for a plain load,
// which keeps no provenance, they save the path string and map entry per
// value that positions cost (a third of JSON's decode time, most of its
// garbage). The Doc they return has no Positions but a Locate that parses
// again with them, so an error found after decoding (a refused string) is
// still placed exactly: read positions with Doc.Position. Parse errors are
// placed as usual. Layers, whose provenance needs every position, use the
// codec as it is. DecodeAll is unchanged.
func (c Codec) Lean() Codec {
	if l, ok := leanDecoders[c.Name]; ok {
		c.Decode = l.decode
		if c.DecodeContext != nil {
			c.DecodeContext = l.decodeContext
		}
	}
	return c
}
