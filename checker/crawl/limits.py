"""Concurrency and politeness limits, per crawl (no module-level state).

A request first takes one of its host's ``host_concurrency`` slots, then waits
until ``host_interval`` has passed since the previous request start to that
host, then takes one of the ``concurrency`` global slots.  Taking the host slot
first means tasks queued behind a busy host never hold a global slot, so one
slow host cannot starve the others.  The host's interval lock is held while the
global slot is awaited, so two requests to one host can never start closer than
``host_interval`` apart.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

__all__ = ["RequestGate"]


@dataclass
class _Host:
    slots: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0


class RequestGate:
    """Global and per-host limits; ``async with gate.slot(host) as waited:``."""

    def __init__(self, concurrency: int, host_concurrency: int, host_interval: float) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._host_concurrency = host_concurrency
        self._interval = host_interval
        self._hosts: dict[str, _Host] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[float]:
        """Hold a request slot for ``host``; yields the seconds spent waiting for it."""
        queued = time.monotonic()
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(asyncio.Semaphore(self._host_concurrency))
        async with state.slots:
            async with state.lock:
                delay = state.next_start - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                await self._global.acquire()
                state.next_start = time.monotonic() + self._interval
            try:
                yield time.monotonic() - queued
            finally:
                self._global.release()
