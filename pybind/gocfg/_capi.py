"""The one module that calls the library.

Everything that touches ``_lib``, ``_ffi`` or ``_hot`` (the C hot path,
gocfg._hot) is here, in the way pygit2 keeps its cffi calls apart from its
classes:

- one error path, :func:`_fail`, turns a status and the call's gocfg_error
  into an exception and always releases the error record;
- a call takes a cell (an error cell and a scratch buffer) from a small
  pool and gives it back once its result is copied out, so it asks for
  its error details up front and code that runs in the middle of a call
  (a signal handler, __del__, GC) cannot overwrite its result; the hot
  calls (writes, membership, len, reads) take none unless they fail or
  read into the scratch buffer, and a failed one is made again with a
  cell for its record (see "Hot calls without an error cell");
- calls that return a gocfg_buffer copy the bytes and free the buffer at
  once (:func:`_buffer`, :func:`_counted_buffer`);
- calls that may take long run through :func:`interruptible` (a helper
  thread) or, for database calls, :func:`sliced` (the library hands
  control back every SLICE_MS), so that Ctrl-C reaches Python at once and
  cancels the Go work;
- the constants (status codes, origin kinds, flags, limits, the formats)
  are read from the library, never re-declared (:func:`consts`).

Functions take raw handles and return Python values (bytes, ints, raw
handles); the public classes do the rest. Functions that report errors for
an object take its ``owner`` (anything with ``_h`` and ``_closed_error()``),
so that a handle closed by another thread during the call gives the
object's ClosedError.
"""
from __future__ import annotations

import _thread
import functools
import os as _os
import sys
import threading
from marshal import loads as _marshal_loads
from typing import Any, Callable, Dict, List, NoReturn, Optional, Protocol, Tuple, Type, TypeVar

from . import _native
from . import errors as _e
from ._native import ffi as _ffi  # rebound by _native.load() and its fork hook
from ._native import lib as _lib

_NULL: Any = None
_uintptr_t: Any = None  # ffi.typeof("uintptr_t"), set with _ffi (_rebound)
_hot: Any = None  # gocfg._hot, or its fork stand-in (see "The hot path")
_native.bind(globals())

T = TypeVar("T")
class _Closable(Protocol):
    def close(self) -> None: ...


Owner = TypeVar("Owner", bound=_Closable)  # the Python object that owns a new handle

# Most values are short: a scratch buffer of this size (see "Call cells") serves them
# without any allocation. Longer values get a buffer of the length the
# library reports.
SCRATCH_SIZE = 512

# Calls on inputs smaller than this finish too fast for Ctrl-C to matter, and
# are made directly; larger ones run in a helper thread so that Ctrl-C
# reaches the main thread at once and cancels the Go side.
INTERRUPTIBLE_SIZE = 256 * 1024

# The exception for each status, by the name the header gives it
# (GOCFG_E_<name>); the numbers come from the library.
_CLASS_BY_NAME: Dict[str, Type[_e.Error]] = {
    "INVALID_HANDLE": _e.InvalidHandleError, "INVALID_ARGUMENT": _e.InvalidArgumentError,
    "NOT_FOUND": _e.KeyNotFoundError, "TYPE_MISMATCH": _e.TypeMismatchError, "PARSE": _e.ParseError,
    "IO": _e.FileError, "CLOSED": _e.ClosedError, "INTERNAL": _e.InternalError, "CANCELLED": _e.CancelledError,
    "CONFLICT": _e.ConflictError, "CONNECTION": _e.ConnectionError, "AUTH": _e.AuthError,
    "FROZEN": _e.FrozenError, "INTERPOLATION": _e.InterpolationError,
}


class Consts:
    """The library's constants, read once, when the library is loaded."""

    def __init__(self, lib: Any) -> None:
        names = [n for n in dir(lib) if n.startswith("GOCFG_")]
        self.statuses: Dict[str, int] = {n[len("GOCFG_E_"):]: int(getattr(lib, n))
                                         for n in names if n.startswith("GOCFG_E_")}
        # Two statuses are no errors and never raised: GOCFG_E_PENDING, a
        # sliced call's "not done yet", which the binding waits out (see
        # sliced), and GOCFG_E_BUSY, a gocfg_config_try_* call's "locked",
        # which gocfg._hot answers by making the call again through cffi
        # (see "The hot path").
        self.classes: Dict[int, Type[_e.Error]] = {code: _CLASS_BY_NAME.get(name, _e.Error)
                                                for name, code in self.statuses.items()
                                                if name not in ("PENDING", "BUSY")}
        self.origin_kinds: Dict[int, str] = {int(getattr(lib, n)): n[len("GOCFG_ORIGIN_"):].lower()
                                             for n in names if n.startswith("GOCFG_ORIGIN_")}
        self.E_INVALID_HANDLE = int(lib.GOCFG_E_INVALID_HANDLE)
        self.E_NOT_FOUND = int(lib.GOCFG_E_NOT_FOUND)
        self.E_CLOSED = int(lib.GOCFG_E_CLOSED)
        global _E_PENDING
        _E_PENDING = int(lib.GOCFG_E_PENDING)
        self.ORIGIN_DEFAULTS = int(lib.GOCFG_ORIGIN_DEFAULTS)
        self.ORIGIN_DICT = int(lib.GOCFG_ORIGIN_DICT)
        self.max_depth = int(lib.GOCFG_MAX_DEPTH)
        self.path_separator = chr(lib.GOCFG_PATH_SEPARATOR)
        self.path_quote = chr(lib.GOCFG_PATH_QUOTE)
        self.path_escape = chr(lib.GOCFG_PATH_ESCAPE)
        out = _ffi.new("gocfg_buffer *")
        err = _ffi.new("gocfg_error **")
        try:  # the call inside: a KeyboardInterrupt as it returns frees too
            rc = lib.gocfg_formats(out, err)
            if rc != 0:  # not through _fail, which needs these constants
                raise _e.InternalError(f"gocfg_formats failed with status {rc}")
            text = _ffi.unpack(out.data, out.len).decode("ascii")
        finally:
            lib.gocfg_error_free(err[0])
            lib.gocfg_buffer_free(out)
        # gocfg_formats: one line per format: its name, the other names it
        # goes by, then its extensions (with the dot).
        self.formats: Dict[str, Tuple[str, ...]] = {}
        self.format_aliases: Dict[str, str] = {}
        for fields in (line.split() for line in text.splitlines()):
            if fields:
                self.formats[fields[0]] = tuple(f for f in fields[1:] if f.startswith("."))
                self.format_aliases.update((f, fields[0]) for f in fields[1:] if not f.startswith("."))
        # gocfg_format_modes: the reading modes (yaml-1.1, ini-case, ...),
        # one line each: the mode, the format it refines, its other names.
        self.modes: Dict[str, str] = {}
        for fields in (line.split() for line in _read_table(lib, lib.gocfg_format_modes).splitlines()):
            if len(fields) >= 2:
                self.modes[fields[0]] = fields[1]
                self.format_aliases.update((f, fields[0]) for f in fields[2:])


def _read_table(lib: Any, fn: Any) -> str:
    """The ASCII text a table call (gocfg_format_modes) writes, read before
    the constants exist (so not through _fail)."""
    out = _ffi.new("gocfg_buffer *")
    err = _ffi.new("gocfg_error **")
    rc = fn(out, err)
    if rc != 0:
        lib.gocfg_error_free(err[0])
        raise _e.InternalError(f"reading the library's format table failed with status {rc}")
    try:
        return str(_ffi.unpack(out.data, out.len).decode("ascii"))
    finally:
        lib.gocfg_buffer_free(out)


_consts: Optional[Consts] = None


def consts() -> Consts:
    """The library's constants (this loads the library on first use)."""
    global _consts
    c = _consts
    if c is None:
        c = _consts = Consts(_native.load())
    return c


# ------------------------------------------------------------- call cells

# Call cells. A cell is the memory one call writes its results into and
# Python reads them back from: ``(err, buf, view)``, a gocfg_error ** and
# a SCRATCH_SIZE read buffer (with a memoryview of it). A call takes a cell
# from the pool before it crosses into the library and gives it back only
# once it has copied its result out (and _fail has taken the error record
# out of ``err``).
#
# Why a pool and not one cell per thread: Python runs signal handlers,
# __del__ methods, weakref callbacks and GC passes between any two
# bytecodes, so between a call's return and the copy-out of its result
# other Python code may run on the same thread, and it may read a Config
# too. With one shared cell that nested read overwrote the interrupted
# read's value (another Config's value came back, and stayed in the read
# cache) or its error record (leaked, and the wrong message raised). With
# the pool, a nested call finds the interrupted call's cell taken and uses
# another one, made on demand. list.pop and list.append are single C calls
# (atomic under the GIL), so taking and giving back cannot be interrupted
# half-way, and a cell taken is its call's alone whichever thread made it.
# So one pool serves every thread (until issue 15 each thread had its own,
# in a threading.local, whose lookup cost ~35 ns a call): its size is the
# most calls ever in flight at once (threads inside the library, plus
# nesting), about 600 bytes each. Cached reads (the common case) and
# writes, membership tests and len() (see "Hot calls without an error
# cell") take no cell at all. A fresh ffi.new per call would cost more
# than a pop and an append, and a cell abandoned by an exception is only
# garbage.
Cell = Tuple[Any, Any, memoryview]  # (gocfg_error **, char[SCRATCH_SIZE], a view of the char[])
Cells = TypeVar("Cells", bound=Tuple[Any, ...])  # a Cell, or another tuple with its gocfg_error ** first
_cells: List[Cell] = []


def _new_cell() -> Cell:
    # The scratch buffer, and a view of it (slicing the view is the cheapest
    # way to hand its first n bytes to marshal.loads without a copy).
    _native.load()
    buf = _ffi.new("char[]", SCRATCH_SIZE)
    return _ffi.new("gocfg_error **"), buf, memoryview(_ffi.buffer(buf))


def _pool() -> List[Cell]:
    return _cells


def _take(pool: List[Cell]) -> Cell:
    try:
        return pool.pop()
    except IndexError:
        return _new_cell()


def _give(pool: List[Cells], cell: Cells) -> None:
    """Give a cell back after a failure or an exception: an error record an
    exception left in it (one raised between the call's return and _fail)
    is released first, so that no record outlives its call. (Also a
    direct load's cells, whose first is their error cell: see db_load.)"""
    err = cell[0]
    e = err[0]
    if e != _NULL:
        err[0] = _NULL
        _lib.gocfg_error_free(e)
    pool.append(cell)


def _call(owner: Any, fn: Any, *args: Any) -> int:
    """fn(*args, err) with a cell of its own: its result (>= 0), or the
    exception for its status."""
    pool = _pool()
    cell = _take(pool)
    err = cell[0]
    try:
        rc: int = fn(*args, err)
        if rc < 0:
            _fail(rc, err, owner)
    except BaseException:
        _give(pool, cell)
        raise
    pool.append(cell)
    return rc


# ------------------------------------------------------------------ errors

def _text(ptr: Any) -> Optional[str]:
    if ptr == _NULL:
        return None
    return str(_ffi.string(ptr).decode("utf-8", "replace"))


def _fail(code: int, err: Any, owner: Any) -> NoReturn:
    """Raise the exception for a failed call, releasing its error record.

    ``err`` is the ``gocfg_error **`` the call was given (or None); the
    record is read and freed here whatever is raised. ``owner`` is the
    object whose handle the call used (or None): if it was closed (by
    another thread, during the call) the error is its ClosedError.
    """
    message = f"gocfg call failed with status {code}"
    path: Optional[str] = None
    line = column = sys_errno = 0
    if err is not None:
        e = err[0]
        if e != _NULL:
            err[0] = _NULL
            try:
                message = _text(e.message) or message
                path = _text(e.path)
                line, column = int(e.line), int(e.column)
                sys_errno = int(e.sys_errno)
            finally:
                _lib.gocfg_error_free(e)
    c = consts()
    # The binding passes only handles the library made, so an owner's handle
    # is invalid only once the owner was closed (perhaps by another thread
    # during this call, perhaps still clearing its _h: see Handle.close).
    if owner is not None and code == c.E_INVALID_HANDLE:
        raise owner._closed_error()
    cls = c.classes.get(code, _e.Error)
    if cls is _e.ParseError:
        raise _e.ParseError(message, path, line or None, column or None)
    if cls is _e.FileError:
        if sys_errno:
            raise _e.file_error_class(sys_errno)(sys_errno, message, path)
        raise _e.FileError(message)
    raise cls(message)


def _buffer(owner: Any, fn: Any, *args: Any) -> bytes:
    """Call fn(*args, gocfg_buffer *, err), which returns a status or a count
    (>= 0) on success, and return a copy of the buffer's bytes, releasing
    the library's buffer at once."""
    return _buffer_and_count(owner, fn, *args)[0]


def _buffer_and_count(owner: Any, fn: Any, *args: Any) -> Tuple[bytes, int]:
    """_buffer, and the count the call returned."""
    buf = _ffi.new("gocfg_buffer *")  # per call: nothing shared to overwrite
    # The call is inside the try: a KeyboardInterrupt landing as the call
    # returns must not leave its buffer unfreed (freeing a buffer the call
    # did not fill is a no-op).
    try:
        n = _call(owner, fn, *args, buf)
        return bytes(_ffi.unpack(buf.data, buf.len)), n
    finally:
        _lib.gocfg_buffer_free(buf)


# How each kind of handle a call makes is released.
_RELEASE = {"gocfg_config **": "gocfg_config_free", "gocfg_db **": "gocfg_db_close",
            "gocfg_db_watch **": "gocfg_db_watch_close"}


def _new_handle(owner: Any, fn: Any, ctype: str, *args: Any, adopt: Callable[[Any], T]) -> T:
    """Call fn(*args, <ctype> *out, err) and give the handle it made to
    ``adopt``, whose result this returns.

    A KeyboardInterrupt, or an exception a signal handler raises, may land
    at any call boundary: after the call made the handle and before the
    object that owns it holds it. So anything raised before adopt returns
    releases the handle here. Had adopt's object already taken it, that
    object's finalizer releases it once more, which does nothing: a freed
    handle is never valid again (gocore/registry)."""
    out = _ffi.new(ctype)
    try:
        _call(owner, fn, *args, out)
        return adopt(out[0])
    except BaseException:
        made = out[0]
        if made != _NULL:
            getattr(_lib, _RELEASE[ctype])(made)
        raise


# ------------------------------------------------------------ interruption

def interruptible(call: Callable[[Any], T], big: bool, discard: Optional[Callable[[T], None]] = None) -> T:
    """Run ``call(cancel_handle)`` so that Ctrl-C stops it, and return its result.

    Python delivers KeyboardInterrupt only to the main thread, and only
    between bytecodes: a long Go call would hold it back until the call
    ends. So a big call runs in a helper thread while the main thread
    waits interruptibly; on Ctrl-C (or another exception a signal handler
    raises) the call's cancel handle is triggered, the Go side stops its
    work, the call is waited for, and the exception propagates. ``call``
    raises its own errors (in the helper thread, so the cancelled call's
    error record is freed there); a result that arrived just as Ctrl-C did
    is passed to ``discard``.
    """
    if not big or threading.current_thread() is not threading.main_thread() or not usable():
        # In a forked child the call itself is refused, naming what it is
        # (gocfg_live_open, gocfg_db_open, ...): the cancel handle's refusal
        # named only gocfg_cancel_trigger, "a Database or a large document",
        # for a gocfg.load(watch=True) of a small file.
        return call(_NULL)
    # A KeyboardInterrupt may land at any call boundary of this thread, even
    # in the middle of setting up. So the cancel handle is freed in a
    # finally that covers its creation (freeing a NULL or an already freed
    # handle is a no-op), and the helper thread frees it too when its call
    # is over (a trigger after that is harmless: a freed handle is never
    # valid again). A result that reaches no one is an owner object whose
    # finalizer frees it: calls that make a handle give it to its owner in
    # the helper thread, where no KeyboardInterrupt lands (_new_handle's
    # adopt). The helper is a bare _thread with a lock of its own to wait
    # on, not a threading.Thread: an interrupt that
    # lands inside Thread.start() or join() can leave threading's own locks
    # in a broken state ("release unlocked lock"), while acquiring a plain
    # lock with a timeout is interrupted cleanly.
    cell = _ffi.new("gocfg_cancel **")
    outcome: List[Tuple[bool, Any]] = []
    ended: List[bool] = []  # set by run() as it ends, just before it releases done
    done = _thread.allocate_lock()
    done.acquire()
    started = False
    worker: Optional[_Worker] = None
    try:
        if _lib.gocfg_cancel_new(cell, _NULL) != 0:
            return call(_NULL)
        cancel = cell[0]

        def run() -> None:
            try:
                outcome.append((True, call(cancel)))
            except BaseException as e:  # re-raised in the caller's thread
                outcome.append((False, e))
            finally:
                _lib.gocfg_cancel_free(cancel)
                if worker is not None:
                    worker.busy.release()
                ended.append(True)
                done.release()

        worker = _Worker.take()
        if worker is not None:
            worker.start(run)
        else:  # busy (a nested call, from a signal handler): a thread of its own
            _thread.start_new_thread(run, ())
        started = True
        while not done.acquire(timeout=0.05):
            pass
    except BaseException:  # KeyboardInterrupt, or what a signal handler raised
        _lib.gocfg_cancel_trigger(cell[0])
        # The call stops soon: its context is cancelled. Waited for by
        # `ended`, not by acquiring done alone: the interrupt may have
        # landed just after the loop above acquired done, and a second
        # acquire would then wait for good.
        while started and not ended:
            done.acquire(timeout=0.05)
        if outcome and outcome[0][0] and discard is not None:
            discard(outcome[0][1])  # finished just before the cancel landed
        raise
    finally:
        if not started:
            _lib.gocfg_cancel_free(cell[0])
            if worker is not None:
                # Interrupted while handing the call over: whether the
                # worker got it (and will release busy) cannot be told, so
                # the next call makes a new worker (this one, if it got
                # nothing, waits idle for good: one thread, rarely).
                _Worker._current = None
    ok, result = outcome[0]
    if not ok:
        raise result
    return result  # type: ignore[no-any-return]


# ----------------------------------------------------------- sliced calls

# How long a sliced database call holds the main thread at most before
# Python may run its signal handlers (Ctrl-C) and the call goes on.
SLICE_MS = 100

# GOCFG_E_PENDING, read from the library with the constants.
_E_PENDING: Optional[int] = None


def sliced(call: Callable[[Any], T], slow: bool, abandon: Optional[Callable[[], None]] = None) -> T:
    """Run ``call(cancel)``, a database call that may take long, so that
    Ctrl-C stops it, in this thread: without a helper thread's hand-off,
    which cost more than a whole etcd round trip on a loaded machine.

    ``call`` makes its library call through :func:`_call_sliced` with
    ``cancel``. Given a cancel handle with a time slice (see
    gocfg_cancel_new_sliced in gocfg.h), the library returns within
    SLICE_MS, with the result or with GOCFG_E_PENDING while the work goes
    on in Go; :func:`_call_sliced` then waits in further slices, and Python
    runs its signal handlers between them. On Ctrl-C the work is cancelled
    and waited for (it still writes into the call's buffers), ``abandon``
    releases what it made anyway, and KeyboardInterrupt propagates.

    A call that is not ``slow`` (SQLite and memory stores: their calls are
    bounded, see Database), or made outside the main thread (where Python
    runs no signal handler), is made directly, with no cancel handle.
    """
    if not slow or threading.current_thread() is not threading.main_thread():
        return _abandoning(call, _NULL, abandon)  # a signal may still land before the result has an owner
    consts()  # _E_PENDING
    cell = _ffi.new("gocfg_cancel **")
    try:  # the handle is freed whatever interrupts (freeing NULL is a no-op)
        if _lib.gocfg_cancel_new_sliced(SLICE_MS, cell, _NULL) != 0:
            return call(_NULL)
        return _abandoning(call, cell[0], abandon)
    finally:
        _lib.gocfg_cancel_free(cell[0])


def _abandoning(call: Callable[[Any], T], cancel: Any, abandon: Optional[Callable[[], None]]) -> T:
    # abandon runs on any exception: also one that lands after the call
    # returned but before its result had an owner. It frees only what the
    # call made (a handle freed twice, or a NULL one, is a no-op).
    try:
        return call(cancel)
    except _Abandoned as e:
        if abandon is not None:
            abandon()
        raise e.cause from None
    except BaseException:
        if abandon is not None:
            abandon()
        raise


class _Abandoned(BaseException):
    """A pending sliced call was cancelled by ``cause`` (KeyboardInterrupt,
    or another exception a signal handler raised) and has ended."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__()
        self.cause = cause


def _call_sliced(owner: Any, cancel: Any, fn: Any, *args: Any) -> int:
    """Like :func:`_call`, for a call given a sliced cancel handle (or
    NULL): a GOCFG_E_PENDING answer is waited for in slices."""
    pool = _pool()
    cell = _take(pool)
    err = cell[0]
    try:
        try:
            rc: int = fn(*args, err)
            if rc == _E_PENDING and cancel != _NULL:
                while True:
                    rc = int(_lib.gocfg_cancel_wait(cancel, SLICE_MS, err))
                    if rc != _E_PENDING:
                        break
                    # Between two waits: Python runs its signal handlers here.
        except BaseException as e:
            # An exception anywhere from the call on (Ctrl-C, or another
            # one a signal handler raised) may have left the work running
            # in Go, writing into this call's buffers: stop it and wait for
            # its end before anything is released.
            if cancel == _NULL:
                raise
            _settle(cancel)
            raise _Abandoned(e) from None
        if rc < 0:
            _fail(rc, err, owner)
    except BaseException:
        _give(pool, cell)
        raise
    pool.append(cell)
    return rc


def _settle(cancel: Any) -> None:
    """Cancel a sliced call and wait until its work has ended (at once when
    there is none). Further interrupts cannot cut the wait short."""
    _lib.gocfg_cancel_trigger(cancel)
    while True:
        try:
            if _lib.gocfg_cancel_wait(cancel, SLICE_MS, _NULL) != _E_PENDING:
                return
        except BaseException:
            continue


class _Worker:
    """The thread that runs interruptible calls, kept for the next one.

    Starting a thread per call cost more than a small database call itself
    (an etcd load is a few hundred µs); this one thread waits on a lock
    between calls. ``busy`` is held from take() until the call's run()
    ends, so a call made while another is running (from a signal handler
    in the main thread, say) gets a thread of its own rather than waiting.
    Like the per-call threads it replaces, it is a bare _thread with plain
    locks (see interruptible). A forked child starts its own (the parent's
    thread does not exist there).
    """

    _current: "Optional[_Worker]" = None

    def __init__(self) -> None:
        self.pid = _os.getpid()
        self.busy = _thread.allocate_lock()
        self.wake = _thread.allocate_lock()
        self.wake.acquire()
        self.job: Optional[Callable[[], None]] = None
        _thread.start_new_thread(self._loop, ())

    @classmethod
    def take(cls) -> "Optional[_Worker]":
        """The process's worker, reserved for one call; None when it is busy."""
        w = cls._current
        if w is None or w.pid != _os.getpid():
            w = cls._current = _Worker()
        return w if w.busy.acquire(False) else None

    def start(self, job: Callable[[], None]) -> None:
        """Run job (which releases busy when it ends) on the worker."""
        self.job = job
        self.wake.release()

    def _loop(self) -> None:
        while True:
            self.wake.acquire()
            job, self.job = self.job, None
            if job is not None:
                job()  # catches everything itself
            # Drop it before waiting: the job holds its call, its owner and
            # its result, which must not live on until the next call.
            job = None


# ----------------------------------------------------------------- library

def stats() -> Dict[str, int]:
    lib = _native.load()
    out = _ffi.new("gocfg_stats *")
    rc = lib.gocfg_stats_get(out)
    if rc != 0:
        _fail(rc, None, None)
    return {
        "live_handles": int(out.live_handles),
        "outstanding_buffers": int(out.outstanding_buffers),
        "outstanding_bytes": int(out.outstanding_bytes),
        "outstanding_errors": int(out.outstanding_errors),
        "goroutines": int(out.goroutines),
    }


def usable() -> bool:
    """Whether handles may be freed now: not in a forked child."""
    return not _native.forked


# ------------------------------------------------------------------- fork

def loaded() -> bool:
    """Whether the library (or, in a forked child, its stand-in) is loaded."""
    return bool(_native.loaded)


def handle_int(h: Any) -> int:
    """A handle as an int: what gocfg._hot and a live spec name it by, and
    the key of its fork snapshot (handles are never reused)."""
    # With the type looked up once (_rebound): naming it in the cast cost
    # ~0.1-0.2 µs of every new Config.
    return int(_ffi.cast(_uintptr_t, h))


def set_fork_snapshots(snapshots: Dict[int, Any]) -> None:
    """Hand the snapshots (handle_int -> gocfg._forklib.Snapshot) to the
    loader: a child forked next by this thread reads the Configs from
    them (one store, atomic: an interrupt lands before or after it)."""
    _native.fork_handover[threading.get_ident()] = snapshots


def drop_fork_snapshots() -> None:
    """Forget what this thread handed over for an earlier fork."""
    _native.fork_handover.pop(threading.get_ident(), None)


def status_of(e: BaseException) -> int:
    """The status whose exception class e is (GOCFG_E_INTERNAL if none)."""
    c = consts()
    for code, cls in c.classes.items():
        if type(e) is cls:
            return code
    return c.statuses.get("INTERNAL", -1)


# ------------------------------------------------------------------ config

def config_new(adopt: Callable[[Any], T]) -> T:
    _native.load()
    return _new_handle(None, _lib.gocfg_config_new, "gocfg_config **", adopt=adopt)


def config_free(h: Any) -> None:
    _lib.gocfg_config_free(h)


def config_copy(owner: Any, h: Any, adopt: Callable[[Any], T]) -> T:
    return _new_handle(owner, _lib.gocfg_config_copy, "gocfg_config **", h, adopt=adopt)


def version_cell(owner: Any, h: Any, hid: int) -> Any:
    """The library's change counter for config h (``hid``: the same handle
    as an int) of ``owner``, which Python reads without a call
    (gocfg_config_version_cell), as a one-item memoryview: ``cell[0]``
    reads it in ~12 ns less than indexing a cffi ``uint64_t *`` (it is read
    when a read cache is checked)."""
    # gocfg._hot makes the view from the pointer in C (~0.1 µs; through
    # cffi's pointer cell and buffer object it was ~0.7 µs); a failed call
    # (a bad handle, or one another thread just closed) is made again with
    # an error cell for the error's details.
    view = _hot.version_cell(hid)
    if view is not None:
        return view
    cell = _ffi.new("const uint64_t **")
    _call(owner, _lib.gocfg_config_version_cell, h, cell)
    return _counter(cell[0])


def _counter(ptr: Any) -> Any:
    # The library's counter cells are never returned to the system
    # (gocore/cmem/cells.go), so a view of one stays readable after the
    # config is freed; the fork stand-in keeps its cells in its snapshot
    # data.
    # (ffi.buffer takes the const pointer as it is: a cast first cost
    # ~0.1 µs of every new Config.)
    return memoryview(_ffi.buffer(ptr, 8)).cast("Q")


def never_version() -> Any:
    """A version cell that no read cache is labelled with."""
    if _ffi is None:
        return None
    return memoryview(_ffi.buffer(_ffi.new("uint64_t[1]", [2**64 - 1]))).cast("Q")


def config_get(owner: Any, h: Any, p: bytes) -> Optional[bytes]:
    """The value at path p in the wire format, or None when nothing is there."""
    return config_read(owner, h, p, None, bytes)


def config_read(owner: Any, h: Any, p: bytes, missing: Any, load: Callable[[Any], T]) -> T:
    """load(the wire encoding of the value at path p), or missing when
    nothing is there. load (marshal.loads, or bytes for a copy) is called
    on a copy of the value (see "The hot path")."""
    # The hottest call: gocfg._hot reads a short value into a buffer of its
    # own (on the C stack) with no error cell and loads it; a longer value
    # and a failure come back as _RETRY and are read here, through cffi
    # (see "Hot calls without an error cell").
    v = _hot.read(owner._hid, p, missing, load)
    if v is not _RETRY:
        return v  # type: ignore[no-any-return]
    return _read_again(owner, h, p, missing, load)


def _read_again(owner: Any, h: Any, p: bytes, missing: Any, load: Callable[[Any], T]) -> T:
    """A read that gocfg._hot gave back: a long value or a failure."""
    data = _read_long(owner, h, p, 0)
    return missing if data is None else load(data)


def _read_long(owner: Any, h: Any, p: bytes, n: int) -> Optional[bytes]:
    """config_read's path for a value longer than gocfg._hot reads (of n
    bytes when known, else 0), and for a failure: the call made again,
    through cffi, with an error cell."""
    pool = _pool()
    cell = _take(pool)
    err = cell[0]
    try:
        cap = n if n > SCRATCH_SIZE else SCRATCH_SIZE
        big = _ffi.new("char[]", cap) if n > SCRATCH_SIZE else cell[1]
        while True:
            n = _lib.gocfg_config_get_value(h, p, len(p), big, cap, err)
            if 0 <= n <= cap:
                return bytes(_ffi.unpack(big, n))
            if n < 0:
                break
            # Too long: a buffer of the right size. Loop, because another
            # thread may lengthen the value meanwhile.
            cap = n
            big = _ffi.new("char[]", cap)
        if _not_found(n, err):
            return None
        _fail(n, err, owner)
    finally:
        _give(pool, cell)


def _not_found(rc: int, err: Any) -> bool:
    """Whether a call found nothing at its path: an answer, not an error,
    for reads and deletes (the error record is released)."""
    if rc != consts().E_NOT_FOUND:
        return False
    if err[0] != _NULL:
        _lib.gocfg_error_free(err[0])
        err[0] = _NULL
    return True


# Hot calls without an error cell. Writes, membership tests, len() and
# reads pass NULL for `err` (the header allows it) and take no cell when
# they do not need a buffer: most calls succeed, and taking a cell (the
# thread's pool, a pop and an append) cost 100-150 ns of a ~600 ns call.
# A call that fails is made again through _call(), with a cell, to get its
# error record. A failed call changed nothing, so the second one either
# fails too (its error is raised: a closed handle, a frozen config, a
# list index out of range, a bad path) or succeeds because another thread
# changed the config in between, and then the operation took effect at
# that moment, as if it had been made once, then. A read that finds
# nothing needs no record at all (E_NOT_FOUND is its answer).
#
# The hot path. The first, cell-less call of each is made by gocfg._hot
# (pybind/_hot.c), a small limited-API extension that calls the same
# exports keeping the GIL: cffi releases and retakes it around every call,
# which cost more than a ~150 ns Go call itself (README, "Why the binding
# is what it is"). It takes the config's handle as an int (Config._hid)
# and returns what the export returned; the call made again with an error
# cell goes through cffi, as every other call does. In a forked child
# gocfg._native puts gocfg._forklib.ForkedHot in its place, which answers
# every hot call with "make it again", so the answers come from
# ForkedLibrary and nothing calls Go.


def config_set(owner: Any, h: Any, p: bytes, data: bytes, text: bool) -> None:
    """Store data at p: a string's UTF-8 bytes when text, else a value in
    the wire format."""
    if (_hot.set if text else _hot.set_value)(owner._hid, p, data) != 0:
        _call(owner, _lib.gocfg_config_set if text else _lib.gocfg_config_set_value, h, p, len(p), data, len(data))


def config_set_text(owner: Any, h: Any, p: bytes, data: bytes) -> None:
    """Store the string whose UTF-8 bytes are data at p (config_set for a
    str, which Config's writes call)."""
    if _hot.set(owner._hid, p, data) != 0:
        _call(owner, _lib.gocfg_config_set, h, p, len(p), data, len(data))


def config_delete(owner: Any, h: Any, p: bytes) -> bool:
    """Delete the value at p; False when nothing was there."""
    pool = _pool()
    cell = _take(pool)
    err = cell[0]
    try:
        rc = _lib.gocfg_config_delete(h, p, len(p), err)
        if rc == 0:
            return True
        if _not_found(rc, err):
            return False
        _fail(rc, err, owner)
    finally:
        _give(pool, cell)


def config_pop(owner: Any, h: Any, p: bytes) -> Optional[bytes]:
    """Delete the value at p and return its whole wire encoding, as a read
    gives it, in one change; None when nothing was there."""
    pool = _pool()
    cell = _take(pool)
    err = cell[0]
    buf = _ffi.new("gocfg_buffer *")
    try:
        rc = _lib.gocfg_config_pop(h, p, len(p), buf, err)
        if rc == 0:
            return bytes(_ffi.unpack(buf.data, buf.len))
        if _not_found(rc, err):
            return None
        _fail(rc, err, owner)
    finally:
        _lib.gocfg_buffer_free(buf)
        _give(pool, cell)


def config_contains(owner: Any, h: Any, p: bytes) -> bool:
    rc: int = _hot.contains(owner._hid, p)
    if rc < 0:
        rc = _call(owner, _lib.gocfg_config_contains, h, p, len(p))
    return rc == 1


def config_len(owner: Any, h: Any, p: bytes) -> int:
    rc: int = _hot.len(owner._hid, p)
    if rc < 0:
        rc = _call(owner, _lib.gocfg_config_len, h, p, len(p))
    return rc


# The item calls: Config's `key in cfg` and `cfg[key] = value` made whole
# by gocfg._hot for the common case (a str key; for a write, a str value
# and a key without a dot), with no Python frame at all: once the library
# is loaded, Config's __contains__, __getitem__ and __setitem__ are
# gocfg._hot's method objects, which CPython calls as it calls a Python
# method. Everything else (other keys and values, a failure, a closed
# Config, a missing key) goes to the Python implementations that
# gocfg.config hands over with hot_items() and hot_reads():
# they are the full behaviour, and the C code only a shortcut that gives
# the same answer. Before the library is loaded and in a forked child,
# the class keeps its own Python methods, which call contains_item and
# setitem below (the Python implementations, or ForkedHot's).
_RETRY: Any = object()  # gocfg._hot.read's "read this one through cffi"


def _no_items(*args: Any) -> Any:
    raise _e.InternalError("gocfg.config has not registered its item calls")  # pragma: no cover


_items_class: Optional[type] = None
_class_methods: Dict[str, Any] = {}
_contains_py: Callable[[Any, Any], bool] = _no_items
_setitem_py: Callable[[Any, Any, Any], None] = _no_items
contains_item: Callable[[Any, Any], bool] = _no_items
setitem: Callable[[Any, Any, Any], None] = _no_items
# config_read for Config's own uncached reads: the config's handle taken
# from its _hid in C, and the value decoded there when it is a scalar.
read_item: Callable[[Any, Any, bytes, Any, Callable[[Any], Any]], Any] = config_read


def _read_str_py(owner: Any, key: str) -> Any:
    """read_str where gocfg._hot has none (before the library is loaded,
    in a forked child): always "take the Python path"."""
    return _RETRY


# Config.__getitem__'s whole miss path for an exact str key, in C once the
# library is loaded (gocfg._hot.read_str): its value, or _RETRY for the
# Python path. It needs the finishing step from gocfg.config (hot_reads()).
read_str: Callable[[Any, str], Any] = _read_str_py
_read_finish: Optional[Callable[[Any, bytes, str, Dict[Any, Any], Any], Any]] = None
_read_rest: Optional[Callable[[Any, Any], Any]] = None
_cache_entries = 0


def hot_reads(finish: Callable[[Any, bytes, str, Dict[Any, Any], Any], Any], rest: Callable[[Any, Any], Any],
              max_entries: int) -> None:
    """Register what gocfg._hot's reads need from gocfg.config: the
    function that shapes and caches a value other than a plain scalar (a
    time, a map, a list); the rest of Config.__getitem__ after read_str,
    which the extension's __getitem__ calls for every read it does not
    answer; and the most entries the read cache keeps."""
    global _read_finish, _read_rest, _cache_entries
    _read_finish, _read_rest = finish, rest
    _cache_entries = max_entries
    _rebound()


def hot_items(cls: type, contains_py: Callable[[Any, Any], bool], setitem_py: Callable[[Any, Any, Any], None]) -> None:
    """Register Config (whose __contains__, __getitem__ and __setitem__
    the extension takes over) and the Python implementations of the first
    and last, which the hot path falls back to (__getitem__'s is
    registered with hot_reads)."""
    global _items_class, _contains_py, _setitem_py
    if cls is not _items_class:  # the class's own methods, before any were replaced
        _class_methods.update((name, cls.__dict__[name]) for name in ("__contains__", "__getitem__", "__setitem__"))
    _items_class, _contains_py, _setitem_py = cls, contains_py, setitem_py
    _rebound()


def _keep_handlers_on_the_signal_stack() -> None:
    """Make signal.signal() install handlers that run on the signal stack.

    The Go runtime runs on small stacks and gives each thread it runs on an
    alternate stack for signal handlers; a handler installed without the
    SA_ONSTACK flag runs on whatever Go stack it interrupts, and Go then
    crashes the process (seen as "fatal error: traceback did not unwind
    completely" under a fast SIGALRM timer, within a second). CPython adds
    the flag itself from 3.10 on (bpo-43390). The Go runtime adds it, when
    it starts, to the handlers installed before; on 3.9 this wraps
    signal.signal so that each handler installed later gets it too. The
    wrapper returns what signal.signal returns and raises what it raises.
    """
    import signal  # here: the module costs ~2 ms to import, and 3.10 on never needs it

    original = signal.signal
    if getattr(original, "__gocfg_onstack__", False):
        return
    onstack = _hot.onstack  # the module's own: a forked child's ForkedHot has none

    @functools.wraps(original)
    def signal_onstack(signalnum: Any, handler: Any) -> Any:
        previous = original(signalnum, handler)
        onstack(int(signalnum))
        return previous

    signal_onstack.__gocfg_onstack__ = True  # type: ignore[attr-defined]
    signal.signal = signal_onstack


def _rebound() -> None:
    """Called by gocfg._native whenever _hot changes (the library loaded,
    a fork): hand the status and the fallbacks to the new one, and give
    Config the methods that go with it."""
    global contains_item, setitem, read_item, read_str, _uintptr_t
    _uintptr_t = _ffi.typeof("uintptr_t") if _ffi is not None else None
    hot = _hot
    if hot is None:
        contains_item, setitem, read_item, read_str = _contains_py, _setitem_py, config_read, _read_str_py
        return
    if _consts is None and not _native.forked:
        # Read now, while the library is being loaded, not when a call
        # first fails: that call may run in a signal handler, and a handler
        # that a timer fires again before the reading ends would start it
        # again, nested, until the recursion limit.
        consts()
    if sys.version_info < (3, 10) and not _native.forked:
        _keep_handlers_on_the_signal_stack()
    hot.setup(int(_lib.GOCFG_E_NOT_FOUND), _RETRY, _marshal_loads, _contains_py, _setitem_py, _read_again)
    contains_item, setitem, read_item = hot.contains_item, hot.setitem, hot.read_item
    setup_read = getattr(hot, "setup_read", None)  # ForkedHot has none: the Python path reads
    finish, rest = _read_finish, _read_rest
    if setup_read is not None and finish is not None and rest is not None:
        setup_read(finish, rest, _cache_entries)
        read_str = hot.read_str
    else:
        read_str = _read_str_py
    cls = _items_class
    if cls is not None:
        make = getattr(hot, "method", None)  # ForkedHot has none: the class's Python methods stay
        for name, py in _class_methods.items():
            # __getitem__ in C only with the reads set up (read_str in C).
            in_c = name != "__getitem__" or read_str is not _read_str_py
            setattr(cls, name, make(name) if make is not None and in_c else py)


def config_keys(owner: Any, h: Any, p: bytes) -> List[str]:
    # A wire list: keys may hold NUL, so they cannot be NUL-separated.
    keys: List[str] = _marshal_loads(_buffer(owner, _lib.gocfg_config_keys, h, p, len(p)))
    return keys


def config_export(owner: Any, h: Any, p: bytes) -> bytes:
    return _buffer(owner, _lib.gocfg_config_export, h, p, len(p))


def config_export_decoded(owner: Any, h: Any, p: bytes, decode: Callable[[Any], T]) -> T:
    """decode(the export of p), read in place: from a scratch buffer of
    EXPORT_SCRATCH bytes when the export fits (a config file's to_dict():
    a library buffer's fresh pages cost ~12 µs, as much as encoding 10 kB),
    else straight from the library's buffer, which is freed after (to_dict()
    of a big tree skips a copy as large as the buffer: time, and peak
    memory)."""
    pool = _exports
    try:
        scratch = pool.pop()
    except IndexError:
        scratch = _new_export_scratch()
    buf = _ffi.new("gocfg_buffer *")
    try:  # the call inside: its buffer is freed whatever interrupts
        n = _call(owner, _lib.gocfg_config_export_to, h, p, len(p), scratch[0], EXPORT_SCRATCH, buf)
        if n <= EXPORT_SCRATCH:
            return decode(scratch[1][:n])
        return decode(_ffi.buffer(buf.data, buf.len))
    finally:
        _lib.gocfg_buffer_free(buf)
        # Given back only now: decode has made its objects from it. A call
        # nested in this one (a signal handler's) took another.
        pool.append(scratch)


# Scratch buffers for config_export_decoded, pooled as the call cells are
# (see "Call cells"): taken per call, so threads and nested calls never
# share one; each is EXPORT_SCRATCH bytes, made on first need.
EXPORT_SCRATCH = 64 * 1024
_exports: List[Tuple[Any, memoryview]] = []


def _new_export_scratch() -> Tuple[Any, memoryview]:
    _native.load()
    mem = _ffi.new("char[]", EXPORT_SCRATCH)
    return mem, memoryview(_ffi.buffer(mem))


def config_merge(owner: Any, h: Any, p: bytes, data: bytes) -> None:
    _call(owner, _lib.gocfg_config_merge, h, p, len(p), data, len(data))


def _counts(existing: List[int]) -> Any:
    return _ffi.new("size_t[]", existing) if existing else _NULL


def config_set_within(owner: Any, h: Any, p: bytes, data: bytes, existing: List[int]) -> None:
    """Store the wire value data at p if the first n segments of p name a
    value, for each n in existing (KeyNotFoundError, nothing stored, if not)."""
    _call(owner, _lib.gocfg_config_set_value_within, h, p, len(p), data, len(data), _counts(existing), len(existing))


def config_setdefault(owner: Any, h: Any, p: bytes, data: bytes, existing: List[int],
                      state: bool = False, under_key: bool = False) -> bytes:
    """Store data at p unless a value is there (checking existing as
    config_set_within does); the wire encoding of the value then at p, as a
    read gives it. data is a wire value, or (state) a state as
    config_graft takes, whose root is the value or (under_key) holds it as
    its one key."""
    form = (_lib.GOCFG_SETDEFAULT_STATE_KEY if under_key else _lib.GOCFG_SETDEFAULT_STATE) if state \
        else _lib.GOCFG_SETDEFAULT_VALUE
    buf = _ffi.new("gocfg_buffer *")
    try:  # the call inside: its buffer is freed whatever interrupts
        _call(owner, _lib.gocfg_config_setdefault, h, p, len(p), data, len(data), form, _counts(existing),
              len(existing), buf)
        return bytes(_ffi.unpack(buf.data, buf.len))
    finally:
        _lib.gocfg_buffer_free(buf)


def config_clear(owner: Any, h: Any) -> None:
    _call(owner, _lib.gocfg_config_clear, h)


def config_clear_map(owner: Any, h: Any, p: bytes) -> None:
    _call(owner, _lib.gocfg_config_clear_map, h, p, len(p))


def config_freeze(owner: Any, h: Any) -> None:
    _call(owner, _lib.gocfg_config_freeze, h)


def config_is_frozen(owner: Any, h: Any) -> bool:
    return _call(owner, _lib.gocfg_config_is_frozen, h) == 1


def config_resolve(owner: Any, h: Any) -> None:
    _call(owner, _lib.gocfg_config_resolve, h)


def config_origin(owner: Any, h: Any, p: bytes) -> Tuple[int, str, int, int, int]:
    """(kind, name, line, column, layer) of the value in force at p."""
    out = _ffi.new("gocfg_origin *")
    _call(owner, _lib.gocfg_config_origin, h, p, len(p), out)
    try:
        # surrogateescape: a file name need not be UTF-8 (os.fsdecode's str, as in explain()'s rows)
        name = _ffi.unpack(out.name.data, out.name.len).decode("utf-8", "surrogateescape") \
            if out.name.data != _NULL else ""
    finally:
        _lib.gocfg_buffer_free(_ffi.addressof(out, "name"))
    return int(out.kind), name, int(out.line), int(out.column), int(out.layer)


def config_history(owner: Any, h: Any, p: bytes) -> bytes:
    return _buffer(owner, _lib.gocfg_config_history, h, p, len(p))


def config_explain(owner: Any, h: Any, p: bytes) -> bytes:
    return _buffer(owner, _lib.gocfg_config_explain, h, p, len(p))


def config_explain_first(owner: Any, h: Any, p: bytes, max_rows: int) -> Tuple[bytes, int]:
    """(the first max_rows leaves of config_explain, how many there are in all)."""
    return _buffer_and_count(owner, _lib.gocfg_config_explain_first, h, p, len(p), max_rows)


def config_diff(owner: Any, h: Any, other: Any) -> bytes:
    return _buffer(owner, _lib.gocfg_config_diff, h, other)


def config_serialize(owner: Any, h: Any) -> bytes:
    return _buffer(owner, _lib.gocfg_config_serialize, h)


def config_secret_inputs(owner: Any, h: Any) -> bytes:
    return _buffer(owner, _lib.gocfg_config_secret_inputs, h)


def config_graft(owner: Any, h: Any, p: bytes, state: bytes, merge: bool) -> None:
    _call(owner, _lib.gocfg_config_graft, h, p, len(p), state, len(state), int(merge))


def config_deserialize(state: bytes, env: bytes, adopt: Callable[[Any], T]) -> T:
    _native.load()
    return _new_handle(None, _lib.gocfg_config_deserialize, "gocfg_config **", state, len(state), env, len(env),
                       adopt=adopt)


def config_dump(owner: Any, h: Any, fmt: bytes) -> bytes:
    return _buffer(owner, _lib.gocfg_config_dump, h, fmt, len(fmt))


def config_save(owner: Any, h: Any, name: bytes, fmt: bytes, private: bool) -> None:
    flags = _lib.GOCFG_SAVE_PRIVATE if private else 0
    _call(owner, _lib.gocfg_config_save, h, name, len(name), fmt, len(fmt), flags)


def config_load(name: bytes, fmt: bytes, big: bool, adopt: Callable[[Any], Owner]) -> Owner:
    """A new config read from a file (interruptible when big), wrapped by
    ``adopt`` (see :func:`_new_handle`)."""
    _native.load()
    return interruptible(lambda cancel: _new_handle(None, _lib.gocfg_config_load, "gocfg_config **",
                                                    name, len(name), fmt, len(fmt), cancel, adopt=adopt),
                         big, _close)


def config_loads(data: bytes, fmt: bytes, adopt: Callable[[Any], Owner]) -> Owner:
    """A new config parsed from a document (interruptible when big),
    wrapped by ``adopt`` (see :func:`_new_handle`)."""
    _native.load()
    if len(data) <= INTERRUPTIBLE_SIZE:  # as interruptible() runs it, without its wrappers
        return _new_handle(None, _lib.gocfg_config_loads, "gocfg_config **", data, len(data), fmt, len(fmt), _NULL,
                           adopt=adopt)
    return interruptible(lambda cancel: _new_handle(None, _lib.gocfg_config_loads, "gocfg_config **",
                                                    data, len(data), fmt, len(fmt), cancel, adopt=adopt),
                         True, _close)


def _close(owner: _Closable) -> None:
    owner.close()


# ------------------------------------------------------------------ layers

def _layer_flags(interpolate: bool = False, raw_strings: bool = False, append_lists: bool = False,
                 optional: bool = False) -> int:
    lib = _lib
    return ((lib.GOCFG_LAYER_INTERPOLATE if interpolate else 0) | (lib.GOCFG_LAYER_RAW_STRINGS if raw_strings else 0)
            | (lib.GOCFG_LAYER_APPEND_LISTS if append_lists else 0) | (lib.GOCFG_LAYER_OPTIONAL if optional else 0))


def layered_new(interpolate: bool, raw_strings: bool, env: bytes, adopt: Callable[[Any], T]) -> T:
    _native.load()
    flags = _layer_flags(interpolate=interpolate, raw_strings=raw_strings)
    return _new_handle(None, _lib.gocfg_config_layered_new, "gocfg_config **", flags, env, len(env), adopt=adopt)


def merge_layer(owner: Any, h: Any, data: bytes, defaults: bool, label: bytes, append_lists: bool) -> None:
    c = consts()
    kind = c.ORIGIN_DEFAULTS if defaults else c.ORIGIN_DICT
    _call(owner, _lib.gocfg_config_merge_layer, h, data, len(data), kind, label, len(label),
          _layer_flags(append_lists=append_lists))


def load_layer(owner: Any, h: Any, name: bytes, fmt: bytes, optional: bool, append_lists: bool, big: bool) -> bool:
    """Merge a file; False when it was optional and missing."""
    flags = _layer_flags(append_lists=append_lists, optional=optional)

    def call(cancel: Any) -> bool:
        return _call(owner, _lib.gocfg_config_load_layer, h, name, len(name), fmt, len(fmt), flags, cancel) > 0

    return interruptible(call, big)


def loads_layer(owner: Any, h: Any, data: bytes, fmt: bytes, label: bytes, append_lists: bool) -> None:
    flags = _layer_flags(append_lists=append_lists)

    def call(cancel: Any) -> None:
        _call(owner, _lib.gocfg_config_loads_layer, h, data, len(data), fmt, len(fmt), label, len(label), flags,
              cancel)

    interruptible(call, len(data) > INTERRUPTIBLE_SIZE)


def env_layer(owner: Any, h: Any, prefix: bytes, delimiter: bytes) -> None:
    _call(owner, _lib.gocfg_config_env_layer, h, prefix, len(prefix), delimiter, len(delimiter), 0)


def override_layer(owner: Any, h: Any, items: bytes, raw_strings: bool) -> None:
    _call(owner, _lib.gocfg_config_override_layer, h, items, len(items), _layer_flags(raw_strings=raw_strings))



def load_section_layer(owner: Any, h: Any, name: bytes, fmt: bytes, section: bytes, append_lists: bool,
                       big: bool) -> bool:
    """Merge one top-level section of a file; False when it has none."""
    flags = _layer_flags(append_lists=append_lists)

    def call(cancel: Any) -> bool:
        return _call(owner, _lib.gocfg_config_load_section_layer, h, name, len(name), fmt, len(fmt), section,
                     len(section), flags, cancel) > 0

    return interruptible(call, big)

def assign_layer(owner: Any, h: Any, prefix: bytes, delimiter: bytes, rows: bytes, raw_strings: bool) -> int:
    """Apply wire-encoded [key, value, kind, name, line, column] rows as one
    layer (gocfg_config_assign_layer); the number applied."""
    return int(_call(owner, _lib.gocfg_config_assign_layer, h, prefix, len(prefix), delimiter, len(delimiter),
                     rows, len(rows), _layer_flags(raw_strings=raw_strings)))


def secrets_layer(owner: Any, h: Any, directory: bytes, delimiter: bytes) -> int:
    """Apply a secrets directory as one layer (gocfg_config_secrets_layer);
    the number of values applied, 0 when it is missing or empty. The read
    is interruptible: a directory on a stalled mount must not hold Ctrl-C."""

    def call(cancel: Any) -> int:
        return int(_call(owner, _lib.gocfg_config_secrets_layer, h, directory, len(directory), delimiter,
                         len(delimiter), cancel))

    return interruptible(call, True)


# ---------------------------------------------------------------- database

def db_open(url: bytes, options: Dict[str, Optional[bytes]], timeout_ms: int, adopt: Callable[[Any], Owner]) -> Owner:
    """A new database handle, given to ``adopt`` in the helper thread (always
    interruptible: opening may wait on the network; see :func:`_new_handle`).
    options: username, password, ca_file, cert_file, key_file."""
    _native.load()
    opts = _ffi.new("gocfg_db_options *")
    # Keep the option strings alive until the call returns.
    keep = {k: (_NULL if v is None else _ffi.new("char[]", v)) for k, v in options.items()}
    for k, v in keep.items():
        setattr(opts, k, v)
    opts.timeout_ms = timeout_ms
    return interruptible(lambda cancel: _new_handle(None, _lib.gocfg_db_open, "gocfg_db **", url,
                                                    len(url), opts, cancel, adopt=adopt), True, _close)


def db_close(h: Any) -> None:
    _lib.gocfg_db_close(h)


def db_describe(owner: Any, h: Any) -> str:
    return _buffer(owner, _lib.gocfg_db_describe, h).decode("utf-8", "replace")


# The calls below that talk to the store are sliced (see :func:`sliced`)
# when ``slow`` (etcd: every call may wait on the network), and direct on
# SQLite and memory stores.

def db_save(owner: Any, h: Any, name: bytes, cfg: Any, expect: int, slow: bool) -> int:
    def call(cancel: Any) -> int:
        rev = _ffi.new("int64_t *")
        _call_sliced(owner, cancel, _lib.gocfg_db_save, h, name, len(name), cfg, expect, cancel, rev)
        return int(rev[0])

    return sliced(call, slow)


# The cells of a direct load (its error cell, config, revision, and the
# config cell read as an integer), pooled as the call cells are (see "Call
# cells"), in one tuple with the error cell first, as a call cell has it
# (so _give serves both): making them per load cost ~0.3 µs, taking a call
# cell through _call ~0.5 µs more, and casting the handle to an int ~0.3
# µs, of a small SQLite load's ~13. A tuple is given back once its cells
# are read (after a failure too); one that an exception abandons is only
# garbage.
_load_outs: List[Tuple[Any, Any, Any, Any]] = []


def _new_load_outs() -> Tuple[Any, Any, Any, Any]:
    cfg_out = _ffi.new("gocfg_config **")
    return _ffi.new("gocfg_error **"), cfg_out, _ffi.new("int64_t *"), _ffi.cast("uintptr_t *", cfg_out)


def db_load(owner: Any, h: Any, name: bytes, revision: int, slow: bool,
            adopt: Callable[[Any, int], Owner]) -> Tuple[Owner, int]:
    """(a new config, given to ``adopt`` with its handle as an int; its revision)."""
    if not slow:  # SQLite and memory: direct, as sliced() would make it, without its closures
        pool = _load_outs
        try:
            outs = pool.pop()
        except IndexError:
            outs = _new_load_outs()
        err, cfg_out, rev_out, hid_out = outs
        try:  # the config is released if anything lands before its owner holds it (see _new_handle)
            rc = _lib.gocfg_db_load(h, name, len(name), revision, _NULL, cfg_out, rev_out, err)
            if rc < 0:
                _fail(rc, err, owner)
            cfg = adopt(cfg_out[0], hid_out[0])
        except BaseException:
            _lib.gocfg_config_free(cfg_out[0])  # NULL when the call failed
            cfg_out[0] = _NULL
            _give(pool, outs)
            raise
        rev = rev_out[0]
        cfg_out[0] = _NULL
        pool.append(outs)
        return cfg, rev
    out = _ffi.new("gocfg_config **")
    got = _ffi.new("int64_t *")

    def call(cancel: Any) -> Tuple[Owner, int]:
        _call_sliced(owner, cancel, _lib.gocfg_db_load, h, name, len(name), revision, cancel, out, got)
        return adopt(out[0], handle_int(out[0])), int(got[0])

    # A load cancelled as it ended made a config that no one will own.
    return sliced(call, slow, lambda: _lib.gocfg_config_free(out[0]))


def db_load_many(owner: Any, h: Any, names: List[bytes], slow: bool,
                 adopt: Callable[[Any], Owner]) -> List[Optional[Tuple[Owner, int]]]:
    """(config, revision) for each name, None where the name does not
    exist: one call (gocfg_db_load_many); every handle gets its owner
    before anything else can fail."""
    n = len(names)
    out = _ffi.new("gocfg_config *[]", n)
    revs = _ffi.new("int64_t[]", n)
    packed = b"\0".join(names) + b"\0"

    def call(cancel: Any) -> List[Optional[Tuple[Owner, int]]]:
        _call_sliced(owner, cancel, _lib.gocfg_db_load_many, h, packed, len(packed), n, cancel, out, revs)
        owners = [None if out[i] == _NULL else adopt(out[i]) for i in range(n)]
        return [None if o is None else (o, int(revs[i])) for i, o in enumerate(owners)]

    def abandon() -> None:
        for i in range(n):
            _lib.gocfg_config_free(out[i])

    return sliced(call, slow, abandon)


def db_delete(owner: Any, h: Any, name: bytes, slow: bool) -> None:
    def call(cancel: Any) -> None:
        _call_sliced(owner, cancel, _lib.gocfg_db_delete, h, name, len(name), cancel)

    sliced(call, slow)


def _db_buffer(owner: Any, fn: Any, h: Any, arg: bytes, slow: bool) -> bytes:
    buf = _ffi.new("gocfg_buffer *")

    def call(cancel: Any) -> bytes:
        _call_sliced(owner, cancel, fn, h, arg, len(arg), cancel, buf)
        return bytes(_ffi.unpack(buf.data, buf.len))

    # The call is inside the try: whatever interrupts, its buffer is freed
    # (freeing a buffer the call did not fill is a no-op).
    try:
        return sliced(call, slow)
    finally:
        _lib.gocfg_buffer_free(buf)


def db_names(owner: Any, h: Any, prefix: bytes, slow: bool) -> List[str]:
    return _db_buffer(owner, _lib.gocfg_db_names, h, prefix, slow).decode("utf-8").split("\0")[:-1]


def db_history(owner: Any, h: Any, name: bytes, slow: bool) -> bytes:
    """An array of gocfg_db_revision: two int64_t each, native order."""
    return _db_buffer(owner, _lib.gocfg_db_history, h, name, slow)


def db_query(owner: Any, h: Any, expr: bytes) -> bytes:
    return _db_buffer(owner, _lib.gocfg_db_query, h, expr, True)


def watch_open(owner: Any, h: Any, prefix: bytes, adopt: Callable[[Any], T]) -> T:
    return _new_handle(owner, _lib.gocfg_db_watch_open, "gocfg_db_watch **", h, prefix, len(prefix), adopt=adopt)


def watch_close(h: Any) -> None:
    _lib.gocfg_db_watch_close(h)


def watch_next(owner: Any, h: Any, timeout_ms: int) -> Optional[Tuple[str, int, bool]]:
    """The next event as (name, revision, deleted), or None when timeout_ms
    passed without one. ClosedError once the watch or its database closed."""
    ev = _ffi.new("gocfg_db_event *")
    rc = _call(owner, _lib.gocfg_db_watch_next, h, timeout_ms, _NULL, ev)
    if rc == 0:
        return None
    try:
        name = _ffi.unpack(ev.name.data, ev.name.len).decode("utf-8")
    finally:
        _lib.gocfg_buffer_free(_ffi.addressof(ev, "name"))
    return name, int(ev.revision), bool(ev.deleted)


# --------------------------------------------------------------- documents

def read_all(name: bytes, fmt: bytes, big: bool) -> bytes:
    """Every document of a file, any root, as a wire list of roots
    (gocfg_read_all; interruptible when big)."""
    _native.load()
    return interruptible(lambda cancel: _buffer(None, _lib.gocfg_read_all, name, len(name), fmt, len(fmt), cancel),
                         big)


def reads_all(data: bytes, fmt: bytes) -> bytes:
    """Every document of a text, any root, as a wire list (gocfg_reads_all)."""
    _native.load()
    return interruptible(lambda cancel: _buffer(None, _lib.gocfg_reads_all, data, len(data), fmt, len(fmt), cancel),
                         len(data) > INTERRUPTIBLE_SIZE)


def dump_all(data: bytes, fmt: bytes) -> bytes:
    """Documents (a wire list of roots) written in a format (gocfg_dump_all)."""
    _native.load()
    return _buffer(None, _lib.gocfg_dump_all, data, len(data), fmt, len(fmt))

# ------------------------------------------------------------------ schema

def config_validate(owner: Any, h: Any, p: bytes, schema: bytes, resources: bytes,
                    assert_format: bool) -> Tuple[int, bytes]:
    """The number of violations of the value at p against schema (JSON
    text), and the wire list of the first ones (see gocfg_config_validate).
    Always interruptible: how long it takes depends on both the config and
    the schema, which the binding cannot size up front."""
    flags = _lib.GOCFG_SCHEMA_ASSERT_FORMAT if assert_format else 0

    def call(cancel: Any) -> Tuple[int, bytes]:
        buf = _ffi.new("gocfg_buffer *")
        try:  # the call inside: its buffer is freed whatever interrupts
            n = _call(owner, _lib.gocfg_config_validate, h, p, len(p), schema, len(schema), resources,
                      len(resources), flags, cancel, buf)
            return n, bytes(_ffi.unpack(buf.data, buf.len))
        finally:
            _lib.gocfg_buffer_free(buf)

    return interruptible(call, True)


# -------------------------------------------------------------------- live

def live_flags() -> Dict[str, int]:
    """The flags of a gocfg_live_open spec entry, by name."""
    lib = _native.load()
    return {"optional": int(lib.GOCFG_LIVE_LAYER_OPTIONAL), "append_lists": int(lib.GOCFG_LIVE_LAYER_APPEND_LISTS),
            "raw_strings": int(lib.GOCFG_LIVE_LAYER_RAW_STRINGS)}


def live_open(spec: bytes, interpolate: bool, raw_strings: bool, env: bytes, debounce_ms: int) -> Tuple[Any, Any]:
    """(live handle, config handle) of a new live configuration in the
    manual mode (interruptible: it reads every source once)."""
    _native.load()
    flags = _layer_flags(interpolate=interpolate, raw_strings=raw_strings) | _lib.GOCFG_LIVE_MANUAL

    def call(cancel: Any) -> Tuple[Any, Any]:
        out = _ffi.new("gocfg_live **")
        cfg = _ffi.new("gocfg_config **")
        _call(None, _lib.gocfg_live_open, spec, len(spec), flags, env, len(env), debounce_ms, cancel, out, cfg)
        return out[0], cfg[0]

    def discard(r: Tuple[Any, Any]) -> None:
        live_close(r[0])
        config_free(r[1])

    return interruptible(call, True, discard)


def live_close(h: Any) -> None:
    _lib.gocfg_live_close(h)


def live_next(owner: Any, h: Any, timeout_ms: int) -> Optional[Tuple[bytes, Any]]:
    """The next event as (wire bytes, candidate config handle or None), or
    None when timeout_ms passed. ClosedError once the live config closed."""
    buf = _ffi.new("gocfg_buffer *")
    cand = _ffi.new("gocfg_config **")
    try:  # the call inside: its buffer is freed whatever interrupts
        if _call(owner, _lib.gocfg_live_next, h, timeout_ms, _NULL, buf, cand) == 0:
            return None
        data = bytes(_ffi.unpack(buf.data, buf.len))
    finally:
        _lib.gocfg_buffer_free(buf)
    return data, (cand[0] if cand[0] != _NULL else None)


def live_commit(owner: Any, h: Any, candidate: Any) -> bytes:
    return _buffer(owner, _lib.gocfg_live_commit, h, candidate)


def live_reject(owner: Any, h: Any, candidate: Any, reason: bytes) -> bytes:
    return _buffer(owner, _lib.gocfg_live_reject, h, candidate, reason, len(reason))


def live_reload(owner: Any, h: Any) -> Optional[bytes]:
    """The event of a forced rebuild (queued for live_next too), or None."""
    def call(cancel: Any) -> Optional[bytes]:
        buf = _ffi.new("gocfg_buffer *")
        try:
            rc = _call(owner, _lib.gocfg_live_reload, h, cancel, buf)
            return bytes(_ffi.unpack(buf.data, buf.len)) if rc == 1 else None
        finally:
            _lib.gocfg_buffer_free(buf)

    return interruptible(call, True)
