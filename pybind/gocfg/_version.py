"""gocfg's version, read from the installed package's metadata.

pyproject.toml's `version` is the one place the number is written; the
wheel's METADATA carries it, and both `gocfg.__version__` and
`gocfg --version` read it from there.
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gocfg")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
