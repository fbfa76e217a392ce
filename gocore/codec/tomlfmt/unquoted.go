package tomlfmt

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/gocfg/gocfg/gocore/secretname"
)

// explain rewrites go-toml's message for an error at offset off of data
// where it misleads.
//
// A value written without quotes, as INI and YAML allow (name = foo,
// version = 0.1.0, enabled = True, path = /usr/bin), made go-toml say
// `expected keyword "false"` (it took the f of foo for the start of
// false), `expected newline but got U+002E '.'` or `unexpected character
// U+0054 'T' at start of value`, none of which says that strings take
// quotes. Such a value is now named, with what to write instead.
//
// go-toml names the byte it stopped at as a character: a non-ASCII one
// came out as the first byte of its UTF-8 form read as Latin-1 (ä as
// U+00C3 'Ã'); the character itself is named.
//
// at is where the error now stands: an unquoted value's start.
func explain(data []byte, off int, msg string) (_ string, at int) {
	if off < 0 || off >= len(data) {
		return msg, off
	}
	if data[off] >= utf8.RuneSelf {
		if r, _ := utf8.DecodeRune(data[off:]); r != utf8.RuneError {
			msg = strings.ReplaceAll(msg, fmt.Sprintf("%#U", rune(data[off])), fmt.Sprintf("%#U", r))
		}
	}
	if why, start := unquotedValue(data, off); why != "" {
		return why, start
	}
	if strings.Contains(msg, "escape") {
		// A Windows path written as is in a basic string (C:\Users).
		msg += ` (a backslash starts an escape in a "basic string": a Windows path goes in a 'literal string', 'C:\Users', or takes \\)`
	}
	return msg, off
}

// unquotedValue returns the message for an error at off that lies in a
// value written without quotes which is no TOML value, and where that
// value starts; else "".
func unquotedValue(data []byte, off int) (_ string, start int) {
	stop := func(c byte) bool {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ']' || c == '}' || c == '#'
	}
	start = off
	for start > 0 && !stop(data[start-1]) && data[start-1] != '=' && data[start-1] != '[' && data[start-1] != '{' {
		start--
	}
	end := off
	for end < len(data) && !stop(data[end]) {
		end++
	}
	if start == end || strings.ContainsRune("\"'[{=", rune(data[start])) {
		return "", 0
	}
	// A key (c = 1 after an array left open) is no value.
	if next := bytes.TrimLeft(data[end:], " \t"); len(next) > 0 && next[0] == '=' {
		return "", 0
	}
	// It must stand where a value does: after "key =", or first in an
	// array or after one of its commas.
	open, what := unclosedBefore(data, start)
	inArray := open >= 0 && what == "array"
	p := start
	for p > 0 && (data[p-1] == ' ' || data[p-1] == '\t' || inArray && (data[p-1] == '\n' || data[p-1] == '\r')) {
		p--
	}
	if p == 0 {
		return "", 0
	}
	switch prev := data[p-1]; {
	case prev == '=':
	case inArray && (prev == '[' || prev == ','):
	default:
		return "", 0
	}
	word := data[start:end]
	if valid(word) || malformedNumber(word) {
		return "", 0 // the mistake is elsewhere, or go-toml's message names it
	}
	if secretBefore(data, start) {
		return "toml: a value without quotes (a secret's value, not shown) is no TOML value: strings take quotes", start
	}
	switch strings.ToLower(string(word)) {
	case "true", "false", "yes", "no", "on", "off":
		return fmt.Sprintf("toml: %s is no TOML value: TOML's booleans are true and false, in lower case (a string takes quotes: %s)", word, tomlString(word)), start
	case "null", "none", "nil", "~":
		return fmt.Sprintf("toml: %s is no TOML value: TOML has no null (leave the key out; a string takes quotes: %s)", word, tomlString(word)), start
	}
	if open < 0 {
		// A plain key's value: the string is the rest of the line
		// (name = My App), up to a comment.
		lineEnd := bytes.IndexByte(data[start:], '\n')
		if lineEnd < 0 {
			lineEnd = len(data) - start
		}
		rest := data[start : start+lineEnd]
		if i := bytes.Index(rest, []byte(" #")); i >= 0 {
			rest = rest[:i]
		}
		if t := bytes.TrimRight(rest, " \t\r"); len(t) > len(word) {
			word = t
		}
	}
	return fmt.Sprintf("toml: the value %s has no quotes: TOML strings take them (%s)", word, tomlString(word)), start
}

// malformedNumber reports whether word is written as a number that TOML
// refuses (01, 1_000_, .5, 5., -): go-toml's message says what is wrong
// with it. A version such as 0.1.0, with a second '.', is no number.
func malformedNumber(word []byte) bool {
	if c := word[0]; !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
		return false
	}
	dots := 0
	for _, c := range word {
		switch {
		case c == '.':
			dots++
		case c >= '0' && c <= '9', c == '_', c == 'e', c == 'E', c == '+', c == '-':
		default:
			return false
		}
	}
	return dots <= 1
}

// valid reports whether word alone is a TOML value.
func valid(word []byte) bool {
	var p unstable.Parser
	p.Reset(append([]byte("v = "), word...))
	for p.NextExpression() {
	}
	return p.Error() == nil
}

// tomlString writes s as a TOML string: a literal string when it holds a
// backslash or a double quote and no single quote (a Windows path reads
// as written), else a basic string with those escaped.
func tomlString(s []byte) string {
	if bytes.ContainsAny(s, "\\\"") && !bytes.ContainsRune(s, '\'') {
		return "'" + string(s) + "'"
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(string(s)) + `"`
}

// secretBefore reports whether the value starting at off stands under a
// key that names a secret, as far as the text tells before the tree is
// built: the text before it on its line, the line of each bracket left
// open before it, and the nearest table header above. It errs on the side
// of a secret.
func secretBefore(data []byte, off int) bool {
	lineStart := func(i int) int { return bytes.LastIndexByte(data[:i], '\n') + 1 }
	if secretname.IsKey(string(data[lineStart(off):off])) {
		return true
	}
	for _, open := range openBrackets(data, off) {
		if secretname.IsKey(string(data[lineStart(open):open])) {
			return true
		}
	}
	for i := lineStart(off); i > 0; {
		i = lineStart(i - 1)
		line := bytes.TrimLeft(data[i:], " \t")
		if len(line) > 0 && line[0] == '[' {
			end := bytes.IndexByte(line, '\n')
			if end < 0 {
				end = len(line)
			}
			return secretname.IsKey(string(line[:end]))
		}
	}
	return false
}
