package layer

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// The table is shared with the Python tests (tests/api/test_hardening.py),
// which check gocfg.secrets' default rule on the same rows: the two copies
// of the rule must agree.
func TestSecretRuleAgreesWithTheSharedTable(t *testing.T) {
	data, err := os.ReadFile("testdata/secret_keys.json")
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Path   string `json:"path"`
		Secret bool   `json:"secret"`
	}
	if err := json.Unmarshal(data, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) < 20 {
		t.Fatalf("only %d rows", len(rows))
	}
	for _, r := range rows {
		if got := IsSecretPath(strings.Split(r.Path, ".")); got != r.Secret {
			t.Errorf("IsSecretPath(%q) = %v, the table says %v", r.Path, got, r.Secret)
		}
	}
}

func TestOverrideOfASecretIsMaskedInItsOriginAndErrors(t *testing.T) {
	as, err := OverrideAssignments([]string{"db.password=hunter2", "db.host=h1", "API_KEY = k3y "}, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"db.password=********", "db.host=h1", "API_KEY=********"}
	for i, a := range as {
		if a.Origin.Name != want[i] {
			t.Errorf("origin %d = %q, want %q", i, a.Origin.Name, want[i])
		}
	}
	if as[0].Value != "hunter2" || as[2].Value != "k3y" {
		t.Errorf("values changed: %v %v", as[0].Value, as[2].Value)
	}
	for _, item := range []string{"db.password=[hunter2", "db.password={hunter2: [", "db.token=\xffhunter2", `"a..b=hunter2`, " =hunter2"} {
		_, err := OverrideAssignments([]string{item}, true)
		if err == nil {
			t.Fatalf("%q: no error", item)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q: the message shows the secret: %v", item, err)
		}
	}
	// A value that does not parse keeps its kind of error.
	_, err = OverrideAssignments([]string{"db.password=[x"}, true)
	if !errors.Is(err, errs.ErrParse) {
		t.Errorf("kind: %v", err)
	}
	// Not a secret: the message quotes the value, as before.
	_, err = OverrideAssignments([]string{"db.host=[h1"}, true)
	if err == nil || !strings.Contains(err.Error(), "[h1") {
		t.Errorf("non-secret: %v", err)
	}
}

// Without "=", where the key ends is unknown: an item that names a secret
// is quoted only up to the end of the secret word.
func TestOverrideWithoutEqualsQuotesOnlyTheKeyOfASecret(t *testing.T) {
	for item, want := range map[string]string{
		"db.passwordhunter2":     `"db.password…"`,
		"db.password:hunter2":    `"db.password…"`,
		"API_TOKEN hunter2":      `"API_TOKEN…"`,
		"db.password":            `"db.password"`,
		"db.password\xffhunter2": `"db.password…"`,
		"db.host:h1":             `"db.host:h1"`, // no secret: quoted whole
	} {
		_, err := OverrideAssignments([]string{item}, true)
		if !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("%q: %v, want an invalid argument", item, err)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "override "+want) {
			t.Errorf("%q: %v, want it to quote %s only", item, err, want)
		}
	}
}

func TestEnvValueOfASecretIsNotQuoted(t *testing.T) {
	_, err := EnvAssignments([]string{"APP_DB__PASSWORD=[hunter2", "APP_HOST=h"}, "APP", "__", true)
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "APP_DB__PASSWORD") {
		t.Errorf("got %v", err)
	}
	if !errors.Is(err, errs.ErrParse) {
		t.Errorf("kind: %v", err)
	}
	_, err = EnvAssignments([]string{"APP_DB__HOST=[h1"}, "APP", "__", true)
	if err == nil || !strings.Contains(err.Error(), "[h1") {
		t.Errorf("non-secret: %v", err)
	}
}

func TestInterpolationErrorsDoNotQuoteSecrets(t *testing.T) {
	for _, c := range []struct {
		key, text string
		env       map[string]string
	}{
		{"db.password", "hunter2${unterminated", nil},
		{"api_token", "hunter2${a${b}}", nil},
		{"dsn", "${env:DB_PASSWORD}", map[string]string{"DB_PASSWORD": "[hunter2"}},
		{"db.password", "${env:RAW}", map[string]string{"RAW": "[hunter2"}},
		// A secret's references are its text too: a generated password
		// may hold "${...}", and each message below quoted part of it.
		{"db.password", "p${hunter2}q", nil},
		{"db.password", "p${hunter2.x}q", nil},
		{"db.password", "${hunter2 x}", nil},
		{"db.password", "${env:hunter2}", nil},
		{"db.password", "${db.password}hunter2", nil}, // the cycle's chain
		{"db.password", "${db}hunter2", nil},          // a map inside a string
	} {
		root := value.NewMap(1)
		segs := strings.Split(c.key, ".")
		if err := value.SetPath(root, segs, c.text); err != nil {
			t.Fatal(err)
		}
		r := &Resolver{Root: root, Env: c.env, ParseEnv: true}
		_, err := r.Lookup(segs)
		if err == nil {
			t.Fatalf("%s: no error", c.key)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the message shows the secret: %v", c.key, err)
		}
	}
	// A value that Hidden calls a secret (read from a secrets directory)
	// whatever its key; what it leads to is not shown either.
	root := value.NewMap(2)
	root.Set("conn", "${hunter2}")
	root.Set("dsn", "${conn}")
	r := &Resolver{Root: root, Hidden: func(p []string) bool { return value.JoinPath(p...) == "conn" }}
	for _, key := range []string{"conn", "dsn"} {
		_, err := r.Lookup([]string{key})
		if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "not shown") {
			t.Errorf("%s: %v", key, err)
		}
	}
	// Not a secret: quoted as before.
	root = value.NewMap(1)
	root.Set("host", "h${unterminated")
	_, err := (&Resolver{Root: root}).Lookup([]string{"host"})
	if err == nil || !strings.Contains(err.Error(), "${unterminated") {
		t.Errorf("non-secret: %v", err)
	}
}

// An override's origin shows its value: a credential inside it is masked
// whatever the key (secretvalue), the value itself kept.
func TestOverrideOriginMasksACredentialInsideTheValue(t *testing.T) {
	as, err := OverrideAssignments([]string{"db.url=postgres://app:hunter2@db/app", "db.host=h1"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if as[0].Origin.Name != "db.url=postgres://app:********@db/app" || as[1].Origin.Name != "db.host=h1" {
		t.Errorf("origins %q %q", as[0].Origin.Name, as[1].Origin.Name)
	}
	if as[0].Value != "postgres://app:hunter2@db/app" {
		t.Errorf("value changed: %v", as[0].Value)
	}
}
