package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include "gocfg.h"
*/
import "C"

import (
	"strings"

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
func gocfg_formats(out *C.gocfg_buffer, errOut **C.gocfg_error) (rc C.int) {
	defer recoverPanic(&rc, errOut)
	begin(errOut)
	return report(errOut, putBuffer(out, []byte(formatTable())))
}

// formatTable lists the codec registry in the shape gocfg.h documents: a
// line per format, its name, the other names codec.ByName takes for it (an
// extension without its dot, such as "yml"), then its extensions.
func formatTable() string {
	var b strings.Builder
	for _, name := range codec.Names() {
		c, err := codec.ByName(name)
		if err != nil {
			continue // Names and ByName come from one table: cannot happen
		}
		b.WriteString(name)
		for _, ext := range c.Extensions {
			alias := strings.TrimPrefix(ext, ".")
			if other, err := codec.ByName(alias); alias != name && err == nil && other.Name == name {
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
