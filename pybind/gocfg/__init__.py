"""gocfg: a configuration store for Python with a Go engine.

    >>> import gocfg
    >>> with gocfg.Config() as cfg:
    ...     cfg["name"] = "demo"
    ...     cfg["name"]
    'demo'

Importing gocfg does not load the Go library; the first Config does.
"""
from . import errors
from .config import Config, Section, stats
from .database import Database, Watch, WatchEvent
from .errors import (
    AuthError,
    CancelledError,
    ClosedError,
    ConflictError,
    Error,
    FileError,
    ForkedProcessError,
    FrozenError,
    InternalError,
    InterpolationError,
    InvalidArgumentError,
    InvalidHandleError,
    KeyNotFoundError,
    MissingFileError,
    ParseError,
    TypeMismatchError,
    ValidationError,
)
from .layers import load
from .live import ChangeEvent, ChangeStream, Stored, WatchedConfig
from .provenance import Change, Diff, Leaf, Origin
from .secrets import is_secret, set_secret_pattern
from .sources import File, Text

ConnectionError = errors.ConnectionError  # not in __all__: see there

__version__ = "0.1.0"

__all__ = [
    "Config", "Section", "stats", "Error", "CancelledError", "ClosedError", "FileError", "ForkedProcessError",
    "InternalError", "MissingFileError", "InvalidArgumentError", "InvalidHandleError", "KeyNotFoundError",
    "ParseError", "TypeMismatchError",
    "Database", "Watch", "WatchEvent", "ConflictError", "AuthError",
    "load", "File", "Text", "Origin", "Leaf", "Diff", "Change", "FrozenError", "InterpolationError",
    "ValidationError", "set_secret_pattern", "is_secret",
    "Stored", "ChangeEvent", "ChangeStream", "WatchedConfig",
    # gocfg.ConnectionError is left out on purpose: `from gocfg import *`
    # would shadow the built-in ConnectionError (of which it is a subclass).
]
