"""Credentials inside values (a URL's password, the value of
``password=...``) are masked wherever gocfg shows values, whatever the
key, and read exactly: the Python copy of the rule against the table that
gocore/secretvalue's Go test reads too, then each display path through
the real library, on real files, and the command line in a subprocess."""
from __future__ import annotations

import dataclasses
import json
import pathlib
from typing import Sequence

import gocfg
import pytest
from gocfg.secrets import MASK, credential_spans, mask_text, scrub, secret_texts
from support.cli import run_cli

ROOT = pathlib.Path(__file__).resolve().parents[2]
URL = "postgres://app:hunter3@db.internal:5432/app"
SHOWN = f"postgres://app:{MASK}@db.internal:5432/app"
CONN = "host=db password='hunter 4' dbname=app"
DATA = {"db": {"url": URL, "conn": CONN, "host": "db.internal", "n": 5},
        "mail": "user@example.com", "web": "http://host/path?a=b", "hosts": [URL, "plain"]}


@pytest.fixture
def default_rule():
    gocfg.set_secret_pattern(None)
    yield
    gocfg.set_secret_pattern(None)


def assert_masked(text: str) -> None:
    """text shows the values with their credentials masked, and the rest."""
    assert "hunter" not in text, text
    assert MASK in text and "db.internal" in text, text


# ------------------------------------------------------- the rule itself

def test_python_and_the_library_agree_on_the_value_rule():
    """The same table as gocore/secretvalue's Go test: both copies."""
    table = json.loads((ROOT / "gocore" / "secretvalue" / "testdata" / "secret_values.json").read_text("utf-8"))
    assert len(table) >= 40
    assert any(r["text"] == r["masked"] for r in table) and any(r["text"] != r["masked"] for r in table)
    for row in table:
        assert mask_text(row["text"]) == row["masked"], row
        assert mask_text(row["masked"]) == row["masked"], row  # masking twice changes nothing


def test_the_value_rule_keeps_the_default_words_whatever_the_key_pattern(default_rule):
    # The library masks its messages by the default words; so does Python.
    gocfg.set_secret_pattern(["nothing_like_it"])
    assert mask_text("password=x") == f"password={MASK}"


@pytest.mark.parametrize("text", [
    "a" * (10 << 20),
    "=" * (10 << 20),
    "://" * (3 << 20),
    "passwordx" * (1 << 20) + "=x",
    "x" * (10 << 20) + "=" + "y" * 10,
    "pwd={" + "}}" * (5 << 20),
    "password='" + "\\'" * (5 << 20),
    "postgres://u:" + "@" * (10 << 20) + "x@h/db",
    # the shapes of the PEM, header and token scans
    ": " * (5 << 20),
    "a-" * (5 << 20) + ": x",
    "a" * (10 << 20) + ":b",
    "x-token" * (1 << 20) + ": v",
    "Authorization: " + "B" * (10 << 20),
    "Authorization: Bearer" + " " * (10 << 20),
    "-----BEGIN " * (1 << 20),
    ("-----BEGIN " + "A" * 70) * (1 << 17),
    "-----BEGIN PRIVATE KEY-----\n" + "A" * (10 << 20),
    "-----BEGIN PRIVATE KEY-----" * (400 << 10),
    "sk-" * (3 << 20),
    "AKIA" + "A" * (10 << 20),
    "sk-" + "a1" * (5 << 20),
])
def test_large_values_are_masked_in_one_pass(text):
    # A scan that went back over what it read would take hours on these;
    # nothing is timed.
    out = mask_text(text)
    assert len(out) <= len(text) + len(MASK)
    assert len(credential_spans(text)) <= 1


@pytest.mark.parametrize("value", [None, 5, 2.5, True, b"password=x", ["password=x"], {"k": "password=x"}])
def test_values_that_are_not_strings_are_untouched_by_mask_text_callers(value):
    shown = gocfg.secrets.mask(value)
    if isinstance(value, list):
        assert shown == [f"password={MASK}"]
    elif isinstance(value, dict):
        assert shown == {"k": f"password={MASK}"}
    else:
        assert shown is value


def test_scrub_takes_out_a_credential_a_message_quotes():
    texts = secret_texts({"db": {"url": URL}})
    assert "hunter3" in texts
    assert "hunter3" not in scrub(f"invalid literal for int() with base 10: {URL!r}", texts)


# ------------------------- private keys, HTTP credentials, known tokens

PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"
CERT = "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEbN3xQTANBgkq\n-----END CERTIFICATE-----\n"
GH = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
BEARER = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc"
SLACK = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
CREDS = {"tls": {"key": PEM, "cert": CERT},
         "git": {"remote": f"https://{GH}@github.com/o/r.git", "mirror": "ssh://git@github.com/o/r.git"},
         "http": {"headers": [f"Authorization: Bearer {BEARER}", "X-Api-Key: 123abc", "Accept: text/plain"]},
         "slack": {"hook": SLACK}, "aws": {"id": "AKIAIOSFODNN7EXAMPLE"}, "ml": "sk-learn"}
# What no output may show, and what it shows in their place.
HIDDEN = ("MIIEvQIB", GH[4:], BEARER, "123abc", SLACK[5:], "IOSFODNN7EXAMPLE")
SHOWN_TOO = ("-----BEGIN PRIVATE KEY-----", "MIIDdzCCAl", "https://ghp_********@github.com/o/r.git",
             "ssh://git@github.com/o/r.git", "Authorization: Bearer ********", "X-Api-Key: ********",
             "Accept: text/plain", "xoxb-********", "AKIA********", "sk-learn")


def assert_credentials_hidden(text: str, shown: Sequence[str] = SHOWN_TOO) -> None:
    for secret in HIDDEN:
        assert secret not in text, (secret, text)
    for rest in shown:
        assert rest in text, (rest, text)


def test_private_keys_headers_and_tokens_are_masked_in_repr_and_read_whole():
    with gocfg.Config(CREDS) as c:
        # repr() cuts a long value short (the certificate): the rest shows.
        assert_credentials_hidden(repr(c), [t for t in SHOWN_TOO if t != "MIIDdzCCAl"])
        assert_credentials_hidden(c.show())
        assert c["tls.key"] == PEM and c["http.headers"][0] == f"Authorization: Bearer {BEARER}"
        assert c.get_str("git.remote") == f"https://{GH}@github.com/o/r.git" and c["slack.hook"] == SLACK


@pytest.mark.parametrize("path", ["tls.key", "git.remote", "http.headers", "slack.hook", "aws.id"])
def test_typed_read_errors_mask_private_keys_headers_and_tokens(path):
    with gocfg.Config(CREDS) as c:
        with pytest.raises(gocfg.TypeMismatchError) as info:
            c.get_int(path)
        text = str(info.value)
        assert path in text and MASK in text, text
        for secret in HIDDEN:
            assert secret not in text, (secret, text)


@pytest.mark.parametrize("key", ["x-api-key", "api-key", "Private-Token", "authorization"])
def test_a_message_about_a_key_that_looks_like_a_header_keeps_its_words(key):
    # "x-api-key: expected bool, ..." is a message about a key, not a header
    # line: the header rule left it "x-api-key: ******** bool".
    with gocfg.Config({key: 5}) as c:
        with pytest.raises(gocfg.TypeMismatchError) as info:
            c.get_bool(key)
    text = str(info.value)
    assert text.startswith(f"{key}: expected bool, got "), text


def test_cli_show_masks_private_keys_headers_and_tokens(tmp_path):
    f = tmp_path / "creds.json"
    f.write_text(json.dumps(CREDS))
    r = run_cli("show", f)
    assert r.returncode == 0, r
    assert_credentials_hidden(r.stdout)
    r = run_cli("show", f, "--reveal")
    assert GH in r.stdout and BEARER in r.stdout and "123abc" in r.stdout, r
    r = run_cli("get", f, "git.remote")  # the key asked for: as a program reads it
    assert r.stdout == f"https://{GH}@github.com/o/r.git\n", r


@pytest.mark.parametrize("value, shown", [
    (GH + " x", "ghp_******** x"),
    (f"Authorization: Bearer {BEARER}", "Authorization: Bearer ********"),
])
def test_a_library_message_quoting_a_value_masks_tokens_and_headers(value, shown):
    # TOML's message quotes the unquoted value it refuses: the library's
    # copy of the rule (gocore/secretvalue) masks it before Python sees it.
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.Config.loads(f"a = {value}\n", "toml")
    assert shown in str(info.value) and GH[4:] not in str(info.value) and BEARER not in str(info.value)


# ------------------------------------------- reading gives the value exactly

def test_reading_gives_the_value_exactly():
    with gocfg.Config(DATA) as c:
        assert c["db.url"] == URL and c.get_str("db.url") == URL and c["db"]["conn"] == CONN
        assert c.to_dict()["db"]["url"] == URL and c.to_dict()["hosts"] == [URL, "plain"]

        @dataclasses.dataclass
        class Db:
            url: str
            conn: str
            host: str
            n: int

        assert c["db"].to(Db).url == URL


# ------------------------------------------------------ each display path

def test_repr_of_config_and_section():
    with gocfg.Config(DATA) as c:
        assert_masked(repr(c))
        assert "user@example.com" in repr(c) and "http://host/path?a=b" in repr(c)
        assert_masked(repr(c["db"]))


def test_explain_rows_and_show():
    with gocfg.Config(DATA) as c:
        rows = c.explain()
        assert [r.value for r in rows if r.path == "db.url"] == [URL]  # the data itself
        assert_masked(repr(rows))
        assert_masked(c.show())
        assert f"password='{MASK}'" in c.show()
        assert "hunter3" in c.show(reveal=True) and "hunter 4" in c.show(reveal=True)


@pytest.mark.parametrize("method", ["get_int", "get_float", "get_bool", "get_duration"])
def test_typed_read_errors_mask_the_credential(method):
    with gocfg.Config(DATA) as c:
        with pytest.raises(gocfg.TypeMismatchError) as info:
            getattr(c, method)("db.url")
        assert "hunter" not in str(info.value) and SHOWN in str(info.value)
        with pytest.raises(gocfg.TypeMismatchError) as info:
            getattr(c, method)("hosts")  # a list holding one
        assert "hunter" not in str(info.value)


def test_to_errors_mask_the_credential():
    @dataclasses.dataclass
    class Db:
        url: int
        conn: str
        host: str
        n: int

    with gocfg.Config(DATA) as c:
        with pytest.raises(gocfg.ValidationError) as info:
            c["db"].to(Db)
        assert "hunter" not in str(info.value) and "hunter" not in repr(info.value.errors)


def test_notebook_display():
    with gocfg.Config(DATA) as c:
        page = c._repr_html_()
        assert "hunter" not in page and "postgres://app:********@db.internal" in page

        class Printer:
            def __init__(self):
                self.parts = []

            def text(self, s):
                self.parts.append(s)

        p = Printer()
        c._repr_pretty_(p, False)
        assert_masked("".join(p.parts))


def test_interpolated_and_overridden_values_are_masked_when_shown(tmp_path):
    f = tmp_path / "app.yaml"
    f.write_text("db:\n  pw: hunter5\n  url: 'postgres://app:${db.pw}@h/db'\n")
    with gocfg.load(gocfg.File(f), overrides=["cache.url=redis://:hunter6@cache:6379"]) as c:
        assert c["db.url"] == "postgres://app:hunter5@h/db" and c["cache.url"] == "redis://:hunter6@cache:6379"
        for text in (repr(c), c.show(), repr(c.explain())):
            assert "hunter5@" not in text and "hunter6" not in text, text
        origin = str(c.origin("cache.url"))
        assert "hunter6" not in origin and f"redis://:{MASK}@cache" in origin


def test_a_library_message_quoting_a_value_masks_the_credential():
    # TOML's message quotes the unquoted value it refuses.
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.Config.loads("a = postgres://u:hunter3@h\n", "toml")
    assert "hunter3" not in str(info.value) and f"postgres://u:{MASK}@h" in str(info.value)


def test_schema_violations_do_not_quote_the_credential():
    with gocfg.Config(DATA) as c:
        with pytest.raises(gocfg.ValidationError) as info:
            c.validate({"properties": {"db": {"properties": {"url": {"pattern": "^x$"}, "conn": {"format": "ipv4"},
                                                             "host": {"pattern": "^x$"}}}}})
        text = str(info.value) + repr(info.value.errors)
        assert "hunter" not in text and "'db.internal'" in text and len(info.value.errors) == 3


def test_diff_masks_the_credential():
    with gocfg.Config(DATA) as a, gocfg.Config({**DATA, "db": {**DATA["db"], "url": URL.replace("3@", "9@")}}) as b:
        d = a.diff(b)
        for text in (str(d), repr(list(d)), "\n".join(d.lines())):
            assert "hunter" not in text and MASK in text, text
        assert "hunter3" in "\n".join(d.lines(reveal=True))


# ------------------------------------------------------------ watched configs

def test_change_events_mask_the_credential(tmp_path):
    f = tmp_path / "app.yaml"
    f.write_text(f"db:\n  url: {URL}\n")

    def check(c):
        if c["db.url"].endswith("/bad"):
            raise ValueError(f"cannot reach {c['db.url']}")

    with gocfg.load(gocfg.File(f), watch=True, debounce=0.02, validate=check) as cfg:
        stream = cfg.changes(timeout=60)
        f.write_text("db:\n  url: postgres://app:hunter7@db.internal/app\n")
        ev = next(iter(stream))
        assert ev.kind == "applied"
        for text in (str(ev), repr(ev), repr(list(ev.diff))):
            assert "hunter" not in text, text
        assert "hunter7" in "\n".join(ev.lines(reveal=True))
        f.write_text("db:\n  url: postgres://app:hunter8@db.internal/bad\n")
        ev = next(iter(stream))
        assert ev.kind == "rejected" and "hunter8" in str(ev.error)  # the user's own exception
        assert "hunter8" not in str(ev) and "cannot reach" in str(ev), str(ev)


# ---------------------------------------------------------------- the CLI

@pytest.fixture
def app(tmp_path):
    f = tmp_path / "app.yaml"
    f.write_text(f"db:\n  url: {URL}\n  conn: \"{CONN}\"\n  host: db.internal\n")
    return f


def test_cli_show_get_diff_validate(app, tmp_path):
    r = run_cli("show", app)
    assert r.returncode == 0 and "hunter" not in r.stdout and SHOWN in r.stdout, r
    r = run_cli("show", app, "--reveal")
    assert URL in r.stdout
    r = run_cli("get", app, "db.url")  # the key asked for: as a program reads it
    assert r.stdout == URL + "\n"
    r = run_cli("get", app, "db")  # a map holding it: masked
    assert r.returncode == 0 and "hunter" not in r.stdout and SHOWN in r.stdout, r
    other = tmp_path / "other.yaml"
    other.write_text(f"db:\n  url: {URL.replace('3@', '9@')}\n  host: db.internal\n")
    r = run_cli("diff", app, other)
    assert "hunter" not in r.stdout and MASK in r.stdout, r
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"properties": {"db": {"properties": {"url": {"pattern": "^x$"}}}}}))
    r = run_cli("validate", app, "--schema", schema)
    assert r.returncode == 1 and "db.url" in r.stdout and "hunter" not in r.stdout + r.stderr, r


def test_cli_db_get_and_query(app, tmp_path):
    url = f"sqlite://{tmp_path}/store.db"
    assert run_cli("db", "put", url, "svc", app).returncode == 0
    r = run_cli("db", "get", url, "svc")
    assert r.returncode == 0 and "hunter" not in r.stdout and SHOWN in r.stdout, r
    r = run_cli("db", "get", url, "svc", "db.url")
    assert r.stdout == URL + "\n"
    r = run_cli("db", "get", url, "svc", "--reveal")
    assert URL in r.stdout
    r = run_cli("db", "query", url, "svc:db.url")
    assert r.returncode == 0 and "hunter" not in r.stdout and SHOWN in r.stdout, r
    assert URL in run_cli("db", "query", url, "svc:db.url", "--reveal").stdout


def test_masking_many_values_stays_linear_in_their_count():
    # 20,000 values, each a URL with a password: repr() shows the first
    # few, show() all, every one masked.
    data = {f"k{i}": f"redis://:pw{i}x@h{i}:6379" for i in range(20_000)}
    with gocfg.Config(data) as c:
        text = c.show()
        assert "pw1x" not in text and text.count(MASK) == 20_000
