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
