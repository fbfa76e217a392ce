"""Loading the Go library, once and only when first needed, and the fork guard.

Importing gocfg must not start the Go runtime (it starts threads and would
make a later os.fork() unsafe for no benefit), so the cffi extension, which
links the Go library, is imported on first use. Python caches the extension
in sys.modules, so importlib.reload(gocfg) never maps a second copy.

Only gocfg._capi calls the library; this module hands it ``lib`` and
``ffi``, and ``hot``, the small C extension gocfg._hot (pybind/_hot.c)
that makes the per-call hot calls keeping the GIL. In a child created by
os.fork() after the library was loaded, it swaps ``lib`` for
gocfg._forklib.ForkedLibrary, which answers reads of the Configs that
existed at the fork from the snapshots the parent took just before it
(``fork_snapshots``, set by gocfg._snapshot) and refuses every other call
with ForkedProcessError, and ``hot`` for gocfg._forklib.ForkedHot, which
sends every hot call back to the Python path (and so to ForkedLibrary).
Nothing in the child calls Go.
"""
from __future__ import annotations

import os
import threading
from typing import Any, Dict, List

from . import _forklib

_load_lock = threading.Lock()
# Set in a child forked while another thread of the parent was loading the
# library (see _after_fork_in_child): load() refuses there.
_load_cut_by_fork = False


class _NotLoaded:
    """Stands in for the library until first use, then loads it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(load(), name)


lib: Any = _NotLoaded()
ffi: Any = None
# gocfg._hot once loaded (it links the Go library too, so it is imported
# with the cffi extension, never before); ForkedHot in a forked child.
hot: Any = None
loaded = False
forked = False
# Handle number -> _forklib.Snapshot, taken by the parent just before a fork.
fork_snapshots: Dict[int, Any] = {}
# The forks this process has made (counted in the parent after each), and
# that count when fork_snapshots were handed over. They differ in a child
# when the hook that takes the snapshots did not end: a Ctrl-C landed in it
# (CPython prints the exception and forks all the same), so fork_snapshots
# are an earlier fork's, and the child read that fork's values.
forks_made = 0
snapshots_for = -1

# The binding module keeps `_lib`, `_ffi`, `_NULL` and `_hot` as its own globals,
# because a global lookup is the cheapest way to reach the library on hot
# paths; these namespaces are kept pointing at the current library.
_bound: List[Dict[str, Any]] = []


def bind(namespace: Dict[str, Any]) -> None:
    """Keep namespace's _lib/_ffi/_NULL/_hot pointing at the current
    library, and call its ``_rebound()`` (if it has one) after each change."""
    _bound.append(namespace)
    _publish(namespace)


def _publish(namespace: Dict[str, Any]) -> None:
    namespace["_lib"] = lib
    namespace["_ffi"] = ffi
    namespace["_NULL"] = ffi.NULL if ffi is not None else None
    namespace["_hot"] = hot
    rebound = namespace.get("_rebound")
    if rebound is not None:
        rebound()


def load() -> Any:
    """Import the extension (and with it the Go runtime) if not done yet."""
    global lib, ffi, hot, loaded
    if loaded:
        return lib
    if _load_cut_by_fork:
        raise _forklib.forked_error("cannot load the library (another thread of the parent was loading it "
                                    "when the process forked, so it is neither usable nor loadable here)")
    with _load_lock:
        if not loaded:
            # Both extensions link libgocfg.so, found beside them (mapped once).
            try:
                from . import _gocfg_cffi, _hot  # type: ignore[attr-defined]
            except ImportError as e:
                # The loader's own words ("libgocfg.so: cannot open shared
                # object file") do not say whose file it is or what to do.
                here = os.path.dirname(os.path.abspath(__file__))
                raise ImportError(f"gocfg cannot load its Go library from {here} ({e}): the installation is "
                                  f"incomplete or made for another platform; reinstall it (pip install "
                                  f"--force-reinstall gocfg), or in a source checkout build it with "
                                  f"pip install -e .", name=e.name, path=e.path) from e

            ffi = _gocfg_cffi.ffi
            lib = _gocfg_cffi.lib
            hot = _hot
            loaded = True
            for ns in _bound:
                _publish(ns)
    return lib


def _after_fork_in_child() -> None:
    global lib, hot, forked, fork_snapshots, _load_lock, _load_cut_by_fork
    if not loaded and _load_lock.locked():
        # Another thread was inside load() at the fork: its lock stays held
        # here for good (that thread does not exist in the child), so the
        # child's first Config waited on it forever; and the Go runtime may
        # be half started, the import of the extension half done. Neither
        # can be finished or undone here, so the child refuses, as it
        # refuses what needs the library after a fork.
        _load_cut_by_fork = True
        _load_lock = threading.Lock()
    if loaded:
        real = lib._real if isinstance(lib, _forklib.ForkedLibrary) else lib  # a fork of a fork
        forked = True
        lib = _forklib.ForkedLibrary(real, ffi, fork_snapshots, stale=snapshots_for != forks_made)
        hot = _forklib.ForkedHot()
        fork_snapshots = {}
        for ns in _bound:
            _publish(ns)


def _after_fork_in_parent() -> None:
    global forks_made
    forks_made += 1


os.register_at_fork(after_in_child=_after_fork_in_child, after_in_parent=_after_fork_in_parent)
