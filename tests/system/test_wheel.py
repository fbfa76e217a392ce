"""The release wheel for this machine: tags, glibc floor, RUNPATH, exports,
and a run in a fresh venv with no Go and no C compiler on PATH.

The wheel is built the way scripts/release.sh builds it (GOCFG_TARGET with
Zig's C compiler, from a copy of the source tree so no earlier build output
is reused), or taken from $GOCFG_WHEEL when a release build made one already.
The aarch64 wheel runs under emulation in scripts/smoke_aarch64.sh, which is
too slow for the default test command.
"""
from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Dict, List

import pytest
from conftest import ROOT

pytestmark = pytest.mark.build

ARCH = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}.get(platform.machine())
VERSION = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)  # type: ignore[union-attr]


def glibc_key(v: str) -> tuple:
    return tuple(int(x) for x in v.split("."))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    if os.environ.get("GOCFG_WHEEL"):
        return Path(os.environ["GOCFG_WHEEL"])
    if sys.platform != "linux" or ARCH is None:
        pytest.skip(f"manylinux wheels are built on Linux x86_64 or aarch64, not {sys.platform} {platform.machine()}")
    ziglang = pytest.importorskip("ziglang", reason="the release build needs Zig's C compiler (ziglang, in '.[test]')")
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", "*.so", "*.o", "*.test", "bench", "tests", "_gocfg_cffi.c"))
    # pip builds in an isolated environment that lacks ziglang: hand it the
    # compiler's path (setup.py reads $ZIG).
    env = dict(os.environ, GOCFG_TARGET=f"{ARCH}-linux-gnu.2.17",
               ZIG=os.path.join(os.path.dirname(ziglang.__file__), "zig"))
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work / "out"), str(src)],
                          capture_output=True, text=True, timeout=1800, env=env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    wheels = list((work / "out").glob("gocfg-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_tags_and_contents(wheel):
    # One wheel for every CPython from 3.9 on, for glibc 2.17 and later.
    assert re.fullmatch(rf"gocfg-{re.escape(VERSION)}-cp39-abi3-manylinux2014_{ARCH}\.whl", wheel.name), wheel.name
    with zipfile.ZipFile(wheel) as z:
        files = set(z.namelist())
        meta = z.read(f"gocfg-{VERSION}.dist-info/WHEEL").decode()
        assert {"gocfg/libgocfg.so", "gocfg/_gocfg_cffi.abi3.so", "gocfg/_hot.abi3.so", "gocfg/py.typed",
                "gocfg/_version.py",
                f"gocfg-{VERSION}.dist-info/licenses/LICENSE"} <= files, sorted(files)
    assert f"Tag: cp39-abi3-manylinux2014_{ARCH}" in meta, meta
    assert "Root-Is-Purelib: false" in meta


def _elf(wheel: Path, member: str, tmp_path: Path) -> Path:
    out = tmp_path / os.path.basename(member)
    with zipfile.ZipFile(wheel) as z:
        out.write_bytes(z.read(member))
    return out


def test_glibc_floor_runpath_and_exports(wheel, tmp_path):
    lib = _elf(wheel, "gocfg/libgocfg.so", tmp_path)
    ext = _elf(wheel, "gocfg/_gocfg_cffi.abi3.so", tmp_path)
    hot = _elf(wheel, "gocfg/_hot.abi3.so", tmp_path)  # the hand-written hot path (pybind/_hot.c)
    for f in (lib, ext, hot):
        syms = subprocess.run(["objdump", "-T", str(f)], capture_output=True, text=True, check=True).stdout
        versions = set(re.findall(r"GLIBC_([\d.]+)", syms))
        assert versions, f"{f.name}: no versioned glibc symbols read"
        newest = max(versions, key=glibc_key)
        print(f"\n{f.name}: newest glibc symbol version GLIBC_{newest}")
        assert glibc_key(newest) <= (2, 17), f"{f.name} needs GLIBC_{newest}, newer than manylinux2014's 2.17"
    dyn_lib = subprocess.run(["readelf", "-d", str(lib)], capture_output=True, text=True, check=True).stdout
    assert "Library soname: [libgocfg.so]" in dyn_lib
    assert not re.search(r"RUNPATH|RPATH", dyn_lib), dyn_lib
    for e in (ext, hot):
        dyn_ext = subprocess.run(["readelf", "-d", str(e)], capture_output=True, text=True, check=True).stdout
        # The extensions find the library beside themselves, and nowhere else.
        paths = re.findall(r"\((?:RUNPATH|RPATH)\)\s+Library (?:runpath|rpath): \[([^\]]*)\]", dyn_ext)
        assert paths == ["$ORIGIN"], dyn_ext
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dyn_ext)
        assert "libgocfg.so" in needed and not any("python" in n for n in needed), needed
    names = subprocess.run(["nm", "-D", "--defined-only", str(lib)], capture_output=True, text=True,
                           check=True).stdout.split()
    exported = [n for n in names if not re.fullmatch(r"[0-9a-f]+|[A-Za-z]", n)]
    assert exported and all(n.startswith("gocfg_") for n in exported), exported


def test_auditwheel_accepts_manylinux2014(wheel):
    auditwheel = shutil.which("auditwheel", path=os.path.dirname(sys.executable)) or shutil.which("auditwheel")
    assert auditwheel, "auditwheel is in '.[test]'"
    out = subprocess.run([auditwheel, "show", str(wheel)], capture_output=True, text=True, check=True).stdout
    # The most compatible policy the wheel meets; older than 2.17 is fine.
    m = re.search(rf'consistent\s+with\s+the\s+following\s+platform\s+tag:\s+"manylinux_2_(\d+)_{ARCH}"', out)
    assert m and int(m.group(1)) <= 17, out


SMOKE = textwrap.dedent('''
    import os, sys
    import gocfg

    assert os.path.dirname(gocfg.__file__).startswith(sys.prefix), gocfg.__file__
    print("version", gocfg.__version__)
    url = "sqlite:///" + os.path.abspath("cfg.db").lstrip("/")
    with gocfg.Database.open(url) as db:
        assert db.save("services/api", {"server": {"port": 8080}}) == 1
        assert db.save("services/api", {"server": {"port": 8081}}) == 2
        with db.load("services/api", revision=1) as old:
            assert old["server.port"] == 8080
        assert db.query("services/*:server.port") == [("services/api", "server.port", 8081)]
        assert db.names("services") == ["services/api"]
    print("database ok")

    # A signal handler installed after the library loaded runs on the
    # signal stack Go gives its threads (CPython 3.9 leaves SA_ONSTACK out,
    # and Go calls interrupted by such a handler crashed the process), under
    # a timer firing every 20 us while Configs are made, copied and read.
    import signal, time
    from gocfg import _hot
    hits = []
    signal.signal(signal.SIGALRM, lambda signum, frame: hits.append(signum))
    assert _hot.has_onstack(signal.SIGALRM)
    src = gocfg.Config({"a": {"b": list(range(50))}})
    signal.setitimer(signal.ITIMER_REAL, 2e-5, 2e-5)
    end = time.monotonic() + 2
    while time.monotonic() < end:
        with src.copy() as c, gocfg.Config.loads('{"x": [1, {"y": "z"}]}', "json") as d:
            assert c.to_dict()["a"]["b"][49] == 49 and d["x.1.y"] == "z"
    signal.setitimer(signal.ITIMER_REAL, 0)
    assert len(hits) > 100, len(hits)
    print("signals ok")

    # to() reads ISO 8601 as 3.11 does (3.9's fromisoformat refuses "Z"),
    # and the annotations of a class made by exec() (3.9's get_type_hints
    # looks its module up in sys.modules).
    import dataclasses, datetime
    ns = {"__name__": "made_by_exec"}
    exec("import dataclasses, datetime\\n@dataclasses.dataclass\\nclass Made:\\n    at: datetime.datetime\\n", ns)
    When = dataclasses.make_dataclass("When", [("at", datetime.datetime)])
    at = datetime.datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=datetime.timezone.utc)
    with gocfg.Config({"at": "2024-01-02T03:04:05.5Z"}) as c:
        assert c.to(When).at == at and c.to(ns["Made"]).at == at
    print("typed ok")
''')


def other_pythons() -> List[Path]:
    """The CPythons from 3.9 on installed beside this one by pyenv (one per
    minor version, not this one's), each of which the abi3 wheel claims."""
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    found: Dict[str, Path] = {}
    for exe in sorted(root.glob("*/bin/python3")):
        m = re.fullmatch(r"3\.(\d+)\.\d+", exe.parent.parent.name)  # plain CPython releases only
        if m and int(m.group(1)) >= 9 and f"3.{m.group(1)}" != f"3.{sys.version_info[1]}":
            found.setdefault(m.group(1), exe)
    return [found[k] for k in sorted(found, key=int)]


@pytest.mark.parametrize("python", [Path(sys.executable)] + other_pythons(),
                         ids=lambda p: "this-python" if str(p) == sys.executable else p.parent.parent.name)
def test_wheel_runs_without_go_or_a_compiler(wheel, python, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([str(python), "-m", "venv", str(venv)], check=True, timeout=300)
    bindir = venv / "bin"
    # Only the venv's own folder on PATH: no go, gcc, cc, clang or zig.
    path = str(bindir)
    for tool in ("go", "gcc", "cc", "clang", "zig"):
        assert shutil.which(tool, path=path) is None, tool
    env = {"PATH": path, "HOME": str(tmp_path), "LANG": "C.UTF-8", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    for key in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_CACHE_DIR", "SSL_CERT_FILE", "PIP_CERT"):
        if key in os.environ:
            env[key] = os.environ[key]

    def run(*args: str, cwd: Path = tmp_path) -> str:
        p = subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, f"{args}: {p.stdout[-2000:]}{p.stderr[-3000:]}"
        return p.stdout

    run(str(bindir / "python"), "-m", "pip", "install", "-q", str(wheel))
    out = run(str(bindir / "python"), str(ROOT / "examples" / "quickstart.py"))
    assert "round trip through TOML: True" in out, out
    out = run(str(bindir / "python"), "-c", SMOKE)
    assert f"version {VERSION}" in out and "database ok" in out and "signals ok" in out and "typed ok" in out, out
    (tmp_path / "app.yaml").write_text("server:\n  port: 8080\n")
    assert run(str(bindir / "gocfg"), "get", "app.yaml", "server.port").strip() == "8080"
    run(str(bindir / "gocfg"), "convert", "app.yaml", "app.toml")
    assert run(str(bindir / "python"), "-m", "gocfg", "get", "app.toml", "server.port").strip() == "8080"
    assert run(str(bindir / "gocfg"), "--version").strip() == f"gocfg {VERSION}"
