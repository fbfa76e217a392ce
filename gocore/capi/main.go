// Command capi is the C export layer of gocfg, built with
// `go build -buildmode=c-shared`. It is the only package with cgo and
// //export: each export checks its arguments, finds the object behind a
// handle, calls a pure-Go package and turns the result into C values and a
// status, through one wrapper per result shape (calls.go) that holds the
// call's prologue, its panic recovery and the panic policy (gocfg.h,
// "Panics"). No logic beyond that lives here: it is in the pure-Go
// packages (store, load, dbconn, layer, cmem, ...).
package main

// The collector's floor for the library's heap (see there).
import _ "github.com/gocfg/gocfg/gocore/gcfloor"

func main() {}
