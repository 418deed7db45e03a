"""Small text helpers shared by the parser and the checks."""

from __future__ import annotations

import re
import unicodedata

_TYPOGRAPHY = str.maketrans(
    {
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
)
_BR = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def plain_typography(text: str) -> str:
    """Curly quotes, ellipsis and dashes as the publication's build prints them: plain ASCII."""
    return text.translate(_TYPOGRAPHY)


def collapse_breaks(text: str) -> str:
    """``Attorney <br> General's<br>Office`` -> ``Attorney General's Office``."""
    return _SPACES.sub(" ", _BR.sub(" ", text)).strip()


def name_key(name: str) -> str:
    """A comparison key for department names: case, punctuation, ``&``/``and``, ``HM``/``Her Majesty's``."""
    text = unicodedata.normalize("NFKC", plain_typography(collapse_breaks(name))).lower()
    text = text.replace("&", " and ")
    text = re.sub(r"\bher majesty's\b", "hm", text)
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    return _SPACES.sub(" ", text).strip()
