"""gocfg.Config follows the mapping protocol, with a dict as the oracle."""
from __future__ import annotations

import random
import string

import gocfg
import pytest


def test_quickstart_shape(no_leaks):
    with gocfg.Config() as cfg:
        cfg["name"] = "demo"
        assert cfg["name"] == "demo"
        assert len(cfg) == 1
        assert cfg.to_dict() == {"name": "demo"}


def test_random_operations_match_dict(no_leaks):
    rng = random.Random(20261123)
    alphabet = string.ascii_letters + "é✓ -_"  # no "." or '"': those make paths
    keys = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))) for _ in range(60)]
    oracle: dict = {}
    with gocfg.Config() as cfg:
        for step in range(10_000):
            op = rng.randrange(10)
            key = rng.choice(keys)
            if op < 4:
                value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 700)))
                cfg[key] = value
                oracle[key] = value
            elif op < 6:
                if key in oracle:
                    del cfg[key]
                    del oracle[key]
                else:
                    with pytest.raises(KeyError):
                        del cfg[key]
            elif op < 8:
                if key in oracle:
                    assert cfg[key] == oracle[key]
                else:
                    with pytest.raises(KeyError):
                        cfg[key]
            elif op == 8:
                assert (key in cfg) == (key in oracle)
                assert cfg.get(key, "dflt") == oracle.get(key, "dflt")
            else:
                if rng.random() < 0.01:
                    cfg.clear()
                    oracle.clear()
                assert len(cfg) == len(oracle)
                assert list(cfg) == list(oracle), f"step {step}: order differs"
        assert cfg.to_dict() == oracle
        assert list(cfg.items()) == list(oracle.items())
        assert list(cfg.values()) == list(oracle.values())
        assert cfg == oracle


def test_mapping_methods(no_leaks):
    with gocfg.Config({"a": "1"}, b="2") as cfg:
        assert dict(cfg) == {"a": "1", "b": "2"}
        cfg.update({"c": "3"}, d="4")
        cfg.update([("e", "5")])
        assert list(cfg.keys()) == ["a", "b", "c", "d", "e"]
        assert cfg.pop("e") == "5"
        assert cfg.setdefault("a", "x") == "1"
        assert cfg.setdefault("z", "26") == "26"
        assert cfg.get("missing") is None
        assert "missing" not in cfg and 42 not in cfg
        cfg["a"] = "one"  # replacing keeps the key's place
        assert list(cfg)[0] == "a" and cfg["a"] == "one"
        with gocfg.Config(cfg) as other:
            assert other == cfg and other is not cfg
            other["a"] = "changed"
            assert other != cfg
        assert cfg != {"a": "one"}


def test_missing_key_is_keyerror_with_key(no_leaks):
    with gocfg.Config() as cfg:
        with pytest.raises(KeyError) as info:
            cfg["nope"]
        assert info.value.args[0] == "nope"
        assert isinstance(info.value, gocfg.KeyNotFoundError)
        assert isinstance(info.value, gocfg.Error)


def test_long_and_unicode_values(no_leaks):
    with gocfg.Config() as cfg:
        for size in (0, 1, 511, 512, 513, 100_000):
            cfg[f"k{size}"] = "é" * size
            assert cfg[f"k{size}"] == "é" * size
        cfg["emoji 🎉"] = "値 ✓"
        assert cfg["emoji 🎉"] == "値 ✓"
        assert cfg.to_dict()["emoji 🎉"] == "値 ✓"


def test_repr(no_leaks):
    cfg = gocfg.Config({f"k{i}": str(i) for i in range(20)})
    text = repr(cfg)
    assert text.startswith("<gocfg.Config 20 keys {'k0': '0'")
    assert "(12 more)" in text
    cfg.close()
    assert repr(cfg) == "<gocfg.Config (closed)>"


def test_repr_counts_keys_and_says_why_it_cannot_show_them(no_leaks):
    with gocfg.Config({"a": 1}) as one:
        assert repr(one) == "<gocfg.Config 1 key {'a': 1}>"
    # A reference cycle: the repr names it, and shows no made-up mapping
    # (it used to read "1 keys {'<unresolved>': ...}" for a 3-key config).
    with gocfg.load(overrides=["a=${b}", "b=${a}", "c=1"]) as cyc:
        assert repr(cyc) == "<gocfg.Config (cannot be shown: a: reference cycle: a -> b -> a)>"
    with gocfg.Config({"m": {"k": 1}}) as cfg:
        section = cfg["m"]
        del cfg["m"]
        assert repr(section).startswith("<gocfg.Section 'm' (cannot be shown: ")


def test_to_json(no_leaks):
    import json

    with gocfg.Config({"a": 'quote " and <tag>'}) as cfg:
        assert json.loads(cfg.to_json()) == {"a": 'quote " and <tag>'}


def test_unhashable(no_leaks):
    with gocfg.Config() as cfg:
        with pytest.raises(TypeError):
            hash(cfg)


@pytest.mark.parametrize("key", ["", ()], ids=["empty-str", "empty-tuple"])
def test_the_empty_path_is_never_written_or_deleted_through_a_key(no_leaks, key):
    # The empty path names the section itself: `del cfg[""]` used to empty
    # the whole Config, and `del section[""]` to remove the section.
    with gocfg.Config({"a": 1, "b": {"c": 2}}) as cfg:
        section = cfg["b"]
        for op in (lambda: cfg.__delitem__(key), lambda: cfg.pop(key), lambda: cfg.pop(key, None),
                   lambda: cfg.__setitem__(key, {"z": 1}), lambda: cfg.__setitem__(key, "x"),
                   lambda: section.__delitem__(key), lambda: section.__setitem__(key, "x")):
            with pytest.raises(KeyError, match="the empty path"):
                op()
        assert cfg.to_dict() == {"a": 1, "b": {"c": 2}}
        # The key "" itself is its quoted segment.
        cfg['""'] = 5
        assert cfg['""'] == 5 and cfg.to_dict()[""] == 5
        del cfg['""']
        assert cfg.to_dict() == {"a": 1, "b": {"c": 2}}


def test_an_int_subclass_in_a_tuple_path_is_its_value(no_leaks):
    class Shifty(int):
        def __str__(self) -> str:
            return "1"

        __repr__ = __str__

    with gocfg.Config({"a": ["zero", "one"]}) as cfg:
        assert cfg[("a", Shifty(0))] == "zero"
        cfg[("a", Shifty(0))] = "changed"
        assert cfg.to_dict() == {"a": ["changed", "one"]}


def test_items_and_values_skip_a_key_removed_while_iterating(no_leaks):
    # Iteration walks a snapshot of the keys, and the README allows changing
    # the Config meanwhile. items() and values() read each key of that
    # snapshot: one removed by the loop's body (or another thread, or a
    # watched Config's watcher) raised KeyNotFoundError out of the loop. A
    # removed key is now skipped; a changed one gives its new value.
    cfg = gocfg.Config({"a": 1, "b": 2, "c": 3, "d": {"x": 4}})
    seen = []
    for k, v in cfg.items():
        seen.append((k, v if not isinstance(v, gocfg.Section) else v.to_dict()))
        if k == "a":
            del cfg["c"]
            cfg["b"] = 20
    assert seen == [("a", 1), ("b", 20), ("d", {"x": 4})]
    got = []
    for v in cfg["d"].values():
        got.append(v)
        cfg["d"] = {"y": 5}
    assert got == [4]
    values = []
    for v in cfg.values():
        values.append(v if not isinstance(v, gocfg.Section) else v.to_dict())
        cfg.pop("d", None)
    assert values == [1, 20]
    cfg.close()


def test_dict_of_a_config_subscripts_its_keys_as_paths_as_the_readme_says(no_leaks):
    """README, "Values, paths and sections": dict(cfg) and {**cfg} read each
    key as a path, so a key holding a dot raises there; to_dict() and
    dict(cfg.items()) read keys literally. (Should dict(cfg) read them
    literally one day, the README's sentence goes with this test.)"""
    with gocfg.Config({"files.exclude": {"**/.git": True}, "editor.fontSize": 12}) as cfg:
        assert cfg.to_dict() == {"files.exclude": {"**/.git": True}, "editor.fontSize": 12}
        assert dict(cfg.items()) == {"files.exclude": {"**/.git": True}, "editor.fontSize": 12}
        with pytest.raises(gocfg.KeyNotFoundError, match=r"did you mean '\"files\.exclude\"'"):
            dict(cfg)
        with pytest.raises(gocfg.KeyNotFoundError):
            _ = {**cfg}
