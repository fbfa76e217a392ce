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
// or one of ;&"'\ (a header list that a message quotes,
// "['X-Api-Key: v', ...]", keeps its quotes). A bare value is a
// credential where it follows a scheme of HTTP's ("Bearer abc trailing")
// or ends its line: blanks after it, if any, are followed by the end of
// the text, a line break or one of ;&"'\. So a
// message about a key that looks like a header ("x-api-key: expected
// bool, got an int", "authorization: expected int, got a str") reads as
// prose and keeps its words, while "X-Api-Key: k1\r\n" is a header line.
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
		known := false // an Authorization value after a scheme that HTTP defines
		switch {
		case strings.EqualFold(name, "authorization") || strings.EqualFold(name, "proxy-authorization"):
			v, known = afterScheme(text, v)
		case strings.IndexByte(name, '-') >= 0 && secretname.IsKey(name):
		default:
			continue
		}
		span, next := headerValue(text, v, known)
		if span.End > span.Start {
			out = append(out, span)
		}
		if next > floor {
			floor = next
		}
	}
}

// authSchemes are the authentication schemes of HTTP's registry (and
// the AWS signature's), lower case: after one of them an Authorization
// value is a credential whatever follows it on the line.
var authSchemes = map[string]bool{
	"basic": true, "bearer": true, "digest": true, "token": true, "negotiate": true, "ntlm": true,
	"hoba": true, "mutual": true, "apikey": true, "dpop": true, "gnap": true, "privatetoken": true,
	"scram-sha-1": true, "scram-sha-256": true, "vapid": true, "aws4-hmac-sha256": true,
}

// afterScheme is where an Authorization value's credentials start: after
// its scheme ("Bearer ", "Basic ") when a word and blanks are followed by
// more on the line, else at v (the whole value is the credential); and
// whether that word is one of authSchemes.
func afterScheme(text string, v int) (int, bool) {
	p := v
	if p >= len(text) || !(text[p] >= 'a' && text[p] <= 'z' || text[p] >= 'A' && text[p] <= 'Z') {
		return v, false
	}
	for p < len(text) && isHeaderByte(text[p]) && text[p] != '_' {
		p++
	}
	q := p
	for q < len(text) && (text[q] == ' ' || text[q] == '\t') {
		q++
	}
	if q == p || q == len(text) || isBlank(text[q]) {
		return v, false
	}
	return q, authSchemes[strings.ToLower(text[v:p])]
}

// headerValue is the span of a header's value starting at v, and where
// reading goes on; a bare value that does not end its line is none,
// unless it follows a known scheme.
func headerValue(text string, v int, known bool) (Span, int) {
	if v < len(text) && (text[v] == '\'' || text[v] == '"' || text[v] == '\\') {
		return value(text, v)
	}
	if strings.HasPrefix(text[v:], Mask) && maskEnds(text, v+len(Mask)) {
		return Span{v, v}, v + len(Mask)
	}
	p := v
	for p < len(text) && !isBlank(text[p]) && strings.IndexByte(`;&"'\`, text[p]) < 0 {
		p++
	}
	if !known && !endsLine(text, p) {
		return Span{v, v}, p
	}
	return Span{v, p}, p
}

// endsLine reports whether only blanks stand between p and the end of
// the text, a line break or one of ;&"'\.
func endsLine(text string, p int) bool {
	for p < len(text) && (text[p] == ' ' || text[p] == '\t') {
		p++
	}
	return p == len(text) || isBlank(text[p]) || strings.IndexByte(`;&"'\`, text[p]) >= 0
}
