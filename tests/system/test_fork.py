"""Configs survive os.fork() for reading.

The Go runtime does not survive fork(), so a child forked after the parent
used gocfg reads every Config that existed at the fork from a snapshot
taken just before it (gocfg._snapshot, gocfg._forklib), and whatever needs
the library raises ForkedProcessError. Each test runs in a fresh Python
process of its own, with a timeout: a child that called into the dead Go
runtime would hang, and must fail the test rather than the run.
"""
from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest

TIMEOUT = 120


def run_python(code: str, cwd=None, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)


# Configs of every kind, built in the parent before the fork: a plain one
# (keys with dots, quotes, backslashes, digits, an empty key; lists of maps;
# dates), one loaded from a file, a layered one with provenance, references
# (good, to a map, broken) and a list holding a reference, and a frozen one.
SETUP = r'''
import datetime as dt, gc, os, pickle, sys, dataclasses
import gocfg

APP_YAML = """\
server:
  host: example.org
  port: 8080
debug: false
tags: [a, b]
"""
with open("app.yaml", "w") as f:
    f.write(APP_YAML)

plain = gocfg.Config({
    "m": {"k": "v", "n": 3, "list": [1, {"x": "y", "when": dt.date(2024, 2, 29)}, [2, 3]], "empty": {}},
    "a.b": {"c": 1}, 'q"k': "quote", "back\\slash": "b", "": "empty key", "0": "digit key",
    "dates": {"d": dt.date(2024, 1, 2), "t": dt.time(1, 2, 3, 4),
              "l": [dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc),
                    dt.datetime(2020, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=-5)))],
              "naive": dt.datetime(2021, 5, 6, 7, 8, 9)},
    "ключ": "значение", "none": None, "f": 1.5, "nan": float("nan"), "big": 2**62, "yes": True,
    "num": "42", "dur": "1h30m", "csv": "a,b,c", "db": {"password": "hunter2"},
})
loaded = gocfg.Config.load("app.yaml")
layered = gocfg.load(
    "app.yaml",
    gocfg.Text('[server]\nport = 9090\n[s]\ngood = 1\nbad = "${nope}"\n', "toml", name="local.toml"),
    defaults={"server": {"workers": 4}, "url": "http://${server.host}:${server.port}", "alias": "${server}",
              "broken": "${missing.key}", "lst": ["${server.host}", 1]},
    env_prefix="APP", environ={"APP_SERVER__WORKERS": "8", "APP_LOG_LEVEL": "debug"},
    overrides=["debug=true", "extra.k=1"])
frozen = gocfg.Config({"x": {"y": 1}}).freeze()
deep = leaf = {}
for _ in range(200):  # repr() of deeper ones recurses too far in the secret masking
    leaf["k"] = leaf = {}
leaf["end"] = [1]
plain["deep"] = deep
closed = gocfg.Config({"a": 1})
closed.close()
sec = plain["m"]
CONFIGS = {"plain": plain, "loaded": loaded, "layered": layered, "frozen": frozen, "closed": closed, "sec": sec}

PATHS = ["", "m", "m.k", "m.n", "m.list", "m.list.0", "m.list.1", "m.list.1.x", "m.list.1.when", "m.list.2.1",
         "m.list.01", "m.list.-1", "m.list.9", "m.list.x", "m.empty", "m.k.deeper", '"a.b"', '"a.b".c',
         ("a.b", "c"), ("m", "list", 0), ("m", "list", 1, "x"), ("m", "list", 7), '"q\\"k"', ('q"k',),
         '"back\\\\slash"', ("back\\slash",), ("",), '""', "0", ("0",), "a..b", "a.", ".a", '"unterminated',
         'a"b', '"a"b', '"a\\x"', "ключ", "nope", "nope.deeper", "dates", "dates.d", "dates.t", "dates.l",
         "dates.l.1", "dates.naive", "none", "f", "nan", "big", "yes", "num", "dur", "csv", "db.password",
         "server", "server.port", "server.host", "server.workers", "tags", "tags.1", "debug", "url", "alias",
         "alias.port", "alias.nope", "broken", "broken.x", "s", "s.good", "s.bad", "lst", "lst.0", "log_level",
         "extra", "extra.k", "x", "x.y", "list", ("list",), "k", "empty", "list.1.x", "a\0b", "m.\0",
         "deep." + "k." * 200 + "end.0", ("deep",) + ("k",) * 200 + ("end",), "deep." + "k." * 201,
         # index spellings that are keys, and paths through a reference
         "m.list.+1", "m.list.-0", ("m", "list", -1), "alias.+1", "lst.+0"]


@dataclasses.dataclass
class Server:
    host: str
    port: int
    workers: int = 1


def outcome(f):
    try:
        v = f()
        if isinstance(v, gocfg.Section):
            return ("section", v.path)
        return ("value", repr(v))
    except Exception as e:
        return ("raises", type(e).__name__, str(e))


def reads():
    out = []
    for name, c in CONFIGS.items():
        whole = {"list": lambda: list(c), "len": lambda: len(c), "to_dict": lambda: c.to_dict(),
                 "repr": lambda: repr(c), "items": lambda: list(c.items()), "values": lambda: list(c.values()),
                 "in": lambda: "m" in c, "in tuple": lambda: ("a.b", "c") in c, "in int": lambda: 3 in c,
                 "== dict": lambda: c == c.to_dict(), "== other": lambda: c == {"x": 1}, "show": lambda: c.show(),
                 "html": lambda: c._repr_html_(), "explain": lambda: c.explain(), "origin": lambda: c.origin(),
                 "history": lambda: c.history(), "to section": lambda: c["server"].to(Server),
                 "to": lambda: c.to(Server), "to lax": lambda: c["server"].to(Server, strict=False),
                 "pickled": lambda: pickle.loads(pickle.dumps(c)).to_dict(),
                 "pickled origin": lambda: pickle.loads(pickle.dumps(c)).origin("server.port"),
                 "pickled section": lambda: pickle.loads(pickle.dumps(c["m"])).to_dict()}
        if isinstance(c, gocfg.Config):
            whole.update({"frozen": lambda: c.frozen, "== self": lambda: c == c, "closed": lambda: c.closed})
        for what, f in whole.items():
            out.append((name, "whole", what, outcome(f)))
        for p in PATHS:
            for op, f in [("get", lambda: c[p]), ("in", lambda: p in c), ("get()", lambda: c.get(p, "dflt")),
                          ("len", lambda: len(c[p])), ("keys", lambda: list(c[p])),
                          ("to_dict", lambda: c[p].to_dict()), ("origin", lambda: c.origin(p)),
                          ("history", lambda: c.history(p)), ("explain", lambda: c.explain(p)),
                          ("int", lambda: c.get_int(p)), ("float", lambda: c.get_float(p)),
                          ("bool", lambda: c.get_bool(p)), ("str", lambda: c.get_str(p)),
                          ("list", lambda: c.get_list(p)), ("duration", lambda: c.get_duration(p)),
                          ("int default", lambda: c.get_int(p, -1))]:
                out.append((name, p, op, outcome(f)))
    return out
'''


def test_child_reads_every_config_as_the_parent_does(tmp_path):
    # Every read of the table, in the parent and in a forked child, must
    # give the same value, or raise the same exception with the same
    # message. The table's hostile paths check the child's path parser
    # against the library's. While the child reads, and while it drops
    # every Config (their __del__ runs), a profiler watches for any call of
    # a compiled gocfg_* function: there must be none.
    proc = run_python(SETUP + r'''
def library_calls(fn):
    # A call into Go is a compiled gocfg_* function (cffi) or a function of
    # gocfg._hot, the C hot path (in, =, uncached reads).
    seen = []
    def prof(frame, event, arg):
        if event == "c_call" and (getattr(arg, "__name__", "").startswith("gocfg_")
                                  or getattr(arg, "__module__", None) == "gocfg._hot"):
            seen.append(arg.__name__)
    sys.setprofile(prof)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return seen

parent = reads()
# The watch sees real calls (a check that cannot fail is no check).
assert library_calls(lambda: plain["m.k"] and plain.origin("m.k")), "the profiler saw no library call"
assert library_calls(lambda: len(plain)), "the profiler saw no call of the hot path"
assert type(gocfg.Config.__dict__["__contains__"]).__module__ == "gocfg._hot"

r, w = os.pipe()
pid = os.fork()
if pid == 0:
    try:
        got = []
        calls = library_calls(lambda: got.extend(reads()))
        def drop():
            global plain, loaded, layered, frozen, closed, sec
            CONFIGS.clear()
            del plain, loaded, layered, frozen, closed, sec
            gc.collect()
        calls += library_calls(drop)
        # Config's methods made in C (gocfg._hot) call Go without a c_call
        # event: the child must have the class's Python methods back.
        calls += [n for n in ("__contains__", "__getitem__", "__setitem__")
                  if type(gocfg.Config.__dict__[n]).__module__ == "gocfg._hot"]
        data = pickle.dumps((got, calls))
    except BaseException as e:
        data = pickle.dumps(repr(e))
    with os.fdopen(w, "wb") as f:
        f.write(data)
    os._exit(0)
os.close(w)
with os.fdopen(r, "rb") as f:
    result = pickle.loads(f.read())
_, status = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(status) == 0
assert not isinstance(result, str), result
child, calls = result
assert calls == [], calls
assert len(child) == len(parent)
# One difference is by design: a Config pickled in the parent and
# unpickled in the child cannot resolve its references there.
unresolvable = ("layered", "whole", "pickled")
assert [c for c in child if c[:3] == unresolvable][0][3][1] == "ForkedProcessError"
diffs = [(p, c) for p, c in zip(parent, child) if p != c and p[:3] != unresolvable]
for p, c in diffs[:20]:
    print("parent:", p, "\nchild: ", c[3])
kinds = {o[3][0] for o in parent}
print("compared", len(parent), "reads;", len(diffs), "differ; kinds", sorted(kinds))
assert not diffs
''', cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-6000:]
    assert "0 differ" in proc.stdout and proc.stderr == ""
    # The table reaches values, sections and errors alike.
    assert "'raises', 'section', 'value'" in proc.stdout


def test_everything_that_needs_the_library_raises_naming_the_fix(tmp_path):
    proc = run_python(SETUP + r'''
import gocfg
db = gocfg.Database.open("memory://")
db.save("svc", {"a": 1})
watch = db.watch("svc", timeout=0.1)
pid = os.fork()
if pid == 0:
    refused = []
    ops = {
        "set": lambda: plain.__setitem__("m.k", "w"), "set section": lambda: sec.__setitem__("k", 1),
        "del": lambda: plain.__delitem__("m"), "update": lambda: plain.update({"z": 1}),
        "setdefault": lambda: plain.setdefault("z", 1), "setdefault section": lambda: sec.setdefault("z", 1),
        "clear": plain.clear, "pop": lambda: plain.pop("m"), "freeze": plain.freeze, "resolve": layered.resolve,
        "add_layer": lambda: layered.add_layer({"z": 1}), "save": lambda: plain.save("out.json"),
        "dumps": lambda: plain.dumps("json"), "to_json": plain.to_json, "copy": plain.copy,
        "diff": lambda: plain.diff(loaded), "Config()": gocfg.Config, "Config(dict)": lambda: gocfg.Config({"a": 1}),
        "Config.load": lambda: gocfg.Config.load("app.yaml"), "Config.loads": lambda: gocfg.Config.loads("{}", "json"),
        "gocfg.load": lambda: gocfg.load("app.yaml"), "Database.open": lambda: gocfg.Database.open("memory://"),
        "db.load": lambda: db.load("svc"), "db.save": lambda: db.save("svc", {"a": 2}), "db.names": db.names,
        "db.query": lambda: db.query("*:**"), "db.watch": lambda: db.watch("svc"), "watch": lambda: next(iter(watch)),
        "stats": gocfg.stats,
        # The library call under gocfg.load(secrets_dir=), reached directly:
        # gocfg.load itself is refused earlier, at creating the Config.
        "secrets layer": lambda: gocfg._capi._lib.gocfg_config_secrets_layer(
            layered._handle(), b"s", 1, b"", 0, gocfg._capi._NULL, gocfg._capi._NULL),
    }
    for name, op in ops.items():
        try:
            op()
            refused.append((name, "no error"))
        except gocfg.ForkedProcessError as e:
            msg = str(e)
            if not ("os.fork()" in msg and "'spawn'" in msg and "after the fork" in msg):
                refused.append((name, msg))
        except Exception as e:
            refused.append((name, repr(e)))
    # Nothing was changed by the refused writes; closing inherited objects
    # frees nothing and says nothing; __del__ does nothing.
    assert plain["m.k"] == "v" and "z" not in plain and not plain.frozen
    # setdefault() of a value that is there is a read.
    assert plain.setdefault("m.k", "w") == "v" and plain.setdefault("m", {})["k"] == "v"
    watch.close(); db.close(); plain.close(); plain.close()
    assert plain.closed and db.closed
    try:
        plain["m"]
        refused.append(("closed read", "no error"))
    except gocfg.ClosedError:
        pass
    del db, watch, layered
    gc.collect()
    print(refused, flush=True)
    os._exit(0 if not refused else 1)
_, status = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(status) == 0
# The parent is untouched.
assert plain["m.k"] == "v" and db.load("svc")["a"] == 1
db.close()
print("parent ok")
''', cwd=tmp_path)
    assert proc.returncode == 0 and "parent ok" in proc.stdout, proc.stdout + proc.stderr
    assert proc.stderr == ""


def test_snapshots_are_kept_until_the_config_changes_and_hold_no_config_alive(tmp_path):
    proc = run_python(r'''
import gc, os, weakref
import gocfg
from gocfg import _snapshot, _capi

def fork_and_read(cfg, key, want):
    pid = os.fork()
    if pid == 0:
        os._exit(0 if cfg[key] == want else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, (key, want)

cfg = gocfg.Config({"a": 1, "big": list(range(1000))})
key = _capi.handle_int(cfg._h)
fork_and_read(cfg, "a", 1)
first = _snapshot._taken[key]
fork_and_read(cfg, "a", 1)
assert _snapshot._taken[key] is first, "an unchanged Config was serialized again"
cfg["a"] = 2
fork_and_read(cfg, "a", 2)
assert _snapshot._taken[key] is not first
cfg.freeze()  # freezing moves no counter: the snapshot notices all the same
pid = os.fork()
if pid == 0:
    os._exit(0 if cfg.frozen else 1)
assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0

ref = weakref.ref(cfg)
del cfg
gc.collect()
assert ref() is None, "the fork registry keeps Configs alive"
fork_and_read(gocfg.Config({"b": 1}), "b", 1)
assert key not in _snapshot._taken, "a collected Config's snapshot was kept"

# A child of a child reads the snapshot of the snapshot.
cfg = gocfg.load(defaults={"h": "x", "u": "${h}/y"})
pid = os.fork()
if pid == 0:
    pid2 = os.fork()
    if pid2 == 0:
        os._exit(0 if cfg["u"] == "x/y" and str(cfg.origin("h")) == "defaults" else 1)
    os._exit(os.waitstatus_to_exitcode(os.waitpid(pid2, 0)[1]))
assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
print("ok")
''', cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stdout + proc.stderr


def test_child_reads_the_configs_a_database_loaded_and_the_registry_forgets_the_rest(tmp_path):
    # Configs made by Database.load and load_many are in the fork registry
    # like any other: a child reads them; closed or collected ones leave it.
    proc = run_python(r'''
import gc, os
import gocfg
from gocfg import _snapshot

db = gocfg.Database.open(os.path.join(os.getcwd(), "c.db"))
db.save("one", {"a": 1, "s": {"port": 8000}})
db.save("two", {"b": [1, 2]})
base = len(_snapshot.live)
one = db.load("one")
many = db.load_many(["one", "two"])
for _ in range(100):
    db.load("two").close()
    db.load("two")          # dropped, never closed
    db.load_many(["one", "two"])
gc.collect()
assert len(_snapshot.live) == base + 3, (base, len(_snapshot.live))
pid = os.fork()
if pid == 0:
    ok = one["s.port"] == 8000 and many["one"]["a"] == 1 and many["two"]["b"] == [1, 2]
    os._exit(0 if ok else 1)
assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
many["two"].close()
assert len(_snapshot.live) == base + 2
del one
assert len(_snapshot.live) == base + 1
print("ok")
''', cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stdout + proc.stderr


def test_child_reads_a_config_nested_to_the_limit(tmp_path):
    # The stand-in walks trees without recursion: a config nested close to
    # the library's limit of 1000 levels reads in the child.
    proc = run_python(r'''
import os, gocfg
deep = leaf = {}
for _ in range(990):
    leaf["k"] = leaf = {}
leaf["end"] = [1, {"x": 2}]
cfg = gocfg.load(defaults={"deep": deep, "ref": "${deep}"})
path = "deep." + "k." * 990 + "end.1.x"
want = (cfg[path], cfg.to_dict() == {"deep": deep, "ref": deep}, len(cfg.explain()), str(cfg.origin(path)))
assert want == (2, True, 2, "defaults"), want
pid = os.fork()
if pid == 0:
    got = (cfg[path], cfg.to_dict() == {"deep": deep, "ref": deep}, len(cfg.explain()), str(cfg.origin(path)))
    os._exit(0 if got == want else 1)
print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
''', cwd=tmp_path)
    assert proc.stdout.strip() == "0", proc.stdout + proc.stderr


CELERY_LIKE = r'''
import multiprocessing as mp
import sys
import gocfg

# Loaded at import time, in the parent, as a Celery app's settings are.
SETTINGS = gocfg.load(defaults={"broker": {"url": "redis://localhost", "pool": 4}, "name": "${broker.url}/0"},
                      overrides=["broker.pool=8"])


def task(i):
    return i * SETTINGS.get_int("broker.pool"), SETTINGS["name"], str(SETTINGS.origin("broker.pool"))


def read_arg(cfg):
    return cfg["n"] * 10, sorted(cfg), cfg.to_dict().get("when")


def write_arg(cfg):
    cfg["n"] = 0


def read_section(sec):
    return sec["port"], type(sec).__name__


def read_unresolved(cfg):
    return cfg["plain"], cfg["ref"]


def explain_unresolved(cfg):
    return [(leaf.path, leaf.value, leaf.error is not None) for leaf in cfg.explain()]


if __name__ == "__main__":
    ctx = mp.get_context("fork")
    with ctx.Pool(2) as pool:
        got = pool.map(task, range(8))
    assert got == [(i * 8, "redis://localhost/0", "override broker.pool=8") for i in range(8)], got

    # Configs handed to a fork Pool as arguments: pickled in the parent,
    # unpickled in a forked worker as read-only snapshots.
    import datetime
    configs = [gocfg.Config({"n": i, "when": datetime.date(2024, 1, i + 1)}) for i in range(4)]
    with ctx.Pool(2) as pool:
        got = pool.map(read_arg, configs)
        assert got == [(i * 10, ["n", "when"], datetime.date(2024, 1, i + 1)) for i in range(4)], got
        assert pool.map(read_section, [gocfg.Config({"s": {"port": 80}})["s"]]) == [(80, "Config")]
        # A write in the worker: a clear error in the parent, not a hang.
        try:
            pool.map(write_arg, configs[:1])
            raise SystemExit("the write did not fail")
        except gocfg.ForkedProcessError as e:
            assert "spawn" in str(e), e
        # References cannot be resolved in the worker: the value that
        # holds one says so, the others read.
        layered = gocfg.load(defaults={"plain": 1, "h": "x", "ref": "${h}"})
        try:
            pool.map(read_unresolved, [layered])
            raise SystemExit("the reference was resolved")
        except gocfg.ForkedProcessError as e:
            assert "resolve()" in str(e), e
        assert pool.map(explain_unresolved, [layered]) == [[("plain", 1, False), ("h", "x", False),
                                                            ("ref", "${h}", True)]]
        layered.resolve()
        assert pool.map(read_unresolved, [layered]) == [(1, "x")]
    print("ok")
'''


def test_fork_pool_reads_configs_loaded_in_the_parent_and_handed_as_arguments(tmp_path):
    script = tmp_path / "celery_like.py"
    script.write_text(CELERY_LIKE)
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stdout + proc.stderr


WSGI_APP = r'''
import json, os
import gocfg

CFG = gocfg.load("app.yaml", defaults={"greeting": "hello ${server.host}"}, overrides=["server.port=9000"])


def app(environ, start_response):
    body = json.dumps({
        "pid": os.getpid(),
        "port": CFG.get_int("server.port"),
        "greeting": CFG["greeting"],
        "origin": str(CFG.origin("server.port")),
        "keys": sorted(CFG),
        "server": CFG["server"].to_dict(),
    }).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
'''


@contextlib.contextmanager
def _gunicorn(tmp_path, app_text: str, start_within: float, options=("--preload",)):
    """gunicorn --preload (or the options given) with two workers serving
    app_text's `app`, on a port the kernel picks: yields (the master, its
    URL, a function reading its log), and stops it at the end."""
    (tmp_path / "wsgi_app.py").write_text(app_text)
    log = tmp_path / "gunicorn.log"

    def log_text() -> str:
        return log.read_text() if log.exists() else ""

    server = subprocess.Popen([sys.executable, "-m", "gunicorn", *options, "--workers", "2", "--bind",
                               "127.0.0.1:0", "--log-file", str(log), "--graceful-timeout", "5", "wsgi_app:app"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + start_within
        url = None
        while url is None and time.monotonic() < deadline and server.poll() is None:
            m = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log_text())
            if m:
                url = m.group(1)
            else:
                time.sleep(0.1)
        assert url, f"gunicorn did not start: {log_text()}"
        yield server, url, log_text
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_gunicorn_preload_workers_read_the_config(tmp_path):
    pytest.importorskip("gunicorn")
    (tmp_path / "app.yaml").write_text("server:\n  host: example.org\n  port: 8080\n")
    with _gunicorn(tmp_path, WSGI_APP, 60) as (server, url, log_text):
        deadline = time.monotonic() + 60
        answers = []
        while len(answers) < 12 and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "/", timeout=10) as r:
                    answers.append(__import__("json").loads(r.read()))
            except OSError:
                time.sleep(0.1)  # workers still booting
        assert len(answers) == 12, log_text()
        for a in answers:
            assert a["port"] == 9000 and a["greeting"] == "hello example.org", a
            assert a["origin"] == "override server.port=9000" and a["keys"] == ["greeting", "server"], a
            assert a["server"] == {"host": "example.org", "port": 9000} and a["pid"] != server.pid, a
        assert "Traceback" not in log_text(), log_text()
    assert "ForkedProcessError" not in log_text()



DB_WSGI_APP = r'''
import json
import gocfg

CFG = gocfg.Config({"server": {"port": 8080}})
DB = gocfg.Database.open("sqlite:config.db")


def app(environ, start_response):
    out = {"port": CFG["server.port"]}
    try:
        if environ["PATH_INFO"] == "/db":
            out["saved"] = DB.save("svc", {"n": 1})
        elif environ["PATH_INFO"] == "/write":
            CFG["server.port"] = 1
    except gocfg.ForkedProcessError as e:
        out["error"] = str(e)
    body = json.dumps(out).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]
'''


@pytest.mark.parametrize("worker", [["--worker-class", "sync"], ["--worker-class", "gthread", "--threads", "4"]])
def test_gunicorn_preloaded_app_that_opens_a_database_fails_its_requests_not_its_boot(tmp_path, worker):
    # README, "Forked workers": a preloaded app boots and reads its Configs;
    # a Database call or a write while serving raises ForkedProcessError
    # naming --preload; without --preload each worker has its own.
    pytest.importorskip("gunicorn")

    def get(url, path):
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + path, timeout=10) as r:
                    return __import__("json").loads(r.read())
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)  # workers still booting

    with _gunicorn(tmp_path, DB_WSGI_APP, 60, ("--preload", *worker)) as (_, url, log_text):
        assert get(url, "/") == {"port": 8080}
        for path in ("/db", "/write"):
            answer = get(url, path)
            assert answer["port"] == 8080 and "an app loaded with --preload" in answer.get("error", ""), answer
        assert "Traceback" not in log_text(), log_text()
    (tmp_path / "plain").mkdir()  # a log of its own: _gunicorn reads the URL from it
    with _gunicorn(tmp_path / "plain", DB_WSGI_APP, 60, tuple(worker)) as (_, url, log_text):
        assert get(url, "/db")["saved"] >= 1 and "error" not in get(url, "/write")
        assert "Traceback" not in log_text(), log_text()


def test_gunicorn_conf_that_uses_gocfg_gets_workers_a_message_naming_it(tmp_path):
    # A common layout: gunicorn.conf.py reads bind and workers from the
    # app's config, and the app (not preloaded) loads it in each worker.
    # The master used gocfg before forking, so the workers' loads are
    # refused and gunicorn stops ("Worker failed to boot"). The error said
    # to "create and load configs only after the fork", which the worker
    # had done; it now names the parent's first use and gunicorn.conf.py.
    pytest.importorskip("gunicorn")
    (tmp_path / "gunicorn.conf.py").write_text(
        "import gocfg\n_cfg = gocfg.Config({'bind': '127.0.0.1:0', 'workers': 1})\n"
        "bind = _cfg['bind']\nworkers = _cfg['workers']\n")
    (tmp_path / "wsgi_app.py").write_text(
        "import gocfg\nCFG = gocfg.Config({'greeting': 'hi'})\n"
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [])\n    return [CFG['greeting'].encode()]\n")
    log = tmp_path / "gunicorn.log"
    proc = subprocess.run([sys.executable, "-m", "gunicorn", "--log-file", str(log), "wsgi_app:app"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT)
    text = log.read_text()
    assert proc.returncode != 0 and "Worker failed to boot" in text, text
    refused = [line for line in text.splitlines() if line.startswith("gocfg.errors.ForkedProcessError")]
    assert refused, text
    assert "cannot create a Config" in refused[0] and "gunicorn.conf.py" in refused[0], refused[0]
    assert "make no gocfg call before it forks" in refused[0], refused[0]

def test_child_refuses_the_pickled_states_the_library_refuses(tmp_path):
    # Unpickling in the child cannot ask the library to check the state:
    # the stand-in refuses what the library refuses, with the same error
    # (never a stray Python error or a value Python cannot read back), and
    # takes what it takes, reading it the same way.
    proc = run_python(r'''
import marshal, os, pickle
import gocfg
from gocfg.config import _restore

def st(root, **kw):
    base = {"gocfg_state": 1, "root": root, "frozen": False, "interpolate": False, "parse_env": False,
            "provenance": None}
    base.update(kw)
    return marshal.dumps(base, 2)

deep = leaf = {}
for _ in range(1001):
    leaf["k"] = leaf = {}
STATES = [b"garbage", b"", marshal.dumps([1, 2]), st({"a": 1}, gocfg_state=2), st([1]), st({1: 2}),
          st({"a": b"bytes"}), st({"a": {1, 2}}), st({"a": (1, 2)}), st({"a": (..., "d", 0, 1, 1, 0, 0, 0, 0, None)}),
          st({"a": (..., "D", 2020, 1, 1, 0, 0, 0, 0, None)}), st({"a": (..., "D", 2020, 1, 1, 0, 0, 0, 0, 90000)}),
          st({"a": (..., "x", 2020, 1, 1, 0, 0, 0, 0, None)}), st({"a": 1}, provenance=[["a"]]),
          st({"a": 1}, provenance=[[["a"], [[1, 2, 3, 4, 5]]]]), st({"a": 1}, frozen=1), st(deep),
          st({"a": [1, {"b": (..., "t", 0, 0, 0, 1, 2, 3, 4, None)}]}, frozen=True,
             provenance=[[["a"], [[1, "defaults", 0, 0, 0]]]], interpolate=True)]

def outcomes():
    out = []
    for s in STATES:
        try:
            c = _restore(s)
            out.append(("ok", repr(c.to_dict()), c.frozen, str(c.origin("a"))))
        except Exception as e:
            out.append((type(e).__name__,))
    return out

parent = outcomes()
assert parent[-1][0] == "ok" and parent.count(("InvalidArgumentError",)) > 10, parent
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    with os.fdopen(w, "wb") as f:
        f.write(pickle.dumps(outcomes()))
    os._exit(0)
os.close(w)
with os.fdopen(r, "rb") as f:
    child = pickle.loads(f.read())
os.waitpid(pid, 0)
for i, (p, c) in enumerate(zip(parent, child)):
    if p != c:
        print(i, p, c)
print("same" if parent == child else "differ")
''', cwd=tmp_path)
    assert proc.stdout.strip().endswith("same"), proc.stdout + proc.stderr


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_config_made_after_the_snapshot_is_refused_not_hung(tmp_path):
    # A Config the snapshot does not know (made by another thread while
    # the fork was under way) raises in the child; simulated by dropping
    # its snapshot.
    proc = run_python(r'''
import os, gocfg
from gocfg import _native, _capi, _snapshot
cfg = gocfg.Config({"a": 1})
cfg["a"]
pid = os.fork()
if pid == 0:
    _native.lib._data.pop(_capi.handle_int(cfg._h))
    cfg._cache = _snapshot.NEVER
    try:
        cfg["a"]
        os._exit(1)
    except gocfg.ForkedProcessError as e:
        os._exit(0 if "not there when the process forked" in str(e) else 2)
print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
''', cwd=tmp_path)
    assert proc.stdout.strip() == "0", proc.stdout + proc.stderr



# A parent that forked once (snapshots taken), changed a Config, and forks
# again with a real SIGINT raised on its own thread as the hook enters the
# function named in argv[1]; the child prints what it reads of both
# Configs, the parent whether the KeyboardInterrupt reached it, and a child
# of a third fork what it reads.
CTRL_C_IN_THE_HOOK = r"""
import os, signal, sys, gocfg
changed = gocfg.Config({"v": 0})
same = gocfg.Config({"w": 2})
pid = os.fork()
if pid == 0:
    os._exit(0 if changed["v"] == 0 else 1)
assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
changed["v"] = 1

def tracer(frame, event, arg):
    if event == "call" and frame.f_code.co_name == sys.argv[1]:
        sys.settrace(None)
        signal.raise_signal(signal.SIGINT)
    return None

def child():
    got = []
    for read in (lambda: changed["v"], lambda: same["w"]):
        try:
            got.append(repr(read()))
        except gocfg.ForkedProcessError as e:
            got.append("refused: " + str(e))
    os.write(1, (" | ".join(got) + "\n").encode())
    os._exit(0)

sys.settrace(tracer)
outcome = "no KeyboardInterrupt"
try:
    if os.fork() == 0:
        child()
    for _ in range(10**6):  # where the KeyboardInterrupt lands at the latest
        pass
except KeyboardInterrupt:
    outcome = "KeyboardInterrupt after the fork"
os.wait()  # the child has written its line
print(outcome, flush=True)
pid = os.fork()  # not interrupted: its snapshots are its own
if pid == 0:
    child()
os.waitpid(pid, 0)
"""


def test_a_ctrl_c_while_the_fork_takes_the_snapshots_leaves_them_taken(tmp_path):
    # A Ctrl-C landing in the before-fork hook (it takes seconds for a big
    # changed config) left the snapshots of that fork untaken: CPython
    # prints it as an exception ignored in the hook and forks all the
    # same, and the child read the previous fork's (v = 0 where the parent
    # had v = 1; 5 of 5 forks of a changed 100,000-item config interrupted
    # by a timer's SIGINT). The hook now takes them in full before it lets
    # the KeyboardInterrupt out, which CPython still prints as ignored.
    proc = subprocess.run([sys.executable, "-c", CTRL_C_IN_THE_HOOK, "take"], capture_output=True, text=True,
                          timeout=TIMEOUT, cwd=tmp_path)
    assert proc.stdout.splitlines() == ["1 | 2", "no KeyboardInterrupt", "1 | 2"], proc.stdout + proc.stderr
    assert "Exception ignored" in proc.stderr and "KeyboardInterrupt" in proc.stderr, proc.stderr


def test_a_ctrl_c_that_escapes_the_fork_hook_leaves_no_stale_snapshot_behind(tmp_path):
    # One that lands where the hook cannot catch it (here as it hands the
    # snapshots over) still escapes, as CPython has it; the child then
    # holds the previous fork's snapshots, and refuses every Config rather
    # than read them (it read v = 0). The next fork reads normally.
    proc = subprocess.run([sys.executable, "-c", CTRL_C_IN_THE_HOOK, "set_fork_snapshots"], capture_output=True,
                          text=True, timeout=TIMEOUT, cwd=tmp_path)
    lines = proc.stdout.splitlines()
    assert len(lines) == 3 and lines[1:] == ["no KeyboardInterrupt", "1 | 2"], proc.stdout + proc.stderr
    assert "KeyboardInterrupt" in proc.stderr  # it did land in the hook, and was printed as ignored
    for got in lines[0].split(" | "):
        assert got.startswith("refused: cannot read a Config whose snapshot was not taken at the fork"), got
        assert "interrupted" in got


def test_two_threads_forking_at_once_each_child_reads(tmp_path):
    # The hook handed its snapshots over in one slot labelled with the
    # parent's count of forks. With two threads forking, a fork whose hooks
    # ran while the other thread's fork ended took its own, complete
    # snapshots for an earlier fork's, and its child refused every Config
    # (25 of 200 forks here). Each thread now hands over its own. The
    # window is widened by another library's fork hooks that release the
    # GIL (logging's takes a lock that another thread may hold), registered
    # before gocfg's so that they run after its before-fork hook and before
    # its after-fork one.
    proc = run_python(r"""
import os, sys, threading, time, warnings
os.register_at_fork(before=lambda: time.sleep(0.002), after_in_parent=lambda: time.sleep(0.002))
import gocfg
warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
cfg = gocfg.Config({"a": 1})
codes = []

def worker():
    for _ in range(100):
        pid = os.fork()
        if pid == 0:
            try:
                os._exit(0 if cfg["a"] == 1 else 2)
            except gocfg.ForkedProcessError:
                os._exit(1)
        codes.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))

threads = [threading.Thread(target=worker) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(codes), sorted(set(codes)), codes.count(1))
""", cwd=tmp_path)
    assert proc.stdout.split() == ["200", "[0]", "0"], proc.stdout + proc.stderr


def test_two_threads_forking_while_configs_come_and_go(tmp_path):
    # The hook dropped the snapshots of Configs gone since the last fork by
    # walking the table of snapshots, which another thread's hook changes
    # when it forks at the same time: RuntimeError (dictionary changed size
    # during iteration) or KeyError out of the hook, so that fork's
    # snapshots were not handed over and its child refused every Config
    # (15 of 80 forks here).
    proc = run_python(r"""
import os, sys, threading, warnings
import gocfg
warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
sys.setswitchinterval(1e-6)
base = gocfg.Config({"a": 1})
keep = [gocfg.Config({"n": i}) for i in range(3000)]
stop = False

def churn():
    i = 0
    while not stop:
        keep.append(gocfg.Config({"n": i}))
        keep.pop(0).close()
        i += 1

codes = []

def worker():
    for _ in range(40):
        pid = os.fork()
        if pid == 0:
            try:
                os._exit(0 if base["a"] == 1 else 2)
            except gocfg.ForkedProcessError:
                os._exit(1)
        codes.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))

churner = threading.Thread(target=churn)
churner.start()
threads = [threading.Thread(target=worker) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
stop = True
churner.join()
print(len(codes), sorted(set(codes)), codes.count(1))
""", cwd=tmp_path)
    assert proc.stdout.split() == ["80", "[0]", "0"], proc.stdout + proc.stderr
    assert "Exception ignored" not in proc.stderr, proc.stderr


def test_a_config_changed_after_its_snapshot_during_the_fork_reads_as_snapshotted(tmp_path):
    # Another thread may change a Config (in Go, without the GIL) after the
    # hook took its snapshot and before the fork itself. The child reads
    # it as it was when the snapshot was taken, as for any Config, rather
    # than refusing it (a watched Config in a gunicorn master, changed as
    # a worker was forked, would leave that worker unable to read it). The
    # change is made by a before-fork hook of the test's, registered before
    # gocfg's and so run after it.
    proc = run_python(r"""
import os
box = []
os.register_at_fork(before=lambda: box and box[0].__setitem__("v", 2))
import gocfg
cfg = gocfg.Config({"v": 1})
box.append(cfg)
pid = os.fork()
if pid == 0:
    try:
        got = repr(cfg["v"])
    except gocfg.ForkedProcessError as e:
        got = "refused: " + str(e)
    os.write(1, (got + "\n").encode())
    os._exit(0)
os.waitpid(pid, 0)
print("parent", cfg["v"])
""", cwd=tmp_path)
    assert proc.stdout.splitlines() == ["1", "parent 2"], proc.stdout + proc.stderr

def test_a_fork_while_another_thread_loads_the_library_refuses_not_hangs(tmp_path):
    # The library is loaded at the first use, under a lock. A fork while
    # another thread was inside that load (a thread making the first
    # Config while the main thread starts a fork Pool) left the lock held
    # in the child by a thread that does not exist there: the child's
    # first Config waited for good (5 of 5 forks with the load started
    # just before). It now raises ForkedProcessError. The load is held
    # open by an import hook that pauses the real import of the extension
    # (before it is mapped) until the fork is done.
    proc = run_python(r"""
import importlib.abc, os, sys, threading, time
import gocfg
from gocfg import _native

at_import, forked = threading.Event(), threading.Event()

class Paused(importlib.abc.Loader):
    # Pauses in create_module (where the extension is mapped), which runs
    # without the global import lock: os.fork() takes that lock, so a pause
    # in find_spec would hold the fork back instead.
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        at_import.set()
        forked.wait(30)
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)

class Pause(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "gocfg._gocfg_cffi":
            return None
        for finder in sys.meta_path[1:]:
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                spec.loader = Paused(spec.loader)
                return spec
        return None

sys.meta_path.insert(0, Pause())
first = threading.Thread(target=lambda: gocfg.Config({"a": 1}))
first.start()
assert at_import.wait(30) and not _native.loaded
pid = os.fork()
if pid == 0:
    try:
        gocfg.Config({"b": 2})
        out = "made"
    except gocfg.ForkedProcessError as e:
        out = "refused: " + str(e)
    os.write(1, (out + "\n").encode())
    os._exit(0)
forked.set()
deadline = time.monotonic() + 20
while not os.waitpid(pid, os.WNOHANG)[0]:
    if time.monotonic() > deadline:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        print("hung")
        break
    time.sleep(0.02)
first.join()
print("parent", gocfg.Config({"c": 3})["c"])
""", cwd=tmp_path)
    lines = proc.stdout.splitlines()
    assert proc.returncode == 0 and len(lines) == 2, proc.stdout + proc.stderr
    assert lines[0].startswith("refused: cannot load the library (another thread of the parent was loading it"), lines
    assert lines[1] == "parent 3"

WATCHED_WSGI_APP = r'''
import json, os, signal
import gocfg

CFG = gocfg.load("app.yaml", watch=True, debounce=0.05)
# The master watches; a worker keeps the values of its fork. The README's
# recipe: on a change, the master restarts its workers (gunicorn's HUP),
# which are forked anew and read the configuration then in force.
CFG.on_change(lambda event: os.kill(os.getpid(), signal.SIGHUP))


def app(environ, start_response):
    try:
        CFG.reload()
        reload = "reloaded"
    except gocfg.ForkedProcessError:
        reload = "ForkedProcessError"
    body = json.dumps({"pid": os.getpid(), "v": CFG["v"], "origin": str(CFG.origin("v")),
                       "watching": CFG.watching, "reload": reload}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
'''


def test_gunicorn_preload_with_a_watched_config_serves_each_change_after_the_workers_restart(tmp_path):
    pytest.importorskip("gunicorn")
    (tmp_path / "app.yaml").write_text("v: 1\n")
    with _gunicorn(tmp_path, WATCHED_WSGI_APP, 90) as (server, url, log_text):
        deadline = time.monotonic() + 90

        def answer() -> dict:
            while True:
                assert time.monotonic() < deadline, log_text()
                try:
                    with urllib.request.urlopen(url + "/", timeout=10) as r:
                        return __import__("json").loads(r.read())
                except OSError:
                    time.sleep(0.1)  # workers restarting

        for v in (1, 2, 3):
            if v > 1:
                (tmp_path / "app.yaml").write_text(f"v: {v}\n")
            # Every worker serves the new value once the master has
            # restarted them: a worker forked before the change keeps the
            # old one (its snapshot) until it is replaced.
            while True:
                got = [answer() for _ in range(6)]
                if all(a["v"] == v for a in got):
                    break
                assert all(a["v"] in (v - 1, v) for a in got), got
                time.sleep(0.1)
            for a in got:
                assert a["origin"] == "app.yaml:1:1" and a["pid"] != server.pid, a
                assert a["watching"] is False and a["reload"] == "ForkedProcessError", a
        assert "Traceback" not in log_text(), log_text()


CHILDREN_OF_A_BUSY_WATCHER = r'''
import os, sys, tempfile, threading, time, warnings
import gocfg

warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
path = os.path.join(tempfile.mkdtemp(), "app.json")
with open(path, "w") as f:
    f.write('{"v": 0}')
cfg = gocfg.load(path, watch=True, debounce=0.001)
# Many subscribers make the watcher thread hold its lock for a while on
# each change, so that forks land inside it often.
streams = [cfg.changes() for _ in range(2000)]
stop = threading.Event()


def writer():
    i = 0
    while not stop.is_set():
        i += 1
        with open(path + ".tmp", "w") as f:
            f.write('{"v": %d}' % i)
        os.replace(path + ".tmp", path)
        time.sleep(0.0005)


threading.Thread(target=writer, daemon=True).start()
while cfg["v"] == 0:
    time.sleep(0.01)
for n in range(40):
    pid = os.fork()
    if pid == 0:
        cfg["v"]        # reads its snapshot
        sys.exit(0)     # a normal end: atexit stops every watcher
    deadline = time.monotonic() + 30  # a bound against a hang, never what is tested
    while not os.waitpid(pid, os.WNOHANG)[0]:
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            sys.exit(f"child {n} never ended: it hung at exit")
        time.sleep(0.005)
stop.set()
cfg.close()
print("ok")
'''


def test_children_forked_while_the_watcher_holds_its_lock_end_normally(tmp_path):
    proc = run_python(CHILDREN_OF_A_BUSY_WATCHER, cwd=tmp_path, timeout=TIMEOUT * 3)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stdout + proc.stderr
