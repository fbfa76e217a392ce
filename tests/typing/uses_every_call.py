"""A script that uses every public call of gocfg, as a user's script would.

tests/api/test_typing.py checks it with ``mypy --strict`` (it must pass),
runs it (it must work), and plants typos into copies of it (mypy must
report each). The ``assert_type`` calls pin the types the API promises:
a getter without a default returns its type, with one its type or the
default's; ``to(cls)`` returns a ``cls``; ``load()`` a Config.

It writes only into the directory given as its argument (a temporary
one when run directly).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
import tempfile
from typing import Any, Dict, List, Optional, Tuple, Union

import gocfg
from typing_extensions import assert_type


@dataclasses.dataclass
class Server:
    host: str
    port: int = 8080


@dataclasses.dataclass
class App:
    server: Server
    debug: bool = False
    timeout: dt.timedelta = dt.timedelta(seconds=30)
    tags: List[str] = dataclasses.field(default_factory=list)


def main(work: str) -> None:
    path = os.path.join(work, "app.yaml")
    with open(path, "w") as f:
        f.write("server:\n  host: example.org\n  port: 9000\ntimeout: 1m\ntags: [a, b]\n")

    # --- building: gocfg.load(), File, Text, Config(...), load/loads
    cfg = gocfg.load(gocfg.File(path), gocfg.Text("debug: true", "yaml", name="inline"),
                     defaults={"server": {"host": "localhost"}}, env_prefix="TYPING_DEMO",
                     overrides=["tags=a,b"], environ={})
    assert_type(cfg, gocfg.Config)
    plain = gocfg.Config({"a": 1}, b=2)
    assert_type(gocfg.Config.load(path), gocfg.Config)
    assert_type(gocfg.Config.loads("a = 1", "toml"), gocfg.Config)
    assert_type(gocfg.load_all(path), List[gocfg.Config])
    assert_type(gocfg.loads_all("a: 1\n---\nb: 2\n", "yaml"), List[gocfg.Config])
    assert_type(gocfg.Config.load_all(path), List[gocfg.Config])
    assert_type(gocfg.Config.loads_all("a: 1", "yaml"), List[gocfg.Config])

    # --- typed reads: the type follows from the call
    assert_type(cfg.get_int("server.port"), int)
    assert_type(cfg.get_int("server.missing", None), Optional[int])
    assert_type(cfg.get_int("server.missing", "n/a"), Union[int, str])
    assert_type(cfg.get_float("server.port"), float)
    assert_type(cfg.get_float("nope", 0.5), float)
    assert_type(cfg.get_bool("debug"), bool)
    assert_type(cfg.get_bool("nope", None), Optional[bool])
    assert_type(cfg.get_str("server.host"), str)
    assert_type(cfg.get_str("nope", None), Optional[str])
    assert_type(cfg.get_list("tags"), List[Any])
    assert_type(cfg.get_list("nope", None), Optional[List[Any]])
    assert_type(cfg.get_duration("timeout"), dt.timedelta)
    assert_type(cfg.get_duration("nope", None), Optional[dt.timedelta])
    app = cfg.to(App, strict=False)
    assert_type(app, App)
    port: int = app.server.port
    assert port == 9000

    # --- the mapping
    value: Any = cfg["server.port"]
    by_tuple: Any = cfg[("server", "port")]
    assert value == by_tuple == 9000
    section = cfg["server"]
    assert isinstance(section, gocfg.Section)
    assert_type(section.path, str)
    via_attr: Any = cfg.server.port  # attribute access: dynamic, typed Any
    assert via_attr == 9000
    plain["c"] = [1, 2]
    plain.update({"d": {"e": 1}}, f=3)
    plain.setdefault("g", 4)
    del plain["g"]
    assert "c" in plain and len(plain) == 5
    keys: List[str] = list(plain)
    items: List[Tuple[str, Any]] = list(plain.items())
    values: List[Any] = list(plain.values())
    assert keys and items and values
    got: Optional[Any] = plain.get("zz")
    assert got is None
    assert plain.get(("d", "e")) == 1 and plain.get("zz", 0) == 0  # tuple paths type-check too
    assert_type(plain.to_dict(), Dict[str, Any])
    assert plain.pop("f") == 3
    key, _ = plain.popitem()
    assert_type(key, str)
    copied = plain.copy()
    assert_type(copied, gocfg.Config)
    copied.clear()

    # --- provenance, display, validation
    origin = cfg.origin("server.port")
    assert_type(origin, Optional[gocfg.Origin])
    assert origin is not None and origin.line == 3
    history: List[gocfg.Origin] = cfg.history("server.port")
    leaves: List[gocfg.Leaf] = cfg.explain()
    assert history and leaves
    assert_type(cfg.show(), str)
    diff = cfg.diff(plain)
    assert_type(diff, gocfg.Diff)
    changes: List[gocfg.Change] = list(diff)
    assert changes and diff.lines()
    cfg.validate({"type": "object", "required": ["server"]})
    try:
        cfg.validate({"type": "object", "required": ["nope"]})
    except gocfg.ValidationError as e:
        errors: List[Tuple[str, str]] = e.errors
        assert errors
    schema: Dict[str, Any] = gocfg.json_schema(App)
    assert schema["type"] == "object"
    assert_type(gocfg.is_secret("db.password"), bool)
    gocfg.set_secret_pattern(None)
    counters: Dict[str, int] = gocfg.stats()
    assert "live_handles" in counters

    # --- layers, formats, files
    assert_type(cfg.add_layer({"extra": 1}), bool)
    assert_type(cfg.resolve(), gocfg.Config)
    assert_type(cfg.dumps("json"), str)
    assert_type(cfg.to_json(), str)
    cfg.save(os.path.join(work, "out.toml"))
    assert_type(cfg.freeze(), gocfg.Config)
    assert_type(cfg.frozen, bool)
    doc: Any = gocfg.read(path)
    docs: List[Any] = gocfg.read_all(path)
    assert doc and docs and gocfg.reads("a: 1", "yaml") == {"a": 1}
    assert gocfg.reads_all("a: 1", "yaml") == [{"a": 1}]
    assert_type(gocfg.dumps_all([{"a": 1}], "yaml"), str)

    # --- errors: each a subclass of the matching built-in
    try:
        cfg["server.prot"]
    except gocfg.KeyNotFoundError as e:
        assert_type(e.path, Optional[str])
        assert_type(e.suggestions, List[str])
        assert e.suggestions == ["server.port"]
    try:
        gocfg.Config.load(os.path.join(work, "missing.yaml"))
    except gocfg.MissingFileError as e:
        assert isinstance(e, FileNotFoundError)

    # --- databases
    with gocfg.Database.open("memory://") as db:
        revision: int = db.save("app", cfg)
        assert_type(db.load("app"), gocfg.Config)
        loaded, rev = db.load_with_revision("app")
        assert_type(rev, int)
        loaded.close()
        names: List[str] = db.names()
        assert names == ["app"] and revision == rev
        assert_type(db.history("app"), List[Tuple[int, dt.datetime]])
        assert_type(db.query("app:server.port"), List[Tuple[str, str, Any]])
        with db.watch("app", timeout=0) as watch:
            events: List[gocfg.WatchEvent] = list(watch)
            assert isinstance(events, list)
        db.delete("app")

    # --- a watched config
    watched = gocfg.load(path, gocfg.Stored("memory://", "absent", optional=True), watch=True)
    assert_type(watched, gocfg.WatchedConfig)  # watch=True says so, before any isinstance()
    assert isinstance(watched, gocfg.WatchedConfig)
    watched.on_change(lambda ev: None)
    watched.on_error(lambda ev: None)
    event = watched.reload()
    assert_type(event, gocfg.ChangeEvent)
    assert_type(event.applied, bool)
    assert_type(watched.last_change, Optional[gocfg.ChangeEvent])
    stream = watched.changes(timeout=0)
    assert_type(stream, gocfg.ChangeStream)
    stream.close()
    watched.close()

    for c in (cfg, plain, copied):
        c.close()
    assert_type(gocfg.__version__, str)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1])
    else:
        with tempfile.TemporaryDirectory() as d:
            main(d)
