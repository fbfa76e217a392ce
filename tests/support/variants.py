"""Builds of the library with other Go flags, for tests that need them.

A variant is a copy of the installed gocfg package with libgocfg.so
rebuilt (race detector, cgocheck2, test hooks). The extension finds the
library beside itself, so putting the copy first on PYTHONPATH in a child
process makes that process use the variant.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import List

import gocfg

ROOT = Path(__file__).resolve().parents[2]


def build_variant(dest: Path, goflags: List[str], env_extra: dict = None) -> Path:
    """Copy the installed package into dest/gocfg and rebuild its library.
    Returns the directory to put on PYTHONPATH."""
    pkg = Path(gocfg.__file__).resolve().parent
    target = dest / "gocfg"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(pkg, target, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, **(env_extra or {})}
    cmd = ["go", "build", "-buildmode=c-shared", *goflags,
           "-ldflags", f"-extldflags -Wl,--version-script={ROOT / 'gocore' / 'capi' / 'exports.map'}",
           "-o", str(target / "libgocfg.so"), "./gocore/capi"]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    header = target / "libgocfg.h"
    if header.exists():
        header.unlink()
    return dest
