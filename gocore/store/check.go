package store

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// CheckStrings applies the store's rules for text to a decoded tree, the
// rules for values set directly: every key must pass CheckKey and every
// string value CheckValue (valid UTF-8; NUL is allowed in both). A tree nested deeper than value.MaxDepth is refused too (the
// codecs bound nesting already; this keeps the walk safe for a tree built
// any other way). It returns the first refusal, in document order, and the
// segments of the value refused (the key itself, for a key), ready for
// value.JoinPath; nil, nil when the tree is clean. A tree too deep gives
// no segments (a thousand of them would only lengthen the message).
//
// It runs after every decode, over every node, so it builds no path while
// walking: the segments are gathered only on the way back from a refusal,
// and a clean string is recognised by the standard library's fast scans
// before CheckKey or CheckValue is asked for the message.
func CheckStrings(root any) ([]string, error) {
	at, err := checkStrings(root, 0)
	if err == nil {
		return nil, nil
	}
	if errors.Is(err, errTooDeep) {
		return nil, err
	}
	for i, j := 0, len(at)-1; i < j; i, j = i+1, j-1 {
		at[i], at[j] = at[j], at[i]
	}
	return at, err
}

// checkStrings returns the segments innermost first.
func checkStrings(v any, depth int) ([]string, error) {
	switch v := v.(type) {
	case string:
		if !utf8.ValidString(v) {
			return []string{}, CheckValue("string", v)
		}
	case []any:
		if depth >= value.MaxDepth {
			return []string{}, tooDeep()
		}
		for i, item := range v {
			if at, err := checkStrings(item, depth+1); err != nil {
				return append(at, strconv.Itoa(i)), err
			}
		}
	case *value.Map:
		if depth >= value.MaxDepth {
			return []string{}, tooDeep()
		}
		var at []string
		var err error
		v.Range(func(k string, item any) bool {
			// A key with a NUL is allowed (CheckKey says nil): the walk
			// goes on, it must not stop there unchecked.
			if !cleanText(k) {
				if err = CheckKey(k); err != nil {
					at = []string{k}
					return false
				}
			}
			if at, err = checkStrings(item, depth+1); err != nil {
				at = append(at, k)
				return false
			}
			return true
		})
		return at, err
	}
	return nil, nil
}

var errTooDeep = fmt.Errorf("the document nests more than %d levels deep: %w", value.MaxDepth, errs.ErrInvalidArgument)

func tooDeep() error { return errTooDeep }

// cleanText is CheckText's rule without the message.
func cleanText(s string) bool {
	return strings.IndexByte(s, 0) < 0 && utf8.ValidString(s)
}
