package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include "gocfg.h"
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gocfg/gocfg/gocore/codec"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/fileio"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
)

// fileArgs borrows a file name and a format name (empty: from the file's
// extension) and picks the codec, for every call that takes a file.
func fileArgs(file *C.char, fileLen C.size_t, format *C.char, formatLen C.size_t) (string, codec.Codec, error) {
	name, err := borrow(file, fileLen, "file name")
	if err != nil {
		return "", codec.Codec{}, err
	}
	if name == "" {
		return "", codec.Codec{}, fmt.Errorf("file name is empty: %w", errs.ErrInvalidArgument)
	}
	f, err := borrow(format, formatLen, "format")
	if err != nil {
		return "", codec.Codec{}, err
	}
	name = strings.Clone(name)
	c, err := pickCodec(f, name)
	return name, c, err
}

// pickCodec finds the codec by name, or by the file's extension when the
// name is empty.
func pickCodec(format, file string) (codec.Codec, error) {
	if format != "" {
		return codec.ByName(format)
	}
	if file == "" {
		return codec.Codec{}, fmt.Errorf("a format is needed (json, yaml, toml, env or ini): %w", errs.ErrInvalidArgument)
	}
	return codec.ByExtension(file)
}

// inFile makes a codec's error name the file it came from.
func inFile(file string, err error) error {
	var loc *errs.Located
	if file == "" || !errors.As(err, &loc) {
		return err
	}
	located := *loc
	if located.Path == "" || errors.Is(err, errs.ErrParse) {
		located.Path = file
	} else {
		located.Msg = located.Path + ": " + located.Msg
		located.Path = file
	}
	return &located
}

// decode parses data under ctx. A codec that can watch ctx stops its own
// work when cancelled; for one that cannot, the call still returns at once
// and the parse finishes (and is dropped) in the background.
func decode(ctx context.Context, c codec.Codec, data []byte) (*value.Doc, error) {
	if ctx.Done() == nil {
		return c.Decode(data)
	}
	if c.DecodeContext != nil {
		doc, err := c.DecodeContext(ctx, data)
		if cerr := interrupted(ctx); cerr != nil {
			return nil, cerr
		}
		return doc, err
	}
	type result struct {
		doc *value.Doc
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{nil, fmt.Errorf("panic while decoding: %v: %w", r, errs.ErrInternal)}
			}
		}()
		doc, err := c.Decode(data)
		done <- result{doc, err}
	}()
	select {
	case r := <-done:
		return r.doc, r.err
	case <-ctx.Done():
		return nil, interrupted(ctx)
	}
}

func decodeInto(ctx context.Context, out *C.uintptr_t, c codec.Codec, data []byte, file string) error {
	if out == nil {
		return fmt.Errorf("out is NULL: %w", errs.ErrInvalidArgument)
	}
	doc, err := decode(ctx, c, data)
	if err != nil {
		return inFile(file, err)
	}
	if err := checkStrings(doc); err != nil {
		return inFile(file, err)
	}
	*out = newConfigHandle(store.NewFrom(doc.Root))
	return nil
}

//export gocfg_config_load
func gocfg_config_load(file *C.char, fileLen C.size_t, format *C.char, formatLen C.size_t, cancel C.uintptr_t, out *C.uintptr_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	err := func() error {
		ctx, err := callContext(cancel)
		if err != nil {
			return err
		}
		name, c, err := fileArgs(file, fileLen, format, formatLen)
		if err != nil {
			return err
		}
		data, err := fileio.ReadFileContext(ctx, name)
		if err != nil {
			return err
		}
		return decodeInto(ctx, out, c, data, name)
	}()
	return report(errOut, err)
}

//export gocfg_config_loads
func gocfg_config_loads(text *C.char, textLen C.size_t, format *C.char, formatLen C.size_t, cancel C.uintptr_t, out *C.uintptr_t, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	err := func() error {
		ctx, err := callContext(cancel)
		if err != nil {
			return err
		}
		t, err := borrow(text, textLen, "text")
		if err != nil {
			return err
		}
		f, err := borrow(format, formatLen, "format")
		if err != nil {
			return err
		}
		c, err := pickCodec(f, "")
		if err != nil {
			return err
		}
		// A copy: a cancelled parse may still be reading it after we return.
		return decodeInto(ctx, out, c, []byte(t), "")
	}()
	return report(errOut, err)
}

func encode(h C.uintptr_t, c codec.Codec) ([]byte, error) {
	cfg, err := lookupConfig(uintptr(h))
	if err != nil {
		return nil, err
	}
	var b []byte
	err = cfg.View("", func(v any) (err error) {
		b, err = c.Encode(v.(*value.Map))
		return err
	})
	return b, err
}

//export gocfg_config_dump
func gocfg_config_dump(h C.uintptr_t, format *C.char, formatLen C.size_t, out *C.gocfg_buffer, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	err := func() error {
		f, err := borrow(format, formatLen, "format")
		if err != nil {
			return err
		}
		if f == "" {
			return fmt.Errorf("a format is needed (json, yaml, toml, env or ini): %w", errs.ErrInvalidArgument)
		}
		c, err := pickCodec(f, "")
		if err != nil {
			return err
		}
		b, err := encode(h, c)
		if err != nil {
			return err
		}
		return putBuffer(out, b)
	}()
	return report(errOut, err)
}

//export gocfg_config_save
func gocfg_config_save(h C.uintptr_t, file *C.char, fileLen C.size_t, format *C.char, formatLen C.size_t, flags C.int, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	err := func() error {
		name, c, err := fileArgs(file, fileLen, format, formatLen)
		if err != nil {
			return err
		}
		b, err := encode(h, c)
		if err != nil {
			return inFile(name, err)
		}
		return fileio.WriteAtomic(name, b, 0o644, flags&C.GOCFG_SAVE_PRIVATE != 0)
	}()
	return report(errOut, err)
}

// checkStrings enforces what the store promises of every string: valid
// UTF-8 with no NUL, the same rule as for values set from Python or C.
func checkStrings(doc *value.Doc) error {
	var walk func(v any, path string) error
	walk = func(v any, path string) error {
		switch v := v.(type) {
		case string:
			if err := store.CheckText("string", v); err != nil {
				return located(doc, path, err)
			}
		case []any:
			for i, item := range v {
				if err := walk(item, value.AppendPath(path, fmt.Sprint(i))); err != nil {
					return err
				}
			}
		case *value.Map:
			var err error
			v.Range(func(k string, item any) bool {
				p := value.AppendPath(path, k)
				if err = store.CheckKey(k); err != nil {
					err = located(doc, p, err)
					return false
				}
				err = walk(item, p)
				return err == nil
			})
			return err
		}
		return nil
	}
	return walk(doc.Root, "")
}

// located reports a refused string as a parse error at its position when
// the codec recorded one.
func located(doc *value.Doc, path string, err error) error {
	pos := doc.Positions[path]
	return &errs.Located{Kind: errs.ErrParse, Line: pos.Line, Column: pos.Column,
		Msg: fmt.Sprintf("at %s: %v", path, strings.TrimSuffix(err.Error(), ": "+errs.ErrInvalidArgument.Error()))}
}
