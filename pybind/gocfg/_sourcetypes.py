"""The source types of gocfg.load(): File and Text.

They live apart from gocfg.sources so that a first Config.load, which
needs that module but not these, does not import dataclasses (and
inspect, which dataclasses imports): gocfg.sources hands them out on
first use.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Optional, Union


@dataclasses.dataclass(frozen=True)
class File:
    """A file source. ``optional=True`` (or a path ending in "?") skips a
    file that does not exist; a missing required file raises
    ``gocfg.MissingFileError`` (a FileNotFoundError). ``profiles=True``
    says that the file's top-level keys are profiles (``default:``,
    ``production:``...): gocfg.load(profile=...) merges the ``default``
    section, then the chosen profile's (see gocfg.load)."""

    path: Union[str, "os.PathLike[str]"]
    format: Optional[str] = None
    optional: bool = False
    profiles: bool = False


@dataclasses.dataclass(frozen=True)
class Text:
    """A document held in a string, in a format (required). ``name`` labels
    it in origins and error messages (default "<text>")."""

    text: str
    format: str
    name: Optional[str] = None

    def __repr__(self) -> str:
        # The document is not shown: it may hold a password (a Config's repr
        # masks one), and it may be megabytes long.
        size = f"{len(self.text)} characters" if isinstance(self.text, str) else type(self.text).__name__
        return f"Text(<{size}>, format={self.format!r}, name={self.name!r})"
