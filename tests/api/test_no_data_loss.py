"""No silent data loss: each format either keeps a document's data exactly,
or refuses it with a clear error, never drops or truncates part of it.

For every format (json, yaml, toml, env, ini) this pins down what happens
to the inputs where parsers most often lose data quietly:

- empty documents (nothing, blanks, a comment, a byte order mark, empty
  values): an empty Config, or for JSON (where an empty document is not
  JSON) a ParseError;
- duplicate keys: a ParseError naming the key and the line of the second
  one, except in JSON, where (as Python's json module and JSONTestSuite's
  y_ cases read it) the last value wins at the first key's place; keys
  that only look alike (case, quoting) are both kept; INI keys are
  compared case-folded, as configparser compares them;
- NUL characters: an escaped NUL in a string value is kept as a character
  of the value (strings cross the C ABI with their lengths); a NUL in a key,
  or a raw NUL byte where the format does not allow one, is a ParseError,
  never a string cut short at the NUL;
- integers beyond 64 bits: kept exactly in JSON and YAML (as Python's
  json module keeps them), a ParseError in TOML (whose integers are 64-bit),
  never a rounded float or a wrapped value; .env and INI values are text
  and keep every digit.

Refusals must be gocfg.ParseError with a position (line > 0) and a message
that says what is wrong. The same promises hold for values set from Python
and for writing a Config back out.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Union

import gocfg
import pytest

FORMATS = ["json", "yaml", "toml", "env", "ini"]
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


class Refused:
    """Expect a ParseError whose message matches `pattern`."""

    def __init__(self, pattern: str, positioned: bool = True) -> None:
        self.pattern = pattern
        self.positioned = positioned

    def __repr__(self) -> str:
        return f"Refused({self.pattern!r})"


Expected = Union[Dict[str, Any], Refused]


def check(text: Union[str, bytes], fmt: str, expected: Expected) -> None:
    if isinstance(expected, Refused):
        with pytest.raises(gocfg.ParseError) as info:
            with gocfg.Config.loads(text, fmt) as cfg:
                pytest.fail(f"{fmt} {text!r} was loaded as {cfg.to_dict()!r}; expected a refusal")
        e = info.value
        assert re.search(expected.pattern, str(e), re.I), f"{fmt} {text!r}: unclear message {str(e)!r}"
        if expected.positioned:
            assert e.line and e.line > 0 and e.column and e.column > 0, f"{fmt} {text!r}: no position in {str(e)!r}"
        return
    with gocfg.Config.loads(text, fmt) as cfg:
        got = cfg.to_dict()
    assert got == expected, f"{fmt} {text!r}: {got!r} != {expected!r}"
    assert_same_types(got, expected)


def assert_same_types(got: Any, want: Any) -> None:
    """== says 1 == 1.0 == True: check the types too."""
    assert type(got) is type(want), f"{got!r} is a {type(got).__name__}, expected a {type(want).__name__}"
    if isinstance(want, dict):
        for k in want:
            assert_same_types(got[k], want[k])
    elif isinstance(want, list):
        for g, w in zip(got, want):
            assert_same_types(g, w)


def cases(table: Dict[str, list]) -> list:
    return [pytest.param(fmt, text, want, id=f"{fmt}-{i}") for fmt in FORMATS for i, (text, want) in
            enumerate(table.get(fmt, []))]


# ------------------------------------------------------------ empty documents

EMPTY = {
    "json": [
        ("", Refused(r"empty document")),
        (" \n\t", Refused(r"empty document")),
        ("\ufeff", Refused(r"empty document")),
        ("{}", {}),
        ("\ufeff{}", {}),
        ('{"m": {}, "l": [], "s": "", "n": null, "ll": [[], {}, ""]}',
         {"m": {}, "l": [], "s": "", "n": None, "ll": [[], {}, ""]}),
    ],
    "yaml": [
        ("", {}),
        ("\n\n", {}),
        ("# only a comment\n", {}),
        ("---\n", {}),
        ("--- \n...\n", {}),
        ("\ufeff", {}),
        ("~\n", {}),  # a null root is an empty config, not a refusal
        ("m: {}\nl: []\ns: ''\nn:\nt: ~\nll: [[], {}, '']\n",
         {"m": {}, "l": [], "s": "", "n": None, "t": None, "ll": [[], {}, ""]}),
        ("s: |\n\nf: >-\n\n", {"s": "", "f": ""}),
    ],
    "toml": [
        ("", {}),
        ("\n\r\n", {}),
        ("# only a comment\n", {}),
        ("\ufeff", Refused(r"byte order mark")),  # TOML has no byte order mark: refused, as tomllib does
        ('m = {}\nl = []\ns = ""\nr = \'\'\nll = [[], {}, ""]\n[t]\n[[a]]\n',
         {"m": {}, "l": [], "s": "", "r": "", "ll": [[], {}, ""], "t": {}, "a": [{}]}),
    ],
    "env": [
        ("", {}),
        ("\n\n", {}),
        ("# only a comment\n", {}),
        ("\ufeff", {}),
        ("A=\nB=''\nC=\"\"\nexport D=\n", {"A": "", "B": "", "C": "", "D": ""}),
    ],
    "ini": [
        ("", {}),
        ("\n\n", {}),
        ("; a comment\n# another\n", {}),
        ("\ufeff", {}),
        ("[empty]\n[s]\nk =\n", {"empty": {}, "s": {"k": ""}}),
    ],
}


@pytest.mark.parametrize("fmt,text,want", cases(EMPTY))
def test_empty_documents_and_values(fmt: str, text: str, want: Expected) -> None:
    check(text, fmt, want)


# -------------------------------------------------------------- duplicate keys

DUP = r"duplicate|twice|already"
DUPLICATES = {
    "json": [
        # The last value wins, at the first key's place, as json.loads reads it.
        ('{"a": 1, "a": 2}', {"a": 2}),
        ('{"a": 1, "b": 0, "a": 1}', {"a": 1, "b": 0}),
        ('{"a": {"b": 1, "b": 2}}', {"a": {"b": 2}}),
        ('{"a": [{"b": 1, "b": 2}]}', {"a": [{"b": 2}]}),
        ('{"a": 1, "\\u0061": 2}', {"a": 2}),  # the same key, escaped
        ('{"a": 1, "A": 2, "a ": 3}', {"a": 1, "A": 2, "a ": 3}),
    ],
    "yaml": [
        ("a: 1\na: 2\n", Refused(DUP)),
        ("a: 1\na: 1\n", Refused(DUP)),
        ("a:\n  b: 1\n  b: 2\n", Refused(DUP)),
        ("{a: 1, a: 2}\n", Refused(DUP)),
        ("a: 1\n? a\n: 2\n", Refused(DUP)),
        ("a: 1\n'a': 2\n", Refused(DUP)),
        ('1: x\n"1": y\n', Refused(DUP)),
        ("- a: 1\n  a: 2\n", Refused(r"root must be a mapping|" + DUP)),
        ("l:\n- a: 1\n  a: 2\n", Refused(DUP)),
        # Keys keep their source text: these are all different keys.
        ("1: a\n01: b\n1.0: c\n'true': d\nTrue: e\nA: f\n", {"1": "a", "01": "b", "1.0": "c", "true": "d",
                                                            "True": "e", "A": "f"}),
    ],
    "toml": [
        ("a = 1\na = 2\n", Refused(DUP)),
        ('a = 1\n"a" = 2\n', Refused(DUP)),
        ("[t]\n[t]\n", Refused(DUP)),
        ("[t]\nx = 1\n[t]\ny = 2\n", Refused(DUP)),
        ("a.b = 1\na.b = 2\n", Refused(DUP)),
        ("t = {a = 1, a = 2}\n", Refused(DUP)),
        ("a = 1\nA = 2\n'a ' = 3\n", {"a": 1, "A": 2, "a ": 3}),
    ],
    "env": [
        ("A=1\nA=2\n", Refused(DUP)),
        ("A=1\nA=1\n", Refused(DUP)),
        ("export A=1\nA=2\n", Refused(DUP)),
        ("A=1\na=2\n", {"A": "1", "a": "2"}),
    ],
    "ini": [
        ("[s]\na = 1\na = 2\n", Refused(DUP)),
        ("[s]\na = 1\na: 2\n", Refused(DUP)),
        ("[s]\na = 1\n[s]\nb = 2\n", Refused(DUP)),
        ("a = 1\na = 2\n", Refused(DUP)),
        # Keys are case-folded, as configparser folds them; sections are not.
        ("[s]\na = 1\nA = 2\n", Refused(DUP)),
        ("[s]\na = 1\n[S]\na = 3\n", {"s": {"a": "1"}, "S": {"a": "3"}}),
    ],
}


@pytest.mark.parametrize("fmt,text,want", cases(DUPLICATES))
def test_duplicate_keys(fmt: str, text: str, want: Expected) -> None:
    check(text, fmt, want)


# ------------------------------------------------------------------------ NUL

NUL = r"NUL|control character"
NULS = {
    "json": [
        ('{"a": "x\\u0000y"}', {"a": "x\0y"}),  # an escaped NUL is a character of the value
        ('{"a": "\\u0000"}', {"a": "\0"}),
        ('{"a": ["ok", {"b": "x\\u0000"}]}', {"a": ["ok", {"b": "x\0"}]}),
        ('{"x\\u0000y": 1}', {"x\0y": 1}),  # keys may hold NUL too (issue 12)
        ('{"a": "x\x00y"}', Refused(NUL)),
        ('{"x\x00y": 1}', Refused(NUL)),
        ('{"a": 1}\x00', Refused(r"NUL|after|unexpected|invalid character|trailing")),
        ('{"a": "x\\\\u0000y"}', {"a": "x\\u0000y"}),  # an escaped backslash: no NUL, kept as text
    ],
    "yaml": [
        ('a: "x\\0y"\n', {"a": "x\0y"}),
        ('a: "x\\x00y"\n', {"a": "x\0y"}),
        ('a: "x\\u0000y"\n', {"a": "x\0y"}),
        ('a: "x\\U00000000y"\n', {"a": "x\0y"}),
        ('"x\\0y": 1\n', {"x\0y": 1}),
        ('a: [ok, "\\0"]\n', {"a": ["ok", "\0"]}),
        ("a: x\x00y\n", Refused(NUL)),
        ("a: 'x\x00y'\n", Refused(NUL)),
        ("a: |\n  x\x00y\n", Refused(NUL)),
        ("x\x00y: 1\n", Refused(NUL)),
        ("a: x\\0y\n", {"a": "x\\0y"}),  # a plain scalar has no escapes: kept as text
        ("a: 'x\\0y'\n", {"a": "x\\0y"}),
    ],
    "toml": [
        ('a = "x\\u0000y"\n', {"a": "x\0y"}),
        ('a = "x\\U00000000y"\n', {"a": "x\0y"}),
        ('a = "x\\x00y"\n', {"a": "x\0y"}),  # TOML 1.1's \x escape
        ('"x\\u0000y" = 1\n', {"x\0y": 1}),
        ('a = ["ok", "\\u0000"]\n', {"a": ["ok", "\0"]}),
        ('a = "x\x00y"\n', Refused(NUL)),
        ("a = 'x\x00y'\n", Refused(NUL)),
        ('a = """x\x00y"""\n', Refused(NUL)),
        ("a = 'x\\u0000y'\n", {"a": "x\\u0000y"}),  # a literal string has no escapes
    ],
    "env": [
        ('A="x\x00y"\n', Refused(NUL)),
        ("A='x\x00y'\n", Refused(NUL)),
        ("A=x\x00y\n", Refused(NUL)),
        ("A\x00B=1\n", Refused(r"NUL|invalid character")),
        ('A="x\\0y"\n', {"A": "x\\0y"}),  # not an escape in .env: kept as text
    ],
    "ini": [
        ("[s]\na = x\x00y\n", Refused(NUL)),
        ("[s\x00t]\na = 1\n", Refused(NUL)),
        ("[s]\na\x00b = 1\n", Refused(NUL)),
        ("a = x\x00y\n", Refused(NUL)),
    ],
}


@pytest.mark.parametrize("fmt,text,want", cases(NULS))
def test_nul_characters(fmt: str, text: str, want: Expected) -> None:
    check(text, fmt, want)


# --------------------------------------------------------- 64-bit integers

BIG = r"64"
INTEGERS = {
    "json": [
        ('{"a": %d, "b": %d}' % (INT64_MAX, INT64_MIN), {"a": INT64_MAX, "b": INT64_MIN}),
        ('{"a": %d}' % (INT64_MAX + 1), {"a": INT64_MAX + 1}),
        ('{"a": %d}' % (INT64_MIN - 1), {"a": INT64_MIN - 1}),
        ('{"a": %d}' % 2**64, {"a": 2**64}),
        ('{"a": [1, %d]}' % 10**30, {"a": [1, 10**30]}),
        ('{"a": {"b": -%d}}' % 10**40, {"a": {"b": -(10**40)}}),
        ('{"a": %s}' % ("9" * 5000), Refused(r"digits")),  # beyond CPython's own int-from-text limit
        ('{"a": 1e400}', Refused(r"range")),  # a float beyond float64 is not inf
        ('{"a": "%d"}' % 10**30, {"a": str(10**30)}),
    ],
    "yaml": [
        ("a: %d\nb: %d\n" % (INT64_MAX, INT64_MIN), {"a": INT64_MAX, "b": INT64_MIN}),
        ("a: 0x7FFFFFFFFFFFFFFF\nb: 0o777777777777777777777\n", {"a": INT64_MAX, "b": INT64_MAX}),
        ("a: %d\n" % (INT64_MAX + 1), {"a": INT64_MAX + 1}),
        ("a: +%d\n" % (INT64_MAX + 1), {"a": INT64_MAX + 1}),
        ("a: %d\n" % (INT64_MIN - 1), {"a": INT64_MIN - 1}),
        ("a: %d\n" % 2**64, {"a": 2**64}),
        ("a: 0x10000000000000000\n", {"a": 2**64}),
        ("a: 0xFFFFFFFFFFFFFFFF\n", {"a": 2**64 - 1}),
        ("a: 0o2000000000000000000000\n", {"a": 2**64}),
        ("a: !!int %d\n" % 10**20, {"a": 10**20}),
        ("a: [1, %d]\n" % 10**30, {"a": [1, 10**30]}),
        ("a: 1e400\n", Refused(r"range")),
        ("%d: x\n" % 10**30, {str(10**30): "x"}),  # a key keeps its source text
        ("a: '%d'\nb: !!str %d\n" % (10**30, 10**30), {"a": str(10**30), "b": str(10**30)}),
    ],
    "toml": [
        ("a = %d\nb = %d\n" % (INT64_MAX, INT64_MIN), {"a": INT64_MAX, "b": INT64_MIN}),
        ("a = 0x7FFFFFFFFFFFFFFF\nb = 0o777777777777777777777\nc = 0b%s\n" % ("1" * 63),
         {"a": INT64_MAX, "b": INT64_MAX, "c": INT64_MAX}),
        ("a = %d\n" % (INT64_MAX + 1), Refused(BIG)),
        ("a = +%d\n" % (INT64_MAX + 1), Refused(BIG)),
        ("a = %d\n" % (INT64_MIN - 1), Refused(BIG)),
        ("a = 18_446_744_073_709_551_616\n", Refused(BIG)),
        ("a = 0x8000000000000000\n", Refused(BIG)),
        ("a = 0xFFFFFFFFFFFFFFFF\n", Refused(BIG)),
        ("a = 0o1000000000000000000000\n", Refused(BIG)),
        ("a = 0b1%s\n" % ("0" * 63), Refused(BIG)),
        ("a = [1, %d]\n" % 10**30, Refused(BIG)),
        ("a = 1e400\n", Refused(r"range")),
        ('%d = "x"\n' % 10**30, {str(10**30): "x"}),  # a bare key is text
    ],
    "env": [
        ("A=%d\nB=-%d\n" % (10**30, 2**64), {"A": str(10**30), "B": "-" + str(2**64)}),
    ],
    "ini": [
        ("[s]\na = %d\nb = -%d\n" % (10**30, 2**64), {"s": {"a": str(10**30), "b": "-" + str(2**64)}}),
    ],
}


@pytest.mark.parametrize("fmt,text,want", cases(INTEGERS))
def test_integers_beyond_64_bits(fmt: str, text: str, want: Expected) -> None:
    check(text, fmt, want)


# ------------------------------------------------------- files, not strings

@pytest.mark.parametrize("fmt", FORMATS)
def test_files_behave_as_strings(fmt: str, tmp_path: Any) -> None:
    """Config.load reads the same bytes as Config.loads: a few of the cases
    above, through a file."""
    picks = [t for table in (EMPTY, DUPLICATES, NULS, INTEGERS) for t in table[fmt][:2]]
    for text, want in picks:
        path = tmp_path / f"doc.{fmt}"
        path.write_bytes(text.encode("utf-8"))
        if isinstance(want, Refused):
            with pytest.raises(gocfg.ParseError) as info:
                gocfg.Config.load(path).close()
            assert info.value.filename == str(path)
            assert re.search(want.pattern, str(info.value), re.I)
        else:
            with gocfg.Config.load(path) as cfg:
                assert cfg.to_dict() == want


# ----------------------------------------------- values set from Python, and writing

@pytest.mark.parametrize("value", [
    2**63, -(2**63) - 1, 2**64, 10**30, -(10**4299),
    [1, 2**64], {"x": {"y": -(10**30)}},
    "x\0y", ["ok", "\0"], {"k": "\0"},
])
def test_python_values_are_kept_exactly(value: Any) -> None:
    """Integers of any size and strings holding NUL are stored exactly,
    and come back with their types."""
    with gocfg.Config({"keep": 1}) as cfg:
        cfg["a"] = value
        assert cfg["a"] == value
        cfg.update({"b": value})
        assert cfg.to_dict() == {"keep": 1, "a": value, "b": value}
    with gocfg.Config({"a": value}) as cfg:
        assert cfg.to_dict() == {"a": value}
        assert_same_types(cfg.to_dict(), {"a": value})


@pytest.mark.parametrize("value", [
    {"k\ud800": 1}, {"ok": {"\ud800": 1}}, 10**4300, [1, -(10**4300)],
], ids=["surrogate-key", "surrogate-nested-key", "4301-digits", "4301-digits-in-list"])
def test_python_values_are_refused_whole(value: Any) -> None:
    """What cannot be stored (a key with a lone surrogate, an integer of
    more digits than CPython itself reads from text) is refused, and a
    refusal stores nothing at all (not the part before the bad item)."""
    with gocfg.Config({"keep": 1}) as cfg:
        with pytest.raises(gocfg.InvalidArgumentError, match=r"digits|UTF-8"):
            cfg["a"] = value
        with pytest.raises(gocfg.InvalidArgumentError, match=r"digits|UTF-8"):
            cfg.update({"b": 1, "a": value})
        assert cfg.to_dict() == {"keep": 1}
    with pytest.raises(gocfg.InvalidArgumentError, match=r"digits|UTF-8"):
        gocfg.Config({"a": value})


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_big_integers_are_written_exactly(fmt: str) -> None:
    data = {"a": 2**64, "l": [-(10**40), INT64_MAX + 1], "m": {"n": 10**100}}
    with gocfg.Config(data) as cfg:
        text = cfg.dumps(fmt)
    with gocfg.Config.loads(text, fmt) as back:
        assert back.to_dict() == data


def test_big_integers_are_refused_by_toml_naming_the_path() -> None:
    with gocfg.Config({"a": {"b": [1, 2**64]}}) as cfg:
        with pytest.raises(gocfg.TypeMismatchError, match=re.escape("a.b.1")):
            cfg.dumps("toml")


def test_python_keys_with_nul_are_kept() -> None:
    with gocfg.Config() as cfg:
        for key in ["a\0b", ("a", "b\0")]:
            cfg[key] = 1
        assert cfg.to_dict() == {"a\0b": 1, "a": {"b\0": 1}}


BOUNDARY = {"max": INT64_MAX, "min": INT64_MIN, "l": [INT64_MAX, INT64_MIN], "m": {"n": INT64_MIN},
            "s": str(10**30), "e": "", "em": {}, "el": [], "nul": "a\0b"}


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_write_then_read_keeps_everything(fmt: str) -> None:
    """64-bit limits, long digit strings and empty values survive a dump
    and a load unchanged, types included."""
    with gocfg.Config(BOUNDARY) as cfg:
        text = cfg.dumps(fmt)
    with gocfg.Config.loads(text, fmt) as back:
        got = back.to_dict()
    assert got == BOUNDARY
    assert_same_types(got, BOUNDARY)


@pytest.mark.parametrize("fmt,data", [
    ("env", {"A": "", "B": str(10**30), "C": " padded ", "D": "line\nbreak"}),
    ("ini", {"s": {"a": "", "b": str(10**30)}, "empty": {}}),
])
def test_text_formats_keep_every_character(fmt: str, data: Dict[str, Any]) -> None:
    with gocfg.Config(data) as cfg:
        text = cfg.dumps(fmt)
    with gocfg.Config.loads(text, fmt) as back:
        assert back.to_dict() == data


@pytest.mark.parametrize("fmt,data,where", [
    ("toml", {"a": {"b": [1, None]}}, "a.b.1"),
    ("json", {"a": float("nan")}, "a"),
    ("json", {"a": [float("inf")]}, "a.0"),
    ("env", {"a": {"b": 1}}, "a"),
    ("env", {"a": [1]}, "a"),
    ("ini", {"s": {"k": {"deep": 1}}}, "s.k"),
    ("ini", {"s": {"k": " blank at the end "}}, "s.k"),
])
def test_writing_what_a_format_cannot_hold_is_refused(fmt: str, data: Dict[str, Any], where: str) -> None:
    """A value a format cannot express is an error naming its path, never
    left out of the document."""
    with gocfg.Config(data) as cfg:
        with pytest.raises(gocfg.TypeMismatchError, match=re.escape(where)):
            cfg.dumps(fmt)
