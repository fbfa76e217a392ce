"""Command-line flags generated from a settings dataclass: gocfg.load(...,
flags=Settings, argv=...), gocfg.add_flags() on a parser of one's own,
--help, bad values; and a real program run in a subprocess."""
from __future__ import annotations

import argparse
import dataclasses
import enum
import os
import subprocess
import sys
import textwrap
from typing import Dict, List, Literal, Optional

import gocfg
import pytest


class Mode(enum.Enum):
    FAST = "fast"
    SLOW = "slow"


@dataclasses.dataclass
class Server:
    port: int = 8080
    host: str = "localhost"
    debug: bool = False


@dataclasses.dataclass
class Settings:
    server: Server = dataclasses.field(default_factory=Server)
    name: str = dataclasses.field(default="svc", metadata={"description": "the service's name"})
    hosts: List[str] = dataclasses.field(default_factory=list)
    labels: Dict[str, str] = dataclasses.field(default_factory=dict)
    mode: Mode = Mode.FAST
    level: Literal["info", "debug"] = "info"
    ratio: float = 0.5
    api_token: Optional[str] = "default-token-value"


def test_flags_layer_above_files_and_env_with_provenance(tmp_path):
    (tmp_path / "app.yaml").write_text("server:\n  port: 1\n  host: filehost\n")
    cfg = gocfg.load(tmp_path / "app.yaml", env_prefix="APP", environ={"APP_SERVER__PORT": "2", "APP_NAME": "envname"},
                     overrides=["ratio=0.25"], flags=Settings,
                     argv=["--server.port", "9000", "--server.debug", "--name", "123", "--hosts", "[a, b]",
                           "--labels", "{team: core}", "--mode", "slow", "--ratio", "0.75"])
    assert cfg["server.port"] == 9000 and cfg["server.debug"] is True
    assert cfg["name"] == "123"                 # a str field keeps its text
    assert cfg["hosts"] == ["a", "b"] and cfg["labels"] == {"team": "core"}
    assert cfg["server.host"] == "filehost"     # not given: the file's value stays
    assert cfg["ratio"] == 0.25                 # overrides stay above flags
    assert str(cfg.origin("server.port")) == "command line --server.port"
    assert [o.kind for o in cfg.history("server.port")] == ["file", "env", "flag"]
    s = cfg.to(Settings)
    assert s.server.port == 9000 and s.mode is Mode.SLOW and s.api_token == "default-token-value"


def test_no_flags_given_changes_nothing(tmp_path):
    cfg = gocfg.load({"server": {"port": 5}}, flags=Settings, argv=[])
    assert cfg.to_dict() == {"server": {"port": 5}}
    cfg = gocfg.load({"server": {"debug": True}}, flags=Settings, argv=["--no-server.debug"])
    assert cfg["server.debug"] is False


def test_in_a_jupyter_kernel_flags_default_to_none_not_the_kernels_arguments(monkeypatch, capsys):
    # A notebook cell running gocfg.load(flags=Settings) parsed the kernel's
    # own "-f kernel.json" and ended in SystemExit 2.
    import types

    shell = types.SimpleNamespace(kernel=object())  # ipykernel's shell holds its kernel
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    monkeypatch.setattr(sys, "argv", ["/venv/lib/ipykernel_launcher.py", "-f", "/tmp/kernel-1.json"])
    with gocfg.load({"server": {"port": 5}}, flags=Settings) as cfg:
        assert cfg.to_dict() == {"server": {"port": 5}}
    assert gocfg.parse_flags(Settings) == gocfg.parse_flags(Settings, [])
    with gocfg.load({}, flags=Settings, argv=["--server.port", "7"]) as cfg:  # argv given: parsed
        assert cfg["server.port"] == 7
    # Terminal IPython has no kernel: sys.argv[1:] is the program's.
    monkeypatch.setattr(shell, "kernel", None)
    monkeypatch.setattr(sys, "argv", ["prog.py", "--server.port", "8"])
    with gocfg.load({}, flags=Settings) as cfg:
        assert cfg["server.port"] == 8


def test_add_flags_to_an_existing_parser():
    parser = argparse.ArgumentParser(prog="app")
    parser.add_argument("--verbose", action="store_true")
    gocfg.add_flags(parser, Settings)
    ns = parser.parse_args(["--verbose", "--server.port", "81"])
    assert ns.verbose is True
    assert gocfg.flag_values(ns) == [("server.port", 81)]
    cfg = gocfg.load({"name": "x"}, flags=ns)
    assert cfg.to_dict() == {"name": "x", "server": {"port": 81}}
    with pytest.raises(TypeError):
        gocfg.load(flags=ns, argv=["--x"])
    with pytest.raises(TypeError):
        gocfg.load(argv=["--x"])
    with pytest.raises(TypeError):
        gocfg.load(flags=object())


def test_help_lists_every_field_with_type_and_default(capsys):
    with pytest.raises(SystemExit) as e:
        gocfg.parse_flags(Settings, ["--help"], prog="app")
    assert e.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--server.port INT", "--server.host", "--server.debug, --no-server.debug", "--name", "--hosts",
                 "--labels", "--mode {fast,slow}", "--level {info,debug}", "--ratio FLOAT", "--api_token"):
        assert flag in out, flag
    assert "int, default 8080" in out and "the service's name" in out
    assert "default-token-value" not in out and "********" in out      # a secret's default is masked


@pytest.mark.parametrize("argv, flag", [
    (["--server.port", "abc"], "--server.port"),
    (["--server.port", "99999999999999999999999x"], "--server.port"),
    (["--ratio", "x"], "--ratio"),
    (["--mode", "medium"], "--mode"),
    (["--level", "trace"], "--level"),
    (["--hosts", "{a: 1}"], "--hosts"),
    (["--hosts", "[unclosed"], "--hosts"),
    (["--labels", "[1]"], "--labels"),
    (["--nope", "1"], "--nope"),
])
def test_bad_values_give_argparse_errors_naming_the_flag(argv, flag, capsys):
    with pytest.raises(SystemExit) as e:
        gocfg.load(flags=Settings, argv=argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert flag in err and "error:" in err


def test_flags_refuse_what_is_not_a_dataclass():
    with pytest.raises(TypeError):
        gocfg.add_flags(argparse.ArgumentParser(), dict)

    @dataclasses.dataclass
    class Loop:
        child: Optional["Loop"] = None

    with pytest.raises(TypeError):
        gocfg.add_flags(argparse.ArgumentParser(), Loop)


def test_flag_values_that_the_config_cannot_hold(capsys):
    # A command line in another encoding than UTF-8 reaches Python with
    # lone surrogates: the flag is refused as argparse refuses a bad value.
    for argv in (["--name", "a\udcffb"], ["--hosts", "[a, \udcff]"], ["--api_token", "s3cr\udcff"]):
        with pytest.raises(SystemExit) as e:
            gocfg.load(flags=Settings, argv=argv)
        err = capsys.readouterr().err
        assert e.value.code == 2 and f"argument {argv[0]}: not UTF-8 text" in err, err
    # A namespace filled by hand, past argparse, meets the library's check.
    with pytest.raises(gocfg.InvalidArgumentError):
        gocfg.load(flags=argparse.Namespace(**{"gocfg\0name": "a\udcffb"}))


def test_a_secret_flags_bad_value_is_not_quoted(capsys):
    @dataclasses.dataclass
    class Secrets:
        token_id: int = 0
        api_keys: List[str] = dataclasses.field(default_factory=list)

    for argv in (["--token_id", "s3cr3t"], ["--api_keys", "s3cr3t"]):
        with pytest.raises(SystemExit):
            gocfg.load(flags=Secrets, argv=argv)
        err = capsys.readouterr().err
        assert f"argument {argv[0]}: invalid" in err and "s3cr3t" not in err, err


class Tier(enum.Enum):
    GOLD = "gold"


@dataclasses.dataclass
class ChosenSecrets:
    api_key: Literal["k1", "k2"] = "k1"
    token_tier: Tier = Tier.GOLD
    secret_n: Literal[1, 2] = 1


def test_a_secret_flags_bad_choice_is_not_quoted(capsys):
    # argparse's own choices= refusal ("invalid choice: 's3cr3t'") quoted it.
    for argv in (["--api_key", "s3cr3t"], ["--token_tier", "s3cr3t"], ["--secret_n", "s3cr3t"], ["--secret_n", "3"]):
        with pytest.raises(SystemExit):
            gocfg.load(flags=ChosenSecrets, argv=argv)
        err = capsys.readouterr().err
        assert f"argument {argv[0]}: invalid choice value (not shown: a secret)" in err, err
        assert argv[1] not in err.split("error:")[1], err
    cfg = gocfg.load(flags=ChosenSecrets, argv=["--api_key", "k2", "--token_tier", "gold", "--secret_n", "2"])
    assert cfg.to(ChosenSecrets) == ChosenSecrets("k2", Tier.GOLD, 2)
    with pytest.raises(SystemExit):
        gocfg.parse_flags(ChosenSecrets, ["--help"])
    assert "--api_key {k1,k2}" in capsys.readouterr().out


def test_a_misspelt_secret_flags_value_is_not_quoted(capsys):
    # argparse's "unrecognized arguments: --api-token s3cr3t" quoted it.
    for argv in (["--api-token", "s3cr3t"], ["--api-token=s3cr3t"], ["--name", "n", "--db.password", "s3cr3t"]):
        with pytest.raises(SystemExit):
            gocfg.load(flags=Settings, argv=argv)
        err = capsys.readouterr().err
        assert "unrecognized arguments: " in err and "s3cr3t" not in err, err
    with pytest.raises(SystemExit):
        gocfg.parse_flags(Settings, ["--nmae", "svc", "extra"])
    assert "unrecognized arguments: --nmae svc extra" in capsys.readouterr().err


def test_a_real_program_in_a_subprocess(tmp_path):
    prog = tmp_path / "prog.py"
    prog.write_text(textwrap.dedent('''
        import dataclasses, sys
        import gocfg

        @dataclasses.dataclass
        class Db:
            host: str = "localhost"
            password: str = ""

        @dataclasses.dataclass
        class Settings:
            db: Db = dataclasses.field(default_factory=Db)
            port: int = 8000

        cfg = gocfg.load("app.yaml", env_prefix="APP", env_file=".env", secrets_dir="secrets", flags=Settings)
        s = cfg.to(Settings)
        print(s.port, s.db.host, len(s.db.password), cfg.origin("port"))
        print(repr(cfg))
    '''))
    (tmp_path / "app.yaml").write_text("port: 1\n")
    (tmp_path / ".env").write_text("APP_DB__HOST=db.local\n")
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "db__password").write_text("hunter2\n")
    env = dict(os.environ)
    r = subprocess.run([sys.executable, str(prog), "--port", "9000"], cwd=tmp_path, capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "9000 db.local 7 command line --port"
    assert "hunter2" not in r.stdout
    r = subprocess.run([sys.executable, str(prog), "--port", "x"], cwd=tmp_path, capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.returncode == 2 and "argument --port: invalid int value: 'x'" in r.stderr
    r = subprocess.run([sys.executable, str(prog), "--help"], cwd=tmp_path, capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.returncode == 0 and "--db.password" in r.stdout and "--port INT" in r.stdout
