// Package secretname is the secret rule by key name, as the library
// applies it to what it writes itself: a path is a secret when any segment
// contains one of the words below, in any case. It is the default rule of
// the Python package (gocfg/_credentials.py, DEFAULT_SECRET_WORDS); the two
// copies are kept equal by a test that runs both on one table of key names
// (gocore/layer/testdata/secret_keys.json). A rule changed from Python with
// set_secret_pattern() masks what Python shows; the library keeps this one.
//
// It is a package of its own, importing nothing of the library's, so that
// every package that writes messages may use it: gocore/layer (override
// origins, environment variables, interpolation) and the codecs (parse
// errors never quote the value of a secret key), which gocore/layer
// imports.
package secretname

import (
	"strings"
	"unicode/utf8"
)

var words = []string{
	"password", "passwd", "pwd", "secret", "token", "api_key", "apikey", "api-key",
	"private_key", "privatekey", "access_key", "secret_key", "credential",
}

// Mask replaces a secret value in what the library writes.
const Mask = "********"

// IsKey reports whether one key (a path segment) names a secret: whether
// it holds one of the words under Unicode simple case folding, as Python's
// re.IGNORECASE matches them ("PASSWORD", and "paſſword" with U+017F, both
// match "password").
func IsKey(key string) bool {
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			return WordEnd(key) >= 0 // folding beyond ASCII ("ſ" is "s")
		}
	}
	// ASCII, the usual key: no allocation (the codecs ask for every key).
	for _, w := range words {
		for i := 0; i+len(w) <= len(key); i++ {
			// The words start with a letter: a byte that is not it in
			// either case is passed over before the full comparison (a
			// 10 MB key is asked about in a few milliseconds).
			if key[i]|0x20 == w[0] && strings.EqualFold(key[i:i+len(w)], w) {
				return true
			}
		}
	}
	return false
}

// IsPath reports whether a path is a secret or lies under one.
func IsPath(segs []string) bool {
	for _, s := range segs {
		if IsKey(s) {
			return true
		}
	}
	return false
}

// WordEnd returns the byte offset in text just after the secret word that
// ends first (the shortest prefix of text that names a secret), or -1 when
// text holds none. A message about text that may go on into a secret's
// value (an override without "=") quotes text[:WordEnd(text)] at most.
// Text that is not valid UTF-8 is read as Go's range does (a bad byte is
// one U+FFFD), and the offset is still into text.
func WordEnd(text string) int {
	var runes []rune
	var ends []int // the byte offset after each rune
	for i, r := range text {
		runes = append(runes, r)
		if len(ends) > 0 {
			ends[len(ends)-1] = i
		}
		ends = append(ends, len(text))
	}
	for end := 1; end <= len(runes); end++ {
		for _, w := range words {
			n := len(w) // the words are ASCII: one rune per byte
			if end >= n && strings.EqualFold(string(runes[end-n:end]), w) {
				return ends[end-1]
			}
		}
	}
	return -1
}
