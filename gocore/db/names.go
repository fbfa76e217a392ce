package db

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/errs"
)

// MaxNameLen bounds a config name, in bytes.
const MaxNameLen = 1024

// ValidateName checks a config name. A name is non-empty UTF-8 of at most
// MaxNameLen bytes; '/' separates its levels. Refused, because they make
// names ambiguous or dangerous once they reach a file system, a terminal, an
// etcd key or a query:
//
//   - empty levels (a leading or trailing '/', or "//") and the levels "."
//     and ".." (path traversal look-alikes);
//   - NUL and other control characters (including U+2028/U+2029 and DEL);
//   - '*' and ':' (they are the glob and the separator of the query language);
//   - '\' (a path separator elsewhere, an escape character everywhere).
func ValidateName(name string) error {
	if name == "" {
		return badName(name, "empty")
	}
	if len(name) > MaxNameLen {
		return badName(name, fmt.Sprintf("longer than %d bytes", MaxNameLen))
	}
	if !utf8.ValidString(name) {
		return badName(name, "not valid UTF-8")
	}
	for _, r := range name {
		switch {
		case r == 0:
			return badName(name, "contains NUL")
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return badName(name, fmt.Sprintf("contains the control character %U", r))
		case r == '*' || r == ':' || r == '\\':
			return badName(name, fmt.Sprintf("contains %q, which names may not hold", r))
		}
	}
	// The levels one by one, first to last (strings.Split made a slice on
	// every load).
	for rest := name; ; {
		level, tail, more := strings.Cut(rest, "/")
		switch level {
		case "":
			return badName(name, "has an empty level (leading, trailing or double '/')")
		case ".", "..":
			return badName(name, fmt.Sprintf("has a %q level", level))
		}
		if !more {
			return nil
		}
		rest = tail
	}
}

func badName(name, why string) error {
	return fmt.Errorf("invalid config name %q: %s: %w", name, why, errs.ErrInvalidArgument)
}

// validatePrefix checks the prefix given to Names and Watch: "" (everything),
// a name, or a name followed by '/'.
func validatePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	if err := ValidateName(strings.TrimSuffix(prefix, "/")); err != nil {
		return fmt.Errorf("invalid prefix: %w", err)
	}
	return nil
}

// matchPrefix reports whether name is selected by prefix, level-wise: ""
// selects every name, "a/" the names below a, and "a" the name a itself and
// the names below it (but not "ab").
func matchPrefix(prefix, name string) bool {
	switch {
	case prefix == "":
		return true
	case strings.HasSuffix(prefix, "/"):
		return strings.HasPrefix(name, prefix)
	default:
		return name == prefix || strings.HasPrefix(name, prefix) && name[len(prefix)] == '/'
	}
}
