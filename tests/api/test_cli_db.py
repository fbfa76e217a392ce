"""gocfg db: the Database from the command line (python -m gocfg db ...).

Each test runs the real CLI in a subprocess against a SQLite file in
tmp_path or memory://, and one against an etcd server with auth, checking
stdout, the one-line error on stderr and the exit status (0 ok, 1 bad
data, missing name or conflict, 2 usage).
"""
from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys

import gocfg
import pytest
from support import etcd_server
from support.cli import run_cli


def run(*args, input=None, env=None, **kw):
    return run_cli("db", *args, input=input, env=env, text=False, **kw)


def out(r) -> str:
    return r.stdout.decode()


def one_line_error(r, *words: str) -> None:
    err = r.stderr.decode()
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("gocfg: "), err
    for w in words:
        assert w in err, (w, err)


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite://{tmp_path}/store.db"


@pytest.fixture
def app(tmp_path):
    path = tmp_path / "app.yaml"
    path.write_text("server:\n  host: example.org\n  port: 8080\n  password: hunter2\nnames: [a, b]\n")
    return path


def test_put_get_history(url, app):
    r = run("put", url, "svc/api", app)
    assert (r.returncode, out(r), r.stderr) == (0, "1\n", b"")
    r = run("put", url, "svc/api", "-", input=b'{"server": {"port": 9090}}')  # stdin: YAML reads JSON
    assert (r.returncode, out(r)) == (0, "2\n")

    # The whole config, as JSON by default, with the secret masked.
    r = run("get", url, "svc/api", "--revision", "1")
    assert r.returncode == 0
    assert json.loads(out(r)) == {"server": {"host": "example.org", "port": 8080, "password": "********"},
                                  "names": ["a", "b"]}
    assert "hunter2" not in out(r)
    assert "hunter2" in out(run("get", url, "svc/api", "--revision", "1", "--reveal"))
    assert json.loads(out(run("get", url, "svc/api"))) == {"server": {"port": 9090}}
    assert "port: 9090" in out(run("get", url, "svc/api", "--format", "yaml"))

    # A path: as `gocfg get` prints it (strings bare, the rest as JSON).
    assert out(run("get", url, "svc/api", "server.port")) == "9090\n"
    assert out(run("get", url, "svc/api", "server.host", "--revision", "1")) == "example.org\n"
    assert json.loads(out(run("get", url, "svc/api", "server", "--revision", "1")))["password"] == "********"
    assert out(run("get", url, "svc/api", "server.password", "--revision", "1")) == "hunter2\n"

    r = run("history", url, "svc/api")
    assert r.returncode == 0
    lines = out(r).splitlines()
    assert [line.split(" ")[0] for line in lines] == ["1", "2"]
    with gocfg.Database.open(url) as db:
        expected = db.history("svc/api")
    for line, (rev, when) in zip(lines, expected):
        number, stamp = line.split(" ")
        assert number == str(rev)
        assert stamp.endswith("Z")
        assert dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")) == when


def test_put_expect_revision_conflict(url, app):
    assert run("put", url, "n", app, "--expect-revision", "0").returncode == 0
    r = run("put", url, "n", app, "--expect-revision", "0")
    assert r.returncode == 1 and out(r) == ""
    one_line_error(r, "conflict", "not to exist yet", "latest revision is 1", "nothing was saved")
    r = run("put", url, "n", app, "--expect-revision", "5")
    assert r.returncode == 1
    one_line_error(r, "expected revision 5", "latest revision is 1")
    assert out(run("put", url, "n", app, "--expect-revision", "1")) == "2\n"
    r = run("put", url, "other", app, "--expect-revision", "3")
    assert r.returncode == 1
    one_line_error(r, "it does not exist")
    with gocfg.Database.open(url) as db:
        assert db.names() == ["n"] and [r for r, _ in db.history("n")] == [1, 2]


def test_diff(url, tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text('{"port": 1, "token": "old-secret", "gone": true}')
    b.write_text('{"port": 2, "token": "new-secret", "added": "x"}')
    run("put", url, "d", a)
    run("put", url, "d", b)
    r = run("diff", url, "d", "1", "2")
    assert r.returncode == 0
    text = out(r)
    assert "port" in text and "gone" in text and "added" in text
    assert "secret" not in text
    assert "new-secret" in out(run("diff", url, "d", "1", "2", "--reveal"))
    assert out(run("diff", url, "d", "2", "2")) == ""


def test_query(url, tmp_path):
    for name, port in (("services/api", 8080), ("services/web", 80), ("other", 1)):
        f = tmp_path / "c.json"
        f.write_text(json.dumps({"server": {"port": port, "api_key": "k-123"}, "note": "a\tb\nc"}))
        assert run("put", url, name, f).returncode == 0
    r = run("query", url, "services/*:server.port")
    assert (r.returncode, out(r)) == (0, "services/api\tserver.port\t8080\nservices/web\tserver.port\t80\n")
    # A string holding a TAB and a newline stays on its line; secrets masked.
    lines = out(run("query", url, "other:**")).splitlines()
    assert lines == ['other\tnote\t"a\\tb\\nc"', 'other\tserver.api_key\t"********"', "other\tserver.port\t1"]
    assert "k-123" in out(run("query", url, "other:**", "--reveal"))
    assert out(run("query", url, "nothing/*:**")) == ""
    r = run("query", url, "no-colon")
    assert r.returncode == 1
    one_line_error(r, "no-colon")



def test_a_name_holding_a_bidi_control_is_escaped_in_output(url, app):
    # Names may hold U+202E (only control characters are refused), and
    # query, watch and the messages printed it raw: the rest of the line
    # showed reversed in a terminal (Trojan Source), as keys once did.
    name = "svc/\u202eevil"
    with gocfg.Database.open(url) as db:
        db.save(name, {"k": 1})
        r = run("query", url, "svc/*:k")
        assert (r.returncode, out(r)) == (0, "svc/\\u202eevil\tk\t1\n")
        r = run("get", url, name, "nope")
        assert r.returncode == 1 and "\u202e" not in r.stderr.decode()
        one_line_error(r, "svc/\\u202eevil")
        r = run("put", url, name, app, "--expect-revision", "7")
        assert r.returncode == 1 and "\u202e" not in r.stderr.decode()
        one_line_error(r, "svc/\\u202eevil", "conflict")
        p = subprocess.Popen([sys.executable, "-m", "gocfg", "db", "watch", url, "svc"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert "watching" in p.stderr.readline()
            db.save(name, {"k": 2})
            assert p.stdout.readline() == "svc/\\u202eevil 2 saved\n"
            p.send_signal(signal.SIGINT)
            assert p.wait(timeout=30) == 0
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()

def test_rm(url, app):
    run("put", url, "x", app)
    r = run("rm", url, "x")
    assert (r.returncode, out(r), r.stderr) == (0, "", b"")
    r = run("rm", url, "x")
    assert r.returncode == 1
    one_line_error(r, "no config named 'x'")
    # The revision counter survives the delete, as the Database promises.
    assert out(run("put", url, "x", app)) == "3\n"


def test_missing_names_and_revisions(url, app):
    run("put", url, "svc", app)
    for args, words in ((("get", url, "nope"), ("no config named 'nope'",)),
                        (("get", url, "svc", "--revision", "9"), ("no revision 9", "stored: 1")),
                        (("get", url, "svc", "server.nope"), ("server.nope",)),
                        (("history", url, "nope"), ("nope",)),
                        (("diff", url, "svc", "1", "4"), ("no revision 4",)),
                        (("get", url, "a/../b"), ("a/../b",))):
        r = run(*args)
        assert r.returncode == 1 and out(r) == "", args
        one_line_error(r, *words)


@pytest.mark.parametrize("args", [
    ("get", "URL", "svc", "--revision", "x"),
    ("get", "URL", "svc", "--revision", "0"),
    ("get", "URL", "svc", "--revision", "-1"),
    ("put", "URL", "svc", "FILE", "--expect-revision", "-1"),
    ("put", "URL", "svc", "FILE", "--expect-revision", "1.5"),
    ("diff", "URL", "svc", "1"),
    ("frobnicate", "URL"),
    ("get", "URL"),
])
def test_usage_errors(url, app, args):
    args = [url if a == "URL" else app if a == "FILE" else a for a in args]
    r = run(*args)
    assert r.returncode == 2 and out(r) == ""


def test_bad_input(url, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1, 2\n")
    r = run("put", url, "x", bad)
    assert r.returncode == 1
    one_line_error(r, "bad.yaml")
    lst = tmp_path / "list.yaml"
    lst.write_text("- a\n- b\n")
    one_line_error(run("put", url, "x", lst), "mapping")
    r = run("put", url, "x", tmp_path / "missing.yaml")
    assert r.returncode == 1
    one_line_error(r, "missing.yaml")
    r = run("put", url, "x", "-", input=b"a: \xff\xfe\n")
    assert r.returncode == 1
    one_line_error(r, "stdin is not UTF-8", "offset 3")
    r = run("put", url, "x", "-", input=b"")
    assert r.returncode == 1
    one_line_error(r, "stdin is empty")
    r = run("put", url, "x", "-", input=b"a = \n")
    assert r.returncode == 1  # YAML by default: "a = " is a scalar root, not a mapping
    r = run("put", url, "x", "-", "--format", "toml", input=b"a = [1,\n")
    assert r.returncode == 1
    one_line_error(r, "stdin")
    r = run("put", url, "x", "-", input=b"a: 1\x00\n")
    assert r.returncode == 1
    one_line_error(r)
    deep = b"[" * 100000 + b"]" * 100000
    r = run("put", url, "x", "-", input=b"a: " + deep)
    assert r.returncode == 1
    one_line_error(r)
    # Nothing of the above was stored.
    with gocfg.Database.open(url) as db:
        assert db.names() == []


def test_memory_url(app):
    # memory:// is a new, empty store in each run: a save works, and a
    # later run finds nothing.
    r = run("put", "memory://", "a", app)
    assert (r.returncode, out(r)) == (0, "1\n")
    r = run("get", "memory://", "a")
    assert r.returncode == 1
    one_line_error(r, "memory://", "no config named 'a'")
    assert run("query", "memory://", "*:**").stdout == b""


def test_password_never_in_argv(url):
    r = run("get", "etcd://root:s3cret@127.0.0.1:1/p", "x")
    assert r.returncode == 2 and "s3cret" not in r.stderr.decode()
    one_line_error(r, "GOCFG_DB_PASSWORD", "--password-file")
    r = run("get", "etcd://127.0.0.1:1/p", "x", "--password", "s3cret")
    assert r.returncode == 2


def test_watch_until_ctrl_c(url, app):
    with gocfg.Database.open(url) as db:
        db.save("other", {"a": 1})  # outside the prefix: never printed
        p = subprocess.Popen([sys.executable, "-m", "gocfg", "db", "watch", url, "svc"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            # The banner goes out once the watch has started: saves after it are seen.
            assert "watching" in p.stderr.readline()
            db.save("svc/a", {"n": 1})
            db.save("other", {"a": 2})
            db.save("svc/a", {"n": 2})
            db.delete("svc/a")
            seen = [p.stdout.readline() for _ in range(3)]
            assert seen == ["svc/a 1 saved\n", "svc/a 2 saved\n", "svc/a 3 deleted\n"]
            p.send_signal(signal.SIGINT)
            assert p.wait(timeout=30) == 0
            assert p.stdout.read() == ""
            assert "Traceback" not in p.stderr.read()
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()


def test_watch_of_a_sqlite_file_replaced_ends_with_an_error(tmp_path):
    # A backup put back with mv: the watch saw nothing more, for good; it
    # ends now (the store stops sending changes), and the command says so,
    # with status 1 (Ctrl-C alone is 0).
    path = tmp_path / "store.db"
    backup = tmp_path / "backup.db"
    for db_path in (path, backup):
        with gocfg.Database.open(db_path) as db:
            db.save("svc", {"n": 1})
    p = subprocess.Popen([sys.executable, "-m", "gocfg", "db", "watch", f"sqlite://{path}"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "watching" in p.stderr.readline()
        backup.replace(path)
        assert p.wait(timeout=60) == 1
        err = p.stderr.read()
        assert err == f"gocfg: the store sqlite://{path} stopped sending changes: connection error\n", err
        assert p.stdout.read() == ""
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stdout.close()
        p.stderr.close()


@pytest.mark.etcd  # starts its own server (with auth), not through the shared fixtures
def test_etcd_with_password_from_environment(tmp_path, app):
    if not etcd_server.have_etcd():
        pytest.fail(etcd_server.missing(), pytrace=False)
    password = "Pa55-word-for-cli"
    server = etcd_server.EtcdServer(str(tmp_path)).start()
    try:
        server.enable_auth(password)
        url = server.url("cli")
        env = {"GOCFG_DB_USERNAME": "root", "GOCFG_DB_PASSWORD": password}
        r = run("put", url, "svc/api", app, env=env)
        assert (r.returncode, out(r)) == (0, "1\n"), r.stderr
        assert out(run("get", url, "svc/api", "server.port", env=env)) == "8080\n"
        assert out(run("history", url, "svc/api", env=env)).startswith("1 ")
        pwfile = tmp_path / "pw"
        pwfile.write_text(password + "\n")
        r = run("get", url, "svc/api", "--username", "root", "--password-file", pwfile)
        assert r.returncode == 0 and "********" in out(r)
        r = run("put", url, "svc/api", app, "--expect-revision", "0", env=env)
        assert r.returncode == 1
        one_line_error(r, "conflict")
        r = run("get", url, "svc/api", env={"GOCFG_DB_USERNAME": "root", "GOCFG_DB_PASSWORD": "Wr0ng-pw-xyz"})
        assert r.returncode == 1
        one_line_error(r)
        assert "Wr0ng-pw-xyz" not in r.stderr.decode() and password not in r.stderr.decode()
        assert run("rm", url, "svc/api", env=env).returncode == 0
    finally:
        server.remove()
