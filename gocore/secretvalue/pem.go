package secretvalue

import "strings"

// The longest PEM label read ("ENCRYPTED PRIVATE KEY" is 21 bytes): a
// longer run of label bytes is no PEM line, and reading stops there.
const maxLabel = 64

func isLabelByte(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ' }

// pemBodies appends the bodies of the PEM private keys in text: after a
// "-----BEGIN <label>-----" whose label holds "PRIVATE KEY" (RSA, EC,
// OPENSSH, ENCRYPTED, DSA, "PGP PRIVATE KEY BLOCK"), up to the next
// "-----END" or the end of the text, without the blanks at either end so
// that the BEGIN and END lines stay on lines of their own. Certificates
// and public keys are not secrets.
func pemBodies(text string, out []Span) []Span {
	const begin, dashes, end = "-----BEGIN ", "-----", "-----END"
	for i := 0; i < len(text); {
		j := strings.Index(text[i:], begin)
		if j < 0 {
			return out
		}
		label := i + j + len(begin)
		k := label
		for k < len(text) && k-label < maxLabel && isLabelByte(text[k]) {
			k++
		}
		i = k
		if !strings.HasPrefix(text[k:], dashes) || !strings.Contains(text[label:k], "PRIVATE KEY") {
			continue
		}
		start := k + len(dashes)
		stop := len(text)
		if e := strings.Index(text[start:], end); e >= 0 {
			stop = start + e
		}
		i = stop // the body is read once: the next BEGIN is after it
		for start < stop && isBlank(text[start]) {
			start++
		}
		for stop > start && isBlank(text[stop-1]) {
			stop--
		}
		if stop > start && text[start:stop] != Mask {
			out = append(out, Span{start, stop})
		}
	}
	return out
}
