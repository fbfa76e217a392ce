"""Deployment sources of a watched config: gocfg.load(..., watch=True) with
env_file=, secrets_dir=, flags= and File(profiles=True), on real files. A
changed .env file, a secret file written, added or removed (directly, or by
Kubernetes' swap of ..data), and a changed profile section rebuild the
config as a changed config file does; flags are parsed once and stay in
their place. Nothing asserts a duration: each test waits for the event it
needs, with a generous bound."""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
import uuid

import gocfg
import pydantic
import pytest

WAIT = 60.0
DEBOUNCE = 0.02


def save(path, text: str) -> None:
    """Save as editors do: a temporary file renamed over the old one."""
    tmp = f"{path}.tmp-{uuid.uuid4().hex[:6]}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def next_applied(stream):
    for ev in stream:
        if ev.kind == "applied":
            return ev
    pytest.fail(f"no applied event within {WAIT} s")


def next_event(stream):
    for ev in stream:
        return ev
    pytest.fail(f"no event within {WAIT} s")


def until(stream, cfg, pred):
    """Read applied events until pred(cfg) holds: a file written in place
    may be seen half-way first."""
    while not pred(cfg):
        next_applied(stream)


def next_rejected(stream):
    """The next rejected event. A file written in place (truncated, then
    written) may be read half-way, which is a valid state: skip those."""
    for ev in stream:
        if ev.kind == "rejected":
            return ev
    pytest.fail(f"no rejected event within {WAIT} s")


@dataclasses.dataclass
class Db:
    host: str = "localhost"
    password: str = ""
    port: int = 5432


@dataclasses.dataclass
class Settings:
    db: Db = dataclasses.field(default_factory=Db)
    port: int = 8000
    name: str = ""


@pytest.fixture
def site(tmp_path):
    (tmp_path / "app.yaml").write_text("port: 1\ndb:\n  port: 1\n")
    (tmp_path / ".env").write_text("APP_DB__HOST=db1\nAPP_PORT=2\n")
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "db__password").write_text("hunter2\n")
    return tmp_path


def load(site, **kw):
    kw.setdefault("env_file", site / ".env")
    kw.setdefault("secrets_dir", site / "secrets")
    return gocfg.load(site / "app.yaml", env_prefix="APP", watch=True, debounce=DEBOUNCE, **kw)


def test_same_layers_as_without_watch(site):
    kw = dict(env_prefix="APP", env_file=site / ".env", secrets_dir=site / "secrets", environ={"APP_NAME": "env"},
              flags=Settings, argv=["--db.port", "7"], overrides=["name=over"])
    with gocfg.load(site / "app.yaml", **kw) as plain, \
            gocfg.load(site / "app.yaml", watch=True, debounce=DEBOUNCE, **kw) as live:
        assert live.to_dict() == plain.to_dict()
        for path in ("port", "db.host", "db.password", "db.port", "name"):
            assert str(live.origin(path)) == str(plain.origin(path)), path
            assert [o.kind for o in live.history(path)] == [o.kind for o in plain.history(path)], path
        assert str(live.origin("db.port")) == "command line --db.port"
        assert live.origin("db.password").kind == "secret"
        assert live.to(Settings).db.password == "hunter2"


def test_changed_env_file_is_applied(site):
    with load(site, environ={}) as cfg, cfg.changes(WAIT) as stream:
        assert cfg["db.host"] == "db1" and cfg["port"] == 2
        save(site / ".env", "APP_DB__HOST=db2\nAPP_PORT=3\n")
        ev = next_applied(stream)
        assert str(site / ".env") in ev.sources[0] or ev.sources == [str(site / ".env")]
        assert cfg["db.host"] == "db2" and cfg["port"] == 3
        assert str(cfg.origin("db.host")) == f"{site / '.env'}:1:1"


def test_real_environment_stays_above_the_env_file(site):
    with load(site, environ={"APP_DB__HOST": "real"}) as cfg, cfg.changes(WAIT) as stream:
        assert cfg["db.host"] == "real"
        save(site / ".env", "APP_DB__HOST=db2\nAPP_PORT=9\n")
        next_applied(stream)
        assert cfg["db.host"] == "real" and cfg["port"] == 9
        assert str(cfg.origin("db.host")) == "env APP_DB__HOST"


def test_env_file_variables_feed_env_references(tmp_path):
    (tmp_path / "app.yaml").write_text("url: http://${env:HOST,none}/\n")
    (tmp_path / ".env").write_text("HOST=one\n")
    with gocfg.load(tmp_path / "app.yaml", env_file=tmp_path / ".env", env_prefix="APP", environ={}, watch=True,
                    debounce=DEBOUNCE) as cfg, cfg.changes(WAIT) as stream:
        assert cfg["url"] == "http://one/"
        save(tmp_path / ".env", "HOST=two\n")
        next_applied(stream)
        assert cfg["url"] == "http://two/"


def test_env_file_appearing_and_disappearing(site):
    (site / ".env").unlink()
    with load(site, environ={}) as cfg, cfg.changes(WAIT) as stream:
        assert "host" not in cfg["db"]
        save(site / ".env", "APP_DB__HOST=late\n")
        next_applied(stream)
        assert cfg["db.host"] == "late"
        (site / ".env").unlink()
        next_applied(stream)
        assert "host" not in cfg["db"]


def test_bad_env_file_change_is_rejected_and_the_old_config_stays(site):
    with load(site, environ={}) as cfg, cfg.changes(WAIT) as stream:
        save(site / ".env", "APP_DB__HOST='unterminated\n")
        ev = next_event(stream)
        assert ev.kind == "rejected" and ".env" in str(ev.error)
        assert cfg["db.host"] == "db1"
        save(site / ".env", "APP_DB__HOST=fixed\n")
        next_applied(stream)
        assert cfg["db.host"] == "fixed"


def test_secret_written_added_and_removed(site):
    secrets = site / "secrets"
    with load(site, environ={}) as cfg, cfg.changes(WAIT) as stream:
        assert cfg["db.password"] == "hunter2"
        (secrets / "db__password").write_text("second\n")           # written in place
        ev = next_applied(stream)
        assert "second" not in str(ev) and "hunter2" not in str(ev)  # masked in the event
        until(stream, cfg, lambda c: c["db.password"] == "second")
        (secrets / "api_token").write_text("tok\n")                 # added
        until(stream, cfg, lambda c: c.get("api_token") == "tok")
        assert cfg.origin("api_token").kind == "secret"
        (secrets / "db__password").unlink()                        # removed
        next_applied(stream)
        assert "password" not in cfg["db"] and cfg["api_token"] == "tok"


def test_kubernetes_secret_swap(tmp_path):
    """A Secret volume: each key a link into ..data, itself a link to a
    timestamped directory; an update writes a new directory and swaps
    ..data by rename."""
    (tmp_path / "app.yaml").write_text("{}\n")
    mount = tmp_path / "mount"
    mount.mkdir()
    (mount / "..2026_01").mkdir()
    (mount / "..2026_01" / "db__password").write_text("v1")
    os.symlink("..2026_01", mount / "..data")
    os.symlink("..data/db__password", mount / "db__password")
    with gocfg.load(tmp_path / "app.yaml", secrets_dir=mount, watch=True, debounce=DEBOUNCE, environ={}) as cfg, \
            cfg.changes(WAIT) as stream:
        assert cfg["db.password"] == "v1"
        (mount / "..2026_02").mkdir()
        (mount / "..2026_02" / "db__password").write_text("v2")
        os.symlink("..2026_02", mount / "..data_tmp")
        os.replace(mount / "..data_tmp", mount / "..data")
        next_applied(stream)
        assert cfg["db.password"] == "v2"


def test_secrets_dir_created_later(site):
    secrets = site / "later"
    with load(site, secrets_dir=secrets, environ={}) as cfg, cfg.changes(WAIT) as stream:
        assert "password" not in cfg["db"]
        tmp = site / "later.tmp"
        tmp.mkdir()
        (tmp / "db__password").write_text("p")
        os.rename(tmp, secrets)
        next_applied(stream)
        assert cfg["db.password"] == "p"


def test_bad_secret_change_is_rejected_without_the_value(site):
    with load(site, environ={}) as cfg, cfg.changes(WAIT) as stream:
        (site / "secrets" / "db__password").write_bytes(b"bad\xffsecret-bytes")
        ev = next_rejected(stream)
        assert "UTF-8" in str(ev.error) and "secret-bytes" not in str(ev.error)
        (site / "secrets" / "db__password").write_bytes(b"nul\0secret-bytes")   # another fault: reported too
        ev = next_rejected(stream)
        assert "NUL" in str(ev.error) and "secret-bytes" not in str(ev.error)
        assert cfg["db.password"] in ("hunter2", "")     # the old value, or an empty file read half-way
        (site / "secrets" / "db__password").write_text("good")
        while cfg["db.password"] != "good":
            next_applied(stream)


def test_bad_secrets_at_load_are_refused(site):
    (site / "secrets" / "x").write_bytes(b"a\0b")
    with pytest.raises(gocfg.Error) as e:
        load(site, environ={})
    assert "NUL" in str(e.value) and "secrets" in str(e.value)
    (site / "secrets" / "x").unlink()
    os.mkfifo(site / "secrets" / "fifo")
    with pytest.raises(gocfg.Error) as e:          # a FIFO is refused, not waited on
        load(site, environ={})
    assert "not a regular file" in str(e.value)


def test_flags_stay_in_their_place_across_reloads(site):
    with load(site, environ={}, flags=Settings, argv=["--port", "9000", "--db.host", "flaghost"],
              overrides=["db.port=5"]) as cfg, cfg.changes(WAIT) as stream:
        assert cfg["port"] == 9000 and cfg["db.host"] == "flaghost"
        save(site / "app.yaml", "port: 1\ndb:\n  port: 2\nname: changed\n")
        save(site / ".env", "APP_DB__HOST=other\nAPP_PORT=3\nAPP_EXTRA=1\n")
        while cfg.get("name") != "changed" or cfg.get("extra") != 1:   # both changes in force
            next_applied(stream)
        # Above the file and the .env file, below overrides, after every rebuild.
        assert cfg["port"] == 9000 and cfg["db.host"] == "flaghost" and cfg["db.port"] == 5
        assert [o.kind for o in cfg.history("db.host")] == ["file", "flag"]
        assert cfg.reload().applied and cfg["port"] == 9000


def test_flags_from_a_pydantic_model_with_watch(site):
    class P(pydantic.BaseModel):
        port: int = 0

    with load(site, environ={}, flags=P, argv=["--port", "5"]) as cfg:
        assert cfg.to(P).port == 5


def test_bad_flag_with_watch_exits_2_before_anything_is_read(site, capsys):
    with pytest.raises(SystemExit) as e:
        load(site, environ={}, flags=Settings, argv=["--port", "x"])
    assert e.value.code == 2 and "--port" in capsys.readouterr().err


def test_profile_section_change_is_applied(tmp_path):
    f = tmp_path / "settings.yaml"
    f.write_text("default:\n  port: 1\n  host: h\nproduction:\n  port: 2\n")
    with gocfg.load(gocfg.File(f, profiles=True), profile="production", watch=True, debounce=DEBOUNCE,
                    environ={}) as cfg, cfg.changes(WAIT) as stream:
        assert cfg.to_dict() == {"port": 2, "host": "h"}
        assert str(cfg.origin("port")) == f"{f}:5:3"
        save(f, "default:\n  port: 1\n  host: h2\nproduction:\n  port: 3\n")
        next_applied(stream)
        assert cfg.to_dict() == {"port": 3, "host": "h2"}
        save(f, "default:\n  port: 1\nproduction: [not, a, map]\n")
        ev = next_event(stream)
        assert ev.kind == "rejected" and "production" in str(ev.error) and "not a map" in str(ev.error)
        assert cfg["port"] == 3


def test_default_profile_alone_with_watch(tmp_path):
    f = tmp_path / "settings.yaml"
    f.write_text("default:\n  port: 1\nproduction:\n  port: 2\n")
    with gocfg.load(gocfg.File(f, profiles=True), watch=True, debounce=DEBOUNCE, environ={}) as cfg:
        assert cfg.to_dict() == {"port": 1}


def test_a_real_watching_program(site):
    """A program that watches, in a subprocess: the flag given on its
    command line stays above a .env change it sees."""
    prog = site / "prog.py"
    prog.write_text(textwrap.dedent('''
        import dataclasses, sys
        import gocfg

        @dataclasses.dataclass
        class Settings:
            port: int = 0
            name: str = ""

        cfg = gocfg.load("app.yaml", env_prefix="APP", env_file=".env", flags=Settings, watch=True, debounce=0.02)
        print(cfg["port"], cfg["db.host"], flush=True)
        sys.stdin.readline()   # the test has changed .env
        with cfg.changes(60) as stream:   # listening before looking: no change is missed
            if cfg["db.host"] != "db2":
                for ev in stream:
                    if ev.applied and cfg["db.host"] == "db2":
                        break
        print(cfg["port"], cfg["db.host"], cfg.origin("port"), flush=True)
    '''))
    env = {k: v for k, v in os.environ.items() if not k.startswith("APP_")}
    p = subprocess.Popen([sys.executable, str(prog), "--port", "9000"], cwd=site, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert p.stdout is not None and p.stdin is not None
        first = p.stdout.readline()
        assert first.split() == ["9000", "db1"], p.stderr.read() if p.stderr else first
        save(site / ".env", "APP_DB__HOST=db2\n")
        p.stdin.write("\n")
        p.stdin.flush()
        second = p.stdout.readline()
        assert second.split() == ["9000", "db2", "command", "line", "--port"]
    finally:
        p.kill()
        p.wait(WAIT)
