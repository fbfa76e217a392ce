"""The Go packages' own tests, the C program and the library's symbol table."""
from __future__ import annotations

import os
import shutil
import sys
import subprocess

import pytest

import gocfg
from conftest import ROOT

LIB_DIR = os.path.dirname(gocfg.__file__)
LIB = os.path.join(LIB_DIR, "libgocfg.so")


def test_go_packages_pass_with_race_detector():
    go = shutil.which("go")
    assert go, "the Go toolchain is needed to run the Go tests"
    # The gocfg_testhooks tag adds a test that drives the C exports from many
    # goroutines at once, so the race detector covers the export layer too.
    proc = subprocess.run([go, "test", "-race", "-count=1", "-tags", "gocfg_testhooks", "./gocore/..."], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    failures = [line for line in (proc.stdout + proc.stderr).splitlines()
                if line.startswith(("FAIL", "--- FAIL", "panic:")) or "_test.go:" in line]
    assert proc.returncode == 0, "\n".join(failures[:60]) or proc.stdout[-3000:] + proc.stderr[-3000:]


def test_c_program_against_public_header(tmp_path):
    exe = tmp_path / "test_capi"
    subprocess.run(["gcc", "-Wall", "-Wextra", "-Werror", "-std=c11",
                    "-I", str(ROOT / "gocore" / "capi"), str(ROOT / "tests" / "c" / "test_capi.c"),
                    "-L", LIB_DIR, "-lgocfg", f"-Wl,-rpath,{LIB_DIR}", "-o", str(exe)],
                   check=True, capture_output=True, text=True)
    proc = subprocess.run([str(exe)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASSED: 0 failure(s)" in proc.stdout


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
