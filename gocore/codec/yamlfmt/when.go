package yamlfmt

import (
	"go.yaml.in/yaml/v4"

	"github.com/gocfg/gocfg/gocore/value"
)

// checkedTimestamp holds a !!timestamp to what every reader can take back
// (value.CheckTime): years 1 to 9999 (a year-0 date is a parse error at
// its line) and whole microseconds (further digits are dropped).
func checkedTimestamp(n *yaml.Node, v any) (any, error) {
	v, err := value.CheckTime(v)
	if err != nil {
		return nil, errAt(n, "%v", err)
	}
	return v, nil
}
