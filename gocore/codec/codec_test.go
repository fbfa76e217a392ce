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
	for _, p := range []string{"a.txt", "noext", "", "dir.json/file", "renovate.json5"} {
		_, err := ByExtension(p)
		if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "format=") {
			t.Errorf("ByExtension(%q) = %v", p, err)
		}
		// a .json5 file: no format reads JSON5, and the message says
		// which part of it one does
		if json5 := strings.Contains(err.Error(), `JSON5 is none of them, but a .json5 file that writes its keys and strings in double quotes reads as "jsonc"`); json5 != strings.HasSuffix(p, ".json5") {
			t.Errorf("ByExtension(%q) = %v", p, err)
		}
	}
}

// A name that no extension places gets the format its kind of file
// usually takes: well-known names (Pipfile, .coveragerc), MySQL's .cnf,
// systemd units, and copies and templates of a known extension.
func TestByExtensionNamesTheUsualFormat(t *testing.T) {
	for p, want := range map[string]string{
		"Pipfile":                 `a file named Pipfile is TOML (format "toml")`,
		"/x/Cargo.lock":           `(format "toml")`,
		"Pipfile.lock":            `a file named Pipfile.lock is JSON (format "json")`,
		".clang-format":           `(format "yaml")`,
		".coveragerc":             `a file named .coveragerc is INI (format "ini")`,
		"repo/.gitmodules":        `(format "ini")`,
		"/etc/pip.conf":           `a file named pip.conf is INI (format "ini")`,
		"supervisord.conf":        `(format "ini")`,
		"/etc/mysql/mariadb.cnf":  `MySQL option files read as INI (format "ini")`,
		"app.service":             `(format "ini-case")`,
		".eslintrc":               `(format "jsonc"), or else YAML (format "yaml")`,
		".envrc":                  `direnv shell script`,
		"/home/u/.npmrc":          `read as format "env-raw"`,
		"config.yaml.example":     `the name before .example says .yaml (format "yaml")`,
		"app.properties.dist":     `(format "properties")`,
		"prod.env.sample":         `the name before .sample says .env (format "env")`,
		"values.yaml.j2":          `a template of a .yaml file, which reads once rendered (format "yaml"`,
		"main.tf.tmpl":            `(format "hcl";`,
		"config/database.yml.erb": `the name says an ERB template (Ruby's`,
		"gitlab.erb":              `not the template`,
	} {
		_, err := ByExtension(p)
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("ByExtension(%q) = %v, want it to say %s", p, err, want)
		}
	}
	// redis.conf is no INI: a .conf names no format, and says what it may be
	if _, err := ByExtension("/etc/redis/redis.conf"); err == nil || !strings.Contains(err.Error(), `a .conf file may be INI (format "ini"), or in a language gocfg does not read: nginx's`) {
		t.Errorf("redis.conf: %v", err)
	}
	for _, p := range []string{"a.txt", "noext", "notes.bak", "x.unknown.j2", "nginx.conf"} {
		if _, err := ByExtension(p); err == nil || strings.Contains(err.Error(), "(format \"") {
			t.Errorf("ByExtension(%q) = %v: no usual format to name", p, err)
		}
	}
}

// TestCrossFormat decodes the same small config in every format and checks
// that the trees agree where the formats can agree (strings only for env
// and ini).
func TestCrossFormat(t *testing.T) {
	docs := map[string]string{
		"json":       `{"name": "app", "port": "8080"}`,
		"jsonc":      "{\"name\": \"app\", // the app\n \"port\": \"8080\",}",
		"yaml":       "name: app\nport: \"8080\"\n",
		"toml":       "name = \"app\"\nport = \"8080\"\n",
		"env":        "name=app\nport=8080\n",
		"ini":        "name = app\nport = 8080\n",
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

func TestRealWorldSelection(t *testing.T) {
	for p, want := range map[string]string{"settings.jsonc": "jsonc", "A.JSONC": "jsonc", "tsconfig.json": "json"} {
		if c, err := ByExtension(p); err != nil || c.Name != want {
			t.Errorf("ByExtension(%q) = %q, %v; want %q", p, c.Name, err, want)
		}
	}
	// tsconfig-like .json files are read as JSONC by naming the format.
	c, err := ByName("JSONC")
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.Decode([]byte("{\n  // comment\n  \"compilerOptions\": {\"strict\": true,},\n}\n"))
	if err != nil || d.Positions["compilerOptions"] != (value.Pos{Line: 3, Column: 3}) {
		t.Fatalf("jsonc: %v %v", d, err)
	}
	// YAML 1.1 is a reading mode of yaml, named but not listed.
	for _, n := range []string{"yaml-1.1", "YAML-1.1", "yml-1.1"} {
		c, err := ByName(n)
		if err != nil || c.Name != "yaml-1.1" {
			t.Fatalf("ByName(%q) = %v, %v", n, c.Name, err)
		}
		d, err := c.Decode([]byte("on: yes\nmode: 0755\n"))
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := d.Root.Get("on"); v != true {
			t.Errorf("%s: on = %#v", n, v)
		}
		if v, _ := d.Root.Get("mode"); v != int64(0o755) {
			t.Errorf("%s: mode = %#v", n, v)
		}
	}
	if c, err := ByName("TOML-1.0"); err != nil || c.Name != "toml-1.0" {
		t.Fatalf("ByName(toml-1.0) = %v, %v", c.Name, err)
	} else if _, err := c.Decode([]byte("a = { b = 1, }\n")); !errors.Is(err, errs.ErrParse) {
		t.Errorf("toml-1.0 accepted a TOML 1.1 trailing comma: %v", err)
	} else if d, err := c.Decode([]byte("a = { b = 1 }\n")); err != nil || d.Root.Len() != 1 {
		t.Errorf("toml-1.0: %v", err)
	}
	for _, n := range Names() {
		if strings.Contains(n, "1.1") || strings.Contains(n, "1.0") {
			t.Errorf("Names lists the variant %q", n)
		}
	}
	if c, _ := ByName("yaml"); c.Name != "yaml" {
		t.Error("yaml")
	} else if d, _ := c.Decode([]byte("on: yes\n")); d == nil {
		t.Error("yaml 1.2 decode failed")
	} else if v, _ := d.Root.Get("on"); v != "yes" {
		t.Errorf("YAML 1.2 stays the default: on = %#v", v)
	}
}

func TestDecodeAllEveryCodec(t *testing.T) {
	docs := map[string]string{
		"json": `[1, {"a": 2}]`, "jsonc": "[1, /* c */ {\"a\": 2},]", "yaml": "- 1\n- a: 2\n---\nb: 3\n", "yaml-1.1": "- 1\n- a: 2\n---\nb: 3\n",
		"toml": "a = 2\n", "toml-1.0": "a = 2\n", "env": "A=2\n", "ini": "a = 2\n",
	}
	counts := map[string]int{"yaml": 2, "yaml-1.1": 2}
	for n, src := range docs {
		c, err := ByName(n)
		if err != nil || c.DecodeAll == nil {
			t.Fatalf("ByName(%q): %v", n, err)
		}
		got, err := c.DecodeAll([]byte(src))
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		want := 1
		if w, ok := counts[n]; ok {
			want = w
		}
		if len(got) != want {
			t.Errorf("%s: %d documents, want %d", n, len(got), want)
		}
		if _, isList := got[0].Root.([]any); isList != (n == "json" || n == "jsonc" || strings.HasPrefix(n, "yaml")) {
			t.Errorf("%s: root %#v", n, got[0].Root)
		}
	}
	c, _ := ByExtension("a.toml")
	if _, err := c.DecodeAll([]byte("a = \n")); !errors.Is(err, errs.ErrParse) {
		t.Errorf("toml DecodeAll of a bad document: %v", err)
	}
}

func TestVariantTable(t *testing.T) {
	got := VariantTable()
	for _, line := range []string{"yaml-1.1 yaml yml-1.1\n", "toml-1.0 toml\n", "ini-case ini\n", "env-raw env\n", "hcl-raw hcl\n", "properties-flat properties\n"} {
		if !strings.Contains(got, line) {
			t.Errorf("VariantTable lacks %q:\n%s", line, got)
		}
	}
	for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		for _, name := range strings.Fields(line) {
			if _, err := ByName(name); err != nil {
				t.Errorf("%q in the table: %v", name, err)
			}
		}
	}
}

// TestForeignLanguagesAreNamed: a file in a language gocfg does not read
// is refused by its name, naming the language and the formats gocfg
// reads, even where its extension is one gocfg knows (haproxy.cfg was
// read as INI); no "pass format=", which no format would answer.
func TestForeignLanguagesAreNamed(t *testing.T) {
	for p, lang := range map[string]string{
		"/etc/nginx/nginx.conf": "nginx configuration", "httpd.conf": "Apache httpd", "/srv/.htaccess": "Apache httpd",
		"haproxy.cfg": "HAProxy", "Caddyfile": "Caddyfile", "Dockerfile": "a Dockerfile", "Dockerfile.dev": "a Dockerfile",
		"api.dockerfile": "a Dockerfile", "Makefile": "a Makefile", "Jenkinsfile": "Groovy", "pom.xml": "XML",
		"Info.plist": "property list", "webpack.config.js": "JavaScript", "vite.config.ts": "TypeScript",
		"settings.py": "Python", "build.gradle": "Groovy", "HAPROXY.CFG": "HAProxy", "CMakeLists.txt": "CMake",
	} {
		_, err := ByExtension(p)
		want := " is " + lang
		if err == nil || !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), lang) ||
			!strings.Contains(err.Error(), "a language gocfg does not read (it reads json, yaml, toml") || strings.Contains(err.Error(), "format=") {
			t.Errorf("ByExtension(%q) = %v, want it to say%s", p, err, want)
		}
	}
	// what gocfg reads is not touched: setup.cfg stays INI
	if c, err := ByExtension("setup.cfg"); err != nil || c.Name != "ini" {
		t.Errorf("setup.cfg: %v", err)
	}
}
