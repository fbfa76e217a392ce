"""Hostile text in what gocfg writes for people: keys, file names and source
names holding terminal escape sequences, bidi controls and other control
characters, quoted by the messages and listings that Python builds."""
from __future__ import annotations

import dataclasses
import json
import os

import gocfg
import pytest
from gocfg._text import printable

from tests.support.cli import run_cli

# A terminal's title change and screen clear, U+202E (right-to-left
# override), NUL, DEL, a C1 control (CSI) and a carriage return.
HOSTILE = "k\x1b]0;pwned\x07\x1b[2J\u202eX\x00\x7f\x9b\r"
ACTING = ("\x1b", "\x07", "\u202e", "\x00", "\x7f", "\x9b", "\r")


def _clean(text: str) -> bool:
    return not any(c in text for c in ACTING)


def test_printable_writes_what_the_library_writes_for_every_character():
    # The rule lives in Go (errs.Printable) and is mirrored in
    # gocfg._text.printable: a source's name goes into a parse error's
    # message through the library, so each character of Unicode (but
    # NUL, which a name refuses, and the surrogates, which UTF-8 cannot
    # hold) is checked to come out the same both ways.
    points = [c for c in range(1, 0x110000) if not 0xD800 <= c < 0xE000]
    for i in range(0, len(points), 512):
        name = "".join(map(chr, points[i:i + 512]))
        with pytest.raises(gocfg.ParseError) as info:
            gocfg.load(gocfg.Text("a: [\n", "yaml", name=name))
        want = printable(name) + ":2:1: "
        assert str(info.value).startswith(want), (hex(points[i]), str(info.value)[:200], want[:200])


def test_printable_keeps_line_feeds_and_tabs_as_the_library_does():
    assert printable("a\nb\tc\rd\x1b") == "a\nb\tc\\rd\\x1b"
    assert printable("a\nb\tc", one_line=True) == "a\\nb\\tc"
    assert printable("bad \udcff name") == "bad \udcff name"  # bytes that are not UTF-8 pass, as in Go
    assert printable(printable(HOSTILE)) == printable(HOSTILE)


def test_typed_getter_messages_escape_the_key(no_leaks):
    with gocfg.Config({HOSTILE: "v"}) as cfg:
        with pytest.raises(gocfg.TypeMismatchError) as info:
            cfg.get_int((HOSTILE,))
        assert _clean(str(info.value)), str(info.value)
        assert "k\\x1b]0;pwned\\x07\\x1b[2J\\u202eX\\x00\\x7f\\x9b\\r" in str(info.value)


def test_validation_messages_escape_keys_and_keep_them_exact(no_leaks):
    @dataclasses.dataclass
    class D:
        n: int

    with gocfg.Config({"n": 1, HOSTILE: 2}) as cfg:
        with pytest.raises(gocfg.ValidationError) as info:
            cfg.to(D)
        assert _clean(str(info.value)), str(info.value)
        assert info.value.errors[0][0] == HOSTILE  # the data stays exact
        with pytest.raises(gocfg.ValidationError) as info:
            cfg.validate({"type": "object", "properties": {HOSTILE: {"type": "string"}}})
        assert _clean(str(info.value)), str(info.value)
        (v,) = info.value.errors
        assert v.path == HOSTILE
        assert _clean(str(v)) and _clean(v.description)


def test_key_not_found_why_escapes_the_key(no_leaks):
    with gocfg.Config({"s": [1]}) as cfg:
        with pytest.raises(gocfg.KeyNotFoundError) as info:
            cfg[("s", HOSTILE)]
        assert _clean(str(info.value)), str(info.value)
        assert info.value.args[0] == ("s", HOSTILE)


def test_type_errors_of_values_escape_the_path_and_bound_a_key_repr(no_leaks):
    class Loud:
        def __repr__(self) -> str:
            return "\x1b[2J" + "x" * 1_000_000

    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    with gocfg.Config() as cfg:
        for key in (Loud(), Broken()):
            with pytest.raises(TypeError) as info:
                cfg[(HOSTILE,)] = {key: 1}
            assert _clean(str(info.value)) and len(str(info.value)) < 1000, str(info.value)[:300]
        assert "Broken object" in str(info.value)


def test_origins_and_watched_titles_escape_file_names(tmp_path, no_leaks):
    path = tmp_path / "we\x1b[2Jird\u202e.json"
    path.write_text('{"a": 1}')
    with gocfg.load(path) as cfg:
        origin = cfg.origin("a")
        assert origin.name == str(path)
        assert _clean(str(origin)), str(origin)
    with gocfg.load(path, watch=True, debounce=0.05) as cfg:
        path.write_text('{"a": 2}')
        event = cfg.reload()
        assert cfg["a"] == 2 and list(event.sources) == [str(path)]
        for text in (repr(event), str(event), cfg._repr_html_() or "", _pretty(cfg)):
            assert _clean(text) and "we\\x1b[2Jird\\u202e.json" in text, text[:500]


def _pretty(obj) -> str:
    out = []

    class Printer:  # what IPython hands to _repr_pretty_
        def text(self, t):
            out.append(t)

    obj._repr_pretty_(Printer(), False)
    return "".join(out)


def test_a_secret_with_control_characters_stays_masked_in_reload_events(tmp_path, no_leaks):
    # Messages write a secret's controls as escapes and its tab as it is:
    # "hunter\t\x1b2" quoted that way matched neither the secret nor its
    # repr(), and a rejected reload's event printed it.
    secret = "hunter\t\x1b2"
    path = tmp_path / "app.json"
    path.write_text(json.dumps({"password": secret, "n": 1}))

    def check(c):
        if c["n"] == 2:
            raise gocfg.InvalidArgumentError("bad config: password is " + c["password"])

    with gocfg.load(path, watch=True, validate=check, debounce=0.05) as cfg:
        path.write_text(json.dumps({"password": secret, "n": 2}))
        with pytest.raises(gocfg.InvalidArgumentError):  # the validator's own exception
            cfg.reload()
        event = cfg.last_change
        assert event is not None and event.kind == "rejected"
        for text in (str(event), repr(event), "\n".join(event.lines())):
            assert "hunter" not in text, text


def test_listings_escape_del_and_c1_controls_in_values(no_leaks):
    with gocfg.Config({"a": "x\x7f\x9b[2Jy"}) as cfg:
        shown = cfg.show()
        assert _clean(shown) and "\\u007f\\u009b" in shown, repr(shown)
        assert json.loads(gocfg.display.json_text(cfg["a"])) == "x\x7f\x9b[2Jy"


def test_cli_messages_and_check_lines_escape_file_names(tmp_path):
    bad = tmp_path / "b\x1b]0;pwned\x07\u202e.yaml"
    bad.write_text("a: [\n")
    good = tmp_path / "g\x1b[2J\nforged: ok.yaml"
    good.write_text("a: 1\n")
    r = run_cli("validate", os.fsdecode(bad), os.fsdecode(good))
    assert r.returncode == 1
    assert _clean(r.stderr) and "b\\x1b]0;pwned\\x07\\u202e.yaml" in r.stderr, r.stderr
    assert _clean(r.stdout) and r.stdout.count("\n") == 1 and "\\nforged" in r.stdout, r.stdout


def test_messages_that_quote_a_huge_key_are_bounded(no_leaks):
    # A key may be as long as the document: the library bounds its messages
    # (errs.Bound), and a 1 MB key made a 1 MB KeyNotFoundError or
    # TypeMismatchError when Python built the message.
    key = "k" * (1 << 20)
    with gocfg.Config({"a": 1, key: "v"}) as cfg:
        for call, exc in ((lambda: cfg[key + "x"], gocfg.KeyNotFoundError),
                          (lambda: cfg[("a", key)], gocfg.KeyNotFoundError),
                          (lambda: cfg.get_int((key,)), gocfg.TypeMismatchError)):
            with pytest.raises(exc) as info:
                call()
            text = str(info.value)
            assert len(text) < 5000 and "characters left out" in text, len(text)
        assert key in info.value.args[0]  # args hold the message as built, whole
    with gocfg.Config({"a": 1}) as cfg:
        with pytest.raises(gocfg.KeyNotFoundError) as info:
            cfg[key]
        assert info.value.path == key and info.value.args[0] == key
