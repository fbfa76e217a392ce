"""Errors that help (issue 17, item 2): full paths and suggestions in
KeyNotFoundError, messages that read as Python's, and the small defects
found by a new user (each with its regression test)."""
from __future__ import annotations

import dataclasses
import datetime
import errno
import json
import pathlib
import pickle

import gocfg
import pytest
from support.cli import run_cli


@pytest.fixture
def cfg(no_leaks):
    with gocfg.Config({"server": {"port": 8080, "host": "h", "tls": {"cert": "c"}},
                       "servers": [{"host": "a"}], "debug": True}) as c:
        yield c


# ------------------------------------------------------- KeyNotFoundError

def test_a_miss_names_the_full_path_and_the_closest_key(cfg):
    with pytest.raises(gocfg.KeyNotFoundError) as info:
        cfg["server.prot"]
    e = info.value
    assert str(e) == "'server.prot' (did you mean 'server.port'?)"
    assert e.path == "server.prot" and e.args == ("server.prot",)
    assert e.suggestions == ["server.port"]
    assert isinstance(e, KeyError)


def test_a_miss_through_a_section_names_the_full_path(cfg):
    section = cfg["server"]
    with pytest.raises(KeyError) as info:
        section["prot"]
    assert str(info.value) == "'server.prot' (did you mean 'server.port'?)"
    assert info.value.args == ("prot",)  # the key as given, as dict does
    assert info.value.path == "server.prot"
    with pytest.raises(gocfg.KeyNotFoundError, match=r"'server\.tls\.crt' \(did you mean 'server\.tls\.cert'\?\)"):
        cfg["server"]["tls"]["crt"]
    with pytest.raises(gocfg.KeyNotFoundError, match=r"'server\.nothing_like_it'$"):
        section.get_int("nothing_like_it")
    with pytest.raises(gocfg.KeyNotFoundError, match=r"'server\.prot' \(did you mean"):
        del section["prot"]
    with pytest.raises(gocfg.KeyNotFoundError, match=r"'server\.prot' \(did you mean"):
        section.pop("prot")


def test_a_read_that_stops_at_a_list_or_a_value_says_why(cfg):
    """cfg["servers.host"] said only 'servers.host', as if the key were
    missing; the path stops at a list (or a value), which a newcomer
    could not tell. A read says so as a write past a list's end does."""
    cfg["when"] = datetime.date(2020, 1, 1)
    cases = {"servers.host": 'servers is a list of 1 item; "host" is not an index in it',
             "servers.3": 'servers is a list of 1 item; "3" is not an index in it',
             "debug.x": "debug is a bool, not a map or list",
             "server.port.x": "server.port is an int, not a map or list",
             "when.year": "when is a date, not a map or list"}
    for path, why in cases.items():
        for call in (lambda: cfg[path], lambda: cfg.pop(path), lambda: cfg.get_int(path),
                     lambda: cfg.origin(path), lambda: cfg.explain(path), lambda: cfg.__delitem__(path)):
            with pytest.raises(gocfg.KeyNotFoundError) as info:
                call()
            assert str(info.value) == f"{path!r}: {why}" and info.value.why == why
            assert info.value.args == (path,) and info.value.suggestions == []
        with pytest.raises(gocfg.KeyNotFoundError) as info:
            cfg["server"][path[len("server."):]] if path.startswith("server.") else cfg[path]
        assert str(pickle.loads(pickle.dumps(info.value))) == f"{path!r}: {why}"
    # A missing key of a map stays a plain miss, with its suggestions.
    with pytest.raises(gocfg.KeyNotFoundError) as info:
        cfg["servers.0.hots"]
    assert str(info.value) == "'servers.0.hots' (did you mean 'servers.0.host'?)" and info.value.why == ""
    assert cfg.get("servers.host", 7) == 7  # get() and caught misses work nothing out
    # del through a value was a TypeMismatchError, where pop() and reads
    # raise KeyError: code catching KeyError around del did not catch it.
    with pytest.raises(KeyError):
        del cfg["debug.x"]
    assert cfg["debug"] is True


def test_suggestions_at_the_level_where_the_path_stopped(cfg):
    # The first missing segment is matched; the rest follows when it exists.
    with pytest.raises(gocfg.KeyNotFoundError) as info:
        cfg["sever.port"]
    assert info.value.suggestions[0] == "server.port"
    assert "servers" in info.value.suggestions  # close too; it has no "port"
    # Case is ignored when comparing; the existing spelling is suggested.
    with pytest.raises(gocfg.KeyNotFoundError) as info:
        cfg["DEBUG"]
    assert info.value.suggestions == ["debug"]
    # Nothing close: no hint; a list index out of range: no hint.
    for path in ("zzzzzz", "servers.5.host"):
        with pytest.raises(gocfg.KeyNotFoundError) as info:
            cfg[path]
        assert info.value.suggestions == [] and "did you mean" not in str(info.value)


def test_a_key_holding_dots_is_suggested_in_its_quoted_form(no_leaks, tmp_path):
    """Editor settings and Kubernetes annotations write keys holding dots
    ("files.exclude", "kubernetes.io/ingress.class"). A dot path splits
    them, and the miss gave no hint at all (difflib finds nothing close to
    "files" among such keys): the hint now names the quoted path that
    reads them, with the rest of the path where it exists."""
    settings = tmp_path / "settings.jsonc"
    settings.write_text('{\n  // editor\n  "files.exclude": {"**/.git": true, "out": true,},\n'
                        '  "lint.rules": [{"name": "x"}],\n  "editor.tabSize": 4,\n}\n')
    manifest = tmp_path / "ingress.yaml"
    manifest.write_text("metadata:\n  name: web\n  annotations:\n"
                        "    kubernetes.io/ingress.class: nginx\n")
    with gocfg.Config.load(settings) as c, gocfg.Config.load(manifest) as m:
        cases = [(c, "files.exclude", ['"files.exclude"']),
                 (c, "files.exclude.out", ['"files.exclude".out']),
                 (c, "files.exclude.nope", ['"files.exclude"']),  # the rest is not there: up to the key
                 (c, "lint.rules.0.name", ['"lint.rules".0.name']),
                 (m, "metadata.annotations.kubernetes.io/ingress.class",
                  ['metadata.annotations."kubernetes.io/ingress.class"'])]
        for cfg, path, want in cases:
            with pytest.raises(gocfg.KeyNotFoundError) as info:
                cfg[path]
            assert info.value.suggestions == want, path
            assert str(info.value) == f"{path!r} (did you mean {want[0]!r}?)"
            assert cfg[want[0]] is not None  # the hint reads the value
        # Through a Section, the path from the root is suggested.
        with pytest.raises(gocfg.KeyNotFoundError) as info:
            m["metadata"]["annotations.kubernetes.io/ingress.class"]
        assert info.value.suggestions == ['metadata.annotations."kubernetes.io/ingress.class"']
        # difflib finds "editor.tabSize" close to "editor" too: named once.
        with pytest.raises(gocfg.KeyNotFoundError) as info:
            c["editor.tabSize"]
        assert info.value.suggestions == ['"editor.tabSize"']
    r = run_cli("get", settings, "files.exclude")
    assert r.returncode == 1
    assert r.stderr == f"gocfg: {settings}: no value at 'files.exclude' (did you mean '\"files.exclude\"'?)\n"
    assert json.loads(run_cli("get", settings, '"files.exclude"').stdout) == {"**/.git": True, "out": True}


def test_a_section_name_holding_dots_above_the_miss_is_suggested(no_leaks, tmp_path):
    """setup.cfg's sections [options.entry_points] and [options.packages.find]
    stand beside its section [options]: the path
    options.entry_points.console_scripts reaches [options] first and
    missed there with no hint (the dotted key is a key of the root, above
    the miss), and options.packages.find.exclude stopped at the string
    options.packages ("find:") with no hint either."""
    setup = tmp_path / "setup.cfg"
    setup.write_text("[options]\npackages = find:\ninstall_requires =\n    requests\n\n"
                     "[options.packages.find]\nexclude =\n    tests*\n\n"
                     "[options.entry_points]\nconsole_scripts =\n    app = app.cli:main\n")
    with gocfg.Config.load(setup) as c:
        for path, want in [("options.entry_points.console_scripts", '"options.entry_points".console_scripts'),
                           ("options.entry_points", '"options.entry_points"'),
                           ("options.packages.find.exclude", '"options.packages.find".exclude')]:
            with pytest.raises(gocfg.KeyNotFoundError) as info:
                c[path]
            assert info.value.suggestions[0] == want, path
            assert c[want]  # the hint reads the value
        with pytest.raises(gocfg.KeyNotFoundError, match="options.packages is a str, not a map or list"):
            c["options.packages.find.exclude"]
    r = run_cli("get", setup, "options.entry_points.console_scripts")
    assert r.returncode == 1 and "(did you mean '\"options.entry_points\".console_scripts'?)" in r.stderr
    assert run_cli("get", setup, '"options.entry_points".console_scripts').stdout == "\napp = app.cli:main\n"


def test_a_miss_on_a_long_path_looks_up_a_bounded_number_of_keys(no_leaks, monkeypatch):
    # The dotted-key hint looked up every prefix of the path joined as one
    # key: a miss on a path of 20,000 segments took seconds, growing with
    # the square of its length. Counted, not timed: the lookups the hint
    # makes no longer grow with the path.
    calls = []
    real = gocfg.Config.__contains__

    def counting(self, key):
        calls.append(len(key) if isinstance(key, tuple) else 1)
        return real(self, key)

    with gocfg.Config({"a.b": {"c": 1}, "x": 1}) as c:
        monkeypatch.setattr(gocfg.Config, "__contains__", counting)
        for n in (10, 20_000):
            calls.clear()
            with pytest.raises(gocfg.KeyNotFoundError) as info:
                c[".".join(["a", "b"] + ["z"] * n)]
            assert info.value.suggestions == ['"a.b"']
            assert len(calls) <= 5, (n, len(calls))


def test_suggestions_are_worked_out_only_when_asked(cfg):
    # A caught miss does no work beyond the read: the hint is found when
    # the message is read, against the config as it is then.
    try:
        cfg["server.prot"]
    except KeyError as e:
        caught = e
    cfg["server.prat"] = 1
    assert caught.suggestions == ["server.prat", "server.port"]
    assert cfg.get("server.prot") is None and cfg.get("server.prot", 5) == 5


def test_the_error_survives_pickling_and_a_closed_config(no_leaks):
    c = gocfg.Config({"server": {"port": 1}})
    try:
        c["server.prot"]
    except KeyError as e:
        err = e
    c.close()
    assert err.suggestions == []  # closed: no hint, no crash
    assert str(err) == "'server.prot'"
    with gocfg.Config({"server": {"port": 1}}) as c2:
        try:
            c2["server"]["prot"]
        except KeyError as e:
            err2 = e
        back = pickle.loads(pickle.dumps(err2))
    assert isinstance(back, gocfg.KeyNotFoundError)
    assert str(back) == str(err2) == "'server.prot' (did you mean 'server.port'?)"
    assert back.path == "server.prot" and back.args == ("prot",)


def test_other_key_errors_keep_their_text(no_leaks):
    with gocfg.Config() as c:
        with pytest.raises(gocfg.KeyNotFoundError) as info:
            c.popitem()
        assert info.value.path is None and "empty" in str(info.value)


# ------------------------------------------ writes never make a map keyed "0"

def test_a_write_under_a_missing_parent_refuses_a_list_index(cfg):
    before = cfg.to_dict()
    with pytest.raises(gocfg.KeyNotFoundError) as info:
        cfg["pools.0.host"] = "x"
    e = info.value
    assert e.path == "pools.0.host"
    assert str(e).startswith("'pools.0.host': 'pools' does not exist, and a write creates no lists")
    with pytest.raises(gocfg.KeyNotFoundError, match=r"'a' does not exist"):
        cfg["a.b.0"] = 1
    with pytest.raises(gocfg.KeyNotFoundError, match=r"'pools' does not exist"):
        cfg[("pools", 0, "host")] = "x"
    with pytest.raises(gocfg.KeyNotFoundError, match=r"'server\.pools' does not exist"):
        cfg["server"]["pools.0"] = "x"
    assert cfg.to_dict() == before  # nothing was created


def test_index_writes_where_the_parent_exists_and_explicit_map_keys(cfg):
    cfg["servers.0.host"] = "b"  # an existing list: an index
    cfg["servers.1"] = {"host": "c"}  # index len appends
    assert cfg["servers"] == [{"host": "b"}, {"host": "c"}]
    cfg["server.0"] = "zero"  # an existing map: a key of it
    assert cfg["server"]["0"] == "zero"
    cfg['codes."404".text'] = "not found"  # quoted: a map key by choice
    cfg[("codes", "500", "text")] = "error"  # a str segment: the same
    assert cfg["codes"].to_dict() == {"404": {"text": "not found"}, "500": {"text": "error"}}
    cfg["plain.key"] = 1  # no number: maps are created as before
    assert cfg["plain"].to_dict() == {"key": 1}


# ------------------------------------------------- messages read as Python's

def test_no_go_kind_suffixes_in_messages(tmp_path, no_leaks):
    problems = []
    (tmp_path / "settings").write_text("a: 1\n")
    with gocfg.Database.open("memory://") as db, gocfg.Config({"a": 1}) as c:
        for call in (lambda: gocfg.Config.load(str(tmp_path / "settings")),  # no extension: cannot tell the format
                     lambda: gocfg.Config.loads("a: [", "yaml"),
                     lambda: c.__setitem__("a.b", 2),
                     lambda: db.query("bad"),
                     lambda: gocfg.load(overrides=["no equals sign"])):
            with pytest.raises(gocfg.Error) as info:
                call()
            problems.append(str(info.value))
    for text in problems:
        for suffix in (": invalid argument", ": i/o error", ": type mismatch", ": not found", ": parse error",
                       ": limit exceeded"):
            assert not text.endswith(suffix), text


def test_a_missing_file_reads_as_pythons_own(tmp_path, no_leaks):
    path = str(tmp_path / "nope.yaml")
    with pytest.raises(gocfg.MissingFileError) as info:
        gocfg.Config.load(path)
    with pytest.raises(FileNotFoundError) as builtin:
        open(path)
    assert str(info.value) == str(builtin.value) == f"[Errno 2] No such file or directory: {path!r}"
    assert info.value.filename == path and info.value.errno == 2
    with pytest.raises(gocfg.MissingFileError) as info:
        gocfg.load(path)
    assert str(info.value).count("nope.yaml") == 1
    with gocfg.Config() as c, pytest.raises(gocfg.FileError) as info:
        c.save(str(tmp_path / "no" / "dir" / "x.yaml"))
    assert str(info.value).count("x.yaml") == 1


def test_cannot_store_names_the_python_type(no_leaks):
    class Custom:
        pass
    with gocfg.Config() as c:
        with pytest.raises(TypeError, match=r"^cannot store a value of type 'object' at 'x'"):
            c["x"] = object()
        with pytest.raises(TypeError, match=r"cannot store a value of type '.*Custom' at 'y\.z'"):
            c["y"] = {"z": Custom()}
        with pytest.raises(TypeError, match=r"^cannot store a value of type 'bytes' at 'x'"):
            c["x"] = b"raw"
        # Inside a dict, the library refuses it (the dict crosses whole).
        with pytest.raises(TypeError, match=r"^x\.y: cannot store a value of type 'bytes'"):
            c["x"] = {"y": b"raw"}


def test_a_file_name_given_to_config_points_at_load(tmp_path, no_leaks):
    """Config("app.yaml") read the string as dict() reads a sequence of
    pairs ("dictionary update sequence element #0 has length 1"); a
    newcomer meant Config.load. Text is not quoted: it may hold a secret."""
    (tmp_path / "app.yaml").write_text("a: 1\n")
    for wrong in ("app.yaml", b"app.yaml", tmp_path / "app.yaml", "password: hunter2"):
        with pytest.raises(TypeError) as info:
            gocfg.Config(wrong)
        message = str(info.value)
        assert message.startswith(f"Config() takes a mapping, not a {type(wrong).__name__}: "), message
        assert "gocfg.Config.load(path)" in message and "gocfg.Config.loads(text, format)" in message
        assert "hunter2" not in message and "app.yaml" not in message
    assert gocfg.stats()["live_handles"] == 0  # no handle made for a refused call
    with gocfg.Config([("a", 1)]) as c, gocfg.Config(a=1) as d:  # pairs and keywords, as dict() takes
        assert c == d == {"a": 1}


def test_a_mapping_given_as_a_file_name_points_at_config(tmp_path, no_leaks):
    """Config.load({"a": 1}) said "file name must be str, not dict": a
    mapping where a file is expected is data, which Config(mapping) holds."""
    for call in (lambda: gocfg.Config.load({"a": 1}), lambda: gocfg.read({"a": 1}),
                 lambda: gocfg.load(gocfg.File({"a": 1}))):
        with pytest.raises(TypeError) as info:
            call()
        assert str(info.value) == ("file name must be str, bytes or os.PathLike, not dict "
                                   "(a mapping is data, not a file: gocfg.Config(mapping) holds it)")
    with pytest.raises(TypeError, match=r"^file name must be str, bytes or os.PathLike, not NoneType$"):
        gocfg.Config.load(None)
    with gocfg.load({"a": 1}) as cfg:  # a source of gocfg.load() may be a mapping
        assert cfg["a"] == 1


# ------------------------------------------------------- explain() layers

def test_explain_reports_the_layer_that_origin_reports(tmp_path, no_leaks):
    (tmp_path / "a.yaml").write_text("a: 1\nshared: a\n")
    (tmp_path / "b.toml").write_text('b = 2\nshared = "b"\n')
    with gocfg.load(str(tmp_path / "a.yaml"), str(tmp_path / "b.toml"), defaults={"d": 0},
                    overrides=["o=1"]) as c:
        leaves = {leaf.path: leaf.origin for leaf in c.explain()}
        for path, origin in leaves.items():
            assert origin == c.origin(path), path
        layers = {p: o.layer for p, o in leaves.items()}
        assert layers["d"] < layers["a"] < layers["b"] < layers["o"]
        assert layers["shared"] == layers["b"]


def test_text_source_default_name_is_what_the_readme_says(no_leaks):
    with gocfg.load(gocfg.Text("a: 1", "yaml"), gocfg.Text("b: 1", "yaml", name="inline")) as c:
        assert str(c.origin("a")) == "<text>:1:1"
        assert str(c.origin("b")) == "inline:1:1"
    readme = (__import__("pathlib").Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert 'gocfg.Text(text, format,\nname="<text>")' in readme


def test_type_names_take_their_article(no_leaks):
    with gocfg.Config({"a": 1, "l": [1]}) as c:
        with pytest.raises(gocfg.TypeMismatchError, match=r"^a: a is an int, not a map or list$"):
            c["a.b"] = 2
        with pytest.raises(gocfg.TypeMismatchError, match=r"document 0 is an int, not a mapping"):
            gocfg.loads_all("3", "json")
        with pytest.raises(gocfg.ParseError, match=r"not an int: a Config holds a mapping"):
            gocfg.Config.loads("3", "json")


def test_hostile_paths_and_big_maps_stay_bounded(no_leaks):
    # A miss in a map of many keys compares a bounded number of them; a
    # write with a huge path of numbers stops at the first missing parent.
    with gocfg.Config({f"key{i}": i for i in range(20000)}) as c:
        with pytest.raises(gocfg.KeyNotFoundError) as info:
            c["key1x"]
        assert info.value.suggestions and all(s.startswith("key") for s in info.value.suggestions)
        with pytest.raises(gocfg.KeyNotFoundError, match=r"'1' does not exist"):
            c["1." * 100_000 + "x"] = 1
        with pytest.raises(gocfg.TypeMismatchError, match=r"key0 is an int, not a map or list"):
            c["key0.0"] = 1  # the parent exists: the library's own refusal
    with gocfg.Config({"a\x00b": {"c": 1}}) as c:
        with pytest.raises(gocfg.KeyNotFoundError) as info:
            c[("a\x00b", "d")]
        assert info.value.path == "a\x00b.d"  # NUL kept, not cut short
        assert c.get(("a\x00b", "c")) == 1


def test_misses_reported_by_the_library_name_the_path_too(no_leaks):
    with gocfg.load({"servers": [{"host": "a"}], "server": {"port": 1}}) as c:
        for call in (lambda: c.origin("server.prot"), lambda: c.history("server.prot"),
                     lambda: c.explain("server.prot"), lambda: c["server"].origin("prot"),
                     lambda: c.validate({}, at="server.prot")):
            with pytest.raises(gocfg.KeyNotFoundError) as info:
                call()
            assert str(info.value) == "'server.prot' (did you mean 'server.port'?)"
            assert info.value.path == "server.prot"
        with pytest.raises(gocfg.KeyNotFoundError) as info:
            c["servers.5.host"] = "x"
        assert str(info.value) == """'servers.5.host': list has 1 item; "5" is not an index in it"""
        with pytest.raises(gocfg.KeyNotFoundError) as info:
            c[("servers", 5)] = 1
        assert info.value.path == "servers.5" and info.value.args == (("servers", 5),)
        assert str(info.value).endswith('list has 1 item; "5" is not an index in it (use 1 to append)')


def test_help_shows_no_object_addresses(no_leaks):
    """help(gocfg.Config) showed the readers' default as <object object at
    0x7f...>: a sentinel with a repr of its own now."""
    import inspect
    import pydoc
    text = pydoc.render_doc(gocfg.Config, renderer=pydoc.plaintext)
    assert "object at 0x" not in text
    assert str(inspect.signature(gocfg.Config.get_int)).endswith("default: 'Any' = <no default>) -> 'Any'")


def test_a_closed_config_says_how_it_was_closed(tmp_path, no_leaks):
    """A read after the with block said only "operation on a closed
    gocfg.Config"; it says what closes one."""
    (tmp_path / "app.yaml").write_text("a: 1\n")
    with gocfg.Config.load(tmp_path / "app.yaml") as cfg:
        pass
    with gocfg.Database.open("memory://") as db:
        pass
    for call, what in ((lambda: cfg["a"], "gocfg.Config"), (lambda: cfg.to_dict(), "gocfg.Config"),
                       (lambda: db.names(), "gocfg.Database")):
        with pytest.raises(gocfg.ClosedError) as info:
            call()
        assert str(info.value) == f"operation on a closed {what} (closed by close() or at the end of its with block)"


def test_a_bare_path_of_no_known_format_points_at_file(tmp_path, no_leaks):
    """gocfg.load("app.txt") said "pass format=", which gocfg.load() does
    not take (a TypeError for the newcomer who tried): the format of a
    source goes in a gocfg.File."""
    path = tmp_path / "app.txt"
    path.write_text("a: 1\n")
    for call in (lambda: gocfg.load(str(path)), lambda: gocfg.load(path), lambda: gocfg.load(f"{path}?"),
                 lambda: gocfg.load(str(path), watch=True)):
        with pytest.raises(gocfg.InvalidArgumentError) as info:
            call()
        assert f": give it as gocfg.File({str(path)!r}, format=...) (one of json, yaml," in str(info.value)
        assert "pass format=" not in str(info.value)
    with gocfg.Config() as cfg, pytest.raises(gocfg.InvalidArgumentError, match=r"give it as gocfg\.File\("):
        cfg.add_layer(str(path))
    # Where format= is a parameter, the message says to pass it.
    for call in (lambda: gocfg.Config.load(path), lambda: gocfg.load(gocfg.File(path))):
        with pytest.raises(gocfg.InvalidArgumentError, match=r": pass format= \(one of json, "):
            call()
    with gocfg.load(gocfg.File(path, format="yaml")) as cfg:
        assert cfg["a"] == 1


def test_loads_given_a_file_name_points_at_load(tmp_path, monkeypatch, no_leaks):
    """Config.loads("app.yaml", "yaml") parsed the name as a document and
    said its root is not a mapping; when the text names a file, the
    message says to read it with Config.load."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text("a: 1\n")
    (tmp_path / "app.json").write_text('{"a": 1}')
    for name, fmt in (("app.yaml", "yaml"), ("app.json", "json")):
        with pytest.raises(gocfg.ParseError) as info:
            gocfg.Config.loads(name, fmt)
        assert str(info.value).endswith(f": loads() parses the text it is given, and {name!r} is a file name: "
                                        "read the file with Config.load(path)")
        assert (info.value.line, info.value.column) == (1, 1)
    with pytest.raises(gocfg.ParseError) as info:  # not a file: the parser's message alone
        gocfg.Config.loads("other.yaml", "yaml")
    assert "Config.load" not in str(info.value)


def test_sources_given_in_a_list_point_at_separate_arguments(tmp_path, no_leaks):
    app = tmp_path / "app.yaml"
    app.write_text("a: 1\n")
    for given in ([str(app)], (str(app), str(app))):
        for watch in (False, True):
            with pytest.raises(TypeError) as info:
                gocfg.load(given, watch=watch)
            assert str(info.value) == (f"gocfg.load() takes the sources as separate arguments, not a "
                                       f"{type(given).__name__}: gocfg.load('app.yaml', 'local.toml'), "
                                       "or gocfg.load(*paths)")
    with gocfg.load(*[str(app)]) as cfg:  # what the message says works
        assert cfg["a"] == 1


def test_an_env_prefix_of_the_wrong_type_is_a_type_error(tmp_path, no_leaks):
    for prefix in (1, b"APP", ["APP"]):
        with pytest.raises(TypeError, match=f"^env_prefix must be a str such as 'APP', not {type(prefix).__name__}$"):
            gocfg.load(env_prefix=prefix)
    with pytest.raises(ValueError, match="non-empty"):  # an empty one stays a ValueError
        gocfg.load(env_prefix="")


def test_a_missing_file_or_a_directory_of_no_known_format_is_reported_as_such(tmp_path, monkeypatch, no_leaks):
    # Config.load("app") for app.yaml: "pass format=" only led to "No such
    # file" next. What is not there, or is a directory, says so first, as
    # open() would; a file that is there still asks for the format.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "adir").mkdir()
    (tmp_path / "settings").write_text("a: 1\n")
    reads = [gocfg.Config.load, gocfg.read, gocfg.read_all, gocfg.load_all, gocfg.load,
             lambda path: gocfg.load(path, watch=True)]
    for read in reads:
        with pytest.raises(gocfg.MissingFileError) as info:
            read("app")
        assert str(info.value) == "[Errno 2] No such file or directory: 'app'" and info.value.filename == "app"
        with pytest.raises(gocfg.FileError) as info:
            read("adir")
        assert str(info.value) == "[Errno 21] Is a directory: 'adir'" and isinstance(info.value, IsADirectoryError)
        with pytest.raises(gocfg.InvalidArgumentError, match='cannot tell the format of "settings"'):
            read("settings")
    with gocfg.load("app?") as cfg:  # optional and missing: skipped, as "app.yaml?" is
        assert cfg.to_dict() == {}
    with gocfg.Config({"a": 1}) as cfg:  # a save creates the file: the format is what is missing
        with pytest.raises(gocfg.InvalidArgumentError, match='cannot tell the format of "app"'):
            cfg.save("app")
    r = run_cli("show", "app")
    assert (r.returncode, r.stderr) == (1, "gocfg: app: No such file or directory\n")


def test_database_url_errors_name_no_go_function(tmp_path, no_leaks):
    # "db.Open: unknown URL scheme" read as Go's, not as a Python message.
    for url, message in (
            ("postgres://db/app", "unknown database URL scheme \"postgres\" (want memory://, sqlite:// or etcd://, "
                                  "or a file path)"),
            ("memory://?max_config_bytes=1&max_config_bytes=2", "database URL parameter max_config_bytes given twice"),
            (f"sqlite:///{tmp_path}/a.db?max_config_bytes=zz", "database URL parameter max_config_bytes=\"zz\": "
                                                                "not a positive size (write a number, optionally "
                                                                "followed by KiB, MiB, GiB or TiB)")):
        with pytest.raises(gocfg.InvalidArgumentError) as info:
            gocfg.Database.open(url)
        assert str(info.value) == message


def test_a_list_index_in_brackets_suggests_the_dot_path(no_leaks):
    # servers[0].host, as jq, JavaScript and OmegaConf write it, was met
    # with "did you mean 'servers'?" only.
    with gocfg.Config({"servers": [{"host": "a", "ports": [1, 2]}]}) as cfg:
        for given, first in (("servers[0].host", "servers.0.host"), ("servers[0]", "servers.0"),
                             ("servers[0].ports[1]", "servers.0.ports.1"), ("servers.0.ports[1]", "servers.0.ports.1"),
                             ("servers[0].hots", "servers.0")):  # the rest does not exist: the item that does
            with pytest.raises(gocfg.KeyNotFoundError) as info:
                cfg[given]
            assert info.value.suggestions[0] == first, given
            assert str(info.value).startswith(f"{given!r} (did you mean {first!r}")
            assert cfg[first] is not None
        for given in ("servers[3].host", "servers[0][1]"):  # no such item: no index offered
            with pytest.raises(gocfg.KeyNotFoundError) as info:
                cfg[given]
            assert info.value.suggestions == ["servers"], given
    # Segments past 256 characters are not looked into: the pattern
    # backtracks, quadratically on a hostile key ("[1]" * 30000 + "x[1]").
    long = "s" * 300
    with gocfg.Config({long: [{"host": "a"}]}) as cfg:
        assert cfg.__contains__((long, 0, "host"))
        with pytest.raises(gocfg.KeyNotFoundError) as info:
            cfg[long + "[0].host"]
        assert info.value.suggestions == [long]


@dataclasses.dataclass
class _Server:
    host: str = "h"
    port: int = 1


@dataclasses.dataclass
class Settings:
    server: _Server = dataclasses.field(default_factory=_Server)


def test_an_env_variable_with_a_single_underscore_where_it_meant_to_nest_is_named(tmp_path, no_leaks):
    # APP_SERVER_PORT=9000 sets the key server_port (a single _ stays in a
    # key); to() refused it as an unknown field without saying why the
    # value did not reach server.port.
    app = tmp_path / "app.yaml"
    app.write_text("server: {host: a, port: 80}\n")
    env = {"APP_SERVER_PORT": "9000", "APP_DEBUG_MODE": "1"}
    with gocfg.load(str(app), env_prefix="APP", environ=env) as cfg:
        with pytest.raises(gocfg.ValidationError) as info:
            cfg.to(Settings)
    assert dict(info.value.errors) == {
        "debug_mode": "unknown field: Settings has no field 'debug_mode' (from env APP_DEBUG_MODE)",  # no map debug
        "server_port": "unknown field: Settings has no field 'server_port' (from env APP_SERVER_PORT; a single _ "
                       "stays inside a key: APP_SERVER__PORT would set server.port)"}
    with gocfg.load(str(app), env_prefix="APP", environ={"APP_SERVER__PORT": "9000"}) as cfg:
        assert cfg.to(Settings).server.port == 9000  # what the hint says works


def test_a_text_source_shows_no_document_in_its_repr():
    # A notebook cell ending in gocfg.Text(open("prod.yaml").read(), "yaml")
    # displayed the whole document, passwords and all.
    source = gocfg.Text("db: {password: hunter2}\n", "yaml", name="prod")
    assert repr(source) == "Text(<24 characters>, format='yaml', name='prod')"
    assert source == gocfg.Text("db: {password: hunter2}\n", "yaml", name="prod")  # still a value


def test_a_stored_source_shows_no_password_of_its_url():
    # An etcd URL may carry the password, which a Database's repr leaves
    # out; a Stored source's repr printed it.
    for url in ("etcd://app:hunter2@127.0.0.1:2379/cfg", "etcd://app:hun@ter2@127.0.0.1:2379,127.0.0.2:2379/cfg"):
        shown = repr(gocfg.Stored(url, "svc"))
        assert "hunter2" not in shown and "ter2" not in shown, shown
        assert shown.startswith("Stored(database='etcd://app:********@127.0.0.1:2379") and "name='svc'" in shown
    plain = "sqlite:///tmp/a@b/config.db"
    assert repr(gocfg.Stored(plain, "svc", optional=True)) == \
        f"Stored(database={plain!r}, name='svc', optional=True, timeout=5.0)"


def test_to_dict_class_points_at_to_dict(no_leaks):
    with gocfg.Config({"a": 1}) as cfg:
        with pytest.raises(TypeError) as info:
            cfg.to(dict)
        assert str(info.value) == ("to() needs a dataclass, an attrs class or a pydantic model class, "
                                   "not <class 'dict'>: a plain dict is to_dict()")
        assert cfg.to_dict() == {"a": 1}


def test_storing_a_path_a_duration_or_a_dataclass_says_what_to_store(no_leaks):
    # What a settings object holds and a config does not: the message said
    # only what a config holds.
    hints = [(pathlib.Path("/srv/data"), "(store str(path); to() converts it back for a Path field)"),
             (datetime.timedelta(seconds=30), "(store a duration as text such as '30s' or as seconds; "
                                              "get_duration() and to() read both)"),
             (Settings(), "(store dataclasses.asdict(value))")]
    with gocfg.Config() as cfg:
        for value, hint in hints:
            with pytest.raises(TypeError) as info:
                cfg["k"] = value
            assert str(info.value).endswith("list and dict " + hint), str(info.value)
        with pytest.raises(TypeError) as info:
            cfg["k"] = {1, 2}
        assert str(info.value).endswith("list and dict")  # no hint where none helps
        # What the hints say works.
        cfg["k"] = {"dir": str(pathlib.Path("/srv/data")), "timeout": "30s", "s": dataclasses.asdict(Settings())}
        assert cfg.get_duration("k.timeout") == datetime.timedelta(seconds=30) and cfg["k.s.server.port"] == 1


def test_a_tab_in_yaml_indentation_is_named(tmp_path, no_leaks):
    app = tmp_path / "app.yaml"
    app.write_text("server:\n\tport: 8080\n")
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.Config.load(app)
    assert (info.value.line, info.value.column) == (2, 1)
    assert str(info.value).endswith(
        "found character that cannot start any token (a tab indents this line: YAML indents with spaces only)")


def test_overrides_given_as_a_mapping_point_at_a_source(tmp_path, no_leaks):
    app = tmp_path / "app.yaml"
    app.write_text("debug: false\n")
    for watch in (False, True):
        with pytest.raises(TypeError) as info:
            gocfg.load(str(app), overrides={"debug": True}, watch=watch)
        assert str(info.value) == ("overrides are 'path=value' strings (['debug=true']), not a mapping: a mapping "
                                   "of values is a source, gocfg.load(..., {'debug': True}), merged in the order given")
    with gocfg.load(str(app), {"debug": True}) as cfg:  # what the message says works
        assert cfg["debug"] is True


def test_file_errors_are_the_oserror_subclasses_open_raises(tmp_path, no_leaks):
    # except IsADirectoryError / PermissionError around a load caught
    # open()'s errors but not gocfg's, which were plain OSErrors.
    (tmp_path / "d.yaml").mkdir()
    (tmp_path / "f.yaml").write_text("a: 1\n")
    for path, builtin in ((tmp_path / "d.yaml", IsADirectoryError), (tmp_path / "f.yaml" / "x.yaml", NotADirectoryError)):
        with pytest.raises(builtin) as info:
            gocfg.Config.load(path)
        e = info.value
        assert isinstance(e, gocfg.FileError) and e.filename == str(path)
        with pytest.raises(builtin):
            open(path)  # as Python's own
        again = pickle.loads(pickle.dumps(e))
        assert type(again) is type(e) and str(again) == str(e)
    # Permission is refused to no one here (root): the class the errno picks.
    from gocfg import errors
    assert issubclass(errors.file_error_class(errno.EACCES), PermissionError)
    assert errors.file_error_class(errno.ENOENT) is gocfg.MissingFileError
    assert errors.file_error_class(errno.ELOOP) is gocfg.FileError
