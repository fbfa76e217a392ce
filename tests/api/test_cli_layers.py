"""The command line's layered commands: show FILE... with the environment,
overrides and origins; diff A B; secrets masked."""
from __future__ import annotations

import json

import pytest
from support.cli import run_cli as run


@pytest.fixture
def app(tmp_path):
    (tmp_path / "app.yaml").write_text("server:\n  host: example.org\n  port: 8080\ndb:\n  password: hunter2\n")
    (tmp_path / "local.toml").write_text("[server]\nport = 8081\n")
    return tmp_path


def test_show_layers_with_env_overrides_and_origins(app):
    r = run("show", app / "app.yaml", app / "local.toml", "--env-prefix", "APP", "--set", "debug=true",
            "--origin", env={"APP_SERVER__HOST": "envhost"})
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    port = next(l for l in lines if l.startswith("server.port"))
    assert "8081" in port and f"# {app / 'local.toml'}:2:1" in port
    assert any(l.startswith("server.host") and '"envhost"' in l and "# env APP_SERVER__HOST" in l for l in lines)
    assert any(l.startswith("debug") and "true" in l and "# override debug=true" in l for l in lines)
    assert "hunter2" not in r.stdout and "********" in r.stdout
    r = run("show", app / "app.yaml", app / "local.toml", "--origin", "--reveal")
    assert "hunter2" in r.stdout


def test_show_layers_as_a_document(app):
    r = run("show", app / "app.yaml", app / "local.toml", "--format", "json", "--set", "server.port=1")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["server"] == {"host": "example.org", "port": 1} and doc["db"]["password"] == "********"
    # One file and no layer options: the file as it is, in its own format, secrets masked.
    r = run("show", app / "app.yaml")
    assert r.returncode == 0 and "port: 8080" in r.stdout and "hunter2" not in r.stdout
    assert "hunter2" in run("show", app / "app.yaml", "--reveal").stdout


def test_get_masks_secrets_inside_a_map_only(app):
    assert run("get", app / "app.yaml", "db.password").stdout == "hunter2\n"
    r = run("get", app / "app.yaml", "db")
    assert json.loads(r.stdout) == {"password": "********"}
    assert json.loads(run("get", app / "app.yaml", "db", "--reveal").stdout) == {"password": "hunter2"}


def test_diff(app):
    (app / "b.yaml").write_text("server:\n  host: example.org\n  port: 9090\n  tls: true\ndb:\n  password: other\n")
    r = run("diff", app / "app.yaml", app / "b.yaml")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["~ server.port: 8080 -> 9090", "~ db.password: ******** -> ********",
                                     "+ server.tls: true"] or sorted(r.stdout.splitlines()) == sorted(
        ["~ server.port: 8080 -> 9090", "+ server.tls: true", "~ db.password: ******** -> ********"])
    assert "other" in run("diff", app / "app.yaml", app / "b.yaml", "--reveal").stdout
    r = run("diff", app / "app.yaml", app / "app.yaml")
    assert r.returncode == 0 and r.stdout == ""


def test_exit_codes_and_errors(app):
    r = run("show", app / "app.yaml", "--set", "noequals")
    assert r.returncode == 2
    r = run("show", app / "app.yaml", "--set", "x=[1, 2")
    assert r.returncode == 2 and "override" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = run("show", app / "app.yaml", app / "missing.toml")
    assert r.returncode == 1 and "missing.toml" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    bad = app / "bad.toml"
    bad.write_text("a = = 1\n")
    r = run("show", app / "app.yaml", bad, "--origin")
    assert r.returncode == 1 and f"{bad}:1:" in r.stderr
    r = run("show", app / "app.yaml", "--env-prefix", "APP", "--origin", env={"APP_X": "[1, 2"})
    assert r.returncode == 1 and "APP_X" in r.stderr
    r = run("diff", app / "app.yaml", app / "nope.yaml")
    assert r.returncode == 1 and "nope.yaml" in r.stderr
    assert run("diff", app / "app.yaml").returncode == 2
