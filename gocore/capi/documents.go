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
	"github.com/gocfg/gocfg/gocore/load"
	"github.com/gocfg/gocfg/gocore/value"
	"github.com/gocfg/gocfg/gocore/wire"
)

// Streams and roots of any kind (issue 12): thin exports over gocore/load's
// All and EncodeAll. See "documents" in gocfg.h.

//export gocfg_format_modes
func gocfg_format_modes(out *C.gocfg_buffer, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error { return putBuffer(out, []byte(codec.VariantTable())) })
}

// readAll is the shape of read_all and reads_all: decode every document
// under the call's cancel handle and write their roots as a wire list.
func readAll(cancel C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error, decode func(context.Context) ([]value.AnyDoc, error)) C.int64_t {
	return length(errOut, reads, func() (int, error) {
		if err := nonNull(out, "out"); err != nil {
			return 0, err
		}
		ctx, err := callContext(cancel)
		if err != nil {
			return 0, err
		}
		docs, err := decode(ctx)
		if err != nil {
			return 0, err
		}
		b, err := wire.Encode(load.Roots(docs))
		if err != nil {
			return 0, err
		}
		return len(docs), putBuffer(out, b)
	})
}

//export gocfg_read_all
func gocfg_read_all(file *C.char, fileLen C.size_t, format *C.char, formatLen C.size_t, cancel C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int64_t {
	return readAll(cancel, out, errOut, func(ctx context.Context) ([]value.AnyDoc, error) {
		name, c, err := fileArgs(file, fileLen, format, formatLen, true)
		if err != nil {
			return nil, err
		}
		return load.FileAll(ctx, c, name)
	})
}

//export gocfg_reads_all
func gocfg_reads_all(doc *C.char, docLen C.size_t, format *C.char, formatLen C.size_t, cancel C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int64_t {
	return readAll(cancel, out, errOut, func(ctx context.Context) ([]value.AnyDoc, error) {
		data, c, err := textArgs(doc, docLen, format, formatLen)
		if err != nil {
			return nil, err
		}
		return load.All(ctx, c, data, "")
	})
}

//export gocfg_dump_all
func gocfg_dump_all(data *C.char, dataLen C.size_t, format *C.char, formatLen C.size_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		c, err := textCodec(format, formatLen)
		if err != nil {
			return err
		}
		raw, err := borrowValue(data, dataLen, "data")
		if err != nil {
			return err
		}
		v, err := wire.DecodeWrapped(unsafe.Slice(unsafe.StringData(raw), len(raw)))
		if err != nil {
			return err
		}
		roots, ok := v.([]any)
		if !ok {
			return mismatch("", v, "a list of documents")
		}
		b, err := load.EncodeAll(c, roots)
		if err != nil {
			return err
		}
		return putBuffer(out, b)
	})
}
