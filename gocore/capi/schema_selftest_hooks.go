//go:build gocfg_testhooks

package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include <stdlib.h>
#include "gocfg.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// exerciseValidate runs gocfg_config_validate from many goroutines while
// others write to the same layered config, under the race detector: the
// instance is copied under the config's lock and checked outside it.
func exerciseValidate(goroutines, iterations int) error {
	cstr := func(s string) (*C.char, C.size_t) { return C.CString(s), C.size_t(len(s)) }
	var h C.uintptr_t
	if rc := gocfg_config_layered_new(C.GOCFG_LAYER_INTERPOLATE, nil, 0, &h, nil); rc != C.GOCFG_OK {
		return fmt.Errorf("layered_new: %d", rc)
	}
	schema, schemaLen := cstr(`{"properties": {"server": {"properties": {"port": {"type": "integer", "minimum": 1024}}}},
		"additionalProperties": {"$ref": "#/$defs/any"}, "$defs": {"any": {"not": {"type": "null"}}}}`)
	defer C.free(unsafe.Pointer(schema))
	return inParallel(goroutines, iterations, h, func(g, i int) C.int {
		if g%2 == 0 {
			items, n := cstr(fmt.Sprintf("server.port=%d\x00g%d=%d\x00", 1000+i%50, g, i))
			defer C.free(unsafe.Pointer(items))
			if r := gocfg_config_override_layer(h, items, n, 0, nil); r < 0 {
				return r
			}
			return C.GOCFG_OK
		}
		var out C.gocfg_buffer
		var e *C.gocfg_error
		n := gocfg_config_validate(h, nil, 0, schema, schemaLen, nil, 0, C.GOCFG_SCHEMA_ASSERT_FORMAT, 0, &out, &e)
		if n < 0 {
			defer gocfg_error_free(e)
			return C.int(n)
		}
		gocfg_buffer_free(&out)
		return C.GOCFG_OK
	})
}

// validateBadArguments checks the refusals of gocfg_config_validate that
// the binding never makes: NULL out, NULL schema with a length, a stale
// handle, a length over the document bound.
func validateBadArguments() error {
	var h C.uintptr_t
	if rc := gocfg_config_new(&h, nil); rc != C.GOCFG_OK {
		return fmt.Errorf("new: %d", rc)
	}
	schema, n := C.CString(`{}`), C.size_t(2)
	defer C.free(unsafe.Pointer(schema))
	var out C.gocfg_buffer
	checks := []struct {
		what string
		got  C.int64_t
		want C.int
	}{
		{"NULL out", gocfg_config_validate(h, nil, 0, schema, n, nil, 0, 0, 0, nil, nil), C.GOCFG_E_INVALID_ARGUMENT},
		{"NULL schema", gocfg_config_validate(h, nil, 0, nil, 5, nil, 0, 0, 0, &out, nil), C.GOCFG_E_INVALID_ARGUMENT},
		{"huge length", gocfg_config_validate(h, nil, 0, schema, C.size_t(1)<<62, nil, 0, 0, 0, &out, nil), C.GOCFG_E_INVALID_ARGUMENT},
		{"resources not an object", gocfg_config_validate(h, nil, 0, schema, n, schema, 1, 0, 0, &out, nil), C.GOCFG_E_INVALID_ARGUMENT},
		{"no schema", gocfg_config_validate(h, nil, 0, nil, 0, nil, 0, 0, 0, &out, nil), C.GOCFG_E_PARSE},
	}
	gocfg_config_free(h)
	checks = append(checks, struct {
		what string
		got  C.int64_t
		want C.int
	}{"freed handle", gocfg_config_validate(h, nil, 0, schema, n, nil, 0, 0, 0, &out, nil), C.GOCFG_E_INVALID_HANDLE})
	for _, c := range checks {
		if c.got != C.int64_t(c.want) {
			return fmt.Errorf("%s: status %d, want %d", c.what, c.got, c.want)
		}
	}
	return leaks()
}
