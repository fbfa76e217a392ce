"""The gocfg command line, for scripts: ``python -m gocfg`` or ``gocfg``.

    gocfg get FILE KEY            print one value (a dot path)
    gocfg show FILE [--format F]  print the whole file, in its format or F
    gocfg convert IN OUT          rewrite IN in OUT's format (from the extensions)
    gocfg validate FILE...        check that each file parses

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

from .config import FORMATS, Config
from .errors import Error

EXIT_OK, EXIT_BAD_FILE, EXIT_USAGE = 0, 1, 2


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
        print(_scalar_text(cfg[args.key]))
    return EXIT_OK


def _cmd_show(args: argparse.Namespace) -> int:
    with Config.load(args.file, args.input_format) as cfg:
        fmt = args.format or args.input_format or _format_of(args.file)
        sys.stdout.write(_ends_with_newline(cfg.dumps(fmt)))
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


def _format_of(name: str) -> str:
    """The format a file name implies, as the library would pick it."""
    lower = name.lower()
    if lower.endswith(".env") or lower.rsplit("/", 1)[-1] == ".env":
        return "env"
    ext = lower.rsplit(".", 1)[-1] if "." in lower else ""
    return {"yml": "yaml", "cfg": "ini"}.get(ext, ext) or "json"


def _ends_with_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def _report(e: BaseException) -> None:
    if isinstance(e, KeyError):
        message = f"no value at {e.args[0]!r}" if e.args else "key not found"
    else:
        message = str(e.args[1]) if isinstance(e, OSError) and len(e.args) > 1 else str(e)
    print(f"gocfg: {' '.join(message.split())}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gocfg", description="Read, check and convert configuration files.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    g = sub.add_parser("get", help="print the value at a dot path")
    g.add_argument("file")
    g.add_argument("key", help="a dot path such as server.port")
    g.add_argument("--format", choices=FORMATS, help="the file's format (default: from its extension)")
    g.set_defaults(run=_cmd_get)

    s = sub.add_parser("show", help="print the whole file")
    s.add_argument("file")
    s.add_argument("--format", choices=FORMATS, help="the format to print in (default: the file's)")
    s.add_argument("--input-format", choices=FORMATS, help="the file's format (default: from its extension)")
    s.set_defaults(run=_cmd_show)

    c = sub.add_parser("convert", help="rewrite a file in another format")
    c.add_argument("input")
    c.add_argument("output")
    c.add_argument("--input-format", choices=FORMATS)
    c.add_argument("--output-format", choices=FORMATS)
    c.set_defaults(run=_cmd_convert)

    v = sub.add_parser("validate", help="check that files parse")
    v.add_argument("files", nargs="+", metavar="file")
    v.add_argument("--format", choices=FORMATS, help="the files' format (default: from each extension)")
    v.set_defaults(run=_cmd_validate)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)  # exits with status 2 on bad usage
    try:
        return int(args.run(args))
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
