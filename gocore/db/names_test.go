package db

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
)

// levelsBySplit is how ValidateName judged the levels of a name before it
// walked them without making a slice: the oracle of TestValidateNameLevels.
func levelsBySplit(name string) string {
	for _, level := range strings.Split(name, "/") {
		switch level {
		case "":
			return "has an empty level (leading, trailing or double '/')"
		case ".", "..":
			return fmt.Sprintf("has a %q level", level)
		}
	}
	return ""
}

func TestValidateNameLevels(t *testing.T) {
	names := []string{"a", "a/b", "a/b/c", "services/app-0001", "é/ü", "...", "a/.../b", ".a/b.", "a.b/..c",
		"/", "//", "/a", "a/", "a//b", "a/b/", ".", "..", "./a", "a/.", "a/./b", "a/../b", "../a", "a/..", "./..", "a//..", "../"}
	for _, n := range names {
		err := ValidateName(n)
		want := levelsBySplit(n)
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v, want valid", n, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, errs.ErrInvalidArgument)):
			t.Errorf("%q: %v, want an invalid-argument error that %s", n, err, want)
		}
	}
}
