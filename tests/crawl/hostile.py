"""A hostile HTTP server on 127.0.0.1: it answers with whatever bytes a script writes.

:class:`HostileServer` (async context manager) listens on ``127.0.0.1`` only, reads one
request head per connection (bounded in size and time), counts it in ``requests`` by path and
runs the script registered for that path; unknown paths answer a plain 404.  A script is
``async (writer) -> None``; the helpers below build the usual ones: fixed bytes, bytes then a
hang, and endless streams (bombs), each bounded in bytes and in time, so that no test can make
this server loop for ever.  Every connection still open is cancelled when the server stops.

Usage::

    rot13 = page("<title>x</title>", {"Content-Type": "text/html; charset=rot13"})
    async with HostileServer({"/rot13": rot13}) as srv:
        report = await crawl([srv.url("/rot13")], config)
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Mapping
from types import TracebackType
from typing import Any

LOOPBACK = "127.0.0.1"
Script = Callable[[asyncio.StreamWriter], Awaitable[None]]

#: no script writes more than this, or for longer than this, whatever the client does
MAX_BYTES = 2 * 1024**3
MAX_SECONDS = 60.0
_HEAD_LIMIT = 64 * 1024


def head(status: int | str, headers: Mapping[str, str | bytes] | None = None, *, reason: str = "X") -> bytes:
    """A status line and headers, as bytes (values given as bytes are sent as they are)."""
    lines = [f"HTTP/1.1 {status} {reason}".encode("latin-1")]
    for name, value in (headers or {}).items():
        raw = value if isinstance(value, bytes) else value.encode("latin-1")
        lines.append(name.encode("latin-1") + b": " + raw)
    return b"\r\n".join(lines) + b"\r\n\r\n"


def reply(*parts: bytes) -> Script:
    """Write ``parts`` and close."""

    async def script(writer: asyncio.StreamWriter) -> None:
        for part in parts:
            writer.write(part)
        await writer.drain()

    return script


def page(html: bytes | str, headers: Mapping[str, str | bytes] | None = None, status: int = 200) -> Script:
    """A well-formed HTML answer with a Content-Length."""
    body = html.encode() if isinstance(html, str) else html
    fields: dict[str, str | bytes] = {"Content-Type": "text/html", **(headers or {})}
    fields["Content-Length"] = str(len(body))
    return reply(head(status, fields), body)


def hang_after(*parts: bytes) -> Script:
    """Write ``parts``, then say nothing more (until the client or the server gives up)."""

    async def script(writer: asyncio.StreamWriter) -> None:
        for part in parts:
            writer.write(part)
        await writer.drain()
        await asyncio.sleep(MAX_SECONDS)

    return script


def endless(first: bytes, chunks: Callable[[], Iterator[bytes]]) -> Script:
    """Write ``first``, then every chunk ``chunks()`` yields, until the client stops reading.

    Bounded: at most :data:`MAX_BYTES` bytes and :data:`MAX_SECONDS` seconds.
    """

    async def script(writer: asyncio.StreamWriter) -> None:
        writer.write(first)
        sent = 0
        async with asyncio.timeout(MAX_SECONDS):
            for chunk in chunks():
                if sent >= MAX_BYTES:
                    break
                writer.write(chunk)
                sent += len(chunk)
                await writer.drain()
                await asyncio.sleep(0)  # let the client (in the same event loop) run

    return script


def zeros(block: int = 1024 * 1024) -> Callable[[], Iterator[bytes]]:
    """Endless blocks of zero bytes (an endless identity body)."""

    def chunks() -> Iterator[bytes]:
        data = b"\0" * block
        for _ in range(MAX_BYTES // block + 1):
            yield data

    return chunks


def compressed(*wbits: int, block: int = 1024 * 1024) -> Callable[[], Iterator[bytes]]:
    """An endless compressed stream of ``<p>`` and zeros: each MiB costs about a KiB on the wire.

    ``wbits`` as for zlib (31 gzip, 15 zlib deflate, -15 raw deflate), one per coding in the order
    they are applied: ``compressed(15, 31)`` is ``Content-Encoding: deflate, gzip``.  Once the
    compressors' output for one more block of zeros repeats itself (their windows are all zeros
    by then), that output is sent again and again, so serving a bomb costs the server no CPU.
    """

    def segment(coders: list[Any], data: bytes) -> bytes:
        for coder in coders:
            data = coder.compress(data) + coder.flush(zlib.Z_SYNC_FLUSH)
        return data

    def chunks() -> Iterator[bytes]:
        coders = [zlib.compressobj(6, zlib.DEFLATED, bits) for bits in wbits]
        start = b"<html><head><title>Annual report</title></head><body><p id='start'>"
        previous = segment(coders, start + b"\0" * block)
        yield previous
        for _ in range(16):
            current = segment(coders, b"\0" * block)
            yield current
            if current == previous:
                break
            previous = current
        else:
            raise AssertionError("the compressed stream did not settle")
        for _ in range(MAX_BYTES // max(1, len(current))):
            yield current

    return chunks


def chunked(inner: Callable[[], Iterator[bytes]]) -> Callable[[], Iterator[bytes]]:
    """``inner``'s chunks in chunked transfer coding (never the last, empty chunk)."""

    def chunks() -> Iterator[bytes]:
        for chunk in inner():
            yield f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"

    return chunks


async def _not_found(writer: asyncio.StreamWriter) -> None:
    await reply(head(404, {"Content-Length": "0"}))(writer)


class HostileServer:
    """See the module docstring."""

    def __init__(self, scripts: Mapping[str, Script] | None = None) -> None:
        self.scripts: dict[str, Script] = dict(scripts or {})
        self.requests: Counter[str] = Counter()
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    def url(self, path: str, host: str = LOOPBACK) -> str:
        return f"http://{host}:{self.port}{path}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            async with asyncio.timeout(MAX_SECONDS):
                request = await reader.readuntil(b"\r\n\r\n")
            words = request[:_HEAD_LIMIT].split(b" ", 2)
            path = words[1].decode("latin-1") if len(words) > 1 else ""
            self.requests[path] += 1
            await self.scripts.get(path, _not_found)(writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
            pass  # the client went away, or never asked properly
        except asyncio.CancelledError:
            pass  # the server is stopping: end this connection quietly
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def __aenter__(self) -> HostileServer:
        self._server = await asyncio.start_server(self._serve, LOOPBACK, 0, limit=_HEAD_LIMIT)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()
