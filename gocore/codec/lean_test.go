package codec

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
	"github.com/gocfg/gocfg/gocore/value"
)

// TestLean checks that every lean decoder reads what its format's Decode
// reads, records no positions while doing so, and finds exactly Decode's
// positions when they are asked for afterwards; errors are the same.
func TestLean(t *testing.T) {
	for name := range leanDecoders {
		full, err := ByName(name)
		if err != nil {
			t.Fatalf("lean decoder for unknown format %q", name)
		}
		lean := full.Lean()
		t.Run(name, func(t *testing.T) {
			tree := codectest.ConfigTree(20 << 10)
			tree.Set("a.dotted key", value.NewMap(0))
			tree.Set(`quote"and\back`, []any{int64(1), []any{"x"}})
			doc, err := full.Encode(tree)
			if err != nil {
				t.Fatal(err)
			}
			want, err := full.Decode(doc)
			if err != nil {
				t.Fatal(err)
			}
			got, err := lean.Decode(doc)
			if err != nil {
				t.Fatal(err)
			}
			if !value.Equal(got.Root, want.Root) {
				t.Fatal("the lean tree differs")
			}
			if got.Positions != nil || got.Locate == nil {
				t.Fatalf("lean decode recorded positions (%d) or left no Locate", len(got.Positions))
			}
			if len(want.Positions) < 100 || !reflect.DeepEqual(got.AllPositions(), want.Positions) {
				t.Fatalf("positions found later differ from Decode's (%d of %d)", len(got.Positions), len(want.Positions))
			}
			p, ok := got.Position(`"quote\"and\\back".1.0`)
			if !ok || p != want.Positions[`"quote\"and\\back".1.0`] {
				t.Errorf("Position = %v, %v", p, ok)
			}
			// Errors are Decode's, position and message.
			bad := append(append([]byte{}, doc...), "\n]]] {{ x\n"...)
			_, werr := full.Decode(bad)
			_, gerr := lean.Decode(bad)
			if werr == nil || fmt.Sprint(gerr) != fmt.Sprint(werr) {
				t.Errorf("lean error %v, Decode's %v", gerr, werr)
			}
			if lean.DecodeContext != nil {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				big, err := full.Encode(codectest.ConfigTree(2 << 20))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := lean.DecodeContext(ctx, big); err == nil {
					t.Error("a cancelled lean decode finished")
				}
			}
		})
	}
	// Formats without a lean decoder keep theirs.
	env, _ := ByName("env")
	if reflect.ValueOf(env.Lean().Decode).Pointer() != reflect.ValueOf(env.Decode).Pointer() {
		t.Error("env's Lean changed its decoder")
	}
}
