"""Reads stay right whatever Python code runs in the middle of a call.

Python runs signal handlers, __del__ methods, weakref callbacks and GC
passes between any two bytecodes, also between a library call's return and
the binding's copy-out of its result. Code that runs there and reads a
Config (a SIGHUP handler that reloads configuration is a common pattern)
must neither change what the interrupted read returns, nor what its read
cache keeps, nor which error the interrupted call reports.

Each scenario runs in a child process (its own signal handlers and GC
settings) for a couple of seconds and prints what it counted; the test
asserts that every value read was right and that the nested code did run
many times (otherwise the test would prove nothing).
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

CHILD = r"""
import gc, json, signal, sys, time, weakref
import gocfg

scenario, seconds = sys.argv[1], float(sys.argv[2])

LONG_A = "a" * 2000   # longer than the scratch buffer: the second read path
LONG_B = "b" * 3000
a = gocfg.Config({"port": 1, "name": "config-a", "long": LONG_A, "text": "x"})
b = gocfg.Config({"port": 2, "name": "config-b", "long": LONG_B, "text": "y"})
frozen = gocfg.Config({"text": "y"}).freeze()
counts = {"nested": 0, "nested_bad": 0, "reads": 0, "bad": [], "errors_checked": 0}

def nested():
    # What the handler / finalizer does: reads of B, a missing key (an
    # error record made and freed) and a failing write (FrozenError).
    counts["nested"] += 1
    b["port"] = 2          # a write, so that the reads below are not cached
    if b["port"] != 2 or b["name"] != "config-b" or b["long"] != LONG_B:
        counts["nested_bad"] += 1
    try:
        b["missing"]
    except KeyError:
        pass
    try:
        frozen["text"] = "z"
    except gocfg.FrozenError:
        pass
    else:
        counts["nested_bad"] += 1

if scenario == "signal":
    signal.signal(signal.SIGALRM, lambda signum, frame: nested())
    signal.setitimer(signal.ITIMER_REAL, 0.0002, 0.0002)
elif scenario == "del":
    class Finalized:
        def __init__(self):
            self.me = self   # a cycle: only the cycle collector frees it
        def __del__(self):
            nested()
    gc.set_threshold(50, 1, 1)
elif scenario == "weakref":
    class Target:
        pass
    keep = []

end = time.monotonic() + seconds
i = 0
while time.monotonic() < end:
    i += 1
    if scenario == "del":
        for _ in range(5):
            Finalized()
    elif scenario == "weakref":
        t = Target()
        keep.append(weakref.ref(t, lambda r: nested()))
        del t
        if len(keep) > 1000:
            keep.clear()
    a["port"] = i          # a write: the read cache starts again
    for _ in range(3):     # an uncached read, then cached ones
        got = a["port"]
        counts["reads"] += 1
        if got != i:
            counts["bad"].append(["port", got, i])
    if a["long"] != LONG_A:
        counts["bad"].append(["long", "?", "?"])
    if a["name"] != "config-a":
        counts["bad"].append(["name", a["name"], "config-a"])
    # An error of our own: its message must be ours, not the nested code's.
    try:
        a["text.sub"] = 1
    except gocfg.Error as e:
        counts["errors_checked"] += 1
        if "text" not in str(e) or "frozen" in str(e).lower():
            counts["bad"].append(["error", str(e), "about text"])
    else:
        counts["bad"].append(["error", "none raised", "about text"])

signal.setitimer(signal.ITIMER_REAL, 0, 0)
gc.collect()
# What the read cache holds must be what the config holds.
for key in ("port", "name", "long"):
    cached = a._cache[2].get(key)
    if cached is not None and cached != a.to_dict()[key]:
        counts["bad"].append(["cache", key, cached])
a.close()
b.close()
frozen.close()
counts["stats"] = gocfg.stats()
print(json.dumps(counts))
"""


@pytest.mark.parametrize("scenario", ["signal", "del", "weakref"])
def test_code_run_between_bytecodes_does_not_change_a_read(scenario):
    proc = subprocess.run([sys.executable, "-c", CHILD, scenario, "3"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    counts = json.loads(proc.stdout.strip().splitlines()[-1])
    assert counts["bad"][:5] == []
    assert counts["nested_bad"] == 0
    # The nested code really ran, many times, while the loop was reading.
    assert counts["nested"] > 200, counts
    assert counts["reads"] > 1000, counts
    assert counts["errors_checked"] > 100, counts
    stats = counts["stats"]
    assert stats["live_handles"] == 0
    assert stats["outstanding_errors"] == 0, stats
    assert stats["outstanding_buffers"] == 0, stats


FIRST_FAILURE = r"""
import signal, sys, time
import gocfg

frozen = gocfg.Config({"text": "y"}).freeze()   # the library is loaded here
counts = {"handled": 0}

def handler(signum, frame):
    # The process's first failing call happens here, in the handler.
    try:
        frozen["text"] = "z"
    except gocfg.FrozenError:
        counts["handled"] += 1

signal.signal(signal.SIGALRM, handler)
# A timer faster than reading the library's constants (a few hundred µs):
# were they first read by a failing call, each handler would be interrupted
# by the next one, nested, until the recursion limit.
signal.setitimer(signal.ITIMER_REAL, 0.0001, 0.0001)
end = time.monotonic() + 1
while time.monotonic() < end:
    pass
signal.setitimer(signal.ITIMER_REAL, 0, 0)
print(counts["handled"])
"""


def test_a_first_failing_call_in_a_fast_signal_handler_does_not_recurse():
    proc = subprocess.run([sys.executable, "-c", FIRST_FAILURE], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert int(proc.stdout.strip()) > 100
