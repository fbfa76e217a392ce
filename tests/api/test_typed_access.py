"""Typed access (get_int & co.) and Config.to(dataclass)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import pathlib
import re
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Literal, Optional, Tuple

import gocfg
import pytest


@pytest.fixture
def cfg():
    c = gocfg.load({"n": 5, "s": "42", "f": 2.0, "fs": "1.5", "b": "yes", "bi": 1, "t": True, "l": [1, 2],
                    "csv": "a, b ,c", "empty": "", "d": "1h30m", "ms": "500ms", "sec": 90, "abc": "abc",
                    "day": dt.date(2024, 1, 2), "m": {"k": 1}},
                   environ={"APP_PORT": "abc"}, env_prefix="APP")
    yield c
    c.close()


def test_getters_coerce(cfg):
    assert cfg.get_int("n") == 5 and cfg.get_int("s") == 42 and cfg.get_int("f") == 2
    assert cfg.get_float("n") == 5.0 and cfg.get_float("fs") == 1.5
    assert cfg.get_bool("b") is True and cfg.get_bool("bi") is True and cfg.get_bool("t") is True
    assert cfg.get_str("n") == "5" and cfg.get_str("t") == "true" and cfg.get_str("day") == "2024-01-02"
    assert cfg.get_list("l") == [1, 2] and cfg.get_list("csv") == ["a", "b", "c"] and cfg.get_list("empty") == []
    assert cfg.get_duration("d") == dt.timedelta(hours=1, minutes=30)
    assert cfg.get_duration("ms") == dt.timedelta(milliseconds=500)
    assert cfg.get_duration("sec") == dt.timedelta(seconds=90)
    assert cfg["m"].get_int("k") == 1


@pytest.mark.parametrize("text,seconds", [("30s", 30), ("1.5h", 5400), ("2d", 172800), ("1w", 604800),
                                          ("-5m", -300), ("10", 10), ("1m30s", 90), ("250us", 0.00025)])
def test_durations(text, seconds):
    with gocfg.Config({"d": text}) as c:
        assert c.get_duration("d").total_seconds() == pytest.approx(seconds)


def test_getters_refuse_with_path_and_origin(cfg):
    with pytest.raises(gocfg.TypeMismatchError) as e:
        cfg.get_int("port")
    assert str(e.value) == "port: expected int, got 'abc' (from env APP_PORT)"
    assert isinstance(e.value, TypeError)
    for getter, key in ((cfg.get_int, "t"), (cfg.get_int, "fs"), (cfg.get_float, "abc"), (cfg.get_bool, "abc"),
                        (cfg.get_str, "l"), (cfg.get_list, "n"), (cfg.get_duration, "abc"), (cfg.get_int, "m")):
        with pytest.raises(gocfg.TypeMismatchError, match=key):
            getter(key)
    with pytest.raises(KeyError):
        cfg.get_int("missing")
    assert cfg.get_int("missing", 7) == 7 and cfg.get_str("missing", None) is None


class Mode(enum.Enum):
    DEV = "dev"
    PROD = "prod"


@dataclass
class Server:
    host: str
    port: int
    timeout: dt.timedelta = dt.timedelta(seconds=10)
    tags: List[str] = field(default_factory=list)


@dataclass
class App:
    server: Server
    mode: Mode
    replicas: Optional[List[Server]] = None
    limits: Dict[str, int] = field(default_factory=dict)
    level: Literal["debug", "info"] = "info"
    root: pathlib.Path = pathlib.Path("/")
    pair: Tuple[int, str] = (0, "")
    started: Optional[dt.date] = None


def test_to_dataclass_nested():
    with gocfg.load({"server": {"host": "h", "port": "8080", "timeout": "1m", "tags": "a,b"},
                     "mode": "prod", "replicas": [{"host": "r", "port": 1}], "limits": {"cpu": "2"},
                     "level": "debug", "root": "/srv", "pair": [1, "x"], "started": "2024-05-06"},
                    environ={}) as c:
        app = c.to(App)
    assert app == App(Server("h", 8080, dt.timedelta(minutes=1), ["a", "b"]), Mode.PROD,
                      [Server("r", 1)], {"cpu": 2}, "debug", pathlib.Path("/srv"), (1, "x"), dt.date(2024, 5, 6))


def test_to_reports_every_bad_path_at_once():
    with gocfg.load({"server": {"host": "h", "port": 1, "colour": "blue"}, "mode": "staging",
                     "replicas": [{"host": "r", "port": "x"}], "level": "loud"},
                    env_prefix="APP", environ={"APP_SERVER__PORT": "abc"}) as c:
        with pytest.raises(gocfg.ValidationError) as e:
            c.to(App)
        errors = dict(e.value.errors)
        assert errors["server.port"] == "expected int, got 'abc' (from env APP_SERVER__PORT)"
        assert errors["server.colour"].startswith("unknown field")
        assert "expected one of 'dev', 'prod'" in errors["mode"]
        assert "replicas.0.port" in errors and "'loud'" in errors["level"]
        assert isinstance(e.value, ValueError) and "server.port: expected int, got 'abc'" in str(e.value)
        # strict=False ignores unknown keys but still checks the rest.
        with pytest.raises(gocfg.ValidationError) as e:
            c.to(App, strict=False)
        assert "server.colour" not in dict(e.value.errors)
    with gocfg.Config({"server": {"host": "h"}}) as c:
        with pytest.raises(gocfg.ValidationError) as e:
            c.to(App)
        errors = dict(e.value.errors)
        assert errors["server.port"].startswith("missing") and errors["mode"].startswith("missing")
        # A Section names its paths from the top, with strict=False too.
        with pytest.raises(gocfg.ValidationError) as e:
            c["server"].to(Server, strict=False)
        assert list(dict(e.value.errors)) == ["server.port"]
        with pytest.raises(TypeError):
            c.to(dict)


class Perm(enum.Flag):
    READ = 1
    WRITE = 2


@dataclass
class Picks:
    perm: Perm = Perm.READ
    one: Literal[1, "x"] = 1
    yes: Literal[True] = True


def test_to_literal_and_enum_keep_bools_apart_and_take_flag_combinations():
    assert gocfg.Config({"perm": 3, "one": 1, "yes": True}).to(Picks) == Picks(Perm.READ | Perm.WRITE, 1, True)
    assert gocfg.Config({"perm": "WRITE", "one": "x"}).to(Picks) == Picks(Perm.WRITE, "x")
    # True == 1 in Python, but a bool in a config is not the number wanted.
    with pytest.raises(gocfg.ValidationError) as e:
        gocfg.Config({"perm": True, "one": True, "yes": 1}).to(Picks)
    assert sorted(dict(e.value.errors)) == ["one", "perm", "yes"]
    with pytest.raises(gocfg.ValidationError) as e:
        gocfg.Config({"perm": 8}).to(Picks)  # a bit that Perm does not have
    assert dict(e.value.errors)["perm"] == "expected one of 1, 2, got 8"


def test_section_to():
    with gocfg.Config({"server": {"host": "h", "port": 1}}) as c:
        assert c["server"].to(Server) == Server("h", 1)
        with pytest.raises(gocfg.ValidationError) as e:
            gocfg.Config({"s": {"host": 1}})["s"].to(Server)
        assert "s.port" in dict(e.value.errors)


Many = Literal[tuple(range(100_000))]  # type: ignore[valid-type]


@dataclass
class Big:
    x: Many = 0  # type: ignore[valid-type]


def test_to_names_a_huge_literal_by_its_first_choices():
    # Every choice of a Literal of 100,000 values was listed: a 700 KB message.
    with pytest.raises(gocfg.ValidationError) as e:
        gocfg.Config({"x": -1}).to(Big)
    assert dict(e.value.errors)["x"] == ("expected one of 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, "
                                         "18, 19, ... (100000 in all), got -1")


@dataclass
class Node:
    name: str = "n"
    child: Optional[Node] = None


def test_to_data_nesting_past_pythons_stack_is_said_so():
    # Within the config's 1000 levels, a class that contains itself can be
    # deeper than this builder's recursion: that was reported as
    # "cannot read the annotations of Node: maximum recursion depth exceeded".
    deep: Dict[str, object] = {}
    node = deep
    for _ in range(900):
        node["child"] = {}
        node = node["child"]  # type: ignore[assignment]
    # The limit is set here, not assumed: another test's library (hypothesis
    # raises it while it runs) may have left it higher than 1000 for this
    # process, and then 900 levels fit (a CI run failed so).
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(600)
    try:
        with gocfg.Config(deep) as c:
            with pytest.raises(gocfg.ValidationError) as e:
                c.to(Node)
    finally:
        sys.setrecursionlimit(limit)
    assert [p for p, _ in e.value.errors] == [""]
    assert "the config nests too deep for Node" in str(e.value) and "annotations" not in str(e.value)
    with gocfg.Config({"child": {"child": {"name": "leaf"}}}) as c:
        assert c.to(Node).child.child.name == "leaf"  # type: ignore[union-attr]


@dataclass
class Login:
    user: str
    password: str

    def __post_init__(self) -> None:
        if len(self.password) < 12:
            raise ValueError(f"password {self.password!r} is too short")


def test_to_never_quotes_a_secret_that_a_post_init_message_holds():
    with gocfg.Config({"db": {"user": "u", "password": "hunter2"}}) as c:
        with pytest.raises(gocfg.ValidationError) as e:
            c["db"].to(Login)
    assert "hunter2" not in str(e.value) and "Login(...) refused the values: ValueError" in str(e.value)
    # A message that quotes no secret is kept.
    with gocfg.Config({"user": "u", "password": "a-long-enough-one"}) as c:
        assert c.to(Login).user == "u"


@dataclasses.dataclass
class Token:
    api_token: str

    def __post_init__(self) -> None:
        if not self.api_token.startswith("pw-"):
            raise ValueError(f"token {self.api_token[:14]}... does not start with pw-")


def test_to_never_quotes_a_piece_of_a_secret_that_a_message_kept():
    # A message that cuts a long secret short quotes a piece of it, as much
    # a leak as the whole: it was shown (the check looked for the whole).
    token = "ghp_Zq8rT2vLw9XyB4nM7kP3sD6fH1jG5aC0eU2iO8uY4tR"
    with gocfg.Config({"api_token": token}) as c:
        with pytest.raises(gocfg.ValidationError) as e:
            c.to(Token)
        assert "ghp_Zq8rT2" not in str(e.value) and "its message quotes a secret's value" in str(e.value)
        pydantic = pytest.importorskip("pydantic")

        class Model(pydantic.BaseModel):
            api_token: str

            @pydantic.field_validator("api_token")
            @classmethod
            def revoked(cls, v: str) -> str:
                raise ValueError(f"token {v[:12]}... was revoked")

        with pytest.raises(gocfg.ValidationError) as e:
            c.to(Model)
        assert "ghp_Zq8rT2" not in str(e.value) and "refused by the model (value_error)" in str(e.value), str(e.value)


# ISO 8601 texts that Python 3.11's fromisoformat reads and 3.9's does not
# (to() refused them on 3.9 and 3.10), with the kind each is read as.
ISO_BEYOND_39 = [
    (dt.datetime, "2024-01-02T03:04:05Z"), (dt.datetime, "2024-01-02T03:04:05.5Z"),
    (dt.datetime, "2024-01-02 03:04:05.123456789+01:00"), (dt.datetime, "2024-01-02T03:04:05,25-0530"),
    (dt.datetime, "2024-01-02T03:04+01"), (dt.datetime, "2024-01-02t03:04:05.75+00"),
    (dt.time, "03:04:05Z"), (dt.time, "03:04:05.1+0200"), (dt.time, "03:04:05.1234"),
]
# The forms 3.9's fromisoformat reads (what isoformat() writes).
ISO_39 = r"\d\d(:\d\d(:\d\d(\.\d{3}|\.\d{6})?)?)?([+-]\d\d:\d\d)?"


@pytest.mark.parametrize("tp,text", ISO_BEYOND_39)
def test_iso_texts_read_as_python_311_reads_them_on_every_version(tp, text):
    from gocfg import _compat
    rewritten = _compat.iso_as_older_pythons_read_it(tp, text)
    # What older versions are given is in their grammar, and means what
    # 3.11 reads in the text itself.
    clock = rewritten[11:] if tp is dt.datetime else rewritten
    assert re.fullmatch(ISO_39, clock), rewritten
    if sys.version_info >= (3, 11):
        assert tp.fromisoformat(rewritten) == tp.fromisoformat(text)

    When = dataclasses.make_dataclass("When", [("at", tp)])
    with gocfg.Config({"at": text}) as c:
        assert c.to(When).at == tp.fromisoformat(rewritten)
    with gocfg.Config({"at": text + "x"}) as c, pytest.raises(gocfg.ValidationError, match=r"at: expected"):
        c.to(When)
