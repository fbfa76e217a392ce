package dbtest

import (
	"context"
	"errors"

	"github.com/gocfg/gocfg/gocore/db"
)

// Increment adds one to the integer "n" of config name with
// compare-and-swap, loading again and retrying on every conflict. It
// returns how many conflicts it met.
func Increment(ctx context.Context, d *db.DB, name string) (conflicts int, err error) {
	for {
		cfg, rev, err := d.Load(ctx, name, 0)
		if err != nil {
			return conflicts, err
		}
		n, _ := cfg.Get("n")
		cfg.Set("n", n.(int64)+1)
		_, err = d.Save(ctx, name, cfg, rev)
		if errors.Is(err, db.ErrConflict) {
			conflicts++
			continue
		}
		return conflicts, err
	}
}
