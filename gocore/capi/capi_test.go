//go:build gocfg_testhooks

package main

import "testing"

func TestExportsConcurrently(t *testing.T) {
	if err := exerciseExports(8, 3000); err != nil {
		t.Fatal(err)
	}
}

func TestSlicedCalls(t *testing.T) {
	if err := exerciseSliced(t.TempDir()); err != nil {
		t.Fatal(err)
	}
}

// The Go side of one small SQLite load through the export, for profiling
// (go test -tags gocfg_testhooks -bench DBLoad -cpuprofile ...).
func BenchmarkDBLoad(b *testing.B) {
	load, done, err := dbLoadBench(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer done()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := load(i); err != nil {
			b.Fatal(err)
		}
	}
}
