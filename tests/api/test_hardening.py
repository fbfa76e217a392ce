"""Regression tests for the Python side of the hardening issue (14): the
read cache's keys, what pop() returns, typed reads of extreme values, and
secrets kept out of messages and origins."""
from __future__ import annotations

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
