"""Hostile paths and references: index spellings, tuple segments, references
that reach through themselves. Each test runs the real library through the
real binding (and the CLI as a process, on real files)."""
from __future__ import annotations

import re

import gocfg
import pytest
from support.cli import run_cli as run

# Segments that int() or strconv.Atoi read as a number but that are not the
# canonical decimal spelling of an index: other keys, absent from a list.
NOT_INDEXES = ["+1", "-0", "+0", "-1", "01", "00", " 1", "1 ", "1_0", "\u0663", "\uff11", "1e0", "0x1",
               "1" + "0" * 40]
ITEMS = [10, 20, 30]


@pytest.mark.parametrize("seg", NOT_INDEXES)
def test_only_canonical_decimal_indexes_a_list(seg):
    path = "l." + seg
    with gocfg.Config({"l": ITEMS}) as cfg:
        with pytest.raises(gocfg.KeyNotFoundError, match="is not an index in it") as e:
            cfg[path]
        assert e.value.path == path
        assert path not in cfg
        assert cfg.get(path, "d") == "d"
        assert cfg.pop(path, "d") == "d"
        with pytest.raises(gocfg.KeyNotFoundError):
            del cfg[path]
        with pytest.raises(gocfg.KeyNotFoundError):
            cfg[path] = "x"
        with pytest.raises(gocfg.KeyNotFoundError):
            cfg.get_int(path)
        assert cfg.to_dict() == {"l": ITEMS}
        # The canonical spelling still reads, writes and deletes.
        assert cfg["l.1"] == 20 and "l.1" in cfg


@pytest.mark.parametrize("seg", ["+1", "-0", "01"])
def test_overrides_env_and_references_take_the_same_rule(seg, monkeypatch):
    with pytest.raises(gocfg.KeyNotFoundError, match="is not an index in it"):
        gocfg.load(defaults={"l": ITEMS}, overrides=[f"l.{seg}=x"])
    monkeypatch.setenv(f"APP_L__{seg}", "x")
    with pytest.raises(gocfg.KeyNotFoundError, match=re.escape(f"APP_L__{seg}")):
        gocfg.load(defaults={"l": ITEMS}, env_prefix="APP")
    monkeypatch.delenv(f"APP_L__{seg}")
    cfg = gocfg.load(defaults={"l": ITEMS, "r": "${l.%s}" % seg, "ok": "${l.1}"})
    assert cfg["ok"] == 20
    with pytest.raises(gocfg.InterpolationError, match="is not an index in it"):
        cfg["r"]


def test_cli_get_takes_the_same_rule(tmp_path):
    mapping = tmp_path / "l.yaml"
    mapping.write_text("l: [10, 20, 30]\n")
    listed = tmp_path / "root.yaml"  # a list root: the CLI walks it in Python
    listed.write_text("- a\n- b\n")
    for path, seg in ((mapping, "l.+1"), (mapping, "l.-0"), (listed, "01"), (listed, "+1"), (listed, "-1")):
        r = run("get", path, seg)
        assert r.returncode == 1 and r.stdout == "" and f"no value at '{seg}'" in r.stderr, (seg, r)
    assert run("get", mapping, "l.1").stdout == "20\n"
    assert run("get", listed, "1").stdout == "b\n"


@pytest.mark.parametrize("seg", [-1, -3, -4, -(2**70)])
def test_negative_int_in_a_tuple_path_is_no_index(seg):
    key = ("l", seg)
    with gocfg.Config({"l": ITEMS, "m": {"-1": "minus one"}}) as cfg:
        with pytest.raises(gocfg.KeyNotFoundError, match="is not an index in it") as e:
            cfg[key]
        assert e.value.path == f"l.{seg}"
        assert key not in cfg
        assert cfg.get(key) is None and cfg.get(key, "d") == "d"
        assert cfg.pop(key, "d") == "d"
        with pytest.raises(gocfg.KeyNotFoundError):
            del cfg[key]
        with pytest.raises(gocfg.KeyNotFoundError):
            cfg[key] = "x"
        assert cfg.to_dict()["l"] == ITEMS
        # An int in a tuple path is spelt as a bare number is: in a map it
        # is the key of those digits, as "m.-1" is.
        assert cfg[("m", -1)] == cfg["m.-1"] == "minus one"


def test_a_negative_int_in_a_tuple_path_writes_as_its_dot_path_does():
    # Where nothing exists yet, ("new", -1, "x") is the key "-1", as
    # "new.-1.x" is; it was refused as a list index that needs a list.
    with gocfg.Config() as by_tuple, gocfg.Config() as by_text:
        by_tuple[("new", -1, "x")] = 1
        by_text["new.-1.x"] = 1
        assert by_tuple.to_dict() == by_text.to_dict() == {"new": {"-1": {"x": 1}}}
        assert by_tuple[("new", -1, "x")] == 1
        with pytest.raises(gocfg.KeyNotFoundError, match="a write creates no lists"):
            by_tuple[("other", 1, "x")] = 1  # a plain index still needs its list


@pytest.mark.parametrize("seg", [True, False, 1.0, None, b"1", [1]])
def test_wrong_type_in_a_tuple_path_is_a_type_error_naming_it(seg):
    key = ("l", seg)
    with gocfg.Config({"l": ITEMS}) as cfg:
        for op in (lambda: cfg[key], lambda: key in cfg, lambda: cfg.get(key), lambda: cfg.pop(key, "d"),
                   lambda: cfg.__delitem__(key), lambda: cfg.__setitem__(key, 1)):
            with pytest.raises(TypeError, match=r"path segments must be str or int, not .*: segment 1 is "):
                op()
        assert cfg.to_dict() == {"l": ITEMS}


def test_huge_int_in_a_tuple_path_is_a_clear_error():
    with gocfg.Config({"l": ITEMS}) as cfg:
        key = ("l", 2**70)
        assert key not in cfg and cfg.pop(key, "d") == "d"
        with pytest.raises(gocfg.KeyNotFoundError, match="is not an index in it"):
            cfg[key]
        for big in (10**5000, -(10**5000)):
            with pytest.raises(gocfg.InvalidArgumentError, match="path segment 1 is an int of more than 4,300 digits"):
                cfg[("l", big)]
            with pytest.raises(TypeError, match="not NoneType: segment 1 is None"):
                cfg[("l", None, big)]  # the message quotes no 5001 digits


def test_stored_form_of_a_section_follows_the_index_rule():
    # A Section of the map key "-1" whose map became a list: its stored
    # form (Python walks the stored tree) finds nothing there, as a read
    # does, instead of Python's l[-1], the list's last item.
    with gocfg.Config({"m": {"-1": {"a": 1}}}) as cfg:
        s = cfg["m.-1"]
        cfg["m"] = [{"a": "first"}, {"a": "last"}]
        for resolve in (True, False):
            with pytest.raises(gocfg.KeyNotFoundError, match="is not an index in it"):
                s.to_dict(resolve=resolve)


@pytest.fixture
def through(tmp_path):
    path = tmp_path / "app.yaml"
    path.write_text('b:\n  x: 1\n  y: {z: "$${lit}"}\nl: [10, 20]\ns: 5\n'
                    'a: ${b}\nal: ${l}\nas: ${s}\nchain: ${a}\n')
    return gocfg.load(str(path))


@pytest.mark.parametrize("path,value", [("a.x", 1), ("a.y.z", "${lit}"), ("al.1", 20), ("chain.x", 1),
                                        ("chain.y.z", "${lit}")])
def test_explain_through_a_reference_gives_what_a_read_gives(through, path, value):
    # It raised "a is a string, not a map or list" for a path that
    # cfg[path] reads; the row's origin is origin()'s: the reference's.
    assert through[path] == value
    rows = through.explain(path)
    assert [(r.path, r.value, r.error) for r in rows] == [(path, value, None)]
    assert rows[0].origin == through.origin(path) == through.history(path)[-1]
    assert rows[0].origin.name.endswith("app.yaml") and rows[0].origin.line > 5


def test_explain_through_a_reference_lists_the_leaves_below(through):
    assert [(r.path, r.value) for r in through.explain("a.y")] == [("a.y.z", "${lit}")]
    assert [(r.path, r.value) for r in through.explain("a")] == [("a", {"x": 1, "y": {"z": "${lit}"}})]


@pytest.mark.parametrize("path", ["a.nope", "al.2", "al.+1", "as.x", "a.x.deeper"])
def test_explain_through_a_reference_misses_as_a_read_does(through, path):
    with pytest.raises(gocfg.KeyNotFoundError) as read:
        through[path]
    with pytest.raises(gocfg.KeyNotFoundError) as explained:
        through.explain(path)
    assert explained.value.path == read.value.path == path


def test_validate_at_reads_a_literal_dollar_brace_once(through):
    # validate(at=) resolved a string (or a list) a second time, taking
    # the literal "$${lit}", read "${lit}", for the reference ${lit}.
    through.validate({"const": "${lit}"}, at="a.y.z")
    through.validate({"const": "${lit}"}, at="b.y.z")
    through.validate({"const": {"z": "${lit}"}}, at="a.y")
    through["lits"] = ["$${x}", "$${y}"]
    through.validate({"const": ["${x}", "${y}"]}, at="lits")


@pytest.mark.parametrize("text,key,chains", [
    ('a: {b: "${a}"}\n', "a", ["a.b -> a -> a.b"]),
    ('a: ["${a}"]\n', "a", ["a.0 -> a -> a.0"]),
    ('a: {b: {c: "${a.b}"}}\n', "a", ["a.b.c -> a.b -> a.b.c"]),
    ('x: "${x}"\n', "x", ["x -> x"]),
    ('a: "${b}"\nb: "${c}"\nc: "${a}"\n', "a", ["a -> b -> c -> a"]),
    # Read from a or from b: the same cycle, entered at another step.
    ('a: ${b}\nb: {x: "${a}"}\n', "b", ["b.x -> a -> b -> b.x", "a -> b -> b.x -> a"]),
    ('a: ${b}\nb: {k: "${c}"}\nc: ${a}\n', "b", ["b.k -> c -> a -> b -> b.k", "a -> b -> b.k -> c -> a"]),
])
def test_a_reference_that_contains_itself_is_a_cycle_naming_every_step(tmp_path, text, key, chains):
    # Every read says so with the whole chain (the container a reference
    # brought in, and the strings followed to it, were left out: "a.b ->
    # a.b"), never a recursion error, a hang or a huge value.
    path = tmp_path / "app.yaml"
    path.write_text(text)
    cfg = gocfg.load(str(path))

    def named(message):
        return any(f"reference cycle: {chain}" in message for chain in chains)

    for read in (lambda: cfg[key], lambda: cfg.to_dict(), lambda: cfg[key].to_dict(), lambda: cfg.resolve()):
        try:
            read()
        except gocfg.InterpolationError as e:
            assert named(str(e)), str(e)
        else:
            assert isinstance(cfg[key], gocfg.Section)  # a Section is made; reading it raises
    assert named(repr(cfg)) and named(cfg.show())
    errors = [leaf.error for leaf in cfg.explain() if leaf.error]  # each row from its own path
    assert any(named(e) for e in errors) and all("reference cycle: " in e for e in errors)
    r = run("show", path)
    assert r.returncode == 1 and named(r.stderr) and "Traceback" not in r.stderr


def _nested(levels, leaf):
    top = node = {}
    for _ in range(levels - 1):
        node["k"] = node = {}
    node["end"] = leaf
    return top


def _levels_and_leaf(d):
    # Walked without recursion: == and repr() on 999 levels pass Python's
    # recursion limit under pytest.
    levels = 1
    while "k" in d:
        d, levels = d["k"], levels + 1
    return levels, d["end"]


@pytest.mark.parametrize("copies", [2, 30])
def test_references_nest_no_deeper_than_the_nesting_limit(tmp_path, copies):
    # b1 holds ${b0} 999 levels down: read, it nested 1,998 levels (which
    # nothing could write or store back once resolve() kept it), and 30
    # such maps 30,000 levels, which Python's marshal refused after
    # seconds with "ValueError: recursion limit exceeded".
    defaults = {"b0": _nested(999, 1)}
    for i in range(1, copies):
        defaults[f"b{i}"] = _nested(999, "${b%d}" % (i - 1))
    defaults["ok"] = "${b0}"  # 1 + 999 levels: as deep as a value may be
    cfg = gocfg.load(defaults=defaults)
    assert _levels_and_leaf(cfg["ok"].to_dict()) == (999, 1)
    top = f"b{copies - 1}"
    for read in (cfg.to_dict, cfg[top].to_dict, cfg.resolve, lambda: cfg.validate({}, at=top),
                 lambda: cfg.dumps("json")):
        with pytest.raises(gocfg.InterpolationError, match="references nest the value read more than 1000 levels deep"):
            read()
    assert "more than 1000 levels deep" in repr(cfg)
    stored = cfg.to_dict(resolve=False)  # nothing was changed
    assert _levels_and_leaf(stored[top]) == (999, "${b%d}" % (copies - 2))
    path = tmp_path / "deep.yaml"
    path.write_text(cfg.dumps("yaml", resolve=False))
    r = run("show", path)
    assert r.returncode == 1 and "more than 1000 levels deep" in r.stderr and "Traceback" not in r.stderr
