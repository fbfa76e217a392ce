"""The peers that bench/run.py measures gocfg against, and how each is built.

- ctypes: the binding a ctypes user would write for the same libgocfg.so.
- gopy: a gopy v0.5.0 binding of an equivalent Go store (bench/_gopy), built
  into a temporary directory at bench time.
- the C floor: bench/floor.c, compiled with gcc against the public header and
  the installed libgocfg.so.

Builders never raise: they return (result, None) or (None, reason), so a peer
that cannot be built on a machine shows up in the table with the reason.
"""
from __future__ import annotations

import ctypes
import importlib
import os
import shutil
import subprocess
import sys
from typing import Any, Optional, Tuple

import gocfg

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
HEADER_DIR = os.path.join(ROOT, "gocore", "capi")

GOPY_VERSION = "v0.5.0"
# goimports comes from the golang.org/x/tools that gopy v0.5.0 itself requires.
X_TOOLS_VERSION = "v0.29.0"
PYBINDGEN_HINT = "pip install -r bench/requirements.txt"


def lib_dir() -> str:
    """Where the installed package keeps libgocfg.so (beside gocfg.__file__)."""
    return os.path.dirname(os.path.abspath(gocfg.__file__))


def lib_path() -> str:
    return os.path.join(lib_dir(), "libgocfg.so")


# ------------------------------------------------------------------- ctypes


def ctypes_binding() -> ctypes.CDLL:
    """The binding a ctypes user would write for the same library."""
    lib = ctypes.CDLL(lib_path())
    lib.gocfg_abi_version.restype = ctypes.c_int
    lib.gocfg_abi_version.argtypes = []
    lib.gocfg_config_new.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p]
    lib.gocfg_config_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                     ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p]
    lib.gocfg_config_get.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                     ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p]
    lib.gocfg_config_get.restype = ctypes.c_int64
    lib.gocfg_config_contains.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                          ctypes.c_void_p]
    lib.gocfg_config_free.argtypes = [ctypes.c_void_p]
    return lib


class CtypesConfig:
    """cfg[k], cfg[k] = v and k in cfg the way a ctypes binding would do them:
    encode, call, check the status, decode; a 512-byte scratch buffer, like
    gocfg.Config's."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        self.lib = lib
        self.h = ctypes.c_void_p()
        if lib.gocfg_config_new(ctypes.byref(self.h), None) != 0:
            raise RuntimeError("gocfg_config_new failed")
        self.buf = ctypes.create_string_buffer(512)

    def __getitem__(self, key: str) -> str:
        k = key.encode()
        n = self.lib.gocfg_config_get(self.h, k, len(k), self.buf, 512, None)
        if n < 0 or n > 512:
            raise KeyError(key)
        return self.buf.raw[:n].decode()

    def __setitem__(self, key: str, value: str) -> None:
        k, v = key.encode(), value.encode()
        if self.lib.gocfg_config_set(self.h, k, len(k), v, len(v), None) != 0:
            raise ValueError(key)

    def __contains__(self, key: str) -> bool:
        k = key.encode()
        return self.lib.gocfg_config_contains(self.h, k, len(k), None) == 1

    def close(self) -> None:
        if self.h:
            self.lib.gocfg_config_free(self.h)
            self.h = ctypes.c_void_p()


# ------------------------------------------------------------------ C floor


def build_floor(tmp: str) -> Tuple[Optional[str], Optional[str]]:
    """Compile bench/floor.c; return (path of the program, None) or (None, why)."""
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        return None, "no C compiler (gcc) on PATH"
    if not os.path.exists(lib_path()):
        return None, f"libgocfg.so not found beside {gocfg.__file__}"
    exe = os.path.join(tmp, "floor")
    cmd = [cc, "-O2", "-std=c11", "-Wall", "-Wextra", "-I", HEADER_DIR,
           os.path.join(BENCH, "floor.c"), "-L", lib_dir(), "-lgocfg",
           f"-Wl,-rpath,{lib_dir()}", "-o", exe]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return None, "gcc failed: " + _last_line(proc.stderr or proc.stdout)
    return exe, None


# --------------------------------------------------------------------- gopy


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    # Prefer the first line that names an error; otherwise the last line.
    for ln in lines:
        if "error" in ln.lower() or "cannot" in ln.lower() or "not found" in ln.lower():
            return ln[:200]
    return lines[-1][:200] if lines else "(no output)"


def _cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "gocfg-bench", f"gopy-{GOPY_VERSION}")


def _go_env(extra_path: Optional[str] = None) -> dict:
    env = dict(os.environ)
    env["GOTOOLCHAIN"] = "local"  # never download another Go
    if extra_path:
        env["PATH"] = extra_path + os.pathsep + env.get("PATH", "")
    return env


def _run(cmd: list, cwd: str, env: dict, log: str, timeout: int = 900) -> Optional[str]:
    """Run cmd, appending its output to log; None on success, else why not."""
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"{os.path.basename(cmd[0])} took longer than {timeout} s"
    with open(log, "a") as f:
        f.write(f"$ {' '.join(cmd)}\n{proc.stdout}{proc.stderr}\n")
    out = proc.stdout + proc.stderr
    if proc.returncode != 0 or "error dispatching command" in out:
        return f"{os.path.basename(cmd[0])} failed: {_last_line(out)}"
    return None


def gopy_tools(log: str) -> Tuple[Optional[str], Optional[str]]:
    """A directory holding gopy v0.5.0 and goimports, building them if needed.

    They are built from a small Go module that pins gopy and x/tools, rather
    than with `go install github.com/go-python/gopy@v0.5.0`, because that
    command also asks the module proxy for gopy's list of versions (to look
    for a deprecation notice) and some proxies refuse that list while serving
    the version itself. The binaries are cached under ~/.cache/gocfg-bench.
    """
    go = shutil.which("go")
    if go is None:
        return None, "the Go toolchain (go) is not on PATH"
    bindir = os.path.join(_cache_dir(), "bin")
    gopy = os.path.join(bindir, "gopy")
    goimports = os.path.join(bindir, "goimports")
    if os.path.exists(gopy) and os.path.exists(goimports):
        return bindir, None
    mod = os.path.join(_cache_dir(), "tools-module")
    os.makedirs(mod, exist_ok=True)
    with open(os.path.join(mod, "go.mod"), "w") as f:
        f.write("module gocfgbenchtools\n\ngo 1.22\n\nrequire (\n"
                f"\tgithub.com/go-python/gopy {GOPY_VERSION}\n"
                f"\tgolang.org/x/tools {X_TOOLS_VERSION}\n)\n")
    env = _go_env()
    for target, out in (("github.com/go-python/gopy", gopy), ("golang.org/x/tools/cmd/goimports", goimports)):
        why = _run([go, "build", "-mod=mod", "-o", out + ".tmp", target], mod, env, log)
        if why:
            return None, why
        os.replace(out + ".tmp", out)
    return bindir, None


def build_gopy(tmp: str, log: str) -> Tuple[Optional[Any], Optional[str]]:
    """Build the gopy peer into tmp and import it.

    Returns (module, None) or (None, why). The module's directory is also
    returned as module.__gocfg_bench_dir__ so subprocesses can import it.
    """
    try:
        import pybindgen  # noqa: F401  (gopy's generated build.py needs it)
    except ImportError:
        return None, f"pybindgen is missing ({PYBINDGEN_HINT})"
    bindir, why = gopy_tools(log)
    if why:
        return None, why
    mod = os.path.join(tmp, "gopy-peer")
    os.makedirs(os.path.join(mod, "gostore"), exist_ok=True)
    shutil.copy(os.path.join(BENCH, "_gopy", "gostore.go"), os.path.join(mod, "gostore", "gostore.go"))
    with open(os.path.join(mod, "go.mod"), "w") as f:
        f.write(f"module gocfgbenchpeer\n\ngo 1.22\n\nrequire github.com/go-python/gopy {GOPY_VERSION}\n")
    # The generated Go code imports gopy's runtime support package; this file
    # keeps the requirement in the module (it is never compiled).
    with open(os.path.join(mod, "tools.go"), "w") as f:
        f.write('//go:build tools\n\npackage tools\n\nimport _ "github.com/go-python/gopy/gopyh"\n')
    pydir = os.path.join(mod, "py")
    out = os.path.join(pydir, "gopy_gostore")
    why = _run([os.path.join(bindir, "gopy"), "build", f"-output={out}", f"-vm={sys.executable}",
                "-name=gostore", "./gostore"], mod, _go_env(bindir), log)
    if why:
        return None, why
    if not any(n.startswith("_gostore") and n.endswith(".so") for n in os.listdir(out)):
        return None, f"gopy build produced no extension module (see {log})"
    sys.path.insert(0, pydir)
    try:
        module = importlib.import_module("gopy_gostore.gostore")
    except Exception as e:  # a broken build must not stop the other benchmarks
        return None, f"importing the gopy module failed: {type(e).__name__}: {e}"
    module.__gocfg_bench_dir__ = pydir
    return module, None


def gopy_gc_hooks() -> list:
    """The callbacks that importing a gopy module adds to gc.callbacks: each
    runs a full Go garbage collection after every Python collection."""
    import gc
    return [cb for cb in gc.callbacks if getattr(cb, "__name__", "") == "_gopy_gc_cb"]
