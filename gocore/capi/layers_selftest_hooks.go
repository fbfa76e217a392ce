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

// exerciseLayerExports drives the layer exports from many goroutines at
// once on one layered config, under the race detector (see
// exerciseExports for why this lives here).
func exerciseLayerExports(goroutines, iterations int) error {
	cstr := func(s string) (*C.char, C.size_t) { return C.CString(s), C.size_t(len(s)) }
	env, envLen := cstr("APP_SERVER__PORT=9000\x00HOME=/h\x00")
	defer C.free(unsafe.Pointer(env))
	var h C.uintptr_t
	if rc := gocfg_config_layered_new(C.GOCFG_LAYER_INTERPOLATE, env, envLen, &h, nil); rc != C.GOCFG_OK {
		return fmt.Errorf("layered_new: %d", rc)
	}
	yaml, yamlLen := cstr("server:\n  host: h\n  port: 1\nurl: \"http://${server.host}:${server.port}\"\n")
	defer C.free(unsafe.Pointer(yaml))
	format, formatLen := cstr("yaml")
	defer C.free(unsafe.Pointer(format))
	// A small config's state, grafted into h over and over (case 7).
	var small C.uintptr_t
	if rc := gocfg_config_new(&small, nil); rc != C.GOCFG_OK {
		return fmt.Errorf("config_new: %d", rc)
	}
	var buf C.gocfg_buffer
	rc := gocfg_config_serialize(small, &buf, nil)
	gocfg_config_free(small)
	if rc != C.GOCFG_OK {
		return fmt.Errorf("serialize: %d", rc)
	}
	// Copied out, so that the buffer is not counted a leak at the end.
	smallLen := buf.len
	smallState := (*C.char)(C.CBytes(C.GoBytes(unsafe.Pointer(buf.data), C.int(buf.len))))
	gocfg_buffer_free(&buf)
	defer C.free(unsafe.Pointer(smallState))
	grafted, graftedLen := cstr("grafted")
	defer C.free(unsafe.Pointer(grafted))

	return inParallel(goroutines, iterations, h, func(g, i int) C.int {
		var rc C.int
		path, pathLen := cstr([]string{"server.port", "url", "server", "server.host"}[i%4])
		switch i % 9 {
		case 0:
			rc = gocfg_config_loads_layer(h, yaml, yamlLen, format, formatLen, nil, 0, 0, 0, nil)
		case 1:
			prefix, n := cstr("APP")
			if r := gocfg_config_env_layer(h, prefix, n, nil, 0, 0, nil); r < 0 {
				rc = r
			}
			C.free(unsafe.Pointer(prefix))
		case 2:
			items, n := cstr(fmt.Sprintf("g%d.i%d=%d\x00", g, i%5, i))
			if r := gocfg_config_override_layer(h, items, n, 0, nil); r < 0 {
				rc = r
			}
			C.free(unsafe.Pointer(items))
		case 3:
			var o C.gocfg_origin
			if rc = gocfg_config_origin(h, path, pathLen, &o, nil); rc == C.GOCFG_OK {
				gocfg_buffer_free(&o.name)
			}
		case 4:
			var out C.gocfg_buffer
			if r := gocfg_config_history(h, path, pathLen, &out, nil); r >= 0 {
				gocfg_buffer_free(&out)
			} else {
				rc = C.int(r)
			}
		case 5:
			var out C.gocfg_buffer
			if r := gocfg_config_explain(h, nil, 0, &out, nil); r >= 0 {
				gocfg_buffer_free(&out)
			} else {
				rc = C.int(r)
			}
		case 6:
			var cp C.uintptr_t
			if rc = gocfg_config_copy(h, &cp, nil); rc == C.GOCFG_OK {
				var out C.gocfg_buffer
				if r := gocfg_config_diff(h, cp, &out, nil); r >= 0 {
					gocfg_buffer_free(&out)
				}
				gocfg_config_freeze(cp, nil)
				gocfg_config_free(cp)
			}
		case 7:
			var out C.gocfg_buffer
			if rc = gocfg_config_serialize(h, &out, nil); rc == C.GOCFG_OK {
				var back C.uintptr_t
				rc = gocfg_config_deserialize(out.data, out.len, env, envLen, &back, nil)
				gocfg_buffer_free(&out)
				gocfg_config_free(back)
			}
			if r := gocfg_config_graft(h, grafted, graftedLen, smallState, smallLen, 0, nil); r != C.GOCFG_OK && rc == C.GOCFG_OK {
				rc = r
			}
			var inputs C.gocfg_buffer
			if r := gocfg_config_secret_inputs(h, &inputs, nil); r == C.GOCFG_OK {
				gocfg_buffer_free(&inputs)
			} else if rc == C.GOCFG_OK {
				rc = r
			}
		case 8:
			buf := (*C.char)(C.malloc(256))
			if n := gocfg_config_get_value(h, path, pathLen, buf, 256, nil); n < 0 {
				rc = C.int(n)
			}
			C.free(unsafe.Pointer(buf))
		}
		C.free(unsafe.Pointer(path))
		return rc
	})
}
