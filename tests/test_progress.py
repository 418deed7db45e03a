"""The progress line: drawn by the CLI, only on a terminal outside CI; the engine only reports events."""

from __future__ import annotations

import io

from checker.cli.options import progress_enabled as _progress_enabled
from checker.cli.progress import Progress
from checker.model.links import LinkResult, LinkStatus


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _result(status: LinkStatus) -> LinkResult:
    return LinkResult("http://x/", status, None, "http://x/", (), False, None, "", 0.0, 1, None, None)


def test_draws_when_enabled() -> None:
    out = _Tty()
    progress = Progress(out, enabled=True, min_interval=0.0)
    progress.planned(3)
    progress.checked(_result(LinkStatus.OK))
    progress.checked(_result(LinkStatus.DEAD))
    progress.checked(_result(LinkStatus.UNREACHABLE))
    progress.done()
    text = out.getvalue()
    assert "\r" in text
    assert text.endswith("\n")
    assert "checked 3/3 links, 2 failing" in text
    assert text.count("\n") == 1


def test_silent_when_disabled() -> None:
    out = _Tty()
    progress = Progress(out, enabled=False)
    progress.planned(1)
    progress.checked(_result(LinkStatus.OK))
    progress.done()
    assert out.getvalue() == ""


def test_enabled_only_on_a_terminal_outside_ci() -> None:
    assert _progress_enabled(_Tty(), {})
    assert not _progress_enabled(_Tty(), {"CI": "true"})
    assert not _progress_enabled(io.StringIO(), {})
