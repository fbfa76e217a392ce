"""The README's Python examples run, and say what they print and return.

Each ```python block of README.md runs in a fresh working directory with
the files its text implies (app.yaml, a schema, ...), compiled under the
README's own file name and line numbers, so a failure points at the
README line. What the example comments claim is checked in two ways:

- generically: a `print(...)` whose line ends in a comment must print
  exactly that comment (at least once, for a print in a loop); an
  expression or a `name = ...` whose comment is a Python literal (or a
  literal followed by ", words", or "-> literal") must equal it, and so
  must an expression followed by a comment-only line holding a literal;
- explicitly, per block (BLOCKS below), for the claims written in words
  ("a gocfg.Config", "[(1, datetime(..., tzinfo=UTC))]").

A block that matches no entry of BLOCKS still runs, in an empty
directory: a new example must run, or get its setup here. Where a block
names something that cannot exist in a test (an etcd server at a made-up
host, an absolute path under /var/lib), a substitution replaces that one
piece, and the test fails if the piece is no longer in the README, so the
table cannot go stale silently.

The ```sh blocks' `gocfg` commands run too, in order, in one directory
per block with the files they name: each exits 0 (a `watch` starts and
ends with 0 on Ctrl-C), and what the comments say they print is checked
(SH_EXACT: the comment itself; SH_OUT: stated here).
"""
from __future__ import annotations

import ast
import builtins
import dataclasses
import datetime
import io
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import tokenize
from typing import Any, Callable, Dict, List, Optional, Tuple

import gocfg
import pytest
from support.cli import running

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


@dataclasses.dataclass
class Block:
    line: int  # README line of the block's first code line
    source: str


def python_blocks(text: str, lang: str = "python") -> List[Block]:
    blocks: List[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```" + lang:
            start = i + 1
            end = start
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            if end == len(lines):
                raise AssertionError(f"README.md:{i + 1}: a ```{lang} block is never closed")
            blocks.append(Block(start + 1, "\n".join(lines[start:end]) + "\n"))
            i = end
        i += 1
    return blocks


# --- what each block needs ------------------------------------------------

SETTINGS = textwrap.dedent("""\
    import dataclasses as _dc

    @_dc.dataclass
    class _Server:
        host: str = "localhost"
        port: int = 8080

    @_dc.dataclass
    class Settings:
        server: _Server = _dc.field(default_factory=_Server)
        debug: bool = False
        feature: bool = False
    """)


class RecordingLog:
    """Stands in for the `log` the live example's callbacks write to."""

    def __init__(self) -> None:
        self.records: List[Tuple[str, str]] = []

    def info(self, msg: str, *args: Any) -> None:
        self.records.append(("info", msg % args))

    def warning(self, msg: str, *args: Any) -> None:
        self.records.append(("warning", msg % args))


@dataclasses.dataclass
class Spec:
    marker: str  # a piece of text that only this block holds
    files: Dict[str, str] = dataclasses.field(default_factory=dict)
    env: Dict[str, str] = dataclasses.field(default_factory=dict)
    argv: Optional[List[str]] = None
    prelude: str = ""  # code run first, in the block's namespace
    subs: List[Tuple[str, str]] = dataclasses.field(default_factory=list)
    check: Optional[Callable[..., None]] = None


def check_example(ns, values, printed, tmp):
    assert isinstance(ns["port"], int) and ns["port"] == 8080
    assert ns["host"] == "localhost"
    with gocfg.Config.load(tmp / "app.toml") as saved:  # the block saved it
        assert saved["servers.0.host"] == "db9" and saved["servers.1.host"] == "db1"
        assert saved["server.port"] == 8080


def check_streams(ns, values, printed, tmp):
    root = values['gocfg.read("playbook.yml")']
    assert isinstance(root, list) and root[0]["hosts"] == "web"
    docs = values['gocfg.read_all("deploy.yaml")']
    assert [d["kind"] for d in docs] == ["ConfigMap", "Service", "Deployment"]
    configs = values['gocfg.load_all("deploy.yaml")']
    assert all(isinstance(c, gocfg.Config) for c in configs) and len(configs) == 3
    assert values['gocfg.dumps_all([doc, doc], "yaml")'] == "a: 1\n---\na: 1\n"


def check_layered(ns, values, printed, tmp):
    assert type(values['cfg["server.port"]']) is int
    assert ns["cfg"]["debug"] is True  # the override
    assert ns["cfg"]["server.workers"] == 4  # the defaults


def check_deployment(ns, values, printed, tmp):
    cfg = ns["cfg"]
    assert cfg["debug"] is True  # the development profile's section
    assert cfg["server.host"] == "devhost"  # the .env file
    assert str(cfg.origin("server.host")) == ".env:1:1"
    assert cfg["server.port"] == 7 and str(cfg.origin("server.port")) == "command line --server.port"
    assert cfg["db.password"] == "s3cret" and "s3cret" not in repr(cfg)  # secrets_dir: masked


def check_live(ns, values, printed, tmp):
    assert values['cfg["server.port"]'] == 8080
    assert isinstance(ns["cfg"], gocfg.WatchedConfig) and ns["cfg"].closed
    event = values["cfg.reload()"]
    assert event.kind == "applied" and event.forced
    assert [kind for kind, _ in ns["log"].records] == ["info"]
    assert ns["log"].records[0][1].startswith("config changed:\n")


def check_database(ns, values, printed, tmp):
    assert isinstance(ns["old"], gocfg.Config) and ns["old"]["server.port"] == 8080
    assert list(values['db.load_many(["services/api", "services/web"])']) == ["services/api"]
    history = values['db.history("services/api")']
    assert len(history) == 1 and history[0][0] == 1
    assert history[0][1].tzinfo == datetime.timezone.utc
    with gocfg.Database.open("sqlite:config.db") as db:
        assert db.load("counter")["n"] == 1  # created, then incremented once
    assert all(text.startswith("WatchEvent(") for texts in printed.values() for text in texts)


# The file the example's comment shows.
APP_YAML = "server: {host: localhost, port: 8080}\nservers: [{host: db0}, {host: db1}]\n"

BLOCKS: Dict[str, Spec] = {
    "example": Spec(
        marker="with gocfg.Config() as cfg:",
        files={"app.yaml": APP_YAML},
        check=check_example),
    "streams": Spec(
        marker='gocfg.read("playbook.yml")',
        files={"playbook.yml": "- hosts: web\n  become: yes\n",
               "deploy.yaml": "kind: ConfigMap\n---\nkind: Service\n---\nkind: Deployment\n"},
        # The block shows the calls on a `text` and a `doc` of the reader's.
        prelude='text = \'{"a": 1}\'\ndoc = {"a": 1}\n',
        check=check_streams),
    "layered": Spec(
        marker='"app.local.toml?",                   # a trailing "?"',
        # server.port at app.yaml:3:3 and app.local.toml:2:1, as the history says.
        files={"app.yaml": "server:\n  host: localhost\n  port: 8000\n",
               "app.local.toml": "[server]\nport = 8001\n"},
        env={"APP_SERVER__PORT": "9000"},
        check=check_layered),
    "deployment": Spec(
        marker='profile="development"',
        files={"settings.yaml": "default:\n  server:\n    port: 8000\ndevelopment:\n  debug: true\n",
               ".env": "APP_SERVER__HOST=devhost\n",
               "secrets/db__password": "s3cret\n"},
        argv=["app", "--server.port", "7"],
        prelude=SETTINGS,
        subs=[('secrets_dir="/run/secrets"', 'secrets_dir="secrets"')],
        check=check_deployment),
    "validate": Spec(
        marker='cfg.validate("schema.json")',
        files={"app.yaml": "server:\n  port: 80\n",
               "schema.json": '{"properties": {"server": {"properties": {"port": {"minimum": 1024}}}}}'}),
    "live": Spec(
        marker="watch=True, validate=Settings",
        files={"app.yaml": "server:\n  port: 8080\n"},
        prelude=SETTINGS + textwrap.dedent("""\
            log = _RecordingLog()
            _db = gocfg.Database.open("memory://")
            _db.save("services/api", {"feature": True})
            """),
        # No etcd at cfg:2379: the open Database the comment offers instead.
        subs=[('gocfg.Stored("etcd://cfg:2379/prod", "services/api")', 'gocfg.Stored(_db, "services/api")'),
              ("cfg.changes(timeout=60)", "cfg.changes(timeout=0.2)")],
        check=check_live),
    "database": Spec(
        marker='gocfg.Database.open("sqlite:config.db")',
        subs=[('db.watch("services", timeout=30)', 'db.watch("services", timeout=0.2)')],
        check=check_database),
}


def spec_of(block: Block) -> Tuple[str, Spec]:
    found = [(name, spec) for name, spec in BLOCKS.items() if spec.marker in block.source]
    assert len(found) <= 1, f"README.md:{block.line}: the block matches {[n for n, _ in found]}"
    return found[0] if found else (f"line{block.line}", Spec(marker=""))


ALL = python_blocks(README.read_text(encoding="utf-8"))


def test_every_spec_names_one_block():
    """A spec whose block left the README (or changed its marker) is stale."""
    for name, spec in BLOCKS.items():
        holders = [b.line for b in ALL if spec.marker in b.source]
        assert len(holders) == 1, f"BLOCKS[{name!r}]: marker {spec.marker!r} is in README blocks at {holders}"


# --- the claims in comments -----------------------------------------------

def _literal(text: str) -> Tuple[bool, Any]:
    """The value a comment states, if it states one: `9000`, `'env X'`,
    `9000, an int`, `-> 1`."""
    text = text.strip()
    candidates = [text]
    if text.startswith("-> "):
        candidates.append(text[3:])
    head, sep, tail = text.partition(", ")
    if sep and tail[:1].isalpha():
        candidates.append(head)
    for c in candidates:
        try:
            return True, ast.literal_eval(c)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
    return False, None


def _comments(source: str) -> Dict[int, Tuple[str, bool]]:
    """line (1-based, in the block) -> (comment text, whether the line holds
    nothing but the comment)."""
    out: Dict[int, Tuple[str, bool]] = {}
    lines = source.splitlines()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            row, col = tok.start
            alone = not lines[row - 1][:col].strip()
            out[row] = (tok.string[1:].strip(), alone)
    return out


@dataclasses.dataclass
class Claim:
    line: int  # README line
    kind: str  # "print" or "value"
    key: str  # the expression's source (or the assigned name)
    text: str


class Instrument(ast.NodeTransformer):
    """Wraps each expression statement in _claim(line, key, expr) so its
    value is recorded, and follows `name = ...` with _claim(line, name, name)."""

    def __init__(self, source: str, first_line: int) -> None:
        self.source = source
        self.offset = first_line - 1  # block lines to README lines

    def visit_Expr(self, node: ast.Expr) -> Any:
        self.generic_visit(node)
        call = node.value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "print":
            return node  # recorded by the namespace's print
        key = ast.get_source_segment(self.source, call) or ""
        node.value = ast.Call(ast.Name("_claim", ast.Load()),
                              [ast.Constant(node.lineno + self.offset), ast.Constant(key), call], [])
        return ast.fix_missing_locations(node)

    def visit_Assign(self, node: ast.Assign) -> Any:
        self.generic_visit(node)
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            after = ast.Expr(ast.Call(ast.Name("_claim", ast.Load()),
                                      [ast.Constant(node.lineno + self.offset), ast.Constant(name),
                                       ast.Name(name, ast.Load())],
                                      []))
            ast.copy_location(after, node)
            return [node, ast.fix_missing_locations(after)]
        return node


def claims_of(source: str, first_line: int) -> List[Claim]:
    tree = ast.parse(source)
    comments = _comments(source)
    claims: List[Claim] = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Expr, ast.Assign)):
            continue
        end = node.end_lineno or node.lineno
        comment = comments.get(end)
        if comment is not None and comment[1]:
            comment = None
        if comment is None and isinstance(node, ast.Expr):
            # a comment-only line right after the statement
            following = comments.get(end + 1)
            if following is not None and following[1]:
                comment = following
        if comment is None:
            continue
        line = node.lineno + first_line - 1
        if isinstance(node, ast.Expr):
            call = node.value
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "print":
                claims.append(Claim(line, "print", "", comment[0]))
                continue
            claims.append(Claim(line, "value", ast.get_source_segment(source, node.value) or "", comment[0]))
        elif len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            claims.append(Claim(line, "value", node.targets[0].id, comment[0]))
    return claims


# --- running a block ------------------------------------------------------

def run_block(block: Block, spec: Spec, tmp: pathlib.Path, monkeypatch: pytest.MonkeyPatch, ns: Dict[str, Any],
              values: Dict[str, Any]):
    source = block.source
    for old, new in spec.subs:
        assert old in source, f"README.md:{block.line}: the block no longer holds {old!r}: update its spec"
        source = source.replace(old, new)
    for name, text in spec.files.items():
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp)
    for name in [n for n in os.environ if n.startswith("APP_")]:
        monkeypatch.delenv(name)
    for name, value in spec.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", spec.argv or ["app"])

    filename = str(README)
    by_line: Dict[Tuple[int, str], Any] = {}
    printed: Dict[int, List[str]] = {}

    def _claim(line: int, key: str, value: Any) -> Any:
        values[key] = value
        by_line[(line, key)] = value
        return value

    def _print(*args: Any, sep: str = " ", end: str = "\n", **kwargs: Any) -> None:
        frame = sys._getframe(1)
        if frame.f_code.co_filename == filename and "file" not in kwargs:
            printed.setdefault(frame.f_lineno, []).append(sep.join(str(a) for a in args))
        builtins.print(*args, sep=sep, end=end, **kwargs)

    ns.update({"__name__": "__readme__", "_claim": _claim, "print": _print,
               "_RecordingLog": RecordingLog, "gocfg": gocfg})
    if spec.prelude:
        exec(compile(spec.prelude, f"<prelude of README.md:{block.line}>", "exec", dont_inherit=True), ns)
    tree = Instrument(source, block.line).visit(ast.parse(source))
    ast.increment_lineno(tree, block.line - 1)
    exec(compile(tree, filename, "exec", dont_inherit=True), ns)  # no __future__ of this file
    return by_line, printed, claims_of(source, block.line)


@pytest.mark.parametrize("block", ALL, ids=[spec_of(b)[0] for b in ALL])
def test_readme_block(block: Block, tmp_path, monkeypatch, capsys, no_leaks):
    _, spec = spec_of(block)
    ns: Dict[str, Any] = {}
    values: Dict[str, Any] = {}  # what the block's expressions gave, by their source text
    try:
        by_line, printed, claims = run_block(block, spec, tmp_path, monkeypatch, ns, values)
        out = capsys.readouterr().out
        for claim in claims:
            where = f"README.md:{claim.line}"
            if claim.kind == "print":
                got = printed.get(claim.line)
                assert got, f"{where}: the print never ran (its comment says it prints {claim.text!r})"
                assert claim.text in got, f"{where}: prints {got!r}, the comment says {claim.text!r}"
                assert claim.text in out
                continue
            ok, expected = _literal(claim.text)
            if not ok:
                continue  # words, not a value: the spec's check covers it
            assert (claim.line, claim.key) in by_line, f"{where}: {claim.key} never ran"
            got = by_line[(claim.line, claim.key)]
            assert got == expected and type(got) is type(expected), \
                f"{where}: {claim.key} is {got!r}, the comment says {claim.text!r}"
        if spec.check is not None:
            spec.check(ns, values, printed, tmp_path)
    finally:  # what the block left open, even when it failed
        for value in list(ns.values()) + list(values.values()):
            if isinstance(value, (gocfg.Config, gocfg.Database)):
                value.close()
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, gocfg.Config):
                        item.close()


def test_claims_are_found():
    """The comment parsing finds the claims the README makes (so a change to
    it cannot quietly check nothing)."""
    texts = {c.text for b in ALL for c in claims_of(b.source, b.line)}
    for text in ["demo 1 {'name': 'demo'}", "9000, an int", "'env APP_SERVER__PORT'",
                 "['defaults', 'app.yaml:3:3', 'app.local.toml:2:1', 'env APP_SERVER__PORT']",
                 "-> 1", "['services/api']", "[('services/api', 'server.port', 8080)]",
                 "app.yaml:2:3: server.port: minimum: got 80, want 1024"]:
        assert text in texts, f"no README example claims {text!r} any more: update this list"
    assert _literal("9000, an int") == (True, 9000)
    assert _literal("-> 1") == (True, 1)
    assert _literal('0 = "must not exist yet"') == (False, None)
    assert _literal("a gocfg.Config") == (False, None)


# --- the command-line examples --------------------------------------------

SH_FILES = {
    "app.yaml": "server:\n  host: example.com\n  port: 8080\nurl: http://${server.host}/\n",
    "local.toml": "[server]\nport = 8081\n",
    "app.local.toml": "[server]\nport = 8081\n",
    "other.toml": "[server]\nport = 9000\n",
    "staging.yaml": "server:\n  host: staging.example.com\n  port: 8080\nreplicas: 3\n",
    "playbook.yml": "- hosts: web\n  become: yes\n",
    "deploy.yaml": "kind: ConfigMap\n---\nkind: Service\n---\nkind: Deployment\n",
    "schema.json": '{"properties": {"server": {"properties": {"port": {"minimum": 1024}}}}}',
    "myapp/__init__.py": "",
    "myapp/settings.py": "import dataclasses\n\n@dataclasses.dataclass\nclass Settings:\n    port: int = 8080\n",
    ".env": "APP_X=1\n",
    "secrets/token": "t0k3n\n",
}
SH_SUBS = [
    ("kubectl get cm app -o json", """printf '%s' '{"data": {"a": "1"}}'"""),  # no cluster
    ("--secrets-dir /run/secrets", "--secrets-dir secrets"),
]
# Commands whose comment starts with what they print (up to the
# explanation: two spaces, " (" or ", "), checked against that comment.
SH_EXACT = [
    "gocfg get app.yaml server.port ",
    "gocfg get app.yaml url --raw ",
    "gocfg get playbook.yml 0.become --yaml 1.1 ",
    "gocfg validate app.yaml --schema schema.json ",
    "gocfg db put sqlite:config.db services/api app.yaml ",
]
# What other commands print, stated here (their comments are in words).
SH_OUT = {
    "gocfg get playbook.yml 0.hosts ": "web\n",
    "gocfg get app.yaml local.toml server.port ": "8081\n",
    "gocfg validate app.yaml other.toml ": "app.yaml: ok\nother.toml: ok\n",
    "gocfg db get sqlite:config.db services/api server.port --revision 1": "8080\n",
    "gocfg show deploy.yaml --document 2 ": "kind: Deployment\n",
    "printf '{\"a\": 1}' | gocfg show - --input-format json --format toml": "a = 1\n",
    # "the whole file, converted": ${...} resolved, as show prints them
    "gocfg show app.yaml --format json ": ('{\n  "server": {\n    "host": "example.com",\n    "port": 8080\n  },\n'
                                          '  "url": "http://example.com/"\n}\n'),
    "gocfg convert app.yaml app.toml ": "",  # it writes app.toml: SH_WRITES
    # '"-" is stdin': read as JSON, shown in the format it was read in
    "kubectl get cm app -o json | gocfg show - --input-format json ": '{\n  "data": {\n    "a": "1"\n  }\n}\n',
    "gocfg show deploy.yaml --format json ": ('[\n  {\n    "kind": "ConfigMap"\n  },\n  {\n    "kind": "Service"\n  },\n'
                                             '  {\n    "kind": "Deployment"\n  }\n]\n'),
    "gocfg schema myapp.settings:Settings ": ('{\n  "$schema": "https://json-schema.org/draft/2020-12/schema",\n'
                                             '  "title": "Settings",\n  "type": "object",\n  "properties": {\n'
                                             '    "port": {\n      "type": "integer",\n      "default": 8080\n    }\n'
                                             '  },\n  "additionalProperties": false\n}\n'),
    "gocfg show app.yaml app.local.toml --env-prefix APP --set debug=true --origin":
        ('server.host = "example.com"          # app.yaml:2:3\n'
         'server.port = 8081                   # app.local.toml:2:1\n'
         'url         = "http://example.com/"  # app.yaml:4:1\n'
         'debug       = true                   # override debug=true\n'),
    # "+ added, - removed, ~ old -> new"
    "gocfg diff app.yaml staging.yaml ": ('~ server.host: "example.com" -> "staging.example.com"\n'
                                         '- url: "http://example.com/"\n+ replicas: 3\n'),
}
# Files that commands write ("formats from the extensions"), as written.
SH_WRITES = {
    "gocfg convert app.yaml app.toml ": ("app.toml", 'url = "http://${server.host}/"\n\n[server]\nhost = "example.com"\n'
                                                     'port = 8080\n'),
}
SH = [b for b in python_blocks(README.read_text(encoding="utf-8"), "sh") if "gocfg " in b.source]


def _sh_claim(comment: str) -> str:
    return re.split(r"\s{2,}| \(|, ", comment.strip())[0].strip('"')


def test_sh_tables_name_readme_commands():
    text = "\n".join(b.source for b in SH)
    lines = text.splitlines()
    for command in SH_EXACT + list(SH_OUT) + list(SH_WRITES):
        # the checks pick a line by its start
        assert any(line.startswith(command) for line in lines), \
            f"no README command line starts {command!r} any more: update this test"
    for old, _ in SH_SUBS:
        assert old in text, f"the README has no {old!r} any more: update this test"
    assert _sh_claim("8080     (also: python -m gocfg ...)") == "8080"
    assert _sh_claim('"ok", or file:line:col: path: message lines') == "ok"


@pytest.mark.parametrize("block", SH, ids=[f"sh-line{b.line}" for b in SH])
def test_readme_sh_block(block: Block, tmp_path):
    for name, text in SH_FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("APP_")}
    bindir = os.path.dirname(sys.executable)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    # The console script where pip put it, else the same through -m.
    prelude = "" if shutil.which("gocfg", path=bindir) else f'gocfg() {{ "{sys.executable}" -m gocfg "$@"; }}\n'
    for offset, line in enumerate(block.source.splitlines()):
        if "gocfg " not in line:
            continue
        where = f"README.md:{block.line + offset}"
        command = line
        for old, new in SH_SUBS:
            command = command.replace(old, new)
        if " watch " in command:
            # Until Ctrl-C: it must start (its banner) and end with 0 on SIGINT.
            # Ctrl-C reaches the whole process group, as a terminal sends it.
            with running(["bash", "-c", prelude + command], tmp_path, env=env, start_new_session=True) as p:
                assert "watching" in p.stderr.readline(), where
                os.killpg(p.pid, signal.SIGINT)
                assert p.wait(timeout=60) == 0, where
            continue
        r = subprocess.run(["bash", "-c", prelude + command], cwd=tmp_path, env=env, capture_output=True,
                           text=True, timeout=120)
        assert r.returncode == 0, f"{where}: {line}\nexit {r.returncode}: {r.stderr}"
        for prefix in SH_EXACT:
            if line.startswith(prefix):
                claim = _sh_claim(line.split("#", 1)[1])
                assert r.stdout == claim + "\n", f"{where}: prints {r.stdout!r}, the comment says {claim!r}"
        for prefix, expected in SH_OUT.items():
            if line.startswith(prefix):
                assert r.stdout == expected, f"{where}: prints {r.stdout!r}, expected {expected!r}"
        for prefix, (name, text) in SH_WRITES.items():
            if line.startswith(prefix):
                written = (tmp_path / name).read_text(encoding="utf-8")
                assert written == text, f"{where}: wrote {name} as {written!r}, expected {text!r}"


# --- claims in prose ------------------------------------------------------

def test_a_whole_env_reference_is_typed_as_the_environment_layer(no_leaks):
    """README, "Interpolation": a string that is exactly one ${env:...}
    reads as the environment layer reads the same variable."""
    environ = {"APP_A": "007", "APP_B": "[a, b]", "APP_C": '{"k": 1}', "APP_D": "1.5", "APP_E": "true",
               "APP_F": "9000"}
    text = "".join(f"{k[4:].lower()}: ${{env:{k}}}\n" for k in environ) + "g: ${env:NONE,8080}\nh: port ${env:APP_F}\n"
    with gocfg.load(gocfg.Text(text, "yaml"), environ=environ) as refs, \
            gocfg.load(env_prefix="APP", environ=environ) as layer:
        got = refs.to_dict()
        assert {k: got[k] for k in layer} == layer.to_dict()
        assert got["e"] is True and got["f"] == 9000 and got["a"] == "007"
        assert got["g"] == 8080 and got["h"] == "port 9000"  # the default too; text around it: a string


def test_the_env_prefix_matches_in_any_case_with_or_without_its_underscore(no_leaks):
    """README, "Environment": `env_prefix="APP"` reads `app_debug` too, and
    "APP_" is the same prefix (pydantic-settings writes it so)."""
    environ = {"APP_SERVER__PORT": "9000", "app_debug": "true", "APPX": "1", "OTHER_A": "2"}
    for prefix in ("APP", "app", "APP_", "app_"):
        with gocfg.load(env_prefix=prefix, environ=environ) as cfg:
            assert cfg.to_dict() == {"server": {"port": 9000}, "debug": True}, prefix


def test_the_extensions_that_pick_a_format_are_the_libraries(tmp_path, no_leaks):
    """README, "Formats": "without `format=`, the file's extension decides
    (`.json`, `.yaml`/`.yml`, ...)", one group per format in the order of
    the format list before it. The groups are the library's, and a file of
    each name loads in its group's format."""
    from gocfg import _capi

    text = " ".join(README.read_text(encoding="utf-8").split())
    m = re.search(r"with the formats (.*?) \(in any case.*?the file's extension decides \((.*?)\)\. ", text)
    assert m, "README, Formats: the sentence listing the extensions is gone: update this test"
    formats = re.findall(r"`([a-z]+)`", m.group(1))
    groups = [re.findall(r"`([^`]+)`", g) for g in m.group(2).split(", ")]
    assert len(formats) == len(groups), (formats, groups)
    library = {name: sorted(exts) for name, exts in _capi.consts().formats.items()}
    readme = {name: sorted(e for e in group if e != ".env.*") for name, group in zip(formats, groups)}
    assert readme == library
    for name, group in zip(formats, groups):
        for ext in group:
            file = tmp_path / (".env.local" if ext == ".env.*" else "a" + ext)
            # .env and .properties hold no sections
            with gocfg.Config({"k": "v"} if name in ("env", "properties") else {"s": {"k": "v"}}) as cfg:
                file.write_text(cfg.dumps(name), encoding="utf-8")
                with gocfg.Config.load(file) as back:
                    assert back == cfg, (ext, name)


def test_get_prints_references_resolved_unless_raw_also_through_python_m(tmp_path):
    """README, "Command line": `gocfg get app.yaml url --raw` prints the
    template "(default: resolved)"; `gocfg get` is "also: python -m gocfg"."""
    (tmp_path / "app.yaml").write_text(SH_FILES["app.yaml"], encoding="utf-8")
    for args, out in ((["url"], "http://example.com/\n"), (["url", "--raw"], "http://${server.host}/\n"),
                      (["server.port"], "8080\n")):
        r = subprocess.run([sys.executable, "-m", "gocfg", "get", "app.yaml", *args], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
        assert (r.returncode, r.stdout, r.stderr) == (0, out, ""), args


def test_the_set_up_names_the_go_and_python_the_build_requires():
    """README, "Set-up": "Go (1.26 or newer: the `go` line of `go.mod`) ...
    and Python 3.9 or newer" are go.mod's and pyproject.toml's figures
    (setup.py's own message reads go.mod)."""
    root = README.parent
    m = re.search(r"On a machine with Go \((\d+\.\d+) or newer: the `go` line of `go.mod`\), a C compiler and "
                  r"Python (\d+\.\d+) or newer:", README.read_text(encoding="utf-8"))
    assert m, "README, Set-up: the sentence naming Go and Python changed: update this test"
    go_line = re.search(r"^go\s+(\d+\.\d+)", (root / "go.mod").read_text(), re.M)
    python = re.search(r'^requires-python = ">=(\d+\.\d+)"', (root / "pyproject.toml").read_text(), re.M)
    assert go_line and python
    assert (m.group(1), m.group(2)) == (go_line.group(1), python.group(1))


def test_the_set_up_names_the_python_the_test_pins_need():
    """README, "Set-up": "The second command needs Python 3.11 or newer" is
    the oldest Python that every pin of the `test` extra installs on (pip
    refuses `.[test]` below it, whatever requires-python says), read from
    the pinned releases' Requires-Python where this environment holds them."""
    import importlib.metadata

    from packaging.specifiers import SpecifierSet

    root = README.parent
    m = re.search(r"The second command needs Python (\d+)\.(\d+) or newer", README.read_text(encoding="utf-8"))
    assert m, "README, Set-up: the sentence naming the tests' Python changed: update this test"
    with gocfg.Config.load(root / "pyproject.toml") as meta:
        pins = meta["project.optional-dependencies"].get_list("test")
    needs = []
    for pin in pins:
        name, _, version = re.sub(r"\[.*?\]", "", pin).partition("==")
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            pytest.skip(f"{name}=={version} is not installed here ({installed}): its Requires-Python is unknown")
        needs.append(SpecifierSet(importlib.metadata.metadata(name).get("Requires-Python") or ""))
    oldest = next(minor for minor in range(5, 40) if all(f"3.{minor}.0" in s for s in needs))
    assert (int(m.group(1)), int(m.group(2))) == (3, oldest)


def test_the_sections_the_package_points_to_exist():
    """Docstrings and comments that send a reader to the README ("see
    README, "Formats"") name a heading it has, or a paragraph's bold lead
    ("**Deployment sources.**"): help(gocfg.Config) must not point at a
    section that was renamed away."""
    text = README.read_text(encoding="utf-8")
    places = set(re.findall(r"^#+ (.+?)\s*$", text, re.M)) | {b.rstrip(".") for b in re.findall(r"\*\*([^*]+)\*\*", text)}
    pointers = []
    for source in sorted((README.parent / "pybind" / "gocfg").glob("*.py")):
        flat = re.sub(r"\n\s*#?\s*", " ", source.read_text(encoding="utf-8"))
        pointers += [(source.name, name) for name in re.findall(r"README(?:'s)?,?\s+\"([^\"]+)\"", flat)]
    assert len(pointers) >= 5, pointers  # the pattern still finds them
    missing = [(f, name) for f, name in pointers if not any(p == name or p.startswith(name + " ") for p in places)]
    assert not missing, missing


def test_the_classifiers_name_the_pythons_the_wheel_is_tested_under():
    """pip show and the index list what pyproject.toml's classifiers say:
    the CPython versions are those README, "Releases and platforms", says
    the wheel is tested under, the lowest is requires-python's, and the
    package says it is typed (it ships py.typed)."""
    root = README.parent
    m = re.search(r"Linux x86_64, glibc ≥ 2\.17 \| wheel built and tested \(fresh venv without a toolchain, "
                  r"under CPython ([\d., and]+?);", README.read_text(encoding="utf-8"))
    assert m, "README, Releases and platforms: the x86_64 row changed: update this test"
    tested = re.findall(r"3\.\d+", m.group(1))
    with gocfg.Config.load(root / "pyproject.toml") as meta:
        project = meta["project"]
        classifiers = project.get_list("classifiers", [])
        lowest = project["requires-python"]
    versions = [c.rsplit(" :: ", 1)[1] for c in classifiers
                if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
    assert versions == tested and lowest == f">={tested[0]}"
    assert "Typing :: Typed" in classifiers and (root / "pybind" / "gocfg" / "py.typed").is_file()
    assert not [c for c in classifiers if c.startswith("License ::")]  # the license expression says it


def test_save_keeps_no_comments_as_the_readme_warns(tmp_path, no_leaks):
    """README, "Formats": "comments, quoting and layout are not kept", so
    that a newcomer saving a loaded file over itself is not surprised."""
    text = " ".join(README.read_text(encoding="utf-8").split())
    assert "`save()` writes the data, not the text it was read from: **comments, quoting and layout are not kept**" \
        in text
    app = tmp_path / "app.yaml"
    app.write_text("# the service\nserver:\n  port: 8080   # public\n  host: 'h'\n")
    with gocfg.Config.load(app) as cfg:
        cfg["server.port"] = 9000
        cfg.save(app)
    assert app.read_text() == "server:\n  port: 9000\n  host: h\n"
