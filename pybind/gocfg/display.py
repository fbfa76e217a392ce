"""Rendering: the notebook's HTML table, the text listing, values as text.

Which keys are secrets, and masking them, is gocfg.secrets' job; this module
only shows what it is given, masked as that rule says. The secret names
below are re-exported from here, where they lived before gocfg.secrets.
"""
from __future__ import annotations

import datetime as _dt
import html
import json
from typing import AbstractSet, Any, Callable, List, Optional, Sequence, Tuple

from ._text import LAYOUT_CONTROLS as _INVISIBLE  # JSON leaves them as they are
from ._text import printable as _printable
from ._values import quote_segment, split_path
from .secrets import (
    DEFAULT_SECRET_WORDS,
    MASK,
    has_secrets,
    is_secret,
    is_secret_key,
    mask,
    masked_at,
    secret_pattern,
    set_secret_pattern,
)

__all__ = [
    "html_table", "text_table", "change_note", "value_text", "value_repr", "json_text", "type_name", "path_of",
    # gocfg.secrets' names, as gocfg.display offered them
    "DEFAULT_SECRET_WORDS", "MASK", "has_secrets", "is_secret", "is_secret_key", "mask", "secret_pattern",
    "set_secret_pattern", "split_path",
]


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    for t, name in ((int, "int"), (float, "float"), (str, "str"), (_dt.datetime, "datetime"),
                    (_dt.date, "date"), (_dt.time, "time"), (list, "list"), (dict, "map")):
        if isinstance(value, t):
            return name
    return type(value).__name__


def value_text(value: Any, limit: Optional[int] = None) -> str:
    """A value as one line of text: strings bare, the rest as JSON; with
    ``limit``, cut to that many characters (the last one "…")."""
    if isinstance(value, str):
        return value if limit is None else _short(value, limit)
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return json_text(value, limit)


def value_repr(value: Any, limit: Optional[int] = None) -> str:
    """repr(value) for a config's plain values (maps, lists, scalars),
    made without Python recursion: a value may nest as deep as the library
    allows (1000 levels), deeper than repr() can go. With ``limit``, cut to
    that many characters (the last one "…"), and no more is built than
    that: a list of a million items costs what its first items cost."""
    return _flat(value, repr, repr, limit)


def _json_default(v: Any) -> Any:
    if isinstance(v, (_dt.date, _dt.time)):
        return v.isoformat()
    return str(v)


def json_text(value: Any, limit: Optional[int] = None) -> str:
    """A value as JSON (strings quoted; dates and times as ISO 8601 text),
    on one line, as json.dumps writes it, for the CLI's origin listing, the
    notebook table and ``get``. Made without Python recursion, as
    value_repr: json.dumps recurses once per level and raised
    RecursionError for a value nested as deep as the library allows.
    ``limit`` cuts it as value_repr's does."""
    # json.dumps' keys: the str of a scalar key, quoted.
    return _flat(value, lambda k: _dumps(k if isinstance(k, str) else _dumps(k).strip('"')), _dumps, limit)


def _flat(value: Any, key_text: Callable[[Any], str], scalar_text: Callable[[Any], str],
          limit: Optional[int] = None) -> str:
    """value written on one line, maps as {key: value, ...} and lists as
    [a, ...], each key and scalar by the function given, walking an
    explicit stack rather than recursing. With ``limit``, the writing
    stops once the text is longer than that, and the text is cut to
    ``limit`` characters, the last one "…"."""
    out: List[str] = []
    size = 0
    # Items to write, last first: (True, text) or (False, a value).
    stack: List[Tuple[bool, Any]] = [(False, value)]
    while stack:
        if limit is not None and size > limit:
            return _short("".join(out), limit)
        is_text, v = stack.pop()
        if is_text:
            out.append(v)
            size += len(v)
        elif isinstance(v, dict):
            stack.append((True, "}"))
            items = list(v.items())
            for i in range(len(items) - 1, -1, -1):
                stack.append((False, items[i][1]))
                stack.append((True, f"{', ' if i else ''}{key_text(items[i][0])}: "))
            stack.append((True, "{"))
        elif isinstance(v, list):
            stack.append((True, "]"))
            for i in range(len(v) - 1, -1, -1):
                stack.append((False, v[i]))
                if i:
                    stack.append((True, ", "))
            stack.append((True, "["))
        else:
            text = scalar_text(v if limit is None or not isinstance(v, str) else v[:limit + 1])
            out.append(text)
            size += len(text)
    text = "".join(out)
    return text if limit is None else _short(text, limit)


def _dumps(scalar: Any) -> str:
    text = json.dumps(scalar, ensure_ascii=False, default=_json_default)
    if text.isprintable() or not any(c in _INVISIBLE or "\x7f" <= c < "\xa0" for c in text):
        return text
    # JSON escapes the C0 controls but leaves DEL, the C1 controls (U+009B
    # is a terminal's CSI) and these as they are; written as \u escapes they
    # read back the same, and a listing shows them instead of obeying them.
    return "".join(f"\\u{ord(c):04x}" if c in _INVISIBLE or "\x7f" <= c < "\xa0" else c for c in text)


def printable(text: str) -> str:
    """text with its control characters (C0, DEL, C1, the line and
    paragraph separators, the bidi controls) written as escapes (``\\n``,
    ``\\x1b``, ``\\u2028``, ``\\u202e``), for the listings that print keys and origins as they
    are: a key is data, and a key holding a newline or a terminal's escape
    sequence must not start a line of its own, or clear the screen, in
    what a person reads. Values are JSON there, escaped already. The rule
    of messages (gocfg._text), with line feeds and tabs escaped too."""
    return _printable(text, one_line=True)


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------- rendering

MAX_ROWS = 500

# How much of a value and of a path one row of a display shows: a row is a
# line to look at, and 500 rows of megabyte values would be a page of
# gigabytes (which Jupyter also keeps in the notebook's file).
CELL = 120
PATH_CELL = 200


_NO_PATHS: AbstractSet[Tuple[str, ...]] = frozenset()


def _hidden_row(path: str, reveal: bool, hidden: AbstractSet[Tuple[str, ...]]) -> bool:
    return not reveal and masked_at(split_path(path), hidden)


def html_table(rows: Sequence[Any], title: str, reveal: bool = False,
               hidden: AbstractSet[Tuple[str, ...]] = _NO_PATHS, total: Optional[int] = None) -> str:
    """The notebook table: path, value, type, origin, secrets masked (and
    the paths in ``hidden``: values that interpolate a secret). ``total``:
    how many rows there are in all, when ``rows`` holds only the first."""
    esc = html.escape
    out = [
        "<div class=\"gocfg\">",
        f"<p style=\"margin:0 0 4px 0\"><b>{esc(printable(_short(title, 400)))}</b></p>",
        "<table style=\"border-collapse:collapse;font-family:monospace;font-size:12px\">",
        "<thead><tr>" + "".join(f"<th style=\"text-align:left;padding:2px 8px;border-bottom:1px solid #999\">{h}</th>"
                                for h in ("path", "value", "type", "origin")) + "</tr></thead><tbody>",
    ]
    cell = "<td style=\"text-align:left;padding:2px 8px;vertical-align:top\">"
    for row in rows[:MAX_ROWS]:
        secret = _hidden_row(row.path, reveal, hidden)
        # Masked as far as the cell shows it: a huge list costs its first items.
        shown = MASK if secret else mask(row.value, split_path(row.path), reveal, hidden, preview=CELL + 1)
        text = value_text(shown, CELL)
        if row.error and not secret:
            text += f"  ⚠ {_short(row.error, 200)}"
        # Every cell is bounded, keys too: a row of the table is one line to
        # look at, and 500 rows of megabyte keys would be a page of gigabytes.
        origin = "" if row.origin is None else _short(str(row.origin), PATH_CELL)
        # Control characters and bidi controls as escapes, as the text
        # listings write them: the notebook keeps the table in its file.
        out.append("<tr>" + cell + esc(printable(_short(row.path, PATH_CELL))) + "</td>" + cell + esc(printable(text))
                   + "</td>" + cell + esc("secret" if secret else type_name(row.value)) + "</td>"
                   + cell + esc(printable(origin)) + "</td></tr>")
    more = (len(rows) if total is None else total) - MAX_ROWS
    if more > 0:
        out.append(f"<tr><td colspan=\"4\">… {more} more</td></tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


class Listing(str):
    """The text ``show()`` returns: a ``str`` in every way, which IPython and
    Jupyter display as the listing it is when a cell ends with
    ``cfg.show()``, rather than as its repr on one line with ``\\n``s
    (``repr()`` and ``print()`` are str's own)."""

    __slots__ = ()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def __reduce__(self) -> Tuple[Any, ...]:
        return (str, (str(self),))  # a plain str where it is unpickled


def text_table(rows: Sequence[Any], title: Optional[str] = None, reveal: bool = False,
               origins: bool = True, hidden: AbstractSet[Tuple[str, ...]] = _NO_PATHS,
               limit: Optional[int] = None, total: Optional[int] = None) -> str:
    """The plain-text form: one ``path = value  # origin`` line per leaf
    (secrets, and the paths in ``hidden``, masked); with ``limit`` (the
    notebook's text form), the first ``limit`` leaves and a line saying
    how many more there are (of ``total`` in all, when ``rows`` holds only
    the first), each path, value and origin cut as the notebook table cuts
    them."""
    lines = [printable(title if limit is None else _short(title, 400))] if title else []
    shown = []
    cell = None if limit is None else CELL
    path_cell = None if limit is None else PATH_CELL
    for row in rows if limit is None else rows[:limit]:
        secret = _hidden_row(row.path, reveal, hidden)
        value = MASK if secret else mask(row.value, split_path(row.path), reveal, hidden,
                                         preview=None if cell is None else cell + 1)
        text = json_text(value, cell)
        if row.error and not secret:
            error = printable(row.error if cell is None else _short(row.error, PATH_CELL))
            text = json_text(row.value, cell) + f"  (unresolved: {error})"
        origin = "" if row.origin is None else printable(str(row.origin))
        path = printable(row.path)
        if path_cell is not None:
            path, origin = _short(path, path_cell), _short(origin, path_cell)
        shown.append((path, text, origin))
    width = max((len(p) for p, _, _ in shown), default=0)
    vwidth = min(max((len(v) for _, v, _ in shown), default=0), 60)
    for path, text, origin in shown:
        line = f"{path.ljust(width)} = {text}"
        if origins and origin:
            line = f"{line.ljust(width + 3 + vwidth)}  # {origin}"
        lines.append(line.rstrip())
    more = (len(rows) if total is None else total) - (len(rows) if limit is None else limit)
    if limit is not None and more > 0:
        lines.append(f"… {more} more (show() lists them all)")
    return "\n".join(lines)


def path_of(segs: Sequence[Any]) -> str:
    return ".".join(quote_segment(str(s)) for s in segs)


def change_note(when: Optional[_dt.datetime], where: Sequence[str], kind: str = "applied") -> str:
    """The line a watched Config adds to its title: when its last change
    was put in force (or refused) and which sources it came from."""
    if when is None:
        return "watching its sources; no change yet"
    stamp = when.astimezone(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    verb = "last change" if kind == "applied" else f"last change {kind}"
    src = f" from {', '.join(printable(w) for w in where)}" if where else ""
    return f"watching its sources; {verb} {stamp}{src}"
