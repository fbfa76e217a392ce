package codec

import (
	"errors"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// A NUL in a key is written escaped by the formats that can escape it, and
// refused by its path by those that cannot: never cut short or written raw.
func TestNULKeyEveryEncoder(t *testing.T) {
	for _, name := range append(Names(), VariantNames()...) {
		c, err := ByName(name)
		if err != nil {
			t.Fatal(err)
		}
		inner := value.NewMap(0)
		inner.Set("k\x00x", "v")
		root := value.NewMap(0)
		root.Set("s", inner)
		if name == "properties-flat" { // keeps keys whole, so no nesting
			root = inner
		}
		out, err := c.Encode(root)
		switch name {
		case "json", "jsonc", "yaml", "yaml-1.1", "toml", "toml-1.0", "properties", "properties-flat":
			if err != nil {
				t.Errorf("%s: Encode(NUL key) = %v", name, err)
				continue
			}
			if strings.IndexByte(string(out), 0) >= 0 {
				t.Errorf("%s: wrote a raw NUL: %q", name, out)
			}
			back, err := c.Decode(out)
			if err != nil || !value.Equal(back.Root, root) {
				t.Errorf("%s: round trip of %q: %v", name, out, err)
			}
		default: // env, ini, hcl and their modes
			var loc *errs.Located
			if !errors.As(err, &loc) || !errors.Is(err, errs.ErrTypeMismatch) || !strings.HasPrefix(loc.Path, "s") {
				t.Errorf("%s: Encode(NUL key) = %q, %v; want a type mismatch naming the path", name, out, err)
			}
		}
	}
}
