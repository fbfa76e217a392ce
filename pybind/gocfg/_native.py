"""Loading the Go library, once and only when first needed, and the fork guard.

Importing gocfg must not start the Go runtime (it starts threads and would
make a later os.fork() unsafe for no benefit), so the cffi extension, which
links the Go library, is imported on first use. Python caches the extension
in sys.modules, so importlib.reload(gocfg) never maps a second copy.

Only gocfg._capi calls the library; this module hands it ``lib`` and ``ffi``
and swaps ``lib`` for a stub that refuses every call in a forked child.
"""
from __future__ import annotations

import os
import threading
from typing import Any, Dict, List

from .errors import ForkedProcessError

_load_lock = threading.Lock()


class _NotLoaded:
    """Stands in for the library until first use, then loads it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(load(), name)


class _Forked:
    """Stands in for the library in a child process created by os.fork()."""

    def __getattr__(self, name: str) -> Any:
        raise ForkedProcessError(
            "gocfg cannot be used in a process created by os.fork() after the "
            "parent had loaded it (the Go runtime does not survive fork); use "
            "multiprocessing's 'spawn' or 'forkserver' start method")


lib: Any = _NotLoaded()
ffi: Any = None
loaded = False
forked = False

# The binding module keeps `_lib`, `_ffi` and `_NULL` as its own globals,
# because a global lookup is the cheapest way to reach the library on hot
# paths; these namespaces are kept pointing at the current library.
_bound: List[Dict[str, Any]] = []


def bind(namespace: Dict[str, Any]) -> None:
    """Keep namespace's _lib/_ffi/_NULL pointing at the current library."""
    _bound.append(namespace)
    _publish(namespace)


def _publish(namespace: Dict[str, Any]) -> None:
    namespace["_lib"] = lib
    namespace["_ffi"] = ffi
    namespace["_NULL"] = ffi.NULL if ffi is not None else None


def load() -> Any:
    """Import the extension (and with it the Go runtime) if not done yet."""
    global lib, ffi, loaded
    if loaded:
        return lib
    with _load_lock:
        if not loaded:
            from . import _gocfg_cffi  # type: ignore[attr-defined]  # links libgocfg.so, found beside it

            ffi = _gocfg_cffi.ffi
            lib = _gocfg_cffi.lib
            loaded = True
            for ns in _bound:
                _publish(ns)
    return lib


def _after_fork_in_child() -> None:
    global lib, forked
    if loaded:
        forked = True
        lib = _Forked()
        for ns in _bound:
            _publish(ns)


os.register_at_fork(after_in_child=_after_fork_in_child)
