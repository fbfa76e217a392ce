"""A process killed in the middle of save() leaves the old file or the new one."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import gocfg

WRITER = r"""
import sys, gocfg
path = sys.argv[1]
big = {"payload": ["x" * 100] * 20000}
n = 0
while True:
    n += 1
    big["generation"] = n
    gocfg.Config(big).save(path)
"""


def test_kill_mid_save_never_tears(tmp_path):
    path = tmp_path / "state.json"
    with gocfg.Config({"generation": 0, "payload": []}) as cfg:
        cfg.save(path)
    for attempt in range(25):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)])
        time.sleep(0.3 + (attempt % 5) * 0.07)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with gocfg.Config.load(path) as cfg:  # parses: neither torn nor empty
            gen = cfg["generation"]
            assert isinstance(gen, int)
            assert gen == 0 or len(cfg["payload"]) == 20000
    leftovers = [p for p in os.listdir(tmp_path) if p != "state.json"]
    # A killed writer may leave its temporary file; the real file is intact.
    assert all(p.startswith(".state.json.gocfg-tmp.") for p in leftovers)
    # The next save removes those that are provably stale: their writer is
    # dead, and they are older than the bound (made so here).
    old = time.time() - 3600
    for p in leftovers:
        os.utime(tmp_path / p, (old, old))
    with gocfg.Config({"generation": -1, "payload": []}) as cfg:
        cfg.save(path)
    assert os.listdir(tmp_path) == ["state.json"]
