"""Shared helpers for the test suite."""
from __future__ import annotations

import gc
import os
import pathlib

import pytest

import gocfg

ROOT = pathlib.Path(__file__).resolve().parent.parent


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
