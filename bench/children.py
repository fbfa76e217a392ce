"""Measurements that need a fresh process; bench/run.py starts them.

    python bench/children.py cycles gocfg|dict|gopy N [GOPY_DIR]
    python bench/children.py rss-doc gocfg|dict JSON_PATH
    python bench/children.py peak-load gocfg|gocfg+dict|json JSON_PATH

Each prints one JSON object on stdout. RSS is read from /proc/self/status.
"""
from __future__ import annotations

import gc
import json
import sys
import time

WARMUP_CYCLES = 50_000


def rss_kib() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource  # peak, not current: a weaker stand-in off Linux
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def cycle_fn(contender: str, gopy_dir: str = ""):
    """One create/set/free cycle of contender, as a function of a count."""
    if contender == "gocfg":
        import gocfg
        Config = gocfg.Config

        def cycles(n: int) -> None:
            for _ in range(n):
                c = Config()
                c["key"] = "value"
                c.close()
        return cycles
    if contender == "dict":
        def cycles(n: int) -> None:
            for _ in range(n):
                d = {}
                d["key"] = "value"
                del d
        return cycles
    if contender == "gopy":
        sys.path.insert(0, gopy_dir)
        from gopy_gostore import gostore  # type: ignore
        NewStore = gostore.NewStore

        def cycles(n: int) -> None:
            for _ in range(n):
                s = NewStore()
                s.Set("key", "value")
                del s  # gopy has no close(): the handle goes when Python frees the object
        return cycles
    raise SystemExit(f"unknown contender {contender!r}")


def cmd_cycles(contender: str, n: int, gopy_dir: str = "") -> dict:
    cycles = cycle_fn(contender, gopy_dir)
    # Warm up: imports, the Go runtime's start, and the heaps' growth to their
    # steady size, which takes tens of thousands of cycles.
    cycles(WARMUP_CYCLES)
    gc.collect()
    start = rss_kib()
    t0 = time.perf_counter()
    cycles(n)
    seconds = time.perf_counter() - t0
    gc.collect()
    end = rss_kib()
    out = {"contender": contender, "cycles": n, "rss_start_kib": start, "rss_end_kib": end,
           "seconds": seconds}
    if contender == "gocfg":
        import gocfg
        out["stats"] = gocfg.stats()
    return out


def cmd_rss_doc(contender: str, path: str) -> dict:
    """RSS growth from holding the benchmark document, as a Config or a dict."""
    with open(path, encoding="utf-8") as f:
        text = f.read()  # held until the end, so both baselines include it
    if contender == "gocfg":
        import gocfg
        with gocfg.Config() as warm:  # start the Go runtime before the baseline
            warm["k"] = "v"
    gc.collect()
    start = rss_kib()
    if contender == "gocfg":
        import gocfg
        held = gocfg.Config.loads(text, "json")  # type: ignore[attr-defined]
    else:
        held = json.loads(text)
    gc.collect()
    end = rss_kib()
    out = {"contender": contender, "rss_start_kib": start, "rss_end_kib": end}
    del held
    return out


def hwm_kib() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def cmd_peak_load(contender: str, path: str) -> dict:
    """Peak RSS growth while loading the JSON file at path (already read
    into memory as bytes), as a Config, a Config then a dict, or a dict."""
    with open(path, "rb") as f:
        data = f.read()
    if contender.startswith("gocfg"):
        import gocfg
        with gocfg.Config() as warm:  # start the Go runtime before the baseline
            warm["k"] = "v"
    gc.collect()
    try:  # reset VmHWM to the current RSS (Linux 4.0+), so the peak is this load's
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    start = rss_kib()
    if contender == "gocfg":
        import gocfg
        held = gocfg.Config.loads(data, "json")  # type: ignore[attr-defined]
    elif contender == "gocfg+dict":
        import gocfg
        with gocfg.Config.loads(data, "json") as cfg:  # type: ignore[attr-defined]
            held = cfg.to_dict()
    else:
        held = json.loads(data)
    out = {"contender": contender, "rss_start_kib": start, "hwm_end_kib": hwm_kib(), "rss_end_kib": rss_kib()}
    del held
    return out


def main() -> None:
    cmd = sys.argv[1]
    if cmd == "cycles":
        result = cmd_cycles(sys.argv[2], int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else "")
    elif cmd == "peak-load":
        result = cmd_peak_load(sys.argv[2], sys.argv[3])
    elif cmd == "rss-doc":
        result = cmd_rss_doc(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(f"unknown command {cmd!r}")
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
