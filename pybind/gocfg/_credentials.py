"""Credentials inside string values, found by the library's value rule.

The rule of gocore/secretvalue, written once for Python: a credential
inside any string value (a URL's password, the value of a secret
``key=value`` pair or HTTP header, a PEM private key's body, a token known
by its prefix) is masked wherever the value is shown, whatever its key.
It is below the error classes, which mask what their messages quote, and
imports nothing of the package; :mod:`gocfg.secrets` gives it to the
public API (``mask_text``, ``credential_spans``) beside the key rule.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Pattern, Tuple, cast

__all__ = ["MASK", "DEFAULT_SECRET_WORDS", "credential_spans", "mask_text"]

MASK = "********"

# The key rule's default words (gocore/secretname's): the value rule finds
# key=value pairs by them whatever set_secret_pattern() says.
DEFAULT_SECRET_WORDS = (
    "password", "passwd", "pwd", "secret", "token", "api_key", "apikey", "api-key",
    "private_key", "privatekey", "access_key", "secret_key", "credential",
)

# The value rule: a credential inside a string value is masked wherever
# the value is shown, whatever its key. gocore/secretvalue keeps the same
# rule for what the library writes (its messages), and a test runs both on
# one table (gocore/secretvalue/testdata/secret_values.json); the rule
# itself is written down there and in the README ("Secrets").
#
# Key=value pairs are found by the default words, as the library finds
# them, whatever set_secret_pattern() says: the two copies stay equal.
#
# The scan is linear, and made of re's and str's own loops: a 10 MB value
# costs a few tenths of a second. A pair is found from its secret word
# (searched in a lower-case copy, where re skips ahead fast), then the run
# of key characters after it, then "="; a word whose key has no "=" sends
# the search on past the end of that key, so no key is read twice.

_BLANKS = " \t\n\r\f\v"
# A URL's password: after "://", the user name up to the first ":", the
# password up to the last "@" of the authority (which ends at "/", "?",
# "#" or a blank). The user name may hold "@" (me@corp.com).
_URL_PASSWORD_RE = re.compile(rf"://[^/?#:{_BLANKS}]*:([^/?#{_BLANKS}]*)@")
_WORDS = "|".join(re.escape(w) for w in DEFAULT_SECRET_WORDS)
_WORD_LOWER_RE = re.compile(_WORDS)  # in an ASCII text's lower-case copy
_WORD_ANY_RE = re.compile(_WORDS, re.IGNORECASE)  # in other text ("paſſword"), slower
# A key's characters: ASCII letters, digits, "_", "." and "-", and any
# non-ASCII character, written as the ASCII ones it leaves out (the range
# form, [...\u0080-\U0010ffff], took ~4 ms to compile, a tenth of a cold
# start).
_NAME_RUN_RE = re.compile(r"[^\x00-\x2c/:-@\[-\^`{-\x7f]*")
_EQUALS_RE = re.compile(r"[ \t]*=[ \t]*")
_PAIR_VALUE_RE = re.compile(
    rf"(?!\*{{8}}(?:[{_BLANKS};&\"',:)\]}}]|\Z))"  # not the mask already ("password=********: ...")
    r"(?:'((?:[^'\\]+|\\[\s\S]?)*)'?"  # 'quoted', \ escaping the next character
    r"|\"((?:[^\"\\]+|\\[\s\S]?)*)\"?"  # "quoted"
    r"|\{((?:[^}]+|\}\})*)\}?"  # {braced}, }} for }
    rf"|([^{_BLANKS};&]*))")  # bare, to a blank, ";" or "&"


def _value_at(text: str, pos: int, found: List[Tuple[int, int]]) -> int:
    """Append to found the span of a pair's value starting at pos (quoted,
    braced or bare: gocore/secretvalue's value()), and return where
    reading goes on."""
    if text.startswith(("\\'", '\\"'), pos):
        # A quoted value that a message quoted again, escaping its
        # quotes (password=\"a b\"): to the same escaped quote.
        end = text.find(text[pos:pos + 2], pos + 2)
        end = len(text) if end < 0 else end
        if end > pos + 2:
            found.append((pos + 2, end))
        return min(end + 2, len(text))
    value = _PAIR_VALUE_RE.match(text, pos)
    if value is None:
        return pos  # the mask already
    for group in (1, 2, 3, 4):
        if value.group(group):
            found.append(value.span(group))
            break
    return max(pos, value.end())


def _pair_values(text: str, found: List[Tuple[int, int]]) -> None:
    """Append to found the values of the key=value pairs in text whose key
    holds a secret word."""
    if text.isascii():
        words, within = _WORD_LOWER_RE, text.lower()  # the same length: the places hold
    else:
        words, within = _WORD_ANY_RE, text
    pos = 0
    while True:
        word = words.search(within, pos)
        if word is None:
            return
        key_end = cast("re.Match[str]", _NAME_RUN_RE.match(text, word.end())).end()
        pos = key_end
        eq = _EQUALS_RE.match(text, key_end)
        if eq is None:
            continue
        pos = _value_at(text, eq.end(), found)


# HTTP credentials, "Name: value" (gocore/secretvalue/header.go): the name
# is read backwards from a ":" followed by blanks, as the library reads it
# (a regular expression searching forwards for names runs slower).
_COLON_BLANKS_RE = re.compile(r":[ \t]+")
_HEADER_NAME_RE = re.compile(r"[A-Za-z0-9_-]*")  # matched on the reversed text before the ":"
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")
_AUTHORIZATION = ("authorization", "proxy-authorization")
# An Authorization value's scheme ("Bearer "), when more follows on the line.
_SCHEME_RE = re.compile(rf"[A-Za-z][A-Za-z0-9-]*[ \t]+(?=[^{_BLANKS}])")
# A bare header value: to a blank or one of ;&"'\ (a header list quoted
# in a message keeps its quotes); not the mask already. It is a credential
# only where it ends its line (_HEADER_END_RE after it): "x-api-key:
# expected bool, got an int" is a message about a key, and keeps its words.
_HEADER_BARE_RE = re.compile(rf"(?!\*{{8}}(?:[{_BLANKS};&\"',:)\]}}]|\Z))[^{_BLANKS};&\"'\\]*")
# The authentication schemes of HTTP's registry (and the AWS signature's):
# after one of them an Authorization value is a credential whatever
# follows it on the line (gocore/secretvalue's authSchemes).
_AUTH_SCHEMES = frozenset(("basic", "bearer", "digest", "token", "negotiate", "ntlm", "hoba", "mutual", "apikey",
                           "dpop", "gnap", "privatetoken", "scram-sha-1", "scram-sha-256", "vapid",
                           "aws4-hmac-sha256"))
_HEADER_END_RE = re.compile(r"[ \t]*(?:[\n\r\f\v;&\"'\\]|\Z)")


def _header_values(text: str, found: List[Tuple[int, int]]) -> None:
    """Append to found the credentials of the HTTP headers in text: the
    value of Authorization and Proxy-Authorization after its scheme, and
    the value of a header whose name holds a "-" and a secret word."""
    pos = 0  # nothing before it is read again
    while True:
        colon = _COLON_BLANKS_RE.search(text, pos)
        if colon is None:
            return
        at = colon.start()
        start = at - cast("re.Match[str]", _HEADER_NAME_RE.match(text[pos:at][::-1])).end()
        name = text[start:at]
        pos = colon.end()
        if not name or (start > 0 and (text[start - 1] in _KEY_CHARS or text[start - 1] >= "\x80")):
            continue  # "db.x-api-key: expected int" is a message about a path
        known = False  # an Authorization value after a scheme of HTTP's
        if name.lower() in _AUTHORIZATION:
            scheme = _SCHEME_RE.match(text, pos)
            if scheme is not None:
                known = scheme.group().rstrip(" \t").lower() in _AUTH_SCHEMES
                pos = scheme.end()
        elif "-" not in name or not _WORD_LOWER_RE.search(name.lower()):  # an ASCII name
            continue
        if pos < len(text) and text[pos] in "'\"\\":
            pos = _value_at(text, pos, found)
            continue
        bare = _HEADER_BARE_RE.match(text, pos)
        if bare is not None:
            if bare.end() > pos and (known or _HEADER_END_RE.match(text, bare.end())):
                found.append(bare.span())
            pos = bare.end()


# PEM private keys (gocore/secretvalue/pem.go): the body of a BEGIN line
# whose label holds "PRIVATE KEY", to the next "-----END" or the end.
_PEM_BEGIN_RE = re.compile(r"-----BEGIN ([A-Z0-9 ]{0,64})-----")


def _pem_bodies(text: str, found: List[Tuple[int, int]]) -> None:
    """Append to found the bodies of the PEM private keys in text, without
    the blanks at either end (the BEGIN and END lines stay lines)."""
    pos = 0
    while True:
        begin = _PEM_BEGIN_RE.search(text, pos)
        if begin is None:
            return
        pos = begin.end(1)  # a "-----" that is no label's end may start a BEGIN
        if "PRIVATE KEY" not in begin.group(1):
            continue
        pos = begin.end()
        stop = text.find("-----END", pos)
        stop = len(text) if stop < 0 else stop
        body = text[pos:stop]
        start = pos + len(body) - len(body.lstrip(_BLANKS))
        end = start + len(body.strip(_BLANKS))
        if end > start and text[start:end] != MASK:
            found.append((start, end))
        pos = stop


# Tokens known by their prefix (gocore/secretvalue/token.go's tokenKinds,
# in the same order): a word (a run of ASCII letters, digits, "_" and "-")
# that starts with a prefix and whose rest has the alphabet and length
# given; the rest is masked, the prefix kept ("ghp_********").
_ALNUM = re.compile(r"[A-Za-z0-9]*")
_UPPER_OR_DIGIT = re.compile(r"[A-Z0-9]*")
_WORD_CHARS = re.compile(r"[A-Za-z0-9_-]*")
_TOKEN_KINDS: Dict[str, Tuple[Pattern[str], int, Optional[int], bool]] = {
    # prefix: (alphabet, least, most, must hold a digit)
    **{p: (_ALNUM, 20, None, False) for p in ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")},  # GitHub
    "github_pat_": (_WORD_CHARS, 20, None, False),
    "glpat-": (_WORD_CHARS, 20, None, False),  # GitLab
    **{p: (_WORD_CHARS, 20, None, False) for p in ("xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-")},  # Slack
    **{p: (_ALNUM, 16, None, False) for p in ("sk_live_", "rk_live_", "sk_test_")},  # Stripe
    "AKIA": (_UPPER_OR_DIGIT, 16, 16, False),  # AWS access key ids
    "ASIA": (_UPPER_OR_DIGIT, 16, 16, False),
    "AIza": (_WORD_CHARS, 35, 35, False),  # Google API keys
    "sk-": (_WORD_CHARS, 20, None, True),  # OpenAI, Anthropic ("sk-" starts hyphenated words too)
    "npm_": (_ALNUM, 36, 36, False),
    "pypi-AgEI": (_WORD_CHARS, 20, None, False),
}
# A prefix and the rest of its word; a match inside a word is passed over
# with the rest of that word (only a word's start counts).
_TOKEN_RE = re.compile("(" + "|".join(re.escape(p) for p in _TOKEN_KINDS) + ")[A-Za-z0-9_-]*")
_DIGIT_RE = re.compile("[0-9]")
_WORD_BYTES = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


# The shortest token ("AKIA" and 16 characters): most values are shorter,
# and are not searched.
SHORTEST_TOKEN = min(len(p) + kind[1] for p, kind in _TOKEN_KINDS.items())


def _tokens(text: str, found: List[Tuple[int, int]]) -> None:
    """Append to found the bodies of the tokens in text."""
    pos = 0
    while True:
        token = _TOKEN_RE.search(text, pos)
        if token is None:
            return
        start, pos = token.start(), token.end()
        if start and text[start - 1] in _WORD_BYTES:
            continue
        alphabet, least, most, digit = _TOKEN_KINDS[token.group(1)]
        body_start = token.end(1)
        n = token.end() - body_start
        if n < least or (most is not None and n > most):
            continue
        body = text[body_start:token.end()]
        if alphabet.fullmatch(body) and (not digit or _DIGIT_RE.search(body)):
            found.append((body_start, token.end()))



def credential_spans(text: str) -> List[Tuple[int, int]]:
    """The places of the credentials in text (``text[start:end]``), in
    order, overlapping ones joined: URL passwords, the values of key=value
    pairs whose key is a secret, HTTP credentials, PEM private keys and
    tokens known by their prefix (gocore/secretvalue's rule)."""
    found: List[Tuple[int, int]] = []
    if "://" in text:
        found = [m.span(1) for m in _URL_PASSWORD_RE.finditer(text) if m.group(1) and m.group(1) != MASK]
    if "=" in text:
        _pair_values(text, found)
    if ":" in text and ("-" in text or "authorization" in text.lower()):
        _header_values(text, found)  # a name holds a "-" or is Authorization
    if "-----BEGIN " in text:
        _pem_bodies(text, found)
    if len(text) >= SHORTEST_TOKEN and ("_" in text or "-" in text or "A" in text):
        _tokens(text, found)  # every prefix holds one of those
    if len(found) < 2:
        return found
    found.sort()
    out = [found[0]]
    for start, end in found[1:]:
        if start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def mask_text(text: str) -> str:
    """text with each credential in it (:func:`credential_spans`) replaced
    by ``********``: ``postgres://app:********@db/app``."""
    spans = credential_spans(text)
    if not spans:
        return text
    out: List[str] = []
    at = 0
    for start, end in spans:
        out.append(text[at:start])
        out.append(MASK)
        at = end
    out.append(text[at:])
    return "".join(out)
