"""Loading the Go library, once and only when first needed.

Importing gocfg must not start the Go runtime (it starts threads and would
make a later os.fork() unsafe for no benefit), so the cffi extension, which
links the Go library, is imported on first use. Python caches the extension
in sys.modules, so importlib.reload(gocfg) never maps a second copy.
"""
from __future__ import annotations

import os
import threading
from typing import Any, Dict, List, Tuple

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

# Modules that keep `_lib`, `_ffi` and `_NULL` as their own globals, because a
# global lookup is the cheapest way to reach the library on hot paths.
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
            from . import _gocfg_cffi  # links libgocfg.so, found beside it

            ffi = _gocfg_cffi.ffi
            lib = _gocfg_cffi.lib
            loaded = True
            for ns in _bound:
                _publish(ns)
    return lib


def _after_fork_in_child() -> None:
    global lib
    if loaded:
        lib = _Forked()
        for ns in _bound:
            _publish(ns)


os.register_at_fork(after_in_child=_after_fork_in_child)


# Calls on inputs smaller than this finish too fast for Ctrl-C to matter, and
# are made directly; larger ones run in a helper thread so that Ctrl-C
# reaches the main thread at once and cancels the Go side.
INTERRUPTIBLE_SIZE = 256 * 1024


def call_interruptible(call: Any, big: bool) -> Tuple[int, Any]:
    """Run ``call(cancel_handle) -> (status, result)`` so that Ctrl-C stops it.

    Python delivers KeyboardInterrupt only to the main thread, and only
    between bytecodes: a long Go call would hold it back until the call
    ends. So the call runs in a helper thread while the main thread waits
    interruptibly; on Ctrl-C the call's cancel handle is triggered, the Go
    side stops its work, and KeyboardInterrupt propagates. ``result`` must
    have a ``close()`` for the case where the call succeeded just as Ctrl-C
    arrived.
    """
    if not big or threading.current_thread() is not threading.main_thread():
        return call(ffi.NULL)
    cell = ffi.new("gocfg_cancel **")
    if lib.gocfg_cancel_new(cell, ffi.NULL) != 0:
        return call(ffi.NULL)
    cancel = cell[0]
    outcome: List[Any] = []

    def run() -> None:
        try:
            outcome.append(call(cancel))
        except BaseException as e:  # re-raised in the caller's thread
            outcome.append(e)

    worker = threading.Thread(target=run, name="gocfg-call", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.05)
    except KeyboardInterrupt:
        lib.gocfg_cancel_trigger(cancel)
        worker.join()
        if outcome and isinstance(outcome[0], tuple) and outcome[0][0] == 0:
            outcome[0][1].close()  # finished just before the cancel landed
        raise
    finally:
        if not worker.is_alive():
            lib.gocfg_cancel_free(cancel)
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result
