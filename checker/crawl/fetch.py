"""Check one URL: request, follow redirects hop by hop, retry, read the body, classify.

Method policy: always ``GET``, never ``HEAD``.  Many servers answer ``HEAD``
wrongly (405, 501, 404, 403 while ``GET`` works), and a ``HEAD``-then-``GET``
fallback costs two requests for exactly the links that are already awkward.
``GET`` is safe because the body is streamed and read only when a check needs
it: for an HTML 2xx answer (soft-404 detection, plus anchors when the link has
a fragment), and a small prefix of an HTML 403/429/503 answer (bot-challenge
detection).  Other bodies are never read; the connection is simply dropped.
Reads are capped on the wire and after decompression (see :mod:`.body`).

Redirects are followed manually (``allow_redirects=False``) so every hop is
recorded, checked against the address guard, rate-limited per host and
counted.  Each attempt runs under an ``asyncio.timeout`` holding what is left of
the URL's ``total_timeout`` budget (time spent queued for a slot does not
count); aiohttp's ``connect`` and ``sock_read`` timeouts cover the phases.
Connection errors, timeouts and 429/500/502/503/504 are retried with capped
exponential backoff and full jitter, or after ``Retry-After`` when the server
sends one no longer than ``retry_after_cap``.

Whatever a server sends is a verdict on that server, never an internal error: a
``Location`` that is no usable web address is a ``bad-redirect``, an absurd or
garbled ``Retry-After`` is capped or ignored, a charset that is no text encoding
falls back to UTF-8, a page the analysis cannot read is still the page the server
answered with.  Text from the server that ends up in a detail is made printable.
Every URL, the first and each redirect hop, passes :func:`~.guard.preflight`, which
hands aiohttp the very ``yarl.URL`` whose host it judged.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import math
import random
import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import NamedTuple
from urllib.parse import urldefrag, urljoin, urlsplit

import aiohttp
from yarl import URL

from checker.model.links import ErrorKind, Hop, LinkResult, LinkStatus, fetch_key

from .body import read_capped
from .classify import RETRY_STATUSES, Verdict, classify_exception, classify_status
from .config import CrawlConfig
from .guard import preflight
from .limits import RequestGate
from .soft404 import PageInfo, analyse_html, redirect_soft404

__all__ = ["Fetcher", "parse_retry_after", "printable"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_CHALLENGE_STATUSES = frozenset({403, 429, 503})
_PREFIX_BYTES = 128 * 1024  # enough for <title> and <h1> when anchors are not needed
_CHALLENGE_BYTES = 32 * 1024
_INLINE_BYTES = 64 * 1024  # a page with anchors larger than this is parsed in a worker thread
#: the longest wait a ``Retry-After`` can ask for; anything later is "later than any cap"
RETRY_AFTER_MAX = 366 * 24 * 3600.0
_DELTA_SECONDS = re.compile(r"[0-9]+")


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date).

    ``None`` for a value that is neither (negative, fractional, garbage, a date that cannot
    be); a date in the past is 0; anything beyond a year (the year 9999, 10**400 seconds)
    is :data:`RETRY_AFTER_MAX`.  Never raises: the value is the server's.
    """
    if value is None:
        return None
    text = value.strip()
    if _DELTA_SECONDS.fullmatch(text):
        return min(float(text), RETRY_AFTER_MAX) if len(text) < 16 else RETRY_AFTER_MAX
    try:
        when = parsedate_to_datetime(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    except Exception:  # ValueError, OverflowError, IndexError...: no usable date
        return None
    if not math.isfinite(seconds):
        return None
    return min(max(0.0, seconds), RETRY_AFTER_MAX)


@functools.lru_cache(maxsize=256)
def media_type(content_type: str) -> str:
    """A ``Content-Type`` header's media type, in lower case (``text/html; charset=utf-8`` ->
    ``text/html``). Remembered: the results of a crawl share one string per type, not one each."""
    return content_type.split(";", 1)[0].strip().lower()


def printable(text: str, limit: int = 300) -> str:
    """``text`` from a server, safe to show: control and undecodable characters escaped, cut at ``limit``."""
    if len(text) <= limit and text.isprintable():  # nearly always: no copy, no per-character loop
        return text
    shown = "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text[: limit + 1])
    return shown if len(shown) <= limit else shown[:limit] + "…"


async def _analyse_in_thread(data: bytes, charset: str | None) -> PageInfo:
    """:func:`analyse_html` with anchors, in a worker thread (see :func:`_inline`)."""
    return await asyncio.to_thread(analyse_html, data, charset, anchors=True)


def _inline(data: bytes, anchors: bool) -> bool:
    """Whether :func:`analyse_html` runs inline for this body, rather than in a worker thread.

    Title and headings alone (a linear scan) cost microseconds to a few milliseconds of
    pure Python, which a thread would not take off the event loop (it holds the GIL just
    the same) but would slow down with every switch.  Anchors of a large page are parsed
    by libxml2, which releases the GIL: that runs in a thread, so the loop goes on meanwhile.
    """
    return not anchors or len(data) <= _INLINE_BYTES


def _charset(resp: aiohttp.ClientResponse) -> str | None:
    try:
        return resp.charset
    except Exception:  # a Content-Type the library cannot parse: no charset
        return None


def _follow(current: str, location: str) -> tuple[str | None, str | None]:
    """The absolute fetch key a ``Location`` leads to, or why it leads nowhere usable."""
    if not location.isprintable():
        return None, "the Location header holds control characters or bytes that are not text"
    try:
        target = fetch_key(urldefrag(urljoin(current, location.strip())).url)
        parts = urlsplit(target)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError as exc:
        return None, f"it cannot be read as a URL ({exc})"
    return target, None


_NO_REQUEST = Verdict(LinkStatus.ERROR, ErrorKind.INTERNAL, "no request was made")


class _Answer(NamedTuple):
    """One HTTP response, reduced to what the checks need (a tuple: made for every answer)."""

    status: int
    phrase: str | None
    location: str | None
    set_cookie: bool
    retry_after: float | None
    content_type: str | None
    challenge: bool
    page: PageInfo | None
    truncated: bool
    body_problem: str | None


class _State:
    """Mutable bookkeeping for one URL check."""

    __slots__ = ("attempts", "first_start", "hops", "started", "waited")

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.first_start: float | None = None  # when the first request got its slot
        self.waited = 0.0  # seconds queued for slots since then: excluded from budget and elapsed
        self.attempts = 0
        self.hops: list[Hop] = []

    def deadline(self, total: float) -> float:
        assert self.first_start is not None
        return self.first_start + total + self.waited


class Fetcher:
    """Checks URLs through one session; holds per-crawl state only."""

    def __init__(
        self, session: aiohttp.ClientSession, config: CrawlConfig, gate: RequestGate, rng: random.Random
    ) -> None:
        self._session = session
        self._config = config
        self._gate = gate
        self._rng = rng
        self._timeout = aiohttp.ClientTimeout(
            total=None, connect=config.connect_timeout, sock_read=config.read_timeout
        )
        self._host_verdicts: dict[str, Verdict] = {}
        gate.bind(session, config)  # robots.txt through this session, pacing caps from config

    async def check(self, url: str, want_anchors: bool) -> LinkResult:
        """Check ``url`` (already a :func:`fetch_key`) and follow its redirects."""
        state = _State()
        current = url
        visits: dict[str, int] | None = None  # requests per URL, once the first redirect comes
        for _ in range(self._config.max_redirects + 2):
            outcome = await self._attempts(current, state, want_anchors)
            if isinstance(outcome, Verdict):
                if state.hops:
                    outcome = dataclasses.replace(
                        outcome, detail=f"{outcome.detail} (after redirecting to {current})"
                    )
                return self._result(url, current, state, outcome)
            if outcome.status not in _REDIRECTS or not outcome.location:
                return self._final(url, current, state, outcome)
            target, problem = _follow(current, outcome.location)
            if target is None:
                shown = printable(outcome.location, 200)
                state.hops.append(Hop(current, outcome.status, shown))
                why = f"the page redirects to “{shown}”, which is not a valid web address: {problem}"
                return self._result(
                    url, current, state, Verdict(LinkStatus.ERROR, ErrorKind.BAD_REDIRECT, why)
                )
            state.hops.append(Hop(current, outcome.status, target))
            if urlsplit(target).scheme not in ("http", "https"):
                why = f"the page redirects to {printable(target)}, which is not a web address"
                return self._result(
                    url, current, state, Verdict(LinkStatus.ERROR, ErrorKind.REDIRECT_SCHEME, why)
                )
            checked = preflight(target, self._config)
            if checked.error_kind is ErrorKind.INVALID_URL:
                why = f"the page redirects to “{printable(target, 200)}”, which is not a valid web address"
                why += f": {checked.problem}" if checked.problem else ""
                return self._result(
                    url, current, state, Verdict(LinkStatus.ERROR, ErrorKind.BAD_REDIRECT, why)
                )
            if visits is None:
                visits = {url: 1}
            if visits.get(target, 0) >= (2 if outcome.set_cookie else 1):
                why = f"the page redirects in a loop (back to {target})"
                return self._result(
                    url, current, state, Verdict(LinkStatus.ERROR, ErrorKind.REDIRECT_LOOP, why)
                )
            if len(state.hops) > self._config.max_redirects:
                why = f"the page redirects more than {self._config.max_redirects} times"
                return self._result(
                    url, current, state, Verdict(LinkStatus.ERROR, ErrorKind.TOO_MANY_REDIRECTS, why)
                )
            visits[target] = visits.get(target, 0) + 1
            current = target
        raise AssertionError("unreachable: the redirect limit ends the loop")

    async def _attempts(self, url: str, state: _State, want_anchors: bool) -> _Answer | Verdict:
        """Request ``url`` with retries; return the last answer or failure."""
        config = self._config
        checked = preflight(url, config)
        if checked.url is None or checked.host is None:
            assert checked.status is not None
            return Verdict(checked.status, checked.error_kind, printable(checked.detail))
        target, host = checked.url, checked.host
        outcome: _Answer | Verdict = _NO_REQUEST
        for attempt in range(config.retries + 1):
            if host in self._host_verdicts:
                return self._host_verdicts[host]
            async with self._gate.slot(host, target) as ticket:
                now = time.monotonic()
                if state.first_start is None:
                    state.first_start = now
                else:
                    state.waited += ticket.waited
                remaining = state.deadline(config.total_timeout) - now
                if host in self._host_verdicts:
                    return self._host_verdicts[host]
                if remaining <= 0:
                    return classify_exception(TimeoutError(), host, config) if attempt == 0 else outcome
                state.attempts += 1
                try:
                    async with asyncio.timeout(remaining):
                        outcome = await self._get(target, want_anchors)
                except Exception as exc:  # every failure is classified in one place
                    outcome = classify_exception(exc, host, config)
                # the host's pace adapts to each answer (limits.py): 429, timeouts... slow it down
                if isinstance(outcome, Verdict):
                    ticket.failed(outcome.error_kind)
                else:
                    ticket.answered(outcome.status, outcome.retry_after)
            if isinstance(outcome, Verdict):
                if outcome.error_kind is not None and outcome.error_kind.host_level:
                    self._host_verdicts[host] = outcome
                retry_after = None
                transient = outcome.transient
            else:
                retry_after = outcome.retry_after
                transient = outcome.status in RETRY_STATUSES and not outcome.challenge
            if not transient or attempt == config.retries:
                return outcome
            delay = self._delay(attempt, retry_after)
            if delay is None or time.monotonic() + delay >= state.deadline(config.total_timeout):
                return outcome
            await asyncio.sleep(delay)
        return outcome

    def _delay(self, attempt: int, retry_after: float | None) -> float | None:
        config = self._config
        if retry_after is not None:
            return retry_after if retry_after <= config.retry_after_cap else None
        return self._rng.uniform(0, min(config.backoff_cap, config.backoff_base * 2**attempt))

    async def _get(self, url: URL, want_anchors: bool) -> _Answer:
        config = self._config
        body = None
        async with self._session.get(url, allow_redirects=False, timeout=self._timeout) as resp:
            status = resp.status
            headers = resp.headers
            raw_type = headers.get("Content-Type")
            content_type = media_type(raw_type) if raw_type else None
            challenge = headers.get("cf-mitigated", "").strip().lower() == "challenge"
            limit = 0
            if content_type in _HTML_TYPES and not challenge:
                if 200 <= status < 300:
                    limit = (
                        config.max_body_bytes if want_anchors else min(config.max_body_bytes, _PREFIX_BYTES)
                    )
                elif status in _CHALLENGE_STATUSES:
                    limit = min(config.max_body_bytes, _CHALLENGE_BYTES)
            problem = None
            if limit:
                try:
                    body = await read_capped(
                        resp.content, headers.get("Content-Encoding"), limit, config.max_decompressed_bytes
                    )
                except (
                    aiohttp.ClientPayloadError,
                    aiohttp.ServerTimeoutError,
                    aiohttp.ClientConnectionError,
                ):
                    problem = "the page body could not be read completely"
            has_charset = body is not None and raw_type is not None and "charset" in raw_type.lower()
            charset = _charset(resp) if has_charset else None
            reason_phrase = resp.reason
            location = headers.get("Location")
            set_cookie = "Set-Cookie" in headers
            retry_after = headers.get("Retry-After")
        # the connection is back in the pool before the page is looked at
        page = None
        if body is not None:
            problem = problem or body.problem
            if body.data is not None:
                anchors = want_anchors and 200 <= status < 300
                try:
                    if _inline(body.data, anchors):
                        page = analyse_html(body.data, charset, anchors=anchors)
                    else:
                        page = await _analyse_in_thread(body.data, charset)
                except Exception as exc:  # the page is the server's: one we cannot read is still an answer
                    problem = problem or f"the page could not be analysed ({type(exc).__name__})"
        return _Answer(
            status=status,
            phrase=printable(reason_phrase, 100) if reason_phrase else None,
            location=location,
            set_cookie=set_cookie,
            retry_after=parse_retry_after(retry_after) if retry_after is not None else None,
            content_type=content_type,
            challenge=challenge or (page is not None and page.challenge),
            page=page,
            truncated=body is not None and body.truncated,
            body_problem=problem,
        )

    def _final(self, url: str, final_url: str, state: _State, answer: _Answer) -> LinkResult:
        verdict = classify_status(answer.status, answer.phrase, challenge=answer.challenge)
        page = answer.page
        if verdict.status is LinkStatus.OK:
            said = verdict.detail  # "the server answered 200 OK"
            via = f" after redirecting to {final_url}" if state.hops else ""
            soft = redirect_soft404(url, final_url) if state.hops else None
            if page is not None and page.not_found is not None:
                why = f"{said}{via} but the page says “{page.not_found}”"
                verdict = Verdict(LinkStatus.SOFT_404, ErrorKind.NOT_FOUND_PAGE, why)
            elif soft is not None:
                verdict = Verdict(LinkStatus.SOFT_404, soft[0], soft[1])
            else:
                note = f"; {answer.body_problem}" if answer.body_problem else ""
                if via or note:  # otherwise the verdict says just that already
                    verdict = Verdict(LinkStatus.OK, None, f"{said}{via}{note}")
        elif state.hops:
            verdict = Verdict(
                verdict.status, verdict.error_kind, f"{verdict.detail} after redirecting to {final_url}"
            )
        anchors = page.anchors if page is not None and 200 <= answer.status < 300 else None
        return self._result(url, final_url, state, verdict, answer=answer, anchors=anchors)

    def _result(
        self,
        url: str,
        final_url: str,
        state: _State,
        verdict: Verdict,
        *,
        answer: _Answer | None = None,
        anchors: frozenset[str] | None = None,
    ) -> LinkResult:
        hops = tuple(state.hops)
        code = answer.status if answer is not None else (hops[-1].status_code if hops else None)
        return LinkResult(
            url=url,
            status=verdict.status,
            status_code=code,
            final_url=final_url,
            redirects=hops,
            permanent_redirect=bool(hops) and all(h.status_code in (301, 308) for h in hops),
            error_kind=verdict.error_kind,
            detail=printable(verdict.detail, 1000),
            elapsed=max(0.0, time.monotonic() - (state.first_start or state.started) - state.waited),
            attempts=state.attempts,
            content_type=answer.content_type if answer is not None else None,
            anchors=anchors,
            truncated=answer.truncated if answer is not None and anchors is not None else False,
            checked_at=datetime.now(UTC),
        )
