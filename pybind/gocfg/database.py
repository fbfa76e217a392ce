"""gocfg.Database: persistent config stores (SQLite, etcd, memory).

A Database keeps configs under names ("services/api"), with a revision per
save, the full history, compare-and-swap saves, queries over every stored
config, and change events. The store is chosen by URL:

    sqlite:///abs/path.db, sqlite:rel/path.db, or a bare path   (the default)
    etcd://[user:pass@]host:port[,host:port...]/prefix[?ca=F&cert=F&key=F]
    memory://                                   in this process, for tests

Everything below runs in the Go library (gocore/db) through the
gocfg_db_* calls of gocfg.h; this module only moves arguments and results.
"""
from __future__ import annotations

import datetime as _dt
import math
import os
import struct
import sys
import time
from collections.abc import Mapping
from typing import Any, Callable, Iterator, List, NamedTuple, Optional, Tuple, Union

from . import _native
from ._errors_map import E_CLOSED, E_INVALID_HANDLE, new_err_cell, raise_error
from ._values import decode_value
from .config import Config, Section
from .errors import ClosedError, InvalidArgumentError

_lib: Any
_ffi: Any
_NULL: Any
_native.bind(globals())

__all__ = ["Database", "Watch", "WatchEvent"]

# gocfg_db_watch_next waits at most this long per call, so that Ctrl-C (which
# Python handles between calls) reaches the caller within a fraction of a
# second, and a timeout is honoured to the same precision.
_WATCH_SLICE_MS = 200

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)

PathArg = Union[str, "os.PathLike[str]"]


class WatchEvent(NamedTuple):
    """A change seen by :meth:`Database.watch`: ``name`` was saved as
    ``revision`` (or deleted, using up that revision, when ``deleted``)."""

    name: str
    revision: int
    deleted: bool


class _Loaded:
    """A loaded config and its revision (closed if Ctrl-C lands at once)."""

    __slots__ = ("cfg", "revision")

    def __init__(self, cfg: Config, revision: int) -> None:
        self.cfg = cfg
        self.revision = revision

    def close(self) -> None:
        self.cfg.close()


class _Done:
    """A finished call's result, in the shape _native.call_interruptible
    wants (it closes a result that arrived just as Ctrl-C did)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def close(self) -> None:
        pass


def _closed_error() -> ClosedError:
    return ClosedError("operation on a closed gocfg.Database")


def _name_arg(value: Any, what: str = "name") -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be str, not {type(value).__name__}")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InvalidArgumentError(f"{what} {value!r} cannot be encoded as UTF-8 "
                                   f"(lone surrogate at index {e.start})") from None


def _option(value: Any, what: str, secret: bool = False) -> Any:
    """A NUL-terminated copy of an option for gocfg_db_options, or NULL."""
    if value is None:
        return _NULL
    if isinstance(value, os.PathLike) and not secret:
        value = os.fspath(value)
    if not isinstance(value, str):
        raise TypeError(f"{what} must be str{'' if secret else ' or a path'}, not {type(value).__name__}")
    shown = "" if secret else f" {value!r}"  # never echo a password
    try:
        data = value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgumentError(f"{what}{shown} cannot be encoded as UTF-8") from None
    if b"\0" in data:
        raise InvalidArgumentError(f"{what}{shown} contains a NUL character")
    return _ffi.new("char[]", data)


def _url_arg(url: Any) -> bytes:
    if isinstance(url, os.PathLike):
        url = os.fspath(url)
    if not isinstance(url, str):
        raise TypeError(f"url must be str or a path, not {type(url).__name__}")
    try:
        data = url.encode("utf-8")
    except UnicodeEncodeError:
        # The URL may hold a password: do not quote it.
        raise InvalidArgumentError("the database URL cannot be encoded as UTF-8") from None
    if not data:
        raise InvalidArgumentError("the database URL is empty (use a file path, sqlite:///path, "
                                   "etcd://host:port/prefix or memory://)")
    return data


def _timeout_ms(timeout: Any) -> int:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds, not {type(timeout).__name__}")
    if not (timeout > 0) or math.isinf(timeout) or timeout > 86400:
        raise InvalidArgumentError(f"timeout must be more than 0 and at most one day, not {timeout!r}")
    return max(1, int(math.ceil(timeout * 1000)))


def _scheme(url: bytes) -> str:
    head = url.split(b":", 1)[0].lower()
    if b":" in url and head in (b"memory", b"etcd", b"sqlite"):
        return head.decode()
    return "sqlite"  # a bare path (or an unknown scheme, which Go refuses)


class Database:
    """A persistent config store. Open it with ``Database.open(url)``.

    ``save(name, cfg)`` stores a new revision, ``load(name)`` reads one
    back as a :class:`gocfg.Config`; ``delete``, ``names``, ``history``,
    ``query`` and ``watch`` do what they say. The semantics are the same on
    every backend (see the README). The Database is a context manager;
    ``close()`` releases it and may be called twice; after it, every
    method raises :class:`gocfg.ClosedError`. Methods may be called from
    several threads at once.
    """

    __slots__ = ("_h", "_desc", "_remote", "__weakref__")

    def __init__(self, url: PathArg, *, username: Optional[str] = None, password: Optional[str] = None,
                 ca: Optional[PathArg] = None, cert: Optional[PathArg] = None,
                 key: Optional[PathArg] = None, timeout: float = 5.0) -> None:
        self._h: Any = None
        self._desc = "?"
        _native.load()
        u = _url_arg(url)
        opts = _ffi.new("gocfg_db_options *")
        # Keep the option strings alive until the call returns.
        keep = [_option(username, "username"), _option(password, "password", secret=True),
                _option(ca, "ca"), _option(cert, "cert"), _option(key, "key")]
        opts.username, opts.password, opts.ca_file, opts.cert_file, opts.key_file = keep
        opts.timeout_ms = _timeout_ms(timeout)
        # Ctrl-C and long calls: Python runs signal handlers only in the main
        # thread between bytecodes, so a call that may block for long runs in
        # a helper thread (_native.call_interruptible), which costs about
        # 0.1-0.2 ms per call. On etcd every call may wait on the network
        # for up to `timeout`, so all go that way; on SQLite and memory the
        # calls are direct (a SQLite save takes about 0.2 ms), except open
        # and query, which may take long. A SQLite call that waits for
        # another process's write lock is interrupted only when it gives up,
        # after `timeout`.
        self._remote = _scheme(u) == "etcd"

        def call(cancel: Any) -> Tuple[int, Any]:
            out = _ffi.new("gocfg_db **")
            err = new_err_cell()
            rc = _lib.gocfg_db_open(u, len(u), opts, cancel, out, err)
            if rc != 0:
                return rc, err
            return 0, _Handle(out[0])

        rc, result = _native.call_interruptible(call, True)
        del keep
        if rc != 0:
            raise_error(rc, result)
        self._h = result.take()
        try:
            self._desc = self._describe()
        except BaseException:
            self.close()
            raise

    @classmethod
    def open(cls, url: PathArg, *, username: Optional[str] = None, password: Optional[str] = None,
             ca: Optional[PathArg] = None, cert: Optional[PathArg] = None, key: Optional[PathArg] = None,
             timeout: float = 5.0) -> "Database":
        """Open the store that ``url`` names.

        ``url`` is ``sqlite:///path/file.db`` or a plain file path (the
        file is created with mode 0600), ``etcd://host:port[,host:port...]/
        prefix`` or ``memory://``. For etcd, ``username``/``password``
        override the URL's ``user:pass@``, and ``ca``, ``cert``, ``key``
        (file paths, overriding the URL's ``?ca=&cert=&key=``) turn TLS on.
        ``timeout`` (seconds) bounds connecting, each call, and waiting for
        another process's lock on SQLite. Passwords never appear in repr,
        exception messages or logs.
        """
        return cls(url, username=username, password=password, ca=ca, cert=cert, key=key, timeout=timeout)

    # ----------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Close the store: end its watches and release it. Calls running on
        other threads finish first. Calling close() again does nothing."""
        h, self._h = self._h, None
        if h is not None:
            _lib.gocfg_db_close(h)

    @property
    def closed(self) -> bool:
        return self._h is None

    def __enter__(self) -> "Database":
        if self._h is None:
            raise _closed_error()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        # Never raise here, and do nothing at interpreter shutdown or in a
        # forked child (the library stub refuses then, and we swallow it).
        try:
            if self._h is not None and not sys.is_finalizing():
                self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        # _desc comes from the library, which leaves the password out.
        state = " (closed)" if self._h is None else ""
        return f"<gocfg.Database {self._desc}{state}>"

    @property
    def url(self) -> str:
        """The store's URL without its password."""
        return self._desc

    # ------------------------------------------------------------ plumbing

    def _handle(self) -> Any:
        h = self._h
        if h is None:
            raise _closed_error()
        return h

    def _raise(self, rc: int, err: Any) -> Any:
        if rc == E_INVALID_HANDLE and self._h is None:
            if err is not None and err[0] != _NULL:
                _lib.gocfg_error_free(err[0])
            raise _closed_error()  # closed by another thread during the call
        raise_error(rc, err)

    def _run(self, fn: Callable[[Any], Tuple[int, Any]], slow: bool) -> Any:
        """Run fn(cancel) -> (status, result), interruptibly by Ctrl-C when
        the call may wait; raise on failure, return the result."""
        rc, result = _native.call_interruptible(fn, slow)
        if rc < 0:
            self._raise(rc, result)
        return result

    def _buffer(self, fn: Callable[..., int], *args: Any) -> Callable[[Any], Tuple[int, Any]]:
        """A call of fn(*args, cancel, gocfg_buffer*, err) that copies the
        buffer's bytes and frees it at once (in whichever thread runs it)."""
        def call(cancel: Any) -> Tuple[int, Any]:
            buf = _ffi.new("gocfg_buffer *")
            err = new_err_cell()
            rc = fn(*args, cancel, buf, err)
            if rc < 0:
                return rc, err
            try:
                return 0, _Done(_ffi.unpack(buf.data, buf.len))
            finally:
                _lib.gocfg_buffer_free(buf)
        return call

    def _describe(self) -> str:
        h = self._handle()
        buf = _ffi.new("gocfg_buffer *")
        err = new_err_cell()
        rc = _lib.gocfg_db_describe(h, buf, err)
        if rc != 0:
            self._raise(rc, err)
        try:
            return _ffi.unpack(buf.data, buf.len).decode("utf-8", "replace")
        finally:
            _lib.gocfg_buffer_free(buf)

    # ----------------------------------------------------------- operations

    def save(self, name: str, cfg: Union[Config, Mapping], *, expect_revision: Optional[int] = None) -> int:
        """Store ``cfg`` (a Config, or any mapping) as the next revision of
        ``name`` and return that revision (1 for the first save).

        ``expect_revision`` makes the save a compare-and-swap: ``0`` means
        "only if name does not exist", ``n`` "only if n is still its latest
        revision". Otherwise nothing is saved and
        :class:`gocfg.ConflictError` is raised. The save is atomic.
        """
        h = self._handle()
        n = _name_arg(name)
        if expect_revision is None:
            expect = -1
        elif isinstance(expect_revision, bool) or not isinstance(expect_revision, int):
            raise TypeError(f"expect_revision must be an int or None, not {type(expect_revision).__name__}")
        elif expect_revision < 0 or expect_revision >= 2**63:
            raise InvalidArgumentError(f"expect_revision must be 0 (must not exist) or a revision, "
                                       f"not {expect_revision}")
        else:
            expect = expect_revision
        temp = None
        if isinstance(cfg, Config):
            source = cfg
        elif isinstance(cfg, (Section, Mapping)):
            source = temp = Config(cfg.to_dict() if isinstance(cfg, Section) else cfg)
        else:
            raise TypeError(f"cfg must be a gocfg.Config or a mapping, not {type(cfg).__name__}")
        try:
            ch = source._h
            if ch is None:
                raise ClosedError("cannot save a closed gocfg.Config")

            def call(cancel: Any) -> Tuple[int, Any]:
                rev = _ffi.new("int64_t *")
                err = new_err_cell()
                rc = _lib.gocfg_db_save(h, n, len(n), ch, expect, cancel, rev, err)
                if rc != 0:
                    return rc, err
                return 0, _Done(int(rev[0]))

            return self._run(call, self._remote).value
        finally:
            if temp is not None:
                temp.close()

    def load(self, name: str, revision: Optional[int] = None) -> Config:
        """Return revision ``revision`` of ``name`` (default: the latest) as
        a new :class:`gocfg.Config`. A missing name or revision raises
        :class:`gocfg.KeyNotFoundError` (a KeyError)."""
        return self.load_with_revision(name, revision)[0]

    def load_with_revision(self, name: str, revision: Optional[int] = None) -> Tuple[Config, int]:
        """Like :meth:`load`, and also return the revision read, in one step:
        what a compare-and-swap loop needs::

            while True:
                cfg, rev = db.load_with_revision("counter")
                cfg["n"] += 1
                try:
                    db.save("counter", cfg, expect_revision=rev)
                    break
                except gocfg.ConflictError:
                    continue        # someone saved in between: read again
        """
        h = self._handle()
        n = _name_arg(name)
        if revision is None:
            rev = 0
        elif isinstance(revision, bool) or not isinstance(revision, int):
            raise TypeError(f"revision must be an int or None, not {type(revision).__name__}")
        elif revision < 1 or revision >= 2**63:
            raise InvalidArgumentError(f"revision must be 1 or more (None for the latest), not {revision}")
        else:
            rev = revision

        def call(cancel: Any) -> Tuple[int, Any]:
            out = _ffi.new("gocfg_config **")
            got = _ffi.new("int64_t *")
            err = new_err_cell()
            rc = _lib.gocfg_db_load(h, n, len(n), rev, cancel, out, got, err)
            if rc != 0:
                return rc, err
            return 0, _Loaded(Config._adopt(out), int(got[0]))

        loaded = self._run(call, self._remote)
        return loaded.cfg, loaded.revision

    def delete(self, name: str) -> None:
        """Remove ``name`` and its whole history. Its revision counter
        survives: a later save continues after the delete's revision."""
        h = self._handle()
        n = _name_arg(name)

        def call(cancel: Any) -> Tuple[int, Any]:
            err = new_err_cell()
            rc = _lib.gocfg_db_delete(h, n, len(n), cancel, err)
            if rc != 0:
                return rc, err
            return 0, _Done(None)

        self._run(call, self._remote)

    def names(self, prefix: str = "") -> List[str]:
        """The stored names under ``prefix``, sorted. Prefixes are level-wise:
        ``"a"`` selects ``a`` and ``a/...`` (not ``ab``), ``"a/"`` only
        ``a/...``, ``""`` everything."""
        h = self._handle()
        p = _name_arg(prefix, "prefix")
        raw = self._run(self._buffer(_lib.gocfg_db_names, h, p, len(p)), self._remote).value
        return raw.decode("utf-8").split("\0")[:-1]

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        try:
            return name in self.names(name)
        except InvalidArgumentError:
            return False

    def history(self, name: str) -> List[Tuple[int, _dt.datetime]]:
        """Every stored revision of ``name``, oldest first, as
        ``(revision, saved_at)`` with ``saved_at`` an aware UTC datetime."""
        h = self._handle()
        n = _name_arg(name)
        raw = self._run(self._buffer(_lib.gocfg_db_history, h, n, len(n)), self._remote).value
        # An array of gocfg_db_revision: two int64_t each, native order.
        return [(int(rev), _EPOCH + _dt.timedelta(microseconds=ns // 1000))
                for rev, ns in struct.iter_unpack("=qq", raw)]

    def query(self, expr: str) -> List[Tuple[str, str, Any]]:
        """Search every stored config (latest revisions) and return the
        matching leaves as ``(name, path, value)`` rows, sorted by name and
        path. ``expr`` is ``<name-glob>:<path-glob>``, for example
        ``"services/*:server.port"``, ``"**:**.port"`` or ``"*:**"``; see
        the README for the language."""
        h = self._handle()
        q = _name_arg(expr, "query")
        raw = self._run(self._buffer(_lib.gocfg_db_query, h, q, len(q)), True).value
        return [tuple(row) for row in decode_value(raw)]  # type: ignore[misc]

    def watch(self, name_or_prefix: str = "", timeout: Optional[float] = None) -> "Watch":
        """Iterate over the changes to ``name_or_prefix`` (a name, or a
        level-wise prefix as for :meth:`names`) made from now on, by anyone,
        as :class:`WatchEvent` items.

        The watch starts when watch() returns, not at the first next(), so
        nothing saved in between is missed. Iteration blocks (in Go, with
        the GIL released) and ends when ``timeout`` seconds have passed
        since watch() was called, when the Database is closed (from any
        thread), or when the Watch is closed; Ctrl-C interrupts it within
        a fraction of a second. Use it as a context manager, or close() it,
        to stop watching early.
        """
        return Watch(self, name_or_prefix, timeout)


class _Handle:
    """A database handle on its way out of call_interruptible: closed
    (the store too) if Ctrl-C arrives just as the open succeeds."""

    __slots__ = ("h",)

    def __init__(self, h: Any) -> None:
        self.h = h

    def take(self) -> Any:
        h, self.h = self.h, None
        return h

    def close(self) -> None:
        h, self.h = self.h, None
        if h is not None:
            _lib.gocfg_db_close(h)


class Watch:
    """An iterator over a Database's change events; see Database.watch.

    It owns one handle in the library; ``close()`` (also called by ``with``,
    garbage collection, and the end of the iteration) releases it and may be
    called twice. An exception raised out of ``next()`` (Ctrl-C included)
    closes the watch, as it would finish a generator.
    """

    __slots__ = ("_h", "_db", "_deadline", "__weakref__")

    def __init__(self, db: Database, name_or_prefix: str, timeout: Optional[float]) -> None:
        self._h: Any = None
        self._db = db
        if timeout is not None:
            if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
                raise TypeError(f"timeout must be a number of seconds or None, not {type(timeout).__name__}")
            if math.isnan(timeout) or timeout < 0:
                raise InvalidArgumentError(f"timeout must be 0 or more seconds, not {timeout!r}")
        dh = db._handle()
        p = _name_arg(name_or_prefix, "prefix")
        out = _ffi.new("gocfg_db_watch **")
        err = new_err_cell()
        rc = _lib.gocfg_db_watch_open(dh, p, len(p), out, err)
        if rc != 0:
            db._raise(rc, err)
        self._h = out[0]
        self._deadline = None if timeout is None else time.monotonic() + timeout

    def __iter__(self) -> Iterator[WatchEvent]:
        return self

    def __next__(self) -> WatchEvent:
        try:
            event = self._next()
        except BaseException:
            self.close()
            raise
        if event is None:
            self.close()
            raise StopIteration
        return event

    def _next(self) -> Optional[WatchEvent]:
        ev = _ffi.new("gocfg_db_event *")
        name_buf = _ffi.addressof(ev, "name")
        err = new_err_cell()
        while True:
            h = self._h
            if h is None:
                return None
            slice_ms = _WATCH_SLICE_MS
            last = False
            if self._deadline is not None:
                left = self._deadline - time.monotonic()
                # At the deadline, one last poll (0 ms) still hands out an
                # event that is already there: watch(timeout=0) drains.
                last = left <= 0
                slice_ms = 0 if last else min(slice_ms, max(1, int(left * 1000)))
            rc = _lib.gocfg_db_watch_next(h, slice_ms, _NULL, ev, err)
            if rc == 1:
                try:
                    name = _ffi.unpack(ev.name.data, ev.name.len).decode("utf-8")
                finally:
                    _lib.gocfg_buffer_free(name_buf)
                return WatchEvent(name, int(ev.revision), bool(ev.deleted))
            if rc == 0:
                if last:
                    return None
                continue  # a slice passed: Python may deliver Ctrl-C here
            if rc == E_CLOSED or (rc == E_INVALID_HANDLE and self._h is None):
                _lib.gocfg_error_free(err[0])
                return None
            raise_error(rc, err)

    def close(self) -> None:
        """Stop watching. Calling it again does nothing."""
        h, self._h = self._h, None
        if h is not None:
            _lib.gocfg_db_watch_close(h)

    @property
    def closed(self) -> bool:
        return self._h is None

    def __enter__(self) -> "Watch":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if self._h is not None and not sys.is_finalizing():
                self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        return f"<gocfg.Watch on {self._db._desc}{' (closed)' if self._h is None else ''}>"
