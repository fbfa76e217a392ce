"""The read cache: repeated reads skip the library, and never go stale."""
from __future__ import annotations

import threading

import gocfg
import pytest


def test_cached_reads_see_every_kind_of_change(no_leaks):
    with gocfg.Config({"a": 1, "s": {"x": "old"}, "l": [1]}) as cfg:
        assert cfg["a"] == 1 and cfg["s.x"] == "old"
        cfg["a"] = 2
        assert cfg["a"] == 2
        cfg["s"]["x"] = "via section"
        assert cfg["s.x"] == "via section"
        cfg.update({"a": 3})
        assert cfg["a"] == 3
        del cfg["a"]
        with pytest.raises(KeyError):
            cfg["a"]
        cfg["a"] = 4
        assert cfg["a"] == 4
        cfg.clear()
        with pytest.raises(KeyError):
            cfg["s.x"]
        cfg["l"] = [1, 2]
        first = cfg["l"]
        first.append(99)  # lists are copies, never shared through the cache
        assert cfg["l"] == [1, 2]


def test_cache_is_per_config(no_leaks):
    with gocfg.Config({"k": "a"}) as a, gocfg.Config({"k": "b"}) as b:
        assert a["k"] == "a" and b["k"] == "b"
        c = a.copy()
        c["k"] = "c"
        assert a["k"] == "a" and c["k"] == "c"
        c.close()


def test_closed_config_never_answers_from_cache():
    cfg = gocfg.Config({"k": "v"})
    assert cfg["k"] == "v"
    cfg.close()
    with pytest.raises(gocfg.ClosedError):
        cfg["k"]


def test_readers_see_writers_from_other_threads(no_leaks):
    """A reader spinning on one key sees every value a writer publishes,
    in order, and never an older one after a newer one."""
    with gocfg.Config({"n": 0}) as cfg:
        done = threading.Event()
        seen = []

        def reader():
            last = -1
            while not done.is_set():
                v = cfg["n"]
                assert v >= last, (v, last)
                last = v
            seen.append(cfg["n"])

        t = threading.Thread(target=reader)
        t.start()
        for i in range(1, 5001):
            cfg["n"] = i
        done.set()
        t.join()
        assert seen == [5000]
