package yamlfmt

import (
	"bytes"
	"errors"
	"strings"

	yaml "go.yaml.in/yaml/v4"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/errs"
)

// ERB (Ruby's templates: Rails' config/database.yml, GitLab's files) fills
// in <%= ... %> before YAML is read. Read as YAML, a value that is a tag
// loaded as its text (a wrong value), and control lines (<% if %>) gave a
// YAML error elsewhere that hid the cause; both are refused naming ERB.

// erbHint explains an ERB tag found in a YAML document.
const erbHint = "ERB template syntax (<% ... %>, <%= ... %>, as Rails' config/database.yml and GitLab's files hold), " +
	"which Ruby fills in before YAML is read: gocfg reads the rendered file, not the template"

// erbScalar reports whether a scalar is ERB rather than a value: a plain
// scalar holding a tag (<%= ENV['X'] %>, host-<%= n %>), or a scalar of any
// style that is a tag and nothing else ("<%= ENV['DB_URL'] %>", as Rails
// files quote them). A quoted value with other text around a tag
// ("Hello <%= name %>", a template string of some application) is text.
func erbScalar(n *yaml.Node) bool {
	s := n.Value
	if n.Style&quotedStyles == 0 && erbTag(s) {
		return true
	}
	t := strings.TrimSpace(s)
	return strings.HasPrefix(t, "<%") && strings.HasSuffix(t, "%>") && len(t) >= 4
}

// erbTag reports whether s holds "<%" with "%>" after it.
func erbTag(s string) bool {
	i := strings.Index(s, "<%")
	return i >= 0 && strings.Contains(s[i+2:], "%>")
}

// unquotedERB returns the offset in line of an ERB tag ("<%" with "%>"
// after it) outside quotes and before any comment, or -1: a quoted value
// holding one ("Hello <%= name %>") is text, and does not make an
// unrelated error below it an ERB one.
func unquotedERB(line []byte) int {
	return unquoted(line, func(i int) bool {
		return line[i] == '<' && line[i+1] == '%' && bytes.Contains(line[i+2:], []byte("%>"))
	})
}

// erbLine returns the first line (1-based) of data, up to and including
// line last, that holds an ERB tag, and the column of its "<%"; 0 when
// none does. A template's control lines (<% if x %> ... <% end %>) make
// no YAML, so the library's error about them is replaced by one at the
// first tag.
func erbLine(data []byte, last int) (line, col int) {
	for i := 1; i <= last && len(data) > 0; i++ {
		// Lines end at LF, CRLF or a lone CR, as gocfg counts YAML's lines.
		l := data
		if end := bytes.IndexAny(data, "\r\n"); end >= 0 {
			crlf := data[end] == '\r' && end+1 < len(data) && data[end+1] == '\n'
			l, data = data[:end], data[end+1:]
			if crlf {
				data = data[1:]
			}
		} else {
			data = nil
		}
		if at := unquotedERB(l); at >= 0 {
			return i, 1 + len([]rune(string(l[:at])))
		}
	}
	return 0, 0
}

// erbError replaces the library's error err about data by one at the
// first ERB tag at or above it, when there is one: the template, not the
// YAML, is what is wrong.
func erbError(err error, data []byte) error {
	var le *errs.Located
	if !errors.As(err, &le) || le.Line < 1 || hasUTF16BOM(data) {
		return err
	}
	if line, col := erbLine(data, le.Line); line > 0 {
		return textpos.ParseError(line, col, "%s", erbHint)
	}
	return err
}
