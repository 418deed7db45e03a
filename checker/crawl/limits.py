"""Concurrency and politeness limits, per crawl (no module-level state).

A request first waits its turn at its host (one queue per host, first come first served),
then until the host's pace allows another request (:class:`~.pacing.HostPace`: fewer than its
window in flight, the gap since the last start passed, no ``Retry-After`` pause), then takes
one of the ``concurrency`` global slots.  Waiting at the host first means tasks queued behind
a busy host never hold a global slot, so one slow host cannot starve the others; the head of
a host's queue keeps its turn while it waits for the global slot, so two requests to one host
never start closer than the gap, and never more than the window (at most ``host_concurrency``)
are in flight.

The request at the head of a host's queue (the one whose turn it is) does the waiting; when
it has its slot, it hands the turn on, and every request behind it that may start at once
(nothing to wait for: see :func:`_start_now`) is given its slot there and then, in queue order,
until one has to wait and takes the turn.  So a burst of requests to a host with room starts
together, not one per turn of the event loop, and a request that finds nobody ahead of it and
room at its host starts without queueing at all.

Each request reports its outcome to its :class:`Ticket` (the fetcher does, after each attempt),
which is what lets the pace adapt.

robots.txt (when :meth:`RequestGate.bind` was given a session and ``CrawlConfig.robots`` is on):
the first request to a host goes alone; once the host has answered over HTTP, its robots.txt is
read, once, before the next request starts, and its ``Crawl-delay`` becomes the host's floor
(capped at ``max_host_interval``, with a note).  The gap counts from the first request's start,
so even the second request keeps to the delay.  Waiting for an answer first means a host that
cannot be reached (no DNS record, refused, silent) is never asked for robots.txt: that would
only double its failed lookups and connection attempts.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp
from yarl import URL

from checker.model.links import ErrorKind

from .config import CrawlConfig
from .pacing import HostPace
from .robots import read_crawl_delay

__all__ = ["RequestGate", "Slot", "Ticket"]

Clock = Callable[[], float]


class Ticket:
    """One request's place at its host: how long it waited, and where its outcome goes."""

    __slots__ = ("_clock", "_host", "_pace", "reported", "started", "waited")

    def __init__(self, host: _Host, started: float, waited: float, clock: Clock) -> None:
        self._host = host
        self._pace = host.pace
        self._clock = clock
        self.started = started
        self.waited = waited  # seconds queued for the slot
        self.reported: str | None = None  # why the host was slowed down, if it was

    def answered(self, status: int, retry_after: float | None = None) -> None:
        """The host answered ``status`` (with ``Retry-After`` in seconds, if it sent one)."""
        self._host.answered = True
        self.reported = self._pace.answered(self.started, self._clock(), status, retry_after)

    def failed(self, kind: ErrorKind | None) -> None:
        """No answer: the request failed with ``kind``."""
        self.reported = self._pace.failed(self.started, self._clock(), kind)


@dataclass
class _Host:
    pace: HostPace
    origin: URL | None = None  # where its robots.txt is (scheme, host and port of its first URL)
    taken: bool = False  # some request has the turn (the queue's head, waiting for its slot)
    #: the requests behind it, in order; each is told its start time when given its slot, or
    #: None when given the turn
    queue: deque[asyncio.Future[float | None]] = field(default_factory=deque)
    freed: asyncio.Event = field(default_factory=asyncio.Event)
    inflight: int = 0
    finished: int = 0  # requests that have given back their slot
    answered: bool = False  # some request got an HTTP answer
    robots_read: bool = False


class RequestGate:
    """Global and per-host limits; ``async with gate.slot(host, url) as ticket:`` (see module docstring)."""

    def __init__(
        self,
        concurrency: int,
        host_concurrency: int,
        host_interval: float,
        *,
        max_host_interval: float | None = None,
        pause_cap: float | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        defaults = CrawlConfig()
        self._global = _Semaphore(concurrency)
        self._ceiling = host_concurrency
        self._floor = host_interval
        self._cap = max(
            host_interval, defaults.max_host_interval if max_host_interval is None else max_host_interval
        )
        self._pause_cap = defaults.retry_after_cap if pause_cap is None else pause_cap
        self._clock = clock
        self._hosts: dict[str, _Host] = {}
        self._session: aiohttp.ClientSession | None = None
        self._config: CrawlConfig | None = None
        #: plain-English lines for the run's notes (a Crawl-delay that was capped)
        self.notes: list[str] = []

    def bind(self, session: aiohttp.ClientSession, config: CrawlConfig) -> None:
        """Take the caps from ``config``, and read robots.txt through ``session`` if ``config.robots``."""
        self._cap = max(self._floor, config.max_host_interval)
        self._pause_cap = config.retry_after_cap
        self._session = session if config.robots else None
        self._config = config

    def pace(self, host: str) -> HostPace | None:
        """``host``'s pacing state, once a request to it has asked for a slot."""
        state = self._hosts.get(host)
        return state.pace if state is not None else None

    def slot(self, host: str, url: URL | None = None) -> Slot:
        """Hold a request slot for ``host`` (``url``: the URL requested, which says where robots.txt is).

        ``async with gate.slot(host, url) as ticket:``; the slot is given back when the block ends.
        """
        return Slot(self, host, url)

    @property
    def _reads_robots(self) -> bool:
        return self._session is not None

    async def _read_robots(self, host: str, state: _Host) -> None:
        if self._session is not None and self._config is not None and state.origin is not None:
            async with self._global:
                delay = await read_crawl_delay(self._session, state.origin, self._config)
            if delay:
                if delay > self._cap:
                    self.notes.append(
                        f"{host} asks for {delay:g} s between requests (Crawl-delay in its robots.txt); "
                        f"checker kept {self._cap:g} s between them, the most it waits for one host"
                    )
                state.pace.set_floor(max(self._floor, min(delay, self._cap)))
        state.robots_read = True  # not when cancelled: the next request reads it then


class Slot:
    """One request's slot at a :class:`RequestGate`, held for the length of an ``async with``.

    A class rather than an ``asynccontextmanager`` generator: the slot is taken for every
    request, and the generator's machinery cost more than what the slot does.
    """

    __slots__ = ("_gate", "_host", "_state", "_url")

    def __init__(self, gate: RequestGate, host: str, url: URL | None) -> None:
        self._gate = gate
        self._host = host
        self._url = url
        self._state: _Host | None = None

    async def __aenter__(self) -> Ticket:
        gate, host, url = self._gate, self._host, self._url
        clock = gate._clock
        queued = clock()
        state = gate._hosts.get(host)
        if state is None:
            pace = HostPace(gate._ceiling, gate._floor, gate._cap, gate._pause_cap)
            state = gate._hosts[host] = _Host(pace)
        if state.origin is None and url is not None:
            state.origin = url.origin()
        self._state = state
        if state.taken:  # others are ahead: wait in line
            place: asyncio.Future[float | None] = asyncio.get_running_loop().create_future()
            state.queue.append(place)
            try:
                start = await place
            except asyncio.CancelledError:
                _leave(gate, state, place)
                raise
            if start is not None:  # its slot was taken for it, from the queue
                return Ticket(state, start, start - queued, clock)
            # the turn has come to it
        else:
            start = _start_now(gate, state)
            if start is not None:  # nobody ahead, and nothing to wait for
                return Ticket(state, start, start - queued, clock)
            state.taken = True
        try:
            start = await self._wait(state)
        finally:
            _pass_turn(gate, state)
        return Ticket(state, start, start - queued, clock)

    async def _wait(self, state: _Host) -> float:
        """With the host's turn: wait until a slot may be taken, take it, and return the start time."""
        gate, host, pace, clock = self._gate, self._host, state.pace, self._gate._clock
        while True:
            limit = _limit(gate, state)
            if state.inflight >= limit:
                state.freed.clear()
                await state.freed.wait()
                continue
            if state.answered and not state.robots_read:
                state.inflight += 1  # robots.txt is a request to the host like the others
                try:
                    await gate._read_robots(host, state)
                finally:
                    state.inflight -= 1
                continue
            delay = pace.ready_at() - clock()
            if delay > 0:
                await asyncio.sleep(delay)
                continue
            await gate._global.acquire()
            if state.inflight < limit and pace.ready_at() <= clock():
                break
            gate._global.release()  # the host slowed down meanwhile: wait again
        return _started(gate, state)

    async def __aexit__(self, *_exc: object) -> None:
        state = self._state
        assert state is not None
        state.finished += 1
        _give_back(self._gate, state)


class _Semaphore(asyncio.Semaphore):
    """``asyncio.Semaphore`` that can also be taken without an await, when nothing waits."""

    def take_now(self) -> bool:
        """Take a unit if :meth:`acquire` would at once (its own first step); False otherwise."""
        if self.locked():  # no unit left, or others wait for one (first come first served)
            return False
        self._value -= 1
        return True


def _start_now(gate: RequestGate, state: _Host) -> float | None:
    """Take a slot for a request to the host, if one may start at once: the loop of
    :meth:`Slot._wait` would take it on its first pass without waiting for anything.
    Returns its start time, or None (then nothing was taken)."""
    if (
        state.inflight >= _limit(gate, state)
        or (state.answered and not state.robots_read)
        or state.pace.ready_at() > gate._clock()
        or not gate._global.take_now()
    ):
        return None
    return _started(gate, state)


def _limit(gate: RequestGate, state: _Host) -> int:
    """How many requests the host may have in flight: its pace's window, but the first request
    goes alone (robots.txt is read once the host has answered)."""
    return state.pace.limit if state.finished or not gate._reads_robots else 1


def _started(gate: RequestGate, state: _Host) -> float:
    """A request to the host starts now (its global slot taken): count it, and return the time."""
    now = gate._clock()
    state.inflight += 1
    state.pace.started(now)
    return now


def _pass_turn(gate: RequestGate, state: _Host) -> None:
    """The request with the turn is done with it: give a slot to each request behind it that
    may start at once, in order, and the turn to the first one that may not."""
    queue = state.queue
    while queue:
        place = queue.popleft()
        if place.done():  # cancelled while it waited
            continue
        start = _start_now(gate, state)
        place.set_result(start)
        if start is None:
            return  # the turn is its now
    state.taken = False


def _leave(gate: RequestGate, state: _Host, place: asyncio.Future[float | None]) -> None:
    """A request waiting in line was cancelled: leave the line, and give back what it was given."""
    if not place.done() or place.cancelled():
        with contextlib.suppress(ValueError):
            state.queue.remove(place)
        return
    start = place.result()
    if start is None:  # it had just been given the turn
        _pass_turn(gate, state)
    else:  # it had just been given its slot, which it will never use
        _give_back(gate, state)


def _give_back(gate: RequestGate, state: _Host) -> None:
    """A slot taken for a request to the host is free again (the request is over, or never ran)."""
    state.inflight -= 1
    state.freed.set()
    gate._global.release()
