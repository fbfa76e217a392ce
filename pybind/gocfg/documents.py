"""Documents a Config cannot hold: streams and roots of any kind.

A Config is a mapping read from one document. Real files are not always
that: a Kubernetes manifest holds several YAML documents separated by
``---``, an Ansible playbook's root is a list, a JSON file may hold an
array. These functions read and write such files:

    gocfg.read("playbook.yml")          # the root as plain values (a list here)
    gocfg.read_all("deploy.yaml")       # [root, root, ...], one per document
    gocfg.load_all("deploy.yaml")       # [Config, Config, ...], mapping roots only (in config.py)
    gocfg.dumps_all(docs, "yaml")       # a YAML stream, "---" between documents

Each has a text form (``reads``, ``reads_all``; ``loads_all`` and
``Config.load_all`` / ``Config.loads_all`` live with Config), with a required format, as
``Config.loads`` has. Documents are counted from 0, as list indexes are
(``gocfg show deploy.yaml --document 2`` is the third). The parsing, the
string checks and the limits are the library's (gocfg_read_all); reading a
large file can be interrupted with Ctrl-C as every load can.
"""
from __future__ import annotations

import os
from typing import Any, List, Optional, Union

from . import _args, _capi
from . import sources as _sources
from ._values import TreeView, decode_value, encode_value
from .errors import ParseError

__all__ = ["read", "reads", "read_all", "reads_all", "dumps_all"]

PathArg = Union[str, "os.PathLike[str]"]


def read_all(path: PathArg, format: Optional[str] = None, *, yaml: Optional[str] = None) -> List[Any]:
    """Every document of a file, each as its root in plain Python values
    (dict, list, str, int, ..., None for an empty YAML document). YAML
    gives one entry per document (none for an empty file), every other
    format exactly one. ``format`` and ``yaml`` are as for Config.load()."""
    name = _args.text_arg(path, "file name")
    fmt = _args.yaml_format(format, yaml, os.fsdecode(path))
    docs: List[Any] = decode_value(_capi.read_all(name, fmt, _sources.file_is_big(name)))
    return docs


def reads_all(text: Union[str, bytes], format: str, *, yaml: Optional[str] = None) -> List[Any]:
    """read_all() for a document held in a string (the format is required)."""
    if format is None:
        raise TypeError("reads_all() needs a format: one of " + ", ".join(_args.formats()))
    data = _args.text_arg(text, "text")
    docs: List[Any] = decode_value(_capi.reads_all(data, _args.yaml_format(format, yaml)))
    return docs


def _single(docs: List[Any], source: str, all_name: str) -> Any:
    if len(docs) > 1:
        # A ParseError, as Config.load() and PyYAML's safe_load() give for
        # a stream where one document was expected.
        raise ParseError(f"{source} holds {len(docs)} documents, and {all_name[:-4]}() reads one: "
                         f"use gocfg.{all_name}() for a stream", source if source != "the text" else None)
    return docs[0] if docs else None


def read(path: PathArg, format: Optional[str] = None, *, yaml: Optional[str] = None) -> Any:
    """The root of a file holding one document, as plain Python values: a
    dict, or a list (an Ansible playbook, a JSON array), or a scalar; None
    for an empty YAML file. A stream of several documents raises
    gocfg.ParseError pointing at read_all()."""
    return _single(read_all(path, format, yaml=yaml), os.fsdecode(path), "read_all")


def reads(text: Union[str, bytes], format: str, *, yaml: Optional[str] = None) -> Any:
    """read() for a document held in a string."""
    return _single(reads_all(text, format, yaml=yaml), "the text", "reads_all")


def dumps_all(documents: Any, format: str) -> str:
    """Documents (roots of any kind: mappings, Configs, lists, scalars) as
    text in a format. YAML writes a stream, a "---" line between
    documents; JSON writes one document as itself and any other number as
    a JSON array of them; the other formats hold one document whose root
    is a mapping, and refuse anything else with gocfg.TypeMismatchError."""
    if format is None:
        raise TypeError("dumps_all() needs a format: one of " + ", ".join(_args.formats()))
    if isinstance(documents, (str, bytes)) or not hasattr(documents, "__iter__") or hasattr(documents, "keys"):
        raise TypeError(f"documents must be a list of documents, not {type(documents).__name__}")
    # A Config or Section is its values (as to_dict() reads them), taken
    # here so that the list goes through marshal whole: the slow path
    # recurses in Python once per level, and a config at the depth bound
    # would meet the interpreter's recursion limit there.
    docs = [d.to_dict() if isinstance(d, TreeView) else d for d in documents]
    data = encode_value(docs, "", depth=-1)
    return _capi.dump_all(data, _args.format_arg(format)).decode("utf-8")
