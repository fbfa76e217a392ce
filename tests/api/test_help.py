"""What help() and --help show a newcomer: every public name and every
public method, property and classmethod of gocfg's own classes has a
docstring, and every argument of the command line says what it takes."""
from __future__ import annotations

import argparse
import inspect
from typing import Iterator, List, Tuple

import gocfg
from gocfg import __main__ as cli
from support.cli import run_cli


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


def _parsers(parser: argparse.ArgumentParser, prog: str) -> Iterator[Tuple[str, argparse.ArgumentParser]]:
    yield prog, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, f"{prog} {name}")


def test_every_command_line_argument_has_help():
    parsers = list(_parsers(cli._parser(), "gocfg"))
    assert {"gocfg diff", "gocfg convert", "gocfg db diff"} <= {prog for prog, _ in parsers}
    silent = [f"{prog}: {action.metavar or action.dest}"
              for prog, parser in parsers for action in parser._actions
              if not isinstance(action, argparse._SubParsersAction) and not action.help]
    assert silent == []


def test_format_options_show_FORMAT_and_list_the_names_once():
    for prog, parser in _parsers(cli._parser(), "gocfg"):
        text = parser.format_help()
        assert "{json," not in text, prog  # argparse's choice set, in the usage and again in the help
        if "--format" in text or "--input-format" in text:
            names = ", ".join(gocfg._args.formats())
            assert text.count("FORMAT is one of") == 1 and names in text, prog
    # The choices are still checked, with every name in the message.
    r = run_cli("get", "app.yaml", "k", "--format", "jsn")
    assert r.returncode == 2 and "invalid choice: 'jsn'" in r.stderr and "'properties-flat'" in r.stderr


def test_dir_lists_the_api_and_no_typing_helper():
    # dir(gocfg), and so a notebook's completion of "gocfg.", listed
    # TYPE_CHECKING beside the API.
    import types

    extra = [n for n in dir(gocfg) if not n.startswith("_") and n not in _public_names()
             and not isinstance(getattr(gocfg, n), types.ModuleType)]
    assert extra == []
    assert set(_public_names()) <= set(dir(gocfg))
