"""The C test program and the library's symbol table.

The Go packages' own tests run directly (`go test -race`, see scripts/check),
not through pytest."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT
from cprogram import LIB_DIR, compile_and_run

LIB = os.path.join(LIB_DIR, "libgocfg.so")


def test_c_program_against_public_header(tmp_path):
    compile_and_run(tmp_path, "test_capi")


def test_only_gocfg_symbols_are_exported():
    if shutil.which("nm") is None:
        pytest.fail("nm (binutils) is needed to check the exported symbols")
    out = subprocess.run(["nm", "-D", "--defined-only", LIB], check=True,
                         capture_output=True, text=True).stdout
    names = [line.split()[-1] for line in out.splitlines() if line.strip()]
    assert names, "no exported symbols found"
    assert [n for n in names if not n.startswith("gocfg_")] == []
    assert "gocfg_config_new" in names and "gocfg_buffer_free" in names


def test_header_declares_every_export():
    """The hand-written header and the library agree on the function set."""
    header = (ROOT / "gocore" / "capi" / "gocfg.h").read_text()
    out = subprocess.run(["nm", "-D", "--defined-only", LIB], check=True,
                         capture_output=True, text=True).stdout
    for name in (line.split()[-1] for line in out.splitlines() if line.strip()):
        assert f"{name}(" in header, f"{name} is exported but not declared in gocfg.h"


def test_quickstart_example_runs():
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "quickstart.py")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "demo" in proc.stdout
