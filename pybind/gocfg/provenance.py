"""What gocfg reports about values: where each came from, and differences.

Plain data, made from what the library reports: :class:`Origin` (where a
value came from), :class:`Leaf` (a row of ``Config.explain()``),
:class:`Change` and :class:`Diff` (``a.diff(b)``).
"""
from __future__ import annotations

import dataclasses
from typing import AbstractSet, Any, ClassVar, Dict, FrozenSet, Iterator, List, NamedTuple, Optional, Sequence, Tuple

from . import _capi
from ._text import printable as _message_text
from ._values import split_path
from .display import json_text, printable, value_repr
from .secrets import INTERPOLATED_SECRET, MASK, is_secret, mask


@dataclasses.dataclass(frozen=True)
class Origin:
    """Where a value came from.

    ``kind`` is one of "defaults", "file", "text", "dict", "env",
    "override", "set" (a later ``cfg[k] = v``, ``update()`` or ``del``),
    "stored" (a config stored in a Database, ``gocfg.Stored``),
    "secret" (a file of ``secrets_dir``, or, in a copy of a Section, a
    value that interpolated a secret: its value is shown masked),
    "flag" (a command-line flag, ``flags=``);
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
        # What a person reads: a file's or source's name as messages write
        # it (its terminal and bidi controls as escapes); ``name`` is exact.
        return _message_text(self._text())

    def _text(self) -> str:
        if self.kind in ("file", "text"):
            return f"{self.name}:{self.line}:{self.column}" if self.line else self.name
        if self.kind in ("env", "override"):
            return f"{self.kind} {self.name}"
        if self.kind == "secret":
            if self.name == INTERPOLATED_SECRET:
                return "a value that interpolated a secret (copied from a Section)"
            return f"secret file {self.name}"
        if self.kind == "flag":
            return f"command line {self.name}"
        if self.name and self.name != self.kind:
            return f"{self.kind} {self.name}"
        return self.kind


def make_origin(kind: int, name: str, line: int, column: int, layer: int) -> Optional[Origin]:
    """An Origin from the library's report (kind a gocfg_origin_kind), or
    None for GOCFG_ORIGIN_NONE: the config records no provenance."""
    kinds = _capi.consts().origin_kinds
    what = kinds.get(kind, f"kind{kind}")
    if what == "none":
        return None
    if what == "override":
        # "path=value": the library masks a secret's value by its default
        # rule; this masks it by the rule in force (set_secret_pattern).
        # Like the library, the path ends at the first "=".
        path, eq, _ = name.partition("=")
        if eq and is_secret(path.strip()):
            name = f"{path}={MASK}"
    return Origin(what, name, line or None, column or None, layer)


class Leaf(NamedTuple):
    """One row of ``Config.explain()``: a leaf, its value (references
    resolved) and the origin of the value in force. ``error`` says why a
    reference could not be resolved (``value`` is then the stored text)."""

    path: str
    value: Any
    origin: Optional[Origin]
    error: Optional[str] = None

    def __repr__(self) -> str:
        # ``value`` is the real value (this is data); what a person sees of
        # it is masked when it is a secret, as everywhere else: by its key,
        # its origin (a secrets directory's file), or because it
        # interpolates a secret (the paths Config.explain() attached).
        shown = _shown(self.path, self.value, (self.origin,), getattr(self, "_hidden", _NO_PATHS))
        # value_repr: repr() recursed once per level of a value nested as
        # deep as the library allows, past the limit under IPython's printer.
        return (f"Leaf(path={self.path!r}, value={value_repr(shown)}, origin={self.origin!r}, "
                f"error={self.error!r})")


class _HidingLeaf(Leaf):
    """A Leaf that knows which paths at or under it Config.explain() found
    to hold values that interpolate a secret (Config._hidden): its repr
    masks them. A Leaf is a named tuple, with no room for more fields;
    equal to, and unpacked as, a Leaf."""

    _hidden: FrozenSet[Tuple[str, ...]]


def hiding_leaf(leaf: Leaf, hidden: AbstractSet[Tuple[str, ...]]) -> Leaf:
    """leaf, made to mask in its repr the paths of hidden at or under it."""
    mine = _under(leaf.path, hidden)
    if not mine:
        return leaf
    out = _HidingLeaf(*leaf)
    out._hidden = mine
    return out


_NO_PATHS: FrozenSet[Tuple[str, ...]] = frozenset()


def _under(path: str, hidden: AbstractSet[Tuple[str, ...]]) -> FrozenSet[Tuple[str, ...]]:
    """The paths of hidden that lie at, under or above path (a value under
    a hidden path is masked whole)."""
    if not hidden:
        return _NO_PATHS
    segs = tuple(split_path(path))
    n = len(segs)
    return frozenset(h for h in hidden if h[:n] == segs or segs[:len(h)] == h)


def _shown(path: str, value: Any, origins: Sequence[Optional[Origin]], hidden: AbstractSet[Tuple[str, ...]]) -> Any:
    """What a repr shows of the value at path: masked as show() and
    repr(cfg) mask it (gocfg.secrets.mask: secret keys and the paths of
    hidden), and whole when it came from a secrets directory."""
    if any(o is not None and o.kind == "secret" for o in origins):
        return MASK
    return mask(value, split_path(path), False, hidden)


@dataclasses.dataclass(frozen=True)
class Change:
    """One difference: ``op`` is "added", "removed" or "changed".
    ``old_origin`` and ``new_origin`` say where each side came from, when
    known (a watched config's changes carry them; ``a.diff(b)`` does not)."""

    op: str
    path: str
    old: Any = None
    new: Any = None
    old_origin: Optional[Origin] = None
    new_origin: Optional[Origin] = None
    # The paths at or under this one whose values interpolate a secret (or
    # came from a secrets directory), as the Diff holding it found them:
    # masked in repr. Not part of the change's identity.
    hidden: AbstractSet[Tuple[str, ...]] = dataclasses.field(default=_NO_PATHS, compare=False, repr=False)

    def __repr__(self) -> str:  # the values masked when secrets, as in Leaf
        old = _shown(self.path, self.old, (self.old_origin,), self.hidden)
        new = _shown(self.path, self.new, (self.new_origin,), self.hidden)
        return f"Change(op={self.op!r}, path={self.path!r}, old={value_repr(old)}, new={value_repr(new)})"


def _hiding(c: Change, hidden: AbstractSet[Tuple[str, ...]]) -> Change:
    mine = _under(c.path, hidden)
    return dataclasses.replace(c, hidden=c.hidden | mine) if mine - c.hidden else c


class Diff:
    """The differences from one config to another (``a.diff(b)``).

    ``added`` maps each new path to its value, ``removed`` each vanished
    path to its old value, ``changed`` each changed path to ``(old, new)``.
    Maps are compared down to their leaves; lists and scalars whole.
    Iterating gives :class:`Change` records in tree order; a Diff is false
    when the configs are equal. ``str(diff)`` is a readable listing with
    secrets masked.
    """

    def __init__(self, changes: Sequence[Change], hidden: AbstractSet[Tuple[str, ...]] = frozenset()) -> None:
        # Paths whose values interpolate a secret (in either config): masked
        # in str(), lines() and each change's repr like secrets.
        self.hidden = hidden
        self.changes: List[Change] = [_hiding(c, hidden) for c in changes]
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

    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    def lines(self, reveal: bool = False, origins: bool = False) -> List[str]:
        """One line per change, secrets masked unless reveal; with origins,
        each line ends with where the new value (or the removed one) came
        from: ``~ server.port: 8080 -> 9090  # app.yaml:2:9``."""
        out = []
        hidden = self.hidden
        for c in self.changes:

            def show(v: Any, origin: Optional[Origin], path: str = c.path) -> str:
                if reveal:
                    return json_text(v)
                shown = _shown(path, v, (origin,), hidden)
                return MASK if shown is MASK else json_text(shown)

            path = printable(c.path)  # a key's newline or escape sequence, written as an escape
            if c.op == "added":
                out.append(f"+ {path}: {show(c.new, c.new_origin)}")
            elif c.op == "removed":
                out.append(f"- {path}: {show(c.old, c.old_origin)}")
            else:
                out.append(f"~ {path}: {show(c.old, c.old_origin)} -> {show(c.new, c.new_origin)}")
            where = c.old_origin if c.op == "removed" else c.new_origin
            if origins and where is not None:
                out[-1] += f"  # {printable(str(where))}"
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines()) if self.changes else "(no differences)"

    def __repr__(self) -> str:
        return (f"<gocfg.Diff {len(self.added)} added, {len(self.removed)} removed, "
                f"{len(self.changed)} changed>")

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))
