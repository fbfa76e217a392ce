"""What help() shows a newcomer: every public name and every public
method, property and classmethod of gocfg's own classes has a docstring."""
from __future__ import annotations

import inspect
from typing import Iterator, List, Tuple

import gocfg


def _public_names() -> List[str]:
    return sorted(set(gocfg.__all__) | {"ConnectionError"})


def _own_members(cls: type) -> Iterator[Tuple[str, object]]:
    """The public members that gocfg's classes define (along the MRO), not
    those of builtins or collections.abc, whose docs are theirs."""
    seen = set()
    for klass in cls.__mro__:
        if not klass.__module__.startswith("gocfg"):
            continue
        for name, member in vars(klass).items():
            if name.startswith("_") or name in seen:
                continue
            seen.add(name)
            if isinstance(member, (classmethod, staticmethod)):
                member = member.__func__
            if isinstance(member, property) or inspect.isfunction(member):
                yield f"{klass.__name__}.{name}", member


def test_every_public_name_and_method_has_a_docstring():
    undocumented = []
    for name in _public_names():
        obj = getattr(gocfg, name)
        if not (inspect.getdoc(obj) or "").strip():
            undocumented.append(name)
        if inspect.isclass(obj):
            for where, member in _own_members(obj):
                if not (getattr(member, "__doc__", None) or "").strip():
                    undocumented.append(f"{name}: {where}")
    assert undocumented == []


def test_the_member_walk_reaches_what_help_shows():
    # The walk above must see inherited members (items is Section's, shown
    # by help(gocfg.Config)) and classmethods, or it could pass vacuously.
    names = {where for where, _ in _own_members(gocfg.Config)}
    assert {"Section.items", "Section.values", "Config.load", "Config.close"} <= names
