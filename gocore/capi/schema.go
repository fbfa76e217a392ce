package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include "gocfg.h"
*/
import "C"

import (
	"github.com/gocfg/gocfg/gocore/schema"
)

// JSON Schema validation: a thin wrapper over gocore/schema.CheckConfig.
// See gocfg_config_validate in gocfg.h.

//export gocfg_config_validate
func gocfg_config_validate(h C.uintptr_t, path *C.char, pathLen C.size_t, schemaJSON *C.char, schemaLen C.size_t,
	resources *C.char, resourcesLen C.size_t, flags C.int, cancel C.uintptr_t, out *C.gocfg_buffer, errOut **C.gocfg_error) C.int64_t {
	return length(errOut, reads, func() (int, error) {
		ctx, err := callContext(cancel)
		if err != nil {
			return 0, err
		}
		c, p, err := atPath(h, path, pathLen, true)
		if err != nil {
			return 0, err
		}
		doc, err := borrowData(schemaJSON, schemaLen, "schema")
		if err != nil {
			return 0, err
		}
		res, err := borrowData(resources, resourcesLen, "resources")
		if err != nil {
			return 0, err
		}
		docs, err := schema.Resources([]byte(res))
		if err != nil {
			return 0, err
		}
		s, err := schema.Compile([]byte(doc), docs, schema.Options{AssertFormat: flags&C.GOCFG_SCHEMA_ASSERT_FORMAT != 0})
		if err != nil {
			return 0, err
		}
		found, total, err := schema.CheckConfig(ctx, c, p, s)
		if err != nil {
			return 0, err
		}
		if _, err := wireList(out, found, func(f schema.Finding) []any {
			o := f.Origin
			return []any{f.FullPath, f.Keyword, f.Message, f.Masked, f.SchemaPath,
				int64(o.Kind), o.Name, int64(o.Line), int64(o.Column)}
		}); err != nil {
			return 0, err
		}
		return total, nil
	})
}
