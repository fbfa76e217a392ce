"""The exception hierarchy.

Every error gocfg raises derives from :class:`gocfg.Error`. Each subclass
also derives from the built-in exception that ordinary Python code would
expect in its place, so ``except KeyError`` around ``cfg["missing"]`` works
exactly as it does for a dict.
"""
from __future__ import annotations

import builtins
import errno
import os
from typing import Any, Callable, List, Optional, Tuple

from ._text import bounded, printable


def _masked(text: str) -> str:
    """text with the credentials it quotes masked (gocfg._credentials),
    imported on the first message shown: its patterns take ~6 ms to
    compile, which `import gocfg` should not pay."""
    from ._credentials import mask_text

    return mask_text(text)


def _shown(text: str) -> str:
    """A message as people see it: credentials masked, then bounded (so
    that a cut cannot leave half a password without the "@" that shows
    it is one), then with its controls written as escapes."""
    return printable(bounded(_masked(text)))


class Error(Exception):
    """Base class of every gocfg error.

    Its text masks the credentials it quotes inside a value (the password
    of a URL, the value of ``password=...``: see gocfg.secrets), and
    writes the characters that act on a terminal or on the text
    around them (escape sequences, bidi controls) as escapes: a message
    quotes keys, file names and source names as they are, and it is read
    in terminals and logs. The data attributes (``args``, ``path``,
    ``filename``, ``errors``) hold them exactly.
    """

    def __str__(self) -> str:
        return _shown(super().__str__())


class InvalidArgumentError(Error, ValueError):
    """A key, value or parameter was refused (NUL byte, invalid UTF-8, ...)."""


class InvalidHandleError(Error, ValueError):
    """The library did not recognise an object's handle."""


class ClosedError(InvalidHandleError):
    """The object was closed; it cannot be used any more."""


class KeyNotFoundError(Error, KeyError):
    """No value is stored under the key. ``args[0]`` is the key as given,
    as with dict.

    ``path`` is the full path from the root of the config (also when the
    key was read through a Section: ``cfg.section("server")["prot"]`` has
    the path ``"server.prot"``), or None when the error is not about one
    path. ``suggestions`` lists the closest existing paths at the level
    where the path stopped existing (worked out when first asked for, so a
    miss that is caught costs nothing)::

        KeyNotFoundError: 'server.prot' (did you mean 'server.port'?)
    """

    def __init__(self, *args: object, path: Optional[str] = None,
                 suggest: Optional[Callable[[], List[str]]] = None, why: str = "",
                 why_of: Optional[Callable[[], str]] = None) -> None:
        super().__init__(*args)
        self.path = path
        self._why = why
        self._why_of = why_of  # works out why, when first asked (as suggest)
        self._suggest = suggest
        self._suggestions: Optional[List[str]] = None

    @property
    def why(self) -> str:
        """Why the path cannot be reached, when it is not a plain miss
        ("servers is a list of 1 item; "host" is not an index in it");
        empty for a missing key."""
        if self._why_of is not None:
            try:
                found = self._why_of()
            except Exception:  # the config was closed or changed meanwhile
                found = ""
            self._why_of = None
            self._why = self._why or found
        return self._why

    @why.setter
    def why(self, value: str) -> None:
        self._why, self._why_of = value, None

    @property
    def suggestions(self) -> List[str]:
        """The closest existing paths (at most three, best first)."""
        if self._suggestions is None:
            found: List[str] = []
            if self._suggest is not None:
                try:
                    found = list(self._suggest())
                except Exception:  # the config was closed or changed meanwhile: no hint
                    found = []
            self._suggestions = found
            self._suggest = None  # nothing keeps the config alive once asked
        return list(self._suggestions)

    def __str__(self) -> str:
        if self.path is None:
            text = super().__str__()  # Error's: printable and bounded already
            return f"{text}: {_shown(self.why)}" if self.why and len(self.args) == 1 else text
        hint = self.suggestions
        text = repr(self.path)
        if hint:
            text += " (did you mean " + " or ".join(repr(s) for s in hint) + "?)"
        if self.why:
            text += ": " + self.why
        return _shown(text)

    def __reduce__(self) -> Tuple[Any, ...]:
        # Pickles (for multiprocessing, say) with its suggestions worked
        # out: the function that finds them holds the config.
        return (_key_not_found, (self.args, self.path, self.suggestions, self.why))


def _key_not_found(args: Tuple[object, ...], path: Optional[str], suggestions: List[str],
                   why: str = "") -> KeyNotFoundError:
    e = KeyNotFoundError(*args, path=path, why=why)
    e._suggestions = list(suggestions)
    return e


class TypeMismatchError(Error, TypeError):
    """A value has a different type than the operation needs."""


class ParseError(Error, ValueError):
    """A document could not be parsed.

    ``filename``, ``line`` and ``column`` locate the problem when known
    (line and column are 1-based, None when unknown).
    """

    def __init__(self, message: str, filename: Optional[str] = None,
                 line: Optional[int] = None, column: Optional[int] = None) -> None:
        super().__init__(message)
        self.filename = filename
        self.line = line
        self.column = column


class FileError(Error, OSError):
    """Reading or writing a file failed. ``errno`` and ``filename`` are set
    as for any OSError."""

    def __init__(self, *args: Any) -> None:
        # OSError's str() adds the file name after the message
        # ("[Errno 2] No such file or directory: 'app.yaml'"): a message
        # that starts with the name too would say it twice. The bare text
        # of an errno is written as Python writes it (os.strerror).
        if len(args) == 3 and isinstance(args[1], str) and isinstance(args[2], str) and args[2]:
            code, message, name = args
            if message.startswith(name + ": "):
                message = message[len(name) + 2:]
            if isinstance(code, int) and code > 0 and message.lower() == os.strerror(code).lower():
                message = os.strerror(code)
            args = (code, message, name)
        super().__init__(*args)


class MissingFileError(FileError, FileNotFoundError):
    """A file that was needed does not exist."""


# The FileErrors that open() would raise as an OSError subclass, so that
# ``except PermissionError`` or ``except IsADirectoryError`` around a load
# catches them as it catches open()'s. Not exported: catch them as
# FileError or by the built-in class.
class FilePermissionError(FileError, PermissionError):
    """A file could not be read or written for want of permission."""


class FileIsADirectoryError(FileError, IsADirectoryError):
    """A path given as a file is a directory."""


class FileNotADirectoryError(FileError, NotADirectoryError):
    """A directory in a file's path is a file."""


def file_error_class(code: int) -> type:
    """The FileError class for an errno, as OSError(code, ...) picks its
    subclass."""
    return {errno.ENOENT: MissingFileError, errno.EACCES: FilePermissionError, errno.EPERM: FilePermissionError,
            errno.EISDIR: FileIsADirectoryError, errno.ENOTDIR: FileNotADirectoryError}.get(code, FileError)


class InternalError(Error, RuntimeError):
    """A bug inside gocfg (a recovered Go panic). The process carries on."""


class CancelledError(Error, RuntimeError):
    """A long call was cancelled before it finished."""


class ForkedProcessError(Error, RuntimeError):
    """gocfg was asked for more than reading in a child created by os.fork()
    after the parent loaded it.

    The Go runtime does not survive fork(): its threads exist only in the
    parent, so a call from the child would hang. The Configs that existed
    at the fork stay readable there, from a snapshot taken just before it;
    writes, saves, new Configs and databases raise this. Use the ``spawn``
    or ``forkserver`` start method of multiprocessing, or make no gocfg
    call in the parent before it forks (a gunicorn master makes them when
    gunicorn.conf.py or a ``--preload`` app uses gocfg) and load configs
    after the fork, or load them before it and only read them after.
    """


# ------------------------------------------------------------- databases

class ConflictError(Error, RuntimeError):
    """A compare-and-swap save found another revision than expected: someone
    saved or deleted the config in between. Load it again and retry.

    It derives from RuntimeError, not ValueError: the arguments were fine,
    the store's state moved on, so code catching bad input must not
    swallow it by accident.
    """


class ConnectionError(Error, builtins.ConnectionError):
    """The store could not be reached, did not answer within the timeout, or
    the TLS handshake failed. A Database stays usable: calls work again once
    the store is back."""


class AuthError(Error, PermissionError):
    """The store refused the credentials (wrong user or password, none given
    while authentication is on) or the operation."""


# ------------------------------------------------------------------ layers

class FrozenError(Error, TypeError):
    """The config is frozen (``freeze()``): it refuses every change.

    It derives from TypeError, as assigning into a read-only mapping such as
    ``types.MappingProxyType`` does. ``copy()`` gives a mutable copy.
    """


class InterpolationError(Error, ValueError):
    """A ``${...}`` reference cannot be resolved: a cycle, a missing key or
    environment variable, or a malformed reference. The message names the
    chain of paths that led to it ("reference cycle: a -> b -> a")."""


class ValidationError(Error, ValueError):
    """``Config.to(SomeDataclass)`` found values that do not fit, or
    ``Config.validate(schema)`` found violations of a JSON Schema.

    ``errors`` lists every problem at once as ``(path, message)`` pairs; the
    message of the exception has one line per problem, such as
    ``server.port: expected int, got 'abc' (from env APP_SERVER__PORT)``,
    for the first ``MAX_SHOWN`` (100) problems, then how many more there are.
    For ``validate()`` each item is a ``gocfg.Violation`` (path, keyword,
    message, origin, schema_path), which unpacks as such a pair.
    """

    def __init__(self, errors: List[Tuple[str, str]], target: str = "") -> None:
        self.errors: List[Tuple[str, str]] = list(errors)
        head = f"{len(self.errors)} value(s) do not fit {target}" if target else f"{len(self.errors)} invalid value(s)"
        # The message lists the first MAX_SHOWN problems, each cut to a line
        # of at most _LINE characters: a config of 200,000 keys that a
        # dataclass does not know made a 10 MB message. ``errors`` has them all.
        lines = [_line(f"{path}: {msg}" if path else msg) for path, msg in self.errors[:self.MAX_SHOWN]]
        if len(self.errors) > self.MAX_SHOWN:
            lines.append(f"... and {len(self.errors) - self.MAX_SHOWN} more (all of them in .errors)")
        super().__init__(head + ":\n  " + "\n  ".join(lines))

    MAX_SHOWN = 100

    def __str__(self) -> str:  # bounded by its lines, not cut in the middle
        return printable(_masked(Exception.__str__(self)))


_LINE = 1000


def _line(text: str) -> str:
    return text if len(text) <= _LINE else text[:_LINE - 1] + "…"
