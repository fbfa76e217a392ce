package layer

import (
	"errors"
	"strings"
	"testing"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func TestNamedAssignmentsFollowTheEnvironmentRules(t *testing.T) {
	file := func(line int) Origin { return Origin{Kind: KindFile, Name: ".env", Line: line, Column: 1} }
	items := []Named{
		{Name: "APP_SERVER__PORT", Value: "7", Origin: file(2)},
		{Name: "OTHER", Value: "x", Origin: file(3)},
		{Name: "app_db", Value: "{host: h}", Origin: file(1)},
		{Segs: []string{"flag", "on"}, Value: true, Origin: Origin{Kind: KindFlag, Name: "--flag.on"}},
	}
	got, err := NamedAssignments(items, "APP", "", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("want 3 assignments (OTHER has no prefix), got %d", len(got))
	}
	// Sorted by name as the environment is ("APP_SERVER__PORT" < "app_db"
	// byte-wise), path items last.
	if strings.Join(got[0].Segs, ".") != "SERVER.PORT" || got[0].Value != int64(7) || !got[0].FoldCase {
		t.Fatalf("first: %+v", got[0])
	}
	if m, ok := got[1].Value.(*value.Map); !ok || m.Len() != 1 {
		t.Fatalf("a flow map is typed: %+v", got[1])
	}
	if got[2].FoldCase || got[2].Origin.String() != "command line --flag.on" {
		t.Fatalf("a path item: %+v", got[2])
	}
	raw, err := NamedAssignments(items[:1], "APP", "", false)
	if err != nil || raw[0].Value != "7" {
		t.Fatalf("raw strings: %v %v", raw, err)
	}
	every, err := NamedAssignments(items[1:2], "", "", true)
	if err != nil || len(every) != 1 || every[0].Segs[0] != "OTHER" {
		t.Fatalf("an empty prefix takes every name: %v %v", every, err)
	}
}

func TestNamedAssignmentsErrorsNameTheOriginAndHideSecrets(t *testing.T) {
	_, err := NamedAssignments([]Named{{Name: "APP_A____B", Value: "1", Origin: Origin{Kind: KindFile, Name: ".env", Line: 4, Column: 1}}}, "APP", "", true)
	if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), ".env:4:1: APP_A____B") {
		t.Fatalf("empty segment: %v", err)
	}
	_, err = NamedAssignments([]Named{{Name: "APP_DB__PASSWORD", Value: "[hunter2", Origin: Origin{Kind: KindFile, Name: ".env", Line: 1, Column: 1}}}, "APP", "", true)
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "not shown") {
		t.Fatalf("a secret path's value is quoted: %v", err)
	}
	_, err = NamedAssignments([]Named{{Name: "plain", Value: "[hunter2", Origin: Origin{Kind: KindSecret, Name: "/run/secrets/plain"}}}, "", "", true)
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "secret file /run/secrets/plain") {
		t.Fatalf("a secret file's value is quoted: %v", err)
	}
	_, err = NamedAssignments([]Named{{Name: "APP_X", Value: "[1", Origin: Origin{Kind: KindEnv, Name: "APP_X"}}}, "APP", "", true)
	if err == nil || !strings.HasPrefix(err.Error(), "environment variable APP_X: cannot parse") {
		t.Fatalf("an env item reads as the env layer's errors: %v", err)
	}
	_, err = NamedAssignments([]Named{{Segs: []string{}, Value: 1, Origin: Origin{Kind: KindFlag, Name: "--"}}}, "", "", true)
	if !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("an empty path: %v", err)
	}
}
