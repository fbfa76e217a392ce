"""How long a hot call that keeps the GIL can hold every Python thread.

gocfg._hot makes `key in cfg` (and the other hot calls) keeping the GIL.
If it waited for the store's lock while another thread is in the middle of
a long write to the same Config, every Python thread would wait with it;
it calls the exports that do not wait (gocfg_config_try_*) and leaves a
busy call to cffi, which waits with the GIL released. This measures it: one thread merges a big mapping in Go again and
again (through cffi, which releases the GIL, as update() does once it has
encoded its argument), a ticker thread sleeps 0.5 ms in a loop and records
its longest gap, first alone with the writer, then with a third thread
testing `"k" in cfg` in a loop. Nothing is asserted; the README ("Why the
binding is what it is") quotes the figures.

    python bench/hot_stall.py [--keys 200000] [--seconds 6]
"""
from __future__ import annotations

import argparse
import threading
import time

import gocfg
from gocfg import _capi, _values


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=200_000)
    ap.add_argument("--seconds", type=float, default=6.0)
    args = ap.parse_args()
    big = {f"k{i}": {"a": i, "b": [i, str(i)], "c": {"d": "x" * 20}} for i in range(args.keys)}
    data = _values.encode_value(big, "")
    cfg = gocfg.Config({"k": "v"})
    h = cfg._handle()
    stop = threading.Event()
    gaps: list = []

    def writer() -> None:
        while not stop.is_set():
            _capi.config_merge(cfg, h, b"", data)

    def reader() -> None:
        while not stop.is_set():
            "k" in cfg  # noqa: B015  (the call is the point)

    def ticker() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            time.sleep(0.0005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    t0 = time.perf_counter()
    _capi.config_merge(cfg, h, b"", data)
    one = time.perf_counter() - t0
    threads = [threading.Thread(target=f) for f in (writer, ticker)]
    for t in threads:
        t.start()
    time.sleep(args.seconds / 2)
    alone = max(gaps)
    gaps.clear()
    r = threading.Thread(target=reader)
    r.start()
    time.sleep(args.seconds / 2)
    stop.set()
    for t in threads + [r]:
        t.join()
    with_reader = max(gaps)
    cfg.close()
    print(f"one merge of {args.keys:,} keys in Go: {one * 1e3:.0f} ms")
    print(f"the ticker's longest gap: {alone * 1e3:.1f} ms beside the writer alone, "
          f"{with_reader * 1e3:.1f} ms with a thread testing `k in cfg` too")


if __name__ == "__main__":
    main()
