"""What a fork costs with gocfg loaded: the before-fork snapshot, per MB.

Before os.fork(), gocfg snapshots every live Config (gocfg._snapshot) so
that the child can read it without the Go runtime. This prints, for
configs of a few sizes (MB of their JSON text):

- the time os.fork()'s before-hook spends when the Config changed since
  the last fork (a new snapshot: gocfg_config_serialize, and for a layered
  config holding ${...} references also the resolved export), and when it
  did not (the kept snapshot is reused);
- in the child, the first read (the snapshot is decoded on first use) and
  a later one.

    python bench/fork_snapshot.py [--quick]

Figures are best of a few rounds; nothing here is a test.
"""
from __future__ import annotations

import argparse
import json
import os
import time

import gocfg
from gocfg import _snapshot


def make(mb: float, refs: bool) -> gocfg.Config:
    services = {}
    i = 0
    size = 0
    while size < mb * 1e6:
        svc = {"host": f"svc-{i}.internal", "port": 8000 + i % 1000, "tags": ["a", "b", str(i)],
               "limits": {"cpu": 0.5, "memory": "512Mi", "replicas": i % 7}, "enabled": i % 2 == 0}
        if refs:
            svc["url"] = "http://${services.svc-%d.host}:${services.svc-%d.port}" % (i, i)
        services[f"svc-{i}"] = svc
        size += len(json.dumps(svc)) + 12
        i += 1
    data = {"services": services}
    return gocfg.load(defaults=data) if refs else gocfg.Config(data)


def hook_ms(cfg: gocfg.Config, changed: bool, rounds: int) -> float:
    best = float("inf")
    for r in range(rounds):
        if changed:
            cfg["bump"] = r  # moves the version counter: the next hook takes a new snapshot
        t0 = time.perf_counter()
        _snapshot._before_fork()
        best = min(best, time.perf_counter() - t0)
    return best * 1e3


def child_reads_ms(cfg: gocfg.Config, rounds: int) -> tuple:
    runs = [_child_reads_ms(cfg) for _ in range(rounds)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def _child_reads_ms(cfg: gocfg.Config) -> tuple:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        t0 = time.perf_counter()
        cfg["services.svc-1.port"]
        t1 = time.perf_counter()
        cfg["services.svc-2.port"]
        t2 = time.perf_counter()
        os.write(w, json.dumps([(t1 - t0) * 1e3, (t2 - t1) * 1e3]).encode())
        os._exit(0)
    os.close(w)
    data = os.read(r, 1000)
    os.close(r)
    os.waitpid(pid, 0)
    first, later = json.loads(data)
    return first, later


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    sizes = [1, 8] if args.quick else [1, 8, 32]
    rounds = 3 if args.quick else 5
    print(f"{'config':34} {'MB':>5} {'changed ms':>11} {'ms/MB':>7} {'unchanged ms':>13} "
          f"{'child 1st read ms':>18} {'ms/MB':>7} {'later read ms':>14}")
    for refs in (False, True):
        for mb in sizes:
            cfg = make(mb, refs)
            real_mb = len(cfg.dumps("json")) / 1e6
            changed = hook_ms(cfg, True, rounds)
            unchanged = hook_ms(cfg, False, rounds)
            first, later = child_reads_ms(cfg, rounds)
            what = "gocfg.load(), ${...} in every item" if refs else "Config(dict)"
            print(f"{what:34} {real_mb:5.1f} {changed:11.1f} {changed / real_mb:7.1f} {unchanged:13.3f} "
                  f"{first:18.1f} {first / real_mb:7.1f} {later:14.4f}")
            cfg.close()


if __name__ == "__main__":
    main()
