"""The list-index rule of paths, written once for Python.

A path segment indexes a list only in its canonical decimal form: ASCII
digits, no sign, no leading zero ("0", "1", "12"), below the list's
length. It is the library's rule (``ListIndex`` in gocore/value) for the
walks Python makes itself over plain values (a forked child's snapshot,
the CLI's list roots, the stored tree a save or a pickle walks). Python's
``int()`` is not that rule: it reads "+1", "-1", " 1 ", "1_0" and "٣" as
numbers, and a negative one wraps around to the end of the list.

This module imports nothing of the package: every other module may use it.
"""
from __future__ import annotations

from typing import Any

__all__ = ["list_index", "step"]


def list_index(seg: str, n: int) -> int:
    """The index into a list of n items that seg names, or -1 when it names none."""
    if not seg.isascii() or not seg.isdigit() or (len(seg) > 1 and seg[0] == "0"):
        return -1
    i = int(seg)
    return i if i < n else -1


def step(node: Any, seg: str) -> Any:
    """node's child at seg: an item of a list (KeyError when seg is no index
    in it), a value of anything else subscripted by seg."""
    if isinstance(node, list):
        i = list_index(seg, len(node))
        if i < 0:
            raise KeyError(seg)
        return node[i]
    return node[seg]
