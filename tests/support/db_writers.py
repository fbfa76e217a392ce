"""Many processes saving into one Database, then an exact account of
every revision, through gocfg's public Python API.

Used by tests/system/test_db_writers.py (a few seconds) and by
scripts/db_writers.py (the 60 s run). run() does this:

* The parent opens the Database (a SQLite file, or an etcd prefix) and
  starts one watch on every name.
* N worker processes (this file run as a script) each own a few names
  (``w3/cfg-1``: no two processes share a name) and, from a common start
  signal until their time is up, save them in turn: a config of about
  1 KiB holding the writer, the name and a sequence number unique to the
  save, with ``expect_revision`` = the revision the process got for that
  name last time (0 the first time). Nobody else writes its names, so every
  save must succeed with exactly the next revision: a ConflictError or a
  revision that skips means a save was lost or doubled. A ConnectionError
  (etcd) leaves the outcome unknown: the worker loads the name and looks
  for its sequence number before saving again.
* Each worker records, per name, the sequence numbers in the order of the
  revisions it got. The parent then checks, per name: the latest revision
  is the number of saves the worker recorded, the history is exactly
  revisions 1..n, every revision loads with the sequence number the worker
  recorded for it, and the watch saw revisions 1..n once each, in order.
  ``names()`` lists exactly the workers' names.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from typing import Any, Callable, Dict, List

PAD = "x" * 600  # brings a config to about 1 KiB encoded, a realistic small config


def config(wid: str, name: str, seq: int) -> Dict[str, Any]:
    return {"writer": wid, "name": name, "seq": seq,
            "server": {"host": f"10.0.{seq % 256}.{seq % 97}", "port": 8000 + seq % 1000, "workers": seq % 16 + 1},
            "tags": ["web", f"zone-{seq % 3}"], "notes": PAD}


# ----------------------------------------------------------------- the worker

def worker(url: str, wid: str, names_each: int, seconds: float, start_file: str, out_file: str) -> None:
    import gocfg

    names = [f"{wid}/cfg-{j}" for j in range(names_each)]
    revs = {n: 0 for n in names}
    seqs: Dict[str, List[int]] = {n: [] for n in names}
    errors: List[str] = []
    unknown = 0
    db = gocfg.Database.open(url, timeout=10)
    with open(out_file + ".ready", "w"):
        pass
    while not os.path.exists(start_file):
        time.sleep(0.005)
    t0 = time.monotonic()
    deadline = t0 + seconds
    seq = 0
    while time.monotonic() < deadline and len(errors) < 20:
        name = names[seq % names_each]
        try:
            rev = db.save(name, config(wid, name, seq), expect_revision=revs[name])
        except gocfg.ConnectionError:
            # Applied or not? The stored config says (nobody else writes it).
            unknown += 1
            try:
                cfg, rev = db.load_with_revision(name)
                with cfg:
                    got = cfg["seq"]
            except Exception as e:
                errors.append(f"{name}: resolving an unknown outcome: {type(e).__name__}: {e}")
                continue
            if got != seq:
                continue  # not applied: the next round saves again (a new seq)
        except Exception as e:
            errors.append(f"{name} seq {seq}: {type(e).__name__}: {e}")
            seq += 1
            continue
        if rev != revs[name] + 1:
            errors.append(f"{name}: save with expect_revision={revs[name]} stored revision {rev}")
        revs[name] = rev
        seqs[name].append(seq)
        seq += 1
    took = time.monotonic() - t0
    db.close()
    with open(out_file + ".tmp", "w") as f:
        json.dump({"worker": wid, "saves": sum(len(v) for v in seqs.values()), "seconds": took,
                   "seqs": seqs, "errors": errors, "unknown": unknown}, f)
    os.replace(out_file + ".tmp", out_file)


# ------------------------------------------------------------------ the runner

def run(url: str, work_dir: str, *, processes: int = 8, names_each: int = 4, seconds: float = 60.0,
        log: Callable[[str], None] = lambda s: None) -> Dict[str, Any]:
    """Run the writers against url; returns the report (violations empty
    when every check held)."""
    import gocfg

    violations: List[str] = []
    report: Dict[str, Any] = {"processes": processes, "names_each": names_each, "seconds": seconds,
                              "violations": violations}
    db = gocfg.Database.open(url, timeout=30)
    watch = db.watch("")
    events: List[Any] = []
    watch_error: List[str] = []

    def follow() -> None:
        try:
            for ev in watch:
                events.append(ev)
        except gocfg.ClosedError:
            pass
        except BaseException as e:
            watch_error.append(f"{type(e).__name__}: {e}")

    th = threading.Thread(target=follow, name="writers-watch", daemon=True)
    th.start()

    start_file = os.path.join(work_dir, "start")
    procs = []
    for k in range(processes):
        out = os.path.join(work_dir, f"writer-{k}.json")
        p = subprocess.Popen([sys.executable, os.path.abspath(__file__), "worker", url, f"w{k}", str(names_each),
                              str(seconds), start_file, out], stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append((p, out))
    ready_by = time.monotonic() + 120
    while not all(os.path.exists(out + ".ready") for _, out in procs):
        if time.monotonic() > ready_by or any(p.poll() is not None for p, _ in procs):
            break
        time.sleep(0.02)
    with open(start_file, "w"):
        pass
    log(f"  {processes} writers started, {names_each} names each, {seconds:g}s")
    # Imported here: the children run this file as a script, without the
    # support package on their path.
    from support.reports import collect_records

    records = collect_records(procs, seconds + 120, "writer",
                              f"still running {seconds + 120:.0f}s after its start", violations)

    total = sum(r["saves"] for r in records)
    expected_names = sorted(n for r in records for n in r["seqs"] if r["seqs"][n])
    # The watch may lag the last saves a little: wait for it (bounded).
    catch_up_by = time.monotonic() + 60
    while len(events) < total and th.is_alive() and time.monotonic() < catch_up_by:
        time.sleep(0.05)
    t_check = time.monotonic()

    for r in records:
        for e in r["errors"]:
            violations.append(f"writer {r['worker']}: {e}")
    listed = db.names()
    if listed != expected_names:
        violations.append(f"names() lists {len(listed)} names, the writers saved {len(expected_names)}: "
                          f"extra {sorted(set(listed) - set(expected_names))[:5]}, "
                          f"missing {sorted(set(expected_names) - set(listed))[:5]}")
    by_name: Dict[str, List[int]] = {}
    for ev in events:
        if ev.deleted:
            violations.append(f"watch: a delete event for {ev.name}")
        by_name.setdefault(ev.name, []).append(ev.revision)
    loads = 0
    for r in records:
        for name, seqs in r["seqs"].items():
            n = len(seqs)
            if n == 0:
                continue
            try:
                cfg, latest = db.load_with_revision(name)
                cfg.close()
                history = [rev for rev, _ in db.history(name)]
            except gocfg.Error as e:
                violations.append(f"{name}: {type(e).__name__}: {e}")
                continue
            if latest != n:
                violations.append(f"{name}: latest revision {latest}, the writer saved {n} times")
            if history != list(range(1, n + 1)):
                violations.append(f"{name}: history has {len(history)} entries, not revisions 1..{n}")
            for rev, seq in enumerate(seqs, 1):
                with db.load(name, revision=rev) as cfg:
                    got = (cfg["writer"], cfg["seq"])
                loads += 1
                if got != (r["worker"], seq):
                    violations.append(f"{name} revision {rev}: holds {got}, the writer saved seq {seq}")
                    break
            seen = by_name.get(name, [])
            if seen != list(range(1, n + 1)):
                violations.append(f"{name}: the watch saw {len(seen)} events for {n} saves "
                                  f"(in order without repeats: {seen == sorted(set(seen))})")
    if watch_error:
        violations.append(f"the watch ended: {watch_error[0]}")
    watch.close()
    th.join(10)
    db.close()
    secs = max((r["seconds"] for r in records), default=seconds)
    report.update({
        "saves": total, "saves_per_s": round(total / secs, 1) if secs else 0.0,
        "per_writer": {r["worker"]: r["saves"] for r in records},
        "unknown_outcomes": sum(r["unknown"] for r in records),
        "names": len(expected_names), "events_seen": len(events), "revisions_loaded": loads,
        "check_seconds": round(time.monotonic() - t_check, 1),
    })
    return report


def format_report(r: Dict[str, Any]) -> str:
    lines = [f"  {r['processes']} processes x {r['names_each']} names, {r['seconds']:g}s: {r.get('saves', 0)} saves "
             f"({r.get('saves_per_s', 0)}/s), per writer {r.get('per_writer')}",
             f"  every revision loaded and checked: {r.get('revisions_loaded')}; watch events seen "
             f"{r.get('events_seen')} of {r.get('saves')}; saves with an unknown outcome {r.get('unknown_outcomes')}; "
             f"checks took {r.get('check_seconds')}s",
             "  violations: " + ("none (lost = 0, doubled = 0)" if not r["violations"] else "")]
    lines += [f"    - {v}" for v in r["violations"][:30]]
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) == 8 and sys.argv[1] == "worker":
        worker(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), sys.argv[6], sys.argv[7])
    else:
        sys.exit("usage: db_writers.py worker URL ID NAMES_EACH SECONDS START_FILE OUT_FILE")
