"""Layered configuration: gocfg.load().

    cfg = gocfg.load("app.yaml", "app.local.toml?",
                     defaults={"server": {"port": 8080}},
                     env_prefix="APP", overrides=["debug=true"])

Precedence is explicit: ``defaults`` < the sources, in the order given <
the environment < ``overrides``. The merge and the provenance live in Go
(gocore/layer); the sources are described in gocfg.sources, what the
library reports about values in gocfg.provenance.

A first gocfg.load() of files, mappings and the environment imports
neither flags (argparse, enum), nor the live engine (the database client,
threads, logging), nor the source dataclasses: each is imported when a
call uses it (see gocfg._lazy; bench/run.py's cold start row).
"""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Iterable, List, Literal, Optional, Sequence, overload

from . import _args, _capi, _lazy
from . import envsources as _envsrc
from . import secrets as _secrets
from .config import Config
from .errors import Error, InvalidArgumentError, ParseError
from .sources import ProfileSection as _ProfileSection
from .sources import add_layer, is_yaml, merge_mapping

if TYPE_CHECKING:
    from . import _sourcetypes as _types
    from . import flags as _flags
    from . import live as _live
else:
    _flags = _lazy.module("gocfg.flags", globals(), "_flags")
    _live = _lazy.module("gocfg.live", globals(), "_live")
    _types = _lazy.module("gocfg._sourcetypes", globals(), "_types")

__all__ = ["load", "add_layer"]


def _is_stored(source: Any) -> bool:
    """Whether source is a gocfg.Stored: only once gocfg.live, which
    defines it, has been imported can one exist."""
    live = sys.modules.get("gocfg.live")
    return live is not None and isinstance(source, live.Stored)


# watch=True gives a WatchedConfig, so that a checker knows its on_change(),
# reload() and changes() (on a Config they would be keys, typed Any); any
# other watch= a Config (a WatchedConfig is one).
@overload
def load(*sources: Any, defaults: Optional[Mapping[str, Any]] = None, env_prefix: Optional[str] = None,
         env_delimiter: str = "__", env_parse: bool = True, overrides: Optional[Iterable[str]] = None,
         overrides_parse: bool = True, lists: str = "replace", interpolate: bool = True,
         environ: Optional[Mapping[str, str]] = None, freeze: Optional[bool] = None, watch: Literal[True],
         validate: Any = None, debounce: float = 0.1, yaml: Optional[str] = None,
         env_file: Any = None, secrets_dir: Any = None, profile: Optional[str] = None,
         profile_env: Optional[str] = None, flags: Any = None, argv: Optional[Sequence[str]] = None) -> _live.WatchedConfig: ...


@overload
def load(*sources: Any, defaults: Optional[Mapping[str, Any]] = None, env_prefix: Optional[str] = None,
         env_delimiter: str = "__", env_parse: bool = True, overrides: Optional[Iterable[str]] = None,
         overrides_parse: bool = True, lists: str = "replace", interpolate: bool = True,
         environ: Optional[Mapping[str, str]] = None, freeze: Optional[bool] = None, watch: bool = False,
         validate: Any = None, debounce: float = 0.1, yaml: Optional[str] = None,
         env_file: Any = None, secrets_dir: Any = None, profile: Optional[str] = None,
         profile_env: Optional[str] = None, flags: Any = None, argv: Optional[Sequence[str]] = None) -> Config: ...


def load(*sources: Any, defaults: Optional[Mapping[str, Any]] = None, env_prefix: Optional[str] = None,
         env_delimiter: str = "__", env_parse: bool = True, overrides: Optional[Iterable[str]] = None,
         overrides_parse: bool = True, lists: str = "replace", interpolate: bool = True,
         environ: Optional[Mapping[str, str]] = None, freeze: Optional[bool] = None, watch: bool = False,
         validate: Any = None, debounce: float = 0.1, yaml: Optional[str] = None,
         env_file: Any = None, secrets_dir: Any = None, profile: Optional[str] = None,
         profile_env: Optional[str] = None, flags: Any = None, argv: Optional[Sequence[str]] = None) -> Config:
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

    Deployment sources (README, "Deployment sources"), in this order
    between the files and ``overrides``: ``secrets_dir`` (a directory of
    one file per key, as Docker and Kubernetes mount secrets: the file
    name is the key, ``db__password`` is db.password; values are shown
    masked), ``env_file`` (a .env file, or a list, read as environment
    variables below the real environment, by the ``env_prefix`` rules; a
    missing one is skipped), the environment, then ``flags`` (a settings
    class -- dataclass, attrs class or pydantic model -- whose
    ``--server.port`` flags are parsed from ``argv``, default
    ``sys.argv[1:]`` (none in a Jupyter kernel); or an argparse namespace parsed by a parser given
    :func:`gocfg.add_flags`). ``profile`` (or the variable named by
    ``profile_env`` when set) merges ``name.{profile}.ext`` after each file
    source when it exists, and for a ``gocfg.File(..., profiles=True)``
    its ``default`` section then the profile's. With ``watch=True`` the
    .env files, the secrets directories and the profile files are watched
    like the other files; the flags are parsed once and keep their place.

    Every value remembers where it came from: ``cfg.origin(path)``,
    ``cfg.history(path)``. A missing required file raises
    ``gocfg.MissingFileError`` (a FileNotFoundError); a file that does not
    parse ``gocfg.ParseError`` with file, line and column.
    """
    for source in sources:
        if isinstance(source, (list, tuple)):
            # gocfg.load(["app.yaml", "local.toml"]): the list would be
            # refused as "not a source" without saying how to give several.
            raise TypeError(f"gocfg.load() takes the sources as separate arguments, not a {type(source).__name__}: "
                            "gocfg.load('app.yaml', 'local.toml'), or gocfg.load(*paths)")
    env_now = os.environ if environ is None else environ
    chosen = _envsrc.profile_arg(profile, profile_env, env_now)
    if profile_env is not None:
        # The variable that chooses the profile is not also a setting
        # (APP_PROFILE under env_prefix="APP" would add a key "profile"
        # that a settings class does not have): it is left out of the
        # snapshot that the environment layer and ${env:...} read.
        environ = env_now = {k: v for k, v in env_now.items() if k != profile_env}
    given = sources
    if chosen is not None:
        sources = tuple(_profile_sources(sources, chosen))
    if watch or any(_is_stored(src) for src in sources):
        if yaml is not None:
            # The live engine reads each file by its own format; the YAML
            # 1.1 mode is not passed to it yet. Refuse rather than ignore.
            raise InvalidArgumentError("yaml= is not supported with watch=True or Stored sources yet: "
                                       "use format='yaml-1.1' on a gocfg.File source")
        # Flags are parsed once, before anything is read: they are fixed for
        # the life of the process, and --help or a bad flag exits at once.
        live_flags = _flags.flags_arg(flags, argv) if flags is not None else []
        if flags is None and argv is not None:
            raise TypeError("argv= goes with flags=<a settings class>")
        return _live.load_live(sources, defaults=defaults, env_prefix=env_prefix, env_delimiter=env_delimiter,
                         env_parse=env_parse, overrides=overrides, overrides_parse=overrides_parse, lists=lists,
                         interpolate=interpolate, environ=environ, freeze=watch if freeze is None else freeze,
                         watch=watch, validate=validate, debounce=debounce, env_file=env_file,
                         secrets_dir=secrets_dir, flag_items=live_flags)
    append = _args.lists_arg(lists)
    if yaml is not None and not any(is_yaml(s) for s in given):
        _args.yaml_format("yaml", yaml)  # a bad value is reported as such first
        raise InvalidArgumentError(f"yaml={yaml!r} applies to YAML sources, and none of the sources is YAML")
    flag_items = _flags.flags_arg(flags, argv) if flags is not None else []
    if flags is None and argv is not None:
        raise TypeError("argv= goes with flags=<a settings class>")
    _args.env_delimiter_arg(env_delimiter)  # refused before any file is read
    if env_prefix is not None:
        _args.env_prefix_arg(env_prefix, env_delimiter)
    dotenv = _envsrc.read_env_files(env_file, env_now) if env_file is not None else []
    if profile_env is not None:
        dotenv = [row for row in dotenv if row[0] != profile_env]
    if dotenv:
        # The .env variables join the environment below the real one, so
        # that ${env:NAME} sees them too, as after python-dotenv's load_dotenv.
        merged = {name: value for name, value, *_ in dotenv}
        merged.update(env_now)
        env_now = merged
        env = _args.environ_arg(merged)
    else:
        env = _args.environ_arg(environ)
    cfg = _capi.layered_new(interpolate, not env_parse, env, Config._adopt)
    try:
        if defaults is not None:
            if not isinstance(defaults, Mapping):
                raise TypeError(f"defaults must be a mapping, not {type(defaults).__name__}")
            merge_mapping(cfg, defaults, "defaults", defaults=True, append=append)
        for source in sources:
            if isinstance(source, _ProfileSection):
                source.merge(cfg, append, yaml)
            else:
                add_layer(cfg, source, lists=lists, yaml=yaml)
        if secrets_dir is not None:
            # Secrets are text: never typed (a password "0123" or "1e5" stays
            # what it is; to() and get_int() convert where a field wants it).
            _envsrc.apply_secrets(cfg, secrets_dir, env_delimiter)
        if dotenv:
            _envsrc.apply_rows(cfg, _envsrc.dotenv_rows(dotenv, environ if environ is not None else os.environ),
                               env_prefix or "", env_delimiter, not env_parse)
        if env_prefix is not None:
            prefix, delimiter = _args.env_prefix_arg(env_prefix, env_delimiter)
            try:
                if dotenv:  # the snapshot holds the .env variables too: apply the real ones alone
                    real = environ if environ is not None else os.environ
                    _envsrc.apply_rows(cfg, _envsrc.env_rows(real, env_prefix), env_prefix, env_delimiter, not env_parse)
                else:
                    _capi.env_layer(cfg, cfg._handle(), prefix, delimiter)
            except Error as e:
                raise _hide_env_secret(e, environ, env_prefix, env_delimiter) from None
        if flag_items:
            kind = _envsrc._kind("flag")
            rows = [[path.split("."), value, kind, f"--{path}", 0, 0] for path, value in flag_items]
            _envsrc.apply_rows(cfg, rows, "", env_delimiter, True)
        if overrides is not None:
            items = _args.overrides_arg(overrides)
            if items:
                try:
                    _capi.override_layer(cfg, cfg._handle(), items, not overrides_parse)
                except Error as e:
                    raise _hide_override_secret(e, items) from None
        if validate is not None or freeze:  # None: an unwatched Config stays writable
            _live.check_and_freeze(cfg, validate, bool(freeze))
    except BaseException:
        cfg.close()
        raise
    return cfg


# The library masks the values of secrets in its messages by the default
# rule (gocore/secretname). Under a pattern changed with
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
        item = raw.decode("utf-8", "replace")
        key, eq, _ = item.partition("=")
        key = key.strip()
        if eq and key and key in message and _secrets.is_secret(key):
            return _rebuilt(e, f"override {key}={_secrets.MASK}: cannot use the value (a secret, not shown)")
        if not eq and "expected key=value" in message:
            # Where the key ends is unknown: quote it up to the secret's name.
            head = _secrets.key_part(item)
            if head != item and head[:-1] in message:
                return _rebuilt(e, f'override "{head}": expected key=value (such as server.port=9000)')
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


def _as_file(source: Any) -> Optional[_types.File]:
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        optional = isinstance(path, str) and path.endswith("?")
        return _types.File(path[:-1] if optional else path, None, optional)
    if isinstance(source, Mapping):
        return None
    return source if isinstance(source, _types.File) else None


def _profile_sources(sources: Sequence[Any], profile: str) -> List[Any]:
    """The sources with the profile applied: after each file, its
    ``name.{profile}.ext`` when it exists; a File(profiles=True) becomes its
    ``default`` and ``profile`` sections. A profile that no file defines
    (no section, no profile file) is an error: a typo would otherwise load
    the defaults silently."""
    from .documents import read

    out: List[Any] = []
    files = 0
    found = False
    sections: List[str] = []
    for source in sources:
        f = _as_file(source)
        if f is None:
            out.append(source)
            continue
        files += 1
        if f.profiles:
            path = os.fsdecode(f.path)
            if f.optional and not os.path.lexists(path):
                continue
            root = read(f.path, f.format)
            if root is None:
                root = {}
            if not isinstance(root, dict):
                raise InvalidArgumentError(f"{path}: a file of profiles holds a mapping of profile names, "
                                           f"not a {type(root).__name__}")
            sections.extend(f"{k} ({path})" for k in root if k != "default")
            found = found or profile in root
            out.append(_ProfileSection(f, "default"))
            out.append(_ProfileSection(f, profile))
        else:
            out.append(source)
        extra = _envsrc.profile_file(os.fsdecode(f.path), profile)
        if os.path.exists(extra):
            found = True
            out.append(_types.File(extra, f.format, True))
    if not files:
        raise InvalidArgumentError(f"profile {profile!r}: no file source to take a profile from")
    if not found:
        known = f"; the profiles defined are: {', '.join(sections)}" if sections else ""
        raise InvalidArgumentError(f"unknown profile {profile!r}: no file defines it (no {profile!r} section "
                                   f"in a File(profiles=True), no name.{profile}.ext file beside a source){known}")
    return out
