"""Build glue: compile the Go library, then the cffi extension against it.

Everything declarative lives in pyproject.toml; this file only adds the Go
build step, which setuptools cannot express on its own.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))
GOLIB_DIR = os.path.join(ROOT, "build", "golib")
LIBNAME = "libgocfg.so"


def go_build(out_dir: str) -> str:
    """Build the c-shared Go library into out_dir and return its path."""
    go = shutil.which("go")
    if go is None:
        sys.exit("error: building gocfg needs Go 1.24 or newer, and 'go' was not found on PATH (https://go.dev/dl/)")
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, LIBNAME)
    version_script = os.path.join(ROOT, "gocore", "capi", "exports.map")
    # GOCFG_GOFLAGS lets the checked builds (race, cgocheck2) reuse this step.
    extra = os.environ.get("GOCFG_GOFLAGS", "").split()
    cmd = [go, "build", "-buildmode=c-shared", "-trimpath", *extra,
           "-ldflags", f"-s -w -extldflags -Wl,--version-script={version_script}",
           "-o", out, "./gocore/capi"]
    print(" ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)
    # go build also writes a generated header; ours is gocore/capi/gocfg.h.
    generated = os.path.join(out_dir, "libgocfg.h")
    if os.path.exists(generated):
        os.remove(generated)
    return out


class BuildGoThenExt(build_ext):
    def run(self) -> None:
        lib = go_build(GOLIB_DIR)
        super().run()
        if self.inplace:
            target = os.path.join(ROOT, "pybind", "gocfg")
        else:
            target = os.path.join(self.build_lib, "gocfg")
        os.makedirs(target, exist_ok=True)
        shutil.copy2(lib, os.path.join(target, LIBNAME))


setup(
    cmdclass={"build_ext": BuildGoThenExt},
    cffi_modules=["pybind/build_ffi.py:ffibuilder"],
    options={"bdist_wheel": {"py_limited_api": "cp39"}},
)
