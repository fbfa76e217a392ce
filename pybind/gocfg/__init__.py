"""gocfg: a configuration store for Python with a Go engine.

    >>> import gocfg
    >>> with gocfg.Config() as cfg:
    ...     cfg["name"] = "demo"
    ...     cfg["name"]
    'demo'

Importing gocfg does not load the Go library; the first Config does.
"""
from .config import Config, Section, stats
from .errors import (CancelledError, ClosedError, Error, FileError, ForkedProcessError, InternalError, MissingFileError,
                     InvalidArgumentError, InvalidHandleError, KeyNotFoundError, ParseError,
                     TypeMismatchError)

__version__ = "0.1.0"

__all__ = [
    "Config", "Section", "stats", "Error", "CancelledError", "ClosedError", "FileError", "ForkedProcessError",
    "InternalError", "MissingFileError", "InvalidArgumentError", "InvalidHandleError", "KeyNotFoundError",
    "ParseError", "TypeMismatchError",
]
