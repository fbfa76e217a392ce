// Package load turns documents into trees the store accepts: it picks the
// codec, parses under a context that can stop the work, checks every
// string the way the store checks strings set directly, and makes errors
// name the file (or text label) they came from.
package load

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"github.com/gocfg/gocfg/gocore/aside"
	"github.com/gocfg/gocfg/gocore/codec"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/fileio"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
)

// errNeedFormat is the error for text with no format and no file name.
var errNeedFormat = fmt.Errorf("a format is needed (json, yaml, toml, env or ini): %w", errs.ErrInvalidArgument)

// Codec finds the codec by name, or by the file's extension when the name
// is empty; with neither, a format is needed.
func Codec(format, file string) (codec.Codec, error) {
	if format != "" {
		return codec.ByName(format)
	}
	if file == "" {
		return codec.Codec{}, errNeedFormat
	}
	return codec.ByExtension(file)
}

// FileCodec checks a file name and picks its codec (format may be empty).
func FileCodec(file, format string) (codec.Codec, error) {
	if file == "" {
		return codec.Codec{}, fmt.Errorf("file name is empty: %w", errs.ErrInvalidArgument)
	}
	return Codec(format, file)
}

// ReadingCodec is FileCodec for a file about to be read. When no format is
// given and the name tells none, a file that is not there, or is a
// directory, is reported as such first, as opening it would report it:
// "pass format=" would only lead to that error next.
func ReadingCodec(file, format string) (codec.Codec, error) {
	c, err := FileCodec(file, format)
	if err == nil || format != "" || file == "" {
		return c, err
	}
	if st, serr := os.Stat(file); serr != nil {
		if errors.Is(serr, fs.ErrNotExist) {
			return c, fileio.PathError(file, serr)
		}
	} else if st.IsDir() {
		return c, fileio.PathError(file, syscall.EISDIR)
	}
	return c, err
}

// TextCodec picks the codec for a document given as text: the format is
// required.
func TextCodec(format string) (codec.Codec, error) {
	if format == "" {
		return codec.Codec{}, errNeedFormat
	}
	return Codec(format, "")
}

// Decode parses data under ctx and checks its strings; errors name source
// (a file name or label; may be empty). A codec that can watch ctx stops
// its own work when cancelled; for one that cannot, Decode still returns
// at once and the parse finishes (and is dropped) in the background, so
// data must not be memory the caller reuses.
func Decode(ctx context.Context, c codec.Codec, data []byte, source string) (*value.Doc, error) {
	doc, err := decode(ctx, c, data)
	if err == nil && !c.TextChecked {
		err = CheckStrings(doc)
	}
	if err != nil {
		return nil, errs.InFile(source, err)
	}
	return doc, nil
}

func decode(ctx context.Context, c codec.Codec, data []byte) (*value.Doc, error) {
	if ctx.Done() != nil && c.DecodeContext != nil {
		doc, err := c.DecodeContext(ctx, data)
		if cerr := aside.Cancelled(ctx); cerr != nil {
			return nil, cerr
		}
		return doc, err
	}
	return aside.Run(ctx, "decoding", func() (*value.Doc, error) { return c.Decode(data) }, nil)
}

// File reads a file under ctx and decodes it.
func File(ctx context.Context, c codec.Codec, name string) (*value.Doc, error) {
	data, err := fileio.ReadFileContext(ctx, name)
	if err != nil {
		return nil, err
	}
	return Decode(ctx, c, data, name)
}

// CheckStrings enforces what the store promises of every string: valid
// UTF-8 in keys and values (both may hold NUL), the same rule as for
// values set from Python or C. A
// refused string is a parse error at its position when the codec recorded
// one.
func CheckStrings(doc *value.Doc) error {
	// A lean document (decoded without positions) decodes again to place
	// an error: Doc.Position does that on first need.
	return checkTree(doc.Root, func(path string) value.Pos { pos, _ := doc.Position(path); return pos })
}

// checkTree is CheckStrings for a root of any kind (a document of a
// stream read by All may be a list or a scalar).
func checkTree(root any, position func(string) value.Pos) error {
	at, err := store.CheckStrings(root)
	if err == nil {
		return nil
	}
	if at == nil { // too deep: no one place to name
		return &errs.Located{Kind: errs.ErrParse, Msg: errs.Message(err)}
	}
	return located(position, value.JoinPath(at...), err)
}

func located(position func(string) value.Pos, path string, err error) error {
	pos := position(path)
	return &errs.Located{Kind: errs.ErrParse, Line: pos.Line, Column: pos.Column,
		Msg: fmt.Sprintf("at %s: %v", path, strings.TrimSuffix(err.Error(), ": "+errs.ErrInvalidArgument.Error()))}
}

// Encode writes the whole tree of cfg in a format (unresolved: a dump
// writes ${...} references as they are).
func Encode(cfg *store.Config, c codec.Codec) ([]byte, error) {
	var b []byte
	err := cfg.View("", func(v any) (err error) {
		b, err = c.Encode(v.(*value.Map))
		return err
	})
	return b, err
}
