"""Config.to() with pydantic models and attrs classes (issue 17, item 4):
good input builds the object; bad input gives one ValidationError whose
items name the full path and where each value came from, as for
dataclasses."""
from __future__ import annotations

import dataclasses
from typing import List, Optional

import attrs
import gocfg
import pydantic
import pytest


class PServer(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    host: str
    port: int = pydantic.Field(8080, gt=0, lt=65536)


class PApp(pydantic.BaseModel):
    server: PServer
    tags: List[str] = []
    db_password: Optional[str] = None
    retries: int = 3


@attrs.define
class AServer:
    host: str
    _port: int = attrs.field(default=8080, validator=attrs.validators.lt(65536))


@attrs.define
class AApp:
    server: AServer
    tags: List[str] = attrs.Factory(list)
    timeout: float = 1.0


@dataclasses.dataclass
class Mixed:
    """A dataclass holding a pydantic model and an attrs class."""
    p: PServer
    a: AServer


def _write(tmp_path, text):
    path = tmp_path / "app.yaml"
    path.write_text(text)
    return str(path)


def test_pydantic_good_input(tmp_path, no_leaks):
    path = _write(tmp_path, "server:\n  host: example.org\n  port: '9000'\ntags: [a, b]\n")
    with gocfg.load(path, env_prefix="APP", environ={"APP_RETRIES": "5"}) as cfg:
        app = cfg.to(PApp)
        assert app == PApp(server=PServer(host="example.org", port=9000), tags=["a", "b"], retries=5)
        assert cfg["server"].to(PServer) == PServer(host="example.org", port=9000)
        assert cfg.server.to(PServer).port == 9000


def test_pydantic_bad_input_names_paths_and_origins(tmp_path, no_leaks):
    path = _write(tmp_path, "server:\n  port: 70000\n  extra: 1\ntags: [a, {b: 1}]\ndb_password: [s3cret]\n")
    with gocfg.load(path, env_prefix="APP", environ={"APP_RETRIES": "many"}) as cfg:
        with pytest.raises(gocfg.ValidationError) as info:
            cfg.to(PApp)
    errors = dict(info.value.errors)
    assert set(errors) == {"server.host", "server.port", "server.extra", "tags.1", "db_password", "retries"}
    assert errors["server.host"] == "missing (required by PServer)"
    assert errors["server.port"].startswith("Input should be less than 65536, got 70000")
    assert errors["server.port"].endswith(f"(from {path}:2:3)")
    assert errors["server.extra"] == f"unknown field: PServer has no field 'extra' (from {path}:3:3)"
    assert errors["tags.1"].endswith(f"(from {path}:4:11)")
    assert errors["retries"].endswith("got 'many' (from env APP_RETRIES)")
    assert "s3cret" not in str(info.value)  # a secret is never quoted
    assert "6 value(s) do not fit PApp" in str(info.value)


def test_pydantic_under_a_section_keeps_full_paths(no_leaks):
    with gocfg.Config({"outer": {"server": {"host": "h", "port": "x"}}}) as cfg:
        with pytest.raises(gocfg.ValidationError) as info:
            cfg["outer"].to(PApp)
    assert [p for p, _ in info.value.errors] == ["outer.server.port"]


def test_attrs_good_input(tmp_path, no_leaks):
    path = _write(tmp_path, "server:\n  host: h\n  port: '90'\ntags: x, y\ntimeout: '2.5'\n")
    with gocfg.load(path) as cfg:
        app = cfg.to(AApp)
    assert app == AApp(server=AServer("h", 90), tags=["x", "y"], timeout=2.5)


def test_attrs_bad_input_names_paths_and_origins(tmp_path, no_leaks):
    path = _write(tmp_path, "server:\n  port: x\ntimeout: soon\nzz: 1\n")
    with gocfg.load(path) as cfg:
        with pytest.raises(gocfg.ValidationError) as info:
            cfg.to(AApp)
        errors = dict(info.value.errors)
        assert errors == {
            "server.host": "missing (required by AServer)",
            "server.port": f"expected int, got 'x' (from {path}:2:3)",
            "timeout": f"expected float, got 'soon' (from {path}:3:1)",
            "zz": f"unknown field: AApp has no field 'zz' (from {path}:4:1)",
        }
        cfg["server.host"] = "h"
        cfg["server.port"] = 70000
        del cfg["timeout"], cfg["zz"]
        with pytest.raises(gocfg.ValidationError, match=r"server: AServer\(\.\.\.\) refused the values: ValueError"):
            cfg.to(AApp)  # the attrs validator ran


def test_models_nest_in_dataclasses(no_leaks):
    with gocfg.Config({"p": {"host": "h", "port": 1}, "a": {"host": "i", "port": 2}}) as cfg:
        assert cfg.to(Mixed) == Mixed(PServer(host="h", port=1), AServer("i", 2))
        cfg["p.port"] = 0
        cfg["a.port"] = "z"
        with pytest.raises(gocfg.ValidationError) as info:
            cfg.to(Mixed)
    assert [p for p, _ in info.value.errors] == ["p.port", "a.port"]


def test_other_classes_are_refused(no_leaks):
    with gocfg.Config() as cfg:
        for bad in (int, dict, PApp(server=PServer(host="h")), "PApp"):
            with pytest.raises(TypeError, match="a dataclass, an attrs class or a pydantic model class"):
                cfg.to(bad)  # type: ignore[arg-type]


def test_load_validates_with_a_model(tmp_path, no_leaks):
    path = _write(tmp_path, "server:\n  host: h\n  port: 0\n")
    with pytest.raises(gocfg.ValidationError, match=r"server\.port: Input should be greater than 0"):
        gocfg.load(path, validate=PApp)
    with gocfg.load(path, validate=AApp) as cfg:
        assert cfg.to(AApp).server == AServer("h", 0)
