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
import os
import struct
import time
from collections.abc import Mapping
from typing import Any, Dict, Iterable, Iterator, List, NamedTuple, Optional, Tuple, Union

from . import _args, _capi
from ._handle import Handle
from ._values import decode_value, encode_value
from .config import Config, Section, _saved_tree
from .errors import ClosedError, InvalidArgumentError, KeyNotFoundError

__all__ = ["Database", "Watch", "WatchEvent"]

# Names per gocfg_db_load_many call (the library takes up to 10,000): each
# batch is one interruptible call, so Ctrl-C is never far away.
_LOAD_MANY_BATCH = 1024

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


class Database(Handle):
    """A persistent config store. Open it with ``Database.open(url)``.

    ``save(name, cfg)`` stores a new revision, ``load(name)`` reads one
    back as a :class:`gocfg.Config`; ``delete``, ``names``, ``history``,
    ``query`` and ``watch`` do what they say. The semantics are the same on
    every backend (see the README). The Database is a context manager;
    ``close()`` releases it and may be called twice; after it, every
    method raises :class:`gocfg.ClosedError`. Methods may be called from
    several threads at once.
    """

    __slots__ = ("_h", "_desc", "_remote", "_waits", "__weakref__")

    def __init__(self, url: PathArg, *, username: Optional[str] = None, password: Optional[str] = None,
                 ca: Optional[PathArg] = None, cert: Optional[PathArg] = None,
                 key: Optional[PathArg] = None, timeout: float = 5.0) -> None:
        self._fresh()
        self._h: Any = None
        self._desc = "?"
        u = _args.url_arg(url)
        options = {"username": _args.option_arg(username, "username"),
                   "password": _args.option_arg(password, "password", secret=True),
                   "ca_file": _args.option_arg(ca, "ca"), "cert_file": _args.option_arg(cert, "cert"),
                   "key_file": _args.option_arg(key, "key")}
        ms = _args.timeout_ms(timeout)
        # Ctrl-C and long calls: Python runs signal handlers only in the main
        # thread between bytecodes, so a call that may block for long is
        # sliced (_capi.sliced): the library runs it and hands control back
        # every 100 ms until it is done, and Ctrl-C cancels it in between.
        # That costs a goroutine hand-off in Go (tens of µs on a loaded
        # machine, about what the helper thread it replaces cost). On etcd
        # every call may wait on the network for up to `timeout`, so all go
        # that way; on SQLite and memory the calls are direct, except open
        # (a helper thread: _capi.interruptible) and query, which may take
        # long. The bound that makes a direct SQLite call acceptable: a
        # load reads one row in WAL mode, which never waits for a writer,
        # and at most max_config_bytes. A save or delete may wait for
        # another process's write lock for up to `timeout` (a day at most),
        # so on SQLite they are sliced too (_waits): made directly, Ctrl-C
        # landed only when the wait gave up (15 s for timeout=15); sliced,
        # the cancel stops SQLite's busy wait and Ctrl-C lands at once. The
        # library first tries such a write without waiting, in this thread,
        # and slices only one that finds the lock taken: the hand-off in Go
        # cost ~0.1 ms per save on a loaded 2-core machine, beside ~0.5 ms
        # for the save itself.
        scheme = _args.url_scheme(u)
        self._remote = scheme == "etcd"
        self._waits = scheme != "memory"
        _capi.db_open(u, options, ms, self._own)
        try:
            self._desc = _capi.db_describe(self, self._h)
        except BaseException:
            self.close()
            raise

    def _own(self, h: Any) -> "Database":
        """Take the handle db_open made (in its helper thread: see _capi._new_handle)."""
        self._h = h
        return self

    @classmethod
    def open(cls, url: PathArg, *, username: Optional[str] = None, password: Optional[str] = None,
             ca: Optional[PathArg] = None, cert: Optional[PathArg] = None, key: Optional[PathArg] = None,
             timeout: float = 5.0) -> "Database":
        """Open the store that ``url`` names.

        ``url`` is ``sqlite:///abs/path.db``, ``sqlite:rel/path.db`` or a
        plain file path (the file is created with mode 0600, in a directory
        that must exist), ``etcd://host:port[,host:port...]/
        prefix`` or ``memory://``. For etcd, ``username``/``password``
        override the URL's ``user:pass@``, and ``ca``, ``cert``, ``key``
        (file paths, overriding the URL's ``?ca=&cert=&key=``) turn TLS on.
        ``timeout`` (seconds) bounds connecting, each call, and waiting for
        another process's lock on SQLite. Passwords never appear in repr,
        exception messages or logs.
        """
        return cls(url, username=username, password=password, ca=ca, cert=cert, key=key, timeout=timeout)

    # ----------------------------------------------------------- lifecycle

    _what = "gocfg.Database"

    def _release(self, h: Any) -> None:
        _capi.db_close(h)

    def close(self) -> None:
        """Close the store: end its watches and release it. Calls running on
        other threads finish first. Calling close() again does nothing."""
        Handle.close(self)

    def __repr__(self) -> str:
        # _desc comes from the library, which leaves the password out.
        state = " (closed)" if self._h is None else ""
        return f"<gocfg.Database {self._desc}{state}>"

    @property
    def url(self) -> str:
        """The store's URL without its password."""
        return self._desc

    # ----------------------------------------------------------- operations

    def save(self, name: str, cfg: Union[Config, Mapping[str, Any]], *, expect_revision: Optional[int] = None) -> int:
        """Store ``cfg`` (a Config, or any mapping) as the next revision of
        ``name`` and return that revision (1 for the first save).

        ``expect_revision`` makes the save a compare-and-swap: ``0`` means
        "only if name does not exist", ``n`` "only if n is still its latest
        revision". Otherwise nothing is saved and
        :class:`gocfg.ConflictError` is raised. The save is atomic.
        """
        h = self._handle()
        n = _args.name_arg(name)
        expect = _args.expect_revision_arg(expect_revision)
        temp = None
        if isinstance(cfg, Config):
            source = cfg
        elif isinstance(cfg, (Section, Mapping)):
            source = temp = Config(_saved_tree(cfg) if isinstance(cfg, Section) else cfg)
        else:
            raise TypeError(f"cfg must be a gocfg.Config or a mapping, not {type(cfg).__name__}")
        try:
            ch = source._h
            if ch is None:
                raise ClosedError("cannot save a closed gocfg.Config")
            return _capi.db_save(self, h, n, ch, expect, self._waits)
        finally:
            if temp is not None:
                temp.close()

    def load(self, name: str, revision: Optional[int] = None, *, interpolate: bool = False,
             environ: Optional[Mapping[str, str]] = None) -> Config:
        """Return revision ``revision`` of ``name`` (default: the latest) as
        a new :class:`gocfg.Config`. A missing name or revision raises
        :class:`gocfg.KeyNotFoundError` (a KeyError).

        What a save keeps is the data as stored: ``${...}`` references as
        templates (never their resolved values, which may hold secrets of
        the saving process), not the per-value origins or the environment.
        By default the Config returned is plain: it reads the templates as
        text, exactly what was saved. ``interpolate=True`` returns one that
        resolves them on read as ``gocfg.load()`` does (``${env:...}`` from
        ``environ``, default ``os.environ``) and whose values have the
        origin ``stored <name>``, as a ``gocfg.Stored`` source gives."""
        if interpolate:
            return self.load_with_revision(name, revision, interpolate=True, environ=environ)[0]
        # The plain load straight to the library: one Python call less than
        # through load_with_revision, of a small load's ~13 µs.
        try:
            return _capi.db_load(self, self._handle(), _args.name_arg(name), _args.revision_arg(revision),
                                 self._remote, Config._adopt)[0]
        except KeyNotFoundError:
            raise self._not_stored(name, revision) from None

    def load_with_revision(self, name: str, revision: Optional[int] = None, *, interpolate: bool = False,
                           environ: Optional[Mapping[str, str]] = None) -> Tuple[Config, int]:
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
        n = _args.name_arg(name)
        rev = _args.revision_arg(revision)
        try:
            cfg, got = _capi.db_load(self, h, n, rev, self._remote, Config._adopt)
        except KeyNotFoundError:
            raise self._not_stored(name, revision) from None
        if interpolate:
            with cfg:
                cfg = _interpolating(cfg, name, environ)
        return cfg, got

    def load_many(self, names: Iterable[str]) -> Dict[str, Config]:
        """The latest revision of each of ``names`` as a new
        :class:`gocfg.Config`, in one call to the store: ``{name: Config}``
        in the order given, leaving out the names that do not exist. On etcd
        this reads 32 names in the time :meth:`load` reads one; on SQLite it
        saves the per-call cost. Close the Configs (or use each ``with``)."""
        h = self._handle()
        if isinstance(names, (str, bytes)):
            raise TypeError("load_many() needs an iterable of names, not one name")
        wanted = list(dict.fromkeys(names))  # each name once, in order
        encoded = [_args.name_arg(n) for n in wanted]
        out: Dict[str, Config] = {}
        try:
            for start in range(0, len(encoded), _LOAD_MANY_BATCH):
                got = _capi.db_load_many(self, h, encoded[start:start + _LOAD_MANY_BATCH], self._remote,
                                         Config._adopt)
                for name, item in zip(wanted[start:start + _LOAD_MANY_BATCH], got):
                    if item is not None:
                        out[name] = item[0]
        except BaseException:
            for cfg in out.values():
                cfg.close()
            raise
        return out

    def delete(self, name: str) -> None:
        """Remove ``name`` and its whole history. Its revision counter
        survives: a later save continues after the delete's revision."""
        try:
            _capi.db_delete(self, self._handle(), _args.name_arg(name), self._waits)
        except KeyNotFoundError:
            raise self._not_stored(name) from None

    def _not_stored(self, name: str, revision: Optional[int] = None) -> KeyNotFoundError:
        """The KeyNotFoundError of a name (or a revision of it) that is not
        stored: the name as args[0], as dict's KeyError has the key, and
        the store ('services/api': no config of that name in sqlite:///...),
        where the library's message read 'config "services/api"'."""
        what = "no config of that name" if revision is None else f"no revision {revision} of that name"
        return KeyNotFoundError(name, why=f"{what} in {self.url}")

    def names(self, prefix: str = "") -> List[str]:
        """The stored names under ``prefix``, sorted. Prefixes are level-wise:
        ``"a"`` selects ``a`` and ``a/...`` (not ``ab``), ``"a/"`` only
        ``a/...``, ``""`` everything."""
        return _capi.db_names(self, self._handle(), _args.name_arg(prefix, "prefix"), self._remote)

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
        try:
            raw = _capi.db_history(self, self._handle(), _args.name_arg(name), self._remote)
        except KeyNotFoundError:
            raise self._not_stored(name) from None
        # An array of gocfg_db_revision: two int64_t each, native order.
        return [(int(rev), _EPOCH + _dt.timedelta(microseconds=ns // 1000))
                for rev, ns in struct.iter_unpack("=qq", raw)]

    def query(self, expr: str) -> List[Tuple[str, str, Any]]:
        """Search every stored config (latest revisions) and return the
        matching leaves as ``(name, path, value)`` rows, sorted by name and
        path. ``expr`` is ``<name-glob>:<path-glob>``, for example
        ``"services/*:server.port"``, ``"**:**.port"`` or ``"*:**"``; see
        the README for the language."""
        raw = _capi.db_query(self, self._handle(), _args.name_arg(expr, "query"))
        return [(row[0], row[1], row[2]) for row in decode_value(raw)]

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


def _interpolating(cfg: Config, name: str, environ: Optional[Mapping[str, str]]) -> Config:
    """A copy of a loaded config that resolves ${...} on read and records
    every value as from the stored config ``name`` (through the library's
    serialized state, the form pickling uses)."""
    state = decode_value(_capi.config_serialize(cfg, cfg._handle()))
    kind = next(k for k, v in _capi.consts().origin_kinds.items() if v == "stored")
    state["interpolate"] = True
    state["parse_env"] = True
    state["provenance"] = [[[key], [[kind, name, 0, 0, 0]]] for key in state["root"]]
    state["next_layer"] = 1
    return _capi.config_deserialize(encode_value(state, ""), _args.environ_arg(environ), Config._adopt)


class Watch(Handle):
    """An iterator over a Database's change events; see Database.watch.

    It owns one handle in the library; ``close()`` (also called by ``with``,
    garbage collection, and the end of the iteration) releases it and may be
    called twice. An exception raised out of ``next()`` (Ctrl-C included)
    closes the watch, as it would finish a generator.
    """

    __slots__ = ("_h", "_db", "_deadline", "__weakref__")

    _what = "gocfg.Watch"

    def __init__(self, db: Database, name_or_prefix: str, timeout: Optional[float]) -> None:
        self._fresh()
        self._h: Any = None
        self._db = db
        timeout = _args.watch_timeout(timeout)
        dh = db._handle()
        p = _args.name_arg(name_or_prefix, "prefix")
        _capi.watch_open(db, dh, p, self._own)
        self._deadline = None if timeout is None else time.monotonic() + timeout

    def _own(self, h: Any) -> None:
        self._h = h

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
            try:
                event = _capi.watch_next(self, h, slice_ms)
            except ClosedError:
                return None  # the watch or its database was closed
            if event is not None:
                return WatchEvent(*event)
            if last:
                return None
            # a slice passed: Python may deliver Ctrl-C here

    def _release(self, h: Any) -> None:
        _capi.watch_close(h)

    def close(self) -> None:
        """Stop watching. Calling it again does nothing."""
        Handle.close(self)

    def __enter__(self) -> "Watch":
        return self  # a closed Watch may enter too: it iterates nothing

    def __repr__(self) -> str:
        return f"<gocfg.Watch on {self._db._desc}{' (closed)' if self._h is None else ''}>"
