package jsonfmt

import (
	"bytes"
)

// stripJSONC returns data with its comments and trailing commas replaced
// by spaces, so that the JSON parser reads what is left and every offset,
// and every line break, stays where it was (positions are then counted on
// the original text). data is copied only when there is something to blank.
//
// tailscale/hujson does the same job, but its parser recurses once per
// nesting level with no bound, so a document of a few million '[' would
// exhaust the goroutine stack, a fatal error no recover can catch; this
// scan keeps no stack at all.
//
// A comma counts as trailing only after a value and before '}' or ']'
// (with only blanks and comments between); other stray commas are left for
// the parser to report.
func stripJSONC(data []byte) ([]byte, error) {
	out, copied := data, false
	blank := func(from, to int) {
		if !copied {
			out, copied = bytes.Clone(data), true
		}
		for i := from; i < to; i++ {
			if out[i] != '\n' && out[i] != '\r' {
				out[i] = ' '
			}
		}
	}
	var last byte      // the last significant byte seen (0: none yet)
	pendingComma := -1 // offset of a comma that may turn out trailing
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '/' && i+1 < len(data) && data[i+1] == '/':
			// to the line's end, LF or a lone CR (VS Code's jsonc-parser
			// and json5 end it at either): ending it at LF only made a
			// file with CR line ends lose the keys after a comment
			end := bytes.IndexAny(data[i:], "\r\n")
			if end < 0 {
				end = len(data)
			} else {
				end += i
			}
			if err := noNUL(data, i, end); err != nil {
				return nil, err
			}
			blank(i, end)
			i = end
		case c == '/' && i+1 < len(data) && data[i+1] == '*':
			end := bytes.Index(data[i+2:], []byte("*/"))
			if end < 0 {
				return nil, parseErrorAt(data, i, "unterminated /* comment")
			}
			end += i + 4
			if err := noNUL(data, i, end); err != nil {
				return nil, err
			}
			blank(i, end)
			i = end
		case c == '"':
			// Skip the string; the parser checks what is inside it. An
			// unterminated one runs to the end, where the parser says so.
			j := i + 1
			for j < len(data) && data[j] != '"' && data[j] != '\n' {
				if data[j] == '\\' {
					j++
				}
				j++
			}
			i = j + 1
			last, pendingComma = '"', -1
		case c == ',':
			if last != 0 && last != '[' && last != '{' && last != ',' && last != ':' {
				pendingComma = i
			} else {
				pendingComma = -1
			}
			last = ','
			i++
		case c == '}' || c == ']':
			if pendingComma >= 0 {
				blank(pendingComma, pendingComma+1)
				pendingComma = -1
			}
			last = c
			i++
		default:
			last, pendingComma = c, -1
			i++
		}
	}
	return out, nil
}

// noNUL refuses a NUL byte in a comment (data[from:to]), as a NUL anywhere
// else in the document is refused: blanking the comment dropped it unseen.
func noNUL(data []byte, from, to int) error {
	if j := bytes.IndexByte(data[from:to], 0); j >= 0 {
		return parseErrorAt(data, from+j, "NUL byte in a comment")
	}
	return nil
}
