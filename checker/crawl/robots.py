"""A host's ``Crawl-delay`` from its ``robots.txt``: read once per host, bounded, never fatal.

Only ``Crawl-delay`` is read: a link checker asks for each page once, as a reader following
the link would, so ``Disallow`` does not apply to it; but a host that asks for time between
requests gets it (up to a cap, see :class:`~checker.crawl.limits.RequestGate`).

The file is fetched through the crawl's own session, so the address guard's resolver and
socket checks apply, and every URL (the first and each of at most :data:`MAX_REDIRECTS`
redirects) passes :func:`~.guard.preflight` as a link's would.  The whole read is bounded in
time (``CrawlConfig.robots_timeout``) and size (:data:`MAX_BYTES`, as RFC 9309 allows: a
longer file is read up to there).  A file that is missing, slow, huge, garbled or answers
an error means no delay: a broken ``robots.txt`` never stalls or fails a crawl.

Groups follow RFC 9309: a group is one or more ``User-agent`` lines and the rules after them;
the group naming our product token (the user agent up to its first ``/`` or space, any case)
applies, else the ``*`` group.  A ``Crawl-delay`` that is not a non-negative number is ignored;
several in one group: the longest.
"""

from __future__ import annotations

import asyncio
import math
import re
from urllib.parse import urljoin

import aiohttp
from yarl import URL

from .config import CrawlConfig
from .guard import preflight

__all__ = ["MAX_BYTES", "MAX_REDIRECTS", "crawl_delay", "product_token", "read_crawl_delay"]

#: the most of a robots.txt that is read (RFC 9309 asks crawlers to read at least 500 KiB)
MAX_BYTES = 512 * 1024
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_TOKEN_END = re.compile(r"[/\s]")


def product_token(user_agent: str) -> str:
    """``checker`` from ``checker/0.1 (+link checker)``: what robots.txt groups name, lowercased."""
    return _TOKEN_END.split(user_agent.strip(), maxsplit=1)[0].lower()


def _delay(value: str) -> float | None:
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def crawl_delay(text: str, user_agent: str) -> float | None:
    """The ``Crawl-delay`` that ``text`` (a robots.txt) sets for ``user_agent``, or None."""
    token = product_token(user_agent)
    groups: list[tuple[set[str], list[float]]] = []
    agents: set[str] | None = None  # the group being read; None until a User-agent line
    in_rules = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0]
        field, colon, value = line.partition(":")
        if not colon:
            continue
        field, value = field.strip().lower(), value.strip()
        if field == "user-agent":
            if agents is None or in_rules:
                agents = set()
                groups.append((agents, []))
                in_rules = False
            agents.add(product_token(value) if value != "*" else "*")
        elif agents is not None:
            in_rules = True
            if field == "crawl-delay" and (seconds := _delay(value)) is not None:
                groups[-1][1].append(seconds)
    ours = [delays for names, delays in groups if token and token in names]
    chosen = ours or [delays for names, delays in groups if "*" in names]
    found = [seconds for delays in chosen for seconds in delays]
    return max(found) if found else None


async def read_crawl_delay(session: aiohttp.ClientSession, origin: URL, config: CrawlConfig) -> float | None:
    """The ``Crawl-delay`` for us in ``origin``'s robots.txt; None when there is none or it cannot be read."""
    try:
        async with asyncio.timeout(config.robots_timeout):
            text = await _fetch(session, str(origin.with_path("/robots.txt")), config)
    except Exception:  # the host's robots.txt is the host's: whatever goes wrong, no delay
        return None
    return crawl_delay(text, config.user_agent) if text is not None else None


async def _fetch(session: aiohttp.ClientSession, url: str, config: CrawlConfig) -> str | None:
    timeout = aiohttp.ClientTimeout(
        total=None, connect=config.connect_timeout, sock_read=min(config.read_timeout, config.robots_timeout)
    )
    headers = {"Accept": "text/plain", "Accept-Encoding": "identity"}  # no decompression needed
    for _ in range(MAX_REDIRECTS + 1):
        checked = preflight(url, config)
        if checked.url is None:
            return None
        async with session.get(checked.url, allow_redirects=False, timeout=timeout, headers=headers) as resp:
            location = resp.headers.get("Location")
            if resp.status in _REDIRECTS and location:
                url = urljoin(url, location)
                continue
            if not 200 <= resp.status < 300:
                return None
            return (await _read(resp.content)).decode("utf-8", errors="replace")  # RFC 9309: UTF-8
    return None


async def _read(stream: aiohttp.StreamReader) -> bytes:
    """Up to :data:`MAX_BYTES` of ``stream``; the rest is never read."""
    data = bytearray()
    while len(data) < MAX_BYTES:
        chunk = await stream.read(MAX_BYTES - len(data))
        if not chunk:
            break
        data += chunk
    return bytes(data)
