"""Shared helpers for the test suite."""
from __future__ import annotations

import gc
import os
import pathlib
import signal

import gocfg
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
TESTS = pathlib.Path(__file__).resolve().parent

# Each folder is one layer of the project, and its tests carry that layer's
# marker (registered in pyproject.toml), so `-m "not system"` or `-m capi`
# selects by what a test exercises rather than by file name.
LAYER_OF_FOLDER = {"api": "api", "capi": "capi", "system": "system", "conformance": "conformance"}

# Fixtures that start an etcd server: a test using one, or parametrized on
# the etcd backend (whose fixture it asks for at run time), is marked `etcd`.
ETCD_FIXTURES = {"etcd", "own_etcd"}


def _uses_etcd(item) -> bool:
    if ETCD_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    callspec = getattr(item, "callspec", None)
    return callspec is not None and "etcd" in callspec.params.values()


def pytest_configure(config):
    # A run started in the background of a shell without job control
    # (`cmd &` in a script) inherits SIGINT ignored, and Python then keeps
    # it so: the Ctrl-C tests (_thread.interrupt_main here, SIGINT to the
    # CLI's processes, which inherit the disposition) would wait forever.
    # Python's own handler, as an interactive run has it.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_collection_modifyitems(config, items):
    for item in items:
        rel = pathlib.Path(str(item.fspath)).resolve().relative_to(TESTS)
        layer = LAYER_OF_FOLDER.get(rel.parts[0]) if len(rel.parts) > 1 else None
        if layer is None:
            raise pytest.UsageError(f"{rel}: every test lives in one of the folders {sorted(LAYER_OF_FOLDER)}")
        item.add_marker(getattr(pytest.mark, layer))
        if _uses_etcd(item):
            item.add_marker(pytest.mark.etcd)


def rss_bytes() -> int:
    """Resident set size of this process, from /proc."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def settled_stats() -> dict:
    """Library counters after Python has dropped everything unreachable."""
    gc.collect()
    return gocfg.stats()


@pytest.fixture
def no_leaks():
    """Fail the test if it leaves handles, buffers or errors behind."""
    before = settled_stats()
    yield
    after = settled_stats()
    for key in ("live_handles", "outstanding_buffers", "outstanding_errors"):
        assert after[key] == before[key], f"{key}: {before[key]} -> {after[key]}"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say, once and where it is read, how the run got its etcd server and
    that the conformance suites were missing (a skip reason shows only with
    -rs, and a silent skip reads like a pass)."""
    import sys

    etcd_server = sys.modules.get("support.etcd_server")
    for note in getattr(etcd_server, "NOTES", []):
        terminalreporter.write_line(note)
    skipped = terminalreporter.stats.get("skipped", [])
    reasons = {str(r.longrepr[2]) for r in skipped if isinstance(r.longrepr, tuple) and len(r.longrepr) == 3}
    missing = sorted(r for r in reasons if "conformance suites not found" in r)
    if missing:
        terminalreporter.write_line(f"{missing[0].removeprefix('Skipped: ')}: the conformance tests did not run; "
                                    "set GOCFG_CONFORMANCE to the folder holding the suites to run them",
                                    yellow=True, bold=True)
