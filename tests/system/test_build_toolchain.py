"""What `pip install .` says on a machine that cannot build gocfg: no Go, a
Go older than go.mod's `go` line, no C compiler, cgo turned off. Each stops
the build with one line naming what is missing and what to do, instead of
go's "cgo is not enabled" and a Python traceback from setup.py.

Most tests call setup.py's own build step (go_build) with a PATH that
lacks the tool, or holds a stand-in `go` that reports an old release; one
test, marked `build`, runs pip on a copy of the source as a user would.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT

NEED = re.search(r"^go\s+(\S+)", (ROOT / "go.mod").read_text(), re.M).group(1)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def setup_py() -> ModuleType:
    pytest.importorskip("setuptools", reason="setup.py imports setuptools")
    spec = importlib.util.spec_from_file_location("gocfg_setup_py", ROOT / "setup.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # not __main__: defines the helpers, runs no setup()
    return module


def fake_go(folder: Path, version: str, toolchain: str = "local", build_status: int = 0) -> Path:
    """A `go` that answers `version` and `env` as release `version` would,
    and whose `build` prints one line and exits with build_status."""
    folder.mkdir(parents=True, exist_ok=True)
    go = folder / "go"
    go.write_text(f"""#!/bin/sh
case "$1" in
  version) echo "go version go{version} linux/amd64";;
  env) shift; for v in "$@"; do case $v in
         GOTOOLCHAIN) echo "{toolchain}";; CC) echo gcc;; CGO_ENABLED) echo 1;; *) echo;; esac; done;;
  build) echo "fake go build failed" >&2; exit {build_status};;
esac
""")
    go.chmod(0o755)
    return go


def c_compiler_dir() -> str:
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        pytest.skip("no C compiler on this machine")
    return os.path.dirname(gcc)


def build_error(setup_py: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str) -> str:
    """The message setup.py's build step stops with under PATH=path."""
    monkeypatch.setenv("PATH", path)
    for name in ("CC", "CGO_ENABLED", "GOTOOLCHAIN", "GOCFG_TARGET"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SystemExit) as e:
        setup_py.go_build(str(tmp_path / "out"))
    assert isinstance(e.value.code, str), e.value.code
    assert not (tmp_path / "out" / "libgocfg.so").exists()
    return e.value.code


def test_the_go_release_needed_is_read_from_go_mod(setup_py):
    assert setup_py.required_go() == NEED
    assert setup_py.version_key("go1.22.4") < setup_py.version_key(NEED)
    assert setup_py.version_key("1.26") == setup_py.version_key("go1.26.0") == (1, 26, 0)
    assert setup_py.version_key("go1.26rc1") == (1, 26, 0)


def test_no_go_on_path(setup_py, tmp_path, monkeypatch):
    msg = build_error(setup_py, tmp_path, monkeypatch, str(tmp_path / "empty"))
    assert msg == (f"error: building gocfg needs Go {NEED} or newer (the go line of go.mod), and 'go' was not found "
                   f"on PATH: install Go from https://go.dev/dl/ and put its bin folder on PATH")


def test_a_go_older_than_go_mod_that_may_not_fetch_a_newer_one(setup_py, tmp_path, monkeypatch):
    go = fake_go(tmp_path / "bin", "1.22.4", toolchain="local")
    msg = build_error(setup_py, tmp_path, monkeypatch, f"{go.parent}{os.pathsep}{c_compiler_dir()}")
    assert msg == (f"error: building gocfg needs Go {NEED} or newer (the go line of go.mod), and {go} is Go 1.22.4: "
                   f"install a newer Go from https://go.dev/dl/ and put it first on PATH, or let this Go fetch it "
                   f"with GOTOOLCHAIN=auto (it is local)")
    # Before 1.21 Go cannot fetch another release: no GOTOOLCHAIN advice.
    go = fake_go(tmp_path / "bin120", "1.20.3", toolchain="")
    msg = build_error(setup_py, tmp_path, monkeypatch, f"{go.parent}{os.pathsep}{c_compiler_dir()}")
    assert msg.endswith(f"and {go} is Go 1.20.3: install a newer Go from https://go.dev/dl/ and put it first on PATH")


def test_a_go_older_than_go_mod_that_fetches_a_newer_one_is_let_through(setup_py, tmp_path, monkeypatch, capsys):
    # GOTOOLCHAIN=auto: go build itself downloads the release go.mod names,
    # so setup.py says so and leaves it to go (here a stand-in that fails).
    go = fake_go(tmp_path / "bin", "1.22.4", toolchain="auto", build_status=3)
    msg = build_error(setup_py, tmp_path, monkeypatch, f"{go.parent}{os.pathsep}{c_compiler_dir()}")
    assert msg == "error: go build of gocfg's library failed (exit status 3): go's messages are above"
    assert f"note: {go} is go1.22.4, older than go.mod's go {NEED}: go fetches go{NEED}" in capsys.readouterr().out


def test_no_c_compiler(setup_py, tmp_path, monkeypatch):
    # The real go alone on PATH: Go turns cgo off when it finds no gcc, and
    # go build then says only "cgo is not enabled".
    real = shutil.which("go")
    if real is None:
        pytest.skip("no go on this machine")
    (tmp_path / "bin").mkdir()
    os.symlink(real, tmp_path / "bin" / "go")
    msg = build_error(setup_py, tmp_path, monkeypatch, str(tmp_path / "bin"))
    assert msg.startswith("error: building gocfg needs a C compiler for Go's cgo, and 'gcc' was not found on PATH: "
                          "install one (Debian, Ubuntu: apt install gcc;"), msg
    assert msg.endswith("or name it in CC"), msg


def test_cgo_turned_off(setup_py, tmp_path, monkeypatch):
    go = fake_go(tmp_path / "bin", "1.99.0")
    monkeypatch.setenv("PATH", f"{go.parent}{os.pathsep}{c_compiler_dir()}")
    monkeypatch.setenv("CGO_ENABLED", "0")
    with pytest.raises(SystemExit, match=r"^error: CGO_ENABLED=0 is set, and gocfg's library is built with cgo "
                                         r"\(-buildmode=c-shared\): unset CGO_ENABLED$"):
        setup_py.go_build(str(tmp_path / "out"))


def test_a_failed_go_build_ends_in_one_line(setup_py, tmp_path, monkeypatch, capfd):
    go = fake_go(tmp_path / "bin", "1.99.0", build_status=1)
    msg = build_error(setup_py, tmp_path, monkeypatch, f"{go.parent}{os.pathsep}{c_compiler_dir()}")
    assert msg == "error: go build of gocfg's library failed (exit status 1): go's messages are above"
    assert "fake go build failed" in capfd.readouterr().err


@pytest.mark.build
def test_pip_install_with_an_old_go_says_what_to_do(tmp_path):
    """The whole path a user takes: pip builds the source with an old Go
    first on PATH. pip's output holds the one line, and no traceback."""
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", "*.so", "*.o", "*.test", "bench", "tests", "_gocfg_cffi.c"))
    go = fake_go(tmp_path / "bin", "1.22.4", toolchain="local", build_status=1)
    env = {k: v for k, v in os.environ.items() if k not in ("CC", "CGO_ENABLED", "GOTOOLCHAIN", "GOCFG_TARGET")}
    env["PATH"] = f"{go.parent}{os.pathsep}{env.get('PATH', '')}"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path / "out"), str(src)],
                       capture_output=True, text=True, timeout=900, env=env)
    out = r.stdout + r.stderr
    assert r.returncode != 0, out[-3000:]
    assert f"error: building gocfg needs Go {NEED} or newer (the go line of go.mod), and {go} is Go 1.22.4" in out, \
        out[-3000:]
    assert "Traceback" not in out, out[-3000:]


def test_go_join_quotes_words_as_go_splits_them(setup_py):
    assert setup_py.go_join(["-s", "-w"]) == "-s -w"
    assert setup_py.go_join(["-Wl,--version-script=/Users/Jane Doe/x.map", "it's", ""]) == \
        "'-Wl,--version-script=/Users/Jane Doe/x.map' \"it's\" ''"
    with pytest.raises(SystemExit, match="holds both quote characters"):
        setup_py.go_join(["/a'b\"c d"])


@pytest.mark.build
def test_the_library_builds_from_a_path_with_a_space(setup_py, tmp_path, monkeypatch):
    """A checkout under "/Users/Jane Doe": the linker flags name the version
    script by its path, and go split them at the space ("cannot open linker
    script file /tmp/.../dir")."""
    if sys.platform != "linux" or shutil.which("go") is None:
        pytest.skip("the native Linux build needs go")
    spaced = tmp_path / "dir with space"
    shutil.copytree(Path(setup_py.CAPI), spaced / "capi", ignore=shutil.ignore_patterns("*_test.go"))
    monkeypatch.setattr(setup_py, "CAPI", str(spaced / "capi"))  # where lib_link_flags finds exports.map
    monkeypatch.delenv("GOCFG_TARGET", raising=False)
    out = setup_py.go_build(str(spaced / "out"))
    assert out == str(spaced / "out" / "libgocfg.so") and os.path.getsize(out) > 0
    dyn = subprocess.run(["readelf", "-d", out], capture_output=True, text=True, check=True).stdout
    assert "Library soname: [libgocfg.so]" in dyn  # the flags reached the linker whole
    syms = subprocess.run(["nm", "-D", "--defined-only", out], capture_output=True, text=True, check=True).stdout
    assert [line.split()[-1] for line in syms.splitlines() if not line.split()[-1].startswith("gocfg_")] == []


def test_a_go_that_cannot_run_is_left_to_say_why(setup_py, tmp_path, monkeypatch, capfd):
    # A broken installation (GOROOT moved): no version to compare, so no
    # guess about it; go's own words, then the one line.
    folder = tmp_path / "bin"
    folder.mkdir()
    go = folder / "go"
    go.write_text("#!/bin/sh\necho 'go: cannot find GOROOT directory: /nowhere' >&2\nexit 2\n")
    go.chmod(0o755)
    msg = build_error(setup_py, tmp_path, monkeypatch, f"{folder}{os.pathsep}{c_compiler_dir()}")
    assert msg == "error: go build of gocfg's library failed (exit status 2): go's messages are above"
    assert "cannot find GOROOT directory" in capfd.readouterr().err
