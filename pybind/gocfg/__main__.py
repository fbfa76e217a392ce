"""The gocfg command line, for scripts: ``python -m gocfg`` or ``gocfg``.

    gocfg get FILE... KEY [--env-prefix P] [--set k=v]...
                                  print one value (a dot path; 0.hosts into a list
                                  root) of the file, or of the files merged as show
                                  merges them; FILE "-" is stdin
    gocfg show FILE [--format F]  print the whole file, in its format or F (every
                                  document of a YAML stream; --document N one)
    gocfg show FILE... [--env-prefix P] [--set k=v]... [--origin]
                                  merge the files (later ones win), then the
                                  environment, then the --set overrides, and
                                  print the result; --origin prints one
                                  "path = value  # origin" line per value
                                  (get, show and watch also take --env-file F, --secrets-dir D
                                  and --profile P, as gocfg.load() takes them: the
                                  config a program sees; secrets stay masked)
    gocfg diff A B                print what changed from A to B
    gocfg convert IN OUT          rewrite IN in OUT's format (from the extensions)
    gocfg validate FILE...        check that each file parses (each document of a stream)
    gocfg validate FILE... --schema S [--env-prefix P] [--set k=v]...
                                  merge the files (as show does) and check
                                  the result against the JSON Schema S;
                                  prints "ok", or one line per violation:
                                  "file:line:col: path: message"
    gocfg schema MODULE:CLASS     print the JSON Schema of a settings class
                                  (secret fields without their defaults,
                                  unless --reveal)

${...} references are resolved in what get, show and db get print (as
gocfg.load() resolves them, ${env:NAME} from this process's environment),
unless --raw. stdin ("-") is read as --input-format, else --format, else
YAML (which reads JSON too); at most 64 MiB of UTF-8.

Streams and roots of any kind: a YAML file of several documents, or a file
whose root is a list (an Ansible playbook, a JSON array), works with get,
show, convert and validate. --document N picks one document, counting from
0 as list indexes in paths do (get needs it for a stream of several).
show and convert write a stream as a YAML stream ("---" between
documents) or a JSON list; formats that hold one mapping refuse it.
--yaml 1.1 reads YAML with YAML 1.1's types (yes/no booleans, 0755 octal),
as Ansible and Kubernetes tools do; 1.2 is the default. --format (and
--input-format) also take the reading modes, such as ini-case or toml-1.0.

    gocfg watch FILE... [--env-prefix P] [--set k=v]... [--env-file F] [--secrets-dir D] [--profile P]
                                  merge as show does, then print each change
                                  (applied or rejected, with diff lines and
                                  origins) as it happens, until Ctrl-C

Stored configs (gocfg.Database; URL as Database.open takes it: sqlite:///path.db,
a path, etcd://host:port/prefix, memory:// which is a new empty store each run):
    gocfg db get URL NAME [PATH] [--revision R] [--format F]
    gocfg db put URL NAME FILE|- [--format F] [--expect-revision R]   prints the new revision
    gocfg db history URL NAME     one "revision time" line per revision (UTC, ISO 8601)
    gocfg db diff URL NAME REV1 REV2
    gocfg db query URL EXPR       one "name<TAB>path<TAB>JSON value" line per match
    gocfg db watch URL [PREFIX]   one "name revision saved|deleted" line per event
    gocfg db rm URL NAME
etcd credentials: --username or $GOCFG_DB_USERNAME; the password from
$GOCFG_DB_PASSWORD or --password-file, never the command line.

Secret values (keys such as password, token, api_key: see gocfg.secrets)
print as ******** in show, get (inside a map) and diff, unless --reveal.

Exit status: 0 on success, 1 when a file is bad (missing, unreadable, does
not parse, lacks the key, cannot be expressed in the target format) or the
output cannot be written, 2 on bad usage. Ctrl-C and a closed output pipe
end gocfg as killed by SIGINT or SIGPIPE (130 or 141 in a shell), with no
traceback. Errors go to stderr on one line, located as file:line:column
when the parser says where.
"""
from __future__ import annotations

import argparse
import codecs
import datetime as _dt
import errno
import json
import math
import os
import signal
import sys
import tempfile
from typing import Any, List, NoReturn, Optional, Sequence, Tuple, Union

from . import _args, _index
from ._text import printable as _printable
from ._values import quote_segment, split_path
from .config import Config
from .display import json_text, printable
from .documents import dumps_all, read_all, reads_all
from .envsources import profile_arg
from .errors import (
    ConflictError,
    Error,
    InterpolationError,
    InvalidArgumentError,
    KeyNotFoundError,
    ParseError,
    TypeMismatchError,
    ValidationError,
)
from .layers import load
from .live import WatchedConfig
from .schema import Violation, json_schema, load_class
from .secrets import has_secrets, key_part, mask
from .sources import File, Text

EXIT_OK, EXIT_BAD_FILE, EXIT_USAGE = 0, 1, 2


# What stdout is written in, at most, per write: CPython's buffered writer
# can return from one large write that a closed pipe cut short as if it had
# succeeded (the rest dropped, no error), so output goes in pieces, and the
# piece after the cut raises BrokenPipeError.
_PIECE = 1 << 16


def _out(text: str, flush: bool = False) -> None:
    """Write the command's output to stdout. A closed pipe raises
    BrokenPipeError (main_exit ends as a process killed by SIGPIPE ends);
    any other failure (a full disk, stdout closed) an OSError naming stdout."""
    try:
        stream = sys.stdout
        if stream is None:  # started with stdout closed (>&-): only output fails
            if text:
                raise OSError(errno.EBADF, os.strerror(errno.EBADF))
            return
        for i in range(0, len(text), _PIECE):
            stream.write(text[i:i + _PIECE])
        if flush:
            stream.flush()
    except BrokenPipeError:
        raise
    except OSError as e:
        raise OSError(e.errno, e.strerror or str(e), "stdout") from None
    except UnicodeEncodeError as e:
        # Configurations are Unicode; stdout's encoding (PYTHONIOENCODING,
        # a legacy locale) may not hold all of it: say so, naming stdout.
        raise OSError(errno.EILSEQ, f"its encoding, {e.encoding}, cannot write {e.object[e.start:e.end]!r} "
                      f"(set PYTHONIOENCODING=utf-8)", "stdout") from None


def _say(line: Any, flush: bool = False) -> None:
    """print(line) to stdout, through _out."""
    _out(f"{line}\n", flush)


def _err(line: str, end: str = "\n") -> None:
    """A line for stderr; nothing if stderr is closed or fails (an error
    message must not end up in stdout, where print puts it when
    sys.stderr is None, nor turn into a traceback)."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        # Every line here is a message, and messages quote file names and
        # keys as they are: their terminal and bidi controls as escapes.
        stream.write(_printable(line) + end)
        stream.flush()
    except (OSError, ValueError):
        pass


class _Parser(argparse.ArgumentParser):
    """argparse's parser, writing --help and --version through _out (so
    that a closed pipe ends the process as for any output, where argparse
    would swallow the error and exit 0) and its errors through _err."""

    def _print_message(self, message: str, file: Any = None) -> None:
        if not message:
            return
        if file is None or file is sys.stderr:
            _err(message, end="")
        else:
            _out(message)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        # A command's parser refuses what it did not take itself, with its
        # own usage and the closest option: argparse left that to the top
        # parser, whose usage (gocfg COMMAND ...) said nothing of the
        # command's options. The values of options named like a secret
        # are not quoted (--password s3cret), as parse_flags quotes none.
        ns, extras = super().parse_known_args(args, namespace)
        if extras and self._subparsers is None and self.prog != "gocfg":
            import difflib

            from .flags import _masked_extras  # argparse, dataclasses: on this error only
            message = "unrecognized arguments: " + " ".join(_masked_extras(extras))
            options = [o for o in self._option_string_actions if o.startswith("--")]
            for item in extras:
                close = difflib.get_close_matches(item.partition("=")[0], options, n=1) if item.startswith("--") else []
                if close:
                    message += f" (did you mean {close[0]}?)"
                    break
            self.error(message)
        return ns, extras


class _UsageError(Exception):
    """Bad command-line input found after parsing (a --set that does not parse)."""


def _override_arg(text: str) -> str:
    key, eq, _ = text.partition("=")
    if not eq or not key.strip():
        # Quoted up to a secret's name only: a typo such as db.password:hunter2.
        raise argparse.ArgumentTypeError(f"expected PATH=VALUE (such as server.port=9000), got {key_part(text)!r}")
    return text


def _checked(check: Any) -> Any:
    """An argparse type that refuses, as bad usage (exit 2), a value the
    library's own check refuses: an option that can never work."""
    def parse(text: str) -> str:
        try:
            check(text)
        except (Error, ValueError, TypeError) as e:
            raise argparse.ArgumentTypeError(" ".join(str(e).split())) from None
        return text
    return parse


_env_prefix_arg = _checked(lambda text: _args.env_prefix_arg(text, "__"))
_env_delimiter_arg = _checked(_args.env_delimiter_arg)
_profile_arg = _checked(lambda text: profile_arg(text, None, {}))


def _scalar_text(value: Any) -> str:
    """How `get` prints a value: strings bare, everything else as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    return json_text(value)  # json.dumps' text, at any depth the library allows


def _documents(name: str, fmt: Optional[str], yaml: Optional[str], document: Optional[int]) -> List[Any]:
    """The documents of a file (one when --document picks it). An empty
    stream reads as one empty mapping, as Config.load() reads it."""
    docs = read_all(name, fmt, yaml=yaml) or [{}]
    if document is None:
        return docs
    if document >= len(docs):
        raise InvalidArgumentError(f"--document {document}: {name} holds {len(docs)} document"
                                   f"{'s' if len(docs) != 1 else ''}, counting from 0")
    return [docs[document]]


class _MissIn(KeyError):
    """A key missing from one named file."""

    def __init__(self, where: str, miss: KeyNotFoundError) -> None:
        super().__init__(where, miss)
        self.where, self.miss = where, miss


def _read(cfg: Config, key: str) -> Any:
    """cfg[key] as plain values; a miss's closest keys, and why the path
    stopped, are worked out while cfg is still open (they are computed
    when first asked for)."""
    try:
        value = cfg[key]
    except KeyNotFoundError as e:
        e.suggestions, e.why  # noqa: B018 -- computed now, shown by _report
        raise
    return value.to_dict() if hasattr(value, "to_dict") else value


def _lookup(root: Any, key: str) -> Any:
    """The value at a dot path in a root of plain values (a list root
    included), with the library's rules: a segment of digits indexes a
    list, anything else is a key."""
    if isinstance(root, dict):
        with Config(root) as cfg:
            return _read(cfg, key)
    node = root
    segs = split_path(key)
    for i, seg in enumerate(segs):
        if isinstance(node, dict):
            # The rest of the path is a mapping's: read it as a mapping root
            # is read, so that a miss in a playbook's play names its closest
            # keys ("0.hots" -> "0.hosts") as a miss in a mapping root does.
            prefix = ".".join(quote_segment(s) for s in segs[:i])
            with Config(node) as cfg:
                try:
                    return _read(cfg, ".".join(quote_segment(s) for s in segs[i:]))
                except KeyNotFoundError as e:
                    miss = KeyNotFoundError(key, path=key, why=f"{prefix}.{e.why}" if e.why else "")
                    miss._suggestions = [f"{prefix}.{s}" for s in e.suggestions]
                    raise miss from None
        j = _index.list_index(seg, len(node)) if isinstance(node, list) else -1
        if j >= 0:
            node = node[j]
        else:
            raise KeyNotFoundError(key)
    return node


def _layered(args: argparse.Namespace) -> bool:
    """Whether the command merges layers (several files, the environment,
    overrides) rather than reading one file's documents."""
    return (len(args.files) > 1 or bool(args.env_prefix) or bool(args.set) or bool(getattr(args, "origin", False))
            or bool(args.env_file) or args.secrets_dir is not None or args.profile is not None)


def _load_layers(args: argparse.Namespace, fmt: Optional[str]) -> Config:
    """The files merged as show merges them (stdin as "-"), then the
    environment and the --set overrides."""
    sources: List[Any] = []
    for f in args.files:
        if f == "-":
            text, stdin_fmt = _stdin(fmt)
            sources.append(Text(text, stdin_fmt, "<stdin>"))
        else:
            sources.append(File(f, fmt))
    try:
        return load(*sources, env_prefix=args.env_prefix, env_delimiter=args.env_delimiter,
                    overrides=args.set or None, yaml=args.yaml, interpolate=not args.raw,
                    env_file=args.env_file or None, secrets_dir=args.secrets_dir, profile=args.profile)
    except (Error, ValueError) as e:
        if str(e).startswith("override "):
            raise _UsageError(str(e)) from None  # a --set value that does not parse
        raise


def _has_reference(doc: Any) -> bool:
    """Whether a mapping holds "${" in any string (a key included), at any depth."""
    if not isinstance(doc, dict):
        return False
    todo: List[Any] = [doc]
    while todo:
        v = todo.pop()
        if isinstance(v, str):
            if "${" in v:
                return True
        elif isinstance(v, dict):
            todo.extend(v.keys())
            todo.extend(v.values())
        elif isinstance(v, list):
            todo.extend(v)
    return False


def _resolved(docs: List[Any], raw: bool, reveal: bool) -> List[Any]:
    """Each document whose root is a mapping with its ${...} references
    resolved, as gocfg.load() resolves them (${env:NAME} from this
    process's environment), and masked for printing (a value that
    interpolates a secret too) unless reveal; other roots, and everything
    with --raw, as read and masked by key."""
    out = []
    for d in docs:
        if not raw and _has_reference(d):
            with load(d) as cfg:
                d = mask(cfg.to_dict(), (), reveal, frozenset() if reveal else cfg._hidden())
        else:
            d = mask(d, (), reveal)
        out.append(d)
    return out


def _cmd_get(args: argparse.Namespace) -> int:
    if args.files.count("-") > 1:
        raise _UsageError("stdin (-) can be read once")
    missing = [f for f in args.files if f != "-" and not os.path.lexists(f)]
    if missing and os.path.isfile(args.key):
        # gocfg get server.port app.yaml: "cannot tell the format of
        # "server.port"", and pass --format, would send the user astray.
        raise _UsageError(f"no file {missing[0]}, and the key {args.key} names a file: the files come first "
                          f"and the key last (gocfg get {args.key} {missing[0]})")
    if _layered(args):
        if args.document is not None:
            raise _UsageError("--document reads one file: it cannot be combined with layers "
                              "(several files, --env-prefix, --set, --env-file, --secrets-dir, --profile)")
        with _load_layers(args, args.format) as cfg:
            hidden = frozenset() if args.reveal else cfg._hidden()
            value = _read(cfg, args.key)
    else:
        first = args.files[0]
        docs = _stdin_documents(args.format, args.yaml, args.document) if first == "-" else \
            _documents(first, args.format, args.yaml, args.document)
        if len(docs) > 1:
            raise _UsageError(f"{first} holds {len(docs)} documents: pick one with --document N "
                              f"(counting from 0)")
        hidden = frozenset()
        try:
            if not args.raw and _has_reference(docs[0]):
                # Only what the key needs is resolved: a reference elsewhere
                # that does not resolve is no reason to fail.
                with load(docs[0]) as cfg:
                    hidden = frozenset() if args.reveal else cfg._hidden()
                    value = _read(cfg, args.key)
            else:
                value = _lookup(docs[0], args.key)
        except KeyNotFoundError as e:
            raise _MissIn(first, e) from None
    if isinstance(value, (dict, list)):
        # Asking for a key reveals that value; secrets inside a map or
        # list printed whole stay masked unless --reveal.
        value = mask(value, split_path(args.key), args.reveal, hidden)
    _say(_scalar_text(value))
    return EXIT_OK


def _cmd_show(args: argparse.Namespace) -> int:
    layered = _layered(args)
    first = args.files[0]
    if args.files.count("-") > 1:
        raise _UsageError("stdin (-) can be read once")
    if args.raw and args.origin:
        raise _UsageError("--origin lists the values as reads give them (resolved): it cannot be combined with --raw")
    if first == "-":
        # stdin has no extension: its format is --input-format, else
        # --format, else YAML (which reads JSON too).
        fmt = args.format or args.input_format or "yaml"
    else:
        fmt = args.format or args.input_format or _args.format_of(first)
    if layered and args.document is not None:
        raise _UsageError("--document reads one file: it cannot be combined with layers "
                          "(several files, --env-prefix, --set, --origin, --env-file, --secrets-dir, --profile)")
    if not layered:
        if first == "-":
            docs = _stdin_documents(args.input_format or args.format, args.yaml, args.document)
        else:
            docs = _documents(first, args.input_format, args.yaml, args.document)
        text = _dump(_resolved(docs, args.raw, args.reveal), fmt, first, mask_secrets=False)  # masked there
        _out(_ends_with_newline(text))
        return EXIT_OK
    with _load_layers(args, args.input_format or (args.format if "-" in args.files else None)) as cfg:
        if args.origin:
            text = cfg.show(reveal=args.reveal)
        else:
            hidden = frozenset() if args.reveal else cfg._hidden()
            with Config(mask(cfg.to_dict(resolve=not args.raw), (), args.reveal, hidden)) as shown:
                text = shown.dumps(fmt, resolve=False)
    _out(_ends_with_newline(text))
    return EXIT_OK


# What show, get and db put read from stdin (and db put from a file) at
# most: the Database's own bound on one config; anything longer is surely
# not a config file.
_STDIN_LIMIT = 64 << 20


def _stdin(fmt: Optional[str]) -> Tuple[str, str]:
    """stdin's text (strict UTF-8, bounded) and its format (fmt, else YAML,
    which reads JSON too)."""
    try:
        if sys.stdin is None:  # started with stdin closed (<&-)
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        data = sys.stdin.buffer.read(_STDIN_LIMIT + 1)
    except OSError as e:  # a directory, say
        raise OSError(e.errno, e.strerror or str(e), "stdin") from None
    if len(data) > _STDIN_LIMIT:
        raise InvalidArgumentError(f"stdin: larger than {_STDIN_LIMIT >> 20} MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InvalidArgumentError(f"stdin is not UTF-8: byte 0x{data[e.start]:02x} at offset {e.start}") from None
    return text, fmt or "yaml"


def _stdin_documents(fmt: Optional[str], yaml: Optional[str], document: Optional[int]) -> List[Any]:
    text, fmt = _stdin(fmt)
    try:
        docs = reads_all(text, fmt, yaml=yaml) or [{}]
    except Error as e:
        raise type(e)(f"stdin: {e}") from None
    if document is None:
        return docs
    if document >= len(docs):
        raise InvalidArgumentError(f"--document {document}: stdin holds {len(docs)} document"
                                   f"{'s' if len(docs) != 1 else ''}, counting from 0")
    return [docs[document]]


def _no_stdin(command: str, *names: str) -> None:
    """Refuse "-" for commands that read files only (it would be looked
    for as a file named "-", of no format)."""
    if "-" in names:
        raise _UsageError(f"{command} reads files, not stdin: - is read by get, show and db put")


def _cmd_diff(args: argparse.Namespace) -> int:
    _no_stdin("diff", args.a, args.b)
    with load(File(args.a, args.format), yaml=args.yaml) as a, load(File(args.b, args.format), yaml=args.yaml) as b:
        d = a.diff(b)
    for line in d.lines(reveal=args.reveal):
        _say(line)
    return EXIT_OK


def _cmd_convert(args: argparse.Namespace) -> int:
    if args.output == "-":
        raise _UsageError("convert writes a file: to print in another format, use show FILE --format F")
    _no_stdin("convert", args.input)
    docs = _documents(args.input, args.input_format, args.yaml, args.document)
    if len(docs) == 1 and isinstance(docs[0], dict):
        with Config(docs[0]) as cfg:  # the usual case: save() writes it
            cfg.save(args.output, args.output_format)
        return EXIT_OK
    fmt = args.output_format or _args.format_of(args.output)
    text = _dump(docs, fmt, args.input, mask_secrets=False)  # data: nothing masked
    _write_atomic(args.output, text, private=not os.path.lexists(args.output) and has_secrets(docs))
    return EXIT_OK


def _dump(docs: List[Any], fmt: str, name: str, mask_secrets: bool = True, reveal: bool = False) -> str:
    """The documents in a format, secrets masked unless told otherwise;
    what the format cannot hold is refused naming the file."""
    try:
        return dumps_all([mask(d, (), reveal) for d in docs] if mask_secrets else docs, fmt)
    except TypeMismatchError as e:
        hint = " (or pick one with --document N)" if len(docs) > 1 else ""
        raise TypeMismatchError(f"{name}: {e}{hint}") from None


def _write_atomic(path: str, text: str, private: bool) -> None:
    """Write text as save() writes a file: a temporary file in the same
    directory, fsynced and renamed over the target; the mode of the file
    it replaces, else 0600 when private and what the umask gives otherwise
    (as save() does). Unlike save(), a symbolic link at path is replaced,
    not followed: documents of several roots have no Config to save()."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0o022)  # read it: os.umask can only set and return
        os.umask(umask)
        mode = 0o600 if private else 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".gocfg-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _describe(root: Any) -> str:
    if isinstance(root, dict):
        return f"a mapping of {len(root)} key{'s' if len(root) != 1 else ''}"
    if isinstance(root, list):
        return f"a list of {len(root)} item{'s' if len(root) != 1 else ''}"
    return "empty" if root is None else f"a {type(root).__name__}"


def _cmd_validate(args: argparse.Namespace) -> int:
    _no_stdin("validate", *args.files)
    if args.schema is not None:
        return _cmd_validate_schema(args)
    if args.env_prefix or args.set:
        raise _UsageError("--env-prefix and --set apply to the merged config that --schema checks: add --schema")
    status = EXIT_OK
    for name in args.files:
        try:
            docs = read_all(name, args.format, yaml=args.yaml)
        except (Error, OSError) as e:
            if _needs_format(e):
                raise  # bad usage: ends the command (see _run)
            _report(e)
            status = EXIT_BAD_FILE
            continue
        name = printable(name)  # one line per file, whatever its name holds
        if len(docs) <= 1 and (not docs or isinstance(docs[0], dict)):
            _say(f"{name}: ok")  # one mapping: what Config.load() reads
        elif len(docs) == 1:
            _say(f"{name}: ok, {_describe(docs[0])} at the root")
        else:
            _say(f"{name}: ok, {len(docs)} documents")
            for i, root in enumerate(docs):
                _say(f"{name}: document {i}: ok, {_describe(root)}")
    return status


def _cmd_validate_schema(args: argparse.Namespace) -> int:
    # The files are merged as `show` merges them (with the environment and
    # --set), and the result is checked: the config the program will see.
    # One line per violation on stdout, as linters print findings.
    cfg = load(*(File(f, args.format) for f in args.files), env_prefix=args.env_prefix,
               env_delimiter=args.env_delimiter, overrides=args.set or None)
    with cfg:
        try:
            cfg.validate(args.schema)
        except ValidationError as e:
            fallback = args.files[0] if len(args.files) == 1 else "config"
            for v in e.errors:
                if isinstance(v, Violation):
                    _say(f"{printable(v.where or fallback)}: {printable(v.path) or '<root>'}: {printable(v.message)}")
            return EXIT_BAD_FILE
    _say("ok")
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    try:
        cls = load_class(args.cls)
    except (ImportError, ValueError) as e:
        raise _UsageError(f"cannot import {args.cls}: {e}") from None
    _say(json.dumps(json_schema(cls, reveal=args.reveal), indent=2, ensure_ascii=False))
    return EXIT_OK


def _cmd_watch(args: argparse.Namespace) -> int:
    _no_stdin("watch", *args.files)
    sources = [File(f, args.input_format) for f in args.files]
    try:
        try:
            cfg = load(*sources, env_prefix=args.env_prefix, env_delimiter=args.env_delimiter,
                       overrides=args.set or None, env_file=args.env_file or None,
                       secrets_dir=args.secrets_dir, profile=args.profile,
                       watch=True, debounce=args.debounce)
        except (Error, ValueError) as e:
            if str(e).startswith("override "):
                raise _UsageError(str(e)) from None
            raise
        assert isinstance(cfg, WatchedConfig)
        with cfg:
            # Name every watched source, so that a reader of the banner does
            # not take the .env files or the secrets directory for unwatched.
            watched = list(args.files) + [f"{f} (env file)" for f in args.env_file or []]
            if args.secrets_dir is not None:
                watched.append(f"{args.secrets_dir} (secrets)")
            _err(f"gocfg: watching {', '.join(watched)} (Ctrl-C to stop)")
            for event in cfg.changes():
                _say("\n".join(event.lines(reveal=args.reveal)), flush=True)
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a watch ends: not an error
    return EXIT_OK


# ------------------------------------------------------------------ gocfg db

# Passwords never come from the command line: argv is visible to every user
# of the machine (ps, /proc), so the password is read from this variable or
# from --password-file, and a password inside the URL is refused.
DB_USERNAME_ENV = "GOCFG_DB_USERNAME"
DB_PASSWORD_ENV = "GOCFG_DB_PASSWORD"
# What `db put` reads from a file or stdin at most: the Database's default
# size limit for one config (64 MiB encoded) is the natural bound, and
# anything longer than that could not be saved anyway.


def _seconds_arg(most: float, most_text: str) -> Any:
    """An argparse type: a number of seconds, more than 0 and at most
    ``most`` (what Database.open and load(watch=True) accept)."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (0 < value <= most):  # nan and inf included
            raise argparse.ArgumentTypeError(f"expected a number of seconds, more than 0 and at most {most_text}, "
                                             f"got {text!r}")
        return value
    return parse


def _revision_arg(text: str) -> int:
    if not (text.isdigit() and text.isascii()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a revision number (1 or more), got {text!r}")
    return int(text)


def _expect_arg(text: str) -> int:
    if not (text.isdigit() and text.isascii()):
        raise argparse.ArgumentTypeError(f"expected a revision number (0 = must not exist yet), got {text!r}")
    return int(text)


def _db_open(args: argparse.Namespace) -> Any:
    from urllib.parse import urlsplit

    from .database import Database

    url = args.url
    if url.startswith("etcd://"):
        netloc = urlsplit(url).netloc
        if "@" in netloc and ":" in netloc.rpartition("@")[0]:
            raise _UsageError(f"a password in the URL would show in the process list: "
                              f"set {DB_PASSWORD_ENV} or use --password-file")
    password = os.environ.get(DB_PASSWORD_ENV) or None
    if args.password_file is not None:
        try:
            with open(args.password_file, encoding="utf-8") as f:
                lines = f.read(4096).splitlines()
            password = lines[0] if lines else ""
        except (OSError, UnicodeDecodeError) as e:
            raise _UsageError(f"--password-file {args.password_file}: {e}") from None
    username = args.username if args.username is not None else (os.environ.get(DB_USERNAME_ENV) or None)
    return Database.open(url, username=username, password=password, ca=args.ca, cert=args.cert,
                         key=args.key, timeout=args.timeout)


class _NotStored(Error):
    """A name or revision that is not in the Database (exit status 1). Not a
    KeyError, which the CLI reports as a missing key in a file."""


def _missing(db: Any, name: str, revision: Optional[int] = None) -> _NotStored:
    """A clear error for a name or revision that is not stored."""
    if revision is None or name not in db:
        return _NotStored(f"{db.url}: no config named {name!r}")
    return _NotStored(f"{db.url}: {name!r} has no revision {revision} "
                            f"(stored: {', '.join(str(r) for r, _ in db.history(name)) or 'none'})")


def _db_load(db: Any, name: str, revision: Optional[int], interpolate: bool = False) -> Config:
    try:
        return db.load(name, revision, interpolate=interpolate)  # type: ignore[no-any-return]
    except KeyNotFoundError:
        raise _missing(db, name, revision) from None


def _cmd_db_get(args: argparse.Namespace) -> int:
    with _db_open(args) as db, _db_load(db, args.name, args.revision, interpolate=not args.raw) as cfg:
        hidden = frozenset() if args.reveal else cfg._hidden()
        if args.path is None:
            with Config(mask(cfg.to_dict(), (), args.reveal, hidden)) as shown:
                _out(_ends_with_newline(shown.dumps(args.format, resolve=False)))
            return EXIT_OK
        try:
            value = cfg[args.path]
        except KeyNotFoundError:
            raise _NotStored(f"{printable(args.name)}: no value at {args.path!r}") from None
        if hasattr(value, "to_dict"):
            value = value.to_dict()
        if isinstance(value, (dict, list)):
            # As `gocfg get`: the path asked for is revealed, secrets inside stay masked.
            value = mask(value, split_path(args.path), args.reveal, hidden)
        _say(_scalar_text(value))
    return EXIT_OK


def _read_input(source: str, fmt: Optional[str]) -> Config:
    """The config `db put` stores: a file (format from its extension unless
    --format), or stdin when source is "-" (YAML unless --format, which
    reads JSON too), strict UTF-8 and at most _STDIN_LIMIT bytes."""
    if source != "-":
        try:
            if os.path.getsize(source) > _STDIN_LIMIT:
                raise InvalidArgumentError(f"{source}: larger than {_STDIN_LIMIT >> 20} MiB")
        except OSError:
            pass  # Config.load names the missing or unreadable file
        return Config.load(source, fmt)
    text, fmt = _stdin(fmt)
    if not text.strip():
        # Most often a failed pipe: refusing it keeps the stored config.
        raise InvalidArgumentError("stdin is empty: nothing stored (send {} to store an empty config)")
    try:
        return Config.loads(text, fmt)
    except Error as e:
        raise InvalidArgumentError(f"stdin: {e}") from None


def _cmd_db_put(args: argparse.Namespace) -> int:
    with _db_open(args) as db, _read_input(args.file, args.format) as cfg:
        try:
            rev = db.save(args.name, cfg, expect_revision=args.expect_revision)
        except ConflictError:
            latest = db.history(args.name)[-1][0] if args.name in db else None
            found = f"its latest revision is {latest}" if latest is not None else "it does not exist"
            wanted = "not to exist yet" if args.expect_revision == 0 else f"revision {args.expect_revision}"
            raise ConflictError(f"{printable(args.name)}: conflict: expected {wanted}, but {found}; "
                                f"nothing was saved") from None
    _say(rev)
    return EXIT_OK


def _utc_text(when: _dt.datetime) -> str:
    return when.astimezone(_dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _cmd_db_history(args: argparse.Namespace) -> int:
    with _db_open(args) as db:
        try:
            revisions = db.history(args.name)
        except KeyNotFoundError:
            raise _missing(db, args.name) from None
        if not revisions:
            raise _missing(db, args.name)
        for rev, when in revisions:
            _say(f"{rev} {_utc_text(when)}")
    return EXIT_OK


def _cmd_db_diff(args: argparse.Namespace) -> int:
    with _db_open(args) as db, _db_load(db, args.name, args.rev1) as a, _db_load(db, args.name, args.rev2) as b:
        d = a.diff(b)
    for line in d.lines(reveal=args.reveal):
        _say(line)
    return EXIT_OK


def _cmd_db_query(args: argparse.Namespace) -> int:
    with _db_open(args) as db:
        rows = db.query(args.expr)
    # One line per match: name, TAB, path, TAB, the value as JSON (so that a
    # string holding a TAB or a newline stays on its line, and types show).
    for name, path, value in rows:
        value = mask(value, split_path(path), args.reveal)  # secret keys, credentials inside values
        # A TAB or newline in a key stays on its line; a bidi control in a
        # name (which names may hold) does not reverse the rest of it.
        _say(f"{printable(name)}\t{printable(path)}\t{json_text(value)}")
    return EXIT_OK


def _cmd_db_watch(args: argparse.Namespace) -> int:
    try:
        with _db_open(args) as db, db.watch(args.prefix) as events:
            _err(f"gocfg: watching {db.url} {args.prefix or '(every name)'} (Ctrl-C to stop)")
            for e in events:
                _say(f"{printable(e.name)} {e.revision} {'deleted' if e.deleted else 'saved'}", flush=True)
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a watch ends: not an error
    return EXIT_OK


def _cmd_db_rm(args: argparse.Namespace) -> int:
    with _db_open(args) as db:
        if args.name not in db:
            raise _missing(db, args.name)
        try:
            db.delete(args.name)
        except KeyNotFoundError:
            raise _missing(db, args.name) from None  # deleted by someone else meanwhile
    return EXIT_OK


def _no_password(text: str) -> str:
    raise argparse.ArgumentTypeError(f"a password on the command line shows in the process list: set ${DB_PASSWORD_ENV} "
                                     "or use --password-file FILE")


def _db_parser(sub: Any, formats: Sequence[str]) -> None:
    common = _Parser(add_help=False)
    common.add_argument("url", help="sqlite:///path.db, a path, etcd://host:port/prefix or memory://")
    common.add_argument("--username", metavar="U", help=f"etcd user (default: ${DB_USERNAME_ENV})")
    common.add_argument("--password-file", metavar="FILE",
                        help=f"read the etcd password from FILE's first line (default: ${DB_PASSWORD_ENV}); "
                             "never on the command line, where ps shows it")
    # Not an option: --password VALUE was taken for an abbreviated
    # --password-file, and the error quoted the password as a file name.
    common.add_argument("--password", type=_no_password, help=argparse.SUPPRESS)
    common.add_argument("--ca", metavar="FILE", help="etcd: CA certificate (turns TLS on)")
    common.add_argument("--cert", metavar="FILE", help="etcd: client certificate")
    common.add_argument("--key", metavar="FILE", help="etcd: client key")
    common.add_argument("--timeout", type=_seconds_arg(86400, "86400 (a day)"), default=5.0, metavar="SECONDS",
                        help="bound on connecting and on each call (default: 5)")
    reveal = _Parser(add_help=False)
    reveal.add_argument("--reveal", action="store_true", help="print secrets instead of ********")

    db = sub.add_parser("db", help="read and change configs stored in a gocfg Database")
    dsub = db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")

    name_help = "the stored config's name, such as services/api"
    g = dsub.add_parser("get", parents=[common, reveal], help="print a stored config, or the value at a path")
    g.add_argument("name", help=name_help)
    g.add_argument("path", nargs="?", help="a dot path such as server.port (default: the whole config)")
    g.add_argument("--revision", type=_revision_arg, metavar="R", help="an older revision (default: the latest)")
    g.add_argument("--format", choices=formats, type=_args.format_name, default="json",
                   help="the format of a whole config (default: json)")
    g.add_argument("--raw", action="store_true",
                   help="print ${...} references as stored (default: resolved, as gocfg.load() reads them)")
    g.set_defaults(run=_cmd_db_get)

    p = dsub.add_parser("put", parents=[common], help="store a file (or stdin: -) as the next revision")
    p.add_argument("name", help=name_help)
    p.add_argument("file", help="a file, or - for stdin")
    p.add_argument("--format", choices=formats, type=_args.format_name,
                   help="the input's format (default: from the extension; yaml, which reads JSON too, for stdin)")
    p.add_argument("--expect-revision", type=_expect_arg, metavar="R",
                   help="save only if R is still the latest revision (0: only if the name is new)")
    p.set_defaults(run=_cmd_db_put)

    h = dsub.add_parser("history", parents=[common], help="print each revision and when it was saved (UTC)")
    h.add_argument("name", help=name_help)
    h.set_defaults(run=_cmd_db_history)

    d = dsub.add_parser("diff", parents=[common, reveal], help="print what changed from REV1 to REV2")
    d.add_argument("name", help=name_help)
    d.add_argument("rev1", type=_revision_arg, help="the revision to compare from (db history lists them)")
    d.add_argument("rev2", type=_revision_arg, help="the revision to compare to")
    d.set_defaults(run=_cmd_db_diff)

    q = dsub.add_parser("query", parents=[common, reveal], help="print name, path and value of each match")
    q.add_argument("expr", help="<name-glob>:<path-glob>, such as 'services/*:server.port'")
    q.set_defaults(run=_cmd_db_query)

    w = dsub.add_parser("watch", parents=[common], help="print each save and delete as it happens, until Ctrl-C")
    w.add_argument("prefix", nargs="?", default="", help="a name or level-wise prefix (default: every name)")
    w.set_defaults(run=_cmd_db_watch)

    r = dsub.add_parser("rm", parents=[common], help="delete a stored config and its history")
    r.add_argument("name", help=name_help)
    r.set_defaults(run=_cmd_db_rm)


def _ends_with_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def _report(e: BaseException) -> None:
    where = ""
    if isinstance(e, _MissIn):
        where, e = f"{'stdin' if e.where == '-' else e.where}: ", e.miss
    if isinstance(e, KeyNotFoundError) and e.path is not None:
        message = f"no value at {e}"  # the full path, and the closest keys
    elif isinstance(e, KeyError):
        message = f"no value at {e.args[0]!r}" if e.args else "key not found"
    elif isinstance(e, OSError) and e.strerror:
        message = f"{e.filename}: {e.strerror}" if e.filename else e.strerror
    else:
        message = str(e)
    _err(f"gocfg: {where}{' '.join(message.split())}")


def _document_arg(text: str) -> int:
    if not (text.isdigit() and text.isascii()):  # str.isdigit() takes "٣" and "²" too
        raise argparse.ArgumentTypeError(f"expected a document number counting from 0, got {text!r}")
    return int(text)


def _reading_args(p: argparse.ArgumentParser, document: bool = True) -> None:
    """--yaml, and --document where one document can be picked."""
    p.add_argument("--yaml", choices=("1.1", "1.2"),
                   help="read YAML with YAML 1.1's types (yes/no, 0755), as Ansible does (default: 1.2)")
    if document:
        p.add_argument("--document", type=_document_arg, metavar="N",
                       help="use document N of a stream, counting from 0 (default: every document)")


def _layer_args(p: argparse.ArgumentParser) -> None:
    """The sources and --raw: what get and show share."""
    _source_args(p)
    p.add_argument("--raw", action="store_true",
                   help="print ${...} references as written (default: resolved, as the program reads them)")


def _source_args(p: argparse.ArgumentParser) -> None:
    """What is merged over the files, as gocfg.load() merges it: what get,
    show and watch share."""
    p.add_argument("--env-prefix", metavar="P", type=_env_prefix_arg,
                   help="merge environment variables P_KEY__SUBKEY=value over the files")
    p.add_argument("--env-delimiter", metavar="D", default="__", type=_env_delimiter_arg,
                   help="nesting delimiter in variable names (default: __)")
    p.add_argument("--set", action="append", type=_override_arg, metavar="PATH=VALUE",
                   help="an override, applied last (repeatable)")
    p.add_argument("--env-file", action="append", metavar="FILE",
                   help="a .env file read as environment variables below the real ones (repeatable; "
                        "a missing one is skipped), as gocfg.load(env_file=...)")
    p.add_argument("--secrets-dir", metavar="DIR",
                   help="a directory of one secret file per key, as gocfg.load(secrets_dir=...)")
    p.add_argument("--profile", metavar="NAME", type=_profile_arg,
                   help="merge name.NAME.ext after each file that has one, as gocfg.load(profile=...)")


def _parser() -> argparse.ArgumentParser:
    formats = _args.format_choices()  # formats and reading modes, from the library (which this loads)
    p = _Parser(prog="gocfg", description="Read, check and convert configuration files.")
    from ._version import __version__
    p.add_argument("--version", action="version", version=f"gocfg {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    g = sub.add_parser("get", help="print the value at a dot path")
    g.add_argument("files", nargs="+", metavar="file",
                   help="one file (- for stdin), or several merged in order (later wins), as show merges them")
    g.add_argument("key", help="a dot path such as server.port")
    g.add_argument("--format", choices=formats, type=_args.format_name,
                   help="the files' format (default: from each extension; YAML, which reads JSON too, for stdin)")
    g.add_argument("--reveal", action="store_true", help="do not mask secrets inside a map")
    _layer_args(g)
    _reading_args(g)
    g.set_defaults(run=_cmd_get)

    s = sub.add_parser("show", help="print the whole file, or several merged")
    s.add_argument("files", nargs="+", metavar="file",
                   help="one file (- for stdin), or several merged in order (later wins)")
    s.add_argument("--format", choices=formats, type=_args.format_name,
                   help="the format to print in (default: the first file's; for stdin also its format)")
    s.add_argument("--input-format", choices=formats, type=_args.format_name,
                   help="the files' format (default: from each extension; YAML, which reads JSON too, for stdin)")
    _layer_args(s)
    s.add_argument("--origin", action="store_true", help="print path = value  # origin, one line per value")
    s.add_argument("--reveal", action="store_true", help="print secrets instead of ********")
    _reading_args(s)
    s.set_defaults(run=_cmd_show)

    d = sub.add_parser("diff", help="print what changed from one file to another")
    d.add_argument("a", help="the file to compare from (the old one)")
    d.add_argument("b", help="the file to compare to (the new one)")
    d.add_argument("--format", choices=formats, type=_args.format_name,
                   help="the files' format (default: from each extension)")
    d.add_argument("--reveal", action="store_true", help="print secrets instead of ********")
    _reading_args(d, document=False)
    d.set_defaults(run=_cmd_diff)

    c = sub.add_parser("convert", help="rewrite a file in another format")
    c.add_argument("input", help="the file to read")
    c.add_argument("output", help="the file to write (its extension gives the format unless --output-format)")
    c.add_argument("--input-format", choices=formats, type=_args.format_name,
                   help="the input's format (default: from its extension)")
    c.add_argument("--output-format", choices=formats, type=_args.format_name,
                   help="the format to write (default: from the output's extension)")
    _reading_args(c)
    c.set_defaults(run=_cmd_convert)

    v = sub.add_parser("validate", help="check that files parse, or that they fit a JSON Schema")
    v.add_argument("files", nargs="+", metavar="file",
                   help="files to check; with --schema they are merged in order (later wins), as show merges them")
    v.add_argument("--format", choices=formats, type=_args.format_name,
                   help="the files' format (default: from each extension)")
    _reading_args(v, document=False)
    v.add_argument("--schema", metavar="S", help="a JSON Schema (JSON or YAML file) that the files, merged, must fit")
    v.add_argument("--env-prefix", metavar="P", type=_env_prefix_arg,
                   help="with --schema: merge environment variables P_KEY__SUBKEY=value")
    v.add_argument("--env-delimiter", metavar="D", default="__", type=_env_delimiter_arg,
                   help="nesting delimiter in variable names (default: __)")
    v.add_argument("--set", action="append", type=_override_arg, metavar="PATH=VALUE",
                   help="with --schema: an override, applied last (repeatable)")
    v.set_defaults(run=_cmd_validate)

    j = sub.add_parser("schema", help="print the JSON Schema of a settings class, attrs class or pydantic model (module:Class)")
    j.add_argument("cls", metavar="module:Class",
                   help="the class to describe, importable from the current directory, such as myapp.settings:Settings")
    j.add_argument("--reveal", action="store_true", help="include the defaults of secret fields")
    j.set_defaults(run=_cmd_schema)
    w = sub.add_parser("watch", help="print each change to the files as it happens, until Ctrl-C")
    w.add_argument("files", nargs="+", metavar="file", help="files merged in order (later wins), as show does")
    w.add_argument("--input-format", choices=formats, type=_args.format_name,
                   help="the files' format (default: from each extension)")
    _source_args(w)
    w.add_argument("--debounce", type=_seconds_arg(3600, "3600"), default=0.1, metavar="SECONDS",
                   help="how long the files must stay quiet before a change is read (default: 0.1)")
    w.add_argument("--reveal", action="store_true", help="print secrets instead of ********")
    w.set_defaults(run=_cmd_watch)
    _db_parser(sub, formats)
    _name_formats(p, formats)
    return p


def _name_formats(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    """Show each format option as FORMAT and list the names once, below the
    options, where argparse would print all fourteen in the usage line and
    again in the option's help."""
    named = False
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _name_formats(sub, formats)
        elif action.choices is formats:
            action.metavar = "FORMAT"
            named = True
    if named:
        parser.epilog = f"FORMAT is one of {', '.join(_args.formats())}, or a reading mode: {', '.join(_args.modes())}."


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command line; returns the exit status. A closed stdout pipe
    raises BrokenPipeError, and Ctrl-C KeyboardInterrupt: main_exit ends
    the process for them."""
    try:
        parser = _parser()
    except ImportError as e:
        # The parser's format choices load the library: an installation
        # that cannot load it (missing, cut short, another platform) gets
        # the loader's one line naming the file and the fix, not a traceback.
        _report(e)
        return EXIT_BAD_FILE
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help and --version (0), bad usage (2): argparse printed them
        status = e.code if isinstance(e.code, int) else EXIT_USAGE
    except BrokenPipeError:
        raise
    except OSError as e:  # writing --help failed
        _report(e)
        return EXIT_BAD_FILE
    else:
        status = _run(args)
    # What is still buffered: failing to write it is an error too (exit 0
    # with the output lost would lie), whatever the command's status.
    try:
        _out("", flush=True)
    except BrokenPipeError:
        raise
    except OSError as e:
        _report(e)
        return status or EXIT_BAD_FILE
    return status


# The library's message for a file name with no known extension ends by
# naming the Python API's argument: the command line names its option.
_PASS_FORMAT = ": pass format= ("


def _needs_format(e: BaseException) -> bool:
    """Whether e is the library's "cannot tell the format of NAME"."""
    return isinstance(e, InvalidArgumentError) and _PASS_FORMAT in str(e)


def _format_hint(args: argparse.Namespace, message: str) -> str:
    """The library's message, naming the option that gives the format
    instead of the API's format= (a schema file has none: its name must
    tell)."""
    def names(path: Optional[str]) -> bool:
        # The name as Go's %q quotes it (as JSON does, for names that matter here).
        return path is not None and message.startswith(f"cannot tell the format of "
                                                       f"{json.dumps(path, ensure_ascii=False)} ")
    if names(getattr(args, "schema", None)):
        head = message.split(_PASS_FORMAT, 1)[0]
        return f"--schema: {head}: name the schema file .json or .yaml"
    command = args.command if args.command != "db" else "db " + args.db_command
    if command == "convert":
        option = "--output-format" if names(args.output) else "--input-format"
    else:
        option = "--input-format" if command in ("show", "watch") else "--format"
    return message.replace(_PASS_FORMAT, f": pass {option} (")


# The options of get, show and validate that add layers besides the files.
_OTHER_SOURCES = ("set", "env_prefix", "env_file", "secrets_dir", "profile")


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.run(args))
    except BrokenPipeError:
        raise
    except _UsageError as e:
        _err(f"gocfg: {' '.join(str(e).split())}")
        return EXIT_USAGE
    except (Error, OSError, KeyError) as e:
        if _needs_format(e):
            # A name that says no format is bad usage: the format must be given.
            _err(f"gocfg: {_format_hint(args, str(e))}")
            return EXIT_USAGE
        if _bad_override(e):
            _err(f"gocfg: {' '.join(str(e).split())}")
            return EXIT_USAGE
        stream = _stream_hint(args, e)
        if stream:
            _err(f"gocfg: {stream}")
            return EXIT_USAGE
        if isinstance(e, InterpolationError) and getattr(args, "raw", None) is False:
            # A workflow's shell step or a compose file holds ${VAR} meant
            # for another tool: the reader must learn that --raw shows it,
            # and which file it came from.
            # The file is named when it is the one source the value can
            # come from (a --set or a variable may hold the reference).
            files = getattr(args, "files", None) or []
            others = any(getattr(args, name, None) for name in _OTHER_SOURCES)
            where = f"{'stdin' if files[0] == '-' else files[0]}: " if len(files) == 1 and not others else ""
            _err(f"gocfg: {where}{' '.join(str(e).split())} (--raw prints ${{...}} as written)")
            return EXIT_BAD_FILE
        _report(e)
        return EXIT_BAD_FILE
    except (TypeError, ValueError) as e:
        if _bad_override(e):
            _err(f"gocfg: {' '.join(str(e).split())}")
            return EXIT_USAGE
        _report(e)
        return EXIT_BAD_FILE


def _stream_hint(args: argparse.Namespace, e: BaseException) -> str:
    """For a command that reads one document per file (diff, db put, show
    and get of several files, watch, validate --schema) given a YAML stream
    (a Kubernetes manifest of several documents): what to do instead of the
    Python API's words. "" when e is anything else. The file is read again
    only on this error path, and only as YAML, the one format with streams."""
    name = getattr(e, "filename", None)
    if not isinstance(e, ParseError) or not isinstance(name, str) or name == "-":
        return ""
    try:
        count = len(read_all(name, "yaml"))
    except (Error, OSError, ValueError):
        return ""  # not a readable stream: the error stands as it is
    if count < 2:
        return ""
    command = args.command if args.command != "db" else "db " + args.db_command
    shown = printable(name)
    merging = "merging files " if command in ("show", "get") else ""
    return (f"{shown} holds {count} YAML documents (a stream, as Kubernetes manifests are), and {command} "
            f"{merging}reads one document per file: `gocfg show {shown}` prints them all, `--document N` picks one "
            f"for show, get and convert (counting from 0), and `gocfg convert {shown} --document N part.yaml` "
            f"writes one to a file of its own")


def _bad_override(e: BaseException) -> bool:
    """Whether e is the library's refusal of a --set (a value that does
    not parse, text that is not UTF-8): bad usage, whichever command
    merged it (validate --schema said 1, show and get 2)."""
    return isinstance(e, (Error, ValueError)) and str(e).startswith(("override ", "an override "))


def _end_as_killed_by(name: str) -> NoReturn:
    """End the process as if killed by the signal ``name`` (SIGINT, SIGPIPE),
    as a Unix tool ends on Ctrl-C or when a pipe's reader goes away: the
    shell sees 128 + the signal's number (130, 141) and, for SIGINT, a
    script that runs gocfg stops too. No traceback; buffered output is
    dropped. Where the signal does not exist, the same status as an exit."""
    signum = getattr(signal, name, None)
    status = 128 + int(signum) if signum is not None else 1
    _flush_quietly(sys.stderr)
    if signum is not None and os.name == "posix":  # (Windows' os.kill would terminate with the number as status)
        try:
            signal.signal(signum, signal.SIG_DFL)  # replaces Python's (SIGINT) or Go's (SIGPIPE) handler
            os.kill(os.getpid(), signum)
        except (OSError, ValueError):
            pass
    os._exit(status)


def _flush_quietly(stream: Any) -> None:
    try:
        if stream is not None:
            stream.flush()
    except (OSError, ValueError):
        pass


_STDERR_ERRORS = "gocfg.stderr"


def _stderr_errors(e: UnicodeError) -> Tuple[Union[str, bytes], int]:
    """surrogateescape's bytes where it can (a file name that is not
    UTF-8, as given), else backslashreplace's escapes."""
    try:
        return codecs.lookup_error("surrogateescape")(e)
    except UnicodeError:
        return codecs.lookup_error("backslashreplace")(e)


def main_exit() -> None:
    """Entry point of the `gocfg` console script and of ``python -m gocfg``."""
    # A file name that is not UTF-8 (os.fsdecode's str) prints as the bytes
    # it was given, whatever the locale (a UTF-8 one would make it an error).
    # Messages on stderr are for people: what its encoding cannot write
    # (PYTHONIOENCODING=ascii, a legacy locale) is written as an escape,
    # where it made the whole message vanish.
    codecs.register_error(_STDERR_ERRORS, _stderr_errors)
    for stream, errors in ((sys.stdout, "surrogateescape"), (sys.stderr, _STDERR_ERRORS)):
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=errors)
    try:
        status = main()
    except KeyboardInterrupt:  # Ctrl-C (watch and db watch end on it with status 0)
        _end_as_killed_by("SIGINT")
    except BrokenPipeError:  # the reader of stdout went away (| head)
        _end_as_killed_by("SIGPIPE")
    sys.exit(status)


if __name__ == "__main__":
    main_exit()
