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
	candidate := memberState{answered: true, term: 8, applied: 4000}
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
		{"old leader against one member: the higher term", []memberState{oldLeader, ok, silent}, "[false true false]"},
		{"a candidate that raised its term alone", []memberState{candidate, ok, ok}, "[false true true]"},
		{"lagging", []memberState{ok, lagging, ok}, "[true false true]"},
		{"a refusal says nothing against it", []memberState{refused, ok, silent}, "[true true false]"},
		// No change (nil) when nobody qualifies.
		{"election under way", []memberState{electing, electing, silent}, "[]"},
		{"nobody answers", []memberState{silent, silent}, "[]"},
	} {
		if got := fmt.Sprint(serving(c.states)); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}
