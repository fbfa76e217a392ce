"""Typed access: the coercions behind get_int() & co. and Config.to().

Coercion rules (the same for the get_* methods and for dataclass fields):

============  ===============================================================
target        accepted
============  ===============================================================
int           an int (not a bool); a float with no fraction (3.0); a string
              of decimal digits with an optional sign ("9000", " -3 ")
float         an int or float (not a bool); a string float() reads
              ("1.5", "1e3", "inf")
bool          a bool; the strings true/false, yes/no, on/off, 1/0 (any
              case); the ints 0 and 1
str           a str; an int or float (str(v)); a bool ("true"/"false"); a
              date or time (isoformat). Not None, lists or maps.
list          a list; a string, split at commas with blanks trimmed
              ("a, b" -> ["a", "b"]; "" -> [])
duration      a datetime.timedelta; an int or float (seconds); a string of
              numbers with units, Go style: "30s", "1h30m", "1.5h", "500ms",
              "2d", "1w", "-5m" (units ns, us/µs, ms, s, m, h, d, w; a bare
              number is seconds)
============  ===============================================================

Anything else raises TypeMismatchError (a TypeError) naming the path, the
value and, when the config records provenance, where the value came from:
``server.port: expected int, got 'abc' (from env APP_SERVER__PORT)``. The
value of a secret (see gocfg.secrets) is never quoted: ``db.password:
expected int, got a str (secret, not shown)``; secrets inside a map or list
that is quoted are masked.

Extreme values are refused the same way, never with a bare OverflowError or
ValueError: a float that is not integral or lies beyond the 64-bit range
for int (``get_int(1e300)`` would otherwise be a 301-digit int); an int
string of more than 4300 digits (Python's own bound for int()); an int
too large for a float; a duration that is not finite or beyond what
datetime.timedelta holds (``"1e400s"``, ``nan``). An int that the config
holds (64-bit or beyond: the value tree keeps big integers) is returned as
it is.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import functools
import math
import pathlib
import re
import sys
import typing
from collections.abc import Mapping
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ._compat import fromisoformat, type_hints
from .display import value_repr
from .secrets import _NONE, FRAGMENT, Paths, mask, masked_at, quotes

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


# The most digits an int string may have (CPython's default bound for
# int(str), fixed here so that the rule does not depend on the process's
# sys.set_int_max_str_digits()).
MAX_INT_DIGITS = 4300

_INT64 = 2**63


class CoercionError(Exception):
    """Internal: a value did not fit. ``expected`` says what was expected,
    ``value`` is the value, ``why`` an optional reason; :meth:`message`
    builds the text for the value's path, masking secrets."""

    def __init__(self, expected: str, value: Any, why: str = "") -> None:
        super().__init__(expected)
        self.expected = expected
        self.value = value
        self.why = why

    def message(self, segs: Sequence[str] = (), hidden: Paths = _NONE) -> str:
        why = f" ({self.why})" if self.why else ""
        return f"expected {self.expected}, got {got(self.value, segs, hidden)}{why}"

    def __str__(self) -> str:  # never the value: only message() knows the path
        return f"expected {self.expected}"


def _type_of(v: Any) -> str:
    names = {bool: "a bool", int: "an int", float: "a float", str: "a str", list: "a list", dict: "a map",
             type(None): "None"}
    return names.get(type(v), f"a {type(v).__name__}")


def a_type(v: Any) -> str:
    """v's type with its article, for messages: "an int", "a list", "a map"."""
    return _type_of(v)


def got(v: Any, segs: Sequence[str] = (), hidden: Paths = _NONE) -> str:
    """How a message shows the value v found at path segs: its repr,
    shortened; only its type when the path is a secret, or one of the paths
    in ``hidden`` (a value that interpolates a secret, or one read from a
    secrets directory: gocfg.secrets.masked_at); a list or map with the
    secrets inside it masked."""
    if masked_at(segs, hidden):
        return f"{_type_of(v)} (secret, not shown)"
    if isinstance(v, (list, dict, str)):
        v = mask(v, segs, False, hidden)  # a string's credentials too ("postgres://app:********@db")
    if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > 200:
        # repr() of an int with more than 4300 digits raises; a long one
        # says nothing a reader can use anyway.
        return f"an int of {len(str(v)) if v.bit_length() < 14000 else 'more than 4300'} digits"
    try:
        text = value_repr(v)  # a map as deep as a config may be, too
    except ValueError:  # an int too long to print, inside a list or map
        text = f"<{_type_of(v)}>"
    if len(text) > 80:
        text = text[:77] + "..."
    if isinstance(v, (list, dict)):
        return f"a {'list' if isinstance(v, list) else 'map'} {text}"
    return text


def to_int(v: Any) -> int:
    if isinstance(v, bool):
        raise CoercionError("int", v)
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if not v.is_integer():
            raise CoercionError("int", v, "not a whole number" if math.isfinite(v) else "")
        if not -_INT64 <= v < _INT64:
            raise CoercionError("int", v, "beyond the 64-bit range")
        return int(v)
    if isinstance(v, str) and re.fullmatch(r"\s*[-+]?[0-9]+\s*", v):
        if len(v.strip().lstrip("+-")) > MAX_INT_DIGITS:
            raise CoercionError("int", v, f"more than {MAX_INT_DIGITS} digits")
        try:
            return int(v)
        except ValueError:  # a lower sys.set_int_max_str_digits()
            raise CoercionError("int", v, "too many digits") from None
    raise CoercionError("int", v)


def to_float(v: Any) -> float:
    if isinstance(v, bool):
        raise CoercionError("float", v)
    if isinstance(v, (int, float)):
        try:
            return float(v)
        except OverflowError:
            raise CoercionError("float", v, "beyond the range of a float") from None
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            pass
    raise CoercionError("float", v)


def to_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, int) and v in (0, 1):
        return bool(v)
    if isinstance(v, str):
        s = v.strip().lower()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
    raise CoercionError("bool", v)


def to_str(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        try:
            return str(v)
        except ValueError:  # an int of more than 4300 digits
            raise CoercionError("str", v, "too many digits to convert") from None
    if isinstance(v, (_dt.date, _dt.time)):
        return v.isoformat()
    raise CoercionError("str", v)


def to_list(v: Any) -> List[Any]:
    if isinstance(v, list):
        return v
    if isinstance(v, tuple):
        return list(v)
    if isinstance(v, str):
        return [p.strip() for p in v.split(",")] if v.strip() else []
    raise CoercionError("list", v)


_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0,
          "h": 3600.0, "d": 86400.0, "w": 604800.0}
_DURATION = re.compile(r"([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)(ns|us|µs|μs|ms|s|m|h|d|w)")


_DURATION_EXPECTED = "a duration such as '30s' or '1h30m'"


def _seconds(v: Any, seconds: Any) -> _dt.timedelta:
    """timedelta(seconds=seconds), or CoercionError (about v) when it is not
    finite or beyond timedelta's range (about 2.7 million years)."""
    if isinstance(seconds, float) and not math.isfinite(seconds):
        raise CoercionError(_DURATION_EXPECTED, v, "not a finite duration")
    try:
        return _dt.timedelta(seconds=seconds)
    except (OverflowError, ValueError):
        raise CoercionError(_DURATION_EXPECTED, v, "beyond the range of a duration") from None


def to_duration(v: Any) -> _dt.timedelta:
    if isinstance(v, _dt.timedelta):
        return v
    if isinstance(v, bool):
        raise CoercionError(_DURATION_EXPECTED, v)
    if isinstance(v, (int, float)):
        return _seconds(v, v)
    if isinstance(v, str):
        s = v.strip()
        sign = 1.0
        if s[:1] in "+-" and s:
            sign = -1.0 if s[0] == "-" else 1.0
            s = s[1:]
        try:
            bare = float(s)  # a bare number: seconds
        except ValueError:
            pass
        else:
            return _seconds(v, sign * bare)
        pos, total = 0, 0.0
        for m in _DURATION.finditer(s):
            if m.start() != pos:
                break
            total += float(m.group(1)) * _UNITS[m.group(2)]
            pos = m.end()
        if pos == len(s) and s:
            return _seconds(v, sign * total)
    raise CoercionError(_DURATION_EXPECTED, v)


COERCE: Dict[str, Callable[[Any], Any]] = {
    "int": to_int, "float": to_float, "bool": to_bool, "str": to_str, "list": to_list, "duration": to_duration,
}


# --------------------------------------------- dataclasses, attrs, pydantic

# attrs and pydantic are optional: a class of theirs can exist only once its
# library is imported, so they are looked up in sys.modules, never imported
# here.

def _attrs_fields(cls: Any) -> Optional[List[Tuple[str, str, bool, Any]]]:
    """(attribute, init argument, required, declared type) of each init
    field of an attrs class, or None when cls is not one. The config key
    is the init argument (attrs strips a leading underscore: ``_x`` is
    set by ``x=``)."""
    attr = sys.modules.get("attr")
    if attr is None or not isinstance(cls, type) or not attr.has(cls):
        return None
    out = []
    for a in attr.fields(cls):
        if not a.init:
            continue
        alias = getattr(a, "alias", None) or a.name.lstrip("_")
        out.append((a.name, alias, a.default is attr.NOTHING, a.type))
    return out


def _dataclass_fields(cls: Any) -> Optional[List[Tuple[str, str, bool, Any]]]:
    if not (dataclasses.is_dataclass(cls) and isinstance(cls, type)):
        return None
    return [(f.name, f.name, f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING, f.type)
            for f in dataclasses.fields(cls) if f.init]


def _fields(cls: Any) -> Optional[List[Tuple[str, str, bool, Any]]]:
    out = _dataclass_fields(cls)
    return out if out is not None else _attrs_fields(cls)


def is_pydantic_model(cls: Any) -> bool:
    """Whether cls is a pydantic (2.x) model class."""
    pydantic = sys.modules.get("pydantic")
    return (pydantic is not None and isinstance(cls, type) and issubclass(cls, pydantic.BaseModel)
            and hasattr(cls, "model_validate"))


def is_target(cls: Any) -> bool:
    """Whether Config.to() can build cls: a dataclass, an attrs class or a
    pydantic model class."""
    return _fields(cls) is not None or is_pydantic_model(cls)


def _pydantic_owner(cls: Any, segs: Sequence[str]) -> Any:
    """The model whose field the path segs (inside a cls) ends at: nested
    models are followed through their fields' annotations, as far as they
    go (a list or union of models stops the walk at its holder)."""
    for seg in segs:
        field = getattr(cls, "model_fields", {}).get(seg)
        inner = getattr(field, "annotation", None)
        if not is_pydantic_model(inner):
            break
        cls = inner
    return cls


def _pydantic_path(data: Any, loc: Sequence[Any], kind: str) -> Tuple[str, ...]:
    """The config path of a pydantic error location: the part of loc that
    exists in data (pydantic adds the names of union members and
    validators, which are not keys), plus the missing key of a "missing"
    error."""
    segs: List[str] = []
    node = data
    for i, x in enumerate(loc):
        if isinstance(node, Mapping) and isinstance(x, str) and x in node:
            node = node[x]
        elif isinstance(node, list) and isinstance(x, int) and 0 <= x < len(node):
            node = node[x]
        elif kind == "missing" and i == len(loc) - 1 and isinstance(node, Mapping):
            segs.append(str(x))
            break
        else:
            break
        segs.append(str(x))
    return tuple(segs)


class _Builder:
    """Builds a dataclass from a plain tree, collecting every problem."""

    def __init__(self, strict: bool, base: Sequence[str] = (),
                 hidden: Optional[Callable[[], Paths]] = None) -> None:
        self.strict = strict
        self.base = tuple(base)  # the path of the map being built, for the secret rule
        # The paths masked besides secret keys (values that interpolate a
        # secret...), full paths: asked for when a message is made (build()
        # caches it, for this builder and its trials).
        self.hidden_of = hidden
        self.errors: List[Tuple[Tuple[str, ...], str]] = []

    def fail(self, path: Tuple[str, ...], msg: str) -> Any:
        self.errors.append((path, msg))
        return None

    def hidden(self) -> Paths:
        return self.hidden_of() if self.hidden_of is not None else _NONE

    def got(self, v: Any, path: Tuple[str, ...]) -> str:
        return got(v, self.base + path, self.hidden())

    def message(self, e: CoercionError, path: Tuple[str, ...]) -> str:
        return e.message(self.base + path, self.hidden())

    def build(self, cls: Any, data: Any, path: Tuple[str, ...]) -> Any:
        if is_pydantic_model(cls):
            return self.pydantic(cls, data, path)
        if not isinstance(data, Mapping):
            return self.fail(path, f"expected a map for {cls.__name__}, got {self.got(data, path)}")
        try:
            hints = type_hints(cls)
        except RecursionError:
            raise  # the data nests too deep: build() says so, not this class
        except Exception as e:  # an annotation that does not evaluate
            return self.fail(path, f"cannot read the annotations of {cls.__name__}: {e}")
        kwargs: Dict[str, Any] = {}
        ok = True
        names = set()
        for attr_name, key, required, declared in _fields(cls) or []:
            names.add(key)
            here = path + (key,)
            if key in data:
                before = len(self.errors)
                tp = hints.get(attr_name, declared if declared is not None and not isinstance(declared, str) else Any)
                value = self.convert(data[key], tp, here)
                if len(self.errors) == before:
                    kwargs[key] = value
                else:
                    ok = False
            elif required:
                self.fail(here, f"missing (required by {cls.__name__})")
                ok = False
        if self.strict:
            for key in data:
                if key not in names:
                    self.fail(path + (str(key),), f"unknown field: {cls.__name__} has no field {key!r}")
                    ok = False
        if not ok:
            return None
        try:
            return cls(**kwargs)
        except RecursionError:
            raise
        except Exception as e:  # __post_init__ validation, attrs validators
            msg = str(e)
            if self.quotes_a_secret(msg, data, path):
                # The class's own message may quote what it was given
                # (f"bad password {self.password}"), as pydantic's may.
                msg = "its message quotes a secret's value, not shown"
            return self.fail(path, f"{cls.__name__}(...) refused the values: {type(e).__name__}: {msg}")

    def quotes_a_secret(self, msg: str, data: Any, path: Tuple[str, ...]) -> bool:
        """Whether msg holds the text of a masked value inside data, the
        value at path."""
        if isinstance(data, Mapping):
            return any(self.quotes_a_secret(msg, v, path + (str(k),)) for k, v in data.items())
        if isinstance(data, list):
            return any(self.quotes_a_secret(msg, v, path + (str(i),)) for i, v in enumerate(data))
        # Whole, or the piece a message kept of a long one (f"{token[:12]}...");
        # the cheap test first, as most values are neither.
        text = str(data)
        return ((text in msg or len(text) > FRAGMENT) and masked_at(self.base + path, self.hidden())
                and quotes(msg, text))

    def pydantic(self, cls: Any, data: Any, path: Tuple[str, ...]) -> Any:
        """A pydantic model, validated by pydantic's own rules (its
        coercions, its model_config for extra keys; ``strict`` is not
        used): each of its errors becomes one problem at its config path."""
        pydantic = sys.modules["pydantic"]
        try:
            return cls.model_validate(data)
        except pydantic.ValidationError as e:
            for item in e.errors(include_url=False):
                kind = str(item.get("type", ""))
                segs = _pydantic_path(data, item.get("loc", ()), kind)
                here = path + segs
                if kind in ("missing", "extra_forbidden") and segs:
                    owner = _pydantic_owner(cls, segs[:-1]).__name__
                    self.fail(here, f"missing (required by {owner})" if kind == "missing"
                              else f"unknown field: {owner} has no field {segs[-1]!r}")
                    continue
                msg = str(item.get("msg", "invalid"))
                bad = item.get("input")
                if masked_at(self.base + here, self.hidden()) and isinstance(bad, (str, int, float)) and quotes(msg, str(bad)):
                    # A validator's own message may quote the value.
                    msg = f"refused by the model ({kind})"
                if "input" in item and not isinstance(bad, Mapping):
                    msg += f", got {self.got(bad, here)}"
                self.fail(here, msg)
            return None

    def convert(self, v: Any, tp: Any, path: Tuple[str, ...]) -> Any:
        if tp is Any or tp is object:
            return v
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is typing.Union or (sys.version_info >= (3, 10) and _is_union_type(tp)):
            if v is None and type(None) in args:
                return None
            others = [a for a in args if a is not type(None)]
            if len(others) == 1:  # Optional[X]: X's own, detailed errors
                return self.convert(v, others[0], path)
            errors_before = len(self.errors)
            for arg in args:
                if arg is type(None):
                    continue
                trial = _Builder(self.strict, self.base, self.hidden_of)
                out = trial.convert(v, arg, path)
                if not trial.errors:
                    return out
            del self.errors[errors_before:]
            names = " or ".join(_type_name(a) for a in args)
            return self.fail(path, f"expected {names}, got {self.got(v, path)}")
        if origin is typing.Literal:
            for arg in args:
                if _same(arg, v):
                    return arg
            return self.fail(path, f"expected one of {_choices(args)}, got {self.got(v, path)}")
        if is_target(tp):
            return self.build(tp, v, path)
        if origin in (list, typing.List, set, frozenset, tuple) or tp in (list, set, frozenset, tuple):
            return self.sequence(v, tp, origin or tp, args, path)
        if origin in (dict, Mapping, typing.Dict) or tp in (dict,):
            if not isinstance(v, Mapping):
                return self.fail(path, f"expected a map, got {self.got(v, path)}")
            kt, vt = (args + (Any, Any))[:2] if args else (Any, Any)
            out = {}
            for k, item in v.items():
                key = self.convert(k, kt, path + (str(k),)) if kt not in (Any, str) else k
                out[key] = self.convert(item, vt, path + (str(k),))
            return out
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            for member in tp:
                if _same(member.value, v) or (isinstance(v, str) and member.name == v):
                    return member
            if issubclass(tp, enum.Flag) and type(v) is int:
                try:  # a combination of flags, as tp(v) takes it (by tp's own boundary)
                    return tp(v)
                except ValueError:
                    pass
            return self.fail(path, f"expected one of {_choices([m.value for m in tp])}, got {self.got(v, path)}")
        simple = {int: to_int, float: to_float, bool: to_bool, str: to_str, _dt.timedelta: to_duration}
        if tp in simple:
            try:
                return simple[tp](v)
            except CoercionError as e:
                return self.fail(path, self.message(e, path))
            except (OverflowError, ValueError) as e:  # a value no rule above foresaw: still a field error
                return self.fail(path, f"expected {tp.__name__}, got {self.got(v, path)} ({type(e).__name__})")
        if tp in (_dt.datetime, _dt.date, _dt.time):
            if isinstance(v, tp) and not (tp is _dt.date and isinstance(v, _dt.datetime)):
                return v
            if isinstance(v, str):
                try:
                    return fromisoformat(tp, v.strip())
                except ValueError:
                    pass
            return self.fail(path, f"expected {tp.__name__}, got {self.got(v, path)}")
        if isinstance(tp, type) and issubclass(tp, pathlib.PurePath):
            if isinstance(v, str):
                return tp(v)
            return self.fail(path, f"expected a path string, got {self.got(v, path)}")
        if isinstance(tp, type):
            if isinstance(v, tp):
                return v
            return self.fail(path, f"expected {tp.__name__}, got {self.got(v, path)}")
        return self.fail(path, f"unsupported field type {tp!r}")

    def sequence(self, v: Any, tp: Any, origin: Any, args: Tuple[Any, ...], path: Tuple[str, ...]) -> Any:
        try:
            items = to_list(v)
        except CoercionError as e:
            return self.fail(path, self.message(e, path))
        if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
            if len(items) != len(args):
                return self.fail(path, f"expected {len(args)} items, got {len(items)}")
            return tuple(self.convert(x, a, path + (str(i),)) for i, (x, a) in enumerate(zip(items, args)))
        item_t = args[0] if args else Any
        out = [self.convert(x, item_t, path + (str(i),)) for i, x in enumerate(items)]
        if origin in (set, frozenset):
            try:
                return origin(out)
            except TypeError as e:
                return self.fail(path, str(e))
        if origin is tuple:
            return tuple(out)
        return out


def _same(want: Any, v: Any) -> bool:
    """v is the Literal or enum value want: equal, and a bool only where a
    bool is wanted (True == 1 in Python, but a config keeps them apart)."""
    return bool(want == v) and isinstance(want, bool) == isinstance(v, bool)


def _is_union_type(tp: Any) -> bool:
    import types
    return isinstance(tp, types.UnionType)


def _type_name(tp: Any) -> str:
    if tp is type(None):
        return "None"
    return getattr(tp, "__name__", None) or repr(tp)


def _choices(values: Sequence[Any]) -> str:
    """The choices of a Literal or Enum for a message: the first few, so
    that a Literal of 100,000 values is not a message of 700 KB."""
    most = 20
    shown = ", ".join(map(repr, values[:most]))
    return shown if len(values) <= most else f"{shown}, ... ({len(values)} in all)"


def build(cls: Any, data: Any, strict: bool, base: Sequence[str] = (),
          hidden: Optional[Callable[[], Paths]] = None) -> Tuple[Any, List[Tuple[Tuple[str, ...], str]]]:
    """Build cls from data (the map at path base), collecting the problems.
    ``hidden`` gives the full paths masked in messages besides secret keys
    (Config._hidden: values that interpolate a secret, secret files); it
    is called only when a message is made."""
    if not is_target(cls):
        hint = ": a plain dict is to_dict()" if cls in (dict, Dict) else ""
        raise TypeError(f"to() needs a dataclass, an attrs class or a pydantic model class, not {cls!r}{hint}")
    b = _Builder(strict, base, functools.cache(hidden) if hidden is not None else None)
    try:
        out = b.build(cls, data, ())
    except RecursionError:
        # A class that contains itself, and data nesting it hundreds of
        # levels deep: more than Python's stack allows this builder.
        return None, [((), f"the config nests too deep for {cls.__name__}: building it "
                           f"went past Python's recursion limit ({sys.getrecursionlimit()})")]
    return out, b.errors
