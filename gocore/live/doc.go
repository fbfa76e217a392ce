// Package live keeps a layered configuration in step with its sources:
// files on disk and configs stored in a Database. When a source changes,
// the whole layer stack is rebuilt off to the side, checked, and put in
// force at once; readers never see half of a change.
//
// # The layer stack
//
// A Live is made from a list of Layers, in order (later wins), the same
// stack gocfg's load() builds: defaults and mappings (Map), documents in
// strings (Text), files (File, optionally missing), stored configs
// (Stored), the environment (Env) and override items (Overrides), and the
// deployment sources: .env files (EnvFile), secrets directories
// (SecretsDir), sections of a file of profiles (Section) and fixed named
// assignments such as command-line flags (Assign). Files, .env files,
// secrets directories, sections and stored configs are watched; the
// others, the environment snapshot included (store.Settings.Env), are
// taken once, at New, and are merged again, unchanged, into every rebuild
// (a rebuild's snapshot adds the variables of its .env files below the
// real ones, so that ${env:NAME} follows them).
//
// # Watching
//
// Files are watched through their directories with fsnotify, never
// through the files themselves: an editor that saves by writing a
// temporary file and renaming it over the old one, a file deleted and
// created again, and an optional file that appears are all events in the
// directory. Symbolic links are followed component by component, and
// every link met on the way is watched in its own directory, so a
// Kubernetes ConfigMap update (the file is a link into "..data", itself a
// link that is atomically replaced) is seen, and the real path is resolved
// again after each change. A directory that does not exist yet is watched
// through its nearest existing parent.
//
// Stored configs are watched with db.Watch, on any backend.
//
// Events are debounced (Options.Debounce, 100 ms by default): a burst of
// them (an editor writing a file in several pieces, a thousand writes in a
// loop) gives one rebuild, made from what the sources hold once the burst
// is over; Options.MaxDelay bounds how long a never-ending burst can hold
// a rebuild back. Before parsing, every source is read and compared with
// what was last put in force (a file's bytes, a stored config's revision):
// events that changed nothing (a sibling file, a touch, a swap to the same
// content) cost a read and nothing more.
//
// # Rebuild, check, swap
//
// A rebuild (Prepare) makes a new store.Config with the same settings and
// merges every layer into it: a Candidate, frozen, with the Diff from the
// configuration in force (old and new values, with their origins). A
// source that does not read or parse makes the rebuild fail with an error
// that names the file, line and column; the configuration in force stays.
//
// A Candidate is then committed or rejected. Commit puts it in force with
// store.Config.Swap: the Config that New returned keeps its identity (its
// handle, its change callback, its frozen flag), its tree and provenance
// are exchanged under its write lock and its version moves on, so caches
// validated by the version see the change. A frozen Config is replaced
// all the same: freezing stops the user's writes, not the watcher's.
// Values the user wrote into an unfrozen watched Config last until the
// next rebuild, which starts from the sources again.
//
// In the automatic mode (the default) the watcher commits on its own,
// after Options.Validate (a Go func, called synchronously before the swap)
// has accepted the candidate. In the manual mode (Options.Manual) the
// watcher queues the candidate as a Pending event instead and builds no
// other until someone calls Commit or Reject on it: the two-phase form for
// a validator that Go cannot call, such as Python code run by the
// binding's own thread between Next and Commit.
//
// # Events
//
// Every outcome is queued as an Event, in order, numbered: Applied (with
// the changes), Rejected (with the error), Pending (manual mode) and
// Failed (a source could no longer be watched: its database was closed,
// a directory could not be watched). When the kernel's event queue
// overflows, every source is simply read again. Next waits for
// the next one, with a timeout, like a database watch. The queue is
// bounded (Options.QueueSize): when nobody reads it the oldest events are
// dropped (never a Pending one), and the next event delivered says how
// many were lost. A rebuild whose values equal those in force is put in
// force (the origins may have moved) without an event, unless it was
// forced by Reload.
//
// # Lifecycle
//
// Close stops every goroutine of the Live (the fsnotify reader, one per
// stored config, the debouncer) and waits for them; events already queued
// can still be read, then Next reports errs.ErrClosed. The Config stays
// usable, with the last configuration put in force.
package live
