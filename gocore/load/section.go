package load

import (
	"fmt"
	"strings"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// Section is the map under the top-level key sec of doc (a profile's
// section of a file), as a document of its own whose positions are those
// of the file, so that origins still point at the file's lines. ok is
// false when doc has no such key; a key holding anything but a map is an
// error naming where it is.
func Section(doc *value.Doc, name, sec string) (section *value.Doc, ok bool, err error) {
	v, found := doc.Root.Get(sec)
	if !found {
		return nil, false, nil
	}
	m, isMap := v.(*value.Map)
	if !isMap {
		at := ""
		if pos, known := doc.Position(value.JoinPath(sec)); known {
			at = fmt.Sprintf(":%d:%d", pos.Line, pos.Column)
		}
		return nil, false, fmt.Errorf("%s%s: section %q is a %s, not a map: %w", name, at, sec, value.TypeName(v), errs.ErrTypeMismatch)
	}
	head := value.JoinPath(sec) + "."
	all := doc.AllPositions()
	pos := make(map[string]value.Pos, len(all))
	for k, p := range all {
		if strings.HasPrefix(k, head) {
			pos[k[len(head):]] = p
		}
	}
	return &value.Doc{Root: m, Positions: pos}, true, nil
}
