"""Command-line flags generated from a settings class: a dataclass, an
attrs class or a pydantic model (the classes ``cfg.to()`` builds).

    @dataclass
    class Server:
        port: int = 8080
        debug: bool = False

    @dataclass
    class Settings:
        server: Server = field(default_factory=Server)
        name: str = "svc"

    cfg = gocfg.load("app.yaml", env_prefix="APP", flags=Settings)   # parses sys.argv[1:]
    # python app.py --server.port 9000 --server.debug --name api

One flag per leaf field, named by its dot path (``--server.port``); a bool
is ``--server.debug`` / ``--no-server.debug``; Enum and Literal fields take
their choices; list, tuple, set and dict fields take a YAML flow value
(``--hosts '[a, b]'``, ``--labels '{team: core}'``); everything else takes
the text that ``cfg.to(Settings)`` converts (dates, durations, paths).
Only the flags given on the command line become a layer: a field's
default stays below the files and the environment. ``--help`` lists every
flag with its type, default and description (a dataclass field's or an
attrs attribute's ``metadata["description"]``, a pydantic
``Field(description=...)``); the default of a secret (by its key, or a
pydantic SecretStr/SecretBytes field) is masked. A pydantic field with an
alias is named by its alias, which is the key ``to()`` reads.

With a parser of your own: ``gocfg.add_flags(parser, Settings)``, parse,
then ``gocfg.load(..., flags=namespace)``; your own arguments are left
alone.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import enum
import sys
import typing
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ._compat import type_hints
from .secrets import MASK, is_secret

# The dest of every flag gocfg adds starts with this, so that the flags of a
# namespace are told from the parser's other arguments.
_DEST = "gocfg\0"
_UNSET = object()


def _hints(cls: Any) -> Dict[str, Any]:
    try:
        return type_hints(cls)
    except Exception as e:  # a forward reference that does not resolve
        raise TypeError(f"cannot read the annotations of {cls.__name__}: {e}") from None


def _strip_optional(tp: Any) -> Tuple[Any, bool]:
    if typing.get_origin(tp) is typing.Union or type(tp).__name__ == "UnionType":
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return tp, False


def _type_name(tp: Any) -> str:
    if isinstance(tp, type) and not typing.get_args(tp):
        return tp.__name__
    return str(tp).replace("typing.", "")


def _flow(text: str) -> Any:
    """A YAML flow value (JSON too) for a list or dict field."""
    from .documents import reads

    try:
        return reads(text, "yaml")
    except Exception as e:
        raise argparse.ArgumentTypeError(f"expected a YAML flow value such as [a, b] or {{k: v}}: {e}") from None


def _flow_of(kind: type, name: str) -> Any:
    def parse(text: str) -> Any:
        v = _flow(text)
        if kind is dict and not isinstance(v, dict):
            raise argparse.ArgumentTypeError(f"expected a map such as {{k: v}}, got {text!r}")
        if kind is list and not isinstance(v, list):
            raise argparse.ArgumentTypeError(f"expected a list such as [a, b], got {text!r}")
        return v
    parse.__name__ = name
    return parse


def _int(text: str) -> int:
    try:
        return int(text.strip(), 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid float value: {text!r}") from None


def _flag_type(convert: Callable[[str], Any], secret: bool) -> Callable[[str], Any]:
    """convert, for the text of one flag. Text that is not UTF-8 is
    refused (a command line of bytes in another encoding reaches Python
    with lone surrogates, which a config cannot hold), and the refusal of
    a secret flag's value quotes no value."""
    def parse(text: str) -> Any:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise argparse.ArgumentTypeError("not UTF-8 text (the command line holds bytes of another "
                                             "encoding)") from None
        if not secret:
            return convert(text)
        try:
            return convert(text)
        except (argparse.ArgumentTypeError, TypeError, ValueError):
            raise argparse.ArgumentTypeError(f"invalid {parse.__name__} value (not shown: a secret)") from None
    parse.__name__ = getattr(convert, "__name__", "text").lstrip("_")
    return parse


def _text(text: str) -> str:
    return text


def _one_of(convert: Callable[[str], Any], choices: Sequence[Any]) -> Callable[[str], Any]:
    """convert, then the check that argparse's choices= makes."""
    def choice(text: str) -> Any:
        value = convert(text)
        if value not in choices:
            raise argparse.ArgumentTypeError("invalid choice")
        return value
    return choice


def _default_text(path: str, default: Any, secret: bool = False) -> str:
    if default is _UNSET:
        return "no default"
    if secret or is_secret(path):
        return f"default {MASK}"
    if isinstance(default, enum.Enum):
        default = default.value
    if dataclasses.is_dataclass(default) or _is_settings_class(type(default)):
        return "default: see its fields"
    return f"default {default!r}"


def _field_default(f: "dataclasses.Field[Any]") -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        try:
            return f.default_factory()
        except Exception:
            return _UNSET
    return _UNSET


# A field as flags see it: (config key, declared type, default or _UNSET,
# description, whether its type marks it a secret).
_Field = Tuple[str, Any, Any, str, bool]


def _secret_type(tp: Any) -> bool:
    """pydantic's SecretStr and SecretBytes: secrets whatever the key."""
    pydantic = sys.modules.get("pydantic")
    if pydantic is None or not isinstance(tp, type):
        return False
    kinds = tuple(c for c in (getattr(pydantic, "SecretStr", None), getattr(pydantic, "SecretBytes", None))
                  if isinstance(c, type))
    return bool(kinds) and issubclass(tp, kinds)


def _dataclass_fields(cls: Any) -> List[_Field]:
    hints = _hints(cls)
    return [(f.name, hints.get(f.name, Any), _field_default(f), str(f.metadata.get("description", "")), False)
            for f in dataclasses.fields(cls) if f.init]


def _attrs_fields(cls: Any) -> List[_Field]:
    attr = sys.modules["attr"]
    hints = _hints(cls)
    out: List[_Field] = []
    for a in attr.fields(cls):
        if not a.init:
            continue
        # The config key is the init argument, as to() reads it (attrs
        # strips a leading underscore: ``_x`` is set by ``x=``).
        key = getattr(a, "alias", None) or a.name.lstrip("_")
        default = a.default
        if default is attr.NOTHING:
            default = _UNSET
        elif isinstance(default, attr.Factory):
            try:
                default = _UNSET if default.takes_self else default.factory()
            except Exception:
                default = _UNSET
        tp = hints.get(a.name, a.type if a.type is not None else Any)
        out.append((key, tp, default, str((a.metadata or {}).get("description", "")), False))
    return out


def _pydantic_fields(cls: Any) -> List[_Field]:
    out: List[_Field] = []
    for name, info in cls.model_fields.items():
        # model_validate() reads a field by its validation alias (which
        # alias= sets too) when it has one; AliasPath/AliasChoices are
        # left to the field's name.
        key = name
        for alias in (info.validation_alias, info.alias):
            if isinstance(alias, str) and alias:
                key = alias
                break
        if info.is_required():
            default = _UNSET
        elif info.default_factory is not None:
            try:
                default = info.default_factory()
            except Exception:  # a factory that wants the validated data, or fails
                default = _UNSET
        else:
            default = info.default
        tp = info.annotation if info.annotation is not None else Any
        inner, _ = _strip_optional(tp)
        out.append((key, tp, default, info.description or "", _secret_type(inner)))
    return out


def _is_settings_class(tp: Any) -> bool:
    """A class whose fields become flags: a dataclass, an attrs class or a
    pydantic model (the classes cfg.to() builds)."""
    from ._typed import is_target

    return isinstance(tp, type) and is_target(tp)


def _fields_of(cls: Any) -> List[_Field]:
    from ._typed import is_pydantic_model

    if dataclasses.is_dataclass(cls):
        return _dataclass_fields(cls)
    if is_pydantic_model(cls):
        return _pydantic_fields(cls)
    return _attrs_fields(cls)


def _leaves(cls: Any, prefix: Tuple[str, ...], seen: Tuple[Any, ...]) -> List[Tuple[Tuple[str, ...], Any, Any, str, bool]]:
    """(path, type, default, description, secret type) for every leaf field."""
    if cls in seen:
        raise TypeError(f"{cls.__name__} contains itself: flags need a finite tree of fields")
    out = []
    for key, tp, default, description, secret in _fields_of(cls):
        if not key or "." in key or key.startswith("-") or any(c.isspace() for c in key):
            # A flag is named by the dot path of its keys: such a key would
            # make a flag that means another path, or none.
            raise TypeError(f"{cls.__name__}: the key {key!r} cannot be a flag name "
                            f"(no '.', no spaces, not empty, not starting with '-')")
        inner, _ = _strip_optional(tp)
        path = (*prefix, key)
        if _is_settings_class(inner):
            out.extend(_leaves(inner, path, (*seen, cls)))
            continue
        out.append((path, tp, default, description, secret))
    return out


def add_flags(parser: argparse.ArgumentParser, cls: Any, *, group: Optional[str] = "settings") -> argparse.ArgumentParser:
    """Add one flag per leaf field of ``cls`` -- a dataclass, an attrs
    class or a pydantic model, the classes ``cfg.to()`` builds (nested
    ones give dot paths: ``--server.port``) -- to ``parser``, in an
    argument group titled ``group`` (None: no group). Flags that are not
    given leave nothing in the namespace, so defaults, files and the
    environment stay in force; pass the namespace to ``gocfg.load(...,
    flags=namespace)`` or ``gocfg.flag_values(namespace)``. Returns the
    parser."""
    if not _is_settings_class(cls):
        raise TypeError(f"add_flags() takes a dataclass, an attrs class or a pydantic model class, not {cls!r}")
    target: Any = parser.add_argument_group(group) if group else parser
    for path, tp, default, description, secret in _leaves(cls, (), ()):
        dotted = ".".join(path)
        flag = f"--{dotted}"
        inner, _ = _strip_optional(tp)
        origin = typing.get_origin(inner)
        kwargs: Dict[str, Any] = {"dest": _DEST + dotted, "default": argparse.SUPPRESS}
        shown = _type_name(tp)
        if inner is bool:
            kwargs["action"] = argparse.BooleanOptionalAction
        elif isinstance(inner, type) and issubclass(inner, enum.Enum):
            kwargs["choices"] = [m.value if isinstance(m.value, str) else m.name for m in inner]
            kwargs["metavar"] = "{" + ",".join(str(c) for c in kwargs["choices"]) + "}"
            kwargs["type"] = str
        elif origin is typing.Literal:
            kwargs["choices"] = list(typing.get_args(inner))
            kinds = {type(c) for c in kwargs["choices"]}
            if len(kinds) == 1 and kinds <= {int, str}:
                kwargs["type"] = _int if kinds == {int} else str
        elif inner is int:
            kwargs["type"] = _int
            kwargs["metavar"] = "INT"
        elif inner is float:
            kwargs["type"] = _float
            kwargs["metavar"] = "FLOAT"
        elif inner in (list, tuple, set, frozenset) or origin in (list, tuple, set, frozenset):
            kwargs["type"] = _flow_of(list, "list")
            kwargs["metavar"] = "LIST"
        elif inner is dict or origin is dict:
            kwargs["type"] = _flow_of(dict, "map")
            kwargs["metavar"] = "MAP"
        else:
            # str, Path, dates, durations, Any: the text, which to() converts.
            kwargs["type"] = str
            kwargs["metavar"] = _type_name(inner).upper() if inner in (_dt.datetime, _dt.date, _dt.time,
                                                                        _dt.timedelta) else "TEXT"
        if (secret or is_secret(dotted)) and "choices" in kwargs:
            # argparse's "invalid choice: 'x'" quotes the value: a secret's
            # choice is checked by its type, whose refusal quotes nothing.
            choices = kwargs.pop("choices")
            kwargs.setdefault("metavar", "{" + ",".join(map(str, choices)) + "}")
            kwargs["type"] = _one_of(kwargs.get("type", _text), choices)
        if "type" in kwargs:
            kwargs["type"] = _flag_type(kwargs["type"], secret or is_secret(dotted))
        help_text = f"{shown}, {_default_text(dotted, default, secret)}"
        if description:
            help_text = f"{description} ({help_text})"
        kwargs["help"] = help_text.replace("%", "%%")
        target.add_argument(flag, **kwargs)
    return parser


def flag_values(namespace: argparse.Namespace) -> List[Tuple[str, Any]]:
    """The gocfg flags given in a namespace, as (dot path, value) pairs in
    the order of the parser's definitions."""
    out = []
    for dest, value in vars(namespace).items():
        if isinstance(dest, str) and dest.startswith(_DEST):
            out.append((dest[len(_DEST):], value))
    return out


def parse_flags(cls: Any, argv: Optional[Sequence[str]] = None, *, prog: Optional[str] = None,
                description: Optional[str] = None) -> argparse.Namespace:
    """A parser of ``cls``'s flags alone, run over ``argv`` (default:
    ``sys.argv[1:]``, or none in a Jupyter kernel, whose ``sys.argv`` is the
    kernel's own ``-f kernel.json``). ``--help`` prints every flag and
    exits; a bad value exits with status 2 and argparse's message naming
    the flag, as any argparse program does."""
    doc = (cls.__doc__ or "").strip()
    if doc.startswith(cls.__name__ + "("):
        doc = ""  # the signature dataclasses writes when the class has no docstring
    parser = argparse.ArgumentParser(prog=prog, description=description or doc or None)
    add_flags(parser, cls, group=None)
    namespace, extras = parser.parse_known_args(default_argv() if argv is None else list(argv))
    if extras:
        # argparse's own refusal quotes them all: the value of a misspelt
        # secret flag (--api-token s3cr3t, for --api_token) too.
        parser.error("unrecognized arguments: " + " ".join(_masked_extras(extras)))
    return namespace


def default_argv() -> List[str]:
    """The flags a program was given: ``sys.argv[1:]``, except in a
    Jupyter kernel (ipykernel), where those are the kernel's own
    arguments (``-f /path/kernel-....json``): a notebook's code was given
    none, and parsing them ended the cell with SystemExit 2."""
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    try:
        shell = get_ipython() if callable(get_ipython) else None
    except Exception:
        shell = None
    if shell is not None and getattr(shell, "kernel", None) is not None:
        return []
    return sys.argv[1:]


def _masked_extras(extras: Sequence[str]) -> List[str]:
    """The arguments argparse did not take, the values given to an option
    named like a secret masked (``--db.password=x``, ``--db.password x``)."""
    out = []
    after_secret = False
    for item in extras:
        if item.startswith("-"):
            name, eq, _ = item.lstrip("-").partition("=")
            secret = is_secret(name)
            out.append(item[:item.index("=")] + "=" + MASK if eq and secret else item)
            after_secret = secret and not eq
        else:
            out.append(MASK if after_secret else item)
            after_secret = False
    return out


def flags_arg(flags: Any, argv: Optional[Sequence[str]]) -> List[Tuple[str, Any]]:
    """What gocfg.load(flags=..., argv=...) applies: a settings class is
    parsed from argv here; a namespace was parsed already."""
    if isinstance(flags, argparse.Namespace):
        if argv is not None:
            raise TypeError("argv= goes with flags=<a settings class>: a namespace was parsed already")
        return flag_values(flags)
    if _is_settings_class(flags):
        return flag_values(parse_flags(flags, argv))
    raise TypeError(f"flags must be a dataclass, an attrs class, a pydantic model class or an argparse.Namespace "
                    f"from a parser given gocfg.add_flags(), not {type(flags).__name__}")
