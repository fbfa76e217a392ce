"""One rule for ${...} references: to_dict(), dumps() and to_json() give
what reads give (resolved) unless resolve=False; save() writes the stored
templates; a Database keeps the templates, and load(interpolate=True)
resolves them again with the origin "stored <name>"."""
from __future__ import annotations

import json

import gocfg
import pytest
from support.cli import run_cli

DATA = {"server": {"host": "h", "port": 80}, "url": "http://${server.host}:${server.port}/",
        "port": "${server.port}", "home": "${env:HOME}", "lit": "$${not.a.ref}",
        "db": {"password": "hunter2"}, "dsn": "pg://u:${db.password}@h"}


@pytest.fixture
def cfg():
    with gocfg.load(DATA, environ={"HOME": "/home/u"}) as c:
        yield c


def test_to_dict_dumps_and_to_json_resolve_by_default(cfg):
    resolved = cfg.to_dict()
    assert resolved["url"] == "http://h:80/" and resolved["port"] == 80 and resolved["home"] == "/home/u"
    assert resolved["lit"] == "${not.a.ref}"
    assert json.loads(cfg.to_json()) == resolved
    assert json.loads(cfg.dumps("json")) == resolved
    assert "http://h:80/" in cfg.dumps("yaml") and "${" not in cfg.dumps("toml").replace("${not.a.ref}", "")


def test_resolve_false_keeps_the_templates_everywhere(cfg):
    stored = cfg.to_dict(resolve=False)
    assert stored["url"] == "http://${server.host}:${server.port}/" and stored["lit"] == "$${not.a.ref}"
    assert json.loads(cfg.to_json(resolve=False)) == stored
    assert json.loads(cfg.dumps("json", resolve=False)) == stored
    assert cfg["server"].to_dict(resolve=False) == {"host": "h", "port": 80}


def test_save_writes_the_templates_so_the_file_loads_back_the_same(cfg, tmp_path):
    cfg.save(tmp_path / "out.yaml")
    text = (tmp_path / "out.yaml").read_text()
    assert "${server.host}" in text and "/home/u" not in text
    with gocfg.load(tmp_path / "out.yaml", environ={"HOME": "/home/u"}) as back:
        assert back.to_dict() == cfg.to_dict()


def test_plain_config_text_with_a_dollar_brace_is_data(tmp_path):
    with gocfg.Config({"a": "${b}", "b": 1}) as c:   # plain Configs never interpolate
        assert c.to_dict() == {"a": "${b}", "b": 1}
        assert json.loads(c.dumps("json")) == {"a": "${b}", "b": 1}


def test_a_reference_that_does_not_resolve_raises_on_dumps_but_not_with_resolve_false():
    with gocfg.load({"a": "${nope}"}, environ={}) as c:
        with pytest.raises(gocfg.InterpolationError):
            c.dumps("json")
        assert "${nope}" in c.dumps("json", resolve=False)


def test_database_keeps_the_templates_and_can_resolve_them_again(cfg):
    with gocfg.Database.open("memory://") as db:
        db.save("svc", cfg)
        with db.load("svc") as plain:          # data exactly as saved
            assert plain["url"] == "http://${server.host}:${server.port}/"
            assert plain.origin("url") is None
        with db.load("svc", interpolate=True, environ={"HOME": "/elsewhere"}) as back:
            assert back["url"] == "http://h:80/" and back["port"] == 80
            assert back["home"] == "/elsewhere"         # ${env:...} reads the loading process's environment
            assert str(back.origin("url")) == "stored svc" and str(back.origin("server.port")) == "stored svc"
            assert back.to_dict(resolve=False) == cfg.to_dict(resolve=False)
            assert "hunter2" not in repr(back)
            back2, rev = db.load_with_revision("svc", interpolate=True)
            with back2:
                assert rev == 1 and back2["server.port"] == 80


def test_database_load_interpolate_on_a_cycle_reports_on_read():
    with gocfg.Database.open("memory://") as db, gocfg.Config({"a": "${b}", "b": "${a}"}) as c:
        db.save("x", c)
        with db.load("x", interpolate=True, environ={}) as back:
            with pytest.raises(gocfg.InterpolationError):
                back["a"]


WORKFLOW = """\
name: CI
on: [push]
jobs:
  test:
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu-latest]
    env:
      TOKEN: ${{ secrets.TOKEN }}
      IMAGE: ${{ env.REGISTRY }}/${project.name}:$${{ tag }}
    steps:
      - run: echo "${{ github.sha }}"
project: {name: app}
"""


def test_a_github_actions_expression_is_text_not_a_reference(tmp_path):
    # "${{ ... }}" is GitHub Actions' (and Azure Pipelines') syntax: a
    # workflow file loads, its expressions as written, its references resolved.
    path = tmp_path / "ci.yml"
    path.write_text(WORKFLOW)
    with gocfg.load(path) as cfg:
        job = cfg.to_dict()["jobs"]["test"]
        assert job["runs-on"] == "${{ matrix.os }}"
        assert job["env"] == {"TOKEN": "${{ secrets.TOKEN }}", "IMAGE": "${{ env.REGISTRY }}/app:${{ tag }}"}
        assert cfg["jobs.test.steps.0.run"] == 'echo "${{ github.sha }}"'
        # Saved and loaded back, nothing changes.
        out = tmp_path / "back.yml"
        cfg.save(out)
        with gocfg.load(out) as back:
            assert back.to_dict() == cfg.to_dict()
    # A reference that is malformed still says so.
    with gocfg.load({"a": "${b"}) as bad, pytest.raises(gocfg.InterpolationError, match="unterminated"):
        bad["a"]


def test_another_tools_reference_says_how_to_load_the_file(tmp_path):
    # docker compose's ${VAR:-default} is no gocfg reference: the error says
    # what gocfg writes instead, and interpolate=False reads it as written.
    path = tmp_path / "compose.yaml"
    path.write_text("services:\n  db:\n    image: postgres:${PG_VERSION:-15}\n")
    with gocfg.load(path) as cfg, pytest.raises(gocfg.InterpolationError, match=r"\$\{env:NAME,default\}.*interpolation off"):
        cfg.to_dict()
    with gocfg.load(path, interpolate=False) as cfg:
        assert cfg["services.db.image"] == "postgres:${PG_VERSION:-15}"


def test_an_environment_variables_name_says_how_to_load_the_file(tmp_path):
    # A workflow's shell step and a compose file name the shell's variables
    # bare, ${GITHUB_SHA}: the error said only "no such key", and the CLI
    # neither named the file nor said that --raw prints such values.
    path = tmp_path / "ci.yml"
    path.write_text('jobs:\n  build:\n    steps:\n      - run: |\n          echo "sha=${GITHUB_SHA}"\n'
                    "          make\n")
    with gocfg.load(path) as cfg, pytest.raises(gocfg.InterpolationError) as info:
        cfg.to_dict()
    assert "GITHUB_SHA: no such key" in str(info.value)
    assert "an environment variable is ${env:NAME}" in str(info.value)
    assert "interpolation off" in str(info.value)
    # So does a shell's expansion of one, in a composer.json script.
    scripts = tmp_path / "composer.json"
    scripts.write_text('{"scripts": {"x": ["sed -i \\"s/name/${PWD##*/}/g\\" .env"]}}')
    with gocfg.load(scripts) as cfg, pytest.raises(gocfg.InterpolationError) as info:
        cfg.to_dict()
    assert "PWD##*/: no such key" in str(info.value) and "interpolation off" in str(info.value)
    # And a shell's ${VAR:+word}, which is no path at all (a GitLab CI script).
    ci = tmp_path / ".gitlab-ci.yml"
    ci.write_text('deploy:\n  script:\n    - run ${SYNC:+--sync "$SYNC"}\n')
    with gocfg.load(ci) as cfg, pytest.raises(gocfg.InterpolationError) as info:
        cfg.to_dict()
    assert "is not a valid path" in str(info.value) and "interpolation off" in str(info.value)
    # A missing key written as gocfg's keys are gets no such hint.
    with gocfg.load({"a": "${server.hots}", "server": {"host": "h"}}) as cfg, \
            pytest.raises(gocfg.InterpolationError) as info:
        cfg["a"]
    assert "environment variable" not in str(info.value)
    for command in (("show", path), ("get", path, "jobs.build.steps.0.run")):
        r = run_cli(*command)
        assert r.returncode == 1 and r.stdout == ""
        assert r.stderr.startswith(f"gocfg: {path}: jobs.build.steps.0.run: ${{GITHUB_SHA}}: ")
        assert r.stderr.endswith(" (--raw prints ${...} as written)\n")
        r = run_cli(*command, "--raw")
        assert r.returncode == 0 and "sha=${GITHUB_SHA}" in r.stdout
    # A reference given by --set is not the file's: the file is not named
    # (it was, "gocfg: ci.yml: x: reference cycle: x -> x").
    plain = tmp_path / "plain.yml"
    plain.write_text("a: 1\n")
    r = run_cli("show", plain, "--set", "x=${x}")
    assert r.returncode == 1 and r.stderr == "gocfg: x: reference cycle: x -> x (--raw prints ${...} as written)\n"
