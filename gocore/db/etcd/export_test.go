package etcd

import "context"

// Hooks for the external tests (failover_test.go).

// FailoverState is the endpoints taken out of the client's list, sorted,
// and how many probe rounds ran.
func (s *Store) FailoverState() (out []string, probes int64) {
	s.fo.mu.Lock()
	defer s.fo.mu.Unlock()
	for _, u := range s.fo.urls {
		if _, isOut := s.fo.out[u]; isOut {
			out = append(out, u)
		}
	}
	return out, s.fo.probes.Load()
}

// ResolveSave judges a save of value to name at revision rev, built on
// the counter's ModRevision mod, under history key histKey. An unknown
// outcome comes back as the ErrConnection the caller would get.
func (s *Store) ResolveSave(ctx context.Context, name, value string, rev, mod int64, histKey string) (bool, error) {
	_, _, _, applied, err := s.resolveSave(ctx, name, value, &sent{rev: rev, mod: mod, histKey: histKey})
	if err != nil {
		return false, s.opErr(ctx, "save", err)
	}
	return applied, nil
}
