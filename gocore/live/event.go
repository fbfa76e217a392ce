package live

import (
	"errors"
	"time"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
)

// Kind says what an Event reports.
type Kind uint8

const (
	// Applied: a rebuilt configuration was put in force.
	Applied Kind = 1
	// Rejected: a rebuild failed (a source did not read or parse) or was
	// refused (validation); the configuration in force stayed.
	Rejected Kind = 2
	// Pending (manual mode): a rebuilt configuration waits for Commit or
	// Reject; Event.Candidate holds it.
	Pending Kind = 3
	// Failed: a source can no longer be watched (its database was closed,
	// a directory cannot be watched, the file system reported an error).
	// The configuration stays; the other sources are still watched.
	Failed Kind = 4
)

func (k Kind) String() string {
	switch k {
	case Applied:
		return "applied"
	case Rejected:
		return "rejected"
	case Pending:
		return "pending"
	case Failed:
		return "failed"
	}
	return "?"
}

// Change is one difference between two configurations, with where the old
// value came from and where the new one comes from (zero Origins for the
// side that does not exist).
type Change struct {
	layer.Change
	OldOrigin, NewOrigin layer.Origin
}

// Event is one outcome of the watcher, or of Reload, Commit or Reject.
type Event struct {
	Seq  uint64 // 1, 2, ... in the order queued
	Kind Kind
	// Time is when the event was queued.
	Time time.Time
	// Version is the Config's version after an Applied event.
	Version uint64
	// Changes: Applied and Pending, from the configuration in force before.
	Changes []Change
	// Sources names the watched layers whose content changed.
	Sources []string
	// Err: Rejected and Failed. A parse error is an *errs.Located naming
	// the file, line and column.
	Err error
	// Forced: caused by Reload.
	Forced bool
	// Dropped counts the events lost before this one because the queue
	// was full.
	Dropped uint64
	// Candidate: Pending only.
	Candidate *Candidate
}

// Wire returns the event as plain values that wire.Encode takes, for the
// export layer to hand over in one buffer:
//
//	[kind, seq, time_unix_ns, version, forced, dropped, sources, changes, error]
//
// kind is "applied", "rejected", "pending" or "failed"; sources a list of
// strings; changes a list of [op, path, old, new, old_origin, new_origin]
// with op "added", "removed" or "changed", old or new None on the side that
// does not exist, and each origin [kind, name, line, column, layer] as
// gocfg_config_history lists them (None when unknown); error None or
// [message, file, line, column] (file "" and line 0 when the error has no
// location). The Candidate of a Pending event is not included: the export
// layer gives it a handle of its own.
func (e *Event) Wire() []any {
	changes := make([]any, len(e.Changes))
	for i, c := range e.Changes {
		changes[i] = []any{c.Op.String(), c.Path, c.Old, c.New, originWire(c.OldOrigin), originWire(c.NewOrigin)}
	}
	sources := make([]any, len(e.Sources))
	for i, s := range e.Sources {
		sources[i] = s
	}
	var errV any
	if e.Err != nil {
		file, line, col := "", int64(0), int64(0)
		var loc *errs.Located
		if errors.As(e.Err, &loc) {
			file, line, col = loc.Path, int64(loc.Line), int64(loc.Column)
		}
		errV = []any{errs.Bound(e.Err.Error()), file, line, col}
	}
	return []any{e.Kind.String(), int64(e.Seq), e.Time.UnixNano(), int64(e.Version), e.Forced, int64(e.Dropped), sources, changes, errV}
}

func originWire(o layer.Origin) any {
	if o.Kind == layer.KindNone {
		return nil
	}
	return []any{int64(o.Kind), o.Name, int64(o.Line), int64(o.Column), int64(o.Layer)}
}
