package yamlfmt

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v4"
)

// The library's messages for a few mistakes met in real files say what
// the scanner saw, not what was wrong; these add what was.

// templateHint is said where a line holds template syntax ({{ ... }} of
// Helm and Go templates, Ansible's Jinja {{ }} and {% %}): a chart's
// templates/*.yaml is no YAML until rendered, and an Ansible value that
// starts with {{ must be quoted, as Ansible's own loader says.
const templateHint = "{{ ... }}, {% ... %} and {# ... #} are template syntax (Helm, Go templates, Ansible's Jinja), not YAML: " +
	"a value that starts with {{ takes quotes (x: \"{{ y }}\"), and a template file reads once rendered (helm template)"

// scannerHint explains an error of the library at line:col (the
// library's, 1-based; lines maps them) of data: any error on a line
// holding template syntax outside quotes, "found character that cannot
// start any token" by that character, and "found undefined tag handle";
// it returns "" for anything else.
func scannerHint(msg string, data []byte, lines lineMap, line, col int) string {
	gl, gc := lines.pos(line, col)
	off := offsetAt(data, gl, gc)
	if off < 0 || off > len(data) {
		return ""
	}
	if msg == "found undefined tag handle" {
		// Unity's scene and asset files declare %TAG !u! once and use it
		// in every document of the stream.
		handle := data[off:]
		if i := bytes.IndexAny(handle, " \t\r\n"); i >= 0 {
			handle = handle[:i]
		}
		if i := bytes.IndexByte(handle[min(1, len(handle)):], '!'); i >= 0 && len(handle) > 0 && handle[0] == '!' {
			handle = handle[:i+2]
		}
		if len(handle) > 64 {
			return ""
		}
		if !bytes.Contains(data[:off], append([]byte("%TAG "), handle...)) {
			return fmt.Sprintf("no %%TAG directive declares %s; the handles !, !! and named ones a %%TAG declares are what YAML takes", handle)
		}
		return fmt.Sprintf("%s is not declared for this document: a %%TAG directive declares a handle for the one document after it, "+
			"so each document of a stream that uses it repeats the directive before its ---, as Unity's files do not (PyYAML refuses them too)", handle)
	}
	start := bytes.LastIndexAny(data[:off], "\r\n") + 1
	end := bytes.IndexAny(data[off:], "\r\n")
	if end < 0 {
		end = len(data)
	} else {
		end += off
	}
	if unquotedTemplate(data[start:end]) {
		return templateHint
	}
	if msg == "mapping values are not allowed in this context" {
		return colonHint(data, start, off)
	}
	if msg == "did not find expected key" && off > start && (data[off-1] == '\'' || data[off-1] == '"') && off < len(data) && data[off] != ' ' && data[off] != '\t' {
		// Text right after a closing quote: most often a quote of the
		// value's own (name: 'it's'), which closed it.
		if data[off-1] == '\'' {
			return `text right after a closing quote: a ' inside a single-quoted value is doubled, 'it''s', or the value goes in double quotes, "it's"`
		}
		return `text right after a closing quote: a " inside a double-quoted value is written \", "say \"hi\"", or the value goes in single quotes, 'say "hi"'`
	}
	if msg == "found unknown escape character" || msg == "did not find expected hexadecimal number" {
		// A Windows path written as is in double quotes (C:\Users).
		return `a backslash starts an escape in a "double-quoted" string: a Windows path goes in 'single quotes', 'C:\Users', or takes \\`
	}
	if msg != "found character that cannot start any token" || off >= len(data) {
		return ""
	}
	switch c := data[off]; c {
	case '\t':
		if len(bytes.Trim(data[start:off], " \t")) == 0 {
			return "a tab indents this line: YAML indents with spaces only"
		}
		return "a tab stands where a token should: YAML separates with spaces (a tab is allowed only inside a value or before a comment)"
	case '@', '`':
		return fmt.Sprintf("%q is reserved in YAML and cannot start a plain value: quote the value (\"%c...\")", c, c)
	case '%':
		return "'%' cannot start a plain value (at a line's start it begins a directive): quote the value (\"%...\")"
	}
	return ""
}

// flowTemplate reports whether the flow mapping n begins with a flow
// mapping at the next column, as {{ ... }} reads: a template expression
// left unquoted (name: {{ .Values.name }}) is a mapping whose key is a
// mapping, which gocfg refuses as any such key.
func flowTemplate(n, key *yaml.Node) bool {
	return n.Style&yaml.FlowStyle != 0 && key.Kind == yaml.MappingNode && key.Style&yaml.FlowStyle != 0 &&
		key.Line == n.Line && key.Column == n.Column+1
}

// templateKey reports whether a block mapping's key is a flow mapping
// that begins with a flow mapping at the next column: a template
// expression as a key ({{ .Values.key }}: 1, {{ item }}: x), which reads
// as a mapping key holding a mapping.
func templateKey(key *yaml.Node) bool {
	return key.Kind == yaml.MappingNode && key.Style&yaml.FlowStyle != 0 && len(key.Content) > 0 &&
		flowTemplate(key, key.Content[0])
}

// unquotedTemplate reports whether line holds {{, {% or {# outside quotes.
func unquotedTemplate(line []byte) bool {
	return unquoted(line, func(i int) bool {
		return line[i] == '{' && (line[i+1] == '{' || line[i+1] == '%' || line[i+1] == '#')
	}) >= 0
}

// unquoted returns the first offset i in line, outside quotes and before
// a comment, at which opens(i) holds (i+1 < len(line) there), or -1. It is
// how the template hints look for a template's opener on a line: one in a
// quoted value is text.
func unquoted(line []byte, opens func(i int) bool) int {
	var quote byte
	for i := 0; i+1 < len(line); i++ {
		switch c := line[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return -1 // a comment
		case opens(i):
			return i
		}
	}
	return -1
}

// colonHint explains "mapping values are not allowed in this context" at
// off, on the line starting at start: a ": " where a value already
// began. Most often the value itself holds one (msg: Error: disk full),
// or the line continues a value above it: a key written without a space
// after its colon (image:nginx is text), or a line indented deeper than
// the key above, which reads as more of that key's value.
func colonHint(data []byte, start, off int) string {
	before := data[start:off]
	if i := bytes.Index(before, []byte(": ")); i >= 0 || bytes.Contains(before, []byte(":\t")) {
		return `a plain value holding ": " (a colon and a space) takes quotes: key: "Error: disk full"`
	}
	// the line above, skipping blank and comment lines
	end := start
	for end > 0 {
		prevStart := bytes.LastIndexAny(data[:end-1], "\r\n") + 1
		prev := data[prevStart : end-1]
		end = prevStart
		t := bytes.TrimSpace(prev)
		if len(t) == 0 || t[0] == '#' {
			continue
		}
		if !bytes.Contains(t, []byte(": ")) && bytes.IndexByte(t, ':') > 0 && t[len(t)-1] != ':' {
			return "the line above holds a ':' with no space after it, so it is text that runs on to this line: a key takes \": \" (a space after the colon)"
		}
		if indentOf(data[start:]) > indentOf(prev) {
			return "this line is indented deeper than the key above it, so it reads as more of that key's value: indent it as the key above"
		}
		return ""
	}
	return ""
}
