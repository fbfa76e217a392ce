"""Issue 12 through the public API: reading modes, yaml=, streams and roots
of any kind (read/read_all/load_all/dumps_all), .env expansion from the
environment in layered loads, and keys holding NUL."""
from __future__ import annotations

import _thread
import datetime as dt
import os
import threading
import time

import gocfg
import pytest
from conftest import settled_stats
from gocfg import _args, _capi

# ------------------------------------------------------------ reading modes


def test_reading_modes_are_format_names(tmp_path, no_leaks):
    ini = tmp_path / "php.ini"
    ini.write_text("[PHP]\nMemory_Limit = 128M\n")
    with gocfg.Config.load(ini) as cfg:
        assert cfg.to_dict() == {"PHP": {"memory_limit": "128M"}}
    with gocfg.Config.load(ini, "ini-case") as cfg:
        assert cfg.to_dict() == {"PHP": {"Memory_Limit": "128M"}}
    with gocfg.Config.loads("A=x\nB=${A}y\n", "ENV-RAW") as cfg:
        assert cfg["B"] == "${A}y"
    with gocfg.Config.loads("a = 1\n", "toml-1.0") as cfg:
        assert cfg["a"] == 1
        assert cfg.dumps("toml-1.0") == "a = 1\n"  # a mode writes as its format
    with pytest.raises(gocfg.ParseError, match="TOML 1.0"):
        gocfg.Config.loads("a = { b = 1, }\n", "toml-1.0")
    with gocfg.Config.loads("a: yes\n", "yml-1.1") as cfg:  # the mode's other name
        assert cfg["a"] is True


def test_mode_list_agrees_with_the_library():
    modes = _capi.consts().modes
    assert modes == {"yaml-1.1": "yaml", "toml-1.0": "toml", "ini-case": "ini", "env-raw": "env",
                     "hcl-raw": "hcl", "properties-flat": "properties"}
    assert _args.format_choices() == (*_args.formats(), *modes)
    for mode, base in modes.items():
        assert base in _args.formats()
        assert _args.format_arg(mode.upper()) == mode.encode()
    assert _args.format_arg("yml-1.1") == b"yaml-1.1"


def test_unknown_format_lists_formats_and_modes():
    with pytest.raises(gocfg.InvalidArgumentError, match="ini-case") as info:
        gocfg.Config.loads("a: 1", "yaml-1.3")
    assert "yaml" in str(info.value) and isinstance(info.value, ValueError)
    with pytest.raises(TypeError):
        gocfg.Config.loads("a: 1", 3)  # type: ignore[arg-type]


# ------------------------------------------------------------------- yaml=

YAML11 = "enabled: yes\nmode: 0755\nwhen: 1:20\nname: on\n"


def test_yaml_versions(tmp_path, no_leaks):
    with gocfg.Config.loads(YAML11, "yaml", yaml="1.1") as cfg:
        assert cfg.to_dict() == {"enabled": True, "mode": 0o755, "when": 80, "name": True}
    for kw in ({}, {"yaml": "1.2"}):
        with gocfg.Config.loads(YAML11, "yaml", **kw) as cfg:
            assert cfg.to_dict() == {"enabled": "yes", "mode": 755, "when": "1:20", "name": "on"}
    path = tmp_path / "play.yml"
    path.write_text(YAML11)
    with gocfg.Config.load(path, yaml="1.1") as cfg:  # YAML from the extension
        assert cfg["enabled"] is True
    with gocfg.Config.load(path, "yaml-1.1", yaml="1.1") as cfg:  # agreeing is fine
        assert cfg["mode"] == 0o755


def test_yaml_errors(tmp_path, no_leaks):
    toml = tmp_path / "a.toml"
    toml.write_text("a = 1\n")
    with pytest.raises(gocfg.InvalidArgumentError, match="YAML sources only.*a.toml"):
        gocfg.Config.load(toml, yaml="1.1")
    with pytest.raises(gocfg.InvalidArgumentError, match="YAML sources only.*'json'"):
        gocfg.Config.loads("{}", "json", yaml="1.2")
    with pytest.raises(gocfg.InvalidArgumentError, match="'1.1' or '1.2'"):
        gocfg.Config.loads("a: 1", "yaml", yaml="1.0")
    with pytest.raises(TypeError, match="yaml must be"):
        gocfg.Config.loads("a: 1", "yaml", yaml=["1.1"])  # type: ignore[arg-type]
    with pytest.raises(gocfg.InvalidArgumentError, match="different YAML versions"):
        gocfg.Config.loads("a: 1", "yaml-1.1", yaml="1.2")


def test_layered_load_applies_yaml_to_yaml_sources(tmp_path, no_leaks):
    (tmp_path / "base.yaml").write_text("a: yes\n")
    (tmp_path / "local.toml").write_text('b = "yes"\n')
    with gocfg.load(tmp_path / "base.yaml", tmp_path / "local.toml",
                    gocfg.Text("c: on", "yaml"), yaml="1.1") as cfg:
        assert cfg.to_dict() == {"a": True, "b": "yes", "c": True}
    with gocfg.load(tmp_path / "base.yaml") as cfg:
        assert cfg["a"] == "yes"
    with pytest.raises(gocfg.InvalidArgumentError, match="none of the sources is YAML"):
        gocfg.load(tmp_path / "local.toml", yaml="1.1")
    with pytest.raises(gocfg.InvalidArgumentError, match="'1.1' or '1.2'"):
        gocfg.load(tmp_path / "local.toml", yaml="2")


# ------------------------------------------------- streams and any root

STREAM = "kind: A\nwhen: 2024-01-02T03:04:05Z\n---\n- x\n- {n: 18446744073709551616}\n---\n3\n---\n"


def test_reads_all_gives_every_root(no_leaks):
    docs = gocfg.reads_all(STREAM, "yaml")
    assert docs == [
        {"kind": "A", "when": "2024-01-02T03:04:05Z"},  # YAML 1.2: a string unless tagged
        ["x", {"n": 2**64}],
        3,
        None,
    ]
    assert gocfg.reads_all("", "yaml") == []
    assert gocfg.reads_all("[1, 2]", "json") == [[1, 2]]
    assert gocfg.reads_all('"x"', "json") == ["x"]
    assert gocfg.reads_all("a = 1979-05-27", "toml") == [{"a": dt.date(1979, 5, 27)}]
    assert gocfg.reads_all("// c\n[1,]\n", "jsonc") == [[1]]


def test_read_all_from_files(tmp_path, no_leaks):
    play = tmp_path / "playbook.yml"
    play.write_text("- hosts: web\n  tasks: [a]\n- hosts: db\n")
    assert gocfg.read(play) == [{"hosts": "web", "tasks": ["a"]}, {"hosts": "db"}]
    assert gocfg.read_all(play) == [gocfg.read(play)]
    arr = tmp_path / "list.json"
    arr.write_text('[{"a": 1}, null]')
    assert gocfg.read(arr) == [{"a": 1}, None]
    # A Config refuses such a root, and says what reads it.
    for path in (play, arr):
        for load in (gocfg.load, gocfg.Config.load):
            with pytest.raises(gocfg.ParseError, match=r"root must be a mapping.*gocfg\.read\(\) reads any root"):
                load(path)
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert gocfg.read(empty) is None and gocfg.read_all(empty) == []
    y11 = tmp_path / "y.yaml"
    y11.write_text("- yes\n- 010\n")
    assert gocfg.read(y11, yaml="1.1") == [True, 8]
    assert gocfg.read(y11) == ["yes", 10]


def test_read_refuses_a_stream(tmp_path, no_leaks):
    path = tmp_path / "deploy.yaml"
    path.write_text("a: 1\n---\nb: 2\n")
    with pytest.raises(gocfg.ParseError, match="2 documents.*read_all") as info:
        gocfg.read(path)
    assert info.value.filename == str(path)
    with pytest.raises(gocfg.ParseError, match="reads_all"):
        gocfg.reads("a: 1\n---\nb: 2\n", "yaml")


def test_read_errors(tmp_path, no_leaks):
    with pytest.raises(gocfg.MissingFileError):
        gocfg.read(tmp_path / "nope.yaml")
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.reads_all("a: 1\n---\nb: [\n", "yaml")
    assert info.value.line is not None and info.value.line >= 3  # lines count from the stream's start
    with pytest.raises(gocfg.ParseError, match="line 3"):
        gocfg.reads_all(b"a: 1\n---\n- \"\\udc00\"\n", "yaml")
    with pytest.raises(gocfg.ParseError, match="UTF-8"):
        gocfg.reads_all(b'["ok", "\xff"]', "json")
    with pytest.raises(gocfg.ParseError, match="nest"):
        gocfg.reads_all("[" * 5000 + "]" * 5000, "json")
    with pytest.raises(TypeError, match="needs a format"):
        gocfg.reads_all("[]", None)  # type: ignore[arg-type]
    with pytest.raises(gocfg.InvalidArgumentError, match="unknown format"):
        gocfg.read_all(tmp_path / "x.yaml", "yamlx")
    with pytest.raises(gocfg.InvalidArgumentError, match="YAML sources only"):
        gocfg.reads_all("[]", "json", yaml="1.1")


def test_stream_document_limit(tmp_path, no_leaks):
    # 100,001 empty documents: 400 KB of text, refused before the roots
    # cross (a big read: it runs on the interruptible path).
    path = tmp_path / "many.yaml"
    path.write_text("---\n" * 100_001)
    with pytest.raises(gocfg.InvalidArgumentError, match="100000"):
        gocfg.read_all(path)
    path.write_text("---\n" * 1000)
    assert gocfg.read_all(path) == [None] * 1000


def test_load_all(tmp_path, no_leaks):
    path = tmp_path / "deploy.yaml"
    path.write_text("kind: A\n---\n---\nkind: B\nspec: {n: 1}\n")
    cfgs = gocfg.load_all(path)
    try:
        assert [c.to_dict() for c in cfgs] == [{"kind": "A"}, {}, {"kind": "B", "spec": {"n": 1}}]
        assert cfgs[2]["spec.n"] == 1
    finally:
        for c in cfgs:
            c.close()
    for c in gocfg.Config.load_all(tmp_path / "deploy.yaml"):
        c.close()
    for c in gocfg.loads_all("a = 1", "toml"):
        assert c.to_dict() == {"a": 1}
        c.close()
    assert gocfg.Config.loads_all("", "yaml") == []


def test_load_all_refuses_non_mapping_roots(no_leaks):
    with pytest.raises(gocfg.TypeMismatchError, match="document 2 is a list") as info:
        gocfg.loads_all("a: 1\n---\nb: 2\n---\n- x\n", "yaml")
    assert isinstance(info.value, TypeError)
    with pytest.raises(gocfg.TypeMismatchError, match="document 0 is an int"):
        gocfg.loads_all("3", "json")


def test_dumps_all(no_leaks):
    with gocfg.Config({"c": 1}) as cfg:
        docs = [{"a": 1}, ["x", 2], None, cfg]
        text = gocfg.dumps_all(docs, "yaml")
    assert text == "a: 1\n---\n- x\n- 2\n---\nnull\n---\nc: 1\n"
    assert gocfg.reads_all(text, "yaml") == [{"a": 1}, ["x", 2], None, {"c": 1}]
    assert gocfg.reads_all(gocfg.dumps_all(docs[:3], "json"), "json") == [docs[:3]]
    assert gocfg.dumps_all([[1]], "json") == "[\n  1\n]\n"
    assert gocfg.dumps_all([], "yaml") == "" and gocfg.dumps_all([], "json") == "[]\n"
    assert gocfg.dumps_all([{"a": 1}], "toml") == "a = 1\n"
    with pytest.raises(gocfg.TypeMismatchError, match="cannot hold 2 documents"):
        gocfg.dumps_all([{"a": 1}, {"b": 2}], "toml")
    with pytest.raises(gocfg.TypeMismatchError, match="cannot hold a list at the root"):
        gocfg.dumps_all([[1]], "ini")
    with pytest.raises(gocfg.TypeMismatchError, match="1.a"):  # the path inside the list of documents
        gocfg.dumps_all([{}, {"a": float("nan")}], "json")
    with pytest.raises(gocfg.TypeMismatchError, match="null"):
        gocfg.dumps_all([{"a": None}], "toml")
    for bad in ({"a": 1}, "text", 3):
        with pytest.raises(TypeError, match="list of documents"):
            gocfg.dumps_all(bad, "yaml")
    with pytest.raises(TypeError):
        gocfg.dumps_all([b"bytes"], "yaml")


# ------------------------------------------------------ .env and environ

def test_env_layer_expands_from_the_environment(tmp_path, no_leaks):
    env = tmp_path / ".env"
    env.write_text("DATA=${HOME}/data\nLOG=${LOG_DIR:-/var/log}/app\nSELF=${DATA}/x\n")
    with gocfg.load(env, environ={"HOME": "/home/u"}, interpolate=False) as cfg:
        assert cfg.to_dict() == {"DATA": "/home/u/data", "LOG": "/var/log/app", "SELF": "/home/u/data/x"}
    with gocfg.load(env, environ={"HOME": "/h", "LOG_DIR": "/l"}) as cfg:
        assert cfg["LOG"] == "/l/app"
    with gocfg.load(gocfg.Text("A=${HOME}", "env"), environ={"HOME": "/t"}) as cfg:
        assert cfg["A"] == "/t"
    # env-raw keeps references as written, in layers too.
    with gocfg.load(gocfg.File(env, "env-raw"), environ={"HOME": "/h"}, interpolate=False) as cfg:
        assert cfg["DATA"] == "${HOME}/data"


def test_plain_load_expands_from_the_file_alone(tmp_path, monkeypatch, no_leaks):
    # Config.load() reads the same file the same way whatever the process
    # environment holds: a read is repeatable.
    monkeypatch.setenv("GOCFG_TEST_HOME", "/from/env")
    env = tmp_path / "app.env"
    env.write_text("A=${GOCFG_TEST_HOME}/x\nB=a\nC=${B}b\n")
    with gocfg.Config.load(env) as cfg:
        assert cfg.to_dict() == {"A": "/x", "B": "a", "C": "ab"}
    with gocfg.load(env) as cfg:  # the layered load reads os.environ
        assert cfg["A"] == "/from/env/x"


# ------------------------------------------------------- keys with NUL

@pytest.mark.parametrize("fmt,fragment", [("json", "\\u0000"), ("yaml", "\\0"), ("toml", "\\u0000"),
                                          ("properties", "\\u0000")])
def test_nul_keys_round_trip(fmt, fragment, tmp_path, no_leaks):
    data = {"s": {"a\0b": "v\0", "\0": 1}}
    if fmt == "properties":
        data = {"s": {"a\0b": "v\0", "\0": "1"}}
    with gocfg.Config(data) as cfg:
        text = cfg.dumps(fmt)
        assert fragment in text and "\0" not in text
        path = tmp_path / f"nul.{fmt}"
        cfg.save(path)
    with gocfg.Config.load(path) as back:
        assert back.to_dict() == data
        assert list(back["s"]) == ["a\0b", "\0"]


@pytest.mark.parametrize("fmt", ["ini", "env", "hcl"])
def test_nul_keys_refused_where_the_format_cannot_write_them(fmt, no_leaks):
    with gocfg.Config({"s": {"a\0b": "v"}} if fmt != "env" else {"a\0b": "v"}) as cfg:
        with pytest.raises(gocfg.TypeMismatchError, match=r"a\\0b.*NUL|NUL|name") as info:
            cfg.dumps(fmt)
    assert "\0" not in str(info.value)  # written as \0, never cut short


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="Ctrl-C reaches the main thread")
def test_ctrl_c_during_read_all(tmp_path):
    """read_all from a pipe a writer feeds slowly runs on the interruptible
    path: Ctrl-C (simulated) raises KeyboardInterrupt, cancels the Go read
    and leaks nothing."""
    fifo = tmp_path / "slow.yaml"
    os.mkfifo(fifo)
    stop = threading.Event()

    def writer():
        try:
            with open(fifo, "w") as f:
                while not stop.is_set():
                    f.write("- 1\n")
                    f.flush()
                    time.sleep(0.02)
        except OSError:
            pass  # the reader went away: the read was cancelled

    before = settled_stats()
    w = threading.Thread(target=writer, daemon=True)
    w.start()
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            gocfg.read_all(fifo)
    finally:
        timer.cancel()
        stop.set()
        w.join(5)
    assert not w.is_alive()
    deadline = time.monotonic() + 5
    after = settled_stats()
    while after["goroutines"] > before["goroutines"] and time.monotonic() < deadline:
        time.sleep(0.02)
        after = settled_stats()
    assert after["outstanding_errors"] == before["outstanding_errors"]
    assert after["outstanding_buffers"] == before["outstanding_buffers"]
