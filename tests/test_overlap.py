"""Checking links while pages are parsed (issue 12): the same report and the same link store as
parsing every page first, and the crawl really starts before the last page is parsed.

The overlapped run parses in worker processes (forks: what a test patches in ``checker.engine.pages``
before the run, they have too) and feeds each page's links to the crawler as the page arrives; the
sequential run parses every page here, then checks. Both start from copies of one link store.
"""

from __future__ import annotations

import asyncio
import io
import json
import shutil
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from checker.cli.progress import Progress
from checker.engine import pages as pages_stage
from checker.engine import run as run_stage
from checker.engine.collect import collect
from checker.engine.history import CachePolicy, RunHistory
from checker.engine.links import LinkOptions, check_links, check_links_as_parsed
from checker.engine.pages import parse_pages
from checker.engine.plan import make_plan
from checker.engine.run import RunRequest, run
from checker.model import Link, Page
from checker.model.links import LinkResult, LinkStatus
from checker.model.report import Report
from checker.output import FORMATS, OutputOptions
from checker.store import Store, open_store
from tests.crawl.conftest import FAST
from tests.crawl.sites import SiteServer

GOALS = "http://www.decc.gov.uk/en/content/cms/about/our_goals/our_goals.aspx"
DEFENCE = "https://www.gov.uk/government/publications/digital-in-defence"
MISSING_PDF = "http://www.dcms.gov.uk/images/publications/DCMS_Annual_Report.pdf"
SERVER_ERROR = "http://www.ons.gov.uk/economy/statistics.aspx"
HOME = "https://www.gov.uk/"
GONE = "http://www.dcms.gov.uk/reference_library/publications/3719.aspx"


def _page(number: int, *urls: str) -> str:
    links = " ".join(f"[link {n}]({url})" for n, url in enumerate(urls))
    return (
        f"{{{{DEPARTMENTRESPONSE}}}}\n#Action {number:02}: Digital strategies\n{{div .section}}\n"
        "{div .department}\n##Cabinet<br>Office\n{: .logo-single}\n{div .statement}\n"
        f"We publish {links}.\n{{/div}}\n{{/div}}\n{{/div}}\n"
    )


def _publication(folder: Path) -> Path:
    """Duplicates across pages, a URL linked bare first and with fragments later (one that
    exists, one that does not), dead and failing links, a page that cannot be read, and URLs
    the store already holds (``_earlier``)."""
    folder.mkdir()
    pages = {
        "_action01.md": _page(1, GOALS, DEFENCE, MISSING_PDF),
        "_action02.md": _page(2, DEFENCE, SERVER_ERROR, DEFENCE),
        "_action03.md": _page(3, f"{GOALS}#dds", f"{GOALS}#nowhere", HOME),
        "_action05.md": _page(5, GONE, MISSING_PDF, HOME),
    }
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "_action04.md").write_bytes(_page(4, DEFENCE).replace("Office", "Offic\xe9").encode("latin-1"))
    return folder


def _links(site: SiteServer) -> LinkOptions:
    return LinkOptions(config=FAST, resolver=site.resolver, ssl_context=site.client_ssl)


def _history(store: Store) -> RunHistory:
    return RunHistory(store, CachePolicy(), {"command": "check"})


def _earlier(folder: Path, db: Path, site: SiteServer) -> None:
    """A run a moment ago that checked the home page, a gone page and the goals page (without its
    anchors): the first two stand in for fetches now, the third does not (a link has a fragment)."""
    earlier = folder.parent / "earlier"
    earlier.mkdir()
    (earlier / "_action09.md").write_text(_page(9, HOME, GONE, GOALS), encoding="utf-8")
    with open_store(db) as store:
        run(RunRequest([str(earlier)], make_plan(), _links(site), root=earlier, history=_history(store)))


def _report_json(report: Report) -> dict[str, Any]:
    out = io.StringIO()
    FORMATS["json"].write(report, out, OutputOptions())
    document: dict[str, Any] = _timeless(json.loads(out.getvalue()))
    return document


def _timeless(value: Any) -> Any:
    """The report without what differs from run to run: times, and how many requests were sent
    (a URL linked bare first and with a fragment later may be fetched again for its anchors)."""
    if isinstance(value, dict):
        return {
            key: _timeless(item)
            for key, item in value.items()
            if key not in {"elapsed", "started", "finished", "checked_at", "requests"}
        }
    if isinstance(value, list):
        return [_timeless(item) for item in value]
    return value


def _stored(db: Path) -> dict[str, Any]:
    """What the newest run left in the store."""
    with open_store(db) as store:
        newest = store.runs(1)[0]
        histories = store.histories(newest.id)
        return {
            "pages": newest.pages,
            "outcome": newest.outcome,
            "results": {
                key: (history.result.status if history.result else None, history.from_cache)
                for key, history in histories.items()
            },
            "occurrences": sorted(
                (o.key, o.page, o.line, o.column, o.department, o.text) for o in store.occurrences(newest.id)
            ),
            "findings": [
                (f.finding.rule, f.finding.path, f.finding.fingerprint) for f in store.findings(newest.id)
            ],
        }


@pytest.fixture
def one_page_batches(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every page its own batch for the workers, and a note of each overlapped run."""
    monkeypatch.setattr(pages_stage, "CHUNK_BYTES", 1)
    overlapped: list[str] = []
    real = run_stage._parse_and_check

    def spy(*args: Any) -> Any:
        overlapped.append("overlapped")
        return real(*args)

    monkeypatch.setattr(run_stage, "_parse_and_check", spy)
    yield overlapped


async def test_overlapped_run_reports_and_records_what_the_sequential_run_does(
    tmp_path: Path, one_page_batches: list[str]
) -> None:
    folder = _publication(tmp_path / "site")
    async with SiteServer() as site:
        db = tmp_path / "links.db"
        await asyncio.to_thread(_earlier, folder, db, site)
        reports: dict[str, Report] = {}
        for name, overlap, workers in (("sequential", False, 1), ("overlapped", True, 2)):
            copy = tmp_path / f"{name}.db"
            shutil.copy(db, copy)
            with open_store(copy) as store:
                request = RunRequest(
                    [str(folder)],
                    make_plan(),
                    _links(site),
                    root=folder,
                    history=_history(store),
                    workers=workers,
                    overlap=overlap,
                )
                reports[name] = await asyncio.to_thread(run, request)
    assert one_page_batches == ["overlapped"]  # the second run took the overlapped path

    sequential, overlapped = reports["sequential"], reports["overlapped"]
    assert _report_json(overlapped) == _report_json(sequential)
    assert _stored(tmp_path / "overlapped.db") == _stored(tmp_path / "sequential.db")

    # what the publication holds really was in both
    assert [str(error) for error in overlapped.errors] == [str(error) for error in sequential.errors]
    assert len(overlapped.errors) == 1 and "_action04.md" in str(overlapped.errors[0])
    results = overlapped.link_results
    assert results[GOALS].has_anchor("dds") and not results[GOALS].has_anchor("nowhere")
    assert results[MISSING_PDF].status is LinkStatus.DEAD
    assert overlapped.links is not None and overlapped.links.cached == 2  # home and gone: not fetched
    rules = {finding.rule for finding in overlapped.findings}
    assert {"link-fragment", "link-dead", "link-error"} <= rules


def _parse_waiting_for(marker: Path, last: str, waited: Path) -> Any:
    """``parse_page`` that, for ``last``, waits until ``marker`` exists (at most 30 s, noting so)."""
    real = pages_stage.parse_page

    def parse(path: str) -> Any:
        if path.endswith(last):
            for _ in range(600):
                if marker.exists():
                    break
                time.sleep(0.05)
            else:
                waited.touch()
        return real(path)

    return parse


async def test_links_are_checked_before_the_last_page_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_page_batches: list[str]
) -> None:
    """The last page is not parsed until the server has been asked for the first page's link: a
    run that parsed every page first would wait for that in vain (and note it waited)."""
    folder = _publication(tmp_path / "site")
    marker, waited = tmp_path / "asked", tmp_path / "waited"
    monkeypatch.setattr(pages_stage, "parse_page", _parse_waiting_for(marker, "_action05.md", waited))
    async with SiteServer() as site:

        async def first_link(request: web.Request, _site: SiteServer) -> web.StreamResponse:
            marker.touch()
            return web.Response(status=404)

        site.routes["www.dcms.gov.uk"]["/images/publications/DCMS_Annual_Report.pdf"] = first_link
        request = RunRequest([str(folder)], make_plan(), _links(site), root=folder, workers=2)
        report = await asyncio.to_thread(run, request)
    assert one_page_batches == ["overlapped"]
    assert marker.exists() and not waited.exists()
    assert report.link_results[MISSING_PDF].status is LinkStatus.DEAD
    assert len(report.files) == 4


async def test_only_the_chosen_links_are_checked_as_pages_arrive(tmp_path: Path) -> None:
    """``--changed-since`` checks only the links on changed lines (``only``): the same choice
    whether the pages come all at once or one by one."""
    files, _ = collect([str(_publication(tmp_path / "site"))])
    parsed, _ = parse_pages(files, workers=1)

    def only(page: Page, link: Link) -> bool:  # as if the change touched the first two pages
        return page.path.endswith(("_action01.md", "_action02.md"))

    async def one_by_one() -> AsyncIterator[Page]:
        for page in parsed:
            await asyncio.sleep(0)
            yield page

    async with SiteServer() as site:
        at_once = await asyncio.to_thread(check_links, parsed, _links(site), only=only)
        asked_at_once = set(site.requests)
        site.requests.clear()
        as_parsed = await check_links_as_parsed(one_by_one(), _links(site), only=only)
        asked_as_parsed = set(site.requests)
    assert _verdicts(as_parsed.results) == _verdicts(at_once.results)
    assert set(as_parsed.results) == {GOALS, DEFENCE, MISSING_PDF, SERVER_ERROR}
    assert asked_as_parsed == asked_at_once
    assert not any(host == "www.gov.uk" and path == "/" for host, path, _method in asked_as_parsed)


def _verdicts(results: Mapping[str, LinkResult]) -> dict[str, tuple[Any, ...]]:
    return {key: (r.status, r.status_code, r.final_url, r.anchors) for key, r in results.items()}


def _result(status: LinkStatus) -> LinkResult:
    return LinkResult("http://x/", status, None, "http://x/", (), False, None, "", 0.0, 1, None, None)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_total_grows_as_pages_arrive() -> None:
    out = _Tty()
    progress = Progress(out, enabled=True, min_interval=0.0)
    progress.planned(2)
    progress.checked(_result(LinkStatus.OK))
    progress.checked(_result(LinkStatus.DEAD))
    assert progress.line().startswith("checked 2/2 links, 1 failing")
    progress.planned(5)  # the next pages had three more links
    progress.checked(_result(LinkStatus.OK))
    progress.done()
    assert progress.line().startswith("checked 3/5 links, 1 failing")
    assert "checked 2/5 links" in out.getvalue()
    assert out.getvalue().endswith("\n")
