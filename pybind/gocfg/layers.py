"""Layered configuration: gocfg.load(), sources, origins and diffs.

    cfg = gocfg.load("app.yaml", "app.local.toml?",
                     defaults={"server": {"port": 8080}},
                     env_prefix="APP", overrides=["debug=true"])

Precedence is explicit: ``defaults`` < the sources, in the order given <
the environment < ``overrides``. The merge and the provenance live in Go
(gocore/layer); this module only describes the layers to the library.
"""
from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Mapping
from typing import Any, Dict, Iterable, Iterator, List, NamedTuple, Optional, Sequence, Tuple, Union

from . import _native
from ._errors_map import new_err_cell, raise_error
from ._values import encode_value
from .errors import InvalidArgumentError

_lib: Any
_ffi: Any
_NULL: Any
_native.bind(globals())

# gocfg.h: enum gocfg_origin_kind, enum gocfg_layer_flags.
KINDS = ("none", "defaults", "file", "text", "dict", "env", "override", "set")
KIND_DEFAULTS, KIND_FILE, KIND_TEXT, KIND_DICT = 1, 2, 3, 4
LAYER_INTERPOLATE, LAYER_RAW_STRINGS, LAYER_APPEND_LISTS, LAYER_OPTIONAL = 1, 2, 4, 8


@dataclasses.dataclass(frozen=True)
class Origin:
    """Where a value came from.

    ``kind`` is one of "defaults", "file", "text", "dict", "env",
    "override", "set" (a later ``cfg[k] = v``, ``update()`` or ``del``);
    ``name`` the file name, environment variable, override item or label;
    ``line`` and ``column`` (1-based) locate it in its document when the
    format tracks positions; ``layer`` is the layer's number in its config
    (later layers win). ``str(origin)`` reads "app.yaml:12:3",
    "env APP_SERVER__PORT", "override server.port=9000", "defaults".
    """

    kind: str
    name: str = ""
    line: Optional[int] = None
    column: Optional[int] = None
    layer: int = 0

    def __str__(self) -> str:
        if self.kind in ("file", "text"):
            return f"{self.name}:{self.line}:{self.column}" if self.line else self.name
        if self.kind in ("env", "override"):
            return f"{self.kind} {self.name}"
        if self.name and self.name != self.kind:
            return f"{self.kind} {self.name}"
        return self.kind


def make_origin(kind: int, name: str, line: int, column: int, layer: int) -> Optional[Origin]:
    if kind == 0:
        return None
    return Origin(KINDS[kind] if 0 <= kind < len(KINDS) else f"kind{kind}", name, line or None, column or None, layer)


class Leaf(NamedTuple):
    """One row of ``Config.explain()``: a leaf, its value (references
    resolved) and the origin of the value in force. ``error`` says why a
    reference could not be resolved (``value`` is then the stored text)."""

    path: str
    value: Any
    origin: Optional[Origin]
    error: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class File:
    """A file source. ``optional=True`` (or a path ending in "?") skips a
    file that does not exist; a missing required file raises
    ``gocfg.MissingFileError`` (a FileNotFoundError)."""

    path: Union[str, "os.PathLike[str]"]
    format: Optional[str] = None
    optional: bool = False


@dataclasses.dataclass(frozen=True)
class Text:
    """A document held in a string, in a format (required). ``name`` labels
    it in origins and error messages (default "<text>")."""

    text: str
    format: str
    name: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class Change:
    """One difference: ``op`` is "added", "removed" or "changed"."""

    op: str
    path: str
    old: Any = None
    new: Any = None


class Diff:
    """The differences from one config to another (``a.diff(b)``).

    ``added`` maps each new path to its value, ``removed`` each vanished
    path to its old value, ``changed`` each changed path to ``(old, new)``.
    Maps are compared down to their leaves; lists and scalars whole.
    Iterating gives :class:`Change` records in tree order; a Diff is false
    when the configs are equal. ``str(diff)`` is a readable listing with
    secrets masked.
    """

    def __init__(self, changes: Sequence[Change]) -> None:
        self.changes: List[Change] = list(changes)
        self.added: Dict[str, Any] = {c.path: c.new for c in self.changes if c.op == "added"}
        self.removed: Dict[str, Any] = {c.path: c.old for c in self.changes if c.op == "removed"}
        self.changed: Dict[str, Tuple[Any, Any]] = {c.path: (c.old, c.new) for c in self.changes if c.op == "changed"}

    def __iter__(self) -> Iterator[Change]:
        return iter(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Diff):
            return self.changes == other.changes
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def lines(self, reveal: bool = False) -> List[str]:
        from .display import MASK, is_secret, json_text, mask, split_path

        out = []
        for c in self.changes:
            segs = split_path(c.path)
            secret = not reveal and is_secret(segs)

            def show(v: Any) -> str:
                return MASK if secret else json_text(mask(v, segs, reveal))

            if c.op == "added":
                out.append(f"+ {c.path}: {show(c.new)}")
            elif c.op == "removed":
                out.append(f"- {c.path}: {show(c.old)}")
            else:
                out.append(f"~ {c.path}: {show(c.old)} -> {show(c.new)}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines()) if self.changes else "(no differences)"

    def __repr__(self) -> str:
        return (f"<gocfg.Diff {len(self.added)} added, {len(self.removed)} removed, "
                f"{len(self.changed)} changed>")

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


# --------------------------------------------------------------- loading

def _environ_bytes(environ: Optional[Mapping]) -> bytes:
    """The environment as the library takes it: NAME=value entries, each
    followed by NUL. Entries that are not valid UTF-8 are left out (by the
    library, for os.environ)."""
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
        try:
            parts.append(f"{k}={v}".encode("utf-8"))
        except UnicodeEncodeError:
            continue
    return b"\0".join(parts) + b"\0" if parts else b""


def _check(cfg: Any, rc: int, err: Any) -> int:
    if rc < 0:
        raise_error(rc, err)
    return rc


class _Nothing:
    """A result with the close() that _native.call_interruptible expects."""

    def close(self) -> None:
        pass


_MERGED, _SKIPPED = _Nothing(), _Nothing()


def _load_file(cfg: Any, path: Any, fmt: Optional[str], optional: bool, flags: int) -> bool:
    from .config import _format_arg, _text_arg

    name = _text_arg(path, "file name")
    f = _format_arg(fmt)
    try:
        st = os.stat(name)
        big = not stat.S_ISREG(st.st_mode) or st.st_size > _native.INTERRUPTIBLE_SIZE
    except OSError:
        big = False
    if optional:
        flags |= LAYER_OPTIONAL
    h = cfg._h

    def call(cancel: Any) -> Tuple[int, Any]:
        err = new_err_cell()
        rc = _lib.gocfg_config_load_layer(h, name, len(name), f, len(f), flags, cancel, err)
        return (rc, err) if rc < 0 else (0, _MERGED if rc else _SKIPPED)

    rc, result = _native.call_interruptible(call, big)
    if rc != 0:
        raise_error(rc, result)
    return result is _MERGED


def _load_text(cfg: Any, text: Any, fmt: str, name: Optional[str], flags: int) -> None:
    from .config import _format_arg, _text_arg

    if fmt is None:
        raise TypeError("a Text source needs a format")
    data = _text_arg(text, "text")
    f = _format_arg(fmt)
    label = _text_arg(name or "<text>", "name")
    h = cfg._h

    def call(cancel: Any) -> Tuple[int, Any]:
        err = new_err_cell()
        rc = _lib.gocfg_config_loads_layer(h, data, len(data), f, len(f), label, len(label), flags, cancel, err)
        return (rc, err) if rc < 0 else (0, _Nothing())

    rc, result = _native.call_interruptible(call, len(data) > _native.INTERRUPTIBLE_SIZE)
    if rc != 0:
        raise_error(rc, result)


def _merge_mapping(cfg: Any, mapping: Any, kind: int, name: str, flags: int) -> None:
    from .config import Section

    if isinstance(mapping, Section):
        mapping = mapping.to_dict()
    data = encode_value(mapping, "")
    label = name.encode("utf-8")
    err = new_err_cell()
    _check(cfg, _lib.gocfg_config_merge_layer(cfg._h, data, len(data), kind, label, len(label), flags, err), err)


def _override_items(overrides: Any) -> List[str]:
    if isinstance(overrides, str):
        return [overrides]
    items = []
    for item in overrides:
        if not isinstance(item, str):
            raise TypeError(f"overrides are 'path=value' strings, not {type(item).__name__} ({item!r})")
        if "\0" in item:
            raise InvalidArgumentError(f"override {item!r} contains a NUL character")
        items.append(item)
    return items


def add_layer(cfg: Any, source: Any, *, lists: str = "replace", name: Optional[str] = None) -> bool:
    """Merge one source into a layered config (see load()). Returns False
    when an optional file was missing and skipped."""
    from .config import Section

    flags = _list_flags(lists)
    if isinstance(source, File):
        return _load_file(cfg, source.path, source.format, source.optional, flags)
    if isinstance(source, Text):
        _load_text(cfg, source.text, source.format, source.name, flags)
        return True
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        optional = isinstance(path, str) and path.endswith("?")
        if optional:
            path = path[:-1]
        return _load_file(cfg, path, None, optional, flags)
    if isinstance(source, (Mapping, Section)):
        label = name or ("config" if isinstance(source, Section) else "dict")
        _merge_mapping(cfg, source, KIND_DICT, label, flags)
        return True
    raise TypeError(f"a source is a path, gocfg.File, gocfg.Text, a mapping or a Config, "
                    f"not {type(source).__name__}")


def _list_flags(lists: str) -> int:
    if lists == "replace":
        return 0
    if lists == "append":
        return LAYER_APPEND_LISTS
    raise ValueError(f"lists must be 'replace' or 'append', not {lists!r}")


def load(*sources: Any, defaults: Optional[Mapping] = None, env_prefix: Optional[str] = None,
         env_delimiter: str = "__", env_parse: bool = True, overrides: Optional[Iterable[str]] = None,
         overrides_parse: bool = True, lists: str = "replace", interpolate: bool = True,
         environ: Optional[Mapping] = None, freeze: bool = False) -> Any:
    """Build a Config from layers, each merged over the ones before it:

    1. ``defaults`` (a mapping),
    2. each source in the order given: a path (``"app.yaml"``; a trailing
       ``"?"`` makes it optional: skipped when missing), a
       :class:`gocfg.File` (``optional=``, ``format=``), a
       :class:`gocfg.Text` (a document in a string, with its format), a
       mapping or another Config,
    3. the environment, when ``env_prefix`` is given: ``APP_SERVER__PORT=9000``
       sets ``server.port`` to the int 9000 (see README, "Layered
       configuration", for the naming and case rules); ``env_parse=False``
       keeps the values strings,
    4. ``overrides``: ``"path=value"`` strings (``["server.port=9000",
       "debug=true"]``), typed the same way unless ``overrides_parse=False``.

    Maps merge deeply; lists replace lists unless ``lists="append"``.
    ``${path}`` and ``${env:NAME,default}`` references in strings resolve
    on read (``interpolate=False`` turns that off). ``environ`` replaces
    ``os.environ`` as the environment read (a snapshot is taken now).
    ``freeze=True`` returns the Config frozen.

    Every value remembers where it came from: ``cfg.origin(path)``,
    ``cfg.history(path)``. A missing required file raises
    ``gocfg.MissingFileError`` (a FileNotFoundError); a file that does not
    parse ``gocfg.ParseError`` with file, line and column.
    """
    from .config import Config

    flags_all = _list_flags(lists)
    _native.load()
    env = _environ_bytes(environ)
    flags = (LAYER_INTERPOLATE if interpolate else 0) | (0 if env_parse else LAYER_RAW_STRINGS)
    out = _ffi.new("gocfg_config **")
    err = new_err_cell()
    rc = _lib.gocfg_config_layered_new(flags, env, len(env), out, err)
    if rc != 0:
        raise_error(rc, err)
    cfg = Config._adopt(out)
    try:
        if defaults is not None:
            if not isinstance(defaults, Mapping):
                raise TypeError(f"defaults must be a mapping, not {type(defaults).__name__}")
            _merge_mapping(cfg, defaults, KIND_DEFAULTS, "defaults", flags_all)
        for source in sources:
            add_layer(cfg, source, lists=lists)
        if env_prefix is not None:
            if not isinstance(env_prefix, str) or not env_prefix:
                raise ValueError("env_prefix must be a non-empty string such as 'APP' "
                                 "(an empty prefix would take every variable, PATH and HOME too)")
            p = env_prefix.encode("utf-8")
            d = env_delimiter.encode("utf-8")
            err = new_err_cell()
            _check(cfg, _lib.gocfg_config_env_layer(cfg._h, p, len(p), d, len(d), 0, err), err)
        if overrides is not None:
            items = _override_items(overrides)
            if items:
                try:
                    data = b"".join(i.encode("utf-8", "strict") + b"\0" for i in items)
                except UnicodeEncodeError as e:
                    raise InvalidArgumentError(f"an override cannot be encoded as UTF-8: {e}") from None
                err = new_err_cell()
                _check(cfg, _lib.gocfg_config_override_layer(
                    cfg._h, data, len(data), 0 if overrides_parse else LAYER_RAW_STRINGS, err), err)
        if freeze:
            cfg.freeze()
    except BaseException:
        cfg.close()
        raise
    return cfg
