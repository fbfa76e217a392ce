// Package db stores configurations persistently, with revisions, history,
// compare-and-swap, queries and change notifications, on one of several
// backends chosen by URL:
//
//	memory://                               in this process only
//	sqlite:///abs/path.db, or a bare path   one file, shared by processes
//	etcd://[user:pass@]host:port[,...]/prefix[?ca=&cert=&key=]
//
// Every backend has the same semantics: gocore/db/backend stores opaque
// blobs, and this package adds the rest (encoding through a Codec, name
// checks, level-wise prefixes, queries, the closing rules). See README.md.
package db

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gocfg/gocfg/gocore/db/backend"
	"github.com/gocfg/gocfg/gocore/db/etcd"
	"github.com/gocfg/gocfg/gocore/db/memory"
	"github.com/gocfg/gocfg/gocore/db/sqlite"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/limits"
	"github.com/gocfg/gocfg/gocore/value"
)

// Codec turns a config into bytes and back. Decode(Encode(m)) must equal m.
type Codec interface {
	Encode(*value.Map) ([]byte, error)
	Decode([]byte) (*value.Map, error)
}

// Revision numbers the saved versions of one config: 1 for the first save,
// one more for each save or delete after it. Numbers are never reused, even
// after a delete.
type Revision = int64

// Options tunes Open; the zero value gives sensible defaults. See
// backend.Options for the fields.
type Options = backend.Options

// Event is a change seen by Watch.
type Event = backend.Event

// HistoryEntry is one stored revision of a config, as History lists them.
type HistoryEntry = backend.HistoryEntry

// DB is an open store. It is safe for concurrent use.
type DB struct {
	be    backend.Backend
	codec Codec
	enc   *encoder
	desc  string

	// watchCtx is cancelled by Close, which ends every watch.
	watchCtx    context.Context
	cancelWatch context.CancelFunc

	mu      sync.Mutex
	closed  bool
	calls   sync.WaitGroup // calls in progress; Close waits for them
	watches sync.WaitGroup // watch goroutines; Close waits for them
}

// Open opens the store that url names (see the package comment); a string
// with no scheme is a path to a sqlite file. The URL may hold a password:
// it appears in no error and not in String().
func Open(url string, opts Options, codec Codec) (*DB, error) {
	if codec == nil {
		return nil, fmt.Errorf("db.Open: a codec is required: %w", errs.ErrInvalidArgument)
	}
	if url == "" {
		return nil, fmt.Errorf("db.Open: empty URL: %w", errs.ErrInvalidArgument)
	}
	opts = opts.WithDefaults()
	scheme := schemeOf(url)
	url, maxParam, err := takeMaxParam(url, scheme)
	if err != nil {
		return nil, err
	}
	maxBytes := opts.MaxConfigBytes
	switch {
	case maxBytes < 0:
		return nil, fmt.Errorf("db.Open: MaxConfigBytes %d: want 0 (the default) or a positive size: %w", maxBytes, errs.ErrInvalidArgument)
	case maxBytes == 0 && maxParam > 0:
		maxBytes = maxParam
	case maxBytes == 0:
		maxBytes = DefaultMaxConfigBytes
	}
	opts.MaxConfigBytes = maxBytes
	var be backend.Backend
	switch scheme {
	case "memory":
		be, err = memory.OpenURL(url)
	case "sqlite", "":
		be, err = sqlite.OpenURL(url, opts)
	case "etcd":
		be, err = etcd.OpenURL(url, opts)
	default:
		// Say only the scheme: the rest of the URL may hold a password.
		return nil, fmt.Errorf("unknown database URL scheme %q (want memory://, sqlite:// or etcd://, or a file path): %w", scheme, errs.ErrInvalidArgument)
	}
	if err != nil {
		return nil, err
	}
	// Compression on etcd keeps configs within its request limits, and
	// every byte there is replicated and kept in its history. On SQLite,
	// measured (BenchmarkSQLiteCompression): service-shaped configs shrink
	// to 10-20 %, a save+load of 4 KiB costs the same and of 256 KiB to
	// 4 MiB less (fewer bytes through the WAL with synchronous=FULL), so
	// it compresses too. In memory it would only cost CPU.
	enc := &encoder{compress: scheme != "memory", max: maxBytes}
	d := &DB{be: be, codec: codec, enc: enc, desc: fmt.Sprint(be)}
	d.watchCtx, d.cancelWatch = context.WithCancel(context.Background())
	return d, nil
}

// schemeOf returns the scheme of a URL ("" for a bare path). The known
// schemes count without "//" too: "sqlite:x.db" is a relative path.
func schemeOf(s string) string {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return ""
	}
	for j := 0; j < i; j++ {
		c := s[j]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || j > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return ""
		}
	}
	scheme := strings.ToLower(s[:i])
	switch {
	case scheme == "sqlite" || scheme == "memory" || scheme == "etcd":
		return scheme // with or without "//": etcd:... is a bad etcd URL, not a file name
	case strings.HasPrefix(s[i:], "://"):
		return scheme
	}
	return "" // e.g. a file named "a:b.db"
}

// String describes the store without secrets, e.g. "etcd://app@10.0.0.1:2379/cfg".
func (d *DB) String() string { return d.desc }

// begin registers a call, or reports that the DB is closed.
func (d *DB) begin(op string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return fmt.Errorf("db.%s on %s: %w", op, d.desc, errs.ErrClosed)
	}
	d.calls.Add(1)
	return nil
}

// Save stores cfg as the next revision of name and returns that revision.
// expectRevision -1 saves unconditionally, 0 requires that name does not
// exist yet, n > 0 requires that n is its latest revision; otherwise the
// save fails with ErrConflict (someone saved or deleted in between).
func (d *DB) Save(ctx context.Context, name string, cfg *value.Map, expectRevision int64) (int64, error) {
	if err := ValidateName(name); err != nil {
		return 0, err
	}
	if cfg == nil {
		return 0, fmt.Errorf("db.Save %q: nil config: %w", name, errs.ErrInvalidArgument)
	}
	if expectRevision < -1 {
		return 0, fmt.Errorf("db.Save %q: expected revision %d: want -1, 0 or a revision: %w", name, expectRevision, errs.ErrInvalidArgument)
	}
	if !d.mayTry(ctx) {
		return 0, ErrWouldWait // before encoding: the caller will save again, waiting
	}
	raw, err := d.codec.Encode(cfg)
	if err != nil {
		return 0, fmt.Errorf("db.Save %q: encoding: %w", name, err)
	}
	blob, err := d.enc.seal(raw)
	if err != nil {
		return 0, fmt.Errorf("db.Save %q: %w", name, err)
	}
	if err := d.begin("Save"); err != nil {
		return 0, err
	}
	defer d.calls.Done()
	var rev int64
	err = d.writing(ctx, "Save", func(ctx context.Context) (err error) {
		rev, err = d.be.Put(ctx, name, blob, expectRevision, time.Now().UTC())
		return err
	})
	return rev, err
}

// mayTry reports whether a write under ctx may go to the backend: not
// when ctx asks for a write without waiting (WithoutWaiting) and the
// backend cannot make one.
func (d *DB) mayTry(ctx context.Context) bool {
	if ctx == nil || !backend.NoWait(ctx) {
		return true
	}
	_, ok := d.be.(backend.NoWaitWriter)
	return ok
}

// writing runs a write (Save, Delete) under ctx and until Close. A write
// may wait for another process's lock (SQLite) for up to the timeout, a
// day at most, and Close waits for the calls in progress: a Close from
// another thread waited that long, and the write went on after it. Close
// now ends the wait, and the write reports the DB closed: on SQLite it
// wrote nothing (its transaction is rolled back); on etcd a request that
// was sent may have been applied, as after a timeout.
func (d *DB) writing(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	ctx = orBackground(ctx)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(d.watchCtx, cancel)
	defer stop()
	err := fn(wctx)
	if err != nil && d.watchCtx.Err() != nil && ctx.Err() == nil {
		return fmt.Errorf("db.%s on %s: the database was closed while the call waited: %w", op, d.desc, errs.ErrClosed)
	}
	return err
}

// Load returns revision rev of name (0: the latest) and its number.
// A missing name or revision gives errs.ErrNotFound.
func (d *DB) Load(ctx context.Context, name string, revision int64) (*value.Map, int64, error) {
	if err := ValidateName(name); err != nil {
		return nil, 0, err
	}
	if revision < 0 {
		return nil, 0, fmt.Errorf("db.Load %q: revision %d: want 0 (latest) or a revision: %w", name, revision, errs.ErrInvalidArgument)
	}
	if err := d.begin("Load"); err != nil {
		return nil, 0, err
	}
	defer d.calls.Done()
	blob, rev, err := d.be.Get(orBackground(ctx), name, revision)
	if err != nil {
		return nil, 0, err
	}
	cfg, err := d.decode(blob)
	if err != nil {
		return nil, 0, fmt.Errorf("db.Load %q revision %d: %w", name, rev, err)
	}
	return cfg, rev, nil
}

// MaxLoadMany bounds the names of one LoadMany call.
const MaxLoadMany = 10_000

// LoadMany returns the latest revision of each of names, in order, and
// their numbers; a name that does not exist has a nil config. Each config
// is its own copy, also for a name given twice. Backends that read many
// names at once (backend.Scanner: etcd, one round trip per 32 names;
// SQLite, one query per 32 names) answer in batches, the others (memory)
// one name at a time.
func (d *DB) LoadMany(ctx context.Context, names []string) ([]*value.Map, []int64, error) {
	if len(names) > MaxLoadMany {
		return nil, nil, fmt.Errorf("db.LoadMany: %d names, at most %d at once: %w", len(names), MaxLoadMany, errs.ErrInvalidArgument)
	}
	for _, n := range names {
		if err := ValidateName(n); err != nil {
			return nil, nil, err
		}
	}
	if err := d.begin("LoadMany"); err != nil {
		return nil, nil, err
	}
	defer d.calls.Done()
	ctx = orBackground(ctx)
	type stored struct {
		blob []byte
		rev  int64
	}
	found := make(map[string]stored, len(names))
	if sc, ok := d.be.(backend.Scanner); ok {
		uniq := make([]string, 0, len(names))
		for _, n := range names {
			if _, seen := found[n]; !seen {
				found[n] = stored{}
				uniq = append(uniq, n)
			}
		}
		clear(found)
		for len(uniq) > 0 {
			batch := uniq[:min(len(uniq), scanBatch)]
			uniq = uniq[len(batch):]
			blobs, err := sc.Latest(ctx, batch)
			if err != nil {
				return nil, nil, err
			}
			for _, b := range blobs {
				found[b.Name] = stored{b.Data, b.Revision}
			}
		}
	} else {
		for _, n := range names {
			if _, seen := found[n]; seen {
				continue
			}
			blob, rev, err := d.be.Get(ctx, n, 0)
			if errors.Is(err, errs.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, nil, err
			}
			found[n] = stored{blob, rev}
		}
	}
	cfgs, revs := make([]*value.Map, len(names)), make([]int64, len(names))
	for i, n := range names {
		s, ok := found[n]
		if !ok {
			continue
		}
		cfg, err := d.decode(s.blob)
		if err != nil {
			return nil, nil, fmt.Errorf("db.LoadMany %q revision %d: %w", n, s.rev, err)
		}
		cfgs[i], revs[i] = cfg, s.rev
	}
	return cfgs, revs, nil
}

// decode turns a stored blob back into a config. A blob that does not
// decode was damaged in storage (the codec wrote it): that is an I/O
// error, whatever kind the codec gives its own complaint.
func (d *DB) decode(blob []byte) (*value.Map, error) {
	raw, err := d.enc.unseal(blob)
	if err != nil {
		return nil, err
	}
	cfg, err := d.codec.Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("stored data is damaged: decoding: %v: %w", err, errs.ErrIO)
	}
	return cfg, nil
}

// Delete removes name and its history. A missing name gives errs.ErrNotFound.
// The revision counter survives: a config saved again under the same name
// continues after the deleted one's revisions.
func (d *DB) Delete(ctx context.Context, name string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	if !d.mayTry(ctx) {
		return ErrWouldWait
	}
	if err := d.begin("Delete"); err != nil {
		return err
	}
	defer d.calls.Done()
	return d.writing(ctx, "Delete", func(ctx context.Context) error {
		_, err := d.be.Delete(ctx, name)
		return err
	})
}

// Names returns the existing config names selected by prefix, sorted: ""
// selects all, "a" selects a and the names below it (a/b, a/b/c but not
// ab), "a/" only those below it.
func (d *DB) Names(ctx context.Context, prefix string) ([]string, error) {
	if err := validatePrefix(prefix); err != nil {
		return nil, err
	}
	if err := d.begin("Names"); err != nil {
		return nil, err
	}
	defer d.calls.Done()
	return d.names(orBackground(ctx), prefix)
}

func (d *DB) names(ctx context.Context, prefix string) ([]string, error) {
	all, err := d.be.List(ctx, prefix)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(all))
	for _, n := range all {
		if matchPrefix(prefix, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// History lists the stored revisions of name, oldest first.
func (d *DB) History(ctx context.Context, name string) ([]HistoryEntry, error) {
	if err := ValidateName(name); err != nil {
		return nil, err
	}
	if err := d.begin("History"); err != nil {
		return nil, err
	}
	defer d.calls.Done()
	return d.be.History(orBackground(ctx), name)
}

// scanBatch is how many configs Query asks a backend.Scanner for at once.
const scanBatch = 64

// Query returns the leaves selected by expr, "<name-glob>:<path-glob>",
// sorted by name, then path (see README.md for the language). Each config
// is read at its latest revision.
func (d *DB) Query(ctx context.Context, expr string) ([]Row, error) {
	q, err := parseQuery(expr)
	if err != nil {
		return nil, err
	}
	if err := d.begin("Query"); err != nil {
		return nil, err
	}
	defer d.calls.Done()
	ctx = orBackground(ctx)
	names, err := d.names(ctx, q.listPrefix())
	if err != nil {
		return nil, err
	}
	type found struct {
		name string
		leaf
	}
	var rows []found
	collect := func(name string, rev int64, blob []byte) error {
		cfg, err := d.decode(blob)
		if err != nil {
			return fmt.Errorf("db.Query: %q revision %d: %w", name, rev, err)
		}
		for _, l := range q.leaves(cfg) {
			rows = append(rows, found{name, l})
		}
		return nil
	}
	selected := names[:0]
	for _, name := range names {
		if q.matchName(name) {
			selected = append(selected, name)
		}
	}
	if sc, ok := d.be.(backend.Scanner); ok {
		// Batches keep one response, and the blobs held at once, bounded.
		for len(selected) > 0 {
			batch := selected[:min(len(selected), scanBatch)]
			selected = selected[len(batch):]
			blobs, err := sc.Latest(ctx, batch)
			if err != nil {
				return nil, err
			}
			for _, b := range blobs {
				if err := collect(b.Name, b.Revision, b.Data); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, name := range selected {
		blob, rev, err := d.be.Get(ctx, name, 0)
		if errors.Is(err, errs.ErrNotFound) {
			continue // deleted since it was listed
		}
		if err != nil {
			return nil, err
		}
		if err := collect(name, rev, blob); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(rows, func(a, b found) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return compareSegs(a.segs, b.segs)
	})
	out := make([]Row, len(rows))
	for i, r := range rows {
		out[i] = Row{Name: r.name, Path: value.JoinPath(r.segs...), Value: r.val}
	}
	return out, nil
}

// Watch reports every save and delete of the configs selected by
// nameOrPrefix (as for Names) made after it returns, by this or any other
// client of the store. The channel is closed when ctx is done, when the DB
// is closed, or when the backend cannot go on watching. A reader that falls
// far behind (thousands of changes) may miss events on memory and sqlite,
// whose change logs are bounded.
func (d *DB) Watch(ctx context.Context, nameOrPrefix string) (<-chan Event, error) {
	if err := validatePrefix(nameOrPrefix); err != nil {
		return nil, err
	}
	ctx = orBackground(ctx)
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil, fmt.Errorf("db.Watch on %s: %w", d.desc, errs.ErrClosed)
	}
	d.watches.Add(1)
	d.mu.Unlock()

	wctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(d.watchCtx, cancel)
	in, err := d.be.Watch(wctx, nameOrPrefix)
	if err != nil {
		stop()
		cancel()
		d.watches.Done()
		// A Close racing this call cancelled wctx under the backend: that
		// is a closed DB, not a failure of the store (nor the caller's
		// context, which is still live).
		if d.watchCtx.Err() != nil && ctx.Err() == nil {
			return nil, fmt.Errorf("db.Watch on %s: %w", d.desc, errs.ErrClosed)
		}
		return nil, err
	}
	out := make(chan Event, 16)
	go func() {
		defer d.watches.Done()
		defer close(out)
		defer cancel()
		defer stop()
		for {
			select {
			case <-wctx.Done():
				return
			case ev, ok := <-in:
				if !ok {
					return
				}
				if !matchPrefix(nameOrPrefix, ev.Name) {
					continue
				}
				select {
				case out <- ev:
				case <-wctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// Close ends every watch (closing their channels), waits for the calls in
// progress, and releases the store. It is idempotent: a second Close
// returns nil. Every other method fails with errs.ErrClosed afterwards.
func (d *DB) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	d.mu.Unlock()
	d.cancelWatch()
	d.watches.Wait()
	d.calls.Wait()
	err := d.be.Close()
	d.enc.close()
	return err
}

// takeMaxParam removes the max_config_bytes parameter from the query of
// a URL (also sqlite:rel/path.db?max_config_bytes=..., which looks like
// one; only a bare path has no query: '?' is part of its file name) and
// returns its value, 0 when absent. Errors quote no part of the URL but
// the parameter.
func takeMaxParam(raw, scheme string) (string, int64, error) {
	const key = "max_config_bytes"
	if scheme == "" {
		return raw, 0, nil
	}
	base, query, ok := strings.Cut(raw, "?")
	if !ok {
		return raw, 0, nil
	}
	frag := ""
	if i := strings.IndexByte(query, '#'); i >= 0 {
		query, frag = query[:i], query[i:]
	}
	var (
		keep  []string
		val   int64
		found bool
	)
	for _, kv := range strings.Split(query, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if k != key {
			keep = append(keep, kv)
			continue
		}
		if found {
			return "", 0, fmt.Errorf("database URL parameter %s given twice: %w", key, errs.ErrInvalidArgument)
		}
		found = true
		n, err := limits.ParseSize(v)
		if err != nil {
			return "", 0, fmt.Errorf("database URL parameter %s=%q: %v: %w", key, v, err, errs.ErrInvalidArgument)
		}
		val = n
	}
	if len(keep) > 0 {
		base += "?" + strings.Join(keep, "&")
	}
	return base + frag, val, nil
}

func orBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}
