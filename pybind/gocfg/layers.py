"""Layered configuration: gocfg.load().

    cfg = gocfg.load("app.yaml", "app.local.toml?",
                     defaults={"server": {"port": 8080}},
                     env_prefix="APP", overrides=["debug=true"])

Precedence is explicit: ``defaults`` < the sources, in the order given <
the environment < ``overrides``. The merge and the provenance live in Go
(gocore/layer); the sources are described in gocfg.sources, what the
library reports about values in gocfg.provenance (both re-exported here).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Iterable, Optional

from . import _args, _capi
from . import secrets as _secrets
from .config import Config
from .errors import Error, InvalidArgumentError, ParseError
from .live import Stored, load_live
from .live import _problem as validation_problem
from .provenance import Change, Diff, Leaf, Origin, make_origin
from .sources import File, Text, add_layer, is_yaml, merge_mapping

__all__ = ["load", "add_layer", "File", "Text", "Stored", "Origin", "Leaf", "Change", "Diff", "make_origin"]


def load(*sources: Any, defaults: Optional[Mapping[str, Any]] = None, env_prefix: Optional[str] = None,
         env_delimiter: str = "__", env_parse: bool = True, overrides: Optional[Iterable[str]] = None,
         overrides_parse: bool = True, lists: str = "replace", interpolate: bool = True,
         environ: Optional[Mapping[str, str]] = None, freeze: Optional[bool] = None, watch: bool = False,
         validate: Any = None, debounce: float = 0.1, yaml: Optional[str] = None) -> Config:
    """Build a Config from layers, each merged over the ones before it:

    1. ``defaults`` (a mapping),
    2. each source in the order given: a path (``"app.yaml"``; a trailing
       ``"?"`` makes it optional: skipped when missing), a
       :class:`gocfg.File` (``optional=``, ``format=``), a
       :class:`gocfg.Text` (a document in a string, with its format), a
       mapping or another Config,
    3. the environment, when ``env_prefix`` is given: ``APP_SERVER__PORT=9000``
       sets ``server.port`` to the int 9000 (see README, "Layered
       configuration", for the naming and case rules); ``env_parse=False``
       keeps the values strings,
    4. ``overrides``: ``"path=value"`` strings (``["server.port=9000",
       "debug=true"]``), typed the same way unless ``overrides_parse=False``.

    Maps merge deeply; lists replace lists unless ``lists="append"``.
    ``${path}`` and ``${env:NAME,default}`` references in strings resolve
    on read (``interpolate=False`` turns that off). ``environ`` replaces
    ``os.environ`` as the environment read (a snapshot is taken now).
    ``freeze=True`` returns the Config frozen (the default for a watched
    one, below; ``freeze=False`` leaves even that one writable). ``yaml="1.1"`` reads the
    YAML sources with YAML 1.1's types (yes/no/on/off booleans, 0755
    octal), as Ansible and Kubernetes tools do; "1.2" (the default) with
    the core schema. It leaves other sources alone, and is an error when no
    source is YAML. A ``.env`` source's ``${VAR}`` references expand from
    ``environ`` (or ``os.environ``), as python-dotenv and docker compose do.

    ``watch=True`` returns a Config that follows its files and stored
    configs (:class:`gocfg.Stored` sources): a change is put in force, as a
    whole, ``debounce`` seconds after the sources went quiet, once it
    parses and passes ``validate`` (a dataclass, attrs class or pydantic model, checked with
    ``cfg.to(cls)``, or a callable given the candidate Config that raises
    or returns False to refuse it); a refused change leaves the old
    configuration in force. See gocfg.live: ``on_change()``,
    ``on_error()``, ``changes()``, ``reload()``, ``close()``.
    ``validate`` also checks the first configuration, with or without
    watch (a ValidationError, or the callable's error, is raised).

    Every value remembers where it came from: ``cfg.origin(path)``,
    ``cfg.history(path)``. A missing required file raises
    ``gocfg.MissingFileError`` (a FileNotFoundError); a file that does not
    parse ``gocfg.ParseError`` with file, line and column.
    """
    if watch or any(isinstance(src, Stored) for src in sources):
        if yaml is not None:
            # The live engine reads each file by its own format; the YAML
            # 1.1 mode is not passed to it yet. Refuse rather than ignore.
            raise InvalidArgumentError("yaml= is not supported with watch=True or Stored sources yet: "
                                       "use format='yaml-1.1' on a gocfg.File source")
        return load_live(sources, defaults=defaults, env_prefix=env_prefix, env_delimiter=env_delimiter,
                         env_parse=env_parse, overrides=overrides, overrides_parse=overrides_parse, lists=lists,
                         interpolate=interpolate, environ=environ, freeze=watch if freeze is None else freeze,
                         watch=watch, validate=validate, debounce=debounce)
    append = _args.lists_arg(lists)
    if yaml is not None and not any(is_yaml(s) for s in sources):
        _args.yaml_format("yaml", yaml)  # a bad value is reported as such first
        raise InvalidArgumentError(f"yaml={yaml!r} applies to YAML sources, and none of the sources is YAML")
    env = _args.environ_arg(environ)
    cfg = Config._adopt(_capi.layered_new(interpolate, not env_parse, env))
    try:
        if defaults is not None:
            if not isinstance(defaults, Mapping):
                raise TypeError(f"defaults must be a mapping, not {type(defaults).__name__}")
            merge_mapping(cfg, defaults, "defaults", defaults=True, append=append)
        for source in sources:
            add_layer(cfg, source, lists=lists, yaml=yaml)
        if env_prefix is not None:
            prefix, delimiter = _args.env_prefix_arg(env_prefix, env_delimiter)
            try:
                _capi.env_layer(cfg, cfg._handle(), prefix, delimiter)
            except Error as e:
                raise _hide_env_secret(e, environ, env_prefix, env_delimiter) from None
        if overrides is not None:
            items = _args.overrides_arg(overrides)
            if items:
                try:
                    _capi.override_layer(cfg, cfg._handle(), items, not overrides_parse)
                except Error as e:
                    raise _hide_override_secret(e, items) from None
        if validate is not None:
            problem = validation_problem(validate, cfg)
            if problem is not None:
                raise problem
        if freeze:
            cfg.freeze()
    except BaseException:
        cfg.close()
        raise
    return cfg


# The library masks the values of secrets in its messages by the default
# rule (gocore/layer/secret.go). Under a pattern changed with
# set_secret_pattern(), a message about a variable or an override that is a
# secret only by the new pattern may still quote its value: such a message
# is replaced here by one that names the item and nothing of its value.

def _rebuilt(e: Error, text: str) -> Error:
    if isinstance(e, ParseError):
        return ParseError(text)
    return type(e)(text)


def _hide_override_secret(e: Error, items: bytes) -> Error:
    if _secrets.secret_pattern() is _secrets.DEFAULT_PATTERN:
        return e
    message = str(e)
    for raw in items.split(b"\0")[:-1]:
        key, eq, _ = raw.decode("utf-8", "replace").partition("=")
        key = key.strip()
        if eq and key and key in message and _secrets.is_secret(key):
            return _rebuilt(e, f"override {key}={_secrets.MASK}: cannot use the value (a secret, not shown)")
    return e


def _hide_env_secret(e: Error, environ: Optional[Mapping[str, str]], prefix: str, delimiter: str) -> Error:
    if _secrets.secret_pattern() is _secrets.DEFAULT_PATTERN:
        return e
    message = str(e)
    env = os.environ if environ is None else environ
    head = prefix if prefix.endswith("_") else prefix + "_"
    for name in env:
        if not isinstance(name, str) or not name.upper().startswith(head.upper()):
            continue
        if f"environment variable {name}:" in message and _secrets.is_secret(name[len(head):].split(delimiter or "__")):
            return _rebuilt(e, f"environment variable {name}: cannot use its value (a secret, not shown)")
    return e
