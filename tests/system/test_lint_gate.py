"""The lint gate (scripts/lint) passes on the tree and fails on a planted
violation of each of its tools, naming the tool."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import ROOT

TOOLS_ON_PATH = shutil.which("go") and shutil.which("gofmt")


def _copy_tree(dest):
    """The tracked files of the repository (plus the built extension the
    package needs for nothing here), copied to dest."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    for rel in filter(None, files.decode().split("\0")):
        src = ROOT / rel
        if not src.is_file():
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)


def _lint(tree):
    return subprocess.run(["bash", str(tree / "scripts" / "lint")], capture_output=True, text=True, timeout=900,
                          env={**os.environ, "GOFLAGS": "-mod=mod"})


@pytest.mark.skipif(not TOOLS_ON_PATH, reason="the lint gate needs go and gofmt on PATH")
def test_lint_gate_fails_on_each_planted_violation(tmp_path):
    if not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to copy the tracked files from")
    tree = tmp_path / "tree"
    _copy_tree(tree)
    # One violation per tool.
    (tree / "gocore" / "value" / "zz_planted.go").write_text("package value\nfunc  planted() {}\n")  # gofmt
    (tree / "gocore" / "errs" / "zz_planted.go").write_text(
        'package errs\n\nimport "fmt"\n\nfunc plantedVet() string { return fmt.Sprintf("%d", "x") }\n')  # go vet
    (tree / "tests" / "zz_planted.py").write_text("import os\n")  # ruff: unused import
    (tree / "pybind" / "gocfg" / "zz_planted.py").write_text("def f(x):\n    return x\n")  # mypy --strict: untyped
    proc = _lint(tree)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("lint gate failed:"), out
    for tool in ("gofmt", "go vet", "ruff", "mypy"):
        assert tool in last, f"{tool} did not fail on its planted violation:\n{out[-3000:]}"
