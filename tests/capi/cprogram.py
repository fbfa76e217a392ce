"""What the C ABI tests share: compiling a C test program of
tests/capi/c against the public header and the installed library, and
running it."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Sequence

import gocfg
from conftest import ROOT

LIB_DIR = os.path.dirname(gocfg.__file__)
C_DIR = Path(__file__).resolve().parent / "c"


def compile_and_run(tmp_path: Path, program: str, args: Sequence[object] = (), flags: Sequence[str] = ()) -> str:
    """Builds tests/capi/c/<program>.c with warnings as errors against
    gocfg.h and libgocfg.so, runs it with args, and returns its output
    after checking that it passed."""
    exe = tmp_path / program
    build = subprocess.run(["gcc", "-Wall", "-Wextra", "-Werror", "-std=c11", *flags,
                            "-I", str(ROOT / "gocore" / "capi"), str(C_DIR / f"{program}.c"),
                            "-L", LIB_DIR, "-lgocfg", f"-Wl,-rpath,{LIB_DIR}", "-o", str(exe)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    proc = subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASSED: 0 failure(s)" in proc.stdout
    return proc.stdout

