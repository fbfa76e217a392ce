"""The C test program for the database calls (tests/c/test_db.c), compiled
against the public header and run on memory:// and SQLite."""
from __future__ import annotations

import os
import subprocess

import gocfg
from conftest import ROOT

LIB_DIR = os.path.dirname(gocfg.__file__)


def test_c_program_opens_saves_queries_and_closes_a_store(tmp_path):
    exe = tmp_path / "test_db"
    build = subprocess.run(["gcc", "-Wall", "-Wextra", "-Werror", "-std=c11", "-pthread",
                            "-I", str(ROOT / "gocore" / "capi"), str(ROOT / "tests" / "capi" / "c" / "test_db.c"),
                            "-L", LIB_DIR, "-lgocfg", f"-Wl,-rpath,{LIB_DIR}", "-o", str(exe)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    data = tmp_path / "data"
    data.mkdir()
    proc = subprocess.run([str(exe), str(data)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASSED: 0 failure(s)" in proc.stdout
    # The SQLite files the program made are private to their owner.
    for name in ("test_db.sqlite", "bare-path.db"):
        assert os.stat(data / name).st_mode & 0o777 == 0o600
