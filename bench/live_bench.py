"""Watched configurations through the Python binding: from a change of a
source to the Python callback, and the cost of a reload.

    python bench/live_bench.py [-n 200] [--etcd] [--debounce-ms 1]

- file: a file saved as editors save it (a temporary file renamed over the
  old one) until ``on_change`` runs on the gocfg-watch thread with the new
  value. Each save waits for the previous callback. The debounce is a
  floor of every figure (``--debounce-ms``, 1 ms by default here; gocfg's
  default is 100 ms, which a burst of writes needs).
- sqlite / etcd: ``Database.save`` by another client until the callback.
  SQLite's watch polls (50 ms), which sets its figure. ``--etcd`` starts a
  throw-away /usr/bin/etcd (tests/support/etcd_server.py).
- reload: ``cfg.reload()`` (read every source, rebuild, validate in
  Python, commit, run the callbacks) on bench/layered_bench.py's stack
  (defaults, a YAML file of 12 sections, a TOML file, 50 environment
  variables, 5 overrides), beside a plain ``gocfg.load()`` of the same.

Prints medians and 99th percentiles; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from typing import Any, Callable, List

import gocfg

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)
sys.path.insert(0, os.path.join(os.path.dirname(BENCH), "tests"))


def save(path: str, text: str) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def pct(xs: List[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def row(name: str, xs: List[float]) -> None:
    print(f"{name:<44} {statistics.median(xs) * 1e3:9.2f} ms {pct(xs, 99) * 1e3:9.2f} ms   (n={len(xs)})")


def latency(cfg: Any, n: int, change: Callable[[int], None], key: str) -> List[float]:
    """Times change(i) until the callback sees value i at key."""
    hit = threading.Event()
    want = [-1]

    def cb(ev: Any) -> None:
        if cfg[key] == want[0]:
            hit.set()

    cfg.on_change(cb)
    out = []
    for i in range(n):
        hit.clear()
        want[0] = i
        t0 = time.perf_counter()
        change(i)
        if not hit.wait(30):
            raise SystemExit(f"no callback for change {i} within 30 s")
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=200)
    ap.add_argument("--etcd", action="store_true")
    ap.add_argument("--debounce-ms", type=float, default=1.0)
    a = ap.parse_args()
    debounce = a.debounce_ms / 1000
    print(f"gocfg {gocfg.__version__}, Python {sys.version.split()[0]}, n={a.n}, debounce {a.debounce_ms:g} ms")
    print(f"{'':<44} {'median':>12} {'p99':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        p = os.path.join(tmp, "app.json")
        save(p, '{"n": -1}')
        with gocfg.load(p, watch=True, debounce=debounce) as cfg:
            row("file save -> Python callback", latency(cfg, a.n, lambda i: save(p, '{"n": %d}' % i), "n"))

        url = f"sqlite://{tmp}/store.db"
        with gocfg.Database.open(url) as db:
            db.save("bench", {"n": -1})
            with gocfg.load(gocfg.Stored(url, "bench"), watch=True, debounce=debounce) as cfg:
                row("SQLite save -> Python callback", latency(cfg, min(a.n, 100), lambda i: db.save("bench", {"n": i}), "n"))

        if a.etcd:
            from support import etcd_server

            server = etcd_server.EtcdServer(tmp).start()
            try:
                eurl = server.url(f"b-{uuid.uuid4().hex[:8]}")
                with gocfg.Database.open(eurl) as db:
                    db.save("bench", {"n": -1})
                    with gocfg.load(gocfg.Stored(eurl, "bench"), watch=True, debounce=debounce) as cfg:
                        row("etcd put -> Python callback", latency(cfg, a.n, lambda i: db.save("bench", {"n": i}), "n"))
            finally:
                server.remove()

        import layered_bench

        st = layered_bench.Setup(tmp)
        os.environ.update(st.env)
        kw = dict(defaults=st.defaults, env_prefix="APP", overrides=st.overrides)
        plain = []
        for _ in range(a.n):
            t0 = time.perf_counter()
            gocfg.load(st.yaml, st.toml, **kw).close()
            plain.append(time.perf_counter() - t0)
        row("layered bench: plain gocfg.load()", plain)
        calls = []
        with gocfg.load(st.yaml, st.toml, watch=True, validate=lambda c: True, debounce=1.0, **kw) as cfg:
            cfg.on_change(lambda ev: None)
            assert all(cfg[d] == layered_bench.lookup(st.final, t) for d, t in zip(st.dotted, st.paths))
            for _ in range(a.n):
                t0 = time.perf_counter()
                cfg.reload()
                calls.append(time.perf_counter() - t0)
            row("layered bench: cfg.reload() (nothing changed)", calls)
            yaml_text = open(st.yaml).read()
            changed = []
            for i in range(a.n):
                save(st.yaml, f"# edit {i}\n" + yaml_text)  # new bytes: parsed again
                t0 = time.perf_counter()
                cfg.reload()
                changed.append(time.perf_counter() - t0)
            row("layered bench: cfg.reload() (YAML file changed)", changed)


if __name__ == "__main__":
    main()
