package db_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// LoadMany on every backend: order kept, missing and deleted names nil,
// a repeated name two independent maps, more names than one etcd batch.
func TestLoadMany(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			d := b.open(t)
			ctx := context.Background()
			var names []string
			for i := 0; i < 70; i++ {
				n := fmt.Sprintf("app/c%02d", i)
				names = append(names, n)
				m := value.NewMap(0)
				m.Set("i", int64(i))
				if _, err := d.Save(ctx, n, m, -1); err != nil {
					t.Fatal(err)
				}
			}
			if err := d.Delete(ctx, names[5]); err != nil {
				t.Fatal(err)
			}
			ask := append(append([]string{}, names...), "nope", names[1])
			cfgs, revs, err := d.LoadMany(ctx, ask)
			if err != nil {
				t.Fatal(err)
			}
			for i, n := range ask {
				switch {
				case n == "nope" || n == names[5]:
					if cfgs[i] != nil || revs[i] != 0 {
						t.Fatalf("%s: %v, %d; want nothing", n, cfgs[i], revs[i])
					}
				default:
					want, rev, err := d.Load(ctx, n, 0)
					if err != nil {
						t.Fatal(err)
					}
					if cfgs[i] == nil || !value.Equal(cfgs[i], want) || revs[i] != rev {
						t.Fatalf("%s: %v rev %d, want %v rev %d", n, cfgs[i], revs[i], want, rev)
					}
				}
			}
			if cfgs[1] == cfgs[len(ask)-1] {
				t.Fatal("a name given twice shares one map")
			}
		})
	}
}

func TestLoadManyRefuses(t *testing.T) {
	d := open(t, "memory://")
	ctx := context.Background()
	if _, _, err := d.LoadMany(ctx, []string{"ok", ""}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("empty name: %v", err)
	}
	if _, _, err := d.LoadMany(ctx, make([]string, db.MaxLoadMany+1)); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("too many names: %v", err)
	}
	d.Close()
	if _, _, err := d.LoadMany(ctx, []string{"a"}); !errors.Is(err, errs.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}
