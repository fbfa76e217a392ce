"""gocfg.Database: one suite, every backend (memory, SQLite, a real etcd).

The parametrized tests run the same code against memory://, a SQLite file
and an etcd server that the session starts on loopback ports
(tests/etcd_server.py; Debian's etcd-server package, which .ci/run
installs). Without /usr/bin/etcd the etcd cases fail, saying so: they are
not optional. Then come the faults (a writer killed mid-save, two processes
racing with compare-and-swap, etcd going away and coming back, auth, TLS),
input checks, secrets and leaks.
"""
from __future__ import annotations

import datetime as dt
import errno
import gc
import math
import os
import pickle
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import uuid

import gocfg
import pytest
from conftest import settled_stats
from support import etcd_server

BACKENDS = ["memory", "sqlite", "etcd"]
PERSISTENT = ["sqlite", "etcd"]


# ------------------------------------------------------------------ fixtures

def _need_etcd() -> None:
    if not etcd_server.have_etcd():
        pytest.fail(etcd_server.MISSING, pytrace=False)


@pytest.fixture(scope="session")
def etcd(tmp_path_factory):
    """The etcd server the parametrized tests share (each test uses a key
    prefix of its own)."""
    _need_etcd()
    server = etcd_server.EtcdServer(str(tmp_path_factory.mktemp("etcd")))
    server.start()
    yield server
    server.remove()


@pytest.fixture
def own_etcd(tmp_path):
    """A server for one test, which may stop it or turn auth on."""
    _need_etcd()
    servers = []

    def start(**kw):
        s = etcd_server.EtcdServer(str(tmp_path), **kw).start()
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.remove()


def make_url(kind: str, request, tmp_path) -> str:
    if kind == "memory":
        return "memory://"
    if kind == "sqlite":
        return f"sqlite://{tmp_path}/store.db"
    return request.getfixturevalue("etcd").url(f"t-{uuid.uuid4().hex[:12]}")


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path) -> str:
    return make_url(request.param, request, tmp_path)


@pytest.fixture(params=PERSISTENT)
def persistent_url(request, tmp_path) -> str:
    return make_url(request.param, request, tmp_path)


@pytest.fixture
def db(url):
    d = gocfg.Database.open(url, timeout=10)
    yield d
    d.close()


def second_client(d: gocfg.Database, url: str) -> gocfg.Database:
    """Another client of the same store (for memory, the same Database:
    each memory:// open is a store of its own)."""
    if url == "memory://":
        return d
    return gocfg.Database.open(url, timeout=10)


def run_child(code: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True,
                          text=True, timeout=timeout)


def start_child(code: str, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


# --------------------------------------------------------- basic operations

UTC = dt.timezone.utc
SAMPLE = {
    "name": "api",
    "server": {"host": "0.0.0.0", "port": 8080, "tls": True, "ratio": 0.25},
    "tags": ["a", "b", "c"],
    "limits": {"max": 2**63 - 1, "min": -(2**63), "inf": math.inf},
    "nothing": None,
    "empty": {},
    "none": [],
    "unicode": "h\u00e9llo \u2603 \U0001f600",
    "when": dt.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC),
    "when_local": dt.datetime(2024, 5, 6, 7, 8, 9, 654321),
    "when_offset": dt.datetime(2024, 5, 6, 7, 8, 9, 1, tzinfo=dt.timezone(dt.timedelta(hours=-3, minutes=-30))),
    "day": dt.date(1999, 12, 31),
    "clock": dt.time(23, 59, 58, 999999),
    "nested": {"deep": {"list": [1, [2, {"x": [3]}]]}},
}


def test_save_load_roundtrip_every_type(db):
    rev = db.save("services/api", SAMPLE)
    assert rev == 1
    with db.load("services/api") as cfg:
        assert isinstance(cfg, gocfg.Config)
        got = cfg.to_dict()
    assert got == SAMPLE
    assert list(got) == list(SAMPLE)  # key order is kept
    assert got["when_offset"].utcoffset() == dt.timedelta(hours=-3, minutes=-30)
    assert got["when_local"].tzinfo is None


def test_revisions_and_loading_old_ones(db):
    with gocfg.Config({"v": 1}) as cfg:
        assert db.save("a", cfg) == 1
        cfg["v"] = 2
        assert db.save("a", cfg) == 2
        assert cfg["v"] == 2  # the Config is untouched and still usable
    assert db.save("a", {"v": 3}) == 3
    assert db.load("a")["v"] == 3
    assert db.load("a", 1).to_dict() == {"v": 1}
    assert db.load("a", revision=2).to_dict() == {"v": 2}
    cfg, rev = db.load_with_revision("a")
    assert (cfg.to_dict(), rev) == ({"v": 3}, 3)
    cfg.close()
    assert db.save("b", {}) == 1  # revisions count per name
    assert db.load("b").to_dict() == {}  # an empty config is a config


def test_loaded_config_is_independent(db):
    db.save("a", {"v": 1})
    cfg = db.load("a")
    cfg["v"] = 99
    assert db.load("a")["v"] == 1
    cfg.close()


def test_save_accepts_sections_and_mappings(db):
    with gocfg.Config({"outer": {"inner": 1}}) as cfg:
        db.save("section", cfg["outer"])
    assert db.load("section").to_dict() == {"inner": 1}
    from collections import OrderedDict

    db.save("ordered", OrderedDict([("z", 1), ("a", 2)]))
    assert list(db.load("ordered")) == ["z", "a"]


def test_a_saved_section_holds_no_resolved_secret(tmp_path):
    """A Section is saved with its values as read (its references may
    lead outside it), except those that interpolate a secret: they keep
    their templates, as a saved Config keeps all of them."""
    (tmp_path / "app.yaml").write_text(
        "db:\n  password: hunter2\n  url: postgres://u:${db.password}@h/x\n  token: ${env:DB_TOKEN}\n"
        "  host: ${common.host}\ncommon: {host: h1}\nalias: ${db}\n")
    with gocfg.load(tmp_path / "app.yaml", environ={"DB_TOKEN": "env-s3cret"}) as cfg, \
            gocfg.Database.open(f"sqlite:///{tmp_path}/s.db") as db:
        db.save("db", cfg["db"])
        assert db.load("db").to_dict() == {"password": "hunter2", "url": "postgres://u:${db.password}@h/x",
                                           "token": "${env:DB_TOKEN}", "host": "h1"}
        with db.load("db", interpolate=True, environ={"DB_TOKEN": "mine"}) as back:
            assert back["token"] == "mine"  # resolved by the process that loads it
        # A map that is itself the value of such a reference has no template
        # of its own to keep: refused, saying what to save instead.
        with pytest.raises(gocfg.InvalidArgumentError, match="alias: this map is the value of a reference"):
            db.save("alias", cfg["alias"])
        assert db.names() == ["db"]


def test_a_saved_section_reads_back_as_it_read(tmp_path, db):
    # Its values as read hold "${" as text: a literal written "$${x}", a
    # variable's value. Stored as read, a load with interpolate=True took
    # them for references (read "X", or an InterpolationError).
    (tmp_path / "app.yaml").write_text("x: X\nm:\n  lit: $${x}\n  tpl: ${env:TPL}\n  ref: ${x}\n  list: [\"$${x}\"]\n")
    with gocfg.load(tmp_path / "app.yaml", environ={"TPL": "${x}"}) as cfg:
        db.save("m", cfg["m"])
        read = cfg["m"].to_dict()
        assert read == {"lit": "${x}", "tpl": "${x}", "ref": "X", "list": ["${x}"]}
    with db.load("m", interpolate=True, environ={}) as back:
        assert back.to_dict() == read
    assert db.load("m").to_dict() == {"lit": "$${x}", "tpl": "$${x}", "ref": "X", "list": ["$${x}"]}
    # A plain Config's values are its templates: stored as they are.
    with gocfg.Config({"m": {"ref": "${x}"}}) as plain:
        db.save("plain", plain["m"])
    assert db.load("plain").to_dict() == {"ref": "${x}"}


def test_missing_names_and_revisions(db):
    with pytest.raises(gocfg.KeyNotFoundError):
        db.load("nope")
    with pytest.raises(KeyError):
        db.load("nope")
    db.save("a", {"v": 1})
    with pytest.raises(gocfg.KeyNotFoundError):
        db.load("a", 2)
    with pytest.raises(gocfg.KeyNotFoundError):
        db.delete("nope")
    with pytest.raises(gocfg.KeyNotFoundError):
        db.history("nope")


def test_a_miss_names_the_name_and_the_store(db):
    """A miss read 'config "nope"' (or 'history of "nope"', 'delete
    "nope"'): the library's text. Now args[0] is the name, as dict's
    KeyError holds the key, and the message says what is missing where."""
    db.save("a", {"v": 1})
    where = f" in {db.url}"
    cases = [(lambda: db.load("nope"), "nope", "no config of that name"),
             (lambda: db.load_with_revision("nope"), "nope", "no config of that name"),
             (lambda: db.load("nope", interpolate=True), "nope", "no config of that name"),
             (lambda: db.history("nope"), "nope", "no config of that name"),
             (lambda: db.delete("nope"), "nope", "no config of that name"),
             (lambda: db.load("a", 2), "a", "no revision 2 of that name")]
    for call, name, what in cases:
        with pytest.raises(gocfg.KeyNotFoundError) as info:
            call()
        assert info.value.args == (name,) and str(info.value) == f"{name!r}: {what}{where}"
        assert str(pickle.loads(pickle.dumps(info.value))) == str(info.value)
    assert "@" not in str(info.value)  # the URL without credentials


def test_compare_and_swap(db):
    assert db.save("c", {"v": 1}, expect_revision=0) == 1
    with pytest.raises(gocfg.ConflictError) as e:
        db.save("c", {"v": "lost"}, expect_revision=0)  # exists already
    assert isinstance(e.value, RuntimeError) and isinstance(e.value, gocfg.Error)
    assert db.save("c", {"v": 2}, expect_revision=1) == 2
    with pytest.raises(gocfg.ConflictError):
        db.save("c", {"v": "lost"}, expect_revision=1)  # someone saved in between
    with pytest.raises(gocfg.ConflictError):
        db.save("c", {"v": "lost"}, expect_revision=7)  # never was
    with pytest.raises(gocfg.ConflictError):
        db.save("new", {"v": "lost"}, expect_revision=1)  # does not exist
    assert db.load_with_revision("c")[1] == 2 and db.load("c")["v"] == 2  # nothing saved
    assert db.names() == ["c"]
    assert db.save("c", {"v": 3}) == 3  # no expect_revision: saves whatever is there


def test_delete_keeps_the_revision_counter(db):
    db.save("d", {"v": 1})
    db.save("d", {"v": 2})
    db.save("d/child", {})
    db.delete("d")  # uses up revision 3
    assert db.names() == ["d/child"]  # only the name itself goes
    with pytest.raises(gocfg.KeyNotFoundError):
        db.load("d")
    with pytest.raises(gocfg.KeyNotFoundError):
        db.load("d", 1)  # history is gone too
    with pytest.raises(gocfg.KeyNotFoundError):
        db.history("d")
    with pytest.raises(gocfg.KeyNotFoundError):
        db.delete("d")  # already gone
    with pytest.raises(gocfg.ConflictError):
        db.save("d", {"v": 3}, expect_revision=2)  # the old revision is not current
    assert db.save("d", {"v": 3}, expect_revision=0) == 4  # never reused: no ABA
    assert [r for r, _ in db.history("d")] == [4]


def test_names_are_levelwise_and_sorted(db):
    for n in ["b", "a", "a/x", "a/y/z", "ab", "services/api", "services/web", "é/ü"]:
        db.save(n, {})
    assert db.names() == ["a", "a/x", "a/y/z", "ab", "b", "services/api", "services/web", "é/ü"]
    assert db.names("a") == ["a", "a/x", "a/y/z"]
    assert db.names("a/") == ["a/x", "a/y/z"]
    assert db.names("services") == ["services/api", "services/web"]
    assert db.names("zzz") == []
    assert db.names("serv") == []  # a prefix is whole levels, never part of one
    assert db.names("services/api") == ["services/api"]  # a name is its own prefix
    assert db.names("nothing/") == []
    assert "a/x" in db and "nope" not in db and 42 not in db


def test_history(db):
    before = dt.datetime.now(UTC) - dt.timedelta(seconds=5)
    for i in range(3):
        db.save("h", {"i": i})
    db.save("h2", {})  # another name's saves are not h's history
    hist = db.history("h")
    after = dt.datetime.now(UTC) + dt.timedelta(seconds=5)
    assert [r for r, _ in hist] == [1, 2, 3]
    times = [t for _, t in hist]
    assert all(t.tzinfo is not None and t.utcoffset() == dt.timedelta(0) for t in times)
    assert times == sorted(times) and before <= times[0] and times[-1] <= after
    for i, (rev, _) in enumerate(hist):
        assert db.load("h", rev).to_dict() == {"i": i}


def test_query(db):
    db.save("services/api", {"server": {"port": 8080, "host": "a"}, "tags": [f"t{i}" for i in range(12)]})
    db.save("services/web", {"server": {"port": 80}})
    db.save("services/web/v2", {"server": {"port": 81}})
    db.save("other", {"server": {"port": 1}, "when": dt.date(2020, 1, 2)})
    assert db.query("services/*:server.port") == [("services/api", "server.port", 8080),
                                                  ("services/web", "server.port", 80)]
    assert db.query("services/**:server.port") == [("services/api", "server.port", 8080),
                                                   ("services/web", "server.port", 80),
                                                   ("services/web/v2", "server.port", 81)]
    assert [r[2] for r in db.query("**:server.port")] == [1, 8080, 80, 81]
    tags = db.query("services/api:tags.*")
    assert [p for _, p, _ in tags][:3] == ["tags.0", "tags.1", "tags.2"]  # numeric order
    assert tags[-1] == ("services/api", "tags.11", "t11")
    assert db.query("other:when") == [("other", "when", dt.date(2020, 1, 2))]
    assert db.query("*:ser*.po*") == [("other", "server.port", 1)]
    assert db.query("nothing/*:**") == []


QUERY_DATA = {
    "services/api": {"server": {"host": "api.local", "port": 8080}, "tags": list("abcdefghijk")},
    "services/web": {"server": {"port": 80}, "empty": {}, "a.b": "dotted"},
    "services/web/v2": {"server": {"port": 81}},
    "top": {"server": {"port": 1}, "list": []},
}
API, WEB, V2, TOP = QUERY_DATA
PORTS = [(API, "server.port", 8080), (WEB, "server.port", 80), (V2, "server.port", 81), (TOP, "server.port", 1)]
QUERY_CASES = [
    ("services/*:server.port", PORTS[:2]),
    ("**:server.port", PORTS),
    ("services/**:server.port", PORTS[:3]),
    ("*:**", [(TOP, "list", []), (TOP, "server.port", 1)]),  # '*' is one level; '**' may match none
    ("services/web/**:*.port", PORTS[1:3]),
    ("s*/w*:**", [(WEB, '"a.b"', "dotted"), (WEB, "empty", {}), (WEB, "server.port", 80)]),  # empty map: a leaf
    ('services/web:"a.b"', [(WEB, '"a.b"', "dotted")]),
    ("services/api:server.*", [(API, "server.host", "api.local"), (API, "server.port", 8080)]),
    ("services/api:tags.*", [(API, f"tags.{i}", c) for i, c in enumerate("abcdefghijk")]),  # numeric order
    ("**:**.po*", PORTS),
    ("nothing/*:**", []),
    ("top:server", []),  # a map is not a leaf
]
BAD_QUERIES = ["", "no-colon", "top", ":x", "x:", "top:", "a//b:x", "a**:x", "*:a..b", "top:x.", 'top:"open',
               "top:a**", "../x:y"]


def test_query_patterns(db):
    for name, cfg in QUERY_DATA.items():
        db.save(name, cfg)
    for expr, rows in QUERY_CASES:
        assert db.query(expr) == rows, expr
    for bad in BAD_QUERIES:
        with pytest.raises(gocfg.InvalidArgumentError):
            db.query(bad)


def test_concurrent_threads_compare_and_swap(url):
    with gocfg.Database.open(url, timeout=10) as d:
        d.save("counter", {"n": 0})
        errors = []

        def work():
            try:
                for _ in range(25):
                    while True:
                        cfg, rev = d.load_with_revision("counter")
                        with cfg:
                            cfg["n"] += 1
                            try:
                                d.save("counter", cfg, expect_revision=rev)
                                break
                            except gocfg.ConflictError:
                                continue
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        cfg, rev = d.load_with_revision("counter")
        with cfg:
            assert (cfg["n"], rev) == (100, 101)
        assert [r for r, _ in d.history("counter")] == list(range(1, 102))


# --------------------------------------------------------------------- watch

def collect(w, n, limit=15.0):
    out = []
    deadline = time.monotonic() + limit
    for ev in w:
        out.append(ev)
        if len(out) == n or time.monotonic() > deadline:
            break
    return out


def test_watch_delivers_changes_from_other_clients(db, url):
    other = second_client(db, url)
    try:
        with db.watch("services", timeout=20) as w, db.watch("services/api", timeout=20) as exact:
            other.save("services/api", {"v": 1})
            other.save("elsewhere", {"v": 1})     # not selected
            other.save("servicesX", {"v": 1})     # not selected: prefixes are level-wise
            other.save("services/web", {"v": 1})
            other.save("services/api", {"v": 2})
            other.delete("services/api")
            events = collect(w, 4)
            assert events == [
                gocfg.WatchEvent("services/api", 1, False),
                gocfg.WatchEvent("services/web", 1, False),
                gocfg.WatchEvent("services/api", 2, False),
                gocfg.WatchEvent("services/api", 3, True),
            ]
            name, rev, deleted = events[0]  # a named tuple
            assert (name, rev, deleted) == ("services/api", 1, False)
            assert collect(exact, 3) == [e for e in events if e.name == "services/api"]
        assert w.closed
    finally:
        if other is not db:
            other.close()


def test_watch_selects_whole_levels(db):
    db.save("svc/a", {})  # before the watches: not reported
    with db.watch("svc", timeout=20) as under, db.watch("svc/a", timeout=20) as exact, \
            db.watch(timeout=20) as every:
        db.save("svc/a", {"v": 2})
        db.save("svcX", {})     # not under svc
        db.save("svc/a/b", {})  # under svc and svc/a
        db.save("svc/ab", {})   # under svc, not svc/a
        db.delete("svc/a")
        db.save("svc", {})      # the prefix itself
        # Seen last by all three: nothing else may come before it.
        db.save("svc/a/end", {})
        ev = gocfg.WatchEvent
        a2, x, ab_, ab, gone, top, end = (ev("svc/a", 2, False), ev("svcX", 1, False), ev("svc/a/b", 1, False),
                                          ev("svc/ab", 1, False), ev("svc/a", 3, True), ev("svc", 1, False),
                                          ev("svc/a/end", 1, False))
        assert collect(under, 6) == [a2, ab_, ab, gone, top, end]
        assert collect(exact, 4) == [a2, ab_, gone, end]
        assert collect(every, 7) == [a2, x, ab_, ab, gone, top, end]
    assert under.closed and exact.closed and every.closed


def test_watch_starts_when_watch_returns(db):
    w = db.watch()
    db.save("early", {})  # before the first next(): must not be missed
    assert next(w) == gocfg.WatchEvent("early", 1, False)
    w.close()
    w.close()
    assert list(w) == []


def test_watch_with_timeout_zero_drains_what_is_there(db):
    w = db.watch("z", timeout=0)
    db.save("z", {})
    db.save("z", {})
    time.sleep(0.5)  # SQLite watchers poll every 50 ms; etcd streams asynchronously
    assert list(w) == [gocfg.WatchEvent("z", 1, False), gocfg.WatchEvent("z", 2, False)]
    assert w.closed


def test_watch_ends_on_timeout(db):
    w = db.watch("quiet", timeout=0.5)
    t0 = time.monotonic()
    assert list(w) == []
    took = time.monotonic() - t0
    assert 0.4 <= took < 2.5, took
    assert w.closed


def test_watch_ends_when_closed_from_another_thread(url):
    d = gocfg.Database.open(url, timeout=10)
    got, done = [], threading.Event()

    def consume():
        for ev in d.watch("x"):
            got.append(ev)
        done.set()

    t = threading.Thread(target=consume)
    t.start()
    time.sleep(0.3)
    d.save("x", {})
    deadline = time.monotonic() + 10
    while not got and time.monotonic() < deadline:
        time.sleep(0.02)
    t0 = time.monotonic()
    d.close()
    assert done.wait(3), "the watch did not end when the Database was closed"
    assert time.monotonic() - t0 < 3
    t.join()
    assert got == [gocfg.WatchEvent("x", 1, False)]


CHILD_WATCH = """
    import sys, gocfg
    db = gocfg.Database.open(sys.argv[1], timeout=10)
    w = db.watch("x")
    print("watching", flush=True)
    try:
        for ev in w:
            print(ev, flush=True)
    finally:
        db.close()
"""


def interrupt(child: subprocess.Popen, ready: str, delay: float, prepare=lambda: None, stdout: bool = False) -> tuple:
    """Run prepare(), wait for the child to print `ready`, let it block for
    `delay` seconds, then press Ctrl-C (SIGINT): the child's stderr, and how
    long it took to end (and what it printed after `ready`, with stdout).
    The child is killed whatever happens."""
    try:
        prepare()
        assert child.stdout.readline().strip() == ready, child.stderr.read()
        time.sleep(delay)
        t0 = time.monotonic()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=10)
        took = time.monotonic() - t0
        return (err, took, out) if stdout else (err, took)
    finally:
        child.kill()


def test_ctrl_c_interrupts_a_blocked_watch(url):
    child = start_child(CHILD_WATCH, url)
    err, took = interrupt(child, "watching", 0.3)  # well inside gocfg_db_watch_next by then
    assert child.returncode != 0
    assert err.rstrip().endswith("KeyboardInterrupt"), err
    assert took < 2.0, took


CHILD_OPEN_SILENT = """
    import sys, gocfg
    print("opening", flush=True)
    gocfg.Database.open(sys.argv[1], timeout=60)
"""


def test_ctrl_c_interrupts_a_slow_open():
    # A server that accepts connections and never answers: open would wait
    # for the whole timeout.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        child = start_child(CHILD_OPEN_SILENT, f"etcd://127.0.0.1:{silent.getsockname()[1]}/x")
        err, took = interrupt(child, "opening", 0.5)
    assert err.rstrip().endswith("KeyboardInterrupt"), err
    assert took < 2.0, took


CHILD_LOAD_WHILE_DOWN = """
    import sys, time, gocfg
    db = gocfg.Database.open(sys.argv[1], timeout=60)
    db.save("a", {"v": 1})
    print("open", flush=True)
    sys.stdin.readline()
    baseline = gocfg.stats()["goroutines"]
    print("loading", flush=True)
    try:
        db.load("a")  # etcd is down: would wait for the whole timeout
    except KeyboardInterrupt:
        # The cancelled call left nothing behind: no error record, no
        # handle but the Database's, no goroutine still at work.
        deadline = time.monotonic() + 5
        while gocfg.stats()["goroutines"] > baseline and time.monotonic() < deadline:
            time.sleep(0.01)
        s = gocfg.stats()
        print("left", s["outstanding_errors"], s["live_handles"], s["goroutines"] <= baseline, flush=True)
        raise
"""


def test_ctrl_c_interrupts_a_call_waiting_for_etcd(own_etcd):
    server = own_etcd()
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(CHILD_LOAD_WHILE_DOWN), server.url("int")],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def stop_the_server():
        assert child.stdout.readline().strip() == "open", child.stderr.read()
        server.stop()
        child.stdin.write("go\n")
        child.stdin.flush()

    err, took, out = interrupt(child, "loading", 0.5, stop_the_server, stdout=True)
    assert err.rstrip().endswith("KeyboardInterrupt"), err
    assert took < 2.0, took
    assert out.split() == ["left", "0", "1", "True"], out


# -------------------------------------------------------------------- faults

CHILD_WRITER = """
    import sys, gocfg
    db = gocfg.Database.open(sys.argv[1], timeout=30)
    i = 0
    while True:
        i += 1
        # every part of a revision names the same i: a torn write would show
        db.save("big", {"i": i, "payload": [i] * 20000, "text": str(i) * 50000, "tail": i})
        if i == 1:
            print("saving", flush=True)
"""


def check_whole(cfg: gocfg.Config, rev: int = None) -> int:
    d = cfg.to_dict()
    i = d["i"]
    assert d["tail"] == i and d["payload"] == [i] * 20000 and d["text"] == str(i) * 50000, "torn revision"
    if rev is not None:
        assert i == rev
    return i


def test_writer_killed_mid_save_leaves_no_torn_revision(persistent_url):
    for round_ in range(3):
        child = start_child(CHILD_WRITER, persistent_url)
        try:
            assert child.stdout.readline().strip() == "saving", child.stderr.read()
            time.sleep(0.2 + 0.23 * round_)  # somewhere in the middle of a save
        finally:
            child.send_signal(signal.SIGKILL)
            child.communicate()
        with gocfg.Database.open(persistent_url, timeout=10) as d:
            cfg, rev = d.load_with_revision("big")
            with cfg:
                check_whole(cfg)
            revs = [r for r, _ in d.history("big")]
            assert revs == list(range(revs[0], rev + 1))  # every save whole, none half-recorded
            for r in (revs[0], rev):  # old revisions intact too
                with d.load("big", r) as old:
                    assert check_whole(old) > 0
            d.delete("big")  # next round starts afresh (revisions continue)


CHILD_INCREMENT = """
    import sys, gocfg
    db = gocfg.Database.open(sys.argv[1], timeout=30)
    conflicts = 0
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    for _ in range(int(sys.argv[2])):
        while True:
            cfg, rev = db.load_with_revision("counter")
            cfg["n"] += 1
            try:
                db.save("counter", cfg, expect_revision=rev)
                break
            except gocfg.ConflictError:
                conflicts += 1
            finally:
                cfg.close()
    db.close()
    print("conflicts", conflicts, flush=True)
"""


def test_two_processes_compare_and_swap_increments_end_at_exactly_1000(persistent_url):
    with gocfg.Database.open(persistent_url, timeout=10) as d:
        d.save("counter", {"n": 0}, expect_revision=0)
    # A third process, this one, watches: it must see every save, in order.
    watcher = gocfg.Database.open(persistent_url, timeout=10)
    w = watcher.watch("counter", timeout=120)
    children = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(CHILD_INCREMENT), persistent_url, "500"],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for _ in range(2)]
    try:
        for c in children:
            assert c.stdout.readline().strip() == "ready", c.stderr.read()
        for c in children:
            c.stdin.write("go\n")
            c.stdin.flush()
        outs = [c.communicate(timeout=300) for c in children]
    finally:
        for c in children:
            c.kill()
    for c, (out, err) in zip(children, outs):
        assert c.returncode == 0, err
        assert "conflicts" in out
    with gocfg.Database.open(persistent_url, timeout=10) as d:
        cfg, rev = d.load_with_revision("counter")
        assert cfg["n"] == 1000
        assert rev == 1001
        cfg.close()
    with watcher:
        assert collect(w, 1000, limit=120) == [gocfg.WatchEvent("counter", r, False) for r in range(2, 1002)]


def test_etcd_outage_gives_connection_error_then_recovers_without_reopening(own_etcd):
    server = own_etcd()
    timeout = 1.0
    d = gocfg.Database.open(server.url("outage"), timeout=timeout)
    try:
        assert d.save("a", {"v": 1}) == 1
        # The watch's own bound turns a watch that died in the outage into a
        # failure below rather than a hung run: it covers the six failing
        # calls and the wait for the restarted server with room to spare.
        w = d.watch("a", timeout=120)
        server.stop()
        calls = {
            "load": lambda: d.load("a"),
            "save": lambda: d.save("a", {"v": 2}),
            "names": lambda: d.names(),
            "history": lambda: d.history("a"),
            "delete": lambda: d.delete("a"),
            "query": lambda: d.query("*:**"),
        }
        for what, call in calls.items():
            t0 = time.monotonic()
            with pytest.raises(gocfg.ConnectionError) as e:
                call()
            took = time.monotonic() - t0
            assert isinstance(e.value, ConnectionError)  # the built-in one too
            assert took < timeout + 2.0, (what, took)  # slack for a busy machine
        server.start()
        deadline = time.monotonic() + 15
        while True:
            try:
                cfg, rev = d.load_with_revision("a")
                assert cfg.to_dict() == {"v": 1}
                assert rev == 1  # the revision counter came back with the data
                cfg.close()
                break
            except gocfg.ConnectionError:
                assert time.monotonic() < deadline, "still failing 15 s after the restart"
                time.sleep(0.1)
        assert d.save("a", {"v": 2}, expect_revision=1) == 2
        assert next(w, None) == gocfg.WatchEvent("a", 2, False)  # the watch survived
        w.close()
    finally:
        d.close()


def test_etcd_unreachable_fails_fast_with_connection_error():
    port = etcd_server.free_port()
    t0 = time.monotonic()
    with pytest.raises(gocfg.ConnectionError) as e:
        gocfg.Database.open(f"etcd://bob:Hunter2-secret@127.0.0.1:{port}/x", timeout=1)
    assert time.monotonic() - t0 < 3
    assert "Hunter2-secret" not in str(e.value) and "Hunter2-secret" not in repr(e.value)
    assert "refused" in str(e.value)  # says why


PASSWORD = "r00t:Pa55/w@rd#x"


def test_etcd_auth(own_etcd):
    server = own_etcd()
    server.enable_auth(PASSWORD)
    from urllib.parse import quote

    good = f"etcd://root:{quote(PASSWORD, safe='')}@{server.endpoint}/auth"
    with gocfg.Database.open(good, timeout=5) as d:
        d.save("secret", {"token": "t0ps3cret"})
        assert PASSWORD not in repr(d) and quote(PASSWORD, safe="") not in repr(d)
        assert "root@" in repr(d)

    bad = f"etcd://root:wrong-Pa55word@{server.endpoint}/auth"
    with pytest.raises(gocfg.AuthError) as e:
        gocfg.Database.open(bad, timeout=5)
    assert isinstance(e.value, PermissionError)
    assert "wrong-Pa55word" not in str(e.value)
    with pytest.raises(gocfg.AuthError):
        gocfg.Database.open(server.url("auth"), timeout=5)  # no credentials at all
    with pytest.raises(gocfg.AuthError):
        gocfg.Database.open(server.url("auth"), username="nobody", password="whatever-pw", timeout=5)
    with pytest.raises(gocfg.AuthError):  # an unknown user in the URL
        gocfg.Database.open(f"etcd://nobody:whatever-pw@{server.endpoint}/auth", timeout=5)
    with pytest.raises(gocfg.AuthError) as e:  # keyword arguments override the URL
        gocfg.Database.open(good, username="root", password="kw-wrong-pw", timeout=5)
    assert "kw-wrong-pw" not in str(e.value)
    with pytest.raises(gocfg.AuthError) as e:  # a wrong keyword password, none in the URL
        gocfg.Database.open(server.url("auth"), username="root", password="also-wrong-pw", timeout=5)
    assert "also-wrong-pw" not in str(e.value)
    with gocfg.Database.open(server.url("auth"), username="root", password=PASSWORD, timeout=5) as d:
        assert d.load("secret")["token"] == "t0ps3cret"
        assert PASSWORD not in repr(d)
    # ... and they win over wrong credentials in the URL, too.
    with gocfg.Database.open(bad, username="root", password=PASSWORD, timeout=5) as d:
        assert d.load("secret")["token"] == "t0ps3cret"
        assert "wrong-Pa55word" not in repr(d) and PASSWORD not in repr(d)


CHILD_LEAK = """
    import sys, gocfg
    for url in sys.argv[1:]:
        try:
            gocfg.Database.open(url, timeout=2)
        except gocfg.Error as e:
            print(type(e).__name__, e)
            import traceback; traceback.print_exc()
"""


def test_passwords_never_reach_messages_or_logs(own_etcd):
    server = own_etcd()
    server.enable_auth(PASSWORD)
    secret = "Zq9-leak-canary"
    port = etcd_server.free_port()
    urls = [
        f"etcd://root:{secret}@{server.endpoint}/p",           # refused
        f"etcd://root:{secret}@127.0.0.1:{port}/p",             # unreachable
        f"etcd://root:{secret}@[::1/p",                          # malformed
        f"etcd://root:{secret}@{server.endpoint}/p?ca=/nonexistent/ca.pem",
        f"ftp://root:{secret}@host/p",                           # unknown scheme
    ]
    proc = run_child(CHILD_LEAK, *urls)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout + proc.stderr
    assert proc.stdout.count("\n") >= len(urls), out
    assert secret not in out
    with pytest.raises(gocfg.Error) as e:
        gocfg.Database.open(server.url("p"), username="root", password=secret, timeout=2)
    assert secret not in str(e.value)


def test_etcd_tls_with_a_test_ca(own_etcd, tmp_path):
    certs = etcd_server.make_certs(str(tmp_path))
    tls = etcd_server.TLSFiles(cert=certs["server_cert"], key=certs["server_key"], ca=certs["ca"],
                               client_cert=certs["client_cert"], client_key=certs["client_key"])
    server = own_etcd(tls=tls)
    # Keyword arguments.
    with gocfg.Database.open(server.url("tls"), ca=certs["ca"], cert=certs["client_cert"],
                             key=certs["client_key"], timeout=5) as d:
        assert d.save("a", {"v": 1}) == 1
    # URL parameters.
    from urllib.parse import urlencode

    q = urlencode({"ca": certs["ca"], "cert": certs["client_cert"], "key": certs["client_key"]})
    with gocfg.Database.open(f"{server.url('tls')}?{q}", timeout=5) as d:
        cfg, rev = d.load_with_revision("a")
        assert (cfg["v"], rev) == (1, 1)
        cfg.close()
    # A CA that did not sign the server's certificate is refused, at once.
    t0 = time.monotonic()
    with pytest.raises(gocfg.ConnectionError) as e:
        gocfg.Database.open(server.url("tls"), ca=certs["other_ca"], cert=certs["client_cert"],
                            key=certs["client_key"], timeout=5)
    assert time.monotonic() - t0 < 5
    assert "TLS handshake" in str(e.value) and "certificate" in str(e.value)  # says why
    # A client certificate from a CA the server does not trust.
    with pytest.raises(gocfg.ConnectionError) as e:
        gocfg.Database.open(server.url("tls"), ca=certs["ca"], cert=certs["stranger_cert"],
                            key=certs["stranger_key"], timeout=5)
    assert "TLS" in str(e.value)
    # Plain text to a TLS port.
    with pytest.raises(gocfg.ConnectionError):
        gocfg.Database.open(server.url("tls"), timeout=1)
    # Bad files are argument errors, found before connecting: a missing one
    # is a file error, a key given as the CA or a certificate without its
    # key are invalid arguments.
    missing = str(tmp_path / "missing.pem")
    for pair in [{}, {"cert": certs["client_cert"], "key": certs["client_key"]}]:
        with pytest.raises(gocfg.FileError):
            gocfg.Database.open(server.url("tls"), ca=missing, timeout=5, **pair)
    with pytest.raises(gocfg.InvalidArgumentError):
        gocfg.Database.open(server.url("tls"), ca=certs["client_key"], cert=certs["client_cert"],
                            key=certs["client_key"], timeout=5)
    with pytest.raises(gocfg.InvalidArgumentError):
        gocfg.Database.open(server.url("tls"), ca=certs["ca"], cert=certs["client_cert"], timeout=5)


# ---------------------------------------------------------------- SQLite only

def test_sqlite_file_is_private_and_url_forms_work(tmp_path, monkeypatch):
    old = os.umask(0)
    try:
        path = tmp_path / "private.db"
        with gocfg.Database.open(path) as d:  # a bare path (os.PathLike)
            d.save("a", {"v": 1})
    finally:
        os.umask(old)
    assert os.stat(path).st_mode & 0o777 == 0o600
    with gocfg.Database.open(f"sqlite://{path}") as d:
        assert d.load("a")["v"] == 1
        assert repr(d).startswith("<gocfg.Database ") and str(path) in repr(d)
    monkeypatch.chdir(tmp_path)
    with gocfg.Database.open("sqlite:private.db") as d:  # relative
        assert d.load("a")["v"] == 1
    with gocfg.Database.open(str(path)) as d:
        assert d.names() == ["a"]
    with gocfg.Database.open("a:b.db") as d:  # a colon does not make a bare file name a URL
        d.save("a", {})
    assert (tmp_path / "a:b.db").is_file()
    # A file others may read is refused rather than used.
    loose = tmp_path / "loose.db"
    loose.touch()
    os.chmod(loose, 0o644)
    with pytest.raises(gocfg.InvalidArgumentError):
        gocfg.Database.open(loose)
    # A file that is not a database.
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    os.chmod(junk, 0o600)
    with pytest.raises(gocfg.Error):
        gocfg.Database.open(junk).names()


def test_sqlite_file_and_its_wal_are_private_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        path = tmp_path / "wal.db"
        with gocfg.Database.open(path) as d:
            d.save("secret", {"password": "hunter2"}, expect_revision=0)
            # While the store is open: closing may remove the companions.
            for p in (path, tmp_path / "wal.db-wal", tmp_path / "wal.db-shm"):
                assert os.stat(p).st_mode & 0o777 == 0o600, p.name
    finally:
        os.umask(old)


def test_sqlite_url_forms_name_the_files_they_say(tmp_path, monkeypatch):
    path = tmp_path / "abs.db"
    with gocfg.Database.open(f"sqlite://{path}") as d:
        d.save("a", {}, expect_revision=0)
        assert d.url == f"sqlite://{path}"
    with gocfg.Database.open(str(path)) as d:  # the bare path opens the same file
        assert d.load_with_revision("a")[1] == 1
    # SQLAlchemy's absolute form, four slashes, as README's URL table says
    with gocfg.Database.open(f"sqlite:///{path}") as d:
        assert d.load_with_revision("a")[1] == 1 and d.url == f"sqlite://{path}"
    monkeypatch.chdir(tmp_path)
    gocfg.Database.open("sqlite:rel.db").close()
    gocfg.Database.open("bare.db").close()
    odd = "we?ird #name%20 \u00fcn\u00ef.db"  # kept as it is, not read as a URL
    with gocfg.Database.open(tmp_path / odd) as d:
        d.save("a", {})
    assert sorted(n for n in os.listdir(tmp_path) if not n.endswith(("-wal", "-shm"))) == \
        sorted(["abs.db", "bare.db", "rel.db", odd])
    for bad in ["sqlite://host/x.db", "sqlite:///x.db?cache=shared", "sqlite://", "sqlite:", "sqlite:///"]:
        with pytest.raises(gocfg.InvalidArgumentError):
            gocfg.Database.open(bad)
    with pytest.raises(gocfg.FileError):
        gocfg.Database.open(tmp_path / "no" / "such" / "dir.db")


def test_sqlite_refuses_loose_and_foreign_files(tmp_path):
    loose = tmp_path / "loose.db"
    loose.touch()
    os.chmod(loose, 0o644)
    with pytest.raises(gocfg.InvalidArgumentError, match="chmod 600"):  # the message says what to do
        gocfg.Database.open(loose)
    os.chmod(loose, 0o600)
    gocfg.Database.open(loose).close()
    # Another program's SQLite database is left alone.
    other = tmp_path / "other.db"
    other.touch()
    os.chmod(other, 0o600)
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE users (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(gocfg.InvalidArgumentError):
        gocfg.Database.open(other)
    # Text where a database should be: the storage is bad, not the argument.
    other.write_bytes(b"not a database at all, just text that is long enough to fill a header.......")
    with pytest.raises(gocfg.FileError):
        gocfg.Database.open(other)


def test_sqlite_saves_refuse_a_file_deleted_or_replaced_since_open(tmp_path):
    # SQLite writes to the file it opened: once the path names no file, or
    # another one (a backup put back with mv), save() returned a revision
    # for data that went into the unlinked file and was gone on the next
    # open. It raises instead, saying what happened; nothing is saved.
    path = tmp_path / "cfg.db"
    with gocfg.Database.open(path) as db:
        assert db.save("app", {"v": 1}) == 1
        backup = tmp_path / "backup.db"
        with gocfg.Database.open(backup) as b:
            b.save("app", {"v": "from the backup"})
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(f"{path}{suffix}"):
                os.unlink(f"{path}{suffix}")
        with pytest.raises(gocfg.FileError, match=f"{path} was deleted after the Database was opened; nothing was saved"):
            db.save("app", {"v": 2})
        with pytest.raises(gocfg.FileError, match="was deleted after the Database was opened"):
            db.delete("app")
        os.rename(backup, path)
        with pytest.raises(gocfg.FileError, match=f"{path} was replaced by another file after the Database was opened"):
            db.save("app", {"v": 3})
    with gocfg.Database.open(path) as db:
        assert db.load("app").to_dict() == {"v": "from the backup"} and len(db.history("app")) == 1
        assert db.save("app", {"v": 4}) == 2


def test_reopening_keeps_data_and_revision_counters(persistent_url):
    with gocfg.Database.open(persistent_url, timeout=10) as d:
        d.save("a", {"v": 1}, expect_revision=0)
        d.save("a", {"v": 2}, expect_revision=1)
        d.delete("a")
        d.save("b", {"v": 3}, expect_revision=0)
    with gocfg.Database.open(persistent_url, timeout=10) as d:
        assert d.save("a", {}, expect_revision=0) == 4
        cfg, rev = d.load_with_revision("b")
        with cfg:
            assert (cfg.to_dict(), rev) == ({"v": 3}, 1)


def test_sqlite_watch_sees_other_processes(tmp_path):
    url = f"sqlite://{tmp_path}/w.db"
    with gocfg.Database.open(url) as d:
        w = d.watch("x", timeout=15)
        proc = run_child("""
            import sys, gocfg
            with gocfg.Database.open(sys.argv[1]) as d:
                d.save("x", {"v": 1})
                d.save("x/y", {"v": 1})
                d.delete("x")
        """, url)
        assert proc.returncode == 0, proc.stderr
        assert collect(w, 3) == [gocfg.WatchEvent("x", 1, False), gocfg.WatchEvent("x/y", 1, False),
                                 gocfg.WatchEvent("x", 2, True)]
        w.close()


# ---------------------------------------------------------------- bad input

def test_bad_names_are_refused(db):
    for bad in ["", "/a", "a/", "a//b", ".", "..", "a/../b", "a/./b", "./a", "../etc/passwd", "a\0b", "a*b",
                "a:b", "a\\b", "a\nb", "a\x7fb", "a\u2028b", "a\u2029b", "x" * 1025]:
        with pytest.raises(gocfg.InvalidArgumentError):
            db.save(bad, {})
        with pytest.raises(gocfg.InvalidArgumentError):
            db.load(bad)
        with pytest.raises(gocfg.InvalidArgumentError):
            db.delete(bad)
        with pytest.raises(gocfg.InvalidArgumentError):
            db.history(bad)
    with pytest.raises(gocfg.InvalidArgumentError):
        db.save("\ud800", {})  # a lone surrogate
    for wrong in [None, 1, b"a", ["a"]]:
        with pytest.raises(TypeError):
            db.save(wrong, {})
        with pytest.raises(TypeError):
            db.load(wrong)
        with pytest.raises(TypeError):
            db.names(wrong)
        with pytest.raises(TypeError):
            db.query(wrong)
        with pytest.raises(TypeError):
            db.watch(wrong)
    for bad_prefix in ["/", "/a", "a//", "a\0"]:
        with pytest.raises(gocfg.InvalidArgumentError):
            db.names(bad_prefix)
        with pytest.raises(gocfg.InvalidArgumentError):
            db.watch(bad_prefix)
    assert db.names() == []  # nothing was stored


GOOD_NAMES = ["a", "a/b/c", "a.b", "a b", "a-b_c@d", "..a", "a..", "x/.hidden", "équipe/名前 x.y", "x" * 1024]


def test_unusual_names_are_fine(db):
    for i, name in enumerate(GOOD_NAMES):
        assert db.save(name, {"i": i}, expect_revision=0) == 1
    for i, name in enumerate(GOOD_NAMES):
        assert db.load(name).to_dict() == {"i": i}
    assert db.names() == sorted(GOOD_NAMES)


def test_bad_arguments_are_refused(db):
    db.save("a", {})
    with pytest.raises(TypeError):
        db.save("a", None)
    with pytest.raises(TypeError):
        db.save("a", [("k", "v")])
    with pytest.raises(TypeError):
        db.save("a", {1: "int key"})
    with pytest.raises(TypeError):
        db.save("a", {"v": object()})
    for bad in [-1, -2, 2**63]:
        with pytest.raises(gocfg.InvalidArgumentError):
            db.save("a", {}, expect_revision=bad)
    for wrong in ["1", 1.0, True]:
        with pytest.raises(TypeError):
            db.save("a", {}, expect_revision=wrong)
        with pytest.raises(TypeError):
            db.load("a", wrong)
    for bad in [0, -1]:
        with pytest.raises(gocfg.InvalidArgumentError):
            db.load("a", bad)
    with pytest.raises(gocfg.InvalidArgumentError):
        db.watch("a", timeout=-1)
    with gocfg.Config() as cfg:
        pass
    with pytest.raises(gocfg.ClosedError):
        db.save("a", cfg)  # a closed Config
    assert db.load_with_revision("a")[1] == 1


def test_bad_open_arguments():
    for wrong in [None, 1, b"memory://"]:
        with pytest.raises(TypeError):
            gocfg.Database.open(wrong)
    with pytest.raises(gocfg.InvalidArgumentError):
        gocfg.Database.open("")
    with pytest.raises(gocfg.InvalidArgumentError):
        gocfg.Database.open("memory://\0x")
    with pytest.raises(gocfg.InvalidArgumentError):
        gocfg.Database.open("memory://extra")
    for bad in ["bogus://x", "memory:x", "ftp://host/x", "etcd:nohost"]:
        with pytest.raises(gocfg.InvalidArgumentError):
            gocfg.Database.open(bad)
    for same in ["memory://", "memory:", "MEMORY://"]:
        with gocfg.Database.open(same) as d:
            assert d.url == "memory://"
    for t in [0, -1, math.nan, math.inf]:
        with pytest.raises(gocfg.InvalidArgumentError):
            gocfg.Database.open("memory://", timeout=t)
    with pytest.raises(TypeError):
        gocfg.Database.open("memory://", timeout="5")
    with pytest.raises(gocfg.InvalidArgumentError) as e:
        gocfg.Database.open("memory://", password="pw\0secret-canary")
    assert "secret-canary" not in str(e.value)
    with pytest.raises(TypeError):
        gocfg.Database.open("memory://", username=5)


def test_huge_numbers_as_arguments_are_refused_or_read_as_forever(tmp_path):
    # An int beyond a float's range, or beyond 4,300 digits (where repr()
    # raises ValueError), is refused by name like any number out of range:
    # it was an OverflowError (open) or a ValueError about int digits
    # (revisions, debounce, a negative watch timeout). A watch timeout that
    # long, or a float one past 1e306 (whose milliseconds overflowed on
    # the first iteration: OverflowError), waits forever, as inf does.
    huge = 10**5000
    with gocfg.Database.open("memory://") as db:
        for t in (huge, -huge, 10**400):
            with pytest.raises(gocfg.InvalidArgumentError, match="timeout must be more than 0 and at most one day, "
                                                                 "not (an|a negative) int of about"):
                gocfg.Database.open("memory://", timeout=t)
        for call in (lambda n: db.load("a", n), lambda n: db.save("a", {}, expect_revision=n)):
            with pytest.raises(gocfg.InvalidArgumentError, match="revision.*not a negative int of about 5001 digits"):
                call(-huge)
        with pytest.raises(gocfg.InvalidArgumentError, match="not a negative int of about 5001 digits"):
            db.watch("a", timeout=-huge)
        for forever in (huge, 10**400, 1e306, sys.float_info.max):
            w = db.watch("a", timeout=forever)
            db.save("a", {"n": 1})
            assert next(w).name == "a"
            w.close()
    (tmp_path / "a.yaml").write_text("a: 1\n")
    with pytest.raises(gocfg.InvalidArgumentError, match="debounce .* not an int of about 5001 digits"):
        gocfg.load(tmp_path / "a.yaml", watch=True, debounce=huge)


def test_malformed_etcd_urls_are_refused_without_the_password():
    # Refused while the URL is read, before anything is dialled (a failed
    # connection would be a ConnectionError, not an InvalidArgumentError).
    pw = "Sup3rS3cret"
    for bad in [
        f"etcd://u:{pw}@127.0.0.1:99999/p",                 # port out of range
        f"etcd://u:{pw}@127.0.0.1:2379/p?bogus=1",          # unknown parameter
        f"etcd://u:{pw}@127.0.0.1:2379/p?tls=maybe",        # not a boolean
        f"etcd://u:{pw}%zz@127.0.0.1:2379/p",               # bad escape in the password
        f"etcd://u:{pw}@/p",                                # no host
        f"etcd://u:{pw}@a:1,,b:2/p",                        # an empty host in the list
        f"etcd://u:{pw}@127.0.0.1:2379/p#frag",             # a fragment
        f"etcd:u:{pw}",                                     # opaque form
        f"etcd://u:{pw}@127.0.0.1:2379/p?ca=a&ca=b",        # a parameter given twice
        f"etcdx://u:{pw}@h/p",                              # unknown scheme
    ]:
        with pytest.raises(gocfg.InvalidArgumentError) as e:
            gocfg.Database.open(bad, timeout=1)
        assert pw not in str(e.value) and pw not in repr(e.value), bad


def test_closed_database(url):
    d = gocfg.Database.open(url, timeout=10)
    d.save("a", {"v": 1})
    w = d.watch()
    d.close()
    d.close()  # idempotent
    assert d.closed and "closed" in repr(d)
    assert list(w) == [] and w.closed  # its watches ended
    for call in [lambda: d.save("a", {}), lambda: d.load("a"), lambda: d.delete("a"), lambda: d.names(),
                 lambda: d.history("a"), lambda: d.query("*:**"), lambda: d.watch(),
                 lambda: d.load_with_revision("a")]:
        with pytest.raises(gocfg.ClosedError):
            call()
    with pytest.raises(gocfg.ClosedError):
        with d:
            pass


def test_close_while_other_threads_call(url):
    d = gocfg.Database.open(url, timeout=10)
    d.save("a", {"v": 1})
    stop = threading.Event()
    unexpected = []

    def hammer():
        while not stop.is_set():
            try:
                d.load("a").close()
                d.save("a", {"v": 2})
            except gocfg.ClosedError:
                return
            except Exception as e:  # pragma: no cover - reported below
                unexpected.append(e)
                return

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    d.close()
    stop.set()
    for t in threads:
        t.join(10)
    assert not unexpected


def test_del_closes_and_nothing_leaks(url):
    before = settled_stats()
    d = gocfg.Database.open(url, timeout=10)
    d.save("a", SAMPLE)
    for _ in range(3):
        d.load("a").close()
        d.history("a")
        d.names()
        d.query("*:**")
        for fn, args, kw in [(d.load, ("missing",), {}), (d.save, ("a", {}), {"expect_revision": 0}),
                             (d.query, ("bad",), {})]:
            with pytest.raises(gocfg.Error):
                fn(*args, **kw)
        del fn
    w = d.watch("a")
    d.save("a", {})
    next(w)
    del w
    d2 = gocfg.Database.open(url, timeout=10)
    del d, d2  # __del__ closes
    after = settled_stats()
    for key in ("live_handles", "outstanding_buffers", "outstanding_errors"):
        assert after[key] == before[key], (key, before[key], after[key])


def test_loaded_configs_never_closed_are_freed_by_their_collection(url):
    # What load() and load_many() make is freed when it goes, closed or
    # not: closing one by hand, dropping one, and a cycle the collector
    # breaks all give the handles back.
    d = gocfg.Database.open(url, timeout=10)
    try:
        d.save("x/a", SAMPLE)
        d.save("x/b", {"n": 1})
        before = settled_stats()
        for _ in range(50):
            cfg = d.load("x/a")
            assert cfg["name"] == SAMPLE["name"]
            del cfg  # never closed
            many = d.load_many(["x/a", "x/b", "x/missing"])
            assert sorted(many) == ["x/a", "x/b"] and many["x/b"]["n"] == 1
            many["x/a"].close()
            del many
            cyc = d.load("x/b")
            box = [cyc]
            box.append(box)  # only the cycle collector frees this one
            del cyc, box
        gc.collect()
        after = settled_stats()
        assert after["live_handles"] == before["live_handles"], (before, after)
        # A closed loaded Config stays closed: no read reaches a freed handle.
        cfg = d.load("x/b")
        cfg.close()
        cfg.close()
        with pytest.raises(gocfg.ClosedError):
            cfg["n"]
    finally:
        d.close()


def test_errors_are_catchable_as_builtins():
    assert issubclass(gocfg.ConflictError, RuntimeError) and issubclass(gocfg.ConflictError, gocfg.Error)
    assert issubclass(gocfg.ConnectionError, ConnectionError) and issubclass(gocfg.ConnectionError, OSError)
    assert issubclass(gocfg.AuthError, PermissionError) and issubclass(gocfg.AuthError, gocfg.Error)
    assert gocfg.ConnectionError is not ConnectionError


def test_forked_child_gets_a_clear_error(tmp_path):
    proc = run_child("""
        import os, sys, gocfg
        d = gocfg.Database.open("memory://")
        pid = os.fork()
        if pid == 0:
            try:
                d.names()
                os._exit(3)
            except gocfg.ForkedProcessError:
                del d  # __del__ in the child does nothing, and does not raise
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status))
        d.close()
    """)
    assert proc.returncode == 0 and proc.stdout.strip() == "0", proc.stdout + proc.stderr


def lock_holder(path) -> subprocess.Popen:
    """Another process, holding the SQLite file's write lock until its
    stdin is closed (communicate(""))."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys\n"
         f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
         "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "locked\n"
    return holder


def test_a_sqlite_lock_held_past_the_timeout_says_so(tmp_path):
    # Another process holding the file's write lock: after the Database's
    # timeout, a save or delete is a FileError saying what happened, where
    # SQLite says only "database is locked". Loads go on (WAL readers).
    path = tmp_path / "c.db"
    with gocfg.Database(f"sqlite:{path}", timeout=0.3) as db:
        db.save("a", {"x": 1})
        holder = lock_holder(path)
        try:
            for call in (lambda: db.save("a", {"x": 2}), lambda: db.delete("a")):
                with pytest.raises(gocfg.FileError, match="another process held the file's lock for longer than "
                                                          "the Database's timeout"):
                    call()
            assert db.load("a").to_dict() == {"x": 1}
        finally:
            holder.communicate("")
        assert db.save("a", {"x": 3}) == 2  # the lock gone, saves go on


CHILD_SAVE_WHILE_LOCKED = """
    import sys, gocfg
    db = gocfg.Database.open(sys.argv[1], timeout=600)
    db.save("a", {"x": 1})
    print("saved", flush=True)
    sys.stdin.readline()  # another process takes the file's write lock meanwhile
    print("saving", flush=True)
    try:
        db.save("a", {"x": 2}) if sys.argv[2] == "save" else db.delete("a")
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.stdin.readline()  # the lock is gone
        print(db.load("a").to_dict(), db.history("a")[-1][0], flush=True)
"""


@pytest.mark.parametrize("call", ["save", "delete"])
def test_ctrl_c_interrupts_a_sqlite_write_waiting_for_another_process(tmp_path, call):
    # A save or delete waits up to the Database's timeout for another
    # process's write lock. It was a direct call, so Ctrl-C landed only when
    # the wait gave up: here after 600 s (the wait below fails long before).
    # Now it is sliced, the cancel stops SQLite's wait, and nothing is
    # written.
    path = tmp_path / "c.db"
    child = start_child(CHILD_SAVE_WHILE_LOCKED, f"sqlite:{path}", call, stdin=subprocess.PIPE)
    holder = None
    try:
        assert child.stdout.readline().strip() == "saved", child.stderr.read()
        holder = lock_holder(path)
        child.stdin.write("go\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "saving"
        time.sleep(0.5)  # inside SQLite's wait by then
        child.send_signal(signal.SIGINT)
        ready, _, _ = select.select([child.stdout], [], [], 60)  # a generous wait, never reached when all is well
        assert ready and child.stdout.readline().strip() == "interrupted", "Ctrl-C did not end the wait"
        holder.communicate("", timeout=60)
        out, err = child.communicate("go\n", timeout=60)
        assert out.strip() == "{'x': 1} 1", err  # the old value, as saved: the save or delete did nothing
    finally:
        child.kill()
        if holder is not None:
            holder.kill()


def test_close_from_another_thread_ends_a_write_waiting_for_a_lock(tmp_path):
    # close() waits for the calls in progress, and a save or delete waiting
    # for another process's SQLite lock waited for the whole timeout (here
    # 600 s; 20 s took 19.7 s), so close() did too. close() now ends the
    # wait: the write raises ClosedError, having written nothing.
    path = tmp_path / "c.db"
    db = gocfg.Database(f"sqlite:{path}", timeout=600)
    db.save("a", {"x": 1})
    holder = lock_holder(path)
    try:
        outcome: list = []

        def write() -> None:
            try:
                db.save("a", {"x": 2})
                outcome.append("saved")
            except Exception as e:
                outcome.append(e)

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        time.sleep(0.5)  # inside SQLite's wait by then
        closer = threading.Thread(target=db.close, daemon=True)
        closer.start()
        closer.join(60)  # a generous wait, never reached when all is well
        assert not closer.is_alive(), "close() waited for the save's lock"
        writer.join(60)
        assert len(outcome) == 1 and isinstance(outcome[0], gocfg.ClosedError), outcome
        assert "closed while the call waited" in str(outcome[0])
    finally:
        holder.communicate("")
    with gocfg.Database(f"sqlite:{path}") as again:
        assert again.load_with_revision("a")[0].to_dict() == {"x": 1}
        assert again.save("a", {"x": 3}) == 2


_READ_ONLY_STORE = """
import subprocess, sys, gocfg
d = sys.argv[1]
if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", d]).returncode:
    sys.exit(77)  # no mounting here: the test is skipped
with gocfg.Database.open(f"sqlite:{d}/store.db") as db:
    db.save("a", {"x": 1})
subprocess.run(["mount", "-o", "remount,ro", d], check=True)
try:
    gocfg.Database.open(f"sqlite:{d}/store.db")
except gocfg.FileError as e:
    print(e.errno, e.filename, str(e), sep="\\n")
"""



def test_a_sqlite_store_that_cannot_be_written_says_why(tmp_path):
    # On a read-only file system (or a file or directory the user may not
    # write), open said only "initializing: unable to open database file
    # (14)". It now names the errno and the path, and why a write is needed.
    if os.geteuid() != 0:
        path = tmp_path / "store.db"
        with gocfg.Database.open(path) as db:
            db.save("a", {"x": 1})
        os.chmod(path, 0o400)
        with pytest.raises(gocfg.FileError) as info:
            gocfg.Database.open(path)
        got = (info.value.errno, info.value.filename, str(info.value))
    else:  # root writes anywhere: a read-only tmpfs, in a mount namespace of its own
        if not shutil.which("unshare"):
            pytest.skip("needs unshare(1) to make a read-only file system")
        r = subprocess.run(["unshare", "-m", sys.executable, "-c", _READ_ONLY_STORE, str(tmp_path)],
                           capture_output=True, text=True, timeout=60)
        if r.returncode == 77 or "unshare failed" in r.stderr:
            pytest.skip("cannot mount a file system here")
        assert r.returncode == 0, r.stderr
        code, name, text = r.stdout.rstrip("\n").split("\n")
        got = (int(code), name, text)
    code, name, text = got
    assert code in (errno.EROFS, errno.EACCES) and name == str(tmp_path / "store.db")
    assert "unable to open database file" not in text and "must be able to write it" in text


def test_a_sqlite_file_in_a_missing_directory_is_a_missing_file_error(tmp_path):
    # Read as Python's own OSError: errno, the path once, no Go text.
    path = tmp_path / "no-such-dir" / "store.db"
    with pytest.raises(gocfg.MissingFileError) as info:
        gocfg.Database.open(f"sqlite://{path}")
    e = info.value
    assert isinstance(e, FileNotFoundError)
    assert (e.errno, e.filename) == (errno.ENOENT, str(path))
    assert str(e) == f"[Errno 2] No such file or directory: '{path}'"
    assert not path.parent.exists()
