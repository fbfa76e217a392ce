// Package quote writes double-quoted strings in the escape syntax that JSON
// and TOML basic strings share: \" \\ \n \r \t \b \f, and \u00XX for other
// control characters. Everything else, non-ASCII text included, stays as is.
package quote

import "bytes"

// Write appends s to buf as a quoted string. With escapeDEL, DEL (0x7f)
// is escaped too (TOML forbids it raw; JSON allows it). hexDigits gives the
// case of \u escapes ("0123456789abcdef" or "0123456789ABCDEF").
func Write(buf *bytes.Buffer, s string, escapeDEL bool, hexDigits string) {
	buf.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && (c != 0x7f || !escapeDEL) {
			continue
		}
		buf.WriteString(s[start:i])
		switch c {
		case '"', '\\':
			buf.WriteByte('\\')
			buf.WriteByte(c)
		case '\n':
			buf.WriteString(`\n`)
		case '\r':
			buf.WriteString(`\r`)
		case '\t':
			buf.WriteString(`\t`)
		case '\b':
			buf.WriteString(`\b`)
		case '\f':
			buf.WriteString(`\f`)
		default:
			buf.WriteString(`\u00`)
			buf.WriteByte(hexDigits[c>>4])
			buf.WriteByte(hexDigits[c&0xF])
		}
		start = i + 1
	}
	buf.WriteString(s[start:])
	buf.WriteByte('"')
}
