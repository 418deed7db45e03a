"""``index.html`` in a real browser: Debian's chromium, headless, driven by playwright.

Playwright never downloads a browser here: it launches the system chromium
(``executable_path``), and the package itself is only the Python driver.  The report is
the synthetic one of ``test_nightly_output``; it is loaded from ``file://`` and from a
loopback HTTP server, and every request the page makes is recorded (anything that is not
the report itself is aborted and fails the test).  A full-page screenshot is saved to
``reports/test-artifacts/nightly.png`` (git-ignored) and to the test's ``tmp_path``.

Skipped only when ``/usr/bin/chromium`` is absent (CI installs it).  Every wait is bounded:
playwright's default timeout is set per page, launching has its own.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Route, sync_playwright

from checker.engine.nightly import build_report
from checker.model.links import LinkResult, LinkStatus
from checker.output.nightly import write_report
from checker.store import Occurrence, open_store
from tests.test_nightly_output import AMP_DEPT, empty_report, sample_report

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = ROOT / "reports" / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGS, headless=True, timeout=60_000
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("nightly")
    write_report(sample_report(), folder)
    return folder


@dataclass
class Seen:
    """What the page did: requests (allowed and refused), console errors, uncaught exceptions."""

    allowed: tuple[str, ...]  # URL prefixes the page may request
    requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def check(self) -> None:
        assert self.refused == [], f"the page asked for resources elsewhere: {self.refused}"
        assert all(url.startswith(self.allowed) for url in self.requests), self.requests
        assert self.errors == [], f"console errors: {self.errors}"


def open_page(browser: Browser, url: str, allowed: tuple[str, ...], **options: Any) -> tuple[Page, Seen]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    seen = Seen(allowed)

    def route(route: Route) -> None:
        if route.request.url.startswith(allowed):
            route.continue_()
        else:
            seen.refused.append(route.request.url)
            route.abort()

    def console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            seen.errors.append(f"{message.type}: {message.text}")

    def request(request: Request) -> None:
        seen.requests.append(request.url)

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", request)
    page.on("console", console)
    page.on("pageerror", lambda error: seen.errors.append(f"uncaught: {error}"))
    page.goto(url, wait_until="load")
    return page, seen


@pytest.fixture
def loaded(browser: Browser, report_dir: Path) -> Iterator[tuple[Page, Seen]]:
    page, seen = open_page(browser, (report_dir / "index.html").as_uri(), ("file://",))
    try:
        yield page, seen
    finally:
        page.context.close()


def urls(page: Page, table: str) -> list[str]:
    found: list[str] = page.locator(f"#{table} tbody tr").evaluate_all(
        "rows => rows.map(row => row.dataset.url)"
    )
    return found


def visible_rows(page: Page, selector: str) -> int:
    return page.locator(f"{selector} tbody tr:visible").count()


def test_sections_and_figures(loaded: tuple[Page, Seen]) -> None:
    page, seen = loaded
    report = sample_report()
    assert page.title() == "Nightly link report: run 43, 14 May 2025"
    assert page.locator("h1").inner_text() == "Nightly link report"
    headings = page.locator("main h2").all_inner_texts()
    assert headings == [
        "Summary",
        "Trend",
        "Broke last night (3)",
        "Still broken (4)",
        "Came back (2)",
        "Flapping (1)",
        "Content findings (5)",
    ]
    for ident in ("summary", "trend", "newly-broken", "still-broken", "recovered", "flapping", "content"):
        assert page.locator(f"section#{ident}").is_visible()
    figures = {
        name: page.locator(f'[data-figure="{name}"] dd').inner_text()
        for name in (
            "newly-broken",
            "still-broken",
            "recovered",
            "flapping",
            "unchecked",
            "content",
            "content-new",
        )
    }
    assert figures == {
        "newly-broken": str(len(report.newly_broken)),
        "still-broken": str(len(report.still_broken)),
        "recovered": str(len(report.recovered)),
        "flapping": str(len(report.flapping)),
        "unchecked": str(report.unchecked),
        "content": str(len(report.content)),
        "content-new": str(sum(entry.new for entry in report.content)),
    }
    assert page.locator('[data-figure="run"] dd').inner_text() == "Complete"
    assert page.get_by_text("The previous run was interrupted.").is_visible()
    assert page.get_by_role("alert").count() == 0
    seen.check()


def test_table_rows(loaded: tuple[Page, Seen]) -> None:
    page, seen = loaded
    report = sample_report()
    assert visible_rows(page, "#table-newly-broken") == len(report.newly_broken)
    assert visible_rows(page, "#table-still-broken") == len(report.still_broken)
    assert visible_rows(page, "#table-recovered") == len(report.recovered)
    assert visible_rows(page, "#table-flapping") == len(report.flapping)
    assert visible_rows(page, "#content-groups") == len(report.content)
    assert page.locator("#content-groups .page-group").count() == 2
    assert page.locator("#content-groups h4").all_inner_texts() == [
        "Cabinet Office",
        AMP_DEPT,
        "Not in a department block",
        AMP_DEPT,
        "Home Office",
    ]
    assert page.locator("#content .badge.new").count() == 2
    assert page.locator("#trend-table tbody tr").count() == len(report.trend)
    # hostile text is shown as text, and the quoted URL is one whole link
    assert page.get_by_text("redirected to a page that says <script>alert(1)</script>").is_visible()
    link = page.locator("#table-newly-broken a[rel='noopener noreferrer']").first
    assert link.get_attribute("href") == report.newly_broken[0].url
    assert page.locator("a[href^='javascript:']").count() == 0
    assert page.evaluate("() => window.__xss === undefined && document.scripts.length === 1")
    seen.check()


def test_sorting(loaded: tuple[Page, Seen]) -> None:
    page, seen = loaded
    first = urls(page, "table-still-broken")
    assert first == [
        "https://data.gov.uk/dataset/gone",
        "https://www.example.com/timeout",
        "https://www.gov.uk/flappy",
        "https://www.gov.uk/blocked",
    ]  # longest broken first
    header = page.locator("#table-still-broken thead th", has_text="Link")
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert urls(page, "table-still-broken") == sorted(first)
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert urls(page, "table-still-broken") == sorted(first, reverse=True)
    days = page.locator("#table-still-broken thead th", has_text="Broken for")
    assert days.get_attribute("aria-sort") is None  # only one column says it is sorted
    days.get_by_role("button").click()
    assert days.get_attribute("aria-sort") == "ascending"
    assert urls(page, "table-still-broken") == list(reversed(first))
    # the fix column is not sortable: no button
    assert (
        page.locator("#table-still-broken thead th", has_text="Suggested fix").get_by_role("button").count()
        == 0
    )
    seen.check()


def test_filters(loaded: tuple[Page, Seen]) -> None:
    page, seen = loaded
    box = page.get_by_label("Filter “broke last night”")
    assert box.is_visible()
    box.fill("energy & industrial")
    assert visible_rows(page, "#table-newly-broken") == 1
    assert page.locator("#newly-broken output").inner_text() == "1 of 3 shown"
    box.fill("nothing matches this")
    assert visible_rows(page, "#table-newly-broken") == 0
    box.fill("")
    assert visible_rows(page, "#table-newly-broken") == 3
    assert page.locator("#newly-broken output").inner_text() == ""

    content = page.get_by_label("Filter content findings")
    content.fill("home office")  # a department name: matches the row's context, not its cells
    assert visible_rows(page, "#content-groups") == 1
    assert page.locator("#content-groups .page-group:visible h3").all_inner_texts() == [
        "pages/action-7.md (2 findings, 1 new)"
    ]
    content.fill("new")
    assert visible_rows(page, "#content-groups") == 2
    content.fill("")
    assert visible_rows(page, "#content-groups") == 5
    seen.check()


def test_chart(loaded: tuple[Page, Seen]) -> None:
    page, seen = loaded
    report = sample_report()
    chart = page.locator("#trend svg.chart")
    assert chart.is_visible()
    assert chart.get_attribute("role") == "img"
    bars = chart.locator("rect.bar")
    assert bars.count() == len(report.trend)
    boxes = [bars.nth(index).bounding_box() for index in range(bars.count())]
    assert all(box is not None and box["height"] > 0 and box["width"] > 2 for box in boxes)
    lefts = [box["x"] for box in boxes if box is not None]
    assert lefts == sorted(lefts)
    tallest = max(range(len(report.trend)), key=lambda index: report.trend[index].failing)
    assert max(box["height"] for box in boxes if box is not None) == boxes[tallest]["height"]  # type: ignore[index]
    assert chart.locator("text.callout").text_content() == f"Tonight: {report.trend[-1].failing}"
    label = page.evaluate(
        "() => document.getElementById('trend-title').textContent + ' / '"
        " + document.getElementById('trend-desc').textContent"
    )
    assert label.startswith("Broken links per night / Failing URLs in each of the last 14 runs")
    assert (
        page.locator("#trend figcaption").inner_text().startswith("Failing URLs in each of the last 14 runs")
    )
    page.locator("#trend summary").click()
    assert page.locator("#trend-table").is_visible()
    seen.check()


CONTRAST = """() => {
  const rgb = (text) => {
    const parts = text.match(/rgba?\\(([^)]+)\\)/)[1].split(",").map(Number.parseFloat);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const channel = (value) => {
    const v = value / 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  };
  const luminance = (c) => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  const ratio = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)];
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  };
  const background = (element) => {
    for (let at = element; at; at = at.parentElement) {
      const colour = rgb(getComputedStyle(at).backgroundColor);
      if (colour[3] > 0) { return colour; }
    }
    return [255, 255, 255, 1];
  };
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || !element.getClientRects().length) { continue; }
    const inSvg = element.closest("svg");
    const colour = rgb(inSvg ? getComputedStyle(element).fill : getComputedStyle(element).color);
    found.push([ratio(colour, background(element)), element.tagName, node.textContent.trim().slice(0, 40)]);
  }
  const white = [255, 255, 255, 1];
  document.querySelectorAll("svg.chart rect.bar").forEach((bar) => {
    found.push([ratio(rgb(getComputedStyle(bar).fill), white) * 1.5, "rect", bar.getAttribute("class")]);
  });
  return found;
}"""


def test_colour_contrast(loaded: tuple[Page, Seen]) -> None:
    """WCAG AA: 4.5:1 for every piece of visible text, 3:1 for the chart's bars (scaled by 1.5 above)."""
    page, seen = loaded
    page.locator("#still-broken summary, #newly-broken summary").first.click()  # text inside <details> too
    measured = page.evaluate(CONTRAST)
    assert len(measured) > 200
    low = [(round(ratio, 2), tag, text) for ratio, tag, text in measured if ratio < 4.5]
    assert low == []
    seen.check()


def test_works_without_javascript(browser: Browser, report_dir: Path) -> None:
    page, seen = open_page(
        browser, (report_dir / "index.html").as_uri(), ("file://",), java_script_enabled=False
    )
    try:
        assert visible_rows(page, "#table-still-broken") == 4
        assert visible_rows(page, "#content-groups") == 5
        assert page.locator(".filter:visible").count() == 0  # no dead controls
        assert page.locator("th button").count() == 0
        assert page.locator("#trend svg.chart rect.bar").count() == 14
        assert page.locator("#trend svg.chart").is_visible()
        seen.check()
    finally:
        page.context.close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_served_over_loopback_http(browser: Browser, report_dir: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(report_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        page, seen = open_page(browser, f"{origin}index.html", (origin,))
        try:
            assert page.locator("main h2").count() == 7
            page.get_by_label("Filter “still broken”").fill("www.gov.uk")
            assert visible_rows(page, "#table-still-broken") == 2
            seen.check()
            assert seen.requests == [f"{origin}index.html"]
        finally:
            page.context.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_interrupted_and_empty(browser: Browser, tmp_path: Path) -> None:
    write_report(empty_report(complete=False), tmp_path)
    page, seen = open_page(browser, (tmp_path / "index.html").as_uri(), ("file://",))
    try:
        banner = page.get_by_role("alert")
        assert banner.is_visible() and banner.inner_text().startswith("This run was interrupted.")
        assert page.locator('[data-figure="run"] dd').inner_text() == "Interrupted"
        for sentence in ("Nothing broke last night.", "Nothing is still broken.", "No content findings."):
            assert page.get_by_text(sentence).is_visible()
        assert page.locator("#trend svg.chart rect.bar").count() == 1
        assert page.locator(".filter").count() == 0
        seen.check()
    finally:
        page.context.close()


def test_screenshot(loaded: tuple[Page, Seen], tmp_path: Path) -> None:
    page, seen = loaded
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shots = [ARTEFACTS / "nightly.png", tmp_path / "nightly.png"]
    image = page.screenshot(full_page=True, timeout=TIMEOUT_MS)
    for shot in shots:
        shot.write_bytes(image)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(image) > 50_000
    seen.check()


def _result(url: str, status: LinkStatus, code: int | None, at: datetime) -> LinkResult:
    return LinkResult(
        url, status, code, url, (), False, None, f"{code} answer", 0.1, 1, "text/html", None, False, at
    )


def test_three_nights_from_the_store(browser: Browser, tmp_path: Path) -> None:
    """The whole way: three nights a day apart recorded in a real store, the report built from it
    (engine/nightly.py) and read in the browser: figures, "since" and days, the trend bars."""
    night = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    ok, dead = (LinkStatus.OK, 200), (LinkStatus.DEAD, 404)
    plan = {  # url -> status per night
        "https://www.gov.uk/breaks": (ok, dead, dead),
        "https://www.gov.uk/recovers": (dead, dead, ok),
        "https://www.gov.uk/stays": (ok, ok, ok),
    }
    with open_store(tmp_path / "links.db") as store:
        for index in range(3):
            at = night + timedelta(days=index)
            run = store.begin_run(at, {"command": "nightly"}, pages=1)
            for url, states in plan.items():
                (status, code) = states[index]
                store.record_result(run.id, url, _result(url, status, code, at + timedelta(minutes=1)))
            store.record_occurrences(
                run.id,
                [
                    Occurrence(url, "_action01.md", 9, 1 + n, "Cabinet Office", "Read more »")
                    for n, url in enumerate(plan)
                ],
            )
            store.finish_run(run.id, at + timedelta(minutes=5))
        report = build_report(store, night + timedelta(days=2, hours=6))
    write_report(report, tmp_path / "out")
    page, seen = open_page(browser, (tmp_path / "out" / "index.html").as_uri(), ("file://",))
    try:
        figures = {
            name: page.locator(f'[data-figure="{name}"] dd').inner_text()
            for name in ("newly-broken", "still-broken", "recovered")
        }
        assert figures == {"newly-broken": "0", "still-broken": "1", "recovered": "1"}
        row = page.locator("#table-still-broken tbody tr").first
        assert "https://www.gov.uk/breaks" in row.inner_text()
        # broke on the night of 25 Nov at 02:01, the report is of 26 Nov 08:00: a day and a quarter
        assert "1 day" in row.inner_text() and "since 25 Nov 2026; 2 runs in a row" in row.inner_text()
        assert "https://www.gov.uk/recovers" in page.locator("#table-recovered").inner_text()
        assert page.locator("#trend svg.chart rect.bar").count() == 3
        page.screenshot(path=str(tmp_path / "three-nights.png"), full_page=True)
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / "three-nights.png"), full_page=True)
        seen.check()
    finally:
        page.context.close()
