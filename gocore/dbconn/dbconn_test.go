package dbconn

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

func TestOpenRefusesABadURLWithoutQuotingIt(t *testing.T) {
	_, err := Open(context.Background(), "etcd://u:s3cret@h\x00/p", db.Options{})
	if !errors.Is(err, errs.ErrInvalidArgument) || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("got %v", err)
	}
	var o db.Options
	if err := SetTimeoutMs(&o, -1); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("negative timeout: %v", err)
	}
	if err := SetTimeoutMs(&o, 1500); err != nil || o.RequestTimeout != 1500*time.Millisecond {
		t.Fatalf("timeout: %v %v", err, o.RequestTimeout)
	}
}

func TestWatchReportsEventsTimeoutsAndWhyItEnded(t *testing.T) {
	d, err := Open(context.Background(), "memory://", db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := d.Watch("svc")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := w.Next(context.Background(), 0); ok || err != nil {
		t.Fatalf("poll of an empty watch: %v %v", ok, err)
	}
	m := value.NewMap(1)
	m.Set("port", int64(1))
	if _, err := d.Save(context.Background(), "svc/api", m, -1); err != nil {
		t.Fatal(err)
	}
	e, ok, err := w.Next(context.Background(), 5*time.Second)
	if !ok || err != nil || e.Name != "svc/api" || e.Revision != 1 {
		t.Fatalf("event: %+v %v %v", e, ok, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := w.Next(ctx, -1); !errors.Is(err, errs.ErrCancelled) {
		t.Fatalf("cancelled wait: %v", err)
	}
	d.Close()
	if _, _, err := w.Next(context.Background(), 5*time.Second); !errors.Is(err, errs.ErrClosed) || !strings.Contains(err.Error(), "database") {
		t.Fatalf("after the database closed: %v", err)
	}
	w.Close()
}
