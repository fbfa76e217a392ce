"""JSON Schema through the public API: Config.validate(), gocfg.json_schema()
and the CLI's `validate --schema` and `schema`."""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import os
import pathlib
import subprocess
import sys
import textwrap
from typing import Annotated, Dict, List, Literal, Optional, Tuple

import gocfg
import pytest

SCHEMA = {
    "type": "object",
    "properties": {
        "server": {
            "type": "object",
            "properties": {
                "port": {"type": "integer", "minimum": 1024, "maximum": 65535},
                "host": {"type": "string", "pattern": "^[a-z0-9.]+$"},
            },
            "required": ["port", "host"],
        },
        "db": {"$ref": "#/$defs/db"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "$defs": {"db": {"type": "object", "properties": {"password": {"type": "string", "minLength": 12,
                                                                    "pattern": "^[A-Z]"}}}},
}

APP_YAML = """\
server:
  port: 80
  host: Bad Host
db:
  password: hunter2
tags: [a, 3]
"""


@pytest.fixture
def app(tmp_path):
    p = tmp_path / "app.yaml"
    p.write_text(APP_YAML)
    return p


def violations(cfg, schema=SCHEMA, **kw):
    with pytest.raises(gocfg.ValidationError) as e:
        cfg.validate(schema, **kw)
    return e.value


def test_every_violation_at_once_with_path_keyword_and_file_position(app):
    with gocfg.load(gocfg.File(app)) as cfg:
        e = violations(cfg)
    got = [(v.path, v.keyword, str(v.origin)) for v in e.errors]
    assert got == [
        ("db.password", "minLength", f"{app}:5:3"),
        ("db.password", "pattern", f"{app}:5:3"),
        ("server.host", "pattern", f"{app}:3:3"),
        ("server.port", "minimum", f"{app}:2:3"),
        ("tags.1", "type", f"{app}:6:11"),
    ]
    assert all(isinstance(v, gocfg.Violation) for v in e.errors)
    port = e.errors[3]
    assert port.message == "minimum: got 80, want 1024"
    assert port.schema_path == "#/properties/server/properties/port/minimum"
    assert str(port) == f"{app}:2:3: server.port: minimum: got 80, want 1024"
    # Unpacks as (path, description) like to()'s errors, so dict() works.
    assert dict(e.errors)["tags.1"] == f"got number, want string (type; from {app}:6:11)"
    assert isinstance(e, ValueError) and str(e).startswith("5 value(s) do not fit the schema:")


def test_valid_config_returns_none(app):
    with gocfg.load(gocfg.File(app)) as cfg:
        cfg["server.port"] = 8080
        cfg["server.host"] = "example.org"
        cfg["db.password"] = "Correct horse battery"
        cfg["tags"] = ["a", "b"]
        assert cfg.validate(SCHEMA) is None


def test_origin_names_env_variable_and_override(app):
    with gocfg.load(gocfg.File(app), environ={"APP_SERVER__PORT": "99"}, env_prefix="APP",
                    overrides=["server.host=UPPER"]) as cfg:
        e = violations(cfg)
    by_path = {v.path: v for v in e.errors if v.keyword != "minLength"}
    assert str(by_path["server.port"].origin) == "env APP_SERVER__PORT"
    assert by_path["server.port"].message == "minimum: got 99, want 1024"
    assert str(by_path["server.host"].origin) == "override server.host=UPPER"


def test_missing_key_is_reported_where_its_map_was_written(app, tmp_path):
    local = tmp_path / "local.yaml"
    local.write_text("server:\n  port: 2000\n")
    with gocfg.load(gocfg.File(app), gocfg.File(local), overrides=["server.host=x"]) as cfg:
        del cfg["server.host"]
        e = violations(cfg, {"properties": {"server": {"required": ["host"]}}})
    (v,) = e.errors
    assert (v.path, v.keyword, v.message) == ("server", "required", "missing property 'host'")
    assert str(v.origin) == f"{app}:1:1"  # the first layer that wrote the map (its key's position)


def test_plain_load_has_no_positions(app):
    # Config.load records no provenance: violations say where in the config, not where in a file.
    with gocfg.Config.load(app) as cfg:
        e = violations(cfg)
    assert [v.origin for v in e.errors] == [None] * 5
    assert str(e.errors[3]) == "server.port: minimum: got 80, want 1024"


def test_secret_values_never_appear(app):
    schema = {"properties": {"db": {"properties": {"password": {
        "allOf": [{"pattern": "^[0-9]+$"}, {"enum": ["a", "b"]}, {"const": "x"}, {"format": "email"},
                  {"type": "string", "minLength": 20}]}}},
        "api_token": {"type": "integer", "minimum": 10**9}}}
    with gocfg.load(gocfg.File(app), overrides=["api_token=123456"]) as cfg:
        e = violations(cfg, schema)
        shown = str(e) + "".join(str(v) + v.description for v in e.errors)
    assert "hunter2" not in shown and "123456" not in shown
    keywords = sorted(v.keyword for v in e.errors)
    assert keywords == ["const", "enum", "format", "minLength", "minimum", "pattern"]
    token = next(v for v in e.errors if v.path == "api_token")
    assert token.where == "override api_token=********"
    assert "does not match pattern" in next(v.message for v in e.errors if v.keyword == "pattern")
    # The same rules on a key that is not a secret quote the value.
    with gocfg.Config({"name": "hunter2"}) as cfg:
        e = violations(cfg, {"properties": {"name": {"pattern": "^[0-9]+$"}}})
    assert "hunter2" in e.errors[0].message


def test_values_interpolating_a_secret_are_not_quoted(tmp_path):
    # A value that interpolates a secret is masked wherever secrets are
    # (show(), repr, the CLI), but a violation's message quoted it:
    # "url: 'pg://app:hunter2@db' is not valid email", from the library
    # and from `gocfg validate --schema` alike.
    app = tmp_path / "app.yaml"
    app.write_text("db:\n  password: hunter2\nurl: 'pg://app:${db.password}@db'\n"
                   "dsn: '${env:DB_PASSWORD}'\nname: plain-hunter2\n")
    schema = {"properties": {name: {"allOf": [{"format": "email"}, {"pattern": "^x$"}]} for name in ("url", "dsn", "name")}}
    with gocfg.load(gocfg.File(app), environ={"DB_PASSWORD": "s3cr3t-env"}) as cfg:
        e = violations(cfg, schema)
        shown = str(e) + "".join(str(v) + v.description for v in e.errors)
    assert "hunter2@" not in shown and "s3cr3t-env" not in shown, shown
    assert sorted((v.path, v.keyword) for v in e.errors) == [
        ("dsn", "format"), ("dsn", "pattern"), ("name", "format"), ("name", "pattern"),
        ("url", "format"), ("url", "pattern")]
    # A value that interpolates nothing secret is quoted, as before.
    assert "'plain-hunter2' is not valid email" in next(v.message for v in e.errors
                                                         if (v.path, v.keyword) == ("name", "format"))
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(schema))
    r = subprocess.run([sys.executable, "-m", "gocfg", "validate", str(app), "--schema", str(schema_file)],
                       capture_output=True, text=True, timeout=60, env={**os.environ, "DB_PASSWORD": "s3cr3t-env"})
    assert r.returncode == 1 and "url: " in r.stdout and "dsn: " in r.stdout, r
    assert "hunter2@" not in r.stdout + r.stderr and "s3cr3t-env" not in r.stdout + r.stderr, r.stdout


def test_secret_pattern_change_applies(app):
    gocfg.set_secret_pattern(["host"])
    try:
        with gocfg.load(gocfg.File(app)) as cfg:
            e = violations(cfg)
        assert "Bad Host" not in str(e)
        assert "hunter2" in str(e)  # db.password is no secret under this rule
    finally:
        gocfg.set_secret_pattern(None)


def test_schema_forms(app, tmp_path):
    sch = {"properties": {"server": {"properties": {"port": {"minimum": 1024}}}}}
    as_json = tmp_path / "s.json"
    as_json.write_text(json.dumps(sch))
    as_yaml = tmp_path / "s.yaml"
    as_yaml.write_text("properties:\n  server:\n    properties:\n      port:\n        minimum: 1024\n")
    with gocfg.load(gocfg.File(app)) as cfg:
        for form in (sch, json.dumps(sch), "  \n" + json.dumps(sch), str(as_json), as_json, as_yaml, str(as_yaml)):
            e = violations(cfg, form)
            assert [v.path for v in e.errors] == ["server.port"], form
        cfg.validate(True)
        assert violations(cfg, False).errors[0].keyword == "false"


def test_bad_schemas(app, tmp_path):
    with gocfg.load(gocfg.File(app)) as cfg:
        with pytest.raises(gocfg.ParseError):
            cfg.validate('{"type": ')
        with pytest.raises(gocfg.ParseError):
            cfg.validate('{"type": "object"} trailing')
        for bad in ({"type": "strnig"}, {"type": 3}, {"minimum": "1"}, {"$ref": "#/$defs/nothing"},
                    {"pattern": "("}, {"$schema": "http://example.com/unknown-draft"}):
            with pytest.raises(gocfg.InvalidArgumentError, match="invalid schema"):
                cfg.validate(bad)
        with pytest.raises(gocfg.InvalidArgumentError):
            cfg.validate({"minimum": float("nan")})
        with pytest.raises(gocfg.InvalidArgumentError):
            cfg.validate({"pattern": "\ud800"})
        with pytest.raises(gocfg.InvalidArgumentError):
            cfg.validate('{"pattern": "\ud800"}')
        with pytest.raises(TypeError):
            cfg.validate(42)
        with pytest.raises(TypeError):
            cfg.validate(b'{"type": "object"}')
        with pytest.raises(gocfg.MissingFileError):
            cfg.validate(tmp_path / "missing.json")
        broken = tmp_path / "broken.json"
        broken.write_text('{"type": "object",\n  "properties": {,}}')
        with pytest.raises(gocfg.ParseError) as e:
            cfg.validate(broken)
        assert e.value.line == 2


def test_drafts_by_schema_keyword():
    with gocfg.Config({"x": 3}) as cfg:
        d4 = {"$schema": "http://json-schema.org/draft-04/schema#",
              "properties": {"x": {"maximum": 3, "exclusiveMaximum": True}}}
        assert violations(cfg, d4).errors[0].path == "x"
        d7 = {"$schema": "http://json-schema.org/draft-07/schema#", "properties": {"x": {"exclusiveMaximum": 3}}}
        assert violations(cfg, d7).errors[0].keyword == "exclusiveMaximum"
        with pytest.raises(gocfg.InvalidArgumentError):
            cfg.validate({"properties": {"x": {"maximum": 3, "exclusiveMaximum": True}}})  # 2020-12


def test_remote_refs_refused_local_refs_and_resources_work(tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"type": "string"}')
    with gocfg.Config({"port": "x"}) as cfg:
        for ref in ("http://127.0.0.1:1/s.json", "https://json-schema.org/nothing.json", other.as_uri(),
                    "other.json", str(other)):
            with pytest.raises(gocfg.InvalidArgumentError, match="does not fetch"):
                cfg.validate({"properties": {"port": {"$ref": ref}}})
        local = {"properties": {"port": {"$ref": "#/$defs/port"}}, "$defs": {"port": {"type": "integer"}}}
        assert violations(cfg, local).errors[0].schema_path == "#/$defs/port/type"
        remote = {"properties": {"port": {"$ref": "https://example.com/port.json"}}}
        e = violations(cfg, remote, resources={"https://example.com/port.json": {"type": "integer"}})
        assert e.errors[0].schema_path == "https://example.com/port.json#/type"
        with pytest.raises(TypeError):
            cfg.validate(remote, resources=["https://example.com/port.json"])


def test_formats_checked_unless_asked_not_to():
    with gocfg.Config({"mail": "not an address", "when": dt.datetime(2024, 1, 2, 3, 4, 5)}) as cfg:
        sch = {"properties": {"mail": {"format": "email"}, "when": {"type": "string", "format": "date-time"}}}
        e = violations(cfg, sch)
        assert [(v.path, v.keyword) for v in e.errors] == [("mail", "format"), ("when", "format")]
        cfg["when"] = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
        assert [v.path for v in violations(cfg, sch).errors] == ["mail"]
        cfg.validate(sch, formats=False)


def test_values_as_json_sees_them():
    data = {"big": 10**30, "f": 0.3, "one": 1.0, "nan": float("nan"), "day": dt.date(2024, 1, 2),
            "t": dt.time(12, 30), "nul": "a\x00b", "nested": [[{"k": None}]]}
    with gocfg.Config(data) as cfg:
        sch = {"properties": {"big": {"type": "integer", "minimum": 10**29}, "f": {"multipleOf": 0.1},
                              "one": {"type": "integer"}, "day": {"format": "date"}, "nan": {"type": "number"},
                              "nul": {"maxLength": 3}, "nested": {"items": {"items": {"required": ["k"]}}}}}
        e = violations(cfg, sch)
        # NaN is no JSON number; everything else fits (multipleOf on decimals, 1.0 is an integer).
        assert [v.path for v in e.errors] == ["nan"]
        # A local time has no offset, which RFC 3339's time requires.
        assert violations(cfg, {"properties": {"t": {"format": "time"}}}).errors[0].path == "t"
        cfg["nan"] = 1
        cfg.validate(sch, formats=False)


def test_references_resolved_before_validation():
    with gocfg.load({"base": 80, "port": "${base}"}, interpolate=True) as cfg:
        e = violations(cfg, {"properties": {"port": {"type": "integer", "minimum": 1024}}})
        assert e.errors[0].message == "minimum: got 80, want 1024"
    with gocfg.load({"port": "${missing}"}, interpolate=True) as cfg:
        with pytest.raises(gocfg.InterpolationError):
            cfg.validate({})


def test_at_and_sections_keep_full_paths(app):
    with gocfg.load(gocfg.File(app)) as cfg:
        e = violations(cfg["server"], {"properties": {"port": {"minimum": 1024}}})
        assert [v.path for v in e.errors] == ["server.port"]
        assert str(e.errors[0].origin) == f"{app}:2:3"
        e = violations(cfg, {"items": {"type": "string"}}, at="tags")
        assert [v.path for v in e.errors] == ["tags.1"]
        cfg.validate({"type": "integer"}, at="server.port")
        cfg.validate({"type": "string"}, at=("server", "host"))
        with pytest.raises(gocfg.KeyNotFoundError):
            cfg.validate({}, at="nothing.here")


def test_many_violations_capped_with_count():
    with gocfg.Config({f"k{i}": i for i in range(1500)}) as cfg:
        e = violations(cfg, {"additionalProperties": {"type": "string"}})
    assert len(e.errors) == 1000
    assert "1500 violations in all; the first 1000 are listed" in str(e).splitlines()[0]
    assert [v.path for v in e.errors[:3]] == ["k0", "k1", "k10"]


def test_deep_and_huge_schemas_bounded():
    deep = '{"items":' * 5000 + "{}" + "}" * 5000
    with gocfg.Config({"a": 1}) as cfg:
        with pytest.raises(gocfg.InvalidArgumentError, match="nests more than 1000 levels"):
            cfg.validate(deep)
        nested: Dict[str, object] = {}
        node = nested
        for _ in range(100_000):
            node["not"] = {}
            node = node["not"]  # type: ignore[assignment]
        with pytest.raises(gocfg.InvalidArgumentError):
            cfg.validate(nested)
        # Nesting within the bound works, and brackets inside strings do not count.
        ok = '{"items":' * 900 + "{}" + "}" * 900
        cfg.validate(ok)
        cfg.validate({"description": "[" * 5000})


def test_exponential_schema_stops_with_an_error():
    # Each level doubles the work: 2**60 evaluations unless the check is bounded.
    defs = {"a0": {"type": "integer"}}
    for i in range(1, 61):
        defs[f"a{i}"] = {"allOf": [{"$ref": f"#/$defs/a{i - 1}"}, {"$ref": f"#/$defs/a{i - 1}"}]}
    with gocfg.Config({"x": 1}) as cfg:
        with pytest.raises(gocfg.InvalidArgumentError, match="validation stopped after"):
            cfg.validate({"$defs": defs, "properties": {"x": {"$ref": "#/$defs/a60"}}})
        cfg.validate({"$defs": defs, "properties": {"x": {"$ref": "#/$defs/a6"}}})


def test_schema_size_bounded_by_document_limit(tmp_path):
    code = textwrap.dedent("""
        import gocfg
        with gocfg.Config({"a": 1}) as cfg:
            try:
                cfg.validate({"description": "x" * 5000})
            except gocfg.InvalidArgumentError as e:
                print("refused:", e)
            cfg.validate({"description": "x" * 100})
            print("small ok")
    """)
    env = dict(os.environ, GOCFG_MAX_DOCUMENT_BYTES="2KiB")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "refused:" in r.stdout and "GOCFG_MAX_DOCUMENT_BYTES" in r.stdout and "small ok" in r.stdout


def test_closed_config_and_no_leaks(app, no_leaks):
    cfg = gocfg.load(gocfg.File(app))
    for _ in range(50):
        with pytest.raises(gocfg.ValidationError):
            cfg.validate(SCHEMA)
        with pytest.raises(gocfg.InvalidArgumentError):
            cfg.validate({"type": 3})
    cfg.close()
    with pytest.raises(gocfg.ClosedError):
        cfg.validate(SCHEMA)


# ------------------------------------------------------------ json_schema

class Mode(enum.Enum):
    DEV = "dev"
    PROD = "prod"


@dataclasses.dataclass
class Server:
    port: int = 8080
    host: str = "localhost"


@dataclasses.dataclass
class Node:
    name: str
    children: List["Node"] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Settings:
    """Settings of the demo service."""

    name: str = dataclasses.field(metadata={"description": "the service's name"})
    server: Server = dataclasses.field(default_factory=Server)
    mode: Mode = Mode.DEV
    level: Literal["debug", "info"] = "info"
    tags: List[str] = dataclasses.field(default_factory=list)
    limits: Dict[str, float] = dataclasses.field(default_factory=dict)
    backup: Optional[Server] = None
    pair: Tuple[int, str] = (1, "a")
    started: Optional[dt.datetime] = None
    timeout: dt.timedelta = dt.timedelta(seconds=30)
    path: pathlib.Path = pathlib.Path("/tmp")


def test_json_schema_of_a_dataclass():
    s = gocfg.json_schema(Settings)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["title"] == "Settings" and s["description"] == "Settings of the demo service."
    assert s["required"] == ["name"] and s["additionalProperties"] is False
    p = s["properties"]
    assert p["name"] == {"type": "string", "description": "the service's name"}
    assert p["server"] == {"$ref": "#/$defs/Server", "default": {"port": 8080, "host": "localhost"}}
    assert s["$defs"]["Server"]["properties"]["port"] == {"type": "integer", "default": 8080}
    assert p["mode"]["enum"] == ["dev", "prod"] and p["mode"]["default"] == "dev"
    assert p["level"] == {"enum": ["debug", "info"], "default": "info"}
    assert p["tags"] == {"type": "array", "items": {"type": "string"}, "default": []}
    assert p["limits"] == {"type": "object", "additionalProperties": {"type": "number"}, "default": {}}
    assert p["backup"] == {"anyOf": [{"$ref": "#/$defs/Server"}, {"type": "null"}], "default": None}
    assert p["pair"]["prefixItems"] == [{"type": "integer"}, {"type": "string"}] and p["pair"]["items"] is False
    assert p["started"]["anyOf"][0] == {"type": "string", "format": "date-time"}
    assert p["timeout"]["default"] == 30.0 and p["path"] == {"type": "string", "default": "/tmp"}
    json.dumps(s)  # plain JSON data


def test_json_schema_checks_what_to_reads():
    schema = gocfg.json_schema(Settings)
    good = {"name": "svc", "server": {"port": 9000}, "mode": "prod", "tags": ["a"], "limits": {"cpu": 1.5},
            "pair": [2, "b"], "started": "2024-01-02T03:04:05Z"}
    with gocfg.Config(good) as cfg:
        cfg.validate(schema)
        assert cfg.to(Settings).server.port == 9000
    bad = {"server": {"port": "x", "extra": 1}, "mode": "staging", "level": "trace", "pair": [1, 2, 3]}
    with gocfg.Config(bad) as cfg:
        e = violations(cfg, schema)
        paths = {v.path for v in e.errors}
        assert {"", "server.port", "server", "mode", "level", "pair.1", "pair.2"} <= paths
        with pytest.raises(gocfg.ValidationError) as te:
            cfg.to(Settings)
        assert {"server.port", "mode", "level"} <= set(dict(te.value.errors))


@pytest.mark.skipif(sys.version_info < (3, 10), reason="X | None needs Python 3.10")
def test_json_schema_pep604_and_annotated():
    @dataclasses.dataclass
    class C:
        a: int | None = None
        b: Annotated[str, "doc"] = "x"
        c: list[dict[str, int]] = dataclasses.field(default_factory=list)

    p = gocfg.json_schema(C)["properties"]
    assert p["a"] == {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": None}
    assert p["b"] == {"type": "string", "default": "x"}
    assert p["c"]["items"] == {"type": "object", "additionalProperties": {"type": "integer"}}


def test_json_schema_recursive_and_refused_types():
    s = gocfg.json_schema(Node)
    assert s["properties"]["children"]["items"] == {"$ref": "#/$defs/Node"}
    with gocfg.Config({"name": "a", "children": [{"name": "b", "children": [{"children": []}]}]}) as cfg:
        assert [v.path for v in violations(cfg, s).errors] == ["children.0.children.0"]

    @dataclasses.dataclass
    class Bad:
        handle: bytes

    with pytest.raises(TypeError, match="Bad.handle"):
        gocfg.json_schema(Bad)

    @dataclasses.dataclass
    class BadKeys:
        m: Dict[int, str]

    with pytest.raises(TypeError, match="BadKeys.m"):
        gocfg.json_schema(BadKeys)
    with pytest.raises(TypeError):
        gocfg.json_schema(dict)


# -------------------------------------------------------------------- CLI

def cli(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "gocfg", *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env=env)


def test_cli_validate_with_schema(app, tmp_path):
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA))
    r = cli("validate", app, "--schema", schema)
    assert r.returncode == 1, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 5
    assert f"{app}:2:3: server.port: minimum: got 80, want 1024" in lines
    assert not any("hunter2" in line for line in lines)
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text("server:\n  port: 8080\n  host: example.org\n")
    r = cli("validate", fixed, "--schema", schema)
    assert (r.returncode, r.stdout) == (0, "ok\n"), r.stderr
    env = dict(os.environ, APP_SERVER__PORT="1")
    r = cli("validate", fixed, "--schema", schema, "--env-prefix", "APP", env=env)
    assert r.returncode == 1 and r.stdout == "env APP_SERVER__PORT: server.port: minimum: got 1, want 1024\n"
    r = cli("validate", app, fixed, "--schema", schema, "--set", "db.password=Abcdefghijklmn", "--set", "tags=[]")
    assert (r.returncode, r.stdout) == (0, "ok\n"), r.stdout + r.stderr
    r = cli("validate", fixed, "--schema", tmp_path / "missing.json")
    assert r.returncode == 1 and "missing.json" in r.stderr
    bad_schema = tmp_path / "bad.json"
    bad_schema.write_text('{"type": 3}')
    r = cli("validate", fixed, "--schema", bad_schema)
    assert r.returncode == 1 and "invalid schema" in r.stderr
    # Without --schema, validate still only checks that files parse.
    assert cli("validate", app).stdout == f"{app}: ok\n"
    r = cli("validate", app, "--set", "a=1")
    assert r.returncode == 2 and "--schema" in r.stderr


def test_cli_schema(tmp_path):
    (tmp_path / "mysettings.py").write_text(textwrap.dedent("""
        import dataclasses
        @dataclasses.dataclass
        class Server:
            port: int = 8080
    """))
    r = cli("schema", "mysettings:Server", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["properties"]["port"] == {"type": "integer", "default": 8080}
    for bad in ("mysettings", "mysettings:Nothing", "no_such_module:X"):
        r = cli("schema", bad, cwd=tmp_path)
        assert r.returncode == 2 and r.stderr.startswith("gocfg: "), (bad, r.stderr)
    r = cli("schema", "json:JSONDecoder", cwd=tmp_path)
    assert r.returncode == 1 and "dataclass" in r.stderr
