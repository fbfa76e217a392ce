"""The package's shape, checked by reading its source: imports run one way
(no cycle, counting imports inside functions too), and only the binding
module touches the library's ``_lib``/``_ffi``."""
from __future__ import annotations

import ast
import pathlib

import gocfg

PACKAGE = pathlib.Path(gocfg.__file__).resolve().parent
# The one module that calls the library.
BINDING = {"_capi"}
# The loader, which hands the library to the binding and nothing else.
LOADER = "_native"


def _modules() -> dict:
    return {p.stem: ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in sorted(PACKAGE.glob("*.py"))}


def _imports(tree: ast.AST, modules: set) -> set:
    """The package's modules that a module imports, anywhere in it."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module is None:  # from . import a, b
                found |= {a.name for a in node.names if a.name in modules}
            elif node.level == 1:  # from .a import x
                found.add(node.module.split(".")[0])
            elif node.level == 0 and node.module and node.module.split(".")[0] == "gocfg":
                parts = node.module.split(".")
                if len(parts) > 1:
                    found.add(parts[1])
                else:
                    found |= {a.name for a in node.names if a.name in modules}
        elif isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == "gocfg" and len(parts) > 1:
                    found.add(parts[1])
    return found & modules


def _cycle(graph: dict):
    """One import cycle as a list of modules, or None."""
    state = {}
    stack = []

    def visit(m):
        state[m] = "open"
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == "open":
                return stack[stack.index(n):] + [n]
            if n not in state:
                found = visit(n)
                if found:
                    return found
        stack.pop()
        state[m] = "done"
        return None

    for m in sorted(graph):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def test_the_package_has_no_import_cycle():
    mods = _modules()
    graph = {name: _imports(tree, set(mods)) - {name} for name, tree in mods.items()}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_the_cycle_finder_finds_cycles():
    # A check that cannot fail is no check: the finder sees a planted cycle,
    # through an import inside a function too.
    a = ast.parse("from . import b\n")
    b = ast.parse("def f():\n    from .a import x\n")
    graph = {"a": _imports(a, {"a", "b"}), "b": _imports(b, {"a", "b"})}
    assert _cycle(graph) in (["a", "b", "a"], ["b", "a", "b"])


def _library_uses(tree: ast.AST) -> list:
    return [n.lineno for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in ("_lib", "_ffi", "_hot")]


def test_only_the_binding_module_calls_the_library():
    mods = _modules()
    offenders = {name: _library_uses(tree) for name, tree in mods.items() if name not in BINDING}
    assert {k: v for k, v in offenders.items() if v} == {}
    assert all(_library_uses(mods[name]) for name in BINDING)  # the check sees real uses


def _extension_imports(tree: ast.AST) -> set:
    """The compiled extensions (cffi's, gocfg._hot) that a module imports."""
    names = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.ImportFrom) and (n.level == 1 or (n.module or "").startswith("gocfg")):
            names |= {a.name for a in n.names} | {(n.module or "").split(".")[-1]}
        elif isinstance(n, ast.Import):
            names |= {a.name.split(".")[-1] for a in n.names if a.name.startswith("gocfg.")}
    return names & {"_gocfg_cffi", "_hot"}


def test_only_the_loader_imports_the_extensions():
    mods = _modules()
    importers = {name: _extension_imports(tree) for name, tree in mods.items()}
    assert {k: v for k, v in importers.items() if v} == {LOADER: {"_gocfg_cffi", "_hot"}}


def test_only_the_binding_module_imports_the_loader():
    mods = _modules()
    importers = {name for name, tree in mods.items() if LOADER in _imports(tree, set(mods))}
    assert importers <= BINDING, importers


def test_lower_modules_import_no_public_module():
    # Public API -> binding -> loader: the binding and the loader import
    # only the error classes (the loader also the library's stand-in for
    # forked children, which imports only the error classes and _index), and the
    # helpers below the public classes import nothing above them. _text
    # (what a message may show of what it quotes), _index (which path
    # segment is a list index) and _credentials (the credentials a message
    # or a shown value masks) are below them all.
    mods = _modules()
    lower = {"_native": {"_forklib", "errors"}, "_forklib": {"_index", "errors"}, "_capi": {"_native", "errors"},
             "errors": {"_text", "_credentials"}, "_text": set(), "_index": set(), "_credentials": set(),
             "_handle": {"_capi", "errors"}, "_args": {"_capi", "errors"},
             "_values": {"_capi", "errors", "_text"}}
    for name, allowed in lower.items():
        assert _imports(mods[name], set(mods)) <= allowed, name
