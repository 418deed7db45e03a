"""Reading a page from disk: UTF-8 only, BOM dropped, CRLF and CR folded to LF, never HTML.

An HTML document saved under a Markdown name (a published page kept as ``_action05.md``)
is refused by its content: read as Markdown it has no marker and no blocks, so it would
pass with nothing checked. Only a file that *starts* as an HTML document is refused; raw
HTML inside a Markdown page is ordinary kramdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from checker.errors import InputError

MAX_PAGE_BYTES = 16 * 1024 * 1024
#: the pages checker reads, by their name
MARKDOWN_SUFFIXES = (".md", ".markdown")
#: what an input error about HTML adds
HTML_NOT_READ = (
    f"checker reads Markdown pages ({', '.join(MARKDOWN_SUFFIXES)}) — HTML input is not supported yet"
)
#: how an HTML document starts (after an optional XML declaration); a Markdown page never does
HTML_DOCUMENT = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?<(?:!doctype\s+html|html)(?=[\s>])", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    path: str
    text: str  # normalised: no BOM, "\n" line ends

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(self.text.split("\n"))


def decode(path: str, data: bytes) -> Source:
    if b"\x00" in data[:8192]:
        raise InputError(path, "is a binary file, not a UTF-8 text page")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        message = f"is not UTF-8 text (byte 0x{data[exc.start]:02x} in column {column}); save it as UTF-8"
        raise InputError(path, message, line) from None
    text = text.removeprefix("\ufeff")
    if HTML_DOCUMENT.match(text):
        raise InputError(path, f"is an HTML document, not a Markdown page; {HTML_NOT_READ}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Source(path, text)


def read_source(path: str) -> Source:
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
    return decode(path, data)
