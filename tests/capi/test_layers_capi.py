"""The C test program for the layer calls (tests/capi/c/test_layers.c), compiled
against the public header."""
from __future__ import annotations

from cprogram import compile_and_run


def test_c_program_builds_layers_and_reads_origins(tmp_path):
    compile_and_run(tmp_path, "test_layers", [tmp_path])
