"""Turning a failed call's status and gocfg_error into a Python exception."""
from __future__ import annotations

from typing import Any, Dict, NoReturn, Optional, Type

from . import _native
import errno as _errno

from .errors import (AuthError, CancelledError, ClosedError, ConflictError, ConnectionError, Error,
                     FileError, FrozenError, InternalError, InterpolationError, InvalidArgumentError,
                     InvalidHandleError, KeyNotFoundError, MissingFileError, ParseError,
                     TypeMismatchError)

# Status codes from gocfg.h (enum gocfg_status).
OK = 0
E_INVALID_HANDLE = -1
E_INVALID_ARGUMENT = -2
E_NOT_FOUND = -3
E_TYPE_MISMATCH = -4
E_PARSE = -5
E_IO = -6
E_CLOSED = -7
E_INTERNAL = -8
E_CANCELLED = -9
E_CONFLICT = -10
E_CONNECTION = -11
E_AUTH = -12
E_FROZEN = -20
E_INTERPOLATION = -21

_CLASSES: Dict[int, Type[Error]] = {
    E_INVALID_HANDLE: InvalidHandleError,
    E_INVALID_ARGUMENT: InvalidArgumentError,
    E_NOT_FOUND: KeyNotFoundError,
    E_TYPE_MISMATCH: TypeMismatchError,
    E_PARSE: ParseError,
    E_IO: FileError,
    E_CLOSED: ClosedError,
    E_INTERNAL: InternalError,
    E_CANCELLED: CancelledError,
    E_CONFLICT: ConflictError,
    E_CONNECTION: ConnectionError,
    E_AUTH: AuthError,
    E_FROZEN: FrozenError,
    E_INTERPOLATION: InterpolationError,
}


def _text(ptr: Any) -> Optional[str]:
    if ptr == _native.ffi.NULL:
        return None
    return _native.ffi.string(ptr).decode("utf-8", "replace")


def raise_error(code: int, err_cell: Any) -> NoReturn:
    """Raise the exception for a failed call and free its gocfg_error.

    err_cell is the ``gocfg_error **`` passed to the call (or None).
    """
    message = f"gocfg call failed with status {code}"
    path: Optional[str] = None
    line = column = sys_errno = 0
    if err_cell is not None and err_cell[0] != _native.ffi.NULL:
        e = err_cell[0]
        try:
            message = _text(e.message) or message
            path = _text(e.path)
            line, column = int(e.line), int(e.column)
            sys_errno = int(e.sys_errno)
        finally:
            _native.lib.gocfg_error_free(e)
            err_cell[0] = _native.ffi.NULL
    cls = _CLASSES.get(code, Error)
    if cls is ParseError:
        raise ParseError(message, path, line or None, column or None)
    if cls is FileError:
        if sys_errno == _errno.ENOENT:
            raise MissingFileError(sys_errno, message, path)
        if sys_errno:
            raise FileError(sys_errno, message, path)
        raise FileError(message)
    if cls is KeyNotFoundError:
        raise KeyNotFoundError(message)
    raise cls(message)


def new_err_cell() -> Any:
    return _native.ffi.new("gocfg_error **")
