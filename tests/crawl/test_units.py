"""Unit tests: URL keys, anchors, Retry-After, capped decompression, page analysis."""

from __future__ import annotations

import io
import warnings
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from checker.crawl import CrawlConfig
from checker.crawl.body import MAX_CODINGS, read_capped
from checker.crawl.classify import classify_status
from checker.crawl.fetch import RETRY_AFTER_MAX, media_type, parse_retry_after, printable
from checker.crawl.soft404 import analyse_html, decode_html, redirect_soft404
from checker.model.links import LinkResult, LinkStatus, fetch_key

from .sites import compress, gzip_bomb


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://www.dcms.gov.uk/publications/9586.aspx", "http://www.dcms.gov.uk/publications/9586.aspx"),
        ("HTTP://WWW.DECC.GOV.UK:80/en/Our_Goals.aspx#dds", "http://www.decc.gov.uk/en/Our_Goals.aspx"),
        ("https://www.gov.uk:443", "https://www.gov.uk/"),
        ("https://www.gov.uk:8443/a?b=1#c", "https://www.gov.uk:8443/a?b=1"),
        ("http://[::1]:80/x", "http://[::1]/x"),
        ("mailto:foo@bar.gov.uk#x", "mailto:foo@bar.gov.uk"),
        ("http://host:notaport/x#y", "http://host:notaport/x"),
    ],
)
def test_fetch_key(url: str, key: str) -> None:
    assert fetch_key(url) == key


def _result(anchors: frozenset[str] | None, truncated: bool = False) -> LinkResult:
    return LinkResult("http://x/", LinkStatus.OK, 200, "http://x/", (), False, None, "", 0.0, 1,
                       "text/html", anchors, truncated)  # fmt: skip


def test_has_anchor() -> None:
    page = _result(frozenset({"dds", "café"}))
    assert page.has_anchor("dds") is True
    assert page.has_anchor("#dds") is True
    assert page.has_anchor("caf%C3%A9") is True
    assert page.has_anchor("nope") is False
    assert page.has_anchor("") is True
    assert _result(None).has_anchor("dds") is None
    assert _result(frozenset({"a"}), truncated=True).has_anchor("b") is None


def test_parse_retry_after() -> None:
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("Fri, 31 Dec 9999 23:59:59 GMT", RETRY_AFTER_MAX),  # far future: later than any cap
        ("Fri, 31 Dec 9999 23:59:59 -2359", RETRY_AFTER_MAX),
        ("Mon, 01 Jan 0001 00:00:00 +2359", 0.0),  # far past: now
        ("9" * 400, RETRY_AFTER_MAX),  # float() of it is inf
        ("99999999999", RETRY_AFTER_MAX),
        ("Sat, 01 Jan 10000 00:00:00 GMT", None),  # a year Python cannot hold
        ("1 Jan 99999999999999999999 00:00:00 GMT", None),  # OverflowError before
        ("Sun, 06 Nov 1994 08:49:37 +99999999999999999999", None),  # OverflowError before
        ("Thu, 01 Jan 1970 00:00:00 +9999", None),
        ("\u00b2", None),  # "²".isdigit() is true: ValueError before
        ("\uff11\uff12", None),  # fullwidth digits are no delta-seconds
        ("-5", None),
        ("1.5", None),
        ("1e9", None),
        ("nan", None),
        ("\x00", None),
        ("", None),
    ],
)
def test_absurd_retry_after_is_capped_or_ignored(value: str, seconds: float | None) -> None:
    assert parse_retry_after(value, datetime(2024, 5, 1, 12, 0, tzinfo=UTC)) == seconds


@pytest.mark.parametrize(
    "charset",
    ["rot13", "base64", "zlib_codec", "hex", "bz2", "uu", "quopri", "idna", "punycode", "undefined",
     "utf-7", "unicode_escape", "no-such-charset", "utf-8\x00", "\udcff", "x" * 1000, ""],
)  # fmt: skip
def test_a_charset_that_is_no_text_encoding_falls_back(charset: str) -> None:
    body = "<title>Café</title><p id='a'>\\x41</p>\xff".encode("utf-8", "surrogateescape")
    assert decode_html(body, charset) == body.decode("utf-8", "replace")
    page = analyse_html(body, charset)
    assert (page.title, page.anchors) == ("Café", frozenset({"a"}))
    meta = analyse_html(f"<meta charset={charset[:20]!r}><title>Café</title>".encode(), None)
    assert meta.title == "Café"


def test_titles_are_printable() -> None:
    page = analyse_html(b"<title>\x1b[2J\x07Page\x00not found</title>", None)
    assert page.not_found == "[2J Page not found"
    assert printable("a\x1b[31m\udcff\u202eb") == "a\\x1b[31m\\udcff\\u202eb"
    assert printable("x" * 50, 10) == "x" * 10 + "…"


def test_config_validation() -> None:
    with pytest.raises(ValueError, match="concurrency"):
        CrawlConfig(concurrency=0)
    with pytest.raises(ValueError, match="timeouts"):
        CrawlConfig(read_timeout=0)


class _Stream:
    def __init__(self, data: bytes, chunk: int = 4096) -> None:
        self._buf = io.BytesIO(data)
        self._chunk = chunk
        self.read_bytes = 0

    async def read(self, n: int = -1) -> bytes:
        data = self._buf.read(min(n, self._chunk))
        self.read_bytes += len(data)
        return data

    def at_eof(self) -> bool:
        return self._buf.tell() == len(self._buf.getvalue())

    def exception(self) -> BaseException | None:
        return None


async def test_gzip_bomb_decompression_is_capped() -> None:
    bomb = gzip_bomb()
    stream = _Stream(bomb)
    body = await read_capped(stream, "gzip", 512 * 1024, 100_000)
    assert body.data is not None
    assert len(body.data) <= 100_000
    assert body.truncated
    assert stream.read_bytes < len(bomb)  # stopped reading early


async def test_wire_cap_and_codings() -> None:
    page = b"<html><body>" + b"x" * 10_000 + b"</body></html>"
    short = await read_capped(_Stream(page), None, 1000, 10**6)
    assert short.data == page[:1000]
    assert short.truncated
    full = await read_capped(_Stream(page), "identity", 10**6, 10**6)
    assert (full.data, full.truncated) == (page, False)
    for coding, wbits in [("gzip", 31), ("x-gzip", 31), ("deflate", 15), ("deflate", -15)]:
        decoded = await read_capped(_Stream(compress(page, wbits), chunk=100), coding, 10**6, 10**6)
        assert (decoded.data, decoded.truncated) == (page, False), (coding, wbits)
    unknown = await read_capped(_Stream(page), "br", 10**6, 10**6)
    assert unknown.data is None
    assert unknown.problem
    for stacked, layers in [("gzip, gzip", (31, 31)), ("deflate, gzip", (15, 31)), ("identity, gzip", (31,))]:
        data = page
        for wbits in layers:
            data = compress(data, wbits)
        decoded = await read_capped(_Stream(data, chunk=100), stacked, 10**6, 10**6)
        assert (decoded.data, decoded.truncated) == (page, False), stacked
    too_deep = await read_capped(_Stream(page), ", ".join(["gzip"] * (MAX_CODINGS + 1)), 10**6, 10**6)
    assert too_deep.data is None
    for odd in ["zstd", "compress", "gzip, br", "gzip;q=1", "\udcff"]:
        assert (await read_capped(_Stream(page), odd, 10**6, 10**6)).data is None, odd


async def test_stacked_bomb_is_capped_at_every_stage() -> None:
    double = compress(gzip_bomb())  # the bomb, gzipped again: a few hundred bytes
    stream = _Stream(double)
    body = await read_capped(stream, "gzip, gzip", 512 * 1024, 100_000)
    assert body.data is not None
    assert len(body.data) <= 100_000
    assert body.truncated


async def test_data_after_the_end_of_a_gzip_stream_is_not_decoded() -> None:
    members = compress(b"<p id='one'>") + compress(b"x" * 10**6) * 50
    body = await read_capped(_Stream(members), "gzip", 10**6, 10**6)
    assert body.data == b"<p id='one'>"
    corrupt = await read_capped(_Stream(b"not gzip at all" * 10), "gzip", 10**6, 10**6)
    assert corrupt.data is None


@pytest.mark.parametrize(
    "title",
    [
        "Page not found - GOV.UK",
        "404 - File or directory not found.",
        "Error 404",
        "Sorry, this page can’t be found",
        "This document is no longer available",
        "The page cannot be found",
    ],
)
def test_not_found_titles(title: str) -> None:
    page = analyse_html(f"<html><head><title>{title}</title></head><body></body></html>".encode(), None)
    assert page.not_found == title


def test_not_found_heading_and_normal_pages() -> None:
    heading = analyse_html(b"<title>DCMS</title><h1>We can't find that page</h1>", "utf-8")
    assert heading.not_found == "We can't find that page"
    normal = analyse_html(b"<title>Form 404A guidance</title><h1>Annual report 2010</h1>", None)
    assert normal.not_found is None
    assert not normal.challenge


def test_analyse_html_anchors_charset_and_no_warnings() -> None:
    body = '<?xml version="1.0"?><html><body><p id="café">x</p><a name="n1">y</a><a href="#z">z</a>'
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        page = analyse_html(body.encode("latin-1"), "iso-8859-1")
        assert page.anchors == frozenset({"café", "n1"})
        meta = analyse_html('<meta charset="windows-1252"><p id="€">'.encode("cp1252"), None)
        assert meta.anchors == frozenset({"€"})
        assert analyse_html(b"http://not-markup.example/", None).anchors == frozenset()
        assert analyse_html(b"", "no-such-charset").anchors == frozenset()


def test_challenge_page() -> None:
    page = analyse_html(b"<title>Just a moment...</title><script src='/cdn-cgi/challenge-platform/x'>", None)
    assert page.challenge


@pytest.mark.parametrize(
    ("original", "final", "kind"),
    [
        ("http://www.dcms.gov.uk/publications/9586.aspx", "https://www.gov.uk/", "redirect-home"),
        ("http://www.decc.gov.uk/en/content/cms/x.aspx", "https://www.gov.uk/index.html", "redirect-home"),
        ("http://www.dcms.gov.uk/a/b.aspx", "https://www.gov.uk/search?q=b", "redirect-search"),
        ("http://www.dcms.gov.uk/a/b.aspx", "https://www.gov.uk/search/all?keywords=b", "redirect-search"),
        ("http://www.dcms.gov.uk/", "https://www.gov.uk/", None),
        ("http://www.dcms.gov.uk/search", "https://www.gov.uk/search?q=x", None),
        ("http://www.dcms.gov.uk/a.aspx", "https://www.gov.uk/government/publications/a", None),
    ],
)
def test_redirect_soft404(original: str, final: str, kind: str | None) -> None:
    found = redirect_soft404(original, final)
    assert (found[0] if found else None) == kind


def test_zlib_max_length_zero_is_never_used() -> None:
    # documents the zlib pitfall body.read_capped guards against
    assert len(zlib.decompressobj(31).decompress(compress(b"a" * 1000), 0)) == 1000


def test_answers_alike_share_one_verdict_and_one_media_type() -> None:
    """A crawl keeps one ``detail`` and one content type string per kind of answer, not one per URL."""
    first = classify_status(200, "OK", challenge=False)
    assert classify_status(200, "OK", challenge=False).detail is first.detail
    assert first.detail == "the server answered 200 OK" and first.status is LinkStatus.OK
    assert classify_status(201, "Created", challenge=False).detail == "the server answered 201 Created"
    assert classify_status(404, None, challenge=True).status is LinkStatus.BLOCKED
    header = "".join(["Text/HTML; ", "charset=utf-8"])  # a string of its own, as each answer has
    assert media_type(header) == "text/html"
    assert media_type("".join(["Text/HTML; ", "charset=utf-8"])) is media_type(header)
    assert media_type(" application/pdf ") == "application/pdf"
