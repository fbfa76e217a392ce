"""The bounds of the README's "Limits" section, through the public API."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap

import gocfg
import pytest
from support.cli import run_cli


def test_endless_file_is_refused_at_the_document_bound(no_leaks):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    with pytest.raises(gocfg.InvalidArgumentError) as e:
        gocfg.Config.load("/dev/zero", format="json")
    assert "256 MiB" in str(e.value) and "GOCFG_MAX_DOCUMENT_BYTES" in str(e.value)


def test_large_file_is_refused_without_reading_it(tmp_path):
    p = tmp_path / "big.json"
    with open(p, "wb") as f:
        f.truncate(256 * 2**20 + 1)  # sparse: nothing is written
    with pytest.raises(gocfg.InvalidArgumentError) as e:
        gocfg.Config.load(str(p))
    assert "268435457 bytes" in str(e.value) and "big.json" in str(e.value)


def _child(code: str, **env: str) -> str:
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                         env={**os.environ, **env}, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_document_bound_is_raised_and_lowered_by_the_environment(tmp_path):
    small, big = tmp_path / "small.json", tmp_path / "big.json"
    small.write_text('{"a": "' + "x" * 900 + '"}')
    big.write_text('{"a": "' + "x" * 2000 + '"}')
    out = _child(f"""
        import gocfg
        print(len(gocfg.Config.load({str(small)!r})["a"]))
        try:
            gocfg.Config.load({str(big)!r})
        except gocfg.InvalidArgumentError as e:
            print(e)
    """, GOCFG_MAX_DOCUMENT_BYTES="1KiB")
    assert out.splitlines()[0] == "900"
    assert "over the document size limit of 1 KiB" in out
    out = _child("""
        import gocfg
        try:
            gocfg.Config.loads('{}', "json").to_dict()
            gocfg.Config.load("/dev/null", format="json")
        except gocfg.Error as e:
            print(type(e).__name__, e)
    """, GOCFG_MAX_DOCUMENT_BYTES="lots")
    assert "InvalidArgumentError" in out and "GOCFG_MAX_DOCUMENT_BYTES" in out


def _doubling(n: int) -> gocfg.Config:
    lines = [f'l{i} = "${{l{i + 1}}}${{l{i + 1}}}"' for i in range(n - 1)] + [f'l{n - 1} = "x"']
    return gocfg.load(gocfg.Text("\n".join(lines), "toml"))


def test_interpolation_doubling_is_bounded(no_leaks):
    with _doubling(27) as c:  # did not finish in two minutes before the budget
        with pytest.raises(gocfg.InterpolationError) as e:
            c["l0"]
        assert str(e.value).startswith("l0: ") and "GOCFG_MAX_INTERPOLATION_STEPS" in str(e.value)
        with pytest.raises(gocfg.InterpolationError):
            c.to_dict()
        with pytest.raises(gocfg.InterpolationError):
            c.resolve()
        assert c["l26"] == "x" and c["l20"] == "x" * 64  # within the budget: exact


@pytest.mark.parametrize("n", [20_000, 200_000])
def test_long_reference_chain_is_refused(n):
    lines = [f'c{i} = "${{c{i + 1}}}"' for i in range(n - 1)] + [f'c{n - 1} = "end"']
    with gocfg.load(gocfg.Text("\n".join(lines), "toml")) as c:
        with pytest.raises(gocfg.InterpolationError) as e:
            c["c0"]
        assert "more than 1000 deep" in str(e.value) and "c0 -> c1" in str(e.value)
        assert len(str(e.value)) < 500
        assert c[f"c{n - 500}"] == "end"


def test_interpolation_budget_from_the_environment():
    out = _child("""
        import gocfg
        c = gocfg.load(gocfg.Text('a = "${b}${b}${b}"\\nb = "x"', "toml"))
        print(c["b"])
        try:
            c["a"]
        except gocfg.InterpolationError as e:
            print(e)
    """, GOCFG_MAX_INTERPOLATION_STEPS="2")
    assert out.splitlines()[0] == "x"
    assert "more than 2 references" in out


def test_realistic_interpolation_unaffected():
    lines = ['domain = "example.org"', 'base = "https://${domain}"']
    for i in range(500):
        lines.append(f'[svc.s{i}]\nhost = "s{i}.${{domain}}"\nurl = "${{base}}/s{i}?h=${{svc.s{i}.host}}"')
    with gocfg.load(gocfg.Text("\n".join(lines), "toml")) as c:
        d = c.to_dict()
    assert d["svc"]["s499"]["url"] == "https://example.org/s499?h=s499.example.org"


@pytest.mark.parametrize("text,fmt,line", [
    ("d = 0000-01-01", "toml", 1),
    ("x = 1\nd = 0000-06-01T10:00:00Z", "toml", 2),
    ("x: 1\nd: !!timestamp 0000-01-01", "yaml", 2),
])
def test_year_zero_is_refused_at_the_door(text, fmt, line):
    with pytest.raises(gocfg.ParseError) as e:
        gocfg.Config.loads(text, fmt)
    assert "year 0" in str(e.value) and f"line {line}" in str(e.value)


def test_date_boundaries_round_trip():
    tz = dt.timezone(dt.timedelta(hours=-23, minutes=-59))
    text = "a = 0001-01-01\nb = 9999-12-31T23:59:59.999999999+23:59\nc = 12:00:00.1234567\n"
    with gocfg.Config.loads(text, "toml") as c:
        assert c["a"] == dt.date(1, 1, 1)
        assert c["b"] == dt.datetime(9999, 12, 31, 23, 59, 59, 999999,
                                     tzinfo=dt.timezone(dt.timedelta(hours=23, minutes=59)))
        assert c["c"] == dt.time(12, 0, 0, 123456)
        assert "999999999" not in c.dumps("toml")  # Go keeps what Python sees
        c["d"] = dt.datetime(1, 1, 1, tzinfo=tz)
        assert c["d"] == dt.datetime(1, 1, 1, tzinfo=tz)
        assert gocfg.Config.loads(c.dumps("toml"), "toml").to_dict() == c.to_dict()
        back = gocfg.Config.loads(c.dumps("yaml"), "yaml")  # YAML has no time of day: c is a string
        assert [back[k] for k in "abd"] == [c[k] for k in "abd"]
        # An offset with seconds cannot be written in any text format.
        with pytest.raises(gocfg.InvalidArgumentError) as e:
            c["e"] = dt.datetime(2020, 1, 1, tzinfo=dt.timezone(dt.timedelta(seconds=3601)))
        assert "whole minutes" in str(e.value)
        assert "e" not in c


_LONG = "x" * 200_000


@pytest.mark.parametrize("text, fmt, quoted", [
    (f"a: *{_LONG}", "yaml", True),                              # an unknown anchor, named
    (f"a = 1\n{_LONG} = 2\n{_LONG} = 3\n", "toml", True),        # a repeated key, quoted
    ("a = 1." + "0" * 200_000 + "e1000", "toml", False),         # a float beyond float64: not quoted
    (f"a = 1\n{_LONG} = 2\n{_LONG} = 3\n", "hcl", True),         # an attribute redefined
    ("a=${" + _LONG, "env", True),                               # an expansion, quoted
])
def test_parse_error_messages_are_bounded(text, fmt, quoted):
    # Messages quote what they are about; a hostile document made each of
    # these as long as itself (a 100 MB key gave a 100 MB exception).
    with pytest.raises(gocfg.ParseError) as e:
        gocfg.Config.loads(text, fmt)
    msg = str(e.value)
    assert len(msg) < 5000
    assert ("bytes left out" in msg) == quoted, msg
    assert msg.startswith("line ")


def test_error_message_of_a_deep_dict_with_long_keys_is_bounded():
    key = "k" * 2000
    d: object = 1
    for _ in range(1001):
        d = {key: d}
    with pytest.raises(gocfg.InvalidArgumentError) as e:
        gocfg.Config(d)
    msg = str(e.value)
    assert len(msg) < 5000
    assert msg.endswith("nested more than 1000 levels deep")


def test_too_deep_hcl_object_says_so_without_go_suffix():
    text = "a = " + "{b = " * 1000 + "1" + "}" * 1000
    with pytest.raises(gocfg.ParseError) as e:
        gocfg.Config.loads(text, "hcl")
    assert "1000 levels" in str(e.value)
    assert not str(e.value).endswith("invalid argument")


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml", "hcl", "properties"])
def test_the_deepest_tree_writes_and_reads_back_in_every_format(fmt):
    # A leaf under 1000 keys is as deep as a config may be: properties
    # refused to write it, and HCL to read back the blocks it wrote.
    deep: object = "v"
    for _ in range(1000):
        deep = {"a": deep}
    cfg = gocfg.Config(deep)
    back = gocfg.Config.loads(cfg.dumps(fmt), fmt)
    assert back == cfg
    assert back["a." * 999 + "a"] == "v"
    with pytest.raises(gocfg.InvalidArgumentError, match="1000 levels"):
        gocfg.Config({"b": deep})


def test_a_deep_config_of_long_keys_compares_and_writes():
    # Diff (so ==) and the encoders joined a path at every level: 999 keys
    # of 10 KB took gigabytes. Here 300 keys of 2 KB, a list under them.
    key = "k" * 2000
    deep: object = {"leaf": 1, "items": list(range(1000))}
    for _ in range(300):
        deep = {key: deep}
    cfg = gocfg.Config(deep)
    other = cfg.copy()
    assert cfg == other
    other[".".join([key] * 300 + ["leaf"])] = 2
    (path,) = cfg.diff(other).changed
    assert path.endswith(".leaf") and len(path) == 300 * 2001 + 4
    for fmt in ("json", "yaml", "toml"):
        assert gocfg.Config.loads(cfg.dumps(fmt), fmt) == cfg


def test_a_yaml_merge_chain_is_bounded_as_an_alias_bomb():
    # Each mapping merges the one before: 400 lines (10 KB) made the
    # decoder copy entries with the cube of the length, uncounted.
    text = "a0: &a0 {x0: 0}\n" + "".join(f"a{i}: &a{i} {{<<: *a{i - 1}, x{i}: {i}}}\n" for i in range(1, 400))
    with pytest.raises(gocfg.ParseError, match="alias bomb"):
        gocfg.Config.loads(text, "yaml")
    short = "a0: &a0 {x0: 0}\n" + "".join(f"a{i}: &a{i} {{<<: *a{i - 1}, x{i}: {i}}}\n" for i in range(1, 30))
    assert gocfg.Config.loads(short, "yaml")["a29"] == {f"x{i}": i for i in range(30)}


@pytest.mark.parametrize("leaf", ["v", dt.date(2020, 1, 2)])
def test_a_config_at_the_depth_bound_goes_through_every_entry_point(leaf, tmp_path):
    # A value under 1000 keys is as deep as a config may be. A date there
    # was refused from Python (its tag counted as a level, and the slow
    # path ran into the interpreter's recursion limit first: "nested too
    # deeply"); at any leaf, a pickle did not load back (its state map
    # counted), and dumps_all and so `gocfg show` refused the document (the
    # list of documents counted).
    import pickle
    deep: object = leaf
    for _ in range(1000):
        deep = {"a": deep}
    path = "a." * 999 + "a"
    cfg = gocfg.Config(deep)
    assert cfg[path] == leaf
    assert pickle.loads(pickle.dumps(cfg)) == cfg
    layered = gocfg.load(deep)
    assert pickle.loads(pickle.dumps(layered)) == layered
    assert gocfg.loads_all(gocfg.dumps_all([cfg, deep], "yaml"), "yaml") == [cfg, cfg]
    other = gocfg.Config()
    other["a"] = deep["a"]  # type: ignore[index]
    assert other == cfg
    file = tmp_path / "deep.yaml"
    cfg.save(file)
    r = run_cli("show", file)
    assert r.returncode == 0, r.stderr
    assert gocfg.Config.loads(r.stdout, "yaml") == cfg
    too: object = {"b": deep}
    with pytest.raises(gocfg.InvalidArgumentError, match="nested more than 1000 levels deep"):
        gocfg.Config(too)
    with pytest.raises(gocfg.InvalidArgumentError, match="nested more than 1000 levels deep"):
        gocfg.dumps_all([too], "json")


def test_document_bound_set_from_python_before_the_first_load(tmp_path):
    # The Go runtime of a shared library sees only the environment the
    # process started with: a bound set in os.environ, as a notebook sets
    # it, was silently not applied.
    out = _child("""
        import os
        os.environ["GOCFG_MAX_DOCUMENT_BYTES"] = "1KiB"
        import gocfg
        try:
            gocfg.Config.loads('{"a": "' + "x" * 2000 + '"}', "json")
            print("accepted")
        except gocfg.InvalidArgumentError as e:
            print(e)
    """)
    assert "over the document size limit of 1 KiB" in out


def test_a_document_at_the_size_bound_goes_through_every_entry_point(tmp_path):
    # The bound is the document's size: a file of exactly that size loads
    # everywhere. Its encoded tree (a little larger) and the environment
    # snapshot were held to it as well, so load_all(), `gocfg get`, and
    # gocfg.load() in a process whose environment was larger than the
    # bound, failed where Config.load() succeeded.
    at, over = tmp_path / "at.json", tmp_path / "over.json"
    at.write_text('{"a": "' + "x" * (1024 - 9) + '"}')
    over.write_text('{"a": "' + "x" * (1025 - 9) + '"}')
    env_file = tmp_path / "at.env"
    env_file.write_text("a=" + "y" * (1024 - 3) + "\n")
    assert at.stat().st_size == 1024 and over.stat().st_size == 1025 and env_file.stat().st_size == 1024
    out = _child(f"""
        import gocfg
        for name, read in [
            ("load", lambda p: gocfg.Config.load(p)["a"]),
            ("load_all", lambda p: gocfg.load_all(p)[0]["a"]),
            ("layers", lambda p: gocfg.load(p)["a"]),
        ]:
            print(name, len(read({str(at)!r})))
            try:
                read({str(over)!r})
            except gocfg.InvalidArgumentError as e:
                print(name, "refused", "1025 bytes is over the document size limit" in str(e))
        print("env_file", len(gocfg.load(env_file={str(env_file)!r})["a"]))
    """, GOCFG_MAX_DOCUMENT_BYTES="1KiB", GOCFG_PADDING="z" * 4000)
    for name in ("load", "load_all", "layers"):
        assert f"{name} 1015\n{name} refused True\n" in out
    assert "env_file 1021" in out
    r = run_cli("get", at, "a", env={"GOCFG_MAX_DOCUMENT_BYTES": "1KiB"})
    assert r.returncode == 0 and len(r.stdout) == 1016, r.stderr
    r = run_cli("get", over, "a", env={"GOCFG_MAX_DOCUMENT_BYTES": "1KiB"})
    assert r.returncode == 1 and "1025 bytes is over the document size limit" in r.stderr


def test_a_key_longer_than_a_mebibyte_can_be_read_and_changed():
    # A document may hold a key as long as itself, but paths were held to
    # the 1 MiB of names and URLs: such a key loaded and could never be
    # read, set, deleted or asked about ("path length ... is over the
    # limit of 1 MiB"). So was a deep path of long keys.
    key = "k" * ((1 << 20) + 1)
    cfg = gocfg.Config.loads('{"' + key + '": 1}', "json")
    assert cfg[(key,)] == 1 and (key,) in cfg
    cfg[(key,)] = 2
    assert cfg.to_dict() == {key: 2}
    del cfg[(key,)]
    assert len(cfg) == 0
    long = "k" * 5000
    deep: object = "leaf"
    for _ in range(300):
        deep = {long: deep}
    assert gocfg.Config(deep)[".".join([long] * 300)] == "leaf"  # a 1.5 MB path
