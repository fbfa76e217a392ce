"""What differs between the CPython versions gocfg runs on (3.9 and later),
made to behave as the newest does, in one place.

- ``fromisoformat``: 3.11 reads most of ISO 8601 (``Z``, any number of
  fraction digits, ``+0100``); 3.9 and 3.10 read only what ``isoformat()``
  writes, so ``to()`` refused ``2024-01-02T03:04:05Z`` there. The common
  forms (extended format: ``2024-01-02T03:04:05.5Z``) are rewritten for
  them; the basic format (``20240102T030405``) and week dates stay 3.11's.
- ``type_hints``: 3.9's ``typing.get_type_hints`` fails with a KeyError on a
  class whose module is not in ``sys.modules`` (one made by ``exec()``);
  3.10 reads its annotations with empty globals.
"""
from __future__ import annotations

import datetime as _dt
import re
import sys
import typing
from typing import Any, Dict, Tuple, Type, TypeVar

When = TypeVar("When", _dt.datetime, _dt.date, _dt.time)

OLD_ISO = sys.version_info < (3, 11)

# The time of day as ISO 8601 writes it, with what 3.9's fromisoformat
# does not take: a fraction of other than 3 or 6 digits (or after a comma),
# and an offset of Z, +HH or +HHMM.
_TIME = re.compile(r"(\d\d(?::\d\d(?::\d\d)?)?)(?:[.,](\d+))?(Z|[+-]\d\d(?::?\d\d)?)?")


def _time_as_older_pythons_read_it(text: str) -> str:
    m = _TIME.fullmatch(text)
    if m is None:
        return text
    clock, fraction, offset = m.groups()
    out = clock
    if fraction:
        out += "." + (fraction + "000000")[:6]  # what 3.11 keeps: microseconds, the rest cut
    if offset:
        if offset == "Z":
            offset = "+00:00"
        digits = offset[1:].replace(":", "")
        offset = offset[0] + digits[:2] + ":" + (digits[2:] or "00")
        out += offset
    return out


def iso_as_older_pythons_read_it(tp: Type[Any], text: str) -> str:
    """text rewritten into the form 3.9's ``tp.fromisoformat`` reads, where
    it is an ISO 8601 form that 3.11's reads; other text is returned as it
    is (and refused by fromisoformat as before)."""
    if tp is _dt.time:
        return _time_as_older_pythons_read_it(text)
    if tp is _dt.datetime and len(text) > 11:  # the date, then any one character, as both read it
        return text[:11] + _time_as_older_pythons_read_it(text[11:])
    return text


def fromisoformat(tp: Type[When], text: str) -> When:
    """``tp.fromisoformat(text)`` as Python 3.11 reads it, on every version
    (ValueError when it is not ISO 8601)."""
    try:
        return tp.fromisoformat(text)
    except ValueError:
        if not OLD_ISO:
            raise
    return tp.fromisoformat(iso_as_older_pythons_read_it(tp, text))


def type_hints(cls: Any, include_extras: bool = False) -> Dict[str, Any]:
    """``typing.get_type_hints(cls)``, also for a class whose module is not
    in ``sys.modules`` on 3.9 (read there with empty globals, as 3.10 does)."""
    try:
        return typing.get_type_hints(cls, include_extras=include_extras)
    except KeyError:
        mro: Tuple[Any, ...] = getattr(cls, "__mro__", ())
        if sys.version_info >= (3, 10) or all(getattr(b, "__module__", None) in sys.modules for b in mro):
            raise
        return typing.get_type_hints(cls, globalns={}, include_extras=include_extras)
