"""The command line on streams and roots of any kind, --document, --yaml
and the reading modes (issue 12)."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest
from support.cli import run_cli as run


@pytest.fixture
def playbook(tmp_path):
    path = tmp_path / "playbook.yml"
    path.write_text("- hosts: web\n  become: yes\n  vars: {db_password: s3cret, port: 80}\n- hosts: db\n")
    return path


@pytest.fixture
def deploy(tmp_path):
    path = tmp_path / "deploy.yaml"
    path.write_text("kind: Service\n---\nkind: Secret\napi_token: abc123\n---\n- 1\n- 2\n")
    return path


def test_get_into_a_list_root(playbook):
    r = run("get", playbook, "0.hosts")
    assert r.returncode == 0 and r.stdout == "web\n", r.stderr
    assert run("get", playbook, "1.hosts").stdout == "db\n"
    assert run("get", playbook, "0.vars.port").stdout == "80\n"
    # A secret asked for by name is revealed; inside a map or list it is masked.
    assert run("get", playbook, "0.vars.db_password").stdout == "s3cret\n"
    whole = run("get", playbook, "0")
    assert "s3cret" not in whole.stdout and json.loads(whole.stdout)["vars"]["db_password"] == "********"
    assert "s3cret" in run("get", playbook, "0", "--reveal").stdout


def test_get_bad_paths(playbook):
    for key in ("2.hosts", "x", "0.nope", "0.hosts.0"):
        r = run("get", playbook, key)
        assert r.returncode == 1 and r.stdout == "" and key in r.stderr, (key, r.stderr)


def test_a_miss_in_a_list_root_names_the_closest_keys(playbook, tmp_path):
    """A miss inside a playbook's play said only "no value at '0.hots'",
    where the same miss in a mapping root names the closest keys (and the
    quoted form of a key holding dots): the rest of the path below a
    list item is now read as a mapping root is."""
    for key, hint in (("0.hots", "(did you mean '0.hosts'?)"), ("0.vars.prot", "(did you mean '0.vars.port'?)")):
        r = run("get", playbook, key)
        assert r.returncode == 1 and r.stderr == f"gocfg: {playbook}: no value at {key!r} {hint}\n"
    r = run("get", playbook, "0.hosts.x")
    assert r.stderr == f"gocfg: {playbook}: no value at '0.hosts.x': 0.hosts is a str, not a map or list\n"
    plays = tmp_path / "site.yml"
    plays.write_text("- hosts: all\n  vars:\n    app.port: 8080\n")
    r = run("get", plays, "0.vars.app.port")
    assert r.stderr == f"gocfg: {plays}: no value at '0.vars.app.port' (did you mean '0.vars.\"app.port\"'?)\n"
    assert run("get", plays, '0.vars."app.port"').stdout == "8080\n"
    assert run("get", playbook, "5.hosts").stderr == f"gocfg: {playbook}: no value at '5.hosts'\n"


def test_get_in_a_stream_needs_a_document(deploy):
    r = run("get", deploy, "kind")
    assert r.returncode == 2 and "--document" in r.stderr and "3 documents" in r.stderr
    assert run("get", deploy, "kind", "--document", "1").stdout == "Secret\n"
    assert run("get", deploy, "1", "--document", "2").stdout == "2\n"
    r = run("get", deploy, "kind", "--document", "3")
    assert r.returncode == 1 and "holds 3 documents" in r.stderr
    r = run("get", deploy, "kind", "--document", "-1")
    assert r.returncode == 2
    # --document 0 picks the first document.
    assert run("get", deploy.parent / "deploy.yaml", "kind", "--document", "0").stdout == "Service\n"


def test_show_a_stream(deploy):
    r = run("show", deploy)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "kind: Service\n---\nkind: Secret\napi_token: '********'\n---\n- 1\n- 2\n"
    assert "abc123" in run("show", deploy, "--reveal").stdout
    r = run("show", deploy, "--format", "json")
    assert json.loads(r.stdout) == [{"kind": "Service"}, {"kind": "Secret", "api_token": "********"}, [1, 2]]
    r = run("show", deploy, "--document", "1", "--format", "json")
    assert json.loads(r.stdout) == {"kind": "Secret", "api_token": "********"}
    r = run("show", deploy, "--format", "toml")
    assert r.returncode == 1 and r.stdout == ""
    assert "cannot hold 3 documents" in r.stderr and "--document" in r.stderr and str(deploy) in r.stderr
    assert run("show", deploy, "--document", "0", "--format", "toml").stdout == 'kind = "Service"\n'
    r = run("show", deploy, "--document", "2", "--format", "ini")
    assert r.returncode == 1 and "list at the root" in r.stderr
    r = run("show", deploy, deploy, "--document", "1")
    assert r.returncode == 2 and "layers" in r.stderr


def test_show_a_list_root_masks_secrets(playbook):
    r = run("show", playbook, "--format", "json")
    assert r.returncode == 0 and "s3cret" not in r.stdout
    assert json.loads(r.stdout)[0]["vars"]["db_password"] == "********"


def test_convert_a_stream(deploy, tmp_path):
    out = tmp_path / "all.json"
    r = run("convert", deploy, out)
    assert r.returncode == 0, r.stderr
    # convert writes data: nothing masked, and a file holding a secret is 0600.
    assert json.loads(out.read_text()) == [{"kind": "Service"}, {"kind": "Secret", "api_token": "abc123"}, [1, 2]]
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    back = tmp_path / "back.yaml"
    assert run("convert", deploy, back).returncode == 0
    assert run("show", back, "--reveal").stdout == run("show", deploy, "--reveal").stdout
    one = tmp_path / "one.toml"
    assert run("convert", deploy, one, "--document", "0").returncode == 0
    assert one.read_text() == 'kind = "Service"\n'
    bad = tmp_path / "bad.toml"
    r = run("convert", deploy, bad)
    assert r.returncode == 1 and not bad.exists() and "cannot hold 3 documents" in r.stderr
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".gocfg-")]  # no temporary file left


def test_validate_reports_each_document(deploy, playbook, tmp_path):
    r = run("validate", deploy, playbook)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        f"{deploy}: ok, 3 documents",
        f"{deploy}: document 0: ok, a mapping of 1 key",
        f"{deploy}: document 1: ok, a mapping of 2 keys",
        f"{deploy}: document 2: ok, a list of 2 items",
        f"{playbook}: ok, a list of 2 items at the root",
    ]
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: 1\n---\nb: [\n")
    r = run("validate", deploy, bad)
    assert r.returncode == 1 and f"{bad}:" in r.stderr and f"{deploy}: ok" in r.stdout


def test_yaml_11_and_reading_modes(tmp_path, playbook):
    assert run("get", playbook, "0.become").stdout == "yes\n"
    assert run("get", playbook, "0.become", "--yaml", "1.1").stdout == "true\n"
    assert run("get", playbook, "0.become", "--yaml", "1.2").stdout == "yes\n"
    assert run("get", playbook, "0.become", "--format", "yaml-1.1").stdout == "true\n"
    r = run("show", playbook, "--yaml", "1.1", "--format", "json")
    assert json.loads(r.stdout)[0]["become"] is True
    r = run("get", playbook, "0", "--yaml", "1.0")
    assert r.returncode == 2
    toml = tmp_path / "a.toml"
    toml.write_text("a = { b = 1, }\n")
    r = run("get", toml, "a.b", "--yaml", "1.1")
    assert r.returncode == 1 and "YAML sources only" in r.stderr
    assert run("validate", toml).returncode == 0
    r = run("validate", toml, "--format", "toml-1.0")
    assert r.returncode == 1 and "TOML 1.0" in r.stderr
    ini = tmp_path / "php.ini"
    ini.write_text("[PHP]\nMemory_Limit = 1\n")
    assert run("get", ini, "PHP.Memory_Limit", "--format", "ini-case").stdout == "1\n"
    r = run("diff", playbook.parent / "a.toml", toml, "--yaml", "1.1")
    assert r.returncode == 1 and "YAML" in r.stderr


@pytest.mark.parametrize("umask, want", [(0o077, 0o600), (0o022, 0o644), (0o002, 0o664)])
def test_convert_of_a_stream_creates_its_file_with_the_umasks_mode(tmp_path, umask, want):
    src = tmp_path / "s.yaml"
    src.write_text("a: 1\n---\nb: 2\n")
    out = tmp_path / "out.json"
    proc = subprocess.run([sys.executable, "-m", "gocfg", "convert", str(src), str(out)],
                          capture_output=True, text=True, timeout=120, umask=umask)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text()) == [{"a": 1}, {"b": 2}]
    assert stat.S_IMODE(os.stat(out).st_mode) == want
