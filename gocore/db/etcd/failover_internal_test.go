package etcd

import (
	"fmt"
	"testing"
)

// TestServing: which members get calls, from what their status says.
func TestServing(t *testing.T) {
	ok := memberState{answered: true, leader: 7, term: 3, applied: 5000}
	silent := memberState{}
	oldLeader := memberState{answered: true, leader: 9, term: 2, applied: 4000}
	lagging := memberState{answered: true, leader: 7, term: 3, applied: 5000 - maxApplyLag - 1}
	electing := memberState{answered: true, term: 4, applied: 5000}
	refused := memberState{answered: true, refused: true}
	for _, c := range []struct {
		name     string
		states   []memberState
		termSeen uint64
		want     string
	}{
		{"all fine", []memberState{ok, ok, ok}, 0, "[true true true]"},
		{"one silent", []memberState{ok, silent, ok}, 0, "[true false true]"},
		{"thawed old leader", []memberState{oldLeader, ok, ok}, 0, "[false true true]"},
		{"lagging", []memberState{ok, lagging, ok}, 0, "[true false true]"},
		{"a refusal says nothing against it", []memberState{refused, ok, silent}, 0, "[true true false]"},
		// No change (nil) when nobody qualifies.
		{"election under way", []memberState{electing, electing, silent}, 0, "[]"},
		{"nobody answers", []memberState{silent, silent}, 0, "[]"},
		{"only a stale member answers", []memberState{oldLeader, silent, silent}, 3, "[]"},
	} {
		good, term := serving(c.states, c.termSeen)
		if got := fmt.Sprint(good); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
		if term < c.termSeen {
			t.Errorf("%s: the newest term went down from %d to %d", c.name, c.termSeen, term)
		}
	}
}
