package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include "gocfg.h"
*/
import "C"

import (
	"github.com/gocfg/gocfg/gocore/codec"
	"github.com/gocfg/gocfg/gocore/value"
)

// The header declares the nesting limit as a constant for C callers and the
// Python binding; this fails to compile when it and the Go limit part.
const _ = uint(C.GOCFG_MAX_DEPTH-value.MaxDepth) + uint(value.MaxDepth-C.GOCFG_MAX_DEPTH)

// The path syntax the header's constants describe, checked the same way
// against the characters value.QuoteSegment and value.ParsePath use.
const _ = uint(C.GOCFG_PATH_SEPARATOR-'.') + uint('.'-C.GOCFG_PATH_SEPARATOR) +
	uint(C.GOCFG_PATH_QUOTE-'"') + uint('"'-C.GOCFG_PATH_QUOTE) +
	uint(C.GOCFG_PATH_ESCAPE-'\\') + uint('\\'-C.GOCFG_PATH_ESCAPE)

//export gocfg_formats
func gocfg_formats(out *C.gocfg_buffer, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error { return putBuffer(out, []byte(codec.Table())) })
}
