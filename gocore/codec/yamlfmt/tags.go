package yamlfmt

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v4"

	"github.com/gocfg/gocfg/gocore/codec/internal/textpos"
	"github.com/gocfg/gocfg/gocore/secretname"
	"github.com/gocfg/gocfg/gocore/value"
)

// A tag of an application (CloudFormation's !Ref, Home Assistant's
// !include, PyYAML's !!python/object) asks for something gocfg cannot
// give. Dropping such a tag and keeping the text under it gave a plausible
// wrong value ("Foo" for !Ref Foo), so each is refused, naming where it
// stands, as PyYAML's safe_load refuses the tags it has no constructor for.

// keyedError is an error about one node whose message names the node's key
// path. Paths are built only for positions (converter.sub), so the path is
// learnt as the error passes up through the mappings and sequences above
// the node (addKey); located turns it into the usual parse error.
type keyedError struct {
	line, col int
	keys      []string // innermost first
	msg       string   // what is wrong, said after the path
	// unknownTag is set for an application's tag that no hint names: one
	// under a key naming a secret is not quoted, since "password: !s3cret"
	// writes the secret as a tag.
	unknownTag string
}

func (e *keyedError) Error() string { return e.located().Error() }

// located is the parse error e stands for.
func (e *keyedError) located() error {
	msg := e.msg
	if e.unknownTag != "" {
		msg = fmt.Sprintf("the YAML tag %s is not one gocfg reads (%s)", textpos.Trim(e.unknownTag), tagHint(e.unknownTag))
		for _, k := range e.keys {
			if secretname.IsKey(k) {
				msg = "a YAML tag (a secret's value, not shown: a value starting with ! is a tag unless quoted) is not one gocfg reads (" + tagHint("") + ")"
				break
			}
		}
	}
	where := "the document's root"
	if len(e.keys) > 0 {
		p := ""
		for i := len(e.keys) - 1; i >= 0; i-- {
			p = value.AppendPath(p, e.keys[i])
		}
		where = "key " + textpos.Trim(p)
	}
	return textpos.ParseError(e.line, e.col, "%s: %s", where, msg)
}

func keyedAt(n *yaml.Node, format string, args ...any) *keyedError {
	return &keyedError{line: n.Line, col: n.Column, msg: fmt.Sprintf(format, args...)}
}

// addKey records, on an error about a node below key, that key.
func addKey(err error, key string) {
	var ke *keyedError
	if errors.As(err, &ke) {
		ke.keys = append(ke.keys, key)
	}
}

// placed turns a keyedError into its parse error, and leaves any other
// error as it is.
func placed(err error) error {
	var ke *keyedError
	if errors.As(err, &ke) {
		return ke.located()
	}
	return err
}

// standardTags are the tags of YAML's type repository that gocfg reads,
// with the kind of node each applies to. !!set reads as a mapping of its
// members to null and !!omap / !!pairs as a list of one-key mappings: that
// is what they are written as, and what yaml-test-suite expects.
var standardTags = map[string]yaml.Kind{
	"!!str": yaml.ScalarNode, "!!int": yaml.ScalarNode, "!!float": yaml.ScalarNode, "!!bool": yaml.ScalarNode,
	"!!null": yaml.ScalarNode, "!!timestamp": yaml.ScalarNode, "!!binary": yaml.ScalarNode, "!!merge": yaml.ScalarNode,
	"!!map": yaml.MappingNode, "!!set": yaml.MappingNode,
	"!!seq": yaml.SequenceNode, "!!omap": yaml.SequenceNode, "!!pairs": yaml.SequenceNode,
}

// checkTag refuses a tag of n that gocfg does not read, or that does not
// fit n (!!map on a scalar), and a !!binary scalar that is not base64.
// The non-specific tag "!" fits any node (on a scalar it means a string).
func checkTag(n *yaml.Node) error {
	if n.Style&yaml.TaggedStyle == 0 || n.Tag == "" || n.Tag == "!" {
		return nil
	}
	kind, known := standardTags[n.Tag]
	if !known {
		if tagHint(n.Tag) == tagHint("") {
			return &keyedError{line: n.Line, col: n.Column, unknownTag: n.Tag}
		}
		return keyedAt(n, "the YAML tag %s is not one gocfg reads (%s)", textpos.Trim(n.Tag), tagHint(n.Tag))
	}
	if kind != n.Kind {
		return keyedAt(n, "the YAML tag %s is for a %s, not a %s", n.Tag, kindName(&yaml.Node{Kind: kind}), kindName(n))
	}
	if n.Tag == "!!binary" {
		// Kept as its base64 text (a Config holds no bytes); text that is
		// no base64 would be a wrong value for whoever decodes it.
		clean := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, n.Value)
		if _, err := base64.StdEncoding.DecodeString(clean); err != nil {
			return keyedAt(n, "a !!binary value that is not base64")
		}
	}
	return nil
}

// cloudFormation are the short forms of CloudFormation's intrinsic
// functions (and its Condition and Transform), as templates write them.
var cloudFormation = map[string]bool{
	"Ref": true, "GetAtt": true, "Sub": true, "Join": true, "Select": true, "Split": true, "FindInMap": true,
	"GetAZs": true, "ImportValue": true, "If": true, "Equals": true, "And": true, "Or": true, "Not": true,
	"Base64": true, "Cidr": true, "Condition": true, "Transform": true, "ToJsonString": true, "Length": true,
}

// tagHint says whose a tag is, for the families met in real files.
func tagHint(tag string) string {
	name := strings.TrimPrefix(tag, "!")
	switch {
	case cloudFormation[name]:
		return "a CloudFormation template: its intrinsic functions are not evaluated"
	case name == "include" || strings.HasPrefix(name, "include_dir_") || name == "secret" || name == "env_var" || name == "input":
		return "Home Assistant's and ESPHome's " + tag + " is filled in by them from other files, secrets.yaml or the environment, which gocfg does not do"
	case name == "lambda" || name == "extend" || name == "remove":
		return "ESPHome's " + tag + " is evaluated by ESPHome"
	case name == "ENV" || name == "relative":
		return "mkdocs' " + tag + " is filled in by mkdocs (from the environment, or a path)"
	case name == "vault":
		return "an Ansible Vault encrypted value: ansible-vault decrypts it"
	case name == "unsafe":
		return "Ansible's !unsafe marks text Ansible must not template; drop the tag to read the text"
	case name == "reference":
		return "GitLab CI's !reference is resolved by GitLab"
	case name == "reset" || name == "override":
		return "Docker Compose's " + tag + " tells Compose how an override file merges into the file before it, which gocfg does not do"
	case strings.HasPrefix(tag, "tag:unity3d.com,"):
		return "a Unity scene or asset file, whose objects only Unity reads"
	case strings.HasPrefix(tag, "!!python/") || strings.HasPrefix(tag, "tag:yaml.org,2002:python/"):
		return "a PyYAML Python object tag: gocfg builds no objects, as PyYAML's safe_load refuses them"
	}
	return "an application's own tag, which only that application can evaluate: gocfg reads YAML's standard tags " +
		"(!!str, !!int, !!float, !!bool, !!null, !!timestamp, !!binary, !!map, !!seq, !!set, !!omap) and the non-specific !, " +
		"and never drops a tag, which would keep the text under it as a wrong value"
}
