"""gocfg.Config and gocfg.Section: mappings whose data lives in the Go library."""
from __future__ import annotations

import datetime as _dt
import os
import stat
import sys
import threading
import weakref
from collections.abc import ItemsView, Mapping, MutableMapping, ValuesView
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union

from . import _native, _typed
from . import display as _display
from . import layers as _layers
from ._errors_map import E_INVALID_HANDLE, E_NOT_FOUND, new_err_cell, raise_error
from ._values import decode_value, encode_path, encode_value, fix_times, join, path_text, quote_segment
from marshal import loads as _marshal_loads
from .display import split_path as _split_path
from .errors import (ClosedError, Error, InvalidArgumentError, KeyNotFoundError, TypeMismatchError,
                     ValidationError)

_MISSING: Any = object()

# Most values are short: a per-thread scratch buffer of this size serves them
# without any allocation. Longer values ask the library for their length
# first and get a buffer of their own.
_SCRATCH_SIZE = 512
_tls = threading.local()

_lib: Any
_ffi: Any
_NULL: Any
_native.bind(globals())

FORMATS = ("json", "yaml", "toml", "env", "ini")

# Values the read cache may hand out more than once: lists are copies the
# caller may change, and sections are cheap to make.
_IMMUTABLE = frozenset({str, int, float, bool, type(None), _dt.datetime, _dt.date, _dt.time})

# Configs with a read cache. After os.fork() the child must not answer from
# a cache (every use there has to fail), so the fork hook empties them.
_caching_configs: "weakref.WeakValueDictionary[int, Config]" = weakref.WeakValueDictionary()


def _forget_caches_after_fork() -> None:
    never = _ffi.new("uint64_t[1]", [2**64 - 1]) if _ffi is not None else None
    for cfg in list(_caching_configs.values()):
        cfg._cache = (-1, {})
        if never is not None:
            cfg._ver = never  # a version no cache is labelled with


os.register_at_fork(after_in_child=_forget_caches_after_fork)


def _scratch() -> Any:
    try:
        return _tls.buf
    except AttributeError:
        buf = _tls.buf = _ffi.new("char[]", _SCRATCH_SIZE)
        return buf


def _closed_error() -> ClosedError:
    return ClosedError("operation on a closed gocfg.Config")


def _fail(cfg: "Config", rc: int, err: Any) -> Any:
    if rc == E_INVALID_HANDLE and cfg._h is None:
        raise _closed_error()  # closed by another thread during the call
    raise_error(rc, err)


def _text_arg(value: Any, what: str) -> bytes:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        raise TypeError(f"{what} must be str, not {type(value).__name__}")
    try:
        return value.encode("utf-8", "surrogateescape" if what == "file name" else "strict")
    except UnicodeEncodeError as e:
        raise InvalidArgumentError(f"{what} {value!r} cannot be encoded as UTF-8 "
                                   f"(lone surrogate at index {e.start})") from None


def _format_arg(format: Optional[str]) -> bytes:
    if format is None:
        return b""
    if not isinstance(format, str):
        raise TypeError(f"format must be str, not {type(format).__name__}")
    name = format.lower().lstrip(".")
    if name == "yml":
        name = "yaml"
    if name not in FORMATS:
        raise InvalidArgumentError(f"unknown format {format!r}: use one of {', '.join(FORMATS)}")
    return name.encode()


# ----------------------------------------------------------------- the calls
# Each takes the root Config (for its handle and its error reporting), the
# handle, and the full path as bytes.

def _get(cfg: "Config", h: Any, p: bytes, key: Any) -> Any:
    buf = _scratch()
    n = _lib.gocfg_config_get_value(h, p, len(p), buf, _SCRATCH_SIZE, _NULL)
    while n > _SCRATCH_SIZE:
        # Too long for the scratch buffer: get a buffer of the right size.
        # Loop, because another thread may lengthen the value meanwhile.
        cap = n
        buf = _ffi.new("char[]", cap)
        n = _lib.gocfg_config_get_value(h, p, len(p), buf, cap, _NULL)
        if n <= cap:
            break
    if n < 0:
        if n == E_NOT_FOUND:
            raise KeyNotFoundError(key)
        # Rare path: repeat the call asking for the error's details.
        err = new_err_cell()
        n = _lib.gocfg_config_get_value(h, p, len(p), _NULL, 0, err)
        if n < 0:
            _fail(cfg, n, err)
        return _get(cfg, h, p, key)
    v = decode_value(_ffi.unpack(buf, n))
    if v is Ellipsis:  # a map: the library sends no contents, we give a view
        return Section(cfg, p)
    return v


def _set(cfg: "Config", h: Any, p: bytes, value: Any) -> None:
    if type(value) is str:
        # Strings skip the wire encoding: the string export takes them as is.
        try:
            data = value.encode()
        except UnicodeEncodeError:
            data = None  # let the wire path report the surrogate, naming the path
        if data is not None:
            rc = _lib.gocfg_config_set(h, p, len(p), data, len(data), _NULL)
            if rc != 0:
                _retry_for_error(cfg, _lib.gocfg_config_set, h, p, len(p), data, len(data))
            return
    data = encode_value(value, p.decode())
    rc = _lib.gocfg_config_set_value(h, p, len(p), data, len(data), _NULL)
    if rc != 0:
        _retry_for_error(cfg, _lib.gocfg_config_set_value, h, p, len(p), data, len(data))


def _retry_for_error(cfg: "Config", fn: Any, *args: Any) -> None:
    """A write failed, and changed nothing: repeat it asking for the error's
    details. Keeping the common path free of an error cell saves an
    allocation per write."""
    err = new_err_cell()
    rc = fn(*args, err)
    if rc != 0:
        _fail(cfg, rc, err)


def _delete(cfg: "Config", h: Any, p: bytes, key: Any) -> None:
    err = new_err_cell()
    rc = _lib.gocfg_config_delete(h, p, len(p), err)
    if rc != 0:
        if rc == E_NOT_FOUND:
            _lib.gocfg_error_free(err[0])
            raise KeyNotFoundError(key)
        _fail(cfg, rc, err)


def _contains(cfg: "Config", h: Any, p: bytes) -> bool:
    rc = _lib.gocfg_config_contains(h, p, len(p), _NULL)
    if rc < 0:
        err = new_err_cell()
        rc = _lib.gocfg_config_contains(h, p, len(p), err)
        if rc < 0:
            _fail(cfg, rc, err)
    return rc == 1


def _buffer_call(cfg: "Config", fn: Any, *args: Any) -> bytes:
    """Call fn(*args, gocfg_buffer*, err) and return a copy of the bytes,
    releasing the library's buffer at once."""
    buf = _ffi.new("gocfg_buffer *")
    err = new_err_cell()
    rc = fn(*args, buf, err)
    if rc != 0:
        _fail(cfg, rc, err)
    try:
        return _ffi.unpack(buf.data, buf.len)
    finally:
        _lib.gocfg_buffer_free(buf)


def _counted_buffer_call(cfg: "Config", fn: Any, *args: Any) -> bytes:
    """_buffer_call for the calls that return a count (>= 0) on success."""
    buf = _ffi.new("gocfg_buffer *")
    err = new_err_cell()
    rc = fn(*args, buf, err)
    if rc < 0:
        _fail(cfg, rc, err)
    try:
        return _ffi.unpack(buf.data, buf.len)
    finally:
        _lib.gocfg_buffer_free(buf)


def _keys(cfg: "Config", h: Any, p: bytes) -> List[str]:
    raw = _buffer_call(cfg, _lib.gocfg_config_keys, h, p, len(p))
    return raw.decode("utf-8").split("\0")[:-1]


def _export(cfg: "Config", h: Any, p: bytes) -> Any:
    return decode_value(_buffer_call(cfg, _lib.gocfg_config_export, h, p, len(p)))


def _merge(cfg: "Config", h: Any, p: bytes, mapping: Any) -> None:
    data = encode_value(mapping, p.decode())
    err = new_err_cell()
    rc = _lib.gocfg_config_merge(h, p, len(p), data, len(data), err)
    if rc != 0:
        _fail(cfg, rc, err)


def _len(cfg: "Config", h: Any, p: bytes) -> int:
    err = new_err_cell()
    n = _lib.gocfg_config_len(h, p, len(p), err)
    if n < 0:
        _fail(cfg, n, err)
    return int(n)


# --------------------------------------------------------------- the classes

class _ItemsView(ItemsView):  # type: ignore[type-arg]
    """items() that reads each key literally, even one holding a dot."""

    def __iter__(self) -> Iterator[Tuple[str, Any]]:
        node = self._mapping
        for key in node:
            yield key, node[(key,)]


class _ValuesView(ValuesView):  # type: ignore[type-arg]
    def __iter__(self) -> Iterator[Any]:
        node = self._mapping
        for key in node:
            yield node[(key,)]


class Section(MutableMapping):  # type: ignore[type-arg]
    """A live view of a map inside a Config: ``cfg["server"]``.

    A Section holds no data and no handle of its own: every operation goes
    to its Config at the Section's path, so changes through the Section
    show in the Config and the other way round. It lives by its Config's
    rules: once the Config is closed, using the Section raises
    ClosedError; if the map at its path is removed, reads raise KeyError.
    """

    __slots__ = ("_cfg", "_prefix")

    def __init__(self, cfg: "Config", prefix: bytes) -> None:
        self._cfg = cfg
        self._prefix = prefix

    def _target(self) -> Tuple["Config", Any, bytes]:
        cfg = self._cfg
        h = cfg._h
        if h is None:
            raise _closed_error()
        return cfg, h, self._prefix

    @property
    def path(self) -> str:
        """This section's path from the root (quoted dot-path syntax)."""
        return self._prefix.decode()

    # Subscripts take dot paths ("server.port"), or tuples of segments
    # (("a.b", 0)) for keys that themselves contain dots.
    def __getitem__(self, key: Any) -> Any:
        cfg, h, prefix = self._target()
        return _get(cfg, h, join(prefix, encode_path(key)), key)

    def __setitem__(self, key: Any, value: Any) -> None:
        cfg, h, prefix = self._target()
        _set(cfg, h, join(prefix, encode_path(key)), value)

    def __delitem__(self, key: Any) -> None:
        cfg, h, prefix = self._target()
        _delete(cfg, h, join(prefix, encode_path(key)), key)

    def __contains__(self, key: object) -> bool:
        cfg, h, prefix = self._target()
        if not isinstance(key, (str, tuple)):
            return False
        return _contains(cfg, h, join(prefix, encode_path(key)))

    def __len__(self) -> int:
        cfg, h, prefix = self._target()
        return _len(cfg, h, prefix)

    def __iter__(self) -> Iterator[str]:
        # A snapshot of the keys: changing the map while iterating is allowed.
        cfg, h, prefix = self._target()
        return iter(_keys(cfg, h, prefix))

    def items(self) -> ItemsView:  # type: ignore[override]
        return _ItemsView(self)

    def values(self) -> ValuesView:  # type: ignore[override]
        return _ValuesView(self)

    def to_dict(self) -> Dict[str, Any]:
        """A plain dict copy of this map and everything below, in one call."""
        cfg, h, prefix = self._target()
        return _export(cfg, h, prefix)

    def update(self, other: Any = (), /, **kwargs: Any) -> None:
        """Assign keys as dict.update does; keys are literal, not paths.
        A mapping crosses to the library in one call."""
        cfg, h, prefix = self._target()
        if isinstance(other, Section):
            other = other.to_dict()
        elif not isinstance(other, Mapping):
            other = dict(other)
        if kwargs:
            other = {**other, **kwargs}
        if other:
            _merge(cfg, h, prefix, other)

    # ------------------------------------------- provenance, typed access

    def origin(self, key: Any = "") -> Optional[_layers.Origin]:
        """Where the value in force at key came from (see gocfg.Origin), or
        None when the config records no provenance (a Config made by
        ``gocfg.Config()`` or ``Config.load()``; ``gocfg.load()`` records
        it). KeyNotFoundError when nothing is at key."""
        cfg, h, prefix = self._target()
        p = join(prefix, encode_path(key)) if key != "" else prefix
        out = _ffi.new("gocfg_origin *")
        err = new_err_cell()
        rc = _lib.gocfg_config_origin(h, p, len(p), out, err)
        if rc != 0:
            _fail(cfg, rc, err)
        try:
            name = _ffi.unpack(out.name.data, out.name.len).decode("utf-8") if out.name.data != _NULL else ""
        finally:
            _lib.gocfg_buffer_free(_ffi.addressof(out, "name"))
        return _layers.make_origin(int(out.kind), name, int(out.line), int(out.column), int(out.layer))

    def history(self, key: Any = "") -> List[_layers.Origin]:
        """Every layer that set the value at key, oldest first; the last is
        the one in force. Empty when the config records no provenance."""
        cfg, h, prefix = self._target()
        p = join(prefix, encode_path(key)) if key != "" else prefix
        rows = decode_value(_counted_buffer_call(cfg, _lib.gocfg_config_history, h, p, len(p)))
        return [o for o in (_layers.make_origin(*r) for r in rows) if o is not None]

    def explain(self, key: Any = "") -> List[_layers.Leaf]:
        """The leaves at and below key (scalars, empty maps, lists), each
        with its value (references resolved) and the origin of the value in
        force, in tree order. Values are not masked: this is data."""
        cfg, h, prefix = self._target()
        p = join(prefix, encode_path(key)) if key != "" else prefix
        rows = decode_value(_counted_buffer_call(cfg, _lib.gocfg_config_explain, h, p, len(p)))
        return [_layers.Leaf(r[0], r[1], _layers.make_origin(r[2], r[3], r[4], r[5], 0), r[6]) for r in rows]

    def _typed(self, kind: str, key: Any, default: Any) -> Any:
        try:
            value = self[key]
        except KeyError:
            if default is _MISSING:
                raise
            return default
        if isinstance(value, Section):
            value = value.to_dict()
        try:
            return _typed.COERCE[kind](value)
        except _typed.CoercionError as e:
            raise TypeMismatchError(f"{self._where(key)}: {e}{self._from(key)}") from None

    def _where(self, key: Any) -> str:
        text = path_text(key)
        return f"{self.path}.{text}" if self.path and text else (self.path or text)

    def _from(self, key: Any) -> str:
        try:
            o = self.origin(key)
        except Error:
            return ""
        return f" (from {o})" if o is not None else ""

    def get_int(self, key: Any, default: Any = _MISSING) -> int:
        """The value at key as an int ("9000" and 9.0 give 9000; a bool is
        not an int; see gocfg._typed for every rule). ``default`` is
        returned when nothing is at key; without it, KeyNotFoundError. A
        value that does not fit raises TypeMismatchError naming its path
        and origin."""
        return self._typed("int", key, default)

    def get_float(self, key: Any, default: Any = _MISSING) -> float:
        """The value at key as a float (ints and numeric strings too)."""
        return self._typed("float", key, default)

    def get_bool(self, key: Any, default: Any = _MISSING) -> bool:
        """The value at key as a bool (true/false, yes/no, on/off, 1/0)."""
        return self._typed("bool", key, default)

    def get_str(self, key: Any, default: Any = _MISSING) -> str:
        """The value at key as a str (numbers, bools and dates converted)."""
        return self._typed("str", key, default)

    def get_list(self, key: Any, default: Any = _MISSING) -> list:
        """The value at key as a list (a string is split at commas)."""
        return self._typed("list", key, default)

    def get_duration(self, key: Any, default: Any = _MISSING) -> _dt.timedelta:
        """The value at key as a datetime.timedelta: "30s", "1h30m", "500ms",
        "2d"; a number is seconds."""
        return self._typed("duration", key, default)

    def to(self, cls: Any, *, strict: bool = True) -> Any:
        """Build an instance of the dataclass cls (nested dataclasses,
        Optional, list/tuple/set/dict of them, Enum, Literal, datetime,
        timedelta, pathlib.Path) from this map, coercing as get_int() &
        co. do. Every value that does not fit is reported at once in one
        gocfg.ValidationError (``errors``: (path, message) pairs, with
        the origin of each value). With strict (the default) a key that is
        not a field is an error too; strict=False ignores such keys."""
        data = self.to_dict()
        obj, problems = _typed.build(cls, data, strict)
        if problems:
            base = _split_path(self.path) if self.path else []
            errors = []
            for segs, msg in problems:
                full = [*base, *segs]
                path = ".".join(quote_segment(s) for s in full)
                where = ""
                if segs:
                    try:
                        o = self._cfg.origin(tuple(full))
                        where = f" (from {o})" if o is not None else ""
                    except Exception:
                        where = ""
                errors.append((path, msg + where))
            raise ValidationError(errors, getattr(cls, "__name__", repr(cls)))
        return obj

    def show(self, *, reveal: bool = False, origins: bool = True) -> str:
        """A readable listing, one ``path = value  # origin`` line per leaf,
        secrets masked unless reveal=True."""
        return _display.text_table(self.explain(), reveal=reveal, origins=origins)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Section):
            return self.to_dict() == other.to_dict()
        if isinstance(other, Mapping):
            return self.to_dict() == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        # Pickles as a Config holding a copy of this map: the data goes
        # through the library's serializer (to_dict) and back in one call.
        return (Config, (self.to_dict(),))

    def __repr__(self) -> str:
        if self._cfg._h is None:
            return f"<gocfg.Section {self.path!r} of a closed Config>"
        return f"<gocfg.Section {self.path!r} {_preview(self._masked())}>"

    def _masked(self) -> Dict[str, Any]:
        try:
            data = self.to_dict()
        except Error as e:  # a reference that does not resolve
            return {"<unresolved>": str(e)}
        return _display.mask(data, _split_path(self.path) if self.path else [])

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        if cycle or self._cfg._h is None:
            p.text(repr(self))
            return
        try:
            text = _display.text_table(self.explain(), title=self._title())
        except Error as e:  # the section's map was removed, say
            text = f"<gocfg.Section {self.path!r}: {e}>"
        p.text(text)

    def _repr_html_(self) -> Optional[str]:
        if self._cfg._h is None:
            return None
        try:
            return _display.html_table(self.explain(), self._title())
        except Error:
            return None  # the notebook falls back to the text form

    def _title(self) -> str:
        n = len(self)
        what = f"gocfg.Section {self.path!r}" if type(self) is Section else "gocfg.Config"
        extra = " (frozen)" if self._cfg.frozen else ""
        return f"{what}: {n} key{'s' if n != 1 else ''}{extra}"


def _preview(d: Dict[str, Any], limit: int = 8) -> str:
    shown = list(d.items())[:limit]
    body = ", ".join(f"{k!r}: {v!r}" for k, v in shown)
    if len(d) > len(shown):
        body += f", ... ({len(d) - len(shown)} more)"
    return f"{len(d)} keys {{{body}}}"


class Config(Section):
    """A configuration tree: a mutable mapping of str keys to typed values.

    Values are None, bool, int (64-bit), float, str, datetime.datetime,
    datetime.date, datetime.time, list and dict. Subscripts take dot paths:
    ``cfg["server.port"]``, ``cfg["servers.0.host"]``; a key holding a dot
    is reached with a tuple path, ``cfg[("a.b", "c")]``, or a quoted segment,
    ``cfg['"a.b".c']``. Reading a map gives a live :class:`Section`, reading
    a list gives a plain list (a copy). ``len``, iteration and ``keys()``
    are about the top-level keys.

    The data lives in the Go library behind one handle. ``close()``
    releases it; so do ``with`` and garbage collection. Using a closed
    Config raises :class:`gocfg.ClosedError`.
    """

    __slots__ = ("_h", "_ver", "_cache", "__weakref__")

    @property
    def _cfg(self) -> "Config":  # type: ignore[override]
        return self

    def __init__(self, data: Any = None, /, **kwargs: Any) -> None:
        self._h: Any = None
        self._prefix = b""
        _native.load()
        out = _ffi.new("gocfg_config **")
        err = new_err_cell()
        rc = _lib.gocfg_config_new(out, err)
        if rc != 0:
            raise_error(rc, err)
        self._attach(out[0])
        if data is not None or kwargs:
            try:
                self.update(data if data is not None else {}, **kwargs)
            except BaseException:
                self.close()
                raise

    @classmethod
    def _adopt(cls, out: Any) -> "Config":
        """Wrap a handle the library just created."""
        self = cls.__new__(cls)
        self._prefix = b""
        self._attach(out[0])
        return self

    def _attach(self, h: Any) -> None:
        # The read cache: (version, {key: value}). It is valid while the
        # library's change counter for this config still shows `version`;
        # the counter lives in library memory that Python reads without a
        # call (gocfg_config_version_cell). Only immutable values are kept.
        cell = _ffi.new("const uint64_t **")
        if _lib.gocfg_config_version_cell(h, cell, _NULL) != 0:
            _lib.gocfg_config_free(h)
            raise_error(E_INVALID_HANDLE, None)
        self._ver = _ffi.cast("uint64_t *", cell[0])
        self._cache: Tuple[int, Dict[Any, Any]] = (-1, {})
        self._h = h
        _caching_configs[id(self)] = self

    # ----------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Release the Go-side configuration. Calling it again does nothing."""
        h, self._h = self._h, None
        if h is not None:
            self._cache = (-1, {})
            _lib.gocfg_config_free(h)

    @property
    def closed(self) -> bool:
        return self._h is None

    def __enter__(self) -> "Config":
        if self._h is None:
            raise _closed_error()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        # Never raise here, and free nothing while the interpreter is shutting
        # down or in a forked child (the library stub refuses then).
        try:
            if self._h is not None and not sys.is_finalizing():
                self.close()
        except Exception:
            pass

    def _target(self) -> Tuple["Config", Any, bytes]:
        h = self._h
        if h is None:
            raise _closed_error()
        return self, h, b""

    # --------------------------------------------------- layers, lifecycle

    def freeze(self) -> "Config":
        """Make this Config read-only for good: every change (``cfg[k] =
        v``, ``del``, ``update()``, ``clear()``, through a Section too)
        raises gocfg.FrozenError, in Go as in Python. Returns self.
        ``copy()`` gives a mutable copy."""
        h = self._h
        if h is None:
            raise _closed_error()
        err = new_err_cell()
        rc = _lib.gocfg_config_freeze(h, err)
        if rc != 0:
            _fail(self, rc, err)
        return self

    @property
    def frozen(self) -> bool:
        """Whether freeze() was called."""
        h = self._h
        if h is None:
            raise _closed_error()
        err = new_err_cell()
        rc = _lib.gocfg_config_is_frozen(h, err)
        if rc < 0:
            _fail(self, rc, err)
        return rc == 1

    def resolve(self) -> "Config":
        """Replace every ${...} reference by its value, at once (reads
        resolve them anyway; this makes it permanent, and reports a bad
        reference now). Raises InterpolationError, changing nothing, when
        one does not resolve. Returns self."""
        h = self._h
        if h is None:
            raise _closed_error()
        err = new_err_cell()
        rc = _lib.gocfg_config_resolve(h, err)
        if rc != 0:
            _fail(self, rc, err)
        return self

    def add_layer(self, source: Any, *, lists: str = "replace") -> bool:
        """Merge one more source (a path, gocfg.File, gocfg.Text, a mapping
        or a Config) over this config, recording its provenance. Returns
        False when an optional file was missing."""
        self._target()
        return _layers.add_layer(self, source, lists=lists)

    def diff(self, other: Any) -> _layers.Diff:
        """The differences from this config to other (a Config or any
        mapping), comparing what reads give (references resolved): a
        gocfg.Diff with ``added``, ``removed`` and ``changed`` paths."""
        h = self._h
        if h is None:
            raise _closed_error()
        tmp = None
        if not isinstance(other, Config):
            if isinstance(other, (Section, Mapping)):
                tmp = other = Config(other.to_dict() if isinstance(other, Section) else other)
            else:
                raise TypeError(f"diff() needs a Config or a mapping, not {type(other).__name__}")
        try:
            oh = other._h
            if oh is None:
                raise _closed_error()
            rows = decode_value(_counted_buffer_call(self, _lib.gocfg_config_diff, h, oh))
        finally:
            if tmp is not None:
                tmp.close()
        return _layers.Diff([_layers.Change(*r) for r in rows])

    def __eq__(self, other: object) -> bool:
        # Compared in Go when both are Configs: NaN equals NaN and an
        # offset datetime equals itself, as the library's Equal says.
        if isinstance(other, Config) and self._h is not None and other._h is not None:
            return not self.diff(other)
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        # The whole state through the library's serializer: data (references
        # unresolved), provenance, settings and the frozen flag survive; the
        # environment snapshot does not (it may hold any secret of this
        # process): the unpickled config reads its own process's.
        h = self._h
        if h is None:
            raise _closed_error()
        return (_restore, (_buffer_call(self, _lib.gocfg_config_serialize, h),))

    # ------------------------------------------- hot paths, without a view

    def __getitem__(self, key: Any) -> Any:
        h = self._h
        if h is None:
            raise _closed_error()
        version = self._ver[0]
        cache = self._cache
        if cache[0] == version:
            try:
                return cache[1][key]
            except (KeyError, TypeError):  # not cached, or unhashable key
                pass
        else:
            cache = self._cache = (version, {})
        if type(key) is str:
            try:
                p = key.encode()
            except UnicodeEncodeError:
                p = encode_path(key)  # raises with a clear message
        else:
            p = encode_path(key)
        # The common read, inlined: a short value through the scratch buffer.
        try:
            buf = _tls.buf
        except AttributeError:
            buf = _scratch()
        n = _lib.gocfg_config_get_value(h, p, len(p), buf, _SCRATCH_SIZE, _NULL)
        if 0 <= n <= _SCRATCH_SIZE:
            value = _marshal_loads(_ffi.unpack(buf, n))
            if type(value) is tuple:
                value = fix_times(value)
            elif value is Ellipsis:
                return Section(self, p)
        else:
            value = _get(self, h, p, key)  # long values and errors
        if type(value) in _IMMUTABLE:
            # Labelled with the version read *before* the call: if a writer
            # got in between, the counter has moved on and the entry is
            # never used.
            cache[1][key] = value
        return value

    def __setitem__(self, key: Any, value: Any) -> None:
        h = self._h
        if h is None:
            raise _closed_error()
        p = key.encode() if type(key) is str and key.isascii() else encode_path(key)
        if type(value) is str and value.isascii():
            # The most common write, inlined: an ASCII string value.
            v = value.encode()
            if _lib.gocfg_config_set(h, p, len(p), v, len(v), _NULL) != 0:
                _retry_for_error(self, _lib.gocfg_config_set, h, p, len(p), v, len(v))
            return
        _set(self, h, p, value)

    def __contains__(self, key: object) -> bool:
        h = self._h
        if h is None:
            raise _closed_error()
        if type(key) is str and key.isascii():
            return _contains(self, h, key.encode())
        if not isinstance(key, (str, tuple)):
            return False  # as a dict of str keys answers
        return _contains(self, h, encode_path(key))

    # ---------------------------------------------------------- whole tree

    def clear(self) -> None:
        """Remove every key, in one call."""
        h = self._h
        if h is None:
            raise _closed_error()
        err = new_err_cell()
        rc = _lib.gocfg_config_clear(h, err)
        if rc != 0:
            _fail(self, rc, err)

    def copy(self) -> "Config":
        """An independent deep copy (a new handle)."""
        h = self._h
        if h is None:
            raise _closed_error()
        out = _ffi.new("gocfg_config **")
        err = new_err_cell()
        rc = _lib.gocfg_config_copy(h, out, err)
        if rc != 0:
            _fail(self, rc, err)
        return Config._adopt(out)

    # -------------------------------------------------------------- formats

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"], format: Optional[str] = None) -> "Config":
        """Read a file. The format comes from the extension unless given:
        json, yaml (.yml), toml, env (.env), ini (.ini, .cfg)."""
        _native.load()
        name = _text_arg(path, "file name")
        fmt = _format_arg(format)
        try:
            st = os.stat(name)
            # A pipe or device may take any time to deliver: treat it as big.
            big = not stat.S_ISREG(st.st_mode) or st.st_size > _native.INTERRUPTIBLE_SIZE
        except OSError:
            big = False  # the library reports the problem
        return cls._parse(lambda cancel, out, err: _lib.gocfg_config_load(
            name, len(name), fmt, len(fmt), cancel, out, err), big)

    @classmethod
    def loads(cls, text: Union[str, bytes], format: str) -> "Config":
        """Parse a document held in a string."""
        _native.load()
        if format is None:
            raise TypeError("loads() needs a format: one of " + ", ".join(FORMATS))
        data = _text_arg(text, "text")
        fmt = _format_arg(format)
        return cls._parse(lambda cancel, out, err: _lib.gocfg_config_loads(
            data, len(data), fmt, len(fmt), cancel, out, err), len(data) > _native.INTERRUPTIBLE_SIZE)

    @classmethod
    def _parse(cls, fn: Any, big: bool) -> "Config":
        def call(cancel: Any) -> Tuple[int, Any]:
            out = _ffi.new("gocfg_config **")
            err = new_err_cell()
            rc = fn(cancel, out, err)
            if rc != 0:
                return rc, err
            return 0, cls._adopt(out)

        rc, result = _native.call_interruptible(call, big)
        if rc != 0:
            raise_error(rc, result)
        return result

    def dumps(self, format: str) -> str:
        """The whole config as a document in the given format."""
        h = self._h
        if h is None:
            raise _closed_error()
        if format is None:
            raise TypeError("dumps() needs a format: one of " + ", ".join(FORMATS))
        fmt = _format_arg(format)
        return _buffer_call(self, _lib.gocfg_config_dump, h, fmt, len(fmt)).decode("utf-8")

    def save(self, path: Union[str, "os.PathLike[str]"], format: Optional[str] = None, *,
             private: Optional[bool] = None) -> None:
        """Write the config to a file atomically (temporary file, fsync,
        rename): a crash leaves the old file or the new one. The file keeps
        the mode of the one it replaces; ``private=True`` makes it 0600.
        By default (``private=None``) a new file is created 0600 when the
        config holds a secret key (see gocfg.display), 0644 otherwise."""
        h = self._h
        if h is None:
            raise _closed_error()
        name = _text_arg(path, "file name")
        if private is None:
            private = not os.path.lexists(name) and self._holds_secrets()
        fmt = _format_arg(format)
        err = new_err_cell()
        rc = _lib.gocfg_config_save(h, name, len(name), fmt, len(fmt), 1 if private else 0, err)
        if rc != 0:
            _fail(self, rc, err)

    def to_json(self) -> str:
        """The whole config as a JSON document."""
        return self.dumps("json")

    def _holds_secrets(self) -> bool:
        return any(_display.is_secret(leaf.path) or _display.has_secrets(leaf.value, _split_path(leaf.path))
                   for leaf in self.explain())

    def __repr__(self) -> str:
        if self._h is None:
            return "<gocfg.Config (closed)>"
        frozen = " frozen" if self.frozen else ""
        return f"<gocfg.Config{frozen} {_preview(self._masked())}>"

    # IPython's pretty printer prefers a class's own __repr__ to an
    # inherited _repr_pretty_: name it here too.
    _repr_pretty_ = Section._repr_pretty_


def _restore(state: bytes) -> Config:
    """Unpickle a Config (see Config.__reduce__)."""
    _native.load()
    env = _layers._environ_bytes(None)
    out = _ffi.new("gocfg_config **")
    err = new_err_cell()
    rc = _lib.gocfg_config_deserialize(state, len(state), env, len(env), out, err)
    if rc != 0:
        raise_error(rc, err)
    return Config._adopt(out)


def stats() -> Dict[str, int]:
    """Return the library's leak counters.

    ``live_handles`` counts objects not yet closed, ``outstanding_buffers``
    and ``outstanding_bytes`` memory handed to Python and not yet released,
    ``outstanding_errors`` error records not yet released, ``goroutines``
    the Go goroutines running (work in flight).
    """
    lib = _native.load()
    out = _ffi.new("gocfg_stats *")
    rc = lib.gocfg_stats_get(out)
    if rc != 0:
        raise_error(rc, None)
    return {
        "live_handles": int(out.live_handles),
        "outstanding_buffers": int(out.outstanding_buffers),
        "outstanding_bytes": int(out.outstanding_bytes),
        "outstanding_errors": int(out.outstanding_errors),
        "goroutines": int(out.goroutines),
    }
