"""Regression tests for the Python side of the hardening issue (14): the
read cache's keys, what pop() returns, typed reads of extreme values, and
secrets kept out of messages and origins."""
from __future__ import annotations

import dataclasses
import datetime as dt
import html.parser
import json
import os
import pathlib
import subprocess
import sys
import time

import gocfg
import pytest

# ------------------------------------------------- the read cache's keys


class _Shifty(str):
    """A str subclass whose equality and hash say it is another key."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return hash("a")


@pytest.mark.parametrize("warm", [False, True])
def test_the_cache_refuses_what_an_uncached_read_refuses(no_leaks, warm):
    """With warm, the good keys were read (and cached) first: the answers
    for the bad keys must not change."""
    with gocfg.Config({"l": [10, 20], "a": 1, "b": 2, "s": {"1": "one"}}) as c:
        if warm:
            assert c[("l", 0)] == 10 and c[("l", 1)] == 20 and c["a"] == 1 and c[("s", "1")] == "one"
        for bad in [("l", False), ("l", True), ("l", 0.0), ("l", 1.0), ("l", None)]:
            with pytest.raises(TypeError):
                c[bad]
        for bad in [1, 0, 1.0, None, b"a", True]:
            with pytest.raises(TypeError):
                c[bad]
        # A str subclass reads its own text, whatever its __eq__ says.
        assert c[_Shifty("b")] == 2
        assert c[_Shifty("b")] == 2
        # Every good spelling still reads (and caches) the right value.
        assert c[("l", 0)] == 10 and c["l.0"] == 10 and c[("l", 1)] == 20
        assert c[("s", "1")] == "one" and c["s.1"] == "one"
        assert c[("a",)] == 1 and c["a"] == 1
        c["a"] = 5
        assert c[("a",)] == 5 and c["a"] == 5


def test_the_cache_keeps_keys_that_only_look_alike_apart(no_leaks):
    with gocfg.Config({"a.b": "literal", "a": {"b": "nested"}}) as c:
        for _ in range(2):
            assert c[("a.b",)] == "literal"
            assert c["a.b"] == "nested"
            assert c[("a", "b")] == "nested"
            assert c['"a.b"'] == "literal"


# ------------------------------------------- pop(), popitem(), clear()


def test_pop_of_a_map_returns_its_contents(no_leaks):
    with gocfg.Config({"db": {"host": "h", "ports": [1, 2], "tls": {"on": True}}, "x": 1}) as c:
        got = c.pop("db")
        assert got == {"host": "h", "ports": [1, 2], "tls": {"on": True}}
        assert type(got) is dict
        assert "db" not in c
        c["db"] = {"other": 1}  # something new at the same path
        assert got == {"host": "h", "ports": [1, 2], "tls": {"on": True}}
        assert c.pop("db.other") == 1
        assert c.pop("missing", None) is None
        with pytest.raises(KeyError):
            c.pop("missing")
        with pytest.raises(TypeError):
            c.pop(("x", 1.5))
        assert c.pop("x") == 1 and len(c) == 1


def test_pop_through_a_section_and_lists(no_leaks):
    with gocfg.Config({"s": {"inner": {"k": "v"}, "l": [[1], {"m": 2}]}}) as c:
        s = c["s"]
        assert s.pop("inner") == {"k": "v"}
        assert s.pop("l") == [[1], {"m": 2}]
        assert c.to_dict() == {"s": {}}


def test_popitem_returns_contents_and_takes_keys_literally(no_leaks):
    with gocfg.Config() as c:
        c.update({"a.b": {"x": 1}, "plain": [1], "a": {"b": "nested"}})
        assert c.popitem() == ("a.b", {"x": 1})
        assert c["a.b"] == "nested"  # the nested value was not touched
        k, v = c.popitem()
        assert (k, v) == ("plain", [1])
        assert c.popitem() == ("a", {"b": "nested"})
        with pytest.raises(KeyError):
            c.popitem()


def test_section_clear_removes_keys_holding_dots(no_leaks):
    with gocfg.Config() as c:
        c["s"] = {"a.b": 1, "c": {"d": 2}, "e": 3}
        c["s"].clear()
        assert c.to_dict() == {"s": {}}


# ------------------------------------------- typed reads of extreme values

@pytest.mark.parametrize("value", ["1e400s", "1e400", 1e300, -1e300, float("nan"), float("inf"), "nan", "inf",
                                   "-inf", "1e308h", 10**30, "9" * 30 + "w", ".nan"])
def test_get_duration_refuses_what_timedelta_cannot_hold(no_leaks, value):
    with gocfg.Config({"d": value}) as c:
        with pytest.raises(gocfg.TypeMismatchError, match=r"^d: expected a duration"):
            c.get_duration("d")


@pytest.mark.parametrize("value, expected", [("30s", dt.timedelta(seconds=30)), (1.5, dt.timedelta(seconds=1.5)),
                                             ("-5m", dt.timedelta(minutes=-5)), (86400 * 365 * 1000,
                                                                                dt.timedelta(days=365000))])
def test_get_duration_still_reads_good_values(no_leaks, value, expected):
    with gocfg.Config({"d": value}) as c:
        assert c.get_duration("d") == expected


@pytest.mark.parametrize("value", ["1" * 5000, "-" + "9" * 4301, "0" * 5000 + "7", 1e300, -1e300, 2.0**63, float("nan"),
                                   float("inf"), 1.5, "1.0", True])
def test_get_int_refuses_with_a_type_mismatch(no_leaks, value):
    with gocfg.Config({"n": value}) as c:
        with pytest.raises(gocfg.TypeMismatchError, match=r"^n: expected int") as info:
            c.get_int("n")
        assert len(str(info.value)) < 300  # a 5,000-digit value is not quoted whole


@pytest.mark.parametrize("value, expected", [("9" * 30, int("9" * 30)), (" -12 ", -12), (2.0**62, 2**62),
                                             (-(2.0**63), -(2**63)), ("0" * 4000 + "7", 7), (3.0, 3)])
def test_get_int_reads_big_and_good_values(no_leaks, value, expected):
    with gocfg.Config({"n": value}) as c:
        assert c.get_int("n") == expected


def test_typed_reads_of_an_int_beyond_64_bits(no_leaks):
    with gocfg.Config() as c:
        c["n"] = 10**400  # the value tree keeps big ints
        assert c.get_int("n") == 10**400
        assert c.get_str("n") == "1" + "0" * 400
        with pytest.raises(gocfg.TypeMismatchError, match=r"^n: expected float, got an int of 401 digits"):
            c.get_float("n")
        with pytest.raises(gocfg.TypeMismatchError, match=r"^n: expected a duration"):
            c.get_duration("n")
        with pytest.raises(gocfg.TypeMismatchError, match=r"^n: expected bool, got an int of 401 digits"):
            c.get_bool("n")


@dataclasses.dataclass
class _Timing:
    timeout: dt.timedelta
    retries: int
    ratio: float = 1.0


def test_to_reports_extreme_values_as_validation_errors(no_leaks):
    with gocfg.Config({"timeout": "1e400s", "retries": 1e300, "ratio": "x"}) as c:
        with pytest.raises(gocfg.ValidationError) as info:
            c.to(_Timing)
        paths = sorted(p for p, _ in info.value.errors)
        assert paths == ["ratio", "retries", "timeout"]
    with gocfg.Config({"timeout": float("nan"), "retries": "1" * 5000}) as c:
        with pytest.raises(gocfg.ValidationError) as info:
            c.to(_Timing)
        assert sorted(p for p, _ in info.value.errors) == ["retries", "timeout"]


@pytest.mark.parametrize("seconds", [30, -30, 1, 59.5])
def test_a_utc_offset_with_seconds_is_refused_before_the_call(no_leaks, seconds):
    tz = dt.timezone(dt.timedelta(hours=2, seconds=seconds))
    with gocfg.Config({"keep": 1}) as c:
        for value in (dt.datetime(2024, 5, 1, 12, tzinfo=tz), [dt.datetime(2024, 5, 1, tzinfo=tz)]):
            with pytest.raises(gocfg.InvalidArgumentError, match="whole minutes"):
                c["t"] = value
            with pytest.raises(gocfg.InvalidArgumentError, match=r"t\.x"):
                c.update({"t": {"x": value}})
        assert c.to_dict() == {"keep": 1}


@pytest.mark.parametrize("minutes", [0, 330, -330, -59, 23 * 60 + 59])
def test_whole_minute_offsets_read_back_exactly(no_leaks, minutes):
    value = dt.datetime(2024, 5, 1, 12, 30, 15, 250, tzinfo=dt.timezone(dt.timedelta(minutes=minutes)))
    with gocfg.Config({"t": value}) as c:
        got = c["t"]
        assert got == value and got.utcoffset() == value.utcoffset()


# ------------------------------------------------ secrets in the clear

SECRET = "hunter2-s3cr3t"
ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def default_rule():
    gocfg.set_secret_pattern(None)
    yield
    gocfg.set_secret_pattern(None)


def test_python_and_the_library_agree_on_the_secret_rule(default_rule):
    """The same table as gocore/layer's Go test: both copies of the rule."""
    table = json.loads((ROOT / "gocore" / "layer" / "testdata" / "secret_keys.json").read_text("utf-8"))
    assert len(table) >= 20
    assert any(r["secret"] for r in table) and not all(r["secret"] for r in table)
    for row in table:
        assert gocfg.secrets.is_secret(row["path"].split(".")) is row["secret"], row
    # And the library's own use of it: an override's origin.
    for row in table:
        if not row["path"] or "." in row["path"] or " " in row["path"]:
            continue
        with gocfg.load(overrides=[f"{row['path']}=v4lue"]) as cfg:
            shown = str(cfg.origin((row["path"],)))
        assert ("v4lue" not in shown) is row["secret"], (row, shown)


@pytest.mark.parametrize("method, value", [("get_int", SECRET), ("get_bool", SECRET), ("get_duration", SECRET),
                                           ("get_float", SECRET), ("get_list", 12345678),
                                           ("get_str", [SECRET]), ("get_int", {"a": SECRET})])
def test_typed_read_errors_never_quote_a_secret(no_leaks, default_rule, method, value):
    with gocfg.Config({"db": {"password": value, "pw_list": [SECRET]}, "api": {"token": value}}) as c:
        for key in ("db.password", "api.token"):
            with pytest.raises(gocfg.TypeMismatchError) as info:
                getattr(c, method)(key)
            assert SECRET not in str(info.value) and "12345678" not in str(info.value)
            assert key in str(info.value) and "secret, not shown" in str(info.value)


def test_secrets_inside_a_quoted_map_are_masked(no_leaks, default_rule):
    with gocfg.Config({"db": {"host": "h", "password": SECRET}}) as c:
        with pytest.raises(gocfg.TypeMismatchError) as info:
            c.get_int("db")
        assert SECRET not in str(info.value) and "'host': 'h'" in str(info.value)


@dataclasses.dataclass
class _Db:
    host: str
    port: int
    password: int  # wrongly typed, so that the value is reported


@dataclasses.dataclass
class _App:
    db: _Db
    tokens: int = 0


def test_validation_errors_never_quote_a_secret(no_leaks, default_rule):
    with gocfg.Config({"db": {"host": "h", "port": "eighty", "password": SECRET},
                       "tokens": {"x": SECRET}}) as c:
        with pytest.raises(gocfg.ValidationError) as info:
            c.to(_App)
        text = str(info.value) + repr(info.value.errors)
        assert SECRET not in text
        assert "'eighty'" in text  # a value that is no secret is still quoted
        assert sorted(p for p, _ in info.value.errors) == ["db.password", "db.port", "tokens"]
        with pytest.raises(gocfg.ValidationError) as info:
            c["db"].to(_Db)
        assert SECRET not in str(info.value)


def test_a_custom_pattern_masks_messages_and_origins(no_leaks, default_rule):
    gocfg.set_secret_pattern(["dsn"])
    with gocfg.load(defaults={"dsn": SECRET}, overrides=[f"dsn={SECRET}x"]) as c:
        with pytest.raises(gocfg.TypeMismatchError) as info:
            c.get_int("dsn")
        assert SECRET not in str(info.value)
        assert str(c.origin("dsn")) == "override dsn=********"
        assert SECRET not in c.show() and SECRET not in repr(c)
    # Messages the library writes about a secret by the changed pattern only.
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.load(overrides=[f"dsn=[{SECRET}"])
    assert SECRET not in str(info.value) and "dsn" in str(info.value)
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.load(env_prefix="APP", environ={"APP_DB__DSN": f"[{SECRET}"})
    assert SECRET not in str(info.value) and "APP_DB__DSN" in str(info.value)
    with pytest.raises(gocfg.ParseError, match=r"\[unclosed"):  # not a secret by this pattern
        gocfg.load(overrides=["host=[unclosed"])


def test_bad_secret_environment_values_and_overrides_are_not_quoted(no_leaks, default_rule):
    for value in (f"[{SECRET}", f"{{{SECRET}: [", f"[1, {SECRET}"):
        with pytest.raises(gocfg.ParseError) as info:
            gocfg.load(env_prefix="APP", environ={"APP_DB__PASSWORD": value})
        assert SECRET not in str(info.value) and "APP_DB__PASSWORD" in str(info.value)
        with pytest.raises(gocfg.ParseError) as info:
            gocfg.load(overrides=[f"db.password={value}"])
        assert SECRET not in str(info.value) and "db.password" in str(info.value)
    with pytest.raises(gocfg.InvalidArgumentError) as info:
        gocfg.load(overrides=[f'"db..password={SECRET}'])
    assert SECRET not in str(info.value)
    # No secret: the value is quoted, which helps find the mistake.
    with pytest.raises(gocfg.ParseError, match=r"\[unclosed"):
        gocfg.load(overrides=["db.host=[unclosed"])


@pytest.mark.parametrize("item, shown", [("db.password" + SECRET, "db.password…"),
                                         ("db.password:" + SECRET, "db.password…"),
                                         ("API_TOKEN " + SECRET, "API_TOKEN…")])
def test_an_override_without_equals_quotes_only_the_key_of_a_secret(no_leaks, default_rule, item, shown):
    for watch in (False, True):
        with pytest.raises(gocfg.InvalidArgumentError) as info:
            gocfg.load(overrides=[item], watch=watch)
        assert SECRET not in str(info.value) and f'override "{shown}": expected key=value' in str(info.value)
    r = subprocess.run([sys.executable, "-m", "gocfg", "show", "--set", item], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode != 0 and SECRET not in r.stderr + r.stdout and shown in r.stderr
    # No secret: quoted whole, which helps find the mistake.
    with pytest.raises(gocfg.InvalidArgumentError, match='"db.host:5"'):
        gocfg.load(overrides=["db.host:5"])
    # A secret by a changed pattern only.
    gocfg.set_secret_pattern(["dsn"])
    with pytest.raises(gocfg.InvalidArgumentError) as info:
        gocfg.load(overrides=["app.dsn:" + SECRET])
    assert SECRET not in str(info.value) and 'override "app.dsn…"' in str(info.value)


def test_override_origins_of_secrets_are_masked_everywhere(no_leaks, default_rule):
    with gocfg.load(defaults={"db": {"password": "old"}}, overrides=[f"db.password={SECRET}", "db.port=5"]) as c:
        assert c["db.password"] == SECRET  # reading gives the real value
        outputs = [str(c.origin("db.password")), repr(c.history("db.password")), repr(c.explain()), repr(c),
                   c.show(), c._repr_html_() or "", str(c.diff({"db": {"password": "x"}}))]

        class Printer:
            def __init__(self):
                self.parts = []

            def text(self, t):
                self.parts.append(t)

        p = Printer()
        c._repr_pretty_(p, False)
        outputs.append("".join(p.parts))
        for out in outputs:
            assert SECRET not in out, out
        assert "override db.password=********" in c.show()
        assert "override db.port=5" in c.show()
        # Revealed on request: the value, never the origin's copy of it.
        assert SECRET in c.show(reveal=True)


def test_values_interpolating_a_secret_are_masked_in_every_display(no_leaks, default_rule):
    env = {"DB_PASSWORD": SECRET, "HOME_DIR": "/home/me"}
    data = {"dsn": "pg://app:${env:DB_PASSWORD}@db/app", "copy": "${dsn}", "deep": {"x": "${copy}!"},
            "db": {"password": "pw-" + SECRET}, "via_path": "${db.password}", "home": "${env:HOME_DIR}",
            "literal": "$${env:DB_PASSWORD}", "l": ["${env:DB_PASSWORD}", "plain"]}
    with gocfg.load(data, environ=env) as c:
        assert c["dsn"] == f"pg://app:{SECRET}@db/app"  # reads resolve
        p_parts = []

        class P:
            def text(self, t):
                p_parts.append(t)

        c._repr_pretty_(P(), False)
        for out in (repr(c), c.show(), c._repr_html_() or "", "".join(p_parts), repr(c["deep"]),
                    c["deep"].show()):
            assert SECRET not in out, out
            assert "/home/me" in out or out.startswith("<gocfg.Section") or "deep" in out
        assert "${env:DB_PASSWORD}" in repr(c) and "'plain'" in repr(c)
        assert SECRET in c.show(reveal=True)
        d = c.diff({"dsn": "other"})
        assert SECRET not in str(d) and SECRET in repr(d.changed)


@dataclasses.dataclass
class _Derived:
    dsn: int
    e: float
    db: dict


@pytest.mark.parametrize("method", ["get_int", "get_float", "get_bool", "get_duration"])
def test_typed_reads_of_values_interpolating_a_secret_never_quote_it(no_leaks, default_rule, method):
    data = {"db": {"password": SECRET}, "dsn": "pg://u:${db.password}@h", "e": "${env:DB_PASSWORD}",
            "copy": "${dsn}", "l": ["${env:DB_PASSWORD}", "plain"], "host": "db.example"}
    with gocfg.load(data, environ={"DB_PASSWORD": SECRET}) as c:
        for key in ("dsn", "e", "copy", "l.0"):
            with pytest.raises(gocfg.TypeMismatchError) as info:
                getattr(c, method)(key)
            text = str(info.value)
            assert SECRET not in text and text.startswith(f"{key}: expected "), text
            assert "got a str (secret, not shown)" in text, text
        with pytest.raises(gocfg.TypeMismatchError) as info:
            c.get_int("l")  # the list is quoted, the element that interpolates a secret masked
        assert SECRET not in str(info.value) and "'plain'" in str(info.value)
        with pytest.raises(gocfg.TypeMismatchError, match="got 'db.example'"):
            getattr(c, method)("host")  # no secret: quoted


def test_to_never_quotes_a_value_interpolating_a_secret(no_leaks, default_rule):
    data = {"db": {"password": SECRET}, "dsn": "pg://u:${db.password}@h", "e": "${env:DB_PASSWORD}"}
    with gocfg.load(data, environ={"DB_PASSWORD": SECRET}) as c:
        with pytest.raises(gocfg.ValidationError) as info:
            c.to(_Derived)
        text = str(info.value) + repr(info.value.errors)
        assert SECRET not in text
        assert sorted(p for p, _ in info.value.errors) == ["dsn", "e"]
        for _, message in info.value.errors:
            assert "got a str (secret, not shown)" in message, message


def test_reprs_of_explain_rows_and_changes_mask_values_interpolating_a_secret(no_leaks, default_rule):
    data = {"password": SECRET, "dsn": "u:${password}@h", "e": "${env:DB_PASSWORD}",
            "l": ["${env:DB_PASSWORD}", "plain"], "host": "db.example"}
    with gocfg.load(data, environ={"DB_PASSWORD": SECRET}) as c:
        rows = c.explain()
        assert SECRET not in repr(rows) and "'db.example'" in repr(rows) and "'plain'" in repr(rows)
        # The rows are data: the real values, unpacked and compared as Leafs.
        by_path = {path: value for path, value, _, _ in rows}
        assert by_path["dsn"] == f"u:{SECRET}@h" and by_path["l"] == [SECRET, "plain"]
        assert rows == [gocfg.Leaf(*r) for r in rows]
        import copy
        import pickle
        for again in (pickle.loads(pickle.dumps(rows)), copy.deepcopy(rows)):
            assert again == rows and SECRET not in repr(again)
        with gocfg.Config({}) as empty:
            d = c.diff(empty)
            d2 = empty.diff(c)
        for diff in (d, d2):
            assert SECRET not in repr(list(diff)) and SECRET not in str(diff)
            assert "'db.example'" in repr(list(diff))
        assert d.removed["dsn"] == f"u:{SECRET}@h"  # data is not masked
        assert list(d) == [gocfg.Change(ch.op, ch.path, ch.old, ch.new) for ch in d]


def test_repr_of_a_config_as_deep_as_the_library_allows(no_leaks, default_rule):
    deep = "pre-${password}"
    for _ in range(998):
        deep = {"k": deep}
    with gocfg.load({"password": SECRET, "d": deep, "n": 1}) as c:
        for shown in (repr(c), str(c), repr(c["d"])):
            # Each value is cut to a cell's length (made without recursion).
            assert SECRET not in shown and shown.count("{'k': ") >= 10 and len(shown) < 1000
        assert "'password': '********'" in repr(c)
        # The full listing reaches the bottom, masked (it interpolates the secret).
        assert c.show().count(".k") == 998 and '= "********"' in c.show() and SECRET not in c.show()
        with pytest.raises(gocfg.TypeMismatchError) as info:
            c.get_int("d")
        assert "got a map {'k': {'k':" in str(info.value)
        assert not gocfg.secrets.has_secrets(c.to_dict()["d"])
        masked, levels = gocfg.secrets.mask({"a": deep, "token": 1}), 0
        node = masked["a"]
        while isinstance(node, dict):  # (== on such a map would recurse)
            node, levels = node["k"], levels + 1
        assert levels == 998 and node == "pre-${password}" and masked["token"] == "********"


def test_notebook_table_bounds_every_cell(no_leaks, default_rule):
    # Values were cut to 120 characters, but keys (and so paths) were not:
    # 500 rows of a 1 MB key each made a 500 MB page.
    long_key = "k" * 1_000_000
    with gocfg.Config({long_key: {"password": SECRET, "v": "x" * 1_000_000}, "a": 1}) as c:
        page = c._repr_html_()
        s = c[(long_key,)]
        section_html = s._repr_html_()
    assert len(page) < 10_000 and "kkk…" in page and SECRET not in page
    assert len(section_html) < 10_000  # its title names the long path
    parser = _Cells()
    parser.feed(page)
    assert [len(r) for r in parser.rows] == [4, 4, 4, 4] and all(len(cell) <= 200 for r in parser.rows for cell in r)
    assert parser.rows[1][:3] == ["k" * 199 + "…", "********", "secret"]


def test_notebook_text_form_is_as_bounded_as_the_table(no_leaks, default_rule):
    # Jupyter makes and sends the text form with the HTML one: the table
    # stops at 500 rows, the text listed every leaf (16 MB of text, 9 s,
    # for 600,000 leaves).
    pretty = pytest.importorskip("IPython.lib.pretty")
    with gocfg.Config({f"k{i}": {"a": i, "password": SECRET} for i in range(1000)}) as c:
        text = pretty.pretty(c)
        section = pretty.pretty(c[("k1",)])
        everything = c.show()
    lines = text.splitlines()
    assert lines[0] == "gocfg.Config: 1000 keys" and lines[-1] == "… 1500 more (show() lists them all)"
    assert len(lines) == 1 + 500 + 1 and SECRET not in text
    assert section.splitlines()[0] == "gocfg.Section 'k1': 2 keys" and "more" not in section
    assert len(everything.splitlines()) == 2000  # show() lists every leaf


def test_notebook_displays_fetch_only_the_rows_they_show(no_leaks, default_rule, monkeypatch):
    # Both notebook forms show 500 rows and count the rest: the library
    # makes those rows alone (gocfg_config_explain_first), where the whole
    # listing was fetched and decoded (100,000 keys of 1 KB: 2.6 s).
    pretty = pytest.importorskip("IPython.lib.pretty")
    from gocfg import _capi

    asked = []
    first = _capi.config_explain_first

    def counting(owner, h, p, max_rows):
        data, total = first(owner, h, p, max_rows)
        asked.append((max_rows, len(data), total))
        return data, total

    def whole(*args):
        raise AssertionError("a display fetched every row")

    monkeypatch.setattr(_capi, "config_explain_first", counting)
    monkeypatch.setattr(_capi, "config_explain", whole)
    value = "v" * 1000
    with gocfg.Config({f"k{i:05d}": value for i in range(20_000)}) as c:
        c["zz.password"] = SECRET
        text = pretty.pretty(c)
        page = c._repr_html_()
        section = pretty.pretty(c[("zz",)])
    lines = text.splitlines()
    assert lines[1].startswith("k00000") and lines[-1] == "… 19501 more (show() lists them all)"
    assert len(lines) == 1 + 500 + 1 and "k00500" not in text and SECRET not in text
    assert "… 19501 more</td>" in page and page.count("<tr>") == 1 + 500 + 1 and SECRET not in page
    assert page.count("v" * 100) == 500  # each value cut to its cell
    assert "********" in section and SECRET not in section
    assert [(m, t) for m, _, t in asked] == [(500, 20_001), (500, 20_001), (500, 1)]
    assert all(n < 500 * 1100 for _, n, _ in asked)  # 500 rows of 1 KB, not 20 MB


def test_notebook_text_form_and_repr_cut_each_value_as_the_table_does(no_leaks, default_rule):
    # The table cut each cell to a line's length, the text form (which
    # Jupyter makes, sends and keeps in the .ipynb with the table) and the
    # repr printed every value whole: 300 rows of 100 KB values made 30 MB
    # of text, a list of a million ints 8 MB of repr.
    pretty = pytest.importorskip("IPython.lib.pretty")
    long_key = "k" * 5000
    data = {f"v{i}": f"{i}:" + "x" * 100_000 for i in range(300)}
    data["ints"] = list(range(1_000_000))
    data[long_key] = {"password": SECRET, "n": "y" * 100_000}
    with gocfg.Config(data) as c:
        text = pretty.pretty(c)
        lines = text.splitlines()
        assert len(lines) == 1 + 303 and SECRET not in text  # 300 strings, the list, 2 under long_key
        assert max(len(line) for line in lines) < 1000, max(len(line) for line in lines)
        row = next(line for line in lines if line.startswith("v7 "))
        assert '"7:xxxx' in row and row.endswith("…")
        assert any(line.startswith("ints") and "[0, 1, 2, 3" in line for line in lines)
        shown = repr(c)
        assert len(shown) < 3000 and "'7:xxxx" in shown and SECRET not in shown, len(shown)
        assert len(repr(c[(long_key,)])) < 3000
        assert len(c._repr_html_() or "") < 300_000
        # show() is the full listing: nothing cut there.
        assert "x" * 100_000 in c.show()


class _Cells(html.parser.HTMLParser):
    """The text of each table row's cells, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list = []
        self._cell: "list | None" = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_display_of_a_config_read_from_a_file_name_that_is_not_utf8(no_leaks, default_rule, tmp_path):
    # The origin's file name (bytes on Linux) reached Python as strict
    # UTF-8: origin(), explain(), show(), repr() and the notebook display
    # (into Jupyter, not a gocfg.Error) raised UnicodeDecodeError.
    name = os.fsdecode(os.fsencode(str(tmp_path)) + b"/app-\xff.yaml")
    try:
        with open(name, "w") as f:
            f.write(f"port: 1\npassword: {SECRET}\n")
    except (OSError, UnicodeEncodeError):
        pytest.skip("the file system takes only UTF-8 names")
    with gocfg.load(name) as c:
        assert c.origin("port") == gocfg.Origin("file", name, 1, 1, 0)  # os.fsdecode's str, as given
        assert [leaf.origin.name for leaf in c.explain()] == [name, name]
        assert c.show().splitlines()[0] == f"port     = 1           # {name}:1:1"
        assert repr(c) == "<gocfg.Config 2 keys {'port': 1, 'password': '********'}>"
        page = c._repr_html_()
        assert f"{name}:1:1" in page and SECRET not in page


def test_display_of_a_section_whose_map_was_replaced(no_leaks):
    # repr() raised AttributeError ('int' object has no attribute 'items'):
    # in a notebook, a traceback where the text form should be. The table
    # called a list "1 key".
    with gocfg.Config({"a": {"b": 1}}) as c:
        s = c["a"]
        for value, what in ((5, "an int"), ([1], "a list"), (None, "null"), ("x", "a str")):
            c["a"] = value
            assert repr(s) == f"<gocfg.Section 'a' (cannot be shown: it holds {what} now, not a map)>"
            assert s._repr_html_() is None  # the notebook shows the text form
            pretty = pytest.importorskip("IPython.lib.pretty")
            assert pretty.pretty(s) == f"<gocfg.Section 'a': it holds {what} now, not a map>"
        c["a"] = {"b": 2}  # a map again: shown again
        assert repr(s) == "<gocfg.Section 'a' 1 key {'b': 2}>" and "<td" in s._repr_html_()


def test_display_of_lists_as_deep_as_the_library_allows(no_leaks, default_rule):
    from gocfg.display import json_text

    # A value is written as JSON in the notebook table, show() and the
    # pretty printer: json.dumps recursed once per level and raised
    # RecursionError (into Jupyter) for lists some 990 levels deep.
    deep: list = [{"token": SECRET, "n": 1}]
    for _ in range(997):
        deep = [deep]
    with gocfg.Config({"deep": deep, "password": SECRET}) as c:
        html = c._repr_html_()
        text = c.show()
        assert html is not None and "[[[[" in html and SECRET not in html
        assert text.count("[") == 998 and '{"token": "********", "n": 1}' in text and SECRET not in text
        # explain() rows and diff changes: their reprs used repr() of the value.
        with gocfg.Config({}) as empty:
            changes = list(c.diff(empty))
        assert repr(changes).count("[") >= 998 and SECRET not in repr(changes)
        pretty = pytest.importorskip("IPython.lib.pretty")
        shown = pretty.pretty(c)
        assert "[[[[" in shown and SECRET not in shown  # each value cut to a cell's length, as the table cuts it
        for rows in (c.explain(), changes):
            shown = pretty.pretty(rows)
            assert shown.count("[") >= 998 and SECRET not in shown
    # The text is json.dumps' own, where json.dumps can write it, except
    # that line separators and bidi controls are \u escapes (as valid).
    for value in ([1, [2.5, None, True]], {"a": {"b": [], "c": {}}, "é\n": "\u2028\""}, [float("nan"), -2**70],
                  {"t": dt.time(1, 2), "d": [dt.date(2020, 1, 2)]}):
        expected = json.dumps(value, ensure_ascii=False, default=lambda v: v.isoformat())
        assert json_text(value) == expected.replace("\u2028", "\\u2028")


@pytest.mark.parametrize("fmt, text, where", [
    ("yaml", f"password: !!int {SECRET}\n", "line 1, column 11"),
    ("yaml", f"db:\n  password: !!float {SECRET}\n", "line 2, column 13"),
    ("yaml", f"token: !!bool {SECRET}\n", "line 1, column 8"),
    ("yaml", f"password: !!timestamp {SECRET}\n", "line 1, column 11"),
    ("yaml", f"password: *{SECRET}\n", "line 1, column 11"),  # an unquoted password starting with "*"
    ("env", f"PASSWORD=ab${{!{SECRET}\n", "line 1, column 12"),  # one holding "${"
    ("env", f"PASSWORD=${{NOPE:?{SECRET}}}\n", "line 1, column 10"),
    ("hcl", f"password = {SECRET}\n", "line 1, column 12"),
    ("hcl", f'password = "%{{ {SECRET} }}"\n', "line 1, column 16"),
])
def test_parse_errors_never_quote_the_value_of_a_secret_key(no_leaks, default_rule, tmp_path, fmt, text, where):
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.Config.loads(text, fmt)
    assert SECRET not in str(info.value) and where in str(info.value) and "not shown" in str(info.value)
    path = tmp_path / f"app.{fmt}"
    path.write_text(text)
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.load(path)
    assert SECRET not in str(info.value) + repr(info.value) and str(path) in str(info.value)
    # The same mistake under a key that is no secret: the text is quoted.
    with pytest.raises(gocfg.ParseError, match=SECRET):
        gocfg.Config.loads(text.replace("password", "host").replace("PASSWORD", "HOST").replace("token", "host"), fmt)


def test_toml_refusal_of_a_big_integer_never_quotes_a_secret(no_leaks, default_rule, tmp_path):
    digits = "1234567890123456789012345"
    with gocfg.load({"api_key": int(digits), "db": {"port": int(digits) + 1}}) as c:
        with pytest.raises(gocfg.TypeMismatchError) as info:
            c.dumps("toml")
        assert digits not in str(info.value) and "api_key" in str(info.value) and "64-bit" in str(info.value)
        with pytest.raises(gocfg.TypeMismatchError) as info:
            c.save(tmp_path / "out.toml")
        assert digits not in str(info.value) and "api_key" in str(info.value)
        del c["api_key"]
        with pytest.raises(gocfg.TypeMismatchError, match=str(int(digits) + 1)):
            c.dumps("toml")  # no secret: quoted
    src = tmp_path / "in.json"
    src.write_text(f'{{"secrets": {{"api_key": {digits}}}}}')
    r = subprocess.run([sys.executable, "-m", "gocfg", "convert", str(src), str(tmp_path / "out.toml")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and digits not in r.stderr + r.stdout and "64-bit" in r.stderr


def test_cli_show_masks_override_origins_and_interpolated_secrets(tmp_path, default_rule):
    (tmp_path / "app.yaml").write_text("db:\n  host: h\ndsn: 'pg://u:${env:DB_PASSWORD}@h'\n")
    env = dict(os.environ, DB_PASSWORD=SECRET, APP_DB__PASSWORD=f"[{SECRET}")
    base = [sys.executable, "-m", "gocfg", "show", str(tmp_path / "app.yaml")]
    r = subprocess.run(base + ["--set", f"db.password={SECRET}", "--origin"], capture_output=True, text=True,
                       env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert SECRET not in r.stdout and "override db.password=********" in r.stdout
    r = subprocess.run(base + ["--set", "x=1"], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0 and SECRET not in r.stdout and "********" in r.stdout
    r = subprocess.run(base + ["--set", f"db.password=[{SECRET}"], capture_output=True, text=True, env=env,
                       timeout=60)
    assert r.returncode == 2 and SECRET not in r.stderr + r.stdout and "db.password" in r.stderr
    r = subprocess.run(base + ["--env-prefix", "APP"], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 1 and SECRET not in r.stderr + r.stdout and "APP_DB__PASSWORD" in r.stderr


def test_a_watch_without_end_given_as_infinity(no_leaks):
    """Same class as item 13: float("inf") reached int() and raised
    OverflowError at the first poll."""
    import threading

    with gocfg.Database("memory://") as db:
        got = []
        w = db.watch("app", timeout=float("inf"))

        def consume():
            for ev in w:
                got.append(ev)
                break

        t = threading.Thread(target=consume)
        t.start()
        deadline = time.monotonic() + 20
        while t.is_alive() and time.monotonic() < deadline:
            db.save("app", {"a": 1})
            t.join(0.1)
        w.close()
        assert got and got[0].name == "app"
        for bad in (float("nan"), -1.0):
            with pytest.raises(gocfg.InvalidArgumentError):
                db.watch("app", timeout=bad)


def test_interpolation_errors_do_not_quote_secrets(no_leaks, default_rule):
    with gocfg.load({"db": {"password": f"{SECRET}${{oops", "host": "h${oops"}, "dsn": "${env:DB_PASSWORD}"},
                    environ={"DB_PASSWORD": f"[{SECRET}"}) as c:
        for key in ("db.password", "dsn"):
            with pytest.raises(gocfg.InterpolationError) as info:
                c[key]
            assert SECRET not in str(info.value) and "not shown" in str(info.value)
        with pytest.raises(gocfg.InterpolationError, match=r"\$\{oops"):
            c["db.host"]  # no secret: quoted
        assert SECRET not in repr(c) and SECRET not in c.show() and SECRET not in (c._repr_html_() or "")


def test_a_long_chain_to_a_secret_is_masked_at_every_link(no_leaks, default_rule):
    n = 300
    data = {f"c{i}": "${c%d}" % (i + 1) for i in range(n)}
    data[f"c{n}"] = "pre-${env:API_TOKEN}"
    data["free"] = "${env:HOME_DIR}"
    with gocfg.load(data, environ={"API_TOKEN": SECRET, "HOME_DIR": "/home/me"}) as c:
        assert c["c0"] == f"pre-{SECRET}"
        shown = c.show()
        assert SECRET not in shown and "/home/me" in shown
        assert shown.count("********") == n + 1


def test_a_structure_that_holds_itself_is_refused_naming_where(no_leaks):
    looped = {"a": 1}
    looped["self"] = looped
    ring = [1]
    ring.append(ring)
    shared = [1, {"d": dt.date(2024, 1, 2)}]
    with gocfg.Config() as cfg:
        for value, where, what in ((looped, "x.self", "map"), ({"r": ring}, "x.r.1", "list"),
                                   ([{"in": looped}], "x.0.in.self", "map")):
            with pytest.raises(gocfg.InvalidArgumentError) as e:
                cfg["x"] = value
            assert str(e.value).startswith(f"{where}: the {what} holds itself"), str(e.value)
        # One list in two places is no loop.
        cfg["y"] = {"a": shared, "b": [shared, shared]}
        assert cfg["y.b.1.1.d"] == dt.date(2024, 1, 2) and "x" not in cfg
