"""The fallback server, run as its own process where nginx is not installed (or cannot delay).

    python pyserver.py --delay-ms 20

Raw asyncio, HTTP/1.1 with keep-alive: ``/ok/N`` answers 200 with a small HTML page (a title and
an h1), anything else 404; every answer after ``--delay-ms``. It listens on a free port of
127.0.0.1 and prints ``port N`` on standard output; each line ``count`` read on standard input is
answered with the number of requests served so far (the harness's request counter).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

PAGE = (
    "<!doctype html><html><head><title>Digital strategy {path}</title></head>"
    "<body><h1>Digital strategy {path}</h1><p>How we will work digitally.</p></body></html>"
)
MISSING = "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"
HEAD_END = b"\r\n\r\n"
MAX_HEAD = 65536


def answer(target: bytes, keep_alive: bool) -> bytes:
    """The whole response to one request target."""
    path = target.split(b"?", 1)[0].decode("ascii", "replace")
    status, body = (
        ("200 OK", PAGE.format(path=path)) if path.startswith("/ok/") else ("404 Not Found", MISSING)
    )
    data = body.encode()
    connection = "keep-alive" if keep_alive else "close"
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(data)}\r\nConnection: {connection}\r\n\r\n"
    )
    return head.encode() + data


class Counter:
    served = 0


class Http(asyncio.Protocol):
    """One connection: requests are answered in order, each ``delay`` seconds after it arrived."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.closing = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while not self.closing and (end := self.buffer.find(HEAD_END)) >= 0:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            self.request(head)
        if len(self.buffer) > MAX_HEAD and self.transport is not None:
            self.transport.close()

    def request(self, head: bytes) -> None:
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ")
        target = parts[1] if len(parts) >= 3 else b"/"
        version = parts[2] if len(parts) >= 3 else b"HTTP/1.0"
        headers = b"\n".join(lines[1:]).lower()
        keep_alive = (version == b"HTTP/1.1" and b"connection: close" not in headers) or (
            b"connection: keep-alive" in headers
        )
        Counter.served += 1
        self.closing = not keep_alive
        response = answer(target, keep_alive)
        if self.delay > 0:
            asyncio.get_running_loop().call_later(self.delay, self.send, response, keep_alive)
        else:
            self.send(response, keep_alive)

    def send(self, response: bytes, keep_alive: bool) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        self.transport.write(response)
        if not keep_alive:
            self.transport.close()


async def control() -> None:
    """Answer ``count`` lines on standard input until it closes (the harness has gone)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        if line.strip() == b"count":
            print(Counter.served, flush=True)


async def serve(delay_ms: float) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Http(delay_ms / 1000), "127.0.0.1", 0, backlog=4096)
    port = server.sockets[0].getsockname()[1]
    print(f"port {port}", flush=True)
    async with server:
        await control()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--delay-ms", type=float, default=0.0)
    args = parser.parse_args()
    asyncio.run(serve(args.delay_ms))


if __name__ == "__main__":
    main()
