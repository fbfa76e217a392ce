"""gocfg.load()'s deployment sources: env_file= (a .env file read as
environment variables), secrets_dir= (Docker and Kubernetes secret
mounts) and profile= (sections and name.{profile}.ext files), through the
public API with good and hostile input."""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import gocfg
import pytest


@pytest.fixture
def app(tmp_path):
    (tmp_path / "app.yaml").write_text("server:\n  port: 8080\n  host: localhost\nname: svc\n")
    return tmp_path


# ------------------------------------------------------------------ env_file

def test_env_file_is_read_as_environment_variables_below_the_real_ones(app):
    (app / ".env").write_text("# comment\nMYSVC_SERVER__PORT=7\nMYSVC_NAME=dotenv\nOTHER=1\n"
                              "export MYSVC_DEBUG=true\nMYSVC_LOG_LEVEL='warn'\n")
    cfg = gocfg.load(app / "app.yaml", env_prefix="MYSVC", env_file=app / ".env",
                     environ={"MYSVC_NAME": "real", "PATH": "/bin"})
    assert cfg["server.port"] == 7                 # typed as env values are
    assert cfg["name"] == "real"                   # the real environment wins
    assert cfg["debug"] is True and cfg["log_level"] == "warn"
    assert "other" not in cfg                      # no prefix, not read
    assert str(cfg.origin("server.port")) == f"{app / '.env'}:2:1"
    assert str(cfg.origin("debug")) == f"{app / '.env'}:5:8"
    assert str(cfg.origin("name")) == "env MYSVC_NAME"
    assert [str(o) for o in cfg.history("server.port")] == [f"{app / 'app.yaml'}:2:3", f"{app / '.env'}:2:1"]


def test_env_file_variables_are_seen_by_env_references_and_env_parse(app):
    (app / ".env").write_text("MYSVC_PORT=0042\nTOKEN_HOST=db.example\n")
    (app / "ref.yaml").write_text("url: http://${env:TOKEN_HOST}/x\n")
    cfg = gocfg.load(app / "ref.yaml", env_prefix="MYSVC", env_file=app / ".env", env_parse=False, environ={})
    assert cfg["port"] == "0042"
    assert cfg["url"] == "http://db.example/x"


def test_env_file_without_prefix_reads_every_variable_and_later_files_win(app):
    (app / "a.env").write_text("DB__HOST=a\nDEBUG=1\n")
    (app / "b.env").write_text("DB__HOST=b\n")
    cfg = gocfg.load(env_file=[app / "a.env", app / "b.env"], environ={})
    assert cfg.to_dict() == {"db": {"host": "b"}, "debug": 1}
    assert str(cfg.origin("db.host")) == f"{app / 'b.env'}:1:1"


@pytest.mark.parametrize("watch", [False, True])
def test_env_file_name_without_a_value_sets_no_variable(app, watch):
    # "MYSVC_DEBUG" alone on a line is python-dotenv's None: load_dotenv
    # sets nothing. It was the string "None" ("<nil>" with watch=True), in
    # the environment layer and for ${env:...}, whose default then lost.
    (app / ".env").write_text("MYSVC_DEBUG\nMYSVC_NAME=\nTOKEN_FILE\n")
    with gocfg.load({"tf": "${env:TOKEN_FILE,/run/t}"}, env_prefix="MYSVC", env_file=app / ".env",
                    environ={}, watch=watch) as cfg:
        assert cfg.to_dict() == {"tf": "/run/t", "name": ""}
    out = subprocess.run([sys.executable, "-m", "gocfg", "show", str(app / "app.yaml"), "--env-file",
                          str(app / ".env"), "--env-prefix", "MYSVC", "--format", "json"],
                         capture_output=True, text=True, check=True).stdout
    assert "None" not in out and '"name": ""' in out


def test_missing_env_file_is_skipped_but_a_directory_or_bad_file_is_an_error(app):
    cfg = gocfg.load(app / "app.yaml", env_prefix="MYSVC", env_file=app / "nope.env", environ={})
    assert cfg["server.port"] == 8080
    (app / "dir.env").mkdir()
    with pytest.raises(gocfg.Error) as e:
        gocfg.load(env_file=app / "dir.env", environ={})
    assert "dir.env" in str(e.value)
    (app / "bad.env").write_bytes(b"A=\xff\xfe\n")
    with pytest.raises(gocfg.Error) as e:
        gocfg.load(env_file=app / "bad.env", environ={})
    assert "bad.env" in str(e.value)
    (app / "nul.env").write_bytes(b"A=x\x00y\n")
    with pytest.raises(gocfg.Error):
        gocfg.load(env_file=app / "nul.env", environ={})
    os.symlink(app / "loop1.env", app / "loop2.env")
    os.symlink(app / "loop2.env", app / "loop1.env")
    with pytest.raises(gocfg.FileError) as e:
        gocfg.load(env_file=app / "loop1.env", environ={})
    assert "loop1.env" in str(e.value)
    with pytest.raises(TypeError):
        gocfg.load(env_file=42)


def test_env_file_secret_values_never_appear_in_errors_or_output(app):
    (app / ".env").write_text("MYSVC_DB__PASSWORD=[unclosed-hunter2\n")
    with pytest.raises(gocfg.Error) as e:
        gocfg.load(env_prefix="MYSVC", env_file=app / ".env", environ={})
    assert "hunter2" not in str(e.value) and ".env:1:1" in str(e.value)
    (app / ".env").write_text("MYSVC_DB__PASSWORD=hunter2\n")
    cfg = gocfg.load(env_prefix="MYSVC", env_file=app / ".env", environ={})
    assert cfg["db.password"] == "hunter2"
    assert "hunter2" not in repr(cfg) and "hunter2" not in cfg.show()


def test_env_file_bad_names_and_values_name_the_file_and_line(app):
    (app / ".env").write_text("MYSVC_OK=1\nMYSVC_A____B=2\n")
    with pytest.raises(gocfg.InvalidArgumentError) as e:
        gocfg.load(env_prefix="MYSVC", env_file=app / ".env", environ={})
    assert f"{app / '.env'}:2:1" in str(e.value) and "MYSVC_A____B" in str(e.value)
    (app / ".env").write_text("MYSVC_X={a: [}\n")
    with pytest.raises(gocfg.ParseError) as e:
        gocfg.load(env_prefix="MYSVC", env_file=app / ".env", environ={})
    assert f"{app / '.env'}:1:1" in str(e.value)


def test_env_file_huge_file_is_refused(app, monkeypatch):
    big = app / "big.env"
    with open(big, "wb") as f:
        f.write(b"A=" + b"x" * (1 << 20) + b"\n")
        f.truncate(300 << 20)  # sparse: beyond the document size limit
    with pytest.raises(gocfg.Error) as e:
        gocfg.load(env_file=big, environ={})
    assert "big.env" in str(e.value)


# ------------------------------------------------------------- secrets_dir

def _kubernetes_secret(root, items):
    """A Kubernetes secret volume: the keys are links into ..data, which
    links to a hidden timestamped directory holding the files."""
    root.mkdir()
    stamp = root / "..2024_05_01_10_00_00.123456789"
    stamp.mkdir()
    for name, data in items.items():
        (stamp / name).write_bytes(data)
        os.symlink(f"..data/{name}", root / name)
    os.symlink(stamp.name, root / "..data")
    return root


def test_docker_secrets_dir(app):
    d = app / "run-secrets"
    d.mkdir()
    (d / "db__password").write_text("hunter2\n")      # one final newline stripped
    (d / "api_key").write_text("k1\n\n")              # only one
    (d / "server__port").write_text("9000")           # never typed: text
    (d / ".hidden").write_text("x")
    (d / "sub").mkdir()
    (d / "sub" / "inner").write_text("x")
    cfg = gocfg.load(app / "app.yaml", secrets_dir=d, environ={})
    assert cfg["db.password"] == "hunter2"
    assert cfg["api_key"] == "k1\n"
    assert cfg["server.port"] == "9000" and cfg.get_int("server.port") == 9000
    assert "hidden" not in str(cfg.to_dict()) and "sub" not in cfg
    assert str(cfg.origin("db.password")) == f"secret file {d / 'db__password'}"
    assert cfg.origin("server.port").kind == "secret"


@pytest.mark.parametrize("watch", [False, True])
@pytest.mark.parametrize("interpolate", [True, False])
def test_a_secret_file_holding_a_reference_reads_as_written(app, watch, interpolate):
    # A password is any text: "pa${ss" made every read an InterpolationError
    # and "x$${y}" read as "x${y}"; a reference to the value still resolves.
    d = app / "s"
    d.mkdir()
    (d / "db__password").write_text("pa${ss\n")
    (d / "token").write_text("x$${y}")
    with gocfg.load({"dsn": "u:${db.password}@h"}, secrets_dir=d, environ={}, watch=watch,
                    interpolate=interpolate) as cfg:
        assert cfg["db.password"] == "pa${ss" and cfg["token"] == "x$${y}"
        assert cfg["dsn"] == ("u:pa${ss@h" if interpolate else "u:${db.password}@h")


def _secret_host(app, ref):
    """A secrets directory setting server.host, and ref.yaml holding ref."""
    d = app / "s"
    d.mkdir()
    (d / "server__host").write_text("internal.example\n")
    (app / "ref.yaml").write_text(ref)
    return d, gocfg.load(app / "app.yaml", app / "ref.yaml", secrets_dir=d, environ={})


def test_secret_values_are_masked_whatever_their_key(app):
    _, cfg = _secret_host(app, "url: http://${server.host}/\n")
    assert cfg["server.host"] == "internal.example"        # reading gives the value
    for shown in (repr(cfg), cfg.show(), repr(cfg.explain("server")), repr(cfg["server"])):
        assert "internal.example" not in shown
    assert "internal.example" in cfg.show(reveal=True)


def test_a_reference_to_a_map_holding_a_secret_file_is_masked(app):
    # ${server} copies the map that holds the secret file's value: the
    # copy is as secret as the value (it was shown in repr, show(), the
    # notebook, typed reads' and to()'s messages, and the CLI's output).
    d, cfg = _secret_host(app, "copy: ${server}\nagain: ${copy}\n")
    assert cfg["copy.host"] == "internal.example"          # reading gives the value
    with pytest.raises(gocfg.TypeMismatchError) as typed:
        cfg.get_float("again")
    with pytest.raises(gocfg.ValidationError) as built:
        cfg.to(_Copy, strict=False)
    shown = (repr(cfg), cfg.show(), repr(cfg["copy"]), cfg._repr_html_(), str(typed.value), str(built.value))
    for text in shown:
        assert "internal.example" not in text
    assert "internal.example" in cfg.show(reveal=True)
    out = subprocess.run([sys.executable, "-m", "gocfg", "show", str(app / "app.yaml"), str(app / "ref.yaml"),
                          "--secrets-dir", str(d), "--origin"], capture_output=True, text=True, check=True).stdout
    assert "internal.example" not in out and "copy" in out and "again" in out


@dataclasses.dataclass
class _Copy:
    copy: int


def test_kubernetes_secret_volume(app):
    d = _kubernetes_secret(app / "k8s", {"db__password": b"pw\n", "token": b"t0k"})
    cfg = gocfg.load(secrets_dir=d, environ={})
    assert cfg.to_dict() == {"db": {"password": "pw"}, "token": "t0k"}
    assert "..data" not in str(cfg.to_dict())


def test_secrets_precedence_files_secrets_dotenv_env(app):
    d = app / "s"
    d.mkdir()
    (d / "name").write_text("secret-name")
    (d / "server__host").write_text("secret-host")
    (app / ".env").write_text("MYSVC_SERVER__HOST=dotenv-host\n")
    cfg = gocfg.load(app / "app.yaml", env_prefix="MYSVC", env_file=app / ".env", secrets_dir=d, environ={})
    assert cfg["name"] == "secret-name" and cfg["server.host"] == "dotenv-host"


def test_secrets_dir_hostile_input(app):
    assert gocfg.load(secrets_dir=app / "missing", environ={}).to_dict() == {}
    with pytest.raises(gocfg.FileError) as e:
        gocfg.load(secrets_dir=app / "app.yaml")
    assert "not a directory" in str(e.value)
    d = app / "s"
    d.mkdir()
    (d / "bin").write_bytes(b"\x89PNG\xff\xfe")
    with pytest.raises(gocfg.InvalidArgumentError) as e:
        gocfg.load(secrets_dir=d)
    assert "bin" in str(e.value) and "UTF-8" in str(e.value) and "PNG" not in str(e.value)
    (d / "bin").write_bytes(b"pass\x00word")
    with pytest.raises(gocfg.InvalidArgumentError) as e:
        gocfg.load(secrets_dir=d)
    assert "NUL" in str(e.value) and "word" not in str(e.value)
    os.unlink(d / "bin")
    with open(d / "huge", "wb") as f:
        f.truncate((1 << 20) + 1)
    with pytest.raises(gocfg.InvalidArgumentError) as e:
        gocfg.load(secrets_dir=d)
    assert "huge" in str(e.value)
    os.unlink(d / "huge")
    os.symlink(d / "l2", d / "l1")
    os.symlink(d / "l1", d / "l2")
    with pytest.raises(gocfg.FileError) as e:
        gocfg.load(secrets_dir=d)
    assert "loop" in str(e.value)
    os.unlink(d / "l1")
    os.unlink(d / "l2")
    os.symlink(d / "gone", d / "dangling")
    with pytest.raises(gocfg.MissingFileError):
        gocfg.load(secrets_dir=d)
    os.unlink(d / "dangling")
    os.mkfifo(d / "fifo")  # would block a plain open() forever
    with pytest.raises(gocfg.FileError) as e:
        gocfg.load(secrets_dir=d)
    assert "not a regular file" in str(e.value)
    os.unlink(d / "fifo")
    for i in range(1001):
        (d / f"k{i}").write_text("v")
    with pytest.raises(gocfg.InvalidArgumentError) as e:
        gocfg.load(secrets_dir=d)
    assert "more than 1000 files" in str(e.value)


def test_secrets_dir_bad_name_is_refused_without_the_value(app):
    d = app / "s"
    d.mkdir()
    (d / "a____b").write_text("hunter2")
    with pytest.raises(gocfg.InvalidArgumentError) as e:
        gocfg.load(secrets_dir=d)
    assert "a____b" in str(e.value) and "hunter2" not in str(e.value)


def test_secrets_dirs_in_a_list_are_layers_and_an_empty_name_is_refused(app):
    a, b = app / "a", app / "b"
    a.mkdir()
    b.mkdir()
    (a / "db__password").write_text("first\n")
    (a / "token").write_text("t")
    (b / "db__password").write_text("second\n")
    cfg = gocfg.load(secrets_dir=[a, b], environ={})
    assert cfg.to_dict() == {"db": {"password": "second"}, "token": "t"}
    assert [o.name for o in cfg.history("db.password")] == [str(a / "db__password"), str(b / "db__password")]
    with pytest.raises(gocfg.InvalidArgumentError) as e:
        gocfg.load(secrets_dir="", environ={})
    assert "empty" in str(e.value)


def test_secrets_dir_that_is_a_file_is_refused_with_watch_too(app):
    with pytest.raises(gocfg.FileError) as e:
        gocfg.load(app / "app.yaml", secrets_dir=app / "app.yaml", watch=True)
    assert "secrets_dir" in str(e.value) and "not a directory" in str(e.value)


# ---------------------------------------------------------------- profiles

@pytest.fixture
def profiled(tmp_path):
    (tmp_path / "settings.yaml").write_text(
        "default:\n  server:\n    port: 8000\n    host: localhost\n  debug: true\n"
        "production:\n  server:\n    port: 80\n  debug: false\n"
        "staging:\n  server:\n    host: staging.example\n")
    return tmp_path


def test_profile_sections_merge_default_then_the_profile(profiled):
    f = gocfg.File(profiled / "settings.yaml", profiles=True)
    cfg = gocfg.load(f, profile="production", environ={})
    assert cfg.to_dict() == {"server": {"port": 80, "host": "localhost"}, "debug": False}
    assert str(cfg.origin("server.port")) == f"{profiled / 'settings.yaml'}:8:5"
    assert str(cfg.origin("server.host")) == f"{profiled / 'settings.yaml'}:4:5"
    # Without a profile: the default section alone.
    assert gocfg.load(f, environ={}).to_dict() == {"server": {"port": 8000, "host": "localhost"}, "debug": True}


def test_profile_from_an_environment_variable(profiled):
    f = gocfg.File(profiled / "settings.yaml", profiles=True)
    cfg = gocfg.load(f, profile="production", profile_env="APP_ENV", environ={"APP_ENV": "staging"})
    assert cfg["server.host"] == "staging.example" and cfg["server.port"] == 8000
    cfg = gocfg.load(f, profile="production", profile_env="APP_ENV", environ={})
    assert cfg["server.port"] == 80


@pytest.mark.parametrize("watch", [False, True])
def test_the_profile_variable_is_not_also_a_setting(profiled, watch):
    # APP_PROFILE under env_prefix="APP" chose the profile and also added a
    # key "profile", which a settings class refused (README's own example).
    (profiled / ".env").write_text("APP_PROFILE=production\nAPP_DEBUG=true\n")
    f = gocfg.File(profiled / "settings.yaml", profiles=True)
    env = {"APP_PROFILE": "staging", "APP_SERVER__PORT": "9000"}
    files = {"env_file": profiled / ".env"} if not watch else {}
    with gocfg.load(f, profile_env="APP_PROFILE", env_prefix="APP", environ=env, watch=watch, **files) as cfg:
        want = {"server": {"port": 9000, "host": "staging.example"}, "debug": True}
        assert cfg.to_dict() == want
        assert "profile" not in cfg


def test_profile_files_beside_the_sources(tmp_path):
    (tmp_path / "app.yaml").write_text("port: 1\nhost: h\n")
    (tmp_path / "app.production.yaml").write_text("port: 2\n")
    (tmp_path / "app.toml").write_text("x = 1\n")   # no app.production.toml: fine
    cfg = gocfg.load(tmp_path / "app.yaml", tmp_path / "app.toml", profile="production", environ={})
    assert cfg.to_dict() == {"port": 2, "host": "h", "x": 1}
    assert str(cfg.origin("port")) == f"{tmp_path / 'app.production.yaml'}:1:1"


def test_unknown_profile_is_a_clear_error(profiled):
    f = gocfg.File(profiled / "settings.yaml", profiles=True)
    with pytest.raises(gocfg.InvalidArgumentError) as e:
        gocfg.load(f, profile="prodution", environ={})
    assert "unknown profile 'prodution'" in str(e.value) and "production" in str(e.value)
    for bad in ("", "default", "../x", " p"):
        with pytest.raises(gocfg.InvalidArgumentError):
            gocfg.load(f, profile=bad, environ={})
    with pytest.raises(gocfg.InvalidArgumentError):
        gocfg.load({"a": 1}, profile="production")


def test_profile_section_that_is_not_a_map(tmp_path):
    (tmp_path / "s.yaml").write_text("default:\n  a: 1\nproduction: 3\n")
    with pytest.raises(gocfg.TypeMismatchError) as e:
        gocfg.load(gocfg.File(tmp_path / "s.yaml", profiles=True), profile="production", environ={})
    assert "s.yaml:3:1" in str(e.value) and "production" in str(e.value)
    (tmp_path / "l.yaml").write_text("- 1\n")
    with pytest.raises(gocfg.InvalidArgumentError):
        gocfg.load(gocfg.File(tmp_path / "l.yaml", profiles=True), profile="production", environ={})


# --------------------------------------------- the library call underneath

@pytest.mark.parametrize("rows, words", [
    ({"a": 1}, "list"),
    ([["A", "1", 2, ".env", 1]], "expected [key, value, kind, name, line, column]"),
    ([["A", "1", 0, ".env", 1, 1]], "kind 0"),
    ([["A", "1", 7, ".env", 1, 1]], "kind 7"),
    ([["A", "1", 99, ".env", 1, 1]], "kind 99"),
    ([["A", "1", "file", ".env", 1, 1]], "must be int, str, int, int"),
    ([[["a", 1], "1", 2, ".env", 1, 1]], "segment is not a str"),
    ([[3, "1", 2, ".env", 1, 1]], "variable name (str) or a path"),
    ([["A\0B", "1", 2, ".env", 1, 1]], "NUL"),
    ([["A", "1", 2, "a\0b", 1, 1]], "NUL"),
])
def test_assign_layer_refuses_malformed_rows(rows, words):
    from gocfg import _capi
    from gocfg._values import encode_value

    with gocfg.load(environ={}) as cfg:
        with pytest.raises(gocfg.Error) as e:
            _capi.assign_layer(cfg, cfg._handle(), b"", b"", encode_value(rows, ""), False)
        assert words in str(e.value)
        assert cfg.to_dict() == {}


def test_profile_sections_work_with_watch(profiled):
    # The same layers as without watch (tests/api/test_live_deploy.py
    # follows changes of the file).
    f = gocfg.File(profiled / "settings.yaml", profiles=True)
    for kwargs in ({}, {"profile": "production"}):
        with gocfg.load(f, environ={}, **kwargs) as plain, gocfg.load(f, watch=True, environ={}, **kwargs) as live:
            assert live.to_dict() == plain.to_dict()
            assert [str(live.origin(p)) for p in ("server.port", "debug")] == \
                [str(plain.origin(p)) for p in ("server.port", "debug")]


def test_profile_files_work_with_watch(tmp_path):
    (tmp_path / "app.yaml").write_text("port: 1\n")
    (tmp_path / "app.production.yaml").write_text("port: 2\n")
    with gocfg.load(tmp_path / "app.yaml", profile="production", watch=True, environ={}) as cfg:
        assert cfg["port"] == 2


@dataclasses.dataclass
class _Server:
    port: int = 0
    host: str = ""


@dataclasses.dataclass
class _Settings:
    server: _Server
    name: str = ""


def test_typed_reads_and_to_never_quote_a_secret_file_value(app):
    d = app / "s"
    d.mkdir()
    (d / "server__port").write_text("not-a-port-hunter2\n")
    cfg = gocfg.load(app / "app.yaml", secrets_dir=d, environ={})
    with pytest.raises(gocfg.TypeMismatchError) as e:
        cfg.get_int("server.port")
    assert "hunter2" not in str(e.value) and "secret, not shown" in str(e.value) and "expected int" in str(e.value)
    with pytest.raises(gocfg.TypeMismatchError) as e:
        cfg["server"].get_int("port")
    assert "hunter2" not in str(e.value)
    with pytest.raises(gocfg.ValidationError) as e:
        cfg.to(_Settings)
    assert "hunter2" not in str(e.value) and "server.port" in str(e.value) and "secret, not shown" in str(e.value)


@dataclasses.dataclass
class _WithDsn:
    dsn: int


def test_values_interpolating_a_secret_file_are_never_quoted_or_shown(app):
    d = app / "s"
    d.mkdir()
    (d / "dbkey").write_text("hunter2-key\n")
    (app / "ref.yaml").write_text("dsn: u:${dbkey}@h\n")
    cfg = gocfg.load(app / "app.yaml", app / "ref.yaml", secrets_dir=d, environ={})
    assert cfg["dsn"] == "u:hunter2-key@h"
    for method in ("get_int", "get_float", "get_bool", "get_duration"):
        with pytest.raises(gocfg.TypeMismatchError) as e:
            getattr(cfg, method)("dsn")
        assert "hunter2" not in str(e.value) and "got a str (secret, not shown)" in str(e.value)
    with pytest.raises(gocfg.ValidationError) as e:
        cfg.to(_WithDsn, strict=False)
    assert "hunter2" not in str(e.value) and "dsn: expected int, got a str (secret, not shown)" in str(e.value)
    with gocfg.Config({}) as empty:
        changes = list(cfg.diff(empty)) + list(empty.diff(cfg))
    shown = repr(changes) + repr(cfg.explain())
    assert "hunter2" not in shown and "'********'" in shown
    assert {c.path for c in changes} >= {"dbkey", "dsn"}


def test_a_secret_file_value_holding_references_is_never_shown(app):
    # A secret file's text may hold "${" (a generated password): it reads
    # as written (it was resolved, and the errors had to hide it), and is
    # masked, as is a value that interpolates it.
    d = app / "s"
    d.mkdir()
    (d / "conn").write_text("p${hunter2}q\n")
    (d / "half").write_text("p${hunter2\n")
    (d / "env").write_text("${env:hunter2}\n")
    (app / "ref.yaml").write_text("dsn: u:${conn}@h\n")
    cfg = gocfg.load(app / "app.yaml", app / "ref.yaml", secrets_dir=d, environ={})
    assert [cfg[k] for k in ("conn", "half", "env", "dsn")] == ["p${hunter2}q", "p${hunter2", "${env:hunter2}",
                                                               "u:p${hunter2}q@h"]
    shown = repr(cfg) + repr(cfg.explain()) + cfg.show()
    assert "hunter2" not in shown


def test_schema_violations_never_quote_a_secret_file_value(app):
    d = app / "s"
    d.mkdir()
    (d / "server__host").write_text("hunter2-host\n")
    cfg = gocfg.load(app / "app.yaml", secrets_dir=d, environ={})
    with pytest.raises(gocfg.ValidationError) as e:
        cfg.validate({"properties": {"server": {"properties": {"host": {"pattern": "^[0-9.]+$"}}}}})
    assert "hunter2" not in str(e.value) and "server.host" in str(e.value)
    assert e.value.errors[0].origin.kind == "secret"
