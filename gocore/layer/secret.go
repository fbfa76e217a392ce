package layer

import (
	"strconv"
	"strings"
)

// The secret rule, as the library applies it to what it writes itself
// (override origins and the messages of environment variables and
// overrides that do not parse). It is the default rule of the Python
// package (gocfg/secrets.py, DEFAULT_SECRET_WORDS): a path is a secret when
// any segment contains one of these words, in any case. The two copies are
// kept equal by a test that runs both on one table of key names
// (testdata/secret_keys.json). A rule changed from Python with
// set_secret_pattern() masks what Python shows; the library keeps this one.
var secretWords = []string{
	"password", "passwd", "pwd", "secret", "token", "api_key", "apikey", "api-key",
	"private_key", "privatekey", "access_key", "secret_key", "credential",
}

// Mask replaces a secret value in what the library writes.
const Mask = "********"

// IsSecretKey reports whether one key (a path segment) names a secret:
// whether it holds one of the words under Unicode simple case folding, as
// Python's re.IGNORECASE matches them ("PASSWORD", and "paſſword" with
// U+017F, both match "password").
func IsSecretKey(key string) bool {
	runes := []rune(key)
	for _, w := range secretWords {
		n := len(w) // the words are ASCII: one rune per byte
		for i := 0; i+n <= len(runes); i++ {
			if strings.EqualFold(string(runes[i:i+n]), w) {
				return true
			}
		}
	}
	return false
}

// IsSecretPath reports whether a path is a secret or lies under one.
func IsSecretPath(segs []string) bool {
	for _, s := range segs {
		if IsSecretKey(s) {
			return true
		}
	}
	return false
}

// quoteUnlessSecret quotes text taken from the value at path for a
// message, or says it is not shown when the path is a secret.
func quoteUnlessSecret(path []string, text string) string {
	if IsSecretPath(path) {
		return "(a secret's value, not shown)"
	}
	return strconv.Quote(text)
}
