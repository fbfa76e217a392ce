"""Command-line flags from pydantic models and attrs classes (the other
classes cfg.to() builds): gocfg.load(flags=Model), add_flags(), --help with
types, defaults and descriptions, secrets masked, bad values refused by
argparse naming the flag, and a real program in a subprocess."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import textwrap
from typing import List, Literal, Optional

import attrs
import gocfg
import pydantic
import pytest


class Db(pydantic.BaseModel):
    host: str = pydantic.Field("localhost", description="the database host")
    port: int = pydantic.Field(5432, ge=1, le=65535)
    password: pydantic.SecretStr = pydantic.SecretStr("pydantic-default-secret")


class PSettings(pydantic.BaseModel):
    db: Db = Db()
    name: str = pydantic.Field("svc", alias="service-name", description="what the service calls itself")
    tags: List[str] = []
    level: Literal["info", "debug"] = "info"
    timeout: float = 1.5
    verbose: bool = False


@attrs.define
class Cache:
    size: int = attrs.field(default=128, metadata={"description": "entries kept"})
    ttl: float = 60.0


@attrs.define
class ASettings:
    cache: Cache = attrs.Factory(Cache)
    port: int = attrs.field(default=8080, metadata={"description": "where to listen"})
    _api_token: str = "attrs-default-token"
    hosts: List[str] = attrs.Factory(list)
    region: Optional[str] = None


def _help(cls: type, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as e:
        gocfg.parse_flags(cls, ["--help"], prog="app")
    assert e.value.code == 0
    return capsys.readouterr().out


def test_pydantic_flags_layer_and_build(tmp_path):
    (tmp_path / "app.yaml").write_text("db:\n  host: filehost\n  port: 1\n")
    cfg = gocfg.load(tmp_path / "app.yaml", flags=PSettings,
                     argv=["--db.port", "6000", "--service-name", "api", "--tags", "[a, b]", "--level", "debug",
                           "--verbose", "--db.password", "s3cret"])
    assert cfg["db.port"] == 6000 and cfg["db.host"] == "filehost"
    assert cfg["service-name"] == "api" and cfg["tags"] == ["a", "b"] and cfg["verbose"] is True
    assert str(cfg.origin("db.port")) == "command line --db.port"
    s = cfg.to(PSettings)
    assert s.db.port == 6000 and s.name == "api" and s.level == "debug"
    assert s.db.password.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(cfg)
    # Not given: nothing in the layer, the model's defaults come from to().
    cfg = gocfg.load({}, flags=PSettings, argv=[])
    assert cfg.to_dict() == {} and cfg.to(PSettings).db.port == 5432


def test_attrs_flags_layer_and_build():
    cfg = gocfg.load({"cache": {"ttl": 5}}, flags=ASettings,
                     argv=["--cache.size", "7", "--port", "81", "--api_token", "tok", "--region", "eu"])
    assert cfg.to_dict() == {"cache": {"ttl": 5, "size": 7}, "port": 81, "api_token": "tok", "region": "eu"}
    s = cfg.to(ASettings)
    assert s.cache.size == 7 and s.cache.ttl == 5.0 and s.port == 81 and s._api_token == "tok"


def test_pydantic_help_lists_types_defaults_descriptions_masked(capsys):
    out = _help(PSettings, capsys)
    for text in ("--db.host TEXT", "the database host", "--db.port INT", "int, default 5432", "--db.password",
                 "--service-name TEXT", "what the service calls itself", "--tags LIST", "--level {info,debug}",
                 "--timeout FLOAT", "float, default 1.5", "--verbose, --no-verbose"):
        assert text in out, text
    assert "--name" not in out                            # the alias is the key to() reads
    assert "pydantic-default-secret" not in out and "SecretStr, default ********" in out


def test_attrs_help_lists_types_defaults_descriptions_masked(capsys):
    out = _help(ASettings, capsys)
    for text in ("--cache.size INT", "entries kept (int, default 128)", "--cache.ttl FLOAT", "where to listen",
                 "--api_token TEXT", "--hosts LIST", "--region TEXT"):
        assert text in out, text
    assert "attrs-default-token" not in out and "default ********" in out


def test_add_flags_with_a_pydantic_model_on_an_own_parser():
    parser = argparse.ArgumentParser(prog="app")
    parser.add_argument("--dry-run", action="store_true")
    gocfg.add_flags(parser, PSettings, group="config")
    ns = parser.parse_args(["--dry-run", "--db.host", "h2"])
    assert ns.dry_run is True and gocfg.flag_values(ns) == [("db.host", "h2")]
    assert gocfg.load(flags=ns).to(PSettings).db.host == "h2"


@pytest.mark.parametrize("cls, argv, flag", [
    (PSettings, ["--db.port", "abc"], "--db.port"),
    (PSettings, ["--timeout", "soon"], "--timeout"),
    (PSettings, ["--level", "trace"], "--level"),
    (PSettings, ["--tags", "{a: 1}"], "--tags"),
    (PSettings, ["--name", "x"], "--name"),              # not the field's name: its alias
    (ASettings, ["--cache.size", "1.5"], "--cache.size"),
    (ASettings, ["--hosts", "[unclosed"], "--hosts"),
    (ASettings, ["--_api_token", "x"], "--_api_token"),  # the init name, as attrs spells it
])
def test_bad_values_exit_2_naming_the_flag(cls, argv, flag, capsys):
    with pytest.raises(SystemExit) as e:
        gocfg.load(flags=cls, argv=argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert flag in err and "error:" in err


def test_a_value_argparse_takes_but_the_model_refuses():
    # The range is pydantic's rule: checked where the model is built, with
    # the flag named as the value's origin.
    cfg = gocfg.load(flags=PSettings, argv=["--db.port", "70000"])
    with pytest.raises(gocfg.ValidationError) as e:
        cfg.to(PSettings)
    assert "db.port" in str(e.value) and "--db.port" in str(e.value)


def test_refused_classes():
    class Plain:
        port: int = 1

    for bad in (Plain, PSettings(), dict, 3):
        with pytest.raises(TypeError, match="dataclass, an attrs class or a pydantic model"):
            gocfg.add_flags(argparse.ArgumentParser(), bad)
        with pytest.raises(TypeError):
            gocfg.load(flags=bad, argv=[])


def test_keys_that_cannot_be_flags_are_refused():
    class Dotted(pydantic.BaseModel):
        host: str = pydantic.Field("h", alias="db.host")

    class Spaced(pydantic.BaseModel):
        host: str = pydantic.Field("h", validation_alias="the host")

    for cls in (Dotted, Spaced):
        with pytest.raises(TypeError, match="cannot be a flag name"):
            gocfg.add_flags(argparse.ArgumentParser(), cls)


def test_validation_alias_names_the_flag():
    class M(pydantic.BaseModel):
        host: str = pydantic.Field("h", validation_alias="db_host")

    cfg = gocfg.load(flags=M, argv=["--db_host", "x"])
    assert cfg.to_dict() == {"db_host": "x"} and cfg.to(M).host == "x"


def test_pydantic_program_in_a_subprocess(tmp_path):
    prog = tmp_path / "prog.py"
    prog.write_text(textwrap.dedent('''
        import gocfg, pydantic

        class Settings(pydantic.BaseModel):
            """The service's settings."""
            port: int = pydantic.Field(8000, description="where to listen")
            token: pydantic.SecretStr = pydantic.SecretStr("from-the-model")

        cfg = gocfg.load("app.yaml", flags=Settings)
        s = cfg.to(Settings)
        print(s.port, cfg.origin("port"), len(s.token.get_secret_value()))
    '''))
    (tmp_path / "app.yaml").write_text("port: 1\ntoken: abc\n")
    env = dict(os.environ)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(prog), *args], cwd=tmp_path, capture_output=True, text=True,
                              timeout=60, env=env)

    r = run("--port", "9000")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["9000 command line --port 3"]
    r = run("--port", "x")
    assert r.returncode == 2 and "argument --port: invalid int value: 'x'" in r.stderr
    r = run("--help")
    assert r.returncode == 0 and "The service's settings." in r.stdout
    assert "where to listen (int, default 8000)" in r.stdout and "from-the-model" not in r.stdout


class PNode(pydantic.BaseModel):
    name: str = ""
    child: Optional[PNode] = None


def test_a_model_that_contains_itself_is_refused():
    with pytest.raises(TypeError, match="contains itself"):
        gocfg.add_flags(argparse.ArgumentParser(), PNode)
