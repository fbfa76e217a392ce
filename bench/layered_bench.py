"""Layered loading: gocfg against dynaconf, OmegaConf and pydantic-settings,
the same work in one run.

    python bench/layered_bench.py [--quick] [--rounds N]

The work, timed whole for each contender: a defaults mapping, then a YAML
file (12 sections, about 150 leaves), then a local TOML file that overrides
15 of them, then 50 environment variables (APP_SECTION__KEY=value, typed),
then 5 overrides ("section.key=value"), and then reading every leaf once.
Every contender must produce the same values: the bench checks a sample of
leaves against the expected answer before timing, and reports a contender
that gets one wrong as broken rather than timing it.

How each contender does it, the way its documentation says:

- gocfg: ``gocfg.load(yaml, toml, defaults=..., env_prefix="APP",
  overrides=[...])``, then ``cfg[path]`` for every leaf.
- dynaconf: ``Dynaconf(settings_files=[yaml, toml], envvar_prefix="APP",
  merge_enabled=True, **defaults)``, overrides with ``settings.set(path,
  value)``, reads with ``settings.get(path)`` (it has no dotlist parser; the
  bench types the override values the way its env loader would, with
  ``dynaconf.utils.parse_conf.parse_conf_data``).
- OmegaConf: ``OmegaConf.merge(create(defaults), load(yaml),
  create(tomllib.load(toml)), from_dotlist(env), from_dotlist(overrides))``
  (it reads no TOML and no environment by itself: the bench turns
  APP_A__B=v into "a.b=v" items, the shortest honest way), reads with
  ``OmegaConf.select(cfg, path)``.
- pydantic-settings: a BaseSettings model of the same shape (built once,
  outside the timing: a program declares it), with ``env_prefix="APP_"``,
  ``env_nested_delimiter="__"``, the YAML and TOML sources in
  ``settings_customise_sources``, the overrides as init arguments (which it
  deep-merges over the other sources), reads by attribute.

Rounds are interleaved (A B C D, B C D A, ...), so a noisy neighbour slows
everyone alike; the table shows each contender's best round and median, and
the ratio of its best to gocfg's best (above 1: gocfg is faster).
"""
from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

import tomllib

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)

try:
    import gocfg
except ImportError as e:  # pragma: no cover
    sys.exit(f"cannot import gocfg ({e}): run `pip install -e .` in {ROOT} first")

HINT = "pip install -r bench/requirements-layered.txt"

# ------------------------------------------------------------------- data

SECTIONS = 12
KEYS = 12


def make_data() -> Tuple[Dict[str, Any], str, str, Dict[str, str], List[str], Dict[str, Any]]:
    """defaults, YAML text, TOML text, env vars, overrides, and the expected
    final tree."""
    defaults: Dict[str, Any] = {}
    yaml_lines: List[str] = []
    final: Dict[str, Any] = {}
    for s in range(SECTIONS):
        sec = f"section{s}"
        defaults[sec] = {"key0": 0, "timeout": 30, "enabled": False}
        yaml_lines.append(f"{sec}:")
        final[sec] = {"key0": 0, "timeout": 30, "enabled": False}
        for k in range(KEYS):
            kind = k % 4
            if kind == 0:
                v: Any = s * 100 + k
                text = str(v)
            elif kind == 1:
                v = f"value-{s}-{k}"
                text = v
            elif kind == 2:
                v = (s + k) % 2 == 0
                text = "true" if v else "false"
            else:
                v = s + k / 4
                text = repr(v)
            yaml_lines.append(f"  key{k}: {text}")
            final[sec][f"key{k}"] = v
        yaml_lines.append(f"  hosts: [h{s}a, h{s}b]")
        final[sec]["hosts"] = [f"h{s}a", f"h{s}b"]
    yaml_text = "\n".join(yaml_lines) + "\n"
    toml_lines = []
    for s in range(0, SECTIONS, 4):  # 3 sections x 5 keys = 15 overrides
        toml_lines.append(f"[section{s}]")
        for k in range(1, 6):
            v = f"local-{s}-{k}"
            toml_lines.append(f'key{k} = "{v}"')
            final[f"section{s}"][f"key{k}"] = v
    toml_text = "\n".join(toml_lines) + "\n"
    env: Dict[str, str] = {}
    i = 0
    for s in range(SECTIONS):
        for k in (0, 4, 8, 6):  # ints, and one string
            if i >= 50:
                break
            if k == 6:
                env[f"APP_SECTION{s}__KEY{k}"] = f"env-{s}"
                final[f"section{s}"][f"key{k}"] = f"env-{s}"
            else:
                env[f"APP_SECTION{s}__KEY{k}"] = str(9000 + i)
                final[f"section{s}"][f"key{k}"] = 9000 + i
            i += 1
    for s in range(SECTIONS):
        if i >= 50:
            break
        env[f"APP_SECTION{s}__TIMEOUT"] = "60"
        final[f"section{s}"]["timeout"] = 60
        i += 1
    assert len(env) == 50, len(env)
    overrides = []
    for s in range(5):
        overrides.append(f"section{s}.enabled=true")
        final[f"section{s}"]["enabled"] = True
    return defaults, yaml_text, toml_text, env, overrides, final


def leaf_paths(tree: Dict[str, Any], prefix: Tuple[str, ...] = ()) -> List[Tuple[str, ...]]:
    out = []
    for k, v in tree.items():
        if isinstance(v, dict):
            out.extend(leaf_paths(v, prefix + (k,)))
        else:
            out.append(prefix + (k,))
    return out


def lookup(tree: Any, path: Tuple[str, ...]) -> Any:
    for p in path:
        tree = tree[p]
    return tree


# ------------------------------------------------------------ contenders

class Setup:
    def __init__(self, tmp: str) -> None:
        self.defaults, yaml_text, toml_text, self.env, self.overrides, self.final = make_data()
        self.yaml = os.path.join(tmp, "app.yaml")
        self.toml = os.path.join(tmp, "app.local.toml")
        with open(self.yaml, "w") as f:
            f.write(yaml_text)
        with open(self.toml, "w") as f:
            f.write(toml_text)
        self.paths = leaf_paths(self.final)
        self.dotted = [".".join(p) for p in self.paths]


def gocfg_run(st: Setup) -> Callable[[], Dict[str, Any]]:
    paths = st.dotted

    def run() -> Dict[str, Any]:
        cfg = gocfg.load(st.yaml, st.toml, defaults=st.defaults, env_prefix="APP", overrides=st.overrides)
        try:
            return {p: cfg[p] for p in paths}
        finally:
            cfg.close()
    return run


def dynaconf_run(st: Setup) -> Callable[[], Dict[str, Any]]:
    from dynaconf import Dynaconf
    from dynaconf.utils.parse_conf import parse_conf_data

    paths = st.dotted
    upper_defaults = {k.upper(): v for k, v in st.defaults.items()}

    def run() -> Dict[str, Any]:
        settings = Dynaconf(settings_files=[st.yaml, st.toml], envvar_prefix="APP", merge_enabled=True,
                            environments=False, load_dotenv=False, **upper_defaults)
        for item in st.overrides:
            key, _, value = item.partition("=")
            settings.set(key, parse_conf_data(value, tomlfy=True, box_settings=settings))
        return {p: settings.get(p) for p in paths}
    return run


def omegaconf_run(st: Setup) -> Callable[[], Dict[str, Any]]:
    from omegaconf import OmegaConf

    paths = st.dotted

    def run() -> Dict[str, Any]:
        base = OmegaConf.create(st.defaults)
        y = OmegaConf.load(st.yaml)
        with open(st.toml, "rb") as f:
            t = OmegaConf.create(tomllib.load(f))
        env_items = [f"{k[4:].lower().replace('__', '.')}={v}" for k, v in os.environ.items() if k.startswith("APP_")]
        e = OmegaConf.from_dotlist(env_items)
        o = OmegaConf.from_dotlist(st.overrides)
        cfg = OmegaConf.merge(base, y, t, e, o)
        return {p: _plain(OmegaConf.select(cfg, p)) for p in paths}
    return run


def _plain(v: Any) -> Any:
    try:
        from omegaconf import ListConfig
        if isinstance(v, ListConfig):
            return list(v)
    except ImportError:  # pragma: no cover
        pass
    return v


def pydantic_run(st: Setup) -> Callable[[], Dict[str, Any]]:
    from pydantic import BaseModel, create_model
    from pydantic_settings import BaseSettings, SettingsConfigDict, TomlConfigSettingsSource, YamlConfigSettingsSource

    # The model a program would declare: the shape of the final config.
    sections = {}
    for name, sec in st.final.items():
        fields = {k: (type(v) if not isinstance(v, list) else List[str],
                      st.defaults[name].get(k, ...) if k in st.defaults[name] else ...)
                  for k, v in sec.items()}
        sections[name] = (create_model(name.capitalize(), __base__=BaseModel, **fields), ...)

    class Base(BaseSettings):
        model_config = SettingsConfigDict(env_prefix="APP_", env_nested_delimiter="__", yaml_file=st.yaml,
                                          toml_file=st.toml, extra="ignore")

        @classmethod
        def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                       file_secret_settings):
            # Highest priority first: overrides, environment, local TOML, YAML.
            return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls),
                    YamlConfigSettingsSource(settings_cls))

    Settings = create_model("Settings", __base__=Base, **sections)
    getters = [(p, functools.partial(functools.reduce, getattr, p.split("."))) for p in st.dotted]

    def run() -> Dict[str, Any]:
        init: Dict[str, Any] = {}
        for item in st.overrides:
            key, _, value = item.partition("=")
            sec, k = key.split(".")
            init.setdefault(sec, {})[k] = value
        # Defaults are the model's field defaults (per-section dicts merge in
        # through the YAML, which defines every section).
        s = Settings(**init)
        return {p: g(s) for p, g in getters}
    return run


CONTENDERS: List[Tuple[str, Callable[[Setup], Callable[[], Dict[str, Any]]], str]] = [
    ("gocfg", gocfg_run, "gocfg"),
    ("dynaconf", dynaconf_run, "dynaconf"),
    ("OmegaConf", omegaconf_run, "omegaconf"),
    ("pydantic-settings", pydantic_run, "pydantic_settings"),
]


def check(name: str, got: Dict[str, Any], st: Setup) -> Optional[str]:
    for path, dotted in zip(st.paths, st.dotted):
        want = lookup(st.final, path)
        have = got.get(dotted)
        if isinstance(have, (tuple, list)):
            have = list(have)  # dynaconf's BoxList, OmegaConf's ListConfig
        if have != want or type(have) is not type(want):
            return f"{dotted}: got {have!r}, want {want!r}"
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer rounds")
    ap.add_argument("--rounds", type=int, default=0, help="interleaved rounds (default 30, quick 8)")
    args = ap.parse_args()
    rounds = args.rounds or (8 if args.quick else 30)
    tmp = tempfile.TemporaryDirectory(prefix="gocfg-layered-")
    st = Setup(tmp.name)
    for k in [k for k in os.environ if k.startswith("APP_")]:
        del os.environ[k]
    os.environ.update(st.env)

    runs: Dict[str, Callable[[], Dict[str, Any]]] = {}
    notes: Dict[str, str] = {}
    for name, make, _module in CONTENDERS:
        try:
            run = make(st)
            problem = check(name, run(), st)
        except ImportError as e:
            notes[name] = f"not installed ({e.name}): {HINT}"
            continue
        except Exception as e:  # a broken contender is a row, not a crash
            notes[name] = f"failed: {type(e).__name__}: {e}"
            continue
        if problem:
            notes[name] = f"wrong answer, not timed: {problem}"
            continue
        runs[name] = run

    times: Dict[str, List[float]] = {n: [] for n in runs}
    names = list(runs)
    inner = 5
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)] if names else []
        for n in order:
            fn = runs[n]
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            times[n].append((time.perf_counter() - t0) / inner)

    leaves = len(st.paths)
    print(f"layered load: defaults + YAML ({leaves} leaves) + local TOML (15 values) + 50 env vars + "
          f"5 overrides, then reading all {leaves} leaves; best of {rounds} interleaved rounds")
    print(f"{'contender':<20}{'best':>12}{'median':>12}{'ratio':>22}")
    base = min(times["gocfg"]) if "gocfg" in times else None
    for name, _, _ in CONTENDERS:
        if name in times:
            best, med = min(times[name]), statistics.median(times[name])
            ratio = "" if name == "gocfg" or base is None else f"{best / base:.1f}x (this / gocfg)"
            print(f"{name:<20}{best * 1e6:>10.0f}µs{med * 1e6:>10.0f}µs{ratio:>22}")
        else:
            print(f"{name:<20}{'—':>12}{'':>12}{'':>22}")
            print(f"  ↳ {notes.get(name, 'not run')}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
