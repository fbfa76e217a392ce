"""Typed values, dot paths, sections and bulk crossing."""
from __future__ import annotations

import datetime as dt
import enum
import math
import random
from collections import OrderedDict

import gocfg
import pytest

UTC = dt.timezone.utc


def test_every_type_round_trips(no_leaks):
    values = {
        "none": None, "t": True, "f": False, "int": 42, "neg": -(2**63), "max": 2**63 - 1,
        "float": 1.5, "inf": math.inf, "ninf": -math.inf, "str": "héllo ✓", "empty": "",
        "aware": dt.datetime(2024, 2, 29, 12, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
        "utc": dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC),
        "naive": dt.datetime(2024, 1, 2, 3, 4, 5, 6),
        "date": dt.date(2024, 1, 2), "time": dt.time(7, 8, 9, 10),
        "list": [1, "two", 3.0, None, [True], {"k": dt.date(2020, 1, 1)}],
        "map": {"nested": {"deep": [dt.time(1, 2)]}},
    }
    with gocfg.Config(values) as cfg:
        out = cfg.to_dict()
        assert out == values
        for key, want in values.items():
            got = cfg[(key,)]
            if isinstance(want, dict):
                assert isinstance(got, gocfg.Section) and got.to_dict() == want
            else:
                assert got == want and type(got) is type(want)
        assert out["aware"].utcoffset() == dt.timedelta(hours=5, minutes=30)
        assert out["naive"].tzinfo is None
        nan_cfg = gocfg.Config({"nan": math.nan})
        assert math.isnan(nan_cfg["nan"])
        nan_cfg.close()


def test_random_trees_round_trip(no_leaks):
    rng = random.Random(7)

    def leaf():
        return rng.choice([None, True, False, rng.randint(-2**63, 2**63 - 1), rng.random() * 1e6,
                           "".join(rng.choice("abcé✓ .\"\\") for _ in range(rng.randint(0, 12))),
                           dt.date(rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 28))])

    def tree(depth):
        if depth == 0 or rng.random() < 0.3:
            return leaf()
        if rng.random() < 0.5:
            return [tree(depth - 1) for _ in range(rng.randint(0, 4))]
        return {"".join(rng.choice("abc.é ") for _ in range(rng.randint(0, 5))): tree(depth - 1)
                for _ in range(rng.randint(0, 4))}

    for _ in range(200):
        data = {f"k{i}": tree(5) for i in range(rng.randint(0, 6))}
        with gocfg.Config(data) as cfg:
            assert cfg.to_dict() == data
            assert list(cfg) == list(data)


def test_dot_paths(no_leaks):
    with gocfg.Config() as cfg:
        cfg["server.port"] = 8080
        cfg["server.host"] = "localhost"
        cfg["servers"] = [{"host": "a"}, {"host": "b"}]
        assert cfg["server.port"] == 8080
        assert cfg["servers.1.host"] == "b"
        cfg["servers.0.host"] = "z"
        cfg["servers.2"] = {"host": "c"}  # index == length appends
        assert [s["host"] for s in cfg["servers"]] == ["z", "b", "c"]
        del cfg["servers.0"]
        assert cfg["servers.0.host"] == "b"
        assert "server.port" in cfg and "server.nope" not in cfg and "servers.9" not in cfg
        assert list(cfg) == ["server", "servers"]
        assert len(cfg) == 2
        with pytest.raises(KeyError):
            cfg["server.port.deeper"]
        with pytest.raises(gocfg.TypeMismatchError):
            cfg["server.port.deeper"] = 1
        with pytest.raises(KeyError):
            cfg["servers.7"] = 1


def test_keys_with_dots(no_leaks):
    with gocfg.Config({"a.b": {"c": 1}, "plain": 2}) as cfg:
        assert list(cfg) == ["a.b", "plain"]
        assert cfg[("a.b", "c")] == 1
        assert cfg['"a.b".c'] == 1
        assert "a.b" not in cfg  # as a path: key a, then b
        assert ("a.b",) in cfg
        cfg[("x.y",)] = "literal"
        assert cfg.to_dict()["x.y"] == "literal"
        assert dict(cfg.items())["a.b"] == {"c": 1}
        assert [v for v in cfg.values()][1] == 2
        with pytest.raises(gocfg.InvalidArgumentError, match="invalid path"):
            cfg["a..b"]
        with pytest.raises(gocfg.InvalidArgumentError):
            cfg['"unterminated']


def test_case_sensitive(no_leaks):
    with gocfg.Config({"Port": 1, "port": 2}) as cfg:
        assert cfg["Port"] == 1 and cfg["port"] == 2 and "PORT" not in cfg


def test_section_is_live(no_leaks):
    with gocfg.Config({"server": {"port": 80}}) as cfg:
        server = cfg["server"]
        assert isinstance(server, gocfg.Section) and server.path == "server"
        server["port"] = 81
        server["tls.enabled"] = True
        assert cfg["server.port"] == 81 and cfg["server.tls.enabled"] is True
        cfg["server.host"] = "h"
        assert server["host"] == "h" and len(server) == 3
        assert server == {"port": 81, "tls": {"enabled": True}, "host": "h"}
        assert "Section 'server'" in repr(server)
        del cfg["server"]
        with pytest.raises(KeyError):
            server["port"]
    with pytest.raises(gocfg.ClosedError):
        server["port"]
    with pytest.raises(gocfg.ClosedError):
        len(server)


def test_lists_are_copies(no_leaks):
    with gocfg.Config({"l": [1, 2]}) as cfg:
        lst = cfg["l"]
        lst.append(3)
        assert cfg["l"] == [1, 2]


def test_update_and_constructor_cross_once(no_leaks):
    with gocfg.Config({"a": 1}, b=2) as cfg:
        cfg.update({"c": {"d": 1}}, e=[1])
        cfg.update([("f", None)])
        cfg["c"].update({"x": 1})
        assert cfg.to_dict() == {"a": 1, "b": 2, "c": {"d": 1, "x": 1}, "e": [1], "f": None}
        with gocfg.Config(cfg) as other:
            assert other == cfg
        cp = cfg.copy()
        cp["a"] = 100
        assert cfg["a"] == 1 and cp["a"] == 100
        cp.close()


def test_python_types_are_normalized(no_leaks):
    class Color(enum.IntEnum):
        RED = 1

    class Name(str):
        pass

    with gocfg.Config() as cfg:
        cfg["tuple"] = (1, 2)
        cfg["ordered"] = OrderedDict(b=1, a=2)
        cfg["enum"] = Color.RED
        cfg["sub"] = Name("x")
        assert cfg["tuple"] == [1, 2]
        assert list(cfg["ordered"]) == ["b", "a"]
        assert cfg["enum"] == 1 and type(cfg["enum"]) is int
        assert type(cfg["sub"]) is str


@pytest.mark.parametrize("value,fragment", [
    (b"bytes", "cannot store a value of type 'bytes'"),
    ({1, 2}, "cannot store a value of type 'set'"),
    (1j, "cannot store a value of type 'complex'"),
    (object(), "cannot store a value of type 'object'"),
    (__import__("decimal").Decimal(1), "cannot store a value of type 'decimal.Decimal'"),
    ({"ok": {"bad": b"x"}}, "bad"),
    ([1, [2, b"x"]], "1.1"),
])
def test_unsupported_types_name_the_path(value, fragment, no_leaks):
    with gocfg.Config({"keep": 1}) as cfg:
        with pytest.raises(TypeError, match=fragment) as info:
            cfg["where.it.goes"] = value
        assert "where.it.goes" in str(info.value)
        assert cfg.to_dict() == {"keep": 1}


def test_unsupported_key_types(no_leaks):
    with gocfg.Config() as cfg:
        with pytest.raises(TypeError, match="keys must be str"):
            cfg["m"] = {1: "x"}
        with pytest.raises(TypeError, match="keys must be str"):
            gocfg.Config({("t",): 1})
        with pytest.raises(TypeError):
            cfg[1.5]
        with pytest.raises(TypeError):
            cfg[(1.5,)]


@pytest.mark.parametrize("big", [2**63, -(2**63) - 1, 10**30])
def test_big_integers_are_kept_not_rounded(big, no_leaks):
    with gocfg.Config() as cfg:
        cfg["n"] = big
        assert cfg["n"] == big and type(cfg["n"]) is int
        cfg["n"] = [big]
        assert cfg["n"] == [big]
        assert cfg.get_int("n.0") == big


def test_integers_beyond_cpythons_digit_limit_are_refused(no_leaks):
    with gocfg.Config() as cfg:
        with pytest.raises(gocfg.InvalidArgumentError, match="n.0"):
            cfg["n"] = [10**4300]
        assert "n" not in cfg


def test_time_with_offset_is_refused(no_leaks):
    with gocfg.Config() as cfg:
        with pytest.raises(TypeError, match="UTC offset"):
            cfg["t"] = dt.time(1, 2, tzinfo=UTC)


def test_strings_with_nul_kept_surrogates_refused_in_values(no_leaks):
    with gocfg.Config() as cfg:
        cfg["a"] = {"b": "x\0y"}  # NUL is a character like any other in a value
        assert cfg["a.b"] == "x\0y"
        with pytest.raises(gocfg.InvalidArgumentError, match="UTF-8"):
            cfg["c"] = ["\udc80"]
        assert list(cfg) == ["a"]


def test_deep_nesting_is_refused_cleanly(no_leaks):
    deep: object = "leaf"
    for _ in range(5000):
        deep = [deep]
    with gocfg.Config() as cfg:
        with pytest.raises(gocfg.InvalidArgumentError, match="deep"):
            cfg["d"] = deep
        ok: object = "leaf"
        for _ in range(900):
            ok = {"x": ok}
        cfg["ok"] = ok
        assert cfg.to_dict()["ok"] == ok


def test_large_value_through_get(no_leaks):
    big = {"items": [{"name": f"item{i}", "n": i} for i in range(20_000)]}
    with gocfg.Config(big) as cfg:
        assert cfg["items"] == big["items"]
        assert cfg.to_dict() == big
