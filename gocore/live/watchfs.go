package live

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/fsnotify/fsnotify"

	"github.com/gocfg/gocfg/gocore/errs"
)

// maxLinks bounds the symbolic links followed while tracing one path, as
// the kernel does (ELOOP), so a link cycle ends the trace.
const maxLinks = 40

// trail lists the names whose creation, removal, renaming or writing can
// change what path reads: every symbolic link met while resolving it, the
// file it ends at, or the first component that does not exist. path is
// absolute and clean. Each name is watched through its directory.
//
// For a ConfigMap mount, /cfg/app.yaml -> ..data/app.yaml and
// /cfg/..data -> ..2026_12_01_xxx, the trail is /cfg/app.yaml, /cfg/..data
// and /cfg/..2026_12_01_xxx/app.yaml: the swap of ..data is seen in /cfg.
func trail(path string) []string {
	var out []string
	pending := components(path)
	cur := string(filepath.Separator)
	links := 0
	for len(pending) > 0 {
		name := pending[0]
		pending = pending[1:]
		next := filepath.Join(cur, name)
		if name == "." || name == ".." {
			cur = next
			continue
		}
		fi, err := os.Lstat(next)
		if err != nil {
			// Missing (or unreadable): its appearance is what matters.
			return append(out, next)
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			out = append(out, next)
			target, err := os.Readlink(next)
			links++
			if err != nil || links > maxLinks {
				return out
			}
			if filepath.IsAbs(target) {
				cur = string(filepath.Separator)
			}
			pending = append(components(target), pending...)
			continue
		}
		cur = next
		if len(pending) == 0 {
			out = append(out, next)
		}
	}
	return out
}

func components(p string) []string {
	var out []string
	for _, s := range strings.Split(p, string(filepath.Separator)) {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// fsWatch owns the fsnotify watcher of one Live: which directories it
// watches and which names in them matter. Only its goroutine (Live.fsLoop)
// touches it after New.
type fsWatch struct {
	w     *fsnotify.Watcher
	files []string            // absolute paths of the file layers
	trees []string            // absolute paths of the directory layers (secrets)
	names map[string]struct{} // the trails of every file and directory layer
	dirs  map[string]struct{} // directories watched
	// inside holds the directories a directory layer leads to: any event
	// in one (a file written, added, removed, a symlink swapped) matters.
	inside map[string]struct{}
	// blocked holds the directories that could not be watched (no
	// permission): each is watched through its parent, where the change of
	// mode or owner that makes it watchable is an event.
	blocked map[string]struct{}
}

func newFSWatch(files, trees []string) (*fsWatch, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, explainLimit(err)
	}
	f := &fsWatch{w: w, files: files, trees: trees, names: map[string]struct{}{}, dirs: map[string]struct{}{},
		inside: map[string]struct{}{}, blocked: map[string]struct{}{}}
	if err := f.sync(); err != nil {
		w.Close()
		return nil, err
	}
	return f, nil
}

// maxSyncRounds bounds how often sync traces the paths again because they
// moved while it was adding watches: a tree that never stops changing
// cannot hold the watcher in sync forever, and its next event syncs again.
const maxSyncRounds = 16

// sync traces every file layer again and moves the directory watches to
// where the trails now lead. One that exists but cannot be watched (no
// permission, the system's limit of watches reached) is an error naming
// it, since changes in it would go unseen.
//
// The trails are traced before the watches are added, so a directory
// made or removed in between would go unseen: "mkdir -p d/a/b" racing
// the watch of d leaves b's creation in no watched directory, and a d
// removed before its watch is added leaves nothing watched at all (the
// parent that would report d's return is no longer wanted). So sync
// traces again after adding, and starts over until the trails it
// watched are the trails that hold: from then on every change to them
// is an event in a watched directory.
func (f *fsWatch) sync() error {
	var err error
	for range maxSyncRounds {
		var settled bool
		settled, err = f.syncOnce()
		if settled {
			break
		}
	}
	return err
}

// traceAll gives the names of every trail, the directories to watch, and
// the directories that directory layers lead to.
func (f *fsWatch) traceAll() (names, want, inside map[string]struct{}) {
	names, want, inside = map[string]struct{}{}, map[string]struct{}{}, map[string]struct{}{}
	for _, p := range append(f.files[:len(f.files):len(f.files)], f.trees...) {
		for _, n := range trail(p) {
			names[n] = struct{}{}
			want[filepath.Dir(n)] = struct{}{}
		}
	}
	for _, p := range f.trees {
		// The directory the trail ends at, when it exists and is one.
		t := trail(p)
		if len(t) == 0 {
			continue
		}
		end := t[len(t)-1]
		if fi, err := os.Stat(end); err == nil && fi.IsDir() {
			want[end] = struct{}{}
			inside[end] = struct{}{}
		}
	}
	return names, want, inside
}

// syncOnce moves the watches once; settled reports that the paths, traced
// again after the watches were added, lead where they did before.
func (f *fsWatch) syncOnce() (settled bool, err error) {
	names, want, inside := f.traceAll()
	f.names, f.inside = names, inside
	var firstErr error
	missed := false
	blocked := map[string]struct{}{}
	// Add before removing, so that no moment passes with neither the old
	// directories nor the new ones watched.
	for d := range want {
		if _, ok := f.dirs[d]; ok {
			continue
		}
		err := f.w.Add(d)
		switch {
		case err == nil:
			f.dirs[d] = struct{}{}
		case errors.Is(err, os.ErrNotExist):
			// Removed since it was traced (and maybe made again, which
			// the trace below would not tell): start over.
			missed = true
		default:
			blocked[d] = struct{}{}
			if firstErr == nil {
				firstErr = fmt.Errorf("cannot watch directory %q: %v: %w", d, explainLimit(err), errs.ErrIO)
			}
		}
	}
	// Without this, a directory made before its mode or owner was set (as
	// root for a service user, say) stayed unwatched for good: the parent
	// that saw it appear was no longer wanted.
	for d := range blocked {
		parent := filepath.Dir(d)
		want[parent] = struct{}{}
		if _, ok := f.dirs[parent]; !ok && f.w.Add(parent) == nil {
			f.dirs[parent] = struct{}{}
		}
	}
	f.blocked = blocked
	for d := range f.dirs {
		if _, ok := want[d]; !ok {
			_ = f.w.Remove(d) // may be gone already: the kernel dropped the watch
			delete(f.dirs, d)
		}
	}
	again, _, againInside := f.traceAll()
	return !missed && maps.Equal(names, again) && maps.Equal(inside, againInside), firstErr
}

// relevant reports whether ev may change what a file layer reads: an event
// on a name of a trail, or on a watched directory itself (removed or
// moved away, which drops its watch).
func (f *fsWatch) relevant(ev fsnotify.Event) bool {
	name := filepath.Clean(ev.Name)
	if _, ok := f.names[name]; ok {
		return true
	}
	if _, ok := f.inside[filepath.Dir(name)]; ok {
		return true
	}
	if _, ok := f.blocked[name]; ok {
		return true
	}
	_, ok := f.dirs[name]
	return ok
}

// forget drops the watch of a directory that was removed or moved away
// (the kernel dropped it, or it now follows the moved directory), so that
// the next sync watches whatever has that name now.
func (f *fsWatch) forget(ev fsnotify.Event) {
	name := filepath.Clean(ev.Name)
	if _, ok := f.dirs[name]; ok && ev.Has(fsnotify.Remove|fsnotify.Rename) {
		_ = f.w.Remove(name)
		delete(f.dirs, name)
	}
}

// explainLimit says which system limit an error of inotify means. Each
// watched Config takes one inotify instance and one watch per directory,
// and the kernel counts both per user, across every process: Linux's
// default of 128 instances is soon reached by a host running many
// watching programs (a Kubernetes node, a pod of many workers), and the
// errno alone ("too many open files", "no space left on device") sends
// one looking at file descriptors or the disk.
func explainLimit(err error) error {
	switch {
	case errors.Is(err, syscall.EMFILE):
		// inotify_init1 gives EMFILE for either limit.
		return fmt.Errorf("%w (either this user's limit of inotify instances, one per watched "+
			"configuration, is reached: the sysctl fs.inotify.max_user_instances; or this process's "+
			"limit of open files: ulimit -n)", err)
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("%w (the limit of inotify watches is reached for this user: raise the "+
			"sysctl fs.inotify.max_user_watches)", err)
	}
	return err
}

// overflow reports whether err says events were lost, so every file must
// be read again.
func overflow(err error) bool { return errors.Is(err, fsnotify.ErrEventOverflow) }
