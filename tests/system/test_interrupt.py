"""Ctrl-C during a long Go call: KeyboardInterrupt arrives at once, and the
Go side stops its work."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

CHILD = r"""
import os, sys, threading, time, gocfg
mode, source = sys.argv[1], sys.argv[2]
# A first interruptible call starts the binding's worker thread, which stays
# (and, having called into Go, counts as a goroutine): the baseline has it.
gocfg.Config.loads('{"warm": "%s"}' % ("x" * 300_000), "json").close()
baseline = gocfg.stats()["goroutines"]
print("ready", flush=True)
t0 = time.monotonic()
try:
    if mode == "fifo":
        gocfg.Config.load(source, format="json")
    else:
        doc = open(source).read()
        t0 = time.monotonic()
        print("parsing", flush=True)
        gocfg.Config.loads(doc, "json")
    print("FINISHED", time.monotonic() - t0, flush=True)
except KeyboardInterrupt:
    caught = time.monotonic()
    print("interrupted", round(caught - t0, 3), flush=True)
    # The Go side stops its work: goroutines go back to where they were.
    deadline = time.monotonic() + 2
    while gocfg.stats()["goroutines"] > baseline and time.monotonic() < deadline:
        time.sleep(0.01)
    s = gocfg.stats()
    print("goroutines", s["goroutines"], baseline, "handles", s["live_handles"], flush=True)
    with gocfg.Config({"after": 1}) as c:  # and the library still works
        print("after", c["after"], flush=True)
"""


def _run_and_interrupt(args, wait_for: str, delay: float):
    proc = subprocess.Popen([sys.executable, "-c", CHILD, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines = []
    while True:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        lines.append(line.strip())
        if line.startswith(wait_for):
            break
    time.sleep(delay)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    lines += out.split("\n")
    return lines, err, sent


def test_ctrl_c_during_a_30_second_load_from_a_pipe(tmp_path):
    """The writer feeds the pipe for 30 s; SIGINT comes 1 s into the load."""
    fifo = tmp_path / "slow.json"
    os.mkfifo(fifo)
    writer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        with open({str(fifo)!r}, "w") as f:
            f.write('{{"items": [')
            for i in range(300):
                f.write('%d, ' % i); f.flush(); time.sleep(0.1)
            f.write('0]}}')
    """)])
    try:
        lines, err, sent = _run_and_interrupt(["fifo", str(fifo)], "ready", 1.0)
    finally:
        writer.kill()
        writer.wait()
    text = "\n".join(lines)
    assert "FINISHED" not in text, text
    took = [float(l.split()[1]) for l in lines if l.startswith("interrupted")]
    assert took and took[0] < 1.0 + 2.0, text + err
    g = next(l.split() for l in lines if l.startswith("goroutines"))
    assert int(g[1]) <= int(g[2]), f"goroutines did not return to baseline: {g}"
    assert g[4] == "0", "a handle leaked"
    assert "after 1" in text
    assert "Traceback" not in err


def test_ctrl_c_while_a_pipe_has_no_writer(tmp_path):
    """No process ever opens the FIFO for writing: the open itself blocks.
    Ctrl-C still ends the load (it used to wait for a writer for good)."""
    fifo = tmp_path / "nobody.json"
    os.mkfifo(fifo)
    lines, err, sent = _run_and_interrupt(["fifo", str(fifo)], "ready", 0.5)
    text = "\n".join(lines)
    assert "FINISHED" not in text, text
    assert any(line.startswith("interrupted") for line in lines), text + err
    assert "after 1" in text, text + err  # and the library still works


def test_ctrl_c_during_a_big_parse(tmp_path):
    doc = tmp_path / "big.json"
    with open(doc, "w") as f:
        f.write('{"items": [')
        f.write(",".join('{"k": %d, "name": "item-%d", "tags": ["a", "b"]}' % (i, i) for i in range(3_000_000)))
        f.write("]}")
    lines, err, sent = _run_and_interrupt(["parse", str(doc)], "parsing", 0.3)
    text = "\n".join(lines)
    took = [float(l.split()[1]) for l in lines if l.startswith("interrupted")]
    assert "FINISHED" not in text, "the parse ended before Ctrl-C: make the document bigger"
    assert took and took[0] < 0.3 + 2.0, text + err
    g = next(l.split() for l in lines if l.startswith("goroutines"))
    assert int(g[1]) <= int(g[2]), f"goroutines did not return to baseline: {g}"
    assert g[4] == "0"
    assert "after 1" in text


LEAK_SCRIPT = r"""
import _thread, gc, json, random, threading, time
import gocfg
big = json.dumps({"items": [{"k": i, "name": f"item-{i}"} for i in range(300_000)]})
rng = random.Random(1)
hits = 0
for i in range(60):
    timer = threading.Timer(rng.uniform(0.0005, 0.05), _thread.interrupt_main)
    try:
        timer.start()
        with gocfg.Config.loads(big, "json") as cfg:
            len(cfg)
        time.sleep(0.06)
    except KeyboardInterrupt:
        hits += 1
    finally:
        timer.cancel()
time.sleep(0.1)
gc.collect()
s = gocfg.stats()
print(hits, s["live_handles"], s["outstanding_buffers"], s["outstanding_errors"])
"""


def test_ctrl_c_at_any_point_of_a_load_leaks_nothing():
    # Ctrl-C lands at random points: before the call, in the wait, as the
    # result comes back, in the with block. Whatever it interrupts, no
    # handle (config or cancel token), buffer or error record is left.
    proc = subprocess.run([sys.executable, "-c", LEAK_SCRIPT], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    hits, handles, buffers, errors = map(int, proc.stdout.split())
    assert hits > 0
    assert (handles, buffers, errors) == (0, 0, 0)
