"""The C test program for gocfg_config_validate (tests/capi/c/test_schema.c),
compiled against the public header."""
from __future__ import annotations

from cprogram import compile_and_run


def test_c_program_validates_with_origins(tmp_path):
    compile_and_run(tmp_path, "test_schema", [tmp_path])
