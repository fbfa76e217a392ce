"""What a message may show of the text it quotes.

A message quotes keys, file names and source names as they are, and each
of them is data that a hostile file or environment chooses: a file named
``"\\x1b]0;pwned\\x07.yaml"`` retitles the terminal that prints its error,
``"\\x1b[2J"`` clears it, and U+202E in a key reverses the rest of the log
line that names it (Trojan Source, CVE-2021-42574). :func:`printable` writes
those characters as escapes. It is the library's rule (``errs.Printable``
in gocore/errs, applied to every message that crosses the C boundary)
written again in Python, because the messages Python builds are built
where the library may not be called (in a forked child, while rendering)
and the rule is a dozen characters; ``tests/api/test_hostile.py`` checks
that both write every character the same.

This module imports nothing of the package: every other module may use it.
"""
from __future__ import annotations

__all__ = ["printable", "bounded", "LAYOUT_CONTROLS", "MAX_MESSAGE"]

# The characters that are not control characters (not C0, DEL or C1) but
# act on the text around them: the line and paragraph separators, and the
# bidi controls. As errs.actsOnText lists them.
LAYOUT_CONTROLS = frozenset("\u2028\u2029\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

_NAMED = {"\r": "\\r"}
_ONE_LINE = {"\r": "\\r", "\n": "\\n", "\t": "\\t"}


def printable(text: str, one_line: bool = False) -> str:
    """text with the characters that act on a terminal or on the text around
    them written as escapes (``\\x1b``, ``\\x7f``, ``\\r``, ``\\u202e``):
    the C0 controls other than tab and line feed, DEL, the C1 controls,
    the line and paragraph separators and the bidi controls, as the library
    writes its own messages. With ``one_line`` (a row of a listing, where a
    key must not start a line of its own), line feeds and tabs too
    (``\\n``, ``\\t``).

    A lone surrogate (the byte of a file name that is not UTF-8, as
    os.fsdecode gives it) stays, as the library lets bytes that are not
    UTF-8 pass: the CLI writes a name's own bytes, and repr() or an
    error handler of the stream decides how to show it.

    Escapes are printable, so printable(printable(t)) == printable(t): a
    message that quotes a library message already escaped stays as it is.
    """
    if text.isprintable():  # the common case, in C: nothing to look at
        return text
    named = _ONE_LINE if one_line else _NAMED
    out = []
    for c in text:
        o = ord(c)
        if (o < 0x20 and (one_line or c not in "\n\t")) or 0x7F <= o < 0xA0:
            out.append(named.get(c) or f"\\x{o:02x}")
        elif c in LAYOUT_CONTROLS:
            out.append(f"\\u{o:04x}")
        else:
            out.append(c)
    return "".join(out)


# As errs.MaxMessageBytes: how long a message gets (here in characters).
MAX_MESSAGE = 4096


def bounded(text: str) -> str:
    """text when it is at most MAX_MESSAGE characters long, else its
    beginning and its end (where a message says what went wrong) with the
    number of characters left out between them, as the library bounds its
    messages (errs.Bound): a message quotes a key, and a key may be as long
    as the document (a 1 MB key made a 1 MB KeyNotFoundError)."""
    if len(text) <= MAX_MESSAGE:
        return text
    head, tail = MAX_MESSAGE * 5 // 8, len(text) - MAX_MESSAGE // 4
    return f"{text[:head]} ...({tail - head} characters left out)... {text[tail:]}"
