"""gocfg benchmarks: every figure is measured beside a peer in the same run.

    python bench/run.py [--quick] [--json PATH] [--keep]

Builds what it needs (the C floor program, the gopy peer), runs every
benchmark, prints one table and writes the results as JSON (bench/results.json
unless --json says otherwise). --quick runs fewer and shorter rounds and
finishes in well under 2 minutes.

Rounds of each benchmark are interleaved (A, B, C, A, B, C, ...; the starting
contender rotates every round) and the best round is kept (the median is in
the JSON too), so that a noisy neighbour slows every contender alike. Nothing
here asserts a timing: the output is a table of figures and ratios. See
bench/README.md for what each row means and how the peers are built.
"""
from __future__ import annotations

import argparse
import copy
import gc
import json
import marshal
import os
import platform
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import timeit
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
REQUIREMENTS_HINT = "pip install -r bench/requirements.txt"

try:
    import gocfg
    from gocfg import _native
except ImportError as e:  # pragma: no cover - a message, not a benchmark
    sys.exit(f"cannot import gocfg ({e}): run `pip install -e .` in {ROOT} first")

import gen  # noqa: E402  (bench/ is sys.path[0] when run as a script)
import peers  # noqa: E402

# ---------------------------------------------------------------- the plan


@dataclass
class Plan:
    calls: int            # calls per round, per-call benchmarks
    rounds: int           # rounds, per-call benchmarks
    floor_calls: int      # calls per round in the C floor
    floor_rounds: int
    cycles: int           # create/set/free cycles in the memory benchmark
    thread_reads: int     # reads per thread per round
    thread_rounds: int
    gc_loops: int         # workload runs per round for the gopy gc hook row
    gc_rounds: int
    bulk_rounds: int      # rounds of the ~2 MB document benchmarks
    read_calls: int       # calls per round for the moonshot read


FULL = Plan(calls=200_000, rounds=9, floor_calls=2_000_000, floor_rounds=9, cycles=1_000_000,
            thread_reads=200_000, thread_rounds=7, gc_loops=100, gc_rounds=7, bulk_rounds=7,
            read_calls=200_000)
QUICK = Plan(calls=50_000, rounds=5, floor_calls=300_000, floor_rounds=5, cycles=100_000,
             thread_reads=50_000, thread_rounds=3, gc_loops=20, gc_rounds=3, bulk_rounds=3,
             read_calls=50_000)


# ----------------------------------------------------------------- results


@dataclass
class Row:
    section: str
    name: str
    value: Optional[float]          # None: not measured (see note)
    unit: str
    ratios: List[Tuple[float, str]] = field(default_factory=list)
    note: str = ""
    best: Optional[float] = None
    median: Optional[float] = None
    samples: List[float] = field(default_factory=list)


class Results:
    def __init__(self) -> None:
        self.rows: List[Row] = []
        self.sections: Dict[str, str] = {}  # section -> heading line

    def section(self, key: str, heading: str) -> None:
        self.sections[key] = heading

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        return row

    def missing(self, section: str, name: str, unit: str, why: str) -> Row:
        return self.add(Row(section, name, None, unit, note=why))


def progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    if a is None or b is None or b == 0:
        return None
    return a / b


def add_ratio(row: Row, value: Optional[float], meaning: str) -> None:
    if value is not None:
        row.ratios.append((value, meaning))


# ------------------------------------------------------------- measurement


def try_stmt(stmt: str, ns: dict) -> Optional[str]:
    """Run stmt once; None if it works, else why not (so one broken contender
    becomes a row with a reason instead of stopping the run)."""
    try:
        exec(stmt, ns)
    except Exception as e:
        return f"{type(e).__name__}: {e}"[:160]
    return None


def interleaved_stmts(cases: Dict[str, str], ns: dict, n: int, rounds: int) -> Dict[str, List[float]]:
    """ns per execution of each statement: `rounds` samples of n executions,
    interleaved, with the starting statement rotating each round. timeit
    turns the garbage collector off while it times, for every contender."""
    timers = {name: timeit.Timer(stmt, globals=ns) for name, stmt in cases.items()}
    for t in timers.values():
        t.timeit(max(1, n // 20))  # warm up
    samples: Dict[str, List[float]] = {name: [] for name in cases}
    names = list(cases)
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            samples[name].append(timers[name].timeit(n) / n * 1e9)
    return samples


def interleaved_calls(cases: Dict[str, Callable[[], Any]], rounds: int, number: int = 1) -> Dict[str, List[float]]:
    """Seconds per call of each callable, interleaved like interleaved_stmts."""
    samples: Dict[str, List[float]] = {name: [] for name in cases}
    names = list(cases)
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            fn = cases[name]
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            samples[name].append((time.perf_counter() - t0) / number)
    return samples


def summarize(samples: List[float], lower_is_better: bool = True) -> Tuple[float, float]:
    best = min(samples) if lower_is_better else max(samples)
    return best, statistics.median(samples)


def timed_row(section: str, name: str, samples: List[float], unit: str, scale: float = 1.0,
              lower_is_better: bool = True) -> Row:
    scaled = [s * scale for s in samples]
    best, median = summarize(scaled, lower_is_better)
    return Row(section, name, best, unit, best=best, median=median, samples=[round(s, 4) for s in scaled])


# ---------------------------------------------------------------- per call


OPS = (  # (row name, gocfg statement, ctypes statement, gopy statement, dict statement)
    ("cfg[k]", 'cfg["key"]', 'cc["key"]', 'g.Get("key")', 'd["key"]'),
    ("cfg[k] = v", 'cfg["key"] = "value"', 'cc["key"] = "value"', 'g.Set("key", "value")', 'd["key"] = "value"'),
    ("k in cfg", '"key" in cfg', '"key" in cc', 'g.Contains("key")', '"key" in d'),
)
DICT_NAMES = {"cfg[k]": "dict[k]", "cfg[k] = v": "dict[k] = v", "k in cfg": "k in dict"}


def stale_cache() -> Any:
    """A read cache that never answers, for the uncached rows: the one a
    closed or new Config has (older trees: a (version, entries) pair that
    no counter shows)."""
    from gocfg import _snapshot
    return getattr(_snapshot, "NEVER", (-1, {}))


def drop_cache() -> Callable[[Any, Any], None]:
    """The setter of Config's cache slot (see bench_per_call)."""
    return gocfg.Config.__dict__["_cache"].__set__  # type: ignore[no-any-return]


def bench_per_call(res: Results, plan: Plan, gopy_mod: Any, gopy_why: Optional[str]) -> Dict[str, float]:
    sec = "per call"
    res.section(sec, f"per call: ns/call, best of {plan.rounds} interleaved rounds of {plan.calls:,} calls")
    lib = _native.load()
    cfg = gocfg.Config()
    cfg["key"] = "value"
    d = {"key": "value"}
    cl = peers.ctypes_binding()
    cc = peers.CtypesConfig(cl)
    cc["key"] = "value"
    ns: Dict[str, Any] = {"lib": lib, "cfg": cfg, "d": d, "cl": cl, "cc": cc}
    cases: Dict[str, str] = {
        "noop export (cffi)": "lib.gocfg_abi_version()",
        "noop export (ctypes)": "cl.gocfg_abi_version()",
    }
    if gopy_mod is not None:
        store = gopy_mod.NewStore()
        store.Set("key", "value")
        ns.update(gp=gopy_mod, g=store)
        cases["noop export (gopy)"] = "gp.Version()"
    # Uncached reads: the statement first drops the read cache (a store
    # into its slot, timed as its own row), so the read crosses into Go and
    # takes the path of a read after a write. The store goes through the
    # slot's own setter, a C call: `cfg._cache = x` would run
    # Section.__setattr__ in Python (~150 ns that no user read pays).
    # The raw rows are the bare cffi calls the binding makes, with the
    # caller's own buffer and error cell: the floor under the Python wrapper.
    ns.update(stale=stale_cache(), drop=drop_cache(), h=cfg._h, err=_native.ffi.new("gocfg_error **"),
              buf=_native.ffi.new("char[]", 512))
    cases.update({
        "cfg[k] uncached": 'drop(cfg, stale); cfg["key"]',
        "cache drop alone": "drop(cfg, stale)",
        "raw call: get_value": 'lib.gocfg_config_get_value(h, b"key", 3, buf, 512, err)',
        "raw call: set": 'lib.gocfg_config_set(h, b"key", 3, b"value", 5, err)',
        "raw call: contains": 'lib.gocfg_config_contains(h, b"key", 3, err)',
    })
    # The same exports through gocfg._hot, the extension the binding's hot
    # path calls (keeping the GIL), where the tree has it: its read also
    # copies the value and runs marshal.loads on it, as a read needs.
    hot = getattr(_native, "hot", None)
    if hot is not None and hasattr(cfg, "_hid"):
        ns.update(hot=hot, hid=cfg._hid, loads=marshal.loads)
        cases.update({
            "raw hot call: read": 'hot.read(hid, b"key", None, loads)',
            "raw hot call: set": 'hot.set(hid, b"key", b"value")',
            "raw hot call: contains": 'hot.contains(hid, b"key")',
        })
    for name, s_cfg, s_ct, s_gopy, s_dict in OPS:
        cases[name] = s_cfg
        cases[name + " (ctypes)"] = s_ct
        if gopy_mod is not None:
            cases[name + " (gopy)"] = s_gopy
        cases[DICT_NAMES[name]] = s_dict

    broken = {name: why for name, stmt in cases.items() if (why := try_stmt(stmt, ns))}
    runnable = {name: stmt for name, stmt in cases.items() if name not in broken}
    try:
        samples = interleaved_stmts(runnable, ns, plan.calls, plan.rounds)
    finally:
        cfg.close()
        cc.close()

    best: Dict[str, float] = {}
    rows: Dict[str, Row] = {}
    order = ["noop export (cffi)", "noop export (ctypes)", "noop export (gopy)"]
    for name, *_ in OPS:
        order += [name, name + " (ctypes)", name + " (gopy)", DICT_NAMES[name]]
    order += ["cfg[k] uncached", "cache drop alone", "raw call: get_value", "raw call: set", "raw call: contains",
              "raw hot call: read", "raw hot call: set", "raw hot call: contains"]
    for name in order:
        if name in samples:
            rows[name] = res.add(timed_row(sec, name, samples[name], "ns/call"))
            best[name] = rows[name].value  # type: ignore[assignment]
        elif name in broken:
            rows[name] = res.missing(sec, name, "ns/call", "failed: " + broken[name])
        elif name.endswith("(gopy)"):
            rows[name] = res.missing(sec, name, "ns/call", f"gopy peer unavailable: {gopy_why}")

    noop = best.get("noop export (cffi)")
    for peer in ("ctypes", "gopy"):
        if f"noop export ({peer})" in rows:
            add_ratio(rows[f"noop export ({peer})"], ratio(best.get(f"noop export ({peer})"), noop), f"{peer} / cffi")
    for name, *_ in OPS:
        g = best.get(name)
        if name in rows:
            add_ratio(rows[name], ratio(g, noop), f"{name} / noop export (cffi)")
            add_ratio(rows[name], ratio(g, best.get(name + " (gopy)")), "gocfg / gopy")
            add_ratio(rows[name], ratio(g, best.get(DICT_NAMES[name])), "gocfg / dict")
        for peer in ("ctypes", "gopy"):
            pn = f"{name} ({peer})"
            if pn in rows:
                add_ratio(rows[pn], ratio(best.get(pn), g), f"{peer} / gocfg")
        if DICT_NAMES[name] in rows:
            add_ratio(rows[DICT_NAMES[name]], ratio(best.get(DICT_NAMES[name]), g), "dict / gocfg")
    for name, raw in (("cfg[k] uncached", "raw call: get_value"), ("cfg[k] = v", "raw call: set"),
                      ("k in cfg", "raw call: contains")):
        if name in rows:
            add_ratio(rows[name], ratio(best.get(name), best.get(raw)), f"gocfg / {raw}")
    for name, raw in (("cfg[k] uncached", "raw hot call: read"), ("cfg[k] = v", "raw hot call: set"),
                      ("k in cfg", "raw hot call: contains")):
        if name in rows and raw in best:
            add_ratio(rows[name], ratio(best.get(name), best.get(raw)), f"gocfg / {raw}")
    for raw, cffi in (("raw hot call: set", "raw call: set"), ("raw hot call: contains", "raw call: contains")):
        if raw in rows:
            add_ratio(rows[raw], ratio(best.get(raw), best.get(cffi)), f"hot / {cffi} (cffi)")
    if "cfg[k] uncached" in rows:
        add_ratio(rows["cfg[k] uncached"], ratio(best.get("cfg[k] uncached"), best.get("cfg[k] (gopy)")), "gocfg / gopy")
        rows["cfg[k] uncached"].note = "includes the cache drop (its own row)"
    return best


# ------------------------------------------------------------------- floor


def bench_floor(res: Results, plan: Plan, exe: Optional[str], why: Optional[str], per_call: Dict[str, float]) -> None:
    sec = "floor"
    res.section(sec, f"C floor (bench/floor.c, same exports from C): ns/call, best of {plan.floor_rounds} "
                     f"interleaved rounds of {plan.floor_calls:,} calls")
    names = {"abi_version": ("gocfg_abi_version", "noop export (cffi)"),
             "get": ("gocfg_config_get", "cfg[k]"),
             "set": ("gocfg_config_set", "cfg[k] = v"),
             "contains": ("gocfg_config_contains", "k in cfg")}
    data: Dict[str, Any] = {}
    if exe is not None:
        try:
            proc = subprocess.run([exe, str(plan.floor_calls), str(plan.floor_rounds)],
                                  capture_output=True, text=True, timeout=600)
            if proc.returncode != 0:
                why = f"floor program failed: {(proc.stderr or proc.stdout).strip()[:160]}"
            else:
                data = json.loads(proc.stdout)
        except (subprocess.TimeoutExpired, ValueError) as e:
            why = f"floor program failed: {e}"
    for op, (export, py_row) in names.items():
        name = f"C: {export}"
        if op not in data:
            res.missing(sec, name, "ns/call", f"C floor unavailable: {why}")
            continue
        b, m = data[op]["best"], data[op]["median"]
        row = res.add(Row(sec, name, b, "ns/call", best=b, median=m))
        add_ratio(row, ratio(per_call.get(py_row), b), f"{py_row} (Python) / C")


# ----------------------------------------------------------------- threads


def make_loop(expr: str, ns: dict) -> Callable[[int], None]:
    src = f"def loop(n):\n    for _ in range(n):\n        {expr}\n"
    scope = dict(ns)
    exec(src, scope)
    return scope["loop"]


def read_rate(loops: List[Callable[[int], None]], nthreads: int, n: int) -> float:
    """Reads per second with nthreads threads each doing n reads at once,
    thread i running loops[i]."""
    barrier = threading.Barrier(nthreads + 1)

    def work(loop: Callable[[int], None]) -> None:
        barrier.wait()
        loop(n)

    threads = [threading.Thread(target=work, args=(loops[i],)) for i in range(nthreads)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return nthreads * n / (time.perf_counter() - t0)


def gil_note() -> str:
    """What the thread rows ran with on a free-threaded CPython, where they
    mean something else (threads run Python in parallel) as long as no
    extension turned the GIL back on; nothing on a GIL build."""
    if not sysconfig.get_config_var("Py_GIL_DISABLED"):
        return ""
    return f" (free-threaded CPython, GIL {'on' if sys._is_gil_enabled() else 'off'})"


def bench_threads(res: Results, plan: Plan, gopy_mod: Any, gopy_why: Optional[str]) -> None:
    sec = "threads"
    res.section(sec, f"threads: reads of one shared object, million reads/s, best of {plan.thread_rounds} "
                     f"interleaved rounds of {plan.thread_reads:,} reads per thread{gil_note()}")
    cfg = gocfg.Config()
    cfg["key"] = "value"
    cc = peers.CtypesConfig(peers.ctypes_binding())
    cc["key"] = "value"
    ns: Dict[str, Any] = {"cfg": cfg, "d": {"key": "value"}, "cc": cc, "stale": stale_cache(), "drop": drop_cache()}
    # "uncached" drops the read cache before each read, so every read crosses
    # into Go: it measures the FFI and the Go side, not the cache.
    contenders = {"cfg[k]": 'cfg["key"]', "cfg[k] uncached": 'drop(cfg, stale); cfg["key"]',
                  "dict[k]": 'd["key"]', "cfg[k] (ctypes)": 'cc["key"]'}
    if gopy_mod is not None:
        ns["g"] = gopy_mod.NewStore()
        ns["g"].Set("key", "value")
        contenders["cfg[k] (gopy)"] = 'g.Get("key")'
    # Every thread reads the same objects above. On a free-threaded CPython
    # that alone stops reads from scaling, whoever makes them: each thread
    # changes the reference counts of the shared objects it touches (a
    # dict's value, an attribute), and those writes contend. The "own" rows
    # give each thread its own Config (or dict), the same reads otherwise:
    # they show what the binding and the Go side do with two threads.
    loops = {name: [make_loop(expr, ns)] * 2 for name, expr in contenders.items()}
    own_cfgs = [gocfg.Config({"key": "value"}) for _ in range(2)]
    for c in own_cfgs:
        c["key"]  # its first read asks for the counter's cell (_ver), which the stale cache below holds
    # (and its own cache that never answers: a version its counter never shows)
    loops["cfg[k] uncached, own Config"] = [make_loop('drop(cfg, stale); cfg["key"]',
                                                      {**ns, "cfg": c, "stale": (c._ver, -1, {})})
                                            for c in own_cfgs]
    loops["dict[k], own dict"] = [make_loop('d["key"]', {**ns, "d": {"key": "value"}}) for _ in range(2)]
    samples: Dict[Tuple[str, int], List[float]] = {(c, t): [] for c in loops for t in (1, 2)}
    try:
        for pair in loops.values():
            for loop in pair:
                loop(1000)  # warm up
        keys = list(samples)
        for r in range(plan.thread_rounds):
            k = r % len(keys)
            for name, nt in keys[k:] + keys[:k]:
                samples[(name, nt)].append(read_rate(loops[name], nt, plan.thread_reads) / 1e6)
    finally:
        cfg.close()
        cc.close()
        for c in own_cfgs:
            c.close()
    best = {key: max(s) for key, s in samples.items()}
    for name in ("cfg[k]", "cfg[k] uncached", "cfg[k] (ctypes)", "cfg[k] (gopy)", "dict[k]",
                 "cfg[k] uncached, own Config", "dict[k], own dict"):
        if name not in loops:
            res.missing(sec, f"{name}, 1 thread", "Mreads/s", f"gopy peer unavailable: {gopy_why}")
            continue
        r1 = res.add(timed_row(sec, f"{name}, 1 thread", samples[(name, 1)], "Mreads/s", lower_is_better=False))
        if name in ("cfg[k] (ctypes)", "cfg[k] (gopy)", "dict[k]"):
            add_ratio(r1, ratio(best[(name, 1)], best[("cfg[k]", 1)]), "this / gocfg, 1 thread (>1: faster)")
        r2 = res.add(timed_row(sec, f"{name}, 2 threads", samples[(name, 2)], "Mreads/s", lower_is_better=False))
        add_ratio(r2, ratio(best[(name, 2)], best[(name, 1)]), "2 threads / 1 thread")


# ----------------------------------------------------------- gopy gc hook


def gc_workload() -> None:
    # Ordinary Python that allocates containers, so the cyclic GC runs.
    [[] for _ in range(1000)]


def bench_gopy_gc_hook(res: Results, plan: Plan, gopy_mod: Any, gopy_why: Optional[str], hooks: list) -> None:
    sec = "gopy gc hook"
    res.section(sec, f"gopy's gc hook: unrelated Python code (building 1,000 lists), µs per run, best of "
                     f"{plan.gc_rounds} interleaved rounds of {plan.gc_loops} runs")
    if gopy_mod is None:
        res.missing(sec, "allocating code, gopy module imported", "µs/run", f"gopy peer unavailable: {gopy_why}")
        return
    if not hooks:
        res.missing(sec, "allocating code, gopy module imported", "µs/run",
                    "the gopy module installed no gc callback (nothing to measure)")
        return

    def attached() -> None:
        gc.callbacks.extend(hooks)
        try:
            for _ in range(plan.gc_loops):
                gc_workload()
        finally:
            for h in hooks:
                gc.callbacks.remove(h)

    def detached() -> None:
        for _ in range(plan.gc_loops):
            gc_workload()

    samples = interleaved_calls({"with": attached, "without": detached}, plan.gc_rounds)
    scale = 1e6 / plan.gc_loops
    without = res.add(timed_row(sec, "allocating code, gopy gc hook detached", samples["without"], "µs/run", scale))
    with_ = res.add(timed_row(sec, f"allocating code, gopy gc hook attached ({len(hooks)} callbacks)",
                              samples["with"], "µs/run", scale))
    add_ratio(with_, ratio(with_.value, without.value), "attached / detached")


# ------------------------------------------------------------------ memory


def run_child(args: List[str], timeout: int = 900) -> Tuple[Optional[dict], Optional[str]]:
    try:
        proc = subprocess.run([sys.executable, os.path.join(BENCH, "children.py"), *args],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"took longer than {timeout} s"
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        return None, (lines[-1] if lines else f"exit status {proc.returncode}")[:160]
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1]), None
    except (ValueError, IndexError):
        return None, f"unreadable output: {proc.stdout[:80]!r}"


def bench_memory(res: Results, plan: Plan, quick: bool, gopy_mod: Any, gopy_why: Optional[str]) -> None:
    sec = "memory"
    n = plan.cycles
    note = f" (--quick: {n:,} cycles, not 1,000,000)" if quick else ""
    res.section(sec, f"memory: RSS growth over {n:,} create/set/free cycles, each contender in a fresh "
                     f"process{note}")
    contenders = [("gocfg", "Config(); c[k] = v; c.close()", []),
                  ("dict", "{}; d[k] = v; del d", []),
                  ("gopy", "NewStore(); s.Set(k, v); del s", [getattr(gopy_mod, "__gocfg_bench_dir__", "")])]
    growth: Dict[str, float] = {}
    rows: Dict[str, Row] = {}
    for name, what, extra in contenders:
        label = f"{name}: {what}"
        if name == "gopy" and gopy_mod is None:
            res.missing(sec, label, "KiB", f"gopy peer unavailable: {gopy_why}")
            continue
        progress(f"  memory: {name} × {n:,} ...")
        out, why = run_child(["cycles", name, str(n), *extra])
        if out is None:
            res.missing(sec, label, "KiB", f"failed: {why}")
            continue
        g = out["rss_end_kib"] - out["rss_start_kib"]
        growth[name] = g
        row = rows[name] = res.add(Row(sec, label, g, "KiB", best=g, median=g))
        row.note = f"{g * 1024 / n:.2f} B/cycle, {out['seconds'] / n * 1e6:.2f} µs/cycle"
        if "stats" in out:
            row.note += f", live handles after: {out['stats'].get('live_handles')}"
    # Growth below a few pages is noise: a ratio against it would mean nothing,
    # so the note gives the peers' growth instead.
    floor_kib = 256
    if "gocfg" in rows:
        for peer in ("gopy", "dict"):
            if peer not in growth:
                continue
            if growth[peer] >= floor_kib and growth["gocfg"] >= floor_kib:
                add_ratio(rows["gocfg"], ratio(growth["gocfg"], growth[peer]), f"gocfg growth / {peer} growth")
            else:
                rows["gocfg"].note += f"; {peer} grew {growth[peer]:,.0f} KiB"
        if growth["gocfg"] < floor_kib:
            rows["gocfg"].note += f" (gocfg under {floor_kib} KiB: noise, no ratio)"


# --------------------------------------------------- hooks: ~2 MB documents


def has(obj: Any, attr: str) -> bool:
    return hasattr(obj, attr)


def not_yet(what: str) -> str:
    return f"not available yet: {what} is missing"


def peer_parsers() -> Tuple[Dict[str, List[Tuple[str, Callable[[str], Any]]]], List[str]]:
    """For each format, the parsers gocfg is measured against."""
    missing = []
    parsers: Dict[str, List[Tuple[str, Callable[[str], Any]]]] = {
        "json": [("json.loads", json.loads)], "yaml": [], "toml": []}
    try:
        import tomllib  # Python 3.11+
        parsers["toml"].append(("tomllib.loads", tomllib.loads))
    except ImportError:
        missing.append("tomllib (Python 3.11+)")
    try:
        import orjson
        parsers["json"].append(("orjson.loads", orjson.loads))
    except ImportError:
        missing.append("orjson")
    try:
        import msgspec
        parsers["json"].append(("msgspec.json.decode", msgspec.json.Decoder().decode))
    except ImportError:
        missing.append("msgspec")
    try:
        import yaml
        loader = getattr(yaml, "CSafeLoader", None)
        if loader is None:
            missing.append("PyYAML with libyaml (CSafeLoader)")
        else:
            parsers["yaml"].append(("yaml CSafeLoader", lambda t: yaml.load(t, Loader=loader)))
    except ImportError:
        missing.append("PyYAML")
    return parsers, missing


def load_config(text: str, fmt: str) -> Any:
    return gocfg.Config.loads(text, fmt)  # type: ignore[attr-defined]


def close(obj: Any) -> None:
    c = getattr(obj, "close", None)
    if c is not None:
        c()


def bench_documents(res: Results, plan: Plan, docs: Dict[str, str], data: Dict[str, Any], tmp: str) -> None:
    """Hooks for features still being written; each is skipped with "not
    available yet" until gocfg grows the API it needs."""
    sec = "bulk"
    size = len(docs["json"].encode())
    res.section(sec, f"bulk: the generated document (bench/gen.py, {size / 1e6:.1f} MB as JSON), ms per "
                     f"operation, best of {plan.bulk_rounds} interleaved rounds")
    can_load = has(gocfg.Config, "loads")
    parsers, missing = peer_parsers()
    loaded: Optional[Any] = None

    # -- load: Config.loads(text, fmt) vs each format's usual parser into a dict
    for fmt in gen.FORMATS:
        name = f"load {fmt}: Config.loads"
        if fmt not in docs:
            res.missing(sec, name, "ms", f"{fmt} document not generated (PyYAML missing: {REQUIREMENTS_HINT})")
            continue
        if not can_load:
            res.missing(sec, name, "ms", not_yet("gocfg.Config.loads(text, format)"))
            continue
        text = docs[fmt]
        try:
            close(load_config(text, fmt))
        except Exception as e:
            res.missing(sec, name, "ms", f"failed: {type(e).__name__}: {str(e)[:120]}")
            continue
        cases: Dict[str, Callable[[], Any]] = {name: lambda t=text, f=fmt: close(load_config(t, f))}
        for pname, parse in parsers[fmt]:
            cases[f"load {fmt}: {pname}"] = lambda t=text, p=parse: p(t)
        samples = interleaved_calls(cases, plan.bulk_rounds)
        g = res.add(timed_row(sec, name, samples[name], "ms", 1e3))
        for pname, _ in parsers[fmt]:
            r = res.add(timed_row(sec, f"load {fmt}: {pname}", samples[f"load {fmt}: {pname}"], "ms", 1e3))
            add_ratio(g, ratio(g.value, r.value), f"gocfg / {pname}")
        if not parsers[fmt]:
            g.note = f"no peer parser for {fmt} ({REQUIREMENTS_HINT})"
    if missing:
        progress(f"  missing peers: {', '.join(missing)} ({REQUIREMENTS_HINT})")

    # -- dump: the whole Config back out as a dict (and as text, if dumps exists)
    if can_load:
        try:
            loaded = load_config(docs["json"], "json")
        except Exception:
            loaded = None
    name = "to_dict() of the loaded document"
    if not can_load:
        res.missing(sec, name, "ms", not_yet("gocfg.Config.loads(text, format)"))
    elif loaded is None or not has(loaded, "to_dict"):
        res.missing(sec, name, "ms", not_yet("cfg.to_dict()") if loaded is not None else "loading the JSON document failed")
    else:
        try:
            same = gen.same(loaded.to_dict(), data)
        except Exception as e:
            same = False
            res.missing(sec, name, "ms", f"failed: {type(e).__name__}: {str(e)[:120]}")
        else:
            cases = {name: loaded.to_dict,
                     "json.loads of the JSON text": lambda: json.loads(docs["json"]),
                     "copy.deepcopy of the dict": lambda: copy.deepcopy(data)}
            samples = interleaved_calls(cases, plan.bulk_rounds)
            g = res.add(timed_row(sec, name, samples[name], "ms", 1e3))
            if not same:
                g.note = "to_dict() differs from the generated data (types or order)"
            for peer in ("json.loads of the JSON text", "copy.deepcopy of the dict"):
                r = res.add(timed_row(sec, peer, samples[peer], "ms", 1e3))
                add_ratio(g, ratio(g.value, r.value), f"gocfg / {peer.split(' of ')[0]}")

    if loaded is not None and has(loaded, "dumps"):
        for fmt in gen.FORMATS:
            name = f"dump {fmt}: cfg.dumps"
            try:
                loaded.dumps(fmt)
            except Exception as e:
                res.missing(sec, name, "ms", f"failed: {type(e).__name__}: {str(e)[:120]}")
                continue
            cases = {name: lambda f=fmt: loaded.dumps(f)}
            if fmt == "json":
                cases["dump json: json.dumps"] = lambda: json.dumps(data, ensure_ascii=False)
                try:
                    import orjson
                    cases["dump json: orjson.dumps"] = lambda: orjson.dumps(data)
                except ImportError:
                    pass
            elif fmt == "yaml" and "yaml" in docs:
                cases["dump yaml: yaml CSafeDumper"] = lambda: gen.render(data, "yaml")
            elif fmt == "toml":
                cases["dump toml: bench/gen.py writer"] = lambda: gen.render(data, "toml")
            samples = interleaved_calls(cases, plan.bulk_rounds)
            g = res.add(timed_row(sec, name, samples[name], "ms", 1e3))
            for peer in list(cases)[1:]:
                r = res.add(timed_row(sec, peer, samples[peer], "ms", 1e3))
                add_ratio(g, ratio(g.value, r.value), f"gocfg / {peer.split(': ')[1]}")
    elif can_load:
        res.missing(sec, "dump: cfg.dumps(format)", "ms", not_yet("cfg.dumps(format)"))

    # -- RSS holding the document, each in a fresh process
    sec_rss = "bulk memory"
    res.section(sec_rss, "bulk memory: RSS growth from holding the document, fresh process each")
    name = "RSS holding the document: Config.loads"
    if not can_load:
        res.missing(sec_rss, name, "KiB", not_yet("gocfg.Config.loads(text, format)"))
    else:
        path = os.path.join(tmp, "doc.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(docs["json"])
        got = {}
        for who in ("gocfg", "dict"):
            out, why = run_child(["rss-doc", who, path])
            if out is None:
                res.missing(sec_rss, f"RSS holding the document: {who}", "KiB", f"failed: {why}")
            else:
                got[who] = out["rss_end_kib"] - out["rss_start_kib"]
        if "gocfg" in got:
            g = res.add(Row(sec_rss, name, got["gocfg"], "KiB", best=got["gocfg"]))
            if "dict" in got:
                d = res.add(Row(sec_rss, "RSS holding the document: json.loads dict", got["dict"], "KiB",
                                best=got["dict"]))
                add_ratio(g, ratio(g.value, d.value), "gocfg / dict")

    # -- moonshot: repeated read of an unchanged Config vs a dict read
    sec_m = "moonshot"
    res.section(sec_m, f"moonshot: repeated read of one leaf of the unchanged, loaded document, ns/read, "
                       f"best of {plan.rounds} interleaved rounds of {plan.read_calls:,}")
    svc = sorted(data["services"])[len(data["services"]) // 2]
    path = f"services.{svc}.resources.limits.memory"
    name = "cfg[path], a leaf 5 levels deep"
    if loaded is None:
        res.missing(sec_m, name, "ns/read", not_yet("gocfg.Config.loads(text, format)"))
    else:
        ns = {"cfg": loaded, "d": data, "flat": {path: data["services"][svc]["resources"]["limits"]["memory"]},
              "svc": svc}
        cases = {name: f"cfg[{path!r}]",
                 "dict chain": 'd["services"][svc]["resources"]["limits"]["memory"]',
                 "flat dict[path]": f"flat[{path!r}]"}
        why = try_stmt(cases[name], ns)
        got_value = None if why else eval(cases[name], ns)
        if why:
            res.missing(sec_m, name, "ns/read", f"failed: {why}")
        else:
            samples = interleaved_stmts(cases, ns, plan.read_calls, plan.rounds)
            g = res.add(timed_row(sec_m, name, samples[name], "ns/read"))
            g.note = f"path = {path!r}"
            if got_value != ns["flat"][path]:
                g.note += f"; read {got_value!r}, expected {ns['flat'][path]!r}"
            for peer in ("dict chain", "flat dict[path]"):
                r = res.add(timed_row(sec_m, peer, samples[peer], "ns/read"))
                add_ratio(g, ratio(g.value, r.value), f"gocfg / {peer}")
    if loaded is not None:
        close(loaded)


# ------------------------------------------------ JSON goals (issue 15)


def json_peers() -> List[Tuple[str, Callable[[Any], Any]]]:
    peers_, _ = peer_parsers()
    return peers_["json"]


def bench_json_goals(res: Results, plan: Plan, docs: Dict[str, str]) -> None:
    """Load, and load + to_dict(), of a big and a typical JSON document,
    beside json.loads, orjson and msgspec (each of which gives a dict)."""
    sec = "json"
    res.section(sec, f"JSON: Config.loads and Config.loads + to_dict() beside the JSON parsers, ms per document, "
                     f"best of {plan.bulk_rounds * 2 + 1} interleaved rounds")
    small = gen.render(gen.generate(20_000), "json")
    parsers = json_peers()
    for label, text, number in (("2 MB", docs["json"], 1), ("20 KB", small, 40)):
        label = f"{label} ({len(text.encode()) / 1e3:,.0f} kB)"

        def load(t: str = text) -> None:
            load_config(t, "json").close()

        def load_dict(t: str = text) -> Any:
            with load_config(t, "json") as c:
                return c.to_dict()

        if not gen.same(load_dict(), json.loads(text)):
            res.missing(sec, f"JSON {label}: Config.loads + to_dict()", "ms", "to_dict() differs from json.loads")
            continue
        cases: Dict[str, Callable[[], Any]] = {"load": load, "load + to_dict()": load_dict}
        for pname, parse in parsers:
            cases[pname] = lambda t=text, p=parse: p(t)
        samples = interleaved_calls(cases, plan.bulk_rounds * 2 + 1, number)
        shown = {"load": "Config.loads", "load + to_dict()": "Config.loads + to_dict()"}
        got = {name: res.add(timed_row(sec, f"JSON {label}: {shown.get(name, name)}", samples[name], "ms", 1e3))
               for name in cases}
        for name in ("load", "load + to_dict()"):
            for pname, _ in parsers:
                add_ratio(got[name], ratio(got[name].value, got[pname].value), f"gocfg / {pname}")


def bench_peak(res: Results, quick: bool, tmp: str) -> None:
    """Peak RSS while loading a big JSON file, each contender in a fresh process."""
    sec = "peak"
    mb = 20 if quick else 50
    res.section(sec, f"peak memory: VmHWM growth while loading a {mb} MB JSON document (bench/gen.py), "
                     "fresh process each, the text already in memory as bytes")
    path = os.path.join(tmp, f"big-{mb}.json")
    with open(path, "w", encoding="utf-8") as f:
        f.write(gen.render(gen.generate(mb * 1_000_000), "json"))
    got: Dict[str, float] = {}
    for who in ("json", "gocfg", "gocfg+dict"):
        progress(f"  peak: {who} ...")
        out, why = run_child(["peak-load", who, path])
        if out is None:
            res.missing(sec, f"peak RSS: {who}", "MiB", f"failed: {why}")
            continue
        got[who] = (out["hwm_end_kib"] - out["rss_start_kib"]) / 1024
    names = {"json": "json.loads", "gocfg": "Config.loads", "gocfg+dict": "Config.loads + to_dict()"}
    rows = {w: res.add(Row(sec, f"peak RSS: {names[w]}", v, "MiB", best=v)) for w, v in got.items()}
    for w in ("gocfg", "gocfg+dict"):
        if w in rows:
            add_ratio(rows[w], ratio(got[w], got.get("json")), "gocfg / json.loads")


COLD = {
    "bare interpreter": "pass",
    "import json + json.load (1 KB)": "import json,sys\nwith open(sys.argv[1]) as f: json.load(f)",
    "import gocfg + Config.load (1 KB)": "import gocfg,sys\ngocfg.Config.load(sys.argv[1]).close()",
    "import gocfg + gocfg.load (1 KB)": "import gocfg,sys\ngocfg.load(sys.argv[1]).close()",
}


def bench_cold(res: Results, plan: Plan, tmp: str) -> None:
    sec = "cold"
    rounds = max(5, plan.rounds)
    res.section(sec, f"cold start: a fresh `python -c` process each time, ms wall time, best of {rounds} "
                     "interleaved rounds")
    path = os.path.join(tmp, "small.json")
    with open(path, "w", encoding="utf-8") as f:
        text = gen.render(gen.generate(0), "json")
        f.write(text[:1] + '"pad": "' + "x" * max(0, 1000 - len(text)) + '", ' + text[1:])
    # Time what an installed gocfg costs: pip compiles a wheel's modules to
    # bytecode when it installs them, but an editable install run with
    # PYTHONDONTWRITEBYTECODE=1 (or from a read-only tree) never gets its
    # __pycache__, and every child would compile gocfg's sources again
    # (~30 ms more). So the bytecode is written here first, where the tree
    # allows it; the children run with the environment as it is.
    import compileall
    compileall.compile_dir(os.path.dirname(gocfg.__file__), quiet=1)
    cases = {name: (lambda c=code: subprocess.run([sys.executable, "-c", c, path], check=True))
             for name, code in COLD.items()}
    samples = interleaved_calls(cases, rounds)
    rows = {name: res.add(timed_row(sec, name, samples[name], "ms", 1e3)) for name in COLD}
    bare = rows["bare interpreter"].value
    for name in list(COLD)[1:]:
        r = rows[name]
        if r.value is not None and bare is not None:
            r.note = f"{r.value - bare:.1f} ms above the bare interpreter"
            add_ratio(r, ratio(r.value, bare), "this / bare interpreter")


# ------------------------------------------------------------------- output


def fmt_value(v: Optional[float]) -> str:
    if v is None:
        return "—"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.1f}"
    return f"{v:.2f}"


def fmt_ratio(v: float) -> str:
    return f"{v:7.2f}" if abs(v) >= 0.1 or v == 0 else f"{v:7.2g}"


def print_table(res: Results) -> None:
    w_name = max([len(r.name) for r in res.rows] + [30])
    head = f"{'benchmark':{w_name}}  {'value':>10}  {'unit':9} {'ratio':>7}  ratio of"
    print(head)
    print("-" * len(head))
    current = None
    for r in res.rows:
        if r.section != current:
            current = r.section
            print(f"\n== {res.sections.get(r.section, r.section)}")
        first = True
        lines = r.ratios or [(None, "")]
        for value, meaning in lines:
            left = f"{r.name:{w_name}}  {fmt_value(r.value):>10}  {r.unit:9}" if first else " " * (w_name + 23)
            rv = fmt_ratio(value) if value is not None else " " * 7
            print(f"{left} {rv}  {meaning}".rstrip())
            first = False
        if r.note:
            print(" " * (w_name + 4) + "↳ " + r.note)


def write_json(res: Results, path: str, meta: dict) -> None:
    rows = []
    for r in res.rows:
        d = asdict(r)
        d["ratios"] = [{"value": v, "of": m} for v, m in r.ratios]
        rows.append(d)
    per_call = {r.name: r.value for r in res.rows if r.section == "per call" and r.value is not None}
    out = {"meta": meta, "sections": res.sections, "rows": rows, "per_call_ns": per_call}
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(out, f, indent=2, ensure_ascii=False)
        f.write("\n")


# --------------------------------------------------------------------- main


def check_optional_deps() -> List[str]:
    missing = []
    for mod, pkg in (("orjson", "orjson"), ("yaml", "PyYAML"), ("pybindgen", "pybindgen")):
        try:
            __import__(mod)
        except ImportError:
            missing.append(pkg)
    return missing


def preflight() -> None:
    """Stop with one clear line if the installed gocfg does not work at all
    (a stale build after the sources changed, most often)."""
    try:
        with gocfg.Config() as cfg:
            cfg["key"] = "value"
            if cfg["key"] != "value" or "key" not in cfg:
                raise RuntimeError("cfg[k] does not read back what was set")
    except Exception as e:
        sys.exit(f"gocfg does not work ({type(e).__name__}: {e}); "
                 f"rebuild it with `pip install -e .` in {ROOT}, then run the bench again")


# Benchmarks with peers of their own (databases, layered loading): separate
# scripts, so each can be run alone, but part of the one command.
COMPANIONS = ["db_bench.py", "layered_bench.py"]


def run_companions(quick: bool) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for script in COMPANIONS:
        path = os.path.join(BENCH, script)
        if not os.path.exists(path):
            continue
        progress(f"{script} ...")
        cmd = [sys.executable, path] + (["--quick"] if quick else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        print(f"\n== {script}{' --quick' if quick else ''}")
        print(proc.stdout.rstrip())
        if proc.returncode != 0:
            print(f"  ({script} failed: {proc.stderr.strip().splitlines()[-1:] or proc.returncode})")
        out[script] = {"returncode": proc.returncode, "table": proc.stdout}
    return out


# The sections --only can pick.
SECTIONS = frozenset({"per-call", "floor", "threads", "gc-hook", "memory", "documents", "json", "peak", "cold"})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer, shorter rounds (well under 2 minutes)")
    ap.add_argument("--json", default=os.path.join(BENCH, "results.json"),
                    help="where to write the results (default: bench/results.json)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary build directory and say where it is")
    ap.add_argument("--only", default="", metavar="SECTIONS",
                    help="run only these sections, comma-separated (per-call, floor, threads, gc-hook, memory, "
                         "documents, json, peak, cold); no companions then. For iterating on one part: "
                         "a full run is what gives the table")
    args = ap.parse_args()
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    unknown = only - SECTIONS
    if unknown:
        ap.error(f"--only: unknown section(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(SECTIONS))}")

    def wanted(section: str) -> bool:
        return not only or section in only

    plan = QUICK if args.quick else FULL
    started = time.perf_counter()
    preflight()

    missing = check_optional_deps()
    if missing:
        progress(f"missing optional bench packages: {', '.join(missing)} -- their rows are skipped; "
                 f"install them with: {REQUIREMENTS_HINT}")

    tmp_obj = tempfile.TemporaryDirectory(prefix="gocfg-bench-")
    tmp = tmp_obj.name
    res = Results()
    try:
        progress("building the C floor program ...")
        floor_exe, floor_why = peers.build_floor(tmp)
        progress("  " + ("ok" if floor_exe else f"unavailable: {floor_why}"))

        progress(f"building the gopy {peers.GOPY_VERSION} peer (first run builds gopy itself) ...")
        t0 = time.perf_counter()
        log = os.path.join(tmp, "gopy-build.log")
        gopy_mod, gopy_why = peers.build_gopy(tmp, log)
        hooks: list = []
        if gopy_mod is not None:
            # Importing a gopy module makes every Python GC run a full Go GC.
            # Detach that hook so it slows no other row; it has a row of its own.
            hooks = peers.gopy_gc_hooks()
            for h in hooks:
                gc.callbacks.remove(h)
            progress(f"  ok ({time.perf_counter() - t0:.1f} s)")
        else:
            if os.path.exists(log):
                kept = os.path.join(tempfile.gettempdir(), "gocfg-bench-gopy-build.log")
                os.replace(log, kept)
                gopy_why = f"{gopy_why} (log: {kept})"
            progress(f"  unavailable: {gopy_why}")

        progress("generating the benchmark documents ...")
        data = gen.generate()
        docs = {}
        for fmt in gen.FORMATS:
            try:
                docs[fmt] = gen.render(data, fmt)
            except RuntimeError as e:
                progress(f"  {fmt}: {e}")

        per_call: Dict[str, float] = {}
        if wanted("per-call"):
            progress("per call ...")
            per_call = bench_per_call(res, plan, gopy_mod, gopy_why)
        if wanted("floor"):
            progress("C floor ...")
            bench_floor(res, plan, floor_exe, floor_why, per_call)
        if wanted("threads"):
            progress("threads ...")
            bench_threads(res, plan, gopy_mod, gopy_why)
        if wanted("gc-hook"):
            progress("gopy gc hook ...")
            bench_gopy_gc_hook(res, plan, gopy_mod, gopy_why, hooks)
        if wanted("memory"):
            progress("memory ...")
            bench_memory(res, plan, args.quick, gopy_mod, gopy_why)
        if wanted("documents"):
            progress("documents (hooks) ...")
            bench_documents(res, plan, docs, data, tmp)
        if wanted("json"):
            progress("JSON goals ...")
            bench_json_goals(res, plan, docs)
        if wanted("peak"):
            progress("peak memory ...")
            bench_peak(res, args.quick, tmp)
        if wanted("cold"):
            progress("cold start ...")
            bench_cold(res, plan, tmp)
    finally:
        if args.keep:
            progress(f"kept {tmp}")
        else:
            tmp_obj.cleanup()

    print()
    print_table(res)
    companions = run_companions(args.quick) if not only else {}
    elapsed = time.perf_counter() - started
    meta = {"python": sys.version.split()[0], "implementation": platform.python_implementation(),
            "machine": platform.machine(), "system": platform.system(), "cpus": os.cpu_count(),
            "quick": args.quick, "plan": asdict(plan), "seconds": round(elapsed, 1),
            "gocfg_file": gocfg.__file__,
            "peers": {"gopy": "ok" if gopy_mod is not None else gopy_why,
                      "c_floor": "ok" if floor_exe else floor_why},
            "missing_optional_packages": missing,
            "companions": companions}
    write_json(res, args.json, meta)
    print(f"\n{elapsed:.0f} s; wrote {os.path.relpath(args.json)}")


if __name__ == "__main__":
    main()
