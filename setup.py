"""Build glue: compile the Go library, then the cffi extension against it.

Everything declarative lives in pyproject.toml; this file adds the Go build
step, which setuptools cannot express on its own, and the per-platform
details of linking a Go c-shared library beside a Python extension.

Native builds use `go` and the C compiler Python was built with. Release
builds set GOCFG_TARGET to one of TARGETS below: then Zig's C compiler
(`zig cc`, from the `ziglang` package on PyPI, or $ZIG, or `zig` on PATH)
compiles and links both the Go library (as cgo's CC) and the extension for
that target. Zig carries the headers and symbol-version stubs of every glibc
release, so a wheel built on a new Debian links against glibc 2.17 and is
honestly manylinux2014; it is also a cross compiler, so the aarch64 wheel is
built on an x86_64 machine without an emulated toolchain.

    GOCFG_TARGET=aarch64-linux-gnu.2.17 python -m build --wheel --no-isolation
    GOCFG_TARGET=x86_64-macos python setup.py build_golib   # the Go library only
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from typing import Dict, List, Optional, Tuple

from setuptools import Command, Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))
GOLIB_DIR = os.path.join(ROOT, "build", "golib")  # pybind/build_ffi.py links from here
CAPI = os.path.join(ROOT, "gocore", "capi")

# Zig target -> (GOOS, GOARCH, wheel platform tag). Linux targets pin glibc
# 2.17, the floor of manylinux2014; macOS and Windows are link-checked only.
TARGETS: Dict[str, Tuple[str, str, Optional[str]]] = {
    "x86_64-linux-gnu.2.17": ("linux", "amd64", "manylinux2014_x86_64"),
    "aarch64-linux-gnu.2.17": ("linux", "arm64", "manylinux2014_aarch64"),
    "x86_64-macos": ("darwin", "amd64", None),
    "aarch64-macos": ("darwin", "arm64", None),
    "x86_64-windows-gnu": ("windows", "amd64", None),
}


def target() -> Optional[str]:
    t = os.environ.get("GOCFG_TARGET", "").strip()
    if t and t not in TARGETS:
        sys.exit(f"error: GOCFG_TARGET={t!r} is not one of: {', '.join(TARGETS)}")
    return t or None


def target_goos() -> str:
    t = target()
    if t:
        return TARGETS[t][0]
    return {"darwin": "darwin", "win32": "windows"}.get(sys.platform, "linux")


def lib_name(goos: str) -> str:
    """The library's file name, as each platform's loader expects it."""
    return {"darwin": "libgocfg.dylib", "windows": "gocfg.dll"}.get(goos, "libgocfg.so")


def lib_link_flags(goos: str, out_dir: str) -> List[str]:
    """Linker flags that give the library its name and hide everything but
    the gocfg_* exports (the Go runtime's own symbols stay internal)."""
    if goos == "darwin":
        # ld64 takes a list of exported symbols (wildcards allowed; C names
        # carry a leading underscore) and an install name that the extension
        # resolves through its @loader_path rpath.
        exported = os.path.join(out_dir, "exported_symbols.txt")
        with open(exported, "w") as f:
            f.write("_gocfg_*\n")
        return [f"-Wl,-exported_symbols_list,{exported}", "-Wl,-install_name,@rpath/libgocfg.dylib"]
    if goos == "windows":
        # Go marks every //export function dllexport, and a DLL exports only
        # what is marked, so no .def file is needed.
        return []
    # ELF: a GNU version script, and a SONAME equal to the shipped file name
    # so the extension's DT_NEEDED matches the file beside it.
    # --strip-all: Go's -s leaves the symbol table and the cgo objects'
    # debug sections to the external linker, which keeps them otherwise.
    return [f"-Wl,--version-script={os.path.join(CAPI, 'exports.map')}", "-Wl,-soname,libgocfg.so", "-Wl,--strip-all"]


def go_join(args: List[str]) -> str:
    """args as one string that go splits back into them (-ldflags,
    -extldflags): go honours a quote only around a whole word, and nothing
    escapes a quote inside one, so a word with a space (a checkout under
    "/Users/Jane Doe") is put in whichever quote it does not hold."""
    words = []
    for a in args:
        if a and not any(c in a for c in " \t\n\r'\""):
            words.append(a)
        elif "'" not in a:
            words.append(f"'{a}'")
        elif '"' not in a:
            words.append(f'"{a}"')
        else:
            sys.exit(f"error: go cannot be passed {a!r}: it holds both quote characters (move the source "
                     f"tree to a path without them)")
    return " ".join(words)


def zig_cc() -> List[str]:
    """The command that runs `zig cc`, as a list."""
    zig = os.environ.get("ZIG")
    if not zig:
        try:
            import ziglang  # the PyPI package ships the zig binary inside it
        except ImportError:
            zig = shutil.which("zig")
        else:
            zig = os.path.join(os.path.dirname(ziglang.__file__), "zig.exe" if os.name == "nt" else "zig")
    if not zig:
        sys.exit("error: GOCFG_TARGET needs Zig's C compiler: pip install -r requirements-release.txt (ziglang)")
    return [zig, "cc"]


def required_go() -> str:
    """The Go release that go.mod's `go` line asks for (written only there)."""
    with open(os.path.join(ROOT, "go.mod"), encoding="utf-8") as f:
        m = re.search(r"^go\s+(\S+)", f.read(), re.M)
    return m.group(1) if m else "?"


def version_key(v: str) -> Tuple[int, int, int]:
    """(1, 26, 0) for "1.26", "1.26.0", "go1.26.3" or "go1.26rc1"."""
    m = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", v)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)) if m else (0, 0, 0)


def _go_query(go: str, *args: str) -> List[str]:
    # Run outside the module: inside it, a Go older than go.mod's line
    # would refuse the query or (GOTOOLCHAIN=auto) download a newer Go first.
    r = subprocess.run([go, *args], cwd=tempfile.gettempdir(), capture_output=True, text=True)
    return r.stdout.splitlines() if r.returncode == 0 else []


def toolchain_problem(go: Optional[str]) -> Optional[str]:
    """What keeps this machine from building the library natively, as one
    line naming what is missing and what to do; None when nothing does.

    go build's own words for these are "go: go.mod requires go >= ..." or,
    with no C compiler, "-buildmode=c-shared requires external (cgo)
    linking, but cgo is not enabled", and pip wraps them in a traceback."""
    need = required_go()
    if go is None:
        return (f"building gocfg needs Go {need} or newer (the go line of go.mod), and 'go' was not found "
                f"on PATH: install Go from https://go.dev/dl/ and put its bin folder on PATH")
    words = (_go_query(go, "version") or [""])[0].split()
    if len(words) < 3 or not words[2].startswith("go"):
        return None  # a go that cannot say its version: go build will say what is wrong
    have = words[2]
    if version_key(have) < version_key(need):
        toolchain = (_go_query(go, "env", "GOTOOLCHAIN") or ["local"])[0]
        # Go 1.21 and newer fetch the release go.mod asks for by themselves,
        # unless GOTOOLCHAIN says to use only the local one.
        if version_key(have) < (1, 21, 0) or toolchain in ("local", ""):
            return (f"building gocfg needs Go {need} or newer (the go line of go.mod), and {go} is "
                    f"{have.replace('go', 'Go ', 1)}: install a newer Go from https://go.dev/dl/ and put it first "
                    f"on PATH" + (f", or let this Go fetch it with GOTOOLCHAIN=auto (it is {toolchain or 'unset'})"
                                  if version_key(have) >= (1, 21, 0) else ""))
        print(f"note: {go} is {have}, older than go.mod's go {need}: go fetches go{need} (GOTOOLCHAIN={toolchain})",
              flush=True)
    if target():
        return None  # zig is the C compiler of a release build
    answer = _go_query(go, "env", "CC", "CGO_ENABLED")
    if len(answer) != 2:
        return None  # go build will say what is wrong with this go
    cc, cgo = answer
    if os.environ.get("CGO_ENABLED", "").strip() == "0":
        return ("CGO_ENABLED=0 is set, and gocfg's library is built with cgo (-buildmode=c-shared): "
                "unset CGO_ENABLED")
    install = ("install one (Debian, Ubuntu: apt install gcc; Fedora: dnf install gcc; macOS: "
               "xcode-select --install) or name it in CC")
    cc_exe = (shlex.split(cc) or ["gcc"])[0]
    if cgo != "1" or shutil.which(cc_exe) is None:
        return f"building gocfg needs a C compiler for Go's cgo, and {cc_exe!r} was not found on PATH: {install}"
    if sys.platform != "win32":  # setuptools finds MSVC on its own there
        py_cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
        py_exe = (shlex.split(py_cc) or ["cc"])[0]
        if shutil.which(py_exe) is None:
            return (f"building gocfg's extension needs the C compiler Python was built with, and {py_exe!r} was "
                    f"not found on PATH: {install}")
    return None


def go_build(out_dir: str) -> str:
    """Build the c-shared Go library into out_dir and return its path."""
    go = shutil.which("go")
    problem = toolchain_problem(go)
    if problem:
        sys.exit("error: " + problem)
    assert go is not None
    t = target()
    goos = target_goos()
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, lib_name(goos))
    env = dict(os.environ)
    if t:
        goos, goarch, _ = TARGETS[t]
        # Go splits CC into words and honours quotes, so a path with spaces works.
        env.update(GOOS=goos, GOARCH=goarch, CGO_ENABLED="1",
                   CC=" ".join(shlex.quote(w) for w in [*zig_cc(), "-target", t]))
    # GOCFG_GOFLAGS lets the checked builds (race, cgocheck2) reuse this step.
    extra = os.environ.get("GOCFG_GOFLAGS", "").split()
    # Two levels of go's quoting: the linker flags are one word of -ldflags.
    ldflags = go_join(["-s", "-w", "-extldflags", go_join(lib_link_flags(goos, out_dir))])
    cmd = [go, "build", "-buildmode=c-shared", "-trimpath", "-buildvcs=false", *extra,
           "-ldflags", ldflags, "-o", out, "./gocore/capi"]
    print(("GOOS=%s GOARCH=%s CC=%s " % (env["GOOS"], env["GOARCH"], env["CC"]) if t else "") + shlex.join(cmd),
          flush=True)
    status = subprocess.run(cmd, cwd=ROOT, env=env).returncode
    if status != 0:
        # go printed what went wrong just above; a Python traceback after it
        # would only bury that.
        sys.exit(f"error: go build of gocfg's library failed (exit status {status}): go's messages are above")
    # go build also writes a generated header; ours is gocore/capi/gocfg.h.
    generated = os.path.splitext(out)[0] + ".h"
    if os.path.exists(generated):
        os.remove(generated)
    return out


class BuildGoLib(Command):
    """`python setup.py build_golib`: only the Go library, into build/golib/<target>."""

    description = "build the Go c-shared library (for GOCFG_TARGET, or this machine)"
    user_options: List[Tuple[str, Optional[str], str]] = []

    def initialize_options(self) -> None:
        pass

    def finalize_options(self) -> None:
        pass

    def run(self) -> None:
        go_build(os.path.join(GOLIB_DIR, target() or "native"))


class BuildGoThenExt(build_ext):
    def run(self) -> None:
        self._golib = go_build(GOLIB_DIR)
        super().run()
        if self.inplace:
            dest = os.path.join(ROOT, "pybind", "gocfg")
        else:
            dest = os.path.join(self.build_lib, "gocfg")
        os.makedirs(dest, exist_ok=True)
        shutil.copy2(self._golib, os.path.join(dest, os.path.basename(self._golib)))

    def build_extensions(self) -> None:
        goos = target_goos()
        t = target()
        if t:
            # Compile and link with zig for the target; nothing from the
            # host's sysconfig flags (which may name x86-only options).
            cc = [*zig_cc(), "-target", t]
            self.compiler.set_executable("compiler_so", [*cc, "-fPIC", "-O2", "-DNDEBUG", "-fwrapv"])
            self.compiler.set_executable("linker_so", [*cc, "-shared"])
        elif goos == "linux":
            # The interpreter's LDSHARED may carry -L and -rpath for its own
            # lib folder (pyenv, conda): the extension needs neither, and a
            # RUNPATH entry from the build machine must not ship in a wheel.
            self.compiler.linker_so = [a for a in self.compiler.linker_so
                                       if not (a.startswith("-L") or a.startswith("-Wl,-rpath") or a.startswith("-Wl,-R"))]
        rpath = {"darwin": "-Wl,-rpath,@loader_path", "windows": None}.get(goos, "-Wl,-rpath,$ORIGIN")
        for ext in self.extensions:
            args = [a for a in ext.extra_link_args if not a.startswith("-Wl,-rpath")]
            ext.extra_link_args = args + ([rpath] if rpath else [])
        super().build_extensions()


# A free-threaded CPython (3.14t) has no Limited API: there both extensions
# are built for the running version (a cp314t wheel), elsewhere for the
# Limited API of 3.9 (one cp39-abi3 wheel for every later CPython).
FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
LIMITED_API = [] if FREE_THREADED else [("Py_LIMITED_API", "0x03090000")]


def _options() -> dict:
    opts: dict = {"bdist_wheel": {}} if FREE_THREADED else {"bdist_wheel": {"py_limited_api": "cp39"}}
    t = target()
    if t:
        # Objects of one target never meet another's in a reused build folder.
        opts["build"] = {"build_base": os.path.join("build", t)}
        if TARGETS[t][2]:
            opts["bdist_wheel"]["plat_name"] = TARGETS[t][2]
    return opts


# The hand-written hot path (pybind/_hot.c): linked against the Go library
# as the cffi extension is (build_extensions above adds the same rpath and,
# for GOCFG_TARGET, the same zig compiler), limited API 3.9 like it.
HOT = Extension(
    "gocfg._hot",
    sources=["pybind/_hot.c"],
    include_dirs=[CAPI],
    libraries=["gocfg"],
    library_dirs=[GOLIB_DIR],
    define_macros=LIMITED_API,
    py_limited_api=not FREE_THREADED,
)

# setuptools' build backend runs this file as __main__ too; tests import it
# to call the helpers above.
if __name__ == "__main__":
    setup(
        cmdclass={"build_ext": BuildGoThenExt, "build_golib": BuildGoLib},
        cffi_modules=["pybind/build_ffi.py:ffibuilder"],
        ext_modules=[HOT],
        options=_options(),
    )
