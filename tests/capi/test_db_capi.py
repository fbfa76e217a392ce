"""The C test program for the database calls (tests/capi/c/test_db.c), compiled
against the public header and run on memory:// and SQLite."""
from __future__ import annotations

import os

from cprogram import compile_and_run


def test_c_program_opens_saves_queries_and_closes_a_store(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    compile_and_run(tmp_path, "test_db", [data], flags=["-pthread"])
    # The SQLite files the program made are private to their owner.
    for name in ("test_db.sqlite", "bare-path.db"):
        assert os.stat(data / name).st_mode & 0o777 == 0o600
