"""cffi builder for gocfg's extension module (API mode, out-of-line, abi3).

The declarations come from the public C header, so the header stays the
single source of truth for the C ABI. cffi's parser does not run the C
preprocessor, so the header is written to be usable after a simple filter:
drop preprocessor lines and the ``extern "C"`` guard that only C++ sees,
but keep the header's integer constants (``#define GOCFG_NAME 123``), which
cffi then exposes as ``lib.GOCFG_NAME`` like the enum values.
"""
from __future__ import annotations

import os
import re
import sysconfig

from cffi import FFI

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER = os.path.join(ROOT, "gocore", "capi", "gocfg.h")
# setup.py builds the Go library here before the extension is linked.
GOLIB_DIR = os.path.join(ROOT, "build", "golib")


_INT_DEFINE = re.compile(r"#define\s+GOCFG_\w+\s+-?\d+\b")


def cdef_from_header(text: str) -> str:
    """Return the header's declarations in the form cffi's cdef accepts."""
    out = []
    in_cplusplus = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#ifdef __cplusplus"):
            in_cplusplus = True
            continue
        if in_cplusplus:
            if stripped.startswith("#endif"):
                in_cplusplus = False
            continue
        if stripped.startswith("#"):
            if _INT_DEFINE.match(stripped):
                out.append(stripped)
            continue
        out.append(line)
    cdef = "\n".join(out)
    # Comments are legal in cdef, but removing them keeps errors readable.
    cdef = re.sub(r"/\*.*?\*/", "", cdef, flags=re.S)
    return cdef


with open(HEADER, encoding="utf-8") as f:
    _header = f.read()

ffibuilder = FFI()
ffibuilder.cdef(cdef_from_header(_header))
ffibuilder.set_source(
    "gocfg._gocfg_cffi",
    '#include "gocfg.h"',
    include_dirs=[os.path.dirname(HEADER)],
    libraries=["gocfg"],
    library_dirs=[GOLIB_DIR],
    # The Go library ships beside the extension in the wheel: find it there,
    # with no LD_LIBRARY_PATH.
    extra_link_args=["-Wl,-rpath,$ORIGIN"],
    # Not on a free-threaded CPython, which has no Limited API (setup.py).
    py_limited_api=not sysconfig.get_config_var("Py_GIL_DISABLED"),
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
