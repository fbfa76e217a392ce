package load

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/codec"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
)

// A codec marked TextChecked skips store.CheckStrings when loading, so its
// decoder must refuse everything that walk would: each document here is
// refused as a parse error, and a document that passes also passes the walk.
func TestTextCheckedCodecsRefuseWhatTheWalkWould(t *testing.T) {
	deep := strings.Repeat(`{"a":`, value.MaxDepth+1) + "1" + strings.Repeat("}", value.MaxDepth+1)
	bad := []string{
		"{\"k\": \"\xff\"}",                   // invalid UTF-8 in a value
		"{\"\xc3\": 1}",                       // ... in a key
		`{"k": "\ud800"}`,                     // a lone surrogate escape
		`{"\udc00x": 1}`,                      // ... in a key
		"{\"k\": [\"ok\", \"\xed\xa0\x80\"]}", // an encoded surrogate
		deep,
	}
	for _, name := range []string{"json"} {
		c, err := codec.ByName(name)
		if err != nil {
			t.Fatal(err)
		}
		if !c.TextChecked {
			t.Fatalf("%s is not marked TextChecked", name)
		}
		for _, doc := range bad {
			for _, cc := range []codec.Codec{c, c.Lean()} {
				if _, err := Decode(context.Background(), cc, []byte(doc), ""); !errors.Is(err, errs.ErrParse) {
					t.Errorf("%s accepted %q: %v", name, doc, err)
				}
			}
		}
		good := `{"a\u0000b": "x\u0000y", "l": [{"é": "✓"}]}`
		d, err := Decode(context.Background(), c.Lean(), []byte(good), "")
		if err != nil {
			t.Fatal(err)
		}
		if at, err := store.CheckStrings(d.Root); err != nil {
			t.Fatalf("the walk refuses what %s accepted: %v at %q", name, err, at)
		}
	}
}
