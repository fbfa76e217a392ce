"""gocfg: a configuration store for Python with a Go engine.

    >>> import gocfg
    >>> with gocfg.Config() as cfg:
    ...     cfg["name"] = "demo"
    ...     cfg["name"]
    'demo'

Importing gocfg does not load the Go library; the first Config does.
"""
import typing as _typing

from . import errors
from .config import Config, Section, load_all, loads_all, stats
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

ConnectionError = errors.ConnectionError  # not in __all__: see there


# Names whose modules a first Config.load does not need are imported on
# first use (PEP 562): the database client, flags, layered loading and live
# configs pull in logging, queue, threading helpers and their own setup,
# which was a third of `import gocfg` (bench/run.py's cold start row);
# provenance, schema, the document functions, the secret rule and the
# source types pull in dataclasses, inspect, pathlib, html and json (config.py
# imports them lazily too, see gocfg._lazy). `from gocfg import load` and
# `gocfg.load` behave as before; type checkers see the imports below.
# __version__ is read from the package metadata (one source) on first use:
# importlib.metadata and what it imports took about half of the import.
_LAZY = {
    "Change": "provenance", "Diff": "provenance", "Leaf": "provenance", "Origin": "provenance",
    "Violation": "schema", "json_schema": "schema",
    "dumps_all": "documents", "read": "documents", "read_all": "documents", "reads": "documents",
    "reads_all": "documents",
    "is_secret": "secrets", "set_secret_pattern": "secrets",
    "File": "sources", "Text": "sources",
    "Database": "database", "Watch": "database", "WatchEvent": "database",
    "add_flags": "flags", "flag_values": "flags", "parse_flags": "flags",
    "load": "layers",
    "ChangeEvent": "live", "ChangeStream": "live", "Stored": "live", "WatchedConfig": "live",
    "__version__": "_version",
}

if _typing.TYPE_CHECKING:  # (not a bare TYPE_CHECKING: it would show in dir(gocfg) and completions)
    from ._version import __version__ as __version__
    from .database import Database, Watch, WatchEvent
    from .documents import dumps_all, read, read_all, reads, reads_all
    from .flags import add_flags, flag_values, parse_flags
    from .layers import load
    from .live import ChangeEvent, ChangeStream, Stored, WatchedConfig
    from .provenance import Change, Diff, Leaf, Origin
    from .schema import Violation, json_schema
    from .secrets import is_secret, set_secret_pattern
    from .sources import File, Text
else:
    def __getattr__(name: str) -> object:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module 'gocfg' has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value

    def __dir__() -> list:
        return sorted(set(globals()) | set(_LAZY))

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
