package codec

import (
	"errors"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func TestByName(t *testing.T) {
	for _, n := range []string{"json", "yaml", "toml", "env", "ini", "YAML", "yml", "properties", "hcl", "ini-case", "ENV-raw", "hcl-raw"} {
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

// Dialects are found by name but not listed; only the codec's functions
// differ.
func TestDialects(t *testing.T) {
	for _, n := range Names() {
		if strings.Contains(n, "-") {
			t.Errorf("Names() lists the dialect %q", n)
		}
	}
	ini, _ := ByName("ini")
	iniCase, _ := ByName("ini-case")
	d1, err1 := ini.Decode([]byte("[s]\nKey = 1\n"))
	d2, err2 := iniCase.Decode([]byte("[s]\nKey = 1\n"))
	if err1 != nil || err2 != nil || d1.Positions["s.key"].Line != 2 || d2.Positions["s.Key"].Line != 2 {
		t.Errorf("ini dialects: %v %v %v %v", err1, err2, d1, d2)
	}
	env, _ := ByName("env")
	raw, _ := ByName("env-raw")
	e1, _ := env.DecodeEnviron([]byte("A=${HOME}\n"), []string{"HOME=/h"})
	e2, _ := raw.Decode([]byte("A=${HOME}\n"))
	if v, _ := e1.Root.Get("A"); v != "/h" {
		t.Errorf("env with environ: %v", v)
	}
	if v, _ := e2.Root.Get("A"); v != "${HOME}" || raw.DecodeEnviron != nil {
		t.Errorf("env-raw: %v", v)
	}
}

func TestByExtension(t *testing.T) {
	cases := map[string]string{
		"a.json": "json", "dir/a.YAML": "yaml", "a.yml": "yaml", "/x/y.toml": "toml", ".env": "env",
		"/app/.env": "env", "prod.env": "env", ".env.local": "env", "setup.cfg": "ini", "a.ini": "ini",
		".editorconfig": "ini", "application.properties": "properties", "main.tf": "hcl", "prod.tfvars": "hcl", "agent.HCL": "hcl",
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
		// codec-b's formats
		"properties": "name=app\nport=8080\n",
		"hcl":        "name = \"app\"\nport = \"8080\"\n",
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
