// Package memory is the in-process backend of gocore/db (memory://). Each
// Open gives a new, empty store that lives as long as it is open.
package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gocfg/gocfg/gocore/db/backend"
	"github.com/gocfg/gocfg/gocore/errs"
)

// maxLog bounds the change log that watchers read; a watcher more than this
// many changes behind skips the oldest ones.
const maxLog = 10000

// Store keeps configs in memory.
type Store struct {
	mu      sync.Mutex
	closed  bool
	items   map[string]*item
	log     []backend.Event
	logBase int64         // sequence number of log[0]
	changed chan struct{} // closed and replaced on every change
	done    chan struct{} // closed by Close
	wg      sync.WaitGroup
}

type item struct {
	rev     int64 // latest revision (of the tombstone when deleted)
	deleted bool
	hist    []version
}

type version struct {
	rev  int64
	time time.Time
	blob []byte
}

// OpenURL opens "memory://" (or "memory:").
func OpenURL(url string) (*Store, error) {
	lower := strings.ToLower(url)
	if rest := strings.TrimPrefix(strings.TrimPrefix(lower, "memory:"), "//"); rest != "" || !strings.HasPrefix(lower, "memory:") {
		return nil, fmt.Errorf("memory store: the URL is just memory://, with nothing after it: %w", errs.ErrInvalidArgument)
	}
	return New(), nil
}

// New returns an empty store.
func New() *Store {
	return &Store{items: map[string]*item{}, changed: make(chan struct{}), done: make(chan struct{})}
}

func (s *Store) String() string { return "memory://" }

func (s *Store) checkOpen() error {
	if s.closed {
		return fmt.Errorf("memory store: %w", errs.ErrClosed)
	}
	return nil
}

// notify records an event; s.mu is held.
func (s *Store) notify(ev backend.Event) {
	s.log = append(s.log, ev)
	if len(s.log) > maxLog {
		drop := len(s.log) - maxLog/2
		s.log = slices.Clone(s.log[drop:])
		s.logBase += int64(drop)
	}
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Store) Put(ctx context.Context, name string, blob []byte, expect int64, now time.Time) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkOpen(); err != nil {
		return 0, err
	}
	it := s.items[name]
	var cur int64
	exists := it != nil && !it.deleted
	if exists {
		cur = it.rev
	}
	switch {
	case expect == 0 && exists:
		return 0, fmt.Errorf("save %q: it exists (revision %d) but was expected not to: %w", name, cur, backend.ErrConflict)
	case expect > 0 && !exists:
		return 0, fmt.Errorf("save %q: expected revision %d but it does not exist: %w", name, expect, backend.ErrConflict)
	case expect > 0 && cur != expect:
		return 0, fmt.Errorf("save %q: expected revision %d but it is at %d: %w", name, expect, cur, backend.ErrConflict)
	}
	if it == nil {
		it = &item{}
		s.items[name] = it
	}
	it.rev++
	it.deleted = false
	it.hist = append(it.hist, version{rev: it.rev, time: now, blob: slices.Clone(blob)})
	s.notify(backend.Event{Name: name, Revision: it.rev})
	return it.rev, nil
}

func (s *Store) Get(ctx context.Context, name string, rev int64) ([]byte, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkOpen(); err != nil {
		return nil, 0, err
	}
	it := s.items[name]
	if it == nil || it.deleted {
		return nil, 0, fmt.Errorf("config %q: %w", name, errs.ErrNotFound)
	}
	if rev == 0 {
		v := it.hist[len(it.hist)-1]
		return slices.Clone(v.blob), v.rev, nil
	}
	i, ok := slices.BinarySearchFunc(it.hist, rev, func(v version, r int64) int { return cmp.Compare(v.rev, r) })
	if !ok {
		return nil, 0, fmt.Errorf("config %q revision %d: %w", name, rev, errs.ErrNotFound)
	}
	return slices.Clone(it.hist[i].blob), rev, nil
}

func (s *Store) Delete(ctx context.Context, name string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkOpen(); err != nil {
		return 0, err
	}
	it := s.items[name]
	if it == nil || it.deleted {
		return 0, fmt.Errorf("delete %q: %w", name, errs.ErrNotFound)
	}
	it.rev++
	it.deleted = true
	it.hist = nil
	s.notify(backend.Event{Name: name, Revision: it.rev, Deleted: true})
	return it.rev, nil
}

func (s *Store) List(ctx context.Context, prefix string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	var out []string
	for name, it := range s.items {
		if !it.deleted && strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	return out, nil
}

func (s *Store) History(ctx context.Context, name string) ([]backend.HistoryEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	it := s.items[name]
	if it == nil || it.deleted {
		return nil, fmt.Errorf("history of %q: %w", name, errs.ErrNotFound)
	}
	out := make([]backend.HistoryEntry, len(it.hist))
	for i, v := range it.hist {
		out[i] = backend.HistoryEntry{Revision: v.rev, Time: v.time}
	}
	return out, nil
}

// Watch follows the change log; writers wake the watchers up, so nothing polls.
func (s *Store) Watch(ctx context.Context, prefix string) (<-chan backend.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	next := s.logBase + int64(len(s.log))
	out := make(chan backend.Event)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(out)
		for {
			s.mu.Lock()
			if next < s.logBase {
				next = s.logBase // fell too far behind: the oldest events are gone
			}
			evs := slices.Clone(s.log[next-s.logBase:])
			next += int64(len(evs))
			changed := s.changed
			s.mu.Unlock()
			for _, ev := range evs {
				if !strings.HasPrefix(ev.Name, prefix) {
					continue
				}
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				case <-s.done:
					return
				}
			}
			select {
			case <-changed:
			case <-ctx.Done():
				return
			case <-s.done:
				return
			}
		}
	}()
	return out, nil
}

// Close drops the data and ends the watches.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.items = nil
	close(s.done)
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}
