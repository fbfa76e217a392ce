"""gocfg.Config: a mapping whose contents live in the Go library."""
from __future__ import annotations

import json
import sys
import threading
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple, Union

from collections.abc import MutableMapping

from . import _native
from ._errors_map import E_INVALID_HANDLE, E_NOT_FOUND, new_err_cell, raise_error
from .errors import ClosedError, InvalidArgumentError, KeyNotFoundError

# Most values are short: a per-thread scratch buffer of this size serves them
# without any allocation. Longer values ask the library for their length
# first and get a buffer of their own.
_SCRATCH_SIZE = 512
_tls = threading.local()

_lib: Any
_ffi: Any
_NULL: Any
_native.bind(globals())


def _scratch() -> Any:
    try:
        return _tls.buf
    except AttributeError:
        buf = _tls.buf = _ffi.new("char[]", _SCRATCH_SIZE)
        return buf


def _utf8(text: Any, what: str) -> bytes:
    """Encode a key or value for the library, or say clearly why not."""
    if not isinstance(text, str):
        raise TypeError(f"{what} must be str, not {type(text).__name__}")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InvalidArgumentError(
            f"{what} {text!r} cannot be encoded as UTF-8 "
            f"(lone surrogate {text[e.start]!r} at index {e.start})") from None


def _closed_error() -> ClosedError:
    return ClosedError("operation on a closed gocfg.Config")


class Config(MutableMapping):  # type: ignore[type-arg]
    """A configuration: a mutable mapping of str keys to str values.

    The data lives in the Go library behind one handle. ``close()`` releases
    it; so do ``with`` and garbage collection. Using a closed Config raises
    :class:`gocfg.ClosedError`.

    Iteration walks a snapshot of the keys taken when it starts, so changing
    the Config while iterating is allowed (unlike a dict) and does not affect
    the iteration in progress.
    """

    __slots__ = ("_h", "__weakref__")

    def __init__(self, data: Union[Mapping[str, str], None] = None, **kwargs: str) -> None:
        self._h: Any = None
        lib = _native.load()
        out = _ffi.new("gocfg_config **")
        err = new_err_cell()
        rc = lib.gocfg_config_new(out, err)
        if rc != 0:
            raise_error(rc, err)
        self._h = out[0]
        if data is not None or kwargs:
            try:
                self.update(data or {}, **kwargs)
            except BaseException:
                self.close()
                raise

    # ----------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Release the Go-side configuration. Calling it again does nothing."""
        h, self._h = self._h, None
        if h is not None:
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

    def _handle(self) -> Any:
        h = self._h
        if h is None:
            raise _closed_error()
        return h

    def _fail(self, rc: int, err: Any) -> Any:
        if rc == E_INVALID_HANDLE and self._h is None:
            raise _closed_error()  # closed by another thread during the call
        raise_error(rc, err)

    # ------------------------------------------------------ mapping protocol

    def __getitem__(self, key: str) -> str:
        h = self._h
        if h is None:
            raise _closed_error()
        if type(key) is str:
            try:
                k = key.encode()
            except UnicodeEncodeError:
                k = _utf8(key, "key")  # raises with a clear message
        else:
            k = _utf8(key, "key")
        try:
            buf = _tls.buf
        except AttributeError:
            buf = _scratch()
        n = _lib.gocfg_config_get(h, k, len(k), buf, _SCRATCH_SIZE, _NULL)
        while n > _SCRATCH_SIZE:
            # Too long for the scratch buffer: get a buffer of the right size.
            # Loop, because another thread may lengthen the value meanwhile.
            cap = n
            buf = _ffi.new("char[]", cap)
            n = _lib.gocfg_config_get(h, k, len(k), buf, cap, _NULL)
            if n <= cap:
                break
        if n < 0:
            if n == E_NOT_FOUND:
                raise KeyNotFoundError(key)
            # Rare path: repeat the call asking for the error's details.
            err = new_err_cell()
            n = _lib.gocfg_config_get(h, k, len(k), _NULL, 0, err)
            if n < 0:
                self._fail(n, err)
            return self[key]
        return _ffi.unpack(buf, n).decode("utf-8")

    def __setitem__(self, key: str, value: str) -> None:
        h = self._h
        if h is None:
            raise _closed_error()
        if type(key) is str and type(value) is str:
            try:
                k = key.encode()
                v = value.encode()
            except UnicodeEncodeError:
                k = _utf8(key, "key")
                v = _utf8(value, f"value for key {key!r}")
        else:
            k = _utf8(key, "key")
            v = _utf8(value, f"value for key {key!r}")
        rc = _lib.gocfg_config_set(h, k, len(k), v, len(v), _NULL)
        if rc != 0:
            # Failed sets change nothing, so repeating the call to learn the
            # details is safe, and spares the common path an allocation.
            err = new_err_cell()
            rc = _lib.gocfg_config_set(h, k, len(k), v, len(v), err)
            if rc != 0:
                self._fail(rc, err)

    def __delitem__(self, key: str) -> None:
        h = self._handle()
        k = _utf8(key, "key")
        err = new_err_cell()
        rc = _lib.gocfg_config_delete(h, k, len(k), err)
        if rc != 0:
            if rc == E_NOT_FOUND:
                _lib.gocfg_error_free(err[0])
                raise KeyNotFoundError(key)
            self._fail(rc, err)

    def __contains__(self, key: object) -> bool:
        h = self._h
        if h is None:
            raise _closed_error()
        if not isinstance(key, str):
            return False  # as a dict of str keys answers
        try:
            k = key.encode()
        except UnicodeEncodeError:
            k = _utf8(key, "key")
        rc = _lib.gocfg_config_contains(h, k, len(k), _NULL)
        if rc < 0:
            err = new_err_cell()
            rc = _lib.gocfg_config_contains(h, k, len(k), err)
            if rc < 0:
                self._fail(rc, err)
        return rc == 1

    def __len__(self) -> int:
        h = self._handle()
        err = new_err_cell()
        n = _lib.gocfg_config_len(h, err)
        if n < 0:
            self._fail(n, err)
        return int(n)

    def _buffer_call(self, fn: Any) -> bytes:
        """Call fn(handle, gocfg_buffer*, err) and return a copy of the bytes."""
        h = self._handle()
        buf = _ffi.new("gocfg_buffer *")
        err = new_err_cell()
        rc = fn(h, buf, err)
        if rc != 0:
            self._fail(rc, err)
        try:
            return _ffi.unpack(buf.data, buf.len)
        finally:
            _lib.gocfg_buffer_free(buf)

    def _keys(self) -> List[str]:
        raw = self._buffer_call(_lib.gocfg_config_keys)
        return raw.decode("utf-8").split("\0")[:-1]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def clear(self) -> None:
        h = self._handle()
        err = new_err_cell()
        rc = _lib.gocfg_config_clear(h, err)
        if rc != 0:
            self._fail(rc, err)

    def to_dict(self) -> Dict[str, str]:
        """Return a plain dict copy of the whole Config, in one library call."""
        return json.loads(self._buffer_call(_lib.gocfg_config_to_json))

    def to_json(self) -> str:
        """Return the whole Config as a JSON object."""
        return self._buffer_call(_lib.gocfg_config_to_json).decode("utf-8")

    def __repr__(self) -> str:
        if self._h is None:
            return "<gocfg.Config (closed)>"
        items = self.to_dict()
        shown = list(items.items())[:8]
        body = ", ".join(f"{k!r}: {v!r}" for k, v in shown)
        if len(items) > len(shown):
            body += f", ... ({len(items) - len(shown)} more)"
        return f"<gocfg.Config {len(items)} keys {{{body}}}>"

    # Mapping.__eq__ compares items with any mapping (a dict or another Config).
    __hash__ = None  # type: ignore[assignment]


def stats() -> Dict[str, int]:
    """Return the library's leak counters.

    ``live_handles`` counts objects not yet closed, ``outstanding_buffers``
    and ``outstanding_bytes`` memory handed to Python and not yet released,
    ``outstanding_errors`` error records not yet released.
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
    }
