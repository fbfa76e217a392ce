package load

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func TestCodecChoice(t *testing.T) {
	if c, err := Codec("", "app.yml"); err != nil || c.Name != "yaml" {
		t.Fatalf("by extension: %v %v", c.Name, err)
	}
	if c, err := Codec("toml", "app.yml"); err != nil || c.Name != "toml" {
		t.Fatalf("a format wins over the extension: %v %v", c.Name, err)
	}
	for _, err := range []error{func() error { _, e := TextCodec(""); return e }(), func() error { _, e := FileCodec("", "json"); return e }()} {
		if !errors.Is(err, errs.ErrInvalidArgument) {
			t.Fatalf("want invalid argument, got %v", err)
		}
	}
}

func TestReadingCodecSaysAMissingFileOrADirectoryFirst(t *testing.T) {
	dir := t.TempDir()
	there := filepath.Join(dir, "settings")
	if err := os.WriteFile(there, []byte("a: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file, format string
		want         error
	}{
		{filepath.Join(dir, "gone"), "", os.ErrNotExist},
		{dir, "", errs.ErrIO},
		{there, "", errs.ErrInvalidArgument},                         // there: the format is what is missing
		{filepath.Join(dir, "gone"), "yaml", nil},                    // a format given: the read says the rest
		{filepath.Join(dir, "gone.yaml"), "", nil},                   // the name tells it
		{filepath.Join(dir, "gone"), "xml", errs.ErrInvalidArgument}, // an unknown format name is said as such
	}
	for _, c := range cases {
		_, err := ReadingCodec(c.file, c.format)
		if (c.want == nil) != (err == nil) || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("ReadingCodec(%q, %q): %v, want %v", c.file, c.format, err, c.want)
		}
	}
	if _, err := FileCodec(filepath.Join(dir, "gone"), ""); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("FileCodec, for a file to write, asks for the format: %v", err)
	}
}

func TestDecodeRefusesBadStringsWithTheirPosition(t *testing.T) {
	c, _ := TextCodec("json")
	_, err := Decode(context.Background(), c, []byte("{\"a\": {\"b\": 1, \"c\\ud800\": 2}}"), "in.json")
	var loc *errs.Located
	if !errors.As(err, &loc) || !errors.Is(err, errs.ErrParse) || loc.Path != "in.json" || loc.Line == 0 || !strings.Contains(loc.Msg, "surrogate") {
		t.Fatalf("got %v", err)
	}
}

func TestDecodeStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, f := range []string{"json", "yaml"} {
		c, _ := TextCodec(f)
		if _, err := Decode(ctx, c, []byte("a: 1\n"), ""); !errors.Is(err, errs.ErrCancelled) {
			t.Fatalf("%s: want cancelled, got %v", f, err)
		}
	}
}

func TestFileNamesTheFileInParseErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(path, []byte("a = \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, _ := FileCodec(path, "")
	_, err := File(context.Background(), c, path)
	if !errors.Is(err, errs.ErrParse) || !strings.HasPrefix(err.Error(), path+":1:") {
		t.Fatalf("got %v", err)
	}
}

// String values may hold NUL (the formats can write it, the C ABI passes
// lengths), and so may keys; invalid UTF-8 is refused anywhere.
func TestCheckStringsRule(t *testing.T) {
	ok := value.NewMap(0)
	ok.Set("v", "x\x00y")
	if err := CheckStrings(&value.Doc{Root: ok}); err != nil {
		t.Fatalf("NUL in a value: %v", err)
	}
	for _, bad := range []func(m *value.Map){
		func(m *value.Map) { m.Set("k\xff", 1) },
		func(m *value.Map) { m.Set("k", []any{"\xff"}) },
	} {
		m := value.NewMap(0)
		bad(m)
		if err := CheckStrings(&value.Doc{Root: m}); !errors.Is(err, errs.ErrParse) {
			t.Fatalf("want a parse error, got %v", err)
		}
	}
}
