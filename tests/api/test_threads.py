"""Concurrent use of one Config from several Python threads."""
from __future__ import annotations

import pickle
import random
import subprocess
import sys
import sysconfig
import threading

import gocfg
import pytest

THREADS = 8
OPS = 10_000


def test_mixed_operations_on_one_config(no_leaks):
    errors: list = []
    with gocfg.Config() as cfg:

        def worker(tid: int) -> None:
            rng = random.Random(tid)
            own = {}  # keys only this thread writes: their values are known
            try:
                for i in range(OPS):
                    op = rng.randrange(6)
                    shared = f"shared{rng.randrange(20)}"
                    mine = f"t{tid}-{rng.randrange(30)}"
                    if op == 0:
                        cfg[mine] = own[mine] = f"{tid}:{i}"
                    elif op == 1:
                        if mine in own:
                            assert cfg[mine] == own[mine]
                    elif op == 2:
                        cfg[shared] = f"{tid}:{i}"
                    elif op == 3:
                        cfg.get(shared)
                        shared in cfg
                    elif op == 4:
                        if mine in own and rng.random() < 0.3:
                            del cfg[mine]
                            del own[mine]
                    else:
                        if rng.random() < 0.1:
                            snapshot = cfg.to_dict()
                            assert all(isinstance(v, str) for v in snapshot.values())
                        else:
                            len(cfg)
                for k, v in own.items():
                    assert cfg[k] == v
            except BaseException as e:  # report from the main thread
                errors.append(e)

        threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors[:3]
        final = cfg.to_dict()
        assert len(final) == len(cfg) == len(list(cfg))
        assert set(final) <= {f"shared{i}" for i in range(20)} | {
            f"t{t}-{j}" for t in range(THREADS) for j in range(30)}
        for key, value in final.items():
            tid, i = value.split(":")
            assert 0 <= int(tid) < THREADS and 0 <= int(i) < OPS
            if key.startswith("t"):
                assert key.startswith(f"t{tid}-")


def test_pop_from_several_threads_hands_each_value_out_once():
    # pop() reads, then deletes: two threads popping one key both read
    # it, and the one whose delete found nothing raised KeyError even with
    # a default (6 of 12,000 pops here), and without one both had the
    # value. The delete now decides: the other pop found nothing.
    keys = 3000
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # thread switches between the read and the delete
    try:
        for default in (None, gocfg.config._MISSING) * 3:
            with gocfg.Config({f"k{i}": i for i in range(keys)}) as cfg:
                got: list = []
                errors: list = []

                def popper() -> None:
                    for i in range(keys):
                        try:
                            v = cfg.pop(f"k{i}") if default is gocfg.config._MISSING else cfg.pop(f"k{i}", default)
                        except KeyError as e:
                            if default is not gocfg.config._MISSING:
                                errors.append(e)
                            continue
                        if v is not None:
                            got.append(v)

                threads = [threading.Thread(target=popper) for _ in range(4)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                assert not errors, errors[:3]
                assert sorted(got) == list(range(keys)) and len(cfg) == 0
        # popitem() pops the first key left: one popped by another thread
        # meanwhile made it raise KeyError while keys were left.
        for _ in range(3):
            with gocfg.Config({f"k{i}": i for i in range(keys)}) as cfg:
                got = []
                ends: list = []

                def popitems() -> None:
                    while True:
                        try:
                            got.append(cfg.popitem()[1])
                        except KeyError as e:
                            ends.append(str(e))
                            return

                threads = [threading.Thread(target=popitems) for _ in range(4)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                assert sorted(got) == list(range(keys)) and len(cfg) == 0
                assert all("the map is empty" in e for e in ends), ends
    finally:
        sys.setswitchinterval(interval)


def _together(*targets) -> None:
    """Run each target in a thread of its own, started together, with
    thread switches as often as CPython makes them (between a read and a
    write of a check-then-act)."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        start = threading.Barrier(len(targets))

        def run(target) -> None:
            start.wait()
            target()

        threads = [threading.Thread(target=run, args=(t,)) for t in targets]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)


@pytest.mark.parametrize("where", ["config", "section"])
def test_setdefault_from_several_threads_stores_once_and_loses_no_write(where):
    # setdefault() was Mapping's read, then a write when the read missed:
    # of four threads, some got back their own default while another's was
    # stored (207 of 3,000 keys), and a write made between another
    # thread's read and write was overwritten. It is one change in the
    # library now.
    keys = 3000
    for _ in range(3):
        with gocfg.Config({"s": {}}) as cfg:
            node = cfg if where == "config" else cfg["s"]
            got: list = [None] * 4

            def defaulter(tid: int) -> None:
                got[tid] = [node.setdefault(f"k{i}", f"t{tid}") for i in range(keys)]

            def writer() -> None:
                for i in range(keys):
                    node[f"w{i}"] = "written"

            def write_defaulter(tid: int) -> None:
                got[tid] = [node.setdefault(f"w{i}", f"t{tid}") for i in range(keys)]

            _together(*(lambda t=t: defaulter(t) for t in range(4)))
            for i in range(keys):
                stored = node[f"k{i}"]
                assert [g[i] for g in got] == [stored] * 4, (i, stored, [g[i] for g in got])
            # One thread sets each key while another sets its default: the
            # set comes after a setdefault that stored (the value is the
            # set's) or before one that found the set's value.
            got = [None] * 2
            _together(writer, lambda: write_defaulter(0))
            for i in range(keys):
                assert node[f"w{i}"] == "written", (i, got[0][i])


@pytest.mark.parametrize("where", ["config", "section"])
def test_pop_removes_no_write_it_did_not_return(where):
    # pop() read the value, then deleted the key: a write made in between
    # was deleted unseen, pop() returning the value before it (a lost
    # write). It is one change in the library now: one thread sets each
    # key while another pops it, so either the pop came first (it has the
    # old value and the new one stays) or the set did (the pop has it).
    keys = 3000
    for _ in range(3):
        with gocfg.Config({"s": {f"k{i}": {"v": "old"} if i % 2 else "old" for i in range(keys)}}) as cfg:
            node = cfg if where == "config" else cfg["s"]
            if where == "config":
                cfg.update(cfg.pop("s"))
            got: list = []

            def popper() -> None:
                got.extend(node.pop(f"k{i}", None) for i in range(keys))

            def writer() -> None:
                for i in range(keys):
                    node[f"k{i}"] = {"v": "new"} if i % 2 else "new"

            _together(popper, writer)
            for i, value in enumerate(got):
                plain = value["v"] if i % 2 else value
                left = node.get(f"k{i}")
                left = left["v"] if i % 2 and left is not None else left
                assert (plain, left) in (("old", "new"), ("new", None)), (i, value, left)


def test_a_typed_getter_with_a_default_never_raises_keyerror_for_a_map_removed_meanwhile():
    # A typed getter reads a map in two calls (its Section, then its
    # contents): a map removed in between raised KeyNotFoundError past the
    # default, which no single thread gets (the map is there: a
    # TypeMismatchError, as a map is no int; or not: the default).
    rounds = 20_000
    with gocfg.Config() as cfg:
        escaped: list = []

        def reader() -> None:
            for _ in range(rounds):
                try:
                    assert cfg.get_int("m", 5) == 5
                except gocfg.TypeMismatchError:
                    pass
                except KeyError as e:
                    escaped.append(e)

        def writer() -> None:
            for _ in range(rounds):
                cfg["m"] = {"a": 1}
                del cfg["m"]

        _together(reader, writer)
        assert not escaped, (len(escaped), escaped[:3])


def test_a_section_cleared_while_another_thread_writes_keeps_every_later_write():
    # Section.clear() deleted the keys it had listed one by one: a key
    # another thread set after the clear had begun was deleted, while a key
    # that thread set later, new to the listing, stayed. Every write is
    # now before the clear (gone) or after it (kept), so a key kept means
    # every key written after it is kept.
    keys = 3000
    for _ in range(3):
        with gocfg.Config({"s": {f"k{i}": "old" for i in range(keys)}}) as cfg:
            sec = cfg["s"]

            def writer() -> None:
                for i in range(keys):
                    sec[f"k{i}"] = "new"
                    sec[f"n{i}"] = "new"

            _together(sec.clear, writer)
            order = [f"{c}{i}" for i in range(keys) for c in "kn"]
            kept = [k in sec for k in order]
            first = kept.index(True) if True in kept else len(kept)
            assert all(kept[first:]), [k for k, x in zip(order[first:], kept[first:]) if not x][:5]


@pytest.mark.parametrize("call", ["set", "setdefault", "section"])
def test_a_write_through_a_list_index_never_makes_a_map_of_the_list(call):
    # A write through a list index (servers.0.host) checked that the list
    # was there, then wrote: a thread removing the list in between made
    # the write create {"servers": {"0": {"host": ...}}}, which the write
    # refuses to make (27 of 20,000 writes). The check is made again in the
    # write's own change. (setdefault() makes fewer writes a round: more
    # rounds, for the old method to fail as often.)
    rounds = 40_000 if call == "setdefault" else 10_000
    with gocfg.Config({"s": {}}) as cfg:
        node = cfg["s"] if call == "section" else cfg
        made: list = []

        def lists() -> None:
            for _ in range(rounds):
                node["servers"] = [{"host": "x"}]
                del node["servers"]
                if node.get("servers") is not None:
                    made.append(node["servers"].to_dict())
                    del node["servers"]

        def writes() -> None:
            for _ in range(rounds):
                try:
                    if call == "setdefault":
                        node.setdefault("servers.0.port", 1)
                    else:
                        node["servers.0.host"] = "a"
                except KeyError as e:
                    assert "creates no lists" in str(e) or "not an index" in str(e), e

        _together(lists, writes)
        assert not made, (len(made), made[:3])


def test_setdefault_stores_as_a_write_and_gives_what_a_read_gives():
    with gocfg.Config({"a": "1", "l": [1]}) as cfg:
        assert cfg.setdefault("a", "x") == "1"
        assert cfg.setdefault("l", "x") == [1]
        assert cfg.setdefault("t", (1, 2)) == [1, 2] and cfg["t"] == [1, 2]
        sec = cfg.setdefault("m", {"x": 1})
        assert isinstance(sec, gocfg.Section) and sec.path == "m"
        sec["y"] = 2  # a live view of what was stored, as dict.setdefault's dict is
        assert cfg.to_dict()["m"] == {"x": 1, "y": 2}
        assert cfg.setdefault("n.o", None) is None and cfg["n"].to_dict() == {"o": None}
        assert cfg["m"].setdefault("x", 5) == 1 and cfg["m"].setdefault("z", 5) == 5 and cfg["m.z"] == 5
        with pytest.raises(gocfg.KeyNotFoundError, match="creates no lists"):
            cfg.setdefault("servers.0.host", "a")
        with pytest.raises(gocfg.TypeMismatchError):
            cfg.setdefault("a.b", "x")
        with pytest.raises(TypeError, match="q"):
            cfg.setdefault("q", {1, 2})
        assert "q" not in cfg
        cfg.freeze()
        assert cfg.setdefault("a", "x") == "1"  # finding a value changes nothing
        with pytest.raises(gocfg.FrozenError):
            cfg.setdefault("new", "x")


def test_close_while_other_threads_use_it():
    """Closing from one thread while others read gives ClosedError, never a crash."""
    for _ in range(20):
        cfg = gocfg.Config({"k": "v"})
        seen: list = []

        def reader() -> None:
            try:
                while True:
                    cfg["k"]
                    cfg["x"] = "y"
            except gocfg.ClosedError:
                seen.append("closed")
            except BaseException as e:
                seen.append(e)

        threads = [threading.Thread(target=reader) for _ in range(3)]
        for t in threads:
            t.start()
        cfg.close()
        for t in threads:
            t.join()
        assert seen == ["closed"] * 3


def test_displays_and_copies_never_show_a_secret_while_another_thread_writes(tmp_path):
    """What a display, a copy, a diff or a Database save shows (or stores)
    and what it masks are read by separate calls; a thread deleting and restoring a value that
    interpolates a secret in between must not get it shown unmasked (before
    the reads were matched to one state, about one in ten showed it)."""
    (tmp_path / "app.yaml").write_text("db:\n  url: postgres://u:${db.conn}@h/x\n  port: 1\n")
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "db__conn").write_text("c0nn")
    with gocfg.load(tmp_path / "app.yaml", secrets_dir=tmp_path / "s", environ={}) as cfg, \
            gocfg.Database(tmp_path / "store.db") as store:
        stop = threading.Event()

        def churn() -> None:
            while not stop.is_set():
                del cfg["db.url"]
                cfg["db.url"] = "postgres://u:${db.conn}@h/x"

        writer = threading.Thread(target=churn)
        writer.start()
        shown = []
        try:
            for _ in range(300):
                db = cfg["db"]
                shown += [repr(cfg), repr(db), cfg.show(), str(cfg.explain()), db._repr_html_() or ""]
                with gocfg.Config({"x": db}) as copied:
                    shown.append(repr(copied))
                with pickle.loads(pickle.dumps(db)) as unpickled:
                    shown.append(repr(unpickled))
                shown.append(repr(cfg.diff({})))
                store.save("db", db)  # stores db.conn's value (data), never url's resolved
                with store.load("db") as saved:
                    shown.append(repr(saved.to_dict().get("url")))
        finally:
            stop.set()
            writer.join()
        leaked = [text for text in shown if "c0nn" in text]
        assert not leaked, f"{len(leaked)} of {len(shown)} showed the secret: {leaked[0]}"


@pytest.mark.skipif(not sysconfig.get_config_var("Py_GIL_DISABLED"), reason="needs a free-threaded CPython")
def test_gocfg_keeps_a_free_threaded_interpreter_free_threaded():
    # Importing an extension that does not declare itself safe without the
    # GIL turns the GIL back on for the whole process (with a warning).
    # Both of gocfg's (the cffi module and gocfg._hot) declare it, so
    # threads using gocfg run in parallel. In a fresh process: a module the
    # test run imported may have turned the GIL on here already.
    code = ("import sys, gocfg\n"
            "with gocfg.Config({'a': 1}) as c:\n"
            "    c['b'] = 'x'\n"
            "    assert c['a'] == 1 and 'b' in c and len(c) == 2\n"
            "from gocfg import _hot\n"
            "print(sys._is_gil_enabled(), _hot.__file__)\n")
    out = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    enabled, hot = out.stdout.split()
    assert enabled == "False" and ".abi3." not in hot, out.stdout
