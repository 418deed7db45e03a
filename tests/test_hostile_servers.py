"""Hostile servers (issue 11): whatever a server sends is a verdict on that server.

Each case is a local server on 127.0.0.1 (:mod:`tests.crawl.hostile`) that sends what a broken
or malicious server sends: a charset that is no text encoding, a ``Location`` that is no
address, an absurd ``Retry-After``, bytes that are no HTTP, bodies and headers without end,
compression bombs in every coding the client accepts.  None may end as an internal error, none
may hang the run, none may make the crawler hold the bomb in memory (measured in a subprocess).
A whole-run time budget (``--max-time``) ends a run of hanging links promptly, and what it cut
off is "not checked", never dead.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from checker.cli import commands as cli
from checker.cli import options
from checker.crawl import CrawlConfig, crawl
from checker.model.links import ErrorKind, LinkStatus
from tests.conftest import ROOT
from tests.crawl.conftest import FAST
from tests.crawl.hostile import (
    HostileServer,
    Script,
    chunked,
    compressed,
    endless,
    hang_after,
    head,
    page,
    reply,
    zeros,
)

# the crawler tests' fast settings (the hostile server is on 127.0.0.1 too), tighter still
CONFIG = replace(FAST, read_timeout=0.5, total_timeout=3.0, retries=1, dns_probes=())
FINE = "<title>Annual report</title><h1 id='a'>Annual report 2012</h1>"
HTML = {"Content-Type": "text/html"}
NO_BODY = {"Content-Length": "0"}

OK, ERROR, UNREACHABLE, BLOCKED, SOFT_404 = (
    LinkStatus.OK,
    LinkStatus.ERROR,
    LinkStatus.UNREACHABLE,
    LinkStatus.BLOCKED,
    LinkStatus.SOFT_404,
)


def redirect(location: str | bytes, code: int = 302) -> Script:
    return reply(head(code, {"Location": location, **NO_BODY}))


def retry_after(value: str | bytes) -> Script:
    return reply(head(503, {"Retry-After": value, **NO_BODY}))


def lines(line: bytes) -> Iterator[bytes]:
    for _ in range(10**7):
        yield line


# path -> (script, expected status, expected error kind, a word the detail must hold)
CASES: dict[str, tuple[Script, LinkStatus, str | None, str]] = {
    # -- charsets: the page is fine, whatever its Content-Type or <meta> claims
    "/charset/rot13": (page(FINE, {"Content-Type": "text/html; charset=rot13"}), OK, None, "200 OK"),
    "/charset/base64": (page(FINE, {"Content-Type": "text/html; charset=base64"}), OK, None, "200 OK"),
    "/charset/zlib": (page(FINE, {"Content-Type": "text/html; charset=zlib_codec"}), OK, None, "200 OK"),
    "/charset/idna": (page(FINE + "\xff", {"Content-Type": "text/html; charset=idna"}), OK, None, "200"),
    "/charset/punycode": (
        page(FINE + "\xff", {"Content-Type": "text/html; charset=punycode"}),
        OK,
        None,
        "200",
    ),
    "/charset/undefined": (page(FINE, {"Content-Type": "text/html; charset=undefined"}), OK, None, "200"),
    "/charset/meta-hex": (page("<meta charset=hex>" + FINE), OK, None, "200 OK"),
    "/charset/unterminated": (page(FINE, {"Content-Type": 'text/html; charset="utf-8'}), OK, None, "200"),
    "/charset/bytes": (page(FINE, {"Content-Type": b"text/html; charset=\xff\xfe"}), OK, None, "200"),
    # -- Location: a bad redirect, said plainly; never followed
    "/location/ipv6": (redirect("http://[::1"), ERROR, "bad-redirect", "Invalid IPv6 URL"),
    "/location/port": (redirect("http://www.gov.uk:99999/"), ERROR, "bad-redirect", "Port out of range"),
    "/location/port-word": (redirect("http://www.gov.uk:abc/"), ERROR, "bad-redirect", "not a valid web"),
    "/location/space": (redirect("http://exa mple.org/"), ERROR, "bad-redirect", "not a valid host name"),
    "/location/bytes": (redirect(b"http://\xff\xfe/x"), ERROR, "bad-redirect", "not text"),
    "/location/control": (redirect(b"/a\x01b"), ERROR, "bad-redirect", "control characters"),
    "/location/hex-ip": (redirect("http://0x7f.1/x"), ERROR, "bad-redirect", "non-standard form"),
    "/location/decimal-ip": (redirect("http://2130706433/x"), ERROR, "bad-redirect", "non-standard form"),
    "/location/fullwidth-ip": (
        redirect("http://１２７.０.０.１/x".encode()),
        ERROR,
        "bad-redirect",
        "non-standard form (it means 127.0.0.1)",
    ),
    "/location/zone": (redirect("http://[fe80::1%25lo]/"), ERROR, "bad-redirect", "zone"),
    "/location/javascript": (redirect("javascript:alert(1)"), ERROR, "redirect-scheme", "not a web address"),
    "/location/file": (redirect("file:///etc/passwd"), ERROR, "redirect-scheme", "not a web address"),
    "/location/empty": (redirect(""), ERROR, "http-status", "without a usable Location"),
    # -- Retry-After: absurd values are capped (later than any cap: give up) or ignored (back off)
    "/retry/year-9999": (retry_after("Fri, 31 Dec 9999 23:59:59 GMT"), ERROR, "http-status", "503"),
    "/retry/year-10000": (retry_after("Sat, 01 Jan 10000 00:00:00 GMT"), ERROR, "http-status", "503"),
    "/retry/huge-year": (retry_after("1 Jan 99999999999999999999 00:00:00 GMT"), ERROR, "http-status", "503"),
    "/retry/huge-offset": (
        retry_after("Sun, 06 Nov 1994 08:49:37 +99999999999"),
        ERROR,
        "http-status",
        "503",
    ),
    "/retry/huge-number": (retry_after("9" * 400), ERROR, "http-status", "503"),
    "/retry/negative": (retry_after("-5"), ERROR, "http-status", "503"),
    "/retry/superscript": (retry_after("²".encode()), ERROR, "http-status", "503"),
    "/retry/garbage": (retry_after(b"soon\x7f"), ERROR, "http-status", "503"),
    # -- headers and status lines
    "/header/bytes": (
        reply(head(200, {**HTML, "X-Odd": b"\xff\xfe\x80", "Content-Length": "3"}), b"<p>"),
        OK,
        None,
        "200",
    ),
    "/header/nul": (reply(head(200, {"X-Odd": b"a\x00b", **NO_BODY})), ERROR, "bad-response", "malformed"),
    "/header/endless": (
        endless(b"HTTP/1.1 200 OK\r\n", lambda: lines(b"X-A: b\r\n")),
        ERROR,
        "bad-response",
        "malformed",
    ),
    "/header/endless-line": (
        endless(b"HTTP/1.1 200 OK\r\nX-A: ", lambda: lines(b"a" * 65536)),
        ERROR,
        "bad-response",
        "malformed",
    ),
    "/status/endless-line": (
        endless(b"HTTP/1.1 200 ", lambda: lines(b"a" * 65536)),
        ERROR,
        "bad-response",
        "malformed",
    ),
    "/status/100-only": (
        reply(b"HTTP/1.1 100 Continue\r\n\r\n"),
        UNREACHABLE,
        "disconnected",
        "closed the connection",
    ),
    "/status/103-then-200": (
        reply(b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n", head(200, NO_BODY)),
        OK,
        None,
        "200",
    ),
    "/status/101": (
        hang_after(head(101, {"Upgrade": "websocket", "Connection": "Upgrade"})),
        ERROR,
        "http-status",
        "101",
    ),
    "/status/199": (reply(head(199, NO_BODY)), UNREACHABLE, "disconnected", "closed the connection"),
    "/status/999": (
        reply(head(999, NO_BODY, reason="Request denied")),
        BLOCKED,
        "forbidden",
        "999 Request denied",
    ),
    "/status/600": (reply(head(600, NO_BODY)), ERROR, "http-status", "600"),
    "/status/1000": (reply(head(1000, NO_BODY)), ERROR, "bad-response", "malformed"),
    "/status/000": (reply(head("000", NO_BODY)), ERROR, "http-status", "answered 0"),
    "/status/escape-reason": (reply(head(299, NO_BODY, reason="\x1b[31mred")), OK, None, "\\x1b[31mred"),
    # -- bodies
    "/length/short-then-close": (
        reply(head(200, {**HTML, "Content-Length": "100000"}), FINE.encode()),
        OK,
        None,
        "could not be read completely",
    ),
    "/length/short-then-hang": (
        hang_after(head(200, {**HTML, "Content-Length": "100000"}), FINE.encode()),
        OK,
        None,
        "could not be read completely",
    ),
    "/length/garbage": (reply(head(200, {"Content-Length": "abc"})), ERROR, "bad-response", "malformed"),
    "/length/negative": (reply(head(200, {"Content-Length": "-1"})), ERROR, "bad-response", "malformed"),
    "/length/and-chunked": (
        reply(head(200, {"Content-Length": "1", "Transfer-Encoding": "chunked"}), b"0\r\n\r\n"),
        ERROR,
        "bad-response",
        "malformed",
    ),
    "/chunked/truncated": (
        reply(head(200, {**HTML, "Transfer-Encoding": "chunked"}), b"50\r\n" + FINE.encode()[:30]),
        OK,
        None,
        "could not be read completely",
    ),
    "/chunked/bad-size": (
        reply(head(200, {**HTML, "Transfer-Encoding": "chunked"}), b"zz\r\nabc"),
        ERROR,
        "bad-response",
        "malformed",
    ),
    "/chunked/huge-size": (
        reply(head(200, {**HTML, "Transfer-Encoding": "chunked"}), b"F" * 24 + b"\r\nabc"),
        ERROR,
        "bad-response",
        "malformed",
    ),
    "/gzip/corrupt": (
        page(b"\x1f\x8b" + b"not gzip" * 10, {"Content-Encoding": "gzip"}),
        OK,
        None,
        "corrupt",
    ),
    "/title/escapes": (
        page("<title>\x1b[2J\x07Page not found</title>"),
        SOFT_404,
        "not-found-page",
        "“[2J Page not found”",
    ),
    "/html/odd-markup": (page("<![if x]><!DOCTYPE x [ <!ENTITY a 'b'> ]><title>x"), OK, None, "200"),
    # -- replies that are no HTTP at all
    "/reply/empty": (reply(), UNREACHABLE, "disconnected", "closed the connection"),
    "/reply/garbage": (reply(b"hello\r\n\r\n"), ERROR, "bad-response", "malformed"),
    "/reply/http-0.9": (reply(FINE.encode()), ERROR, "bad-response", "malformed"),
    "/reply/http2-preface": (
        reply(b"\x00\x00\x12\x04\x00\x00\x00\x00\x00"),
        ERROR,
        "bad-response",
        "malformed",
    ),
}


@pytest.fixture(scope="module")
def verdicts() -> dict[str, tuple[LinkStatus, str | None, str, int, float]]:
    """Every case crawled once, each alone: path -> (status, kind, detail, attempts, seconds)."""

    async def run() -> dict[str, tuple[LinkStatus, str | None, str, int, float]]:
        found = {}
        async with HostileServer({path: case[0] for path, case in CASES.items()}) as server:
            for path in CASES:
                started = time.monotonic()
                report = await crawl([server.url(path)], CONFIG)
                result = report.results[server.url(path)]
                found[path] = (
                    result.status,
                    result.error_kind,
                    result.detail,
                    result.attempts,
                    time.monotonic() - started,
                )
        return found

    return asyncio.run(run())


@pytest.mark.parametrize("path", list(CASES))
def test_each_hostile_answer_is_a_verdict_on_the_server(
    verdicts: dict[str, tuple[LinkStatus, str | None, str, int, float]], path: str
) -> None:
    _script, status, kind, word = CASES[path]
    found, found_kind, detail, _attempts, seconds = verdicts[path]
    assert (found, found_kind) == (status, kind), detail
    assert found_kind != ErrorKind.INTERNAL
    assert word in detail, detail
    assert detail.isprintable(), detail
    assert seconds < CONFIG.total_timeout + 1.0


def test_absurd_retry_after_never_waits(
    verdicts: dict[str, tuple[LinkStatus, str | None, str, int, float]],
) -> None:
    # a date later than any cap gives up at once; garbage is ignored and ordinary backoff retries
    assert verdicts["/retry/year-9999"][3] == 1
    assert verdicts["/retry/huge-number"][3] == 1
    assert verdicts["/retry/garbage"][3] == CONFIG.retries + 1
    assert max(verdicts[path][4] for path in CASES if path.startswith("/retry/")) < 1.0


async def test_a_malformed_location_is_never_followed() -> None:
    # the hop is recorded as the server sent it (made printable), and nothing after it is asked
    async with HostileServer({"/moved": redirect(b"http://[::1\x01/secret")}) as server:
        report = await crawl([server.url("/moved")], CONFIG)
        result = report.results[server.url("/moved")]
        assert (result.status, result.error_kind, result.status_code) == (ERROR, "bad-redirect", 302)
        assert [hop.location for hop in result.redirects] == ["http://[::1\\x01/secret"]
        assert sum(server.requests.values()) == 1


# --- the whole run's time budget -----------------------------------------------------------------

HANGING = {f"/hang/{n}": hang_after() for n in range(31)}


async def test_time_budget_ends_a_run_of_hanging_links_promptly() -> None:
    # 31 links on one host that accept the connection and never answer: at --timeout 5 and two
    # requests at a time to a host, about 80 s; with a budget of 2 s, a little over 2 s
    slow = CrawlConfig(
        host_interval=0.0,
        connect_timeout=2.5,
        read_timeout=5.0,
        total_timeout=5.0,
        allow_private=True,
        max_time=2.0,
    )
    async with HostileServer(HANGING) as server:
        urls = [server.url(path) for path in HANGING]
        started = time.monotonic()
        report = await crawl(urls, slow)
        took = time.monotonic() - started
        assert 0 < sum(server.requests.values()) <= 2 * slow.retries + 2  # only the first two started
    assert took < 3.0, took
    assert {(r.status, r.error_kind) for r in report.results.values()} == {
        (LinkStatus.UNCHECKED, "time-budget")
    }
    assert len(report.results) == 31
    assert all("time budget" in r.detail for r in report.results.values())
    assert not report.network_down


async def test_what_finished_before_the_budget_keeps_its_verdict() -> None:
    scripts = {"/fine": page(FINE), "/gone": reply(head(404, NO_BODY)), **HANGING}
    budget = CrawlConfig(
        host_interval=0.0, read_timeout=5.0, total_timeout=5.0, allow_private=True, max_time=1.0
    )
    async with HostileServer(scripts) as server:
        report = await crawl([server.url(p) for p in scripts], budget)
        statuses = {path: report.results[server.url(path)].status for path in scripts}
    assert statuses.pop("/fine") is LinkStatus.OK
    assert statuses.pop("/gone") is LinkStatus.DEAD
    assert set(statuses.values()) == {LinkStatus.UNCHECKED}


async def test_max_time_flag_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    async with HostileServer(HANGING) as server:
        links = "\n".join(f"- [Report {n}]({server.url(path)})" for n, path in enumerate(HANGING))
        document = tmp_path / "page.md"
        document.write_text(f"# Reports\n\n{links}\n", encoding="utf-8")
        argv = [
            "check",
            "--timeout",
            "5",
            "--max-time",
            "2",
            "--allow-private",
            "--format",
            "json",
            str(document),
        ]
        started = time.monotonic()
        await asyncio.to_thread(cli.main, argv)
        took = time.monotonic() - started
    assert took < 4.0, took
    output = json.loads(capsys.readouterr().out)
    assert len(output["links"]) == 31
    assert {(link["status"], link["error_kind"]) for link in output["links"]} == {
        ("unchecked", "time-budget")
    }
    assert not [
        f for f in output["findings"] if f["rule"].startswith("link-") and f["rule"] != "link-insecure"
    ]
    assert any("time budget" in note and "31 URLs were not checked" in note for note in output["notes"])
    assert output["summary"]["links"]["unchecked"] == 31


# --- endless bodies and compression bombs, with the memory they take ---------------------------

GZIP, DEFLATE, RAW_DEFLATE = 31, 15, -15


def _html(**headers: str) -> bytes:
    return head(200, {"Content-Type": "text/html; charset=utf-8", **headers})


# each inflates without end (about 1 MiB per KiB on the wire): read uncapped, any would take gigabytes
BOMBS: dict[str, tuple[Script, bool]] = {  # path -> (script, cut off: read up to a cap and no further)
    "/bomb/gzip": (endless(_html(**{"Content-Encoding": "gzip"}), compressed(GZIP)), True),
    "/bomb/x-gzip": (endless(_html(**{"Content-Encoding": "x-gzip"}), compressed(GZIP)), True),
    "/bomb/deflate": (endless(_html(**{"Content-Encoding": "deflate"}), compressed(DEFLATE)), True),
    "/bomb/raw-deflate": (endless(_html(**{"Content-Encoding": "deflate"}), compressed(RAW_DEFLATE)), True),
    "/bomb/gzip-gzip": (endless(_html(**{"Content-Encoding": "gzip, gzip"}), compressed(GZIP, GZIP)), True),
    "/bomb/deflate-gzip": (
        endless(_html(**{"Content-Encoding": "deflate, gzip"}), compressed(DEFLATE, GZIP)),
        True,
    ),
    "/bomb/gzip-chunked": (
        endless(
            _html(**{"Content-Encoding": "gzip", "Transfer-Encoding": "chunked"}), chunked(compressed(GZIP))
        ),
        True,
    ),
    "/bomb/gzip-as-transfer-coding": (
        endless(_html(**{"Transfer-Encoding": "gzip, chunked"}), chunked(compressed(GZIP))),
        True,
    ),
    "/bomb/identity": (endless(_html(), zeros()), True),
    "/bomb/identity-named": (endless(_html(**{"Content-Encoding": "identity"}), zeros()), True),
    "/bomb/identity-chunked": (endless(_html(**{"Transfer-Encoding": "chunked"}), chunked(zeros())), True),
    "/bomb/gzip-lying-length": (
        endless(_html(**{"Content-Encoding": "gzip", "Content-Length": "1000"}), compressed(GZIP)),
        False,
    ),
    "/bomb/gzip-403-challenge-prefix": (
        endless(head(403, {"Content-Type": "text/html", "Content-Encoding": "gzip"}), compressed(GZIP)),
        False,
    ),
    "/bomb/gzip-x3": (
        endless(_html(**{"Content-Encoding": "gzip, gzip, gzip"}), compressed(GZIP, GZIP, GZIP)),
        False,
    ),
    "/bomb/br": (endless(_html(**{"Content-Encoding": "br"}), zeros()), False),
    "/bomb/zstd": (endless(_html(**{"Content-Encoding": "zstd"}), zeros()), False),
    "/bomb/compress": (endless(_html(**{"Content-Encoding": "compress"}), zeros()), False),
    "/bomb/pdf": (
        endless(head(200, {"Content-Type": "application/pdf", "Content-Encoding": "gzip"}), compressed(GZIP)),
        False,
    ),
    "/bomb/endless-headers": (
        endless(b"HTTP/1.1 200 OK\r\n", lambda: lines(b"X-Padding: " + b"a" * 200 + b"\r\n")),
        False,
    ),
}

#: the most Python memory one bomb may take (tracemalloc): the 2 MiB decoded cap, its copies and
#: the parse of it, with room; an uncapped read of any bomb above would take gigabytes
PEAK_LIMIT = 24 * 1024 * 1024
#: how far the probe process's peak resident size may rise over all the bombs
RSS_LIMIT = 96 * 1024 * 1024


async def test_bombs_are_cut_off_and_memory_stays_small() -> None:
    async with HostileServer(
        {"/warm-up": page(FINE), **{path: bomb[0] for path, bomb in BOMBS.items()}}
    ) as server:
        urls = [server.url("/warm-up"), *(server.url(path) for path in BOMBS)]
        probe = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.crawl.memory_probe",
            *urls,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        async with asyncio.timeout(120):
            out, err = await probe.communicate()
    assert probe.returncode == 0, err.decode()
    measured = json.loads(out)
    results = {path: measured["results"][server.url(path)] for path in BOMBS}
    worst = max(results, key=lambda path: results[path]["peak"])
    mib = 2**20
    summary = (
        f"worst {worst}: {results[worst]['peak'] / mib:.1f} MiB; rss +{measured['rss_growth'] / mib:.1f} MiB"
    )
    print(summary)
    for path, (_script, cut_off) in BOMBS.items():
        result = results[path]
        assert result["error_kind"] != "internal", (path, result)
        assert result["peak"] < PEAK_LIMIT, (path, result, summary)
        assert result["seconds"] < 5.0, (path, result)
        assert result["truncated"] is cut_off, (path, result)
        if path == "/bomb/endless-headers":
            assert (result["status"], result["error_kind"]) == ("error", "bad-response"), result
        elif path == "/bomb/gzip-403-challenge-prefix":
            assert (result["status"], result["error_kind"]) == ("blocked", "forbidden"), result
        else:
            assert result["status"] == "ok", (path, result)
    assert measured["rss_growth"] < RSS_LIMIT, summary


@pytest.mark.parametrize(
    ("given", "max_time"),
    [([], None), (["--max-time", "90"], 90.0), (["--max-time", "90s"], 90.0), (["--max-time", "2h"], 7200.0),
     (["--max-time", "0"], None)],
)  # fmt: skip
def test_max_time_flag_reaches_the_crawler(given: list[str], max_time: float | None) -> None:
    args = cli._parser().parse_args(["check", *given, "x.md"])
    assert options.link_options(options.settings_of(args)).config.max_time == max_time


def test_max_time_in_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".checker.yaml").write_text("crawl:\n  max_time: 15m\n", encoding="utf-8")
    args = cli._parser().parse_args(["check", "x.md"])
    assert options.link_options(options.settings_of(args)).config.max_time == 900.0
    (tmp_path / ".checker.yaml").write_text("crawl:\n  max_time: soon\n", encoding="utf-8")
    (tmp_path / "x.md").write_text("# x\n", encoding="utf-8")
    assert cli.main(["check", "x.md"]) == 2
    assert ".checker.yaml:2: crawl.max_time: 'soon' is not a time such as 120" in capsys.readouterr().err
