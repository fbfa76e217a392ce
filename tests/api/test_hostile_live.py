"""A watched file under a hostile environment: writers killed mid-write,
the file replaced by a directory, by a link to /dev/zero or to a huge
file, its directory removed and made again."""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time

import gocfg
import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="Linux file system behaviour")

_KILLED_WRITER = """
import os, sys, time
path, text = sys.argv[1], sys.stdin.read()
with open(path, "w") as f:
    f.write(text[: len(text) // 3])
    f.flush()
    os.fsync(f.fileno())
    print("written", flush=True)
    time.sleep(60)
"""


def _kill_mid_write(path, text):
    p = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(path)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    p.stdin.write(text)
    p.stdin.close()
    assert p.stdout.readline() == "written\n"
    p.send_signal(signal.SIGKILL)
    p.wait()


def _settle(cfg, seq, timeout=30.0):
    """The first event after seq (reload() reads now, if none came)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ev = cfg.last_change
        if ev is not None and ev.seq > seq:
            return ev
        time.sleep(0.02)
    raise AssertionError("no event")


def _seq(cfg):
    return cfg.last_change.seq if cfg.last_change is not None else 0


def test_a_json_document_cut_short_by_a_killed_writer_is_rejected(tmp_path, no_leaks):
    path = tmp_path / "app.json"
    whole = "{" + ", ".join(f'"k{i}": {i}' for i in range(5000)) + "}"
    path.write_text(whole)
    with gocfg.load(path, watch=True, debounce=0.05) as cfg:
        seq = _seq(cfg)
        _kill_mid_write(path, whole.replace(": 1,", ": -1,"))
        ev = _settle(cfg, seq)
        assert ev.kind == "rejected" and isinstance(ev.error, gocfg.ParseError)
        assert len(cfg) == 5000 and cfg["k1"] == 1  # the configuration in force stays


def test_a_yaml_document_cut_short_is_rejected_by_a_validator(tmp_path, no_leaks):
    # A YAML document cut at a line end parses: README says to write
    # watched files whole, or to validate what must be there.
    def complete(c):
        return "first" in c and "last" in c

    path = tmp_path / "app.yaml"
    whole = "first: 1\n" + "".join(f"k{i}: {i}\n" for i in range(3000)) + "last: 2\n"
    path.write_text(whole)
    with gocfg.load(path, watch=True, debounce=0.05, validate=complete) as cfg:
        seq = _seq(cfg)
        _kill_mid_write(path, whole)
        ev = _settle(cfg, seq)
        assert ev.kind == "rejected" and ev.error is not None
        assert cfg["last"] == 2


def test_a_watched_file_replaced_by_what_is_not_a_config(tmp_path, no_leaks):
    d = tmp_path / "conf"
    d.mkdir()
    path = d / "app.json"
    path.write_text('{"a": 1}')
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(300 << 20)  # sparse: over the 256 MiB document bound
    with gocfg.load(path, watch=True, debounce=0.05) as cfg:
        for n, replace in enumerate((lambda: path.mkdir(), lambda: path.symlink_to("/dev/zero"),
                                     lambda: path.symlink_to(big), lambda: shutil.rmtree(d)), start=2):
            seq = _seq(cfg)
            path.unlink()
            replace()
            ev = _settle(cfg, seq)
            assert ev.kind == "rejected", str(ev)
            assert cfg["a"] == n - 1  # the configuration in force stays
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            elif path.is_symlink():
                path.unlink()
            d.mkdir(exist_ok=True)
            seq = _seq(cfg)
            path.write_text(f'{{"a": {n}}}')
            ev = _settle(cfg, seq)
            assert ev.kind == "applied" and cfg["a"] == n, str(ev)
