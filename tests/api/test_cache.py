"""The read cache: repeated reads skip the library, and never go stale."""
from __future__ import annotations

import pathlib
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


def test_a_cache_installed_after_close_is_dropped_by_the_next_read():
    # The interleaving a reader on another thread can produce: close()
    # finished, then the reader (which saw the handle open) installs a new
    # cache. The next read must still raise, and drop that cache.
    from gocfg import _snapshot
    cfg = gocfg.Config({"k": "v"})
    assert cfg["k"] == "v"
    cell = cfg._ver
    cfg.close()
    assert cfg._cache is _snapshot.NEVER
    gocfg.Config.__dict__["_cache"].__set__(cfg, (cell, cell[0], {"k": "stale"}))
    with pytest.raises(gocfg.ClosedError):
        cfg["j"]  # a miss: it checks the handle after installing its cache
    assert cfg._cache is _snapshot.NEVER
    with pytest.raises(gocfg.ClosedError):
        cfg["k"]


def test_close_racing_readers_leaves_no_cache(no_leaks):
    # Readers keep missing (a writer moves the counter) while the main
    # thread closes: afterwards every read raises, whatever the timing.
    for _ in range(20):
        cfg = gocfg.Config({"k": "v", "n": 0})
        stop = threading.Event()
        errors = []

        def reader():
            while not stop.is_set():
                try:
                    cfg["k"]
                except gocfg.ClosedError:
                    return
                except Exception as e:  # noqa: BLE001 - reported below
                    errors.append(e)
                    return

        threads = [threading.Thread(target=reader) for _ in range(2)]
        for t in threads:
            t.start()
        try:
            for i in range(50):
                cfg["n"] = i
        finally:
            cfg.close()
            stop.set()
            for t in threads:
                t.join()
        assert not errors
        with pytest.raises(gocfg.ClosedError):
            cfg["k"]


def test_hot_calls_report_failures_with_their_details(no_leaks):
    # Writes, membership tests and len() pass no error cell; a failure is
    # asked again for its record, which must be there and then be freed.
    with gocfg.Config({"a": "x", "l": [1]}) as cfg:
        cfg.freeze()
        with pytest.raises(gocfg.FrozenError, match="frozen"):
            cfg["a"] = "y"
        with pytest.raises(gocfg.FrozenError):
            cfg["b"] = 1
        assert cfg["a"] == "x"
    with gocfg.Config({"l": [1]}) as cfg:
        with pytest.raises(KeyError, match="l.5"):
            cfg["l.5"] = "y"
        assert "l.0" in cfg and "l.5" not in cfg
    cfg.close()
    for op in (lambda: "a" in cfg, lambda: len(cfg), lambda: cfg.__setitem__("a", "v"), lambda: cfg["a"]):
        with pytest.raises(gocfg.ClosedError):
            op()


def test_long_values_read_past_the_scratch_buffer(no_leaks):
    with gocfg.Config() as cfg:
        for n in (511, 512, 513, 5000, 100_000):
            cfg["s"] = "é" * n
            assert cfg["s"] == "é" * n
        cfg["l"] = list(range(1000))
        assert cfg["l"] == list(range(1000))


def test_the_read_cache_is_bounded():
    # Reading every key of a large config, or one long value after another,
    # kept a second reference to each value until the next write. The cache
    # keeps at most _CACHE_ENTRIES values (through the C path, short str
    # values, and the Python one) and no str over _CACHE_STR_CHARS; reads
    # past the bounds give the right values all the same.
    from gocfg import config as _config

    most, longest = _config._CACHE_ENTRIES, _config._CACHE_STR_CHARS
    n = most + 500
    with gocfg.Config({f"k{i}": f"v{i}" for i in range(n)}) as cfg:
        for _ in range(2):
            assert [cfg[f"k{i}"] for i in range(n)] == [f"v{i}" for i in range(n)]
        assert len(cfg._cache[2]) == most
        assert [cfg[("k%d" % i,)] for i in range(n - 5, n)] == [f"v{i}" for i in range(n - 5, n)]
        assert len(cfg._cache[2]) == most  # a tuple key takes the Python path: bounded too
    long_value = "x" * (longest + 1)
    with gocfg.Config({"long": long_value, "edge": "y" * longest}) as cfg:
        assert cfg["long"] == long_value and cfg["long"] == long_value
        assert cfg["edge"] == "y" * longest
        assert set(cfg._cache[2]) == {"edge"}
    readme = " ".join((pathlib.Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8").split())
    assert f"at most {most:,} of them" in readme and f"no string over {longest:,} characters" in readme
