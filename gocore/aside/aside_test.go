package aside

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/errs"
)

func TestRunWithoutCancelCallsInPlace(t *testing.T) {
	v, err := Run(context.Background(), "adding", func() (int, error) { return 42, nil }, nil)
	if v != 42 || err != nil {
		t.Fatalf("got %v, %v", v, err)
	}
}

func TestRunReturnsAtOnceWhenCancelledAndDiscardsTheLateResult(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	release := make(chan struct{})
	discarded := make(chan int, 1)
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	_, err := Run(ctx, "waiting", func() (int, error) { <-release; return 7, nil }, func(v int) { discarded <- v })
	if !errors.Is(err, errs.ErrCancelled) {
		t.Fatalf("want cancelled, got %v", err)
	}
	close(release)
	if v := <-discarded; v != 7 {
		t.Fatalf("discarded %d", v)
	}
}

func TestRunTurnsAPanicIntoAnInternalError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Run(ctx, "exploding", func() (int, error) { panic("boom") }, nil)
	if !errors.Is(err, errs.ErrInternal) || err.Error() != "panic while exploding: boom: internal error" {
		t.Fatalf("got %v", err)
	}
}

func TestRunCancelledBeforeItBeginsNeverRuns(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 1000 { // the fast f would win about half of the races
		ran := false
		_, err := Run(ctx, "adding", func() (int, error) { ran = true; return 1, nil }, func(int) {})
		if !errors.Is(err, errs.ErrCancelled) || ran {
			t.Fatalf("ran %v, err %v", ran, err)
		}
	}
}
