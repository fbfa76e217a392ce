"""Values and paths on their way to and from the library.

Whole values cross as bytes in CPython's marshal format (version 2), which
the library reads and writes (see gocore/wire). marshal is implemented in
C on both ends of Python, so a 2 MB tree crosses in one call without any
per-key work in Python. Dates and times are the exception: marshal has no
form for them, so they travel as tagged tuples.
"""
from __future__ import annotations

import datetime as _dt
import marshal
import os
from collections.abc import Mapping
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple, Union, cast

from . import _capi
from ._text import printable
from .errors import InvalidArgumentError

PathLike = Union[str, Tuple[Union[str, int], ...]]

_UTC = _dt.timezone.utc
_MINUTE = _dt.timedelta(minutes=1)


class TreeView:
    """A view of a map inside a config (gocfg.Section, gocfg.Config): stored
    as a copy of its contents, which ``to_dict()`` gives in one call."""

    __slots__ = ()
    _cfg: Any  # the Config it views (a Config is its own)

    def to_dict(self) -> Dict[str, Any]:
        raise NotImplementedError


def interpolates(cfg: Any) -> bool:
    """Whether the Config cfg resolves ${...} on read."""
    return bool(decode_value(_capi.config_secret_inputs(cfg, cfg._handle()))[0])


def escape_refs(data: Dict[str, Any]) -> Dict[str, Any]:
    """data (a fresh tree, changed in place) with each "${" in its strings
    written "$${", the escape that reads back as "${": a config's values as
    read, to be stored in a config that interpolates. Without recursion:
    a tree may nest 1000 levels."""
    todo: List[Any] = [data]
    while todo:
        node = todo.pop()
        keys = range(len(node)) if isinstance(node, list) else list(node)
        for k in keys:
            v = node[k]
            if isinstance(v, (dict, list)):
                todo.append(v)
            elif isinstance(v, str) and "${" in v:
                node[k] = v.replace("${", "$${")
    return data


# ------------------------------------------------------------------- paths

# The path syntax's characters, from the library (separator, quote, escape).
_syntax: Optional[Tuple[str, str, str]] = None


def _path_syntax() -> Tuple[str, str, str]:
    global _syntax
    if _syntax is None:
        c = _capi.consts()
        _syntax = (c.path_separator, c.path_quote, c.path_escape)
    return _syntax


def quote_segment(seg: str) -> str:
    """Quote one path segment so that dots inside it are not separators."""
    sep, quote, esc = _syntax or _path_syntax()
    if seg and sep not in seg and quote not in seg and esc not in seg:
        return seg
    return quote + seg.replace(esc, esc + esc).replace(quote, esc + quote) + quote


def split_path(path: str) -> List[str]:
    """Split a dot path into its segments (quoted segments understood)."""
    sep, quote, esc = _syntax or _path_syntax()
    segs: List[str] = []
    i, n = 0, len(path)
    while i < n:
        if path[i] == quote:
            j, buf = i + 1, []
            while j < n and path[j] != quote:
                if path[j] == esc and j + 1 < n:
                    j += 1
                buf.append(path[j])
                j += 1
            segs.append("".join(buf))
            i = j + 2
        else:
            j = path.find(sep, i)
            if j < 0:
                j = n
            segs.append(path[i:j])
            i = j + 1
    return segs


def path_text(key: Any) -> str:
    """The dot-path text for a subscript: a str is a path already; a tuple
    lists segments (str keys, int list indexes), each taken literally."""
    if type(key) is str:
        return key
    if isinstance(key, tuple):
        parts = []
        for i, seg in enumerate(key):
            if isinstance(seg, bool) or not isinstance(seg, (str, int)):
                raise TypeError(f"path segments must be str or int, not {type_name(type(seg))}: "
                                f"segment {i} is {shown_repr(seg)} (in {shown_repr(key)})")
            if isinstance(seg, int):
                # The int's own digits, whatever a subclass's __str__ says.
                # A negative one is spelt with its sign, which is no list
                # index (gocore/value.ListIndex): ("l", -1) finds nothing
                # in a list, as "l.-1" does, and never wraps around to the
                # end as Python's l[-1] would.
                try:
                    parts.append(int.__repr__(seg))
                except ValueError:  # over CPython's 4,300 digits of int-to-text
                    raise InvalidArgumentError(
                        f"path segment {i} is an int of more than 4,300 digits: too long to be a list "
                        f"index or a key (in a tuple path of {len(key)} segments)") from None
            else:
                parts.append(quote_segment(seg))
        return (_syntax or _path_syntax())[0].join(parts)
    if isinstance(key, str):
        return str.__str__(key)
    raise TypeError(f"key must be str or a tuple of path segments, not {type(key).__name__}")


def encode_path(key: Any) -> bytes:
    text = path_text(key)
    try:
        return text.encode()
    except UnicodeEncodeError as e:
        raise InvalidArgumentError(
            f"key {text!r} cannot be encoded as UTF-8 (lone surrogate {text[e.start]!r} at index {e.start})") from None


def join(prefix: bytes, path: bytes) -> bytes:
    if not prefix:
        return path
    if not path:
        return prefix
    return prefix + (_syntax or _path_syntax())[0].encode() + path


# ---------------------------------------------------------- Python -> wire

def _tag(v: Any, where: str) -> Tuple[Any, ...]:
    """The tagged tuple the library reads as a date or time."""
    if isinstance(v, _dt.datetime):
        off = v.utcoffset()
        if off is not None and off % _MINUTE:
            # The library keeps whole-minute offsets (as every format writes
            # them); a seconds part would be cut off and move the instant.
            raise InvalidArgumentError(f"{where or 'value'}: the UTC offset {off} of {v.isoformat()} is not in "
                                       "whole minutes")
        kind = "L" if off is None else "D"
        seconds = None if off is None else int(off.total_seconds())
        return (..., kind, v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond, seconds)
    if isinstance(v, _dt.date):
        return (..., "d", v.year, v.month, v.day, 0, 0, 0, 0, None)
    if v.utcoffset() is not None:
        raise TypeError(f"{printable(where)}: a time of day with a UTC offset cannot be stored "
                        "(TOML has none); use a datetime or a naive time")
    return (..., "t", 0, 0, 0, v.hour, v.minute, v.second, v.microsecond, None)


class Copies:
    """What encode_value does with the Configs and Sections inside a value,
    which it copies as their values (as read): it notes each one, with its
    path, in ``found``. For a value going into ``target``, a config that
    interpolates, the values of one that interpolates too are escaped
    (each "${" written "$${", see escape_refs): a "${" in them is text (a
    literal "$${x}" read "${x}", or a variable's value) that target would
    take for a reference. A Config that does not interpolate holds
    templates, which target resolves, as it does a dict's."""

    __slots__ = ("found", "_target", "_into")

    def __init__(self, target: Any = None) -> None:
        # (path, view, its config's change counter before it was read)
        self.found: List[Tuple[str, TreeView, int]] = []
        self._target = target
        self._into: Optional[bool] = None  # whether target interpolates, asked once

    def values(self, where: str, view: TreeView) -> Any:
        self.found.append((where, view, view._cfg._counter()[0]))
        data: Any = view.to_dict()
        if self._target is None:
            return data
        if self._into is None:
            self._into = interpolates(self._target)
        if not (self._into and interpolates(view._cfg)):
            return data
        if isinstance(data, (dict, list)):
            return escape_refs(cast(Dict[str, Any], data))  # a list too
        return data.replace("${", "$${") if isinstance(data, str) else data

    def moved(self) -> bool:
        """Whether a config copied from changed since it was read."""
        return any(view._cfg._counter()[0] != before for _, view, before in self.found)


def _store_hint(x: Any) -> str:
    """What to store instead of x, for the values a settings object holds
    that a config does not: a path, a duration, a dataclass."""
    if isinstance(x, os.PathLike):
        return " (store str(path); to() converts it back for a Path field)"
    if isinstance(x, _dt.timedelta):
        return " (store a duration as text such as '30s' or as seconds; get_duration() and to() read both)"
    if hasattr(type(x), "__dataclass_fields__") and not isinstance(x, type):
        return " (store dataclasses.asdict(value))"
    return ""


def _plain(v: Any, where: str, depth: int, views: Optional[Copies] = None) -> Any:
    """v rebuilt from the types marshal writes, with dates tagged. A map or
    list met again inside itself is a structure that contains itself. A
    Config or Section is copied as ``views`` (when given) says.

    The walk keeps its own stack rather than recursing: a value at the
    depth bound would otherwise meet the interpreter's recursion limit
    first, at a depth that depends on the caller's stack (a date under
    990 keys was refused as "nested too deeply")."""
    max_depth = _capi.consts().max_depth
    inside: Set[int] = set()  # the ids of the maps and lists being rebuilt

    def start(x: Any, at: str, d: int) -> Tuple[bool, Any]:
        """(False, x rebuilt) for a leaf; (True, a frame) for a map or list."""
        if d > max_depth:
            raise InvalidArgumentError(f"{at or 'value'}: nested more than {max_depth} levels deep")
        t = type(x)
        if x is None or t is str or t is int or t is float or t is bool:
            return False, x
        if isinstance(x, (_dt.date, _dt.time)):
            return False, _tag(x, at)
        if isinstance(x, bool):
            return False, bool(x)
        if isinstance(x, str):
            return False, str.__str__(x)
        # The number the object is, by the base type's own slot, as for str:
        # int(x) calls a subclass's __int__, which may raise or say another
        # number (an int subclass whose __int__ returned 42 was stored as 42).
        if isinstance(x, int):
            return False, int.__int__(x)
        if isinstance(x, float):
            return False, float.__float__(x)
        if isinstance(x, TreeView):  # a Config or Section: its own copy
            return start(x.to_dict() if views is None else views.values(at, x), at, d)
        if not isinstance(x, (Mapping, list, tuple)):
            raise TypeError(f"cannot store a value of type {type_name(type(x))!r} at {at or 'the root'!r}: a config "
                            f"holds None, bool, int, float, str, date/time, list and dict{_store_hint(x)}")
        if id(x) in inside:
            raise InvalidArgumentError(f"{at or 'value'}: the {'map' if isinstance(x, Mapping) else 'list'} holds "
                                       "itself (a structure that refers to itself cannot be stored)")
        inside.add(id(x))
        if isinstance(x, Mapping):
            return True, (x, {}, iter(x.items()), at, d, True)
        return True, (x, [], iter(enumerate(x)), at, d, False)

    nested, first = start(v, where, depth)
    if not nested:
        return first
    stack = [first]
    end: Any = object()
    while stack:
        src, out, items, at, d, is_map = stack[-1]
        step: Any = next(items, end)
        if step is end:
            inside.discard(id(src))
            stack.pop()
            continue
        k: Any
        if is_map:
            k, item = step
            if not isinstance(k, str):
                raise TypeError(f"{printable(at) or 'mapping'}: keys must be str, not {type(k).__name__} "
                                f"({shown_repr(k)})")
            k = str.__str__(k)
            nested, got = start(item, f"{at}.{quote_segment(k)}" if at else quote_segment(k), d + 1)
        else:
            i, item = step
            nested, got = start(item, f"{at}.{i}" if at else str(i), d + 1)
        value = got[1] if nested else got
        if is_map:
            out[k] = value
        else:
            out.append(value)
        if nested:
            stack.append(got)
    return first[1]


def shown_repr(x: Any, limit: int = 200) -> str:
    """repr(x) for a message about a value the caller passed: cut to
    ``limit`` characters, and "<T object>" when its __repr__ raises (a
    hostile or broken object must not turn a TypeError into its own
    error, nor a megabyte repr into a megabyte message)."""
    try:
        text = repr(x)
        if not isinstance(text, str):
            raise TypeError
    except Exception:
        return f"<{type_name(type(x))} object>"
    return printable(text if len(text) <= limit else text[:limit - 1] + "…")


def type_name(t: type) -> str:
    """A type's name as Python messages give it: "object", "set",
    "decimal.Decimal" (the module named unless it is a built-in)."""
    if t.__module__ == "builtins":
        return t.__qualname__
    return f"{t.__module__}.{t.__qualname__}"


def encode_value(v: Any, where: str, views: Optional[Copies] = None, depth: int = 0) -> bytes:
    """Encode v for the library. `where` names v's path in error messages.
    A Config or Section inside v is copied as its values, as ``views``
    (when given) says. ``depth`` is v's own level of nesting: -1 for a
    list of documents, which is no level of theirs."""
    t = type(v)
    if t is dict or t is list or t is str or t is int or t is float or t is bool or v is None:
        try:
            # The common case: marshal writes plain values at C speed.
            # Whatever marshal accepts that a config cannot hold (bytes,
            # sets, ...) the library refuses, naming the path.
            return marshal.dumps(v, 2)
        except (ValueError, RecursionError):
            pass  # dates, subclasses, or too deep: take the slow path
    elif isinstance(v, TreeView):  # a Config or Section: its values, through the fast path above
        return encode_value(v.to_dict() if views is None else views.values(where, v), where)
    try:
        return marshal.dumps(_plain(v, where, depth, views), 2)
    except RecursionError:
        raise InvalidArgumentError(f"{where or 'value'}: nested too deeply") from None
    except InvalidArgumentError:
        raise  # already names the path and the bound
    except ValueError as e:
        if "nested" in str(e):
            raise InvalidArgumentError(f"{where or 'value'}: nested too deeply") from None
        raise


# ---------------------------------------------------------- wire -> Python

def _make_time(t: Tuple[Any, ...]) -> Any:
    kind, y, mo, d, h, mi, s, us, off = t
    if kind == "D":
        tz = _UTC if off == 0 else _dt.timezone(_dt.timedelta(seconds=off))
        return _dt.datetime(y, mo, d, h, mi, s, us, tzinfo=tz)
    if kind == "L":
        return _dt.datetime(y, mo, d, h, mi, s, us)
    if kind == "d":
        return _dt.date(y, mo, d)
    return _dt.time(h, mi, s, us)


def fix_times(wrapped: Tuple[Any, List[Sequence[Any]]]) -> Any:
    """Turn the tagged date/time tuples the library listed into objects."""
    tree, paths = wrapped
    for path in paths:
        if not path:
            return _make_time(tree)
        node = tree
        for seg in path[:-1]:
            node = node[seg]
        node[path[-1]] = _make_time(node[path[-1]])
    return tree


def decode_value(data: Any) -> Any:
    v = marshal.loads(data)
    if type(v) is tuple:
        v = fix_times(v)
    return v
