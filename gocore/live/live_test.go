package live

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
)

// patience bounds every wait of these tests: it only keeps a broken
// watcher from hanging the suite, and is never what a test checks.
const patience = 15 * time.Second

// quick is the debounce the tests use, to keep them short.
const quick = 20 * time.Millisecond

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// saveByRename writes the way most editors and fileio.WriteAtomic save:
// a temporary file in the same directory renamed over the old one.
func saveByRename(t *testing.T, path, text string) {
	t.Helper()
	tmp := path + ".tmp~"
	write(t, tmp, text)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func fileLayer(t *testing.T, path string, optional bool) Layer {
	t.Helper()
	ly, err := File(path, "", optional, layer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ly
}

func start(t *testing.T, layers []Layer, opts Options) *Live {
	t.Helper()
	if opts.Debounce == 0 {
		opts.Debounce = quick
	}
	l, err := New(layers, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func get(t *testing.T, c *store.Config, path string) any {
	t.Helper()
	v, err := c.Get(path)
	if err != nil {
		return err
	}
	return v
}

// next waits for the next event and checks its kind.
func next(t *testing.T, l *Live, want Kind) *Event {
	t.Helper()
	ev, err := l.Next(context.Background(), patience)
	if err != nil {
		t.Fatalf("waiting for a %v event: %v", want, err)
	}
	if ev == nil {
		t.Fatalf("no %v event came", want)
	}
	if ev.Kind != want {
		t.Fatalf("got a %v event (%v, changes %v), want %v", ev.Kind, ev.Err, ev.Changes, want)
	}
	return ev
}

// until reads events until the config satisfies ok, failing on a
// Rejected or Failed event, and returns the last Applied event.
func until(t *testing.T, l *Live, ok func(*store.Config) bool) *Event {
	t.Helper()
	var last *Event
	deadline := time.Now().Add(patience)
	for !ok(l.Config()) {
		left := time.Until(deadline)
		if left <= 0 {
			t.Fatalf("the config never reached the expected state: %v", l.Config().Snapshot())
		}
		ev, err := l.Next(context.Background(), left)
		if err != nil {
			t.Fatal(err)
		}
		if ev == nil {
			continue
		}
		if ev.Kind != Applied {
			t.Fatalf("unexpected %v event: %v", ev.Kind, ev.Err)
		}
		last = ev
	}
	return last
}

func valueIs(path string, want any) func(*store.Config) bool {
	return func(c *store.Config) bool {
		v, err := c.Get(path)
		return err == nil && value.Equal(v, want)
	}
}

func TestRenameOnSave(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.yaml")
	write(t, p, "server:\n  port: 8080\n  host: a\n")
	l := start(t, []Layer{fileLayer(t, p, false)}, Options{})
	if got := get(t, l.Config(), "server.port"); got != int64(8080) {
		t.Fatalf("port %v", got)
	}
	v0 := l.Config().Version()
	saveByRename(t, p, "server:\n  host: a\n  port: 9090\n")
	ev := next(t, l, Applied)
	if len(ev.Changes) != 1 {
		t.Fatalf("changes %+v, want one", ev.Changes)
	}
	c := ev.Changes[0]
	if c.Op != layer.Changed || c.Path != "server.port" || c.Old != int64(8080) || c.New != int64(9090) {
		t.Fatalf("change %+v", c)
	}
	if c.OldOrigin.String() != p+":2:3" || c.NewOrigin.String() != p+":3:3" {
		t.Fatalf("origins %v -> %v", c.OldOrigin, c.NewOrigin)
	}
	if len(ev.Sources) != 1 || ev.Sources[0] != p {
		t.Fatalf("sources %v", ev.Sources)
	}
	if get(t, l.Config(), "server.port") != int64(9090) || ev.Version <= v0 || l.Config().Version() != ev.Version {
		t.Fatalf("after the event: port %v, version %d (was %d)", get(t, l.Config(), "server.port"), ev.Version, v0)
	}
	// Provenance points into the new file.
	h, _ := l.Config().History("server.port")
	if len(h) != 1 || h[0].Line != 3 {
		t.Fatalf("history %v", h)
	}
}

func TestInPlaceWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.json")
	write(t, p, `{"a": 1, "b": 1}`)
	l := start(t, []Layer{fileLayer(t, p, false)}, Options{Debounce: 500 * time.Millisecond})
	// One save in several writes, as some editors do: truncate, then
	// pieces. The debounce holds the rebuild until the save is over.
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, piece := range []string{`{"a": `, `2, `, `"b": 2`, `}`} {
		if _, err := f.WriteString(piece); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	f.Close()
	until(t, l, func(c *store.Config) bool {
		return value.Equal(get(t, c, "a"), int64(2)) && value.Equal(get(t, c, "b"), int64(2))
	})
}

// TestConfigMapSwap lays a directory out as the kubelet does for a
// ConfigMap volume and updates it the same way, twice.
func TestConfigMapSwap(t *testing.T) {
	dir := t.TempDir()
	version := func(stamp, text string) string {
		d := filepath.Join(dir, "..2026_12_01_"+stamp)
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(d, "app.yaml"), text)
		return filepath.Base(d)
	}
	swap := func(target string) {
		tmp := filepath.Join(dir, "..data_tmp")
		if err := os.Symlink(target, tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, "..data")); err != nil {
			t.Fatal(err)
		}
	}
	first := version("00_00_00.1", "level: 1\n")
	if err := os.Symlink(first, filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "app.yaml")
	if err := os.Symlink(filepath.Join("..data", "app.yaml"), p); err != nil {
		t.Fatal(err)
	}
	l := start(t, []Layer{fileLayer(t, p, false)}, Options{})
	if got := get(t, l.Config(), "level"); got != int64(1) {
		t.Fatalf("level %v", got)
	}
	prev := first
	for i := 2; i <= 3; i++ {
		d := version(fmt.Sprintf("00_00_0%d.%d", i, i), fmt.Sprintf("level: %d\n", i))
		swap(d)
		if err := os.RemoveAll(filepath.Join(dir, prev)); err != nil {
			t.Fatal(err)
		}
		prev = d
		ev := next(t, l, Applied)
		if len(ev.Changes) != 1 || ev.Changes[0].New != int64(i) {
			t.Fatalf("swap %d: changes %+v", i, ev.Changes)
		}
	}
	// The real file behind the links is watched too.
	write(t, filepath.Join(dir, prev, "app.yaml"), "level: 4\n")
	until(t, l, valueIs("level", int64(4)))
}

func TestDeleteAndRecreate(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.toml")
	write(t, p, "x = 1\n")
	l := start(t, []Layer{fileLayer(t, p, false)}, Options{})
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	ev := next(t, l, Rejected)
	if !errors.Is(ev.Err, errs.ErrIO) || !errors.Is(ev.Err, os.ErrNotExist) || !strings.Contains(ev.Err.Error(), p) {
		t.Fatalf("rejection: %v", ev.Err)
	}
	if get(t, l.Config(), "x") != int64(1) {
		t.Fatal("a rejected change touched the config")
	}
	write(t, p, "x = 2\n")
	ev = next(t, l, Applied)
	if len(ev.Changes) != 1 || ev.Changes[0].New != int64(2) {
		t.Fatalf("changes %+v", ev.Changes)
	}
}

func TestOptionalFileAppearsAndDisappears(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "app.yaml")
	write(t, base, "a: base\nb: base\n")
	// The optional file's directory does not exist yet either.
	local := filepath.Join(dir, "conf.d", "local", "app.local.yaml")
	l := start(t, []Layer{fileLayer(t, base, false), fileLayer(t, local, true)}, Options{})
	if err := os.MkdirAll(filepath.Dir(local), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, local, "b: local\nc: local\n")
	ev := until(t, l, valueIs("c", "local"))
	if get(t, l.Config(), "b") != "local" {
		t.Fatalf("b = %v", get(t, l.Config(), "b"))
	}
	if ev == nil || len(ev.Sources) != 1 || ev.Sources[0] != local {
		t.Fatalf("event %+v", ev)
	}
	if err := os.Remove(local); err != nil {
		t.Fatal(err)
	}
	ev = next(t, l, Applied)
	if get(t, l.Config(), "b") != "base" {
		t.Fatalf("b = %v after the optional file went", get(t, l.Config(), "b"))
	}
	ops := map[string]layer.Op{}
	for _, c := range ev.Changes {
		ops[c.Path] = c.Op
	}
	if ops["b"] != layer.Changed || ops["c"] != layer.Removed || len(ops) != 2 {
		t.Fatalf("changes %+v", ev.Changes)
	}
}

func TestRapidWritesEndInTheFinalState(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.yaml")
	write(t, p, "n: -1\nm: -1\n")
	l := start(t, []Layer{fileLayer(t, p, false)}, Options{Debounce: 50 * time.Millisecond})
	const writes = 1000
	for i := range writes {
		if i%2 == 0 {
			write(t, p, fmt.Sprintf("n: %d\nm: %d\n", i, i))
		} else {
			saveByRename(t, p, fmt.Sprintf("n: %d\nm: %d\n", i, i))
		}
	}
	final := int64(writes - 1)
	deadline := time.Now().Add(patience)
	var applied, rejected int
	for !valueIs("n", final)(l.Config()) {
		ev, err := l.Next(context.Background(), time.Until(deadline))
		if err != nil || ev == nil {
			t.Fatalf("the final state never came: %v, n = %v", err, get(t, l.Config(), "n"))
		}
		switch ev.Kind {
		case Applied:
			applied++
		case Rejected:
			rejected++ // an in-place write read half way; a later one fixes it
		}
	}
	if get(t, l.Config(), "m") != final {
		t.Fatalf("m = %v", get(t, l.Config(), "m"))
	}
	t.Logf("%d writes gave %d applied and %d rejected rebuilds", writes, applied, rejected)
	// Nothing more is pending: a forced reload finds the same state.
	ev, err := l.Reload(context.Background())
	if err != nil || ev.Kind != Applied || len(ev.Changes) != 0 || !ev.Forced {
		t.Fatalf("reload: %+v, %v", ev, err)
	}
}

func TestInvalidChangeRejectedThenValidApplied(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.yaml")
	write(t, p, "a: 1\nb: [1, 2]\n")
	l := start(t, []Layer{fileLayer(t, p, false)}, Options{})
	v0 := l.Config().Version()
	saveByRename(t, p, "a: 1\nb: [1, 2\n")
	ev := next(t, l, Rejected)
	var loc *errs.Located
	if !errors.As(ev.Err, &loc) || loc.Path != p || loc.Line == 0 || !errors.Is(ev.Err, errs.ErrParse) {
		t.Fatalf("rejection %v (%#v)", ev.Err, loc)
	}
	if !strings.HasPrefix(ev.Err.Error(), fmt.Sprintf("%s:%d:%d: ", p, loc.Line, loc.Column)) {
		t.Fatalf("message %q does not start with file:line:col", ev.Err)
	}
	w := ev.Wire()
	if e := w[8].([]any); e[1] != p || e[2] != int64(loc.Line) {
		t.Fatalf("wire error %v", e)
	}
	if l.Config().Version() != v0 || get(t, l.Config(), "a") != int64(1) {
		t.Fatal("a rejected change touched the config")
	}
	// Touching the same bad file again reports nothing new; a good save
	// is applied.
	saveByRename(t, p, "a: 1\nb: [1, 2\n")
	saveByRename(t, p, "a: 2\nb: [1, 2]\n")
	ev = next(t, l, Applied)
	if len(ev.Changes) != 1 || ev.Changes[0].Path != "a" {
		t.Fatalf("changes %+v", ev.Changes)
	}
}

func TestHostileContentIsRejected(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.json")
	write(t, p, `{"ok": true}`)
	l := start(t, []Layer{fileLayer(t, p, false)}, Options{})
	for _, bad := range []string{
		"{\"a\\ud800b\": 1}",                                  // a lone surrogate in a key (NUL is allowed since issue 12)
		"{\"a\": \"\xff\xfe\"}",                               // invalid UTF-8
		strings.Repeat("[", 5000) + strings.Repeat("]", 5000), // too deep
		`{"a": ` + strings.Repeat("9", 5000) + `}`,            // an integer over the digit limit
	} {
		saveByRename(t, p, bad)
		ev := next(t, l, Rejected)
		if ev.Err == nil || !strings.Contains(ev.Err.Error(), p) {
			t.Fatalf("%.20q: rejection %v", bad, ev.Err)
		}
		if get(t, l.Config(), "ok") != true {
			t.Fatalf("%.20q changed the config", bad)
		}
	}
}

func TestValidateHook(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.yaml")
	write(t, p, "port: 80\n")
	check := func(c *store.Config) error {
		v, err := c.Get("port")
		if err != nil {
			return err
		}
		if n, ok := v.(int64); !ok || n <= 0 || n > 65535 {
			return fmt.Errorf("port: %v is not a port number", v)
		}
		return nil
	}
	l := start(t, []Layer{fileLayer(t, p, false)}, Options{Validate: check})
	saveByRename(t, p, "port: 99999\n")
	ev := next(t, l, Rejected)
	if !strings.Contains(ev.Err.Error(), "99999 is not a port number") {
		t.Fatalf("rejection %v", ev.Err)
	}
	if get(t, l.Config(), "port") != int64(80) {
		t.Fatal("a refused change took effect")
	}
	saveByRename(t, p, "port: 8080\n")
	ev = next(t, l, Applied)
	if ev.Changes[0].New != int64(8080) {
		t.Fatalf("changes %+v", ev.Changes)
	}
	// A validator that panics rejects the change; the watcher goes on.
	l2 := start(t, []Layer{fileLayer(t, p, false)}, Options{Validate: func(c *store.Config) error {
		if v, _ := c.Get("port"); v == int64(1) {
			panic("boom")
		}
		return nil
	}})
	saveByRename(t, p, "port: 1\n")
	next(t, l, Applied)
	if ev := next(t, l2, Rejected); !errors.Is(ev.Err, errs.ErrInternal) {
		t.Fatalf("panic: %v", ev.Err)
	}
	saveByRename(t, p, "port: 2\n")
	next(t, l2, Applied)
	// New refuses a first configuration that does not validate.
	if _, err := New([]Layer{fileLayer(t, p, false)}, Options{Validate: func(*store.Config) error { return errors.New("no") }}); err == nil {
		t.Fatal("New accepted an invalid configuration")
	}
}

func TestManualTwoPhase(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.yaml")
	write(t, p, "a: 1\n")
	l := start(t, []Layer{fileLayer(t, p, false)}, Options{Manual: true})
	saveByRename(t, p, "a: 2\n")
	ev := next(t, l, Pending)
	cand := ev.Candidate
	if cand == nil || get(t, cand.Config(), "a") != int64(2) || len(ev.Changes) != 1 {
		t.Fatalf("pending %+v", ev)
	}
	if get(t, l.Config(), "a") != int64(1) {
		t.Fatal("a pending candidate took effect")
	}
	if err := cand.Config().Set("a", int64(5)); !errors.Is(err, store.ErrFrozen) {
		t.Fatalf("a candidate is writable: %v", err)
	}
	// While it waits, further changes are held back, then offered.
	saveByRename(t, p, "a: 3\n")
	applied, err := l.Commit(cand)
	if err != nil || applied.Kind != Applied {
		t.Fatalf("commit: %+v, %v", applied, err)
	}
	if get(t, l.Config(), "a") != int64(2) || get(t, cand.Config(), "a") != int64(2) {
		t.Fatal("commit did not put the candidate in force, or changed it")
	}
	if _, err := l.Commit(cand); err == nil {
		t.Fatal("a second commit of the same candidate succeeded")
	}
	if got := next(t, l, Applied); got.Seq != applied.Seq {
		t.Fatalf("queued %d, returned %d", got.Seq, applied.Seq)
	}
	ev = next(t, l, Pending)
	if get(t, ev.Candidate.Config(), "a") != int64(3) {
		t.Fatalf("the held-back change: %v", get(t, ev.Candidate.Config(), "a"))
	}
	rej, err := l.Reject(ev.Candidate, errors.New("a must stay below 3"))
	if err != nil || rej.Kind != Rejected {
		t.Fatal(err)
	}
	next(t, l, Rejected)
	if get(t, l.Config(), "a") != int64(2) {
		t.Fatal("a rejected candidate took effect")
	}
	if _, err := l.Commit(ev.Candidate); err == nil {
		t.Fatal("a rejected candidate was committed")
	}
	// Prepare builds at once; a candidate prepared before another commit
	// is stale.
	c1, err := l.Prepare(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c2, err := l.Prepare(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Commit(c2); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Commit(c1); !errors.Is(err, ErrStale) {
		t.Fatalf("stale commit: %v", err)
	}
	// A bad file is rejected without a Pending event.
	saveByRename(t, p, "a: [\n")
	for {
		ev := next(t, l, l.peekKind(t))
		if ev.Kind == Rejected {
			break
		}
	}
}

// peekKind is the kind of the event at the head of the queue (waiting for
// one), so that a test can skip events it does not care about.
func (l *Live) peekKind(t *testing.T) Kind {
	t.Helper()
	deadline := time.Now().Add(patience)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		if len(l.queue) > 0 {
			k := l.queue[0].Kind
			l.mu.Unlock()
			return k
		}
		l.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no event came")
	return 0
}

func TestReadersNeverSeeAMix(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.yaml")
	doc := func(i int) string {
		return fmt.Sprintf("a: %d\nnested:\n  b: %d\n  list: [%d, %d]\nflag_%d: true\n", i, i, i, i, i%3)
	}
	write(t, p, doc(0))
	l := start(t, []Layer{fileLayer(t, p, false)}, Options{Debounce: time.Millisecond})
	c := l.Config()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var reads, mixed atomic.Int64
	var lastSeen atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				err := c.View("", func(v any) error {
					m := v.(*value.Map)
					a, _ := m.Get("a")
					nested, _ := m.Get("nested")
					b, _ := nested.(*value.Map).Get("b")
					list, _ := nested.(*value.Map).Get("list")
					flags := 0
					for _, k := range m.Keys() {
						if strings.HasPrefix(k, "flag_") {
							flags++
						}
					}
					if a != b || !value.Equal(list, []any{a, a}) || flags != 1 || m.Len() != 3 {
						mixed.Add(1)
					}
					lastSeen.Store(a.(int64))
					return nil
				})
				if err != nil {
					mixed.Add(1)
				}
				reads.Add(1)
			}
		}()
	}
	const versions = 200
	for i := 1; i <= versions; i++ {
		saveByRename(t, p, doc(i))
		if i%20 == 0 {
			until(t, l, valueIs("a", int64(i)))
		}
	}
	close(stop)
	wg.Wait()
	if mixed.Load() != 0 {
		t.Fatalf("%d of %d reads saw a mixed configuration", mixed.Load(), reads.Load())
	}
	if lastSeen.Load() != versions {
		t.Fatalf("readers last saw a = %d", lastSeen.Load())
	}
}

func TestEnvironmentAndOverridesStayAsLoaded(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.yaml")
	write(t, p, "server:\n  port: 1\n  host: file\ndebug: false\nname: file\n")
	defaults, _ := Map(layer.KindDefaults, "defaults", mapOf("timeout", int64(30)), layer.Options{})
	text, err := Text([]byte("name = \"text\"\n"), "toml", "inline", layer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	over, err := Overrides([]string{"debug=true"}, true)
	if err != nil {
		t.Fatal(err)
	}
	settings := store.Settings{Interpolate: true, ParseEnv: true, Env: []string{"APP_SERVER__PORT=9000", "HOME=/h"}}
	l := start(t, []Layer{defaults, fileLayer(t, p, false), text, Env("APP", "", false), over}, Options{Settings: settings})
	check := func() {
		t.Helper()
		c := l.Config()
		if get(t, c, "server.port") != int64(9000) || get(t, c, "debug") != true || get(t, c, "timeout") != int64(30) || get(t, c, "name") != "text" {
			t.Fatalf("config %v", c.Snapshot())
		}
		if o := lastOrigin(c, "server.port"); o.String() != "env APP_SERVER__PORT" {
			t.Fatalf("origin %v", o)
		}
	}
	check()
	saveByRename(t, p, "server:\n  port: 2\n  host: new\ndebug: false\nname: file\nextra: ${env:HOME}\n")
	ev := next(t, l, Applied)
	check()
	got := map[string]any{}
	for _, c := range ev.Changes {
		got[c.Path] = c.New
	}
	if len(got) != 2 || got["server.host"] != "new" || got["extra"] != "/h" {
		t.Fatalf("changes %+v", ev.Changes)
	}
}

func mapOf(kv ...any) *value.Map {
	m := value.NewMap(len(kv) / 2)
	for i := 0; i < len(kv); i += 2 {
		m.Set(kv[i].(string), kv[i+1])
	}
	return m
}

func TestReloadAndQueueBound(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.ini")
	write(t, p, "[s]\nk = v\n")
	l := start(t, []Layer{fileLayer(t, p, false)}, Options{QueueSize: 3})
	for range 10 {
		ev, err := l.Reload(context.Background())
		if err != nil || ev.Kind != Applied || !ev.Forced {
			t.Fatalf("reload: %+v, %v", ev, err)
		}
	}
	ev := next(t, l, Applied)
	if ev.Dropped != 7 || ev.Seq != 8 {
		t.Fatalf("after 10 events in a queue of 3: seq %d, dropped %d", ev.Seq, ev.Dropped)
	}
	next(t, l, Applied)
	if ev := next(t, l, Applied); ev.Dropped != 0 || ev.Seq != 10 {
		t.Fatalf("seq %d dropped %d", ev.Seq, ev.Dropped)
	}
	if ev, err := l.Next(context.Background(), 0); ev != nil || err != nil {
		t.Fatalf("poll of an empty queue: %v, %v", ev, err)
	}
	// A cancelled wait says so.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Next(ctx, -1); !errors.Is(err, errs.ErrCancelled) {
		t.Fatalf("cancelled Next: %v", err)
	}
}

func TestCloseEndsEverything(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.yaml")
	write(t, p, "a: 1\n")
	l, err := New([]Layer{fileLayer(t, p, false)}, Options{Debounce: quick})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A waiter blocked in Next is released by Close.
	done := make(chan error, 1)
	go func() {
		_, _ = l.Next(context.Background(), -1) // the queued reload
		_, err := l.Next(context.Background(), -1)
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, errs.ErrClosed) {
		t.Fatalf("Next after Close: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := l.Reload(context.Background()); !errors.Is(err, errs.ErrClosed) {
		t.Fatalf("Reload after Close: %v", err)
	}
	if _, err := l.Prepare(context.Background()); !errors.Is(err, errs.ErrClosed) {
		t.Fatalf("Prepare after Close: %v", err)
	}
	// The config stays readable with its last state; changes are no longer seen.
	write(t, p, "a: 2\n")
	if get(t, l.Config(), "a") != int64(1) {
		t.Fatal("the config changed after Close")
	}
}

func TestNewErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.yaml")
	if _, err := New([]Layer{fileLayer(t, missing, false)}, Options{}); !errors.Is(err, errs.ErrIO) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing required file: %v", err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	write(t, bad, "a: [\n")
	if _, err := New([]Layer{fileLayer(t, bad, false)}, Options{}); !errors.Is(err, errs.ErrParse) {
		t.Fatalf("bad file: %v", err)
	}
	unknown := filepath.Join(dir, "x.unknown")
	write(t, unknown, "a: 1\n")
	if _, err := File(unknown, "", false, layer.Options{}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("unknown extension: %v", err)
	}
	// Missing, its name telling no format: the missing file is said first,
	// unless optional (it may appear later, and its name must tell).
	gone := filepath.Join(dir, "gone")
	if _, err := File(gone, "", false, layer.Options{}); !errors.Is(err, errs.ErrIO) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing, no extension: %v", err)
	}
	if _, err := File(gone, "", true, layer.Options{}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("optional, no extension: %v", err)
	}
	if _, err := File("", "", false, layer.Options{}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("empty name: %v", err)
	}
	if _, err := File("a\x00.yaml", "", false, layer.Options{}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("NUL in name: %v", err)
	}
	for _, o := range []Options{{Debounce: -1}, {Debounce: 2 * MaxDebounce}, {QueueSize: -1}, {MaxDelay: -1}} {
		if _, err := New(nil, o); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Fatalf("options %+v: %v", o, err)
		}
	}
	if _, err := New([]Layer{{}}, Options{}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("zero layer: %v", err)
	}
	// An empty stack is a valid (empty, unwatched) configuration.
	l, err := New(nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
}

func TestTrail(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "..v1"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "..v1", "app.yaml"), "")
	os.Symlink("..v1", filepath.Join(dir, "..data"))
	os.Symlink("..data/app.yaml", filepath.Join(dir, "app.yaml"))
	got := trail(filepath.Join(dir, "app.yaml"))
	want := []string{filepath.Join(dir, "app.yaml"), filepath.Join(dir, "..data"), filepath.Join(dir, "..v1", "app.yaml")}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("trail %v, want %v", got, want)
	}
	// A link cycle ends the trace instead of looping.
	os.Symlink("loop2", filepath.Join(dir, "loop1"))
	os.Symlink("loop1", filepath.Join(dir, "loop2"))
	if got := trail(filepath.Join(dir, "loop1")); len(got) != maxLinks+1 {
		t.Fatalf("cycle: %d names", len(got))
	}
	// A missing directory: its first missing component.
	if got := trail(filepath.Join(dir, "a", "b", "c.yaml")); len(got) != 1 || got[0] != filepath.Join(dir, "a") {
		t.Fatalf("missing: %v", got)
	}
}

func TestNoGoroutineLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	dir := t.TempDir()
	p := filepath.Join(dir, "app.yaml")
	write(t, p, "a: 1\n")
	for i := range 5 {
		l, err := New([]Layer{fileLayer(t, p, false), fileLayer(t, filepath.Join(dir, "opt", "x.yaml"), true)}, Options{Debounce: quick, Manual: i%2 == 1})
		if err != nil {
			t.Fatal(err)
		}
		saveByRename(t, p, fmt.Sprintf("a: %d\n", i+10))
		if i%2 == 1 {
			next(t, l, Pending) // left pending: Close must not wait for it
		} else {
			next(t, l, Applied)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
	}
	waitGoroutines(t, before)
}

// waitGoroutines waits for the goroutine count to come back to n: a
// goroutine that has been told to end may take a moment to be gone.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSameValuesGiveNoEvent(t *testing.T) {
	for _, manual := range []bool{false, true} {
		dir := t.TempDir()
		p := filepath.Join(dir, "app.yaml")
		write(t, p, "a: 1\nb: 2\n")
		l := start(t, []Layer{fileLayer(t, p, false)}, Options{Manual: manual})
		v0 := l.Config().Version()
		// The same values, moved: put in force silently (the version and
		// the origins move), with no event and no Pending candidate.
		saveByRename(t, p, "# comment\nb: 2\na: 1\n")
		deadline := time.Now().Add(patience)
		for l.Config().Version() == v0 {
			if time.Now().After(deadline) {
				t.Fatal("the rebuild never came")
			}
			time.Sleep(5 * time.Millisecond)
		}
		if h, _ := l.Config().History("a"); len(h) != 1 || h[0].Line != 3 {
			t.Fatalf("origin of a after the move: %v", h)
		}
		saveByRename(t, p, "a: 5\nb: 2\n")
		want := Applied
		if manual {
			want = Pending
		}
		ev := next(t, l, want)
		if len(ev.Changes) != 1 || ev.Changes[0].Path != "a" {
			t.Fatalf("manual=%v: changes %+v", manual, ev.Changes)
		}
		w := ev.Wire()
		ch := w[7].([]any)[0].([]any)
		if w[0] != want.String() || w[1] != int64(ev.Seq) || ch[0] != "changed" || ch[1] != "a" || ch[2] != int64(1) || ch[3] != int64(5) || w[8] != nil {
			t.Fatalf("wire %v", w)
		}
		if o := ch[5].([]any); o[0] != int64(layer.KindFile) || o[1] != p || o[2] != int64(1) {
			t.Fatalf("wire origin %v", o)
		}
	}
}

func TestWatchedDirectoryRemovedAndRecreated(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "conf")
	p := filepath.Join(sub, "app.yaml")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, p, "v: 1\n")
	l := start(t, []Layer{fileLayer(t, p, true)}, Options{})
	if err := os.RemoveAll(sub); err != nil {
		t.Fatal(err)
	}
	until(t, l, func(c *store.Config) bool { ok, _ := c.Contains("v"); return !ok })
	for i := 2; i <= 3; i++ {
		if err := os.Mkdir(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, p, fmt.Sprintf("v: %d\n", i))
		until(t, l, valueIs("v", int64(i)))
		// The new directory is watched: an in-place edit is seen.
		saveByRename(t, p, fmt.Sprintf("v: %d\n", i*10))
		until(t, l, valueIs("v", int64(i*10)))
		if err := os.RemoveAll(sub); err != nil {
			t.Fatal(err)
		}
		until(t, l, func(c *store.Config) bool { ok, _ := c.Contains("v"); return !ok })
	}
}

// A tree removed and made again at once, as a deploy script's "rm -rf
// conf; mkdir -p conf/a/b" does, races the watcher moving its watches
// from the parent into the new directories. Whichever way each race
// goes, the watcher must end up watching where the file now is: it once
// traced "conf" while it existed, lost it before the watch was added,
// and was left watching nothing, never to see a change again.
func TestTreeRemovedAndMadeAgainAtOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "conf")
	sub := filepath.Join(dir, "a", "b", "c")
	p := filepath.Join(sub, "app.json")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, p, `{"v": 0}`)
	l := start(t, []Layer{fileLayer(t, p, false)}, Options{Debounce: time.Millisecond})
	for i := 1; i <= 60; i++ {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			time.Sleep(5 * time.Millisecond) // let the watcher move to the parent
		}
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, p, fmt.Sprintf(`{"v": %d}`, i))
		// Rejections (the file missing for a moment) may come: only the
		// end matters.
		deadline := time.Now().Add(patience)
		for get(t, l.Config(), "v") != int64(i) {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: the change was never seen (v = %v)", i, get(t, l.Config(), "v"))
			}
			if _, err := l.Next(context.Background(), 50*time.Millisecond); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.yaml")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if _, err := New([]Layer{fileLayer(t, p, false)}, Options{}); !errors.Is(err, errs.ErrIO) || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("a FIFO: %v", err)
	}
	os.Remove(p)
	write(t, p, "a: 1\n")
	l := start(t, []Layer{fileLayer(t, p, false)}, Options{})
	os.Remove(p)
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
	// Removed, then a directory: one or two rejections, the last naming
	// the directory.
	for {
		ev := next(t, l, Rejected)
		if strings.Contains(ev.Err.Error(), "not a regular file") {
			break
		}
	}
	if get(t, l.Config(), "a") != int64(1) {
		t.Fatal("the config changed")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

// The errno of an exhausted inotify limit reads as a full disk or as too
// many files: the error names the sysctl to raise, and keeps the errno.
func TestInotifyLimitsAreNamed(t *testing.T) {
	for errno, want := range map[syscall.Errno]string{
		syscall.EMFILE: "fs.inotify.max_user_instances",
		syscall.ENOSPC: "fs.inotify.max_user_watches",
	} {
		err := explainLimit(fmt.Errorf("couldn't initialize inotify: %w", errno))
		if !errors.Is(err, errno) || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: %v", errno, err)
		}
	}
	if err := explainLimit(os.ErrPermission); err != os.ErrPermission {
		t.Errorf("another error changed: %v", err)
	}
}
