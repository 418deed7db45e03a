"""Small text helpers shared by the parser and the checks.

``heading_text`` is a heading as the reader sees it: ``Business,<br>Innovation &amp; Skills``
-> ``Business, Innovation & Skills``. ``name_key`` compares department names loosely:
``Her Majesty&#8217;s Treasury``, ``HM&nbsp;Treasury`` and ``hm treasury`` are one name;
``Home Office`` and ``Cabinet Office`` are not.
"""

from __future__ import annotations

import html
import re
import unicodedata

#: each character the publication's build prints as plain ASCII, and what it prints
_PLAIN = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
    "\u2026": "...",
    "\u00a0": " ",
    "\u2013": "-",
    "\u2014": "-",
}
_TYPOGRAPHY = str.maketrans(_PLAIN)
_BR = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
#: a Markdown backslash escape (``\&``, ``\*``): the character after it is shown as written
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
#: characters a reader does not see: soft hyphen, zero-width space and joiners, word joiner, BOM
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
#: apostrophes and the marks typed for them, after ``plain_typography`` (which maps the curly ones)
_APOSTROPHES = re.compile("['`\u00b4\u02b9\u02bc\uff07]")
_HER_MAJESTYS = re.compile(r"\bher majestys\b")
_NOT_WORD = re.compile(r"[^a-z0-9 ]+")


def plain_typography(text: str) -> str:
    """Curly quotes, ellipsis and dashes as the publication's build prints them: plain ASCII."""
    return text.translate(_TYPOGRAPHY)


def typography_changes() -> tuple[tuple[str, str], ...]:
    """Each character ``plain_typography`` changes and what it becomes, by code point: all outside
    ASCII and in the BMP, each becoming ASCII (a test checks this against every code point)."""
    return tuple(sorted((char, plain) for char, plain in _PLAIN.items() if plain != char))


def collapse_breaks(text: str) -> str:
    """``Attorney <br> General's<br>Office`` -> ``Attorney General's Office``."""
    return _SPACES.sub(" ", _BR.sub(" ", text)).strip()


def _unescape(text: str) -> str:
    """Backslash escapes and HTML entities (named, decimal, hex) -> the characters they stand for.

    ``\\&amp;`` is the five characters ``&amp;``, as Markdown shows it: escapes are split off first.
    """
    parts = _ESCAPED.split(text)  # text, escaped character, text, ...
    return "".join(part if index % 2 else html.unescape(part) for index, part in enumerate(parts))


def heading_text(raw: str) -> str:
    """A heading as the reader sees it: ``<br>`` collapsed, entities and escapes decoded, one space.

    ``Department for<br>Business, Innovation &amp; Skills`` -> ``Department for Business,
    Innovation & Skills``; ``Her Majesty&#39;s&nbsp;Treasury`` -> ``Her Majesty's Treasury``.
    A written ``&lt;br&gt;`` is shown as ``<br>``, so breaks are collapsed before decoding.
    """
    text = _INVISIBLE.sub("", _unescape(_BR.sub(" ", raw)))
    return _SPACES.sub(" ", text).strip()


def name_key(name: str) -> str:
    """A comparison key for department names, however they are typed.

    Case, accents, punctuation, apostrophes (straight, curly, missing), ``&``/``and``,
    ``HM``/``Her Majesty's``, ``<br>``, HTML entities, backslash escapes, non-breaking and
    zero-width spaces do not matter: ``Her Majesty&rsquo;s Revenue &amp;<br>Customs`` and
    ``HM Revenue and Customs`` have one key.
    """
    text = _APOSTROPHES.sub("", plain_typography(heading_text(name)))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = _HER_MAJESTYS.sub("hm", text.replace("&", " and "))
    text = _NOT_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()
