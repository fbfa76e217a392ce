package codec

import (
	"errors"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func TestByName(t *testing.T) {
	for _, n := range []string{"json", "yaml", "toml", "env", "ini", "YAML", "yml"} {
		c, err := ByName(n)
		if err != nil || c.Decode == nil || c.Encode == nil {
			t.Errorf("ByName(%q) = %v, %v", n, c.Name, err)
		}
	}
	_, err := ByName("xml")
	if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "json, yaml, toml, env, ini") {
		t.Errorf("ByName(xml) = %v", err)
	}
}

func TestByExtension(t *testing.T) {
	cases := map[string]string{
		"a.json": "json", "dir/a.YAML": "yaml", "a.yml": "yaml", "/x/y.toml": "toml", ".env": "env",
		"/app/.env": "env", "prod.env": "env", ".env.local": "env", "setup.cfg": "ini", "a.ini": "ini",
	}
	for p, want := range cases {
		c, err := ByExtension(p)
		if err != nil || c.Name != want {
			t.Errorf("ByExtension(%q) = %q, %v; want %q", p, c.Name, err, want)
		}
	}
	for _, p := range []string{"a.txt", "noext", "", "dir.json/file"} {
		_, err := ByExtension(p)
		if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "format=") {
			t.Errorf("ByExtension(%q) = %v", p, err)
		}
	}
}

// TestCrossFormat decodes the same small config in every format and checks
// that the trees agree where the formats can agree (strings only for env
// and ini).
func TestCrossFormat(t *testing.T) {
	docs := map[string]string{
		"json": `{"name": "app", "port": "8080"}`,
		"yaml": "name: app\nport: \"8080\"\n",
		"toml": "name = \"app\"\nport = \"8080\"\n",
		"env":  "name=app\nport=8080\n",
		"ini":  "name = app\nport = 8080\n",
	}
	var first *value.Map
	for _, n := range Names() {
		c, _ := ByName(n)
		d, err := c.Decode([]byte(docs[n]))
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if first == nil {
			first = d.Root
		} else if !value.Equal(first, d.Root) {
			t.Errorf("%s decodes differently", n)
		}
		b, err := c.Encode(d.Root)
		if err != nil {
			t.Fatalf("%s: encode: %v", n, err)
		}
		if d2, err := c.Decode(b); err != nil || !value.Equal(d2.Root, d.Root) {
			t.Errorf("%s: round trip: %v", n, err)
		}
		if p, ok := d.Positions["port"]; !ok || p.Line == 0 {
			if n != "json" || ok {
				t.Errorf("%s: position of port = %v, %v", n, p, ok)
			}
		}
	}
}
