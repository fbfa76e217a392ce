"""The binding layer: its single error path (regressions for error records
leaked on the way to an exception) and its constants, which come from the
library and must agree with what the library does."""
from __future__ import annotations

import _thread
import importlib.machinery
import os
import pathlib
import platform
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Mapping

import gocfg
import pytest
from conftest import settled_stats
from gocfg import _args, _capi
from gocfg._values import quote_segment, split_path


class _ClosesWhenRead(Mapping):
    """A mapping that closes an object while the binding encodes it, that
    is, after the call took the object's handle and before the library
    sees it: what another thread closing it at that moment does."""

    def __init__(self, victim):
        self.victim = victim

    def __getitem__(self, key):
        return 1

    def __len__(self):
        return 1

    def __iter__(self):
        return iter(["k"])

    def items(self):
        self.victim.close()
        return [("k", 1)]


def test_config_closed_during_a_call_raises_closed_error_and_frees_the_error_record():
    before = settled_stats()["outstanding_errors"]
    for _ in range(5):
        cfg = gocfg.Config()
        with pytest.raises(gocfg.ClosedError, match="closed gocfg.Config"):
            cfg.update(_ClosesWhenRead(cfg))
    assert settled_stats()["outstanding_errors"] == before


def test_section_closed_during_a_call_frees_the_error_record():
    before = settled_stats()["outstanding_errors"]
    cfg = gocfg.Config({"s": {"a": 1}})
    section = cfg["s"]
    with pytest.raises(gocfg.ClosedError):
        section.update(_ClosesWhenRead(cfg))
    assert settled_stats()["outstanding_errors"] == before


def test_database_closed_during_a_call_raises_closed_error_and_frees_the_error_record():
    before = settled_stats()["outstanding_errors"]
    for _ in range(5):
        db = gocfg.Database.open("memory://")
        with pytest.raises(gocfg.ClosedError):
            db.save("a", _ClosesWhenRead(db))
    assert settled_stats()["outstanding_errors"] == before


def test_errors_free_their_records():
    before = settled_stats()["outstanding_errors"]
    with gocfg.Config({"a": 1}) as cfg:
        for _ in range(3):
            with pytest.raises(KeyError):
                cfg["missing"]
            with pytest.raises(KeyError):
                del cfg["missing"]
            with pytest.raises(gocfg.InvalidArgumentError):
                cfg["a..b"] = 1
            with pytest.raises(gocfg.ParseError):
                gocfg.Config.loads("{", "json")
    assert settled_stats()["outstanding_errors"] == before


def _settle(baseline_goroutines: int) -> dict:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        s = settled_stats()
        if s["goroutines"] <= baseline_goroutines:
            return s
        time.sleep(0.02)
    return settled_stats()


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="Ctrl-C reaches the main thread")
def test_ctrl_c_during_an_interruptible_call_leaks_no_error_record(tmp_path):
    """Ctrl-C (simulated with _thread.interrupt_main) during a load from a
    pipe that a writer feeds slowly: KeyboardInterrupt, and the cancelled
    call's error record and handle are released."""
    fifo = tmp_path / "slow.json"
    os.mkfifo(fifo)
    stop = threading.Event()

    def writer():
        try:
            with open(fifo, "w") as f:
                f.write('{"items": [')
                while not stop.is_set():
                    f.write("1, ")
                    f.flush()
                    time.sleep(0.02)
        except OSError:
            pass  # the reader went away: the load was cancelled

    before = settled_stats()
    for _ in range(3):
        stop.clear()
        w = threading.Thread(target=writer, daemon=True)
        w.start()
        timer = threading.Timer(0.3, _thread.interrupt_main)
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                gocfg.Config.load(fifo, "json")
        finally:
            timer.cancel()
            stop.set()
            w.join(5)
        assert not w.is_alive()
    after = _settle(before["goroutines"])
    assert after["outstanding_errors"] == before["outstanding_errors"]
    assert after["live_handles"] == before["live_handles"]


# --------------------------------------------------------------- constants

def test_every_status_of_the_library_has_its_own_exception():
    c = _capi.consts()
    assert set(c.statuses) >= set(_capi._CLASS_BY_NAME)  # no class for a status that is gone
    assert gocfg.Error not in set(c.classes.values()), c.classes
    assert c.classes[c.E_NOT_FOUND] is gocfg.KeyNotFoundError


def test_origin_kinds_are_the_documented_ones():
    assert set(_capi.consts().origin_kinds.values()) == {
        "none", "defaults", "file", "text", "dict", "env", "override", "set", "stored", "secret", "flag"}
    cfg = gocfg.load(gocfg.Text("a: 1\nb: 2\nc: 3\n", "yaml", name="t"), {"b": 2, "c": 3},
                     defaults={"a": 0, "b": 0, "c": 0, "d": 0}, env_prefix="APP",
                     environ={"APP_C": "4"}, overrides=["d=5"])
    with cfg:
        cfg["e"] = 6
        kinds = [cfg.origin(k).kind for k in "abcde"]
    assert kinds == ["text", "dict", "env", "override", "set"]


def test_format_list_agrees_with_the_library(tmp_path):
    formats = _capi.consts().formats
    assert list(formats) == list(_args.formats())
    assert set(formats) == {"json", "yaml", "toml", "env", "ini", "jsonc", "properties", "hcl"}
    with gocfg.Config({"k": "v"}) as cfg:
        for name, exts in formats.items():
            assert exts and all(e.startswith(".") for e in exts)
            assert cfg.dumps(name)  # the library writes every listed format
            for ext in exts:
                path = tmp_path / f"f{ext}"
                cfg.save(path)  # the library picks the format from ext ...
                assert _args.format_of(str(path)) == name  # ... as Python's view says
                with gocfg.Config.load(path, name) as back:
                    assert back["k"] == "v"
        # The names gocfg.h gives env files beyond their extension, saved
        # by the library and named alike by Python (the CLI's show, convert
        # and yaml= go by Python's view).
        for env_name in (".env", ".env.local", ".ENV.production"):
            path = tmp_path / env_name
            cfg.save(path)
            assert path.read_text() == "k=v\n" and _args.format_of(str(path)) == "env"
    # An alias the library accepts (yml) is accepted, an extension that is
    # no name of its format (cfg) is not.
    assert _args.format_arg("YML") == b"yaml"
    with pytest.raises(gocfg.InvalidArgumentError, match="unknown format"):
        _args.format_arg("cfg")


def test_max_depth_agrees_with_the_library():
    depth = _capi.consts().max_depth
    assert depth == 1000  # the README's figure

    def nested(lists):
        v = []
        for _ in range(lists - 1):
            v = [v]
        return {"a": v}

    # The root map is one level: depth - 1 lists fit under it, depth do not,
    # whether the document is parsed in Go or encoded by the binding.
    for lists, fits in ((depth - 1, True), (depth, False)):
        text = '{"a": ' + "[" * lists + "]" * lists + "}"
        for make in (lambda: gocfg.Config.loads(text, "json"), lambda: gocfg.Config(nested(lists))):
            if fits:
                make().close()
            else:
                with pytest.raises((gocfg.ParseError, gocfg.InvalidArgumentError), match="deep|nest"):
                    make()


@pytest.mark.parametrize("segment", ["plain", "a.b", 'q"uote', "back\\slash", "", 'all."\\'])
def test_path_quoting_agrees_with_the_library(segment):
    with gocfg.load({segment: {"x": 1}}) as cfg:
        (leaf,) = cfg.explain()
        # The library writes the path; Python's quoting writes the same.
        assert leaf.path == quote_segment(segment) + ".x"
        assert split_path(leaf.path) == [segment, "x"]
        assert cfg[quote_segment(segment) + ".x"] == 1


def _copy_of_the_package(tmp_path) -> pathlib.Path:
    """A copy of the installed package in tmp_path, for damaging."""
    pkg = tmp_path / "gocfg"
    shutil.copytree(os.path.dirname(gocfg.__file__), pkg, ignore=shutil.ignore_patterns("__pycache__"))
    return pkg


def _first_use(tmp_path) -> subprocess.CompletedProcess:
    """A process whose first Config comes from the package copied into
    tmp_path; it prints the ImportError that the first use raises."""
    code = ("import gocfg\n"
            "try:\n    gocfg.Config({'a': 1})\n"
            "except ImportError as e:\n    print(e)\n")
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(tmp_path)})


@pytest.mark.parametrize("damage", ["missing", "truncated", "not-a-library", "extension-truncated", "other-platform"])
def test_a_package_without_its_go_library_says_what_to_do(tmp_path, damage):
    """An installation that lost libgocfg.so, holds a truncated one (an
    interrupted copy) or something else under its name (one for another
    platform): the first use raises an ImportError naming the folder and
    the fix, not only the loader's "cannot open shared object file"."""
    pkg = _copy_of_the_package(tmp_path)
    lib = pkg / "libgocfg.so"
    if damage == "missing":
        lib.unlink()
    elif damage == "truncated":
        lib.write_bytes(lib.read_bytes()[:4096])
    elif damage == "other-platform":
        # The library with another machine in its ELF header, as an aarch64
        # wheel's on x86_64: the loader skips it and says "No such file".
        other, name = (62, "x86_64") if platform.machine() in ("aarch64", "arm64") else (183, "aarch64")
        data = bytearray(lib.read_bytes())
        data[18:20] = other.to_bytes(2, "little")
        lib.write_bytes(bytes(data))
    elif damage == "extension-truncated":
        # one byte short, in its section table: it loaded, damaged, before
        # (the one this Python loads: a source tree built by two Pythons,
        # a free-threaded one too, holds a module for each)
        lib = next(pkg / f"_hot{suffix}" for suffix in importlib.machinery.EXTENSION_SUFFIXES
                   if (pkg / f"_hot{suffix}").exists())
        lib.write_bytes(lib.read_bytes()[:-1])
    else:
        lib.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(57))  # an ELF header of no machine
    r = _first_use(tmp_path)
    assert r.returncode == 0, r.stderr
    assert f"gocfg cannot load its Go library from {pkg}" in r.stdout and "reinstall" in r.stdout, r.stdout
    assert ("libgocfg.so: cannot open shared object file" if damage == "missing" else str(lib)) in r.stdout, r.stdout
    if damage == "truncated":  # where the loader would have died of SIGBUS
        assert "libgocfg.so is cut short (4096 bytes where its ELF headers describe " in r.stdout, r.stdout
    if damage == "extension-truncated":
        assert f"{lib} is cut short ({lib.stat().st_size} bytes where its ELF headers describe " \
               f"{lib.stat().st_size + 1})" in r.stdout, r.stdout
    if damage == "other-platform":
        assert f"{lib} is built for {name} (64-bit, {sys.byteorder}-endian), and this Python runs on " in r.stdout, r.stdout
    # The command line says the same on one line, as its other errors, and exits 1.
    (tmp_path / "app.yaml").write_text("a: 1\n")
    r = subprocess.run([sys.executable, "-m", "gocfg", "get", "app.yaml", "a"], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert (r.returncode, r.stdout) == (1, ""), r
    assert r.stderr.startswith(f"gocfg: gocfg cannot load its Go library from {pkg} (") and "reinstall" in r.stderr
    assert r.stderr.count("\n") == 1, r.stderr


def test_a_missing_cffi_is_named_as_the_missing_dependency(tmp_path):
    """gocfg installed without its dependencies (pip install --no-deps):
    the extension cannot import cffi's runtime, and the message says to
    install cffi rather than to reinstall a gocfg that is whole."""
    _copy_of_the_package(tmp_path)
    # A stand-in _cffi_backend that fails as a missing one does, first on the path.
    (tmp_path / "_cffi_backend.py").write_text("raise ModuleNotFoundError(\"No module named '_cffi_backend'\", "
                                               "name='_cffi_backend')\n")
    r = _first_use(tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("gocfg needs the cffi package, which is not installed in this Python (No module named "
                        "'_cffi_backend'): pip install cffi\n"), r.stdout
