package layer

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/limits"
	"github.com/gocfg/gocfg/gocore/value"
)

// Interpolation. A string value may hold references:
//
//	${server.host}        the value at a dot path of the same config
//	${env:HOME}           an environment variable
//	${env:PORT,8080}      ... or the text after the first comma when unset
//	$${                   a literal "${"
//	${{ ... }}            not a reference: left as written
//
// "${{" never starts a reference: it is how GitHub Actions, Gitea and
// Azure Pipelines write their expressions (${{ matrix.os }}), and those
// files are configuration a user loads too. No path starts with "{" in
// practice, and an error for every workflow file helps no one.
//
// A string that is exactly one reference takes the referenced value with
// its type (an int, a list, a map: reading through it reaches inside);
// an environment variable in that position is typed by ParseScalar when
// the resolver's ParseEnv is set. References inside longer text are
// formatted: ints and floats as numbers, bools as true/false, null as
// null, dates in ISO 8601; a list or map there is an error. References are
// not nested (a default cannot hold one). A cycle, a missing key or
// variable, and a malformed reference give an ErrInterpolation error whose
// message names the chain of paths that led to it.

// Bounds. Every top-level call (Lookup, Deep) is one resolution with its
// own budget: at most MaxSteps references followed, at most MaxBytes
// produced beyond the stored data (text built around references, and the
// values whole-string references bring into a resolved copy), and chains
// at most limits.MaxInterpolationDepth references deep. Without them a
// few keys that each refer twice to the next one double a string per key
// (24 keys took a minute), and a chain of 200,000 keys exhausted memory.
// The context is checked every ctxCheckEvery steps, so a long resolution
// stops when the caller cancels it.

// Resolver resolves references against one tree and one environment. It
// holds no state between calls (unless made by Shared): one Resolver may
// serve any number of calls, from any number of goroutines, while Root is
// not written.
type Resolver struct {
	Root     *value.Map
	Env      map[string]string
	ParseEnv bool

	// Hidden, when not nil, reports whether the string at a path is a
	// secret besides those named like one (a value read from a secrets
	// directory). Messages never quote a secret's text: not the text
	// around its references, nor the references themselves, which are
	// part of the value (a generated password may hold "${x}"), nor the
	// paths reached from them.
	Hidden func(path []string) bool

	// Ctx, when not nil, stops a resolution once it is done (the error is
	// errs.ErrCancelled).
	Ctx context.Context
	// MaxSteps and MaxBytes bound one resolution; 0 takes the process-wide
	// limits.InterpolationSteps and limits.InterpolationBytes.
	MaxSteps int64
	MaxBytes int64

	spent *spent // set by Shared
}

// spent is what resolutions have used of their budget.
type spent struct{ steps, bytes int64 }

// Shared returns a copy of r whose calls all draw on one budget, for a
// caller that resolves many values as one read (an explanation of every
// leaf): without it, each of n leaves could spend a whole budget. Unlike
// r, the copy is for one goroutine.
func (r *Resolver) Shared() *Resolver {
	c := *r
	c.spent = &spent{}
	return &c
}

// ErrInterpolationLimit is the kind of an error from a resolution that went
// over one of its bounds: both an ErrInterpolation and an errs.ErrLimit.
var ErrInterpolationLimit = fmt.Errorf("%w: %w", ErrInterpolation, errs.ErrLimit)

const ctxCheckEvery = 1024

// res is the state of one resolution.
type res struct {
	*Resolver
	ctx      context.Context
	key      string         // the path the caller asked for, for messages
	chain    []string       // the paths being resolved, outermost first
	secret   []bool         // whether the string at each path of chain is a secret
	via      [][]hop        // for each path of chain, the steps to the container it brought in (see deep)
	onChain  map[string]int // how many times each path is on chain
	hops     []hop          // the whole-string references followed to a container, while one resolves (see resolveString)
	level    int            // how many keys and indexes deep deep's output is at the value it resolves
	spent    *spent
	maxSteps int64
	maxBytes int64
}

func (r *Resolver) start(key []string) (*res, error) {
	s := &res{Resolver: r, ctx: r.Ctx, key: value.JoinPath(key...), spent: r.spent, maxSteps: r.MaxSteps, maxBytes: r.MaxBytes}
	if s.spent == nil {
		s.spent = &spent{}
	}
	if s.ctx == nil {
		s.ctx = context.Background()
	}
	var err error
	if s.maxSteps <= 0 {
		if s.maxSteps, err = limits.InterpolationSteps.Value(); err != nil {
			return nil, err
		}
	}
	if s.maxBytes <= 0 {
		if s.maxBytes, err = limits.InterpolationBytes.Value(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// HasRef reports whether s may hold a reference (or the $${ escape).
func HasRef(s string) bool { return strings.Contains(s, "${") }

func interpErr(at []string, format string, args ...any) error {
	return &errs.Located{Kind: ErrInterpolation, Path: value.JoinPath(at...), Msg: fmt.Sprintf(format, args...)}
}

// A hop is one step of a chain of references that is not itself on the
// chain: a string followed on the way to a container, or the container.
type hop struct {
	path   string
	secret bool // whether the string at path is a secret
}

// chainText writes the chain followed by last for a message, with the
// steps by which each path of it brought in a container: a.b -> a -> a.b
// for a: {b: "${a}"}, which read "a.b -> a.b" without them. A path
// reached from a secret's references is part of that secret's text and is
// not shown. A long chain keeps its two ends: the key that was read and
// where it went wrong.
func (r *res) chainText(last string) string {
	shown := make([]string, 0, len(r.chain)+1)
	hidden := false // whether the next step comes from a secret's text
	container := "" // the last step shown, when it is a container a reference brought in
	for i, p := range r.chain {
		if hidden {
			p = notShown
		}
		shown = append(shown, p)
		hidden, container = r.secret[i], ""
		for _, h := range r.via[i] {
			if hidden {
				shown = append(shown, notShown)
			} else {
				shown = append(shown, h.path)
			}
			hidden, container = hidden || h.secret, h.path
		}
	}
	if hidden {
		last = notShown
	}
	if container == "" || last != container {
		// (an error about that container itself names it once)
		shown = append(shown, last)
	}
	const keep = 5
	if len(shown) <= 2*keep+2 {
		return strings.Join(shown, " -> ")
	}
	head := strings.Join(shown[:keep], " -> ")
	tail := strings.Join(shown[len(shown)-keep-1:], " -> ")
	return fmt.Sprintf("%s -> ... (%d more) ... -> %s", head, len(shown)-2*keep-1, tail)
}

// notShown stands for text taken from a secret's value in a message.
const notShown = "(not shown: a secret)"

// isSecret reports whether the string at path is a secret: by its name, or
// as Hidden says.
func (r *res) isSecret(path []string) bool {
	return IsSecretPath(path) || (r.Hidden != nil && r.Hidden(path))
}

// quote quotes text taken from the value at path for a message, or says it
// is not shown when that value is a secret.
func (r *res) quote(path []string, text string) string {
	if r.isSecret(path) {
		return "(a secret's value, not shown)"
	}
	return strconv.Quote(text)
}

// push enters the resolution of the string at path at; pop leaves it.
func (r *res) push(at []string) error {
	here := value.JoinPath(at...)
	if r.onChain[here] > 0 {
		return interpErr(at, "reference cycle: %s", r.chainText(here))
	}
	if len(r.chain) >= limits.MaxInterpolationDepth {
		return r.limitErr(at, fmt.Sprintf("references nest more than %d deep (%s); the limit is fixed",
			limits.MaxInterpolationDepth, r.chainText(here)))
	}
	if r.onChain == nil {
		r.onChain = make(map[string]int)
	}
	r.chain = append(r.chain, here)
	r.secret = append(r.secret, r.isSecret(at))
	r.via = append(r.via, nil)
	r.onChain[here]++
	return nil
}

func (r *res) pop() {
	last := r.chain[len(r.chain)-1]
	r.chain = r.chain[:len(r.chain)-1]
	r.secret = r.secret[:len(r.secret)-1]
	r.via = r.via[:len(r.via)-1]
	if r.onChain[last]--; r.onChain[last] == 0 {
		delete(r.onChain, last)
	}
}

// limitErr reports a bound reached while resolving at, naming the key
// that was read as the error's path: the path the caller asked for, or,
// when that is the root, where the resolution that failed began.
func (r *res) limitErr(at []string, msg string) error {
	key := r.key
	if key == "" && len(r.chain) > 0 {
		key = r.chain[0]
	} else if key == "" {
		key = value.JoinPath(at...)
	}
	return &errs.Located{Kind: ErrInterpolationLimit, Path: key, Msg: msg}
}

// step counts one reference followed at path at.
func (r *res) step(at []string) error {
	r.spent.steps++
	if r.spent.steps > r.maxSteps {
		return r.limitErr(at, fmt.Sprintf("resolving it followed more than %d references, the interpolation budget (reached at %s; %s raises it)",
			r.maxSteps, value.JoinPath(at...), limits.InterpolationSteps.Env))
	}
	if r.spent.steps%ctxCheckEvery == 0 {
		if err := r.ctx.Err(); err != nil {
			return fmt.Errorf("resolving references was cancelled: %w", errs.ErrCancelled)
		}
	}
	return nil
}

// charge counts n bytes of output produced at path at.
func (r *res) charge(at []string, n int64) error {
	r.spent.bytes += n
	if r.spent.bytes > r.maxBytes {
		return r.limitErr(at, fmt.Sprintf("resolving it produced more than %s, the interpolation output limit (reached at %s; %s raises it)",
			limits.Format(r.maxBytes, "bytes"), value.JoinPath(at...), limits.InterpolationBytes.Env))
	}
	return nil
}

// Lookup returns the value at segs, following references met on the way
// (a segment inside a string that refers to a map reaches into that map),
// with the value found resolved: a string with references becomes its
// result, a list is copied with its strings resolved, a map is returned as
// stored (its entries resolve when read).
func (r *Resolver) Lookup(segs []string) (any, error) {
	s, err := r.start(segs)
	if err != nil {
		return nil, err
	}
	v, real, err := s.lookup(segs)
	if err != nil {
		return nil, err
	}
	// A value reached through a reference is a copy in the output, charged
	// as Deep charges it (to_dict() refused a string over the budget that
	// a read of its key returned).
	viaRef := !slices.Equal(real, segs)
	if l, ok := v.([]any); ok && needsResolve(l) {
		s.level = len(segs)
		return s.deep(l, segs, viaRef)
	}
	if viaRef {
		switch c := v.(type) {
		case string:
			return v, s.charge(segs, int64(len(c)))
		case []any:
			return v, s.charge(segs, size(c))
		}
	}
	return v, nil
}

// lookup walks segs from the root. It returns the value (shallowly
// resolved) and the real path where it lives (after following references).
func (r *res) lookup(segs []string) (any, []string, error) {
	var cur any = r.Root
	real := make([]string, 0, len(segs))
	for i, seg := range segs {
		var err error
		if cur, real, err = r.follow(cur, real); err != nil {
			return nil, nil, err
		}
		switch c := cur.(type) {
		case *value.Map:
			v, ok := c.Get(seg)
			if !ok {
				return nil, nil, &errs.Located{Kind: errs.ErrNotFound, Path: value.JoinPath(segs[:i+1]...), Msg: "no such key"}
			}
			cur = v
		case []any:
			j, ok := value.ListIndex(seg, len(c))
			if !ok {
				return nil, nil, &errs.Located{Kind: errs.ErrNotFound, Path: value.JoinPath(segs[:i+1]...),
					Msg: fmt.Sprintf("%s is a list of %s; %q is not an index in it", value.JoinPath(segs[:i]...), value.Items(len(c)), seg)}
			}
			cur = c[j]
		default:
			return nil, nil, &errs.Located{Kind: errs.ErrNotFound, Path: value.JoinPath(segs[:i+1]...),
				Msg: fmt.Sprintf("%s is %s, not a map or list", value.JoinPath(segs[:i]...), value.AType(cur))}
		}
		real = append(real, seg)
	}
	return r.follow(cur, real)
}

// follow resolves v, found at path at, when it is a string with references.
// It returns the result and where that lives (at itself, or the target of
// a whole-string reference).
func (r *res) follow(v any, at []string) (any, []string, error) {
	s, ok := v.(string)
	if !ok || !HasRef(s) {
		return v, at, nil
	}
	return r.resolveString(s, at)
}

type part struct {
	lit    string
	ref    string // the text between ${ and }
	isRef  bool
	offset int
}

func (r *res) parse(s string, at []string) ([]part, error) {
	var parts []part
	var lit strings.Builder
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "${")
		if j < 0 {
			lit.WriteString(s[i:])
			break
		}
		j += i
		if j > 0 && s[j-1] == '$' {
			// "$${" is a literal "${": the first $ escapes it.
			lit.WriteString(s[i : j-1])
			lit.WriteString("${")
			i = j + 2
			continue
		}
		if strings.HasPrefix(s[j+2:], "{") {
			lit.WriteString(s[i : j+3]) // another tool's ${{ expression }}
			i = j + 3
			continue
		}
		lit.WriteString(s[i:j])
		end := strings.IndexByte(s[j+2:], '}')
		if end < 0 {
			// The text quoted is the stored value's: not a secret's.
			return nil, interpErr(at, "unterminated reference %s (a literal ${ is written $${)", r.quote(at, shorten(s[j:])))
		}
		ref := s[j+2 : j+2+end]
		if strings.Contains(ref, "${") {
			return nil, interpErr(at, "nested reference in %s: references cannot hold references", r.quote(at, shorten(s[j:j+3+end])))
		}
		if lit.Len() > 0 {
			parts = append(parts, part{lit: lit.String()})
			lit.Reset()
		}
		parts = append(parts, part{ref: ref, isRef: true, offset: j})
		i = j + 3 + end
	}
	if lit.Len() > 0 {
		parts = append(parts, part{lit: lit.String()})
	}
	return parts, nil
}

func shorten(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

func (r *res) resolveString(s string, at []string) (any, []string, error) {
	if err := r.push(at); err != nil {
		return nil, nil, err
	}
	defer r.pop()
	parts, err := r.parse(s, at)
	if err != nil {
		return nil, nil, err
	}
	if len(parts) == 1 && parts[0].isRef {
		// Each string that a whole reference passes through on the way
		// to a container is a hop, in the order followed (the strings a
		// lookup follows inside this one come after it); deep names them
		// in a cycle's chain. Any other result leaves none behind.
		mark := len(r.hops)
		r.hops = append(r.hops, hop{path: r.chain[len(r.chain)-1], secret: r.secret[len(r.secret)-1]})
		v, real, err := r.refValue(parts[0].ref, at, true)
		switch v.(type) {
		case *value.Map, []any:
		default:
			r.hops = r.hops[:mark]
		}
		return v, real, err
	}
	var b strings.Builder
	for _, p := range parts {
		text := p.lit
		if p.isRef {
			v, _, err := r.refValue(p.ref, at, false)
			if err != nil {
				return nil, nil, err
			}
			var ok bool
			if text, ok = Format(v); !ok {
				return nil, nil, interpErr(at, "%s is %s, which cannot be part of a string (%s)", r.refName(at, p.ref), value.AType(v), r.chainText(p.ref))
			}
		}
		// Charge before writing, so the text built never passes the bound.
		if err := r.charge(at, int64(len(text))); err != nil {
			return nil, nil, err
		}
		b.WriteString(text)
	}
	return b.String(), at, nil
}

func (r *res) refValue(ref string, at []string, whole bool) (any, []string, error) {
	if err := r.step(at); err != nil {
		return nil, nil, err
	}
	// The reference is text of the value at at: a secret's is not quoted
	// (r.refName), and the messages then say what went wrong without it.
	secret := r.isSecret(at)
	if name, ok := strings.CutPrefix(ref, "env:"); ok {
		name, def, hasDef := strings.Cut(name, ",")
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, nil, interpErr(at, "%s: no variable name", r.refName(at, ref))
		}
		val, set := r.Env[name]
		if !set {
			if !hasDef {
				if secret {
					return nil, nil, interpErr(at, "%s names an environment variable that is not set, with no default (%s)",
						r.refName(at, ref), r.chainText("env:"+name))
				}
				if v, d, shell := strings.Cut(name, ":-"); shell && envVarName(v) {
					// ${env:PORT:-8080}: the shell's default, which gocfg
					// writes after a comma.
					return nil, nil, interpErr(at, "environment variable %s is not set and ${%s} has no default: ${%s:-...} is the shell's form of one, gocfg's is ${env:%s,%s} (%s)",
						name, ref, v, v, d, r.chainText("env:"+name))
				}
				return nil, nil, interpErr(at, "environment variable %s is not set and ${%s} has no default (write ${env:%s,default}) (%s)",
					name, ref, name, r.chainText("env:"+name))
			}
			val = def
		} else if !utf8.ValidString(val) {
			// Set, but not text a config can hold: neither "not set" (a
			// default would stand in for it) nor its bytes (it may be a
			// secret).
			if secret {
				return nil, nil, interpErr(at, "%s names an environment variable whose value is not valid UTF-8 text (%s)",
					r.refName(at, ref), r.chainText("env:"+name))
			}
			return nil, nil, interpErr(at, "environment variable %s is set, but its value is not valid UTF-8 text (%s)",
				name, r.chainText("env:"+name))
		}
		if whole && r.ParseEnv {
			v, err := ParseScalar(val)
			if err != nil {
				if IsSecretKey(name) || secret {
					return nil, nil, interpErr(at, "%s: cannot parse the variable's value (a secret, not shown)", r.refName(at, ref))
				}
				return nil, nil, interpErr(at, "${%s}: cannot parse %s: %s", ref, quoteShort(val), strings.TrimSuffix(err.Error(), ": "+errs.ErrParse.Error()))
			}
			return v, at, nil
		}
		return val, at, nil
	}
	segs, err := value.ParsePath(strings.TrimSpace(ref))
	if err != nil || len(segs) == 0 {
		// ${VAR:+--flag "$VAR"} in a CI script is no path either: the
		// other-tool hint applies as to a missing key (it quotes nothing).
		return nil, nil, interpErr(at, "%s is not a valid path (%s)%s", r.refName(at, ref), r.chainText(ref), foreignHint(ref))
	}
	v, real, err := r.lookup(segs)
	if err != nil {
		var loc *errs.Located
		if asLocated(err, &loc) && loc.Kind == errs.ErrNotFound {
			if secret {
				// loc names the path that was not found: text of the reference.
				return nil, nil, interpErr(at, "%s refers to nothing (%s)", r.refName(at, ref), r.chainText(ref))
			}
			missing, hint := loc.Path, foreignHint(ref)
			if hint != "" {
				// Another tool's ${VAR:-1.25} splits at its dot: the
				// part up to it, "VAR:-1", is nothing the file holds.
				missing = strings.TrimSpace(ref)
			}
			return nil, nil, interpErr(at, "${%s}: %s: %s (%s)%s", ref, missing, loc.Msg, r.chainText(value.JoinPath(segs...)), hint)
		}
		return nil, nil, err
	}
	return v, real, nil
}

// refName writes the reference ref, found in the value at at, for a
// message: as written, or, in a secret's value, without its text.
func (r *res) refName(at []string, ref string) string {
	if r.isSecret(at) {
		return "a reference in the value " + notShown
	}
	return "${" + ref + "}"
}

// foreignHint explains a missing reference that looks like another tool's
// syntax: ${VAR:-default} (docker compose, shells), ${name:default}
// (Spring), ${AWS::Region} (CloudFormation). A colon is rare in a key and
// the usual mark of these, and a user who loaded such a file meets this
// error first. So is an environment variable's name, ${GITHUB_SHA} in a
// workflow's shell step or ${POSTGRES_PASSWORD} in a compose file: an
// upper-case name that is no key is the shell's, not gocfg's; and so is
// a shell's expansion of one, ${PWD##*/} in a composer.json script,
// ${#NAME} or ${!NAME}.
func foreignHint(ref string) string {
	if !strings.Contains(ref, ":") && !shellReference(strings.TrimSpace(ref)) {
		return ""
	}
	return "; an environment variable is ${env:NAME} or ${env:NAME,default}, and a file written for another tool's ${...} loads as written with interpolation off"
}

// shellReference reports whether ref is a shell's parameter expansion:
// an environment variable's name, alone or followed by one of the shell's
// operators (${NAME#pattern}, ${NAME%pattern}, ${NAME/a/b}, ${NAME^^},
// ${NAME-default}, ...), or ${#NAME} and ${!NAME}.
func shellReference(ref string) bool {
	if strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "!") {
		return envVarName(ref[1:])
	}
	name := ref
	if i := strings.IndexAny(ref, "#%/^,-=?+@"); i >= 0 {
		name = ref[:i]
	}
	return envVarName(name)
}

// envVarName reports whether ref is written as environment variables are
// named by convention: upper-case letters, digits and underscores, not
// starting with a digit, with at least one letter.
func envVarName(ref string) bool {
	letter := false
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		switch {
		case c >= 'A' && c <= 'Z':
			letter = true
		case c == '_' || (c >= '0' && c <= '9' && i > 0):
		default:
			return false
		}
	}
	return letter
}

func asLocated(err error, out **errs.Located) bool {
	l, ok := err.(*errs.Located)
	if ok {
		*out = l
	}
	return ok
}

// Format writes a scalar as interpolation puts it inside a string.
func Format(v any) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "null", true
	case bool:
		return strconv.FormatBool(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case *big.Int:
		return v.String(), true
	case float64:
		return FormatFloat(v), true
	case string:
		return v, true
	case time.Time:
		return v.Format(time.RFC3339Nano), true
	case value.LocalDate:
		return v.String(), true
	case value.LocalTime:
		return v.String(), true
	case value.LocalDateTime:
		return v.String(), true
	}
	return "", false
}

// FormatFloat writes f as Python's repr does (1.0, 1e+20, inf, nan), so a
// float reads the same in a string as it prints in Python.
func FormatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	abs := math.Abs(f)
	if abs != 0 && (abs >= 1e16 || abs < 1e-4) {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		// Go writes 1e+20 and 1e-05; Python 1e+20 and 1e-05 too.
		return s
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// Escape writes s so that it reads back as s where references are
// resolved: each "${" becomes "$${". A resolved value stored back in a
// config that still interpolates must be escaped, or a "${" that was
// literal ("$${x}" read as "${x}") or that came from a variable would be
// taken for a reference on the next read.
func Escape(s string) string { return strings.ReplaceAll(s, "${", "$${") }

// EscapeDeep returns v with every string in it escaped (Escape), copying
// the maps and lists that change.
func EscapeDeep(v any) any {
	switch c := v.(type) {
	case string:
		return Escape(c)
	case []any:
		if !needsResolve(c) {
			return c
		}
		out := make([]any, len(c))
		for i, e := range c {
			out[i] = EscapeDeep(e)
		}
		return out
	case *value.Map:
		if !needsResolve(c) {
			return c
		}
		out := value.NewMap(c.Len())
		c.Range(func(k string, e any) bool {
			out.Set(k, EscapeDeep(e))
			return true
		})
		return out
	}
	return v
}

// needsResolve reports whether v holds any string with a reference.
func needsResolve(v any) bool {
	switch c := v.(type) {
	case string:
		return HasRef(c)
	case []any:
		for _, e := range c {
			if needsResolve(e) {
				return true
			}
		}
	case *value.Map:
		found := false
		c.Range(func(_ string, e any) bool {
			found = needsResolve(e)
			return !found
		})
		return found
	}
	return false
}

// NeedsResolve reports whether anything inside v holds a reference.
func NeedsResolve(v any) bool { return needsResolve(v) }

// Deep returns v (found at path at) with every reference inside resolved:
// maps and lists are copied when anything inside them changes, and a
// reference to a map or list brings a resolved copy of it.
func (r *Resolver) Deep(v any, at []string) (any, error) {
	if !needsResolve(v) {
		return v, nil
	}
	s, err := r.start(at)
	if err != nil {
		return nil, err
	}
	s.level = len(at)
	return s.deep(v, at, false)
}

// tooDeep is the error of a container that would sit deeper in deep's
// output than value.MaxDepth allows: references can place a map inside
// itself's copy 1000 levels at a time (b1: {k: ..., end: "${b0}"}), and
// the value built ran to tens of thousands of levels that nothing can
// write, store or hand to Python (marshal refused it after seconds).
func (r *res) tooDeep(at []string) error {
	return r.limitErr(at, fmt.Sprintf("references nest the value read more than %d levels deep (%s); the limit is fixed",
		value.MaxDepth, r.chainText(value.JoinPath(at...))))
}

// deep resolves v found at at. viaRef says that v was brought in by a
// whole-string reference: everything copied then is new output, charged
// to the budget (the stored data itself is not: it is bounded already).
func (r *res) deep(v any, at []string, viaRef bool) (any, error) {
	switch c := v.(type) {
	case string:
		if !HasRef(c) {
			if viaRef {
				return c, r.charge(at, int64(len(c)))
			}
			return c, nil
		}
		mark := len(r.hops)
		rv, real, err := r.resolveString(c, at)
		if err != nil {
			r.hops = r.hops[:mark]
			return nil, err
		}
		switch rv.(type) {
		case *value.Map, []any:
			// A whole-string reference to a container: resolve what is
			// inside it too, remembering how we got there (the strings
			// followed after at's own, and the container).
			via := append([]hop(nil), r.hops[min(mark+1, len(r.hops)):]...)
			r.hops = r.hops[:mark]
			via = append(via, hop{path: value.JoinPath(real...), secret: r.isSecret(at)})
			if err := r.push(at); err != nil {
				return nil, err
			}
			r.via[len(r.via)-1] = via
			defer r.pop()
			return r.deep(rv, real, true)
		case string:
			// Text built by resolveString is charged already; a string
			// reached by a whole reference is a new copy in the output.
			if isWholeRef(c) {
				return rv, r.charge(at, int64(len(rv.(string))))
			}
		}
		return rv, nil
	case []any:
		if !needsResolve(c) {
			return r.clone(c, at, viaRef)
		}
		if r.level >= value.MaxDepth {
			return nil, r.tooDeep(at)
		}
		r.level++
		defer func() { r.level-- }()
		out := make([]any, len(c))
		for i, e := range c {
			x, err := r.deep(e, append(at[:len(at):len(at)], strconv.Itoa(i)), viaRef)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, r.charge(at, nodeCost(viaRef, len(c)))
	case *value.Map:
		if !needsResolve(c) {
			return r.clone(c, at, viaRef)
		}
		if r.level >= value.MaxDepth {
			return nil, r.tooDeep(at)
		}
		r.level++
		defer func() { r.level-- }()
		out := value.NewMap(c.Len())
		var err error
		c.Range(func(k string, e any) bool {
			var x any
			x, err = r.deep(e, append(at[:len(at):len(at)], k), viaRef)
			if err != nil {
				return false
			}
			out.Set(k, x)
			return true
		})
		if err != nil {
			return nil, err
		}
		return out, r.charge(at, nodeCost(viaRef, c.Len()))
	}
	if viaRef {
		return v, r.charge(at, scalarCost)
	}
	return v, nil
}

// scalarCost is what a copied scalar or container entry is charged: about
// what it costs in memory (an interface value and its share of a slot).
const scalarCost = 16

func nodeCost(viaRef bool, n int) int64 {
	if !viaRef {
		return 0
	}
	return int64(n) * scalarCost
}

// isWholeRef reports whether s is exactly one reference.
func isWholeRef(s string) bool {
	return strings.HasPrefix(s, "${") && !strings.HasPrefix(s, "${{") && strings.IndexByte(s, '}') == len(s)-1
}

// clone copies a container that holds no reference. Brought in by a
// reference, the copy is charged, so that many references to one large
// list cannot multiply it without bound.
func (r *res) clone(v any, at []string, viaRef bool) (any, error) {
	if viaRef {
		// Copied where a reference put it, a container may sit deeper
		// than where it is stored (which is within the bound already).
		if r.level+value.Depth(v) > value.MaxDepth {
			return nil, r.tooDeep(at)
		}
		if err := r.charge(at, size(v)); err != nil {
			return nil, err
		}
	}
	return value.Clone(v), nil
}

// size estimates the bytes a copy of v holds, strings counted in full.
func size(v any) int64 {
	switch c := v.(type) {
	case string:
		return scalarCost + int64(len(c))
	case []any:
		n := int64(scalarCost)
		for _, e := range c {
			n += size(e)
		}
		return n
	case *value.Map:
		n := int64(scalarCost)
		c.Range(func(k string, e any) bool {
			n += int64(len(k)) + size(e)
			return true
		})
		return n
	}
	return scalarCost
}
