"""The command line: python -m gocfg and the gocfg script."""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from support.cli import run_cli as run


@pytest.fixture
def app(tmp_path):
    path = tmp_path / "app.yaml"
    path.write_text("server:\n  host: example.org\n  port: 8080\nnames: [a, b]\n")
    return path


def test_get(app):
    r = run("get", app, "server.port")
    assert r.returncode == 0 and r.stdout == "8080\n" and r.stderr == ""
    assert run("get", app, "server.host").stdout == "example.org\n"
    assert json.loads(run("get", app, "names").stdout) == ["a", "b"]
    assert json.loads(run("get", app, "server").stdout) == {"host": "example.org", "port": 8080}


def test_get_missing_key(app):
    r = run("get", app, "server.nope")
    assert r.returncode == 1 and r.stdout == ""
    assert "server.nope" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    # The file, and the closest keys as the Python API gives them.
    r = run("get", app, "server.prot")
    assert r.returncode == 1 and r.stderr == f"gocfg: {app}: no value at 'server.prot' (did you mean 'server.port'?)\n"
    # A path that stops at a list or a value says why, as the API does.
    assert run("get", app, "names.x").stderr == \
        f"gocfg: {app}: no value at 'names.x': names is a list of 2 items; \"x\" is not an index in it\n"
    assert run("get", app, "server.host.x").stderr == \
        f"gocfg: {app}: no value at 'server.host.x': server.host is a str, not a map or list\n"
    app.write_text("url: http://${server.host}/\nserver:\n  host: h\n")  # read through a layer
    assert run("get", app, "url.x").stderr == \
        f"gocfg: {app}: no value at 'url.x': url is a str, not a map or list\n"
    assert run("get", app, "server.hots").stderr == f"gocfg: {app}: no value at 'server.hots' (did you mean 'server.host'?)\n"
    assert run("get", "-", "b", input='{"a": 1}').stderr == "gocfg: stdin: no value at 'b'\n"


def test_show_and_convert(app, tmp_path):
    r = run("show", app, "--format", "json")
    assert r.returncode == 0
    assert json.loads(r.stdout)["server"]["port"] == 8080
    assert "port: 8080" in run("show", app).stdout
    out = tmp_path / "app.toml"
    r = run("convert", app, out)
    assert r.returncode == 0, r.stderr
    assert run("get", out, "server.host").stdout == "example.org\n"


def test_validate(app, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("a = 1\nb = = 2\n")
    r = run("validate", app)
    assert r.returncode == 0 and "ok" in r.stdout
    r = run("validate", app, bad)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{bad}:2:" in lines[0]


def test_bad_files_exit_1(tmp_path):
    r = run("show", tmp_path / "missing.json")
    assert r.returncode == 1 and "missing.json" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    bad = tmp_path / "bad.json"
    bad.write_text('{"a": }')
    r = run("get", bad, "a")
    assert r.returncode == 1 and f"{bad}:1:" in r.stderr
    nulls = tmp_path / "n.json"
    nulls.write_text('{"a": null}')
    r = run("convert", nulls, tmp_path / "n.toml")
    assert r.returncode == 1 and "null" in r.stderr.lower()


def test_bad_usage_exit_2(app):
    assert run().returncode == 2
    assert run("frobnicate").returncode == 2
    assert run("get", app).returncode == 2
    assert run("show", app, "--format", "xml").returncode == 2


def test_get_with_the_key_before_the_file_says_the_order(app, tmp_path):
    """gocfg get server.port app.yaml said it could not tell the format of
    "server.port" and to pass --format."""
    r = run("get", "server.port", app, cwd=tmp_path)
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == (f"gocfg: no file server.port, and the key {app} names a file: the files come first "
                        f"and the key last (gocfg get {app} server.port)\n")
    r = run("get", "nope.yaml", "server.port", cwd=tmp_path)  # no such key file: the plain miss
    assert r.returncode == 1 and r.stderr == "gocfg: nope.yaml: No such file or directory\n"


def test_format_options_take_the_names_format_takes(app, tmp_path):
    """--format yml, --format JSON and --format .toml were "invalid choice"
    where the API's format= takes them; the choices are still listed for a
    name nothing knows."""
    assert run("get", app, "server.port", "--format", "yml").stdout == "8080\n"
    assert json.loads(run("show", app, "--format", "JSON").stdout)["server"]["port"] == 8080
    assert run("show", app, "--format", ".TOML").stdout.startswith("names = ")
    assert run("show", "-", "--input-format", "YML", "--format", "json", input="a: 1\n").stdout == '{\n  "a": 1\n}\n'
    assert run("show", app, "--format", "yml-1.1").stdout == run("show", app, "--format", "yaml").stdout
    out = tmp_path / "o.json"
    assert run("convert", app, out, "--output-format", "Json").returncode == 0
    assert json.loads(out.read_text())["names"] == ["a", "b"]
    assert run("validate", app, "--format", "yml").stdout == f"{app}: ok\n"
    r = run("show", app, "--format", "xml")
    assert r.returncode == 2 and "argument --format: invalid choice: 'xml' (choose from 'json', 'yaml'," in r.stderr


def test_more_bad_usage_exit_2_on_one_line(app, tmp_path):
    """Arguments that can never work are bad usage (2), said on one line,
    in the command line's terms; they used to be file errors (1), or the
    library's (the timeout and debounce checks, "pass format=")."""
    def usage(*args, says):
        r = run(*args)
        assert (r.returncode, r.stdout) == (2, ""), (args, r.stderr)
        assert "Traceback" not in r.stderr and says in r.stderr.strip().splitlines()[-1], (args, r.stderr)
        return r.stderr

    # "-" is stdin for get, show and db put only: elsewhere it was looked
    # for as a file named "-" (with --input-format json: "No such file").
    for args in (["diff", app, "-"], ["validate", "-"], ["convert", "-", tmp_path / "o.json"],
                 ["convert", "-", tmp_path / "o.json", "--input-format", "json"], ["watch", "-"]):
        usage(*args, says="reads files, not stdin: - is read by get, show and db put")
    usage("convert", app, "-", says="convert writes a file: to print in another format, use show FILE --format F")
    # A name that tells no format: the option to pass, not the API's format=.
    odd = tmp_path / "app.conf"
    odd.write_text("a: 1\n")
    for args, option in ((["get", odd, "a"], "--format"), (["show", odd], "--input-format"),
                         (["validate", odd], "--format"), (["diff", odd, odd], "--format"),
                         (["convert", odd, tmp_path / "o.json"], "--input-format"),
                         (["convert", app, tmp_path / "o.conf"], "--output-format"),
                         (["db", "put", "memory://", "x", odd], "--format")):
        err = usage(*args, says="from its name (known extensions: .json")
        assert f": pass {option} (one of json, " in err and "format=" not in err, args
    assert run("get", odd, "a", "--format", "yaml").stdout == "1\n"
    # --format is the files' format: a schema file's name must tell its own.
    err = usage("validate", app, "--schema", odd, says="name the schema file .json or .yaml")
    assert err.startswith(f'gocfg: --schema: cannot tell the format of "{odd}" from its name') and "pass" not in err
    assert not (tmp_path / "o.conf").exists()
    # Seconds that Database.open and watch refuse.
    for bad in ("-1", "0", "nan", "inf", "1e400", "abc", "90000"):
        usage("db", "get", "memory://", "x", "--timeout", bad, says="argument --timeout: expected a number of seconds")
    for bad in ("-1", "0", "nan", "inf", "3601"):
        usage("watch", app, "--debounce", bad, says="argument --debounce: expected a number of seconds")
    # A --set that does not parse is bad usage whichever command merges it
    # (validate --schema said 1), as is one that is not UTF-8 (1 everywhere).
    schema = tmp_path / "schema.json"
    schema.write_text("{}")
    for args in (["show", app], ["get", app, "server"], ["validate", app, "--schema", schema]):
        usage(*args, "--set", "x=[1", says='override "x=[1": cannot parse the value')
        usage(*args, "--set", "x=\udcff", says="an override cannot be encoded as UTF-8")
    # str.isdigit() holds for other scripts' digits: "٣" was document 3.
    usage("get", app, "server.port", "--document", "\u0663", says="expected a document number counting from 0")


def test_source_options_that_can_never_work_exit_2(app, tmp_path):
    """An --env-delimiter, --env-prefix or --profile that the library
    refuses whatever the files hold is bad usage (2), said on one line as
    argparse says its errors; they were file errors (1). A profile that
    no file defines stays 1: that is about the files."""
    def usage(*args, says):
        r = run(*args)
        assert (r.returncode, r.stdout) == (2, ""), (args, r.returncode, r.stderr)
        assert "Traceback" not in r.stderr and says in r.stderr.strip().splitlines()[-1], (args, r.stderr)

    schema = tmp_path / "schema.json"
    schema.write_text("{}")
    for cmd in (["show", app], ["get", app, "server"], ["watch", app], ["validate", app, "--schema", schema]):
        usage(*cmd, "--env-delimiter", "", says="argument --env-delimiter: env_delimiter must not be empty")
        usage(*cmd, "--env-prefix", "A=B", says="argument --env-prefix: env_prefix 'A=B' cannot begin")
        usage(*cmd, "--env-prefix", "", says="argument --env-prefix: env_prefix must be a non-empty string")
        usage(*cmd, "--env-prefix", "A\udcff", says="cannot be encoded as UTF-8")
    for cmd in (["show", app], ["get", app, "server"], ["watch", app]):
        for bad in ("../prod", "default", " prod"):
            usage(*cmd, "--profile", bad, says="argument --profile: profile")
    r = run("get", app, "server.port", "--profile", "nope")
    assert r.returncode == 1 and "unknown profile 'nope'" in r.stderr
    assert run("show", app, "--env-prefix", "APP", "--env-delimiter", "_").returncode == 0


def test_keys_with_control_characters_stay_on_their_line(tmp_path):
    # Values are printed as JSON (escaped), keys as they are: a key holding
    # a newline made a line of its own in show --origin, diff, db query
    # (whose format is one TAB-separated line per match) and validate, and
    # a terminal's escape sequence in a key reached the terminal.
    data = {"x\ny": 1, "t\tab": 2, "esc\x1b[2J": 3, "ok": "v\x1bq", "sep\u2028": 4}
    a = tmp_path / "a.json"
    a.write_text(json.dumps(data))
    b = tmp_path / "b.json"
    b.write_text(json.dumps({**data, "x\ny": 9}))
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps({"properties": {"x\ny": {"type": "string"}}}))
    db = tmp_path / "c.db"
    assert run("db", "put", db, "n", a).returncode == 0
    outputs = {
        "show --origin": run("show", a, "--origin"), "diff": run("diff", a, b),
        "db query": run("db", "query", db, "*:**"), "validate": run("validate", b, "--schema", schema),
    }
    for what, r in outputs.items():
        assert r.returncode in (0, 1) and r.stderr == "", (what, r.stderr)
        assert "\x1b" not in r.stdout and "\u2028" not in r.stdout, (what, r.stdout)
        assert "\t" not in r.stdout or what == "db query", (what, r.stdout)  # there, TAB separates the fields
    shown = outputs["show --origin"].stdout.splitlines()
    assert len(shown) == 5 and shown[0].startswith("x\\ny ") and shown[2].startswith("esc\\x1b[2J =")
    assert '"v\\u001bq"' in shown[3] and shown[4].startswith("sep\\u2028 ")
    assert outputs["diff"].stdout == "~ x\\ny: 1 -> 9\n"
    rows = [line.split("\t") for line in outputs["db query"].stdout.splitlines()]
    assert sorted(r[1] for r in rows) == ["esc\\x1b[2J", "ok", "sep\\u2028", "t\\tab", "x\\ny"]
    assert all(len(r) == 3 for r in rows), rows
    assert outputs["validate"].stdout == f"{b}:1:2: x\\ny: got number, want string\n"


def test_values_as_deep_as_the_library_allows(tmp_path):
    # get, show --origin and show (which looks for references) wrote or
    # searched values with json.dumps, whose recursion failed with a
    # traceback on lists some 990 levels deep that the library reads.
    deep = tmp_path / "deep.json"
    deep.write_text('{"url": "${host}", "host": "h", "deep": ' + "[" * 995 + '{"password": "hunter2"}' + "]" * 995 + "}")
    for args in (["get", deep, "deep"], ["get", deep, "deep.0.0"], ["show", deep, "--origin"], ["show", deep],
                 ["show", deep, "--format", "yaml"]):
        r = run(*args)
        assert (r.returncode, r.stderr) == (0, ""), (args, r.stderr[-300:])
        assert "hunter2" not in r.stdout and "********" in r.stdout, args
    assert run("get", deep, "deep").stdout == "[" * 995 + '{"password": "********"}' + "]" * 995 + "\n"
    assert '"url": "h"' in run("show", deep).stdout  # its reference resolved


def test_file_names_that_are_not_utf8(tmp_path):
    # A Linux file name is bytes. Its origins reached Python as strict
    # UTF-8 and failed to decode: show --origin, and show or get of merged
    # files, said "gocfg: 'utf-8' codec can't decode byte 0xff ..." (1).
    name = os.fsdecode(b"app-\xff.yaml")
    try:
        (tmp_path / name).write_text("server: {port: 8080}\npassword: hunter2\n")
    except (OSError, UnicodeEncodeError):
        pytest.skip("the file system takes only UTF-8 names")
    other = tmp_path / "other.yaml"
    other.write_text("debug: true\n")
    path = tmp_path / name
    r = run("show", path, "--origin", text=False)
    assert r.returncode == 0, r.stderr
    assert b"# " + os.fsencode(path) + b":1:10" in r.stdout and b"hunter2" not in r.stdout  # the name's own bytes
    r = run("show", path, other, "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["server"] == {"port": 8080}, r.stderr
    assert run("get", path, other, "server.port").stdout == "8080\n"
    assert run("validate", path, text=False).stdout == os.fsencode(path) + b": ok\n"


def test_console_script_installed(app):
    exe = shutil.which("gocfg")
    assert exe, "the gocfg console script is not on PATH"
    r = subprocess.run([exe, "get", str(app), "server.port"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout == "8080\n"


def test_an_unknown_option_gets_its_commands_usage_and_the_closest_option(app):
    """`gocfg show app.yaml --foramt json` printed the top parser's usage
    (gocfg [-h] [--version] COMMAND ...), which lists no option of show."""
    r = run("show", app, "--foramt", "json")
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr.startswith("usage: gocfg show ")
    assert r.stderr.splitlines()[-1] == "gocfg show: error: unrecognized arguments: --foramt json (did you mean --format?)"
    r = run("db", "get", "memory://", "x", "--revison", "1")
    assert r.returncode == 2 and r.stderr.splitlines()[-1].endswith("--revison 1 (did you mean --revision?)")
    r = run("get", app, "server.port", "-x")
    assert r.returncode == 2 and r.stderr.splitlines()[-1] == "gocfg get: error: unrecognized arguments: -x"


def test_a_password_on_the_command_line_is_not_quoted_back(app):
    # db: "--password s3cret" was taken for an abbreviated --password-file,
    # and the error quoted the password as a file name that did not exist.
    for args in (["db", "get", "memory://", "x", "--password", "s3cret"], ["db", "get", "memory://", "x", "--password=s3cret"],
                 ["get", app, "server.port", "--password", "s3cret"], ["show", app, "--api-token=s3cret"]):
        r = run(*args)
        assert r.returncode == 2 and "s3cret" not in r.stderr, (args, r.stderr)
        if args[0] == "db":
            assert "set $GOCFG_DB_PASSWORD or use --password-file FILE" in r.stderr, r.stderr
