"""Hostile documents: bombs, deep nesting, tags, huge files."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import gocfg
import pytest

BILLION_LAUGHS = """
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_yaml_alias_bomb_is_refused_quickly(no_leaks):
    t0 = time.monotonic()
    with pytest.raises(gocfg.ParseError):
        gocfg.Config.loads(BILLION_LAUGHS, "yaml")
    assert time.monotonic() - t0 < 10


def test_yaml_aliases_of_a_long_string_are_refused(no_leaks):
    # Few values, but each alias becomes a copy of 100 KB once it crosses
    # into Python: 10,100 of them were a 1 GB dict from a 100 KB file.
    text = ("s: &s " + "x" * 100_000 + "\n"
            "l1: &l1 [" + ",".join(["*s"] * 100) + "]\n"
            "l2: [" + ",".join(["*l1"] * 100) + "]\n")
    with pytest.raises(gocfg.ParseError, match=r"aliases expand to more than 64 MiB of text \(an alias bomb\?\)"):
        gocfg.Config.loads(text, "yaml")
    with pytest.raises(gocfg.ParseError, match="alias bomb"):
        gocfg.reads_all(text, "yaml")
    # The same aliases of a short string are fine.
    with gocfg.Config.loads(text.replace("x" * 100_000, "short"), "yaml") as cfg:
        assert cfg["l2.99.99"] == "short"


@pytest.mark.parametrize("text", [
    "a = " + "-" * 400_000 + "1\n",
    "a = " + "!" * 400_000 + "true\n",
    "a = 1" + " + 1" * 400_000 + "\n",
    "a = x" + "[0]" * 400_000 + "\n",
    "b" + ' "l"' * 100_000 + " {}\n",
], ids=["unary-minus", "not", "sum", "index", "labels"])
@pytest.mark.parametrize("fmt", ["hcl", "hcl-raw"])
def test_hcl_operator_chains_are_refused_not_a_crash(no_leaks, text, fmt):
    # hclsyntax recurses once per operator: a chain this long overflowed
    # the goroutine stack, which kills the process.
    with pytest.raises(gocfg.ParseError, match="deeper than 1000 levels"):
        gocfg.Config.loads(text, fmt)


def test_small_aliases_still_work(no_leaks):
    with gocfg.Config.loads("base: &b {x: 1}\nuse: *b\n", "yaml") as cfg:
        assert cfg["use.x"] == 1


@pytest.mark.parametrize("fmt,text", [
    ("json", "[" * 100_000 + "]" * 100_000),
    ("json", '{"a":' * 100_000 + "1" + "}" * 100_000),
    ("yaml", "[" * 100_000 + "]" * 100_000),
    ("yaml", "a:\n" + "".join(" " * i + "- \n" for i in range(1, 3000))),
    ("toml", "a = " + "[" * 100_000 + "]" * 100_000),
    ("toml", "a = " + "{b = " * 100_000 + "1" + "}" * 100_000),
])
def test_deep_nesting_gives_parse_error(fmt, text, no_leaks):
    with pytest.raises(gocfg.ParseError):
        gocfg.Config.loads(text, fmt)


def test_yaml_tags_never_run_anything(tmp_path, no_leaks):
    marker = tmp_path / "pwned"
    doc = (f"a: !!python/object/apply:os.system ['touch {marker}']\n"
           "b: !custom 1\n"
           f"c: !!python/name:os.system\n")
    try:
        gocfg.Config.loads(doc, "yaml").close()
    except gocfg.ParseError:
        pass
    assert not marker.exists()


def test_big_file_loads_or_fails_cleanly(tmp_path, no_leaks):
    """A ~200 MB document loads, and peak memory stays bounded.

    The bound is what a tree of 2.6 million small maps costs in Go (about
    10x the text, measured; a Python dict of the same data costs about as
    much), with room for the collector's slack: a blow-up would pass it."""
    path = tmp_path / "big.json"
    row = '{"name": "service-%d", "port": %d, "tags": ["a", "b", "c"], "enabled": true},\n'
    with open(path, "w") as f:
        f.write('{"items": [\n')
        i = 0
        while f.tell() < 200 * 1024 * 1024:
            f.writelines(row % (j, j) for j in range(i, i + 10_000))
            i += 10_000
        f.write('{"name": "last", "port": 0, "tags": [], "enabled": false}\n]}\n')
    script = (
        "import sys, resource, gocfg\n"
        "cfg = gocfg.Config.load(sys.argv[1])\n"
        "print(cfg['items.%s.name' % sys.argv[2]], cfg['items.0.port'])\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(path), str(i)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    last, first_port, maxrss = proc.stdout.split()
    assert (last, first_port) == ("last", "0")
    maxrss_kb = int(maxrss)
    size = os.path.getsize(path)
    assert maxrss_kb * 1024 < 14 * size, f"peak RSS {maxrss_kb / 1024:.0f} MB for a {size / 2**20:.0f} MB file"


def test_listings_write_bidi_controls_and_separators_as_escapes():
    # A key or value holding U+202E (right-to-left override) displayed the
    # rest of its line reversed in show(), the pretty form, the notebook
    # table and the CLI ("Trojan Source"); U+2028 in a value was written
    # raw too. They are written as escapes, as control characters are.
    import IPython.lib.pretty as pretty
    cfg = gocfg.load({"b\u202ek": "x\u2028y", "c": ["\u2066"], "e\x1bk": "v\x1b\n\u202e"})
    raw = "\u202e\u2028\u2066\x1b"
    for text in (cfg.show(), pretty.pretty(cfg), cfg._repr_html_(), repr(cfg)):
        assert not any(ch in text for ch in raw), text
    assert "b\\u202ek" in cfg.show() and '"x\\u2028y"' in cfg.show()
    assert "v\\x1b\\n\\u202e" in cfg._repr_html_()
    assert cfg["b\u202ek"] == "x\u2028y"  # reads give the value as it is


def test_error_messages_write_terminal_and_bidi_controls_as_escapes(tmp_path, no_leaks):
    # A message quotes file names, source names and keys as they are: a file
    # named with a terminal's escape sequence restyled the terminal that
    # printed its parse error, and U+202E in a source's name reversed the
    # log line. They are escapes in the message; the error's path is exact.
    weird = tmp_path / "we\x1b[2Jird.yaml"
    weird.write_text("a: [\n")
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.Config.load(weird)
    assert "\x1b" not in str(info.value) and "we\\x1b[2Jird.yaml:2:1:" in str(info.value)
    assert info.value.filename == str(weird)
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.load(gocfg.Text("a: [\n", "yaml", name="a\u202eb\rc"))
    assert str(info.value).startswith("a\\u202eb\\rc:2:1: ")
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.Config.loads('"k\\u001bey" = 1\n"k\\u001bey" = 2\n', "toml")
    assert "\x1b" not in str(info.value) and "\\x1b" in str(info.value), str(info.value)


@pytest.mark.parametrize("fmt", ["env", "ini", "hcl", "json", "yaml", "toml", "properties"])
def test_a_key_starting_with_a_byte_order_mark_is_not_lost(fmt):
    # .env, INI and HCL wrote the first key bare at the start of the file,
    # where its U+FEFF read back as a byte order mark and was skipped.
    data = {"\ufeffk": "v"} if fmt == "env" else {"\ufeffs": {"\ufeffk": "v"}}
    cfg = gocfg.Config(data)
    try:
        text = cfg.dumps(fmt)
    except gocfg.TypeMismatchError:
        return  # refused: nothing is lost
    assert gocfg.Config.loads(text, fmt).to_dict() == data


_DEEP = 1000  # the nesting limit: the root is level 1, so the 1000th bracket crosses it


@pytest.mark.parametrize("fmt,head,opener,body,closer", [
    ("json", '{"x": 1,\n "a": ', "[", "", "]"),
    ("json", '{"x": 1,\n "a": ', '{"k": ', "1", "}"),
    ("yaml", "x: 1\na: ", "[", "", "]"),
    ("yaml", "x: 1\na: ", "{k: ", "1", "}"),
    ("toml", "x = 1\ns = '[['\na = ", "[", "", "]"),
    ("toml", "x = 1\ns = '{{'\na = ", "{k = ", "1", "}"),
])
def test_too_deep_names_the_bracket_that_crossed_the_limit(tmp_path, fmt, head, opener, body, closer):
    # Every format says it in the same words at the same place: the line
    # and column of the opening bracket that went one level too deep.
    # TOML named line 1, column 1 for arrays (an array in an array has no
    # position of its own in go-toml's tree).
    text = head + opener * _DEEP + body + closer * _DEEP + ("}" if fmt == "json" else "") + "\n"
    last = text.splitlines()[-1]
    column = last.index(opener) + 1 + (_DEEP - 1) * len(opener)
    path = tmp_path / f"deep.{fmt}"
    path.write_text(text)
    for read in (lambda: gocfg.load(str(path)), lambda: gocfg.Config.load(str(path)),
                 lambda: gocfg.Config.loads(text, fmt)):
        with pytest.raises(gocfg.ParseError, match=f"nesting deeper than {_DEEP} levels") as e:
            read()
        assert (e.value.line, e.value.column) == (len(text.splitlines()), column), str(e.value)
    # One level less loads.
    shallower = head + opener * (_DEEP - 1) + body + closer * (_DEEP - 1) + ("}" if fmt == "json" else "") + "\n"
    assert gocfg.Config.loads(shallower, fmt)["x"] == 1
