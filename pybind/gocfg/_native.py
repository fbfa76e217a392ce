"""Loading the Go library, once and only when first needed, and the fork guard.

Importing gocfg must not start the Go runtime (it starts threads and would
make a later os.fork() unsafe for no benefit), so the cffi extension, which
links the Go library, is imported on first use. Python caches the extension
in sys.modules, so importlib.reload(gocfg) never maps a second copy.

Only gocfg._capi calls the library; this module hands it ``lib`` and
``ffi``, and ``hot``, the small C extension gocfg._hot (pybind/_hot.c)
that makes the per-call hot calls keeping the GIL. In a child created by
os.fork() after the library was loaded, it swaps ``lib`` for
gocfg._forklib.ForkedLibrary, which answers reads of the Configs that
existed at the fork from the snapshots the parent took just before it
(``fork_snapshots``, set by gocfg._snapshot) and refuses every other call
with ForkedProcessError, and ``hot`` for gocfg._forklib.ForkedHot, which
sends every hot call back to the Python path (and so to ForkedLibrary).
Nothing in the child calls Go.
"""
from __future__ import annotations

import os
import struct
import sys
import threading
from typing import Any, Dict, List, Optional, Tuple

from . import _forklib

_load_lock = threading.Lock()
# Set in a child forked while another thread of the parent was loading the
# library (see _after_fork_in_child): load() refuses there.
_load_cut_by_fork = False


class _NotLoaded:
    """Stands in for the library until first use, then loads it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(load(), name)


lib: Any = _NotLoaded()
ffi: Any = None
# gocfg._hot once loaded (it links the Go library too, so it is imported
# with the cffi extension, never before); ForkedHot in a forked child.
hot: Any = None
loaded = False
forked = False
# Thread id -> the snapshots (handle number -> _forklib.Snapshot) that the
# before-fork hook of that thread's os.fork() handed over; dropped in the
# parent once that fork is done. The child reads its forking thread's. A
# child that finds none refuses every Config: the hook did not end (a
# Ctrl-C landed in it; CPython prints the exception and forks all the
# same), and reading whatever else is there would give an earlier fork's
# values. Per thread because two threads may fork at once: with one slot,
# labelled with a count of the forks made, a fork whose hooks ran while
# another thread's fork ended took its own, complete snapshots for an
# earlier fork's, and its child refused every Config (25 of 200 forks of
# two threads, with another library's hooks releasing the GIL).
fork_handover: Dict[int, Dict[int, Any]] = {}

# The binding module keeps `_lib`, `_ffi`, `_NULL` and `_hot` as its own globals,
# because a global lookup is the cheapest way to reach the library on hot
# paths; these namespaces are kept pointing at the current library.
_bound: List[Dict[str, Any]] = []


def bind(namespace: Dict[str, Any]) -> None:
    """Keep namespace's _lib/_ffi/_NULL/_hot pointing at the current
    library, and call its ``_rebound()`` (if it has one) after each change."""
    _bound.append(namespace)
    _publish(namespace)


def _publish(namespace: Dict[str, Any]) -> None:
    namespace["_lib"] = lib
    namespace["_ffi"] = ffi
    namespace["_NULL"] = ffi.NULL if ffi is not None else None
    namespace["_hot"] = hot
    rebound = namespace.get("_rebound")
    if rebound is not None:
        rebound()


# ELF e_machine numbers of the platforms a message may have to name.
_MACHINES = {3: "x86", 8: "mips", 20: "ppc", 21: "ppc64", 22: "s390x", 40: "arm", 62: "x86_64", 183: "aarch64",
             243: "riscv"}


def _elf_platform(head: bytes) -> Optional[Tuple[int, int, int]]:
    """(class, byte order, machine) of an ELF header, or None if it is not one."""
    if head[:4] != b"\x7fELF" or len(head) < 20:
        return None
    return head[4], head[5], struct.unpack_from("<H" if head[5] == 1 else ">H", head, 18)[0]


def _describe(platform: Tuple[int, int, int]) -> str:
    cls, order, machine = platform
    return (f"{_MACHINES.get(machine, f'ELF machine {machine}')} ({64 if cls == 2 else 32}-bit, "
            f"{'little' if order == 1 else 'big'}-endian)")


def _elf_problem(path: str, python: Optional[Tuple[int, int, int]]) -> Optional[str]:
    """Why the ELF file at path cannot load into this Python, or None.

    A file cut short (an interrupted copy, a full disk during the install)
    past its headers: the dynamic loader maps its segments as the program
    headers describe them, and the first touch of a page beyond the file's
    end kills the process with SIGBUS instead of failing dlopen. A file for
    another platform: the loader skips it while searching and says only
    "cannot open shared object file: No such file or directory", though it
    is there. Files that are not ELF (Mach-O, PE) are left to their loader."""
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head[:4] != b"\x7fELF":
                return None
            size = os.fstat(f.fileno()).st_size
            platform = _elf_platform(head)
            if platform is None or len(head) < (64 if head[4] == 2 else 52):
                return f"{path} is cut short ({size} bytes, shorter than an ELF header)"
            if python is not None and platform != python:
                return f"{path} is built for {_describe(platform)}, and this Python runs on {_describe(python)}"
            order = "<" if head[5] == 1 else ">"
            if head[4] == 2:  # ELF64: e_phoff, e_shoff; e_phentsize, e_phnum, e_shentsize, e_shnum
                phoff, shoff = struct.unpack_from(order + "QQ", head, 32)
                phentsize, phnum, shentsize, shnum = struct.unpack_from(order + "HHHH", head, 54)
                segment = order + "I4xQ16xQ"  # p_type, p_offset, p_filesz
            else:  # ELF32
                phoff, shoff = struct.unpack_from(order + "II", head, 28)
                phentsize, phnum, shentsize, shnum = struct.unpack_from(order + "HHHH", head, 42)
                segment = order + "II8xI"
            need = max(phoff + phentsize * phnum, shoff + shentsize * shnum)
            f.seek(phoff)
            table = f.read(phentsize * phnum)
            if len(table) == phentsize * phnum and phentsize >= struct.calcsize(segment):
                for i in range(phnum):
                    _, offset, filesz = struct.unpack_from(segment, table, i * phentsize)
                    need = max(need, offset + filesz)
    except OSError:
        return None  # the loader says why it cannot read it
    return f"{path} is cut short ({size} bytes where its ELF headers describe {need})" if size < need else None


def _python_platform() -> Optional[Tuple[int, int, int]]:
    """The ELF platform of the running interpreter, None where it is no ELF file."""
    try:
        with open(sys.executable, "rb") as f:
            return _elf_platform(f.read(20))
    except OSError:
        return None


def load() -> Any:
    """Import the extension (and with it the Go runtime) if not done yet."""
    global lib, ffi, hot, loaded
    if loaded:
        return lib
    if _load_cut_by_fork:
        raise _forklib.forked_error("cannot load the library (another thread of the parent was loading it "
                                    "when the process forked, so it is neither usable nor loadable here)")
    with _load_lock:
        if not loaded:
            # Both extensions link libgocfg.so, found beside them (mapped once).
            here = os.path.dirname(os.path.abspath(__file__))
            try:
                python = _python_platform()
                for name in sorted(os.listdir(here)):
                    if name.endswith(".so"):
                        problem = _elf_problem(os.path.join(here, name), python)
                        if problem:
                            raise ImportError(problem, path=os.path.join(here, name))
                from . import _gocfg_cffi, _hot  # type: ignore[attr-defined]
            except ImportError as e:
                if e.name == "_cffi_backend":
                    # The extension needs cffi's runtime: a dependency left
                    # out (pip install --no-deps), not a damaged gocfg.
                    raise ImportError("gocfg needs the cffi package, which is not installed in this Python "
                                      f"({e}): pip install cffi", name=e.name, path=e.path) from e
                # The loader's own words ("libgocfg.so: cannot open shared
                # object file") do not say whose file it is or what to do.
                raise ImportError(f"gocfg cannot load its Go library from {here} ({e}): the installation is "
                                  f"incomplete or made for another platform; reinstall it (pip install "
                                  f"--force-reinstall gocfg), or in a source checkout build it with "
                                  f"pip install -e .", name=e.name, path=e.path) from e

            ffi = _gocfg_cffi.ffi
            lib = _gocfg_cffi.lib
            hot = _hot
            loaded = True
            for ns in _bound:
                _publish(ns)
    return lib


def _after_fork_in_child() -> None:
    global lib, hot, forked, fork_handover, _load_lock, _load_cut_by_fork
    if not loaded and _load_lock.locked():
        # Another thread was inside load() at the fork: its lock stays held
        # here for good (that thread does not exist in the child), so the
        # child's first Config waited on it forever; and the Go runtime may
        # be half started, the import of the extension half done. Neither
        # can be finished or undone here, so the child refuses, as it
        # refuses what needs the library after a fork.
        _load_cut_by_fork = True
        _load_lock = threading.Lock()
    if loaded:
        real = lib._real if isinstance(lib, _forklib.ForkedLibrary) else lib  # a fork of a fork
        forked = True
        snapshots = fork_handover.get(threading.get_ident())
        lib = _forklib.ForkedLibrary(real, ffi, snapshots or {}, stale=snapshots is None)
        hot = _forklib.ForkedHot()
        fork_handover = {}
        for ns in _bound:
            _publish(ns)


def _after_fork_in_parent() -> None:
    fork_handover.pop(threading.get_ident(), None)


os.register_at_fork(after_in_child=_after_fork_in_child, after_in_parent=_after_fork_in_parent)
