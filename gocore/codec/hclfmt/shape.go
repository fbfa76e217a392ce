package hclfmt

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/gocfg/gocfg/gocore/value"
)

// The depth check runs before hclsyntax parses, because hclsyntax's parser
// recurses once per nesting level and once per operator of a chain
// (-----1, !!!!true, 1+1+1+...): a few hundred thousand of either, in a
// file of a few hundred kilobytes, overflow the goroutine stack, which
// kills the process without a recover. Counting on hclsyntax's own tokens
// was exact but cost ~100 bytes a token, gigabytes for a file of brackets,
// so the check reads the text with the scanner below instead: it follows
// hclsyntax's lexer (scan_tokens.rl) as far as the structure goes (strings,
// heredocs, templates, comments, brackets, operators) and allocates only
// its stacks of open heredocs and template braces.

// shapeToken is what the scanner reports: a token that opens or closes a
// level, an operator, or a separator that ends an operator chain.
type shapeToken uint8

const (
	shapeOpenBrace   shapeToken = iota // {, inside which a newline ends an item
	shapeOpenBracket                   // [, which also indexes: x[0][0]... is a chain
	shapeOpen                          // ( " <<EOT ${ %{
	shapeClose                         // } ] ) " EOT and a template's }
	shapeOperator                      // + - * / % ! ? : . == != < <= > >= && || ... ::
	shapeComma                         // ,
	shapeNewline                       // a line's end in code, where it ends an item
)

// scanShape calls emit for each structural token of src, with its byte
// offset, until emit returns false. It returns false, and stops, where
// the text holds something it does not follow exactly as hclsyntax does
// (a heredoc marker beyond ASCII): the caller then asks hclsyntax's lexer.
func scanShape(src []byte, report func(tok shapeToken, offset int) bool) (sure bool) {
	type heredoc struct {
		marker      []byte
		startOfLine bool
	}
	var (
		modes     []byte // the lexer's call stack: 'm' code, 's' quoted string, 'h' heredoc
		braces    int    // open braces, template sequences included
		retBraces []int  // brace levels at which a "}" ends a template sequence
		heredocs  []heredoc
	)
	// afterValue: the last token ended a value (a word, a closing
	// token), so that a "[" indexes it rather than starting a list, and a
	// word or a string after it is a block's label after another (a
	// chain of them is one more level each, as the block check counts
	// them; hclsyntax builds every one first).
	afterValue := false
	emit := func(tok shapeToken, offset int) bool {
		if tok != shapeNewline {
			afterValue = tok == shapeClose
		}
		return report(tok, offset)
	}
	mode := byte('m')
	i := 0
	n := len(src)
	push := func(m byte) { modes = append(modes, mode); mode = m }
	pop := func() {
		if len(modes) > 0 {
			mode, modes = modes[len(modes)-1], modes[:len(modes)-1]
		}
	}
	// openTemplate handles "${" and "%{" (with an optional "~") at i in a
	// string or a heredoc.
	openTemplate := func() bool {
		if !emit(shapeOpen, i) {
			return false
		}
		i += 2
		if i < n && src[i] == '~' {
			i++
		}
		braces++
		retBraces = append(retBraces, braces)
		if len(heredocs) > 0 {
			heredocs[len(heredocs)-1].startOfLine = false
		}
		push('m')
		return true
	}
	for i < n {
		c := src[i]
		switch mode {
		case 's': // a quoted string: escapes, templates, the closing quote
			switch {
			case c == '"':
				if !emit(shapeClose, i) {
					return true
				}
				i++
				pop()
			case c == '\\' && i+1 < n && src[i+1] != '\n' && src[i+1] != '\r':
				i += 2
			case (c == '$' || c == '%') && i+1 < n && src[i+1] == '{':
				if !openTemplate() {
					return true
				}
			case (c == '$' || c == '%') && i+2 < n && src[i+1] == c && src[i+2] == '{':
				i += 3 // $${ and %%{ are literal text
			default:
				i++
			}
		case 'h': // a heredoc: line by line, until a line that is its marker
			h := &heredocs[len(heredocs)-1]
			end := bytes.IndexByte(src[i:], '\n')
			if end < 0 {
				end = n
			} else {
				end += i
			}
			// The marker's line must end with a newline: at the end of the
			// text the lexer leaves the heredoc open.
			if h.startOfLine && end < n && bytes.Equal(bytes.TrimSpace(src[i:end]), h.marker) {
				if !emit(shapeClose, i) {
					return true
				}
				heredocs = heredocs[:len(heredocs)-1]
				i = end // the newline is the attribute's end, read in code
				pop()
				continue
			}
			h.startOfLine = false
			for i < end {
				c := src[i]
				if (c == '$' || c == '%') && i+1 < end && src[i+1] == '{' {
					break
				}
				if (c == '$' || c == '%') && i+2 < end && src[i+1] == c && src[i+2] == '{' {
					i += 3
					continue
				}
				i++
			}
			if i < end {
				if !openTemplate() {
					return true
				}
				continue
			}
			if i < n { // the newline
				i++
				h.startOfLine = true
			}
		default: // code
			switch c {
			case ' ', '\t':
				i++
			case '\n':
				if !emit(shapeNewline, i) {
					return true
				}
				i++
			case '#':
				i = lineEnd(src, i)
			case '/':
				switch {
				case i+1 < n && src[i+1] == '/':
					i = lineEnd(src, i)
				case i+1 < n && src[i+1] == '*' && bytes.Contains(src[i+2:], []byte("*/")):
					i += 2 + bytes.Index(src[i+2:], []byte("*/")) + 2
				default:
					if !emit(shapeOperator, i) {
						return true
					}
					i++
				}
			case '{':
				braces++
				if !emit(shapeOpenBrace, i) {
					return true
				}
				i++
			case '[', '(':
				tok := shapeOpen
				if c == '[' && afterValue {
					tok = shapeOpenBracket
				}
				if !emit(tok, i) {
					return true
				}
				i++
			case ']', ')':
				if !emit(shapeClose, i) {
					return true
				}
				i++
			case '}', '~':
				if c == '~' && (i+1 >= n || src[i+1] != '}') {
					afterValue = false // a lone ~ is an invalid token, nothing more
					i++
					continue
				}
				if !emit(shapeClose, i) {
					return true
				}
				if c == '~' {
					i++
				}
				i++
				if len(retBraces) > 0 && retBraces[len(retBraces)-1] == braces {
					retBraces = retBraces[:len(retBraces)-1]
					braces--
					pop()
				} else {
					braces--
				}
			case '"':
				if afterValue && !emit(shapeOperator, i) { // a block's label after another
					return true
				}
				if !emit(shapeOpen, i) {
					return true
				}
				i++
				push('s')
			case ',':
				if !emit(shapeComma, i) {
					return true
				}
				i++
			case '<':
				if marker, next, ok := heredocStart(src, i); ok {
					if marker == nil {
						return false
					}
					if !emit(shapeOpen, i) {
						return true
					}
					heredocs = append(heredocs, heredoc{marker: marker, startOfLine: true})
					i = next
					push('h')
					continue
				}
				fallthrough
			case '+', '-', '*', '%', '!', '?', ':', '.', '=', '>', '&', '|':
				op := i
				i += operatorLen(src, i)
				if sym := string(src[op:i]); sym == "=" || sym == "=>" || sym == "&" || sym == "|" {
					afterValue = false // an assignment, or an invalid token
					continue
				}
				if !emit(shapeOperator, op) {
					return true
				}
			case '\r':
				if i+1 < n && src[i+1] == '\n' {
					i++ // the newline's first byte
					continue
				}
				afterValue = false
				i++
			default:
				word := isWordStart(src[i:])
				if word && afterValue && !emit(shapeOperator, i) { // a label after another
					return true
				}
				afterValue = word
				i += wordLen(src, i)
			}
		}
	}
	return true
}

// lineEnd is the offset of the newline ending the line at i (or len(src)).
func lineEnd(src []byte, i int) int {
	if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(src)
}

// operatorLen is the length of the symbol at i: the lexer's two- and
// three-byte operators as one.
func operatorLen(src []byte, i int) int {
	for _, op := range [...]string{"...", "==", "!=", ">=", "<=", "&&", "||", "::", "=>"} {
		if bytes.HasPrefix(src[i:], []byte(op)) {
			return len(op)
		}
	}
	return 1
}

// wordLen is the length of the number literal, identifier or other word
// at i (at least 1): a "-" inside an identifier, or the sign of a number's
// exponent, is no operator.
func wordLen(src []byte, i int) int {
	c := src[i]
	switch {
	case c >= '0' && c <= '9':
		// digit (digit | "." | [eE] [+-]? digit)*, not ending in "."
		isDigit := func(k int) bool { return k < len(src) && src[k] >= '0' && src[k] <= '9' }
		j := i + 1
		for j < len(src) {
			switch d := src[j]; {
			case isDigit(j) || d == '.':
				j++
			case (d == 'e' || d == 'E') && isDigit(j+1):
				j += 2
			case (d == 'e' || d == 'E') && j+1 < len(src) && (src[j+1] == '+' || src[j+1] == '-') && isDigit(j+2):
				j += 3
			default:
				return numberEnd(src, i, j)
			}
		}
		return numberEnd(src, i, j)
	case isIdentStart(src[i:]):
		j := i
		for j < len(src) {
			r, size := utf8.DecodeRune(src[j:])
			if j > i && !(r == '-' || isIdentContinue(r)) {
				break
			}
			j += size
		}
		return j - i
	default:
		_, size := utf8.DecodeRune(src[i:])
		return size
	}
}

// numberEnd is the length of the number at i whose characters run to j:
// a number does not end in ".".
func numberEnd(src []byte, i, j int) int {
	for j > i+1 && src[j-1] == '.' {
		j--
	}
	return j - i
}

// isWordStart says whether b starts a number or an identifier.
func isWordStart(b []byte) bool { return b[0] >= '0' && b[0] <= '9' || isIdentStart(b) }

func isIdentStart(b []byte) bool {
	r, _ := utf8.DecodeRune(b)
	return r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r)
}

func isIdentContinue(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) ||
		unicode.In(r, unicode.Nl, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc)
}

// heredocStart reads "<<EOT\n" or "<<-EOT\n" at i: the marker and the
// offset after the newline, ok false when it is something else ("<<" as
// two operators). A marker beyond ASCII comes back nil: whether
// hclsyntax's Unicode tables take it as an identifier is not checked
// here.
func heredocStart(src []byte, i int) (marker []byte, next int, ok bool) {
	j := i + 2
	if j > len(src) || src[i+1] != '<' {
		return nil, 0, false
	}
	if j < len(src) && src[j] == '-' {
		j++
	}
	start := j
	ascii := true
	for j < len(src) && src[j] != '\n' && src[j] != '\r' {
		c := src[j]
		if c >= utf8.RuneSelf {
			ascii = false
		} else if !(c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return nil, 0, false
		}
		j++
	}
	if j == start || src[start] == '-' || src[start] >= '0' && src[start] <= '9' {
		return nil, 0, false
	}
	if j < len(src) && src[j] == '\r' {
		j++
	}
	if j >= len(src) || src[j] != '\n' {
		return nil, 0, false
	}
	if !ascii {
		return nil, j + 1, true
	}
	return src[start : bytes.IndexAny(src[start:], "\r\n")+start], j + 1, true
}

// depthCounter follows the levels of a text's shape tokens (see checkDepth).
type depthCounter struct {
	levels     []depthLevel
	total      int // open levels, and the operators of their chains
	failAt     int // the offset of the token that went past value.MaxDepth, or -1
	byOperator bool
}

type depthLevel struct {
	ops   int  // operators in the chain being read at this level
	brace bool // a newline ends an item here
}

func newDepthCounter() *depthCounter {
	return &depthCounter{levels: []depthLevel{{brace: true}}, failAt: -1}
}

// count takes the next token; false once the depth is past value.MaxDepth.
func (c *depthCounter) count(tok shapeToken, offset int) bool {
	top := &c.levels[len(c.levels)-1]
	switch tok {
	case shapeOpenBracket:
		// An index of a chain (x[0][0]...), or a list's start: one
		// operator in the chain around it, and a level.
		top.ops++
		c.total++
		if c.total > value.MaxDepth {
			c.failAt, c.byOperator = offset, true
			return false
		}
		fallthrough
	case shapeOpenBrace, shapeOpen:
		c.levels = append(c.levels, depthLevel{brace: tok == shapeOpenBrace})
		c.total++
	case shapeClose:
		if len(c.levels) > 1 {
			c.total -= 1 + top.ops
			c.levels = c.levels[:len(c.levels)-1]
		}
	case shapeOperator:
		top.ops++
		c.total++
	case shapeComma, shapeNewline:
		if tok == shapeComma || top.brace {
			c.total -= top.ops
			top.ops = 0
		}
	}
	if c.total > value.MaxDepth {
		c.failAt, c.byOperator = offset, tok == shapeOperator
		return false
	}
	return true
}

// tooDeep is where src goes deeper than value.MaxDepth (-1: nowhere), and
// whether an operator took it there.
func tooDeep(src []byte) (failAt int, byOperator bool) {
	c := newDepthCounter()
	if scanShape(src, c.count) {
		return c.failAt, c.byOperator
	}
	return lexTooDeep(src)
}

// lexTooDeep is tooDeep on hclsyntax's own tokens, at their cost in memory
// (~100 bytes a token), for the texts that scanShape does not follow.
func lexTooDeep(src []byte) (failAt int, byOperator bool) {
	c := newDepthCounter()
	lexShape(src, c.count)
	return c.failAt, c.byOperator
}

// lexShape is scanShape on hclsyntax's tokens.
func lexShape(src []byte, emit func(tok shapeToken, offset int) bool) {
	toks, _ := hclsyntax.LexConfig(src, "", hcl.InitialPos)
	afterValue := false
	for _, t := range toks {
		tok, ok := shapeOf(t)
		if ok && t.Type == hclsyntax.TokenOBrack && afterValue {
			tok = shapeOpenBracket
		}
		label := t.Type == hclsyntax.TokenOQuote || t.Type == hclsyntax.TokenIdent || t.Type == hclsyntax.TokenNumberLit
		if label && afterValue && !emit(shapeOperator, t.Range.Start.Byte) {
			return
		}
		switch {
		case t.Type == hclsyntax.TokenNewline, t.Type == hclsyntax.TokenComment:
		case t.Type == hclsyntax.TokenIdent, t.Type == hclsyntax.TokenNumberLit:
			afterValue = true
		default:
			afterValue = ok && tok == shapeClose
		}
		if ok && !emit(tok, t.Range.Start.Byte) {
			return
		}
	}
}

// shapeOf is what the depth check counts of an hclsyntax token.
func shapeOf(t hclsyntax.Token) (shapeToken, bool) {
	switch t.Type {
	case hclsyntax.TokenOBrace:
		return shapeOpenBrace, true
	case hclsyntax.TokenOBrack, hclsyntax.TokenOParen, hclsyntax.TokenTemplateInterp,
		hclsyntax.TokenTemplateControl, hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc:
		return shapeOpen, true
	case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
		hclsyntax.TokenTemplateSeqEnd, hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc:
		return shapeClose, true
	case hclsyntax.TokenPlus, hclsyntax.TokenMinus, hclsyntax.TokenStar, hclsyntax.TokenSlash,
		hclsyntax.TokenPercent, hclsyntax.TokenBang, hclsyntax.TokenQuestion, hclsyntax.TokenColon,
		hclsyntax.TokenDot, hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual, hclsyntax.TokenLessThan,
		hclsyntax.TokenLessThanEq, hclsyntax.TokenGreaterThan, hclsyntax.TokenGreaterThanEq,
		hclsyntax.TokenAnd, hclsyntax.TokenOr, hclsyntax.TokenEllipsis, hclsyntax.TokenDoubleColon:
		return shapeOperator, true
	case hclsyntax.TokenComma:
		return shapeComma, true
	case hclsyntax.TokenNewline:
		return shapeNewline, true
	case hclsyntax.TokenComment:
		// A # or // comment takes its line's newline, which the parser
		// still reads as one.
		if bytes.HasSuffix(t.Bytes, []byte("\n")) {
			return shapeNewline, true
		}
	}
	return 0, false
}
