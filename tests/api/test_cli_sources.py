"""The command line in a subprocess: get and show resolve ${...} unless
--raw; show - and get - read stdin; get merges several files with
--env-prefix and --set; db get resolves unless --raw."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from support.cli import running


def run(*args, env=None, stdin=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "gocfg", *map(str, args)], capture_output=True,
                          timeout=60, env=e, input=stdin if isinstance(stdin, bytes) else
                          (stdin.encode() if stdin is not None else b""))


def out(r):
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout.decode()


@pytest.fixture
def files(tmp_path):
    (tmp_path / "app.yaml").write_text(
        "server:\n  host: h\n  port: 80\nurl: http://${server.host}:${server.port}/\n"
        "home: ${env:GOCFG_T_HOME}\ndb:\n  password: hunter2\ndsn: pg://u:${db.password}@h\n")
    (tmp_path / "local.toml").write_text("[server]\nport = 81\n")
    return tmp_path


ENV = {"GOCFG_T_HOME": "/home/t"}


def test_get_and_show_resolve_unless_raw(files):
    assert out(run("get", files / "app.yaml", "url", env=ENV)) == "http://h:80/\n"
    assert out(run("get", files / "app.yaml", "url", "--raw", env=ENV)) == "http://${server.host}:${server.port}/\n"
    shown = json.loads(out(run("show", files / "app.yaml", "--format", "json", env=ENV)))
    assert shown["url"] == "http://h:80/" and shown["home"] == "/home/t"
    assert shown["dsn"] == "********" and shown["db"]["password"] == "********"   # a value holding a secret too
    raw = json.loads(out(run("show", files / "app.yaml", "--format", "json", "--raw", env=ENV)))
    assert raw["url"] == "http://${server.host}:${server.port}/" and raw["db"]["password"] == "********"
    merged = json.loads(out(run("show", files / "app.yaml", files / "local.toml", "--format", "json", "--raw",
                                env=ENV)))
    assert merged["url"] == "http://${server.host}:${server.port}/" and merged["server"]["port"] == 81
    merged = json.loads(out(run("show", files / "app.yaml", files / "local.toml", "--format", "json", env=ENV)))
    assert merged["url"] == "http://h:81/"
    assert "hunter2" not in out(run("show", files / "app.yaml", env=ENV))
    r = run("show", files / "app.yaml", files / "local.toml", "--raw", "--origin")
    assert r.returncode == 2 and b"--raw" in r.stderr


def test_get_layers_files_env_and_set(files):
    assert out(run("get", files / "app.yaml", files / "local.toml", "server.port")) == "81\n"
    assert out(run("get", files / "app.yaml", files / "local.toml", "url", env=ENV)) == "http://h:81/\n"
    assert out(run("get", files / "app.yaml", "server.port", "--env-prefix", "APP",
                   env={"APP_SERVER__PORT": "9000", **ENV})) == "9000\n"
    assert out(run("get", files / "app.yaml", files / "local.toml", "server.port", "--set", "server.port=7",
                   env=ENV)) == "7\n"
    got = json.loads(out(run("get", files / "app.yaml", "--set", "x=1", "db", env=ENV)))
    assert got == {"password": "********"}
    r = run("get", files / "app.yaml", files / "missing.yaml", "server.port")
    assert r.returncode == 1 and b"missing.yaml" in r.stderr
    r = run("get", files / "app.yaml", "server.port", "--set", "novalue")
    assert r.returncode == 2
    r = run("get", files / "app.yaml", files / "local.toml", "nope.key")
    assert r.returncode == 1
    r = run("get", files / "app.yaml", files / "local.toml", "server.port", "--document", "0")
    assert r.returncode == 2


def test_show_and_get_read_stdin(files):
    text = (files / "app.yaml").read_text()
    shown = json.loads(out(run("show", "-", "--input-format", "yaml", "--format", "json", stdin=text, env=ENV)))
    assert shown["url"] == "http://h:80/"
    assert out(run("show", "-", "--format", "json", stdin='{"a": [1, 2]}')).replace(" ", "").replace("\n", "") \
        == '{"a":[1,2]}'
    assert "a: 1" in out(run("show", "-", stdin="a: 1\n"))           # YAML by default
    assert out(run("get", "-", "server.port", stdin=text)) == "80\n"
    assert out(run("get", "-", files / "local.toml", "server.port", stdin=text)) == "81\n"
    assert out(run("show", "-", "--document", "1", stdin="a: 1\n---\nb: 2\n")).strip() == "b: 2"
    r = run("show", "-", stdin=b"a: \xff\n")
    assert r.returncode == 1 and b"not UTF-8" in r.stderr
    r = run("show", "-", "--format", "json", stdin="{nope")
    assert r.returncode == 1 and b"stdin" in r.stderr
    r = run("show", "-", "-", stdin="a: 1\n")
    assert r.returncode == 2
    r = run("show", "-", "--document", "3", stdin="a: 1\n")
    assert r.returncode == 1 and b"--document 3" in r.stderr
    r = run("get", "-", "nul", stdin='{"nul": "a\\u0000b"}')
    assert out(r) == "a\x00b\n"
    assert "hunter2" not in out(run("show", "-", stdin=text, env=ENV))


def test_show_stdin_huge_input_is_refused():
    r = run("show", "-", stdin=b"a: " + b"x" * ((64 << 20) + 10))
    assert r.returncode == 1 and b"larger than 64 MiB" in r.stderr


def test_db_get_resolves_unless_raw(files, tmp_path):
    url = f"sqlite:///{tmp_path / 'cfg.db'}"
    assert out(run("db", "put", url, "svc", files / "app.yaml")).strip() == "1"
    got = json.loads(out(run("db", "get", url, "svc", env=ENV)))
    assert got["url"] == "http://h:80/" and got["home"] == "/home/t" and got["db"]["password"] == "********"
    raw = json.loads(out(run("db", "get", url, "svc", "--raw", env=ENV)))
    assert raw["url"] == "http://${server.host}:${server.port}/"
    assert out(run("db", "get", url, "svc", "url", env=ENV)) == "http://h:80/\n"


def test_show_and_get_with_deployment_sources(files):
    (files / ".env").write_text("APP_SERVER__HOST=dotenv-host\n")
    (files / "secrets").mkdir()
    (files / "secrets" / "api__key_file").write_text("s3cr3t-value\n")
    (files / "app.production.yaml").write_text("server:\n  port: 443\n")
    args = ["--env-prefix", "APP", "--env-file", files / ".env", "--secrets-dir", files / "secrets",
            "--profile", "production"]
    shown = out(run("show", files / "app.yaml", *args, "--origin", env=ENV))
    lines = {line.split("=")[0].strip(): line for line in shown.splitlines()}
    assert '"dotenv-host"' in lines["server.host"] and lines["server.host"].endswith(f"# {files / '.env'}:1:1")
    assert "443" in lines["server.port"] and lines["server.port"].endswith(f"# {files / 'app.production.yaml'}:2:3")
    assert lines["api.key_file"].endswith(f"# secret file {files / 'secrets' / 'api__key_file'}")
    assert "s3cr3t-value" not in shown
    assert "s3cr3t-value" not in out(run("show", files / "app.yaml", *args, "--format", "json", env=ENV))
    assert "s3cr3t-value" in out(run("show", files / "app.yaml", *args, "--reveal", env=ENV))
    assert out(run("get", files / "app.yaml", "url", *args, env=ENV)) == "http://dotenv-host:443/\n"
    r = run("get", files / "app.yaml", "url", "--profile", "nope", env=ENV)
    assert r.returncode == 1 and b"unknown profile 'nope'" in r.stderr
    r = run("show", files / "app.yaml", "--secrets-dir", files / "app.yaml", env=ENV)
    assert r.returncode == 1 and b"not a directory" in r.stderr


def test_watch_banner_names_env_files_and_secrets_dir(files):
    """`gocfg watch` watches the deployment sources too (README, "Live
    configuration"), and its banner says so."""
    (files / "sec").mkdir()
    (files / "sec" / "token").write_text("t0k3n\n")
    (files / ".env").write_text("APP_X=1\n")
    with running([sys.executable, "-m", "gocfg", "watch", "app.yaml", "--env-prefix", "APP",
                  "--env-file", ".env", "--secrets-dir", "sec"], files, env=dict(os.environ, **ENV)) as p:
        banner = p.stderr.readline()
        assert banner == "gocfg: watching app.yaml, .env (env file), sec (secrets) (Ctrl-C to stop)\n", banner
        p.send_signal(signal.SIGINT)
        assert p.wait(timeout=60) == 0
