package secretvalue

import (
	"strings"

	"github.com/gocfg/gocfg/gocore/secretname"
)

func isHeaderByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// headerValues appends the credentials of the HTTP headers in text,
// written "Name: value" (one blank or more after the ":"): the value of
// Authorization and Proxy-Authorization after its scheme ("Bearer",
// "Basic"), and the value of a header whose name holds a "-" and is a
// secret by the key rule ("X-Api-Key", "Private-Token"). The name is a
// run of ASCII letters, digits, "-" and "_" that no other key character
// stands before: "db.x-api-key: expected int" is a message about a path,
// and "token: expected int" (no "-") is one about a key, not headers.
// The value is quoted as a key=value pair's may be, or bare up to a blank
// or one of ,;&"'\ (a header list that a message quotes,
// "['X-Api-Key: v', ...]", keeps its quotes and commas).
func headerValues(text string, out []Span) []Span {
	floor := 0 // nothing before it is read again
	for {
		j := strings.IndexByte(text[floor:], ':')
		if j < 0 {
			return out
		}
		colon := floor + j
		k := colon
		for k > floor && isHeaderByte(text[k-1]) {
			k--
		}
		floor = colon + 1
		v := colon + 1
		for v < len(text) && (text[v] == ' ' || text[v] == '\t') {
			v++
		}
		if k == colon || v == colon+1 || k > 0 && isNameByte(text[k-1]) {
			continue
		}
		name := text[k:colon]
		switch {
		case strings.EqualFold(name, "authorization") || strings.EqualFold(name, "proxy-authorization"):
			v = afterScheme(text, v)
		case strings.IndexByte(name, '-') >= 0 && secretname.IsKey(name):
		default:
			continue
		}
		span, next := headerValue(text, v)
		if span.End > span.Start {
			out = append(out, span)
		}
		if next > floor {
			floor = next
		}
	}
}

// afterScheme is where an Authorization value's credentials start: after
// its scheme ("Bearer ", "Basic ") when a word and blanks are followed by
// more on the line, else at v (the whole value is the credential).
func afterScheme(text string, v int) int {
	p := v
	if p >= len(text) || !(text[p] >= 'a' && text[p] <= 'z' || text[p] >= 'A' && text[p] <= 'Z') {
		return v
	}
	for p < len(text) && isHeaderByte(text[p]) && text[p] != '_' {
		p++
	}
	q := p
	for q < len(text) && (text[q] == ' ' || text[q] == '\t') {
		q++
	}
	if q == p || q == len(text) || isBlank(text[q]) {
		return v
	}
	return q
}

// headerValue is the span of a header's value starting at v, and where
// reading goes on.
func headerValue(text string, v int) (Span, int) {
	if v < len(text) && (text[v] == '\'' || text[v] == '"' || text[v] == '\\') {
		return value(text, v)
	}
	if strings.HasPrefix(text[v:], Mask) && maskEnds(text, v+len(Mask)) {
		return Span{v, v}, v + len(Mask)
	}
	p := v
	for p < len(text) && !isBlank(text[p]) && strings.IndexByte(`,;&"'\`, text[p]) < 0 {
		p++
	}
	return Span{v, p}, p
}
