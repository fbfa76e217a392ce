"""The library's stand-in in a process created by os.fork().

The Go runtime does not survive fork(): its threads exist only in the
parent, so a call into the library from the child would hang. Just before
a fork, the parent takes a snapshot of every live Config (gocfg._snapshot:
the library's own serialized state, and the resolved tree when references
need resolving). In the child, gocfg._native puts a :class:`ForkedLibrary`
where the library was. It answers the read calls of gocfg.h from those
snapshots in pure Python, with the same statuses, error records, buffers
and wire format as the library, so everything above the binding (Config,
Section, typed getters, to(), origin/history/explain, repr) works
unchanged and nothing in the child ever calls Go. Every other call (writes,
saves, new Configs, databases, watches) raises ForkedProcessError naming
the fix; freeing a handle does nothing (it belongs to the parent).

It does not call the library. It uses the cffi ``ffi`` only to fill in the
out-parameters (buffers, error records, origins) that the binding reads
exactly as it reads the library's, and it reads the ``GOCFG_*`` constants
from the compiled extension (numbers stored there, not calls).

The path grammar and the lookup rules are Go's (gocore/value ParsePath and
Lookup, gocore/layer Provenance.History, gocore/store Explain); the copies
here are small and are checked against the library, path by path, in
tests/system/test_fork.py.
"""
from __future__ import annotations

import datetime as dt
import marshal
import threading
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

from ._index import list_index
from .errors import ForkedProcessError

# "Create configs after the fork" alone misled: a gunicorn worker that
# loads its config at import does just that, and is refused because the
# master used gocfg first (in gunicorn.conf.py, say). What matters is the
# parent's first use, so the fix names it.
_FIX = ("start the worker processes with multiprocessing's 'spawn' or 'forkserver' method "
        "(multiprocessing.get_context('spawn'); 'forkserver' only if no module that "
        "set_forkserver_preload() names uses gocfg, as the server forks each worker); "
        "or have the parent make no gocfg call before it forks "
        "(a gunicorn master makes them when gunicorn.conf.py, or an app loaded with --preload, uses gocfg), "
        "so that each process loads its configs after the fork; or load them in the parent before the "
        "fork and only read them after it")

def forked_error(what: str) -> ForkedProcessError:
    return ForkedProcessError(
        f"{what} in a process created by os.fork() after the parent had loaded gocfg: the Go runtime "
        f"does not survive fork, so the Configs that existed at the fork are read-only snapshots there; "
        f"to do more, {_FIX}")


# What a refused call was doing, by the words in its name (first match).
_REFUSED = (
    (("dump",), "cannot write a Config as a document (dumps(); to_dict() works)"),
    (("save",), "cannot save a Config"),
    (("diff",), "cannot compare Configs with diff()"),
    (("config_new", "config_load", "config_loads", "layered_new", "copy"), "cannot create a Config"),
    (("set", "delete", "merge", "clear", "freeze", "resolve", "layer"), "cannot change a Config"),
    (("db",), "cannot open or use a Database or a Watch"),
    (("live",), "cannot load a watched Config (watch=True) or a gocfg.Stored source"),
    (("read_all", "reads_all"), "cannot read documents (load_all(), loads_all())"),
    (("stats",), "cannot read the library's counters"),
    (("cancel",), "cannot open a Database or read a large document"),
)


def _refuse(name: str) -> ForkedProcessError:
    for words, what in _REFUSED:
        if any(w in name for w in words):
            return forked_error(f"{what} ({name})")
    return forked_error(f"cannot call the library ({name})")


class Snapshot(NamedTuple):
    """What the parent keeps of one Config for a child forked next.

    ``state`` is gocfg_config_serialize's output (the tree with references
    unresolved, provenance, settings). ``resolved`` is gocfg_config_export
    of the root when the tree holds references (else None: the tree is what
    reads give), in the wire format; ``errors`` maps the paths (tuples of
    segments) whose references did not resolve to (status, message).
    ``version`` and ``frozen`` say when the snapshot is stale.
    """

    version: int
    frozen: bool
    state: bytes
    resolved: Optional[bytes]
    errors: Dict[Tuple[Any, ...], Tuple[int, str]]


# --------------------------------------------------------------- paths

class _Status(Exception):
    """A failed call inside the stand-in: the status and the error message."""

    def __init__(self, name: str, message: str, path: Optional[str] = None) -> None:
        super().__init__(message)
        self.name = name
        self.message = message
        self.path = path


# The path syntax (separator, quote, escape) and the nesting limit: read
# from the library's constants when the stand-in is made (see
# ForkedLibrary), as the binding reads them; these are their values.
_SEP, _QUOTE, _ESC = ".", '"', "\\"
_MAX_DEPTH = 1000


def parse_path(p: str) -> List[str]:
    """Split a path into its segments, as gocore/value.ParsePath does."""
    if p == "":
        return []
    sep, quote, esc = _SEP, _QUOTE, _ESC
    segs: List[str] = []
    i, n = 0, len(p)
    while True:
        if i < n and p[i] == quote:
            buf: List[str] = []
            i += 1
            while True:
                if i >= n:
                    raise _bad_path(p, "unterminated quoted segment")
                c = p[i]
                if c == esc:
                    if i + 1 >= n or (p[i + 1] != quote and p[i + 1] != esc):
                        raise _bad_path(p, f"bad escape at offset {_offset(p, i)} "
                                        f"(only {esc}{quote} and {esc}{esc} are allowed)")
                    buf.append(p[i + 1])
                    i += 2
                    continue
                if c == quote:
                    i += 1
                    break
                buf.append(c)
                i += 1
            segs.append("".join(buf))
        else:
            j = p.find(sep, i)
            seg = p[i:] if j < 0 else p[i:j]
            if seg == "":
                raise _bad_path(p, f"empty segment at offset {_offset(p, i)} "
                                f"(quote it as {quote}{quote} to mean an empty key)")
            if quote in seg:
                raise _bad_path(p, "a double quote may only open a quoted segment")
            segs.append(seg)
            i += len(seg)
        if i == n:
            return segs
        if p[i] != sep:
            raise _bad_path(p, f"expected '{sep}' after a quoted segment at offset {_offset(p, i)}")
        i += 1
        if i == n:
            raise _bad_path(p, f"path ends with '{sep}'")


def _offset(p: str, i: int) -> int:
    return len(p[:i].encode("utf-8"))  # Go counts bytes


def _bad_path(p: str, why: str) -> _Status:
    return _Status("INVALID_ARGUMENT", f"invalid path {_go_quote(p)}: {why}")


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
               "\v": "\\v", "\\": "\\\\", '"': '\\"'}


def _go_quote(s: str) -> str:
    """s as Go's %q writes it (the library's messages quote paths so)."""
    out = []
    for ch in s:
        if ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def quote_segment(s: str) -> str:
    """One segment as gocore/value.QuoteSegment writes it."""
    if s and _SEP not in s and _QUOTE not in s and _ESC not in s:
        return s
    return _QUOTE + s.replace(_ESC, _ESC + _ESC).replace(_QUOTE, _ESC + _QUOTE) + _QUOTE


def join_path(segs: Any) -> str:
    return _SEP.join(quote_segment(str(s)) for s in segs)


_TYPE_NAMES = {type(None): "null", bool: "bool", int: "int", float: "float", str: "string",
               list: "list", dict: "map"}
_TIME_NAMES = {"D": "datetime", "L": "local datetime", "d": "date", "t": "time"}


def _type_name(v: Any) -> str:
    if type(v) is tuple:
        return _TIME_NAMES.get(v[0], "datetime")
    return _TYPE_NAMES.get(type(v), type(v).__name__)


def _items(n: int) -> str:
    """gocore/value's Items: "1 item", "3 items"."""
    return "1 item" if n == 1 else f"{n} items"


def _a_type(v: Any) -> str:
    """gocore/value's AType: the type name with its article."""
    name = _type_name(v)
    if name == "null":
        return name
    return ("an " if name[:1] in "aeiou" else "a ") + name


def _lookup(root: Any, segs: List[str]) -> Tuple[Any, Tuple[Any, ...]]:
    """The value at segs and its real path (list indexes as ints)."""
    cur = root
    real: List[Any] = []
    for i, seg in enumerate(segs):
        if type(cur) is dict:
            if seg not in cur:
                raise _Status("NOT_FOUND", f"{join_path(segs)}: no such key", join_path(segs))
            cur = cur[seg]
            real.append(seg)
        elif type(cur) is list:
            j = list_index(seg, len(cur))
            if j < 0:
                raise _Status("NOT_FOUND", f'{join_path(segs)}: {join_path(segs[:i])} is a list of {_items(len(cur))}; '
                              f'{_go_quote(seg)} is not an index in it', join_path(segs))
            cur = cur[j]
            real.append(j)
        else:
            raise _Status("NOT_FOUND", f"{join_path(segs)}: {join_path(segs[:i])} is {_a_type(cur)}, "
                          "not a map or list", join_path(segs))
    return cur, tuple(real)


# --------------------------------------------------------------- the data

# How a tagged date (a 10-tuple led by Ellipsis) starts in marshal's bytes:
# as the library writes it (a small tuple), and as Python's marshal does.
_TAGS = (b")\n.", b"(\n\x00\x00\x00.")


class _Data:
    """A snapshot, decoded in the child on first use, each part only when a
    call needs it: the tree reads give (``load``), the stored tree and the
    settings (``stored``), the provenance (``provenance``)."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.frozen = snap.frozen
        self.cell: Any = None
        self.lock = threading.RLock()
        self.ready = False
        self.stored_ready = False
        self.raw: Any = None      # the stored tree, dates as 9-tuples (the wire's untagged form)
        self.tree: Any = None     # what reads give: references resolved
        self.fixups: List[Tuple[Any, ...]] = []   # where tree holds dates
        self.raw_fixups: List[Tuple[Any, ...]] = []
        self.errors: Dict[Tuple[Any, ...], Tuple[Optional[str], str]] = {}
        self.prov_rows: Optional[List[Any]] = None
        self.prov: Optional[Dict[Tuple[str, ...], List[Any]]] = None
        self.interpolate = False
        self.pickled = False  # unpickled in the child: its tree may hold any tuples
        self.exports: Dict[bytes, bytes] = {}

    def load(self) -> "_Data":
        if self.ready:
            return self
        with self.lock:
            if not self.ready:
                resolved = self.snap.resolved
                if resolved is not None:
                    v = marshal.loads(resolved)
                    if type(v) is tuple:
                        self.tree, self.fixups = v[0], [tuple(f) for f in v[1]]
                    else:
                        self.tree = v
                    self.errors = {k: (_status_name(code), msg) for k, (code, msg) in self.snap.errors.items()}
                else:
                    self.stored()
                    self.tree, self.fixups = self.raw, self.raw_fixups
                self.ready = True
        return self

    def stored(self) -> "_Data":
        if self.stored_ready:
            return self
        with self.lock:
            if not self.stored_ready:
                self._decode_state()
                self.stored_ready = True
        return self

    def _decode_state(self) -> None:
        state = self.snap.state
        st = marshal.loads(state)
        self.interpolate = st.get("interpolate") is True
        self.prov_rows = st.get("provenance")
        root = st["root"]
        # Only a state that was not resolved in the parent (a Config
        # unpickled here) can hold references nothing can resolve.
        unresolved = self.interpolate and self.snap.resolved is None and b"${" in state
        refs: List[Tuple[Any, ...]] = []
        if unresolved or self.pickled or any(tag in state for tag in _TAGS):
            root = _untag(root, self.raw_fixups, refs if unresolved else None)
        self.raw = root
        if refs:
            why = ("a ${...} reference cannot be resolved in a process created by os.fork() after the "
                   "parent had loaded gocfg (this Config was unpickled there, and resolving needs the "
                   "library); call resolve() on the Config before passing it, or " + _FIX)
            self.errors = {r: (None, f"{join_path(r)}: {why}") for r in refs}

    def provenance(self) -> Optional[Dict[Tuple[str, ...], List[Any]]]:
        self.stored()
        if self.prov is None and self.prov_rows is not None:
            with self.lock:
                if self.prov is None:
                    self.prov = {tuple(path): hist for path, hist in self.prov_rows}
        return self.prov

    def check(self, real: Tuple[Any, ...], below: bool) -> None:
        """Raise the error of a reference at or above real (with below, also
        anywhere under it) that did not resolve."""
        n = len(real)
        for path, (name, msg) in self.errors.items():
            if real[:len(path)] == path or (below and path[:n] == real):
                _raise_at(name, msg, join_path(path))

    def find(self, segs: List[str], below: bool = False) -> Tuple[Any, Tuple[Any, ...]]:
        """The value reads give at segs, and its real path. A path through
        a reference that did not resolve gives that reference's error, as
        the resolver does; with below, so does one under the value."""
        if not self.errors:
            return _lookup(self.tree, segs)
        cur: Any = self.tree
        real: Tuple[Any, ...] = ()
        for i, seg in enumerate(segs):
            if real in self.errors:
                self.check(real, False)
            try:
                cur, r = _lookup(cur, [seg])
            except _Status:
                _lookup(self.tree, segs[:i + 1])  # raises, naming the path from the root
                raise
            real += r
        self.check(real, below)
        return cur, real

    def encode(self, v: Any, real: Tuple[Any, ...]) -> bytes:
        """v (found at real in the tree reads give) in the wire format:
        dates as 9-tuples, listed in a fixup list."""
        if type(v) is tuple:
            return marshal.dumps((v, [()]), 2)
        if type(v) is not dict and type(v) is not list:
            return marshal.dumps(v, 2)
        fix = _under(self.fixups, real)
        return marshal.dumps((v, fix) if fix else v, 2)


def _status_name(code: int) -> Optional[str]:
    return _STATUS_NAMES.get(code, "INTERNAL")


_STATUS_NAMES: Dict[int, str] = {}


def _raise_at(name: Optional[str], msg: str, path: str) -> None:
    if name is None:
        raise ForkedProcessError(msg)
    raise _Status(name, msg, path)


def _under(fixups: List[Tuple[Any, ...]], real: Tuple[Any, ...]) -> List[Tuple[Any, ...]]:
    n = len(real)
    if not n:
        return fixups
    return [f[n:] for f in fixups if f[:n] == real]


def _untag(root: Any, fixups: List[Tuple[Any, ...]], refs: Optional[List[Tuple[Any, ...]]]) -> Any:
    """The tagged tree (dates as Ellipsis-led 10-tuples, as serialize and the
    database write them) turned, in place, into the untagged one: dates as
    9-tuples, their paths in fixups. With refs, the paths of strings holding
    a reference are listed there. Iterative: trees nest 1000 levels deep."""
    if type(root) is tuple:
        fixups.append(())
        return root[1:]
    stack: List[Tuple[Any, Tuple[Any, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        items = node.items() if type(node) is dict else enumerate(node)
        for k, v in list(items):
            t = type(v)
            if t is tuple and (not v or v[0] is not Ellipsis):
                v = node[k] = list(v)  # not a date: the library reads it as a list
                t = list
            if t is dict or t is list:
                stack.append((v, path + (k,)))
            elif t is tuple:
                node[k] = v[1:]
                fixups.append(path + (k,))
            elif refs is not None and t is str and "${" in v:
                refs.append(path + (k,))
    return root


# ------------------------------------------------------------ the stand-in

class ForkedHot:
    """gocfg._hot's stand-in in a forked child: every hot call goes back to
    the Python path, which makes it through ForkedLibrary.

    The raw calls answer as a failed library call does (a negative status:
    gocfg._capi then makes the call again with an error cell, here through
    ForkedLibrary), a read answers with the retry marker, and the item
    calls (``key in cfg``, ``cfg[key] = value``) call the Python
    implementations that gocfg._capi registered with setup(). So the
    answers are ForkedLibrary's, and nothing calls Go.
    """

    _AGAIN = -1  # any negative status means "make the call again"

    def __init__(self) -> None:
        self._retry: Any = None
        self._contains: Any = None
        self._setitem: Any = None
        self._read: Any = None

    def setup(self, not_found: int, retry: Any, marshal_loads: Any, contains: Any, setitem: Any, read: Any) -> None:
        self._retry, self._contains, self._setitem, self._read = retry, contains, setitem, read

    def contains(self, hid: int, p: bytes) -> int:
        return self._AGAIN

    def len(self, hid: int, p: bytes) -> int:
        return self._AGAIN

    def set(self, hid: int, p: bytes, data: bytes) -> int:
        return self._AGAIN

    def set_value(self, hid: int, p: bytes, data: bytes) -> int:
        return self._AGAIN

    def read(self, hid: int, p: bytes, missing: Any, load: Any) -> Any:
        return self._retry

    def version_cell(self, hid: int) -> Any:
        return None  # "ask ForkedLibrary", as a failed call says

    def contains_item(self, owner: Any, key: Any) -> Any:
        return self._contains(owner, key)

    def setitem(self, owner: Any, key: Any, value: Any) -> Any:
        return self._setitem(owner, key, value)

    def read_item(self, owner: Any, h: Any, p: bytes, missing: Any, load: Any) -> Any:
        return self._read(owner, h, p, missing, load)



class ForkedLibrary:
    """Answers the read calls of gocfg.h from snapshots; refuses the rest."""

    def __init__(self, real: Any, ffi: Any, snapshots: Dict[int, Snapshot], stale: bool = False) -> None:
        """``stale``: the before-fork hook did not hand snapshots over
        (see gocfg._native): every Config refuses to be read."""
        self._real = real
        self._ffi = ffi
        self._data: Dict[int, _Data] = {} if stale else {k: _Data(s) for k, s in snapshots.items()}
        self._stale = stale
        self._keep: Dict[int, Any] = {}  # our buffers and error records, until freed
        self._next_handle = 0xFFFF_0000_0000_0000
        self._new_lock = threading.Lock()
        self._codes: Dict[str, int] = {n[len("GOCFG_E_"):]: int(getattr(real, n))
                                       for n in dir(real) if n.startswith("GOCFG_E_")}
        _STATUS_NAMES.update({c: n for n, c in self._codes.items()})
        global _SEP, _QUOTE, _ESC, _MAX_DEPTH
        _SEP, _QUOTE, _ESC = chr(real.GOCFG_PATH_SEPARATOR), chr(real.GOCFG_PATH_QUOTE), chr(real.GOCFG_PATH_ESCAPE)
        _MAX_DEPTH = int(real.GOCFG_MAX_DEPTH)

    # The constants are numbers compiled into the extension: reading them
    # calls nothing. Any function this class does not define is refused.
    def __getattr__(self, name: str) -> Any:
        if name.startswith("GOCFG_"):
            value = getattr(self._real, name)
            setattr(self, name, value)
            return value
        raise _refuse(name)

    def __dir__(self) -> List[str]:
        return sorted(set(dir(self._real)) | set(super().__dir__()))

    # ---------------------------------------------------------- plumbing

    def _key(self, p: Any) -> int:
        return int(self._ffi.cast("uintptr_t", p))

    def _fail(self, err: Any, e: _Status) -> int:
        code = self._codes.get(e.name, self._codes.get("INTERNAL", -1))
        if err is not None and err != self._ffi.NULL:
            rec = self._ffi.new("gocfg_error *")
            # As the library writes error records: a NUL (keys may hold one)
            # as the two characters \0, so C strings are not cut short.
            msg = self._ffi.new("char[]", e.message.replace("\0", "\\0").encode("utf-8", "replace"))
            path = (self._ffi.new("char[]", e.path.replace("\0", "\\0").encode("utf-8", "replace"))
                    if e.path else self._ffi.NULL)
            rec.code = code
            rec.message = msg
            rec.path = path
            self._keep[self._key(rec)] = (rec, msg, path)
            err[0] = rec
        return code

    def _begin(self, err: Any) -> None:
        if err is not None and err != self._ffi.NULL:
            err[0] = self._ffi.NULL

    def _put(self, out: Any, data: bytes) -> None:
        mem = self._ffi.new("char[]", data + b"\0")
        out.data = mem
        out.len = len(data)
        self._keep[self._key(mem)] = mem

    def _config(self, h: Any, decode: bool = True) -> _Data:
        d = self._data.get(self._key(h))
        if d is None:
            if self._stale:
                raise forked_error("cannot read a Config whose snapshot was not taken at the fork (os.fork() "
                                   "was interrupted while it took the snapshots, by Ctrl-C say)")
            raise forked_error("cannot use a Config that was not there when the process forked "
                               "(made by another thread during os.fork(), or closed)")
        return d.load() if decode else d

    def _path(self, p: Any, n: int) -> List[str]:
        raw = bytes(p[:n]) if not isinstance(p, bytes) else p[:n]
        try:  # keys may hold NUL, as the library's do; they must be UTF-8
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise _Status("INVALID_ARGUMENT", f"path is not valid UTF-8 (bad byte {raw[e.start]:#x} at offset "
                          f"{e.start})") from None
        return parse_path(text)

    # -------------------------------------------------------- the reads

    def gocfg_config_get_value(self, h: Any, p: Any, n: int, buf: Any, cap: int, err: Any) -> int:
        self._begin(err)
        d = self._config(h)
        try:
            v, real = d.find(self._path(p, n))
            data = b"." if type(v) is dict else d.encode(v, real)
        except _Status as e:
            return self._fail(err, e)
        if len(data) <= cap:
            self._ffi.memmove(buf, data, len(data))
        return len(data)

    def gocfg_config_setdefault(self, h: Any, p: Any, n: int, data: Any, size: int, form: int, existing: Any,
                                existing_len: int, out: Any, err: Any) -> int:
        # A read when a value is there (as setdefault() was before it was
        # one library call); storing one is refused, as every write is.
        self._begin(err)
        d = self._config(h)
        try:
            v, real = d.find(self._path(p, n))
        except _Status as e:
            if e.name not in ("NOT_FOUND", "TYPE_MISMATCH"):
                return self._fail(err, e)
            raise _refuse("gocfg_config_setdefault") from None
        self._put(out, b"." if type(v) is dict else d.encode(v, real))
        return 0

    def gocfg_config_pop(self, h: Any, p: Any, n: int, out: Any, err: Any) -> int:
        # Finding nothing is an answer (pop(k, default)); removing is refused.
        self._begin(err)
        d = self._config(h)
        try:
            d.find(self._path(p, n))
        except _Status as e:
            return self._fail(err, e)
        raise _refuse("gocfg_config_delete")

    def gocfg_config_contains(self, h: Any, p: Any, n: int, err: Any) -> int:
        self._begin(err)
        d = self._config(h)
        try:
            segs = self._path(p, n)
            # As the store's Contains: the stored tree first, then (with
            # interpolation) through references; a reference that fails is
            # an error, not a "no".
            d.stored()
            try:
                _lookup(d.raw, segs)
                return 1
            except _Status:
                if not d.interpolate:
                    return 0
            try:
                d.find(segs)
                return 1
            except _Status as e:
                if e.name != "NOT_FOUND":
                    raise
                return 0
        except _Status as e:
            return self._fail(err, e)

    def gocfg_config_len(self, h: Any, p: Any, n: int, err: Any) -> int:
        self._begin(err)
        d = self._config(h)
        try:
            text = p[:n].decode("utf-8", "replace") if isinstance(p, bytes) else ""
            v, _ = d.find(self._path(p, n))
            if type(v) is dict or type(v) is list:
                return len(v)
            raise _Status("TYPE_MISMATCH", f"{text}: {_a_type(v)} has no length", text)
        except _Status as e:
            return self._fail(err, e)

    def gocfg_config_keys(self, h: Any, p: Any, n: int, out: Any, err: Any) -> int:
        self._begin(err)
        d = self._config(h)
        try:
            text = p[:n].decode("utf-8", "replace") if isinstance(p, bytes) else ""
            v, _ = d.find(self._path(p, n))
            if type(v) is not dict:
                raise _Status("TYPE_MISMATCH", f"{text}: {_a_type(v)} has no keys", text)
            self._put(out, marshal.dumps(list(v), 2))  # a wire list, as the library writes keys
            return 0
        except _Status as e:
            return self._fail(err, e)

    def gocfg_config_export(self, h: Any, p: Any, n: int, out: Any, err: Any) -> int:
        self._begin(err)
        d = self._config(h)
        try:
            key = bytes(p[:n]) if isinstance(p, bytes) else b""
            data = d.exports.get(key)
            if data is None:
                v, real = d.find(self._path(p, n), below=True)
                data = d.encode(v, real)
                if len(d.exports) < 64:  # the snapshot never changes: keep a few
                    d.exports[key] = data
            self._put(out, data)
            return 0
        except _Status as e:
            return self._fail(err, e)

    def gocfg_config_export_to(self, h: Any, p: Any, n: int, buf: Any, cap: int, out: Any, err: Any) -> int:
        # As the library: into buf when it fits, else into *out.
        rc = self.gocfg_config_export(h, p, n, out, err)
        if rc < 0:
            return rc
        size = int(out.len)
        if size <= cap:
            self._ffi.memmove(buf, out.data, size)
            self.gocfg_buffer_free(out)
        return size

    def _history(self, d: _Data, segs: List[str]) -> List[Any]:
        # As the store's History: nothing at segs (in the stored tree, or
        # through references) is NOT_FOUND; then the nearest recorded
        # history at or above segs.
        d.stored()
        try:
            _lookup(d.raw, segs)
        except _Status as e:
            if not d.interpolate:
                raise
            try:
                d.find(segs)
            except (_Status, ForkedProcessError):
                raise e from None
        return _recorded(d, segs)

    def gocfg_config_origin(self, h: Any, p: Any, n: int, out: Any, err: Any) -> int:
        self._begin(err)
        d = self._config(h)
        try:
            hist = self._history(d, self._path(p, n))
        except _Status as e:
            return self._fail(err, e)
        out.kind = out.layer = out.line = out.column = 0
        out.name.data = self._ffi.NULL
        out.name.len = 0
        if hist:
            kind, name, line, column, layer = hist[-1]
            out.kind, out.line, out.column, out.layer = kind, line, column, layer
            if name:
                self._put(out.name, name.encode("utf-8"))
        return 0

    def gocfg_config_history(self, h: Any, p: Any, n: int, out: Any, err: Any) -> int:
        self._begin(err)
        d = self._config(h)
        try:
            hist = self._history(d, self._path(p, n))
        except _Status as e:
            return self._fail(err, e)
        self._put(out, marshal.dumps([list(o) for o in hist], 2))
        return len(hist)

    def gocfg_config_explain(self, h: Any, p: Any, n: int, out: Any, err: Any) -> int:
        return self._explain(h, p, n, None, out, err)

    def gocfg_config_explain_first(self, h: Any, p: Any, n: int, max_rows: int, out: Any, err: Any) -> int:
        return self._explain(h, p, n, max_rows, out, err)

    def _explain(self, h: Any, p: Any, n: int, max_rows: Optional[int], out: Any, err: Any) -> int:
        # Every row is made here (the child's data is a Python tree), and
        # the first max_rows (None: all) handed on.
        self._begin(err)
        d = self._config(h)
        try:
            if max_rows is not None and max_rows < 0:
                raise _Status("INVALID_ARGUMENT", f"max_rows {max_rows}: want 0 or more")
            segs = self._path(p, n)
            resolved = False
            try:
                start, real = _lookup(d.stored().raw, segs)  # the stored tree, as Explain walks it
            except _Status as e:
                if not d.interpolate:
                    raise
                # A path through a reference: the value reads give there,
                # resolved already, as the store's ExplainFirst does.
                try:
                    start, real = d.find(segs, below=True)
                except ForkedProcessError:
                    raise e from None
                resolved = True
        except _Status as e:
            return self._fail(err, e)
        fixups = d.fixups if resolved else d.raw_fixups
        rows: List[Any] = []
        fix: List[Tuple[Any, ...]] = []
        stack: List[Tuple[Any, List[str], Tuple[Any, ...]]] = [(start, segs, real)]
        while stack:
            v, at, where = stack.pop()
            if type(v) is dict and v:
                for k in reversed(list(v)):
                    stack.append((v[k], at + [k], where + (k,)))
                continue
            value, vfix, msg = v, _under(fixups, where), None
            if not resolved and (d.tree is not d.raw or d.errors) and _needs_resolve(v):
                try:
                    value, r = d.find(at, below=True)
                    vfix = _under(d.fixups, r)
                except _Status as e:
                    msg = e.message
                except ForkedProcessError as e:
                    msg = str(e)
            if type(value) is dict and not value:
                vfix = []
            i = len(rows)
            fix.extend((i, 1) + f for f in (vfix if type(value) in (dict, list, tuple) else []))
            found = _recorded(d, at)
            o = list(found[-1][:5]) if found else [0, "", 0, 0, 0]
            rows.append([join_path(at), value, o[0], o[1], o[2], o[3], msg, o[4]])
        total = len(rows)
        if max_rows is not None:
            rows = rows[:max_rows]
            fix = [f for f in fix if f[0] < max_rows]
        self._put(out, marshal.dumps((rows, fix) if fix else rows, 2))
        return total

    def gocfg_config_is_frozen(self, h: Any, err: Any) -> int:
        self._begin(err)
        return 1 if self._config(h, False).frozen else 0

    def gocfg_config_version_cell(self, h: Any, out: Any, err: Any) -> int:
        # Nothing changes in the child: a counter that never moves keeps
        # the binding's read cache valid.
        self._begin(err)
        d = self._config(h, False)
        if d.cell is None:
            d.cell = self._ffi.new("uint64_t[1]", [0])
        out[0] = d.cell
        return 0

    def gocfg_config_serialize(self, h: Any, out: Any, err: Any) -> int:
        # Pickling in the child gives the state the parent's library wrote.
        self._begin(err)
        d = self._config(h, False)
        self._put(out, d.snap.state)
        return 0

    def gocfg_config_deserialize(self, data: Any, n: int, env: Any, env_n: int, out: Any, err: Any) -> int:
        # Unpickling in the child (a Config handed to a fork Pool's task):
        # a new snapshot from the pickled state, so that the task can read
        # it. Raising here instead would kill the Pool's worker while it
        # unpickles, and the Pool would wait for that task forever.
        self._begin(err)
        state = bytes(data[:n]) if isinstance(data, bytes) else bytes(self._ffi.buffer(data, n))
        try:
            st = marshal.loads(state)
            name, why = _bad_state(st)
        except (ValueError, EOFError, TypeError) as e:
            name, why = "INVALID_ARGUMENT", f"not marshal data ({e})"
        if why:
            return self._fail(err, _Status(name, f"not a serialized config: {why}"))
        with self._new_lock:
            key = self._next_handle
            self._next_handle += 1
        d = self._data[key] = _Data(Snapshot(0, st.get("frozen") is True, state, None, {}))
        d.pickled = True
        out[0] = self._ffi.cast("gocfg_config *", key)
        return 0

    # --------------------------------------------------- releasing things

    def gocfg_config_free(self, h: Any) -> None:
        self._data.pop(self._key(h), None)  # the parent's memory stays the parent's

    def gocfg_db_close(self, h: Any) -> None:
        pass  # the handle belongs to the parent's runtime: nothing to free here

    def gocfg_db_watch_close(self, h: Any) -> None:
        pass

    def gocfg_cancel_free(self, c: Any) -> None:
        pass

    def gocfg_buffer_free(self, buf: Any) -> None:
        if buf != self._ffi.NULL and buf.data != self._ffi.NULL:
            self._keep.pop(self._key(buf.data), None)
        if buf != self._ffi.NULL:
            buf.data = self._ffi.NULL
            buf.len = 0

    def gocfg_error_free(self, e: Any) -> None:
        if e != self._ffi.NULL:
            self._keep.pop(self._key(e), None)


_SCALARS = (type(None), bool, int, float, str)


def _bad_state(st: Any) -> Tuple[str, str]:
    """Why st is not a state the library would read back (gocore/store
    UnmarshalState and wire.Decode refuse the same), with the status the
    library gives, or ("", "") when it would take it. A state
    unpickled in the child is checked here, as the library checks it in
    the parent, so that a bad pickle is refused at the door instead of
    surfacing later as a wrong value or a stray Python error."""
    if type(st) is not dict or st.get("gocfg_state") != 1:
        return "INVALID_ARGUMENT", "not a state, or an unknown state version"
    if type(st.get("root")) is not dict:
        return "INVALID_ARGUMENT", "no root map"
    prov = st.get("provenance")
    if prov is not None:
        if type(prov) is not list:
            return "INVALID_ARGUMENT", "provenance is not a list"
        for e in prov:
            if (type(e) is not list or len(e) != 2 or type(e[0]) is not list or type(e[1]) is not list
                    or any(type(s) is not str for s in e[0])
                    or any(type(o) is not list or len(o) != 5 or type(o[1]) is not str
                           or any(type(x) is not int for x in (o[0], o[2], o[3], o[4])) for o in e[1])):
                return "INVALID_ARGUMENT", "a provenance entry is malformed"
    stack: List[Tuple[Any, int]] = [(st["root"], 1)]
    while stack:
        node, depth = stack.pop()
        if depth > _MAX_DEPTH:
            return "INVALID_ARGUMENT", f"nested more than {_MAX_DEPTH} levels deep"
        items = node.items() if type(node) is dict else enumerate(node)
        for k, v in items:
            if type(k) is not str and type(node) is dict:
                return "TYPE_MISMATCH", f"a map key is a {type(k).__name__}"
            t = type(v)
            if t is dict or t is list or (t is tuple and (not v or v[0] is not Ellipsis)):
                stack.append((v, depth + 1))  # a tuple that is not a date reads as a list
            elif t is tuple:
                why = _bad_time(v)
                if why:
                    return "INVALID_ARGUMENT", why
            elif t not in _SCALARS:
                return "TYPE_MISMATCH", f"a value is a {t.__name__}"
    return "", ""


def _bad_time(t: Tuple[Any, ...]) -> str:
    """Why t is not a tagged date or time that Python reads back, or ""."""
    if len(t) != 10 or t[0] is not Ellipsis or t[1] not in ("D", "L", "d", "t"):
        return "a tuple that is not a tagged date or time"
    kind, y, mo, d, h, mi, sec, us, off = t[1:]
    if any(type(x) is not int for x in (y, mo, d, h, mi, sec, us)) or (off is not None and type(off) is not int):
        return "a date or time with a field that is not an int"
    try:
        tz = dt.timezone(dt.timedelta(seconds=off)) if kind == "D" and off is not None else None
        if kind == "D" and tz is None:
            return "a datetime without its UTC offset"
        if kind in ("D", "L"):
            dt.datetime(y, mo, d, h, mi, sec, us, tzinfo=tz)
        elif kind == "d":
            dt.date(y, mo, d)
        else:
            dt.time(h, mi, sec, us)
    except (ValueError, OverflowError, TypeError) as e:
        return f"a date or time Python cannot read ({e})"
    return ""


def _recorded(d: _Data, segs: List[str]) -> List[Any]:
    """Provenance.History: the history recorded at segs, or else at its
    nearest ancestor that has one."""
    found: List[Any] = []
    prov = d.provenance()
    if prov is not None:
        for i in range(1, len(segs) + 1):
            hist = prov.get(tuple(segs[:i]))
            if hist:
                found = hist
    return found


def _needs_resolve(v: Any) -> bool:
    """gocore/layer's needsResolve: a string holding "${", anywhere inside."""
    stack = [v]
    while stack:
        x = stack.pop()
        t = type(x)
        if t is str:
            if "${" in x:
                return True
        elif t is dict:
            stack.extend(x.values())
        elif t is list:
            stack.extend(x)
    return False

