package store

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/value"
)

// CheckStrings applies the store's rule for text to a decoded tree: every
// key must pass CheckKey, and every string value CheckText (valid UTF-8,
// no NUL: a document loaded from text may not bring NUL in, see the
// README). It returns the first refusal and the segments of the value
// refused (the key itself, for a key), ready for value.JoinPath; nil, nil
// when the tree is clean.
//
// It runs after every decode, over every node, so it builds no path while
// walking: the segments are gathered only on the way back from a refusal,
// and a clean string is recognised by the standard library's fast UTF-8
// and NUL scans before CheckText is asked for the message.
func CheckStrings(root any) ([]string, error) {
	at, err := checkStrings(root)
	if err == nil {
		return nil, nil
	}
	for i, j := 0, len(at)-1; i < j; i, j = i+1, j-1 {
		at[i], at[j] = at[j], at[i]
	}
	return at, err
}

// checkStrings returns the segments innermost first.
func checkStrings(v any) ([]string, error) {
	switch v := v.(type) {
	case string:
		if !cleanText(v) {
			return []string{}, CheckText("string", v)
		}
	case []any:
		for i, item := range v {
			if at, err := checkStrings(item); err != nil {
				return append(at, strconv.Itoa(i)), err
			}
		}
	case *value.Map:
		var at []string
		var err error
		v.Range(func(k string, item any) bool {
			if !cleanText(k) {
				at, err = []string{k}, CheckKey(k)
				return false
			}
			if at, err = checkStrings(item); err != nil {
				at = append(at, k)
				return false
			}
			return true
		})
		return at, err
	}
	return nil, nil
}

// cleanText is CheckText's rule without the message.
func cleanText(s string) bool {
	return strings.IndexByte(s, 0) < 0 && utf8.ValidString(s)
}
