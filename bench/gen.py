"""Deterministic, realistic-shaped configuration documents for the benchmarks.

    python bench/gen.py [--format json|yaml|toml] [--size BYTES] [--check]

`generate()` builds the same nested data every time (a fixed seed, no clock,
no hash order): a deployment description with a few top-level settings,
shared defaults, and many services, each with scalars, lists, maps, nested
tables and a list of endpoint tables. Strings include non-ASCII text, values
that look like numbers or booleans, and keys holding dots and slashes, as
real files do. There are no nulls (TOML cannot express them) and no dates.

`render(data, fmt)` writes it as JSON, YAML or TOML, so every format carries
exactly the same data: within every table, scalars and lists of scalars come
first, then sub-tables, then lists of tables, which is the only order TOML
can write, so even key order survives a round trip. `--check` parses each
rendering back and reports whether it equals the data (order included).

YAML needs PyYAML (`pip install -r bench/requirements.txt`); JSON and TOML
need nothing beyond the standard library.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from typing import Any, Dict, Iterator, List, Tuple

SEED = 20240611
TARGET_BYTES = 2_000_000
FORMATS = ("json", "yaml", "toml")

_WORDS = (
    "auth billing catalog search ledger gateway inventory payments orders users "
    "notify audit metrics render export import scheduler cache session profile "
    "pricing shipping tax quota storage media thumbnails feed ranking fraud").split()
_TEAMS = ("core", "platform", "growth", "data", "infra", "payments", "identity", "edge")
_TIERS = ("critical", "standard", "batch", "experimental")
_REGIONS = ("eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-south-1", "ap-northeast-1")
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_LEVELS = ("debug", "info", "warn", "error")
# Realistic text: mostly ASCII, some accents, some CJK, an emoji now and then.
_PHRASES = (
    "Handles requests for the {w} domain",
    "Serves {w} data to internal clients",
    "Résumé of {w} events, aggregated hourly",
    "Überprüft {w}-Anfragen vor der Weiterleitung",
    "{w} サービス: 注文の状態を管理します",
    "Background worker for {w} — retries with backoff",
    "Legacy {w} adapter; see runbook #{n} ✅",
    'Talks to "{w}" over gRPC: timeouts matter',
)
# Values that a careless writer would turn into numbers, booleans or nulls.
_TRICKY = ("true", "no", "0755", "1.10", "null", "~", "8080", "", " padded ", "a: b", "# not a comment")


def _service(rng: random.Random, i: int, names: List[str]) -> Tuple[str, Dict[str, Any]]:
    w = rng.choice(_WORDS)
    name = f"svc-{i:04d}-{w}"
    team = rng.choice(_TEAMS)
    desc = rng.choice(_PHRASES).format(w=w, n=rng.randint(10, 999))
    if rng.random() < 0.15:
        desc += "\nSecond line: owned by team " + team + ".\n\tIndented third line."
    svc: Dict[str, Any] = {
        # scalars and lists of scalars first (TOML's order, see the docstring)
        "name": name,
        "description": desc,
        "image": f"registry.example.com/{team}/{w}:{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}",
        "replicas": rng.randint(1, 24),
        "enabled": rng.random() < 0.9,
        "weight": round(rng.uniform(0.0, 10.0), 2),
        "owner": f"{team}-team@example.com",
        "tier": rng.choice(_TIERS),
        "regions": rng.sample(_REGIONS, rng.randint(1, 4)),
        "tags": sorted(rng.sample(_WORDS, rng.randint(2, 6))),
        "ports": sorted(rng.sample(range(1024, 65535), rng.randint(1, 3))),
        "depends_on": rng.sample(names, min(len(names), rng.randint(0, 3))),
    }
    env: Dict[str, str] = {
        "LOG_LEVEL": rng.choice(_LEVELS),
        "PORT": str(svc["ports"][0]),
        "DATABASE_URL": f"postgres://{w}:secret@db-{rng.randint(1, 9)}.internal:5432/{w}",
    }
    for j in range(rng.randint(2, 9)):
        env[f"{w.upper()}_SETTING_{j}"] = rng.choice(_TRICKY) if rng.random() < 0.3 else f"value-{rng.randint(0, 10**6)}"
    svc["env"] = env
    svc["labels"] = {
        "app.kubernetes.io/name": w,
        "app.kubernetes.io/part-of": team,
        "example.com/cost-center": f"cc-{rng.randint(100, 999)}",
    }
    svc["resources"] = {
        "requests": {"cpu": f"{rng.choice((100, 250, 500, 1000))}m", "memory": f"{rng.choice((128, 256, 512, 1024))}Mi"},
        "limits": {"cpu": f"{rng.choice((500, 1000, 2000, 4000))}m", "memory": f"{rng.choice((512, 1024, 2048, 4096))}Mi"},
    }
    svc["healthcheck"] = {
        "path": "/healthz",
        "interval_s": rng.choice((5, 10, 15, 30)),
        "timeout_s": round(rng.uniform(0.5, 5.0), 1),
        "healthy_threshold": rng.randint(1, 5),
    }
    endpoints = []
    for _ in range(rng.randint(1, 6)):
        ep: Dict[str, Any] = {
            "path": f"/api/v{rng.randint(1, 3)}/{rng.choice(_WORDS)}/{{id}}",
            "method": rng.choice(_METHODS),
            "timeout_ms": rng.choice((100, 250, 500, 1000, 3000)),
            "retries": rng.randint(0, 5),
            "auth_required": rng.random() < 0.8,
            "scopes": [f"{w}:{a}" for a in rng.sample(("read", "write", "admin"), rng.randint(0, 3))],
            "rate_limit": {"per_second": rng.randint(10, 5000), "burst": rng.randint(10, 10000)},
        }
        endpoints.append(ep)
    svc["endpoints"] = endpoints  # lists of tables last
    return name, svc


def generate(target_bytes: int = TARGET_BYTES, seed: int = SEED) -> Dict[str, Any]:
    """The benchmark document: about target_bytes once rendered as JSON."""
    rng = random.Random(seed)
    data: Dict[str, Any] = {
        "title": "gocfg benchmark deployment",
        "schema_version": 3,
        "environment": "production",
        "maintainers": ["ops@example.com", "sre-oncall@example.com", "Zoë Müller <zoe@example.com>"],
        "defaults": {
            "log_level": "info",
            "replicas": 2,
            "timeout_ms": 1000,
            "retry_backoff": 1.5,
            "tls": {"enabled": True, "min_version": "1.2", "ciphers": ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"]},
        },
    }
    services: Dict[str, Any] = {}
    data["services"] = services
    names: List[str] = []
    size = len(json.dumps(data, indent=2))
    i = 0
    while size < target_bytes:
        name, svc = _service(rng, i, names)
        services[name] = svc
        names.append(name)
        # The service's own rendering, its key, and 4 more spaces of indent
        # on each of its lines where it sits in the document.
        text = json.dumps(svc, indent=2, ensure_ascii=False)
        size += len(text.encode()) + 4 * (text.count("\n") + 1) + len(name) + 8
        i += 1
    data["regions"] = [
        {"name": r, "primary": k == 0, "zones": [f"{r}{z}" for z in "abc"], "weight": round(1 / (k + 1), 3)}
        for k, r in enumerate(_REGIONS)
    ]
    return data


# ------------------------------------------------------------------ rendering


def render(data: Dict[str, Any], fmt: str) -> str:
    """data as a document in fmt: "json", "yaml" or "toml"."""
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        try:
            import yaml
        except ImportError:
            raise RuntimeError("PyYAML is missing: pip install -r bench/requirements.txt") from None
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True,
                         default_flow_style=False, width=120)
    if fmt == "toml":
        return "".join(_toml_table(data, []))
    raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_key(k: str) -> str:
    return k if _BARE_KEY.match(k) else _toml_str(k)


def _toml_str(s: str) -> str:
    # JSON's escapes (\" \\ \n \t \uXXXX ...) are all valid in a TOML basic string.
    return json.dumps(s, ensure_ascii=False)


def _is_table_list(v: Any) -> bool:
    return isinstance(v, list) and len(v) > 0 and all(isinstance(x, dict) for x in v)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return _toml_str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"TOML cannot hold {type(v).__name__}")


def _toml_table(table: Dict[str, Any], path: List[str]) -> Iterator[str]:
    """Scalars of table, then its sub-tables, then its lists of tables."""
    for k, v in table.items():
        if not isinstance(v, dict) and not _is_table_list(v):
            yield f"{_toml_key(k)} = {_toml_value(v)}\n"
    for k, v in table.items():
        if isinstance(v, dict):
            sub = path + [k]
            # A table holding only tables needs no header of its own.
            if not v or any(not isinstance(x, dict) and not _is_table_list(x) for x in v.values()):
                yield "\n[" + ".".join(_toml_key(p) for p in sub) + "]\n"
            yield from _toml_table(v, sub)
    for k, v in table.items():
        if _is_table_list(v):
            sub = path + [k]
            for item in v:
                yield "\n[[" + ".".join(_toml_key(p) for p in sub) + "]]\n"
                yield from _toml_table(item, sub)


# ------------------------------------------------------------------ helpers


def parse(text: str, fmt: str) -> Any:
    """Parse a rendering back with the standard peer for fmt."""
    if fmt == "json":
        return json.loads(text)
    if fmt == "yaml":
        import yaml
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if fmt == "toml":
        import tomllib  # Python 3.11+
        return tomllib.loads(text)
    raise ValueError(fmt)


def same(a: Any, b: Any) -> bool:
    """Equal, and every dict's keys in the same order."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def quote_segment(seg: str) -> str:
    """A path segment as gocfg writes it (gocore/value/path.go): quoted when it
    holds a dot or a double quote or is empty."""
    if seg == "" or "." in seg or '"' in seg:
        return '"' + seg.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return seg


def flatten(data: Any, prefix: str = "") -> Dict[str, str]:
    """Every leaf as a dotted path -> str, for stores that hold flat strings."""
    out: Dict[str, str] = {}

    def walk(v: Any, p: str) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, f"{p}.{quote_segment(k)}" if p else quote_segment(k))
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, f"{p}.{i}" if p else str(i))
        elif isinstance(v, bool):
            out[p] = "true" if v else "false"
        else:
            out[p] = str(v)

    walk(data, prefix)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--format", choices=FORMATS, default="json")
    ap.add_argument("--size", type=int, default=TARGET_BYTES, help="target size of the JSON rendering")
    ap.add_argument("--check", action="store_true",
                    help="render every format, parse it back, report sizes and whether the data survived")
    args = ap.parse_args()
    data = generate(args.size)
    if not args.check:
        sys.stdout.write(render(data, args.format))
        return 0
    ok = True
    print(f"{len(data['services'])} services, {len(flatten(data))} leaves")
    for fmt in FORMATS:
        try:
            text = render(data, fmt)
        except RuntimeError as e:
            print(f"{fmt:5} skipped: {e}")
            continue
        good = same(parse(text, fmt), data)
        ok &= good
        print(f"{fmt:5} {len(text.encode()):>9,} bytes  round trip {'identical' if good else 'DIFFERS'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
