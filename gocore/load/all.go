package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gocfg/gocfg/gocore/aside"
	"github.com/gocfg/gocfg/gocore/codec"
	"github.com/gocfg/gocfg/gocore/codec/jsonfmt"
	"github.com/gocfg/gocfg/gocore/codec/yamlfmt"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/fileio"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/value"
)

// MaxDocuments bounds the documents of one stream read by All. Each costs
// a tree and a positions map even when empty ("---\n" is four bytes), so
// a stream of millions of empty documents would cost far more memory than
// its size suggests; real streams (Kubernetes manifests) hold hundreds.
const MaxDocuments = 100_000

// All decodes every document of data, whatever its root (codec.DecodeAll),
// and checks the strings of each as Decode does. Errors name source; a
// string refused in a later document names its index.
func All(ctx context.Context, c codec.Codec, data []byte, source string) ([]value.AnyDoc, error) {
	// A YAML stream is counted before it is decoded: the library's nodes
	// for millions of empty documents would cost gigabytes ("---\n" * 2M,
	// 8 MB, took 570 MB), so the bound must hold before the work.
	if base, _, _ := strings.Cut(c.Name, "-"); base == "yaml" {
		if n := markers(data); n >= MaxDocuments {
			return nil, errs.InFile(source, &errs.Located{Kind: errs.ErrInvalidArgument, Msg: fmt.Sprintf(
				"the stream holds more than %d documents (%d document markers)", MaxDocuments, n)})
		}
	}
	docs, err := aside.Run(ctx, "decoding", func() ([]value.AnyDoc, error) { return c.DecodeAll(data) }, nil)
	if err == nil && len(docs) > MaxDocuments {
		err = &errs.Located{Kind: errs.ErrInvalidArgument, Msg: fmt.Sprintf(
			"the stream holds %d documents, more than the limit of %d", len(docs), MaxDocuments)}
	}
	for i := 0; err == nil && i < len(docs); i++ {
		if err = checkTree(docs[i].Root, func(path string) value.Pos { return docs[i].Positions[path] }); err != nil && len(docs) > 1 {
			err = inDocument(i, err)
		}
	}
	if err != nil {
		return nil, errs.InFile(source, err)
	}
	return docs, nil
}

// markers counts the lines that start or end a YAML document ("---" or
// "..." at the start of a line, alone or before a blank): a stream holds
// at most one document more than that, since a marker at column 0 is never
// content.
func markers(data []byte) int {
	n := 0
	for i := 0; i+3 <= len(data); {
		if (data[i] == '-' || data[i] == '.') && data[i+1] == data[i] && data[i+2] == data[i] &&
			(i+3 == len(data) || data[i+3] == ' ' || data[i+3] == '\t' || data[i+3] == '\n' || data[i+3] == '\r') {
			n++
		}
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return n
}

// inDocument prefixes a located error's message with its document's index
// (the stream's positions are per document, so the line alone is not
// enough to find it).
func inDocument(i int, err error) error {
	var loc *errs.Located
	if errors.As(err, &loc) {
		c := *loc
		c.Msg = fmt.Sprintf("document %d: %s", i, loc.Msg)
		return &c
	}
	return fmt.Errorf("document %d: %w", i, err)
}

// FileAll reads a file under ctx and decodes every document in it.
func FileAll(ctx context.Context, c codec.Codec, name string) ([]value.AnyDoc, error) {
	data, err := fileio.ReadFileContext(ctx, name)
	if err != nil {
		return nil, err
	}
	return All(ctx, c, data, name)
}

// Roots lists the documents' roots, for the wire.
func Roots(docs []value.AnyDoc) []any {
	out := make([]any, len(docs))
	for i, d := range docs {
		out[i] = d.Root
	}
	return out
}

// DecodeEnviron is Decode for a layer read with an environment: a format
// that expands environment references (.env's ${VAR}) reads them from
// environ, as python-dotenv and docker compose read the process's; any
// other format, and a nil environ (a config without an environment
// snapshot), decodes as Decode does.
func DecodeEnviron(ctx context.Context, c codec.Codec, data []byte, source string, environ []string) (*value.Doc, error) {
	if c.DecodeEnviron == nil || environ == nil {
		return Decode(ctx, c, data, source)
	}
	doc, err := aside.Run(ctx, "decoding", func() (*value.Doc, error) { return c.DecodeEnviron(data, environ) }, nil)
	if err == nil {
		err = CheckStrings(doc)
	}
	if err != nil {
		return nil, errs.InFile(source, err)
	}
	return doc, nil
}

// KeepLiteral is root as a layer of a config stores it: for a config
// that interpolates, a document whose format expands its own references
// (.env's ${VAR}) has each "${" left in its values escaped ("$${"). Once
// expanded, such values are final, and a "${" left in one is literal by
// the format's rules (single quotes, "\$" in double quotes, a variable's
// value), which the config's interpolation would otherwise read as a
// reference to a key: NAME='${HOME}' read the key HOME, not the text
// python-dotenv and docker compose give.
func KeepLiteral(c codec.Codec, root *value.Map, interpolates bool) *value.Map {
	if !interpolates || c.DecodeEnviron == nil {
		return root
	}
	return layer.EscapeDeep(root).(*value.Map)
}

// FileEnviron reads a file under ctx and decodes it with DecodeEnviron.
func FileEnviron(ctx context.Context, c codec.Codec, name string, environ []string) (*value.Doc, error) {
	data, err := fileio.ReadFileContext(ctx, name)
	if err != nil {
		return nil, err
	}
	return DecodeEnviron(ctx, c, data, name, environ)
}

// EncodeAll writes documents of any root in a format. YAML writes a stream,
// "---" between documents; JSON writes one document as itself and any
// other number as a list of them; every other format holds exactly one
// document whose root is a map, and refuses anything else naming what the
// documents are and the formats that can hold them.
func EncodeAll(c codec.Codec, roots []any) ([]byte, error) {
	base, _, _ := strings.Cut(c.Name, "-") // a reading mode writes as its format
	switch base {
	case "yaml":
		var out []byte
		for i, r := range roots {
			b, err := yamlfmt.EncodeValue(r)
			if err != nil {
				return nil, inDocument(i, err)
			}
			if i > 0 {
				out = append(out, "---\n"...)
			}
			out = append(out, b...)
		}
		return out, nil
	case "json", "jsonc":
		if len(roots) == 1 {
			return jsonfmt.EncodeValue(roots[0])
		}
		if roots == nil {
			roots = []any{}
		}
		return jsonfmt.EncodeValue(roots)
	}
	if len(roots) != 1 {
		return nil, &errs.Located{Kind: errs.ErrTypeMismatch, Msg: fmt.Sprintf(
			"%s cannot hold %d documents: it holds exactly one, whose root is a mapping (YAML writes a stream, JSON a list)", c.Name, len(roots))}
	}
	m, ok := roots[0].(*value.Map)
	if !ok {
		return nil, &errs.Located{Kind: errs.ErrTypeMismatch, Msg: fmt.Sprintf(
			"%s cannot hold %s at the root: its root is a mapping (YAML and JSON hold any root)", c.Name, value.AType(roots[0]))}
	}
	return c.Encode(m)
}
