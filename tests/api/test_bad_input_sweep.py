"""Every public entry point, called with hostile arguments.

Each case must raise an exception from the documented hierarchy (a
gocfg.Error, or the built-in TypeError/ValueError/KeyError/OSError that
ordinary Python code expects), and the process must live on.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap

import gocfg
import pytest

HUGE = "x" * (100 * 1024 * 1024)
EXPECTED = (gocfg.Error, TypeError, ValueError, KeyError, OSError)


class Bad:
    def __str__(self):
        raise RuntimeError("str() of this object fails")


BAD_ARGS = {
    "None": None,
    "int": 5,
    "bytes": b"bytes",
    "object": Bad(),
    "list": ["a"],
    "NUL": "a\0b",
    "surrogate": "\ud800",
    "bad path": "a..b",
}


def fresh():
    return gocfg.Config({"a": {"b": 1}, "s": "x"})


CALLS = {
    "Config(arg)": lambda x: gocfg.Config(x),
    "cfg[x]": lambda x: fresh()[x],
    "cfg[x] = 1": lambda x: fresh().__setitem__(x, 1),
    "cfg['k'] = x": lambda x: fresh().__setitem__("k", x if x is not None else Bad()),
    "del cfg[x]": lambda x: fresh().__delitem__(x),
    "cfg.get(x)": lambda x: fresh().get(x) if not isinstance(x, (list, Bad)) else fresh()[x],
    "cfg.update(x)": lambda x: fresh().update(x),
    "section[x]": lambda x: fresh()["a"][x],
    "section[x] = 1": lambda x: fresh()["a"].__setitem__(x, 1),
    "Config.load(x)": lambda x: gocfg.Config.load(x),
    "Config.load(f, format=x)": lambda x: gocfg.Config.load("f.json", format=x),
    "Config.loads(x, 'json')": lambda x: gocfg.Config.loads(x, "json"),
    "Config.loads('{}', x)": lambda x: gocfg.Config.loads("{}", x),
    "cfg.dumps(x)": lambda x: fresh().dumps(x),
    "cfg.save(x)": lambda x: fresh().save(x),
}


@pytest.mark.parametrize("arg", list(BAD_ARGS), ids=list(BAD_ARGS))
@pytest.mark.parametrize("call", list(CALLS), ids=list(CALLS))
def test_bad_argument(call, arg):
    value = BAD_ARGS[arg]
    try:
        result = CALLS[call](value)
    except EXPECTED:
        return
    # A few calls legitimately accept some of these (a dict-like update
    # with a list of pairs, a str that is a fine key): then the result must
    # be an ordinary value, and nothing may have crashed.
    if isinstance(result, gocfg.Config):
        result.close()


@pytest.mark.parametrize("call", ["cfg[x]", "cfg[x] = 1", "cfg['k'] = x", "Config.loads(x, 'json')",
                                  "cfg.dumps(x)", "Config.load(x)"])
def test_huge_string(call):
    try:
        result = CALLS[call](HUGE)
    except EXPECTED:
        return
    if isinstance(result, gocfg.Config):
        result.close()


CLOSED_CALLS = {
    "getitem": lambda c: c["a"],
    "setitem": lambda c: c.__setitem__("a", 1),
    "delitem": lambda c: c.__delitem__("a"),
    "contains": lambda c: "a" in c,
    "len": len,
    "iter": list,
    "to_dict": lambda c: c.to_dict(),
    "dumps": lambda c: c.dumps("json"),
    "save": lambda c: c.save("/tmp/never-written.json"),
    "copy": lambda c: c.copy(),
    "update": lambda c: c.update({"a": 1}),
    "clear": lambda c: c.clear(),
    "repr": lambda c: None if repr(c) == "<gocfg.Config (closed)>" else 1 / 0,
}


@pytest.mark.parametrize("name", [n for n in CLOSED_CALLS if n not in ("repr", "copy", "save", "dumps")])
def test_closed_sections(name):
    cfg = fresh()
    section = cfg["a"]
    cfg.close()
    with pytest.raises(gocfg.ClosedError):
        CLOSED_CALLS[name](section)


def test_closed_calls_raise_closed_error():
    for name, op in CLOSED_CALLS.items():
        if name == "repr":
            continue
        cfg = fresh()
        cfg.close()
        with pytest.raises(gocfg.ClosedError):
            op(cfg)


def test_process_survives_everything():
    """All of the above in one child process, which must exit normally."""
    code = textwrap.dedent("""
        import sys
        sys.path.insert(0, %r)
        import test_bad_input_sweep as t, gocfg
        for call in t.CALLS:
            for arg in t.BAD_ARGS.values():
                try:
                    r = t.CALLS[call](arg)
                    if isinstance(r, gocfg.Config): r.close()
                except t.EXPECTED:
                    pass
        print("alive")
    """) % str(__import__("pathlib").Path(__file__).parent)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stdout.strip() == "alive", proc.stderr[-2000:]
