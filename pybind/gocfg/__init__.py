"""gocfg: a configuration store for Python with a Go engine.

    >>> import gocfg
    >>> with gocfg.Config() as cfg:
    ...     cfg["name"] = "demo"
    ...     cfg["name"]
    'demo'

Importing gocfg does not load the Go library; the first Config does.
"""
from . import errors
from ._version import __version__ as __version__  # one source: the package metadata
from .config import Config, Section, load_all, loads_all, stats
from .database import Database, Watch, WatchEvent
from .documents import dumps_all, read, read_all, reads, reads_all
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
from .flags import add_flags, flag_values, parse_flags
from .layers import load
from .live import ChangeEvent, ChangeStream, Stored, WatchedConfig
from .provenance import Change, Diff, Leaf, Origin
from .schema import Violation, json_schema
from .secrets import is_secret, set_secret_pattern
from .sources import File, Text

ConnectionError = errors.ConnectionError  # not in __all__: see there

__all__ = [
    "Config", "Section", "stats", "Error", "CancelledError", "ClosedError", "FileError", "ForkedProcessError",
    "InternalError", "MissingFileError", "InvalidArgumentError", "InvalidHandleError", "KeyNotFoundError",
    "ParseError", "TypeMismatchError",
    "Database", "Watch", "WatchEvent", "ConflictError", "AuthError",
    "load", "File", "Text", "Origin", "Leaf", "Diff", "Change", "FrozenError", "InterpolationError",
    "ValidationError", "set_secret_pattern", "is_secret", "json_schema", "Violation",
    "read", "reads", "read_all", "reads_all", "load_all", "loads_all", "dumps_all",
    "Stored", "ChangeEvent", "ChangeStream", "WatchedConfig",
    "add_flags", "parse_flags", "flag_values",
    # gocfg.ConnectionError is left out on purpose: `from gocfg import *`
    # would shadow the built-in ConnectionError (of which it is a subclass).
]
