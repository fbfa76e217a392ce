"""The wheel: abi3-tagged, self-contained, and its library exports only gocfg_*."""
from __future__ import annotations

import re
import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT


@pytest.mark.build
def test_wheel_is_abi3_and_self_contained(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    wheels = list(tmp_path.glob("gocfg-*.whl"))
    assert len(wheels) == 1, wheels
    name = wheels[0].name
    # One wheel serves every CPython from 3.9 on this platform.
    assert re.fullmatch(r"gocfg-[\d.]+-cp39-abi3-linux_\w+\.whl", name), name
    with zipfile.ZipFile(wheels[0]) as z:
        files = z.namelist()
        assert "gocfg/libgocfg.so" in files
        assert "gocfg/_gocfg_cffi.abi3.so" in files
        assert "gocfg/py.typed" in files
        lib = tmp_path / "libgocfg.so"
        lib.write_bytes(z.read("gocfg/libgocfg.so"))
        ext = tmp_path / "ext.so"
        ext.write_bytes(z.read("gocfg/_gocfg_cffi.abi3.so"))
    names = subprocess.run(["nm", "-D", "--defined-only", str(lib)], capture_output=True, text=True,
                           check=True).stdout.split()
    exported = [n for n in names if not re.fullmatch(r"[0-9a-f]+|[A-Za-z]", n)]
    assert exported and all(n.startswith("gocfg_") for n in exported), exported
    # The extension finds the library beside itself: no LD_LIBRARY_PATH.
    dyn = subprocess.run(["readelf", "-d", str(ext)], capture_output=True, text=True, check=True).stdout
    assert "libgocfg.so" in dyn and "$ORIGIN" in dyn
    # Report the newest glibc symbol version the library needs.
    versions = set(re.findall(r"GLIBC_([\d.]+)", subprocess.run(
        ["objdump", "-T", str(lib)], capture_output=True, text=True, check=True).stdout))
    newest = max(versions, key=lambda v: tuple(int(x) for x in v.split(".")))
    print(f"\nlibgocfg.so needs glibc {newest} at most")
    assert tuple(int(x) for x in newest.split(".")) <= (2, 34)
