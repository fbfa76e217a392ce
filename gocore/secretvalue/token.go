package secretvalue

import "strings"

// A token kind: a word (a run of ASCII letters, digits, "_" and "-")
// starting with prefix whose rest (the body) is of the kind's alphabet
// and length is a credential. The body is masked, the prefix kept
// ("ghp_********" says what leaked). The lengths keep ordinary words out:
// "sk-learn", "ghp_" alone, "AKIA" in a sentence.
type tokenKind struct {
	prefix   string
	alphabet func(byte) bool
	min, max int  // the body's length; max 0: no bound
	digit    bool // the body holds a digit ("sk-" starts hyphenated words too)
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isUpperOrDigit(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }

func isWordByte(c byte) bool { return isAlnum(c) || c == '_' || c == '-' }

// tokenKinds is the table of gocfg/_credentials.py's _TOKEN_KINDS, in the same
// order; no prefix is the start of another.
var tokenKinds = []tokenKind{
	{"ghp_", isAlnum, 20, 0, false}, // GitHub
	{"gho_", isAlnum, 20, 0, false},
	{"ghu_", isAlnum, 20, 0, false},
	{"ghs_", isAlnum, 20, 0, false},
	{"ghr_", isAlnum, 20, 0, false},
	{"github_pat_", isWordByte, 20, 0, false},
	{"glpat-", isWordByte, 20, 0, false}, // GitLab
	{"xoxb-", isWordByte, 20, 0, false},  // Slack
	{"xoxp-", isWordByte, 20, 0, false},
	{"xoxa-", isWordByte, 20, 0, false},
	{"xoxr-", isWordByte, 20, 0, false},
	{"xoxs-", isWordByte, 20, 0, false},
	{"sk_live_", isAlnum, 16, 0, false}, // Stripe
	{"rk_live_", isAlnum, 16, 0, false},
	{"sk_test_", isAlnum, 16, 0, false},
	{"AKIA", isUpperOrDigit, 16, 16, false}, // AWS access key ids
	{"ASIA", isUpperOrDigit, 16, 16, false},
	{"AIza", isWordByte, 35, 35, false},     // Google API keys
	{"sk-", isWordByte, 20, 0, true},        // OpenAI, Anthropic
	{"npm_", isAlnum, 36, 36, false},        // npm
	{"pypi-AgEI", isWordByte, 20, 0, false}, // PyPI
}

// The shortest token ("AKIA" and 16 characters): a shorter value holds
// none, and is not read (most values are short). TestShortestToken checks
// it against the table.
const shortestToken = 20

// tokens appends the bodies of the words in text that are tokens of one
// of the kinds. Each word is read once.
func tokens(text string, out []Span) []Span {
	for i := 0; i < len(text); {
		if !isWordByte(text[i]) {
			i++
			continue
		}
		end := i + 1
		for end < len(text) && isWordByte(text[end]) {
			end++
		}
		if n := tokenPrefix(text[i:end]); n > 0 {
			out = append(out, Span{i + n, end})
		}
		i = end
	}
	return out
}

// tokenPrefix is the length of the prefix of word when word is a token,
// else 0.
func tokenPrefix(word string) int {
	if strings.IndexByte("gxsrAnp", word[0]) < 0 {
		return 0 // most words: no prefix starts so
	}
	for _, k := range tokenKinds {
		if !strings.HasPrefix(word, k.prefix) {
			continue
		}
		body := word[len(k.prefix):]
		if len(body) < k.min || k.max > 0 && len(body) > k.max {
			return 0
		}
		digit := false
		for i := 0; i < len(body); i++ {
			if !k.alphabet(body[i]) {
				return 0
			}
			digit = digit || body[i] >= '0' && body[i] <= '9'
		}
		if k.digit && !digit {
			return 0
		}
		return len(k.prefix)
	}
	return 0
}
