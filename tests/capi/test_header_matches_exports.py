"""gocfg.h, written by hand, against the prototypes cgo writes for the
exported Go functions: same names, same return and parameter types.

The two sides differ in spelling only, and the test normalises exactly
this, nothing more:

- `const` is dropped (cgo never writes it; it does not change the ABI);
- an opaque handle pointer, `gocfg_config *` (any `typedef struct X X;`
  without a body), is `uintptr_t` on the Go side: the handle is a registry
  number in a pointer-sized integer, passed the same way as a pointer;
  `gocfg_config **` is therefore `uintptr_t *`;
- parameter names and white space are ignored; `(void)` is no parameters.
"""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import ROOT

CAPI = ROOT / "gocore" / "capi"
HEADER = CAPI / "gocfg.h"


def cgo_header(tmp_path) -> str:
    """The header cgo generates for the export layer (`go tool cgo
    -exportheader`, the same text `go build -buildmode=c-shared` writes)."""
    if shutil.which("go") is None:
        pytest.fail("go is needed to generate cgo's header")
    files = subprocess.run(["go", "list", "-f", "{{join .CgoFiles \" \"}}", "."], cwd=CAPI,
                           check=True, capture_output=True, text=True).stdout.split()
    out = tmp_path / "exports.h"
    subprocess.run(["go", "tool", "cgo", "-objdir", str(tmp_path / "obj"), "-exportheader", str(out),
                    "--", "-I.", *files], cwd=CAPI, check=True, capture_output=True, text=True)
    return out.read_text()


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


PROTOTYPE = re.compile(r"(?:^|;|\n)\s*(?:extern\s+)?([A-Za-z_][\w\s\*]*?)\b(gocfg_\w+)\s*\(([^()]*)\)\s*;", re.S)


def opaque_types(header: str) -> set:
    return set(re.findall(r"typedef\s+struct\s+(\w+)\s+\1\s*;", strip_comments(header)))


def normalise_type(decl: str, opaque: set, *, has_name: bool) -> str:
    decl = re.sub(r"\bconst\b", " ", decl)
    decl = decl.replace("*", " * ")
    words = decl.split()
    if has_name and len(words) > 1 and words[-1] != "*":
        words = words[:-1]  # the parameter's name
    stars = words.count("*")
    base = " ".join(w for w in words if w != "*")
    if base in opaque:
        base, stars = "uintptr_t", stars - 1
    return base + "*" * stars


def prototypes(text: str, opaque: set) -> dict:
    """name -> (return type, (parameter types...)) for every gocfg_ function."""
    found = {}
    for ret, name, params in PROTOTYPE.findall(strip_comments(text)):
        params = params.strip()
        args = () if params in ("", "void") else tuple(
            normalise_type(p, opaque, has_name=True) for p in params.split(","))
        found[name] = (normalise_type(ret, opaque, has_name=False), args)
    return found


def disagreements(header: str, generated: str) -> list:
    """Every difference between the hand-written and the generated
    prototypes, one line each (empty: they agree)."""
    opaque = opaque_types(header)
    want, got = prototypes(header, opaque), prototypes(generated, opaque)
    problems = [f"{n}: declared in gocfg.h, not exported" for n in sorted(set(want) - set(got))]
    problems += [f"{n}: exported, not declared in gocfg.h" for n in sorted(set(got) - set(want))]
    for name in sorted(set(want) & set(got)):
        if want[name] != got[name]:
            problems.append(f"{name}: gocfg.h says {want[name]}, the export is {got[name]}")
    return problems


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return cgo_header(tmp_path_factory.mktemp("cgo"))


def test_header_and_exports_agree(generated):
    header = HEADER.read_text()
    assert len(prototypes(header, opaque_types(header))) >= 60  # the parser saw them all
    assert disagreements(header, generated) == []


@pytest.mark.parametrize("plant, culprit", [
    # a parameter's type
    (("int gocfg_config_set(gocfg_config *cfg, const char *path, size_t path_len,",
      "int gocfg_config_set(gocfg_config *cfg, const char *path, int path_len,"), "gocfg_config_set"),
    # a return type
    (("int64_t gocfg_config_get(gocfg_config *cfg,", "int gocfg_config_get(gocfg_config *cfg,"),
     "gocfg_config_get"),
    # a missing parameter
    (("int gocfg_config_clear(gocfg_config *cfg, gocfg_error **err);",
      "int gocfg_config_clear(gocfg_config *cfg);"), "gocfg_config_clear"),
    # a handle of the wrong depth
    (("int gocfg_cancel_new(gocfg_cancel **out,", "int gocfg_cancel_new(gocfg_cancel *out,"),
     "gocfg_cancel_new"),
    # a renamed function: one declared and not exported, one the other way
    (("void gocfg_buffer_free(gocfg_buffer *buf);", "void gocfg_buffers_free(gocfg_buffer *buf);"),
     "gocfg_buffers_free"),
    # a function left out of the header
    (("int gocfg_abi_version(void);", ""), "gocfg_abi_version"),
])
def test_a_planted_mismatch_is_reported(generated, plant, culprit):
    old, new = plant
    header = HEADER.read_text()
    assert old in header, f"the plant no longer matches gocfg.h: {old!r}"
    problems = disagreements(header.replace(old, new, 1), generated)
    assert problems and all(culprit in p or "gocfg_buffer_free" in p for p in problems), problems
    assert any(culprit in p for p in problems)
