"""Live configuration: a Config that follows its files and stored configs.

    cfg = gocfg.load("app.yaml", "app.local.toml?", gocfg.Stored("etcd://cfg:2379/prod", "services/api"),
                     env_prefix="APP", watch=True, validate=Settings)
    cfg.on_change(lambda event: log.info("config changed:\\n%s", event.diff))
    cfg["server.port"]          # always a whole, valid configuration: old or new, never a mix

The engine is Go's (gocore/live, reached through the gocfg_live_* calls):
it watches the files (editors' rename-on-save, Kubernetes ConfigMap symlink
swaps, files deleted and created again, optional files appearing) and the
stored configs, waits for a quiet period (``debounce``), rebuilds the whole
layer stack off to the side and offers it as a candidate. A thread of
gocfg's, named "gocfg-watch", takes each candidate, validates it (the
``validate`` dataclass through ``candidate.to(cls)``, or the callable), and
commits it (the Config takes the new values and origins at once) or rejects
it (the Config keeps the old ones). The same thread then runs the callbacks.

Threads. Callbacks run on the "gocfg-watch" thread of their Config, one at
a time and in order, never re-entrantly; an exception in a callback is
logged (logger "gocfg.live") and the watcher carries on. A callback must not
wait for its own Config's watcher: ``reload()`` from a callback raises
RuntimeError.

Lifecycle. ``close()`` stops the watcher (and closes the databases that
``Stored`` opened from a URL); so does the interpreter's exit. In a process
forked from one that watches, no watcher runs: the child's copy raises
gocfg.ForkedProcessError as every other gocfg object there.
"""
from __future__ import annotations

import atexit
import dataclasses
import datetime as _dt
import json
import logging
import os
import queue
import re
import threading
import time
import weakref
from collections.abc import Mapping
from typing import AbstractSet, Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple, Union, cast

from . import _args, _capi
from . import display as _display
from . import envsources as _envsrc
from ._values import Copies, TreeView, decode_value, encode_value, split_path
from .config import Config, _masked_in, _secret_entries
from .database import Database
from .errors import ClosedError, Error, ForkedProcessError, InvalidArgumentError, ParseError, ValidationError
from .provenance import Change, Diff, make_origin
from .secrets import MASK, is_secret, scrub, secret_texts
from .sources import File, ProfileSection, Text, bare_path_error

__all__ = ["Stored", "ChangeEvent", "ChangeStream", "WatchedConfig", "load_live"]

log: logging.Logger = logging.getLogger("gocfg.live")

# gocfg_live_next waits at most this long per call, so that close() and the
# interpreter's exit are never held up by a thread parked in Go.
_NEXT_SLICE_MS = 1000
# Waits in the caller's thread (changes(), reload()) wake this often, so
# that Ctrl-C reaches them at once.
_WAIT_SLICE = 0.1
# How long close() waits for a callback that is still running.
_JOIN_TIMEOUT = 10.0

Validator = Union[type, Callable[[Config], Any]]


@dataclasses.dataclass(frozen=True)
class Stored:
    """A config stored in a Database, as a layer of ``gocfg.load()``: the
    latest revision of ``name``, followed when ``watch=True`` (on every
    backend: SQLite, etcd, memory). ``database`` is an open
    :class:`gocfg.Database` (which must stay open as long as the Config is
    watched) or a URL, which the Config opens (with ``timeout``) and closes
    with itself. A missing config is an error unless ``optional`` (it is
    then skipped, and merged once it is saved). Origins read
    ``stored NAME``."""

    database: Union[str, "os.PathLike[str]", Database]
    name: str
    optional: bool = False
    timeout: float = 5.0

    def __repr__(self) -> str:
        # An etcd URL may hold a password (etcd://user:pass@host/...), which
        # a Database's repr leaves out too.
        db = self.database
        shown = _URL_PASSWORD.sub(rf"\1{MASK}@", db) if isinstance(db, str) else db
        return f"Stored(database={shown!r}, name={self.name!r}, optional={self.optional!r}, timeout={self.timeout!r})"


# user:password@, the password running to the last @ before the path, as
# URL parsers read it.
_URL_PASSWORD = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^/@:]*:)[^/]*@")


def _error_of(row: Any) -> Optional[Exception]:
    """The exception a rejected event's [message, file, line, column] stands for."""
    if row is None:
        return None
    message, file, line, column = row
    if line:
        return ParseError(message, file or None, line, column or None)
    return Error(message)


class ChangeEvent:
    """One outcome of a watched Config, given to callbacks and by ``changes()``.

    ``kind`` is "applied" (the new configuration is in force), "rejected"
    (the change did not parse or failed validation: the old configuration
    stayed; ``error`` says why, a ParseError with the file, line and column,
    or the ValidationError with its ``errors``) or "failed" (a source can no
    longer be watched, ``error`` says which). ``diff`` is a
    :class:`gocfg.Diff` whose changes carry the old and new values and where
    each came from (``old_origin``, ``new_origin``); ``sources`` names the
    sources whose content changed; ``time`` is when it happened (an aware
    UTC datetime); ``version`` the Config's change counter after an applied
    change; ``forced`` is set for a ``reload()``; ``dropped`` counts events
    lost before this one because they were not read in time. ``str(event)``
    lists it, secrets masked.
    """

    __slots__ = ("kind", "seq", "time", "version", "forced", "dropped", "sources", "diff", "error", "_secret_texts")

    def __init__(self, kind: str, seq: int, when: _dt.datetime, version: int, forced: bool, dropped: int,
                 sources: List[str], diff: Diff, error: Optional[BaseException]) -> None:
        self.kind: str = kind
        self.seq: int = seq
        self.time: _dt.datetime = when
        self.version: int = version
        self.forced: bool = forced
        self.dropped: int = dropped
        self.sources: List[str] = sources
        self.diff: Diff = diff
        self.error: Optional[BaseException] = error
        # The secrets of the rejected candidate: a validator's own exception
        # may quote one (``int(cfg["db.password"])``), and lines() masks them.
        self._secret_texts: FrozenSet[str] = frozenset()

    @classmethod
    def _from_wire(cls, data: bytes) -> "ChangeEvent":
        kind, seq, ns, version, forced, dropped, sources, changes, error = decode_value(data)
        rows = []
        for op, path, old, new, old_origin, new_origin in changes:
            rows.append(Change(op, path, old, new, make_origin(*old_origin) if old_origin else None,
                               make_origin(*new_origin) if new_origin else None))
        when = _dt.datetime.fromtimestamp(ns / 1e9, _dt.timezone.utc)
        return cls(kind, seq, when, version, bool(forced), dropped, list(sources), Diff(rows), _error_of(error))

    @property
    def applied(self) -> bool:
        """Whether the new configuration is in force (kind "applied")."""
        return self.kind == "applied"

    def _hide(self, hidden: AbstractSet[Tuple[str, ...]]) -> None:
        # The diff masks these paths too (values that interpolate a secret).
        if hidden:
            self.diff = Diff(self.diff.changes, hidden)

    def lines(self, reveal: bool = False) -> List[str]:
        """The event as text: a heading, then one diff line per change with
        the origin of the new value (secrets masked unless reveal)."""
        stamp = self.time.strftime("%H:%M:%S.%f")[:-3]
        # A source's name (a file's, a stored config's) may hold a bidi
        # control or a newline: escaped, as the diff lines escape keys.
        src = f" from {', '.join(_display.printable(s) for s in self.sources)}" if self.sources else ""
        forced = " (reload)" if self.forced else ""
        head = f"[{stamp}] {self.kind}{forced}{src}"
        if self.kind == "applied":
            n = len(self.diff)
            out = [f"{head}: {n} change{'s' if n != 1 else ''}"]
            out += ["  " + line for line in self.diff.lines(reveal=reveal, origins=True)]
            return out
        hide = frozenset() if reveal else self._secret_texts
        # str(error) of a validate callable's own exception may quote a key
        # as it is: escaped as gocfg's own messages are.
        message = _display.printable(" ".join(scrub(str(self.error), hide).split())) if self.error is not None else "?"
        if isinstance(self.error, ValidationError):
            out = [f"{head}: validation failed"]
            shown = self.error.errors[:ValidationError.MAX_SHOWN]  # all of them in event.error.errors
            for p, m in shown:
                if p and not reveal and is_secret(p):
                    m = f"{MASK} does not fit (a secret: its value is not shown)"
                m = _display.printable(scrub(m, hide))
                out.append(f"  {_display.printable(p)}: {m}" if p else f"  {m}")
            if len(self.error.errors) > len(shown):
                out.append(f"  ... and {len(self.error.errors) - len(shown)} more")
            return out
        return [f"{head}: {message}"]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return (f"<gocfg.ChangeEvent #{self.seq} {self.kind} {len(self.diff)} change(s)"
                f"{' from ' + ', '.join(_display.printable(s) for s in self.sources) if self.sources else ''}>")


class ChangeStream:
    """The iterator ``WatchedConfig.changes()`` returns: the events from the
    moment changes() was called. It ends when ``timeout`` seconds have
    passed since then (None: never) or when the Config is closed; Ctrl-C
    interrupts a wait at once. ``close()`` (or ``with``) stops it early."""

    def __init__(self, watcher: "_Watcher", timeout: Optional[float]) -> None:
        self._w: Optional[_Watcher] = watcher
        self._q: "queue.Queue[Optional[ChangeEvent]]" = queue.Queue()
        self._deadline = None if timeout is None else time.monotonic() + timeout
        watcher.subscribe(self._q)
        # A stream dropped without close() must not stay subscribed: one
        # that ``next(cfg.changes(5), None)`` left behind, having got its
        # event, took every later event into its queue for the life of the
        # Config, so a loop of them grew memory, and the work per event,
        # without bound.
        self._unsubscribe = weakref.finalize(self, watcher.unsubscribe, self._q)
        self._unsubscribe.atexit = False

    def __iter__(self) -> "ChangeStream":
        return self

    def __next__(self) -> ChangeEvent:
        if self._w is not None and not _capi.usable():
            # A stream taken before os.fork(): in the child no watcher feeds
            # its queue, so the wait lasted to its timeout (for good without
            # one) and then ended as if the Config had been closed.
            raise ForkedProcessError("a watched gocfg.Config does not watch in a process created by os.fork(), "
                                     "nor do the changes() streams taken before the fork: load it again in the child")
        while self._w is not None:
            wait = _WAIT_SLICE
            if self._deadline is not None:
                left = self._deadline - time.monotonic()
                wait = max(0.0, min(wait, left))
            if wait > 0 and self._q.empty() and threading.current_thread() is self._w.thread:
                # The events come from this very thread, busy in the callback:
                # the wait would last to the timeout, or for good.
                raise RuntimeError("waiting for the next change of a Config from its own callback would wait for "
                                   "the watcher that runs the callback: the callback gets each event as its argument")
            try:
                ev = self._q.get(timeout=wait) if wait > 0 else self._q.get_nowait()
            except queue.Empty:
                if self._deadline is not None and time.monotonic() >= self._deadline:
                    break
                continue
            if ev is None:  # the Config was closed
                break
            return ev
        self.close()
        raise StopIteration

    def close(self) -> None:
        """Stop taking events: the iteration ends. Closing twice is allowed."""
        self._w = None
        self._unsubscribe()  # once: later calls do nothing

    def __enter__(self) -> "ChangeStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _problem(validate: Optional[Validator], cfg: Config) -> Optional[BaseException]:
    """None when cfg passes validation (the dataclass through cfg.to(), or
    the callable, which fails by raising or by returning False), else why
    not."""
    if validate is None:
        return None
    try:
        if isinstance(validate, type):
            cfg.to(validate)
        elif validate(cfg) is False:
            return ValidationError([("", "the validator returned False")])
    except Exception as e:
        return e
    return None


def _candidate_secrets(candidate: Config) -> FrozenSet[str]:
    """The texts of a rejected candidate's secrets (resolved, or as stored
    when its references do not resolve: the rejection may be why)."""
    try:
        try:
            data: Any = candidate.to_dict()
        except Error:
            data = candidate.to_dict(resolve=False)
        return secret_texts(data, candidate._hidden())
    except Error:
        return frozenset()


def check_and_freeze(cfg: Config, validate: Optional[Validator], freeze: bool) -> None:
    """The last step of every gocfg.load(): raise what validation found
    wrong with cfg, then freeze it if asked."""
    problem = _problem(validate, cfg)
    if problem is not None:
        raise problem
    if freeze:
        cfg.freeze()


class _Watcher:
    """The watching half of a WatchedConfig: the live handle, the thread
    that takes its events, validation and the callbacks. It holds no
    reference to the Config, so a Config nobody holds can be collected
    (which closes it)."""

    _what = "gocfg watcher"

    def __init__(self, live_h: Any, validate: Optional[Validator], owned: List[Database]) -> None:
        self._h: Any = live_h
        self.validate = validate
        self.owned = owned
        self.lock: threading.Condition = threading.Condition()
        self.on_change: List[Callable[[ChangeEvent], Any]] = []
        self.on_error: List[Callable[[ChangeEvent], Any]] = []
        self.subscribers: List["queue.Queue[Optional[ChangeEvent]]"] = []
        self.last: Optional[ChangeEvent] = None
        self.outcomes: Dict[int, Optional[ChangeEvent]] = {}  # pending seq -> its decision
        # reload() calls under way: only they read outcomes, so decisions
        # are kept only while one is (each change's event, with its whole
        # diff, was kept for the life of the Config).
        self.reloading: int = 0
        # The paths whose values interpolate a secret or came from a secrets
        # directory (Config._hidden), in the configuration in force, and for
        # each applied event not yet dispatched, in its old and new
        # configurations: the event's diff masks them (watcher thread only).
        self.hidden: FrozenSet[Tuple[str, ...]] = frozenset()
        self.event_hidden: Dict[int, FrozenSet[Tuple[str, ...]]] = {}
        # rejected seq -> the validator's exception, and the candidate's secrets
        self.reasons: Dict[int, Tuple[BaseException, FrozenSet[str]]] = {}
        self.dispatched: int = 0  # seq of the last event dispatched
        self.stopping: bool = False
        self.thread: threading.Thread = threading.Thread(target=self._run, name="gocfg-watch", daemon=True)

    def _closed_error(self) -> ClosedError:
        return ClosedError("the watched gocfg.Config was closed")

    def start(self) -> None:
        _watchers.add(self)
        self.thread.start()

    # ------------------------------------------------------------ thread

    def _run(self) -> None:
        try:
            self._loop()
        except BaseException:  # never expected: say so, and end as a closed watcher ends
            log.exception("gocfg: the watcher stopped")
        finally:
            # However the thread ends, nothing may go on waiting for it:
            # reload() and changes() see it stopped, watching says False.
            with self.lock:
                self.stopping = True
                for q in self.subscribers:
                    q.put(None)
                self.lock.notify_all()

    def _loop(self) -> None:
        while not self.stopping:
            h = self._h
            if h is None:
                break
            try:
                got = _capi.live_next(self, h, _NEXT_SLICE_MS)
            except (ClosedError, ForkedProcessError):
                break
            except Exception:  # never expected: say so, and stop rather than spin
                log.exception("gocfg: the watcher stopped")
                break
            if got is None:
                continue
            data, candidate = got
            try:
                ev = ChangeEvent._from_wire(data)
            except Exception:
                log.exception("gocfg: an event could not be read")
                if candidate is not None:
                    _capi.config_free(candidate)
                continue
            if ev.kind == "pending":
                if candidate is not None:
                    self._decide(ev, candidate)
                continue
            self._dispatch(ev)

    def _decide(self, ev: ChangeEvent, candidate_h: Any) -> None:
        """Validate a pending candidate, then commit or reject it."""
        candidate = Config._adopt(candidate_h)
        outcome: Optional[ChangeEvent] = None
        try:
            try:
                problem = _problem(self.validate, candidate)
            except BaseException as e:  # SystemExit, say: on this thread it would end the watcher, not the process
                problem = e
            h = self._h
            if h is None:
                return
            if problem is None:
                new_hidden = candidate._hidden()
                outcome = ChangeEvent._from_wire(_capi.live_commit(self, h, candidate_h))
                both = self.hidden | new_hidden
                self.hidden = new_hidden
                outcome._hide(both)
                if len(outcome.diff):
                    self.event_hidden[outcome.seq] = both
            else:
                hide = _candidate_secrets(candidate)
                text = scrub(str(problem), hide)
                text = " ".join(text.split()) if not isinstance(problem, ValidationError) else text
                outcome = ChangeEvent._from_wire(_capi.live_reject(self, h, candidate_h, text.encode("utf-8", "replace")))
                with self.lock:
                    self.reasons[outcome.seq] = (problem, hide)
                outcome.error = problem
                outcome._secret_texts = hide
        except ClosedError:
            pass
        except Error as e:  # a newer candidate replaced this one (a reload): it is decided in turn
            log.debug("gocfg: candidate #%d not decided: %s", ev.seq, e)
        finally:
            candidate.close()
            with self.lock:
                if self.reloading:
                    self.outcomes[ev.seq] = outcome
                self.lock.notify_all()

    def _dispatch(self, ev: ChangeEvent) -> None:
        hidden = self.event_hidden.pop(ev.seq, None)
        if hidden:
            ev._hide(hidden)
        for seq in [s for s in self.event_hidden if s < ev.seq]:  # events dropped from a full queue
            del self.event_hidden[seq]
        with self.lock:
            reason = self.reasons.pop(ev.seq, None)
            for seq in [s for s in self.reasons if s < ev.seq]:  # events dropped from a full queue
                del self.reasons[seq]
            if reason is not None:
                ev.error, ev._secret_texts = reason
            if ev.kind != "failed":
                self.last = ev
            callbacks = list(self.on_change if ev.kind == "applied" else self.on_error)
            for q in self.subscribers:
                q.put(ev)
        for cb in callbacks:
            try:
                cb(ev)
            except BaseException:
                # SystemExit (sys.exit() in a callback) and KeyboardInterrupt
                # too: raised on this thread they would end no process, only
                # the watcher, silently, leaving the Config stale and
                # reload() waiting for good.
                log.exception("gocfg: a %s callback failed on event #%d (the watcher carries on)",
                              "change" if ev.kind == "applied" else "error", ev.seq)
        with self.lock:
            self.dispatched = max(self.dispatched, ev.seq)
            self.lock.notify_all()

    # ------------------------------------------------------- the caller's

    def subscribe(self, q: "queue.Queue[Optional[ChangeEvent]]") -> None:
        with self.lock:
            if self.stopping:
                q.put(None)
            else:
                self.subscribers.append(q)

    def unsubscribe(self, q: "queue.Queue[Optional[ChangeEvent]]") -> None:
        # A new list, not remove(): a dropped stream's finalizer may run in
        # a garbage collection on the watcher thread while it walks the
        # list under this (reentrant) lock.
        with self.lock:
            self.subscribers = [s for s in self.subscribers if s is not q]

    def halt(self) -> None:
        """The first half of stop(), which waits for nothing: the thread
        is told to end and the live handle closed."""
        h, self._h = self._h, None
        self.stopping = True
        _watchers.discard(self)
        if h is not None and _capi.usable():
            _capi.live_close(h)  # a live_next waiting in the thread returns at once

    def reload(self) -> Optional[ChangeEvent]:
        if threading.current_thread() is self.thread:
            raise RuntimeError("reload() cannot be called from a callback of the same Config: "
                               "it would wait for the watcher that runs the callback")
        h = self._h
        if h is None or self.stopping:
            raise self._closed_error()
        with self.lock:
            self.reloading += 1  # before the candidate exists: its decision is kept
        try:
            data = _capi.live_reload(self, h)
            if data is None:
                return None
            ev = ChangeEvent._from_wire(data)
            outcome: Optional[ChangeEvent] = ev
            with self.lock:
                if ev.kind == "pending":
                    while ev.seq not in self.outcomes and not self.stopping:
                        self.lock.wait(_WAIT_SLICE)  # Ctrl-C lands between waits
                    outcome = self.outcomes.pop(ev.seq, None)
                # Callbacks have seen the outcome when reload() returns.
                while outcome is not None and outcome.seq and self.dispatched < outcome.seq and not self.stopping:
                    self.lock.wait(_WAIT_SLICE)
            return outcome
        finally:
            with self.lock:
                self.reloading -= 1
                if not self.reloading:
                    self.outcomes.clear()  # decisions no reload() waits for

    def stop(self, deadline: Optional[float] = None) -> None:
        """Stop the thread, close the live handle and the owned databases.
        A callback still running is waited for until ``deadline`` (a
        time.monotonic() value; default: _JOIN_TIMEOUT from now)."""
        self.halt()
        if self.thread.is_alive() and threading.current_thread() is not self.thread:
            left = _JOIN_TIMEOUT if deadline is None else deadline - time.monotonic()
            if left > 0:
                self.thread.join(left)
        for db in self.owned:
            db.close()
        with self.lock:
            for q in self.subscribers:
                q.put(None)
            self.subscribers.clear()
            self.lock.notify_all()


_watchers: "weakref.WeakSet[_Watcher]" = weakref.WeakSet()


def _after_fork_in_child() -> None:
    # The child has no watcher thread, but the parent's may have held a
    # watcher's lock, or the lock of a subscriber's queue, at the moment
    # of the fork: a child that then ended normally (sys.exit, a gunicorn
    # worker shutting down) hung for good in _stop_all, taking a lock that
    # nothing would ever release. Each watcher of the child gets a new
    # lock, no subscribers (their queues belong to the parent's streams),
    # and counts as stopped: its Config keeps reading its snapshot.
    for w in list(_watchers):
        w.lock = threading.Condition()
        w.subscribers = []
        w.stopping = True
        w._h = None


os.register_at_fork(after_in_child=_after_fork_in_child)


@atexit.register
def _stop_all() -> None:
    # At exit, before the interpreter tears down: no watcher thread may be
    # left parked in Go or running a callback. Every watcher is told to stop
    # first, then all are waited for together: callbacks that are still
    # running hold the exit up to _JOIN_TIMEOUT in all, not that much for
    # each watcher in turn.
    watchers = list(_watchers)
    for w in watchers:
        try:
            w.halt()
        except Exception:
            pass
    deadline = time.monotonic() + _JOIN_TIMEOUT
    for w in watchers:
        try:
            w.stop(deadline)
        except Exception:
            pass


class WatchedConfig(Config):
    """A Config that follows its sources (``gocfg.load(..., watch=True)``).

    It reads as any Config, and is frozen unless ``load()`` was given
    ``freeze=False``: the user cannot write, the watcher can replace (writes
    to an unfrozen one last until the next change). Every read sees a
    whole configuration, old or new. See the gocfg.live module for threads
    and lifecycle.
    """

    __slots__ = ("_w",)
    _what = "gocfg.Config"
    _pickled_as = Config  # a copy is a snapshot: it does not watch
    _w: Optional[_Watcher]

    def _release(self, h: Any) -> None:
        w = getattr(self, "_w", None)
        if w is not None:
            w.stop()
        Config._release(self, h)

    def _watcher(self) -> _Watcher:
        if not _capi.usable():
            raise ForkedProcessError("a watched gocfg.Config does not watch in a process created by os.fork(); "
                                     "load it again in the child")
        self._handle()
        w = self._w
        if w is None:
            raise self._closed_error()
        return w

    def on_change(self, callback: Callable[[ChangeEvent], Any]) -> Callable[[ChangeEvent], Any]:
        """Call ``callback(event)`` after each change is put in force (see
        :class:`ChangeEvent`; ``event.diff`` holds the old and new values
        and their origins). Runs on the "gocfg-watch" thread, one callback
        at a time; an exception is logged and the watcher carries on.
        Returns the callback, so it also works as a decorator."""
        return self._subscribe("on_change", callback)

    def on_error(self, callback: Callable[[ChangeEvent], Any]) -> Callable[[ChangeEvent], Any]:
        """Call ``callback(event)`` when a change is rejected (it did not
        parse, or failed validation: ``event.error``) or a source can no
        longer be watched; the configuration in force stays. Same thread
        and rules as on_change()."""
        return self._subscribe("on_error", callback)

    def _subscribe(self, which: str, callback: Callable[[ChangeEvent], Any]) -> Callable[[ChangeEvent], Any]:
        # which names both the method and the watcher's list of callbacks.
        if not callable(callback):
            raise TypeError(f"{which}() needs a callable, not {type(callback).__name__}")
        w = self._watcher()
        with w.lock:
            (w.on_change if which == "on_change" else w.on_error).append(callback)
        return callback

    def changes(self, timeout: Optional[float] = None) -> ChangeStream:
        """Iterate over the events (applied, rejected, failed) from now on,
        for scripts: ``for event in cfg.changes(): ...``. The iteration
        ends ``timeout`` seconds after this call (None: when the Config is
        closed); Ctrl-C interrupts a wait at once. ``next(cfg.changes(5),
        None)`` waits up to five seconds for the next event."""
        return ChangeStream(self._watcher(), _args.watch_timeout(timeout))

    def reload(self) -> ChangeEvent:
        """Read every source now and put the result in force (after
        validation), whether or not anything changed; return the applied
        event once the callbacks have seen it. A change that is rejected
        raises its error (a ParseError, the ValidationError, ...) and the
        configuration in force stays."""
        ev = self._watcher().reload()
        if ev is None:
            raise ClosedError("the watched gocfg.Config was closed during reload()")
        if ev.kind != "applied":
            raise ev.error if ev.error is not None else Error(f"reload {ev.kind}")
        return ev

    @property
    def last_change(self) -> Optional[ChangeEvent]:
        """The last change applied or rejected, or None."""
        return self._watcher().last

    @property
    def watching(self) -> bool:
        """Whether the watcher still runs (False after close())."""
        w = getattr(self, "_w", None)
        return self._h is not None and w is not None and not w.stopping and _capi.usable()

    def _title(self) -> str:
        title = Config._title(self)
        w = getattr(self, "_w", None)
        if w is None:
            return title
        last = w.last
        if last is None:
            return f"{title} — {_display.change_note(None, ())}"
        return f"{title} — {_display.change_note(last.time, last.sources, last.kind)}"

    def __repr__(self) -> str:
        text = Config.__repr__(self)
        return text.replace("<gocfg.Config", "<gocfg.Config watched", 1) if self.watching else text


# ---------------------------------------------------------------- building

def _spec_name(path: Any) -> str:
    """A file's name for the live engine's spec, whose strings cross as
    UTF-8 text (the library refuses anything else there, naming only the
    spec's position): a name that is not UTF-8 is refused here, naming it."""
    raw = _args.text_arg(path, "file name")
    try:
        return raw.decode()
    except UnicodeDecodeError as e:
        raise InvalidArgumentError(f"file name {raw!r} is not UTF-8 (byte {e.start}), which watch=True (and a "
                                   "load with a gocfg.Stored source) needs: rename the file, or load it "
                                   "without watch") from None


def _spec_entry(source: Any, append: int, owned: List[Database]) -> List[Any]:
    f = _capi.live_flags()
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        optional = path.endswith("?")
        source = File(path[:-1] if optional else path, None, optional)
    if isinstance(source, ProfileSection):
        src = source.source
        name = _spec_name(src.path)
        fmt = _args.format_arg(src.format).decode()
        return ["section", name, fmt, source.section, append | (f["optional"] if src.optional else 0)]
    if isinstance(source, File) and source.profiles:
        # Outside load(profile=...): the default profile alone, as add_layer() does.
        return _spec_entry(ProfileSection(source, "default"), append, owned)
    if isinstance(source, File):
        name = _spec_name(source.path)
        fmt = _args.format_arg(source.format).decode()
        return ["file", name, fmt, append | (f["optional"] if source.optional else 0)]
    if isinstance(source, Text):
        if source.format is None:
            raise TypeError("a Text source needs a format")
        text = source.text.decode("utf-8") if isinstance(source.text, bytes) else source.text
        return ["text", text, _args.format_arg(source.format).decode(), source.name or "<text>", append]
    if isinstance(source, Stored):
        name = _args.name_arg(source.name).decode()
        db = source.database
        if not isinstance(db, Database):
            db = Database.open(db, timeout=source.timeout)
            owned.append(db)
        return ["stored", _capi.handle_int(db._handle()), name, append | (f["optional"] if source.optional else 0)]
    if isinstance(source, Mapping):
        label = "config" if isinstance(source, TreeView) else "dict"
        data = source.to_dict() if isinstance(source, TreeView) else dict(source)
        return ["map", "dict", label, data, append]
    raise TypeError(f"a source is a path, gocfg.File, gocfg.Text, gocfg.Stored, a mapping or a Config, "
                    f"not {type(source).__name__}")


def _masked_again(source: Any, data: Dict[str, Any], append: int) -> List[Any]:
    """For a mapping layer (data: a Config or Section's values as read, or
    a dict that may hold some), an "assign" layer right after it that sets
    again, with a "secret" origin, the values such a view masks besides
    those named like secrets (from a secrets directory, or interpolating a
    secret): as read they are plain text, and the live engine would show
    them (a load without watch grafts the masks instead,
    config._mark_layer_masks). A value inside a list is set as the whole
    list; under lists="append" such a list is left alone, as there: set
    whole, it would drop the items appended to it. A view held inside a
    list of the dict is left alone too."""
    if isinstance(source, TreeView):
        views: List[Tuple[List[str], Any, Any]] = [([], source, data)]
    else:
        found = Copies()
        encode_value(data, "", found)
        views = []
        for where, view, _ in found.found:
            prefix = split_path(where) if where else []
            node: Any = data
            for seg in prefix:
                node = node.get(seg) if isinstance(node, dict) else None
            if node is view:
                views.append((prefix, view, view.to_dict()))
    rows: Dict[Tuple[str, ...], List[Any]] = {}
    for prefix, view, values in views:
        for segs, ((kind, name, *_),) in _secret_entries(view, values, (), _masked_in(view)):
            node = values
            at = list(prefix)
            for seg in segs:
                if not isinstance(node, dict) or seg not in node:
                    break
                node = node[seg]
                at.append(seg)
            if at and not (append and isinstance(node, list)):
                rows[tuple(at)] = [at, node, kind, name, 0, 0]
    return [["assign", list(rows.values()), 0]] if rows else []


def load_live(sources: Sequence[Any], *, defaults: Optional[Mapping[str, Any]], env_prefix: Optional[str],
              env_delimiter: str, env_parse: bool, overrides: Optional[Iterable[str]], overrides_parse: bool,
              lists: str, interpolate: bool, environ: Optional[Mapping[str, str]], freeze: bool,
              watch: bool, validate: Optional[Validator], debounce: float, env_file: Any = None,
              secrets_dir: Any = None, flag_items: Sequence[Any] = ()) -> Config:
    """gocfg.load() through the live engine (see gocfg.load). With watch, a
    WatchedConfig; without (a Stored source asked for it), a plain Config
    read once.

    The deployment sources keep the places gocfg.load() gives them: the
    secrets directories, then the .env files, then the environment, then
    the flags (``flag_items``, the (dot path, value) pairs parsed once:
    argv does not change while the process runs), then ``overrides``.
    The secrets directories and the .env files are watched as the files
    are: a changed .env, a secret file written, added or removed (or
    Kubernetes' swap of ``..data``) rebuilds the configuration."""
    append = _capi.live_flags()["append_lists"] if _args.lists_arg(lists) else 0
    if validate is not None and not callable(validate):
        raise TypeError(f"validate must be a dataclass or a callable, not {type(validate).__name__}")
    if isinstance(debounce, bool) or not isinstance(debounce, (int, float)) or not (0 < debounce <= 3600):
        raise InvalidArgumentError(f"debounce must be more than 0 and at most 3600 seconds, not {_args.number_shown(debounce)}")
    env = _args.environ_arg(environ)
    owned: List[Database] = []
    live_h = cfg_h = None
    try:
        spec: List[Any] = []
        if defaults is not None:
            if not isinstance(defaults, Mapping):
                raise TypeError(f"defaults must be a mapping, not {type(defaults).__name__}")
            data = defaults.to_dict() if isinstance(defaults, TreeView) else dict(defaults)
            spec.append(["map", "defaults", "defaults", data, append])
            spec.extend(_masked_again(defaults, data, append))
        for source in sources:
            spec.append(_spec_entry(source, append, owned))
            if isinstance(source, Mapping):
                spec.extend(_masked_again(source, spec[-1][3], append))
        raw = _capi.live_flags()["raw_strings"]
        if env_prefix is not None:
            _args.env_prefix_arg(env_prefix, env_delimiter)  # refused before any file is read
        delim = _args.env_delimiter_arg(env_delimiter).decode()
        if secrets_dir is not None:
            for directory in _envsrc.secret_dirs(secrets_dir):
                spec.append(["secrets", directory, delim, 0])
        if env_file is not None:
            for path in _envsrc.env_file_paths(env_file):
                spec.append(["envfile", path, env_prefix or "", delim, 0 if env_parse else raw])
        if env_prefix is not None:
            prefix, delimiter = _args.env_prefix_arg(env_prefix, env_delimiter)
            spec.append(["env", prefix.decode(), delimiter.decode(), 0 if env_parse else raw])
        if flag_items:
            kind = _envsrc._kind("flag")
            spec.append(["assign", [[path.split("."), value, kind, f"--{path}", 0, 0] for path, value in flag_items],
                         0])
        if overrides is not None:
            items = [i.decode("utf-8") for i in _args.overrides_arg(overrides).split(b"\0")[:-1]]
            if items:
                spec.append(["overrides", items, 0 if overrides_parse else raw])
        ms = max(1, int(round(debounce * 1000)))
        try:
            live_h, cfg_h = _capi.live_open(encode_value(spec, "layers"), interpolate, not env_parse, env, ms)
        except InvalidArgumentError as e:
            # "pass format=" for a path given bare: gocfg.load() has no
            # format=, a gocfg.File has (as add_layer says it).
            for source in sources:
                if isinstance(source, (str, os.PathLike)):
                    path = os.fsdecode(source)
                    path = path[:-1] if path.endswith("?") else path
                    if f"cannot tell the format of {json.dumps(path)}" in str(e):
                        raise bare_path_error(e, path) from None
            raise
        if not watch:
            _capi.live_close(live_h)
            live_h = None
            cfg = Config._adopt(cfg_h)
        else:
            wcfg = cast(WatchedConfig, WatchedConfig._adopt(cfg_h))
            wcfg._w = None
            cfg = wcfg
        cfg_h = None
    except BaseException:
        if live_h is not None:
            _capi.live_close(live_h)
        if cfg_h is not None:
            _capi.config_free(cfg_h)
        for db in owned:
            db.close()
        raise
    try:
        # The first configuration passes the same check as every later one.
        check_and_freeze(cfg, validate, freeze)
        if watch:
            w = _Watcher(live_h, validate, owned)
            w.hidden = cfg._hidden()
            cast(WatchedConfig, cfg)._w = w
            live_h = None
            w.start()
        else:
            for db in owned:
                db.close()
    except BaseException:
        if live_h is not None:
            _capi.live_close(live_h)
        cfg.close()
        for db in owned:
            db.close()
        raise
    return cfg
