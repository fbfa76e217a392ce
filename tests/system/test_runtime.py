"""The Go runtime inside CPython: lazy loading, fork, signals, panics, threads."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time

import gocfg
import pytest
from support.variants import build_variant


def run_python(code: str, timeout: float = 120, env: dict = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout, env=env, **kw)


def test_import_starts_no_threads_and_loads_once():
    proc = run_python("""
        import importlib
        def threads():
            with open('/proc/self/status') as f:
                return int([l for l in f if l.startswith('Threads:')][0].split()[1])
        def mappings():
            with open('/proc/self/maps') as f:
                return {l.split()[-1] for l in f if 'libgocfg' in l}
        before = threads()
        import gocfg
        assert threads() == before, ('import started threads', before, threads())
        assert not mappings(), 'import mapped the library'
        gocfg.Config({'a': 1}).close()
        assert threads() > before, 'first use did not start the runtime'
        libs = mappings()
        assert len(libs) == 1, libs
        importlib.reload(gocfg)
        gocfg.Config({'a': 1}).close()
        assert mappings() == libs, ('reload mapped another copy', mappings())
        print('ok')
    """)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_first_load_imports_only_what_it_needs(tmp_path):
    # The cold start (bench/run.py, "cold start") is mostly imports: a first
    # Config.load must not pull in what only other features use, and every
    # name those features export must still be there, under both import
    # forms, and the same object whichever way it is reached.
    (tmp_path / "c.json").write_text('{"a": {"b": [1, 2]}}')
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent("""
        import sys
        heavy = ("dataclasses", "inspect", "pathlib", "html", "difflib", "json", "urllib.parse",
                 "gocfg._typed", "gocfg.schema", "gocfg.display", "gocfg.provenance", "gocfg.documents",
                 "gocfg.database", "gocfg.layers", "gocfg.live", "gocfg._sourcetypes")
        before = {m for m in heavy if m in sys.modules}
        import gocfg
        with gocfg.Config.load(sys.argv[1]) as cfg:
            assert cfg["a.b"] == [1, 2]
        loaded = sorted(m for m in heavy if m in sys.modules and m not in before)
        assert not loaded, loaded
        # The credentials rule compiles ~6 ms of patterns: a message or a
        # display that masks imports it, a first load does not.
        assert "gocfg._credentials" not in sys.modules
        # gocfg.load() of files, a mapping, the environment and overrides:
        # its own module, not flags, the live engine or the dataclasses.
        with gocfg.load(sys.argv[1], sys.argv[1] + ".missing.yaml?", {"x": 1}, env_prefix="APP",
                        overrides=["y=2"]) as cfg:
            assert cfg["a.b"] == [1, 2] and cfg["x"] == 1 and cfg["y"] == 2
        loaded = sorted(m for m in heavy + ("argparse", "logging", "queue", "gocfg.flags")
                        if m in sys.modules and m not in before)
        assert loaded == ["gocfg.layers"], loaded
        from gocfg import File, Origin, Text, Violation, is_secret, json_schema, read
        import gocfg.sources
        assert gocfg.File is File is gocfg.sources.File and gocfg.Text is Text is gocfg.sources.Text
        assert File("x.toml").format is None and Text("a = 1", "toml").name is None
        assert read is gocfg.read and Violation is gocfg.Violation and json_schema is gocfg.json_schema
        assert is_secret("password") and "File" in dir(gocfg)
        with gocfg.load(sys.argv[1]) as cfg:
            assert isinstance(cfg.origin("a.b"), Origin)
            assert [leaf.path for leaf in cfg.explain()] == ["a.b"]
            assert cfg.get_int("a.b.0") == 1
            assert "a" in repr(cfg)
        print('ok')
        """), str(tmp_path / "c.json")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_fork_child_gets_a_clear_error_quickly():
    proc = run_python("""
        import os, sys, time, gocfg
        cfg = gocfg.Config({'a': 1})
        assert cfg['a'] == 1 and cfg['a'] == 1  # now answered from the read cache
        pid = os.fork()
        if pid == 0:
            t0 = time.monotonic()
            codes = []
            # Reads answer from the snapshot taken before the fork (see
            # test_fork.py); whatever needs the library raises at once.
            assert cfg['a'] == 1 and len(cfg) == 1
            for op in (lambda: cfg.__setitem__('a', 2), lambda: gocfg.Config(), lambda: cfg.dumps('json'), gocfg.stats):
                try:
                    op()
                    codes.append('no error')
                except gocfg.ForkedProcessError as e:
                    codes.append('forked' if 'fork' in str(e) else str(e))
            del cfg  # __del__ must free nothing and say nothing
            import gc; gc.collect()
            ok = codes == ['forked'] * 4 and time.monotonic() - t0 < 5
            print(codes, flush=True)
            os._exit(0 if ok else 1)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert cfg['a'] == 1  # the parent is unaffected
        print('parent ok')
    """, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "parent ok" in proc.stdout and proc.stderr == ""


def test_fork_before_first_use_is_fine():
    proc = run_python("""
        import os, gocfg
        pid = os.fork()
        if pid == 0:
            with gocfg.Config({'a': 1}) as c:
                os._exit(0 if c['a'] == 1 else 1)
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status))
    """)
    assert proc.stdout.strip() == "0", proc.stderr


POOL_SCRIPT = """
import multiprocessing as mp
import sys
import gocfg

def work(cfg):
    cfg["seen"] = True
    return cfg["n"] * 2, cfg.to_dict()

if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    configs = [gocfg.Config({"n": i, "when": __import__("datetime").date(2024, 1, i + 1)}) for i in range(4)]
    with mp.Pool(2) as pool:
        results = pool.map(work, configs)
    assert [r[0] for r in results] == [0, 2, 4, 6], results
    assert all(r[1]["seen"] is True for r in results)
    assert "seen" not in configs[0]
    print("ok")
"""


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_multiprocessing_pools(method, tmp_path):
    script = tmp_path / "pool_main.py"
    script.write_text(POOL_SCRIPT)
    proc = subprocess.run([sys.executable, str(script), method], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_signal_handlers_untouched_and_faulthandler_works():
    proc = run_python("""
        import faulthandler, signal, sys, gocfg
        faulthandler.enable()
        before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE)}
        with gocfg.Config({'a': 1}) as c:
            c['b'] = 2
        after = {s: signal.getsignal(s) for s in before}
        assert before == after, (before, after)
        assert faulthandler.is_enabled()
        # A real crash after gocfg is loaded still reaches faulthandler,
        # which Go's runtime forwards non-Go faults to.
        import ctypes
        ctypes.string_at(0)
    """)
    assert proc.returncode != 0
    assert "Fatal Python error: Segmentation fault" in proc.stderr
    assert "line 13" in proc.stderr or "string_at" in proc.stderr, proc.stderr


def test_handlers_installed_later_run_on_the_signal_stack():
    # On Python 3.9 gocfg wraps signal.signal (its handlers lack SA_ONSTACK,
    # and Go calls they interrupt crashed; tests/system/test_wheel.py runs
    # that for real under 3.9). Here the wrapper is put on by hand: it must
    # keep signal.signal's contract, and wrap once however often it is put on.
    proc = run_python("""
        import signal, gocfg
        from gocfg import _capi, _hot
        gocfg.Config({}).close()
        if not hasattr(signal.signal, "__gocfg_onstack__"):
            _capi._keep_handlers_on_the_signal_stack()
        plain = signal.signal.__wrapped__
        _capi._keep_handlers_on_the_signal_stack()
        assert signal.signal.__wrapped__ is plain and signal.signal.__name__ == "signal"
        def handler(signum, frame):
            pass
        assert signal.signal(signal.SIGUSR1, handler) == signal.SIG_DFL
        assert _hot.has_onstack(signal.SIGUSR1)
        assert signal.signal(signal.SIGUSR1, signal.SIG_IGN) is handler
        assert signal.getsignal(signal.SIGUSR1) == signal.SIG_IGN
        for signum, h, error in ((0, handler, ValueError), (10_000, handler, ValueError),
                                 (signal.SIGUSR1, "not callable", TypeError), ("USR1", handler, TypeError)):
            try:
                signal.signal(signum, h)
            except error:
                pass
            else:
                raise AssertionError((signum, h))
        for bad, error in ((0, ValueError), (10_000, ValueError), ("1", TypeError)):
            try:
                _hot.onstack(bad)
            except error:
                pass
            else:
                raise AssertionError(bad)
        print("ok")
    """)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_panic_becomes_internal_error(tmp_path):
    pythonpath = build_variant(tmp_path, ["-tags", "gocfg_testhooks"])
    proc = run_python("""
        import gocfg
        assert gocfg.__file__.startswith(%r), gocfg.__file__
        with gocfg.Config({'a': 1}) as cfg:
            for attempt in range(3):
                try:
                    cfg['__gocfg_test_panic__']
                except gocfg.InternalError as e:
                    assert 'panic' in str(e) and 'nil map' in str(e), e
                else:
                    raise SystemExit('no InternalError')
            cfg['b'] = 2  # the process and the library carry on
            assert cfg.to_dict() == {'a': 1, 'b': 2}
        assert gocfg.stats()['live_handles'] == 0
        print('ok')
    """ % str(pythonpath), env={**os.environ, "PYTHONPATH": str(pythonpath)})
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stdout + proc.stderr


def test_exit_with_live_objects_is_silent():
    proc = run_python("""
        import gocfg
        keep = [gocfg.Config({'a': i}) for i in range(100)]
        section = keep[0]
        class Holder: pass
        h = Holder(); h.me = h; h.cfg = gocfg.Config()
        print('bye')
    """)
    assert proc.returncode == 0 and proc.stdout == "bye\n"
    assert proc.stderr == ""


def test_32_threads_for_10_seconds(no_leaks):
    configs = [gocfg.Config({"counter": 0, "name": f"c{i}"}) for i in range(4)]
    stop = time.monotonic() + 10
    errors: list = []
    counts = [0] * 32
    locks = [threading.Lock() for _ in configs]

    def worker(tid: int) -> None:
        cfg = configs[tid % len(configs)]
        lock = locks[tid % len(configs)]
        try:
            while time.monotonic() < stop:
                op = counts[tid] % 4
                if op == 0:
                    with lock:  # read-modify-write needs the caller's own lock
                        cfg["counter"] = cfg["counter"] + 1
                elif op == 1:
                    cfg[f"t{tid}.last"] = counts[tid]
                elif op == 2:
                    assert cfg["name"].startswith("c")
                else:
                    text = cfg.dumps("json")
                    assert '"counter"' in text
                counts[tid] += 1
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    for i, cfg in enumerate(configs):
        increments = sum((counts[t] + 3) // 4 for t in range(32) if t % len(configs) == i)
        assert cfg["counter"] == increments
        for t in range(i, 32, len(configs)):
            assert cfg[f"t{t}.last"] % 4 == 1
        cfg.close()


def test_gil_is_released_during_long_calls(tmp_path, no_leaks):
    """A heartbeat thread keeps ticking while the main thread parses a big document."""
    doc = '{"items": [' + ",".join('{"k": %d, "s": "%s"}' % (i, "x" * 20) for i in range(1_500_000)) + "]}"
    ticks = []
    done = threading.Event()

    def heartbeat():
        while not done.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.01)

    t = threading.Thread(target=heartbeat)
    t.start()
    t0 = time.monotonic()
    try:
        cfg = gocfg.Config.loads(doc, "json")
        t1 = time.monotonic()
    finally:
        done.set()
        t.join()
    cfg.close()
    during = [x for x in ticks if t0 <= x <= t1]
    assert t1 - t0 > 0.2, "the call was too short to tell"
    # Ticking every 10 ms: at least a third of the expected ticks arrived.
    assert len(during) >= (t1 - t0) / 0.01 / 3, (len(during), t1 - t0)


def test_second_go_library_in_the_process(tmp_path):
    src = tmp_path / "other"
    src.mkdir()
    (src / "go.mod").write_text("module other\n\ngo 1.21\n")
    (src / "main.go").write_text(textwrap.dedent("""
        package main

        import "C"
        import "runtime"

        //export other_add
        func other_add(a, b C.int) C.int { return a + b }

        //export other_goroutines
        func other_goroutines() C.int { return C.int(runtime.NumGoroutine()) }

        func main() {}
    """))
    subprocess.run(["go", "build", "-buildmode=c-shared", "-o", str(tmp_path / "libother.so"), "."],
                   cwd=src, check=True, capture_output=True)
    proc = run_python(f"""
        import ctypes, threading, gocfg
        other = ctypes.CDLL({str(tmp_path / 'libother.so')!r})
        with gocfg.Config({{'a': 1}}) as cfg:
            assert other.other_add(2, 3) == 5
            cfg['b'] = 2
            results = []
            def use():
                for i in range(2000):
                    assert other.other_add(i, 1) == i + 1
                    cfg[f'k{{i % 10}}'] = i
                    results.append(cfg['a'])
            ts = [threading.Thread(target=use) for _ in range(4)]
            [t.start() for t in ts]; [t.join() for t in ts]
            assert len(results) == 8000
        print('ok')
    """)
    # Two Go runtimes in one process: documented as working (README).
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_forkserver_preloading_a_module_that_uses_gocfg(tmp_path):
    # The README says forkserver works fully; with set_forkserver_preload()
    # of a module that loads a Config at import, the server has used gocfg
    # and forks each worker, so a worker reads the preloaded Config and is
    # refused a new one. The error told a user of 'forkserver' to use
    # 'forkserver'; it now says when that does not help.
    (tmp_path / "appcfg.py").write_text("import gocfg\nCFG = gocfg.Config({'a': 1})\n")
    (tmp_path / "main.py").write_text(textwrap.dedent("""
        import multiprocessing as mp, sys
        sys.path.insert(0, ".")

        def task(x):
            import gocfg, appcfg
            try:
                return ("made", gocfg.Config({"b": x})["b"])
            except gocfg.ForkedProcessError as e:
                return ("refused", appcfg.CFG["a"], str(e))

        if __name__ == "__main__":
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(["appcfg"])
            with ctx.Pool(1) as p:
                print(repr(p.map(task, [1])[0]))
    """))
    proc = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    what, a, message = eval(proc.stdout)
    assert (what, a) == ("refused", 1)
    assert "set_forkserver_preload()" in message, message


def test_which_calls_load_the_library(tmp_path):
    # README "Lazy loading" lists the calls that load the library (the
    # parent's first use, which a fork must come before for the child to
    # use gocfg freely) and those that do not; each is checked in a fresh
    # process.
    code = """
        import argparse, dataclasses, sys
        import gocfg
        from gocfg import _native

        @dataclasses.dataclass
        class S:
            port: int = 1

        calls = {
            "File": lambda: gocfg.File("app.yaml"), "Text": lambda: gocfg.Text("a: 1", "yaml"),
            "Stored": lambda: gocfg.Stored("sqlite:///x.db", "n"), "json_schema": lambda: gocfg.json_schema(S),
            "Config": lambda: gocfg.Config({}), "Database": lambda: gocfg.Database("memory://"),
            "is_secret": lambda: gocfg.is_secret("password"),
            "set_secret_pattern": lambda: gocfg.set_secret_pattern("token"),
            "add_flags": lambda: gocfg.add_flags(argparse.ArgumentParser(), S),
            "parse_flags": lambda: gocfg.parse_flags(S, []),
        }
        calls[sys.argv[1]]()
        print(_native.loaded)
    """
    loads = {"Config", "Database", "is_secret", "add_flags", "parse_flags"}
    for name in ("File", "Text", "Stored", "set_secret_pattern", "json_schema", *sorted(loads)):
        proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code), name], capture_output=True, text=True,
                              timeout=120, cwd=tmp_path)
        assert proc.returncode == 0, (name, proc.stderr)
        assert proc.stdout.strip() == str(name in loads), name
