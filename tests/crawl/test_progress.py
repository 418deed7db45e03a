"""Progress line: drawn only on a TTY outside CI."""

from __future__ import annotations

import io

from checker.crawl import CrawlResult, LinkStatus, Progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _result(status: LinkStatus) -> CrawlResult:
    return CrawlResult("http://x/", status, None, "http://x/", (), False, None, "", 0.0, 1, None, None)


def test_draws_on_tty() -> None:
    out = _Tty()
    progress = Progress(3, out, env={}, min_interval=0.0)
    progress.start()
    progress(_result(LinkStatus.OK))
    progress(_result(LinkStatus.DEAD))
    progress(_result(LinkStatus.UNREACHABLE))
    progress.finish()
    text = out.getvalue()
    assert "\r" in text
    assert text.endswith("\n")
    assert "checked 3/3 links, 2 failing" in text
    assert text.count("\n") == 1


def test_silent_when_not_tty_or_ci() -> None:
    plain = io.StringIO()
    progress = Progress(1, plain, env={})
    progress.start()
    progress(_result(LinkStatus.OK))
    progress.finish()
    assert plain.getvalue() == ""
    ci = _Tty()
    quiet = Progress(1, ci, env={"CI": "true"})
    quiet.start()
    quiet(_result(LinkStatus.OK))
    quiet.finish()
    assert ci.getvalue() == ""
