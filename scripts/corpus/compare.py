#!/usr/bin/env python3
"""Load every file of the real-world corpus with gocfg and with the parser
that owns its format, and compare the results as plain Python values.

Usage:
    pip install . -r scripts/corpus/requirements.txt
    python scripts/corpus/fetch.py              # once; fills ~/.cache/gocfg-corpus
    python scripts/corpus/compare.py [--report FILE] [--formats json,yaml] [--repeat N]

Prints an agreement table per format and the load time of both sides, and
writes every disagreement (file, first differing path, both values, a
suggested reason) to the report file (default: corpus-report.txt in the
cache directory).

Reference parsers: json (bytes in, so a BOM is accepted as json.load on a
binary file does), json5 for JSONC (a superset of JSONC: comments and
trailing commas, plus JSON5's extras, which real JSONC files do not use),
PyYAML safe_load_all (YAML 1.1), tomllib, configparser.RawConfigParser (no
interpolation, strict), python-dotenv's dotenv_values (interpolation on, its
default), javaproperties for .properties, python-hcl2 for HCL (its markers and
quoted strings brought to gocfg's shape: blocks under type and labels).

gocfg is reached only through its public Python API, and whatever is
missing from it is reported rather than fatal: a format gocfg does not know
is counted as "not supported"; a YAML stream is read with
gocfg.load_all/Config.load_all when one exists; a document whose root is
not a mapping with the first of PLAIN_READERS that gocfg has (or the one
named by --plain-api); the "yaml-1.1" row passes yaml="1.1" to Config.load.
"""

from __future__ import annotations

import argparse
import configparser
import datetime as dt
import functools
import json
import math
import os
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import gocfg

try:
    import tomllib
except ImportError:  # Python before 3.11
    import tomli as tomllib  # type: ignore[no-redef]

# Names a function reading any document into plain Python values may have
# (issue 12, item 4); the first one gocfg has is used for non-mapping roots.
YAML11_TRUE = {"yes", "on", "y", "true"}
YAML11_FALSE = {"no", "off", "n", "false"}
YAML11_BOOLS = YAML11_TRUE | YAML11_FALSE
SEXAGESIMAL = r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?"

PLAIN_READERS = ("read", "load_data", "load_value", "load_plain", "read_value", "load_any", "parse_file")


# ------------------------------------------------------------- references

class Refused(Exception):
    """The parser refused the file; the message says why."""


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Refused(f"not UTF-8: {e}") from None


def ref_json(path: Path) -> Any:
    return json.loads(path.read_bytes())


def ref_jsonc(path: Path) -> Any:
    import json5
    return json5.loads(_text(path.read_bytes()))


def ref_yaml(path: Path) -> Any:
    import yaml
    docs = list(yaml.safe_load_all(_text(path.read_bytes())))
    return docs


def ref_toml(path: Path) -> Any:
    return tomllib.loads(_text(path.read_bytes()))


def ref_ini(path: Path) -> Any:
    cp = configparser.RawConfigParser()  # no interpolation; strict (duplicates refused)
    text = _text(path.read_bytes())
    cp.read_string(text, source=str(path))
    out: dict[str, Any] = {}
    # configparser keeps [DEFAULT] out of sections(); list it when the file
    # has one, as gocfg keeps the section in the tree
    if re.search(r"^\s*\[DEFAULT\]", text, re.M):
        out["DEFAULT"] = dict(cp.defaults())
    for name in cp.sections():
        out[name] = dict(cp.items(name))  # DEFAULT's keys included, as configparser reads them
    return out


def ref_env(path: Path) -> Any:
    from dotenv import dotenv_values
    _text(path.read_bytes())  # python-dotenv would decode errors silently under some locales
    return dict(dotenv_values(path, encoding="utf-8"))


def ref_properties(path: Path) -> Any:
    import javaproperties
    data = path.read_bytes()
    # Java reads resource bundles as UTF-8 and falls back to ISO-8859-1
    # (the Properties.load(InputStream) encoding) when a file is not UTF-8
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return dict(javaproperties.loads(text))


class Expression(str):
    """An HCL expression python-hcl2 returns as source text (var.region,
    a function call, a template with ${...}): it needs evaluation, which
    gocfg refuses, so it never equals a value gocfg read."""


def _hcl_unquote(s: str) -> str:
    inner = s[1:-1]
    try:
        text = json.loads(s)  # HCL's escapes are JSON's, plus \U and $${ / %%{
    except ValueError:
        text = inner
    return str(text).replace("$${", "${").replace("%%{", "%{")


def _hcl_value(v: Any) -> Any:
    if isinstance(v, str):
        if len(v) >= 2 and v[0] == v[-1] == '"' and "${" not in v.replace("$${", ""):
            return _hcl_unquote(v)
        return Expression(v)
    if isinstance(v, dict):
        return {(_hcl_unquote(k) if k[:1] == '"' else k): _hcl_value(x)
                for k, x in v.items() if not k.startswith("__")}
    if isinstance(v, list):
        return [_hcl_value(x) for x in v]
    return v


def _is_block_list(v: Any) -> bool:
    def reaches_body(d: Any) -> bool:
        while isinstance(d, dict) and "__is_block__" not in d and len(d) == 1:
            d = next(iter(d.values()))
        return isinstance(d, dict) and "__is_block__" in d
    return isinstance(v, list) and bool(v) and all(reaches_body(x) for x in v)


def _hcl_body(d: dict[str, Any]) -> dict[str, Any]:
    """python-hcl2's body in gocfg's shape: blocks nested under their type
    and labels, blocks of one type and labels given twice as a list."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        if k.startswith("__"):  # __is_block__, __start_line__...: python-hcl2's markers
            continue
        key = _hcl_unquote(k) if k[:1] == '"' else k
        if not _is_block_list(v):
            out[key] = _hcl_value(v)
            continue
        for item in v:
            path = [key]
            while "__is_block__" not in item:
                label = next(iter(item))
                path.append(_hcl_unquote(label) if label[:1] == '"' else label)
                item = item[label]
            node = out
            for seg in path[:-1]:
                node = node.setdefault(seg, {})
            body = _hcl_body(item)
            last = path[-1]
            if last not in node:
                node[last] = body
            elif isinstance(node[last], list):
                node[last].append(body)
            else:
                node[last] = [node[last], body]
    return out


def ref_hcl(path: Path) -> Any:
    import hcl2
    return _hcl_body(hcl2.loads(_text(path.read_bytes())))


# row -> (files' format in the manifest, gocfg format name, gocfg keyword
# arguments, reference loader, reference name)
ROWS: dict[str, tuple[str, str, dict[str, Any], Callable[[Path], Any], str]] = {
    "json": ("json", "json", {}, ref_json, "json"),
    "jsonc": ("jsonc", "jsonc", {}, ref_jsonc, "json5"),
    "yaml": ("yaml", "yaml", {}, ref_yaml, "PyYAML safe_load_all"),
    "yaml-1.1": ("yaml", "yaml", {"yaml": "1.1"}, ref_yaml, "PyYAML safe_load_all"),
    "toml": ("toml", "toml", {}, ref_toml, "tomllib"),
    "ini": ("ini", "ini", {}, ref_ini, "configparser"),
    "env": ("env", "env", {}, ref_env, "python-dotenv"),
    "properties": ("properties", "properties", {}, ref_properties, "javaproperties"),
    "hcl": ("hcl", "hcl", {}, ref_hcl, "python-hcl2"),
}


# ------------------------------------------------------------------ gocfg

class NotSupported(Exception):
    """gocfg has no such format or option yet."""


def _plain(v: Any) -> Any:
    if isinstance(v, gocfg.Config):
        try:
            return v.to_dict()
        finally:
            v.close()
    if isinstance(v, (list, tuple)) and v and all(isinstance(x, gocfg.Config) for x in v):
        return [_plain(x) for x in v]
    return v


def _loader(name: str) -> Optional[Callable[..., Any]]:
    return getattr(gocfg, name, None) or getattr(gocfg.Config, name, None)


def gocfg_load(path: Path, fmt: str, kwargs: dict[str, Any], plain_api: Optional[str],
               want_stream: bool) -> Any:
    """The file as gocfg reads it, as plain values. want_stream: the caller
    compares a list of YAML documents."""
    try:
        # A stream: every document as plain values (read_all takes any
        # root; load_all, where read_all is missing, takes mappings only).
        if want_stream and (_loader("read_all") or _loader("load_all")):
            reader = _loader("read_all") or _loader("load_all")
            return _plain(reader(str(path), format=fmt, **kwargs))  # type: ignore[misc]
        try:
            with gocfg.Config.load(str(path), format=fmt, **kwargs) as cfg:
                value = cfg.to_dict()
        except gocfg.ParseError as e:
            # a root that is not a mapping: try the reader for plain values
            reader = _loader(plain_api) if plain_api else next(
                (_loader(n) for n in PLAIN_READERS if _loader(n)), None)
            if reader is None or not re.search(r"root must be|document", str(e)):
                raise
            value = _plain(reader(str(path), format=fmt, **kwargs))
        return [value] if want_stream else value
    except gocfg.InvalidArgumentError as e:
        if "unknown format" in str(e) or "format" in str(e) and fmt not in str(getattr(gocfg.config, "FORMATS", ())):
            raise NotSupported(f"format {fmt!r}") from None
        raise
    except TypeError as e:
        if "unexpected keyword" in str(e):
            raise NotSupported(f"option {kwargs}") from None
        raise


# -------------------------------------------------------------- comparing

def normalise(row: str, g: Any, r: Any) -> tuple[Any, Any]:
    """Bring the two sides to one shape where they represent the same thing
    differently by design; each case is a documented difference."""
    fmt = ROWS[row][0]
    if fmt == "yaml":
        # An empty document (no content, or only comments) is None to PyYAML
        # and an empty mapping to gocfg, whose Config is always a mapping.
        r = [{} if d is None else d for d in r]
        if len(r) == 0:  # PyYAML gives no document at all for an empty stream
            r = [{}]
        if isinstance(g, list):  # a reader of plain values may give None for an empty document too
            g = [{} if d is None else d for d in g] or [{}]
        # gocfg's keys are strings (a Config is a mapping of str keys), so an
        # integer key (404: ...) is stored as its decimal text. Booleans and
        # other non-string keys are left alone: `on:` being True to PyYAML
        # and "on" to gocfg is the YAML 1.1/1.2 difference, reported as such.
        r = _int_keys_to_str(r)
    if fmt == "properties" and isinstance(g, dict):
        # gocfg turns dotted keys into paths (a.b=1 -> {"a": {"b": "1"}});
        # Java and javaproperties keep one flat map. Compare the flattened tree.
        g = _flatten(g)
        # Nesting groups a.x, b.y, a.z as a: {x, z}, b: {y}, so the flattened
        # order is not the file's: compare .properties without key order.
        g = dict(sorted(g.items()))
        r = dict(sorted(r.items())) if isinstance(r, dict) else r
    return g, r


def _int_keys_to_str(v: Any) -> Any:
    if isinstance(v, dict):
        return {(str(k) if type(k) is int else k): _int_keys_to_str(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_int_keys_to_str(x) for x in v]
    return v


def _flatten(d: dict[str, Any], prefix: Optional[str] = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        # an empty segment is kept: java.util.logging's ".level" is ["", "level"]
        key = k if prefix is None else f"{prefix}.{k}"
        if isinstance(v, dict) and v:
            out.update(_flatten(v, key))
        else:
            out[key] = v
    return out


def _same_scalar(a: Any, b: Any) -> bool:
    if type(a) is not type(b):  # True == 1 and 1 == 1.0 in Python; not here
        return False
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, (dt.datetime, dt.time)) and (a.tzinfo is None) != (b.tzinfo is None):
        return False
    return bool(a == b)


Difference = tuple[tuple[Any, ...], Any, Any, str]


def differences(g: Any, r: Any, path: tuple[Any, ...] = ()) -> Iterator[Difference]:
    """Every place the two values differ, as (path, gocfg value, reference
    value, what), the first one first: keys one side lacks, then values
    under shared keys, then key order."""
    if isinstance(g, dict) and isinstance(r, dict):
        only_r = [k for k in r if k not in g]
        paired = set()
        for k in g:
            if k not in r:
                # one key read two ways (Exec / exec, on / True) is one difference
                twin = next((rk for rk in only_r if rk not in paired and _same_key(k, rk)), None)
                if twin is not None:
                    paired.add(twin)
                    yield path + (k,), k, twin, "key read differently"
                else:
                    yield path + (k,), g[k], "<missing>", "key only in gocfg"
        for k in only_r:
            if k not in paired:
                yield path + (k,), "<missing>", r[k], "key only in reference"
        for k in r:
            if k in g:
                yield from differences(g[k], r[k], path + (k,))
        if set(g) == set(r) and list(g) != list(r):
            yield path, list(g)[:8], list(r)[:8], "key order"
        return
    if isinstance(g, list) and isinstance(r, list):
        for i, (a, b) in enumerate(zip(g, r)):
            yield from differences(a, b, path + (i,))
        if len(g) != len(r):
            yield path, f"{len(g)} items", f"{len(r)} items", "list length"
        return
    if not _same_scalar(g, r):
        yield path, g, r, "value"


def _same_key(gk: Any, rk: Any) -> bool:
    """Whether a key only gocfg has and one only the reference has are the
    same text read differently: by case (configparser lowercases) or as a
    YAML 1.1 boolean (PyYAML reads on: as True)."""
    if isinstance(gk, str) and isinstance(rk, str):
        return gk.lower() == rk
    if isinstance(gk, str) and isinstance(rk, bool):
        return gk.lower() in (YAML11_TRUE if rk else YAML11_FALSE)
    return False


def show_path(path: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p))
                   for i, p in enumerate(path)) or "<root>"


def show_value(path: tuple[Any, ...], v: Any) -> str:
    if v != "<missing>" and gocfg.is_secret([str(p) for p in path]):
        return "********"  # secrets stay out of reports, as everywhere in gocfg
    s = repr(v)
    return s if len(s) <= 160 else s[:157] + "..."


# ------------------------------------------------------- suggested reasons



def reason(row: str, kind: str, detail: str, g: Any = None, r: Any = None,
           path: tuple[Any, ...] = (), rtree: Any = None) -> str:
    """A first guess at why the two sides disagree, for grouping; the
    classification in the README is checked by hand. path: where they
    differ; rtree: the whole reference value."""
    fmt = ROWS[row][0]
    if kind == "gocfg refuses":
        m = detail
        pos = re.search(r":(\d+):(\d+): ", m)
        if fmt == "ini" and pos and int(pos.group(2)) > 1:
            # an indented line: configparser continues the value above
            return "gocfg INI: indented continuation line refused or read as a key"
        if fmt in ("json", "jsonc") and _has_nonfinite(rtree):
            return "reference quirk: Python's json reads NaN/Infinity, which JSON does not have"
        if "lone surrogate" in m:
            return "gocfg refuses a lone-surrogate escape (documented; Python keeps it in a str)"
        if "internal error" in m:
            return "gocfg bug: JSON line break before a colon or value (internal error)"
        if "duplicate" in m or "given twice" in m or "already" in m:
            return "gocfg refuses duplicate keys (design; reference keeps the last)"
        if "64 bits" in m or "int64" in m:
            return "gocfg refuses integers beyond 64 bits"
        if "NUL" in m or "\\u0000" in m:
            return "gocfg refuses NUL"
        if "root must be" in m:
            return "gocfg: root is not a mapping"
        if "second YAML document" in m:
            return "gocfg: multi-document YAML"
        if fmt == "ini" and "expected 'key = value'" in m:
            return "gocfg INI: continuation line or key without '=' refused"
        if fmt == "ini" and "key before" in m.lower() or "section" in m and "before" in m:
            return "gocfg INI: key before any section"
        if fmt == "properties" and "a parent" in m:
            return ("gocfg .properties: dotted keys as paths conflict (a.b=1 and a.b.c=2 in one file; "
                    "Java keeps one flat map)")
        if fmt == "properties" and "invalid UTF-8" in m:
            return "gocfg .properties: ISO-8859-1 text (Java's Properties.load reads it) refused, UTF-8 only"
        if fmt == "hcl" and "needs evaluation" in m:
            return "gocfg HCL: an expression needing evaluation refused (design: gocfg reads literal values)"
        if fmt == "env" and re.search(r"expected '=' after \w+$", m):
            return "gocfg .env: a bare NAME line refused (python-dotenv gives None, compose reads the environment)"
        if fmt == "env":
            return "gocfg .env syntax refused: " + _shape(m)
        return "gocfg refuses: " + _shape(m)
    if kind == "reference refuses":
        if fmt == "ini" and "MissingSectionHeader" in detail:
            return "configparser refuses keys before any section (gocfg keeps them at the root)"
        if fmt == "toml":
            return "tomllib (TOML 1.0) refuses TOML 1.1 syntax gocfg reads (trailing comma, newline in inline table...)"
        if fmt == "yaml" and "python/" in detail:
            return "PyYAML safe_load refuses python/* tags (mkdocs uses its own loader); gocfg ignores unknown tags"
        if fmt == "ini" and "Duplicate" in detail:
            return "configparser refuses a repeated key or section (strict)"
        return f"{ROWS[row][4]} refuses: " + _shape(detail)
    # values differ
    if detail == "key order":
        if fmt == "yaml":
            return "key order after a merge key (<<): YAML mappings are unordered, PyYAML keeps a merged key's first place"
        return "key order"
    key = path[-1] if path else None
    if detail == "key read differently":
        if fmt == "yaml" and isinstance(r, bool) and row == "yaml-1.1":
            return "gocfg keeps a mapping key as written in YAML 1.1 mode too (keys are strings); PyYAML makes on: True"
        if fmt == "yaml" and isinstance(r, bool):
            return "YAML 1.1 boolean key (on:, yes:) is a string key in YAML 1.2 (GitHub workflows' on:)"
        if fmt == "ini":
            return "INI key case: configparser lowercases keys, gocfg keeps them"
    if fmt == "ini" and detail == "key only in gocfg" and len(path) == 2 and isinstance(rtree, dict):
        section = rtree.get(path[0], {})
        if isinstance(key, str) and any(re.search(r"(^|\n)" + re.escape(key) + r"\s*[=:]", v or "")
                                        for v in section.values()):
            return "gocfg INI: continuation lines silently read as keys of their own"
    if fmt == "ini" and g == "" and isinstance(r, str) and r.startswith("\n"):
        return "gocfg INI: continuation lines silently read as keys of their own"
    if fmt == "yaml":
        if isinstance(r, bool) and isinstance(g, str) and g.lower() in YAML11_BOOLS:
            return "YAML 1.1 boolean word (yes/no/on/off) read as a string (YAML 1.2 core)"
        if isinstance(r, int) and isinstance(g, str) and re.fullmatch(r"[-+]?0[0-7_]+", g):
            return "YAML 1.1 octal (0755) read as a string (YAML 1.2 core)"
        if isinstance(r, (int, float)) and isinstance(g, str) and re.fullmatch(SEXAGESIMAL, g):
            return "YAML 1.1 sexagesimal number read as a string (YAML 1.2 core)"
        if isinstance(r, (dt.date, dt.datetime)) and isinstance(g, str):
            return "YAML timestamp: PyYAML gives a date, gocfg a string unless !!timestamp (design)"
        if isinstance(r, str) and isinstance(g, float):
            return "YAML 1.2 float without a dot (1e3) that YAML 1.1 reads as a string"
        if isinstance(r, str) and isinstance(g, int) and r.startswith(("0o", "0x")):
            return "YAML 1.2 0o/0x integer that YAML 1.1 reads differently"
        if isinstance(r, str) and g is None or (isinstance(g, str) and r is None):
            return "YAML null spelling differs between 1.1 and 1.2"
        if isinstance(r, int) and isinstance(g, str) and "_" in g:
            return "YAML 1.1 underscore in a number (1_000) read as a string (YAML 1.2 core)"
        if isinstance(r, str) and isinstance(g, bool):
            return "YAML boolean spelling differs between 1.1 and 1.2 (True/FALSE...)"
    if fmt == "ini":
        if isinstance(r, str) and isinstance(g, str) and "\n" in r:
            return "INI: continuation lines joined differently"
        return "INI: values differ"
    if fmt == "env":
        if isinstance(g, str) and isinstance(r, str) and "$" in g:
            return ".env: ${VAR} expansion (python-dotenv expands, gocfg keeps the text)"
        if r is None:
            return ".env: a bare NAME line (python-dotenv gives None)"
        return ".env: values differ"
    if fmt == "properties":
        return "properties: values differ"
    if fmt == "hcl":
        if isinstance(r, Expression) and not isinstance(g, str):
            return "HCL literal expression (\"a\" == \"a\", 2 * 3) gocfg evaluates and python-hcl2 returns as text"
        if isinstance(r, str) and isinstance(g, str) and unicodedata.normalize("NFC", r) == g:
            return "HCL strings are NFC-normalised (the spec, hcl/v2); python-hcl2 keeps them as written"
        return "HCL: values differ"
    return f"{fmt}: {detail}"


def _has_nonfinite(v: Any) -> bool:
    if isinstance(v, float):
        return not math.isfinite(v)
    if isinstance(v, dict):
        return any(_has_nonfinite(x) for x in v.values())
    if isinstance(v, list):
        return any(_has_nonfinite(x) for x in v)
    return False


def _shape(msg: str) -> str:
    """An error message with its file-specific parts (file name, positions,
    quoted text, numbers) taken out, so that messages of one kind group
    together."""
    msg = re.sub(r"^(\w+: )?/\S*?(:\d+:\d+)?: ", r"\1", msg)
    msg = re.sub(r"^.*?line \d+, column \d+: ", "", msg)
    msg = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "…", msg)
    msg = re.sub(r"\d+", "N", msg)
    return msg[:120]


# ------------------------------------------------------------------- main

def _oneline(e: BaseException, cache: Path) -> str:
    """An exception as one line, file names relative to the cache."""
    msg = f"{type(e).__name__}: {e}".replace(str(cache) + "/", "")
    msg = re.sub(r"\s+", " ", msg)
    return msg if len(msg) <= 300 else msg[:297] + "..."


def timed(fn: Callable[[], Any], repeat: int) -> tuple[Any, Optional[BaseException], float]:
    best = math.inf
    result: Any = None
    err: Optional[BaseException] = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        try:
            result, err = fn(), None
        except NotSupported as e:
            return None, e, 0.0
        except Exception as e:  # every failure is a refusal to report, never a crash of the run
            result, err = None, e
        best = min(best, time.perf_counter() - t0)
    return result, err, best


def main() -> int:
    ap = argparse.ArgumentParser(description="Compare gocfg with the reference parsers on the corpus.")
    ap.add_argument("--cache", type=Path,
                    default=Path(os.environ.get("GOCFG_CORPUS_DIR", Path.home() / ".cache" / "gocfg-corpus")))
    ap.add_argument("--report", type=Path, help="where to write every disagreement")
    ap.add_argument("--formats", help="comma-separated rows (default: all): " + ",".join(ROWS))
    ap.add_argument("--repeat", type=int, default=5, help="loads per file and side; the fastest counts")
    ap.add_argument("--plain-api", help="name of gocfg's reader for non-mapping roots (default: probe)")
    ap.add_argument("--yaml11", default="yaml=1.1", metavar="KEYWORD=VALUE",
                    help="the Config.load argument that asks for YAML 1.1 (default: yaml=1.1; "
                         "format=NAME for a format name of its own)")
    args = ap.parse_args()
    cache: Path = args.cache.expanduser()
    manifest_path = cache / "manifest.json"
    if not manifest_path.exists():
        print(f"no corpus in {cache}: run scripts/corpus/fetch.py first", file=sys.stderr)
        return 2
    manifest = json.loads(manifest_path.read_text())
    rows = args.formats.split(",") if args.formats else list(ROWS)
    unknown = [r for r in rows if r not in ROWS]
    if unknown:
        ap.error(f"unknown rows {unknown}: use {', '.join(ROWS)}")
    report_path: Path = args.report or cache / "corpus-report.txt"
    kw, _, val = args.yaml11.partition("=")
    if kw == "format":  # YAML 1.1 as a format name of its own (format=yaml-1.1)
        ROWS["yaml-1.1"] = ROWS["yaml-1.1"][:1] + (val, {}) + ROWS["yaml-1.1"][3:]
    else:
        ROWS["yaml-1.1"] = ROWS["yaml-1.1"][:2] + ({kw: val},) + ROWS["yaml-1.1"][3:]

    table = []
    disagreements: list[dict[str, str]] = []
    value_reasons: Counter[tuple[str, str]] = Counter()
    both: list[dict[str, str]] = []  # files both sides refuse: listed for review, not disagreements
    uncompared = Counter(m["format"] for m in manifest if m["format"] not in {ROWS[r][0] for r in ROWS})
    for row in rows:
        fmt, gfmt, kwargs, ref, ref_name = ROWS[row]
        files = [m for m in manifest if m["format"] == fmt]
        c: Counter[str] = Counter()
        t_g = t_r = 0.0
        for m in files:
            path = cache / m["path"]
            stream = fmt == "yaml"
            rv, rerr, rt = timed(functools.partial(ref, path), args.repeat)
            gv, gerr, gt = timed(functools.partial(gocfg_load, path, gfmt, kwargs, args.plain_api, stream), args.repeat)
            if isinstance(gerr, NotSupported):
                c["not supported"] += 1
                continue
            entry = {"row": row, "file": m["path"], "package": m["package"]}
            if gerr and rerr:
                c["both refuse"] += 1
                both.append({**entry, "gocfg": _oneline(gerr, cache), "reference": _oneline(rerr, cache)})
                continue
            if gerr:
                c["gocfg refuses"] += 1
                msg = _oneline(gerr, cache)
                disagreements.append({**entry, "kind": "gocfg refuses", "gocfg": msg,
                                      "reference": "(loads)", "path": "",
                                      "reason": reason(row, "gocfg refuses", msg, rtree=rv)})
                continue
            if rerr:
                c["reference refuses"] += 1
                msg = _oneline(rerr, cache)
                disagreements.append({**entry, "kind": "reference refuses", "gocfg": "(loads)",
                                      "reference": msg, "path": "",
                                      "reason": reason(row, "reference refuses", msg)})
                continue
            t_g += gt
            t_r += rt
            g, r = normalise(row, gv, rv)
            if stream and len(r) == 1 and len(g) == 1:
                g, r = g[0], r[0]
            diffs = list(differences(g, r))
            if not diffs:
                c["agree"] += 1
                continue
            c["differ"] += 1
            p, a, b, what = diffs[0]
            # the file is listed with its first difference; every difference
            # is counted by reason, so that one reason cannot hide another
            for dp, da, db, dwhat in diffs:
                value_reasons[(row, reason(row, "differ", dwhat, da, db, dp, r))] += 1
            disagreements.append({**entry, "kind": "differ", "path": show_path(p), "what": what,
                                  "gocfg": show_value(p, a), "reference": show_value(p, b),
                                  "reason": reason(row, "differ", what, a, b, p, r),
                                  "more": str(len(diffs) - 1)})
        table.append((row, ref_name, len(files), c, t_g, t_r))

    cols = ("agree", "gocfg refuses", "reference refuses", "both refuse", "differ", "not supported")
    head = f"| format | reference | files | {' | '.join(cols)} | gocfg s | reference s | ratio |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for row, ref_name, n, c, t_g, t_r in table:
        ratio = f"{t_g / t_r:.2f}" if t_r > 0 and t_g > 0 else "-"
        lines.append(f"| {row} | {ref_name} | {n} | " + " | ".join(str(c[k]) for k in cols)
                     + f" | {t_g:.3f} | {t_r:.3f} | {ratio} |")
    print("\n".join(lines))
    print("(times: fastest of %d loads per file, summed over the files both sides read; "
          "ratio = gocfg / reference)" % args.repeat)
    if uncompared:
        print("not compared (no reference row): " + ", ".join(f"{k} {v}" for k, v in sorted(uncompared.items())))

    by_reason: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for d in disagreements:
        by_reason[(d["row"], d["reason"])].append(d)
    out = ["# gocfg corpus comparison", "", *lines, "",
           f"gocfg {getattr(gocfg, '__version__', '?')} from {os.path.dirname(gocfg.__file__)}", "",
           "## Disagreements by suggested reason (count, one example)", ""]
    for (row, why), items in sorted(by_reason.items(), key=lambda kv: (kv[0][0], -len(kv[1]))):
        ex = items[0]
        out.append(f"- [{row}] {len(items)} x {why}")
        out.append(f"    e.g. {ex['file']} {ex['path']}: gocfg {ex['gocfg']} / reference {ex['reference']}")
    out += ["", "## Every differing value, by suggested reason (files that load on both sides)", ""]
    for (row, why), n in sorted(value_reasons.items(), key=lambda kv: (kv[0][0], -kv[1])):
        out.append(f"- [{row}] {n} x {why}")
    out += ["", "## Every disagreement", ""]
    for d in disagreements:
        out.append(f"[{d['row']}] {d['kind']}: {d['file']}")
        if d["path"]:
            more = f"; {d['more']} more differences" if d.get("more", "0") != "0" else ""
            out.append(f"    at {d['path']} ({d.get('what', '')}{more})")
        out.append(f"    gocfg:     {d['gocfg']}")
        out.append(f"    reference: {d['reference']}")
        out.append(f"    reason:    {d['reason']}")
    out += ["", "## Files both sides refuse", ""]
    for d in both:
        out.append(f"[{d['row']}] {d['file']}")
        out.append(f"    gocfg:     {d['gocfg']}")
        out.append(f"    reference: {d['reference']}")
    report_path.write_text("\n".join(out) + "\n")
    print(f"{len(disagreements)} disagreements written to {report_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
