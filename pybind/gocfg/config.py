"""gocfg.Config and gocfg.Section: mappings whose data lives in the Go library."""
from __future__ import annotations

import datetime as _dt
import marshal
import os
import re
import typing
import weakref
from collections.abc import ItemsView, Mapping, MutableMapping, ValuesView
from marshal import loads as _marshal_loads
from typing import Any, ClassVar, Dict, FrozenSet, Iterator, List, NoReturn, Optional, Tuple, Type, TypeVar, Union, cast, overload

from . import _args, _capi, _index, _lazy, _snapshot
from . import sources as _sources
from ._handle import Handle
from ._values import (
    Copies,
    PathLike,
    TreeView,
    decode_value,
    encode_path,
    encode_value,
    escape_refs,
    fix_times,
    interpolates,
    join,
    path_text,
    quote_segment,
    split_path,
)
from .errors import (
    ClosedError,
    Error,
    InvalidArgumentError,
    KeyNotFoundError,
    ParseError,
    TypeMismatchError,
    ValidationError,
)

# Imported on first use (gocfg._lazy): a first load needs none of them.
if typing.TYPE_CHECKING:
    import difflib

    from . import _typed
    from . import display as _display
    from . import documents as _documents
    from . import provenance as _provenance
    from . import schema as _schema
    from . import secrets as _secrets
    from .provenance import Diff, Leaf, Origin
else:
    difflib = _lazy.module("difflib", globals(), "difflib")
    _typed = _lazy.module("gocfg._typed", globals(), "_typed")
    _display = _lazy.module("gocfg.display", globals(), "_display")
    _documents = _lazy.module("gocfg.documents", globals(), "_documents")
    _provenance = _lazy.module("gocfg.provenance", globals(), "_provenance")
    _schema = _lazy.module("gocfg.schema", globals(), "_schema")
    _secrets = _lazy.module("gocfg.secrets", globals(), "_secrets")


class _NoDefault:
    """The default of the readers' ``default`` argument: none given (a
    miss raises). Its repr is what help() shows in their signatures."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<no default>"


_MISSING: Any = _NoDefault()
_ABSENT: Any = object()  # nothing at a key whose reader has a default

T = TypeVar("T")
D = TypeVar("D")

# A subscript: a dot path ("server.port", 'a."b.c"'), or a tuple of
# segments (str keys taken literally, int list indexes).
Key = PathLike

# Values the read cache may hand out more than once: lists are copies the
# caller may change, and sections are cheap to make.
_IMMUTABLE = frozenset({str, int, float, bool, type(None), _dt.datetime, _dt.date, _dt.time})

# The read cache's bounds: it keeps at most this many values per state of a
# Config, and no string longer than this. Reading every key of a large
# config (or one long value after another) would otherwise keep a second
# reference to all of it until the next write; reads past the bound cross
# to the library each time, as the first read of a key does.
_CACHE_ENTRIES = 4096
_CACHE_STR_CHARS = 4096


def _remember(entries: Dict[Any, Any], key: Any, value: Any) -> None:
    """Cache value under key when the cache's bounds allow (see above)."""
    if (type(value) in _IMMUTABLE and len(entries) < _CACHE_ENTRIES
            and (type(value) is not str or len(value) <= _CACHE_STR_CHARS)):
        entries[key] = value

def _missing(cfg: "Config", p: bytes, key: Any) -> KeyNotFoundError:
    """The KeyNotFoundError for a read of the full path p (key as given):
    it names the full path and, when its text is asked for, the closest
    keys that exist where the path stopped existing."""
    path = p.decode("utf-8", "replace")
    return KeyNotFoundError(key, path=path, suggest=lambda: _suggest(cfg, path), why_of=lambda: _why(cfg, path))


def _located(cfg: "Config", p: bytes, key: Any, e: KeyNotFoundError) -> KeyNotFoundError:
    """The library's KeyNotFoundError about the path p (a bare message,
    "server.prot: no such key") made into one that names p and suggests
    keys as a read's does, keeping the library's reason when it says more
    than that the key is missing. One that already names its path is
    returned as it is."""
    if e.path is not None or len(e.args) != 1 or not isinstance(e.args[0], str):
        return e
    detail = e.args[0].partition(": ")[2]
    out = _missing(cfg, p, key)
    if detail and detail != "no such key":
        out.why = detail
    return out


# How many keys of one map the suggestion compares (a map may be huge; the
# hint is not worth a long wait on an error path).
_SUGGEST_KEYS = 10_000


def _suggest(cfg: "Config", path: str) -> List[str]:
    """Existing paths close to path: at the first segment of path that does
    not exist, the keys of its map that look like that segment (difflib's
    ratio, case ignored), each with the rest of path when that exists."""
    segs = split_path(path)
    for i in range(len(segs)):
        if not cfg.__contains__(tuple(segs[:i + 1])):
            break
    else:
        return []  # it exists now
    parent, wrong, rest = segs[:i], segs[i], segs[i + 1:]
    node = cfg[tuple(parent)] if parent else cfg
    # The dots may belong to a key of a map above the miss: setup.cfg's
    # section "options.entry_points" beside its section "options", which
    # the path options.entry_points.console_scripts reaches first (or a
    # value "options.packages", a string, for options.packages.find.exclude).
    out = _dotted_above(cfg, segs, i)
    if not isinstance(node, Section):
        return out[:3]  # a list or a scalar: no keys of its own to suggest
    keys = _some_keys(node)
    out = [*_bracketed(cfg, parent, segs[i:]), *_dotted_keys(cfg, parent, segs[i:], keys), *out]
    by_lower: Dict[str, str] = {}
    for k in keys:
        by_lower.setdefault(k.lower(), k)
    close = difflib.get_close_matches(wrong.lower(), list(by_lower), n=3, cutoff=0.6)
    for low in close:
        key = by_lower[low]
        full = [*parent, key, *rest]
        shown = full if rest and cfg.__contains__(tuple(full)) else [*parent, key]
        text = ".".join(quote_segment(x) for x in shown)
        if text not in out:
            out.append(text)
    return out[:3]


_BRACKETS = re.compile(r"(.+?)((?:\[\d+\])+)")
# The longest segment or key that the hints below look into.
_HINT_CHARS = 256


def _bracketed(cfg: "Config", parent: List[str], segs: List[str]) -> List[str]:
    """For a path that indexes lists as jq, JavaScript or OmegaConf write
    it, ``servers[0].host``, the dot path that does (``servers.0.host``,
    or ``servers.0`` when the rest does not exist), if there is one:
    difflib offered only ``servers`` itself. segs: the path from its first
    missing segment on."""
    def dotted(seg: str) -> List[Any]:
        # Bounded: a key may be megabytes long, and the pattern backtracks.
        m = _BRACKETS.fullmatch(seg) if seg.endswith("]") and len(seg) <= _HINT_CHARS else None
        return [seg] if m is None else [m.group(1), *(int(n) for n in re.findall(r"\d+", m.group(2)))]
    first = dotted(segs[0])
    if len(first) == 1:
        return []
    whole = [*parent, *(x for seg in segs for x in dotted(seg))]
    for shown in (whole, [*parent, *first]):
        if cfg.__contains__(tuple(shown)):
            return [".".join(int.__repr__(x) if isinstance(x, int) else quote_segment(x) for x in shown)]
    return []


def _env_nesting_hint(cfg: "Config", full: List[str], name: str) -> str:
    """For a key that the environment variable name made, and that no
    field takes, where a single underscore was meant to nest
    (APP_SERVER_PORT, for server.port beside the file's server.host):
    the name that nests, with the default delimiter. Empty when the key
    splits into no existing map and a rest."""
    key, parent = full[-1], full[:-1]
    if len(key) > _HINT_CHARS or not name.lower().endswith(key.lower()):
        return ""
    for i, ch in enumerate(key):
        head = (*parent, key[:i])
        if ch == "_" and 0 < i < len(key) - 1 and cfg.__contains__(head) and isinstance(cfg[head], Section):
            at = len(name) - len(key) + i
            path = ".".join(quote_segment(s) for s in (*head, key[i + 1:]))
            return f"; a single _ stays inside a key: {name[:at]}__{name[at + 1:]} would set {path}"
    return ""


def _some_keys(node: "Section") -> List[str]:
    """The keys of node's map, at most _SUGGEST_KEYS of them."""
    keys = []
    for k in node:
        keys.append(k)
        if len(keys) >= _SUGGEST_KEYS:
            break
    return keys


# How many maps above a miss are searched for a key holding the path's
# dots: their keys are read on an error path, and a path that stops deep
# in a config has as many maps above it as segments.
_SUGGEST_LEVELS = 8


def _dotted_above(cfg: "Config", segs: List[str], i: int) -> List[str]:
    """_dotted_keys for the maps above the first missing segment segs[i],
    the nearest first: a key there holding dots that the path split."""
    out: List[str] = []
    for j in range(i - 1, max(-1, i - 1 - _SUGGEST_LEVELS), -1):
        node = cfg[tuple(segs[:j])] if j else cfg
        if isinstance(node, Section):
            out += [t for t in _dotted_keys(cfg, segs[:j], segs[j:], _some_keys(node)) if t not in out]
    return out


def _dotted_keys(cfg: "Config", parent: List[Any], segs: List[str], keys: List[str]) -> List[str]:
    """Paths where the dots of segs are part of a key of parent's map (one
    of keys), longest key first: VS Code's "files.exclude", a Kubernetes
    annotation "kubernetes.io/ingress.class" or a Spring-style
    "server.port" written as one JSON or YAML key. A dot path splits them,
    and difflib finds no key close to their first piece ("files" against
    "files.exclude"), so such a miss gave no hint of the quoted form that
    reads them. The map's dotted keys are matched against the segments,
    not every prefix of the segments looked up: a miss on a path of 20,000
    segments built that many joined keys (seconds, growing with the square
    of the path)."""
    found = []
    for key in keys:
        if "." in key:
            pieces = key.split(".")
            if len(pieces) <= len(segs) and segs[:len(pieces)] == pieces:
                found.append((len(pieces), key))
    found.sort(key=lambda f: -f[0])
    out = []
    for n, key in found[:3]:
        full = [*parent, key, *segs[n:]]
        shown = full if cfg.__contains__(tuple(full)) else [*parent, key]
        out.append(".".join(quote_segment(x) for x in shown))
    return out


def _why(cfg: "Config", path: str) -> str:
    """Why a read of path found nothing, when the path stopped at a list or
    a scalar ("servers is a list of 1 item; "host" is not an index in
    it", as the library says it of a write); "" for a missing map key."""
    segs = split_path(path)
    for i in range(len(segs)):
        if not cfg.__contains__(tuple(segs[:i + 1])):
            break
    else:
        return ""  # it exists now
    if i == 0:
        return ""
    node = cfg[tuple(segs[:i])]
    parent = ".".join(quote_segment(x) for x in segs[:i])
    if isinstance(node, Section):
        return ""
    if isinstance(node, list):
        import json  # here: only a failed read gets this far (test_first_load_imports_only_what_it_needs)

        items = "1 item" if len(node) == 1 else f"{len(node)} items"
        return f"{parent} is a list of {items}; {json.dumps(segs[i], ensure_ascii=False)} is not an index in it"
    return f"{parent} is {_typed.a_type(node)}, not a map or list"


# A dot-path segment that reads as a list index; and a quick test for a
# dot path that may hold one (a bare number between separators), which
# spares the common write the split.
_INDEX = re.compile(r"[0-9]+")
_NUMBERED = re.compile(r"(?:^|\.)[0-9]+(?:\.|$)").search


def _own_path(key: Any) -> bytes:
    """key's path, for a write or a delete: the empty path ("" or ()) names
    the section itself (the whole Config at the root), which a write or a
    delete through a key must not replace or remove; "" as a key of its
    own is the segment '""'."""
    p = encode_path(key)
    if not p:
        raise KeyNotFoundError(f"{key!r} is the empty path, which names this section itself, not a key in it; "
                               "clear() empties it, update() writes into it, and the key \"\" is spelt '\"\"'")
    return p


def _check_creates(cfg: "Config", h: Any, prefix: bytes, key: Any) -> List[int]:
    """Refuse a write that would make a map keyed by a list index: with no
    "servers", ``cfg["servers.0.host"] = v`` raises KeyNotFoundError rather
    than create {"servers": {"0": {"host": v}}}. A bare number in a dot
    path (or an int in a tuple path) reads as a list index, so its parent
    must exist; a quoted segment ('servers."0".host') or a str in a tuple
    path is a map key by the writer's choice. Only writes whose path holds
    such a segment pay for the check (one lookup per such segment).

    Returns how many segments each such parent has, counted from the
    root: the write checks them again, as one change with it (see
    _set_checked), for a list removed since."""
    parents: List[Any] = []
    counts: List[int] = []
    if type(key) is str:
        if _NUMBERED(key) is None:
            return counts  # the common case, decided without splitting
        c = _capi.consts()
        if c.path_quote not in key:
            # No quoting: the segments are the text between separators,
            # and each parent is a prefix of the text.
            sep = c.path_separator
            segs: List[str] = key.split(sep)
            for i in range(1, len(segs)):
                seg = segs[i]
                if seg.isdigit() and seg.isascii():
                    if not _capi.config_contains(cfg, h, join(prefix, sep.join(segs[:i]).encode())):
                        _refuse_creating(cfg, prefix, key, segs, i)
                    counts.append(i)
            return _from_root(prefix, counts)
        else:
            segs = split_path(key)
            bare = _bare_segments(key)
            parents = [tuple(segs[:i]) for i, seg in enumerate(segs) if i and bare[i] and _INDEX.fullmatch(seg)]
    elif isinstance(key, tuple):
        segs = [str(x) for x in key]
        # A negative int is the key of its digits, as "-1" in a dot path
        # is (path_text): no list index, so it needs no list above it.
        parents = [key[:i] for i, seg in enumerate(key)
                   if i and isinstance(seg, int) and not isinstance(seg, bool) and seg >= 0]
    for parent in parents:
        n = len(split_path(path_text(parent)))
        if not _capi.config_contains(cfg, h, join(prefix, encode_path(parent))):
            _refuse_creating(cfg, prefix, key, segs, n)
        counts.append(n)
    return _from_root(prefix, counts)


def _from_root(prefix: bytes, counts: List[int]) -> List[int]:
    """Segment counts below prefix (a Section's path) counted from the root."""
    if not counts or not prefix:
        return counts
    base = len(split_path(prefix.decode()))
    return [base + n for n in counts]


def _set_checked(cfg: "Config", h: Any, prefix: bytes, p: bytes, key: Any, value: Any) -> None:
    """Store value at p (key as given, below prefix), as a subscript does:
    creating no map keyed by a list index (_check_creates), also when
    another thread removes the list between the check and the write."""
    within = _check_creates(cfg, h, prefix, key)
    try:
        if within:
            data, state, _ = _encoded(cfg, p, value, False)
            if state is None:
                try:
                    _capi.config_set_within(cfg, h, p, data, within)
                except KeyNotFoundError:
                    _check_creates(cfg, h, prefix, key)  # the list is gone since: say so
                    raise
                return
            # A copy with masks of its own: checked, then written (README, Threads).
        _set(cfg, h, p, value)
    except KeyNotFoundError as e:  # a list index out of range
        raise _located(cfg, p, key, e) from None


def _refuse_creating(cfg: "Config", prefix: bytes, key: Any, segs: List[str], i: int) -> NoReturn:
    """Raise the KeyNotFoundError of _check_creates: segs[i] reads as a
    list index and the map holding it does not exist."""
    base = tuple(split_path(prefix.decode())) if prefix else ()
    parent = base + tuple(segs[:i])
    j = len(parent)
    for j in range(1, len(parent) + 1):  # the first missing map on the way is the one named
        if not cfg.__contains__(parent[:j]):
            break
    gone = ".".join(quote_segment(x) for x in parent[:j])
    full = ".".join(quote_segment(x) for x in base + tuple(segs))
    why = (f"{gone!r} does not exist, and a write creates no lists: {segs[i]} in the path reads as a "
           f"list index (assign the list whole, or quote the segment, '\"{segs[i]}\"', for a map key)")
    raise KeyNotFoundError(key, path=full, why=why)


def _bare_segments(path: str) -> List[bool]:
    """For each segment of a dot path (as split_path splits it), whether it
    is written bare, not quoted."""
    c = _capi.consts()
    sep, quote, esc = c.path_separator, c.path_quote, c.path_escape
    out: List[bool] = []
    i, n = 0, len(path)
    while i < n:
        if path[i] == quote:
            j = i + 1
            while j < n and path[j] != quote:
                j += 2 if path[j] == esc else 1
            out.append(False)
            i = j + 2
        else:
            j = path.find(sep, i)
            out.append(True)
            i = n + 1 if j < 0 else j + 1
    return out


def _get(cfg: "Config", h: Any, p: bytes, key: Any) -> Any:
    data = _capi.config_get(cfg, h, p)
    if data is None:
        raise _missing(cfg, p, key)
    v = decode_value(data)
    if v is Ellipsis:  # a map: the library sends no contents, we give a view
        return Section(cfg, p)
    return v


def _set(cfg: "Config", h: Any, p: bytes, value: Any) -> None:
    if type(value) is str:
        # Strings skip the wire encoding: the string export takes them as is.
        try:
            data = value.encode()
        except UnicodeEncodeError:
            data = None  # let the wire path report the surrogate, naming the path
        if data is not None:
            _capi.config_set(cfg, h, p, data, True)
            return
    _write(cfg, h, p, value, False)


def _write(cfg: "Config", h: Any, p: bytes, value: Any, merge: bool) -> None:
    """Set value at p, or (merge) assign its keys into the map there. A
    Config or Section in value is copied as its values, and what it
    masked stays masked (see _grafted)."""
    data, state, key = _encoded(cfg, p, value, merge)
    if state is not None and key is not None:
        parent = encode_path(tuple(split_path(p.decode())[:-1]))
        try:
            _capi.config_graft(cfg, h, parent, state, True)
            return
        except (KeyNotFoundError, TypeMismatchError):
            # No map there yet (a write creates it) or a list: set as a
            # plain write (its errors are the ones to give), then give the
            # masks where a map now holds the list. An item of a list has
            # no key to graft under: it keeps the values alone.
            _capi.config_set(cfg, h, p, data, False)
        try:
            _capi.config_graft(cfg, h, parent, state, True)
        except TypeMismatchError:
            pass
    elif state is not None:
        _capi.config_graft(cfg, h, p, state, merge)
    elif merge:
        _capi.config_merge(cfg, h, p, data)
    else:
        _capi.config_set(cfg, h, p, data, False)


def _encoded(cfg: "Config", p: bytes, value: Any, merge: bool) -> Tuple[bytes, Optional[bytes], Optional[str]]:
    """What a write of value at p (or, merge, into the map there) sends:
    its wire encoding; the state to graft, when Configs or Sections copied
    into it mask values (see _grafted), else None; and the key under which
    that state's root holds the value (a list holding a copy: the path's
    last segment), else None."""
    where = p.decode()
    # A state's root is a map: a list holding a copy is grafted as the one
    # key of its parent map ({key: list}, merged there), which sets that key.
    wrap = not merge and isinstance(value, (list, tuple))
    segs: List[str] = []
    for attempt in range(_TRIES):
        views = Copies(cfg)
        data = encode_value(value, where, views)
        if not views.found:
            return data, None, None
        if wrap and not segs:
            segs = split_path(where)
        # The values and their masks come from separate calls: read again
        # while a config copied from changes in between (see
        # _steady); under writes that never stop, mask all.
        last = attempt == _TRIES - 1
        state = _grafted(data, views.found, where, everything=last, key=segs[-1] if segs else None)
        if last or not views.moved():
            break
    return data, state, (segs[-1] if state is not None and segs else None)


def _setdefault(cfg: "Config", h: Any, p: bytes, key: Any, value: Any, within: List[int]) -> Any:
    """dict.setdefault at p, in one library call (gocfg_config_setdefault):
    value is stored unless something is there; what is there then comes
    back as a read gives it (a map as a Section)."""
    data, state, under = _encoded(cfg, p, value, False)
    try:
        if state is None:
            out = _capi.config_setdefault(cfg, h, p, data, within)
        else:
            out = _capi.config_setdefault(cfg, h, p, state, within, state=True, under_key=under is not None)
    except KeyNotFoundError as e:  # a list index out of range
        raise _located(cfg, p, key, e) from None
    v = decode_value(out)
    if v is Ellipsis:
        return Section(cfg, p)
    return v


# --------------------------------------------------------------- the classes

class _ItemsView(ItemsView[str, Any]):
    """items() that reads each key literally, even one holding a dot."""

    def __iter__(self) -> Iterator[Tuple[str, Any]]:
        node: Any = self._mapping  # type: ignore[attr-defined]
        for key in node:
            try:
                value = node[(key,)]
            except KeyError:
                continue  # removed since the keys were taken (see _ValuesView)
            yield key, value


class _ValuesView(ValuesView[Any]):
    def __iter__(self) -> Iterator[Any]:
        node: Any = self._mapping  # type: ignore[attr-defined]
        for key in node:
            try:
                value = node[(key,)]
            except KeyError:
                # Iteration walks a snapshot of the keys, and changing the
                # Config meanwhile is allowed (README): by the loop's body,
                # another thread, or a watched Config's watcher. A key
                # removed since the snapshot is skipped, as it is gone; it
                # raised KeyNotFoundError out of the loop.
                continue
            yield value


class Section(MutableMapping[str, Any], TreeView):
    """A live view of a map inside a Config: ``cfg["server"]``.

    A Section holds no data and no handle of its own: every operation goes
    to its Config at the Section's path, so changes through the Section
    show in the Config and the other way round. It lives by its Config's
    rules: once the Config is closed, using the Section raises
    ClosedError; if the map at its path is removed, reads raise KeyError.

    Keys can be read as attributes too (``cfg.server.port``), see
    ``__getattr__``; typed access (``get_int()``, ``to(cls)``) is what a
    type checker can follow.
    """

    __slots__ = ("_cfg", "_prefix")

    def __init__(self, cfg: "Config", prefix: bytes) -> None:
        self._cfg = cfg
        self._prefix = prefix

    def _target(self) -> Tuple["Config", Any, bytes]:
        cfg = self._cfg
        return cfg, cfg._handle(), self._prefix

    @property
    def path(self) -> str:
        """This section's path from the root (quoted dot-path syntax)."""
        return self._prefix.decode()

    # Subscripts take dot paths ("server.port"), or tuples of segments
    # (("a.b", 0)) for keys that themselves contain dots.
    def __getitem__(self, key: Key) -> Any:
        cfg, h, prefix = self._target()
        return _get(cfg, h, join(prefix, encode_path(key)), key)

    def __setitem__(self, key: Key, value: Any) -> None:
        """Store value at key (a path). Missing maps on the way are created,
        but never for a list index: with no "servers", ``cfg["servers.0.host"]
        = v`` raises KeyNotFoundError (see README, "Values, paths and sections")."""
        cfg, h, prefix = self._target()
        _set_checked(cfg, h, prefix, join(prefix, _own_path(key)), key, value)

    def __delitem__(self, key: Key) -> None:
        cfg, h, prefix = self._target()
        p = join(prefix, _own_path(key))
        try:
            deleted = _capi.config_delete(cfg, h, p)
        except TypeMismatchError:
            # A path through a value ("debug.x", debug a bool): nothing is
            # there, a KeyError as for a read or pop(), saying why.
            raise _missing(cfg, p, key) from None
        if not deleted:
            raise _missing(cfg, p, key)

    # ------------------------------------------------ attribute access
    #
    # Defining __getattr__ has a price: CPython then looks every attribute
    # of these classes up through its __getattr__ hook, which its attribute
    # specialization does not handle, so the hot paths' own reads of _h,
    # _ver and _cache cost more (about 55 ns per cached cfg[key] on 3.11,
    # measured with and without in one process).

    def __getattr__(self, name: str) -> Any:
        """Read the key ``name`` of this map as an attribute:
        ``cfg.server.port`` is ``cfg["server"]["port"]``. Only keys that
        are identifiers and not attributes of the class can be read so:
        the class's attributes win (``cfg.items`` is the method; read the
        key as ``cfg["items"]``), and names starting with "_" are never
        keys. A missing key raises AttributeError, with the closest keys.
        The key is taken literally (``cfg.a`` never reads through a dot).
        Setting an attribute is refused: write ``cfg["port"] = 9000``."""
        if name[:1] == "_":
            if isinstance(self, Handle):
                raise self._missing_attribute(name)  # says when a subclass skipped Config.__init__
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        try:
            return self[(name,)]
        except KeyNotFoundError as e:
            hint = e.suggestions
            more = (" (did you mean " + " or ".join(repr(x) for x in hint) + "?)") if hint else ""
            if not hint:  # a misspelt method (cfg.get_itn) reads as a key: name the method
                public = [a for a in dir(type(self)) if a[:1] != "_"]
                close = difflib.get_close_matches(name, public, n=1, cutoff=0.75)
                more = f" (did you mean {type(self).__name__}.{close[0]}?)" if close else ""
            where = f"gocfg.{type(self).__name__}" + (f" {self.path!r}" if self.path else "")
            err = AttributeError(f"{where} has no attribute or key {name!r}: no {e.path!r} in the config{more}")
            err.name = name
            raise err from None
        except ClosedError as e:
            # An AttributeError, so that getattr(cfg, name, default) and
            # hasattr() keep working on a closed Config.
            raise AttributeError(f"{name!r}: {e}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        # A subclass of the user's without __slots__ has a __dict__ and
        # keeps Python's usual attributes; gocfg's own classes refuse.
        if name[:1] == "_" or type(self).__dictoffset__:
            object.__setattr__(self, name, value)
            return
        raise AttributeError(f"gocfg.{type(self).__name__} does not set keys as attributes: "
                             f"write [{name!r}] = value (attribute access only reads)")

    def __delattr__(self, name: str) -> None:
        if name[:1] == "_" or type(self).__dictoffset__:
            object.__delattr__(self, name)
            return
        raise AttributeError(f"gocfg.{type(self).__name__} does not delete keys as attributes: write del [{name!r}]")

    def __dir__(self) -> List[str]:
        # The keys readable as attributes, for completion in shells and
        # notebooks; nothing when the config cannot be read.
        names = set(super().__dir__())
        try:
            keys = [k for k in self if k.isidentifier() and k[:1] != "_" and not hasattr(type(self), k)]
        except Error:
            keys = []
        return sorted(names | set(keys))

    def __contains__(self, key: object) -> bool:
        cfg, h, prefix = self._target()
        if not isinstance(key, (str, tuple)):
            return False
        return _capi.config_contains(cfg, h, join(prefix, encode_path(key)))

    def __len__(self) -> int:
        cfg, h, prefix = self._target()
        return _capi.config_len(cfg, h, prefix)

    def __iter__(self) -> Iterator[str]:
        # A snapshot of the keys: changing the map while iterating is allowed.
        cfg, h, prefix = self._target()
        return iter(_capi.config_keys(cfg, h, prefix))

    # pop() and popitem() return what was removed: a map as a plain dict (a
    # Section of it would be a view of nothing once it is deleted, or of
    # whatever is written at its path later), a list as a list.
    def get(self, key: Key, default: Any = None, /) -> Any:
        """The value at key (a path, as for ``cfg[key]``), or default when
        nothing is there. Typed to take tuple paths too (Mapping.get's
        type takes only the str keys that iteration gives)."""
        try:
            return self[key]
        except KeyError:
            return default

    def pop(self, key: Key, default: Any = _MISSING) -> Any:
        """Remove the value at key (a path, as for ``cfg[key]``) and return
        it; a map comes back as a plain dict. ``default`` when nothing is
        there; without it, KeyNotFoundError."""
        cfg, h, prefix = self._target()
        p = join(prefix, _own_path(key))
        # One change in the library (gocfg_config_pop): of two threads
        # popping one key, one gets the value and the other finds nothing;
        # a read, then a delete, removed a value written in between unseen.
        try:
            data = _capi.config_pop(cfg, h, p)
        except TypeMismatchError:  # a path through a value ("debug.x"): nothing there
            data = None
        if data is None:
            if default is _MISSING:
                raise _missing(cfg, p, key)
            return default
        return decode_value(data)

    def setdefault(self, key: Key, default: Any = None, /) -> Any:
        """The value at key (a path, as for ``cfg[key]``); when nothing is
        there, default is stored first, as ``cfg[key] = default`` stores
        it, and read back (a dict as a Section, a tuple as a list). One
        change in the library: of several threads calling it for one key,
        one stores its default and each gets the value stored."""
        cfg, h, prefix = self._target()
        p = join(prefix, _own_path(key))
        within = _check_creates(cfg, h, prefix, key)
        try:
            return _setdefault(cfg, h, p, key, default, within)
        except KeyNotFoundError:
            if within:
                _check_creates(cfg, h, prefix, key)  # a list removed since the check: say so
            raise

    def _plain(self, key: Key, default: Any) -> Any:
        # What the typed getters read: the value at key as plain data (a
        # map as a dict, never a live Section); _ABSENT when nothing is
        # there and the caller has a default, else KeyNotFoundError.
        try:
            value = self[key]
            # A map is read by a second call: another thread may remove it
            # in between, and then nothing is there, as if the read had
            # come after (the KeyError escaped a caller with a default).
            return value.to_dict() if isinstance(value, Section) else value
        except KeyError:
            if default is _MISSING:
                raise
            return _ABSENT

    def popitem(self) -> Tuple[str, Any]:
        """Remove the first top-level key and return (key, value), the key
        taken literally (dots and all); a map comes back as a plain dict.
        KeyNotFoundError when empty."""
        for key in self:
            value = self.pop((key,), _ABSENT)
            if value is not _ABSENT:
                return key, value
            # popped by another thread since the iteration's snapshot: the next
        raise KeyNotFoundError("popitem(): the map is empty")

    def clear(self) -> None:
        """Remove every key of this map, as one change."""
        cfg, h, prefix = self._target()
        try:
            # One change (a key at a time, a write by another thread between
            # two deletes was removed while a later one stayed).
            _capi.config_clear_map(cfg, h, prefix)
            return
        except TypeMismatchError:
            pass  # a map read through a reference (${server}), or no map now: as before, key by key
        for key in self:
            try:
                del self[(key,)]
            except KeyError:
                pass  # removed meanwhile, by another thread

    def items(self) -> ItemsView[str, Any]:
        """A view of the (key, value) pairs of this map's top-level keys, in
        insertion order; each value is read when the loop reaches it (a map
        as a live Section), and a key removed meanwhile is skipped."""
        return _ItemsView(self)

    def values(self) -> ValuesView[Any]:
        """A view of the values of this map's top-level keys, read as
        items() reads them."""
        return _ValuesView(self)

    def to_dict(self, *, resolve: bool = True) -> Dict[str, Any]:
        """A plain dict copy of this map and everything below, in one call,
        with ``${...}`` references resolved as reads give them.
        ``resolve=False`` gives them as stored (the templates), as
        ``save()`` writes them."""
        cfg, h, prefix = self._target()
        if not resolve:
            return _stored_tree(cfg, self.path)
        return _capi.config_export_decoded(cfg, h, prefix, decode_value)

    def update(self, other: Any = (), /, **kwargs: Any) -> None:
        """Assign keys as dict.update does; keys are literal, not paths.
        A mapping crosses to the library in one call."""
        cfg, h, prefix = self._target()
        if isinstance(other, Section):
            # Copied whole, keeping its masks (a dict of its keys would
            # read each value plain); the keyword arguments, which win,
            # follow.
            _write(cfg, h, prefix, other, True)
            other = {}
        elif not isinstance(other, Mapping):
            other = dict(other)
        if kwargs:
            other = {**other, **kwargs}
        if other:
            _write(cfg, h, prefix, other, True)

    # ------------------------------------------- provenance, typed access

    def origin(self, key: Key = "") -> Optional[Origin]:
        """Where the value in force at key came from (see gocfg.Origin), or
        None when the config records no provenance (a Config made by
        ``gocfg.Config()`` or ``Config.load()``; ``gocfg.load()`` records
        it). KeyNotFoundError when nothing is at key."""
        cfg, h, prefix = self._target()
        p = join(prefix, encode_path(key)) if key != "" else prefix
        try:
            return _provenance.make_origin(*_capi.config_origin(cfg, h, p))
        except KeyNotFoundError as e:
            raise _located(cfg, p, key, e) from None

    def history(self, key: Key = "") -> List[Origin]:
        """Every layer that set the value at key, oldest first; the last is
        the one in force. Empty when the config records no provenance."""
        cfg, h, prefix = self._target()
        p = join(prefix, encode_path(key)) if key != "" else prefix
        try:
            rows = decode_value(_capi.config_history(cfg, h, p))
        except KeyNotFoundError as e:
            raise _located(cfg, p, key, e) from None
        return [o for o in (_provenance.make_origin(*r) for r in rows) if o is not None]

    def explain(self, key: Key = "") -> List[Leaf]:
        """The leaves at and below key (scalars, empty maps, lists), each
        with its value (references resolved) and the origin of the value in
        force, in tree order. Values are not masked: this is data (the
        rows' reprs mask secrets, and values that interpolate one)."""
        rows, hidden = self._masking(lambda view: view._explain(key))
        return [_provenance.hiding_leaf(r, hidden) for r in rows] if rows and hidden else rows

    def _explain(self, key: Key = "") -> List[Leaf]:
        # explain()'s rows, for callers that mask with _hidden() themselves.
        return self._leaves(key, None)[0]

    def _first_leaves(self) -> Tuple[List[Leaf], int]:
        # What a display shows: its first rows, and how many there are in
        # all. The library makes only those rows (a notebook showing 500
        # rows of 100,000 keys of 1 KB fetched them all: 2.6 s).
        return self._leaves("", _display.MAX_ROWS)

    def _leaves(self, key: Key, max_rows: Optional[int]) -> Tuple[List[Leaf], int]:
        """The leaves at and below key (the first max_rows; None: all), and
        how many there are in all."""
        cfg, h, prefix = self._target()
        p = join(prefix, encode_path(key)) if key != "" else prefix
        try:
            if max_rows is None:
                data, total = _capi.config_explain(cfg, h, p), None
            else:
                data, total = _capi.config_explain_first(cfg, h, p, max_rows)
        except KeyNotFoundError as e:
            raise _located(cfg, p, key, e) from None
        make, leaf = _provenance.make_origin, _provenance.Leaf
        rows = [leaf(r[0], r[1], make(r[2], r[3], r[4], r[5], r[7] if len(r) > 7 else 0), r[6])
                for r in decode_value(data)]
        return rows, len(rows) if total is None else total

    def _typed(self, kind: str, key: Key, default: Any) -> Any:
        value = self._plain(key, default)
        if value is _ABSENT:
            return default
        try:
            return _typed.COERCE[kind](value)
        except _typed.CoercionError as e:
            where = self._where(key)
            # Masked when the path is a secret, or its value interpolates one.
            message = e.message(split_path(where), self._hidden())
            origin = self._from(key)
            if origin.startswith(" (from secret file "):
                # A value from a secrets directory is a secret whatever its key.
                message = f"expected {e.expected}, got {_typed._type_of(e.value)} (secret, not shown)"
            raise TypeMismatchError(f"{where}: {message}{origin}") from None

    def _where(self, key: Any) -> str:
        text = path_text(key)
        return f"{self.path}.{text}" if self.path and text else (self.path or text)

    def _from(self, key: Any) -> str:
        try:
            o = self.origin(key)
        except Error:
            return ""
        return f" (from {o})" if o is not None else ""

    # Each getter is typed by its overloads: without a default it returns
    # its type (or raises); with one, its type or the default's.

    @overload
    def get_int(self, key: Key) -> int: ...
    @overload
    def get_int(self, key: Key, default: D) -> Union[int, D]: ...

    def get_int(self, key: Key, default: Any = _MISSING) -> Any:
        """The value at key as an int ("9000" and 9.0 give 9000; a bool is
        not an int; see gocfg._typed for every rule). ``default`` is
        returned when nothing is at key; without it, KeyNotFoundError. A
        value that does not fit raises TypeMismatchError naming its path
        and origin."""
        return self._typed("int", key, default)

    @overload
    def get_float(self, key: Key) -> float: ...
    @overload
    def get_float(self, key: Key, default: D) -> Union[float, D]: ...

    def get_float(self, key: Key, default: Any = _MISSING) -> Any:
        """The value at key as a float (ints and numeric strings too)."""
        return self._typed("float", key, default)

    @overload
    def get_bool(self, key: Key) -> bool: ...
    @overload
    def get_bool(self, key: Key, default: D) -> Union[bool, D]: ...

    def get_bool(self, key: Key, default: Any = _MISSING) -> Any:
        """The value at key as a bool (true/false, yes/no, on/off, 1/0)."""
        return self._typed("bool", key, default)

    @overload
    def get_str(self, key: Key) -> str: ...
    @overload
    def get_str(self, key: Key, default: D) -> Union[str, D]: ...

    def get_str(self, key: Key, default: Any = _MISSING) -> Any:
        """The value at key as a str (numbers, bools and dates converted)."""
        return self._typed("str", key, default)

    @overload
    def get_list(self, key: Key) -> List[Any]: ...
    @overload
    def get_list(self, key: Key, default: D) -> Union[List[Any], D]: ...

    def get_list(self, key: Key, default: Any = _MISSING) -> Any:
        """The value at key as a list (a string is split at commas)."""
        return self._typed("list", key, default)

    @overload
    def get_duration(self, key: Key) -> _dt.timedelta: ...
    @overload
    def get_duration(self, key: Key, default: D) -> Union[_dt.timedelta, D]: ...

    def get_duration(self, key: Key, default: Any = _MISSING) -> Any:
        """The value at key as a datetime.timedelta: "30s", "1h30m", "500ms",
        "2d"; a number is seconds."""
        return self._typed("duration", key, default)

    def to(self, cls: Type[T], *, strict: bool = True) -> T:
        """Build an instance of cls from this map: a dataclass or an attrs
        class (nested ones, Optional, list/tuple/set/dict of them, Enum,
        Literal, datetime, timedelta, pathlib.Path), coercing as get_int()
        & co. do; or a pydantic (2.x) model, validated by pydantic's own
        rules. Every value that does not fit is reported at once in one
        gocfg.ValidationError (``errors``: (path, message) pairs, with
        the origin of each value). With strict (the default) a key that is
        not a field is an error too; strict=False ignores such keys. For a
        pydantic model, its model_config decides about such keys."""
        data = self.to_dict()
        base = split_path(self.path) if self.path else []
        obj, problems = _typed.build(cls, data, strict, base, self._hidden)
        if problems:
            errors = []
            for segs, msg in problems:
                full = [*base, *segs]
                path = ".".join(quote_segment(s) for s in full)
                where = ""
                if segs:
                    try:
                        o = self._cfg.origin(tuple(full))
                        where = f" (from {o})" if o is not None else ""
                        if o is not None and o.kind == "env" and msg.startswith("unknown field"):
                            where = where[:-1] + _env_nesting_hint(self._cfg, full, o.name) + ")"
                    except Exception:
                        o = None
                    if o is not None and o.kind == "secret":
                        # A value from a secrets directory is a secret whatever
                        # its key: say what was wanted, never what was found.
                        msg = msg.split(", got ", 1)[0] + ", got a value that does not fit (secret, not shown)"
                errors.append((path, _secrets.mask_text(msg) + where))  # a class's own message may quote a URL
            raise ValidationError(errors, getattr(cls, "__name__", repr(cls)))
        return cast(T, obj)

    def validate(self, schema: "_schema.SchemaArg", *, at: Key = "",
                 resources: Optional[Mapping[str, Any]] = None, formats: bool = True) -> None:
        """Check this map (as reads see it) against a JSON Schema: a dict,
        JSON text, or a JSON/YAML file path (see gocfg.schema). Every
        violation is reported at once in one gocfg.ValidationError, whose
        ``errors`` are gocfg.Violation items (path, keyword, message,
        origin). ``at`` checks the value at that key instead (a list or a
        scalar too; paths in errors stay full paths). ``resources`` maps
        absolute URLs to the schemas a ``$ref`` may name: nothing is
        fetched. ``format`` is checked unless ``formats=False`` (then it
        is what the schema's draft says)."""
        cfg, h, prefix = self._target()
        p = join(prefix, encode_path(at)) if at != "" else prefix
        try:
            _schema.validate(cfg, h, p, schema, resources, formats)
        except KeyNotFoundError as e:
            raise _located(cfg, p, at, e) from None

    def show(self, *, reveal: bool = False, origins: bool = True) -> str:
        """A readable listing, one ``path = value  # origin`` line per leaf,
        secrets masked unless reveal=True. A str: ``print(cfg.show())``
        in a script; a notebook cell ending in ``cfg.show()`` displays the
        listing."""
        if reveal:
            return _display.Listing(_display.text_table(self._explain(), reveal=True, origins=origins,
                                                        hidden=frozenset()))
        rows, hidden = self._masking(Section._explain)
        return _display.Listing(_display.text_table(rows, origins=origins, hidden=hidden))

    def _masking(self, read: "typing.Callable[[Section], T]") -> Tuple[T, FrozenSet[Tuple[str, ...]]]:
        """read(self) and the paths to mask besides secret keys (_hidden),
        from one state of the config (see _steady); under writes that
        never stop, from a copy."""
        def both(view: Section) -> Tuple[T, FrozenSet[Tuple[str, ...]]]:
            return read(view), view._hidden()
        return _steady((self._cfg,), lambda: both(self), lambda: _on_copy(self, both))

    def _hidden(self) -> FrozenSet[Tuple[str, ...]]:
        """The paths whose values interpolate a secret (see
        gocfg.secrets.derived_secrets), and those read from a secrets
        directory: masked wherever secrets are. Read from the config's
        unresolved data and provenance."""
        cfg = self._cfg
        if _capi.usable():
            # Only the few entries that matter, not the whole state: a
            # watched Config asks this on every change, whatever its size.
            try:
                interpolate, files, strings = decode_value(_capi.config_secret_inputs(cfg, cfg._handle()))
            except Error:
                return frozenset()
            from_secret_files = frozenset(tuple(path) for path in files)
            if not interpolate:
                return from_secret_files
            return from_secret_files | _secrets.derived_from_strings(strings, from_secret_files)
        try:  # a forked child reads the state of its snapshot
            state = decode_value(_capi.config_serialize(cfg, cfg._handle()))
        except Error:
            return frozenset()
        if not isinstance(state, dict):
            return frozenset()
        # Values read from a secrets directory (origin kind "secret") are
        # secrets whatever their key.
        from_files = _secrets.secret_file_paths(state.get("provenance"), state.get("root"))
        if not state.get("interpolate"):
            return from_files
        return from_files | _secrets.derived_secrets(state.get("root"), from_files)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Section):
            return self.to_dict() == other.to_dict()
        if isinstance(other, Mapping):
            return self.to_dict() == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        # Pickles (and copies) as a Config of this map: its values as read
        # (the copy has no root to resolve a reference against) with their
        # origins, so that it masks what this Section masks.
        return (_restore, (_section_state(self),))

    def __repr__(self) -> str:
        path = _display.value_repr(self.path, _display.PATH_CELL)
        if self._cfg._h is None:
            return f"<gocfg.Section {path} of a closed Config>"
        return f"<gocfg.Section {path} {_preview(self)}>"

    def _masked(self) -> Dict[str, Any]:
        data, hidden = self._masking(Section.to_dict)
        return cast(Dict[str, Any], _secrets.mask(data, split_path(self.path) if self.path else [], False, hidden))

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        if cycle or self._cfg._h is None:
            p.text(repr(self))
            return
        try:
            why = self._not_a_map()
            if why:
                text = f"<gocfg.Section {self.path!r}: {why}>"
            else:
                (rows, total), hidden = self._masking(Section._first_leaves)
                text = _display.text_table(rows, title=self._title(), hidden=hidden,
                                           limit=_display.MAX_ROWS, total=total)  # as many rows as the HTML table
        except Error as e:  # the section's map was removed, say
            text = f"<gocfg.Section {self.path!r}: {e}>"
        p.text(text)

    def _repr_html_(self) -> Optional[str]:
        if self._cfg._h is None:
            return None
        try:
            if self._not_a_map():
                return None  # the text form says why
            (rows, total), hidden = self._masking(Section._first_leaves)
            return _display.html_table(rows, self._title(), hidden=hidden, total=total)
        except Error:
            return None  # the notebook falls back to the text form

    def _not_a_map(self) -> Optional[str]:
        """Why this Section cannot be shown as a map: its path holds a list
        or a scalar now (assigned over the map); None when it holds a map.
        A removed map raises KeyNotFoundError."""
        if not self._prefix:  # a Config: its root is a map
            return None
        cfg, h, prefix = self._target()
        v = _get(cfg, h, prefix, self.path)
        return None if isinstance(v, Section) else _no_longer_a_map(v)

    def _title(self) -> str:
        n = len(self)
        what = f"gocfg.Section {self.path!r}" if type(self) is Section else "gocfg.Config"
        extra = " (frozen)" if self._cfg.frozen else ""
        return f"{what}: {n} key{'s' if n != 1 else ''}{extra}"


def _no_longer_a_map(value: Any) -> str:
    name = _display.type_name(value)
    what = name if name == "null" else f"{'an' if name[0] in 'aeiou' else 'a'} {name}"
    return f"it holds {what} now, not a map"


def _preview(section: Section, limit: int = 8) -> str:
    """The repr's "N keys {...}": the first keys, secrets masked. A map
    that cannot be read whole (a reference that does not resolve, a
    Section whose map was removed) says why instead, so the repr never
    shows a made-up mapping or a wrong count."""
    try:
        d = section._masked()
    except Error as e:
        return f"(cannot be shown: {e})"
    if not isinstance(d, dict):
        if d == _secrets.MASK:  # masked whole: it interpolates a secret, or is one
            return _display.value_repr(d)
        return f"(cannot be shown: {_no_longer_a_map(d)})"  # a list or a scalar assigned over the map
    shown = list(d.items())[:limit]
    # Any depth; each key and value cut as the notebook table cuts a cell,
    # so that a repr stays a line to read whatever the config holds.
    body = ", ".join(f"{_display.value_repr(k, _display.PATH_CELL)}: {_display.value_repr(v, _display.CELL)}"
                     for k, v in shown)
    if len(d) > len(shown):
        body += f", ... ({len(d) - len(shown)} more)"
    return f"{len(d)} key{'s' if len(d) != 1 else ''} {{{body}}}"


class Config(Section, Handle):
    """A configuration tree: a mutable mapping of str keys to typed values.

    ``Config(mapping)`` or ``Config(**keys)`` copies a mapping (its keys
    taken literally, not as paths); ``Config.load(path)`` reads a file,
    ``Config.loads(text, format)`` a document in a string, and
    ``gocfg.load(...)`` merges layers with their provenance.

    Values are None, bool, int (any size, up to 4300 digits), float (inf
    and nan too), str, datetime.datetime, datetime.date, datetime.time,
    list and dict. Subscripts take dot paths:
    ``cfg["server.port"]``, ``cfg["servers.0.host"]``; a key holding a dot
    is reached with a tuple path, ``cfg[("a.b", "c")]``, or a quoted segment,
    ``cfg['"a.b".c']``. Reading a map gives a live :class:`Section`, reading
    a list gives a plain list (a copy). ``len``, iteration and ``keys()``
    are about the top-level keys.

    The data lives in the Go library behind one handle. ``close()``
    releases it; so do ``with`` and garbage collection. Using a closed
    Config raises :class:`gocfg.ClosedError`.
    """

    # _hid: the handle as an int, for gocfg._hot (which cannot read a cffi
    # pointer); set with _h and kept after close() (a freed handle is never
    # valid again, so a call with it fails and Python reports the close).
    __slots__ = ("_h", "_hid", "_ver", "_cache", "__weakref__")
    _what = "gocfg.Config"
    # The class a pickle or a copy of this Config has (None: its own).
    _pickled_as: ClassVar[Optional[type]] = None

    @property
    def _cfg(self) -> "Config":
        return self

    def __init__(self, data: Any = None, /, **kwargs: Any) -> None:
        self._fresh()
        self._h = None
        self._prefix = b""
        if isinstance(data, (str, bytes, os.PathLike)):
            # dict() would say "dictionary update sequence element #0 has
            # length 1": the likely meaning is a file, or a document (not
            # quoted: a document may hold a password).
            raise TypeError(f"Config() takes a mapping, not a {type(data).__name__}: "
                            "read a file with gocfg.Config.load(path), a document held in a string "
                            "with gocfg.Config.loads(text, format)")
        _capi.config_new(self._attach)
        if data is not None or kwargs:
            try:
                self.update(data if data is not None else {}, **kwargs)
            except BaseException:
                self.close()
                raise

    @classmethod
    def _adopt(cls, h: Any, hid: Optional[int] = None) -> "Config":
        """Wrap a handle the library just created (``hid``: the same handle
        as an int, when the caller has it; see _attach)."""
        self = cls.__new__(cls)
        _set_prefix(self, b"")
        self._attach(h, hid)
        return self

    def _keep_layer_masks(self, data: bytes, views: List[Tuple[str, Any, int]], append: bool) -> None:
        """_mark_layer_masks for sources.merge_mapping, which this module
        imports (so it cannot import this one)."""
        _mark_layer_masks(self, data, views, append)

    def _attach(self, h: Any, hid: Optional[int] = None) -> None:
        # The read cache, in one slot: (cell, version, {key: value}). It is
        # valid while the library's change counter for this config, which
        # Python reads from library memory without a call (`cell`, from
        # gocfg_config_version_cell, kept in _ver too), still shows
        # `version`. One slot, so that a cached read loads one attribute:
        # each load costs ~20 ns more than it would, for __getattr__'s sake
        # (see Section.__getattr__). Only immutable values are kept.
        # (The slots' own setters: Section.__setattr__, there for keys,
        # only passes "_" names on, at ~0.4 µs each, a quarter of what
        # wrapping a loaded document cost in Python; a slot's setter costs
        # half of object.__setattr__, which looks the slot up by name.)
        if hid is None:  # a database load reads it from its output cell (~0.3 µs less)
            hid = _capi.handle_int(h)
        # The counter's cell is asked for when a read first starts a cache
        # (_counter): a Config loaded, turned into a dict or saved and
        # closed never needs it, and asking cost ~1 µs of a small Database
        # load's ~13.
        _set_ver(self, None)
        self._cache: Tuple[Any, int, Dict[Any, Any]]
        _set_cache(self, _NEVER)
        self._hid: int
        _set_hid(self, hid)
        _set_h(self, h)
        # Known to the fork hook (weakly), which snapshots it before a fork;
        # close() and __del__ take it out again (see _snapshot.live).
        _live[id(self)] = _ref(self)

    def _counter(self) -> Any:
        """The library's change counter for this config, as a one-item
        view read without a call (gocfg_config_version_cell), asked for
        once. A closed Config gets a cell no cache is labelled with: the
        read that asked then finds it closed."""
        cell = self._ver
        if cell is None:
            h = self._h
            if h is None:
                return _NEVER[0]
            # Two threads may both ask: the library gives both the same cell.
            cell = _capi.version_cell(self, h, self._hid)
            _set_ver(self, cell)
        return cell

    # ----------------------------------------------------------- lifecycle

    def _release(self, h: Any) -> None:
        _set_cache(self, _NEVER)
        _config_free(h)

    def close(self) -> None:
        """Release the Go-side configuration. Calling it again does nothing."""
        # Handle.close's steps, in its order (free, then forget: see there),
        # with the slots set through their descriptors: Section.__setattr__
        # costs ~0.4 µs a name, a tenth of what a small Database load's
        # Config cost to make and close.
        h = self._h
        if h is None:
            return
        self._release(h)
        _set_h(self, None)
        _live.pop(id(self), None)
        # Again, now that _h is None: a read on another thread that
        # installs a new cache checks _h after installing it (see
        # __getitem__), so one installed after this sees _h None and drops
        # it, and one installed before is overwritten here. Either way no
        # cache outlives the close.
        _set_cache(self, _NEVER)

    def __del__(self) -> None:
        # Out of the fork registry whatever happens next: Handle.__del__
        # leaves the handle alone at shutdown and in a forked child. A
        # closed Config (the usual case: close() or `with`) has nothing
        # more to do, and stops here without Handle.__del__'s frame.
        try:
            _live.pop(id(self), None)
            if self._h is None:
                return
        except Exception:  # a Config whose making failed before _h was set
            return
        Handle.__del__(self)

    def _target(self) -> Tuple["Config", Any, bytes]:
        return self, self._handle(), b""

    # --------------------------------------------------- layers, lifecycle

    def freeze(self) -> "Config":
        """Make this Config read-only for good: every change (``cfg[k] =
        v``, ``del``, ``update()``, ``clear()``, through a Section too)
        raises gocfg.FrozenError, in Go as in Python. Returns self.
        ``copy()`` gives a mutable copy."""
        _capi.config_freeze(self, self._handle())
        return self

    @property
    def frozen(self) -> bool:
        """Whether freeze() was called."""
        return _capi.config_is_frozen(self, self._handle())

    def resolve(self) -> "Config":
        """Replace every ${...} reference by its value, at once (reads
        resolve them anyway; this makes it permanent, and reports a bad
        reference now). Raises InterpolationError, changing nothing, when
        one does not resolve. Returns self."""
        _capi.config_resolve(self, self._handle())
        return self

    def add_layer(self, source: Any, *, lists: str = "replace") -> bool:
        """Merge one more source (a path, gocfg.File, gocfg.Text, a mapping
        or a Config) over this config, recording its provenance. Returns
        False when an optional file was missing."""
        self._handle()
        return _sources.add_layer(self, source, lists=lists)

    def diff(self, other: Any) -> Diff:
        """The differences from this config to other (a Config or any
        mapping), comparing what reads give (references resolved): a
        gocfg.Diff with ``added``, ``removed`` and ``changed`` paths."""
        self._handle()  # a closed config is refused before other is converted
        tmp = None
        if not isinstance(other, Config):
            if isinstance(other, (Section, Mapping)):
                tmp = other = Config(other.to_dict() if isinstance(other, Section) else other)
            else:
                raise TypeError(f"diff() needs a Config or a mapping, not {type(other).__name__}")
        def compare(a: Config, b: Config) -> Tuple[Any, FrozenSet[Tuple[str, ...]]]:
            # The masks come from other calls than the rows: read from one
            # state of both (see _steady), as a display is.
            rows = decode_value(_capi.config_diff(a, a._handle(), b._handle()))
            return rows, (a._hidden() | b._hidden() if rows else frozenset())

        def on_copies() -> Tuple[Any, FrozenSet[Tuple[str, ...]]]:
            with self.copy() as a, other.copy() as b:
                return compare(a, b)
        try:
            rows, hidden = _steady((self, other), lambda: compare(self, other), on_copies)
        finally:
            if tmp is not None:
                tmp.close()
        return _provenance.Diff([_provenance.Change(*r) for r in rows], hidden)

    def __eq__(self, other: object) -> bool:
        # Compared in Go when both are Configs: NaN equals NaN and an
        # offset datetime equals itself, as the library's Equal says.
        if other is self:
            return True
        if isinstance(other, Config) and self._h is not None and other._h is not None and _capi.usable():
            return not self.diff(other)
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        # The whole state through the library's serializer: data (references
        # unresolved), provenance, settings and the frozen flag survive; the
        # environment snapshot does not (it may hold any secret of this
        # process): the unpickled config reads its own process's.
        state = _capi.config_serialize(self, self._handle())
        cls = self._pickled_as or type(self)
        if cls is Config:
            return (_restore, (state,))
        # A subclass of the user's comes back as itself, with the attributes
        # it set (as copy.copy and pickle keep a dict subclass): it came
        # back as a plain Config, without its methods.
        return (_restore, (state, cls), getattr(self, "__dict__", None) or None)

    # ------------------------------------------- hot paths, without a view

    def __getitem__(self, key: Key) -> Any:
        # A cached read loads one attribute (the cache tuple) and asks
        # nothing else: the closed check is on the miss path, as a closed
        # Config's cache is _NEVER, which never answers.
        #
        # The cache answers only for a key an uncached read would accept,
        # and for that key alone: a plain str is its own cache key; any
        # other key is validated and encoded first and cached under its
        # path's bytes (never equal to a str). Equality alone would let
        # ("l", False) or ("l", 0.0) answer for ("l", 0), and a str
        # subclass with its own __eq__ answer for another key.
        # A membership test then an index, not try/except KeyError: a miss
        # (every read after a write) then costs ~30 ns instead of ~200 for
        # raising and catching the KeyError; a hit costs ~8 ns more.
        cell, version, entries = self._cache
        if type(key) is str:
            if key in entries and cell[0] == version:
                return entries[key]
            # The rest of this path, in C once the library is loaded
            # (_capi.read_str: the Python lines of _read_rest cost more
            # than the Go call). It hands back _RETRY, having cached
            # nothing, for what only Python does (a closed Config, a
            # missing key, a key UTF-8 cannot encode, a long value, a
            # failure): _read_rest then reads again.
            value = _capi.read_str(self, key)
            if value is not _RETRY:
                return value
        return _read_rest(self, key)

    # Once the library is loaded these three are replaced by gocfg._hot's
    # methods, made in C: __getitem__ answers an exact str key from the
    # cache or _capi.read_str and calls _read_rest (below) for everything
    # else; __setitem__ writes a str value at a str key without a dot and
    # __contains__ tests a str key themselves, and call _setitem and
    # _contains (below) for everything else. These Python ones serve
    # before that and in a forked child (see _capi, "The item calls").
    def __setitem__(self, key: Key, value: Any) -> None:
        _capi.setitem(self, key, value)

    def __contains__(self, key: object) -> bool:
        return _capi.contains_item(self, key)

    # ---------------------------------------------------------- whole tree

    def clear(self) -> None:
        """Remove every key, in one call."""
        _capi.config_clear(self, self._handle())

    def copy(self) -> "Config":
        """An independent deep copy (a new handle)."""
        return _capi.config_copy(self, self._handle(), Config._adopt)

    # -------------------------------------------------------------- formats

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"], format: Optional[str] = None, *,
             yaml: Optional[str] = None) -> "Config":
        """Read a file. The format comes from the extension unless given:
        json, yaml (.yml), toml, env (.env, .env.*), ini (.ini, .cfg,
        .editorconfig), jsonc, properties, hcl (.tf, .tfvars), or a reading
        mode such as "ini-case" or "toml-1.0". ``yaml="1.1"`` reads a YAML
        file with YAML 1.1's types (Ansible's yes/no, 0755 octal); "1.2" is
        the default; either is an error for a file that is not YAML. A
        .env file's ``${VAR}`` references expand from the file alone (a
        read never depends on the process environment; gocfg.load() with
        the file as a source expands from the environment)."""
        name = _args.text_arg(path, "file name")
        fmt = _args.yaml_format(format, yaml, os.fsdecode(path))
        return _capi.config_load(name, fmt, _sources.file_is_big(name), cls._adopt)

    @classmethod
    def loads(cls, text: Union[str, bytes], format: str, *, yaml: Optional[str] = None) -> "Config":
        """Parse a document held in a string (``yaml=`` as for load())."""
        if format is None:
            raise TypeError("loads() needs a format: one of " + ", ".join(_args.formats()))
        data = _args.text_arg(text, "text")
        fmt = _args.yaml_format(format, yaml)
        try:
            return _capi.config_loads(data, fmt, cls._adopt)
        except ParseError as e:
            # Config.loads("app.yaml", "yaml") parses the name as a
            # document. Named only when it is a file (a document may hold
            # a password).
            if isinstance(text, str) and len(text) < 4096 and "\n" not in text and os.path.isfile(text):
                raise ParseError(f"{e}: loads() parses the text it is given, and {text!r} is a file name: "
                                 "read the file with Config.load(path)", e.filename, e.line, e.column) from None
            raise

    @classmethod
    def load_all(cls, path: Union[str, "os.PathLike[str]"], format: Optional[str] = None, *,
                 yaml: Optional[str] = None) -> List["Config"]:
        """One Config per document of a file (a YAML stream; any other
        format gives one). Every document's root must be a mapping: one that
        is not raises gocfg.TypeMismatchError naming its index (counting
        from 0), and no Config is returned. An empty document gives an empty
        Config. ``format`` and ``yaml`` as for load()."""
        return _configs(_documents.read_all(path, format, yaml=yaml), os.fsdecode(path))

    @classmethod
    def loads_all(cls, text: Union[str, bytes], format: str, *, yaml: Optional[str] = None) -> List["Config"]:
        """load_all() for a document held in a string."""
        return _configs(_documents.reads_all(text, format, yaml=yaml), "the text")

    def dumps(self, format: str, *, resolve: bool = True) -> str:
        """The whole config as a document in the given format, with
        ``${...}`` references resolved as reads and ``to_dict()`` give them;
        ``resolve=False`` writes them as stored, as ``save()`` does."""
        h = self._handle()
        if format is None:
            raise TypeError("dumps() needs a format: one of " + ", ".join(_args.formats()))
        fmt = _args.format_arg(format)
        text = _capi.config_dump(self, h, fmt).decode("utf-8")
        if not resolve or "${" not in text:
            return text  # no reference anywhere: the stored form is the resolved one
        # A reference may be there (or a "${" that is plain text): what reads
        # give, written by the same codec. to_dict() of a Config that does
        # not interpolate is its stored data, so the text is the same then.
        with Config(self.to_dict()) as resolved:
            return _capi.config_dump(resolved, resolved._handle(), fmt).decode("utf-8")

    def save(self, path: Union[str, "os.PathLike[str]"], format: Optional[str] = None, *,
             private: Optional[bool] = None) -> None:
        """Write the config to a file atomically (temporary file, fsync,
        rename): a crash leaves the old file or the new one. The file keeps
        the mode (and, where the process may set them, the owner and group)
        of the one it replaces; ``private=True`` makes it 0600. By default
        (``private=None``) a new file is created 0600 when the config holds
        a secret (a secret key, see gocfg.secrets; a value from a secrets
        directory; one that interpolates a secret), else with the umask's mode (0644
        under the usual 022). A symbolic link is followed: the file it
        leads to is replaced and the link stays. See the README, "Formats"."""
        h = self._handle()
        name = _args.text_arg(path, "file name")
        if private is None:
            # exists(), not lexists(): a dangling link's file is a new one.
            private = not os.path.exists(name) and self._holds_secrets()
        fmt = _args.format_arg(format)
        _capi.config_save(self, h, name, fmt, private)

    def to_json(self, *, resolve: bool = True) -> str:
        """The whole config as a JSON document (``resolve`` as for dumps())."""
        return self.dumps("json", resolve=resolve)

    def _holds_secrets(self) -> bool:
        # Secrets by key name, and values masked whatever their key: read
        # from a secrets directory, or interpolating a secret.
        rows = self._explain()
        return _secrets.holds_secrets(rows) or bool(rows and self._hidden())

    def __repr__(self) -> str:
        if self._h is None:
            return "<gocfg.Config (closed)>"
        frozen = " frozen" if self.frozen else ""
        return f"<gocfg.Config{frozen} {_preview(self)}>"

    # IPython's pretty printer prefers a class's own __repr__ to an
    # inherited _repr_pretty_: name it here too.
    _repr_pretty_ = Section._repr_pretty_


# The hot calls, as module globals (the cheapest lookup).
_set_cache = Config.__dict__["_cache"].__set__
_set_h = Config.__dict__["_h"].__set__
_set_hid = Config.__dict__["_hid"].__set__
_set_ver = Config.__dict__["_ver"].__set__
_set_prefix = Section.__dict__["_prefix"].__set__
_config_free = _capi.config_free
_live = _snapshot.live
_ref = weakref.ref
# The read cache that never answers (see _snapshot.NEVER).
_NEVER = _snapshot.NEVER
_RETRY = _capi._RETRY
_config_set_text = _capi.config_set_text


def _read_rest(cfg: Config, key: Key) -> Any:
    """Config.__getitem__ past its cache and _capi.read_str: every read
    they do not answer (a key other than an exact str, a missing key, a
    closed Config, a long value, a key UTF-8 cannot encode), read again
    here through cffi, raising what it must. gocfg._hot's __getitem__
    calls it for the same reads."""
    cell, version, entries = cfg._cache
    ckey: Any
    if type(key) is str:
        ckey = key
        try:
            p = key.encode()
        except UnicodeEncodeError:
            p = encode_path(key)  # raises with a clear message
    else:
        p = ckey = encode_path(key)
        if ckey in entries and cell[0] == version:
            return entries[ckey]
    if cell[0] != version:
        # A new cache, labelled with the counter as it is now. Through
        # the slot itself: Section.__setattr__ (refusing keys as
        # attributes) would cost a Python call on this path.
        cell = cfg._counter()
        entries = {}
        _set_cache(cfg, (cell, cell[0], entries))
    # Closed? Checked after installing a cache, so that a close on
    # another thread cannot leave one behind: close() clears _h, then
    # installs _NEVER; a cache installed after that is seen here, with
    # _h None, and dropped.
    h = cfg._h
    if h is None:
        _set_cache(cfg, _NEVER)
        raise cfg._closed_error()
    value = _capi.read_item(cfg, h, p, _MISSING, _marshal_loads)
    if value is _MISSING:
        raise _missing(cfg, p, key)
    if type(value) is tuple:
        value = fix_times(value)
    elif value is Ellipsis:  # a map: the library sends no contents, we give a view
        return Section(cfg, p)
    # Labelled with the version read *before* the call: if a writer got
    # in between, the counter has moved on and the entry is never used.
    _remember(entries, ckey, value)
    return value


def _read_finish(cfg: Config, p: bytes, key: str, entries: Dict[Any, Any], value: Any) -> Any:
    """The end of Config.__getitem__ for a value that _capi.read_str read
    but that is not a plain scalar: the same steps, in the same order."""
    if type(value) is tuple:
        value = fix_times(value)
    elif value is Ellipsis:
        return Section(cfg, p)
    _remember(entries, key, value)
    return value


_capi.hot_reads(_read_finish, _read_rest, _CACHE_ENTRIES)
_config_contains = _capi.config_contains

# Config's __setitem__ and __contains__ in Python: the whole behaviour,
# which gocfg._hot takes a shortcut through for the common case and calls
# for every other (registered with _capi.hot_items below).

def _setitem(self: Config, key: Key, value: Any) -> None:
    h = self._h
    if h is None:
        raise self._closed_error()
    try:
        p = key.encode() if type(key) is str else encode_path(key)
    except UnicodeEncodeError:
        p = encode_path(key)  # raises with a clear message
    if not p:
        _own_path(key)  # raises: the empty path is the Config itself
    if type(key) is not str or ("." in key and _NUMBERED(key) is not None):
        # Only a segment below the top can read as a list index whose
        # map must exist: a key without a separator needs no check, and
        # the `in` test (~15 ns) spares it the regex search (~140).
        _set_checked(self, h, b"", p, key, value)
        return
    if type(value) is str:
        # The most common write: a string value, as it is.
        try:
            v = value.encode()
        except UnicodeEncodeError:
            pass  # the wire path reports the surrogate, naming the path
        else:
            try:
                _config_set_text(self, h, p, v)
            except KeyNotFoundError as e:  # a list index out of range
                raise _located(self, p, key, e) from None
            return
    try:
        _set(self, h, p, value)
    except KeyNotFoundError as e:
        raise _located(self, p, key, e) from None


def _contains(self: Config, key: object) -> bool:
    h = self._h
    if h is None:
        raise self._closed_error()
    if type(key) is str:
        try:
            return _config_contains(self, h, key.encode())
        except UnicodeEncodeError:
            pass  # encode_path raises with a clear message
    elif not isinstance(key, (str, tuple)):
        return False  # as a dict of str keys answers
    return _config_contains(self, h, encode_path(key))


_capi.hot_items(Config, _contains, _setitem)


def _stored_tree(cfg: "Config", path: str) -> Dict[str, Any]:
    """The map at path as stored: ``${...}`` references unresolved (from
    the library's serialized state, which holds the tree as stored)."""
    state = decode_value(_capi.config_serialize(cfg, cfg._handle()))
    node = state["root"]
    try:
        for seg in split_path(path) if path else ():
            node = _index.step(node, seg)
    except (KeyError, TypeError):  # the map was removed or replaced since the Section was made
        raise _missing(cfg, path.encode(), path) from None
    return node  # type: ignore[no-any-return]


def _configs(docs: List[Any], source: str) -> List["Config"]:
    for i, root in enumerate(docs):
        if root is not None and not isinstance(root, dict):
            raise TypeMismatchError(f"{source}: document {i} is {_typed.a_type(root)}, not a mapping: "
                                    f"a Config holds a mapping (gocfg.read_all() reads any root)")
    out: List["Config"] = []
    try:
        for root in docs:
            # An empty document (None) is an empty Config, as an empty file
            # loads as one.
            out.append(Config(root) if root else Config())
    except BaseException:
        for cfg in out:
            cfg.close()
        raise
    return out


# gocfg.load_all() and gocfg.loads_all(): Config's own (the module
# functions read better in scripts), written out so that type checkers see
# their parameters.
def load_all(path: Union[str, "os.PathLike[str]"], format: Optional[str] = None, *,
             yaml: Optional[str] = None) -> List[Config]:
    """One Config per document of a file: see Config.load_all()."""
    return Config.load_all(path, format, yaml=yaml)


def loads_all(text: Union[str, bytes], format: str, *, yaml: Optional[str] = None) -> List[Config]:
    """One Config per document of a string: see Config.loads_all()."""
    return Config.loads_all(text, format, yaml=yaml)


def _restore(state: bytes, cls: type = Config) -> Config:
    """Unpickle a Config (see Config.__reduce__), as ``cls``."""
    if not (isinstance(cls, type) and issubclass(cls, Config)):
        raise TypeError(f"a pickled gocfg.Config names {cls!r} as its class, which is not a gocfg.Config")
    return _capi.config_deserialize(state, _args.environ_arg(None), cls._adopt)


def _section_state(section: "Section") -> bytes:
    """A Section as the serialized state of a Config of its own: its
    values as read, with no origins (as Config(data) records none), except
    for the values the Section masks besides those named like secrets (see
    _secret_entries). So the copy masks what the Section masked. Only
    those few values are asked about: a pickle of a small Section costs
    the same in a config of any size."""
    def state(everything: bool) -> bytes:
        data = section.to_dict()
        if not isinstance(data, dict):
            # Refused here, not when unpickled: in a Pool's worker an error
            # while unpickling a task kills the worker.
            raise TypeMismatchError(f"{section.path}: {_no_longer_a_map(data)}: the Section cannot be pickled")
        masked: List[Tuple[str, ...]] = [()] if everything else _masked_in(section)
        return _copy_state(_marshal_loads(encode_value(data, "")), _secret_entries(section, data, (), masked))
    return _steady((section._cfg,), lambda: state(False), lambda: state(True))


# How many times a copy or a display reads a config that keeps changing
# under it before it falls back (to masking all, to a copy).
_TRIES = 4


def _steady(cfgs: Tuple["Config", ...], read: "typing.Callable[[], T]",
            fallback: "typing.Callable[[], T]") -> T:
    """read() from one state of cfgs: what it reads by separate calls
    (values, then what to mask) must not straddle a change made in
    between by another thread or a watched config's reload, where a value
    read before would be shown with the masks of after. So it is read
    again while a change counter moves; under writes that never stop,
    fallback() (which reads a copy, or masks all) is what is returned."""
    for _ in range(_TRIES):
        before = [cfg._counter()[0] for cfg in cfgs]
        out = read()
        if [cfg._counter()[0] for cfg in cfgs] == before:
            return out
    return fallback()


def _on_copy(section: "Section", read: "typing.Callable[[Section], T]") -> T:
    """read() of the same Section of a copy of its config, which no other
    thread changes."""
    cfg = section._cfg
    with cfg.copy() as still:
        return read(still if section is cfg else Section(still, section._prefix))


def _mark_layer_masks(cfg: "Config", data: bytes, views: List[Tuple[str, Any, int]], append: bool) -> None:
    """After a layer merged data (encoded with views, the Configs and
    Sections it copied), give the values they masked besides those named
    like secrets (a secrets directory's, one that interpolated a secret)
    their "secret" origins in cfg, as a write of a Section does (see
    _grafted): the values as read are plain text in the layer. Only the
    paths to those values are grafted again, with the values the layer
    just wrote; under lists="append" a list on such a path is left alone
    (grafted whole, it would drop the items the layer appended to)."""
    state = _grafted(data, views, "")
    if state is None:
        return
    full = marshal.loads(state)
    pruned: Dict[str, Any] = {}
    entries = []
    for entry in full["provenance"] or ():
        segs = entry[0]
        src: Any = full["root"]
        dst: Any = pruned
        for i, seg in enumerate(segs):
            if isinstance(src, list):
                break
            src = src[seg]
            if i == len(segs) - 1 or not isinstance(src, dict):
                if isinstance(src, list) and append and i < len(segs) - 1:
                    dst = None
                else:
                    dst[seg] = src
                break
            dst = dst.setdefault(seg, {})
        if dst is not None and segs:
            entries.append(entry)
    if entries:
        _capi.config_graft(cfg, cfg._handle(), b"", _copy_state(pruned, entries), True)


def _copy_state(root: Dict[str, Any], provenance: List[Any]) -> bytes:
    """The serialized state of a Config holding root (as the wire has it:
    dates tagged) with the origins of provenance only."""
    return marshal.dumps({"gocfg_state": 1, "root": root, "frozen": False, "interpolate": False,
                          "parse_env": False, "provenance": provenance or None, "next_layer": 1}, 2)


def _grafted(data: bytes, views: List[Tuple[str, Any, int]], where: str, everything: bool = False,
             key: Optional[str] = None) -> Optional[bytes]:
    """The state gocfg_config_graft takes for a value (encoded: data) to be
    written at where, when Configs or Sections copied into it (views:
    their paths) mask values besides those named like secrets; else None,
    and the value is written as it is. The state's root is a map: a value
    that is not one (a list holding a Section) is put under ``key``, or
    without a key written as it is. ``everything`` masks every value of
    the views."""
    base = len(split_path(where)) if where else 0
    root: Any = None
    under: Tuple[str, ...] = ()
    provenance: List[Any] = []
    for at, view, _ in views:
        masked: List[Tuple[str, ...]] = [()] if everything else _masked_in(view)
        if not masked:
            continue
        if root is None:
            root = _marshal_loads(data)  # dates stay in their tagged form
            if not isinstance(root, dict):
                if key is None:
                    return None
                root, under = {key: root}, (key,)
        segs = under + tuple(split_path(at))[base:] if at else under
        node = root
        for seg in segs:
            node = _index.step(node, seg)
        provenance.extend(_secret_entries(view, node, segs, masked))
    if root is None:
        return None
    return _copy_state(root, provenance)


def _secret_entries(section: "Section", data: Any, at: Tuple[str, ...],
                    masked: List[Tuple[str, ...]]) -> List[Any]:
    """Provenance entries, as a serialized state holds them, for the values
    of section (its values as read: data, copied to at) that it masks
    besides those named like secrets (masked, from _masked_in): a value
    read from a secrets directory keeps its "secret" origin, and one that
    interpolates a secret, plain text in the copy, gets a "secret" origin
    named gocfg.secrets.INTERPOLATED_SECRET."""
    secret = next(k for k, name in _capi.consts().origin_kinds.items() if name == "secret")
    base = tuple(split_path(section.path)) if section.path else ()
    out = []
    for under in masked:
        for segs in _leaves_under(data, under):
            try:
                origin = section._cfg.origin((*base, *segs))
            except KeyNotFoundError:
                origin = None  # deleted by another thread since it was read: masked all the same
            if origin is not None and origin.kind == "secret":
                entry = [secret, origin.name, 0, 0, 0]
            else:
                entry = [secret, _secrets.INTERPOLATED_SECRET, 0, 0, 0]
            out.append([[*at, *segs], [entry]])
    return out


def _masked_in(section: "Section") -> List[Tuple[str, ...]]:
    """The paths, relative to the Section, of the values it masks besides
    those named like secrets (Section._hidden: from a secrets directory,
    or interpolating a secret), shortest first; () when the whole Section
    lies under such a value."""
    base = tuple(split_path(section.path)) if section.path else ()
    out = []
    for full in section._hidden():
        if full[:len(base)] == base:
            out.append(full[len(base):])
        elif base[:len(full)] == full:
            out.append(())
    return sorted(set(out), key=len)


def _saved_tree(section: "Section") -> Dict[str, Any]:
    """What Database.save() stores of a Section: its values as read (its
    references may lead outside it), except the values it masks as
    interpolating a secret, which keep their templates as a Config's save
    does: no resolved secret is stored. Read from one state of the config
    (see _steady)."""
    return _steady((section._cfg,), lambda: _section_tree(section), lambda: _on_copy(section, _section_tree))


def _section_tree(section: "Section") -> Dict[str, Any]:
    data = section.to_dict()
    if interpolates(section._cfg):
        # Values as read: a "${" in them is text ("$${x}" read "${x}", or a
        # variable's value), stored as the template that reads back as that
        # text, as a whole Config's save stores it; stored as read, a load
        # with interpolate=True took it for a reference.
        data = escape_refs(data)
    masked = _masked_in(section)
    if not masked:
        return data
    if () in masked:
        raise InvalidArgumentError(f"{section.path}: this map is the value of a reference that interpolates a "
                                   "secret, so it is not stored resolved: save the map it refers to, or its "
                                   "to_dict() to store the values")
    stored = section.to_dict(resolve=False)
    for segs in masked:
        parent, template = data, stored
        try:
            for seg in segs[:-1]:
                parent = _index.step(parent, seg)
            for seg in segs:
                template = _index.step(template, seg)
            if isinstance(parent, list):
                i = _index.list_index(segs[-1], len(parent))
                if i < 0:
                    continue
                parent[i] = template
            else:
                parent[segs[-1]] = template
        except (KeyError, IndexError, ValueError, TypeError):
            continue  # under a template put back already
    return data


def _leaves_under(data: Any, segs: Tuple[str, ...]) -> List[Tuple[str, ...]]:
    """The paths (relative, as the provenance has them) of the values at
    or under segs in data that are not maps: what a "secret" origin masks."""
    node = data
    for seg in segs:
        try:
            node = _index.step(node, seg)
        except (KeyError, IndexError, ValueError, TypeError):
            return []
    out = []
    todo = [(node, segs)]
    while todo:
        v, at = todo.pop()
        if not isinstance(v, dict):
            out.append(at)
        items = v.items() if isinstance(v, dict) else enumerate(v) if isinstance(v, list) else ()
        todo.extend((item, (*at, str(k))) for k, item in items)
    return out


def _restore_dict(data: Dict[str, Any]) -> Config:
    """Unpickle a Section pickled by an earlier version (see
    Section.__reduce__) as a Config. In a child
    forked after the library was loaded, a new Config cannot be made, and
    an error while unpickling a fork Pool's task kills the worker (the
    Pool then waits forever): there the data becomes a read-only snapshot
    Config instead."""
    if _capi.usable():
        return Config(data)
    state = {"gocfg_state": 1, "root": data, "frozen": False, "interpolate": False,
             "parse_env": False, "provenance": None}
    return _restore(encode_value(state, ""))


def stats() -> Dict[str, int]:
    """Return the library's leak counters.

    ``live_handles`` counts objects not yet closed, ``outstanding_buffers``
    and ``outstanding_bytes`` memory handed to Python and not yet released,
    ``outstanding_errors`` error records not yet released, ``goroutines``
    the Go goroutines running (work in flight).
    """
    return _capi.stats()
