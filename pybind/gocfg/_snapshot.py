"""Snapshots of the live Configs, taken just before os.fork().

The usual deployment loads the configuration at import time and then forks
workers (gunicorn --preload, Celery's prefork pool, multiprocessing's fork
start method). The Go runtime does not survive fork, so the child cannot
ask the library anything; what it can do is read a copy of each Config
taken in the parent just before the fork. This module keeps a weak registry
of the Configs (``live``: it keeps none of them alive) and, in an
os.register_at_fork(before=...) hook, hands gocfg._native one
gocfg._forklib.Snapshot per live Config; in the child, gocfg._forklib
answers reads from them.

A snapshot is the library's own serialized state (gocfg_config_serialize:
the tree, provenance, settings) and, when the tree holds ``${...}``
references, the resolved tree (gocfg_config_export), so no Go logic is
redone in Python beyond finding a path. Each is kept, keyed by the handle,
until the Config changes (its version counter, which Python reads without a
call, moves) or goes away, so a process that forks again and again pays
only for what changed since the last fork.
"""
from __future__ import annotations

import marshal
import os
import weakref
from typing import Any, Dict, List, Tuple

from . import _capi
from ._forklib import Snapshot
from ._values import quote_segment
from .errors import Error

# id(Config) -> weakref.ref(Config), for every Config made in this process
# and not yet closed or collected: Config._attach puts it in, Config.close()
# and Config.__del__ take it out. A plain dict of weak references, not a
# WeakValueDictionary: ~0.2 µs a Config instead of ~0.8 µs (its KeyedRef
# and removal callback run in Python), which a small Database load felt.
# An entry whose Config went without its __del__ (interpreter shutdown)
# reads as None and is skipped.
live: Dict[int, "weakref.ref[Any]"] = {}


def _live_configs() -> List[Any]:
    """The registered Configs still alive (a copy: others may come and go)."""
    return [c for c in (r() for r in list(live.values())) if c is not None]

# handle_int -> the snapshot last taken of that Config.
_taken: Dict[int, Snapshot] = {}

# The read cache (Config._cache: counter cell, version, entries) of a
# Config that has none yet, is closed, or has just been forked: its cell (a
# Python tuple standing in for the library's counter) never shows its
# version, so every read takes the miss path, which checks for close and
# starts a real cache from Config._counter(). Its dict is never written (only a
# real cache's is).
NEVER: Tuple[Any, int, Dict[Any, Any]] = ((-1,), 0, {})


def take(cfg: Any, h: Any, version: int, frozen: bool) -> Snapshot:
    """A snapshot of cfg (handle h) as it is now."""
    state = _capi.config_serialize(cfg, h)
    resolved = None
    errors: Dict[Tuple[Any, ...], Tuple[int, str]] = {}
    if b"${" in state:  # references may need resolving: take what reads give
        try:
            resolved = _capi.config_export(cfg, h, b"")
        except Error:
            resolved, errors = _piecewise(cfg, h)
    return Snapshot(version, frozen, state, resolved, errors)


def _piecewise(cfg: Any, h: Any) -> Tuple[bytes, Dict[Tuple[Any, ...], Tuple[int, str]]]:
    """The resolved tree when some reference does not resolve: each map is
    exported key by key down to the values that fail, whose errors are
    kept, so the child reads the rest as the parent does."""
    errors: Dict[Tuple[Any, ...], Tuple[int, str]] = {}
    fixups: List[Tuple[Any, ...]] = []

    def walk(segs: Tuple[str, ...]) -> Any:
        p = ".".join(quote_segment(s) for s in segs).encode()
        try:
            data = _capi.config_export(cfg, h, p)
        except Error as e:
            try:
                keys = _capi.config_keys(cfg, h, p)
            except Error:
                errors[segs] = (_capi.status_of(e), str(e))
                return None
            return {k: walk(segs + (k,)) for k in keys}
        v = marshal.loads(data)
        if type(v) is tuple:
            fixups.extend(segs + tuple(f) for f in v[1])
            return v[0]
        return v

    tree = walk(())
    return marshal.dumps((tree, fixups) if fixups else tree, 2), errors


def _before_fork() -> None:
    # Nothing to do unless the library is loaded: a child forked before
    # the first use loads its own.
    if not _capi.loaded():
        return
    # Nothing of an earlier fork may be left for this one's child (the
    # parent drops it after each fork, unless an interrupt landed there).
    _capi.drop_fork_snapshots()
    # A Ctrl-C may land in this hook, which takes seconds for a big config
    # that changed. Raised out of it at once, it left the snapshots of this
    # fork untaken, so the child read an earlier fork's. So the hook takes
    # them in full all the same (those already taken are kept in _taken:
    # going on costs no more), hands them over, and only then lets the
    # KeyboardInterrupt out, which CPython prints as an exception ignored
    # in a fork hook before it forks all the same. (Raising it again in
    # the parent after the fork was tried: it lands between os.fork() and
    # the caller's bookkeeping, and a multiprocessing Pool being started
    # then loses track of a worker, which waits for tasks for good.) One
    # that lands outside this loop escapes as before; the child then finds
    # no snapshots handed over by its thread, and refuses every Config
    # (gocfg._native).
    interrupted = False
    while True:
        try:
            snaps = _take_all()
            break
        except KeyboardInterrupt:
            interrupted = True
    # Closed or collected: drop its copy. Over a copy of the keys, and
    # without minding one gone: another thread forking at the same time
    # changes _taken meanwhile (the loop over it raised RuntimeError or
    # KeyError out of the hook, so this fork's snapshots were not handed
    # over and its child refused every Config).
    for key in list(_taken):
        if key not in snaps:
            _taken.pop(key, None)
    _capi.set_fork_snapshots(snaps)
    if interrupted:
        raise KeyboardInterrupt


def _take_all() -> Dict[int, Snapshot]:
    """A snapshot of every live Config, by handle key."""
    snaps: Dict[int, Snapshot] = {}
    try:
        _capi.consts()  # read now: the child cannot ask the library
        for cfg in _live_configs():
            h = cfg._h
            if h is None:
                continue
            key = _capi.handle_int(h)
            try:
                version = int(cfg._counter()[0])
                frozen = _capi.config_is_frozen(cfg, h)
                snap = _taken.get(key)
                if snap is None or snap.version != version or snap.frozen != frozen:
                    snap = _taken[key] = take(cfg, h, version, frozen)
            except Error:
                continue  # closed by another thread meanwhile: the child sees it closed
            snaps[key] = snap
    except Exception:
        # A hook must never break os.fork(); without snapshots the child
        # refuses to read (ForkedProcessError), which says what to do.
        return {}
    return snaps


def _after_fork_in_child() -> None:
    # The read cache may hold entries read after the snapshot; start it
    # again, labelled with the snapshot's counter, which never moves. The
    # cell first, then the cache: the next read's miss starts a cache from
    # the cell (the forking thread is the only one in the child).
    if not _capi.loaded():
        return
    never = _capi.never_version()
    for cfg in _live_configs():
        h = cfg._h
        if h is not None:
            try:
                cfg._ver = _capi.version_cell(cfg, h, cfg._hid)
            except Exception:  # no snapshot of it: every read raises ForkedProcessError
                cfg._ver = never
        cfg._cache = NEVER


# The parent keeps the last snapshots handed over (they are the ones in
# _taken, so this costs no memory): clearing them after a fork could empty
# them under another thread that is forking at the same moment.
os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)
