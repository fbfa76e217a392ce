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
		name   string
		states []memberState
		want   string
	}{
		{"all fine", []memberState{ok, ok, ok}, "[true true true]"},
		{"one silent", []memberState{ok, silent, ok}, "[true false true]"},
		{"thawed old leader", []memberState{oldLeader, ok, ok}, "[false true true]"},
		{"lagging", []memberState{ok, lagging, ok}, "[true false true]"},
		{"election: every member that answers", []memberState{electing, electing, silent}, "[true true false]"},
		{"a refusal says nothing against it", []memberState{refused, ok, silent}, "[true true false]"},
		{"nobody answers", []memberState{silent, silent}, "[]"},
	} {
		if got := fmt.Sprint(serving(c.states)); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}
