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

Change the pattern with :func:`set_secret_pattern` (a regular expression,
or a list of words), and restore the default with
``set_secret_pattern(None)``.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Pattern, Sequence, Union

from ._values import split_path

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


def holds_secrets(leaves: Iterable[Any]) -> bool:
    """Whether any of a config's leaves (``Config.explain()`` rows) is a
    secret: what makes save() create a new file with mode 0600."""
    return any(is_secret(leaf.path) or has_secrets(leaf.value, split_path(leaf.path)) for leaf in leaves)
