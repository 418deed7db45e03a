"""Capped body reading with incremental, capped decompression.

The session runs with ``auto_decompress=False``, so aiohttp hands over the raw
(still compressed) bytes.  :func:`read_capped` reads at most ``wire_limit``
bytes from the stream and feeds them to a ``zlib`` decompressor with
``max_length`` set to what is left of ``decoded_limit``: a gzip/deflate bomb
never produces more than ``decoded_limit`` bytes, whatever its ratio.  Only
``identity``, ``gzip``/``x-gzip`` and ``deflate`` (zlib or raw) are decoded (we
only advertise ``gzip, deflate``); any other coding yields no body.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Protocol

__all__ = ["BodyRead", "read_capped"]

_CHUNK = 64 * 1024


class _Stream(Protocol):
    async def read(self, n: int = -1) -> bytes: ...

    def at_eof(self) -> bool: ...


class _Decoder(Protocol):
    def decode(self, data: bytes, max_length: int) -> tuple[bytes, bool]: ...


@dataclass(frozen=True)
class BodyRead:
    """The decoded body (``None`` if it could not be decoded) and whether it was cut off."""

    data: bytes | None
    truncated: bool
    wire_bytes: int
    problem: str | None = None


class _Identity:
    def decode(self, data: bytes, max_length: int) -> tuple[bytes, bool]:
        return data[:max_length], len(data) > max_length


class _Zlib:
    """gzip (``wbits=31``) or deflate; deflate tries the zlib wrapper, then raw deflate."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._obj = zlib.decompressobj(31 if gzip else 15)
        self._started = False

    def decode(self, data: bytes, max_length: int) -> tuple[bytes, bool]:
        if not self._started and not self._gzip:
            self._started = True
            try:
                probe = zlib.decompressobj(15)
                out = probe.decompress(data, max_length)
            except zlib.error:
                self._obj = zlib.decompressobj(-15)
            else:
                self._obj = probe
                return out, bool(probe.unconsumed_tail) or len(out) >= max_length
        self._started = True
        out = self._obj.decompress(data, max_length)
        return out, bool(self._obj.unconsumed_tail) or len(out) >= max_length


def _decoder_for(encoding: str | None) -> _Decoder | None:
    coding = (encoding or "identity").strip().lower()
    if coding in ("", "identity"):
        return _Identity()
    if coding in ("gzip", "x-gzip"):
        return _Zlib(gzip=True)
    if coding == "deflate":
        return _Zlib(gzip=False)
    return None


async def read_capped(
    stream: _Stream, content_encoding: str | None, wire_limit: int, decoded_limit: int
) -> BodyRead:
    """Read and decode at most ``wire_limit`` raw / ``decoded_limit`` decoded bytes.

    The loop is bounded: every iteration reads at least one byte of the
    ``wire_limit`` budget or stops at end of stream.  Decoding errors end the
    read with ``data=None`` and a ``problem`` description; stream errors
    propagate to the caller.
    """
    decoder = _decoder_for(content_encoding)
    if decoder is None:
        return BodyRead(None, False, 0, f"unsupported content-encoding {content_encoding!r}")
    out = bytearray()
    wire = 0
    truncated = False
    while wire < wire_limit:
        chunk = await stream.read(min(_CHUNK, wire_limit - wire))
        if not chunk:
            break
        wire += len(chunk)
        room = decoded_limit - len(out)
        if room <= 0:  # never call zlib with max_length=0: that means "unlimited"
            truncated = True
            break
        try:
            piece, more = decoder.decode(chunk, room)
        except zlib.error as exc:
            return BodyRead(None, False, wire, f"the compressed body is corrupt ({exc})")
        out += piece
        if more:
            truncated = True
            break
    else:
        truncated = not stream.at_eof()
    return BodyRead(bytes(out), truncated, wire)
