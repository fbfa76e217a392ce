"""Real files that gocfg cannot read faithfully: YAML with an application's
tags, ERB templates, files in languages gocfg does not read, YAML streams
given to commands that read one document. Each is refused with an error
that says what the file is and what works, never loaded as a wrong value."""
from __future__ import annotations

import pathlib
from typing import Any

import gocfg
import pytest
from support.cli import run_cli as run

CLOUDFORMATION = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub 'logs-${AWS::Region}'
Outputs:
  Arn:
    Value: !GetAtt [Bucket, Arn]
"""


def refusal(path: pathlib.Path, **kw: Any) -> str:
    with pytest.raises(gocfg.ParseError) as e:
        gocfg.load(path, **kw)
    return str(e.value)


@pytest.mark.parametrize("text, tag, key, line, hint", [
    ("a: !Ref Foo\nb: !GetAtt [X, Arn]\n", "!Ref", "key a", 1,
     "a CloudFormation template: its intrinsic functions are not evaluated"),
    (CLOUDFORMATION, "!Sub", "key Resources.Bucket.Properties.BucketName", 6, "CloudFormation"),
    ("homeassistant:\n  customize: !include customize.yaml\n", "!include", "key homeassistant.customize", 2, "Home Assistant"),
    ("http:\n  api_password: !secret http_password\n", "!secret", "key http.api_password", 2, "Home Assistant"),
    ("wifi:\n  ssid: !env_var SSID\n", "!env_var", "key wifi.ssid", 2, "Home Assistant"),
    ("sensor:\n  - lambda: !lambda return 1;\n", "!lambda", "key sensor.0.lambda", 2, "ESPHome"),
    ("db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3162\n", "!vault", "key db_password", 1, "Ansible Vault"),
    ("test:\n  script:\n    - !reference [.setup, script]\n", "!reference", "key test.script.0", 3, "GitLab CI"),
    ("x: !!python/object/apply:os.system ['ls']\n", "!!python/object/apply:os.system", "key x", 1, "PyYAML"),
    ("theme:\n  icon: !!python/name:material.emoji.twemoji\n", "!!python/name:material.emoji.twemoji", "key theme.icon", 2,
     "safe_load"),
    ("site_url: !ENV SITE\n", "!ENV", "key site_url", 1, "mkdocs"),
    ("%TAG !u! tag:unity3d.com,2011:\n--- !u!1 &1\nGameObject:\n  m_Name: x\n", "tag:unity3d.com,2011:1",
     "the document's root", 2, "Unity"),
])
def test_application_tags_are_refused_naming_tag_key_and_line(tmp_path, no_leaks, text, tag, key, line, hint):
    path = tmp_path / "template.yaml"
    path.write_text(text)
    msg = refusal(path)
    assert f"{path}:{line}:" in msg and f"{key}: the YAML tag {tag} is not one gocfg reads" in msg and hint in msg
    with pytest.raises(gocfg.ParseError, match="the YAML tag"):
        gocfg.Config.loads(text, format="yaml")
    with pytest.raises(gocfg.ParseError, match="the YAML tag"):
        gocfg.read_all(path)
    with pytest.raises(gocfg.ParseError, match="the YAML tag"):
        gocfg.load(path, yaml="1.1")
    # the command line says the same
    r = run("show", path)
    assert r.returncode == 1 and f"{key}: the YAML tag {tag} is not one gocfg reads" in r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("text", ["db:\n  password: !Sub 'hunter2-${Env}'\n",
                                  # an unquoted secret starting with ! is a tag: the tag is the secret
                                  "db:\n  password: !hunter2\n", "api_keys:\n  - !hunter2\n"])
def test_a_tag_never_shows_a_secret(tmp_path, text):
    path = tmp_path / "app.yaml"
    path.write_text(text)
    msg = refusal(path)
    assert "hunter2" not in msg and ("key db.password" in msg or "key api_keys.0" in msg)
    r = run("show", path)
    assert r.returncode == 1 and "hunter2" not in r.stderr + r.stdout


def test_standard_tags_keep_their_meaning(tmp_path, no_leaks):
    path = tmp_path / "std.yaml"
    path.write_text(
        "%TAG !y! tag:yaml.org,2002:\n---\n"
        "s: !!str 12\nv: !<tag:yaml.org,2002:str> 13\nw: !y!int '14'\nn: ! 12\nf: !!float 1\nb: !!bool 'true'\n"
        "z: !!null ''\nt: !!timestamp 2001-12-14t21:59:43.10-05:00\nd: !!timestamp 2002-12-14\n"
        "bin: !!binary aGVsbG8=\nset: !!set {x, y}\nomap: !!omap [x: 1, y: 2]\nm: !!map {k: !!seq [1]}\n")
    with gocfg.load(path) as cfg:
        got = cfg.to_dict()
    assert {k: got[k] for k in "svwnfbz"} == {"s": "12", "v": "13", "w": 14, "n": "12", "f": 1.0, "b": True, "z": None}
    assert str(got["d"]) == "2002-12-14" and got["t"].utcoffset().total_seconds() == -5 * 3600
    # !!binary stays its base64 text: a Config holds no bytes
    assert got["bin"] == "aGVsbG8="
    assert got["set"] == {"x": None, "y": None} and got["omap"] == [{"x": 1}, {"y": 2}]
    assert got["m"] == {"k": [1]}
    for text, msg in [("a: !!binary '***'\n", "not base64"), ("a: !!map x\n", "is for a mapping, not a scalar"),
                      ("a: !!str [1]\n", "is for a scalar, not a sequence")]:
        with pytest.raises(gocfg.ParseError, match=msg):
            gocfg.Config.loads(text, format="yaml")


@pytest.mark.parametrize("text, line, key", [
    ("production:\n  password: <%= ENV['DB_PW'] %>\n", 2, "key production.password: "),
    ("production:\n  url: \"<%= ENV['DATABASE_URL'] %>\"\n", 2, "key production.url: "),
    ("default: &default\n  adapter: postgresql\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>\n", 3,
     "key default.pool: "),
    ("production:\n  host: db-<%= Rails.env %>.internal\n", 2, "key production.host: "),
    ("default: &default\n  adapter: pg\n<% if ENV['X'] %>\n  pool: 5\n<% end %>\n", 3, ""),
    ("a: 1\n<%- if x -%>\nb: 2\n<%- end -%>\n", 2, ""),
])
def test_erb_templates_are_refused_naming_erb(tmp_path, no_leaks, text, line, key):
    path = tmp_path / "database.yml"
    path.write_text(text)
    msg = refusal(path)
    assert f"{path}:{line}:" in msg and f"{key}ERB template syntax" in msg
    assert "DB_PW" not in msg and "ENV[" not in msg
    r = run("show", path)
    assert r.returncode == 1 and "ERB template syntax" in r.stderr


def test_text_around_an_erb_like_tag_in_quotes_is_text(tmp_path):
    path = tmp_path / "i18n.yml"
    path.write_text("greeting: \"Hello <%= name %>!\"\nratio: '50<%'\n")
    with gocfg.load(path) as cfg:
        assert cfg.to_dict() == {"greeting": "Hello <%= name %>!", "ratio": "50<%"}


def test_jinja_left_in_yaml_gets_the_template_hint(tmp_path):
    # {{ x }} reads as a flow mapping keyed by a mapping; {% %} cannot start
    # a token: both name template syntax. An Ansible value with text before
    # {{ is a string, as Ansible reads it too (it templates it later).
    for text in ("name: {{ app_name }}\n", "{% if x %}\na: 1\n{% endif %}\n", "a: 1\n{{ key }}: 2\n",
                 "{# managed by salt #}\nport: 80\n"):
        with pytest.raises(gocfg.ParseError, match="template syntax"):
            gocfg.Config.loads(text, format="yaml")
    assert gocfg.Config.loads("msg: hello {{ who }}\n", format="yaml")["msg"] == "hello {{ who }}"


@pytest.mark.parametrize("name", ["database.yml.erb", "gitlab.yml.erb", "settings.erb"])
def test_erb_file_names_are_refused_naming_erb(tmp_path, name):
    path = tmp_path / name
    path.write_text("production:\n  adapter: postgresql\n")
    with pytest.raises(gocfg.InvalidArgumentError, match="an ERB template"):
        gocfg.load(path)
    r = run("show", path)
    assert r.returncode != 0 and "an ERB template" in r.stderr
    # told it is YAML, the text decides: this one holds no ERB
    with gocfg.load(gocfg.File(path, format="yaml")) as cfg:
        assert cfg["production.adapter"] == "postgresql"


@pytest.mark.parametrize("name, text, lang", [
    ("nginx.conf", "server {\n  listen 80;\n}\n", "nginx configuration"),
    ("httpd.conf", 'ServerRoot "/etc/httpd"\nListen 80\n', "Apache httpd configuration"),
    ("Caddyfile", "example.com {\n  reverse_proxy localhost:8080\n}\n", "a Caddyfile"),
    ("Dockerfile", "FROM python:3.12\nRUN pip install gocfg\n", "a Dockerfile"),
    ("Dockerfile.dev", "FROM python:3.12\n", "a Dockerfile"),
    ("Makefile", "all:\n\techo hi\n", "a Makefile"),
    ("Jenkinsfile", "pipeline {\n  agent any\n}\n", "a Jenkinsfile (Groovy)"),
    # .cfg is INI's extension, which read this as INI and failed on "global"
    ("haproxy.cfg", "global\n    maxconn 4096\ndefaults\n    mode http\n", "HAProxy configuration"),
    ("pom.xml", "<project><version>1</version></project>\n", "XML"),
    ("Info.plist", '<?xml version="1.0"?>\n<plist version="1.0"><dict/></plist>\n', "a property list"),
    ("webpack.config.js", "module.exports = {mode: 'production'};\n", "JavaScript"),
    ("settings.py", "DEBUG = True\n", "Python"),
])
def test_files_in_languages_gocfg_does_not_read_are_named(tmp_path, name, text, lang):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(gocfg.InvalidArgumentError) as e:
        gocfg.load(path)
    msg = str(e.value)
    assert f"is {lang}" in msg and "a language gocfg does not read (it reads json, yaml, toml, env, ini" in msg
    assert "format=" not in msg
    with pytest.raises(gocfg.InvalidArgumentError, match="a language gocfg does not read"):
        gocfg.Config.load(path)
    r = run("show", path)
    assert r.returncode != 0 and f"is {lang}" in r.stderr and r.stdout == ""


def test_a_conf_file_says_what_it_may_be(tmp_path):
    path = tmp_path / "app.conf"
    path.write_text("[server]\nport = 8080\n")
    with pytest.raises(gocfg.InvalidArgumentError, match=r'a \.conf file may be INI \(format "ini"\)'):
        gocfg.load(path)
    with gocfg.load(gocfg.File(path, format="ini")) as cfg:
        assert cfg["server.port"] == "8080"


def test_an_unknown_format_name_lists_the_known_ones(tmp_path):
    with pytest.raises(gocfg.InvalidArgumentError, match="unknown format 'xml': use one of json, yaml, toml, env, ini"):
        gocfg.Config.loads("<a/>", format="xml")
    path = tmp_path / "a.yaml"
    path.write_text("a: 1\n")
    r = run("show", path, "--format", "xml")
    assert r.returncode == 2 and "invalid choice: 'xml'" in r.stderr and "'json', 'yaml'" in r.stderr


MANIFEST = """\
apiVersion: v1
kind: Service
metadata: {name: web}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
"""


@pytest.mark.parametrize("command", [
    ["diff", "{stream}", "{one}"],
    ["diff", "{one}", "{stream}"],
    ["show", "{one}", "{stream}"],
    ["get", "{stream}", "{one}", "kind"],
    ["show", "{stream}", "--set", "a=1"],
    ["validate", "{stream}", "--schema", "{schema}"],
    ["db", "put", "memory://", "web", "{stream}"],
    ["watch", "{stream}"],
])
def test_one_document_commands_say_a_stream_is_one(tmp_path, command):
    stream = tmp_path / "deploy.yaml"
    stream.write_text(MANIFEST)
    one = tmp_path / "one.yaml"
    one.write_text("kind: Service\n")
    schema = tmp_path / "schema.json"
    schema.write_text('{"type": "object"}')
    args = [a.format(stream=stream, one=one, schema=schema) for a in command]
    r = run(*args, timeout=30)
    assert r.returncode == 2 and r.stdout == ""
    name = command[1] if command[0] == "db" else command[0]
    assert f"gocfg: {stream} holds 2 YAML documents (a stream, as Kubernetes manifests are)" in r.stderr
    assert f"{name} " in r.stderr and "reads one document per file" in r.stderr
    assert f"`gocfg show {stream}` prints them all" in r.stderr and "--document N" in r.stderr
    assert "load_all" not in r.stderr  # the Python API's words are not the command line's


def test_the_pointers_of_the_stream_message_work(tmp_path):
    stream = tmp_path / "deploy.yaml"
    stream.write_text(MANIFEST)
    part = tmp_path / "part.yaml"
    assert run("convert", stream, "--document", "1", part).returncode == 0
    assert run("get", part, "kind").stdout == "Deployment\n"
    assert "Deployment" in run("show", stream).stdout
    # a stream whose second document does not parse keeps its parse error
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: 1\n---\nb: [1\n")
    r = run("diff", bad, part)
    assert r.returncode == 1 and "holds" not in r.stderr


@pytest.mark.parametrize("text, want", [("!include base.yaml\n", "the YAML tag !include"),
                                        ("--- !Ref\n", "the YAML tag !Ref"),
                                        ("<%= YAML.dump(settings) %>\n", "ERB template syntax")])
def test_a_document_that_is_a_tag_alone_is_no_empty_config(tmp_path, text, want):
    # it read as null: an empty Config, as if the file said nothing
    path = tmp_path / "configuration.yaml"
    path.write_text(text)
    assert want in refusal(path)
    with pytest.raises(gocfg.ParseError, match=want):
        gocfg.read(path)
