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

from collections.abc import Mapping
from typing import Any, Iterable, Optional

from . import _args, _capi
from .config import Config
from .live import Stored, load_live
from .live import _problem as validation_problem
from .provenance import Change, Diff, Leaf, Origin, make_origin
from .sources import File, Text, add_layer, merge_mapping

__all__ = ["load", "add_layer", "File", "Text", "Stored", "Origin", "Leaf", "Change", "Diff", "make_origin"]


def load(*sources: Any, defaults: Optional[Mapping[str, Any]] = None, env_prefix: Optional[str] = None,
         env_delimiter: str = "__", env_parse: bool = True, overrides: Optional[Iterable[str]] = None,
         overrides_parse: bool = True, lists: str = "replace", interpolate: bool = True,
         environ: Optional[Mapping[str, str]] = None, freeze: Optional[bool] = None, watch: bool = False,
         validate: Any = None, debounce: float = 0.1) -> Config:
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
    one, below; ``freeze=False`` leaves even that one writable).

    ``watch=True`` returns a Config that follows its files and stored
    configs (:class:`gocfg.Stored` sources): a change is put in force, as a
    whole, ``debounce`` seconds after the sources went quiet, once it
    parses and passes ``validate`` (a dataclass, checked with
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
        return load_live(sources, defaults=defaults, env_prefix=env_prefix, env_delimiter=env_delimiter,
                         env_parse=env_parse, overrides=overrides, overrides_parse=overrides_parse, lists=lists,
                         interpolate=interpolate, environ=environ, freeze=watch if freeze is None else freeze,
                         watch=watch, validate=validate, debounce=debounce)
    append = _args.lists_arg(lists)
    env = _args.environ_arg(environ)
    cfg = Config._adopt(_capi.layered_new(interpolate, not env_parse, env))
    try:
        if defaults is not None:
            if not isinstance(defaults, Mapping):
                raise TypeError(f"defaults must be a mapping, not {type(defaults).__name__}")
            merge_mapping(cfg, defaults, "defaults", defaults=True, append=append)
        for source in sources:
            add_layer(cfg, source, lists=lists)
        if env_prefix is not None:
            prefix, delimiter = _args.env_prefix_arg(env_prefix, env_delimiter)
            _capi.env_layer(cfg, cfg._handle(), prefix, delimiter)
        if overrides is not None:
            items = _args.overrides_arg(overrides)
            if items:
                _capi.override_layer(cfg, cfg._handle(), items, not overrides_parse)
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
