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
	"database/sql"
	"fmt"
	"path/filepath"
	"time"
	"unsafe"
)

// exerciseSliced drives sliced calls (gocfg_cancel_new_sliced) as a
// binding does: a save or delete that finds no lock held is made at
// once, in the calling thread; a save that waits for another connection's write lock on
// a SQLite file comes back pending within its slice, again from each
// wait, and with its revision once the lock is released; a fast load with
// a sliced handle answers at once; misuse gives clear statuses; a handle
// freed while its call is pending leaks no error record.
func exerciseSliced(dir string) error {
	path := filepath.Join(dir, "sliced.db")
	url := C.CString("sqlite://" + path)
	defer C.free(unsafe.Pointer(url))
	opts := C.gocfg_db_options{timeout_ms: 20000}
	var db C.uintptr_t
	if rc := gocfg_db_open(url, C.size_t(C.strlen(url)), &opts, 0, &db, nil); rc != C.GOCFG_OK {
		return fmt.Errorf("open: %d", rc)
	}
	defer gocfg_db_close(db)
	var cfg C.uintptr_t
	if rc := gocfg_config_new(&cfg, nil); rc != C.GOCFG_OK {
		return fmt.Errorf("config_new: %d", rc)
	}
	defer gocfg_config_free(cfg)
	name := C.CString("a")
	defer C.free(unsafe.Pointer(name))
	var rev C.int64_t
	if rc := gocfg_db_save(db, name, 1, cfg, -1, 0, &rev, nil); rc != C.GOCFG_OK || rev != 1 {
		return fmt.Errorf("first save: %d, revision %d", rc, rev)
	}

	newSliced := func() (C.uintptr_t, error) {
		var h C.uintptr_t
		if rc := gocfg_cancel_new_sliced(20, &h, nil); rc != C.GOCFG_OK {
			return 0, fmt.Errorf("cancel_new_sliced: %d", rc)
		}
		return h, nil
	}

	// A fast call answers within its slice, as without a slice.
	h, err := newSliced()
	if err != nil {
		return err
	}
	var out C.uintptr_t
	if rc := gocfg_db_load(db, name, 1, 0, h, &out, &rev, nil); rc != C.GOCFG_OK || out == 0 || rev != 1 {
		return fmt.Errorf("sliced load: %d, handle %d, revision %d", rc, out, rev)
	}
	gocfg_config_free(out)
	if rc := gocfg_cancel_wait(h, 0, nil); rc != C.GOCFG_E_INVALID_ARGUMENT {
		return fmt.Errorf("wait after a call that answered: %d", rc)
	}
	if rc := gocfg_db_load(db, name, 1, 0, h, &out, &rev, nil); rc != C.GOCFG_E_INVALID_ARGUMENT {
		return fmt.Errorf("second call on one sliced handle: %d", rc)
	}
	gocfg_cancel_free(h)

	// A save and a delete that find no lock held are made in the calling
	// thread (tried without waiting): the answer, and no sliced call left
	// on the handle to wait for.
	other1 := C.CString("b")
	defer C.free(unsafe.Pointer(other1))
	for i, write := range []func(C.uintptr_t) C.int{
		func(h C.uintptr_t) C.int { return gocfg_db_save(db, other1, 1, cfg, -1, h, &rev, nil) },
		func(h C.uintptr_t) C.int { return gocfg_db_delete(db, other1, 1, h, nil) },
	} {
		if h, err = newSliced(); err != nil {
			return err
		}
		if rc := write(h); rc != C.GOCFG_OK {
			return fmt.Errorf("uncontended sliced write %d: %d", i, rc)
		}
		if c, err := lookup[*canceller](h, kindCancel); err != nil || c.started {
			return fmt.Errorf("uncontended sliced write %d ran sliced (%v)", i, err)
		}
		gocfg_cancel_free(h)
	}
	var bad C.uintptr_t
	if rc := gocfg_cancel_new_sliced(0, &bad, nil); rc != C.GOCFG_E_INVALID_ARGUMENT {
		return fmt.Errorf("slice of 0 ms: %d", rc)
	}

	// Another connection holds the write lock: the save waits for it.
	other, err := sql.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer other.Close()
	other.SetMaxOpenConns(1)
	// One connection: BEGIN IMMEDIATE and ROLLBACK run on the same one.
	lock := func() error {
		_, err := other.Exec("BEGIN IMMEDIATE")
		return err
	}
	unlock := func() error {
		_, err := other.Exec("ROLLBACK")
		return err
	}
	if err := lock(); err != nil {
		return fmt.Errorf("taking the write lock: %v", err)
	}
	h, err = newSliced()
	if err != nil {
		unlock()
		return err
	}
	rev = 0
	rc := gocfg_db_save(db, name, 1, cfg, 1, h, &rev, nil)
	if rc != C.GOCFG_E_PENDING {
		unlock()
		return fmt.Errorf("save behind a lock: %d, want pending", rc)
	}
	var rec *C.gocfg_error
	if rc := gocfg_cancel_wait(h, 20, &rec); rc != C.GOCFG_E_PENDING || rec != nil {
		unlock()
		return fmt.Errorf("wait behind a lock: %d, record %v", rc, rec)
	}
	if err := unlock(); err != nil {
		return err
	}
	for rc = C.GOCFG_E_PENDING; rc == C.GOCFG_E_PENDING; {
		rc = C.int(gocfg_cancel_wait(h, 50, &rec))
	}
	if rc != C.GOCFG_OK || rec != nil || rev != 2 {
		return fmt.Errorf("save once the lock was released: %d, record %v, revision %d", rc, rec, rev)
	}
	if rc := gocfg_cancel_wait(h, 0, nil); rc != C.GOCFG_E_INVALID_ARGUMENT {
		return fmt.Errorf("second wait: %d", rc)
	}
	gocfg_cancel_free(h)

	// A failing call: its record comes with the wait's result, once.
	h, err = newSliced()
	if err != nil {
		return err
	}
	rc = gocfg_db_save(db, name, 1, cfg, 1, h, &rev, &rec) // revision 1 is gone: a conflict
	if rc == C.GOCFG_E_PENDING {
		for rc == C.GOCFG_E_PENDING {
			rc = C.int(gocfg_cancel_wait(h, 50, &rec))
		}
	}
	if rc != C.GOCFG_E_CONFLICT || rec == nil || rec.code != C.GOCFG_E_CONFLICT {
		return fmt.Errorf("conflicting save: %d, record %v", rc, rec)
	}
	gocfg_error_free(rec)
	gocfg_cancel_free(h)

	// Freed while pending: the call ends by itself (its context is
	// cancelled, or the lock is released), and its record is dropped.
	var before C.gocfg_stats
	gocfg_stats_get(&before)
	if err := lock(); err != nil {
		return err
	}
	h, err = newSliced()
	if err != nil {
		unlock()
		return err
	}
	rc = gocfg_db_save(db, name, 1, cfg, 1, h, &rev, nil) // a conflict once it runs
	c, err := lookup[*canceller](h, kindCancel)
	gocfg_cancel_free(h)
	unlock()
	if rc != C.GOCFG_E_PENDING || err != nil {
		return fmt.Errorf("save behind a lock: %d, want pending (%v)", rc, err)
	}
	select { // the work ends: cancelled, or once the lock is gone
	case <-c.done:
	case <-time.After(30 * time.Second):
		return fmt.Errorf("a freed pending call did not end")
	}
	c.mu.Lock() // the goroutine's last step is done under it
	c.mu.Unlock()
	var after C.gocfg_stats
	gocfg_stats_get(&after)
	if after.outstanding_errors != before.outstanding_errors {
		return fmt.Errorf("after a freed pending call: %d error records (before %d)", after.outstanding_errors, before.outstanding_errors)
	}
	return nil
}
