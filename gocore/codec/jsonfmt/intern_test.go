package jsonfmt

import (
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"github.com/gocfg/gocfg/gocore/value"
)

// A key repeated across objects is one string in the decoded tree; escaped,
// long and control-character keys still decode (or fail) as before.
func TestRepeatedKeysShareOneString(t *testing.T) {
	long := strings.Repeat("k", internMaxLen+1)
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&b, `{"name": %d, "na\u006de2": 1, %q: 2},`, i, long)
	}
	b.WriteString(`{"name": 9}]`)
	doc, err := DecodeLean([]byte(`{"l": ` + b.String() + `}`))
	if err != nil {
		t.Fatal(err)
	}
	l, _ := doc.Root.Get("l")
	var names []string
	for _, item := range l.([]any) {
		m := item.(*value.Map)
		keys := m.Keys()
		if keys[0] != "name" {
			t.Fatalf("keys %q", keys)
		}
		if len(keys) == 3 && (keys[1] != "name2" || keys[2] != long) {
			t.Fatalf("keys %q", keys)
		}
		names = append(names, keys[0])
	}
	for _, n := range names[1:] {
		if unsafe.StringData(n) != unsafe.StringData(names[0]) {
			t.Fatal("the repeated key \"name\" was allocated again")
		}
	}
	if _, err := DecodeLean([]byte("[{\"ab\": 1}, {\"a\x01b\": 2}]")); err == nil {
		t.Fatal("a control character in a key was accepted")
	}
}
