"""Deployment sources of gocfg.load(): a .env file read as environment
variables (``env_file=``), a secrets directory of one file per key
(``secrets_dir=``) and profiles (``profile=``).

The reading and the typing happen in the library (gocore/layer's
NamedAssignments, through gocfg_config_assign_layer; a secrets directory
through gocfg_config_secrets_layer; gocfg_config_load_section_layer for
profile sections); this module finds the files and describes each value
with its origin.
"""
from __future__ import annotations

import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _args, _capi
from ._values import encode_value
from .errors import InvalidArgumentError

PathArg = Union[str, "os.PathLike[str]"]


def _kind(name: str) -> int:
    kinds = _capi.consts().origin_kinds
    for code, what in kinds.items():
        if what == name:
            return code
    raise AssertionError(f"the library has no origin kind {name!r}")  # a library older than this module


def _paths(arg: Any, what: str) -> List[str]:
    """One path or a sequence of them, as str."""
    if isinstance(arg, (str, os.PathLike)):
        items: Sequence[Any] = [arg]
    elif isinstance(arg, (list, tuple)):
        items = arg
    else:
        raise TypeError(f"{what} must be a path or a list of paths, not {type(arg).__name__}")
    out = []
    for p in items:
        if not isinstance(p, (str, os.PathLike)):
            raise TypeError(f"{what} must be a path or a list of paths, not a list holding {type(p).__name__}")
        s = os.fsdecode(p)
        _args.text_arg(s, f"{what} name")  # NUL, lone surrogates: refused with a clear message
        out.append(s)
    return out


def env_file_paths(env_file: Any) -> List[str]:
    """The .env files of env_file= (a path or a list), checked, for the live
    engine, which reads them itself."""
    return _paths(env_file, "env_file")


def secret_dirs(secrets_dir: Any) -> List[str]:
    """The directories of secrets_dir= (a path or a list), checked as
    arguments, for the live engine: it reads them with the reader a plain
    load uses (gocore/secretsdir), which refuses a path that is not a
    directory at the first read and watches for a missing one."""
    return _paths(secrets_dir, "secrets_dir")


# ------------------------------------------------------------------ .env

def read_env_files(env_file: Any, environ: Mapping[str, str]) -> List[Tuple[str, str, str, int, int]]:
    """The variables of the .env files, in order (a later file wins): (name,
    value, file, line, column). A missing file is skipped, as
    pydantic-settings and python-dotenv skip it; anything else that keeps a
    file from being read (a directory, a symlink loop, no permission, a
    parse error) raises, naming the file. A name without ``=`` sets no
    variable. The files' ``${VAR}`` references
    expand from the file's earlier variables, then from ``environ``."""
    from .config import Config  # config imports nothing from here
    from .sources import file_is_big

    out: List[Tuple[str, str, str, int, int]] = []
    env = _args.environ_arg(environ)
    for path in _paths(env_file, "env_file"):
        name = _args.text_arg(path, "env_file name")
        # The library's .env reader, as a layer of a scratch config: it
        # gives each variable's line and column, and expands ${VAR} from the
        # file and then the environment, as the env source does.
        with _capi.layered_new(False, True, env, Config._adopt) as tmp:
            if not _capi.load_layer(tmp, tmp._handle(), name, b"env", True, False, file_is_big(name)):
                continue  # missing: skipped
            for key in list(tmp):
                value = tmp[(key,)]
                if value is None:
                    continue  # a name without "=": no variable, as python-dotenv's load_dotenv sets none
                origin = tmp.origin((key,))
                line = (origin.line or 0) if origin is not None else 0
                column = (origin.column or 0) if origin is not None else 0
                out.append((key, value if isinstance(value, str) else str(value), path, line, column))
    return out


def dotenv_rows(found: Iterable[Tuple[str, str, str, int, int]], environ: Mapping[str, str]) -> List[List[Any]]:
    """Rows for gocfg_config_assign_layer: the .env variables that the real
    environment does not set (it is above them; the one it sets comes from
    it, with its own origin)."""
    kind = _kind("file")
    latest: Dict[str, List[Any]] = {}
    for name, value, path, line, column in found:
        if name in environ:
            continue
        latest[name] = [name, value, kind, path, line, column]
    return list(latest.values())


def env_rows(environ: Mapping[str, str], prefix: str) -> List[List[Any]]:
    """The real environment as rows (what gocfg_config_env_layer reads from
    the snapshot). A variable the prefix takes that is not valid UTF-8 is
    refused, naming it, as the library refuses it there; others such are
    left out."""
    kind = _kind("env")
    rows = []
    taken = prefix.upper() if prefix.endswith("_") else prefix.upper() + "_"
    for k, v in environ.items():
        bad_name = _lone_surrogates(k)
        if bad_name or _lone_surrogates(v):
            if len(k) > len(taken) and k[:len(taken)].upper() == taken:
                part = "name" if bad_name else "value"
                raise InvalidArgumentError(f"environment variable {k!r} is set, but its {part} is not valid "
                                           "UTF-8 text")
            continue
        rows.append([k, v, kind, k, 0, 0])
    return rows


def _lone_surrogates(text: str) -> bool:
    """text holds what UTF-8 cannot encode (os.environ keeps undecodable
    bytes so)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def apply_rows(cfg: Any, rows: List[List[Any]], prefix: str, delimiter: str, raw: bool) -> int:
    if not rows:
        return 0
    return _capi.assign_layer(cfg, cfg._handle(), prefix.encode("utf-8"), delimiter.encode("utf-8"),
                              encode_value(rows, ""), raw)


# --------------------------------------------------------------- secrets

def apply_secrets(cfg: Any, secrets_dir: Any, delimiter: str) -> None:
    """Apply each directory of secrets_dir= (a path or a list) as one layer,
    a later directory over an earlier one. The library reads it (gocore/
    secretsdir, the reader a watched config uses too): one value per file,
    the file's name the key by the environment's nesting rule
    (``db__password`` is db.password), its text the value, never typed."""
    for directory in _paths(secrets_dir, "secrets_dir"):
        _capi.secrets_layer(cfg, cfg._handle(), directory.encode("utf-8"), delimiter.encode("utf-8"))


# -------------------------------------------------------------- profiles

def profile_arg(profile: Optional[str], profile_env: Optional[str], environ: Mapping[str, str]) -> Optional[str]:
    """The profile in force: the variable named by ``profile_env`` when it is
    set and not empty, else ``profile``."""
    if profile_env is not None:
        if not isinstance(profile_env, str) or not profile_env:
            raise InvalidArgumentError("profile_env must name an environment variable, such as 'APP_PROFILE'")
        chosen = environ.get(profile_env)
        if chosen:
            if _lone_surrogates(chosen):  # os.environ's undecodable bytes
                raise InvalidArgumentError(f"environment variable {profile_env!r} (profile_env) is set, but its "
                                           "value is not valid UTF-8 text")
            profile = chosen
    if profile is None:
        return None
    if not isinstance(profile, str):
        raise TypeError(f"profile must be a str, not {type(profile).__name__}")
    if not profile or profile != profile.strip() or "/" in profile or "\\" in profile or "\0" in profile \
            or profile in (".", "..") or profile == "default" or _lone_surrogates(profile):
        raise InvalidArgumentError(f"profile {profile!r}: a profile is a plain name such as 'production' "
                                   f"('default' is the base every profile extends)")
    return profile


def profile_file(path: str, profile: str) -> str:
    """``app.yaml`` -> ``app.production.yaml``; ``.env`` -> ``.env.production``."""
    directory, base = os.path.split(path)
    if base.startswith(".") and base.count(".") == 1:
        return os.path.join(directory, f"{base}.{profile}")
    stem, ext = os.path.splitext(base)
    return os.path.join(directory, f"{stem}.{profile}{ext}")
