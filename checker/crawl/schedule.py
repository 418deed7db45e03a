"""Which URL to check next: de-duplication as URLs arrive, and a bounded set of checks at once.

The crawler used to create one task per distinct URL up front (100,000 tasks for 100,000
URLs, each holding a coroutine frame until the end).  A :class:`Schedule` instead keeps the
URLs not yet started in a queue per host, and lets a check start only while

* fewer than ``window`` checks run in all (a few times the global concurrency, so that the
  request gate always has work queued and URLs queued behind a paced host cannot hold up
  the others), and
* fewer than ``host_cap`` checks run for the URL's host (the host's ceiling of requests at
  once: more would only wait at the gate, holding room that other hosts could use).

Hosts take turns (round robin), so a page with 1,000 links to one host does not delay the
links to other hosts behind it.  The host of a URL here is its authority (``host:port``)
as written; the gate limits by the host really requested, redirects included.

URLs can keep arriving while checks run (:meth:`add`, then :meth:`close`).  Each distinct
:func:`~checker.model.links.fetch_key` is checked once, with anchors when any occurrence has a
``#fragment`` (the semantics of :func:`.crawler.plan`).  When the fragment comes only after a
check without anchors has started, the result of that check is not final: a page whose
anchors it lacks (an HTML 2xx answer) is checked again with anchors, so that one URL costs two
requests.  To report each URL exactly once, such results are held back until the input ends
(:meth:`hold`); a check that is started again keeps its first result as a fallback for when
the time budget runs out first.
"""

from __future__ import annotations

import asyncio
from collections import deque

from checker.model.links import LinkResult

__all__ = ["Schedule", "lacks_anchors"]

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def lacks_anchors(result: LinkResult) -> bool:
    """Whether a check with anchors would tell more: an HTML 2xx page read without them."""
    code = result.status_code
    return (
        result.anchors is None
        and code is not None
        and 200 <= code < 300
        and result.content_type in _HTML_TYPES
    )


def host_of(key: str) -> str:
    """The authority of a fetch key (``http://host:port/path`` → ``host:port``), without parsing."""
    return key.partition("//")[2].partition("/")[0]


class Schedule:
    """URLs to check, in arrival order host by host, and the checks running (see module docstring)."""

    def __init__(self, window: int, host_cap: int) -> None:
        self.window = window
        self.host_cap = host_cap
        #: every fetch key seen, mapped to "some occurrence has a fragment" (the plan so far)
        self.wanted: dict[str, bool] = {}
        self._waiting: dict[str, deque[str]] = {}  # host -> keys not started yet
        self._turns: deque[str] = deque()  # hosts that may start a check now, each at most once
        self._running: dict[str, int] = {}  # host -> checks running
        self._started: dict[str, bool] = {}  # key -> whether its running check reads anchors
        self._held: dict[str, LinkResult] = {}  # results without anchors, until the input ends
        self._fallback: dict[str, LinkResult] = {}  # first results of keys started again
        self.running = 0
        self.open = True  # more URLs may come
        self.error: BaseException | None = None  # the input failed with this
        self._changed = asyncio.Event()

    # --- input ---------------------------------------------------------------------------------

    def add(self, key: str, fragment: bool) -> bool:
        """Take one occurrence of ``key``; True when the key is new (the caller decides what it is)."""
        known = self.wanted.get(key)
        if known is None:
            self.wanted[key] = fragment
            return True
        if fragment and not known:
            self.wanted[key] = True
            self._upgrade(key)
        return False

    def enqueue(self, key: str) -> None:
        """Queue a new key for checking."""
        host = host_of(key)
        queue = self._waiting.get(host)
        if queue is None:
            queue = self._waiting[host] = deque()
        queue.append(key)
        if len(queue) == 1 and self._running.get(host, 0) < self.host_cap:
            self._turns.append(host)
        self._changed.set()

    def close(self, error: BaseException | None = None) -> list[LinkResult]:
        """No more URLs will come; returns the held results, which are now final."""
        self.open = False
        self.error = error
        held = list(self._held.values())
        self._held.clear()
        self._changed.set()
        return held

    def _upgrade(self, key: str) -> None:
        """A fragment arrived for ``key`` after it was first seen without one."""
        held = self._held.pop(key, None)
        if held is not None:  # checked without anchors: check again, with them
            self._fallback[key] = held
            self.enqueue(key)
        # still waiting: it will start with anchors; running without: see :meth:`finished`

    # --- checks --------------------------------------------------------------------------------

    def next(self) -> tuple[str, bool] | None:
        """A key that may start now and whether to read its anchors, or None."""
        if self.running >= self.window or not self._turns:
            return None
        host = self._turns.popleft()
        queue = self._waiting[host]
        key = queue.popleft()
        if not queue:
            del self._waiting[host]
        count = self._running.get(host, 0) + 1
        self._running[host] = count
        if queue and count < self.host_cap:
            self._turns.append(host)
        self.running += 1
        anchors = self.wanted[key]
        self._started[key] = anchors
        return key, anchors

    def finished(self, key: str, result: LinkResult | None) -> LinkResult | None:
        """A check of ``key`` ended with ``result`` (None: cancelled); the result to report now, if any.

        A result without the anchors a later occurrence asked for starts the key again (and is
        kept as its fallback); while more URLs may come, one that might yet be asked for its
        anchors is held (:meth:`close` gives it back).
        """
        anchors = self._started.pop(key)
        host = host_of(key)
        count = self._running[host] - 1
        if count:
            self._running[host] = count
        else:
            del self._running[host]
        if count == self.host_cap - 1 and host in self._waiting:
            self._turns.append(host)
        self.running -= 1
        self._changed.set()
        if result is None:
            return None
        if anchors or not lacks_anchors(result):
            self._fallback.pop(key, None)
            return result
        if self.wanted[key]:  # asked for while it ran
            self._fallback[key] = result
            self.enqueue(key)
            return None
        if self.open:
            self._held[key] = result
            return None
        return result

    def fallback(self, key: str) -> LinkResult | None:
        """The result of a check without anchors for ``key``, if one was started again."""
        return self._fallback.get(key)

    @property
    def done(self) -> bool:
        """Nothing more will start or come in."""
        return not self.open and not self.running and not self._waiting

    async def changed(self) -> None:
        """Wait until a URL comes, a check ends, or the input closes."""
        await self._changed.wait()
        self._changed.clear()
