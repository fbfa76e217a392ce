package main

/*
#include <stdlib.h>
*/
import "C"

import (
	"unsafe"

	"github.com/gocfg/gocfg/gocore/limits"
)

// The bounds read the environment through the C library, which holds the
// process's environment as the host program changed it; the Go runtime's
// copy is the one the process started with.
func init() {
	limits.Getenv = cGetenv
}

func cGetenv(name string) string {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	v := C.getenv(cs)
	if v == nil {
		return ""
	}
	return C.GoString(v)
}
