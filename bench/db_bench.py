"""Database figures: gocfg.Database on SQLite and etcd against Python's
sqlite3 storing json.dumps text, on the same data, in one run.

    python bench/db_bench.py [--quick] [--dir DIR] [--no-etcd] [--names N]

Rows: saving and loading one 2 MB config, and saving and loading 1,000
small configs (one call each; and loading them batched: db.load_many()
against one sqlite3 query per 500 names). "save 2 MB config" starts from a Python dict
on both sides (gocfg converts it into a Config first); "save 2 MB, already
loaded" saves what a program that loaded the config and edited it would
hold: a gocfg.Config, against the baseline's dict. Every figure is the best of several rounds,
the contenders' rounds interleaved, so that a noisy neighbour slows all of
them alike. The ratio column is gocfg's time over the baseline's (below 1:
gocfg is faster).

The baseline is what a careful program would write by hand: one SQLite file
in WAL mode with synchronous=FULL (gocfg's settings), a table of
(name, revision, json text) that keeps every revision like gocfg's history,
one transaction per save (reading the latest revision and inserting the
next), and load = the latest row's text through json.loads. gocfg's load
returns a gocfg.Config (the data stays in Go); the "load + to_dict()" row
adds the copy into Python dicts that the baseline's json.loads makes.

etcd runs as a local single-member server started here (tests/support/etcd_server.py:
GOCFG_ETCD, an etcd on PATH, or the launcher built from tests/support/etcdserver)
with etcd's default request limit (1.5 MiB): gocfg compresses configs and
splits those still over 1 MiB into pieces (gocore/db/README.md), which the
"16 MB incompressible" rows exercise.

A second table compares gocfg on SQLite and on etcd side by side (no
baseline) at scale: --names configs (10,000 by default, ~1 KiB each,
names svc/gNN/app-NNNNN) saved by 8 threads, then names(), a query over
every config and one over 1 %, load and history among them (medians); a
watch fan-out (100 watches on one prefix, each must receive every one of
200 saves, in order: events seen vs sent); and a 16 MB config of random
text, which compression cannot shrink, saved and loaded.
"""
from __future__ import annotations

import argparse
import base64
import gc
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional, Tuple

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, os.path.join(ROOT, "tests"))

try:
    import gocfg
except ImportError as e:  # pragma: no cover - a message, not a benchmark
    sys.exit(f"cannot import gocfg ({e}): run `pip install -e .` in {ROOT} first")

from support import etcd_server  # noqa: E402  (tests/support/etcd_server.py)

# -------------------------------------------------------------------- data

def big_config(target: int = 2_000_000) -> Dict[str, Any]:
    """A config of about `target` bytes of JSON: many services with nested
    settings, lists and mixed scalars, the shape of a real large config."""
    services: Dict[str, Any] = {}
    cfg = {"version": 3, "region": "eu-west-1", "services": services}
    i = 0
    size = 0
    while size < target:
        svc = {
            "image": f"registry.example.com/team-{i % 17}/svc-{i}:1.{i % 50}.{i % 7}",
            "replicas": i % 9 + 1,
            "cpu": 0.25 * (i % 8 + 1),
            "debug": i % 5 == 0,
            "server": {"host": f"10.{i % 256}.{(i // 256) % 256}.{i % 97}", "port": 8000 + i % 1000,
                       "timeout_ms": 1500, "tls": {"enabled": True, "min_version": "1.2"}},
            "env": {f"VAR_{k}": f"value-{i}-{k}" for k in range(6)},
            "tags": [f"tag{t}" for t in range(i % 6 + 2)],
            "owners": None if i % 3 else ["alice@example.com", "bob@example.com"],
        }
        services[f"svc-{i:05d}"] = svc
        size += len(json.dumps(svc)) + 12
        i += 1
    return cfg


def small_configs(n: int) -> Dict[str, Dict[str, Any]]:
    return {f"services/app-{i:04d}": {
        "name": f"app-{i}", "server": {"host": "0.0.0.0", "port": 8000 + i, "workers": i % 16 + 1},
        "debug": i % 2 == 0, "ratio": i / 7, "tags": ["web", f"zone-{i % 3}"],
        "db": {"url": f"postgres://db-{i % 4}.internal/app", "pool": 10}}
        for i in range(n)}


def scale_config(i: int) -> Dict[str, Any]:
    """About 1 KiB encoded, the shape of a service's config."""
    return {"name": f"app-{i}", "server": {"host": f"10.{i % 256}.{i // 256 % 256}.7", "port": 8000 + i % 1000,
                                           "workers": i % 16 + 1, "timeout_ms": 1500},
            "debug": i % 2 == 0, "ratio": i / 7, "tags": ["web", f"zone-{i % 3}", f"team-{i % 17}"],
            "db": {"url": f"postgres://db-{i % 4}.internal/app", "pool": 10, "replicas": [f"db-{i % 4}-r{k}" for k in range(3)]},
            "env": {f"VAR_{k}": f"value-{i}-{k}" for k in range(12)},
            "limits": {"cpu": 0.25 * (i % 8 + 1), "memory_mb": 256 * (i % 4 + 1)}}


def scale_name(i: int) -> str:
    return f"svc/g{i % 100:02d}/app-{i:05d}"


def random_config(size: int) -> Dict[str, Any]:
    """size bytes of base64 text of random bytes: zstd saves less than the
    1/16 it asks for, so the config is stored uncompressed (and in pieces
    on etcd)."""
    raw = os.urandom(size * 3 // 4)
    text = base64.b64encode(raw).decode()
    return {"blob": [text[i:i + 65536] for i in range(0, len(text), 65536)]}


# -------------------------------------------------------------- contenders

class Baseline:
    """Python's sqlite3 storing json.dumps text, with gocfg's durability."""

    name = "sqlite3+json"

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS revisions (name TEXT NOT NULL, rev INTEGER NOT NULL, "
                          "body TEXT NOT NULL, PRIMARY KEY (name, rev))")

    def save(self, name: str, data: Dict[str, Any]) -> None:
        text = json.dumps(data)
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            row = c.execute("SELECT MAX(rev) FROM revisions WHERE name = ?", (name,)).fetchone()
            c.execute("INSERT INTO revisions (name, rev, body) VALUES (?, ?, ?)", (name, (row[0] or 0) + 1, text))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    def load(self, name: str) -> Any:
        row = self.conn.execute("SELECT body FROM revisions WHERE name = ? ORDER BY rev DESC LIMIT 1",
                                (name,)).fetchone()
        return json.loads(row[0])

    load_dict = load
    load_for_save = load  # a dict

    def load_many(self, names: List[str]) -> Any:
        # One query per 500 names, each name's latest row: what a program
        # batching its reads by hand would write.
        out = {}
        for i in range(0, len(names), 500):
            part = names[i:i + 500]
            marks = ",".join("?" * len(part))
            rows = self.conn.execute(
                f"SELECT name, body FROM revisions r WHERE name IN ({marks}) AND "
                "rev = (SELECT MAX(rev) FROM revisions WHERE name = r.name)", part).fetchall()
            out.update((n, json.loads(b)) for n, b in rows)
        return out

    def close(self) -> None:
        self.conn.close()


class Gocfg:
    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.db = gocfg.Database.open(url, timeout=30)

    def save(self, name: str, data: Any) -> None:
        self.db.save(name, data)

    def load(self, name: str) -> Any:
        self.db.load(name).close()

    def load_dict(self, name: str) -> Any:
        with self.db.load(name) as cfg:
            return cfg.to_dict()

    def load_for_save(self, name: str) -> Any:
        return self.db.load(name)  # a gocfg.Config

    def load_many(self, names: List[str]) -> Any:
        for cfg in self.db.load_many(names).values():
            cfg.close()

    def close(self) -> None:
        if getattr(self, "loaded", None) is not None:
            self.loaded.close()
        self.db.close()


# ------------------------------------------------------------------ timing

def best_of(rounds: int, contenders: List[Any], work: Callable[[Any, int], None]) -> Dict[str, float]:
    """Seconds of the best round per contender; rounds interleaved, the
    starting contender rotating."""
    best: Dict[str, float] = {}
    for r in range(rounds):
        order = contenders[r % len(contenders):] + contenders[:r % len(contenders)]
        for c in order:
            gc.collect()
            t0 = time.perf_counter()
            work(c, r)
            took = time.perf_counter() - t0
            best[c.name] = min(best.get(c.name, took), took)
    return best


def median_of(n: int, fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def fan_out(db: Any, watches: int, saves: int) -> Tuple[float, int, int]:
    """watches Watch iterators on the prefix "fan", one thread each, then
    saves saves to fan/x: seconds from the first save until every watch had
    every event, events seen (all watches), events sent (saves x watches).
    A watch that sees a revision out of order or twice stops counting."""
    ws = [db.watch("fan", timeout=120) for _ in range(watches)]
    counts = [0] * watches
    done = threading.Barrier(watches + 1)

    def follow(k: int) -> None:
        expect = 1
        for ev in ws[k]:
            if ev.revision != expect:
                break
            counts[k] += 1
            expect += 1
            if counts[k] == saves:
                break
        done.wait()

    threads = [threading.Thread(target=follow, args=(k,), daemon=True) for k in range(watches)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    for i in range(saves):
        db.save("fan/x", {"i": i, "server": {"port": 8000 + i}})
    try:
        done.wait(timeout=120)
    except threading.BrokenBarrierError:
        pass
    took = time.perf_counter() - t0
    for w in ws:
        w.close()
    return took, sum(counts), watches * saves


def scale_rows(urls: List[Tuple[str, str]], n: int, quick: bool) -> None:
    """The side-by-side table of gocfg on SQLite and on etcd."""
    reps = 3 if quick else 5
    results: Dict[str, Dict[str, str]] = {}
    order: List[str] = []

    def put(label: str, name: str, text: str) -> None:
        if label not in results:
            results[label] = {}
            order.append(label)
        results[label][name] = text

    big = random_config(16 << 20)
    for name, url in urls:
        with gocfg.Database.open(url, timeout=60) as db:
            t0 = time.perf_counter()
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda i: db.save(scale_name(i), scale_config(i)), range(n)))
            took = time.perf_counter() - t0
            put(f"save {n:,} configs, 8 threads", name, f"{fmt_time(took)} ({n / took:,.0f}/s)")
            for _ in range(19):  # one name with 20 revisions
                db.save(scale_name(7), scale_config(7))
            got = db.names()
            put(f"names() of {n:,}", name, f"{fmt_time(median_of(reps, db.names))} ({len(got):,})")
            rows = db.query("**:server.port")
            put(f"query **:server.port ({n:,} configs)", name,
                f"{fmt_time(median_of(reps, lambda: db.query('**:server.port')))} ({len(rows):,} rows)")
            rows = db.query("svc/g07/*:server.port")
            put("query svc/g07/*:server.port (1 %)", name,
                f"{fmt_time(median_of(reps * 4, lambda: db.query('svc/g07/*:server.port')))} ({len(rows):,} rows)")
            put(f"load one of {n:,}", name, fmt_time(median_of(200, lambda: db.load(scale_name(4242 % n)).close())))
            put("history (20 revisions)", name, fmt_time(median_of(200, lambda: db.history(scale_name(7)))))
            took, seen, sent = fan_out(db, 100, 200)
            put("watch fan-out: 100 watches x 200 saves", name,
                f"{fmt_time(took)}, seen {seen:,} of {sent:,}")
            rounds = 2 if quick else 3
            put("save 16 MB incompressible", name,
                fmt_time(min(median_of(1, lambda: db.save("big-random", big)) for _ in range(rounds))))
            put("load 16 MB incompressible", name,
                fmt_time(min(median_of(1, lambda: db.load("big-random").close()) for _ in range(rounds))))
    names = [name for name, _ in urls]
    head = f"{'operation (gocfg, side by side)':<42}" + "".join(f"{nm:>32}" for nm in names)
    print("\n" + head)
    print("-" * len(head))
    for label in order:
        print(f"{label:<42}" + "".join(f"{results[label].get(nm, '-'):>32}" for nm in names))
    print(f"\nmedians of {reps} runs (load, history: 200; the narrow query: {reps * 4}); "
          "16 MB rows: best of the rounds; the fan-out time runs from the first save until every watch had every event")


def fmt_time(s: float) -> str:
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.0f} µs"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer rounds and 200 small configs")
    ap.add_argument("--dir", help="where the database files go (default: a temporary directory)")
    ap.add_argument("--no-etcd", action="store_true", help="leave etcd out")
    ap.add_argument("--names", type=int, help="configs in the scale table (default 10,000; 1,000 with --quick)")
    args = ap.parse_args()
    n_scale = args.names if args.names is not None else (1000 if args.quick else 10_000)
    if n_scale < 100:
        ap.error("--names: at least 100")

    rounds = 3 if args.quick else 7
    n_small = 200 if args.quick else 1000
    work_dir = tempfile.mkdtemp(prefix="gocfg-dbbench-", dir=args.dir)
    server: Optional[etcd_server.EtcdServer] = None
    contenders: List[Any] = []
    try:
        big = big_config()
        small = small_configs(n_small)
        big_json = len(json.dumps(big))
        print(f"data: one config of {big_json / 1e6:.2f} MB as JSON ({len(big['services'])} services); "
              f"{n_small} small configs of ~{len(json.dumps(next(iter(small.values()))))} bytes")
        print(f"files in {work_dir}; best of {rounds} rounds\n")

        contenders.append(Baseline(os.path.join(work_dir, "baseline.db")))
        contenders.append(Gocfg("gocfg sqlite", f"sqlite://{work_dir}/gocfg.db"))
        if not args.no_etcd:
            if etcd_server.have_etcd():
                server = etcd_server.EtcdServer(work_dir, extra_args=["--quota-backend-bytes", str(8 << 30)])
                server.start()
                contenders.append(Gocfg("gocfg etcd", server.url("bench")))
            else:
                print(f"(no etcd row: {etcd_server.MISSING})\n")

        for c in contenders:  # the first save of each name is not what we measure
            c.save("big", big)
            for name, data in small.items():
                c.save(name, data)
        names = list(small)
        for c in contenders:  # what a program that loaded the config and edited it would save
            c.loaded = c.load_for_save("big")

        rows = [
            ("save 2 MB config", best_of(rounds, contenders, lambda c, r: c.save("big", big))),
            ("save 2 MB, already loaded", best_of(rounds, contenders, lambda c, r: c.save("big", c.loaded))),
            ("load 2 MB config", best_of(rounds, contenders, lambda c, r: c.load("big"))),
            ("load 2 MB + to_dict()", best_of(rounds, contenders, lambda c, r: c.load_dict("big"))),
            (f"save {n_small} small configs",
             best_of(rounds, contenders, lambda c, r: [c.save(n, small[n]) for n in names])),
            (f"load {n_small} small configs",
             best_of(rounds, contenders, lambda c, r: [c.load(n) for n in names])),
        ]
        if hasattr(gocfg.Database, "load_many"):  # not in builds older than the bench
            rows.append((f"load {n_small} small, batched",
                         best_of(rounds, contenders, lambda c, r: c.load_many(names))))

        base = contenders[0].name
        others = [c.name for c in contenders[1:]]
        head = f"{'operation':<26}{base:>14}" + "".join(f"{o:>16}{'ratio':>8}" for o in others)
        print(head)
        print("-" * len(head))
        for label, times in rows:
            line = f"{label:<26}{fmt_time(times[base]):>14}"
            for o in others:
                line += f"{fmt_time(times[o]):>16}{times[o] / times[base]:>7.2f}×"
            print(line)
        print("\nratio = gocfg time / sqlite3+json time (below 1: gocfg is faster)")
        scale_urls = [("gocfg sqlite", f"sqlite://{work_dir}/scale.db")]
        if server is not None:
            scale_urls.append(("gocfg etcd", server.url("scale")))
        scale_rows(scale_urls, n_scale, args.quick)
    finally:
        for c in contenders:
            c.close()
        if server is not None:
            server.remove()
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
