"""Objects with hostile dunder methods, and structures that contain
themselves, passed as keys, values and defaults."""
from __future__ import annotations

import enum
import threading

import gocfg
import pytest


class Lying(int):
    def __int__(self):
        return 42

    def __index__(self):
        return 43

    def __str__(self):
        return "9" * 100_000


class Raising(int):
    def __int__(self):
        raise RuntimeError("no int")


class LyingFloat(float):
    def __float__(self):
        return 9.5


class Colour(enum.IntEnum):
    RED = 7


def test_number_subclasses_are_stored_as_the_number_they_are(no_leaks):
    # int(x) called the subclass's __int__: Lying(5) was stored as 42,
    # LyingFloat(1.5) as 9.5, and Raising(3) raised its RuntimeError.
    with gocfg.Config() as cfg:
        cfg["a"] = Lying(5)
        cfg["b"] = [Raising(3), {"c": LyingFloat(1.5)}]
        cfg.update({"d": Colour.RED})
        assert cfg.to_dict() == {"a": 5, "b": [3, {"c": 1.5}], "d": 7}
        assert type(cfg["a"]) is int and type(cfg["b.1.c"]) is float
    with gocfg.Config({"a": Lying(5)}) as cfg, gocfg.load(defaults={"a": Lying(5)}) as merged:
        assert cfg["a"] == merged["a"] == 5
    with gocfg.Config({"l": [10, 20]}) as cfg:
        assert cfg[("l", Lying(1))] == 20  # an index is the int itself too


def test_structures_that_contain_themselves_are_refused(no_leaks):
    d: dict = {"x": 1}
    d["self"] = d
    items: list = [1]
    items.append(items)
    with gocfg.Config() as cfg:
        with pytest.raises(gocfg.InvalidArgumentError, match="holds itself"):
            cfg["a"] = d
        with pytest.raises(gocfg.InvalidArgumentError, match="holds itself"):
            cfg["a"] = {"k": [items]}
        assert cfg.to_dict() == {}
    with pytest.raises(gocfg.InvalidArgumentError, match="holds itself"):
        gocfg.load(defaults={"x": d})
    shared = [1, 2]
    with gocfg.Config({"a": shared, "b": shared}) as cfg:  # shared, not circular: fine
        assert cfg.to_dict() == {"a": [1, 2], "b": [1, 2]}


def test_a_config_closed_while_other_threads_read_it(no_leaks):
    cfg = gocfg.Config({"a": 1, "b": {"c": [1, 2, 3]}})
    seen: dict = {}
    started = threading.Barrier(5)

    def reader(n):
        started.wait()
        while True:
            try:
                assert cfg["a"] == 1 and cfg.to_dict()["b"]["c"] == [1, 2, 3]
                assert "b.c" in cfg and len(list(cfg.items())) == 2
            except gocfg.ClosedError:
                seen[n] = "closed"
                return
            except BaseException as e:  # anything else is a failure
                seen[n] = repr(e)
                return

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    started.wait()
    cfg.close()
    for t in threads:
        t.join(30)
    assert seen == {i: "closed" for i in range(4)}
