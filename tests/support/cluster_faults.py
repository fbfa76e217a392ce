"""Compare-and-swap increments against an etcd cluster under faults,
checked exactly, through gocfg's public Python API.

Used by tests/system/test_etcd_cluster.py (a short fault sequence) and by
scripts/etcd_cluster_faults.py (a long one). run() does this:

* The parent opens one gocfg.Database with every member's endpoint and
  creates the config COUNTER = {"n": 0, "tokens": []} (revision 1).
* Watchers (threads of the parent, each with a Database of its own, so that
  their watch streams land on different members) watch COUNTER and record
  the revision of every event.
* Worker processes (this file run as a script) loop: load COUNTER with its
  revision, add 1 to "n", append a token unique to this increment to
  "tokens", save with expect_revision. A ConflictError is retried. A
  ConnectionError on a save leaves its outcome unknown (the request may
  have been applied before the answer was lost), so the worker does not
  count it: it loads again and, if its token is in the list, counts the
  increment as done; otherwise it tries again with the same token. The
  compare-and-swap makes that exactly-once: every attempt with one token
  was built on a revision without the token, so after one of them is
  applied the others can only conflict.
* The parent runs a fault sequence on the cluster (SIGKILL the leader,
  restart it, SIGSTOP a member for longer than the request timeout,
  SIGCONT, ...), each step a named phase, then stops the workers.
* Checks (report["violations"], empty when all hold): every call ended
  with success, ConflictError or gocfg.ConnectionError (anything else is a
  violation), within a hang bound (a liveness bound, far above the
  timeout: not a timing assertion); the final "n" equals the number of
  tokens, every token appears once, the tokens are exactly those the
  workers counted and their number is the sum of the workers' counts; the
  history is revisions 1..n+1 with nothing else; every watcher saw exactly
  revisions 2..n+1 in order (nothing lost, nothing repeated); every worker
  and the parent's Database, never reopened, work again after the faults.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

COUNTER = "counter"

# A call that has not returned after this many request timeouts plus
# HANG_SLACK seconds is a hang. It is a liveness bound, far above what any
# call should take (one timeout), so that a slow machine never trips it.
HANG_TIMEOUTS = 3
HANG_SLACK = 10.0


# ----------------------------------------------------------------- the worker

def worker(url: str, wid: str, timeout: float, stop_file: str, out_file: str) -> None:
    """One incrementing process; writes its record as JSON to out_file."""
    import gocfg

    ops: List[Tuple[float, str, str, float]] = []  # (start, op, outcome, seconds)
    unexpected: List[str] = []
    applied: List[str] = []        # tokens counted as done, in order
    # Tokens whose save had an unknown outcome: found applied on a later
    # load, or not applied and then saved by a later attempt.
    unknown_found_applied = 0
    unknown_then_saved = 0
    unresolved: Optional[str] = None

    def call(op: str, fn: Callable[[], Any]) -> Tuple[str, Any]:
        t0 = time.time()
        outcome, value = "ok", None
        try:
            value = fn()
        except gocfg.ConflictError:
            outcome = "conflict"
        except gocfg.ConnectionError:
            outcome = "connection"
        except Exception as e:  # what the checks call a violation
            outcome = "unexpected"
            unexpected.append(f"{op}: {type(e).__module__}.{type(e).__name__}: {e}")
        ops.append((t0, op, outcome, time.time() - t0))
        return outcome, value

    db = None
    give_up = time.monotonic() + 60
    while db is None:
        outcome, db = call("open", lambda: gocfg.Database.open(url, timeout=timeout))
        if db is None:
            if time.monotonic() > give_up:
                raise SystemExit(f"worker {wid}: cannot open the database: {unexpected[-1:] or 'connection errors'}")
            time.sleep(0.2)
    with open(out_file + ".ready", "w"):
        pass

    def load() -> Tuple[Dict[str, Any], int]:
        cfg, rev = db.load_with_revision(COUNTER)
        with cfg:
            return cfg.to_dict(), rev

    i = 0
    token = f"{wid}-{i}"
    pending = False   # an attempt with this token has an unknown outcome
    stop_deadline: Optional[float] = None
    while True:
        if os.path.exists(stop_file):
            if not pending:
                break
            # Resolve the last unknown outcome before leaving, but not forever.
            if stop_deadline is None:
                stop_deadline = time.monotonic() + 120
            elif time.monotonic() > stop_deadline:
                unresolved = token
                break
        outcome, got = call("load", load)
        if outcome != "ok":
            time.sleep(0.02)
            continue
        data, rev = got
        if pending:
            if token in data["tokens"]:
                applied.append(token)
                unknown_found_applied += 1
                pending, i = False, i + 1
                token = f"{wid}-{i}"
                continue
        data["n"] += 1
        data["tokens"].append(token)
        outcome, _ = call("save", lambda: db.save(COUNTER, data, expect_revision=rev))
        if outcome == "ok":
            applied.append(token)
            unknown_then_saved += pending
            pending, i = False, i + 1
            token = f"{wid}-{i}"
        elif outcome in ("connection", "unexpected"):
            # Perhaps applied: the next load decides. (A conflict leaves
            # pending as it was: an earlier unknown attempt may be why.)
            pending = True
            time.sleep(0.02)
    close_outcome, _ = call("close", db.close)
    with open(out_file + ".tmp", "w") as f:
        json.dump({"worker": wid, "ops": ops, "unexpected": unexpected, "applied": applied,
                   "unknown_found_applied": unknown_found_applied, "unknown_then_saved": unknown_then_saved,
                   "unresolved": unresolved}, f)
    os.replace(out_file + ".tmp", out_file)


# ---------------------------------------------------------------- the watcher

class Watcher(threading.Thread):
    """Watches COUNTER on a Database of its own and records the revisions."""

    def __init__(self, gocfg: Any, url: str, timeout: float, index: int) -> None:
        super().__init__(name=f"watcher-{index}", daemon=True)
        self.db = gocfg.Database.open(url, timeout=timeout)
        self.watch = self.db.watch(COUNTER)
        self.revisions: List[int] = []
        self.deletes = 0
        self.error: Optional[str] = None
        self.stopping = False
        self.ended_early = False

    def run(self) -> None:
        try:
            for event in self.watch:
                if event.deleted:
                    self.deletes += 1
                self.revisions.append(event.revision)
        except BaseException as e:  # recorded; the checks report it
            self.error = f"{type(e).__name__}: {e}"
        if not self.stopping:
            self.ended_early = True

    def last(self) -> int:
        return self.revisions[-1] if self.revisions else 0

    def stop(self) -> None:
        self.stopping = True
        self.watch.close()
        self.join(30)
        self.db.close()


# ------------------------------------------------------------------ sequences

# Fault steps: (action, seconds to let the workers run afterwards). Actions:
# steady; kill leader / kill follower (SIGKILL); restart (every killed
# member); pause leader / pause follower (SIGSTOP); resume (SIGCONT every
# paused member); kill quorum (SIGKILL the leader and a follower).
Step = Tuple[str, float]


def fast_sequence(timeout: float) -> List[Step]:
    """About 25 s of faults: the leader killed and restarted, then the new
    leader frozen for four request timeouts (long enough for a client that
    waits on the frozen member to fail several times in a row)."""
    return [("steady", 3), ("kill leader", 4), ("restart", 2), ("pause leader", 4 * timeout),
            ("resume", 3), ("steady", 3)]


def long_sequence(timeout: float, rounds: int = 3, pause: float = 20.0) -> List[Step]:
    """Several rounds of every fault, pauses long enough for the client's
    keepalive to give up on the frozen member, and a loss of quorum."""
    steps: List[Step] = [("steady", 5)]
    for _ in range(rounds):
        steps += [("kill leader", 5), ("restart", 5),
                  ("kill follower", 5), ("restart", 5),
                  ("pause leader", max(pause, 2.5 * timeout)), ("resume", 5),
                  ("pause follower", max(pause, 2.5 * timeout)), ("resume", 5),
                  ("kill quorum", 3 * timeout), ("restart", 5)]
    return steps + [("steady", 5)]


def freeze_sequence(timeout: float, pause: float = 20.0) -> List[Step]:
    """Only the expensive fault: the leader, then a follower, frozen for
    pause seconds each (for measuring how long a frozen member costs)."""
    p = max(pause, 2.5 * timeout)
    return [("steady", 3), ("pause leader", p), ("resume", 5), ("pause follower", p), ("resume", 5), ("steady", 3)]


# ----------------------------------------------------------------- the runner

def _follower(cluster: Any) -> int:
    lead = cluster.leader()
    for i, m in enumerate(cluster.members):
        if i != lead and m.proc is not None and not m.paused:
            return i
    raise RuntimeError("no running follower")


def _apply(cluster: Any, action: str) -> str:
    """Do one fault action; returns what it did, for the phase label."""
    names = lambda idx: "+".join(cluster.members[i].name for i in idx)  # noqa: E731
    if action == "steady":
        return "steady"
    if action == "kill leader":
        i = cluster.leader()
        cluster.kill(i)
        return f"SIGKILL leader {names([i])}"
    if action == "kill follower":
        i = _follower(cluster)
        cluster.kill(i)
        return f"SIGKILL follower {names([i])}"
    if action == "kill quorum":
        lead = cluster.leader()
        other = _follower(cluster)
        cluster.kill(lead)
        cluster.kill(other)
        return f"SIGKILL {names([lead, other])} (quorum lost)"
    if action == "restart":
        dead = [i for i, m in enumerate(cluster.members) if m.proc is None]
        # Members that need each other for a quorum start together.
        for i in dead:
            cluster.members[i].spawn()
        cluster.healthy(120)
        return f"restart {names(dead)}"
    if action == "pause leader":
        i = cluster.leader()
        cluster.pause(i)
        return f"SIGSTOP leader {names([i])}"
    if action == "pause follower":
        i = _follower(cluster)
        cluster.pause(i)
        return f"SIGSTOP follower {names([i])}"
    if action == "resume":
        frozen = [i for i, m in enumerate(cluster.members) if m.paused]
        for i in frozen:
            cluster.resume(i)
        return f"SIGCONT {names(frozen)}"
    raise ValueError(f"unknown fault action {action!r}")


def run(cluster: Any, prefix: str, work_dir: str, steps: List[Step], *, workers: int = 4,
        watchers: int = 3, timeout: float = 2.0, url_params: str = "",
        log: Callable[[str], None] = lambda s: None) -> Dict[str, Any]:
    """Run the workers and watchers through the fault steps on cluster;
    returns the report (see the module docstring)."""
    import gocfg

    url = cluster.url(prefix) + url_params
    hang = HANG_TIMEOUTS * timeout + HANG_SLACK
    violations: List[str] = []
    report: Dict[str, Any] = {"url": url.split("?")[0], "workers": workers, "timeout": timeout,
                              "violations": violations}
    t_begin = time.time()
    db = gocfg.Database.open(url, timeout=timeout)
    db.save(COUNTER, {"n": 0, "tokens": []}, expect_revision=0)
    ws = [Watcher(gocfg, url, timeout, i) for i in range(watchers)]
    for w in ws:
        w.start()

    stop_file = os.path.join(work_dir, "stop")
    procs: List[Tuple[subprocess.Popen, str]] = []
    for k in range(workers):
        out = os.path.join(work_dir, f"worker-{k}.json")
        p = subprocess.Popen([sys.executable, os.path.abspath(__file__), "worker", url, f"w{k}", str(timeout),
                              stop_file, out], stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append((p, out))
    ready_by = time.monotonic() + 120
    while not all(os.path.exists(out + ".ready") for _, out in procs):
        if time.monotonic() > ready_by or any(p.poll() is not None for p, _ in procs):
            break
        time.sleep(0.05)

    phases: List[Dict[str, Any]] = []
    fresh_opens: List[str] = []
    try:
        for action, seconds in steps:
            t0 = time.time()
            label = _apply(cluster, action)
            if action.startswith("pause"):
                # A Database opened while a member is frozen (reported).
                fresh_opens.append(_open_and_load(gocfg, url, timeout))
            log(f"  {time.time() - t_begin:6.1f}s  {label} ({time.time() - t0:.1f}s), then {seconds:g}s")
            time.sleep(seconds)
            for m in cluster.members:
                # A freeze that did not freeze tests nothing: the member
                # must still not answer at the end of its phase.
                if m.paused and _answers(m):
                    violations.append(f"{label}: {m.name} answered while it should be frozen")
            phases.append({"label": label, "start": t0, "end": time.time()})
    finally:
        # Whatever failed, leave the cluster whole for the final checks.
        for i, m in enumerate(cluster.members):
            if m.paused:
                cluster.resume(i)
        dead = [m for m in cluster.members if m.proc is None]
        for m in dead:
            m.spawn()
        cluster.healthy(120)
        with open(stop_file, "w"):
            pass

    # Imported here: the children run this file as a script, without the
    # support package on their path.
    from support.reports import collect_records

    records = collect_records(procs, hang + 150, "worker",
                              f"did not finish within {hang + 150:.0f}s after the stop", violations)
    t_stopped = time.time()

    # The parent's Database, opened before the faults, is used as it is.
    final = None
    for attempt in range(3):
        try:
            cfg, final_rev = db.load_with_revision(COUNTER)
            with cfg:
                final = cfg.to_dict()
            history = [r for r, _ in db.history(COUNTER)]
            break
        except gocfg.ConnectionError as e:
            violations.append(f"the parent's Database after the faults, attempt {attempt + 1}: {e}")
    if final is None:
        for w in ws:
            w.stop()
        db.close()
        return report
    catch_up_by = time.monotonic() + 60
    while any(w.last() < final_rev and w.is_alive() for w in ws) and time.monotonic() < catch_up_by:
        time.sleep(0.05)
    for w in ws:
        w.stop()
    db.close()

    # --------------------------------------------------------------- checks
    n, tokens = final["n"], final["tokens"]
    applied = [t for r in records for t in r["applied"]]
    counted = len(applied)
    if n != len(tokens):
        violations.append(f"counter {n} but {len(tokens)} tokens")
    dups = sorted({t for t in tokens if tokens.count(t) > 1}) if len(set(tokens)) != len(tokens) else []
    if dups:
        violations.append(f"tokens applied twice (doubled increments): {dups[:10]}")
    if len(set(applied)) != len(applied):
        violations.append("a worker counted one token twice")
    lost = sorted(set(applied) - set(tokens))
    extra = sorted(set(tokens) - set(applied))
    if lost:
        violations.append(f"{len(lost)} increments counted by workers are not in the config (lost): {lost[:10]}")
    if extra:
        violations.append(f"{len(extra)} tokens in the config that no worker counted: {extra[:10]}")
    if counted != n:
        violations.append(f"workers counted {counted} increments, the counter is {n}")
    for r in records:
        if r["unresolved"]:
            violations.append(f"worker {r['worker']}: outcome of {r['unresolved']} never resolved")
        for u in r["unexpected"]:
            violations.append(f"worker {r['worker']}: error other than Conflict/ConnectionError: {u}")
        slow = [op for op in r["ops"] if op[3] > hang]
        if slow:
            violations.append(f"worker {r['worker']}: {len(slow)} calls hung over {hang:g}s, "
                              f"longest {max(op[3] for op in slow):.1f}s ({slow[0][1]})")
    if final_rev != n + 1:
        violations.append(f"latest revision {final_rev}, expected {n + 1} (1 + one per increment)")
    if history != list(range(1, final_rev + 1)):
        violations.append(f"history is not revisions 1..{final_rev}: {len(history)} entries")
    expected_events = list(range(2, final_rev + 1))
    for i, w in enumerate(ws):
        if w.error:
            violations.append(f"watcher {i}: {w.error}")
        if w.ended_early:
            violations.append(f"watcher {i}: the watch ended by itself after {len(w.revisions)} events")
        if w.revisions != expected_events:
            seen = set(w.revisions)
            missing = [r for r in expected_events if r not in seen]
            repeated = sorted({r for r in w.revisions if w.revisions.count(r) > 1})
            disorder = any(b <= a for a, b in zip(w.revisions, w.revisions[1:]))
            violations.append(f"watcher {i}: {len(w.revisions)} events for {len(expected_events)} saves; "
                              f"missing {missing[:10]}, repeated {repeated[:10]}, out of order: {disorder}")
    last_phase_start = phases[-1]["start"] if phases else t_begin
    for r in records:
        if not any(op[0] >= last_phase_start and op[2] == "ok" and op[1] in ("load", "save") for op in r["ops"]):
            violations.append(f"worker {r['worker']}: no successful call after the faults (phase "
                              f"{phases[-1]['label'] if phases else '?'})")
    for s in fresh_opens:
        # Opening may fail like any call (the check that the cluster
        # answers can land on the frozen member), but only as a
        # ConnectionError.
        if not s.startswith(("ok", "ConnectionError")):
            violations.append(f"a Database opened while a member was frozen: {s}")

    # -------------------------------------------------------------- figures
    all_ops = [op for r in records for op in r["ops"]]
    table = []
    bounds = phases + [{"label": "stop: resolving unknown outcomes", "start": phases[-1]["end"] if phases else t_begin,
                        "end": t_stopped}]
    # Successful saves by any worker, by the time they returned: the gaps
    # between them are how long the cluster took no increment at all.
    save_ends = sorted(op[0] + op[3] for op in all_ops if op[1] == "save" and op[2] == "ok")
    for ph in bounds:
        sel = [op for op in all_ops if ph["start"] <= op[0] < ph["end"]]
        count = lambda o, c: sum(1 for op in sel if op[1] == o and op[2] == c)  # noqa: E731
        inside = [t for t in save_ends if ph["start"] <= t < ph["end"]]
        edges = [ph["start"], *inside, ph["end"]]
        table.append({
            "phase": ph["label"], "seconds": round(ph["end"] - ph["start"], 1),
            "saves_ok": count("save", "ok"), "conflicts": count("save", "conflict"),
            "save_unknown": count("save", "connection"), "load_conn_errors": count("load", "connection"),
            "other_errors": sum(1 for op in sel if op[2] == "unexpected"),
            "max_call_s": round(max((op[3] for op in sel), default=0.0), 2),
            "longest_streak": max((_streak(r["ops"], ph["start"], ph["end"]) for r in records), default=0),
            "no_save_s": round(max(b - a for a, b in zip(edges, edges[1:])), 2),
        })
    report.update({
        "counter": n, "tokens": len(tokens), "counted_by_workers": counted, "final_revision": final_rev,
        "unknown_found_applied": sum(r["unknown_found_applied"] for r in records),
        "unknown_then_saved": sum(r["unknown_then_saved"] for r in records),
        "per_worker": {r["worker"]: len(r["applied"]) for r in records},
        "events_sent": final_rev - 1, "events_seen": [len(w.revisions) for w in ws],
        "phases": table, "fresh_opens_while_frozen": fresh_opens,
        "max_call_s": round(max((op[3] for op in all_ops), default=0.0), 2),
        "seconds": round(time.time() - t_begin, 1),
    })
    return report


def _streak(ops: List[Any], start: float, end: float) -> int:
    """The most ConnectionErrors one worker met, in calls begun within
    [start, end), between two of its successful saves: how many times a
    caller trying to get one increment through was refused, a measure of
    an outage that no clock drives (a successful load between two refused
    saves does not end the run: the increment is still not done)."""
    best = run = 0
    for op in ops:
        if not start <= op[0] < end or op[1] not in ("load", "save"):
            continue
        if op[2] == "connection":
            run += 1
            best = max(best, run)
        elif op[1] == "save" and op[2] == "ok":
            run = 0
    return best


def _answers(member: Any) -> bool:
    try:
        member.status(timeout=1.0)
        return True
    except Exception:
        return False


def _open_and_load(gocfg: Any, url: str, timeout: float) -> str:
    t0 = time.time()
    try:
        with gocfg.Database.open(url, timeout=timeout) as d:
            d.load(COUNTER).close()
        return f"ok in {time.time() - t0:.2f}s"
    except Exception as e:
        return f"{type(e).__name__} after {time.time() - t0:.2f}s: {str(e)[:160]}"


def format_report(r: Dict[str, Any]) -> str:
    lines = [f"{r['url']}  workers={r['workers']} timeout={r['timeout']}s  total {r.get('seconds', '?')}s"]
    if "phases" in r:
        lines.append("  per phase: saves that succeeded, conflicts, saves with an unknown outcome (ConnectionError),")
        lines.append("  loads that failed with ConnectionError, other errors (violations), slowest call")
        lines.append("  longest run of ConnectionErrors of one worker, longest time with no save by anyone")
        lines.append(f"  {'phase':40} {'s':>5} {'saves':>6} {'confl':>6} {'unkn':>5} {'ldErr':>5} {'other':>5} {'maxs':>5} "
                     f"{'strk':>4} {'nosave':>6}")
        for p in r["phases"]:
            lines.append(f"  {p['phase'][:40]:40} {p['seconds']:5.1f} {p['saves_ok']:6d} {p['conflicts']:6d} "
                         f"{p['save_unknown']:5d} {p['load_conn_errors']:5d} {p['other_errors']:5d} {p['max_call_s']:5.2f} "
                         f"{p['longest_streak']:4d} {p['no_save_s']:6.2f}")
        lines.append(f"  counter {r['counter']}, tokens {r['tokens']}, counted by workers {r['counted_by_workers']} "
                     f"{r['per_worker']}, final revision {r['final_revision']}")
        lines.append(f"  increments whose save had an unknown outcome: {r['unknown_found_applied']} found applied "
                     f"on the next load, {r['unknown_then_saved']} not applied and saved by a later attempt")
        lines.append(f"  watch events sent {r['events_sent']}, seen per watcher {r['events_seen']}; "
                     f"slowest call {r['max_call_s']}s")
        for s in r["fresh_opens_while_frozen"]:
            lines.append(f"  Database opened while a member was frozen: {s}")
    lines.append("  violations: " + ("none" if not r["violations"] else ""))
    lines += [f"    - {v}" for v in r["violations"]]
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "worker":
        worker(sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5], sys.argv[6])
    else:
        sys.exit("usage: cluster_faults.py worker URL ID TIMEOUT STOP_FILE OUT_FILE")
