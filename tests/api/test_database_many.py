"""Database.load_many: many names in one call, on every backend."""
from __future__ import annotations

import datetime as dt
import uuid

import gocfg
import pytest
from conftest import settled_stats
from support import etcd_server

pytestmark = pytest.mark.api


@pytest.fixture(scope="module")
def etcd(tmp_path_factory):
    if not etcd_server.have_etcd():
        pytest.fail(etcd_server.missing(), pytrace=False)
    server = etcd_server.EtcdServer(str(tmp_path_factory.mktemp("etcd")))
    server.start()
    yield server
    server.remove()


@pytest.fixture(params=["memory", "sqlite", "etcd"])
def db(request, tmp_path):
    if request.param == "memory":
        url = "memory://"
    elif request.param == "sqlite":
        url = f"sqlite://{tmp_path}/store.db"
    else:
        url = request.getfixturevalue("etcd").url(f"many-{uuid.uuid4().hex[:12]}")
    d = gocfg.Database.open(url, timeout=10)
    yield d
    d.close()


def test_load_many_gives_what_load_gives(db):
    # More names than one etcd batch (64) and than one binding batch would
    # need for the order to be checked across batches.
    names = [f"svc/app-{i:03d}" for i in range(150)]
    for i, n in enumerate(names):
        db.save(n, {"i": i, "when": dt.date(2024, 1, 1 + i % 28), "tags": ["a", n]})
    db.save(names[7], {"i": "second"})  # revision 2
    db.delete(names[9])
    before = settled_stats()
    wanted = names + ["missing", names[3]]  # a missing name, and one given twice
    got = db.load_many(wanted)
    try:
        assert list(got) == [n for n in names if n != names[9]]
        for n, cfg in got.items():
            with db.load(n) as one:
                assert cfg.to_dict() == one.to_dict()
        assert got[names[7]]["i"] == "second"
        assert got[names[0]]["when"] == dt.date(2024, 1, 1)
        got[names[0]]["i"] = -1  # each is a Config of its own
        with db.load_many([names[0]])[names[0]] as again:
            assert again["i"] == 0
    finally:
        for cfg in got.values():
            cfg.close()
    after = settled_stats()
    for key in ("live_handles", "outstanding_buffers", "outstanding_errors"):
        assert after[key] == before[key], key


def test_load_many_of_nothing_and_of_missing_names(db):
    assert db.load_many([]) == {}
    assert db.load_many(["nope", "nope/either"]) == {}
    with pytest.raises(TypeError):
        db.load_many("a-single-name")


def test_load_many_refuses_a_bad_name_and_makes_nothing(db):
    db.save("ok", {"a": 1})
    before = settled_stats()
    with pytest.raises(gocfg.InvalidArgumentError):
        db.load_many(["ok", "bad\0name"])
    with pytest.raises(gocfg.InvalidArgumentError):
        db.load_many(["ok", ""])
    assert settled_stats()["live_handles"] == before["live_handles"]


def test_load_many_after_close(db):
    db.close()
    with pytest.raises(gocfg.ClosedError):
        db.load_many(["a"])
