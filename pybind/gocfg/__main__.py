"""The gocfg command line, for scripts: ``python -m gocfg`` or ``gocfg``.

    gocfg get FILE KEY            print one value (a dot path)
    gocfg show FILE [--format F]  print the whole file, in its format or F
    gocfg show FILE... [--env-prefix P] [--set k=v]... [--origin]
                                  merge the files (later ones win), then the
                                  environment, then the --set overrides, and
                                  print the result; --origin prints one
                                  "path = value  # origin" line per value
    gocfg diff A B                print what changed from A to B
    gocfg convert IN OUT          rewrite IN in OUT's format (from the extensions)
    gocfg validate FILE...        check that each file parses
    gocfg watch FILE... [--env-prefix P] [--set k=v]...
                                  merge as show does, then print each change
                                  (applied or rejected, with diff lines and
                                  origins) as it happens, until Ctrl-C

Secret values (keys such as password, token, api_key: see gocfg.secrets)
print as ******** in show, get (inside a map) and diff, unless --reveal.

Exit status: 0 on success, 1 when a file is bad (missing, unreadable, does
not parse, lacks the key, cannot be expressed in the target format), 2 on
bad usage. Errors go to stderr on one line, located as file:line:column
when the parser says where.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
from typing import Any, List, Optional

from . import _args
from ._values import split_path
from .config import Config
from .errors import Error
from .layers import load
from .live import WatchedConfig
from .secrets import mask
from .sources import File

EXIT_OK, EXIT_BAD_FILE, EXIT_USAGE = 0, 1, 2


class _UsageError(Exception):
    """Bad command-line input found after parsing (a --set that does not parse)."""


def _override_arg(text: str) -> str:
    key, eq, _ = text.partition("=")
    if not eq or not key.strip():
        raise argparse.ArgumentTypeError(f"expected PATH=VALUE (such as server.port=9000), got {text!r}")
    return text


def _scalar_text(value: Any) -> str:
    """How `get` prints a value: strings bare, everything else as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    return json.dumps(value, ensure_ascii=False, default=lambda v: v.isoformat())


def _cmd_get(args: argparse.Namespace) -> int:
    with Config.load(args.file, args.format) as cfg:
        value = cfg[args.key]
        if hasattr(value, "to_dict"):
            # Asking for a key reveals that value; secrets inside a map
            # printed whole stay masked unless --reveal.
            value = mask(value.to_dict(), split_path(value.path), args.reveal)
        print(_scalar_text(value))
    return EXIT_OK


def _cmd_show(args: argparse.Namespace) -> int:
    layered = len(args.files) > 1 or args.env_prefix or args.set or args.origin
    first = args.files[0]
    fmt = args.format or args.input_format or _args.format_of(first)
    if not layered:
        with Config.load(first, args.input_format) as cfg:
            if not args.reveal and cfg._holds_secrets():
                with Config(mask(cfg.to_dict())) as masked:
                    text = masked.dumps(fmt)
            else:
                text = cfg.dumps(fmt)
        sys.stdout.write(_ends_with_newline(text))
        return EXIT_OK
    sources = [File(f, args.input_format) for f in args.files]
    try:
        cfg = load(*sources, env_prefix=args.env_prefix, env_delimiter=args.env_delimiter,
                   overrides=args.set or None)
    except (Error, ValueError) as e:
        if str(e).startswith("override "):
            raise _UsageError(str(e)) from None  # a --set value that does not parse
        raise
    with cfg:
        if args.origin:
            text = cfg.show(reveal=args.reveal)
        else:
            with Config(mask(cfg.to_dict(), (), args.reveal)) as resolved:
                text = resolved.dumps(fmt)
    sys.stdout.write(_ends_with_newline(text))
    return EXIT_OK


def _cmd_diff(args: argparse.Namespace) -> int:
    with load(File(args.a, args.format)) as a, load(File(args.b, args.format)) as b:
        d = a.diff(b)
    for line in d.lines(reveal=args.reveal):
        print(line)
    return EXIT_OK


def _cmd_convert(args: argparse.Namespace) -> int:
    with Config.load(args.input, args.input_format) as cfg:
        cfg.save(args.output, args.output_format)
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for name in args.files:
        try:
            Config.load(name, args.format).close()
            print(f"{name}: ok")
        except (Error, OSError) as e:
            _report(e)
            status = EXIT_BAD_FILE
    return status


def _cmd_watch(args: argparse.Namespace) -> int:
    sources = [File(f, args.input_format) for f in args.files]
    try:
        try:
            cfg = load(*sources, env_prefix=args.env_prefix, env_delimiter=args.env_delimiter,
                       overrides=args.set or None, watch=True, debounce=args.debounce)
        except (Error, ValueError) as e:
            if str(e).startswith("override "):
                raise _UsageError(str(e)) from None
            raise
        assert isinstance(cfg, WatchedConfig)
        with cfg:
            print(f"gocfg: watching {', '.join(args.files)} (Ctrl-C to stop)", file=sys.stderr, flush=True)
            for event in cfg.changes():
                print("\n".join(event.lines(reveal=args.reveal)), flush=True)
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a watch ends: not an error
    return EXIT_OK


def _ends_with_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def _report(e: BaseException) -> None:
    if isinstance(e, KeyError):
        message = f"no value at {e.args[0]!r}" if e.args else "key not found"
    else:
        message = str(e.args[1]) if isinstance(e, OSError) and len(e.args) > 1 else str(e)
    print(f"gocfg: {' '.join(message.split())}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    formats = _args.formats()  # from the library, which this loads
    p = argparse.ArgumentParser(prog="gocfg", description="Read, check and convert configuration files.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    g = sub.add_parser("get", help="print the value at a dot path")
    g.add_argument("file")
    g.add_argument("key", help="a dot path such as server.port")
    g.add_argument("--format", choices=formats, help="the file's format (default: from its extension)")
    g.add_argument("--reveal", action="store_true", help="do not mask secrets inside a map")
    g.set_defaults(run=_cmd_get)

    s = sub.add_parser("show", help="print the whole file, or several merged")
    s.add_argument("files", nargs="+", metavar="file", help="one file, or several merged in order (later wins)")
    s.add_argument("--format", choices=formats, help="the format to print in (default: the first file's)")
    s.add_argument("--input-format", choices=formats, help="the files' format (default: from each extension)")
    s.add_argument("--env-prefix", metavar="P", help="merge environment variables P_KEY__SUBKEY=value over the files")
    s.add_argument("--env-delimiter", metavar="D", default="__", help="nesting delimiter in variable names (default: __)")
    s.add_argument("--set", action="append", type=_override_arg, metavar="PATH=VALUE",
                   help="an override, applied last (repeatable)")
    s.add_argument("--origin", action="store_true", help="print path = value  # origin, one line per value")
    s.add_argument("--reveal", action="store_true", help="print secrets instead of ********")
    s.set_defaults(run=_cmd_show)

    d = sub.add_parser("diff", help="print what changed from one file to another")
    d.add_argument("a")
    d.add_argument("b")
    d.add_argument("--format", choices=formats, help="the files' format (default: from each extension)")
    d.add_argument("--reveal", action="store_true", help="print secrets instead of ********")
    d.set_defaults(run=_cmd_diff)

    c = sub.add_parser("convert", help="rewrite a file in another format")
    c.add_argument("input")
    c.add_argument("output")
    c.add_argument("--input-format", choices=formats)
    c.add_argument("--output-format", choices=formats)
    c.set_defaults(run=_cmd_convert)

    v = sub.add_parser("validate", help="check that files parse")
    v.add_argument("files", nargs="+", metavar="file")
    v.add_argument("--format", choices=formats, help="the files' format (default: from each extension)")
    v.set_defaults(run=_cmd_validate)

    w = sub.add_parser("watch", help="print each change to the files as it happens, until Ctrl-C")
    w.add_argument("files", nargs="+", metavar="file", help="files merged in order (later wins), as show does")
    w.add_argument("--input-format", choices=formats, help="the files' format (default: from each extension)")
    w.add_argument("--env-prefix", metavar="P", help="merge environment variables P_KEY__SUBKEY=value over the files")
    w.add_argument("--env-delimiter", metavar="D", default="__", help="nesting delimiter in variable names (default: __)")
    w.add_argument("--set", action="append", type=_override_arg, metavar="PATH=VALUE",
                   help="an override, applied last (repeatable)")
    w.add_argument("--debounce", type=float, default=0.1, metavar="SECONDS",
                   help="how long the files must stay quiet before a change is read (default: 0.1)")
    w.add_argument("--reveal", action="store_true", help="print secrets instead of ********")
    w.set_defaults(run=_cmd_watch)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)  # exits with status 2 on bad usage
    try:
        return int(args.run(args))
    except _UsageError as e:
        print(f"gocfg: {' '.join(str(e).split())}", file=sys.stderr)
        return EXIT_USAGE
    except (Error, OSError, KeyError) as e:
        _report(e)
        return EXIT_BAD_FILE
    except (TypeError, ValueError) as e:
        _report(e)
        return EXIT_BAD_FILE


def main_exit() -> None:
    """Entry point of the `gocfg` console script."""
    sys.exit(main())


if __name__ == "__main__":
    main_exit()
