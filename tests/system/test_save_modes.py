"""What save() does with file modes, symbolic links, owners and the
temporary files a killed save leaves behind (README, "Formats")."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import time

import gocfg
import pytest

SAVE_UNDER_UMASK = r"""
import os, sys, gocfg
os.umask(int(sys.argv[1], 8))
gocfg.Config({"host": "h"}).save(sys.argv[2])
gocfg.Config({"db": {"password": "pw"}}).save(sys.argv[3])
gocfg.Config({"host": "h"}).save(sys.argv[4], private=True)
"""


def mode(p) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


@pytest.mark.parametrize("umask, plain", [("077", 0o600), ("022", 0o644), ("027", 0o640), ("002", 0o664)])
def test_new_files_follow_the_umask_and_secrets_are_0600(tmp_path, umask, plain):
    names = [tmp_path / n for n in ("plain.json", "secret.yaml", "private.toml")]
    r = subprocess.run([sys.executable, "-c", SAVE_UNDER_UMASK, umask, *map(str, names)], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert mode(names[0]) == plain
    assert mode(names[1]) == 0o600
    assert mode(names[2]) == 0o600


def test_an_existing_file_keeps_its_mode(tmp_path):
    p = tmp_path / "app.json"
    p.write_text("{}")
    os.chmod(p, 0o640)
    with gocfg.Config({"a": 1}) as c:
        c.save(p)
        assert mode(p) == 0o640
        c["password"] = "pw"  # a secret in an existing file: its mode is kept...
        c.save(p)
        assert mode(p) == 0o640
        c.save(p, private=True)  # ...unless asked
        assert mode(p) == 0o600


def test_a_symlink_is_followed_and_stays_a_link(tmp_path):
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    real = real_dir / "app.json"
    real.write_text("{}")
    os.chmod(real, 0o666)
    link = tmp_path / "app.json"
    link.symlink_to(real)
    with gocfg.Config({"a": 1, "token": "t"}) as c:
        c.save(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert gocfg.Config.load(real).to_dict() == {"a": 1, "token": "t"}
    assert mode(real) == 0o666  # the file's own mode, kept: it is the same file, updated
    assert sorted(os.listdir(tmp_path)) == ["app.json", "real"]
    assert os.listdir(real_dir) == ["app.json"]
    # A dangling link: the file it names is created (0600: it holds a secret).
    dangling = tmp_path / "new.json"
    dangling.symlink_to(real_dir / "created.json")
    with gocfg.Config({"token": "t"}) as c:
        c.save(dangling)
    assert dangling.is_symlink() and mode(real_dir / "created.json") == 0o600


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_the_owner_and_group_are_kept_where_the_process_may(tmp_path):
    p = tmp_path / "app.json"
    p.write_text("{}")
    os.chown(p, 4321, 4322)
    with gocfg.Config({"a": 1}) as c:
        c.save(p)
    st = os.stat(p)
    assert (st.st_uid, st.st_gid) == (4321, 4322)


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(proc.stdout)


def test_stale_temporaries_of_the_same_file_are_removed(tmp_path):
    p = tmp_path / "app.yaml"
    old = time.time() - 3600
    dead = _dead_pid()

    def leftover(name, mtime=old):
        f = tmp_path / name
        f.write_text("partial")
        os.utime(f, (mtime, mtime))
        return f

    stale = leftover(f".app.yaml.gocfg-tmp.{dead}.00112233aabb")
    kept = [leftover(f".app.yaml.gocfg-tmp.{os.getppid()}.00112233aabb"),  # its writer is alive
            leftover(f".app.yaml.gocfg-tmp.{dead}.00112233aabc", time.time()),  # too recent to be sure
            leftover(f".other.yaml.gocfg-tmp.{dead}.00112233aabb"),  # another file's
            leftover(f".app.yaml.gocfg-tmp.{dead}.my-notes")]  # only looks alike
    with gocfg.Config({"a": 1}) as c:
        c.save(p)
    assert not stale.exists()
    assert all(f.exists() for f in kept)
    assert sorted(os.listdir(tmp_path)) == sorted(["app.yaml", *(f.name for f in kept)])
