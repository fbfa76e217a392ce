//go:build gocfg_testhooks

package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define GOCFG_TYPES_ONLY
#include <stdlib.h>
#include <string.h>
#include "gocfg.h"
*/
import "C"

import (
	"fmt"
	"path/filepath"
	"unsafe"
)

// dbLoadBench saves 100 small configs to a SQLite file and returns a
// function that loads one of them through gocfg_db_load and frees it, the
// per-load work of bench/db_bench.py's small loads without the binding.
func dbLoadBench(dir string) (load func(i int) error, done func(), err error) {
	url := C.CString("sqlite://" + filepath.Join(dir, "b.db"))
	defer C.free(unsafe.Pointer(url))
	var db C.uintptr_t
	if rc := gocfg_db_open(url, C.size_t(C.strlen(url)), nil, 0, &db, nil); rc != C.GOCFG_OK {
		return nil, nil, fmt.Errorf("open: %d", rc)
	}
	doc := C.CString(`{"name": "app-1", "server": {"host": "0.0.0.0", "port": 8001, "workers": 2}, "debug": false, "ratio": 0.14, "tags": ["web", "zone-1"], "db": {"url": "postgres://db-1.internal/app", "pool": 10}}`)
	defer C.free(unsafe.Pointer(doc))
	format := C.CString("json")
	defer C.free(unsafe.Pointer(format))
	var cfg C.uintptr_t
	if rc := gocfg_config_loads(doc, C.size_t(C.strlen(doc)), format, 4, 0, &cfg, nil); rc != C.GOCFG_OK {
		return nil, nil, fmt.Errorf("loads: %d", rc)
	}
	defer gocfg_config_free(cfg)
	names := make([]*C.char, 100)
	for i := range names {
		names[i] = C.CString(fmt.Sprintf("services/app-%04d", i))
		if rc := gocfg_db_save(db, names[i], 17, cfg, -1, 0, nil, nil); rc != C.GOCFG_OK {
			return nil, nil, fmt.Errorf("save: %d", rc)
		}
	}
	out := (*C.uintptr_t)(C.malloc(8))
	load = func(i int) error {
		if rc := gocfg_db_load(db, names[i%100], 17, 0, 0, out, nil, nil); rc != C.GOCFG_OK {
			return fmt.Errorf("load: %d", rc)
		}
		gocfg_config_free(*out)
		return nil
	}
	done = func() {
		C.free(unsafe.Pointer(out))
		for _, n := range names {
			C.free(unsafe.Pointer(n))
		}
		gocfg_db_close(db)
	}
	return load, done, nil
}
