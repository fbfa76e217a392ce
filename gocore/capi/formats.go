package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include "gocfg.h"
*/
import "C"

import (
	"context"
	"unsafe"

	"github.com/gocfg/gocfg/gocore/codec"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/fileio"
	"github.com/gocfg/gocfg/gocore/load"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
)

// fileArgs copies a file name, borrows a format name (empty: from the
// file's extension) and picks the codec, for every call that takes a file;
// for one that reads it (reading), a missing file or a directory whose
// name tells no format is reported as such (see load.ReadingCodec).
func fileArgs(file *C.char, fileLen C.size_t, format *C.char, formatLen C.size_t, reading bool) (string, codec.Codec, error) {
	name, err := text(file, fileLen, "file name")
	if err != nil {
		return "", codec.Codec{}, err
	}
	f, err := borrow(format, formatLen, "format")
	if err != nil {
		return "", codec.Codec{}, err
	}
	pick := load.FileCodec
	if reading {
		pick = load.ReadingCodec
	}
	c, err := pick(name, f)
	return name, c, err
}

// textArgs copies a document given as text (a cancelled parse may still
// read it after the call returns) and picks the codec its format names.
func textArgs(doc *C.char, docLen C.size_t, format *C.char, formatLen C.size_t) ([]byte, codec.Codec, error) {
	t, err := borrowData(doc, docLen, "text")
	if err != nil {
		return nil, codec.Codec{}, err
	}
	c, err := textCodec(format, formatLen)
	return []byte(t), c, err
}

// textCodec picks the codec a format name names, for calls that write or
// read text (no file name to take it from).
func textCodec(format *C.char, formatLen C.size_t) (codec.Codec, error) {
	f, err := borrow(format, formatLen, "format")
	if err != nil {
		return codec.Codec{}, err
	}
	return load.TextCodec(f)
}

// newConfigFrom is the shape of load and loads: parse a document under
// the call's cancel handle into a new config.
func newConfigFrom(cancel C.uintptr_t, out *C.uintptr_t, errOut **C.gocfg_error, parse func(context.Context) (*value.Doc, error)) C.int {
	return status(errOut, reads, func() error {
		ctx, err := callContext(cancel)
		if err != nil {
			return err
		}
		doc, err := parse(ctx)
		if err != nil {
			return err
		}
		return newConfigHandle(store.NewFrom(doc.Root), out)
	})
}

//export gocfg_config_load
func gocfg_config_load(file *C.char, fileLen C.size_t, format *C.char, formatLen C.size_t, cancel C.uintptr_t, out *C.uintptr_t, errOut **C.gocfg_error) C.int {
	return newConfigFrom(cancel, out, errOut, func(ctx context.Context) (*value.Doc, error) {
		name, c, err := fileArgs(file, fileLen, format, formatLen, true)
		if err == nil {
			err = nonNull(out, "out")
		}
		if err != nil {
			return nil, err
		}
		// A plain Config keeps no provenance: decode without positions
		// (an error found later is placed by decoding again).
		return load.File(ctx, c.Lean(), name)
	})
}

//export gocfg_config_loads
func gocfg_config_loads(doc *C.char, docLen C.size_t, format *C.char, formatLen C.size_t, cancel C.uintptr_t, out *C.uintptr_t, errOut **C.gocfg_error) C.int {
	return newConfigFrom(cancel, out, errOut, func(ctx context.Context) (*value.Doc, error) {
		t, err := borrowData(doc, docLen, "text")
		if err != nil {
			return nil, err
		}
		c, err := textCodec(format, formatLen)
		if err == nil {
			err = nonNull(out, "out")
		}
		if err != nil {
			return nil, err
		}
		// The caller's text is lent for the call only. A codec that
		// copies what it keeps, decoding within this call (it can watch
		// ctx itself, or ctx is never cancelled, see load.Decode), may
		// read the text in place: a big document then costs no copy of
		// its size. Only the tree is kept (see newConfigFrom), not the Doc,
		// whose Locate would read the text again.
		data := unsafe.Slice(unsafe.StringData(t), len(t))
		if !c.CopiesText || (ctx.Done() != nil && c.DecodeContext == nil) {
			data = []byte(t)
		}
		return load.Decode(ctx, c.Lean(), data, "")
	})
}

// encodeConfig writes the config h names in a format.
func encodeConfig(h C.uintptr_t, c codec.Codec) ([]byte, error) {
	cfg, err := lookupConfig(h)
	if err != nil {
		return nil, err
	}
	return load.Encode(cfg, c)
}

//export gocfg_config_dump
func gocfg_config_dump(h C.uintptr_t, format *C.char, formatLen C.size_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		c, err := textCodec(format, formatLen)
		if err != nil {
			return err
		}
		b, err := encodeConfig(h, c)
		if err != nil {
			return err
		}
		return putBuffer(out, b)
	})
}

//export gocfg_config_save
func gocfg_config_save(h C.uintptr_t, file *C.char, fileLen C.size_t, format *C.char, formatLen C.size_t, flags C.int, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		name, c, err := fileArgs(file, fileLen, format, formatLen, false)
		if err != nil {
			return err
		}
		b, err := encodeConfig(h, c)
		if err != nil {
			return errs.InFile(name, err)
		}
		return fileio.WriteAtomic(name, b, 0o666, flags&C.GOCFG_SAVE_PRIVATE != 0)
	})
}
