"""Many create/set/free cycles leave nothing behind.

The cycles run in a fresh interpreter, so that what earlier tests did to
the Go heap (a 50 MB value raises its collection target for a while) does
not blur the figure.
"""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT

CYCLES = 100_000

SCRIPT = r"""
import gc, json, sys
sys.path.insert(0, sys.argv[1])
import gocfg
from conftest import rss_bytes

def cycle(i):
    with gocfg.Config() as cfg:
        cfg["key"] = "value"
        cfg["n"] = str(i)
        assert cfg["n"] == str(i)
        if i % 10 == 0:
            cfg.to_dict()
            try:
                cfg["a\0b"] = "x"
            except gocfg.InvalidArgumentError:
                pass

for i in range(20_000):  # warm up: allocator pools and the Go heap reach their size
    cycle(i)
gc.collect()
before = rss_bytes()
for i in range(int(sys.argv[2])):
    cycle(i)
gc.collect()
print(json.dumps({"growth": rss_bytes() - before, "stats": gocfg.stats()}))
"""


def test_create_set_free_cycles():
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "tests"), str(CYCLES)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    stats = result["stats"]
    assert stats["live_handles"] == 0
    assert stats["outstanding_buffers"] == 0
    assert stats["outstanding_errors"] == 0
    assert result["growth"] < 10 * 1024 * 1024, f"RSS grew by {result['growth'] / 1e6:.1f} MB"


WATCHED_LOAD = r"""
import json, os, sys, tempfile
import gocfg

def peak():  # VmHWM, in bytes: the most this process has held
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024

path = os.path.join(tempfile.mkdtemp(), "app.json")
with open(path, "w") as f:
    f.write('{"v": 0, "pad": [' + ",".join(["1"] * 300_000) + ']}')
base = peak()
gocfg.load(path).close()
plain = peak()
cfg = gocfg.load(path, watch=True, debounce=0.05)
watched = peak()
cfg.close()
print(json.dumps({"plain": plain - base, "watched": watched - plain}))
"""


def test_a_watched_config_costs_about_what_a_plain_load_does():
    # Masking the events of a watched Config needs the values that come
    # from secret files or interpolate a secret: it once found them in
    # the whole serialized state turned into Python objects, some 4 times
    # the memory of the load itself (1.7 GB for a 2 MB list of a million
    # numbers), on the first load and then on every change. Measured as
    # the peak beyond a plain load of the same file, which the watched
    # load reuses the memory of.
    proc = subprocess.run([sys.executable, "-c", WATCHED_LOAD], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert got["watched"] < got["plain"], got
