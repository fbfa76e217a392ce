package secretvalue

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// The table is shared with the Python tests (tests/api/test_secret_values.py),
// which run gocfg.secrets.mask_text on the same rows: the two copies of
// the rule must agree.
func TestMaskTextAgreesWithTheSharedTable(t *testing.T) {
	data, err := os.ReadFile("testdata/secret_values.json")
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Text   string `json:"text"`
		Masked string `json:"masked"`
	}
	if err := json.Unmarshal(data, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) < 40 {
		t.Fatalf("only %d rows", len(rows))
	}
	for _, r := range rows {
		if got := MaskText(r.Text); got != r.Masked {
			t.Errorf("MaskText(%q) = %q, the table says %q", r.Text, got, r.Masked)
		}
		if Holds(r.Text) != (r.Text != r.Masked) {
			t.Errorf("Holds(%q) = %v", r.Text, Holds(r.Text))
		}
		// Masking what is masked changes nothing (a message masked twice).
		if again := MaskText(r.Masked); again != r.Masked {
			t.Errorf("MaskText(%q) = %q, masked again", r.Masked, again)
		}
	}
}

// The scan is linear: large values of every shape that makes it work
// (runs of names, of "=", of "://", one long password) are masked in one
// pass. Nothing here is timed: a quadratic scan of these would run for
// hours, and the test binary's own deadline ends it.
func TestLargeValuesOfEveryShape(t *testing.T) {
	const n = 10 << 20
	for name, c := range map[string]struct{ text, want string }{
		"plain":      {strings.Repeat("abcdefgh ", n/9), ""},
		"one name":   {strings.Repeat("passwordx", n/9) + "=x", strings.Repeat("passwordx", n/9) + "=" + Mask},
		"equals":     {strings.Repeat("=", n), ""},
		"urls":       {strings.Repeat("://", n/3), ""},
		"userinfo":   {strings.Repeat("a://u:p@", 3), "a://u:" + Mask + "@a://u:" + Mask + "@a://u:" + Mask + "@"},
		"a password": {"postgres://u:" + strings.Repeat("@", n) + "x@h/db", "postgres://u:" + Mask + "@h/db"},
		"quotes":     {"password='" + strings.Repeat(`\'`, n/2), "password='" + Mask},
		"braces":     {"pwd={" + strings.Repeat("}}", n/2), "pwd={" + Mask},
		"name run":   {strings.Repeat("x", n) + "=" + strings.Repeat("y", n), ""},
	} {
		want := c.want
		if want == "" {
			want = c.text
		}
		if got := MaskText(c.text); got != want {
			t.Errorf("%s: %d bytes, want %d", name, len(got), len(want))
		}
	}
	// The shapes of the PEM, header and token scans: each byte is read a
	// bounded number of times, however the text repeats their openings.
	for name, c := range map[string]struct{ text, want string }{
		"colons":           {strings.Repeat(":", n), ""},
		"colon blanks":     {strings.Repeat(": ", n/2), ""},
		"header name run":  {strings.Repeat("a-", n/2) + ": x", ""},
		"name, no blank":   {strings.Repeat("a", n) + ":b", ""},
		"secret name run":  {strings.Repeat("x-token", n/7) + ": v", strings.Repeat("x-token", n/7) + ": " + Mask},
		"long scheme":      {"Authorization: " + strings.Repeat("B", n), "Authorization: " + Mask},
		"scheme, blanks":   {"Authorization: Bearer" + strings.Repeat(" ", n), "Authorization: " + Mask + strings.Repeat(" ", n)},
		"long header":      {"X-Api-Key: " + strings.Repeat("v", n), "X-Api-Key: " + Mask},
		"begins":           {strings.Repeat("-----BEGIN ", n/11), ""},
		"long labels":      {strings.Repeat("-----BEGIN "+strings.Repeat("A", 70), n/81), ""},
		"dashes":           {strings.Repeat("-", n), ""},
		"open private key": {"-----BEGIN PRIVATE KEY-----\n" + strings.Repeat("A", n), "-----BEGIN PRIVATE KEY-----\n" + Mask},
		"nested begins":    {strings.Repeat("-----BEGIN PRIVATE KEY-----", n/27), "-----BEGIN PRIVATE KEY-----" + Mask},
		"prefix run":       {strings.Repeat("sk-", n/3), ""},
		"prefix words":     {strings.Repeat("ghp_ ", n/5), ""},
		"long key id":      {"AKIA" + strings.Repeat("A", n), ""},
		"one long token":   {"sk-" + strings.Repeat("a1", n/2), "sk-" + Mask},
	} {
		want := c.want
		if want == "" {
			want = c.text
		}
		if got := MaskText(c.text); got != want {
			t.Errorf("%s: %d bytes, want %d", name, len(got), len(want))
		}
	}
	headers := strings.Repeat("X-Api-Key: v\n", n/13)
	if got := MaskText(headers); got != strings.ReplaceAll(headers, ": v", ": "+Mask) {
		t.Errorf("headers: %d bytes", len(got))
	}
	keys := strings.Repeat("-----BEGIN PRIVATE KEY-----\nA\n-----END PRIVATE KEY-----\n", n/56)
	if got := MaskText(keys); got != strings.ReplaceAll(keys, "\nA\n", "\n"+Mask+"\n") {
		t.Errorf("private keys: %d bytes", len(got))
	}
	toks := strings.Repeat("ghp_"+strings.Repeat("a1", 10)+" ", n/25)
	if got := MaskText(toks); got != strings.ReplaceAll(toks, strings.Repeat("a1", 10), Mask) {
		t.Errorf("tokens: %d bytes", len(got))
	}
	pairs := strings.Repeat("pwd=x ", n/6)
	if got := MaskText(pairs); got != strings.ReplaceAll(pairs, "=x", "="+Mask) {
		t.Errorf("pairs: %d bytes", len(got))
	}
}

func TestMostValuesCostNoAllocation(t *testing.T) {
	for _, text := range []string{
		"a rather ordinary value, with no credential",
		"Content-Type: application/json; charset=utf-8",
		"-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----",
		"pip install scikit-learn sk-learn AKIA ghp_short https://user@host/path",
	} {
		if n := testing.AllocsPerRun(100, func() { MaskText(text) }); n != 0 {
			t.Errorf("MaskText(%q) allocates %v times", text, n)
		}
	}
}

// shortestToken is the shortest prefix and body of the table: a shorter
// value is not read for tokens, so it must not be longer.
func TestShortestToken(t *testing.T) {
	least := -1
	for _, k := range tokenKinds {
		if n := len(k.prefix) + k.min; least < 0 || n < least {
			least = n
		}
	}
	if least != shortestToken {
		t.Errorf("the shortest token is %d bytes, shortestToken says %d", least, shortestToken)
	}
}
