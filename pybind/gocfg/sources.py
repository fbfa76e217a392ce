"""Sources of layered configuration, and merging one into a config.

A source is a path (format from the extension; a trailing "?" makes it
optional), a :class:`File`, a :class:`Text`, a mapping or another Config.
The merge and the provenance live in Go (gocore/layer); this module only
describes each source to the library.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Optional

from . import _args, _capi, _lazy
from ._values import Copies, TreeView, encode_value
from .errors import InvalidArgumentError

# File and Text are dataclasses: defined in gocfg._sourcetypes, imported on
# first use (see there), and served as attributes of this module.
if TYPE_CHECKING:
    from . import _sourcetypes as _types
    from ._sourcetypes import File as File
    from ._sourcetypes import Text as Text
else:
    _types = _lazy.module("gocfg._sourcetypes", globals(), "_types")

    def __getattr__(name: str) -> Any:
        if name in ("File", "Text"):
            return getattr(_types, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def file_is_big(name: bytes) -> bool:
    """Whether reading the file may take long enough for Ctrl-C to matter: a
    large file, or a pipe or device (which may take any time to deliver)."""
    try:
        st = os.stat(name)
    except (OSError, ValueError):  # ValueError: a NUL in the name
        return False  # the library reports the problem, as for any path it cannot open
    return not stat.S_ISREG(st.st_mode) or st.st_size > _capi.INTERRUPTIBLE_SIZE


def merge_mapping(cfg: Any, mapping: Any, label: str, *, defaults: bool = False, append: bool = False) -> None:
    """Merge a mapping (or a Config or Section) as one layer."""
    # A Config or Section, or one inside the mapping, gives its values as
    # read, their "${" kept as text where that is what they hold (see Copies).
    views = Copies(cfg)
    data = encode_value(mapping, "", views)
    _capi.merge_layer(cfg, cfg._handle(), data, defaults, label.encode("utf-8"), append)
    if views.found:
        # What they masked stays masked (a secret's value, plain text here).
        cfg._keep_layer_masks(data, views.found, append)


def add_layer(cfg: Any, source: Any, *, lists: str = "replace", name: Optional[str] = None,
              yaml: Optional[str] = None) -> bool:
    """Merge one source into the layered config ``cfg`` (see gocfg.load()).
    Returns False when an optional file was missing and skipped. ``yaml``
    ("1.1" or "1.2") applies to a YAML source and leaves others alone."""
    append = _args.lists_arg(lists)
    # A path and a mapping are tested for first: a File or Text can only
    # exist once gocfg._sourcetypes is imported, and a gocfg.load() of
    # paths need not import it (dataclasses; see gocfg._lazy).
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        optional = isinstance(path, str) and path.endswith("?")
        if optional:
            path = path[:-1]
        try:
            return _file_layer(cfg, path, None, optional, append, yaml)
        except InvalidArgumentError as e:
            raise bare_path_error(e, path) from None
    if isinstance(source, Mapping):
        merge_mapping(cfg, source, name or ("config" if isinstance(source, TreeView) else "dict"), append=append)
        return True
    if isinstance(source, _types.File) and source.profiles:
        # Outside gocfg.load(profile=...): the default profile alone.
        file_name = _args.text_arg(source.path, "file name")
        fmt = _args.yaml_format(source.format, yaml, os.fsdecode(source.path), strict=False)
        if source.optional and not os.path.lexists(os.fsdecode(source.path)):
            return False
        return _capi.load_section_layer(cfg, cfg._handle(), file_name, fmt, b"default", append,
                                        file_is_big(file_name))
    if isinstance(source, _types.File):
        return _file_layer(cfg, source.path, source.format, source.optional, append, yaml)
    if isinstance(source, _types.Text):
        if source.format is None:
            raise TypeError("a Text source needs a format")
        data = _args.text_arg(source.text, "text")
        fmt = _args.yaml_format(source.format, yaml, None, strict=False)
        label = _args.text_arg(source.name or "<text>", "name")
        _capi.loads_layer(cfg, cfg._handle(), data, fmt, label, append)
        return True
    raise TypeError(f"a source is a path, gocfg.File, gocfg.Text, a mapping or a Config, "
                    f"not {type(source).__name__}")


def _file_layer(cfg: Any, path: Any, format: Optional[str], optional: bool, append: bool,
                yaml: Optional[str]) -> bool:
    """Merge the file at path (a File's fields) into cfg: see add_layer."""
    file_name = _args.text_arg(path, "file name")
    fmt = _args.yaml_format(format, yaml, os.fsdecode(path), strict=False)
    return _capi.load_layer(cfg, cfg._handle(), file_name, fmt, optional, append, file_is_big(file_name))


_PASS_FORMAT = ": pass format= ("


def bare_path_error(e: InvalidArgumentError, path: Any) -> InvalidArgumentError:
    """The library's "cannot tell the format ...: pass format=" for a path
    given bare to gocfg.load(), which has no format= of its own: the
    format goes in a gocfg.File."""
    text = str(e)
    if _PASS_FORMAT not in text:
        return e
    return InvalidArgumentError(text.replace(_PASS_FORMAT, f": give it as gocfg.File({os.fsdecode(path)!r}, format=...) ("))


def is_yaml(source: Any) -> bool:
    """Whether a source is read as YAML (so that gocfg.load(yaml=...) has
    something to apply to)."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fsdecode(source)
        fmt = _args.format_of(path[:-1] if path.endswith("?") else path)
    elif isinstance(source, Mapping):
        return False
    elif isinstance(source, _types.File):
        fmt = _args.format_arg(source.format).decode() or _args.format_of(os.fsdecode(source.path))
    elif isinstance(source, _types.Text):
        fmt = _args.format_arg(source.format).decode()
    else:
        return False
    return _args.base_format(fmt) == "yaml"


class ProfileSection:
    """One section of a _types.File(profiles=True) source, as gocfg.load(profile=)
    uses it: merged as its own layer (a file layer of the section's map,
    with the file's positions; nothing when the file has no such
    section)."""

    def __init__(self, source: File, section: str) -> None:
        self.source = source
        self.section = section

    def merge(self, cfg: Any, append: bool, yaml: Optional[str]) -> None:
        name = _args.text_arg(self.source.path, "file name")
        fmt = _args.yaml_format(self.source.format, yaml, os.fsdecode(self.source.path), strict=False)
        _capi.load_section_layer(cfg, cfg._handle(), name, fmt, self.section.encode("utf-8"), append,
                                 file_is_big(name))
