"""Reading a page from disk: UTF-8 only, BOM dropped, CRLF and CR folded to LF."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from checker.errors import InputError

MAX_PAGE_BYTES = 16 * 1024 * 1024


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
