r"""Text made safe for line-oriented output: a terminal, a CI log.

Findings carry text from pages and from servers (a heading, a link's text, a ``<title>``, a
``Location`` header), and paths carry whatever a file name holds. Written raw, an escape
sequence could clear the screen or retitle the window, a newline could print a line of its
own, a right-to-left override could show text reversed, and GitHub Actions reads a line that
starts with ``::name::`` (after spaces), or holds ``##[name]`` anywhere, as a workflow command
(``::error``, ``::add-mask::``, ``::stop-commands::``...).

- ``visible`` shows every character that could act on a terminal or a log as an escape:
  C0 controls but the tab (``\x1b``, ``\x07``), DEL and C1 controls (``\x7f``, ``\x9b``),
  line breaks (``\n``, ``\r``, ``\u2028``, ``\u2029``), bidirectional controls (``\u202e``,
  ``\u2066``, ``\u200f``...) and lone surrogates (an undecodable byte of a file name,
  ``\udcff``). Nothing else changes.
- ``line`` is the last step for each line written: ``##[`` becomes ``#\x23[`` (the runner's
  legacy commands), a line that would start with ``::`` (after spaces) starts ``\x3a:``, and
  any line break left becomes visible. Our own colour codes are left alone, so each piece of
  outside text goes through ``visible`` first, then the line through ``line``.
- ``path`` is a path at the start of a line: ``visible``, and ``./`` before one that starts
  with a colon or a space (``./::error::x.md`` is the same file).
"""

from __future__ import annotations

import re

#: what ``visible`` shows as an escape (see the module docstring)
_UNSAFE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r"}
#: line breaks: the only characters ``visible`` escapes that our own output could hold by mistake
_BREAKS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_LEGACY_COMMAND = "##["


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every character that could act on a terminal or a log shown as an escape."""
    return _UNSAFE.sub(_escape, text)


def line(text: str) -> str:
    """One line of output, made of ``visible`` pieces: no workflow command can start in it."""
    text = _BREAKS.sub(_escape, text).replace(_LEGACY_COMMAND, "#\\x23[")
    stripped = text.lstrip()
    if stripped.startswith("::"):
        text = text[: len(text) - len(stripped)] + "\\x3a" + stripped[1:]
    return text


def path(text: str) -> str:
    """A path that starts a line: ``visible``, and ``./`` before a colon or a space at its start."""
    shown = visible(text)
    return f"./{shown}" if shown[:1] == ":" or shown[:1].isspace() else shown
