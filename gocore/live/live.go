package live

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/store"
)

// Defaults and bounds of Options.
const (
	DefaultDebounce  = 100 * time.Millisecond
	DefaultQueueSize = 256
	// MaxDebounce bounds Debounce and MaxDelay: a watcher that waits
	// longer than this is a mistake, not a setting.
	MaxDebounce  = time.Hour
	MaxQueueSize = 1 << 20
	MaxLayers    = 10000
)

// ErrStale is the kind of error Commit gives for a candidate that can no
// longer be put in force: another configuration was committed after it
// was built, or a newer candidate replaced it. Prepare a new one.
var ErrStale = fmt.Errorf("stale candidate: %w", errs.ErrInvalidArgument)

// Options tune a Live; the zero value gives the defaults.
type Options struct {
	// Settings are those of every configuration built (interpolation,
	// environment snapshot, bounds), as for store.NewLayered.
	Settings store.Settings
	// Debounce is how long the sources must stay quiet before a rebuild
	// (0: DefaultDebounce).
	Debounce time.Duration
	// MaxDelay bounds how long a burst that never pauses can hold a
	// rebuild back (0: ten times Debounce, at least one second).
	MaxDelay time.Duration
	// Validate, when set, is called before a rebuilt configuration is put
	// in force (automatic mode only; New calls it on the first one too): a
	// non-nil error rejects it. It runs on the watcher's goroutine, never
	// twice at once, and must not keep the Config it is given.
	Validate func(*store.Config) error
	// Manual queues each rebuilt configuration as a Pending event instead
	// of committing it: the reader of the events calls Commit or Reject.
	Manual bool
	// QueueSize bounds the events waiting for Next (0: DefaultQueueSize).
	QueueSize int
}

type candState uint8

const (
	candOpen candState = iota
	candCommitted
	candRejected
	candSuperseded
)

// Candidate is a configuration rebuilt from the sources, not yet in force.
type Candidate struct {
	l     *Live
	cfg   *store.Config
	marks []string
	gen   uint64
	state candState // guarded by l.mu
	// exposed is set once Config has handed cfg out: Commit then puts a
	// copy in force, so the candidate the caller holds stays as it was.
	exposed atomic.Bool

	// Changes lists what differs from the configuration in force when the
	// candidate was built (values resolved, with their origins).
	Changes []Change
	// Sources names the watched layers whose content differs from what is
	// in force (file names as given; "DB NAME" for stored configs).
	Sources []string
	// Forced is set for a candidate built by Reload or Prepare.
	Forced bool
}

// Config is the candidate configuration, frozen, for a validator to read.
func (c *Candidate) Config() *store.Config {
	c.exposed.Store(true)
	return c.cfg
}

// Live is a layered configuration kept in step with its sources. All
// methods are safe for concurrent use.
type Live struct {
	layers []Layer
	opts   Options
	cfg    *store.Config

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup
	kick   chan struct{} // a source may have changed (capacity 1)
	fs     *fsWatch
	fsErr  error // the last watch failure reported (fsLoop only)

	cycleMu sync.Mutex // one rebuild-and-decide at a time
	buildMu sync.Mutex // guards caches
	caches  []cache

	mu       sync.Mutex // guards what follows
	closed   bool
	applied  []string // marks of the configuration in force
	lastBad  []string // marks of the last rejected build, not reported twice
	gen      uint64   // commits so far
	pending  *Candidate
	deferred bool // a change came while a Pending candidate waited
	queue    []*Event
	seq      uint64
	lost     uint64
	wake     chan struct{} // closed (and replaced) when the queue grows or on Close
}

// New builds the configuration from layers, in order, and starts watching
// the files and stored configs among them. A source that cannot be read
// or parsed, a required file or stored config that is missing, or (in the
// automatic mode) a configuration that Options.Validate refuses is an
// error, as for a plain load. The watches start before the first read, so
// a change made while New runs is not missed.
func New(layers []Layer, opts Options) (*Live, error) {
	switch {
	case len(layers) > MaxLayers:
		return nil, fmt.Errorf("%d layers: at most %d: %w", len(layers), MaxLayers, errs.ErrLimit)
	case opts.Debounce < 0 || opts.Debounce > MaxDebounce:
		return nil, fmt.Errorf("debounce %v: want 0 (the default, %v) up to %v: %w", opts.Debounce, DefaultDebounce, MaxDebounce, errs.ErrInvalidArgument)
	case opts.MaxDelay < 0 || opts.MaxDelay > MaxDebounce:
		return nil, fmt.Errorf("max delay %v: want 0 (the default) up to %v: %w", opts.MaxDelay, MaxDebounce, errs.ErrInvalidArgument)
	case opts.QueueSize < 0 || opts.QueueSize > MaxQueueSize:
		return nil, fmt.Errorf("queue size %d: want 0 (the default, %d) up to %d: %w", opts.QueueSize, DefaultQueueSize, MaxQueueSize, errs.ErrInvalidArgument)
	}
	for i, ly := range layers {
		if ly.kind == 0 {
			return nil, fmt.Errorf("layer %d was not made by File, Stored, Map, Text, Env or Overrides: %w", i, errs.ErrInvalidArgument)
		}
	}
	if opts.Debounce == 0 {
		opts.Debounce = DefaultDebounce
	}
	if opts.MaxDelay == 0 {
		opts.MaxDelay = max(10*opts.Debounce, time.Second)
	}
	if opts.MaxDelay < opts.Debounce {
		opts.MaxDelay = opts.Debounce
	}
	if opts.QueueSize == 0 {
		opts.QueueSize = DefaultQueueSize
	}
	l := &Live{
		layers: slices.Clone(layers),
		opts:   opts,
		cfg:    store.NewLayered(opts.Settings),
		kick:   make(chan struct{}, 1),
		caches: make([]cache, len(layers)),
		wake:   make(chan struct{}),
	}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	ok := false
	defer func() {
		if !ok {
			l.cancel()
			if l.fs != nil {
				l.fs.w.Close()
			}
			l.wg.Wait()
			l.closeOwned()
		}
	}()

	var files, trees []string
	for _, ly := range l.layers {
		switch ly.kind {
		case kindFile, kindEnvFile:
			files = append(files, ly.abs)
		case kindSecrets:
			trees = append(trees, ly.abs)
		}
	}
	if len(files)+len(trees) > 0 {
		fs, err := newFSWatch(files, trees)
		if err != nil {
			if !errors.Is(err, errs.ErrIO) {
				err = fmt.Errorf("watching files: %v: %w", err, errs.ErrIO)
			}
			return nil, err
		}
		l.fs = fs
	}
	for i := range l.layers {
		ly := &l.layers[i]
		if ly.kind != kindStored {
			continue
		}
		ch, err := ly.db.Watch(l.ctx, ly.dbName)
		if err != nil {
			return nil, fmt.Errorf("watching stored config %q: %w", ly.dbName, err)
		}
		l.wg.Add(1)
		go l.dbLoop(ly, ch)
	}

	c, _, err := l.build(l.ctx, true, true)
	if err != nil {
		return nil, err
	}
	if !opts.Manual && opts.Validate != nil {
		if err := validate(opts.Validate, c.cfg); err != nil {
			return nil, err
		}
	}
	l.cfg.Swap(c.cfg)
	l.applied = c.marks
	l.gen = 1

	if l.fs != nil {
		l.wg.Add(1)
		go l.fsLoop()
	}
	l.wg.Add(1)
	go l.run()
	ok = true
	return l, nil
}

// Config is the configuration in force. It is the same Config for the
// whole life of the Live: rebuilds replace its content (store.Config.Swap).
func (l *Live) Config() *store.Config { return l.cfg }

// poke tells the debouncer that a source may have changed.
func (l *Live) poke() {
	select {
	case l.kick <- struct{}{}:
	default: // one is already waiting: the rebuild reads everything anyway
	}
}

// run is the debouncer: it waits for a quiet period after the last poke
// (at most MaxDelay after the first), then rebuilds.
func (l *Live) run() {
	defer l.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var first time.Time
	armed := false
	for {
		select {
		case <-l.ctx.Done():
			return
		case <-l.kick:
			now := time.Now()
			if !armed {
				armed, first = true, now
			}
			d := l.opts.Debounce
			if left := first.Add(l.opts.MaxDelay).Sub(now); left < d {
				d = max(left, 0)
			}
			timer.Reset(d)
		case <-timer.C:
			armed = false
			l.cycle()
		}
	}
}

// cycle is the watcher's rebuild after a change.
func (l *Live) cycle() {
	l.cycleMu.Lock()
	defer l.cycleMu.Unlock()
	l.mu.Lock()
	if l.pending != nil {
		l.deferred = true // built again once the pending one is decided
		l.mu.Unlock()
		return
	}
	l.mu.Unlock()
	_, _ = l.step(l.ctx, false)
}

// step rebuilds and decides: in the automatic mode validates and commits
// or rejects, in the manual mode queues the candidate as Pending. It
// returns the event it queued (nil when nothing changed). Held: cycleMu.
func (l *Live) step(ctx context.Context, force bool) (*Event, error) {
	c, skip, err := l.build(ctx, force, false)
	if cerr := ctx.Err(); cerr != nil {
		return nil, l.stopped(cerr)
	}
	if skip {
		return nil, nil
	}
	if err != nil {
		return l.reject(c, err), nil
	}
	if l.opts.Manual && (len(c.Changes) > 0 || force) {
		return l.offer(c)
	}
	// Values equal to those in force need no second opinion: they are put
	// in force (the origins may have moved) without an event.
	if l.opts.Validate != nil && !l.opts.Manual {
		if err := validate(l.opts.Validate, c.cfg); err != nil {
			return l.reject(c, err), nil
		}
	}
	return l.Commit(c)
}

// stopped turns a done context into the error to report: ErrClosed when
// the Live was closed, else the caller's cancellation.
func (l *Live) stopped(err error) error {
	if l.ctx.Err() != nil {
		return fmt.Errorf("live configuration: %w", errs.ErrClosed)
	}
	return fmt.Errorf("%v: %w", err, errs.ErrCancelled)
}

func validate(f func(*store.Config) error, c *store.Config) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the validator panicked: %v: %w", r, errs.ErrInternal)
		}
	}()
	if err := f(c); err != nil {
		return fmt.Errorf("validation failed: %w", err)
	}
	return nil
}

// build reads every watched layer and, unless force is off and the
// sources hold what is in force (or what was last rejected), merges the
// whole stack into a new configuration. On error the candidate carries
// the marks and sources only.
func (l *Live) build(ctx context.Context, force, initial bool) (*Candidate, bool, error) {
	l.buildMu.Lock()
	defer l.buildMu.Unlock()
	readings := make([]reading, len(l.layers))
	marks := make([]string, len(l.layers))
	var readErr error
	for i := range l.layers {
		ly := &l.layers[i]
		if !ly.watched() {
			continue
		}
		r, err := ly.read(ctx, &l.caches[i], l.opts.Settings.Env)
		readings[i], marks[i] = r, r.mark
		if err != nil {
			if ctx.Err() != nil {
				return nil, false, ctx.Err()
			}
			if marks[i] == "" {
				marks[i] = "e" + err.Error()
			}
			if readErr == nil {
				readErr = err
			}
		}
	}
	l.mu.Lock()
	applied, lastBad, gen := l.applied, l.lastBad, l.gen
	l.mu.Unlock()
	if !force && (slices.Equal(marks, applied) || slices.Equal(marks, lastBad)) {
		return nil, true, nil
	}
	c := &Candidate{l: l, marks: marks, gen: gen, Forced: force && !initial}
	for i := range l.layers {
		if ly := &l.layers[i]; ly.watched() && (applied == nil || marks[i] != applied[i]) {
			c.Sources = append(c.Sources, ly.label())
		}
	}
	if readErr != nil {
		return c, false, readErr
	}
	settings, be := l.settingsFor(readings)
	cfg := store.NewLayered(settings)
	for i := range l.layers {
		if err := l.layers[i].merge(cfg, readings[i], be); err != nil {
			return c, false, err
		}
	}
	cfg.Freeze()
	c.cfg = cfg
	if !initial {
		c.Changes = changes(l.cfg, cfg)
	}
	return c, false, nil
}

// settingsFor gives the settings of one rebuild: the variables of the .env
// layers read join the environment snapshot below the real ones, so that
// ${env:NAME} sees them as after python-dotenv's load_dotenv.
func (l *Live) settingsFor(readings []reading) (store.Settings, *buildEnv) {
	s := l.opts.Settings
	be := &buildEnv{real: s.Env, names: envNames(s.Env), parseEnv: s.ParseEnv}
	var extra []string
	seen := map[string]struct{}{}
	for i := len(l.layers) - 1; i >= 0; i-- { // a later .env file wins
		ly := &l.layers[i]
		if ly.kind != kindEnvFile || readings[i].doc == nil {
			continue
		}
		for _, it := range ly.dotenvItems(readings[i].doc, be.names) {
			if _, dup := seen[it.Name]; dup {
				continue
			}
			seen[it.Name] = struct{}{}
			extra = append(extra, it.Name+"="+it.Value.(string))
		}
	}
	if len(extra) > 0 {
		s.Env = append(extra, s.Env...)
	}
	return s, be
}

// Prepare rebuilds the configuration from the sources now, whether they
// changed or not, and returns it as a candidate for Commit or Reject. It
// queues nothing. A source that cannot be read or parsed is an error
// (file:line:col for a parse error).
func (l *Live) Prepare(ctx context.Context) (*Candidate, error) {
	ctx, done, err := l.callContext(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	c, _, err := l.build(ctx, true, false)
	if cerr := ctx.Err(); cerr != nil {
		return nil, l.stopped(cerr)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// callContext joins the caller's context with the Live's own, which Close
// cancels.
func (l *Live) callContext(ctx context.Context) (context.Context, func(), error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if l.ctx.Err() != nil {
		return nil, nil, fmt.Errorf("live configuration: %w", errs.ErrClosed)
	}
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(l.ctx, cancel)
	return ctx, func() { stop(); cancel() }, nil
}

func (l *Live) checkCandidate(c *Candidate) error {
	switch {
	case c == nil || c.l != l:
		return fmt.Errorf("not a candidate of this live configuration: %w", errs.ErrInvalidArgument)
	case l.closed:
		return fmt.Errorf("live configuration: %w", errs.ErrClosed)
	case c.cfg == nil:
		return fmt.Errorf("the candidate failed to build: %w", errs.ErrInvalidArgument)
	case c.state == candCommitted:
		return fmt.Errorf("the candidate was committed already: %w", errs.ErrInvalidArgument)
	case c.state == candRejected:
		return fmt.Errorf("the candidate was rejected already: %w", errs.ErrInvalidArgument)
	case c.state == candSuperseded:
		return fmt.Errorf("a newer candidate replaced this one: %w", ErrStale)
	}
	return nil
}

// settle ends the candidate's pending status, if it had one, and starts
// the rebuild that changes met while it waited (held: l.mu).
func (l *Live) settle(c *Candidate) {
	if l.pending == c {
		l.pending = nil
		if l.deferred {
			l.deferred = false
			l.poke()
		}
	}
}

// Commit puts c in force: readers see the whole new configuration from
// now on, and its version moves on. An Applied event is queued when some
// value changed or c was forced. It fails with ErrStale when another
// configuration was committed since c was built.
func (l *Live) Commit(c *Candidate) (*Event, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.checkCandidate(c); err != nil {
		return nil, err
	}
	if c.gen != l.gen {
		c.state = candSuperseded
		l.settle(c)
		return nil, fmt.Errorf("another configuration was put in force after this one was built: %w", ErrStale)
	}
	c.state = candCommitted
	next := c.cfg
	if c.exposed.Load() {
		next = c.cfg.Clone()
	}
	ver := l.cfg.Swap(next)
	l.gen++
	l.applied, l.lastBad = c.marks, nil
	l.settle(c)
	ev := &Event{Kind: Applied, Version: ver, Changes: c.Changes, Sources: c.Sources, Forced: c.Forced}
	if len(c.Changes) > 0 || c.Forced {
		l.push(ev)
	} else {
		ev.Time = time.Now()
	}
	return ev, nil
}

// Reject discards c and queues a Rejected event carrying reason (a
// validation error, say). The same content of the sources is not
// offered again; the next change is.
func (l *Live) Reject(c *Candidate, reason error) (*Event, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.checkCandidate(c); err != nil {
		return nil, err
	}
	if reason == nil {
		reason = errors.New("rejected")
	}
	c.state = candRejected
	l.settle(c)
	l.lastBad = c.marks
	ev := &Event{Kind: Rejected, Err: reason, Sources: c.Sources, Forced: c.Forced}
	l.push(ev)
	return ev, nil
}

// reject records a build that failed (held: cycleMu).
func (l *Live) reject(c *Candidate, err error) *Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lastBad = c.marks
	ev := &Event{Kind: Rejected, Err: err, Sources: c.Sources, Forced: c.Forced}
	if !l.closed {
		l.push(ev)
	}
	return ev
}

// offer queues c as the Pending candidate (manual mode); a candidate still
// pending is superseded by it.
func (l *Live) offer(c *Candidate) (*Event, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, fmt.Errorf("live configuration: %w", errs.ErrClosed)
	}
	if old := l.pending; old != nil {
		old.state = candSuperseded
	}
	l.pending = c
	l.deferred = false
	c.exposed.Store(true) // the reader of the event gets it
	ev := &Event{Kind: Pending, Candidate: c, Changes: c.Changes, Sources: c.Sources, Forced: c.Forced}
	l.push(ev)
	return ev, nil
}

// Reload rebuilds now, whatever changed, and decides as the watcher does:
// in the automatic mode it returns the Applied event (queued too, even
// with no change) or the Rejected one (the configuration in force stays);
// in the manual mode the Pending one. The error is for a closed Live or a
// cancelled ctx only.
func (l *Live) Reload(ctx context.Context) (*Event, error) {
	ctx, done, err := l.callContext(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	l.cycleMu.Lock()
	defer l.cycleMu.Unlock()
	return l.step(ctx, true)
}

// fail queues a Failed event: a source can no longer be watched.
func (l *Live) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.push(&Event{Kind: Failed, Err: err})
	}
}

// push queues ev, dropping the oldest event that is not Pending when the
// queue is full (held: l.mu).
func (l *Live) push(ev *Event) {
	l.seq++
	ev.Seq = l.seq
	ev.Time = time.Now()
	if len(l.queue) >= l.opts.QueueSize {
		drop := 0
		for drop < len(l.queue)-1 && l.queue[drop].Kind == Pending {
			drop++
		}
		l.queue = slices.Delete(l.queue, drop, drop+1)
		l.lost++
	}
	l.queue = append(l.queue, ev)
	close(l.wake)
	l.wake = make(chan struct{})
}

// Next returns the next event, in order. timeout < 0 waits without limit,
// 0 only looks. It returns (nil, nil) when the timeout passed with no
// event, errs.ErrCancelled when ctx was done, and errs.ErrClosed once the
// Live is closed and the events queued before were all read. Each event
// is delivered once, to one caller.
func (l *Live) Next(ctx context.Context, timeout time.Duration) (*Event, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		deadline = t.C
	}
	for {
		l.mu.Lock()
		if len(l.queue) > 0 {
			ev := l.queue[0]
			l.queue[0] = nil
			l.queue = l.queue[1:]
			ev.Dropped, l.lost = l.lost, 0
			l.mu.Unlock()
			return ev, nil
		}
		if l.closed {
			l.mu.Unlock()
			return nil, fmt.Errorf("live configuration: %w", errs.ErrClosed)
		}
		wake := l.wake
		l.mu.Unlock()
		if timeout == 0 {
			return nil, nil
		}
		select {
		case <-wake:
		case <-deadline:
			return nil, nil
		case <-ctx.Done():
			return nil, fmt.Errorf("%v: %w", ctx.Err(), errs.ErrCancelled)
		}
	}
}

// Close stops watching: it ends every goroutine of the Live and waits for
// them, and closes the databases of the Stored layers made with own. The
// Config keeps the last configuration put in force. A second Close does
// nothing.
func (l *Live) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	if l.pending != nil {
		l.pending.state = candSuperseded
		l.pending = nil
	}
	close(l.wake)
	l.wake = make(chan struct{})
	l.mu.Unlock()
	l.cancel()
	l.wg.Wait()
	return l.closeOwned()
}

// closeOwned closes the databases that Stored layers made with own hand
// over; New does it too when it fails, so ownership always passes.
func (l *Live) closeOwned() error {
	var errList []error
	for i := range l.layers {
		if ly := &l.layers[i]; ly.kind == kindStored && ly.ownDB {
			if err := ly.db.Close(); err != nil {
				errList = append(errList, err)
			}
		}
	}
	return errors.Join(errList...)
}

// fsLoop reads the file system's events; it owns l.fs.
func (l *Live) fsLoop() {
	defer l.wg.Done()
	defer l.fs.w.Close()
	for {
		select {
		case <-l.ctx.Done():
			return
		case ev, ok := <-l.fs.w.Events:
			if !ok {
				return
			}
			if !l.fs.relevant(ev) {
				continue
			}
			l.fs.forget(ev)
			l.resync()
			l.poke()
		case err, ok := <-l.fs.w.Errors:
			if !ok {
				return
			}
			if overflow(err) {
				// Events were lost: look at everything again.
				l.resync()
				l.poke()
				continue
			}
			l.fail(fmt.Errorf("watching files: %v: %w", err, errs.ErrIO))
		}
	}
}

// resync moves the directory watches after an event, reporting a
// directory that cannot be watched once (until it can be again).
func (l *Live) resync() {
	err := l.fs.sync()
	if err != nil && (l.fsErr == nil || err.Error() != l.fsErr.Error()) {
		l.fail(err)
	}
	l.fsErr = err
}

// dbLoop turns the database's events for one stored layer into pokes.
func (l *Live) dbLoop(ly *Layer, ch <-chan db.Event) {
	defer l.wg.Done()
	for {
		select {
		case <-l.ctx.Done():
			return
		case ev, ok := <-ch:
			if !ok {
				if l.ctx.Err() == nil {
					l.fail(fmt.Errorf("stored config %q in %s: the watch ended (the database was closed, its SQLite file deleted or replaced, or the connection lost); its changes are no longer seen: %w", ly.dbName, ly.db, errs.ErrClosed))
				}
				return
			}
			if ev.Name == ly.dbName {
				l.poke()
			}
		}
	}
}

// changes is the diff from the configuration in force to next, with the
// origin of each side. Values are compared as reads give them; when a
// reference does not resolve, the stored values are compared instead.
func changes(cur, next *store.Config) []Change {
	diff, err := cur.Diff(next)
	if err != nil {
		diff = layer.Diff(cur.Snapshot(), next.Snapshot())
	}
	out := make([]Change, len(diff))
	for i, d := range diff {
		out[i] = Change{Change: d}
		if d.Op != layer.Added {
			out[i].OldOrigin = lastOrigin(cur, d.Path)
		}
		if d.Op != layer.Removed {
			out[i].NewOrigin = lastOrigin(next, d.Path)
		}
	}
	return out
}

func lastOrigin(c *store.Config, path string) layer.Origin {
	h, err := c.History(path)
	if err != nil || len(h) == 0 {
		return layer.Origin{}
	}
	return h[len(h)-1]
}
