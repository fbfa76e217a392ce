"""Modules imported on first use, for a shorter ``import gocfg``.

A first ``Config.load`` needs a fraction of the package: the typed
getters, schema validation, rendering (html, json), provenance and diff
(dataclasses and inspect), the document functions and what they pull in
from the standard library cost more to import than the Go runtime takes to
start (bench/run.py, "cold start"). A module that uses one of them writes::

    if TYPE_CHECKING:
        from . import display as _display
    else:
        _display = _lazy.module("gocfg.display", globals(), "_display")

and keeps calling ``_display.html_table(...)``: the first attribute read
imports the module and puts it in the stand-in's place, so later calls
read the module itself, at the price of any other global.
"""
from __future__ import annotations

import importlib
from typing import Any, Dict


class _Module:
    """Stands in for a module until an attribute of it is read."""

    __slots__ = ("_name", "_namespace", "_as")

    def __init__(self, name: str, namespace: Dict[str, Any], as_name: str) -> None:
        self._name = name
        self._namespace = namespace
        self._as = as_name

    def __getattr__(self, attr: str) -> Any:
        mod = importlib.import_module(self._name)
        # Several threads may get here at once: the import lock makes them
        # share one module, and storing it twice is harmless.
        self._namespace[self._as] = mod
        return getattr(mod, attr)

    def __repr__(self) -> str:
        return f"<module {self._name!r}, imported on first use>"


def module(name: str, namespace: Dict[str, Any], as_name: str) -> Any:
    """A stand-in for the module ``name``, to be stored in ``namespace``
    as ``as_name``; it replaces itself there with the module on first use."""
    return _Module(name, namespace, as_name)
