"""The command line's standard streams as scripts and terminals treat them:
a reader that goes away (| head), Ctrl-C, closed or failing streams. Each
run is a real ``python -m gocfg`` process."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from typing import Tuple

import pytest
from support.cli import run_cli as run

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and file descriptors")

GOCFG = [sys.executable, "-m", "gocfg"]


@pytest.fixture
def big(tmp_path):
    """A document whose output is many times a pipe's buffer (64 KiB)."""
    path = tmp_path / "big.json"
    path.write_text(json.dumps({f"key{i}": {"n": i, "text": "x" * 40} for i in range(20_000)}))
    return path


def _reader_goes_away(args, first_bytes):
    """Run gocfg with stdout a pipe, read first_bytes of it, close the read
    end (as head does), and return (returncode, stderr)."""
    p = subprocess.Popen([*GOCFG, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        if first_bytes:
            p.stdout.read(first_bytes)
        p.stdout.close()
        err = p.stderr.read()
        p.wait(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stderr.close()
    return p.returncode, err.decode()


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_a_reader_that_goes_away_ends_it_as_sigpipe_does(big, fmt):
    # show writes its text at once: CPython's buffered writer returned from
    # that one big write, cut short by the closed pipe, as if it had
    # succeeded, and gocfg exited 0 with the output silently truncated.
    status, err = _reader_goes_away(["show", big, "--format", fmt], 100)
    assert (status, err) == (-signal.SIGPIPE, "")


def test_a_pipe_closed_before_the_output_ends_it_as_sigpipe_does(tmp_path):
    # A value printed in one short line: it used to say "gocfg: Broken pipe"
    # and exit 1 (a file error).
    app = tmp_path / "app.yaml"
    app.write_text("server: {port: 8080}\n")
    for args in (["get", app, "server.port"], ["validate", app], ["show", app], ["--help"], ["get", "--help"]):
        status, err = _reader_goes_away(args, 0)
        assert (status, err) == (-signal.SIGPIPE, ""), args


def _ctrl_c(p: subprocess.Popen, *wait_in: str) -> Tuple[int, str, str]:
    """SIGINT to p, once it sleeps in one of the kernel functions wait_in
    (when given): its (status, stdout, stderr). A p that does not end is
    killed, and the test fails on its status."""
    try:
        if wait_in:
            _wait_until_it_waits_in(p, *wait_in)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    return p.returncode, out, err


def test_ctrl_c_ends_it_as_sigint_does_with_no_traceback(tmp_path):
    # The input is a pipe fed by this test, which holds it open half
    # written: the command is surely still reading when Ctrl-C comes.
    for args in (["convert", "{fifo}", tmp_path / "out.yaml"], ["show", "{fifo}"], ["get", "{fifo}", "a"]):
        fifo = tmp_path / "in.json"
        os.mkfifo(fifo)
        p = subprocess.Popen([*GOCFG, *(str(a).format(fifo=fifo) for a in args)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        try:
            with open(fifo, "w") as w:  # returns once gocfg has opened it
                w.write('{"a": [1, 2, ')
                w.flush()
                got = _ctrl_c(p)
        finally:
            fifo.unlink()
        # Killed by SIGINT, as a shell sees it: $? is 130.
        assert got == (-signal.SIGINT, "", ""), args
    assert not (tmp_path / "out.yaml").exists()


def test_ctrl_c_while_reading_stdin(tmp_path):
    p = subprocess.Popen([*GOCFG, "show", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    p.stdin.write("a: 1\n")
    p.stdin.flush()
    # Ctrl-C once it waits for the rest of stdin.
    assert _ctrl_c(p, "pipe_read", "anon_pipe_read", "pipe_wait") == (-signal.SIGINT, "", "")


def _waits_in(pid: int, *kernel_functions: str) -> bool:
    """Whether a thread of pid sleeps in one of these kernel functions, as
    Linux's /proc/PID/task/*/wchan says (False where it does not say)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return False
    for t in tasks:
        try:
            with open(f"/proc/{pid}/task/{t}/wchan") as f:
                if f.read().strip() in kernel_functions:
                    return True
        except OSError:
            pass
    return False


def _wait_until_it_waits_in(p: subprocess.Popen, *kernel_functions: str) -> None:
    """Wait until p sleeps in one of kernel_functions, or about 20 s (then
    the test goes on: it holds either way, but may not reach the state it
    is about)."""
    for _ in range(200):
        if _waits_in(p.pid, *kernel_functions) or p.poll() is not None:
            return
        time.sleep(0.1)


def test_ctrl_c_on_a_fifo_that_no_one_writes(tmp_path):
    # Go's open() of a FIFO with no writer blocks until one comes: Ctrl-C
    # used to wait for it for good.
    fifo = tmp_path / "nobody.json"
    os.mkfifo(fifo)
    p = subprocess.Popen([*GOCFG, "show", fifo], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Ctrl-C once it waits in open() of the FIFO, for a writer.
    assert _ctrl_c(p, "wait_for_partner") == (-signal.SIGINT, "", "")


def test_stdout_closed(tmp_path):
    app = tmp_path / "app.yaml"
    app.write_text("a: 1\n")
    closed = ["sh", "-c", 'exec "$@" >&-', "sh", *GOCFG]
    # Output that cannot be written is an error, never exit 0 (get exited
    # 0 with nothing written, show with a traceback).
    for args in (["get", app, "a"], ["show", app], ["validate", app]):
        r = subprocess.run([*closed, *map(str, args)], capture_output=True, text=True, timeout=60)
        assert (r.returncode, r.stderr) == (1, "gocfg: stdout: Bad file descriptor\n"), args
    # A command that prints nothing is not bothered.
    r = subprocess.run([*closed, "convert", str(app), str(tmp_path / "app.json")], capture_output=True, text=True,
                       timeout=60)
    assert (r.returncode, r.stderr) == (0, "")
    assert json.loads((tmp_path / "app.json").read_text()) == {"a": 1}


def test_stderr_closed_keeps_errors_out_of_stdout(tmp_path):
    # With sys.stderr None, print(..., file=sys.stderr) writes to stdout:
    # the error message came out where the data goes.
    app = tmp_path / "app.yaml"
    app.write_text("a: 1\n")
    r = subprocess.run(["sh", "-c", 'exec "$@" 2>&-', "sh", *GOCFG, "get", str(app), "b"],
                       capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stdout) == (1, "")


def test_stdout_full(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    app = tmp_path / "app.yaml"
    app.write_text("a: 1\n")
    with open("/dev/full", "w") as full:
        for args in (["get", app, "a"], ["show", app]):
            r = subprocess.run([*GOCFG, *map(str, args)], stdout=full, stderr=subprocess.PIPE, text=True,
                               timeout=60)
            assert (r.returncode, r.stderr) == (1, "gocfg: stdout: No space left on device\n"), args


def test_an_encoding_that_cannot_write_the_text(tmp_path):
    # Under PYTHONIOENCODING=ascii (or a legacy locale), data that stdout's
    # encoding cannot hold ended with "gocfg: 'ascii' codec can't encode
    # character ..." (not saying where), and an error message naming such
    # a file vanished: exit 1 with nothing said at all.
    app = tmp_path / "caf\u20ac.yaml"
    app.write_text("name: caf\u00e9\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    r = subprocess.run([*GOCFG, "get", str(app), "name"], capture_output=True, timeout=60, env=env)
    assert (r.returncode, r.stdout) == (1, b"")
    assert r.stderr == b"gocfg: stdout: its encoding, ascii, cannot write '\\xe9' (set PYTHONIOENCODING=utf-8)\n"
    r = subprocess.run([*GOCFG, "get", str(app), "nope"], capture_output=True, timeout=60, env=env)
    assert r.returncode == 1 and r.stderr == f"gocfg: {tmp_path}/caf\\u20ac.yaml: no value at 'nope'\n".encode()
    # A name that is not UTF-8 is still written as the bytes it was given.
    odd = os.fsencode(tmp_path) + b"/odd\xff.yaml"
    with open(odd, "w") as f:
        f.write("a: 1\n")
    r = subprocess.run([*GOCFG, "get", odd, "nope"], capture_output=True, timeout=60)
    assert r.returncode == 1 and r.stderr == b"gocfg: " + odd + b": no value at 'nope'\n"


def test_stdin_closed():
    for args in (["show", "-"], ["get", "-", "a"], ["db", "put", "memory://", "x", "-"]):
        r = subprocess.run(["sh", "-c", 'exec "$@" <&-', "sh", *GOCFG, *args], capture_output=True, text=True,
                           timeout=60)
        assert (r.returncode, r.stdout, r.stderr) == (1, "", "gocfg: stdin: Bad file descriptor\n"), args


def test_stdin_bad_bytes_and_sizes():
    r = run("show", "-", input=b"\xff\xfe{}", text=False)
    assert (r.returncode, r.stderr) == (1, b"gocfg: stdin is not UTF-8: byte 0xff at offset 0\n")
    r = run("show", "-", input=b"", text=False)
    assert (r.returncode, r.stdout) == (0, b"{}\n")
    r = run("show", "-", input=b"a: 1\n" + b" " * (64 << 20), text=False)
    assert (r.returncode, r.stderr) == (1, b"gocfg: stdin: larger than 64 MiB\n")
