"""Capped body reading with incremental, capped decompression.

The session runs with ``auto_decompress=False``, so aiohttp hands over the raw
(still compressed) bytes.  :func:`read_capped` reads at most ``wire_limit``
bytes from the stream and feeds them to a ``zlib`` decompressor with
``max_length`` set to what is left of ``decoded_limit``: a gzip/deflate bomb
never produces more than ``decoded_limit`` bytes, whatever its ratio.  Only
``identity``, ``gzip``/``x-gzip`` and ``deflate`` (zlib or raw) are decoded (we
only advertise ``gzip, deflate``), stacked at most :data:`MAX_CODINGS` deep
(``Content-Encoding: gzip, gzip`` is decoded in reverse order, every stage capped
at ``decoded_limit``); any other coding, or a deeper stack, yields no body.
Once a gzip stream ends, whatever follows it is not decoded (at most ``wire_limit``
bytes of it are held by zlib), so concatenated members cannot add up either.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Protocol

__all__ = ["MAX_CODINGS", "BodyRead", "read_capped"]

_CHUNK = 64 * 1024
#: stacked content codings decoded at most (each holds a zlib window: a long stack costs memory)
MAX_CODINGS = 2


class _Stream(Protocol):
    async def read(self, n: int = -1) -> bytes: ...

    def at_eof(self) -> bool: ...

    def exception(self) -> BaseException | None: ...


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
        if not data:
            return b"", False
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
        if self._obj.eof:
            return b"", False  # the stream has ended: what follows is not part of it
        out = self._obj.decompress(data, max_length)
        return out, bool(self._obj.unconsumed_tail) or len(out) >= max_length


class _Stack:
    """Several codings, given in decoding order; each stage is capped like the last."""

    def __init__(self, stages: list[_Decoder]) -> None:
        self._stages = stages

    def decode(self, data: bytes, max_length: int) -> tuple[bytes, bool]:
        more = False
        for stage in self._stages:
            data, cut = stage.decode(data, max_length)
            more = more or cut
        return data, more


def _one(coding: str) -> _Decoder | None:
    if coding in ("gzip", "x-gzip"):
        return _Zlib(gzip=True)
    if coding == "deflate":
        return _Zlib(gzip=False)
    return None


_IDENTITY = _Identity()  # holds no state: one for every body that is not encoded


def _decoder_for(encoding: str | None) -> _Decoder | None:
    if not encoding:
        return _IDENTITY
    codings = [c.strip().lower() for c in (encoding or "").split(",")]
    codings = [c for c in codings if c not in ("", "identity")]
    if not codings:
        return _Identity()
    if len(codings) > MAX_CODINGS:
        return None
    stages = [_one(c) for c in reversed(codings)]  # the last coding applied is undone first
    decoders = [stage for stage in stages if stage is not None]
    if len(decoders) != len(stages):
        return None
    return decoders[0] if len(decoders) == 1 else _Stack(decoders)


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
        shown = ascii(content_encoding)[:80]
        return BodyRead(None, False, 0, f"the page was not read: unsupported content-encoding {shown}")
    pieces: list[bytes] = []  # joined once at the end: one copy (none for a single piece)
    decoded = 0
    wire = 0
    truncated = False
    while wire < wire_limit:
        chunk = await stream.read(min(_CHUNK, wire_limit - wire))
        if not chunk:
            break
        wire += len(chunk)
        room = decoded_limit - decoded
        if room <= 0:  # never call zlib with max_length=0: that means "unlimited"
            truncated = True
            break
        try:
            piece, more = decoder.decode(chunk, room)
        except zlib.error as exc:
            return BodyRead(None, False, wire, f"the compressed body is corrupt ({exc})")
        pieces.append(piece)
        decoded += len(piece)
        if more:
            truncated = True
            break
        if stream.at_eof() and stream.exception() is None:
            break  # the next read would give b"" at once: the answer it would lead to, without it
    else:
        truncated = not stream.at_eof()
    return BodyRead(b"".join(pieces), truncated, wire)
