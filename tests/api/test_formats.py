"""Reading and writing JSON, YAML, TOML, .env and INI."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat

import gocfg
import pytest

SAMPLES = {
    "json": '{"name": "demo", "server": {"port": 8080, "ratio": 0.5, "tags": ["a", "b"], "on": true}}',
    "yaml": "name: demo\nserver:\n  port: 8080\n  ratio: 0.5\n  tags: [a, b]\n  on: true\n",
    "toml": 'name = "demo"\n[server]\nport = 8080\nratio = 0.5\ntags = ["a", "b"]\non = true\n',
}
EXPECTED = {"name": "demo", "server": {"port": 8080, "ratio": 0.5, "tags": ["a", "b"], "on": True}}


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_loads_dumps_round_trip(fmt, no_leaks):
    with gocfg.Config.loads(SAMPLES[fmt], fmt) as cfg:
        assert cfg.to_dict() == EXPECTED
        text = cfg.dumps(fmt)
        with gocfg.Config.loads(text, fmt) as again:
            assert again == cfg


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_round_trip_between_formats(fmt, no_leaks):
    data = {"a": {"b": [1, 2.5, "x", True]}, "c": "é ✓", "d": {"e": {"f": -3}}}
    with gocfg.Config(data) as cfg:
        with gocfg.Config.loads(cfg.dumps(fmt), fmt) as again:
            assert again.to_dict() == data


def test_toml_dates(no_leaks):
    text = ("odt = 1979-05-27T07:32:00-08:00\nldt = 1979-05-27T07:32:00.5\n"
            "ld = 1979-05-27\nlt = 07:32:00\n")
    with gocfg.Config.loads(text, "toml") as cfg:
        assert cfg["odt"] == dt.datetime(1979, 5, 27, 7, 32, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
        assert cfg["ldt"] == dt.datetime(1979, 5, 27, 7, 32, 0, 500000)
        assert cfg["ld"] == dt.date(1979, 5, 27)
        assert cfg["lt"] == dt.time(7, 32)
        with gocfg.Config.loads(cfg.dumps("toml"), "toml") as again:
            assert again == cfg


def test_env_and_ini(no_leaks):
    env = "# comment\nAPP_NAME=demo\nexport APP_PORT=8080\nQUOTED=\"a b\"\n"
    with gocfg.Config.loads(env, "env") as cfg:
        assert cfg.to_dict() == {"APP_NAME": "demo", "APP_PORT": "8080", "QUOTED": "a b"}
        with gocfg.Config.loads(cfg.dumps("env"), "env") as again:
            assert again == cfg
    ini = "top = 1\n[server]\nhost = h\nport = 80\n"
    with gocfg.Config.loads(ini, "ini") as cfg:
        assert cfg["server.host"] == "h"
        with gocfg.Config.loads(cfg.dumps("ini"), "ini") as again:
            assert again == cfg


@pytest.mark.parametrize("fmt,data,fragment", [
    ("toml", {"a": {"b": None}}, "a.b"),
    ("env", {"a": {"b": "c"}}, "a"),
    ("ini", {"a": {"b": {"c": "d"}}}, "a.b"),
    ("json", {"x": [float("nan")]}, "x.0"),
])
def test_inexpressible_values_name_the_path(fmt, data, fragment, no_leaks):
    with gocfg.Config(data) as cfg:
        with pytest.raises(gocfg.TypeMismatchError, match=fragment.replace(".", r"\.")):
            cfg.dumps(fmt)


@pytest.mark.parametrize("fmt,text,line", [
    ("json", '{\n  "a": 1,\n  "b": ]\n}', 3),
    ("yaml", "a: 1\nb: @bad\n", 2),
    ("toml", "a = 1\nb = = 2\n", 2),
])
def test_parse_errors_locate_the_problem(fmt, text, line, tmp_path, no_leaks):
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.Config.loads(text, fmt)
    assert info.value.line == line and info.value.column is not None
    assert isinstance(info.value, ValueError)
    path = tmp_path / f"bad.{fmt}"
    path.write_text(text)
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.Config.load(path)
    assert info.value.filename == str(path)
    assert info.value.line == line
    assert str(path) in str(info.value) and f":{line}:" in str(info.value)


def test_invalid_utf8_is_reported_with_position(no_leaks):
    for fmt, data in [("json", b'{"a": "\xff"}'), ("yaml", b"a: b\nc: \xff\n"), ("toml", b'a = "\xff"\n')]:
        with pytest.raises(gocfg.ParseError) as info:
            gocfg.Config.loads(data, fmt)
        assert info.value.line is not None, fmt


@pytest.mark.parametrize("fmt,text,line,column", [
    # .env and JSONC dropped a NUL inside a comment unseen, where every
    # other format (and their own values) refuse a raw NUL byte
    ("env", "# Secrets\n# set th\x00em\nA=1\n", 2, 9),
    ("env", "A=1 # port\x00\n", 1, 11),
    ("env-raw", "#\x00\nA=1\n", 1, 2),
    ("jsonc", '{\n  // co\x00mment\n  "a": 1\n}\n', 2, 8),
    ("jsonc", '{"a": 1 /* x\x00 */}', 1, 13),
])
def test_nul_byte_in_a_comment_is_refused(fmt, text, line, column, no_leaks):
    with pytest.raises(gocfg.ParseError, match="NUL byte") as info:
        gocfg.Config.loads(text, fmt)
    assert (info.value.line, info.value.column) == (line, column)


@pytest.mark.parametrize("fmt,data,column", [
    # After a byte order mark (Notepad's UTF-8), the checks for a NUL byte
    # or a byte that is not UTF-8 counted the mark as a column of line 1,
    # one more than the editor shows and than the other errors and the
    # positions of keys give.
    ("ini", b"\xef\xbb\xbf; \x00\n[s]\n", 3),
    ("env", b"\xef\xbb\xbfA=1 # \x00\n", 7),
    ("properties", b"\xef\xbb\xbfa=\x00\n", 3),
    ("hcl", b"\xef\xbb\xbfa = \x00\n", 5),
    ("yaml", b"\xef\xbb\xbfa: \x00\n", 4),
    ("ini", b"\xef\xbb\xbfa=\xff\n", 3),
    ("env", b"\xef\xbb\xbfA=\xff\n", 3),
    ("hcl", b"\xef\xbb\xbfa=\xff\n", 3),
    ("yaml", b"\xef\xbb\xbfa: \xff\n", 4),
    ("json", b'\xef\xbb\xbf{"a": "\xff"}', 8),
])
def test_errors_after_a_byte_order_mark_count_columns_as_an_editor(fmt, data, column, no_leaks):
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.Config.loads(data, fmt)
    assert (info.value.line, info.value.column) == (1, column)
    # the same column as without the mark
    with pytest.raises(gocfg.ParseError) as plain:
        gocfg.Config.loads(data[3:], fmt)
    assert (plain.value.line, plain.value.column) == (1, column)


@pytest.mark.parametrize("fmt,text,want,column", [
    # vault.hcl saved with old-Mac line ends: hclsyntax ends a comment at LF
    # only, so the first comment ran to the end and the config loaded empty
    ("hcl", '# Full configuration options\rui = true\rstorage "file" {\r  path = "/opt/vault"\r}\r',
     {"ui": True, "storage": {"file": {"path": "/opt/vault"}}}, 29),
    ("hcl-raw", "// c\ra = 1\r", {"a": 1}, 5),
    # a .env comment did the same, where a lone CR elsewhere was refused
    ("env", "# Redis\rREDIS_HOST=localhost\rREDIS_PORT=6379\r", {"REDIS_HOST": "localhost", "REDIS_PORT": "6379"}, 8),
    ("env", "A=1 # first\rB=2\r", {"A": "1", "B": "2"}, 12),
])
def test_lone_carriage_return_after_a_comment_is_refused(fmt, text, want, column, no_leaks):
    with pytest.raises(gocfg.ParseError, match="carriage return that does not end a line") as info:
        gocfg.Config.loads(text, fmt)
    assert (info.value.line, info.value.column) == (1, column)
    with gocfg.Config.loads(text.replace("\r", "\r\n"), fmt) as cfg:
        assert cfg.to_dict() == want


# YAML 1.1's float (yaml.org/type/float.html), which PyYAML applies: the
# mantissa needs a point, the exponent a sign
YAML11_FLOAT = re.compile(r"[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?")


@pytest.mark.parametrize("number", [1e300, -1e-300, 5e-324, 1e21, 1e-7, 1.7976931348623157e308, 1e16, 0.5])
def test_yaml_floats_are_floats_to_yaml_1_1_readers(number, no_leaks):
    # 1e+300 is a float to YAML 1.2 but a string to PyYAML: a float saved
    # by gocfg came back as the text "1e+300"
    with gocfg.Config({"k": number}) as cfg:
        text = cfg.dumps("yaml")
    written = text.removeprefix("k: ").rstrip("\n")
    assert YAML11_FLOAT.fullmatch(written), text
    for fmt in ("yaml", "yaml-1.1"):
        with gocfg.Config.loads(text, fmt) as again:
            assert again["k"] == number and type(again["k"]) is float


@pytest.mark.parametrize("text,line,column", [
    # a mkdocs.yml cut short mid-key (a partial write): the error was put on
    # line 3, which the file does not have
    ("site_name: HTTPX\nsite_d", 2, 7),
    ("on: [push, pull_request]\njobs:\n  build:\n    runs-on: [ubuntu", 4, 21),
    # with the final line break, the end of the stream is the next line
    ("a: 1\nb: [1,\n", 3, 1),
])
def test_yaml_error_at_the_end_of_a_truncated_file_is_on_its_last_line(text, line, column, tmp_path, no_leaks):
    path = tmp_path / "mkdocs.yml"
    path.write_text(text)
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.Config.load(path)
    assert (info.value.line, info.value.column) == (line, column)
    assert info.value.line <= text.count("\n") + 1


def test_toml_redefinition_names_the_first(tmp_path, no_leaks):
    # said "toml: table poetry already exists" alone
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.poetry]\nname = "app"\n\n[tool.ruff]\nline-length = 100\n\n[tool.poetry]\nversion = "1.0"\n')
    with pytest.raises(gocfg.ParseError, match=r"toml: table poetry already exists \(first on line 1\)") as info:
        gocfg.Config.load(path)
    assert (info.value.line, info.value.column) == (7, 7)


def test_toml_unclosed_bracket_names_where_it_opened(tmp_path, no_leaks):
    # a pyproject.toml missing a '}': TOML 1.1 lets an inline table span
    # lines, so the error stands at the next key, a line below the mistake
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "pip"\nlicense = {text = "MIT"\nauthors = []\n')
    with pytest.raises(gocfg.ParseError, match=r"the inline table opened at line 3, column 11 is not closed") as info:
        gocfg.Config.load(path)
    assert (info.value.line, info.value.column) == (4, 1)
    # an error with no bracket left open says nothing of one
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.Config.loads('a = [1, "]"]\nb = = 2\n', "toml")
    assert "not closed" not in str(info.value) and info.value.line == 2


def _refused(path, text: str, load=gocfg.Config.load) -> gocfg.ParseError:
    """Writes text to path and returns the ParseError that load(path) raises."""
    path.write_text(text, encoding="utf-8")
    with pytest.raises(gocfg.ParseError) as info:
        load(path)
    return info.value


@pytest.mark.parametrize("text, at, says", [
    # INI habits in a TOML file: go-toml said 'expected keyword "false"',
    # "expected newline but got U+002E '.'" and "unexpected character
    # U+0054 'T' at start of value"
    ('[tool.app]\nname = foo\n', (2, 8), 'the value foo has no quotes: TOML strings take them ("foo")'),
    ('[package]\nversion = 0.1.0\n', (2, 11), 'the value 0.1.0 has no quotes'),
    ('log_dir = C:\\logs\\app\n', (1, 11), "('C:\\logs\\app')"),
    ('debug = True\n', (1, 9), "True is no TOML value: TOML's booleans are true and false, in lower case"),
    ('timeout = None\n', (1, 11), "None is no TOML value: TOML has no null"),
    # a non-ASCII character is named as itself (was U+00C3 'Ã')
    ('a = 1 \u00e4\n', (1, 7), "U+00E4 '\u00e4'"),
])
def test_toml_unquoted_value_says_strings_take_quotes(tmp_path, no_leaks, text, at, says):
    e = _refused(tmp_path / "app.toml", text)
    assert says in str(e) and (e.line, e.column) == at
    # a secret's value is named by its place only
    with pytest.raises(gocfg.ParseError, match=r"a secret's value, not shown") as info:
        gocfg.Config.loads("[database]\npassword = hunter2\n", "toml")
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize("name, text, at, says", [
    # an Ansible value starting with {{ left unquoted: was "a mapping key
    # must be a scalar, not a mapping"
    ("site.yml", "- hosts: web\n  vars:\n    port: {{ http_port }}\n", (3, 11), 'a value that starts with {{ takes quotes'),
    # a Helm chart's template read before rendering: was "did not find
    # expected node content"
    ("deployment.yaml", "spec:\n  {{- toYaml .Values.spec | nindent 2 }}\n", (2, 5), "helm template"),
    # a key set twice (PyYAML keeps the last): was "duplicate key "image" in one mapping" alone
    ("values.yaml", "image:\n  tag: 1.0\nreplicas: 2\nimage:\n  tag: 1.1\n", (4, 1), '"image" in one mapping (first on line 1;'),
    # a ": " inside a plain value (a GitHub Actions step name): was "mapping
    # values are not allowed in this context" alone
    ("ci.yml", "steps:\n  - name: Build: release\n    run: make\n", (2, 16), 'holding ": " (a colon and a space) takes quotes'),
    # a quote of the value's own: was "did not find expected key" alone
    ("messages.yaml", "greeting: 'Welcome, it's me'\n", (1, 24), "a ' inside a single-quoted value is doubled, 'it''s'"),
    # tab indentation: was "found character that cannot start any token"
    ("values.yaml", "image:\n\ttag: latest\n", (2, 1), "a tab indents this line: YAML indents with spaces only"),
    # an npm scope starting a plain value
    ("deps.yaml", "packages:\n  - @types/node\n", (2, 5), "'@' is reserved in YAML and cannot start a plain value"),
    # a Unity scene: %TAG !u! declared once, used in every document
    ("Main.unity", "%YAML 1.1\n%TAG !u! tag:unity3d.com,2011:\n--- !u!29 &1\nOcclusionCullingSettings:\n  m_ObjectHideFlags: 0\n"
     "--- !u!104 &2\nRenderSettings:\n  m_Fog: 0\n", (6, 5), "!u! is not declared for this document"),
])
def test_yaml_mistakes_met_in_real_files_say_what_was_wrong(tmp_path, no_leaks, name, text, at, says):
    e = _refused(tmp_path / name, text, lambda path: gocfg.read_all(path, format="yaml"))
    assert says in str(e) and (e.line, e.column) == at


def test_properties_windows_path_says_how_to_write_one(tmp_path, no_leaks):
    # \u of C:\users starts a Unicode escape, as Java reads it; the
    # message said only "malformed \uXXXX escape (four hex digits expected)"
    path = tmp_path / "app.properties"
    path.write_text("log.dir=C:\\users\\app\\logs\n")
    with pytest.raises(gocfg.ParseError, match=r"a Windows path is written with / or with \\\\: C:/Users") as info:
        gocfg.Config.load(path)
    assert (info.value.line, info.value.column) == (1, 11)
    path.write_text("log.dir=C:\\\\users\\\\app\n")
    assert gocfg.Config.load(path)["log.dir"] == "C:\\users\\app"


@pytest.mark.parametrize("name, text, says", [
    ("app.json", '{"log_dir": "C:\\Users\\app"}\n', "a Windows path takes \\\\ or /"),
    ("app.toml", 'log_dir = "C:\\data\\app"\n', "a Windows path goes in a 'literal string'"),
    ("app.yaml", 'log_dir: "C:\\Users\\app"\n', "a Windows path goes in 'single quotes'"),
    ("app.tfvars", 'log_dir = "C:\\data\\app"\n', "a Windows path takes \\\\ or /"),
])
def test_a_windows_path_in_double_quotes_says_how_to_write_one(tmp_path, no_leaks, name, text, says):
    # the messages said only what was wrong with the escape ("invalid
    # escape 'U' in a string", "found unknown escape character")
    e = _refused(tmp_path / name, text)
    assert "a backslash starts an escape" in str(e) and says in str(e) and e.line == 1


@pytest.mark.parametrize("text, at, says", [
    # json.dumps writes NaN and Infinity unless allow_nan=False
    ('{"loss": NaN, "best": Infinity}\n', (1, 10), "unexpected NaN: expected a value (JSON has no such number; "
                                                   "Python's json.dumps writes it unless allow_nan=False"),
    ('{"low": -Infinity}\n', (1, 9), "invalid number -Infinity (JSON has no such number"),
    # str() of a dict saved as .json
    ("{\"debug\": True, \"user\": None}\n", (1, 11), "unexpected True: expected a value (Python's, not JSON's: JSON writes true"),
    # JSON Lines saved as .json: was "unexpected '{' after the top-level value" alone
    ('{"step": 1, "loss": 0.5}\n{"step": 2, "loss": 0.4}\n', (2, 1), "(JSON Lines) is no JSON document"),
])
def test_json_values_of_other_languages_are_named(tmp_path, no_leaks, text, at, says):
    # these said "unexpected 'N': expected a value" and the like
    e = _refused(tmp_path / "metrics.json", text)
    assert says in str(e) and (e.line, e.column) == at


def test_ini_header_without_its_bracket_is_named(tmp_path, no_leaks):
    # it said a key without a value needs one, as MySQL flags do
    path = tmp_path / "my.ini"
    path.write_text("[client]\nport = 3306\n\n[mysqld\ndatadir = /var/lib/mysql\n")
    with pytest.raises(gocfg.ParseError, match=r"a section header is a name between '\[' and '\]' on one line, "
                                               r"and this one has no '\]' or no name") as info:
        gocfg.Config.load(path)
    assert (info.value.line, info.value.column) == (4, 1) and "skip-name-resolve" not in str(info.value)


@pytest.mark.parametrize("text, at, says", [
    # a quote of the value's own closes it: was "unexpected 's' after the closing quote"
    ("APP_NAME='Bob's shop'\n", (1, 15), "a ' inside a single-quoted value is written \\', 'it\\'s'"),
    # docker compose's environment: mapping pasted into a .env file
    ("DB_HOST: localhost\n", (1, 10), "a .env line is NAME=value; NAME: value is YAML's form"),
])
def test_env_mistakes_say_how_to_write_the_line(tmp_path, no_leaks, text, at, says):
    e = _refused(tmp_path / ".env", text)
    assert says in str(e) and (e.line, e.column) == at
    # under a secret's name the value is not quoted
    with pytest.raises(gocfg.ParseError, match="a secret's value, not shown") as info:
        gocfg.Config.loads("DB_PASSWORD='pa'ss'\n", "env")
    assert "ss" not in str(info.value).split("(a ' inside")[0]


@pytest.mark.parametrize("text, at, says", [
    ('region = us-east-1\n', (1, 10), 'the value us-east-1 has no quotes, so it reads as a variable, which needs evaluation: '
                                      'HCL strings take quotes ("us-east-1")'),
    ('tags = {\n  env = prod\n}\n', (2, 9), 'HCL strings take quotes ("prod")'),
    ('enable_nat = yes\n', (1, 14), "HCL's booleans are true and false, in lower case"),
])
def test_hcl_value_without_quotes_says_strings_take_them(tmp_path, no_leaks, text, at, says):
    # a .tfvars written as INI or YAML would be: it said "the expression
    # us-east-1 needs evaluation (Variables not allowed)"
    e = _refused(tmp_path / "prod.tfvars", text)
    assert says in str(e) and (e.line, e.column) == at
    # a Terraform type constraint is an expression: hcl-raw is named
    e = _refused(tmp_path / "variables.tf", 'variable "n" {\n  type = number\n}\n')
    assert "format hcl-raw keeps such expressions" in str(e)
    # named as a type, not as a variable ("(Variables not allowed)")
    assert "number is a Terraform type constraint" in str(e) and "Variables" not in str(e)


@pytest.mark.parametrize("name", ["php.ini", "app.yaml", "app.toml", "app.json", ".env", "app.tfvars", "settings.jsonc"])
def test_a_latin1_file_is_named_as_such(tmp_path, no_leaks, name):
    # saved by a Windows tool in Windows-1252: said only "invalid UTF-8 (byte 0xe9 at offset 14)"
    text = {"php.ini": "[PHP]\ndate.timezone = Europe/Paris ; Caf\u00e9\n", "app.yaml": "name: Caf\u00e9\n",
            "app.toml": 'name = "Caf\u00e9"\n', "app.json": '{"name": "Caf\u00e9"}', ".env": "NAME=Caf\u00e9\n",
            "app.tfvars": 'name = "Caf\u00e9"\n', "settings.jsonc": '// \u201cquoted\u201d\n{}'}[name]
    path = tmp_path / name
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(gocfg.ParseError, match="looks like Latin-1 or Windows-1252 text; save it as UTF-8"):
        gocfg.Config.load(path)
    path.write_bytes(text.encode("utf-8"))
    gocfg.Config.load(path)


def test_real_world_quirks(no_leaks):
    # a no-break space pasted after a .env value is trimmed, as python-dotenv trims it
    assert gocfg.Config.loads("A=v\u00a0\n", "env").to_dict() == {"A": "v"}
    # a // comment ends at a lone CR (CR line ends): it swallowed "b"
    assert gocfg.Config.loads('{"a": 1 // c\r, "b": 2\n}', "jsonc").to_dict() == {"a": 1, "b": 2}
    # a line holding only a continuation is an empty line to Java, not the key ""
    assert gocfg.Config.loads("a=1\n\\\n\nb=2\n", "properties").to_dict() == {"a": "1", "b": "2"}


def test_json_lone_cr_is_whitespace_and_positions_count_lf_as_json_loads_does(no_leaks):
    # The README says where a lone CR is a line end: in JSON it is whitespace
    # between tokens, and an error's line and column are json.loads' own.
    import json

    for text in ('{"a": 1,\r"b": }', '{"a": 1,\r\n"b":\r 2,\r"c" }'):
        with pytest.raises(json.JSONDecodeError) as want:
            json.loads(text)
        with pytest.raises(gocfg.ParseError) as got:
            gocfg.Config.loads(text, "json")
        assert (got.value.line, got.value.column) == (want.value.lineno, want.value.colno)
    assert gocfg.Config.loads('{"a": 1,\r"b": 2}', "json").to_dict() == {"a": 1, "b": 2}



def test_yaml_positions_count_lines_as_an_editor_does(no_leaks):
    # An OpenAPI description pasted with a U+2028 (LINE SEPARATOR): the
    # YAML library breaks lines there too, so every key after it was
    # placed a line below where it is, and errors with it.
    text = 'info:\n  description: "Pets\u2028and more"\n  version: 1.0.0\npaths: {}\n'
    with gocfg.load(gocfg.Text(text, "yaml", name="api.yaml")) as cfg:
        assert str(cfg.origin("info.version")) == "api.yaml:3:3"
        assert str(cfg.origin("paths")) == "api.yaml:4:1"
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.Config.loads(text + "bad: [\n", "yaml")
    assert info.value.line == 6
    # An unclosed quote is reported at the end of the file, and names
    # where the quoted string starts.
    with pytest.raises(gocfg.ParseError, match=r"quoted scalar at line 2, column 4") as info:
        gocfg.Config.loads('a: 1\nb: "unclosed text\nc: 2\n', "yaml")
    assert info.value.line == 4

@pytest.mark.parametrize("ext", ["env", "ini", "properties", "json", "jsonc", "tfvars", "toml"])
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
def test_utf16_file_is_named(ext, encoding, tmp_path, no_leaks):
    # As PowerShell 5's "echo A=1 > .env" writes it. Read as UTF-8 it was
    # refused for "invalid UTF-8 (byte 0xff at offset 0)", and .properties
    # (Latin-1 when not UTF-8) for a NUL byte, not for being UTF-16.
    # A .tfvars (PowerShell's "terraform output > prod.tfvars") said
    # "invalid UTF-8 (byte 0xff at offset 0)" or "NUL byte"; a TOML file
    # without a byte order mark "expected '=' after key".
    text = {"env": "A=1\n", "ini": "[s]\na = 1\n", "properties": "a=1\n", "json": '{"a": 1}', "jsonc": '{"a": 1}',
            "tfvars": 'region = "eu-west-1"\n', "toml": "a = 1\n"}[ext]
    path = tmp_path / f"f.{ext}"
    data = text.encode(encoding)
    path.write_bytes(b"\xfe\xff" + data if encoding == "utf-16-be" else data)
    with pytest.raises(gocfg.ParseError, match="UTF-16") as info:
        gocfg.Config.load(path)
    assert (info.value.line, info.value.column) == (1, 1)


def test_yaml_reads_utf16_with_a_byte_order_mark_and_names_it_without(tmp_path, no_leaks):
    path = tmp_path / "f.yaml"
    path.write_bytes("a: 1\n".encode("utf-16"))
    assert gocfg.Config.load(path).to_dict() == {"a": 1}
    # without one it said "control characters are not allowed (value: 0)" at 1:2
    path.write_bytes("a: 1\n".encode("utf-16-le"))
    with pytest.raises(gocfg.ParseError, match="the file is UTF-16 text") as info:
        gocfg.Config.load(path)
    assert (info.value.line, info.value.column) == (1, 1)


def test_load_save_by_extension(tmp_path, no_leaks):
    for ext in ("json", "yaml", "yml", "toml", "env", "ini"):
        # INI keys are case-folded (as configparser folds them): lower case.
        data = {"K": "v"} if ext == "env" else {"k": "v"} if ext == "ini" else EXPECTED
        path = tmp_path / f"conf.{ext}"
        with gocfg.Config(data) as cfg:
            cfg.save(path)
        with gocfg.Config.load(path) as back:
            assert back.to_dict() == data, ext
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    (tmp_path / ".env").write_text("A=1\n")
    with gocfg.Config.load(tmp_path / ".env") as cfg:
        assert cfg["A"] == "1"
    with gocfg.Config.load(str(tmp_path / "conf.json"), format="json") as cfg:
        assert cfg["name"] == "demo"


def test_save_private_and_keeps_mode(tmp_path, no_leaks):
    path = tmp_path / "c.toml"
    with gocfg.Config({"a": 1}) as cfg:
        cfg.save(path, private=True)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        os.chmod(path, 0o640)
        cfg.save(path)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_format_errors(tmp_path, no_leaks):
    with pytest.raises(gocfg.InvalidArgumentError, match="unknown format"):
        gocfg.Config.loads("{}", "xml")
    (tmp_path / "file.unknown").write_text("{}")  # there: a missing one is reported as missing first
    with pytest.raises(gocfg.InvalidArgumentError, match="format"):
        gocfg.Config.load(tmp_path / "file.unknown")
    with pytest.raises(TypeError):
        gocfg.Config.loads("{}", None)
    with pytest.raises(TypeError):
        gocfg.Config.loads(123, "json")
    with pytest.raises(FileNotFoundError) as info:
        gocfg.Config.load(tmp_path / "missing.toml")
    assert isinstance(info.value, gocfg.Error) and info.value.filename.endswith("missing.toml")
    with pytest.raises(gocfg.FileError):
        with gocfg.Config({"a": 1}) as cfg:
            cfg.save(tmp_path / "no" / "such" / "dir.toml")
    with pytest.raises(gocfg.ParseError, match="root"):
        gocfg.Config.loads("[1, 2]", "json")
    with pytest.raises(gocfg.ParseError):
        gocfg.Config.loads("just a string", "yaml")


def test_empty_documents(no_leaks):
    for fmt in ("yaml", "toml", "env", "ini"):
        with gocfg.Config.loads("", fmt) as cfg:
            assert cfg.to_dict() == {}, fmt
    with gocfg.Config.loads("{}", "json") as cfg:
        assert len(cfg) == 0


def test_hcl_raw_module_in_load_needs_interpolation_off(tmp_path):
    # gocore/codec/README.md (HCL): hcl-raw keeps an expression as "${...}"
    # text, which gocfg.load() then resolves as its own reference; such a
    # module is read there with interpolate=False. The shape of a real
    # Terraform module (terraform-provider-aws's eks-getting-started).
    path = tmp_path / "eks-cluster.tf"
    path.write_text('resource "aws_eks_cluster" "demo" {\n'
                    '  name     = var.cluster_name\n'
                    '  role_arn = aws_iam_role.demo-cluster.arn\n'
                    '  vpc_config {\n'
                    '    subnet_ids = aws_subnet.demo[*].id\n'
                    '  }\n'
                    '}\n')
    with gocfg.load(gocfg.File(path, format="hcl-raw")) as cfg:
        with pytest.raises(gocfg.InterpolationError, match=r"var: no such key"):
            cfg.to_dict()
    with gocfg.load(gocfg.File(path, format="hcl-raw"), interpolate=False) as cfg:
        demo = cfg["resource.aws_eks_cluster.demo"]
        assert demo["name"] == "${var.cluster_name}"
        assert demo["vpc_config.subnet_ids"] == "${aws_subnet.demo[*].id}"
        assert cfg.origin("resource.aws_eks_cluster.demo.role_arn").line == 3
    with gocfg.Config.load(path, format="hcl-raw") as plain:  # Config.load never interpolates
        assert plain["resource.aws_eks_cluster.demo.name"] == "${var.cluster_name}"


@pytest.mark.parametrize("text", [
    # pyproject.toml: a sub-table's header above its parent's dotted keys
    '[tool.ruff.lint.per-file-ignores]\n"tests/*" = ["S101"]\n\n[tool.ruff]\nline-length = 100\nlint.select = ["E"]\n',
    '[fruit.apple.texture]\nsmooth = true\n[fruit]\napple.color = "red"\n[fruit.apple.skin]\nx = 1\n',
    '[fruit.apple.texture]\nsmooth = true\n[fruit]\napple.color = "red"\n[fruit.apple]\nx = 1\n',
    '[fruit.apple.texture]\nsmooth = true\n[fruit]\napple.texture.rough = true\n',
    '[a.b.c]\nx = 1\n[a]\nb = 1\n',
    '[[a.b]]\nx = 1\n[a]\nb.y = 2\n',
])
def test_toml_dotted_keys_and_tables_read_as_tomllib_reads_them(tmp_path, text):
    # gocfg refused the first two, which tomllib (and so pip and ruff's
    # users) accept; the others stay refused, as tomllib refuses them.
    tomllib = pytest.importorskip("tomllib", reason="tomllib is Python 3.11+ (these tests also run a wheel on 3.9)")
    path = tmp_path / "pyproject.toml"
    path.write_text(text)
    try:
        want = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        with pytest.raises(gocfg.ParseError, match="pyproject.toml:"):
            gocfg.Config.load(path)
        return
    with gocfg.Config.load(path) as cfg:
        assert cfg.to_dict() == want


def test_env_lone_cr_is_an_error_outside_quotes_and_kept_inside(no_leaks):
    # A quoted .env value may span lines: a lone CR in it is a character of
    # the value. Outside quotes it would end a line for python-dotenv, and
    # is refused at its position.
    assert gocfg.Config.loads('A="x\ry"\nB=2\n', "env").to_dict() == {"A": "x\ry", "B": "2"}
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.Config.loads("A=1\nB=x\ry\n", "env")
    assert (info.value.line, info.value.column) == (2, 4)


def test_a_dotted_key_written_as_properties_names_a_way_out_only_where_there_is_one(tmp_path):
    """Converting a Spring application.yml to .properties stops at a key
    holding a dot ("org.hibernate.SQL" under logging.level): the message
    named properties-flat, which then refused the file's nested maps. It
    names that format only for a map of scalars, which it writes."""
    spring = tmp_path / "application.yml"
    spring.write_text("logging:\n  level:\n    root: INFO\n    org.hibernate.SQL: DEBUG\n")
    with gocfg.Config.load(spring) as cfg:
        with pytest.raises(gocfg.TypeMismatchError) as info:
            cfg.dumps("properties")
        assert 'logging.level."org.hibernate.SQL"' in str(info.value)
        assert '"properties-flat", which keeps it whole, cannot write nested maps' in str(info.value)
        with pytest.raises(gocfg.TypeMismatchError):
            cfg.dumps("properties-flat")
    flat = tmp_path / "flat.yml"
    flat.write_text("org.hibernate.SQL: DEBUG\nroot: INFO\n")
    with gocfg.Config.load(flat) as cfg:
        with pytest.raises(gocfg.TypeMismatchError, match=r'\(format "properties-flat" keeps it whole\)'):
            cfg.dumps("properties")
        out = tmp_path / "flat.properties"
        out.write_text(cfg.dumps("properties-flat"))
        assert gocfg.read(out, format="properties-flat") == {"org.hibernate.SQL": "DEBUG", "root": "INFO"}


def test_yaml_surrogate_pair_escape_says_how_yaml_writes_the_character(tmp_path, no_leaks):
    # json.dumps escapes a character beyond U+FFFF as a UTF-16 surrogate
    # pair; such JSON saved as a .yaml file was refused with only "found
    # invalid Unicode character escape code". YAML's \u takes no surrogate
    # (libyaml and go-yaml refuse it), so it stays an error, which now says
    # what the escape is and how YAML writes the character.
    text = json.dumps({"release": {"name": "Launch 🚀", "notes": "ok"}}, indent=2)
    assert "\\ud83d\\ude80" in text
    path = tmp_path / "release.yaml"
    path.write_text(text)
    with pytest.raises(gocfg.ParseError) as info:
        gocfg.Config.load(path)
    assert (info.value.line, info.value.column) == (3, 21)
    assert text.splitlines()[2][20:].startswith("\\ud83d")
    msg = str(info.value)
    assert "\\ud83d\\ude80 is a UTF-16 surrogate pair" in msg and "\\U0001F680" in msg and "format json" in msg
    # the same text as JSON, and the character escaped as YAML escapes it
    assert gocfg.Config.load(path, "json")["release"]["name"] == "Launch 🚀"
    assert gocfg.Config.loads('name: "Launch \\U0001F680"\n', "yaml")["name"] == "Launch 🚀"
    # under a secret's key, neither the escape nor its character is shown
    path.write_text(json.dumps({"db": {"password": "pw🚀x"}}))
    with pytest.raises(gocfg.ParseError, match=r"in a secret's value, not shown") as info:
        gocfg.Config.load(path)
    assert "🚀" not in str(info.value) and "ud83d" not in str(info.value).lower()


def test_hcl_heredoc_marker_on_the_last_line_without_a_line_break_is_named(tmp_path, no_leaks):
    # a .tfvars whose heredoc ends the file, saved without a final newline:
    # hclsyntax and Terraform refuse it, saying only that no closing marker
    # was found while the marker is in plain sight
    path = tmp_path / "prod.tfvars"
    path.write_text('region = "eu-west-1"\npolicy = <<EOF\n{"Version": "2012-10-17"}\nEOF')
    why = r"the closing marker EOF on the file's last line needs a line break after it"
    with pytest.raises(gocfg.ParseError, match=why) as info:
        gocfg.Config.load(path)
    assert info.value.line == 4
    path.write_text(path.read_text() + "\n")
    assert gocfg.Config.load(path)["policy"] == '{"Version": "2012-10-17"}\n'


def test_ini_line_after_a_backslash_continuation_names_the_backslash(tmp_path, no_leaks):
    # a systemd unit's ExecStart continued with '\' onto an unindented line:
    # the error pointed at MySQL's bare flags, which had nothing to do with it
    path = tmp_path / "app.service"
    path.write_text("[Service]\nExecStart=/usr/bin/gunicorn \\\n--workers 4\nRestart=always\n")
    with pytest.raises(gocfg.ParseError, match=r"the line above ends with '\\', which continues nothing in INI") as info:
        gocfg.Config.load(path, "ini-case")
    assert (info.value.line, info.value.column) == (3, 1) and "MySQL" not in str(info.value)
    # indented, the next line continues the value as configparser reads it
    path.write_text("[Service]\nExecStart=/usr/bin/gunicorn \\\n    --workers 4 app:wsgi\nRestart=always\n")
    assert gocfg.Config.load(path, "ini-case")["Service"]["ExecStart"] == "/usr/bin/gunicorn \\\n--workers 4 app:wsgi"


def test_json5_file_names_what_gocfg_reads_of_it(tmp_path, no_leaks):
    # renovate.json5: no format reads JSON5; the errors said only "pass
    # format=" and, as jsonc, "unexpected 'e': expected a string key"
    path = tmp_path / "renovate.json5"
    path.write_text("// renovate\n{\n  extends: ['config:recommended'],\n}\n")
    with pytest.raises(gocfg.InvalidArgumentError, match=r'JSON5 is none of them, but a \.json5 file .* reads as "jsonc"'):
        gocfg.Config.load(path)
    with pytest.raises(gocfg.ParseError, match=r"an unquoted key, as JSON5 and JavaScript write them") as info:
        gocfg.Config.load(path, "jsonc")
    assert (info.value.line, info.value.column) == (3, 3)
    path.write_text('// renovate\n{\n  "extends": [\'config:recommended\'],\n}\n')
    with pytest.raises(gocfg.ParseError, match=r"a single-quoted string, as JSON5 writes them") as info:
        gocfg.Config.load(path, "jsonc")
    assert (info.value.line, info.value.column) == (3, 15)
    path.write_text('// renovate\n{\n  "extends": ["config:recommended"],\n}\n')
    assert gocfg.Config.load(path, "jsonc")["extends"] == ["config:recommended"]


@pytest.mark.parametrize("name, text, says, fmt", [
    ("Pipfile", '[packages]\nrequests = "*"\n', 'a file named Pipfile is TOML (format "toml")', "toml"),
    (".coveragerc", "[run]\nbranch = True\n", 'a file named .coveragerc is INI (format "ini")', "ini"),
    ("pip.conf", "[global]\nindex-url = https://pypi.example.com/simple\n", 'a file named pip.conf is INI (format "ini")', "ini"),
    ("50-server.cnf", "[mysqld]\nport = 3306\n", 'MySQL option files read as INI (format "ini")', "ini"),
    ("web.service", "[Service]\nExecStart=/usr/bin/web\n", "their keys' case kept (format \"ini-case\")", "ini-case"),
    ("config.yaml.example", "db:\n  host: localhost\n", 'the name before .example says .yaml (format "yaml")', "yaml"),
    ("values.yaml.j2", "replicas: 2\n", 'a template of a .yaml file, which reads once rendered (format "yaml"', "yaml"),
])
def test_a_name_no_extension_places_gets_its_usual_format_named(tmp_path, no_leaks, name, text, says, fmt):
    # these said only "pass format= (one of json, yaml, ...)"
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(gocfg.InvalidArgumentError) as info:
        gocfg.Config.load(path)
    assert says in str(info.value)
    assert len(gocfg.Config.load(path, fmt)) == 1


def test_ansible_ini_inventory_is_named_as_such(tmp_path, no_leaks):
    # hosts.ini: the bare host line got the hint for MySQL's flags
    path = tmp_path / "hosts.ini"
    path.write_text("[webservers]\nfoo.example.com\nbar.example.com\n\n[webservers:vars]\nhttp_port=80\n")
    with pytest.raises(gocfg.ParseError, match=r"looks like an Ansible inventory, whose host lines are not INI") as info:
        gocfg.Config.load(path)
    assert (info.value.line, info.value.column) == (2, 1) and "MySQL" not in str(info.value)
    # a MySQL option file keeps its own hint
    path.write_text("[mysqld]\nskip-external-locking\n")
    with pytest.raises(gocfg.ParseError, match=r"as MySQL option files write flags"):
        gocfg.Config.load(path)
