"""JSON Schema: validating a Config against one, and writing one from a
dataclass.

``cfg.validate(schema)`` checks the config in Go (santhosh-tekuri/jsonschema
v6) and raises :class:`gocfg.ValidationError` listing every violation at
once. Each item of ``errors`` is a :class:`Violation`: the dot path, the
keyword that failed, a message, the origin of the value (file:line:col,
environment variable, override; None for a Config that records no
provenance, such as one from ``Config.load``) and the keyword's place in
the schema. A Violation unpacks as a ``(path, message)`` pair, like the
errors of ``cfg.to(Dataclass)``.

The schema may be given as:

- a mapping (a dict, as ``json.loads`` gives), or True/False;
- a ``str`` whose first non-blank character is ``{``: JSON text;
- any other ``str``, or an ``os.PathLike``: a file, JSON or YAML (or any
  format gocfg reads) by its extension, read with gocfg's own bounded
  loaders.

Draft 2020-12 unless ``$schema`` names draft 4, 6, 7 or 2019-09.
``format`` is asserted by default (an ``email`` that is not one is a
violation: a configuration check is where formats matter); with
``formats=False`` it is what the draft says (an annotation in 2019-09 and
2020-12, a check in draft 7 and before).
Nothing is fetched: a ``$ref`` to another document fails unless that
document is passed in ``resources`` (a mapping of absolute URL to schema);
``$ref`` within the schema (``#/$defs/...``) works. Secret values (see
gocfg.secrets) never appear in messages.

``json_schema(cls)`` writes the schema of a dataclass, an attrs class or
a pydantic model (pydantic's own schema), for editors that
complete configuration files from one (``# yaml-language-server: $schema=``
or ``"$schema"`` in JSON), and for ``cfg.validate``.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import json
import os
import pathlib
import sys
import typing
from collections.abc import Mapping
from typing import Any, Dict, Iterator, List, Optional, Union

from . import _args, _capi
from ._compat import type_hints
from ._text import printable
from ._values import decode_value, split_path
from .documents import read
from .errors import InvalidArgumentError, ValidationError
from .provenance import Origin, make_origin
from .secrets import MASK, is_secret, is_secret_key, masked_at

SchemaArg = Union[Mapping[str, Any], bool, str, "os.PathLike[str]"]

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


@dataclasses.dataclass(frozen=True)
class Violation:
    """One failed rule of a schema.

    ``path`` is the dot path in the config ("" for the config itself),
    ``keyword`` the schema keyword that failed ("type", "minimum",
    "required", ...), ``message`` what is wrong (without the value when the
    path is a secret), ``origin`` where the value in force came from (None
    when the config records no provenance) and ``schema_path`` the
    keyword's place in the schema ("#/properties/port/minimum").

    It unpacks as ``(path, description)``, the shape of the errors of
    ``cfg.to()``: ``dict(exc.errors)`` maps paths to descriptions.
    """

    path: str
    keyword: str
    message: str
    origin: Optional[Origin] = None
    schema_path: str = ""

    @property
    def where(self) -> str:
        """The origin as people read it ("app.yaml:3:9", "env APP_PORT"),
        with the value of an override item masked when the path is a
        secret; "" when unknown."""
        o = self.origin
        if o is None:
            return ""
        if o.kind == "override" and is_secret(self.path):
            return f"override {o.name.partition('=')[0]}={MASK}"
        return str(o)

    @property
    def description(self) -> str:
        """The message with its keyword and, when known, where the value
        came from: ``minimum: got 80, want 1024 (minimum; from app.yaml:2:3)``."""
        where = self.where
        text = f"{self.message} ({self.keyword}; from {where})" if where else f"{self.message} ({self.keyword})"
        return printable(text)  # a message quotes values and file names as they are

    def __iter__(self) -> Iterator[str]:
        yield self.path
        yield self.description

    def __str__(self) -> str:
        path = self.path or "<root>"
        return printable(f"{self.where}: {path}: {self.message}" if self.where else f"{path}: {self.message}")


# ------------------------------------------------------------- validation

def schema_text(schema: Any) -> bytes:
    """The schema argument as JSON text (see the module's docstring)."""
    if isinstance(schema, bool) or isinstance(schema, Mapping):
        return _dumps(schema, "schema")
    if isinstance(schema, bytes):
        raise TypeError("a schema is a mapping, JSON text (str) or a file path, not bytes")
    if isinstance(schema, str) and schema.lstrip().startswith("{"):
        return _args.text_arg(schema, "schema")
    if isinstance(schema, (str, os.PathLike)):
        return _dumps(_read_file(schema), f"schema file {os.fspath(schema)}")
    raise TypeError(f"a schema is a mapping, JSON text or a file path, not {type(schema).__name__}")


def _dumps(value: Any, what: str) -> bytes:
    try:
        # Strict UTF-8: a lone surrogate is refused here, not turned into
        # U+FFFD by Go's JSON reader.
        return json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError) as e:
        raise InvalidArgumentError(f"{what} cannot be written as JSON: {e}") from None
    except RecursionError:
        raise InvalidArgumentError(f"{what} nests too deeply") from None


def _read_file(path: Union[str, "os.PathLike[str]"]) -> Any:
    """A schema file read by the library (bounded, the format from the
    extension, errors located at file:line:col), as plain data."""
    return read(path)


def validate(cfg: Any, h: Any, prefix: bytes, schema: Any, resources: Optional[Mapping[str, Any]],
             formats: bool = True) -> None:
    """Check the value at prefix in cfg (h its handle) against schema;
    raise ValidationError listing every violation."""
    doc = schema_text(schema)
    res = b""
    if resources:
        if not isinstance(resources, Mapping):
            raise TypeError("resources is a mapping of absolute URL to schema")
        res = _dumps(dict(resources), "resources")
    version = cfg._counter()[0]
    total, data = _capi.config_validate(cfg, h, prefix, doc, res, bool(formats))
    if total == 0:
        return
    # The paths whose values interpolate a secret (url = "...${db.password}"):
    # a message may quote the value (format's "'...' is not valid email"),
    # so theirs are masked as a secret key's are. Taken after the check: if
    # the config changed in between, every message is masked.
    hidden = cfg._hidden()
    changed = cfg._counter()[0] != version
    found = []
    for path, keyword, message, masked, schema_path, kind, name, line, column in decode_value(data):
        origin = make_origin(kind, name, line, column, 0)
        # A value from a secrets directory is a secret whatever its key.
        secret = (changed or masked_at(split_path(path), hidden)
                  or (origin is not None and origin.kind == "secret"))
        found.append(Violation(path, keyword, masked if secret else message, origin, schema_path))
    target = "the schema"
    if total > len(found):
        target = f"the schema ({total} violations in all; the first {len(found)} are listed)"
    raise ValidationError(found, target)  # type: ignore[arg-type]


# --------------------------------------------------- settings class -> schema

def json_schema(cls: Any, *, reveal: bool = False) -> Dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a settings class -- a dataclass,
    an attrs class or a pydantic model -- as ``cfg.to(cls)`` reads it.

    A dataclass or an attrs class gives one property per field (an attrs
    attribute by its init name, the key ``to()`` reads), typed from its
    annotation (str, int, float, bool, None, Optional and Union,
    list/tuple/set/frozenset, dict[str, X], nested classes under
    ``$defs``, Enum and Literal as ``enum``, datetime/date/time as strings
    with their ``format``, timedelta as a number of seconds or a string
    such as "30s", pathlib paths as strings, Any as anything). Fields
    without a default are ``required``; defaults are recorded as
    ``default``; unknown keys are refused (``additionalProperties:
    false``), as ``to()`` refuses them by default. A field's
    ``metadata["description"]`` becomes its description. Another
    annotation raises TypeError naming the field.

    A pydantic model's schema is pydantic's own (``model_json_schema()``,
    validation mode), with ``$schema`` added: pydantic knows its
    constraints (``Field(ge=1)``, patterns, aliases, custom types) and
    ``to()`` validates with pydantic's rules, so its schema is the one
    that agrees with ``to()``. It allows unknown keys unless the model
    says ``extra="forbid"``, as pydantic itself does. A pydantic model
    nested in a dataclass or attrs class is written the same way, under
    ``$defs``.

    The schema states the canonical form a file should hold, and is
    stricter than ``to()``'s coercions: ``to()`` also reads "9000" as an
    int, "30s" or 30 as a timedelta and an Enum member's name, where the
    schema asks for a number and for the members' values.

    Secrets are left out unless ``reveal``: a property whose key is a
    secret (see gocfg.secrets) has no ``default`` and says ``writeOnly``
    (JSON Schema's mark for a password), and a default that is a map
    holds no secret keys (pydantic marks its SecretStr so, and masks
    their defaults)."""
    schema = _json_schema(cls)
    if not reveal:
        _hide_secret_defaults(schema)
    return schema


def _json_schema(cls: Any) -> Dict[str, Any]:
    from ._typed import is_pydantic_model, is_target

    if not (isinstance(cls, type) and is_target(cls)):
        raise TypeError(f"json_schema() takes a dataclass, an attrs class or a pydantic model class, not {cls!r}")
    out: Dict[str, Any] = {"$schema": DRAFT_2020_12}
    if is_pydantic_model(cls):
        model: Any = cls
        out.update(model.model_json_schema(ref_template="#/$defs/{model}"))
        return out
    defs: Dict[str, Any] = {}
    root = _class_schema(cls, defs, {})
    out.update(root)
    if defs:
        out["$defs"] = defs
    return out


# Keywords whose values are data, not schemas: the walk below does not
# look for properties in them.
_DATA_KEYWORDS = frozenset({"default", "const", "enum", "examples"})


def _hide_secret_defaults(node: Any) -> None:
    """Drop, in place, the defaults of secret properties and the secret
    keys of map defaults, anywhere in a schema (pydantic's included)."""
    if isinstance(node, list):
        for item in node:
            _hide_secret_defaults(item)
        return
    if not isinstance(node, dict):
        return
    props = node.get("properties")
    if isinstance(props, dict):
        for key, sub in props.items():
            if isinstance(sub, dict) and is_secret_key(str(key)) and "default" in sub:
                del sub["default"]
                sub["writeOnly"] = True
    for key, sub in node.items():
        if key == "default":
            node[key] = _without_secret_keys(sub)
        elif key not in _DATA_KEYWORDS:
            _hide_secret_defaults(sub)


def _without_secret_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_secret_keys(v) for k, v in value.items() if not is_secret_key(str(k))}
    if isinstance(value, list):
        return [_without_secret_keys(v) for v in value]
    return value


# A field as the schema sees it: (key, annotation, default or _NO_DEFAULT,
# required, description).
_SchemaField = Any


def _plain_factory(factory: Any) -> bool:
    """Only factories known to be plain constructors are called: another
    may have effects (open a file, read the clock)."""
    from ._typed import is_target

    return factory in (list, dict, set, tuple, frozenset) or (isinstance(factory, type) and is_target(factory))


def _factory_default(factory: Any) -> Any:
    if not _plain_factory(factory):
        return _NO_DEFAULT
    try:
        return factory()
    except Exception:
        return _NO_DEFAULT  # a class whose fields all need values: no default to show


def _schema_fields(cls: type, hints: Dict[str, Any]) -> List[_SchemaField]:
    out: List[_SchemaField] = []
    if dataclasses.is_dataclass(cls):
        for f in dataclasses.fields(cls):
            if not f.init:
                continue
            default: Any = _NO_DEFAULT
            required = False
            if f.default is not dataclasses.MISSING:
                default = f.default
            elif f.default_factory is not dataclasses.MISSING:
                default = _factory_default(f.default_factory)
            else:
                required = True
            desc = f.metadata.get("description") if f.metadata else None
            out.append((f.name, hints.get(f.name, Any), default, required, desc))
        return out
    attr = sys.modules["attr"]
    for a in attr.fields(cls):
        if not a.init:
            continue
        key = getattr(a, "alias", None) or a.name.lstrip("_")
        default, required = a.default, False
        if default is attr.NOTHING:
            default, required = _NO_DEFAULT, True
        elif isinstance(default, attr.Factory):
            default = _NO_DEFAULT if default.takes_self else _factory_default(default.factory)
        desc = (a.metadata or {}).get("description")
        out.append((key, hints.get(a.name, a.type if a.type is not None else Any), default, required, desc))
    return out


def _class_schema(cls: type, defs: Dict[str, Any], names: Dict[type, str]) -> Dict[str, Any]:
    try:
        hints = type_hints(cls, include_extras=True)
    except Exception as e:
        raise TypeError(f"{cls.__name__}: its annotations cannot be read ({e})") from None
    props: Dict[str, Any] = {}
    required: List[str] = []
    for key, tp, default, needed, desc in _schema_fields(cls, hints):
        try:
            s = _type_schema(tp, defs, names)
        except TypeError as e:
            raise TypeError(f"{cls.__name__}.{key}: {e}") from None
        s = dict(s)
        if default is not _NO_DEFAULT:
            _add_default(s, default)
        if needed:
            required.append(key)
        if isinstance(desc, str):
            s["description"] = desc
        props[key] = s
    out: Dict[str, Any] = {"title": cls.__name__, "type": "object", "properties": props}
    doc = cls.__doc__
    if doc and not doc.startswith(cls.__name__ + "("):  # not the docstring dataclass and attrs write
        out["description"] = " ".join(doc.split())
    if required:
        out["required"] = required
    out["additionalProperties"] = False
    return out


def _add_default(s: Dict[str, Any], value: Any) -> None:
    plain = _plain_default(value)
    if plain is not _NO_DEFAULT:
        s["default"] = plain


_NO_DEFAULT = object()


def _plain_default(v: Any) -> Any:
    """A default as JSON data, or _NO_DEFAULT when it has no JSON form."""
    if isinstance(v, enum.Enum):
        return _plain_default(v.value)
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return v if v == v and v not in (float("inf"), float("-inf")) else _NO_DEFAULT
    if isinstance(v, (_dt.date, _dt.time)):
        return v.isoformat()
    if isinstance(v, _dt.timedelta):
        return v.total_seconds()
    if isinstance(v, pathlib.PurePath):
        return str(v)
    if isinstance(v, (list, tuple, set, frozenset)):
        items = [_plain_default(x) for x in v]
        return _NO_DEFAULT if any(x is _NO_DEFAULT for x in items) else items
    if isinstance(v, Mapping):
        d = {str(k): _plain_default(x) for k, x in v.items()}
        return _NO_DEFAULT if any(x is _NO_DEFAULT for x in d.values()) else d
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return _plain_default(dataclasses.asdict(v))
    attr = sys.modules.get("attr")
    if attr is not None and attr.has(type(v)):
        return _plain_default(attr.asdict(v, recurse=True))
    if _is_pydantic(type(v)):
        return _plain_default(v.model_dump(mode="json", by_alias=True))
    return _NO_DEFAULT


def _is_pydantic(tp: Any) -> bool:
    from ._typed import is_pydantic_model

    return is_pydantic_model(tp)


_SCALARS: Dict[Any, Dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    type(None): {"type": "null"},
    _dt.datetime: {"type": "string", "format": "date-time"},
    _dt.date: {"type": "string", "format": "date"},
    _dt.time: {"type": "string", "format": "time"},
    _dt.timedelta: {"type": ["number", "string"], "description": "seconds, or a duration such as 30s, 1h30m"},
    pathlib.Path: {"type": "string"},
    pathlib.PurePath: {"type": "string"},
}


def _type_schema(tp: Any, defs: Dict[str, Any], names: Dict[type, str]) -> Dict[str, Any]:
    if tp is Any or tp is object:
        return {}
    if tp in _SCALARS:
        return dict(_SCALARS[tp])
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return _type_schema(args[0], defs, names)
    if origin is Union or (sys.version_info >= (3, 10) and origin is _union_type()):
        alts = [_type_schema(a, defs, names) for a in args]
        return {"anyOf": alts}
    if origin is typing.Literal:
        values = [a.value if isinstance(a, enum.Enum) else a for a in args]
        return {"const": values[0]} if len(values) == 1 else {"enum": values}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [m.value for m in tp], "title": tp.__name__}
    if _is_pydantic(tp):
        return _pydantic_ref(tp, defs, names)
    if isinstance(tp, type) and _is_record(tp):
        name = names.get(tp)
        if name is None:
            name = tp.__name__
            taken = {n for n in names.values()}
            i = 2
            while name in taken:
                name, i = f"{tp.__name__}{i}", i + 1
            names[tp] = name
            defs[name] = {}  # reserved first: a class that refers to itself
            defs[name] = _class_schema(tp, defs, names)
        return {"$ref": f"#/$defs/{name}"}
    sequence = origin in (list, set, frozenset) or tp in (list, set, frozenset)
    if sequence or _is_abc(origin, "Sequence", "MutableSequence", "Set", "MutableSet"):
        s: Dict[str, Any] = {"type": "array"}
        if args:
            s["items"] = _type_schema(args[0], defs, names)
        if origin in (set, frozenset) or tp in (set, frozenset) or _is_abc(origin, "Set", "MutableSet"):
            s["uniqueItems"] = True
        return s
    if origin is tuple or tp is tuple:
        if not args:
            return {"type": "array"}
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _type_schema(args[0], defs, names)}
        items = [_type_schema(a, defs, names) for a in args]
        return {"type": "array", "prefixItems": items, "items": False, "minItems": len(items)}
    if origin is dict or tp is dict or _is_abc(origin, "Mapping", "MutableMapping"):
        s = {"type": "object"}
        if args:
            if args[0] not in (str, Any):
                raise TypeError(f"dict keys must be str for a JSON object, not {args[0]!r}")
            s["additionalProperties"] = _type_schema(args[1], defs, names)
        return s
    if isinstance(tp, type) and issubclass(tp, (str, int, float)) and not issubclass(tp, bool):
        for base in (str, int, float):
            if issubclass(tp, base):
                return dict(_SCALARS[base])
    raise TypeError(f"no JSON Schema for the annotation {tp!r}")


def _is_record(tp: type) -> bool:
    """A dataclass or an attrs class: a schema of its own under $defs."""
    attr = sys.modules.get("attr")
    return dataclasses.is_dataclass(tp) or (attr is not None and bool(attr.has(tp)))


def _pydantic_ref(tp: Any, defs: Dict[str, Any], names: Dict[type, str]) -> Dict[str, Any]:
    """A pydantic model inside a dataclass or attrs class: pydantic's
    schema of it under $defs, its own $defs merged in (pydantic names them
    by class name, as this module does)."""
    name = names.get(tp)
    if name is None:
        s = dict(tp.model_json_schema(ref_template="#/$defs/{model}"))
        for k, v in s.pop("$defs", {}).items():
            if k in defs and defs[k] != v:
                raise TypeError(f"two classes called {k} in one schema: rename one")
            defs[k] = v
        name = tp.__name__
        if name in defs and defs[name] != s:
            raise TypeError(f"two classes called {name} in one schema: rename one")
        names[tp] = name
        defs[name] = s
    return {"$ref": f"#/$defs/{name}"}


def _union_type() -> Any:
    import types
    return getattr(types, "UnionType", None)


def _is_abc(origin: Any, *names: str) -> bool:
    import collections.abc as abc
    return any(origin is getattr(abc, n) for n in names)


def load_class(spec: str) -> Any:
    """``module:Class`` (or ``module:Outer.Inner``) imported, for the CLI."""
    import importlib
    mod, colon, qual = spec.partition(":")
    if not colon or not mod or not qual:
        raise ValueError(f"expected module:Class, got {spec!r}")
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # as `python -m` does: the current directory's modules
    obj: Any = importlib.import_module(mod)
    for part in qual.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ValueError(f"{mod} has no {qual}") from None
    return obj

