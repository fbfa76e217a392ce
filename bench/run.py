"""gocfg benchmarks: every figure is measured beside a peer in the same run.

    python bench/run.py [--quick] [--json results.json]

Rounds of each benchmark are interleaved (A, B, C, A, B, C, ...) and the best
round is kept, so that a noisy neighbour slows every contender alike. Nothing
here asserts a timing: the output is a table of ns per call and ratios.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import sys
import time
from typing import Callable, Dict, List, Tuple

import gocfg
from gocfg import _native


def ctypes_binding() -> ctypes.CDLL:
    """The binding a ctypes user would write for the same library."""
    lib = ctypes.CDLL(os.path.join(os.path.dirname(gocfg.__file__), "libgocfg.so"))
    lib.gocfg_abi_version.restype = ctypes.c_int
    lib.gocfg_config_new.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p]
    lib.gocfg_config_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                     ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p]
    lib.gocfg_config_get.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                     ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p]
    lib.gocfg_config_get.restype = ctypes.c_int64
    lib.gocfg_config_contains.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                          ctypes.c_void_p]
    lib.gocfg_config_free.argtypes = [ctypes.c_void_p]
    return lib


def time_loop(fn: Callable[[], object], n: int) -> float:
    """ns per call of fn over n calls (loop overhead included, as for every peer)."""
    t0 = time.perf_counter_ns()
    for _ in range(n):
        fn()
    return (time.perf_counter_ns() - t0) / n


def interleaved(cases: Dict[str, Callable[[], object]], n: int, rounds: int) -> Dict[str, float]:
    best = {name: float("inf") for name in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            best[name] = min(best[name], time_loop(fn, n))
    return best


def per_call(quick: bool) -> Dict[str, float]:
    n, rounds = (50_000, 5) if quick else (200_000, 9)
    lib = _native.load()
    cfg = gocfg.Config({"key": "value"})
    d = {"key": "value"}

    cl = ctypes_binding()
    ch = ctypes.c_void_p()
    assert cl.gocfg_config_new(ctypes.byref(ch), None) == 0
    assert cl.gocfg_config_set(ch, b"key", 3, b"value", 5, None) == 0
    cbuf = ctypes.create_string_buffer(512)

    def ctypes_get() -> str:
        k = "key".encode()
        m = cl.gocfg_config_get(ch, k, len(k), cbuf, 512, None)
        return cbuf.raw[:m].decode()

    def ctypes_set() -> None:
        k, v = "key".encode(), "value".encode()
        cl.gocfg_config_set(ch, k, len(k), v, len(v), None)

    def ctypes_contains() -> bool:
        k = "key".encode()
        return cl.gocfg_config_contains(ch, k, len(k), None) == 1

    def dict_set() -> None:
        d["key"] = "value"

    def cfg_set() -> None:
        cfg["key"] = "value"

    cases = {
        "noop export (cffi)": lib.gocfg_abi_version,
        "noop export (ctypes)": cl.gocfg_abi_version,
        "cfg[k]": lambda: cfg["key"],
        "cfg[k] (ctypes)": ctypes_get,
        "dict[k]": lambda: d["key"],
        "cfg[k] = v": cfg_set,
        "cfg[k] = v (ctypes)": ctypes_set,
        "dict[k] = v": dict_set,
        "k in cfg": lambda: "key" in cfg,
        "k in cfg (ctypes)": ctypes_contains,
        "k in dict": lambda: "key" in d,
    }
    try:
        return interleaved(cases, n, rounds)
    finally:
        cfg.close()
        cl.gocfg_config_free(ch)


def report(results: Dict[str, float]) -> List[Tuple[str, float, str]]:
    noop = results["noop export (cffi)"]
    rows = []
    for name, ns in results.items():
        note = f"{ns / noop:5.2f}x noop"
        if name.startswith("cfg") or name.startswith("k in cfg"):
            peer = {"cfg[k]": "dict[k]", "cfg[k] = v": "dict[k] = v", "k in cfg": "k in dict"}.get(name)
            if peer:
                note += f", {ns / results[peer]:5.1f}x dict, ctypes is {results[name + ' (ctypes)'] / ns:4.2f}x slower"
        rows.append((name, ns, note))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer rounds (well under 2 minutes)")
    ap.add_argument("--json", default="bench/results.json", help="where to write the results")
    args = ap.parse_args()

    results = per_call(args.quick)
    print(f"{'benchmark':28} {'ns/call':>9}  ratios")
    for name, ns, note in report(results):
        print(f"{name:28} {ns:9.1f}  {note}")
    meta = {"python": sys.version.split()[0], "machine": platform.machine(),
            "cpus": os.cpu_count(), "quick": args.quick}
    with open(args.json, "w") as f:
        json.dump({"meta": meta, "per_call_ns": results}, f, indent=2)
    print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
