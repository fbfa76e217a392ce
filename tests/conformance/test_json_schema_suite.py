"""The official JSON-Schema-Test-Suite, through the public API.

Every test of the suite (``tests/<draft>/*.json``: groups of a schema and
instances, each valid or not) runs as a user's check would:

    with gocfg.Config({"v": data}) as cfg:
        cfg.validate(schema, at="v", resources=REMOTES, formats=...)

A Config is a mapping, so the instance, which may be any JSON value, is
stored under one key and checked there with ``at=``: the schema itself is
passed unchanged (wrapping it in ``{"properties": {"v": ...}}`` would break
its ``#`` references and ``$id`` scoping). The instance counts as valid when
validate() returns and as invalid when it raises gocfg.ValidationError; any
other exception is a failure.

Drafts: the suite's draft7 schemas rarely name their draft, so a draft7
schema without ``$schema`` gets ``http://json-schema.org/draft-07/schema#``
(a dict schema only; boolean schemas mean the same in every draft). Draft
2020-12 is the library's default.

Remote references (``http://localhost:1234/...``) are served from the
suite's ``remotes/`` folder through ``resources=``: gocfg never fetches.
Documents under ``remotes/draft7/`` get the draft 7 ``$schema`` too when
they lack one (the library reads a document without ``$schema`` as 2020-12).

Formats: the required tests run with ``formats=False``, which is what the
specification says (an annotation in 2020-12, an assertion in draft 7);
``optional/format`` runs with ``formats=True`` (gocfg's default), the
behaviour those tests describe. Other optional tests run with
``formats=False``.

Each draft prints a ``[conformance]`` line with its pass rate, required
and optional apart. Every failure of a required test must be listed with a
reason in ``json_schema_deviations.toml``; a new failure, or a listed test
that passes again, fails the run. Optional tests are reported, not
required.
"""
from __future__ import annotations

import json
import os
import pathlib
from typing import Any, Dict, List, Tuple

import gocfg
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SUITES = pathlib.Path(os.environ.get("GOCFG_CONFORMANCE", ROOT.parent / "shared" / "conformance"))
SUITE = SUITES / "JSON-Schema-Test-Suite"
DEVIATIONS = pathlib.Path(__file__).with_name("json_schema_deviations.toml")
DRAFTS = {"draft2020-12": None, "draft7": "http://json-schema.org/draft-07/schema#"}

pytestmark = [pytest.mark.conformance,
              pytest.mark.skipif(not SUITE.is_dir(), reason=f"JSON-Schema-Test-Suite not found at {SUITE}")]

def remotes(draft: str) -> Dict[str, Any]:
    """Every document of remotes/, by the URL the suite serves it at. Those
    under remotes/draft7/ are draft 7 documents: as for the tests' own
    schemas, the ones that do not say so get a "$schema"."""
    out = {}
    base = SUITE / "remotes"
    for p in sorted(base.rglob("*.json")):
        rel = p.relative_to(base).as_posix()
        doc = json.loads(p.read_text(encoding="utf-8"))
        if rel.startswith(draft + "/") and DRAFTS[draft] and isinstance(doc, dict) and "$schema" not in doc:
            doc = {"$schema": DRAFTS[draft], **doc}
        out["http://localhost:1234/" + rel] = doc
    return out


def cases(draft: str) -> List[Tuple[str, bool, Any, Any, bool]]:
    """(id, optional, schema, data, valid) for every test of a draft."""
    out = []
    folder = SUITE / "tests" / draft
    for p in sorted(folder.rglob("*.json")):
        rel = p.relative_to(folder).as_posix()
        optional = rel.startswith("optional/")
        for group in json.loads(p.read_text(encoding="utf-8")):
            for test in group["tests"]:
                case = f"{draft}/{rel}: {group['description']}: {test['description']}"
                out.append((case, optional, group["schema"], test["data"], test["valid"]))
    return out


def run_case(draft: str, case: str, schema: Any, data: Any, resources: Dict[str, Any]) -> bool:
    """Whether gocfg accepts data; raises on anything but a verdict."""
    if isinstance(schema, dict) and DRAFTS[draft] and "$schema" not in schema:
        schema = {"$schema": DRAFTS[draft], **schema}
    formats = "/optional/format/" in case
    with gocfg.Config({"v": data}) as cfg:
        try:
            cfg.validate(schema, at="v", resources=resources, formats=formats)
        except gocfg.ValidationError:
            return False
    return True


def load_deviations() -> Dict[str, Dict[str, str]]:
    # Read with gocfg's own TOML codec: no tomllib needed before 3.11.
    with gocfg.Config.load(DEVIATIONS) as cfg:
        return cfg.to_dict()


@pytest.mark.parametrize("draft", sorted(DRAFTS))
def test_json_schema_test_suite(draft: str, capsys: pytest.CaptureFixture[str]) -> None:
    resources = remotes(draft)
    listed = load_deviations().get(draft, {})
    counts = {False: [0, 0], True: [0, 0]}  # optional -> [passed, run]
    failures: Dict[str, str] = {}
    for case, optional, schema, data, valid in cases(draft):
        counts[optional][1] += 1
        try:
            got = run_case(draft, case, schema, data, resources)
            ok = got == valid
            why = "" if ok else ("accepted an invalid instance" if got else "refused a valid instance")
        except Exception as e:  # a verdict was expected: this is a failure, not a crash of the run
            ok, why = False, f"{type(e).__name__}: {' '.join(str(e).split())[:200]}"
        if ok:
            counts[optional][0] += 1
        elif not optional:
            failures[case] = why

    def rate(passed: int, run: int) -> str:
        return f"{passed}/{run} ({100.0 * passed / max(run, 1):.1f}%)"

    new = {c: w for c, w in failures.items() if c not in listed}
    stale = sorted(c for c in listed if c not in failures)
    with capsys.disabled():
        print(f"\n[conformance] JSON-Schema-Test-Suite {draft}: required {rate(*counts[False])}, "
              f"optional {rate(*counts[True])}; failures: {len(failures) - len(new)} listed, "
              f"{len(new)} new; {len(stale)} stale deviation(s)")
    problems = [f"new failure {c}: {w}" for c, w in sorted(new.items())]
    problems += [f"listed deviation passes now (remove it): {c}" for c in stale]
    assert not problems, "\n".join(problems)
    assert counts[False][1] > 500, f"only {counts[False][1]} required tests found under {SUITE}"


def test_the_harness_tells_valid_from_invalid() -> None:
    # A check that cannot fail is no check: the same schema refuses and
    # accepts through run_case, and a schema error is an exception, not a
    # verdict.
    res: Dict[str, Any] = {}
    assert run_case("draft2020-12", "x", {"type": "integer"}, 3, res) is True
    assert run_case("draft2020-12", "x", {"type": "integer"}, "3", res) is False
    assert run_case("draft2020-12", "x", False, None, res) is False
    with pytest.raises(gocfg.InvalidArgumentError):
        run_case("draft2020-12", "x", {"$ref": "http://localhost:1234/nothing.json"}, 1, res)
