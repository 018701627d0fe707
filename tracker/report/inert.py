"""Make board-supplied text inert in every output: terminal, text, markdown, CSV and email.

Boards are untrusted: a title can carry terminal escape sequences, spreadsheet formulas, raw
HTML or ``javascript:`` links. Renderers pass every such value through one of these helpers:

- :func:`clean` strips ANSI/OSC escape sequences, C0/C1 control characters and bidi overrides
  (single-line by default: newlines and tabs become spaces);
- :func:`csv_cell` also neutralises spreadsheet formulas the OWASP way: a cell that begins with
  ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'``;
- :func:`md_text` escapes HTML and markdown punctuation; :func:`md_link` links only http(s)
  URLs (anything else is shown as plain text);
- :func:`json_inert` escapes what ``json.dumps(ensure_ascii=False)`` leaves raw (C1, bidi);
- :func:`rich_cell` gives Rich a plain ``Text`` (never markup) of the cleaned value.

Pure, import-light (Rich is imported only by :func:`rich_cell`).
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

if TYPE_CHECKING:
    from rich.text import Text

# ESC-initiated sequences (CSI ... final byte, OSC ... BEL/ST, other two-byte escapes) first,
# then the 8-bit CSI/OSC forms, then any remaining control or bidi-override character.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def clean(value: Any, *, multiline: bool = False) -> str:
    """``value`` as text without escape sequences or control characters.

    Single-line (the default): CR, LF and tab become spaces. ``multiline`` keeps line breaks
    (CRLF and CR become LF) and tabs.
    """
    text = "" if value is None else str(value)
    text = _ESCAPES.sub("", text)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    else:
        text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return _CONTROLS.sub("", text)


_JSON_RAW = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_inert(text: str) -> str:
    """JSON text with the characters ``json.dumps(ensure_ascii=False)`` leaves raw but a
    terminal may act on (DEL, C1 controls, line separators, bidi overrides) written as
    ``\\uXXXX`` escapes: the same JSON value. (C0 controls are always escaped by json.)"""
    if text.isascii() and "\x7f" not in text:  # all of them are DEL or above: fast C checks
        return text
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# the UTF-8 forms of what _JSON_RAW matches: DEL; C1 (C2 80-9F); U+2028-U+202E (E2 80 A8-AE)
# and U+2066-U+2069 (E2 81 A6-A9). None of these bytes starts any other character.
_UTF8_RAW = ((b"\xc2", 0x80, 0x9F), (b"\xe2\x80", 0xA8, 0xAE), (b"\xe2\x81", 0xA6, 0xA9))
_UTF8_LOOKS = 2000  # candidates looked at before leaving the question to json_inert's regex


def utf8_json_inert(data: bytes) -> bool:
    """Whether :func:`json_inert` leaves the text of these UTF-8 bytes as it is (False when
    unsure). Finds the few lead bytes with ``bytes.find`` (memchr speed) instead of running
    the regex over every character of a 30 MB report."""
    if b"\x7f" in data:
        return False
    looks = 0
    for lead, low, high in _UTF8_RAW:
        at = data.find(lead)
        while at != -1:
            after = at + len(lead)
            if after < len(data) and low <= data[after] <= high:
                return False
            looks += 1
            if looks > _UTF8_LOOKS:
                return False
            at = data.find(lead, after)
    return True


def csv_cell(value: Any) -> Any:
    """A CSV cell: numbers and None as they are; text cleaned and formula-neutralised.

    The check looks at the raw value too, so a cell that *began* with a tab or CR (which
    :func:`clean` turns into a space) is still marked.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    raw = str(value)
    text = clean(raw)
    if raw.startswith(_FORMULA_START) or text.lstrip().startswith(_FORMULA_START):
        return "'" + text
    return text


def md_text(value: Any) -> str:
    """Text for a markdown paragraph or table cell: HTML escaped, markdown punctuation
    backslash-escaped, one line."""
    text = html.escape(clean(value), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", text)


def safe_url(url: Any) -> str | None:
    """``url`` when it is an absolute http(s) URL with a host, else None."""
    if not isinstance(url, str):
        return None
    text = clean(url).strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def md_link(label: Any, url: Any) -> str:
    """``[label](url)`` for an http(s) URL; the escaped label alone for any other URL."""
    target = safe_url(url)
    if target is None:
        return md_text(label)
    return f"[{md_text(label)}]({quote(target, safe=':/?#@!$&*+,;=%~._-')})"


def rich_cell(value: Any) -> Text:
    """A Rich ``Text`` of the cleaned value: shown literally, never parsed as markup."""
    from rich.text import Text

    return Text(clean(value, multiline=True))
