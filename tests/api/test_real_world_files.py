"""Configuration files as projects write them: values and the lines
provenance gives for them."""
from __future__ import annotations

import gocfg

CARGO = """\
[package]
name = "ripgrep"

[package.metadata.deb]
assets = [
  ["target/release/rg", "usr/bin/", "755"],  # the binary [rg]
  ["COPYING", "usr/share/doc/ripgrep/", '''
644'''],
  [["nested"]],
]
matrix = { rows = [[1, 2], [3]] }
"""


def test_toml_arrays_in_arrays_have_their_lines(tmp_path, no_leaks):
    # go-toml gives an array no range of its own: an array held in an
    # array took its parent's position or the file's first line.
    path = tmp_path / "Cargo.toml"
    path.write_text(CARGO)
    with gocfg.load(path) as cfg:
        where = {p: str(cfg.origin(p)).rsplit(":", 2)[1:] for p in (
            "package.metadata.deb.assets.0", "package.metadata.deb.assets.0.2",
            "package.metadata.deb.assets.1", "package.metadata.deb.assets.2",
            "package.metadata.deb.assets.2.0", "package.metadata.deb.matrix.rows.1")}
        assert cfg["package.metadata.deb.assets.1.2"] == "644"
    assert where == {
        "package.metadata.deb.assets.0": ["6", "3"],
        "package.metadata.deb.assets.0.2": ["6", "37"],
        "package.metadata.deb.assets.1": ["7", "3"],
        "package.metadata.deb.assets.2": ["9", "3"],
        "package.metadata.deb.assets.2.0": ["9", "4"],
        "package.metadata.deb.matrix.rows.1": ["11", "28"],
    }
