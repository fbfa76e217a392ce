// Command capi is the C export layer of gocfg, built with
// `go build -buildmode=c-shared`. It is the only package with cgo and
// //export: each export checks its arguments, finds the object behind a
// handle, calls a pure-Go package and turns the result into C values and a
// status. No logic beyond that lives here.
package main

func main() {}
