"""The C test program for the live calls (tests/capi/c/test_live.c), compiled
against the public header: a live configuration over a real file, in the
two-phase mode."""
from __future__ import annotations

from cprogram import compile_and_run


def test_c_program_follows_a_file_through_commit_and_reject(tmp_path):
    compile_and_run(tmp_path, "test_live", [tmp_path])
