package cmem

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/gocfg/gocfg/gocore/errs"
)

// Cells hands out 64-bit change counters in C-readable memory: a binding
// reads a config's cell without a call to learn whether its cache is still
// valid. Cells are never returned to the system: a binding may read one
// while another thread frees its config, so the memory must stay readable;
// a freed cell is recycled instead. Every value a cell ever takes comes
// from one counter shared by all cells, so a recycled cell never shows a
// value that a cache of its previous owner could mistake for its own.
type Cells struct {
	arena *Arena
	mu    sync.Mutex
	free  []*uint64
	last  atomic.Uint64
}

const slabCells = 1024

// NewCells takes its slabs from arena (blocks that are never freed); with
// a nil arena, New fails with an error.
func NewCells(arena *Arena) *Cells { return &Cells{arena: arena} }

// New returns a cell holding a value never seen before.
func (c *Cells) New() (*uint64, error) {
	c.mu.Lock()
	if len(c.free) == 0 {
		if c.arena == nil {
			c.mu.Unlock()
			return nil, fmt.Errorf("no memory for change counters: %w", errs.ErrInternal)
		}
		p, err := c.arena.Alloc(slabCells * 8)
		if err != nil {
			c.mu.Unlock()
			return nil, fmt.Errorf("allocating change counters: %w", err)
		}
		all := (*[slabCells]uint64)(p)
		for i := range all {
			c.free = append(c.free, &all[i])
		}
	}
	cell := c.free[len(c.free)-1]
	c.free = c.free[:len(c.free)-1]
	c.mu.Unlock()
	c.Bump(cell)
	return cell, nil
}

// Bump gives cell a new value, telling its readers that something changed.
func (c *Cells) Bump(cell *uint64) { atomic.StoreUint64(cell, c.last.Add(1)) }

// Release recycles cell, first moving it on so that a cache still looking
// at it sees a change.
func (c *Cells) Release(cell *uint64) {
	c.Bump(cell)
	c.mu.Lock()
	c.free = append(c.free, cell)
	c.mu.Unlock()
}
