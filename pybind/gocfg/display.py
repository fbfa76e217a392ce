"""Secrets and display: masking, the notebook's HTML table, the text form.

A key is a *secret* when any segment of its path matches the secret
pattern (case-insensitive, anywhere in the segment). The default pattern
catches password, passwd, pwd, secret, token, api_key / apikey / api-key,
private_key, access_key, secret_key and credential(s) (client_secret and
auth_token too), so ``db.password``, ``github_token`` and everything under a
``secrets:`` map are secrets. Secret values are shown as ``********`` in
``repr()``, the notebook display, ``explain`` text and the command line,
unless revealed explicitly (``cfg.show(reveal=True)``, ``gocfg show
--reveal``). Reading a value (``cfg["db.password"]``) always gives the
real value: masking is for what people see, not for what programs read.

Change the pattern with :func:`set_secret_pattern` (a regular expression,
or a list of words), and restore the default with
``set_secret_pattern(None)``.
"""
from __future__ import annotations

import datetime as _dt
import html
import json
import re
from typing import Any, Iterable, List, Optional, Pattern, Sequence, Union

from ._values import quote_segment

MASK = "********"

DEFAULT_SECRET_WORDS = (
    "password", "passwd", "pwd", "secret", "token", "api_key", "apikey", "api-key",
    "private_key", "privatekey", "access_key", "secret_key", "credential",
)

_default = re.compile("|".join(re.escape(w) for w in DEFAULT_SECRET_WORDS), re.IGNORECASE)
_pattern: Pattern[str] = _default


def set_secret_pattern(pattern: Union[str, Pattern[str], Iterable[str], None]) -> None:
    """Set which keys are secrets: a regular expression (matched with
    ``search``, case-insensitive when given as a string), a list of words
    (any segment containing one is a secret), or None for the default."""
    global _pattern
    if pattern is None:
        _pattern = _default
    elif isinstance(pattern, str):
        _pattern = re.compile(pattern, re.IGNORECASE)
    elif isinstance(pattern, re.Pattern):
        _pattern = pattern
    else:
        words = [str(w) for w in pattern]
        _pattern = re.compile("|".join(re.escape(w) for w in words) or r"(?!x)x", re.IGNORECASE)


def secret_pattern() -> Pattern[str]:
    """The pattern in force."""
    return _pattern


def is_secret_key(key: str) -> bool:
    """Whether one key (a path segment) names a secret."""
    return bool(_pattern.search(key))


def is_secret(path: Union[str, Sequence[Any]]) -> bool:
    """Whether a path (a dot path, or a sequence of segments) is a secret or
    lies under one."""
    segs = split_path(path) if isinstance(path, str) else [str(s) for s in path]
    return any(_pattern.search(s) for s in segs)


def split_path(path: str) -> List[str]:
    """Split a dot path into its segments (quoted segments understood)."""
    segs: List[str] = []
    i, n = 0, len(path)
    while i < n:
        if path[i] == '"':
            j, buf = i + 1, []
            while j < n and path[j] != '"':
                if path[j] == "\\" and j + 1 < n:
                    j += 1
                buf.append(path[j])
                j += 1
            segs.append("".join(buf))
            i = j + 2
        else:
            j = path.find(".", i)
            if j < 0:
                j = n
            segs.append(path[i:j])
            i = j + 1
    return segs


def mask(value: Any, segs: Sequence[str] = (), reveal: bool = False) -> Any:
    """A copy of value with secrets masked (value lives at segs). A secret
    map or list is masked whole."""
    if reveal:
        return value
    if segs and is_secret(segs):
        return MASK
    if isinstance(value, dict):
        return {k: mask(v, [*segs, k]) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v, [*segs, str(i)]) for i, v in enumerate(value)]
    return value


def has_secrets(value: Any, segs: Sequence[str] = ()) -> bool:
    """Whether any key at or below value is a secret."""
    if segs and is_secret_key(segs[-1]):
        return True
    if isinstance(value, dict):
        return any(has_secrets(v, [*segs, k]) for k, v in value.items())
    if isinstance(value, list):
        return any(has_secrets(v, [*segs, str(i)]) for i, v in enumerate(value))
    return False


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


def value_text(value: Any) -> str:
    """A value as one line of text: strings bare, the rest as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _json_default(v: Any) -> Any:
    if isinstance(v, (_dt.date, _dt.time)):
        return v.isoformat()
    return str(v)


def json_text(value: Any) -> str:
    """A value as JSON (strings quoted), for the CLI's origin listing."""
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------- rendering

MAX_ROWS = 500


def html_table(rows: Sequence[Any], title: str, reveal: bool = False) -> str:
    """The notebook table: path, value, type, origin, secrets masked."""
    esc = html.escape
    out = [
        "<div class=\"gocfg\">",
        f"<p style=\"margin:0 0 4px 0\"><b>{esc(title)}</b></p>",
        "<table style=\"border-collapse:collapse;font-family:monospace;font-size:12px\">",
        "<thead><tr>" + "".join(f"<th style=\"text-align:left;padding:2px 8px;border-bottom:1px solid #999\">{h}</th>"
                                for h in ("path", "value", "type", "origin")) + "</tr></thead><tbody>",
    ]
    cell = "<td style=\"text-align:left;padding:2px 8px;vertical-align:top\">"
    for row in rows[:MAX_ROWS]:
        secret = not reveal and is_secret(row.path)
        shown = MASK if secret else mask(row.value, split_path(row.path), reveal)
        text = _short(value_text(shown))
        if row.error:
            text += f"  ⚠ {_short(row.error, 200)}"
        origin = "" if row.origin is None else str(row.origin)
        out.append("<tr>" + cell + esc(row.path) + "</td>" + cell + esc(text) + "</td>"
                   + cell + esc("secret" if secret else type_name(row.value)) + "</td>"
                   + cell + esc(origin) + "</td></tr>")
    if len(rows) > MAX_ROWS:
        out.append(f"<tr><td colspan=\"4\">… {len(rows) - MAX_ROWS} more</td></tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def text_table(rows: Sequence[Any], title: Optional[str] = None, reveal: bool = False,
               origins: bool = True) -> str:
    """The plain-text form: one ``path = value  # origin`` line per leaf."""
    lines = [title] if title else []
    shown = []
    for row in rows:
        secret = not reveal and is_secret(row.path)
        value = MASK if secret else mask(row.value, split_path(row.path), reveal)
        text = json_text(value)
        if row.error:
            text = json_text(row.value) + f"  (unresolved: {row.error})"
        shown.append((row.path, text, "" if row.origin is None else str(row.origin)))
    width = max((len(p) for p, _, _ in shown), default=0)
    vwidth = min(max((len(v) for _, v, _ in shown), default=0), 60)
    for path, text, origin in shown:
        line = f"{path.ljust(width)} = {text}"
        if origins and origin:
            line = f"{line.ljust(width + 3 + vwidth)}  # {origin}"
        lines.append(line.rstrip())
    return "\n".join(lines)


def path_of(segs: Sequence[Any]) -> str:
    return ".".join(quote_segment(str(s)) for s in segs)
