"""Print how Python's configparser reads INI files, as JSON.

Usage: python3 configparser_dump.py [--case] FILE...

Prints one JSON document per file, one per line. With --case, keys keep
their case (optionxform = str). Interpolation is off, as in gocfg. The
DEFAULT section is listed only when it holds keys (configparser does not
tell whether the file had an empty one; the Go tests drop an empty one). A file
configparser refuses gives {"error": "<exception class>"}. The Go tests
compare inifmt with this output (TestMatchesConfigparser) and keep it as
the goldens *.json beside the fixtures.
"""

import configparser
import json
import sys


def read(path: str, keep_case: bool) -> dict:
    cp = configparser.ConfigParser(interpolation=None)
    if keep_case:
        cp.optionxform = str  # type: ignore[assignment,method-assign]
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    try:
        cp.read_string(text)
    except configparser.Error as e:
        return {"error": type(e).__name__}
    out = {}
    if cp.defaults():
        out["DEFAULT"] = dict(cp.defaults())
    for name in cp.sections():
        out[name] = dict(cp[name])
    return out


def main() -> None:
    args = sys.argv[1:]
    keep_case = bool(args) and args[0] == "--case"
    if keep_case:
        args = args[1:]
    for path in args:
        print(json.dumps(read(path, keep_case), ensure_ascii=False))


main()
