package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wrappers are the functions an export may consist of: the four shapes of
// calls.go, and helpers that are themselves one of those shapes.
var wrappers = map[string]bool{
	"status": true, "count": true, "length": true, "release": true,
	"addLayer": true, "fileLayer": true, "getScalar": true, "setScalar": true, "changeWith": true,
	"newConfigFrom": true, "listAt": true, "readAll": true,
	"sliced":       true, // recovers itself, and runs a body that is one of the above
	"dbStatus":     true, // sliced around status
	"dbLoadStatus": true, // dbStatus, or status without a cancel handle
	"dbWrite":      true, // status (the write tried without waiting), then dbStatus if it would wait
}

// Every export is a single call of a wrapper that holds the prologue and
// the panic recovery, so none can forget them (gocfg_abi_version, which
// returns a constant and cannot fail, is the one exception).
func TestEveryExportIsOneWrapperCall(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	exports := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || !exported(fn) {
				if ok && strings.HasPrefix(fn.Name.Name, "gocfg_") && f.Name.Name == "main" {
					t.Errorf("%s: gocfg_ function without an //export line", fn.Name.Name)
				}
				continue
			}
			exports++
			if fn.Name.Name == "gocfg_abi_version" {
				continue
			}
			if called := wrapperOf(fn.Body); !wrappers[called] {
				t.Errorf("%s (%s) is not one call of a wrapper (calls %q)", fn.Name.Name, fset.Position(fn.Pos()), called)
			}
		}
	}
	if exports < 60 {
		t.Fatalf("found %d exports; the parser missed some", exports)
	}
}

// wrapperOf returns the function a one-statement body calls, or "".
func wrapperOf(body *ast.BlockStmt) string {
	if body == nil || len(body.List) != 1 {
		return ""
	}
	var call ast.Expr
	switch s := body.List[0].(type) {
	case *ast.ReturnStmt:
		if len(s.Results) == 1 {
			call = s.Results[0]
		}
	case *ast.ExprStmt:
		call = s.X
	}
	c, ok := call.(*ast.CallExpr)
	if !ok {
		return ""
	}
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.IndexExpr:
		if id, ok := f.X.(*ast.Ident); ok {
			return id.Name
		}
	}
	return ""
}

func exported(fn *ast.FuncDecl) bool {
	if fn.Doc == nil {
		return false
	}
	for _, c := range fn.Doc.List {
		if c.Text == "//export "+fn.Name.Name {
			return true
		}
	}
	return false
}
