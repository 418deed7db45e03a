"""The crawler's fast paths give exactly what the slow, general code gives.

Each fast path is checked against the code it stands in for, on hand-picked cases and on
thousands of generated ones, hostile ones included: a fast path that diverged would change
a verdict (a soft 404 missed or invented, a bot wall not seen).
"""

from __future__ import annotations

import asyncio
import itertools
import random
import re
import time
import zlib
from urllib.parse import urlsplit

import aiohttp
import pytest

from checker.crawl import body, guard, limits, scan, soft404
from checker.crawl.body import BodyRead, read_capped
from checker.crawl.limits import RequestGate
from checker.crawl.scan import full_scan, plain_heads, scan_heads

from .sites import compress
from .test_scan import CASES, HOSTILE

# --- plain pages: scan.plain_heads against scan.full_scan ---------------------------------------

PLAIN_PAGES = [
    "<!doctype html><html><head><title>Digital strategy /ok/5</title></head><body>"
    "<h1>Digital strategy /ok/5</h1><p>How we will work digitally.</p></body></html>",
    "<html lang=en><head><meta charset=utf-8><TITLE>Page not found</TITLE></head>"
    "<body class='a b'><H1 id=\"top\">Sorry</H1></body></html>",
    "<title>Fish &amp; chips &#8211; &eacute;</title><h1>a</h1><h1>b</h1><h1>c</h1><h1>d</h1>",
    "<title>   </title><h1>\n \n</h1><h1></h1><h1/>",
    "<?xml version='1.0'?><!DOCTYPE html><title lang = \"en\" >x</title >",
    "no markup at all",
    "",
    "<div><title/>after<h1 class=x />y</div>",
    "<p>a > b</p><title>\x00\x1b[31mcontrol\xa0</title>",
    "<h1>cut in a reference &am</h1>",
]

NOT_PLAIN_PAGES = [
    "<!-- <title>In a comment</title> --><title>After</title>",  # a comment hides a title
    "<!-- a > <title>x</title> -->",
    "<script>'<title>In a script</title>'</script><title>t</title>",  # raw text
    "<style></style><title>t</title>",
    "<SCRIPT src=x></SCRIPT><title>t</title>",
    "<meta content='<title>fake</title>'><title>Real</title>",  # "<" in a value
    "<a href=/x/><title>bare value ending in a slash</title></a>",
    "<title>a < b</title>",  # "<" as text
    "<title>Split <b>over</b> tags</title>",  # markup in the title
    "<h1>Page <em>not</em> found</h1>",
    "<title>Cut off at the size cap",
    "<title>t</title><h1>never closed",
    "<template><title>t</title></template>",
    "<h1><rt>x</rt></h1>",
    "<pre><title> </title></pre>",
    "<textarea><h1> </h1></textarea>",
    "<![CDATA[<title>x</title>]]>",
    "<title\x0bx>t</title>",  # a space that html.parser's tag names do not stop at
    "<a b=c/>",
    '<a b="c"d="e">',
    '<a "b">bogus</a><title>t</title>',
    "</ h1><h1>x</ h1>y</h1>",
    "<title>t</title><",
]


@pytest.mark.parametrize("page", PLAIN_PAGES)
def test_plain_pages_are_read_fast_and_the_same(page: str) -> None:
    heads = plain_heads(page)
    assert heads is not None, page
    assert heads == full_scan(page)


@pytest.mark.parametrize("page", NOT_PLAIN_PAGES)
def test_other_pages_are_left_to_the_full_scan(page: str) -> None:
    assert plain_heads(page) is None
    assert scan_heads(page) == full_scan(page)


@pytest.mark.parametrize(("document", "title", "headings"), CASES)
def test_the_scan_cases_read_the_same_either_way(
    document: str, title: str | None, headings: tuple[str, ...]
) -> None:
    heads = plain_heads(document)
    assert heads is None or heads == full_scan(document), document


# pieces of plain markup, with every spelling the plain reading accepts...
_PLAIN_PIECES = [
    "<title>", "</title>", "<TITLE lang=en>", "<Title class=\"a b\">", "</TITLE >", "<title/>",
    "<title />", "<h1>", "</h1>", "<H1 id='x'>", "</H1\n>", "<h1/>", "<h1 data-x = 'y' />", "<div>",
    "</div>", "<p class=x>", "</p>", "<br>", "<br/>", "<img src=\"a.png\" alt=''>", "<a href=\"/x/\">",
    "</a>", "<span hidden>", "</span>", "<meta charset=utf-8>", "<!DOCTYPE html>", "<?xml v='1'?>",
    "<h2>", "</h2>", "<h10>", "<h1-x>", "</h1-x>", "<x-y>", "</x-y>", "<rtc>", "<title-x>", "<b>",
    "</b>", "<html lang=en-GB>", "<body\tclass=x\n>", "<a b=c >",
]  # fmt: skip
# ...text...
_TEXT_PIECES = [
    "Page not found", " ", "\n", "\t", "\r\n", "\x0c", "x", "&amp;", "&lt;", "&#32;", "&#10;", "&nbsp;",
    "&am", "\xa0", ">", "'", '"', "=", "/", "Ünïcode", "\x0b", "\x00", "404", "&#x2014",
]  # fmt: skip
# ...and what is not plain, or only nearly
_OTHER_PIECES = [
    "<!-- c -->", "<!--", "-->", "<script>", "</script>", "<style>", "</style>", "<template>",
    "</template>", "<rt>", "</rt>", "<rp>", "<pre>", "</pre>", "<textarea>", "</textarea>", "<",
    "<a href=/x/>", "<![CDATA[x]]>", "<span title='<h1>'>", "<!x>", "</ x>", "<a \"b\">", "<b\x0b>",
    "<title\xa0x>", "<a b=c/>", "<a b==c>", "<a b='c'd>", "</p class=x>", "<!->", "<?", "<h1 a=b/>",
    "<SCRIPT/>", "<Style >", "<title\u2003>", "<\u212aey>", "</h1/>", "<h1 / >",
]  # fmt: skip


def _document(rng: random.Random) -> str:
    pieces = []
    for _ in range(rng.randint(0, 24)):
        draw = rng.random()
        bag = _PLAIN_PIECES if draw < 0.55 else _TEXT_PIECES if draw < 0.97 else _OTHER_PIECES
        pieces.append(rng.choice(bag))
    return "".join(pieces)


def test_generated_pages_read_the_same_either_way() -> None:
    """Tens of thousands of documents: the plain reading, when it answers, is the full scan's."""
    rng = random.Random(20240501)
    answered = 0
    for _ in range(30_000):
        text = _document(rng)
        heads = plain_heads(text)
        if heads is not None:
            answered += 1
            assert heads == full_scan(text), text
    assert answered > 10_000  # the plain reading did most of the work, or this proves little


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_plain_reading_gives_up_at_once_on_hostile_markup(name: str) -> None:
    text = HOSTILE[name]
    started = time.process_time()
    for _ in range(10):
        heads = plain_heads(text)
    assert time.process_time() - started < 2.0  # linear: a few milliseconds each
    assert heads is None or heads == full_scan(text)


def test_a_long_plain_page_is_read_in_linear_time() -> None:
    text = "<title>t</title>" + "<p class=x id='y'>text &amp; more</p>" * 20_000 + "<a b=c " * 1000
    started = time.process_time()
    assert plain_heads(text) is None  # the very end is not plain
    assert plain_heads(text[: -len("<a b=c ") * 1000]) == full_scan(text) == scan_heads(text)
    assert time.process_time() - started < 2.0


# --- soft404: phrases looked for only in texts that hold one of their words ----------------------


@pytest.mark.parametrize(
    ("phrases", "words"),
    [
        (soft404._NOT_FOUND_PHRASES, soft404._NOT_FOUND_WORDS),
        (soft404._CHALLENGE_PHRASES, soft404._CHALLENGE_WORDS),
    ],
    ids=["not-found", "challenge"],
)
def test_every_phrase_spells_one_of_its_words(phrases: tuple[str, ...], words: tuple[str, ...]) -> None:
    """Each word appears in the pattern as plain letters, so every match of the phrase holds it."""
    for phrase in phrases:
        assert any(re.escape(word) == word and word in phrase for word in words), phrase


_PHRASE_PIECES = [
    "page", "Page", "PAGE", "not", "found", "FOUND", "can't", "can’t", "cannot", "be", "located",
    "find", "that", "this", "no", "longer", "available", "exists", "document", "does", "doesn't",
    "exist", "is", "missing", "error", "http", "404", "-", ":", "|", "–", " ", "  ", "\t", "\n", "x",
    "just", "a", "moment", "attention", "required", "checking", "your", "browser", "verify", "you",
    "are", "human", "robot", "captcha", "CAPTCHA", "request", "unsuccessful", "ddos", "protection",
    "miſſing", "exiſt", "\u212aey", "ſ", "ı", "İ", "é", "ß", "fouND", "Moment", "Not Found",
    "not  found", "page is missing", "no longer exists", "Error 404", "404:", "HTTP404", "can’t be located",
    "couldn't find this page", "file doesn’t exist", "Just a moment...", "Attention Required!",
    "verifying you are human", "Are you a robot?", "DDoS protection", "Request unsuccessful",
]  # fmt: skip


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (soft404._NOT_FOUND, soft404._NOT_FOUND_WORDS),
        (soft404._CHALLENGE_TITLE, soft404._CHALLENGE_WORDS),
    ],
    ids=["not-found", "challenge"],
)
def test_the_word_filter_never_changes_an_answer(pattern: re.Pattern[str], words: tuple[str, ...]) -> None:
    rng = random.Random(7)
    hits = 0
    for _ in range(40_000):
        pieces = [rng.choice(_PHRASE_PIECES) for _ in range(rng.randint(1, 7))]
        text = rng.choice(["", " "]).join(pieces)
        expected = pattern.search(text) is not None
        hits += expected
        assert soft404._matches(pattern, words, text) is expected, text
    assert hits > 2_000


def test_the_long_s_still_says_not_found() -> None:
    """Not ASCII, so searched: "ſ" matches "s" regardless of case, as it always did."""
    page = soft404.analyse_html("<title>Page miſſing</title>".encode(), None, anchors=False)
    assert page.not_found == "Page miſſing"


def test_a_heading_that_repeats_the_title_is_judged_once_the_same() -> None:
    page = soft404.analyse_html(b"<title>Report</title><h1>Report</h1><h1>Not found</h1>", None)
    assert page.not_found == "Not found"
    assert scan.plain_heads("<title>Report</title><h1>Report</h1><h1>Not found</h1>") is not None


# --- the request gate: slots handed out from the queue, and at once when nothing waits ----------


class _Counting:
    """A clock that moves on by one at each reading (every start has a time of its own)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


async def _run_requests(
    gate: RequestGate, plan: list[tuple[str, int, int, int]], concurrency: int
) -> dict[str, list[int]]:
    """Each request of ``plan`` (host, yields before it asks, yields it holds the slot, status)
    asks for a slot; returns, per host, the requests in the order they were given their slots,
    and checks the limits at each start."""
    started: dict[str, list[tuple[float, int]]] = {}
    running = {"all": 0}

    async def request(number: int, host: str, before: int, held: int, status: int) -> None:
        for _ in range(before):
            await asyncio.sleep(0)
        async with gate.slot(host) as ticket:
            pace = gate.pace(host)
            assert pace is not None
            state = gate._hosts[host]
            assert state.inflight <= pace.ceiling
            running["all"] += 1
            assert running["all"] <= concurrency
            started.setdefault(host, []).append((ticket.started, number))
            for _ in range(held):
                await asyncio.sleep(0)
            running["all"] -= 1
            ticket.answered(status)

    async with asyncio.timeout(30):
        await asyncio.gather(*(request(i, *step) for i, step in enumerate(plan)))
    return {host: [number for _when, number in sorted(starts)] for host, starts in started.items()}


def _plan(rng: random.Random, size: int) -> list[tuple[str, int, int, int]]:
    hosts = ["a.example", "b.example", "c.example"]
    return [
        (rng.choice(hosts), rng.randint(0, 3), rng.randint(0, 4), rng.choice([200, 200, 404, 500]))
        for _ in range(size)
    ]


@pytest.mark.parametrize("seed", range(12))
async def test_slots_go_in_arrival_order_within_the_limits(seed: int) -> None:
    """Per host, first come first served, whether a slot is taken at once, handed out from
    the queue or waited for at its head; never more in flight than the host's ceiling or the
    global limit; and every request gets its slot."""
    rng = random.Random(seed)
    concurrency, ceiling = rng.choice([(1, 1), (2, 4), (3, 2), (8, 8)])
    gate = RequestGate(concurrency, ceiling, 0.0, clock=_Counting())
    plan = _plan(rng, 60)
    arrivals: dict[str, list[int]] = {}
    order = await _run_requests(gate, plan, concurrency)
    # arrival order per host: requests ask once their "before" yields are over, earlier ones
    # first among those that ask in the same pass of the loop
    for number, (host, _before, _held, _status) in sorted(enumerate(plan), key=lambda item: item[1][1]):
        arrivals.setdefault(host, []).append(number)
    assert order == arrivals
    for host, state in gate._hosts.items():
        assert (state.inflight, state.taken, len(state.queue)) == (0, False, 0), host
    assert not gate._global.locked() and gate._global._value == concurrency


async def test_a_burst_to_a_free_host_starts_in_one_pass_of_the_loop() -> None:
    """Behind a request that had to wait, those that may start are given their slots with it."""
    gate = RequestGate(64, 16, 0.0)
    loop = asyncio.get_running_loop()
    passes: list[float] = []
    holder = gate.slot("a.example")
    first = await holder.__aenter__()
    assert first.waited >= 0
    blocked = gate.slot("b.example")  # b's first request goes at once; a's burst waits below

    async def one() -> None:
        async with gate.slot("a.example"):
            passes.append(loop.time())

    # the window of a.example starts at 8: fill it, so that the next request must wait
    fillers = [gate.slot("a.example") for _ in range(7)]
    for filler in fillers:
        await filler.__aenter__()
    burst = [asyncio.create_task(one()) for _ in range(6)]
    await asyncio.sleep(0)
    state = gate._hosts["a.example"]
    assert state.taken and len(state.queue) == 5  # the first waits for room, the others behind it
    for filler in fillers:
        await filler.__aexit__(None, None, None)
    await asyncio.gather(*burst)
    assert len(passes) == 6
    await holder.__aexit__(None, None, None)
    await blocked.__aenter__()
    await blocked.__aexit__(None, None, None)
    assert (state.inflight, state.taken, len(state.queue)) == (0, False, 0)


async def test_cancelled_requests_give_back_their_turn_and_their_slot() -> None:
    """A request cancelled in line, just after being given the turn, or just after being given
    a slot from the queue, leaves the gate as if it had never asked."""
    gate = RequestGate(2, 8, 0.0)
    x, y = gate.slot("x.example"), gate.slot("y.example")
    await x.__aenter__()
    await y.__aenter__()  # the two global slots are taken
    events: list[str] = []

    async def request(name: str) -> None:
        async with gate.slot("x.example"):
            events.append(name)
            await asyncio.sleep(0)

    holder = asyncio.create_task(request("holder"))  # waits for a global slot, with the turn
    await asyncio.sleep(0)
    second = asyncio.create_task(request("second"))
    third = asyncio.create_task(request("third"))
    fourth = asyncio.create_task(request("fourth"))
    await asyncio.sleep(0)
    state = gate._hosts["x.example"]
    assert state.taken and len(state.queue) == 3
    fourth.cancel()  # cancelled in line
    await x.__aexit__(None, None, None)  # the holder gets x's global slot...
    await y.__aexit__(None, None, None)  # ...and "second" y's, from the queue; "third" the turn
    await asyncio.sleep(0)  # the holder ran, and handed on its turn
    assert events == ["holder"] and not state.queue and state.taken and state.inflight == 2
    second.cancel()  # given a slot, cancelled before it ran
    third.cancel()  # given the turn, cancelled before it ran
    results = await asyncio.gather(holder, second, third, fourth, return_exceptions=True)
    assert events == ["holder"]
    assert [isinstance(result, asyncio.CancelledError) for result in results] == [False, True, True, True]
    assert (state.inflight, state.taken, len(state.queue)) == (0, False, 0)
    assert not gate._global.locked() and gate._global._value == 2
    async with gate.slot("x.example") as ticket:  # and the gate still works
        assert ticket.waited >= 0


@pytest.mark.parametrize("seed", range(8))
async def test_random_cancellations_leave_the_gate_whole(seed: int) -> None:
    rng = random.Random(seed)
    gate = RequestGate(3, 4, 0.0)
    plan = _plan(rng, 80)

    async def request(host: str, before: int, held: int, status: int) -> None:
        for _ in range(before):
            await asyncio.sleep(0)
        async with gate.slot(host) as ticket:
            for _ in range(held):
                await asyncio.sleep(0)
            ticket.answered(status)

    tasks = [asyncio.create_task(request(*step)) for step in plan]
    for _ in range(30):
        await asyncio.sleep(0)
        for task in rng.sample(tasks, 3):
            task.cancel()
    async with asyncio.timeout(30):
        await asyncio.gather(*tasks, return_exceptions=True)
    for host, state in gate._hosts.items():
        assert (state.inflight, state.taken, len(state.queue)) == (0, False, 0), host
    assert not gate._global.locked() and gate._global._value == 3


def _acquires_at_once(semaphore: asyncio.Semaphore) -> bool:
    """Whether ``semaphore.acquire()`` returns without waiting; the semaphore is left as it was."""
    attempt = semaphore.acquire()
    try:
        attempt.send(None)
    except StopIteration:
        semaphore._value += 1  # undo the unit it took (release() would wake a waiter)
        return True
    attempt.close()  # it waits: leave the line again
    return False


@pytest.mark.parametrize("seed", range(6))
async def test_the_global_slot_is_taken_without_an_await_exactly_when_acquire_would_not_wait(
    seed: int,
) -> None:
    """``take_now`` is ``acquire`` without the await: same answer in every state the semaphore
    goes through (units left or not, waiters queued, woken, cancelled)."""
    rng = random.Random(seed)
    semaphore = limits._Semaphore(rng.randint(1, 3))
    holders: list[asyncio.Task[bool]] = []
    checked = taken = 0
    for _ in range(400):
        action = rng.random()
        if action < 0.35:
            if len(holders) < 6:
                holders.append(asyncio.create_task(semaphore.acquire()))
        elif action < 0.6:
            done = [task for task in holders if task.done() and not task.cancelled()]
            if done:
                holders.remove(done[0])
                semaphore.release()
        elif action < 0.7:
            waiting = [task for task in holders if not task.done()]
            if waiting:
                rng.choice(waiting).cancel()
        elif action < 0.85:
            await asyncio.sleep(0)
        else:
            expected = _acquires_at_once(semaphore)
            took = semaphore.take_now()
            assert took is expected
            checked += 1
            if took:
                taken += 1
                semaphore._value += 1
    assert checked > 30 and 0 < taken < checked
    for task in holders:
        task.cancel()
    await asyncio.gather(*holders, return_exceptions=True)


# --- guard.written_host: urlsplit's host, worked out once per scheme and authority ---------------

_URL_PIECES = {
    "scheme": ["http", "https", "HTTP", "Https", "ftp", "h-t.t+p", "1http", "", " http", "\thttp"],
    "separator": ["://", ":/", ":", "", ":\t//", ":/\n/", "://\t"],
    "userinfo": ["", "user@", "u:p@", "@", "a@b@", "us\ter@", "%40@"],
    "host": [
        "www.gov.uk", "WWW.GOV.UK", "127.0.0.1", "[::1]", "[::1", "::1]", "[fe80::1%25eth0]", "[v1.x]",
        "exa\tmple.com", "exa\nmple.org", "exa\rmple", "bücher.de", "１２７.０.０.１", "xn--bcher-kva.de", "",
        "a b", "host%2e", "ho?st", "[::ffff:127.0.0.1]", "[1.2.3.4]", "a]b", "ex\u2100ample", "ex\uff03ample",
    ],
    "port": ["", ":80", ":8089", ":", ":x", ":99999", ":\t1"],
    "rest": ["", "/", "/a/b", "?q=1", "#f", "/x?y#z", "/[", "/@x:y", "\t/p", "//double"],
}  # fmt: skip


def _host_or_error(read: object, url: str) -> tuple[str, object]:
    try:
        return "host", read(url)  # type: ignore[operator]
    except Exception as exc:  # the same exception, with the same message
        return type(exc).__name__, str(exc)


def test_the_written_host_is_what_urlsplit_reads() -> None:
    rng = random.Random(3)
    guard._head_host.cache_clear()
    for _ in range(20_000):
        url = "".join(rng.choice(options) for options in _URL_PIECES.values())
        assert _host_or_error(guard.written_host, url) == _host_or_error(_urlsplit_host, url), url
    memory = guard._head_host.cache_info()
    assert memory.hits + memory.misses > 3_000 and memory.hits > 100  # the short way was tested


def _urlsplit_host(url: str) -> str | None:
    return urlsplit(url).hostname


# --- body.read_capped: no read after the end of the stream, one copy of the body ----------------


class _ScriptedStream:
    """Gives the chunks it is given, reports the end and an error as an aiohttp stream does:
    the connection fails (``set_exception``) while a read waits, so the error is there as soon
    as that read has returned, for ``exception()`` and for the next read alike."""

    def __init__(self, chunks: list[bytes], error_after: int | None) -> None:
        self._chunks = list(chunks)
        self._error_after = error_after  # the error is set once this many reads returned
        self._reads = 0
        self.error: BaseException | None = None
        self._fail_after(0)

    def _fail_after(self, reads: int) -> None:
        if reads == self._error_after:
            self.error = aiohttp.ClientPayloadError("cut off")

    async def read(self, n: int = -1) -> bytes:
        if self.error is not None:
            raise self.error
        self._reads += 1
        taken = b""
        if self._chunks:
            chunk = self._chunks[0]
            taken, self._chunks[0] = chunk[:n], chunk[n:]
            if not self._chunks[0]:
                self._chunks.pop(0)
        self._fail_after(self._reads)
        return taken

    def at_eof(self) -> bool:
        return not self._chunks

    def exception(self) -> BaseException | None:
        return self.error


async def _reference_read(
    stream: _ScriptedStream, encoding: str | None, wire_limit: int, decoded_limit: int
) -> BodyRead:
    """read_capped as it was: a read after the last chunk to find the end, a bytearray copied."""
    decoder = body._decoder_for(encoding)
    if decoder is None:
        shown = ascii(encoding)[:80]
        return BodyRead(None, False, 0, f"the page was not read: unsupported content-encoding {shown}")
    out = bytearray()
    wire = 0
    truncated = False
    while wire < wire_limit:
        chunk = await stream.read(min(body._CHUNK, wire_limit - wire))
        if not chunk:
            break
        wire += len(chunk)
        room = decoded_limit - len(out)
        if room <= 0:
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


async def _outcome(read: object, *args: object) -> object:
    try:
        return await read(*args)  # type: ignore[operator]
    except aiohttp.ClientPayloadError as exc:
        return f"raised {exc}"


async def test_reading_a_body_gives_what_it_gave() -> None:
    rng = random.Random(5)
    page = b"<title>x</title>" + bytes(rng.randrange(256) for _ in range(300_000))
    for _ in range(1_500):
        encoding = rng.choice([None, "", "identity", "gzip", "deflate", "br", "gzip, gzip"])
        data = page[: rng.choice([0, 1, 150, 70_000, 140_000, 300_000])]
        if encoding in ("gzip", "deflate", "gzip, gzip"):
            for coding in reversed([c.strip() for c in encoding.split(",")]):
                data = compress(data, 31 if coding == "gzip" else 15)
            if rng.random() < 0.1:
                data = data[: len(data) // 2] + b"garbage" + data[len(data) // 2 :]
        cut = sorted(rng.sample(range(len(data) + 1), k=min(len(data) + 1, rng.randint(0, 4))))
        chunks = [data[a:b] for a, b in itertools.pairwise([0, *cut, len(data)]) if b > a]
        error_after = rng.choice([None, None, None, 0, 1, len(chunks), len(chunks) + 1])
        wire = rng.choice([1, 150, 64 * 1024, 128 * 1024, 10**6])
        limits_ = (wire, rng.choice([1, 150, 100_000, 2 * 10**6]))
        ours = await _outcome(read_capped, _ScriptedStream(chunks, error_after), encoding, *limits_)
        theirs = await _outcome(_reference_read, _ScriptedStream(chunks, error_after), encoding, *limits_)
        assert ours == theirs, (encoding, len(data), len(chunks), error_after, limits_)
