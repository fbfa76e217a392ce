"""Checking and encoding arguments before they cross to the library.

Every public call turns its arguments into bytes here, so that each kind of
argument is refused the same way everywhere: a wrong type is a TypeError, a
value the library could not take (a lone surrogate, a NUL, an unknown
format) an InvalidArgumentError naming it. Passwords are never quoted.
"""
from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any, Dict, List, Optional, Tuple

from . import _capi
from .errors import InvalidArgumentError


def text_arg(value: Any, what: str) -> bytes:
    """A str (or bytes, or for file names a path) as UTF-8 bytes. File names
    keep undecodable bytes (surrogateescape), as os.fsencode does.

    bytes are passed on as they are, never copied here (the library reads
    them during the call, in place where it can, and checks them as UTF-8
    itself, naming the offset of a bad byte); a str is encoded once. The
    common types are tested first: isinstance against os.PathLike, an ABC,
    costs more than the rest of this function for a short string."""
    if type(value) is not str:
        if type(value) is bytes:
            return value
        if isinstance(value, os.PathLike):
            value = os.fspath(value)
        if isinstance(value, bytes):
            return value
        if not isinstance(value, str):
            if what == "file name":
                hint = " (a mapping is data, not a file: gocfg.Config(mapping) holds it)" \
                    if isinstance(value, Mapping) else ""
                raise TypeError(f"file name must be str, bytes or os.PathLike, not {type(value).__name__}{hint}")
            raise TypeError(f"{what} must be str, not {type(value).__name__}")
    text: str = value
    try:
        if what == "file name":
            return text.encode("utf-8", "surrogateescape")
        return text.encode()  # UTF-8, strict: the fast default
    except UnicodeEncodeError as e:
        raise InvalidArgumentError(f"{what} {text!r} cannot be encoded as UTF-8 "
                                   f"(lone surrogate at index {e.start})") from None


def formats() -> Tuple[str, ...]:
    """The format names the library knows, in its order."""
    return tuple(_capi.consts().formats)


def modes() -> Tuple[str, ...]:
    """The reading modes the library knows (yaml-1.1, ini-case, ...), in
    its order: further names for format=, chosen by name only."""
    return tuple(_capi.consts().modes)


def format_choices() -> Tuple[str, ...]:
    """Every name format= takes (the formats, then the reading modes)."""
    c = _capi.consts()
    return (*c.formats, *c.modes)


def base_format(name: str) -> str:
    """The format a format name or reading mode writes as ("yaml" for
    "yaml-1.1")."""
    return _capi.consts().modes.get(name, name)


# The YAML versions yaml= takes, and the reading mode each one names (None:
# the yaml codec's default, YAML 1.2).
_YAML_MODES = {"1.2": None, "1.1": "yaml-1.1"}


def yaml_format(format: Optional[str], yaml: Any, file_name: Optional[str] = None, strict: bool = True) -> bytes:
    """format_arg with yaml= applied: "1.1" reads a YAML source with YAML
    1.1's types (the library's yaml-1.1 mode), "1.2" (the default) with
    the core schema. The format is format= or, without it, the file's
    extension; yaml= on a source that is not YAML is an error rather than
    silently ignored (unless not strict: gocfg.load() applies yaml= to its
    YAML sources and leaves the others alone), and so is a format that says
    another YAML version."""
    fmt = format_arg(format)
    if yaml is None:
        return fmt
    if isinstance(yaml, float):
        yaml = str(yaml)  # yaml=1.1 means "1.1"
    if not isinstance(yaml, str):
        raise TypeError(f"yaml must be '1.1' or '1.2', not {type(yaml).__name__}")
    if yaml not in _YAML_MODES:
        raise InvalidArgumentError(f"yaml must be '1.1' or '1.2' (the default), not {yaml!r}")
    name = fmt.decode() if fmt else (format_of(file_name) if file_name is not None else "")
    if base_format(name) != "yaml":
        if not strict:
            return fmt
        what = f"format {name!r}" if fmt or not file_name else f"{file_name!r} (format {name!r})"
        raise InvalidArgumentError(f"yaml={yaml!r} applies to YAML sources only, not to {what}")
    want = _YAML_MODES[yaml] or "yaml"
    if fmt and name != "yaml" and name != want:
        raise InvalidArgumentError(f"format {name!r} and yaml={yaml!r} ask for different YAML versions")
    return want.encode()


def format_arg(format: Optional[str]) -> bytes:
    """A format name for the library: b"" (from the file's extension) for
    None; else a name the library knows ("yml" too), in any case, with or
    without a leading dot."""
    if format is None:
        return b""
    known = _known_formats.get(format) if type(format) is str else None
    if known is not None:
        return known
    if not isinstance(format, str):
        raise TypeError(f"format must be str, not {type(format).__name__}")
    c = _capi.consts()
    name = format.lower().lstrip(".")
    name = c.format_aliases.get(name, name)
    if name not in c.formats and name not in c.modes:
        raise InvalidArgumentError(f"unknown format {format!r}: use one of {', '.join(c.formats)} "
                                   f"(or a reading mode: {', '.join(c.modes)})")
    if len(_known_formats) < 64:
        _known_formats[format] = name.encode()
    return name.encode()


def format_name(value: str) -> str:
    """A format name as the library names it, for the command line's
    --format options: "yml" is "yaml" and "JSON" "json", as format= takes
    them. A name it does not know comes back unchanged, for argparse's
    choices to refuse with the list."""
    c = _capi.consts()
    name = value.lower().lstrip(".")
    name = c.format_aliases.get(name, name)
    return name if name in c.formats or name in c.modes else value


# Format names as given -> as the library takes them, for names already
# accepted once: the library's names are fixed for the process, and a load
# of a small document spent ~1 µs of its ~15 µs fixed cost resolving
# "json" again. Bounded (only accepted names, and a few dozen spellings).
_known_formats: Dict[str, bytes] = {}


def format_of(file_name: str) -> str:
    """The format a file name implies, as the library picks it (json when
    it implies none)."""
    lower = file_name.lower()
    base = lower.rsplit("/", 1)[-1]
    if base == ".env" or base.startswith(".env."):  # gocfg_formats' rule for env files (gocfg.h)
        return "env"
    ext = "." + base.rsplit(".", 1)[-1] if "." in base else ""
    for name, exts in _capi.consts().formats.items():
        if ext in exts:
            return name
    return ext[1:] or "json"


def name_arg(value: Any, what: str = "name") -> bytes:
    """A str that must be valid UTF-8 (database names, prefixes, queries)."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be str, not {type(value).__name__}")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InvalidArgumentError(f"{what} {value!r} cannot be encoded as UTF-8 "
                                   f"(lone surrogate at index {e.start})") from None


def option_arg(value: Any, what: str, secret: bool = False) -> Optional[bytes]:
    """An option for gocfg_db_options (a C string, so without NUL), or None."""
    if value is None:
        return None
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
    return data


def url_arg(url: Any) -> bytes:
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


def url_scheme(url: bytes) -> str:
    head = url.split(b":", 1)[0].lower()
    if b":" in url and head in (b"memory", b"etcd", b"sqlite"):
        return head.decode()
    return "sqlite"  # a bare path (or an unknown scheme, which Go refuses)


def number_shown(x: Any) -> str:
    """x as a message may quote it: repr(), but an int too big for that
    (over 4,300 digits repr() raises ValueError) or for a message said by
    its size."""
    if isinstance(x, int) and not -10**30 < x < 10**30:
        return f"{'a negative' if x < 0 else 'an'} int of about {int(abs(x).bit_length() * math.log10(2)) + 1} digits"
    return repr(x)


def timeout_ms(timeout: Any) -> int:
    """A database timeout in seconds, as whole milliseconds (at least 1)."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds, not {type(timeout).__name__}")
    # Compared as given: an int beyond a float's range is no float (math.isinf raised OverflowError).
    if not (0 < timeout <= 86400):
        raise InvalidArgumentError(f"timeout must be more than 0 and at most one day, not {number_shown(timeout)}")
    return max(1, int(math.ceil(timeout * 1000)))


# A watch timeout longer than this (about 31 years) waits forever, as None
# and inf do: the deadline arithmetic (milliseconds left) overflowed from
# 1e306 s on (OverflowError out of the iteration), and an int beyond a
# float's range could not even be compared as one.
_FOREVER = 10**9


def watch_timeout(timeout: Any) -> Optional[float]:
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise TypeError(f"timeout must be a number of seconds or None, not {type(timeout).__name__}")
        if timeout != timeout or timeout < 0:  # NaN, or negative
            raise InvalidArgumentError(f"timeout must be 0 or more seconds, not {number_shown(timeout)}")
        if timeout > _FOREVER:
            return None  # forever, as None says
        return float(timeout)
    return None


def expect_revision_arg(expect_revision: Any) -> int:
    """-1 for None (no compare-and-swap), else 0 or a revision."""
    if expect_revision is None:
        return -1
    if isinstance(expect_revision, bool) or not isinstance(expect_revision, int):
        raise TypeError(f"expect_revision must be an int or None, not {type(expect_revision).__name__}")
    if expect_revision < 0 or expect_revision >= 2**63:
        raise InvalidArgumentError(f"expect_revision must be 0 (must not exist) or a revision, "
                                   f"not {number_shown(expect_revision)}")
    return expect_revision


def revision_arg(revision: Any) -> int:
    """0 for None (the latest), else a revision of 1 or more."""
    if revision is None:
        return 0
    if isinstance(revision, bool) or not isinstance(revision, int):
        raise TypeError(f"revision must be an int or None, not {type(revision).__name__}")
    if revision < 1 or revision >= 2**63:
        raise InvalidArgumentError(f"revision must be 1 or more (None for the latest), not {number_shown(revision)}")
    return revision


def lists_arg(lists: str) -> bool:
    """Whether lists append (True) or replace (False)."""
    if lists == "replace":
        return False
    if lists == "append":
        return True
    raise ValueError(f"lists must be 'replace' or 'append', not {lists!r}")


def environ_arg(environ: Optional[Mapping[str, str]]) -> bytes:
    """The environment as the library takes it: NAME=value entries, each
    followed by NUL. Entries that are not valid UTF-8 are passed on as such:
    the library refuses them where they are read."""
    if environ is None and os.supports_bytes_environ:
        envb = os.environb
        if not envb:
            return b""
        return b"\0".join([k + b"=" + v for k, v in envb.items()]) + b"\0"
    env = os.environ if environ is None else environ
    parts = []
    for k, v in env.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise TypeError(f"environ must map str to str, not {type(k).__name__} to {type(v).__name__}")
        # NUL ends an entry and "=" a name: either would read as another
        # value. The value may be a secret: only the name is shown.
        if "\0" in v:
            raise InvalidArgumentError(f"environ: the value of {k!r} holds a NUL character, which no "
                                       "environment variable's value can")
        if "\0" in k or "=" in k:
            what = "a NUL character" if "\0" in k else '"="'
            raise InvalidArgumentError(f"environ: the name {k!r} holds {what}, which no environment variable's name can")
        entry = f"{k}={v}"
        try:
            parts.append(entry.encode("utf-8"))
        except UnicodeEncodeError:
            # Kept as the bytes it was read from (os.environ decodes with
            # surrogateescape), for the library to refuse where it is
            # read, as for the real environment's.
            try:
                parts.append(entry.encode("utf-8", "surrogateescape"))
            except UnicodeEncodeError:
                parts.append(entry.encode("utf-8", "surrogatepass"))
    return b"\0".join(parts) + b"\0" if parts else b""


def env_prefix_arg(env_prefix: Any, env_delimiter: Any) -> Tuple[bytes, bytes]:
    if not isinstance(env_prefix, str):
        raise TypeError(f"env_prefix must be a str such as 'APP', not {type(env_prefix).__name__}")
    if not env_prefix:
        raise ValueError("env_prefix must be a non-empty string such as 'APP' "
                         "(an empty prefix would take every variable, PATH and HOME too)")
    if "=" in env_prefix:
        raise InvalidArgumentError(f"env_prefix {env_prefix!r} cannot begin an environment variable's name "
                                   "(it holds '=')")
    return _env_name_part(env_prefix, "env_prefix"), env_delimiter_arg(env_delimiter)


def env_delimiter_arg(env_delimiter: Any) -> bytes:
    """The delimiter that nests environment names, .env lines and secret
    file names: it was read as "__" when empty, and AttributeError was
    raised for a non-str."""
    if not isinstance(env_delimiter, str):
        raise TypeError(f"env_delimiter must be str such as '__', not {type(env_delimiter).__name__}")
    if not env_delimiter:
        raise InvalidArgumentError("env_delimiter must not be empty (the default is '__')")
    return _env_name_part(env_delimiter, "env_delimiter")


def _env_name_part(text: str, what: str) -> bytes:
    # No name in the environment (or file name) holds NUL: a prefix or a
    # delimiter with one matched nothing, silently.
    if "\0" in text:
        raise InvalidArgumentError(f"{what} {text!r} holds NUL, which no variable's name holds")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InvalidArgumentError(f"{what} {text!r} cannot be encoded as UTF-8: {e.reason}") from None


def overrides_arg(overrides: Any) -> bytes:
    """"path=value" items, each followed by NUL (b"" for none)."""
    items: List[str]
    if isinstance(overrides, Mapping):
        # Its keys would be read as items: {"debug": True} as "debug",
        # refused for want of "=" without a word about the mapping.
        raise TypeError("overrides are 'path=value' strings (['debug=true']), not a mapping: a mapping of values "
                        "is a source, gocfg.load(..., {'debug': True}), merged in the order given")
    if isinstance(overrides, str):
        items = [overrides]
    else:
        items = []
        for item in overrides:
            if not isinstance(item, str):
                raise TypeError(f"overrides are 'path=value' strings, not {type(item).__name__} ({item!r})")
            if "\0" in item:
                raise InvalidArgumentError(f"override {item!r} contains a NUL character")
            items.append(item)
    try:
        return b"".join(i.encode("utf-8", "strict") + b"\0" for i in items)
    except UnicodeEncodeError as e:
        raise InvalidArgumentError(f"an override cannot be encoded as UTF-8: {e}") from None
