"""gocfg.json_schema() of attrs classes and pydantic models, checked through
cfg.validate(): the schema passes a good config and lists what is wrong
with a bad one, in agreement with cfg.to()."""
from __future__ import annotations

import dataclasses
import enum
import json
import subprocess
import sys
from typing import Dict, List, Literal, Optional

import attrs
import gocfg
import pydantic
import pytest


class Mode(enum.Enum):
    DEV = "dev"
    PROD = "prod"


@attrs.define
class Server:
    port: int = attrs.field(default=8080, metadata={"description": "where to listen"})
    host: str = "localhost"


@attrs.define
class AttrsSettings:
    """Settings of an attrs service."""

    name: str
    server: Server = attrs.Factory(Server)
    _token: Optional[str] = None
    mode: Mode = Mode.DEV
    tags: List[str] = attrs.Factory(list)
    level: Literal["debug", "info"] = "info"


class Db(pydantic.BaseModel):
    host: str = pydantic.Field("localhost", description="the database host")
    port: int = pydantic.Field(5432, ge=1, le=65535)
    password: pydantic.SecretStr = pydantic.SecretStr("")


class PydanticSettings(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")

    name: str = pydantic.Field(pattern=r"^[a-z]+$")
    db: Db = Db()
    workers: int = pydantic.Field(4, gt=0)
    labels: Dict[str, str] = {}


@dataclasses.dataclass
class Mixed:
    db: Db = dataclasses.field(default_factory=Db)
    cache: Server = dataclasses.field(default_factory=Server)


def violations(cfg: gocfg.Config, schema: dict) -> dict:
    with pytest.raises(gocfg.ValidationError) as e:
        cfg.validate(schema)
    return {v.path: v.keyword for v in e.value.errors}


def test_attrs_schema_shape():
    s = gocfg.json_schema(AttrsSettings)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["title"] == "AttrsSettings" and s["description"] == "Settings of an attrs service."
    assert s["required"] == ["name"] and s["additionalProperties"] is False
    p = s["properties"]
    assert set(p) == {"name", "server", "token", "mode", "tags", "level"}   # the init names, as to() reads
    assert p["server"] == {"$ref": "#/$defs/Server", "default": {"port": 8080, "host": "localhost"}}
    assert s["$defs"]["Server"]["properties"]["port"] == {"type": "integer", "default": 8080,
                                                          "description": "where to listen"}
    assert s["$defs"]["Server"]["additionalProperties"] is False
    assert p["mode"]["enum"] == ["dev", "prod"] and p["tags"]["default"] == []
    json.dumps(s)


def test_attrs_schema_validates_good_and_rejects_bad(tmp_path):
    schema = gocfg.json_schema(AttrsSettings)
    (tmp_path / "good.yaml").write_text("name: svc\nserver:\n  port: 9000\nmode: prod\ntoken: t\n")
    with gocfg.load(tmp_path / "good.yaml") as cfg:
        assert cfg.validate(schema) is None
        assert cfg.to(AttrsSettings).server.port == 9000
    (tmp_path / "bad.yaml").write_text("server:\n  port: high\n  extra: 1\nmode: staging\nlevel: trace\n")
    with gocfg.load(tmp_path / "bad.yaml") as cfg:
        with pytest.raises(gocfg.ValidationError) as e:
            cfg.validate(schema)
        found = {v.path: v for v in e.value.errors}
        assert found[""].keyword == "required"                      # name
        assert found["server.port"].keyword == "type"
        assert found["server.port"].where.endswith("bad.yaml:2:3")
        assert found["server"].keyword == "additionalProperties"
        assert found["mode"].keyword == "enum" and found["level"].keyword == "enum"
        with pytest.raises(gocfg.ValidationError) as te:
            cfg.to(AttrsSettings)
        assert {"server.port", "mode", "level"} <= set(dict(te.value.errors))


def test_pydantic_schema_is_pydantics_own():
    s = gocfg.json_schema(PydanticSettings, reveal=True)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    own = PydanticSettings.model_json_schema(ref_template="#/$defs/{model}")
    assert {k: v for k, v in s.items() if k != "$schema"} == own
    # Without reveal, the secret field's default is left out.
    assert "default" not in gocfg.json_schema(PydanticSettings)["$defs"]["Db"]["properties"]["password"]
    assert s["properties"]["name"]["pattern"] == "^[a-z]+$"
    assert s["$defs"]["Db"]["properties"]["port"]["maximum"] == 65535
    assert s["additionalProperties"] is False                       # extra="forbid"


def test_pydantic_schema_validates_good_and_rejects_bad():
    schema = gocfg.json_schema(PydanticSettings)
    good = {"name": "api", "db": {"host": "db", "port": 6000, "password": "pw"}, "workers": 2}
    with gocfg.Config(good) as cfg:
        assert cfg.validate(schema) is None
        assert cfg.to(PydanticSettings).db.port == 6000
    bad = {"name": "API!", "db": {"port": 70000}, "workers": 0, "labels": {"a": 1}, "unknown": True}
    with gocfg.Config(bad) as cfg:
        got = violations(cfg, schema)
        assert got["name"] == "pattern" and got["db.port"] == "maximum" and got["workers"] == "exclusiveMinimum"
        assert got["labels.a"] == "type" and got[""] == "additionalProperties"
        with pytest.raises(gocfg.ValidationError) as te:
            cfg.to(PydanticSettings)
        assert {"name", "db.port", "workers"} <= set(dict(te.value.errors))


def test_secret_values_stay_out_of_messages():
    schema = gocfg.json_schema(PydanticSettings)
    with gocfg.Config({"name": "a", "db": {"password": 12345678}}) as cfg:
        with pytest.raises(gocfg.ValidationError) as e:
            cfg.validate(schema)
        assert "12345678" not in str(e.value) and "db.password" in str(e.value)


@dataclasses.dataclass
class _Vault:
    host: str = "localhost"
    password: str = "hunter2"


@dataclasses.dataclass
class _WithSecrets:
    vault: _Vault = dataclasses.field(default_factory=_Vault)
    api_key: str = "k-123"


class _PydanticSecrets(pydantic.BaseModel):
    password: str = "hunter2"
    token: pydantic.SecretStr = pydantic.SecretStr("t0k")
    vault: Dict[str, str] = {"password": "hunter2", "host": "h"}


def test_schema_leaves_secret_defaults_out_unless_revealed(tmp_path, monkeypatch):
    for cls in (_WithSecrets, _PydanticSecrets):
        schema = gocfg.json_schema(cls)
        text = json.dumps(schema)
        assert "hunter2" not in text and "t0k" not in text and "k-123" not in text, text
        revealed = json.dumps(gocfg.json_schema(cls, reveal=True))
        assert "hunter2" in revealed
    schema = gocfg.json_schema(_WithSecrets)
    assert schema["$defs"]["_Vault"]["properties"]["password"] == {"type": "string", "writeOnly": True}
    assert schema["$defs"]["_Vault"]["properties"]["host"]["default"] == "localhost"
    assert schema["properties"]["vault"]["default"] == {"host": "localhost"}
    assert gocfg.json_schema(_PydanticSecrets)["properties"]["vault"]["default"] == {"host": "h"}
    # A config without the secrets still validates: nothing became required.
    with gocfg.Config({"vault": {"host": "h"}}) as cfg:
        assert cfg.validate(schema) is None
    # The CLI prints the same, and the defaults with --reveal.
    (tmp_path / "secretsettings.py").write_text(
        "import dataclasses\n@dataclasses.dataclass\nclass S:\n    password: str = 'hunter2'\n    port: int = 1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    shown = subprocess.run([sys.executable, "-m", "gocfg", "schema", "secretsettings:S"],
                           capture_output=True, text=True, check=True).stdout
    assert "hunter2" not in shown and json.loads(shown)["properties"]["port"]["default"] == 1
    revealed = subprocess.run([sys.executable, "-m", "gocfg", "schema", "--reveal", "secretsettings:S"],
                              capture_output=True, text=True, check=True).stdout
    assert json.loads(revealed)["properties"]["password"]["default"] == "hunter2"


def test_pydantic_model_inside_a_dataclass():
    s = gocfg.json_schema(Mixed)
    assert s["properties"]["db"]["$ref"] == "#/$defs/Db" and s["properties"]["cache"]["$ref"] == "#/$defs/Server"
    assert s["$defs"]["Db"]["properties"]["port"]["minimum"] == 1
    with gocfg.Config({"db": {"port": 5}, "cache": {"port": 6}}) as cfg:
        assert cfg.validate(s) is None
    with gocfg.Config({"db": {"port": 0}, "cache": {"port": "x"}}) as cfg:
        assert violations(cfg, s) == {"db.port": "minimum", "cache.port": "type"}


def test_refused():
    for bad in (dict, PydanticSettings(name="a"), attrs, 1):
        with pytest.raises(TypeError, match="dataclass, an attrs class or a pydantic model"):
            gocfg.json_schema(bad)

    @attrs.define
    class BadKeys:
        m: Dict[int, str] = attrs.Factory(dict)

    with pytest.raises(TypeError, match="BadKeys.m"):
        gocfg.json_schema(BadKeys)


class PNode(pydantic.BaseModel):
    name: str
    child: Optional[PNode] = None


@attrs.define
class ANode:
    name: str = ""
    children: List[ANode] = attrs.Factory(list)


def test_recursive_classes():
    s = gocfg.json_schema(PNode)
    with gocfg.Config({"name": "a", "child": {"name": "b", "child": {"name": "c"}}}) as cfg:
        assert cfg.validate(s) is None
    with gocfg.Config({"name": "a", "child": {"child": {"name": 3}}}) as cfg:
        # Optional[PNode] is an anyOf: the failure is reported where it is.
        assert violations(cfg, s) == {"child": "anyOf"}
        with pytest.raises(gocfg.ValidationError) as e:
            cfg.to(PNode)
        assert {"child.name", "child.child.name"} <= set(dict(e.value.errors))
    s = gocfg.json_schema(ANode)
    assert s["properties"]["children"]["items"] == {"$ref": "#/$defs/ANode"}
    with gocfg.Config({"name": "a", "children": [{"children": [{"nam": 1}]}]}) as cfg:
        assert violations(cfg, s) == {"children.0.children.0": "additionalProperties"}
