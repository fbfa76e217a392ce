package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include <stdint.h>
#include "gocfg.h"
*/
import "C"

import (
	"unsafe"

	"github.com/gocfg/gocfg/gocore/cmem"
)

// cells hands out the configs' change counters (see gocore/cmem.Cells).
var cells = cmem.NewCells(cellArena)

//export gocfg_config_version_cell
func gocfg_config_version_cell(h C.uintptr_t, out **C.uint64_t, errOut **C.gocfg_error) C.int {
	return status(errOut, reads, func() error {
		if err := nonNull(out, "out"); err != nil {
			return err
		}
		o, err := lookup[*configObj](h, kindConfig)
		if err != nil {
			return err
		}
		*out = (*C.uint64_t)(unsafe.Pointer(o.cell))
		return nil
	})
}
