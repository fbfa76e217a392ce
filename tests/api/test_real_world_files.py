"""Configuration files as projects write them: values and the lines
provenance gives for them."""
from __future__ import annotations

import gocfg
import pytest

CARGO = """\
[package]
name = "ripgrep"

[package.metadata.deb]
assets = [
  ["target/release/rg", "usr/bin/", "755"],  # the binary [rg]
  ["COPYING", "usr/share/doc/ripgrep/", '''
644'''],
  [["nested"]],
]
matrix = { rows = [[1, 2], [3]] }
"""


def test_toml_arrays_in_arrays_have_their_lines(tmp_path, no_leaks):
    # go-toml gives an array no range of its own: an array held in an
    # array took its parent's position or the file's first line.
    path = tmp_path / "Cargo.toml"
    path.write_text(CARGO)
    with gocfg.load(path) as cfg:
        where = {p: str(cfg.origin(p)).rsplit(":", 2)[1:] for p in (
            "package.metadata.deb.assets.0", "package.metadata.deb.assets.0.2",
            "package.metadata.deb.assets.1", "package.metadata.deb.assets.2",
            "package.metadata.deb.assets.2.0", "package.metadata.deb.matrix.rows.1")}
        assert cfg["package.metadata.deb.assets.1.2"] == "644"
    assert where == {
        "package.metadata.deb.assets.0": ["6", "3"],
        "package.metadata.deb.assets.0.2": ["6", "37"],
        "package.metadata.deb.assets.1": ["7", "3"],
        "package.metadata.deb.assets.2": ["9", "3"],
        "package.metadata.deb.assets.2.0": ["9", "4"],
        "package.metadata.deb.matrix.rows.1": ["11", "28"],
    }


NPMRC = """\
registry=https://registry.npmjs.org/
@myorg:registry=https://npm.pkg.github.com
//npm.pkg.github.com/:_authToken=npm_abcdefSECRET123
save-exact = true
"""


def test_npmrc_is_named_as_env_raw_not_ini(tmp_path, no_leaks):
    # The hint said INI, which splits "@myorg:registry=..." at the colon
    # (the key "@myorg") and made "//host/:_authToken=TOKEN" a key without
    # "token" in it, so repr() showed the token.
    path = tmp_path / ".npmrc"
    path.write_text(NPMRC)
    with pytest.raises(gocfg.InvalidArgumentError, match=r'read as format "env-raw"') as info:
        gocfg.Config.load(path)
    assert "INI (format" not in str(info.value)
    with gocfg.Config.load(path, "env-raw") as cfg:
        assert cfg.to_dict() == {
            "registry": "https://registry.npmjs.org/",
            "@myorg:registry": "https://npm.pkg.github.com",
            "//npm.pkg.github.com/:_authToken": "npm_abcdefSECRET123",
            "save-exact": "true",
        }
        assert "SECRET123" not in repr(cfg)
    # npm's ';' comments are named, not "unexpected 'c' after the name ;"
    path.write_text("; written by npm\n" + NPMRC)
    with pytest.raises(gocfg.ParseError, match=r"a comment line in a \.env file starts with '#', not ';'") as info:
        gocfg.Config.load(path, "env-raw")
    assert (info.value.line, info.value.column) == (1, 3)


def test_spring_profile_documents_in_properties_are_refused_at_the_separator(tmp_path, no_leaks):
    # Spring Boot 2.4+ splits application.properties at "#---": the prod
    # document's keys merged into the first one without a word, and a key
    # it overrides was only "set twice".
    path = tmp_path / "application.properties"
    path.write_text("spring.application.name=orders\nserver.port=8080\n"
                    "#---\nspring.config.activate.on-profile=prod\napp.cache=redis\n")
    with pytest.raises(gocfg.ParseError, match=r"#--- separates Spring Boot documents, and the one after it is active "
                       r"only where spring\.config\.activate\.on-profile on line 4 says.*"
                       r"application-\{profile\}\.properties") as info:
        gocfg.Config.load(path)
    assert (info.value.line, info.value.column) == (3, 1)
    path.write_text("server.port=8080\n#---\nserver.port=80\n")
    with pytest.raises(gocfg.ParseError, match=r"set twice \(first on line 1\); line 2 holds #---, Spring Boot's "
                       r"document separator") as info:
        gocfg.Config.load(path)
    assert (info.value.line, info.value.column) == (3, 1)
    # a document without a profile merges, as Spring Boot reads it; a
    # banner is no separator
    path.write_text("#---\n# Orders service\n#---\nserver.port=8080\n#---\napp.cache=redis\n")
    with gocfg.Config.load(path) as cfg:
        assert cfg.to_dict() == {"server": {"port": "8080"}, "app": {"cache": "redis"}}


@pytest.mark.parametrize("fmt, text", [
    ("yaml", "# nothing yet\n"), ("toml", "# nothing yet\n"), ("env", "# nothing yet\n"),
    ("ini", "; nothing yet\n# here\n"), ("properties", "! nothing yet\n"), ("hcl", "// nothing yet\n/* here */\n"),
    ("yaml", ""), ("toml", ""), ("env", ""), ("ini", ""), ("properties", ""), ("hcl", ""),
])
def test_empty_and_comment_only_files_are_empty_configs(fmt, text, no_leaks):
    # as README's "An empty file" says
    with gocfg.Config.loads(text, fmt) as cfg:
        assert cfg.to_dict() == {}


@pytest.mark.parametrize("fmt, text", [("json", ""), ("json", "\n \n"), ("jsonc", "// nothing yet\n")])
def test_empty_json_needs_a_value(fmt, text, no_leaks):
    with pytest.raises(gocfg.ParseError, match=r"empty document: expected a JSON object"):
        gocfg.Config.loads(text, fmt)


def test_terraform_loop_names_the_mode_that_keeps_it(tmp_path, no_leaks):
    # the message said only "which gocfg does not evaluate", where every
    # other expression a module needs evaluated names hcl-raw
    path = tmp_path / "locals.tf"
    path.write_text('locals {\n  names = [for s in var.subnets : upper(s.name)]\n}\n')
    with pytest.raises(gocfg.ParseError, match=r"is a loop .*format hcl-raw keeps it") as info:
        gocfg.Config.load(path)
    assert (info.value.line, info.value.column) == (2, 11)
    with gocfg.Config.load(path, "hcl-raw") as cfg:
        assert cfg["locals.names"] == "${[for s in var.subnets : upper(s.name)]}"


def test_compose_default_with_a_dot_is_quoted_whole(tmp_path, no_leaks):
    # ${NGINX_VERSION:-1.25} was reported as "NGINX_VERSION:-1: no such
    # key", the part before its dot, which the file does not hold
    path = tmp_path / "compose.yaml"
    path.write_text('services:\n  web:\n    image: "nginx:${NGINX_VERSION:-1.25}-alpine"\n')
    with gocfg.load(path) as cfg, pytest.raises(gocfg.InterpolationError) as info:
        cfg["services.web.image"]
    assert "NGINX_VERSION:-1.25: no such key" in str(info.value)
    assert "NGINX_VERSION:-1:" not in str(info.value)
    with gocfg.load(path, interpolate=False) as cfg:
        assert cfg["services.web.image"] == "nginx:${NGINX_VERSION:-1.25}-alpine"


WORKFLOW = """\
name: CI
on:
  push:
    branches: [main]
  workflow_dispatch:
    inputs:
      debug: {type: boolean, default: no}
env:
  FORCE_COLOR: yes
  PYTHONUNBUFFERED: 1
jobs:
  test:
    runs-on: ${{ matrix.os }}
    steps:
      - run: |
          echo "${{ github.sha }}"
"""


def test_github_workflow_reads_as_yaml_1_2(tmp_path, no_leaks):
    # README: on, yes, no and off are strings in YAML 1.2; GitHub reads
    # the workflow's on: as a key, where PyYAML (1.1) makes it True
    path = tmp_path / "ci.yml"
    path.write_text(WORKFLOW)
    with gocfg.load(path) as cfg:
        assert list(cfg)[:2] == ["name", "on"]
        assert cfg["env.FORCE_COLOR"] == "yes" and cfg["on.workflow_dispatch.inputs.debug.default"] == "no"
        assert cfg["jobs.test.runs-on"] == "${{ matrix.os }}"
        assert cfg["jobs.test.steps.0.run"] == 'echo "${{ github.sha }}"\n'
        assert str(cfg.origin("jobs.test.steps.0.run")).endswith(":15:9")
    with gocfg.Config.load(path, yaml="1.1") as cfg:
        assert "on" in cfg and cfg["env.FORCE_COLOR"] is True
