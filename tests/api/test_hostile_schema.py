"""Hostile schemas and documents for Config.validate()."""
from __future__ import annotations

import dataclasses

import gocfg
import pytest


@pytest.mark.parametrize("ref", ["file:///etc/passwd", "http://127.0.0.1:9/s.json", "https://example.com/s.json",
                                 "other.json", "/etc/hostname"])
def test_a_schema_fetches_nothing(ref, no_leaks):
    # Neither the network nor a local file: the reference is refused,
    # naming it, also from a schema given as a resource.
    with gocfg.Config({"a": 1}) as cfg:
        for schema, resources in (({"$ref": ref}, None), ({"$schema": ref}, None),
                                  ({"$ref": "http://x/s.json"}, {"http://x/s.json": {"$ref": ref}})):
            with pytest.raises(gocfg.InvalidArgumentError, match="gocfg does not fetch schemas"):
                cfg.validate(schema, resources=resources)


def test_ref_cycles_and_deep_schemas_are_refused(no_leaks):
    deep: dict = {}
    cur = deep
    for _ in range(5000):
        cur["not"] = {}
        cur = cur["not"]
    with gocfg.Config({"a": 1}) as cfg:
        with pytest.raises(gocfg.InvalidArgumentError, match=r"\$ref cycle"):
            cfg.validate({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"})
        with pytest.raises(gocfg.InvalidArgumentError, match="nests too deeply"):
            cfg.validate(deep)


def test_violation_messages_are_bounded(no_leaks):
    # A pattern's failure quoted a 1 MB value whole; an enum of 100,000
    # values of 1 KB listed them all: a 100 MB message (21 s).
    with gocfg.Config({"a": "x" * 1_000_000, "n": 5, "c": 1}) as cfg:
        with pytest.raises(gocfg.ValidationError) as info:
            cfg.validate({"properties": {"a": {"pattern": "^(a+)+$"}, "n": {"enum": ["y" * 1000] * 20_000},
                                         "c": {"const": "z" * 1_000_000}}})
        assert len(info.value.errors) == 3
        assert all(len(v.message) < 5000 for v in info.value.errors), [len(v.message) for v in info.value.errors]
        (enum,) = [v for v in info.value.errors if v.keyword == "enum"]
        assert enum.message.endswith(", ... (20000 values in all)"), enum.message[-200:]


def test_violations_of_secrets_do_not_quote_them(no_leaks):
    with gocfg.Config({"password": "hunter2-\x1b[2J-secret", "db": {"token": "tok-123456"}}) as cfg:
        for rule in ({"enum": ["a"]}, {"const": "a"}, {"pattern": "^z"}, {"format": "email"}, {"maxLength": 2},
                     {"type": "integer"}):
            schema = {"properties": {"password": rule, "db": {"properties": {"token": rule}}}}
            with pytest.raises(gocfg.ValidationError) as info:
                cfg.validate(schema)
            text = str(info.value) + repr(info.value.errors)
            assert "hunter2" not in text and "tok-123456" not in text, text


def test_a_validation_error_message_lists_a_bounded_number_of_problems(no_leaks):
    # A config of 200,000 keys that a dataclass does not know made a 10 MB
    # message (one line each); .errors keeps every problem.
    @dataclasses.dataclass
    class Settings:
        port: int = 0

    with gocfg.Config({"x" * 100_000: 1, **{f"k{i}": "v" for i in range(5000)}}) as cfg:
        with pytest.raises(gocfg.ValidationError) as info:
            cfg.to(Settings)
    text = str(info.value)
    assert len(info.value.errors) == 5001
    assert text.count("\n") == 1 + gocfg.ValidationError.MAX_SHOWN and len(text) < 100 * 1000, len(text)
    assert text.endswith(f"... and {5001 - gocfg.ValidationError.MAX_SHOWN} more (all of them in .errors)")
