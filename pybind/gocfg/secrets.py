"""The secret rule: which keys hold secrets, and what follows from it.

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
``save()`` creates a new file holding a secret with mode 0600.

A value that *interpolates* a secret is shown masked too, whatever its
key: ``dsn = "postgres://app:${env:DB_PASSWORD}@db/app"`` resolves to text
holding the password, so repr(), the notebook display, ``show()`` and the
command line show ``dsn`` as ``********`` (see :func:`derived_secrets`:
a ``${env:NAME}`` whose NAME matches the pattern, a ``${path}`` to a
secret, or to a value that is itself masked this way).

A credential inside any string value is masked where it is shown too,
the rest of the value kept: ``postgres://app:********@db/app``,
``host=db password=********``, a PEM private key's body,
``Authorization: Bearer ********``, ``X-Api-Key: ********`` and tokens
known by their prefix (``ghp_********``) (:func:`mask_text`; the rule is
in the README's "Secrets" and in gocore/secretvalue, the library's copy).

Change the pattern with :func:`set_secret_pattern` (a regular expression,
or a list of words), and restore the default with
``set_secret_pattern(None)``. The library applies the default rule to what
it writes itself (the origin of an override such as
``override db.password=********``, and the messages of environment
variables and overrides that do not parse; gocore/secretname keeps
the same words, and a test checks that both agree on a table of keys); a
changed pattern masks what Python shows.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import (
    AbstractSet,
    Any,
    Dict,
    FrozenSet,
    Iterable,
    Iterator,
    List,
    Optional,
    Pattern,
    Sequence,
    Set,
    Tuple,
    Union,
)

from . import _index
from ._credentials import DEFAULT_SECRET_WORDS as DEFAULT_SECRET_WORDS
from ._credentials import MASK as MASK
from ._credentials import credential_spans as credential_spans
from ._credentials import mask_text as mask_text
from ._text import printable
from ._values import split_path
from .errors import InvalidArgumentError

# The name of the "secret" origin that marks, in a copy of a Section (a
# pickle), a value that interpolated a secret: the copy holds it as plain
# text, with no reference left to tell, and this origin masks it there
# (secret_file_paths) as the Section masked it.
INTERPOLATED_SECRET = "<interpolated a secret>"

_default = re.compile("|".join(re.escape(w) for w in DEFAULT_SECRET_WORDS), re.IGNORECASE)
_pattern: Pattern[str] = _default
# The default pattern object: secret_pattern() is it while no other was set.
DEFAULT_PATTERN: Pattern[str] = _default


def _shown_scalar(v: Any) -> Any:
    """A scalar as shown: a string with its credentials masked."""
    return mask_text(v) if isinstance(v, str) else v


def set_secret_pattern(pattern: Union[str, Pattern[str], Iterable[str], None]) -> None:
    """Set which keys are secrets: a regular expression (matched with
    ``search``, case-insensitive when given as a string), a list of words
    (any segment containing one is a secret), or None for the default."""
    global _pattern
    if pattern is None:
        _pattern = _default
    elif isinstance(pattern, str):
        try:
            _pattern = re.compile(pattern, re.IGNORECASE)
        except re.error as e:
            raise InvalidArgumentError(f"secret pattern {pattern!r} is not a regular expression: {e}") from None
    elif isinstance(pattern, re.Pattern):
        _pattern = pattern
    else:
        if isinstance(pattern, (bytes, bytearray)) or not isinstance(pattern, Iterable):
            raise TypeError("set_secret_pattern() takes a regular expression (str or re.Pattern), "
                            f"a list of words or None, not {type(pattern).__name__}")
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


def key_part(text: str) -> str:
    """What a message may quote of ``text``, which should have been
    ``key=value`` but has no "=": all of it, unless it names a secret, when
    it may go on into the secret's value (``db.password:hunter2``): then up
    to the end of the secret's name, and "…" (gocore/layer does the same
    by the default rule)."""
    found = _pattern.search(text)
    if found and found.end() < len(text):
        return text[:found.end()] + "…"
    return text


Paths = AbstractSet[Tuple[str, ...]]
_NONE: FrozenSet[Tuple[str, ...]] = frozenset()


def masked_at(segs: Sequence[str], hidden: Paths = _NONE) -> bool:
    """Whether the value at path segs is shown as ``********`` whole: its
    path is a secret (or lies under one), or it is one of the paths in
    ``hidden`` (or lies under one). Every output that masks (repr, show(),
    the notebook table, diffs, explain rows, typed-read messages) decides
    with this."""
    if not segs:
        return False
    if is_secret(segs):
        return True
    if hidden:
        t = tuple(segs)
        return any(t[:k] in hidden for k in range(1, len(t) + 1))
    return False


def mask(value: Any, segs: Sequence[str] = (), reveal: bool = False, hidden: Paths = _NONE,
         preview: Optional[int] = None) -> Any:
    """A copy of value with secrets masked (value lives at segs). A secret
    map or list is masked whole; in every other string, the credentials it
    holds (:func:`mask_text`). ``hidden`` lists more paths to mask (the
    values that interpolate a secret: :func:`derived_secrets`). Iterative:
    a value nested as deep as a config may be (1000 levels) needs no
    Python recursion.

    With ``preview``, only the first ``preview`` maps, lists and scalars
    of the copy (in the order they are written) are kept: each is written
    as at least one character, so the first ``preview - 1`` characters of
    its text are those of the whole copy's, and a display cell that shows
    fewer costs that much, not the size of the value (a list of 200,000
    items took 2.7 s to mask for a cell of 120 characters)."""
    if reveal:
        return value
    if masked_at(segs, hidden):
        return MASK
    if not isinstance(value, (dict, list)):
        return _shown_scalar(value)
    if preview is not None:
        return _mask_preview(value, tuple(segs), hidden, preview)
    top: Any = {} if isinstance(value, dict) else []
    # (source, its path, its copy): the path's segments are known not to be
    # secrets, so each child needs only its own key checked.
    stack: List[Tuple[Any, Tuple[str, ...], Any]] = [(value, tuple(segs), top)]
    while stack:
        src, path, dst = stack.pop()
        items = src.items() if isinstance(src, dict) else enumerate(src)
        for k, v in items:
            seg = str(k)
            if is_secret_key(seg):
                out: Any = MASK
            elif hidden and (*path, seg) in hidden:
                out = MASK
            elif isinstance(v, (dict, list)):
                out = {} if isinstance(v, dict) else []
                stack.append((v, (*path, seg) if hidden else path, out))
            else:
                out = _shown_scalar(v)
            if isinstance(dst, dict):
                dst[k] = out
            else:
                dst.append(out)
    return top


def _items(v: Any) -> Iterator[Tuple[Any, Any]]:
    return iter(v.items()) if isinstance(v, dict) else enumerate(v)


def _mask_preview(value: Any, path: Tuple[str, ...], hidden: Paths, limit: int) -> Any:
    """mask(value)'s first ``limit`` nodes in the order they are written
    (depth first, each map or list before its items), masking as mask()
    does: a secret counts as the one scalar it is written as."""
    top: Any = {} if isinstance(value, dict) else []
    kept = 1
    stack: List[Tuple[Iterator[Tuple[Any, Any]], Tuple[str, ...], Any]] = [(_items(value), path, top)]
    while stack and kept < limit:
        items, path, dst = stack[-1]
        step = next(items, None)
        if step is None:
            stack.pop()
            continue
        k, v = step
        kept += 1
        seg = str(k)
        out: Any = _shown_scalar(v)
        if is_secret_key(seg) or (hidden and (*path, seg) in hidden):
            out = MASK
        elif isinstance(v, (dict, list)):
            out = {} if isinstance(v, dict) else []
            stack.append((_items(v), (*path, seg) if hidden else path, out))
        if isinstance(dst, dict):
            dst[k] = out
        else:
            dst.append(out)
    return top


# A reference inside a stored string: ${path} or ${env:NAME[,default]};
# "$${" is a literal "${" (gocore/layer/interp.go).
_REFERENCE = re.compile(r"(?<!\$)\$\{([^}]*)\}")


def secret_file_paths(provenance: Any, root: Any) -> FrozenSet[Tuple[str, ...]]:
    """The paths of the values that came from a secrets directory (their
    last origin is of kind "secret"), from a serialized config's
    provenance (``[[path segments, [[kind, name, line, column, layer],
    ...]], ...]``) and root. Only values that are not maps: a map that a
    secret file created (``db`` for ``db__password``) holds other keys too."""
    if not provenance:
        return frozenset()
    from . import _capi

    kinds = _capi.consts().origin_kinds
    out = set()
    for entry in provenance:
        try:
            path, hist = entry
            if hist and kinds.get(hist[-1][0]) == "secret":
                node = root
                for seg in path:
                    node = _index.step(node, str(seg))
                if not isinstance(node, dict):
                    out.add(tuple(str(s) for s in path))
        except (TypeError, ValueError, IndexError, KeyError):
            continue
    return frozenset(out)


def derived_secrets(raw: Any, extra: AbstractSet[Tuple[str, ...]] = frozenset()) -> FrozenSet[Tuple[str, ...]]:
    """The paths of the string values in ``raw`` (a config's data with its
    ${...} references unresolved) that would show a secret once resolved:
    those referring to an environment variable whose name matches the
    secret pattern, to a secret path (or one in ``extra``, or a map or list
    holding one), or to a path that is itself one of
    these (or holds one, or lies under one)."""
    strings: List[Tuple[Tuple[str, ...], str]] = []
    todo: List[Tuple[Any, Tuple[str, ...]]] = [(raw, ())]  # iterative: any depth the library accepts
    while todo:
        v, segs = todo.pop()
        if isinstance(v, str):
            if "${" in v:
                strings.append((segs, v))
        elif isinstance(v, dict):
            todo.extend((item, (*segs, str(k))) for k, item in v.items())
        elif isinstance(v, list):
            todo.extend((item, (*segs, str(i))) for i, item in enumerate(v))
    return derived_from_strings(strings, extra)


def derived_from_strings(strings: Iterable[Tuple[Sequence[str], str]],
                         extra: AbstractSet[Tuple[str, ...]] = frozenset()) -> FrozenSet[Tuple[str, ...]]:
    """:func:`derived_secrets` from the (path segments, text) of a config's
    strings that hold "${" (the others refer to nothing), as the library's
    gocfg_config_secret_inputs gives them."""
    refs: Dict[Tuple[str, ...], List[str]] = {}
    for path, text in strings:
        found = _REFERENCE.findall(text)
        if found:
            refs[tuple(path)] = list(found)
    # A breadth-first walk over "refers to", from the values that refer to a
    # secret directly: each value is looked at a bounded number of times,
    # so a long chain of references (a -> b -> ... ) costs linear time.
    exact: Dict[Tuple[str, ...], List[Tuple[str, ...]]] = {}   # target -> the values referring to it
    under: Dict[Tuple[str, ...], List[Tuple[str, ...]]] = {}   # a prefix of a target -> those values
    queue: List[Tuple[str, ...]] = []
    tainted: Set[Tuple[str, ...]] = set()
    # A reference to a map or list holding a secret file's value copies it.
    holding = {e[:k] for e in extra for k in range(1, len(e) + 1)}
    for segs, found in refs.items():
        for ref in found:
            ref = ref.strip()
            if ref.startswith("env:"):
                direct = is_secret_key(ref[4:].split(",", 1)[0].strip())
            else:
                target = tuple(split_path(ref))
                direct = is_secret(target) or target in holding
                exact.setdefault(target, []).append(segs)
                for k in range(len(target)):
                    under.setdefault(target[:k], []).append(segs)
            if direct and segs not in tainted:
                tainted.add(segs)
                queue.append(segs)
    while queue:
        path = queue.pop()
        # The values referring to path, to a map or list holding it, or to
        # something inside it (path is a map or list that holds a secret).
        readers = [s for k in range(len(path) + 1) for s in exact.get(path[:k], ())]
        readers += under.get(path, ())
        for segs in readers:
            if segs not in tainted:
                tainted.add(segs)
                queue.append(segs)
    return frozenset(tainted)


def secret_texts(value: Any, hidden: Paths = _NONE) -> FrozenSet[str]:
    """The texts of the secrets in value (a config's resolved data): every
    string, number, date or time at or under a path that :func:`masked_at`
    masks, and the credentials inside other strings
    (:func:`credential_spans`). What :func:`scrub` takes out of text that
    gocfg did not write, such as a user's validator's exception message."""
    out: Set[str] = set()
    todo: List[Tuple[Any, Tuple[str, ...], bool]] = [(value, (), False)]  # iterative, as mask()
    while todo:
        v, segs, secret = todo.pop()
        secret = secret or (bool(segs) and (is_secret_key(segs[-1]) or segs in hidden))
        if isinstance(v, dict):
            todo.extend((item, (*segs, str(k)), secret) for k, item in v.items())
        elif isinstance(v, list):
            todo.extend((item, (*segs, str(i)), secret) for i, item in enumerate(v))
        elif not secret and isinstance(v, str):
            # A credential inside a value: the password of a URL, the
            # value of "password=..." (mask_text's rule).
            out.update(v[start:end] for start, end in credential_spans(v))
        elif secret and isinstance(v, (str, int, float, _dt.date, _dt.time)) and not isinstance(v, bool):
            # A YAML "password: 2024-01-02" is a date: a message quotes it
            # as str() writes it, as for a number.
            text = str(v)
            if text:
                out.add(text)
    return frozenset(out)


# The shortest run of a secret's characters that scrub() masks where the
# secret is not quoted whole. Messages cut long values short: pydantic
# quotes the first 25 and last 24 characters of an input over 50
# (input_value='ghp_Zq8rT2vLw9XyB4nM7kP3...jG5aC0eU2iO8uY4tR'), reprlib
# 12 and 13, CPython's int() the first 200; such a piece is as much a
# leak as the whole. Shorter runs are left (they are as likely to be the
# message's own words).
FRAGMENT = 10


def scrub(text: str, texts: Iterable[str]) -> str:
    """text with each of texts (:func:`secret_texts`: secrets, and the
    credentials inside other values) replaced by the mask,
    as it stands, as repr() quotes it and as messages escape it, and any run of
    at least FRAGMENT characters that one of them holds (a message that
    cut a long secret short). Overlapping matches (secrets holding each
    other, or run together) become one mask."""
    # Messages write a secret's terminal and bidi controls as escapes (the
    # library's and gocfg.Error's, gocfg._text.printable), listings its line
    # feeds and tabs too: "hunter\t\x1b2" is quoted as none of the other
    # forms, and went through unmasked.
    forms = {form for secret in texts
             for form in (secret, repr(secret)[1:-1], printable(secret), printable(secret, one_line=True)) if form}
    if not text or not forms:
        return text
    hit = bytearray(len(text))  # 1 where a secret's character stands
    for form in forms:
        i = text.find(form)
        while i >= 0:
            hit[i:i + len(form)] = b"\1" * len(form)
            i = text.find(form, i + 1)
    _mark_fragments(text, [f for f in forms if len(f) > FRAGMENT], hit)
    if not any(hit):
        return text
    out: List[str] = []
    i = 0
    while i < len(text):
        j = hit.find(b"\1", i)
        if j < 0:
            out.append(text[i:])
            break
        out.append(text[i:j])
        out.append(MASK)
        i = hit.find(b"\0", j)
        if i < 0:
            break
    return "".join(out)


def quotes(text: str, secret: str) -> bool:
    """Whether text quotes secret, whole or a piece that :func:`scrub`
    masks (a message may cut a long value short)."""
    return secret != "" and (secret in text or scrub(text, (secret,)) != text)


def _mark_fragments(text: str, forms: List[str], hit: bytearray) -> None:
    """Mark in hit the runs of text of FRAGMENT characters or more that are
    pieces of one of forms. The windows of FRAGMENT characters of the
    smaller side (the text, or the secrets) go in a table and the other
    side is walked against it, so memory stays that of the smaller."""
    n = FRAGMENT
    if len(text) < n or not forms:
        return
    if len(text) <= sum(len(f) for f in forms):
        starts: Dict[str, List[int]] = {}
        for i in range(len(text) - n + 1):
            starts.setdefault(text[i:i + n], []).append(i)
        for form in forms:
            for k in range(len(form) - n + 1):
                at = starts.pop(form[k:k + n], None)
                if at is not None:
                    for i in at:
                        hit[i:i + n] = b"\1" * n
                    if not starts:
                        return
    else:
        pieces = {form[k:k + n] for form in forms for k in range(len(form) - n + 1)}
        for i in range(len(text) - n + 1):
            if text[i:i + n] in pieces:
                hit[i:i + n] = b"\1" * n


def has_secrets(value: Any, segs: Sequence[str] = ()) -> bool:
    """Whether any key at or below value is a secret."""
    if segs and is_secret_key(segs[-1]):
        return True
    todo = [value]  # iterative, as mask()
    while todo:
        v = todo.pop()
        if isinstance(v, dict):
            for k, item in v.items():
                if is_secret_key(k):
                    return True
                todo.append(item)
        elif isinstance(v, list):
            todo.extend(v)
    return False


def holds_secrets(leaves: Iterable[Any]) -> bool:
    """Whether any of a config's leaves (``Config.explain()`` rows) is a
    secret: what makes save() create a new file with mode 0600."""
    return any(is_secret(leaf.path) or has_secrets(leaf.value, split_path(leaf.path)) for leaf in leaves)
