package hclfmt

import (
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/value"
)

type shapeAt struct {
	tok    shapeToken
	offset int
}

// shapes lists what scanShape reports of src, and what hclsyntax's lexer
// gives for it; a newline's offset is left out (a comment's newline is at
// the comment's start in the lexer's tokens).
func shapes(t *testing.T, src string) (scanned, lexed []shapeAt, sure bool) {
	t.Helper()
	at := func(tok shapeToken, offset int) shapeAt {
		if tok == shapeNewline {
			offset = 0
		}
		return shapeAt{tok, offset}
	}
	sure = scanShape([]byte(src), func(tok shapeToken, offset int) bool {
		scanned = append(scanned, at(tok, offset))
		return true
	})
	lexShape([]byte(src), func(tok shapeToken, offset int) bool {
		lexed = append(lexed, at(tok, offset))
		return true
	})
	return scanned, lexed, sure
}

func sameShapes(a, b []shapeAt) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The scanner reports what hclsyntax's lexer does, on real files and on
// the corners of the lexical grammar: strings with escapes and templates,
// heredocs, comments, numbers, identifiers with dashes, operators.
func TestScanShapeFollowsTheLexer(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	var texts []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	texts = append(texts,
		"a = \"x ${ b + \"y ${c}\" } %{ if d }e%{ endif } $${f} %%{g} \\\" ) \\\\\"\n",
		"a = <<EOT\n  ${x} (\n  EOT still text\nEOT\nb = <<-EOT\n    ${ [1, 2] }\n    EOT\nc = 1\n",
		"a = <<EOT\r\nx ${y}EOT\r\nEOT\r\nb = [1,\r\n2]\r\n",
		"# ( [ {\n// \" ]\n/* { \" */ a = 1 # x\nb = 2 // y\n",
		"a = 1.5e-3 + 2E+4 - 3.0 * -4 / 5 % 6\nb = x.y[0].z[*].w\n",
		"a = foo-bar-baz - qux\nb = !c && d || e == f != g < h <= i > j >= k ? l : m\n",
		"a = [for k, v in m : k => v...]\nb = {for x in y : x => x if x != \"\"}\n",
		"a = \"unterminated\nb = 2\n",
		"a = \"${\"${\"${x}\"}\"}\"\nb = \"~} ${ x ~} y\"\n",
		"a = { b = { c = [ ( 1 ) ] } }\nblock \"l\" { x = y }\n",
		"a = 1 ~ 2\nb = } ]\n",
		"a = x::y\nb = <<\nc = << EOT\nd = <<9\n",
		"a = <<EOT\nno end",
		"a = <<EOT\nEOT",
		"a = 1 /* unterminated",
		"a = \"é\" + ü\nb = \"\\u00e9\"\n",
		"a = x[0][1] + [1][0] + f(x)[2] + \"s\"[0] + (1)[0] + y # c\n[0]\nb = [[1], [2]][0]\n",
	)
	for _, text := range texts {
		scanned, lexed, sure := shapes(t, text)
		if !sure || !sameShapes(scanned, lexed) {
			t.Errorf("%q:\nscanned %v\nlexed   %v", text, scanned, lexed)
		}
	}
}

// Random texts from the grammar's pieces: the scanner and the lexer agree.
func TestScanShapeFollowsTheLexerOnRandomText(t *testing.T) {
	pieces := []string{
		"a", "b-c", "_d", "1", "2.5", "3e-2", " ", "\t", "\n", "\r\n", "=", "==", "!=", "!",
		"+", "-", "*", "/", "%", "&", "|", ";", "<", "<=", ">", ">=", "&&", "||", "?", ":", ".", "...", "::", "=>",
		",", "(", ")", "[", "]", "{", "}", "~}", "\"", "\\\"", "\\\\", "${", "%{", "$${", "%%{", "$", "%",
		"#", "//", "/*", "*/", "<<EOT\n", "<<-X\n", "EOT\n", "  X\n", "é", "~",
	}
	r := rand.New(rand.NewSource(1))
	unsure := 0
	for n := 0; n < 20000; n++ {
		var b strings.Builder
		for k := r.Intn(30); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		text := b.String()
		scanned, lexed, sure := shapes(t, text)
		if !sure {
			unsure++ // a heredoc marker beyond ASCII: hclsyntax's lexer counts
			if failAt, _ := tooDeep([]byte(text)); failAt != -1 {
				t.Fatalf("%q: too deep at %d", text, failAt)
			}
			continue
		}
		if !sameShapes(scanned, lexed) {
			t.Fatalf("%q:\nscanned %v\nlexed   %v", text, scanned, lexed)
		}
	}
	if unsure > 200 {
		t.Errorf("unsure of %d texts in 20000", unsure)
	}
}

// Operator chains count as nesting: hclsyntax recurses once per operator,
// and a few hundred thousand overflowed the goroutine stack, which no
// recover catches. Chains that a comma or an item's newline ends do not
// add up.
func TestOperatorChainsAreBounded(t *testing.T) {
	long := value.MaxDepth + 1
	for _, text := range []string{
		"a = " + strings.Repeat("-", long) + "1\n",
		"a = " + strings.Repeat("!", 400_000) + "true\n",
		"a = 1" + strings.Repeat(" + 1", long) + "\n",
		"a = [1" + strings.Repeat(" +\n 1", long) + "]\n",
		"a = true" + strings.Repeat(" ? 1 : false", long) + "\n",
		"a = x" + strings.Repeat(".b", long) + "\n",
		"a = x" + strings.Repeat("[0]", long) + "\n",
		"a = [[1]" + strings.Repeat("[0]", long) + "]\n",
		"b" + strings.Repeat(" \"l\"", 100_000) + " {}\n",
		"b" + strings.Repeat(" l", 100_000) + " {}\n",
		"a = " + strings.Repeat("-(", 600) + "1" + strings.Repeat(")", 600) + "\n",
		"a = \"${" + strings.Repeat("-", long) + "1}\"\n",
	} {
		for _, decode := range []func([]byte) (*value.Doc, error){Decode, DecodeRaw} {
			_, err := decode([]byte(text))
			if err == nil || !strings.Contains(err.Error(), "deeper than 1000 levels") {
				t.Errorf("%.40q...: %v", text, err)
			}
		}
	}
	var many strings.Builder
	many.WriteString("l = [")
	for i := 0; i < 3*value.MaxDepth; i++ {
		many.WriteString("-1 + 2, ")
	}
	many.WriteString("]\n")
	for i := 0; i < 3*value.MaxDepth; i++ {
		many.WriteString("a" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + "_" + strings.Repeat("y", i/26) + " = -1 * 2\n")
	}
	doc, err := Decode([]byte(many.String()))
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := doc.Root.Get("l"); len(l.([]any)) != 3*value.MaxDepth {
		t.Errorf("l has %d items", len(l.([]any)))
	}
	if _, err := Decode([]byte("a = " + strings.Repeat("-", value.MaxDepth-1) + "1\n")); err != nil {
		t.Errorf("a chain of %d: %v", value.MaxDepth-1, err)
	}
}

// A text made only of brackets is refused at its 1001st, without the
// ~100 bytes a token that hclsyntax's lexer would take for all of it.
func TestDeepTextIsRefusedCheaply(t *testing.T) {
	text := []byte("a = " + strings.Repeat("(", 4<<20))
	allocs := testing.AllocsPerRun(1, func() {
		if _, err := Decode(text); err == nil || !strings.Contains(err.Error(), "nesting deeper") {
			t.Errorf("got %v", err)
		}
	})
	if allocs > 100 {
		t.Errorf("%v allocations", allocs)
	}
}

// The scanner and the lexer agree on any text the scanner is sure of.
func FuzzScanShape(f *testing.F) {
	f.Add("a = \"x ${ b + \"y\" }\" # c\nb = <<EOT\n${z}\nEOT\n")
	f.Add("a = x[0].b[1] - -1 ? !c : d...\n")
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) || strings.IndexByte(text, 0) >= 0 {
			return // refused before the depth check
		}
		scanned, lexed, sure := shapes(t, text)
		if sure && !sameShapes(scanned, lexed) {
			t.Fatalf("%q:\nscanned %v\nlexed   %v", text, scanned, lexed)
		}
	})
}
