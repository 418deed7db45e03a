"""Reading a page from disk: Markdown or HTML, BOM dropped, CRLF and CR folded to LF.

A page is read as HTML when its name says so (``.html``, ``.htm``, ``.xhtml``, ``.shtml``, any
case) or, whatever its name, when its text starts as an HTML document (``<!DOCTYPE html>`` or
``<html>``, after an optional XML declaration): a published page saved as ``_action05.md`` is
HTML, and read as Markdown it would have no marker and no blocks, so it would pass with nothing
checked. Raw HTML *inside* a Markdown page is ordinary kramdown and does not make it HTML.

- **Markdown** is UTF-8 only (``read_source``/``decode``, which refuse an HTML document, so
  that ``parse_file`` never reads one as Markdown; ``read_page`` sends it to the HTML reader).
- **HTML** is decoded as a browser would: a byte order mark (UTF-8, UTF-16), else the
  ``<meta charset>`` (or ``http-equiv`` content type) declared in its first 1024 bytes, else
  UTF-8. A file that is not valid text in that encoding is an input error saying which byte.
  ``iso-8859-1``, ``latin1`` and ``ascii`` are read as ``windows-1252``, as browsers do.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path, PurePath

from checker.errors import InputError

MAX_PAGE_BYTES = 16 * 1024 * 1024
#: the pages checker reads, by their name
MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
#: what ``decode`` says of an HTML document: ``parse_file`` reads Markdown only (``read_page`` and
#: ``checker check`` read HTML)
_MARKDOWN_ONLY = "(`checker check` reads it as HTML)"
#: how an HTML document starts (after an optional XML declaration); a Markdown page never does
HTML_DOCUMENT = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?<(?:!doctype\s+html|html)(?=[\s>])", re.IGNORECASE)
#: a declared encoding in the first 1024 bytes: ``<meta charset=...>`` or ``content="...; charset=..."``
_META_CHARSET = re.compile(rb"<meta\s[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
_PRESCAN = 1024
#: labels browsers read as windows-1252 (WHATWG Encoding), and as UTF-8 in a <meta> (UTF-16 there is a lie)
_WINDOWS_1252 = frozenset(
    {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "ascii", "us-ascii", "cp1252"}
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class Source:
    """A page file's text, as read."""

    path: str
    text: str  # normalised: no BOM, "\n" line ends
    is_html: bool = False  # an HTML document, for ``checker.parse.html``

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(self.text.split("\n"))


def is_html_name(path: str) -> bool:
    """Whether the file's name says it is HTML (``page.html``, ``INDEX.HTM``)."""
    return PurePath(path).suffix.lower() in HTML_SUFFIXES


def _fold(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _not_text(path: str, data: bytes, error: UnicodeDecodeError, what: str) -> InputError:
    line = data[: error.start].count(b"\n") + 1
    column = error.start - data.rfind(b"\n", 0, error.start)
    return InputError(path, f"is not {what} (byte 0x{data[error.start]:02x} in column {column})", line)


def decode(path: str, data: bytes) -> Source:
    """A Markdown page: UTF-8 text that is not an HTML document."""
    if b"\x00" in data[:8192]:
        raise InputError(path, "is a binary file, not a UTF-8 text page")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        error = _not_text(path, data, exc, "UTF-8 text")
        raise InputError(path, f"{error.message}; save it as UTF-8", error.line) from None
    text = text.removeprefix("\ufeff")
    if HTML_DOCUMENT.match(text):
        raise InputError(path, f"is an HTML document, not a Markdown page {_MARKDOWN_ONLY}")
    return Source(path, _fold(text))


def looks_like_html(data: bytes) -> bool:
    """Whether the bytes start as an HTML document, in any ASCII-compatible encoding or UTF-16."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            head = data[len(bom) : len(bom) + _PRESCAN].decode(encoding, errors="replace")
            return bool(HTML_DOCUMENT.match(head))
    return bool(HTML_DOCUMENT.match(data[:_PRESCAN].decode("latin-1")))


def declared_encoding(data: bytes) -> str | None:
    """The Python codec for the ``<meta charset>`` in the first 1024 bytes; None when none is usable."""
    match = _META_CHARSET.search(data[:_PRESCAN])
    if match is None:
        return None
    label = match[1].decode("ascii").lower()
    if label in _WINDOWS_1252:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "utf-8" if name.startswith("utf-16") else name


def decode_html(path: str, data: bytes) -> Source:
    """An HTML page, decoded as a browser would (see the module docstring)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return Source(path, _fold(body.decode(encoding)), is_html=True)
            except UnicodeDecodeError as exc:
                raise _not_text(path, body, exc, f"{encoding} text, as its byte order mark says") from None
    if b"\x00" in data[:8192]:
        raise InputError(path, "is a binary file, not an HTML page")
    declared = declared_encoding(data)
    encoding = declared or "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding == "cp1252":  # five bytes windows-1252 leaves undefined are C1 controls in a browser
            text = data.decode("latin-1")
        else:
            said = f"{encoding} text, as its <meta charset> says" if declared else "UTF-8 text"
            error = _not_text(path, data, exc, said)
            hint = (
                "save it as UTF-8"
                if declared
                else "save it as UTF-8, or declare its encoding with <meta charset>"
            )
            raise InputError(path, f"{error.message}; {hint}", error.line) from None
    return Source(path, _fold(text), is_html=True)


def read_bytes(path: str) -> bytes:
    p = Path(path)
    if p.is_dir():
        raise InputError(
            path, "is a directory, not a page (give the folder to `checker check` to check every page in it)"
        )
    try:
        with p.open("rb") as handle:
            data = handle.read(MAX_PAGE_BYTES + 1)
    except FileNotFoundError:
        raise InputError(path, "does not exist") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_PAGE_BYTES:
        raise InputError(path, f"is larger than {MAX_PAGE_BYTES // (1024 * 1024)} MiB; is it really a page?")
    return data


def read_source(path: str) -> Source:
    """A Markdown page (an HTML document is an input error: see ``read_page``)."""
    return decode(path, read_bytes(path))


def read_page(path: str) -> Source:
    """Any page: HTML by its name or its content (``Source.is_html``), else Markdown."""
    data = read_bytes(path)
    if is_html_name(path) or looks_like_html(data):
        return decode_html(path, data)
    return decode(path, data)
