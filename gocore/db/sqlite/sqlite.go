// Package sqlite is the single-file backend of gocore/db (sqlite:///path.db
// or a bare path), on the pure-Go driver modernc.org/sqlite.
//
// The file is shared safely by several processes: it is in WAL mode (readers
// never block the writer), every write is one BEGIN IMMEDIATE transaction
// (so two writers queue instead of deadlocking), and a busy timeout makes a
// writer wait for another process's lock instead of failing at once. The
// file is created with mode 0600, and a file that other users may read is
// refused, since configs may hold secrets. Loads of a latest revision run
// on a connection of the Store's own when it is free (see fastReader), the
// other calls on database/sql's pool.
//
// Tables: configs (one row per name: latest revision, deleted flag),
// revisions (every stored revision with its time and blob) and events (a
// bounded change log, numbered by an AUTOINCREMENT sequence, that watchers
// in any process poll with one cheap indexed query).
package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gocfg/gocfg/gocore/db/backend"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/fileio"

	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// schemaVersion is stored in PRAGMA user_version.
const schemaVersion = 1

// maxLog bounds the events table: a watcher more than this many changes
// behind skips the oldest.
const maxLog = 10000

const schema = `
CREATE TABLE IF NOT EXISTS configs (
	name    TEXT PRIMARY KEY NOT NULL,
	rev     INTEGER NOT NULL,
	deleted INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS revisions (
	name TEXT NOT NULL,
	rev  INTEGER NOT NULL,
	time INTEGER NOT NULL,
	blob BLOB NOT NULL,
	PRIMARY KEY (name, rev)
);
CREATE TABLE IF NOT EXISTS events (
	seq     INTEGER PRIMARY KEY AUTOINCREMENT,
	name    TEXT NOT NULL,
	rev     INTEGER NOT NULL,
	deleted INTEGER NOT NULL
);`

// Store is an open sqlite file.
type Store struct {
	db   *sql.DB
	path string
	// file is the file opened at path: a save checks that path still
	// names it (see sameFile).
	file os.FileInfo
	// latest reads a name's latest revision: the statement of every load,
	// prepared once rather than parsed again on each call.
	latest *sql.Stmt
	// latestMany reads the latest revisions of up to latestManyN names in
	// one query (Latest, for LoadMany and Query), prepared once too.
	latestMany *sql.Stmt
	// fast reads latest revisions on a connection of its own (see fastGet).
	fast fastReader
	dsn  string
	poll time.Duration
	// wsem lets one writer of this process at a time try for the file's
	// write lock; the busy timeout arbitrates between processes.
	wsem chan struct{}
	// try is a connection for writes tried without waiting
	// (backend.WithoutWaiting): the same file and settings with a busy
	// timeout of 0, so that SQLite answers "busy" at once where the pool's
	// connections would wait.
	try *sql.DB

	// One poller per Store looks for new events and wakes the watches,
	// so that an idle store costs one query per PollInterval however many
	// watches are open; each watch then reads only what is new.
	nmu      sync.Mutex
	watchers int           // open watches
	wread    chan struct{} // bounds the watches reading at once (and so their connections)
	polling  bool          // whether the poller runs
	changed  chan struct{} // closed and replaced when the events table grows
	// gone is closed when the poller finds that the path no longer names
	// the file that was opened (see sameFile): the watches end, since the
	// saves of other processes go to the file the path names now.
	gone     chan struct{}
	goneOnce sync.Once

	closeOnce sync.Once
	done      chan struct{}
	wg        sync.WaitGroup
}

// OpenURL opens sqlite:///abs/path.db, sqlite:relative/path.db or a bare
// path (relative to the working directory).
func OpenURL(raw string, opts backend.Options) (*Store, error) {
	p, err := pathOf(raw)
	if err != nil {
		return nil, err
	}
	return Open(p, opts)
}

// dsnOf is the driver's name for the file at abs with the store's
// settings, waiting up to busy for another connection's lock.
func dsnOf(abs string, busy time.Duration) string {
	// The path goes into a file: URI, percent-encoded so that '?', '#' and
	// '%' in it stay part of the name. mode=rw: the file exists (we made it
	// with the right mode), so sqlite must not create one of its own.
	q := url.Values{}
	q.Set("mode", "rw")
	q.Set("_txlock", "immediate")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	return "file:" + (&url.URL{Path: abs}).EscapedPath() + "?" + q.Encode()
}

func pathOf(raw string) (string, error) {
	lower := strings.ToLower(raw)
	switch {
	case strings.HasPrefix(lower, "sqlite://"):
		u, err := url.Parse(raw)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			return "", fmt.Errorf("sqlite store: bad URL: %v: %w", err, errs.ErrInvalidArgument)
		}
		if u.Host != "" && u.Host != "localhost" {
			return "", fmt.Errorf("sqlite store: the URL names host %q; want sqlite:///absolute/path.db (three slashes): %w", u.Host, errs.ErrInvalidArgument)
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return "", fmt.Errorf("sqlite store: the URL may hold only a path (no user, #fragment, or ?query other than max_config_bytes): %w", errs.ErrInvalidArgument)
		}
		if u.Path == "" || u.Path == "/" {
			return "", fmt.Errorf("sqlite store: the URL has no file path: %w", errs.ErrInvalidArgument)
		}
		return u.Path, nil
	case strings.HasPrefix(lower, "sqlite:"):
		p := raw[len("sqlite:"):]
		if p == "" {
			return "", fmt.Errorf("sqlite store: the URL has no file path: %w", errs.ErrInvalidArgument)
		}
		// It reads as a URL: a ?query or #fragment here would otherwise
		// become part of the file name, and its setting be lost unsaid.
		if strings.ContainsAny(p, "?#") {
			return "", fmt.Errorf("sqlite store: sqlite:path takes no ?query or #fragment other than max_config_bytes (a file name with '?' or '#' is given as a bare path): %w", errs.ErrInvalidArgument)
		}
		return p, nil
	default:
		return raw, nil
	}
}

// Open opens (creating if needed) the database file at path.
func Open(path string, opts backend.Options) (*Store, error) {
	opts = opts.WithDefaults()
	if path == "" || strings.IndexByte(path, 0) >= 0 {
		return nil, fmt.Errorf("sqlite store: invalid file path %q: %w", path, errs.ErrInvalidArgument)
	}
	if strings.HasSuffix(path, "/") {
		// filepath.Abs would drop the slash and make a file of the name.
		return nil, fmt.Errorf("sqlite store: %s names a directory; want the path of a database file in it: %w", path, errs.ErrInvalidArgument)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite store: %v: %w", err, errs.ErrInvalidArgument)
	}
	file, err := ensureFile(abs)
	if err != nil {
		return nil, err
	}
	dsn := dsnOf(abs, opts.BusyTimeout)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, ioErr("opening "+abs, err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(time.Minute)
	try, err := sql.Open("sqlite", dsnOf(abs, 0))
	if err != nil {
		db.Close()
		return nil, ioErr("opening "+abs, err)
	}
	// One writer of this process at a time (wsem) needs one connection.
	try.SetMaxOpenConns(1)
	try.SetMaxIdleConns(1)
	try.SetConnMaxIdleTime(time.Minute)
	s := &Store{db: db, try: try, dsn: dsn, path: abs, file: file, poll: opts.PollInterval, wsem: make(chan struct{}, 1), done: make(chan struct{}), changed: make(chan struct{}), gone: make(chan struct{}), wread: make(chan struct{}, 2)}
	if err := s.init(); err != nil {
		db.Close()
		try.Close()
		if why := cantWrite(abs); why != nil {
			return nil, why
		}
		return nil, err
	}
	if s.latest, err = db.Prepare(latestQuery); err != nil {
		db.Close()
		return nil, ioErr("preparing a query on "+abs, err)
	}
	if s.latestMany, err = db.Prepare(latestManyQuery); err != nil {
		db.Close()
		return nil, ioErr("preparing a query on "+abs, err)
	}
	return s, nil
}

const latestQuery = `SELECT r.rev, r.blob FROM configs c
	JOIN revisions r ON r.name = c.name AND r.rev = c.rev
	WHERE c.name = ? AND c.deleted = 0`

// latestManyN is how many names one latestManyQuery takes. A shorter
// batch repeats its last name to fill the placeholders (IN ignores
// repeats), so that one statement, prepared once, serves every batch.
const latestManyN = 32

var latestManyQuery = `SELECT c.name, r.rev, r.blob FROM configs c
	JOIN revisions r ON r.name = c.name AND r.rev = c.rev
	WHERE c.deleted = 0 AND c.name IN (?` + strings.Repeat(", ?", latestManyN-1) + `)`

// ensureFile creates the file with mode 0600 if it does not exist, and
// refuses a file that other users may access. It returns the file's
// identity.
func ensureFile(path string) (os.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		f.Close()
		// The umask can only clear bits, but be explicit about the result.
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, fileio.PathError(path, err)
		}
	case errors.Is(err, fs.ErrExist):
	default:
		// A missing directory is the usual cause: the error keeps its
		// errno and path, and reads as Python's own.
		return nil, fileio.PathError(path, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fileio.PathError(path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("sqlite store: %s is not a regular file: %w", path, errs.ErrInvalidArgument)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("sqlite store: %s has mode %#o, which lets other users access the configs; "+
			"allow its owner only (chmod 600): %w", path, perm, errs.ErrInvalidArgument)
	}
	return fi, nil
}

// cantWrite says why a store could not be opened when the cause is that
// its file, or the directory it is in, cannot be written (a read-only file
// system, a read-only mount in a container, permissions): SQLite itself
// says only "unable to open database file (14)". A store writes even to
// be read (its schema check, and the -wal and -shm files it makes beside
// the file). Nil when both can be written. Only called after a failed
// open, so the probe file costs nothing on the way that works.
func cantWrite(path string) error {
	const need = "a SQLite store must be able to write it, even to be read"
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return notWritable(path, err, need)
	}
	f.Close()
	dir := filepath.Dir(path)
	probe, err := os.CreateTemp(dir, ".gocfg-probe-*")
	if err != nil {
		return notWritable(dir, err, "a SQLite store makes its -wal and -shm files in the directory of its file, even to be read")
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// notWritable is err about path (its errno kept, so that Python raises
// the OSError it stands for) with what needed the write.
func notWritable(path string, err error, need string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &errs.Located{Kind: fmt.Errorf("%w: %w", errs.ErrIO, err), Path: path,
		Msg: fmt.Sprintf("%v (%s)", err, need)}
}

// sameFile says whether the path of the store still names the file that
// was opened. SQLite keeps writing to the file it opened: once that file
// is deleted, or replaced (a backup restored by a rename, a symbolic link
// pointed elsewhere), a save would commit into a file that no later open
// reads, and report a revision for data already lost. So a write checks,
// holding the write lock, and fails instead, telling to open the Database
// again.
//
// A watch checks too (what another process saves goes to the file the
// path names now), when it starts and as it polls; then the outcome is
// what cannot be watched rather than what was not saved.
func (s *Store) sameFile(op string) error {
	outcome := "nothing was saved"
	if strings.Contains(op, "watch") {
		outcome = "its changes cannot be watched"
	}
	fi, err := os.Stat(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("sqlite store: %s: %s was deleted after the Database was opened; %s "+
			"(open the Database again to use a new file): %w", op, s.path, outcome, errs.ErrIO)
	case err != nil:
		return ioErr(op, err)
	case !os.SameFile(fi, s.file):
		return fmt.Errorf("sqlite store: %s: %s was replaced by another file after the Database was opened; "+
			"%s (open the Database again to use the new file): %w", op, s.path, outcome, errs.ErrIO)
	}
	return nil
}

func (s *Store) init() error {
	ctx := context.Background()
	return s.write(ctx, "initializing", func(tx *sql.Tx) error {
		var version int
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
			return ioErr("reading the schema version", err)
		}
		switch {
		case version > schemaVersion:
			return fmt.Errorf("sqlite store: %s has schema version %d, newer than this gocfg knows (%d): %w",
				s.path, version, schemaVersion, errs.ErrInvalidArgument)
		case version == schemaVersion:
			return nil
		}
		var foreign int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master
			WHERE type = 'table' AND name NOT IN ('configs', 'revisions', 'events', 'sqlite_sequence')`).Scan(&foreign)
		if err != nil {
			return ioErr("reading the schema", err)
		}
		if foreign > 0 {
			return fmt.Errorf("sqlite store: %s is a database of another program, not a gocfg store: %w", s.path, errs.ErrInvalidArgument)
		}
		if _, err := tx.ExecContext(ctx, schema); err != nil {
			return ioErr("creating the schema", err)
		}
		// PRAGMA takes no placeholders; the value is our constant.
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
			return ioErr("writing the schema version", err)
		}
		return nil
	})
}

// String is the URL that opens this file again: the path percent-encoded
// where a URL needs it ('?', '#', '%', spaces), as sqlite:/// decodes it.
func (s *Store) String() string { return "sqlite://" + (&url.URL{Path: s.path}).EscapedPath() }

func ioErr(op string, err error) error {
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("sqlite store: %s: %w", op, err)
	case errors.Is(err, sql.ErrConnDone), err != nil && strings.Contains(err.Error(), "database is closed"):
		return fmt.Errorf("sqlite store: %s: %w", op, errs.ErrClosed)
	case busy(err):
		// SQLite's own words ("database is locked") do not say who holds
		// the lock, nor that the wait had a bound.
		return fmt.Errorf("sqlite store: %s: another process held the file's lock for longer than the "+
			"Database's timeout (%w): %w", op, err, errs.ErrIO)
	}
	return fmt.Errorf("sqlite store: %s: %v: %w", op, err, errs.ErrIO)
}

// busy reports SQLite's "database is locked": another connection held the
// lock past the busy timeout (backend.Options.BusyTimeout).
func busy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// WritesWithoutWaiting: the Store honours backend.WithoutWaiting.
func (s *Store) WritesWithoutWaiting() {}

// write runs fn in one BEGIN IMMEDIATE transaction, committing if it
// returns nil. Under a context marked by backend.WithoutWaiting, a write
// that would wait for another writer (of this process or another) gives
// backend.ErrWouldWait instead, having written nothing.
func (s *Store) write(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	pool, noWait := s.db, backend.NoWait(ctx)
	if noWait {
		select {
		case s.wsem <- struct{}{}:
		default:
			return backend.ErrWouldWait
		}
		pool = s.try
	} else {
		select {
		case s.wsem <- struct{}{}:
		case <-ctx.Done():
			return ioErr(op, ctx.Err())
		}
	}
	defer func() { <-s.wsem }()
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		if noWait && ctx.Err() == nil {
			// BEGIN IMMEDIATE is where a writer waits (busy), and any other
			// failure here is the waiting path's to report as it finds it.
			return backend.ErrWouldWait
		}
		return ioErr(op, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return waitedFor(ctx, noWait, err)
	}
	if err := s.sameFile(op); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return waitedFor(ctx, noWait, ioErr(op, err))
	}
	return nil
}

// waitedFor is err, or backend.ErrWouldWait for a write tried without
// waiting that found SQLite busy (in WAL mode a writer holding the lock
// from BEGIN IMMEDIATE should not, but the answer is then to wait, not
// to fail).
func waitedFor(ctx context.Context, noWait bool, err error) error {
	if noWait && ctx.Err() == nil && busy(err) {
		return backend.ErrWouldWait
	}
	return err
}

// state reads name's row: its latest revision and whether it exists
// (a deleted name keeps its row, to keep counting revisions).
func state(ctx context.Context, tx *sql.Tx, name string) (rev int64, exists bool, err error) {
	var deleted bool
	err = tx.QueryRowContext(ctx, "SELECT rev, deleted FROM configs WHERE name = ?", name).Scan(&rev, &deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return rev, err == nil && !deleted, err
}

func logEvent(ctx context.Context, tx *sql.Tx, name string, rev int64, deleted bool) error {
	res, err := tx.ExecContext(ctx, "INSERT INTO events (name, rev, deleted) VALUES (?, ?, ?)", name, rev, deleted)
	if err != nil {
		return err
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "DELETE FROM events WHERE seq <= ?", seq-maxLog)
	return err
}

func (s *Store) Put(ctx context.Context, name string, blob []byte, expect int64, now time.Time) (int64, error) {
	if blob == nil {
		blob = []byte{}
	}
	var rev int64
	op := fmt.Sprintf("saving %q", name)
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		cur, exists, err := state(ctx, tx, name)
		if err != nil {
			return ioErr(op, err)
		}
		switch {
		case expect == 0 && exists:
			return fmt.Errorf("save %q: it exists (revision %d) but was expected not to: %w", name, cur, backend.ErrConflict)
		case expect > 0 && !exists:
			return fmt.Errorf("save %q: expected revision %d but it does not exist: %w", name, expect, backend.ErrConflict)
		case expect > 0 && cur != expect:
			return fmt.Errorf("save %q: expected revision %d but it is at %d: %w", name, expect, cur, backend.ErrConflict)
		}
		rev = cur + 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO configs (name, rev, deleted) VALUES (?, ?, 0)
			ON CONFLICT (name) DO UPDATE SET rev = excluded.rev, deleted = 0`, name, rev); err != nil {
			return ioErr(op, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO revisions (name, rev, time, blob) VALUES (?, ?, ?, ?)",
			name, rev, now.UnixNano(), blob); err != nil {
			return ioErr(op, err)
		}
		if err := logEvent(ctx, tx, name, rev, false); err != nil {
			return ioErr(op, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return rev, nil
}

func (s *Store) Get(ctx context.Context, name string, rev int64) ([]byte, int64, error) {
	if rev == 0 {
		if ok, blob, got, err := s.fastGet(ctx, name); ok {
			return blob, got, err
		}
	}
	var (
		blob []byte
		got  int64
		row  *sql.Row
	)
	if rev == 0 {
		row = s.latest.QueryRowContext(ctx, name)
	} else {
		row = s.db.QueryRowContext(ctx, "SELECT rev, blob FROM revisions WHERE name = ? AND rev = ?", name, rev)
	}
	switch err := row.Scan(&got, &blob); {
	case errors.Is(err, sql.ErrNoRows) && rev == 0:
		return nil, 0, fmt.Errorf("config %q: %w", name, errs.ErrNotFound)
	case errors.Is(err, sql.ErrNoRows):
		return nil, 0, fmt.Errorf("config %q revision %d: %w", name, rev, errs.ErrNotFound)
	case err != nil:
		return nil, 0, ioErr(fmt.Sprintf("loading %q", name), err)
	}
	return blob, got, nil
}

// fastReader is a connection that the Store opens beside database/sql's
// pool, with latestQuery prepared on it, for the loads of one name's latest
// revision: the most frequent call of all, of which database/sql's own work
// was a quarter (taking a connection from the pool and the statement
// prepared for it, converting the argument, the Row and Rows, Scan's copy
// of the blob: BenchmarkGetLatest 3.5 -> 2.7 µs). One load at a time uses
// it; a load that finds it busy goes through the pool as before.
//
// It runs the same statement on the same file with the same settings (the
// DSN's busy timeout, WAL mode), and keeps database/sql's rules for a
// connection: an error is the load's answer and the connection stays,
// unless the driver reports it bad (driver.ErrBadConn, or ResetSession or
// IsValid say so: an interrupted connection), when it is closed and the
// load goes through the pool, and the next load opens another. Each load
// ends its statement (rows.Close resets it), so the connection holds no
// read transaction between loads and sees every commit.
type fastReader struct {
	mu      sync.Mutex
	conn    driver.Conn
	stmt    driver.StmtQueryContext
	closed  bool
	openErr time.Time // when opening last failed: the pool serves for a while
	args    [1]driver.NamedValue
	dest    [2]driver.Value
}

// reopenAfter is how long loads go through the pool after the fast
// connection could not be opened, rather than trying again on each load.
const reopenAfter = time.Second

// fastGet loads name's latest revision on the fast connection. ok is false
// when it did not, and the caller goes through the pool.
func (s *Store) fastGet(ctx context.Context, name string) (ok bool, blob []byte, rev int64, err error) {
	f := &s.fast
	if !f.mu.TryLock() {
		return false, nil, 0, nil
	}
	defer f.mu.Unlock()
	if f.closed || !f.ready(ctx, s) {
		return false, nil, 0, nil
	}
	op := func() string { return fmt.Sprintf("loading %q", name) } // only for an error
	f.args[0] = driver.NamedValue{Ordinal: 1, Value: name}
	rows, qerr := f.stmt.QueryContext(ctx, f.args[:])
	f.args[0] = driver.NamedValue{}
	if qerr != nil {
		return f.answer(ioErr(op(), qerr))
	}
	nerr := rows.Next(f.dest[:])
	typed := false
	if nerr == nil {
		rev, typed = f.dest[0].(int64)
		switch b := f.dest[1].(type) {
		case []byte:
			// The driver's memory, valid until the rows move on (the
			// contract of driver.Rows): the caller gets a copy, as from
			// Scan.
			blob = bytes.Clone(b)
		default:
			typed = false // not what the schema stores: Scan says what is wrong
		}
	}
	clear(f.dest[:])
	cerr := rows.Close()
	switch {
	case nerr == io.EOF && cerr == nil:
		return f.answer(fmt.Errorf("config %q: %w", name, errs.ErrNotFound))
	case nerr != nil:
		return f.answer(ioErr(op(), nerr))
	case cerr != nil:
		return f.answer(ioErr(op(), cerr))
	case !typed:
		return false, nil, 0, nil
	}
	ok, _, _, err = f.answer(nil)
	return ok, blob, rev, err
}

// ready opens the connection if it has none, or replaces one that the
// driver says is bad (f.mu held).
func (f *fastReader) ready(ctx context.Context, s *Store) bool {
	if f.stmt != nil {
		if r, ok := f.conn.(driver.SessionResetter); ok && r.ResetSession(ctx) != nil {
			f.drop()
		}
	}
	if f.stmt != nil {
		return true
	}
	if !f.openErr.IsZero() && time.Since(f.openErr) < reopenAfter {
		return false
	}
	if err := f.open(ctx, s); err != nil {
		if ctx.Err() == nil { // not the file's fault
			f.openErr = time.Now()
		}
		return false
	}
	f.openErr = time.Time{}
	return true
}

func (f *fastReader) open(ctx context.Context, s *Store) error {
	c, err := s.db.Driver().Open(s.dsn)
	if err != nil {
		return err
	}
	p, ok := c.(driver.ConnPrepareContext)
	if !ok {
		c.Close()
		return errors.ErrUnsupported
	}
	st, err := p.PrepareContext(ctx, latestQuery)
	if err != nil {
		c.Close()
		return err
	}
	q, ok := st.(driver.StmtQueryContext)
	if !ok {
		st.Close()
		c.Close()
		return errors.ErrUnsupported
	}
	f.conn, f.stmt = c, q
	return nil
}

// answer ends a load that ran: its error is the answer, unless the
// driver says the connection is bad, which is then closed and the load
// goes through the pool (as database/sql retries on another connection).
func (f *fastReader) answer(err error) (ok bool, blob []byte, rev int64, _ error) {
	bad := errors.Is(err, driver.ErrBadConn)
	if v, isV := f.conn.(driver.Validator); isV && !v.IsValid() {
		bad = true
	}
	if bad {
		f.drop()
		return false, nil, 0, nil
	}
	return true, nil, 0, err
}

func (f *fastReader) drop() {
	if f.stmt != nil {
		f.stmt.(driver.Stmt).Close() // before its connection: the driver's statement uses it
		f.conn.Close()
		f.stmt, f.conn = nil, nil
	}
}

// close closes the connection for good, waiting for a load on it to end.
func (f *fastReader) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	f.drop()
}

// Latest reads the latest revisions of names, leaving out those that do
// not exist (backend.Scanner): one query per 32 names instead of one per
// name, which is most of what a small load costs in Go (database/sql and
// the SQLite engine's per-statement work).
func (s *Store) Latest(ctx context.Context, names []string) ([]backend.Blob, error) {
	out := make([]backend.Blob, 0, len(names))
	args := make([]any, latestManyN)
	for len(names) > 0 {
		batch := names[:min(len(names), latestManyN)]
		names = names[len(batch):]
		for i := range args {
			args[i] = batch[min(i, len(batch)-1)]
		}
		var err error
		if out, err = s.latestBatch(ctx, args, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) latestBatch(ctx context.Context, args []any, out []backend.Blob) ([]backend.Blob, error) {
	rows, err := s.latestMany.QueryContext(ctx, args...)
	if err != nil {
		return nil, ioErr("loading configs", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b backend.Blob
		if err := rows.Scan(&b.Name, &b.Revision, &b.Data); err != nil {
			return nil, ioErr("loading configs", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, ioErr("loading configs", err)
	}
	return out, nil
}

func (s *Store) Delete(ctx context.Context, name string) (int64, error) {
	var rev int64
	op := fmt.Sprintf("deleting %q", name)
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		cur, exists, err := state(ctx, tx, name)
		if err != nil {
			return ioErr(op, err)
		}
		if !exists {
			return fmt.Errorf("delete %q: %w", name, errs.ErrNotFound)
		}
		rev = cur + 1
		if _, err := tx.ExecContext(ctx, "UPDATE configs SET rev = ?, deleted = 1 WHERE name = ?", rev, name); err != nil {
			return ioErr(op, err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM revisions WHERE name = ?", name); err != nil {
			return ioErr(op, err)
		}
		if err := logEvent(ctx, tx, name, rev, true); err != nil {
			return ioErr(op, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return rev, nil
}

func (s *Store) List(ctx context.Context, prefix string) ([]string, error) {
	// Names sort bytewise (BINARY collation), so the ones with the prefix
	// are a contiguous run starting at it.
	rows, err := s.db.QueryContext(ctx, "SELECT name FROM configs WHERE deleted = 0 AND name >= ? ORDER BY name", prefix)
	if err != nil {
		return nil, ioErr("listing names", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, ioErr("listing names", err)
		}
		if !strings.HasPrefix(name, prefix) {
			break
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		return nil, ioErr("listing names", err)
	}
	return out, nil
}

func (s *Store) History(ctx context.Context, name string) ([]backend.HistoryEntry, error) {
	op := fmt.Sprintf("reading the history of %q", name)
	rows, err := s.db.QueryContext(ctx, "SELECT rev, time FROM revisions WHERE name = ? ORDER BY rev", name)
	if err != nil {
		return nil, ioErr(op, err)
	}
	defer rows.Close()
	var out []backend.HistoryEntry
	for rows.Next() {
		var rev, ns int64
		if err := rows.Scan(&rev, &ns); err != nil {
			return nil, ioErr(op, err)
		}
		out = append(out, backend.HistoryEntry{Revision: rev, Time: time.Unix(0, ns).UTC()})
	}
	if err := rows.Err(); err != nil {
		return nil, ioErr(op, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("history of %q: %w", name, errs.ErrNotFound)
	}
	return out, nil
}

// Watch follows the events table: the Store's poller looks for new rows
// every PollInterval (one indexed query, which sees the commits of every
// process) and wakes the watches, which read the new rows.
func (s *Store) Watch(ctx context.Context, prefix string) (<-chan backend.Event, error) {
	if err := s.sameFile("starting a watch"); err != nil {
		return nil, err
	}
	var last int64
	if err := s.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM events").Scan(&last); err != nil {
		return nil, ioErr("starting a watch", err)
	}
	s.subscribe(last)
	out := make(chan backend.Event)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer s.unsubscribe()
		defer close(out)
		for {
			s.nmu.Lock()
			changed := s.changed
			s.nmu.Unlock()
			evs, err := s.eventsAfter(ctx, last)
			if err == nil {
				for _, ev := range evs {
					last = ev.seq
					if !strings.HasPrefix(ev.Name, prefix) {
						continue
					}
					select {
					case out <- ev.Event:
					case <-ctx.Done():
						return
					case <-s.done:
						return
					case <-s.gone:
						return
					}
				}
				if len(evs) == eventsPage {
					continue // more are waiting
				}
			}
			// On an error (the context just ended, a busy file) the next
			// wake-up tries again; the select decides whether to go on.
			select {
			case <-changed:
			case <-ctx.Done():
				return
			case <-s.done:
				return
			case <-s.gone:
				return
			}
		}
	}()
	return out, nil
}

// subscribe counts a watch in and starts the poller if none runs.
func (s *Store) subscribe(from int64) {
	s.nmu.Lock()
	defer s.nmu.Unlock()
	s.watchers++
	if s.polling {
		return
	}
	s.polling = true
	s.wg.Add(1)
	go s.pollLoop(from)
}

func (s *Store) unsubscribe() {
	s.nmu.Lock()
	s.watchers--
	s.nmu.Unlock()
}

// pollLoop wakes the watches whenever the events table has grown, and
// ends when no watch is left.
func (s *Store) pollLoop(last int64) {
	defer s.wg.Done()
	t := time.NewTicker(s.poll)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-s.done:
			s.nmu.Lock()
			s.polling = false
			s.nmu.Unlock()
			return
		}
		s.nmu.Lock()
		if s.watchers == 0 {
			s.polling = false
			s.nmu.Unlock()
			return
		}
		s.nmu.Unlock()
		if s.sameFile("watching") != nil {
			// Deleted or replaced: nothing this file shows will change
			// again. The watches end (their callers see the watch closed).
			s.goneOnce.Do(func() { close(s.gone) })
			s.nmu.Lock()
			s.polling = false
			s.nmu.Unlock()
			return
		}
		var seq int64
		if err := s.db.QueryRow("SELECT COALESCE(MAX(seq), 0) FROM events").Scan(&seq); err != nil || seq == last {
			continue
		}
		last = seq
		s.nmu.Lock()
		close(s.changed)
		s.changed = make(chan struct{})
		s.nmu.Unlock()
	}
}

// eventsPage is how many events a watch reads at once.
const eventsPage = 1000

type seqEvent struct {
	seq int64
	backend.Event
}

func (s *Store) eventsAfter(ctx context.Context, seq int64) ([]seqEvent, error) {
	// A wake-up reaches every watch at once: without a bound, a thousand
	// watches would open as many connections as the pool allows.
	select {
	case s.wread <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.done:
		return nil, errs.ErrClosed
	}
	defer func() { <-s.wread }()
	rows, err := s.db.QueryContext(ctx, "SELECT seq, name, rev, deleted FROM events WHERE seq > ? ORDER BY seq LIMIT ?", seq, eventsPage)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []seqEvent
	for rows.Next() {
		var ev seqEvent
		if err := rows.Scan(&ev.seq, &ev.Name, &ev.Revision, &ev.Deleted); err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

// Close ends the watches and closes the file.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.done)
		s.wg.Wait()
		s.fast.close()
		s.latest.Close()
		s.latestMany.Close()
		s.try.Close()
		if cerr := s.db.Close(); cerr != nil {
			err = ioErr("closing", cerr)
		}
	})
	return err
}
