"""Conformance harness: toml-test, yaml-test-suite and JSONTestSuite, end to end.

Every case goes through the public API exactly as a user's file would:
``gocfg.Config.load(path, format=...)`` and then ``to_dict()`` for a
document a Config holds (one document with a mapping root), and
``gocfg.read_all(path, format)`` for the rest (YAML streams of several
documents, roots that are lists, scalars or null, and yaml-test-suite's
error and event-only cases, so that an error in a later document of a
stream is found too). Each case tests the whole path: the Go parser, the
value tree, the C ABI and the Python objects built from the library's
bytes. The suites are read in place from ``../shared/conformance`` (see its
README); the module is skipped when they are not there.

Expectations and scoring
------------------------
Each case ends in one of three outcomes:

``pass``
    The case did what the suite expects: a valid document loaded and equals
    the expected data (a stream: every document, in order, compared with
    yaml-test-suite's ``in.json`` stream), an invalid one raised
    ``gocfg.ParseError``. A JSON ``y_`` case whose root is not an object
    passes when Config.load refuses it saying that the root must be a
    mapping and gocfg.read_all reads it equal to the expected value.
``refused``
    A valid document listed in the deviations file with a reason starting
    ``by design:``, refused with ``gocfg.ParseError`` (checked, never
    assumed). The only ones are yaml-test-suite documents carrying an
    application's tag (``!foo``), which gocfg refuses rather than drop.
``fail``
    Anything else: wrong data, a valid document refused for no listed
    reason, an invalid document accepted, another exception, or a case that
    did not finish within ``GOCFG_CONFORMANCE_TIMEOUT`` seconds (default 10;
    a watchdog thread bounds every case, so a hang is a failure, not a stuck
    test run).

Each suite prints two figures when they differ: **raw** counts only
``pass`` (the strict reading: gocfg returned exactly the suite's data or
error), **scored** counts ``pass`` and checked ``refused``. The required
rates (issues 7 and 12):

- toml-test, TOML 1.1.0 manifest, format ``toml``: 100% valid, 100% invalid;
- toml-test, TOML 1.0.0 manifest, format ``toml-1.0``: 100% valid, 100%
  invalid; the invalid cases that ``toml`` (TOML 1.1.0) accepts must all be
  documents that 1.1.0 made valid (left out of its manifest's invalid
  cases);
- JSONTestSuite: 100% of ``y_`` accepted (object roots by Config.load,
  other roots by read_all), 100% of ``n_`` refused, no crash or hang on
  ``i_`` (those run in one child process, so a crash cannot take pytest
  down);
- yaml-test-suite: at least 95% of ``in.json`` cases and 94% of ``error``
  cases. Cases with neither file test only the event stream: they must
  load or raise ParseError, nothing else.

Every ``fail`` must be listed, by case id with a one-line reason, in
``tests/conformance/conformance_deviations.toml``; a failure that is not listed fails
the run, and so does a listed case that no longer fails (remove it from the
file). Comparison is by meaning:

- TOML: the tagged JSON with exact types (an integer is not a float, a bool
  is not an integer, an offset datetime is an aware ``datetime``, a local
  one a naive ``datetime``, a local date a ``date``, a local time a
  ``time``), floats bit for bit except that NaN equals NaN and the sign of
  zero counts, datetimes and times to the millisecond, offsets exactly;
- YAML and JSON: JSON values by value (numbers by value whether int or
  float, but a bool is never a number); key order does not matter.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import pathlib
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

import gocfg
import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SUITES = pathlib.Path(os.environ.get("GOCFG_CONFORMANCE", ROOT.parent / "shared" / "conformance"))
DEVIATIONS_FILE = HERE / "conformance_deviations.toml"
TIMEOUT = float(os.environ.get("GOCFG_CONFORMANCE_TIMEOUT", "10"))
BY_DESIGN = "by design:"

pytestmark = pytest.mark.skipif(not SUITES.is_dir(), reason=f"conformance suites not found at {SUITES}")


# ------------------------------------------------------------- running a case

class Timeout(Exception):
    pass


_abandoned: List[threading.Thread] = []  # cases that timed out and still run
MAX_ABANDONED = 3


def run_bounded(fn: Callable[[], Any], timeout: float = TIMEOUT) -> Any:
    """Run fn() in a watchdog thread and return its result (or raise what it
    raised). If it has not finished after `timeout` seconds, raise Timeout
    and leave the thread behind: it is a daemon, and the case has failed.
    Every gocfg call releases the GIL, so the wait is real. Once a few
    abandoned cases are still running (a hang that holds something every
    case needs), later cases fail at once instead of each waiting."""
    _abandoned[:] = [t for t in _abandoned if t.is_alive()]
    if len(_abandoned) >= MAX_ABANDONED:
        raise Timeout(f"not run: {len(_abandoned)} earlier cases that timed out are still running")
    box: List[Any] = []

    def target() -> None:
        try:
            box.append((True, fn()))
        except BaseException as e:  # handed to the caller
            box.append((False, e))

    t = threading.Thread(target=target, name="conformance-case", daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        _abandoned.append(t)
        raise Timeout(f"no answer within {timeout:g} s")
    ok, value = box[0]
    if not ok:
        raise value
    return value


def load(path: pathlib.Path, fmt: str) -> Dict[str, Any]:
    """The public path: Config.load, then to_dict, then close."""
    def go() -> Dict[str, Any]:
        with gocfg.Config.load(path, format=fmt) as cfg:
            return cfg.to_dict()
    return run_bounded(go)


Loaded = Tuple[str, Any]  # ("ok", dict) | ("parse", ParseError) | ("error", other exception)


def attempt(path: pathlib.Path, fmt: str) -> Loaded:
    try:
        return "ok", load(path, fmt)
    except gocfg.ParseError as e:
        return "parse", e
    except Timeout as e:
        return "error", e
    except Exception as e:  # noqa: BLE001 - anything else is a failure to report
        return "error", e


def attempt_all(path: pathlib.Path, fmt: str) -> Loaded:
    """attempt() through gocfg.read_all: every document of the file, any
    root, as plain values (streams and non-mapping roots, which a Config
    cannot hold)."""
    try:
        return "ok", run_bounded(lambda: gocfg.read_all(path, fmt))
    except gocfg.ParseError as e:
        return "parse", e
    except Exception as e:  # noqa: BLE001
        return "error", e


def attempt_text(data: bytes, fmt: str) -> Loaded:
    """attempt() for a document held in memory: Config.loads."""
    def go() -> Dict[str, Any]:
        with gocfg.Config.loads(data, fmt) as cfg:
            return cfg.to_dict()
    try:
        return "ok", run_bounded(go)
    except gocfg.ParseError as e:
        return "parse", e
    except Exception as e:  # noqa: BLE001
        return "error", e


def one_line(x: Any, limit: int = 160) -> str:
    s = f"{type(x).__name__}: {x}" if isinstance(x, BaseException) else repr(x)
    s = " ".join(s.split())
    return s if len(s) <= limit else s[:limit - 3] + "..."


# --------------------------------------------------------------- the tallies

@dataclass
class Part:
    """One half of a suite (valid/invalid, in.json/error, y_/n_/i_)."""
    name: str
    total: int = 0
    passed: int = 0
    refusals: Dict[str, int] = field(default_factory=dict)  # why -> how many
    failures: Dict[str, str] = field(default_factory=dict)

    @property
    def refused(self) -> int:
        return sum(self.refusals.values())

    @property
    def scored(self) -> int:
        return self.passed + self.refused

    def rate(self, n: int) -> float:
        return 100.0 * n / self.total if self.total else 100.0

    def figure(self) -> str:
        raw = f"{self.passed}/{self.total} ({self.rate(self.passed):.1f}%)"
        if not self.refused:
            return f"{self.name} {raw}"
        why = ", ".join(f"{n} {k}" for k, n in sorted(self.refusals.items()))
        return (f"{self.name} raw {raw}, scored {self.scored}/{self.total} "
                f"({self.rate(self.scored):.1f}%; refused as expected: {why})")


class Suite:
    def __init__(self, title: str, key: str, parts: List[str]) -> None:
        self.title = title
        self.deviations: Dict[str, str] = dict(deviations().get(key, {}))
        self.parts = {p: Part(p) for p in parts}
        self.notes: List[str] = []
        self.seen_refused: set = set()
        self.start = time.perf_counter()

    def record(self, part: str, case: str, outcome: str, why: str = "") -> None:
        """outcome: "pass", "fail" (why says why), or "refused" (why says
        which kind of expected refusal)."""
        p = self.parts[part]
        p.total += 1
        if outcome == "pass":
            p.passed += 1
        elif outcome == "refused":
            p.refusals[why] = p.refusals.get(why, 0) + 1
        else:
            p.failures[case] = why

    def refused_by_design(self, case: str) -> bool:
        return self.deviations.get(case, "").startswith(BY_DESIGN)

    def finish(self, capsys: Any, thresholds: Dict[str, float]) -> None:
        failures = {c: w for p in self.parts.values() for c, w in p.failures.items()}
        listed = {c for c, r in self.deviations.items() if not r.startswith(BY_DESIGN)}
        new = {c: w for c, w in failures.items() if c not in self.deviations}
        stale = sorted(listed - set(failures))
        design_stale = sorted(c for c, r in self.deviations.items()
                              if r.startswith(BY_DESIGN) and c not in self.seen_refused)
        elapsed = time.perf_counter() - self.start
        lines = [f"[conformance] {self.title}: " + "; ".join(p.figure() for p in self.parts.values())
                 + f"; failures: {len(failures) - len(new)} listed, {len(new)} new; "
                   f"{len(stale) + len(design_stale)} stale deviation(s); {elapsed:.1f} s"]
        lines += [f"[conformance]   {n}" for n in self.notes]
        with capsys.disabled():
            print("\n" + "\n".join(lines))
        problems = [f"new failure {c}: {w}" for c, w in sorted(new.items())]
        problems += [f"listed deviation {c} now passes: remove it from {DEVIATIONS_FILE.name}" for c in stale]
        problems += [f"{c} is listed as refused by design, but was not refused: {failures.get(c, 'it passed')}"
                     for c in design_stale]
        for name, need in thresholds.items():
            p = self.parts[name]
            if p.rate(p.scored) < need:
                problems.append(f"{self.title} {name}: {p.scored}/{p.total} = {p.rate(p.scored):.1f}% "
                                f"is below the required {need:g}%")
        assert not problems, "\n".join(problems)


def check_valid_refusal(suite: Suite, part: str, case: str, got: Loaded,
                        expected_reason: Optional[str], pattern: Optional[str] = None,
                        label: str = "") -> bool:
    """For a valid case that a Config cannot hold (expected_reason set) or
    that is listed as refused by design: record it (as refused when it was
    refused with a ParseError whose message matches `pattern`, else as
    failed) and return True. Return False for any other case."""
    kind, x = got
    if expected_reason is None and not suite.refused_by_design(case):
        return False
    reason = expected_reason or suite.deviations[case]
    if kind == "parse" and (pattern is None or re.search(pattern, str(x), re.I)):
        suite.record(part, case, "refused", label or "by design")
        suite.seen_refused.add(case)
    elif kind == "parse":
        suite.record(part, case, "fail", f"refused ({reason}), but the message does not say so: {one_line(x)}")
    else:
        what = "loaded as " + one_line(x) if kind == "ok" else one_line(x)
        suite.record(part, case, "fail", f"must be refused ({reason}); {what}")
    return True


def expect_valid(suite: Suite, part: str, case: str, got: Loaded, want: Any,
                 diff: Callable[[Any, Any], Optional[str]], listed: bool = True) -> None:
    """The driver of every suite's valid cases: the case passes when it
    loaded and `diff` finds it equal to `want`. With `listed`, a case the
    deviations file says is refused by design is checked as such instead."""
    if listed and check_valid_refusal(suite, part, case, got, None):
        return
    kind, x = got
    if kind == "ok":
        why = diff(want, x)
        suite.record(part, case, "fail" if why else "pass", why or "")
    else:
        suite.record(part, case, "fail", "refused: " + one_line(x))


def expect_invalid(suite: Suite, part: str, case: str, got: Loaded) -> None:
    """The driver of every suite's invalid cases: the case passes when it was
    refused with a ParseError."""
    kind, x = got
    if kind == "parse":
        suite.record(part, case, "pass")
    else:
        suite.record(part, case, "fail", ("accepted as " + one_line(x)) if kind == "ok" else one_line(x))


# ------------------------------------------------------------ the comparisons

DESCEND = object()  # a leaf judge's answer: `want` is a map or a list to walk


def tree_diff(want: Any, got: Any, where: str, leaf: Callable[[Any, Any, str], Any],
              table: str, array: str) -> Optional[str]:
    """The walk both comparisons share: maps by their key sets and then key
    by key, lists by length and then item by item. `leaf(want, got, here)`
    judges everything else (None: equal; a string: why not), or answers
    DESCEND for a map or list to walk (toml-test's tagged values are maps
    that it judges as leaves)."""
    here = where or "(root)"
    why = leaf(want, got, here)
    if why is not DESCEND:
        return why
    if isinstance(want, dict):
        if type(got) is not dict:
            return f"{here}: expected {table}, got {one_line(got)}"
        if set(want) != set(got):
            return f"{here}: keys differ: missing {sorted(set(want) - set(got))}, extra {sorted(set(got) - set(want))}"
        pairs = [(want[k], got[k], f"{where}.{k}" if where else k) for k in want]
    else:
        if type(got) is not list or len(got) != len(want):
            return f"{here}: expected {array} of {len(want)}, got {one_line(got)}"
        pairs = [(w, g, f"{where}.{i}" if where else str(i)) for i, (w, g) in enumerate(zip(want, got))]
    for w, g, at in pairs:
        why = tree_diff(w, g, at, leaf, table, array)
        if why:
            return why
    return None


# ------------------------------------------------------------ the deviations

_deviations: Optional[Dict[str, Dict[str, str]]] = None


def deviations() -> Dict[str, Dict[str, str]]:
    global _deviations
    if _deviations is None:
        try:
            import tomllib  # Python 3.11+
            with open(DEVIATIONS_FILE, "rb") as f:
                _deviations = tomllib.load(f)
        except ImportError:  # older Pythons: our own TOML reader will do
            _deviations = load(DEVIATIONS_FILE, "toml")
    return _deviations


SUITE_KEYS = ("toml-1_1_0", "toml-1_0_0", "yaml-test-suite", "JSONTestSuite")


# ----------------------------------------------------------------- toml-test

TOML_ROOT = SUITES / "toml-test" / "tests"

_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}:\d{2})?")
_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?")


def _ms(frac: Optional[str]) -> int:
    return int((frac or "")[:3].ljust(3, "0"))


def _tagged_leaf(typ: str, s: str, got: Any) -> Optional[str]:
    """None if `got` is the tagged value (typ, s) by meaning, else why not."""
    t = type(got)
    if typ == "string":
        ok = t is str and got == s
    elif typ == "bool":
        ok = t is bool and got == (s == "true")
    elif typ == "integer":
        ok = t is int and got == int(s)
    elif typ == "float":
        want = float(s)
        ok = t is float and (math.isnan(want) and math.isnan(got)
                             or got == want and math.copysign(1, got) == math.copysign(1, want))
    elif typ in ("datetime", "datetime-local"):
        m = _DATETIME.fullmatch(s)
        if not m:
            return f"bad expected datetime {s!r}"
        y, mo, d, h, mi, sec, frac, off = m.groups()
        if t is not dt.datetime or (got.tzinfo is None) != (typ == "datetime-local"):
            ok = False
        else:
            ok = ((got.year, got.month, got.day, got.hour, got.minute, got.second, got.microsecond // 1000)
                  == (int(y), int(mo), int(d), int(h), int(mi), int(sec or 0), _ms(frac)))
            if ok and typ == "datetime":
                want_off = dt.timedelta(0) if off in ("Z", "z") else (
                    (1 if off[0] == "+" else -1) * dt.timedelta(hours=int(off[1:3]), minutes=int(off[4:6])))
                ok = got.utcoffset() == want_off
    elif typ == "date-local":
        ok = t is dt.date and got.isoformat() == s
    elif typ == "time-local":
        m = _TIME.fullmatch(s)
        if not m:
            return f"bad expected time {s!r}"
        h, mi, sec, frac = m.groups()
        ok = (t is dt.time and got.tzinfo is None
              and (got.hour, got.minute, got.second, got.microsecond // 1000)
              == (int(h), int(mi), int(sec or 0), _ms(frac)))
    else:
        return f"unknown tag {typ!r}"
    return None if ok else f"expected {typ} {s!r}, got {type(got).__name__} {got!r}"


def _tagged_value(want: Any, got: Any, here: str) -> Any:
    if isinstance(want, dict) and set(want) == {"type", "value"} and isinstance(want["type"], str) \
            and isinstance(want["value"], str):
        why = _tagged_leaf(want["type"], want["value"], got)
        return None if why is None else f"{here}: {why}"
    if isinstance(want, (dict, list)):
        return DESCEND
    return f"{here}: unexpected value {want!r} in the expected JSON"


def tagged_diff(want: Any, got: Any, where: str = "") -> Optional[str]:
    """None if `got` equals toml-test's tagged JSON `want`, else where and why not."""
    return tree_diff(want, got, where, _tagged_value, "a table", "an array")


def toml_manifest(version: str) -> List[str]:
    lines = (TOML_ROOT / f"files-toml-{version}").read_text().split()
    return [ln for ln in lines if ln.endswith(".toml")]


def run_toml(version: str, capsys: Any) -> None:
    key = "toml-" + version.replace(".", "_")
    suite = Suite(f"toml-test TOML {version}", key, ["valid", "invalid"])
    files = toml_manifest(version)
    # TOML 1.0.0 cases are read in the reading mode toml-1.0, which refuses
    # what TOML 1.1 added; the default, toml, reads TOML 1.1.0.
    fmt = "toml-1.0" if version == "1.0.0" else "toml"
    allowed_by_1_1 = set()
    if version == "1.0.0":
        allowed_by_1_1 = {f for f in files if f.startswith("invalid/")} - set(toml_manifest("1.1.0"))
    for case in files:
        path = TOML_ROOT / case
        got = attempt(path, fmt)
        if case.startswith("valid/"):
            want = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            expect_valid(suite, "valid", case, got, want, tagged_diff)
        else:
            expect_invalid(suite, "invalid", case, got)
    if version == "1.0.0":
        # The default toml reads TOML 1.1.0: of the 1.0.0 invalid cases it
        # accepts only documents that 1.1.0 made valid (left out of its
        # manifest's invalid cases), all refused by toml-1.0 above.
        read_by_1_1 = [c for c in files if c.startswith("invalid/") and attempt(TOML_ROOT / c, "toml")[0] == "ok"]
        wrong = [c for c in read_by_1_1 if c not in allowed_by_1_1]
        suite.notes.append(f"{len(read_by_1_1)} invalid case(s) read by toml (TOML 1.1.0), all documents that "
                           f"1.1.0 made valid, refused by toml-1.0" if not wrong
                           else f"toml accepts 1.0.0 invalid cases that 1.1.0 forbids too: {wrong}")
        assert read_by_1_1 and not wrong, f"toml accepts TOML 1.0.0 invalid cases that TOML 1.1.0 forbids: {wrong}"
    suite.finish(capsys, {"valid": 100.0, "invalid": 100.0})


@pytest.mark.parametrize("version", ["1.1.0", "1.0.0"])
def test_toml_test(version: str, capsys: Any, no_leaks: None) -> None:
    run_toml(version, capsys)


# ------------------------------------------------------------ yaml-test-suite

YAML_ROOT = SUITES / "yaml-test-suite"


def json_stream(text: str) -> List[Any]:
    dec = json.JSONDecoder()
    out, i = [], 0
    while True:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        if i == len(text):
            return out
        v, i = dec.raw_decode(text, i)
        out.append(v)


def _plain_value(want: Any, got: Any, here: str) -> Any:
    if isinstance(want, (dict, list)):
        return DESCEND
    if isinstance(want, bool) or want is None or isinstance(want, str):
        ok = type(got) is type(want) and got == want
    elif isinstance(want, (int, float)):
        ok = type(got) in (int, float) and (got == want or (isinstance(got, float) and isinstance(want, float)
                                                            and math.isnan(got) and math.isnan(want)))
    else:
        return f"{here}: unexpected {want!r} in the expected JSON"
    return None if ok else f"{here}: expected {want!r}, got {one_line(got)}"


def value_diff(want: Any, got: Any, where: str = "") -> Optional[str]:
    """None if `got` equals the JSON value `want` by value, else where and why not."""
    return tree_diff(want, got, where, _plain_value, "an object", "a list")


def yaml_cases() -> List[pathlib.Path]:
    return sorted(p.parent for p in YAML_ROOT.rglob("in.yaml"))


def yaml_id(case: pathlib.Path) -> str:
    return case.relative_to(YAML_ROOT).as_posix()


def test_yaml_test_suite(capsys: Any, no_leaks: None) -> None:
    suite = Suite("yaml-test-suite", "yaml-test-suite", ["in.json", "error", "event-only"])
    compared = 0  # in.json cases of one document with a mapping (or null) root
    streams = 0  # in.json cases of several documents or a root that is not a mapping
    for case in yaml_cases():
        cid = yaml_id(case)
        if (case / "error").exists():
            # The whole stream through read_all: an error in any document
            # (not only the first, which is all Config.load reads) must be
            # found.
            expect_invalid(suite, "error", cid, attempt_all(case / "in.yaml", "yaml"))
        elif (case / "in.json").exists():
            docs = json_stream((case / "in.json").read_text(encoding="utf-8"))
            want = docs[0] if docs else None
            if len(docs) >= 2 or (want is not None and not isinstance(want, dict)):
                # What a Config cannot hold: every document, any root,
                # through gocfg.read_all, compared document by document.
                streams += 1
                expect_valid(suite, "in.json", cid, attempt_all(case / "in.yaml", "yaml"), docs, value_diff)
                continue
            compared += 1
            expect_valid(suite, "in.json", cid, attempt(case / "in.yaml", "yaml"), {} if want is None else want,
                         value_diff)
        else:
            # Only an event stream to compare with: loading or a ParseError
            # are both fine, anything else is not.
            kind, x = attempt_all(case / "in.yaml", "yaml")
            suite.record("event-only", cid, "fail" if kind == "error" else "pass", one_line(x))
    suite.notes.append(f"in.json: {compared} cases of one document with a mapping (or empty) root through "
                       f"Config.load, {streams} streams and other roots through gocfg.read_all")
    suite.finish(capsys, {"in.json": 95.0, "error": 94.0, "event-only": 100.0})


# ------------------------------------------------------------- JSONTestSuite

JSON_ROOT = SUITES / "JSONTestSuite" / "test_parsing"


def json_files(prefix: str) -> List[pathlib.Path]:
    return sorted(JSON_ROOT.glob(prefix + "*.json"))


WRAPPED = "#wrapped"  # id suffix of a y_ case read as the value of a key


def wrap(data: bytes) -> bytes:
    """A JSON document as the value of a key, so that the value itself goes
    through the whole path even when it is not an object."""
    return b'{"v":' + data + b"}"


def test_json_test_suite(capsys: Any, no_leaks: None) -> None:
    suite = Suite("JSONTestSuite", "JSONTestSuite", ["y_", "y_ as a value", "n_", "i_", "i_ as a value"])
    objects = 0  # y_ cases whose root is an object
    for path in json_files("y_"):
        case = path.name
        got = attempt(path, "json")
        kind, x = got
        want = json.loads(path.read_bytes())
        if not isinstance(want, dict):
            # A root a Config cannot hold: Config.load refuses it, saying
            # why, and gocfg.read reads it.
            if kind != "parse" or not re.search(r"root must be a mapping", str(x)):
                suite.record("y_", case, "fail", "Config.load must refuse a non-object root: " + one_line(x))
            else:
                kind, x = attempt_all(path, "json")
                why = value_diff([want], x) if kind == "ok" else "gocfg.read_all refused: " + one_line(x)
                suite.record("y_", case, "fail" if why else "pass", why or "")
        else:
            objects += 1
            expect_valid(suite, "y_", case, got, want, value_diff)
        # The same document as the value of a key: every y_ value, whatever
        # its type, must come back equal (most y_ cases are arrays).
        got = attempt_text(wrap(path.read_bytes()), "json")
        expect_valid(suite, "y_ as a value", case + WRAPPED, got, {"v": want}, value_diff)
    for path in json_files("n_"):
        expect_invalid(suite, "n_", path.name, attempt(path, "json"))
    suite.notes.append(f"y_: {objects} cases with an object root through Config.load, "
                       f"{suite.parts['y_'].total - objects} other roots through gocfg.read_all")
    answers: Dict[str, Dict[str, int]] = {"i_": {}, "i_ as a value": {}}
    for case, outcome, why in run_i_cases():
        part = "i_ as a value" if case.endswith(WRAPPED) else "i_"
        suite.record(part, case, outcome, why)
        answers[part][why] = answers[part].get(why, 0) + 1
    for part, counts in answers.items():
        suite.notes.append(f"{part} answers: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    suite.finish(capsys, {"y_": 100.0, "y_ as a value": 100.0, "n_": 100.0, "i_": 100.0, "i_ as a value": 100.0})


# The i_ cases run in one child process: a crash there (a signal, an abort)
# shows as the child's exit status and the case it was on, and pytest lives
# on. The child reports each case as a JSON line: "start", then the result.
_I_CHILD = r"""
import json, os, sys, threading
import gocfg
timeout = float(sys.argv[1])

def check(name, load):
    print(json.dumps({"start": name}), flush=True)
    box = []
    def run():
        try:
            with load() as cfg:
                cfg.to_dict()
            box.append(("accepted", ""))
        except gocfg.ParseError as e:
            box.append(("refused", str(e)))
        except BaseException as e:
            box.append(("error", f"{type(e).__name__}: {e}"))
    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        print(json.dumps({"case": name, "result": "hang", "detail": f"no answer within {timeout:g} s"}), flush=True)
        os._exit(3)
    print(json.dumps({"case": name, "result": box[0][0], "detail": box[0][1]}), flush=True)

for path in sys.argv[2:]:
    name = os.path.basename(path)
    check(name, lambda: gocfg.Config.load(path, format="json"))
    with open(path, "rb") as f:
        data = b'{"v":' + f.read() + b"}"
    check(name + "#wrapped", lambda: gocfg.Config.loads(data, "json"))
"""


def run_i_cases() -> List[Tuple[str, str, str]]:
    files = json_files("i_")
    names = [n for p in files for n in (p.name, p.name + WRAPPED)]
    proc = subprocess.run([sys.executable, "-c", _I_CHILD, str(TIMEOUT)] + [str(p) for p in files],
                          capture_output=True, text=True, timeout=TIMEOUT * 3 + 60)
    results: Dict[str, Tuple[str, str]] = {}
    last = None
    for line in proc.stdout.splitlines():
        msg = json.loads(line)
        if "start" in msg:
            last = msg["start"]
        else:
            results[msg["case"]] = (msg["result"], msg["detail"])
    out = []
    for name in names:
        if name in results:
            r, detail = results[name]
            if r in ("accepted", "refused"):
                out.append((name, "pass", r))
            else:
                out.append((name, "fail", f"{r}: {detail}"))
        elif name == last:
            out.append((name, "fail", f"the child process died on this case (exit status {proc.returncode}): "
                                      + " ".join(proc.stderr.split())[-300:]))
        else:
            out.append((name, "fail", "not run: the child process stopped earlier"))
    if proc.returncode != 0 and all(o == "pass" for _, o, _ in out):
        out.append(("(child)", "fail", f"exit status {proc.returncode}: {proc.stderr[-300:]}"))
    return out


# ------------------------------------------------------- the deviations file

def all_case_ids(key: str) -> set:
    if key.startswith("toml-"):
        return set(toml_manifest(key[5:].replace("_", ".")))
    if key == "yaml-test-suite":
        return {yaml_id(c) for c in yaml_cases()}
    names = {p.name for p in JSON_ROOT.glob("*.json")}
    return names | {n + WRAPPED for n in names if n.startswith("y_")}


def test_deviations_file_is_well_formed() -> None:
    """Every section names a suite, every entry a case of it, every reason
    is one non-empty line."""
    devs = deviations()
    assert set(devs) <= set(SUITE_KEYS), f"unknown sections: {set(devs) - set(SUITE_KEYS)}"
    for key, entries in devs.items():
        ids = all_case_ids(key)
        for case, reason in entries.items():
            assert case in ids, f"[{key}] {case}: no such case"
            assert isinstance(reason, str) and reason.strip() and "\n" not in reason, f"[{key}] {case}: bad reason"


# ------------------------------------------------------ the harness's checks

def test_harness_compares_by_meaning() -> None:
    """The comparison functions themselves: what must match, and what must not."""
    aware = dt.datetime(1979, 5, 27, 0, 32, 0, 999999, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
    assert tagged_diff({"type": "datetime", "value": "1979-05-27T00:32:00.999999999-07:00"}, aware) is None
    assert tagged_diff({"type": "datetime", "value": "1979-05-27T07:32:00.999Z"}, aware) is not None  # offset
    assert tagged_diff({"type": "datetime-local", "value": "1979-05-27T00:32:00.999"}, aware) is not None
    assert tagged_diff({"type": "datetime", "value": "1979-05-27T00:32:00.998-07:00"}, aware) is not None
    assert tagged_diff({"type": "date-local", "value": "1979-05-27"}, aware.date()) is None
    assert tagged_diff({"type": "date-local", "value": "1979-05-27"}, aware.replace(tzinfo=None)) is not None
    assert tagged_diff({"type": "time-local", "value": "00:32:00.9999"}, dt.time(0, 32, 0, 999000)) is None
    assert tagged_diff({"type": "integer", "value": "1"}, 1.0) is not None
    assert tagged_diff({"type": "integer", "value": "1"}, True) is not None
    assert tagged_diff({"type": "float", "value": "1"}, 1) is not None
    assert tagged_diff({"type": "float", "value": "nan"}, float("nan")) is None
    assert tagged_diff({"type": "float", "value": "-0.0"}, 0.0) is not None
    assert tagged_diff({"type": "string", "value": "1"}, 1) is not None
    assert tagged_diff({"a": {"type": "bool", "value": "true"}}, {"a": True, "b": 1}) is not None
    assert tagged_diff([{"type": "integer", "value": "1"}], [1]) is None
    assert value_diff({"a": [1, 2.5, None, True]}, {"a": [1.0, 2.5, None, True]}) is None
    assert value_diff({"a": 1}, {"a": True}) is not None
    assert value_diff({"a": True}, {"a": 1}) is not None
    assert value_diff({"a": "1"}, {"a": 1}) is not None
    assert value_diff({"a": None}, {"a": ""}) is not None
    assert json_stream(' {"a": 1}\n[2]\n"x" ') == [{"a": 1}, [2], "x"]
    assert json_stream("") == []


def test_watchdog_turns_a_hang_into_a_failure() -> None:
    release = threading.Event()
    try:
        with pytest.raises(Timeout, match="no answer"):
            run_bounded(lambda: release.wait(10), timeout=0.1)
        assert run_bounded(lambda: 42) == 42
        for _ in range(MAX_ABANDONED - 1):
            with pytest.raises(Timeout, match="no answer"):
                run_bounded(lambda: release.wait(10), timeout=0.05)
        with pytest.raises(Timeout, match="not run"):
            run_bounded(lambda: 42)
    finally:
        release.set()
        for t in _abandoned:
            t.join()
    assert run_bounded(lambda: 42) == 42
    with pytest.raises(KeyError):
        run_bounded(lambda: {}["x"])
