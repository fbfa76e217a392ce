"""The notebook display under hostile data: markup in keys, values, file
names, source names and secrets, and values too large to show whole."""
from __future__ import annotations

import json
import random
from html.parser import HTMLParser

import gocfg
from gocfg import display
from gocfg.secrets import MASK, mask

MARKUP = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>&amp;<!--<![CDATA[<style>"


class _Markup(HTMLParser):
    """The elements, attributes and comments a real HTML parser finds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set = set()
        self.attrs: set = set()
        self.other: list = []
        self.text: list = []
        self.rows: list = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs |= {(tag, k, v) for k, v in attrs}
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self.rows[-1].append("")

    def handle_comment(self, data):
        self.other.append(data)

    def handle_decl(self, decl):
        self.other.append(decl)

    def unknown_decl(self, data):
        self.other.append(data)

    def handle_pi(self, data):
        self.other.append(data)

    def handle_data(self, data):
        self.text.append(data)
        if self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


def _parse(page: str) -> _Markup:
    p = _Markup()
    p.feed(page)
    p.close()
    return p


def test_no_element_or_attribute_of_the_table_comes_from_the_data(tmp_path, no_leaks):
    path = tmp_path / (MARKUP.replace("/", "_") + ".json")
    path.write_text(json.dumps({MARKUP: MARKUP, "password": MARKUP, "n": {MARKUP: [MARKUP]}}))
    text = gocfg.Text("b: '" + MARKUP.replace("'", "''") + "'\n", "yaml", name=MARKUP)
    with gocfg.load(path, text, defaults={"d": MARKUP}) as cfg:
        pages = [cfg._repr_html_(), cfg["n"]._repr_html_()]
        for page in pages:
            found = _parse(page)
            assert found.tags == {"div", "p", "b", "table", "thead", "tbody", "tr", "th", "td"}, found.tags
            assert {k for _, k, _ in found.attrs} <= {"class", "style"}
            assert all(MARKUP not in (v or "") for _, _, v in found.attrs)
            assert found.other == []
            assert "<script>alert(1)</script>" in "".join(found.text)  # shown as text, not obeyed
        (secret,) = [row for row in _parse(pages[0]).rows if row and row[0] == "password"]
        assert secret[1:3] == [MASK, "secret"]


def _walk(value):
    todo, n = [value], 0
    while todo:
        v = todo.pop()
        n += 1
        if isinstance(v, dict):
            todo.extend(v.values())
        elif isinstance(v, list):
            todo.extend(v)
    return n


def test_a_cell_masks_only_what_it_shows(no_leaks):
    # The table masked a value whole before cutting its text to a cell:
    # a list of 200,000 items was copied whole for 120 characters. The
    # preview keeps as many items as the cell can show, and the cell
    # reads the same as it did.
    rng = random.Random(7)

    def make(depth):
        r = rng.random()
        if depth > 4 or r < 0.4:
            return rng.choice([1, "", "x" * rng.randrange(0, 30), None, 2.5, True])
        width = rng.choice([0, 1, 3, 6, 200]) if depth < 2 else rng.randrange(0, 4)
        if r < 0.7:
            return [make(depth + 1) for _ in range(width)]
        keys = ["a", "password", "token", "x", "", "b.c"]
        return {rng.choice(keys) + str(i): make(depth + 1) for i in range(width)}

    for _ in range(300):
        value = make(0)
        hidden = frozenset({("v", "x1"), ("v", "3")})
        full = mask(value, ("v",), False, hidden)
        for cell in (1, 2, 5, 40, display.CELL):
            short = mask(value, ("v",), False, hidden, preview=cell + 1)
            assert _walk(short) <= cell + 1
            assert display.value_text(short, cell) == display.value_text(full, cell)
            assert display.json_text(short, cell) == display.json_text(full, cell)

    big = {"items": list(range(200_000)), "password": "hunter2"}
    assert _walk(mask(big, (), preview=display.CELL + 1)) <= display.CELL + 1
    with gocfg.Config({"big": big, "token": list(range(1000))}) as cfg:
        page = cfg._repr_html_()
        assert "hunter2" not in page and MASK in page and "[0, 1, 2, 3" in page
