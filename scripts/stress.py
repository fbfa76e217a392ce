"""A stress run of the binding under hostile use, for before a release.

    python scripts/stress.py [--seconds 600] [--threads 8]

For the whole duration, at once:
- worker threads write and read keys of their own in shared Configs and
  check every value they read back (a wrong value is a failure);
- a SIGALRM handler, fired every few milliseconds on the main thread,
  reads a Config whose contents never change and checks them (re-entrancy:
  the handler runs between the main thread's calls and inside its waits);
- a closer thread closes and replaces a shared Config while the workers use
  it (a worker may then see ClosedError and nothing else);
- the main thread loads a large document and is interrupted with Ctrl-C
  (_thread.interrupt_main) part of the way, and must see KeyboardInterrupt
  and go on.
At the end everything is closed and gocfg.stats() must show no live
handles, buffers or error records. Exits 1 on any failure, printing counts.
Not part of the test command: it runs for minutes.
"""
from __future__ import annotations

import _thread
import argparse
import gc
import json
import random
import signal
import sys
import threading
import time
from collections import Counter
from typing import Any, Dict, List

import gocfg

FIXED = {"port": 8080, "name": "fixed", "tags": ["a", "b"], "db": {"host": "h", "password": "hunter2"}}


class Run:
    def __init__(self, seconds: float, threads: int) -> None:
        self.deadline = time.monotonic() + seconds
        self.threads = threads
        self.counts: Counter = Counter()
        self.failures: List[str] = []
        self.lock = threading.Lock()
        self.shared = [gocfg.Config() for _ in range(4)]
        self.fixed = gocfg.Config(FIXED)

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)

    def count(self, what: str, n: int = 1) -> None:
        with self.lock:
            self.counts[what] += n

    def running(self) -> bool:
        return time.monotonic() < self.deadline and len(self.failures) < 20

    # ------------------------------------------------------------ workers

    def worker(self, tid: int) -> None:
        rng = random.Random(tid)
        # What this thread wrote, per Config. The entry holds the Config
        # itself, so that its id cannot be reused by a newer Config while
        # the entry exists.
        mine: Dict[int, Any] = {}

        def written(cfg: gocfg.Config) -> Dict[str, Any]:
            return mine.setdefault(id(cfg), (cfg, {}))[1]  # type: ignore[no-any-return]

        ops = 0
        while self.running():
            slot = rng.randrange(len(self.shared))
            cfg = self.shared[slot]
            key = f"t{tid}.k{rng.randrange(20)}"
            try:
                op = rng.randrange(6)
                if op == 0:
                    value = rng.choice([rng.randrange(10**6), f"v{rng.random()}", [1, 2, tid], {"x": tid}, None])
                    cfg[key] = value
                    written(cfg)[key] = value
                elif op in (1, 2):
                    want = written(cfg).get(key, KeyError)
                    try:
                        got = cfg[key]
                        if isinstance(got, gocfg.Section):
                            got = got.to_dict()
                    except gocfg.KeyNotFoundError:
                        got = KeyError
                    if got != want:
                        self.fail(f"thread {tid}: {key} read {got!r}, wrote {want!r}")
                elif op == 3:
                    want = key in written(cfg)
                    if (key in cfg) != want:
                        self.fail(f"thread {tid}: {key} in cfg is not {want}")
                elif op == 4:
                    cfg.to_dict()
                else:
                    try:
                        del cfg[key]
                    except gocfg.KeyNotFoundError:
                        pass
                    written(cfg).pop(key, None)
                ops += 1
            except gocfg.ClosedError:
                self.count("ClosedError seen by workers")
            except Exception as e:  # anything else is a failure
                self.fail(f"thread {tid}: {type(e).__name__}: {e}")
        self.count("worker operations", ops)

    def closer(self) -> None:
        rng = random.Random(99)
        while self.running():
            time.sleep(rng.uniform(0.05, 0.3))
            slot = rng.randrange(len(self.shared))
            old = self.shared[slot]
            self.shared[slot] = gocfg.Config()
            old.close()
            self.count("closes under use")

    # ------------------------------------------------ signals and Ctrl-C

    def on_alarm(self, signum: int, frame: Any) -> None:
        try:
            if self.fixed["port"] != 8080 or self.fixed["db.host"] != "h" or self.fixed["tags"] != ["a", "b"]:
                self.fail("signal handler read a wrong value from the fixed Config")
            self.count("signal handler reads")
        except Exception as e:
            self.fail(f"signal handler: {type(e).__name__}: {e}")

    def main_loop(self) -> None:
        big = json.dumps({"items": [{"k": i, "name": f"item-{i}"} for i in range(300_000)]})
        rng = random.Random(7)
        while self.running():
            timer = threading.Timer(rng.uniform(0.001, 0.05), _thread.interrupt_main)
            # Ctrl-C lands wherever the main thread is when it arrives: in the
            # load (the case that matters), in a read, or in the alarm
            # handler. Each is counted, and nothing may be left broken.
            try:
                for _ in range(200):
                    if self.fixed.get_int("port") != 8080:
                        self.fail("main thread read a wrong port")
                timer.start()
                with gocfg.Config.loads(big, "json") as cfg:
                    if len(cfg["items"]) != 300_000:
                        self.fail("a loaded document lost items")
                self.count("large loads finished")
                time.sleep(0.06)  # a late interrupt lands here
            except KeyboardInterrupt:
                self.count("Ctrl-C received")
            finally:
                timer.cancel()
        time.sleep(0.1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--threads", type=int, default=8)
    args = ap.parse_args()
    run = Run(args.seconds, args.threads)
    signal.signal(signal.SIGALRM, run.on_alarm)
    signal.setitimer(signal.ITIMER_REAL, 0.003, 0.003)
    threads = [threading.Thread(target=run.worker, args=(i,)) for i in range(args.threads)]
    threads.append(threading.Thread(target=run.closer))
    for t in threads:
        t.start()
    try:
        run.main_loop()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        for t in threads:
            t.join()
    for cfg in run.shared:
        cfg.close()
    run.fixed.close()
    gc.collect()
    stats = gocfg.stats()
    for key, n in sorted(run.counts.items()):
        print(f"{key:32} {n:>12,}")
    print(f"{'stats':32} {stats}")
    leaks = {k: stats[k] for k in ("live_handles", "outstanding_buffers", "outstanding_errors") if stats[k]}
    if leaks:
        run.failures.append(f"left behind at the end: {leaks}")
    for f in run.failures:
        print("FAILURE:", f)
    print("stress: " + ("failed" if run.failures else "passed"))
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
