package tomlfmt

import (
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/gocfg/gocfg/gocore/value"
)

// scalarChecked is scalar with dates and times held to what every reader
// can take back (value.CheckTime): a year-0 date is a parse error at its
// line, and digits beyond the microsecond are dropped, as the TOML
// specification allows an implementation that keeps less precision.
func (b *builder) scalarChecked(n *unstable.Node, src any) (any, error) {
	v, err := b.scalar(n, src)
	if err != nil {
		return nil, err
	}
	if v, err = value.CheckTime(v); err != nil {
		return nil, b.errAt(n.Raw, "%v", err)
	}
	return v, nil
}
