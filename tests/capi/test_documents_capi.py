"""The C test program for streams, roots of any kind, reading modes and
NUL keys (tests/capi/c/test_documents.c), compiled against the public
header."""
from __future__ import annotations

from cprogram import compile_and_run


def test_c_program_reads_and_writes_documents(tmp_path):
    out = compile_and_run(tmp_path, "test_documents", [tmp_path])
    assert "FAIL" not in out
