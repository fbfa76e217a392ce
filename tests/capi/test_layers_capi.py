"""The C test program for the layer calls (tests/c/test_layers.c), compiled
against the public header."""
from __future__ import annotations

import os
import subprocess

import gocfg
from conftest import ROOT

LIB_DIR = os.path.dirname(gocfg.__file__)


def test_c_program_builds_layers_and_reads_origins(tmp_path):
    exe = tmp_path / "test_layers"
    build = subprocess.run(["gcc", "-Wall", "-Wextra", "-Werror", "-std=c11",
                            "-I", str(ROOT / "gocore" / "capi"), str(ROOT / "tests" / "capi" / "c" / "test_layers.c"),
                            "-L", LIB_DIR, "-lgocfg", f"-Wl,-rpath,{LIB_DIR}", "-o", str(exe)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    proc = subprocess.run([str(exe), str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASSED: 0 failure(s)" in proc.stdout
