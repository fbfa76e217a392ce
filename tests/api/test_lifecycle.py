"""close(), with, __del__, and the errors a closed Config gives."""
from __future__ import annotations

import gc

import gocfg
import pytest
from conftest import settled_stats


def test_with_closes():
    base = settled_stats()["live_handles"]
    with gocfg.Config() as cfg:
        assert settled_stats()["live_handles"] == base + 1
        assert not cfg.closed
    assert cfg.closed
    assert settled_stats()["live_handles"] == base


def test_close_twice_is_harmless():
    cfg = gocfg.Config()
    cfg.close()
    cfg.close()
    assert cfg.closed


def test_exception_in_with_still_closes():
    with pytest.raises(RuntimeError):
        with gocfg.Config() as cfg:
            raise RuntimeError("boom")
    assert cfg.closed


CLOSED_OPERATIONS = [
    ("getitem", lambda c: c["a"]),
    ("setitem", lambda c: c.__setitem__("a", "b")),
    ("delitem", lambda c: c.__delitem__("a")),
    ("contains", lambda c: "a" in c),
    ("len", len),
    ("iter", list),
    ("keys", lambda c: list(c.keys())),
    ("items", lambda c: list(c.items())),
    ("values", lambda c: list(c.values())),
    ("get", lambda c: c.get("a")),
    ("update", lambda c: c.update({"a": "b"})),
    ("clear", lambda c: c.clear()),
    ("to_dict", lambda c: c.to_dict()),
    ("to_json", lambda c: c.to_json()),
    ("eq", lambda c: c == {}),
    ("enter", lambda c: c.__enter__()),
]


@pytest.mark.parametrize("name,operation", CLOSED_OPERATIONS, ids=[n for n, _ in CLOSED_OPERATIONS])
def test_every_method_after_close_raises_closed_error(name, operation):
    cfg = gocfg.Config({"a": "1"})
    cfg.close()
    with pytest.raises(gocfg.ClosedError) as info:
        operation(cfg)
    assert isinstance(info.value, ValueError)
    assert "closed" in str(info.value)


def test_dropped_reference_frees_handle():
    base = settled_stats()["live_handles"]
    cfgs = [gocfg.Config({"k": "v"}) for _ in range(50)]
    assert settled_stats()["live_handles"] == base + 50
    del cfgs
    gc.collect()
    assert settled_stats()["live_handles"] == base


def test_reference_cycle_is_collected():
    base = settled_stats()["live_handles"]

    class Holder:
        pass

    h = Holder()
    h.cfg = gocfg.Config()
    h.me = h
    del h
    gc.collect()
    assert settled_stats()["live_handles"] == base


def test_stats_shape():
    s = gocfg.stats()
    assert {"live_handles", "outstanding_buffers", "outstanding_errors"} <= set(s)
    assert all(isinstance(v, int) and v >= 0 for v in s.values())
