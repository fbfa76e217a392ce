// Package secretvalue finds credentials inside a string value, whatever
// its key, so that what the library shows of a value ("postgres://app:
// hunter3@db/app" in a message) hides them as it hides the value of a
// secret key. It is the value rule of the Python package too
// (gocfg/_credentials.py, credential_spans); the two copies are kept equal by a
// test that runs both on one table (testdata/secret_values.json).
//
// The rule, bounded so that one pass over the text finds everything:
//
//   - A URL's password: after each "://", the authority runs to the first
//     "/", "?", "#" or ASCII blank; when it holds an "@", the text between
//     the first ":" before the last "@" and that "@" is a password (unless
//     it is the mask already)
//     ("redis://:pw@h", "postgres://app:p@ss:w@[::1]:5432"). The user name
//     and the host stay. A password holding an unencoded "/", "?", "#" or
//     blank is no URL's password: every parser ends the authority there.
//
//   - A key=value pair whose key is a secret by the key rule (secretname:
//     "password=pw", "?sslpassword=x&token=y", "Password = pw;"): the key
//     is the run of ASCII letters, digits, "_", "-", "." and non-ASCII
//     characters before the "=" (blanks may stand around it). The value is
//     quoted ('a b' or "a b", a backslash escaping the next character, as
//     libpq reads it; or \'a b\' and \"a b\", as a message that quotes the
//     text again escapes those quotes), in braces ({a;b}, "}}" for "}", as
//     ODBC reads it),
//     or runs to the next ASCII blank, ";" or "&". An unclosed quote or
//     brace runs to the end. A value that is the mask already (followed by
//     nothing, a blank or punctuation) is left as it is, so that masking a
//     message twice changes nothing.
//
//   - A PEM private key (pem.go): the body of a "-----BEGIN ... PRIVATE
//     KEY-----" block (RSA, EC, OPENSSH, ENCRYPTED, DSA, and "PGP PRIVATE
//     KEY BLOCK"), up to its "-----END" or the end of the text, the blanks
//     around it kept. Certificates and public keys stay.
//
//   - HTTP credentials (header.go), written "Name: value" with one blank or
//     more after the ":": Authorization and Proxy-Authorization (any case),
//     whose scheme stays ("Authorization: Bearer ********"), and a name
//     holding a "-" that is a secret by the key rule ("X-Api-Key: v",
//     "Private-Token: v"). The name is a run of ASCII letters, digits, "-"
//     and "_" with no key character before it; the value is quoted as a
//     pair's may be, or bare up to a blank or one of ,;&"'\, so that a
//     header list quoted in a message keeps its quotes and commas.
//
//   - Tokens known by their prefix (token.go): a word (a run of ASCII
//     letters, digits, "_" and "-") that starts with a prefix of the table
//     (GitHub ghp_ gho_ ghu_ ghs_ ghr_ github_pat_, GitLab glpat-, Slack
//     xoxb- xoxp- xoxa- xoxr- xoxs-, Stripe sk_live_ rk_live_ sk_test_, AWS
//     AKIA ASIA, Google AIza, OpenAI and Anthropic sk-, npm npm_, PyPI
//     pypi-AgEI) and whose rest has the token's alphabet and length; the
//     rest is masked, the prefix stays ("ghp_********"). Anywhere in a value,
//     so a URL whose user name is a token ("https://ghp_...@github.com")
//     hides it; other user names stay ("ssh://git@github.com").
//
// A value made of other text is left alone: "http://host/path",
// "user@example.com", "a=b", "sk-learn", "Content-Type: text/plain".
package secretvalue

import (
	"sort"
	"strings"

	"github.com/gocfg/gocfg/gocore/secretname"
)

// Mask replaces a credential: the mask of a secret key's value.
const Mask = secretname.Mask

// Span is a credential's place in a text: text[Start:End].
type Span struct{ Start, End int }

// Spans lists the credentials in text in order, each once (overlapping
// finds are joined). It takes time linear in len(text).
func Spans(text string) []Span {
	// Each scan appends only what it finds, so a value without a
	// credential costs no allocation; the cheap checks skip the scans
	// that cannot find anything in it.
	var found []Span
	if strings.Contains(text, "://") {
		found = urlPasswords(text, found)
	}
	if strings.IndexByte(text, '=') >= 0 {
		found = pairValues(text, found)
	}
	if strings.IndexByte(text, ':') >= 0 {
		found = headerValues(text, found)
	}
	if strings.Contains(text, "-----BEGIN ") {
		found = pemBodies(text, found)
	}
	if len(text) >= shortestToken {
		found = tokens(text, found)
	}
	if len(found) < 2 {
		return found
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Start < found[j].Start })
	out := found[:1]
	for _, s := range found[1:] {
		last := &out[len(out)-1]
		if s.Start <= last.End {
			if s.End > last.End {
				last.End = s.End
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// Holds reports whether text holds a credential.
func Holds(text string) bool { return len(Spans(text)) > 0 }

// MaskText is text with each credential replaced by the mask.
func MaskText(text string) string {
	spans := Spans(text)
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	at := 0
	for _, s := range spans {
		b.WriteString(text[at:s.Start])
		b.WriteString(Mask)
		at = s.End
	}
	b.WriteString(text[at:])
	return b.String()
}

func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// urlPasswords appends the passwords of the URLs in text.
func urlPasswords(text string, out []Span) []Span {
	for i := 0; ; {
		j := strings.Index(text[i:], "://")
		if j < 0 {
			return out
		}
		start := i + j + 3
		end := start
		for end < len(text) && !isBlank(text[end]) && text[end] != '/' && text[end] != '?' && text[end] != '#' {
			end++
		}
		// The authority ends before the next "://" (whose "/" ends it), so
		// each byte is looked at a bounded number of times.
		if at := strings.LastIndexByte(text[start:end], '@'); at >= 0 {
			colon := strings.IndexByte(text[start:start+at], ':')
			if colon >= 0 && colon+1 < at && text[start+colon+1:start+at] != Mask {
				out = append(out, Span{start + colon + 1, start + at})
			}
		}
		// The "/" that ended the authority may be the second of the next
		// "://" ("redis://:a@h1,redis://:b@h2"): look again from its ":".
		i = max(start, end-1)
	}
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '-' || c == '.' || c >= 0x80
}

// pairValues appends the values of the key=value pairs in text whose key
// is a secret.
func pairValues(text string, out []Span) []Span {
	floor := 0 // nothing before it is read again
	for {
		j := strings.IndexByte(text[floor:], '=')
		if j < 0 {
			return out
		}
		eq := floor + j
		k := eq
		for k > floor && (text[k-1] == ' ' || text[k-1] == '\t') {
			k--
		}
		nameEnd := k
		for k > floor && isNameByte(text[k-1]) {
			k--
		}
		floor = eq + 1
		if k == nameEnd || !secretname.IsKey(text[k:nameEnd]) {
			continue
		}
		v := eq + 1
		for v < len(text) && (text[v] == ' ' || text[v] == '\t') {
			v++
		}
		span, next := value(text, v)
		if span.End > span.Start {
			out = append(out, span)
		}
		if next > floor {
			floor = next
		}
	}
}

// value is the span of the value starting at v, and where reading goes on.
func value(text string, v int) (Span, int) {
	if v >= len(text) {
		return Span{v, v}, v
	}
	switch q := text[v]; q {
	case '\'', '"':
		p := v + 1
		for p < len(text) && text[p] != q {
			if text[p] == '\\' {
				p++
			}
			p++
		}
		p = min(p, len(text))
		return Span{v + 1, p}, min(p+1, len(text))
	case '\\':
		// A quoted value that a message quoted again, escaping its quotes
		// (Go's %q: "password=\"a b\""): it runs to the same escaped quote.
		if v+1 < len(text) && (text[v+1] == '\'' || text[v+1] == '"') {
			closing := text[v : v+2]
			end := strings.Index(text[v+2:], closing)
			if end < 0 {
				return Span{v + 2, len(text)}, len(text)
			}
			return Span{v + 2, v + 2 + end}, v + 4 + end
		}
	case '{':
		p := v + 1
		for p < len(text) {
			if text[p] == '}' {
				if p+1 < len(text) && text[p+1] == '}' {
					p += 2
					continue
				}
				break
			}
			p++
		}
		return Span{v + 1, p}, min(p+1, len(text))
	}
	if strings.HasPrefix(text[v:], Mask) && maskEnds(text, v+len(Mask)) {
		return Span{v, v}, v + len(Mask)
	}
	p := v
	for p < len(text) && !isBlank(text[p]) && text[p] != ';' && text[p] != '&' {
		p++
	}
	return Span{v, p}, p
}

// maskEnds reports whether a mask ending at i stands alone: at the end,
// or before a blank or punctuation ("password=********: cannot parse").
func maskEnds(text string, i int) bool {
	return i == len(text) || isBlank(text[i]) || strings.IndexByte(`;&"',:)]}`, text[i]) >= 0
}
