"""The nightly report's writers: ``index.html``, ``report.json`` and ``summary.md``.

One synthetic ``NightlyReport`` (:func:`sample_report`, shared with the browser test) has
entries in every group, hostile content (``<script>`` in a link text, a detail and a
message; a URL with quotes; a ``javascript:`` URL; a department with ``&``), an
interrupted previous run and two weeks of trend.
"""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from checker.model.finding import Finding, Severity
from checker.model.links import ErrorKind, LinkStatus
from checker.model.nightly import ContentEntry, LinkEntry, NightlyReport, Place, RunFacts, TrendPoint
from checker.model.page import Span
from checker.output import nightly
from checker.output.json_format import finding_record
from checker.output.nightly import chart, html, json_report, markdown, write_report
from checker.output.nightly.common import esc

ROOT = Path(__file__).resolve().parent.parent

NOW = datetime(2025, 5, 14, 6, 30, tzinfo=UTC)
TONIGHT = datetime(2025, 5, 14, 2, 0, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script>"
AMP_DEPT = "Department for Business, Energy & Industrial Strategy"
QUOTED_URL = "https://example.org/a\"b'c?x=1&y=<2>"
JS_URL = 'javascript:alert("x")'
HOSTILE_FIX = 'Replace the link "x" <b>now</b>'


def night(days_ago: float) -> datetime:
    return TONIGHT - timedelta(days=days_ago)


def place(path: str, line: int, department: str | None, text: str = "Read more »") -> Place:
    return Place(path=path, line=line, column=5, department=department, text=text)


def link(url: str, status: LinkStatus = LinkStatus.DEAD, **changes: Any) -> LinkEntry:
    failing = status.failing
    values: dict[str, Any] = {
        "url": url,
        "status": status,
        "status_code": 404 if status is LinkStatus.DEAD else (200 if status is LinkStatus.OK else None),
        "error_kind": ErrorKind.HTTP_STATUS if status is LinkStatus.DEAD else None,
        "detail": "the page was not found (404)" if failing else "",
        "final_url": url,
        "checked_at": TONIGHT + timedelta(minutes=7),
        "first_seen": night(60),
        "last_good": night(1) if failing else TONIGHT,
        "failing_since": TONIGHT if failing else None,
        "consecutive_failures": 1 if failing else 0,
        "flapping": False,
        "places": (place("pages/action-1.md", 12, "Cabinet Office"),),
        "rule": "link-dead" if failing else None,
        "severity": Severity.ERROR if failing else None,
        "fix": "Replace the link with the page's new address, or remove it" if failing else None,
    }
    values.update(changes)
    return LinkEntry(**values)


def content(path: str, line: int, department: str | None, rule: str, message: str, **changes: Any) -> Finding:
    values: dict[str, Any] = {
        "rule": rule,
        "severity": Severity.WARNING,
        "path": path,
        "span": Span.of(line, 1, line, 20),
        "message": message,
        "fix": "Write the department's response",
        "department": department,
        "subject": message,
        "fingerprint": f"fp-{path}-{line}-{rule}",
    }
    values.update(changes)
    return Finding(**values)


def trend(count: int, last_id: int = 43) -> tuple[TrendPoint, ...]:
    return tuple(
        TrendPoint(
            run_id=last_id - count + 1 + index,
            started=night(count - 1 - index),
            failing=(7 * index * index + 3 * index) % 23 + index // 2,
            checked=1200 + index,
        )
        for index in range(count)
    )


def sample_report() -> NightlyReport:
    flapper = link(
        "https://www.gov.uk/flappy",
        LinkStatus.ERROR,
        status_code=503,
        error_kind=ErrorKind.HTTP_STATUS,
        detail="the server answered 503 Service Unavailable",
        failing_since=night(1),
        consecutive_failures=2,
        flapping=True,
        last_good=night(2),
    )
    newly = (
        link(
            QUOTED_URL,
            detail=f"redirected to a page that says {HOSTILE}",
            places=(place("pages/action-7.md", 41, AMP_DEPT, HOSTILE),),
            fix=HOSTILE_FIX,
        ),
        link(
            "https://www.gov.uk/government/publications/old-strategy",
            places=(
                place("pages/action-1.md", 25, "Cabinet Office"),
                place("pages/action-2.md", 8, "HM Treasury"),
                place("pages/action-3.md", 30, None, "the strategy"),
                place("pages/action-4.md", 31, "Home Office"),
                place("pages/action-5.md", 32, "Ministry of Justice"),
            ),
        ),
        link(
            JS_URL,
            LinkStatus.ERROR,
            status_code=None,
            error_kind=ErrorKind.INVALID_URL,
            detail="not a web address",
            rule="link-scheme",
        ),
    )
    still = (
        link(
            "https://data.gov.uk/dataset/gone",
            failing_since=night(40),
            consecutive_failures=38,
            last_good=night(41),
            places=(place("pages/action-2.md", 19, AMP_DEPT),),
        ),
        link(
            "https://www.example.com/timeout",
            LinkStatus.UNREACHABLE,
            status_code=None,
            error_kind=ErrorKind.TIMEOUT,
            detail="no answer within 20 seconds",
            failing_since=night(10),
            consecutive_failures=9,
            last_good=None,
        ),
        flapper,
        link(
            "https://www.gov.uk/blocked",
            LinkStatus.BLOCKED,
            status_code=403,
            error_kind=ErrorKind.FORBIDDEN,
            failing_since=night(0.25),
            consecutive_failures=2,
            detail="403 Forbidden",
        ),
    )
    recovered = (
        link("https://www.gov.uk/back-again", LinkStatus.OK),
        link(
            "https://www.nao.org.uk/report",
            LinkStatus.OK,
            places=(place("pages/action-9.md", 3, "HM Treasury"),),
        ),
    )
    findings = (
        ContentEntry(
            content(
                "pages/action-1.md",
                41,
                "Cabinet Office",
                "placeholder-text",
                'the statement is placeholder text ("Coming soon...")',
            ),
            new=True,
        ),
        ContentEntry(
            content(
                "pages/action-1.md", 12, AMP_DEPT, "statement-empty", f"the statement is empty {HOSTILE}"
            ),
            new=False,
        ),
        ContentEntry(
            content(
                "pages/action-1.md",
                3,
                None,
                "structure-unclosed",
                "a {div} is never closed",
                severity=Severity.ERROR,
                fix="Close it with {/div}",
            ),
            new=False,
        ),
        ContentEntry(
            content(
                "pages/action-7.md",
                60,
                AMP_DEPT,
                "crest-missing",
                "the department has no crest",
                severity=Severity.INFO,
                fix=None,
            ),
            new=True,
        ),
        ContentEntry(
            content(
                "pages/action-7.md",
                9,
                "Home Office",
                "placeholder-text",
                'the statement is placeholder text ("TBC")',
            ),
            new=False,
        ),
    )
    return NightlyReport(
        generated=NOW,
        run=RunFacts(
            id=43,
            started=TONIGHT,
            finished=TONIGHT + timedelta(minutes=19),
            complete=True,
            pages=64,
            urls=1213,
            failing=7,
        ),
        previous=RunFacts(
            id=42,
            started=night(1),
            finished=night(1) + timedelta(minutes=5),
            complete=False,
            pages=64,
            urls=402,
            failing=5,
        ),
        newly_broken=newly,
        still_broken=still,
        recovered=recovered,
        flapping=(flapper,),
        unchecked=3,
        content=findings,
        trend=trend(14),
    )


def empty_report(runs: int = 1, complete: bool = True) -> NightlyReport:
    return NightlyReport(
        generated=NOW,
        run=RunFacts(
            id=1,
            started=TONIGHT,
            finished=None if not complete else TONIGHT,
            complete=complete,
            pages=3,
            urls=10,
            failing=0,
        ),
        previous=None,
        newly_broken=(),
        still_broken=(),
        recovered=(),
        flapping=(),
        unchecked=0 if complete else 4,
        content=(),
        trend=trend(runs, last_id=1) if runs else (),
    )


# ---- the files ---------------------------------------------------------------------------------


def test_write_report_writes_three_complete_files(tmp_path: Path) -> None:
    out = tmp_path / "made" / "here"
    paths = write_report(sample_report(), out)
    assert [path.name for path in paths] == ["index.html", "report.json", "summary.md"]
    assert all(path.parent == out and path.is_file() for path in paths)
    page, data, summary = (path.read_text(encoding="utf-8") for path in paths)
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert json.loads(data)["schema"] == "checker-nightly"
    assert summary.startswith("## Nightly link report") and summary.endswith("\n")
    assert sorted(child.name for child in out.iterdir()) == ["index.html", "report.json", "summary.md"]
    assert all(path.stat().st_mode & 0o777 == 0o644 for path in paths)


def leftovers(folder: Path) -> list[str]:
    return sorted(child.name for child in folder.iterdir() if child.name.endswith(".tmp"))


@pytest.mark.parametrize("where", ["render", "partial-write", "fsync", "rename"])
def test_failed_write_keeps_the_old_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    old = {name: f"old {name}\n" for name in nightly.FILES}
    for name, text in old.items():
        (tmp_path / name).write_text(text, encoding="utf-8")

    class Boom(OSError):
        pass

    if where == "render":
        monkeypatch.setattr(html, "render", lambda report: (_ for _ in ()).throw(Boom("render")))
    elif where == "partial-write":
        real_fdopen = os.fdopen
        calls = []

        class HalfStream:
            def __init__(self, stream: Any) -> None:
                self.stream = stream

            def __enter__(self) -> HalfStream:
                return self

            def __exit__(self, *exc: object) -> None:
                self.stream.close()

            def write(self, text: str) -> int:
                self.stream.write(text[: len(text) // 2])
                self.stream.flush()
                raise Boom("disk full")

        def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
            calls.append(fd)
            stream = real_fdopen(fd, *args, **kwargs)
            return HalfStream(stream) if len(calls) == 2 else stream  # report.json fails halfway

        monkeypatch.setattr(os, "fdopen", fdopen)
    elif where == "fsync":
        monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(Boom("fsync")))
    else:
        monkeypatch.setattr(Path, "replace", lambda self, target: (_ for _ in ()).throw(Boom("rename")))

    with pytest.raises(Boom):
        write_report(sample_report(), tmp_path)
    assert leftovers(tmp_path) == []
    assert {child.name for child in tmp_path.iterdir()} == set(old)
    for name, text in old.items():
        assert (tmp_path / name).read_text(encoding="utf-8") == text


def test_successful_write_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("old", encoding="utf-8")
    write_report(sample_report(), tmp_path)
    write_report(empty_report(), tmp_path)  # twice: the second replaces the first
    assert leftovers(tmp_path) == []
    assert "Nothing broke last night." in (tmp_path / "index.html").read_text(encoding="utf-8")


# ---- report.json -------------------------------------------------------------------------------

LINK_KEYS = [
    "url", "status", "status_code", "error_kind", "detail", "final_url", "checked_at", "first_seen",
    "last_good", "failing_since", "days_failing", "consecutive_failures", "flapping", "places", "rule",
    "severity", "fix",
]  # fmt: skip
TOP_KEYS = [
    "schema", "version", "generated", "run", "previous", "summary", "newly_broken", "still_broken",
    "recovered", "flapping", "unchecked", "content", "trend",
]  # fmt: skip


def test_json_document_round_trips(tmp_path: Path) -> None:
    report = sample_report()
    write_report(report, tmp_path)
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert list(data) == TOP_KEYS
    assert data["schema"] == "checker-nightly" and data["version"] == 1
    assert data["generated"] == "2025-05-14T06:30:00+00:00"
    assert data["run"] == {
        "id": 43, "started": "2025-05-14T02:00:00+00:00", "finished": "2025-05-14T02:19:00+00:00",
        "complete": True, "pages": 64, "urls": 1213, "failing": 7,
    }  # fmt: skip
    assert data["previous"]["complete"] is False and data["previous"]["id"] == 42
    assert data["summary"] == {
        "newly_broken": 3, "still_broken": 4, "recovered": 2, "flapping": 1, "unchecked": 3,
        "content": 5, "content_new": 2, "complete": True,
    }  # fmt: skip
    assert data["unchecked"] == 3
    for group in ("newly_broken", "still_broken", "recovered", "flapping"):
        assert [record["url"] for record in data[group]] == [entry.url for entry in getattr(report, group)]
        assert all(list(record) == LINK_KEYS for record in data[group])
    hostile = data["newly_broken"][0]
    assert hostile["url"] == QUOTED_URL
    assert (
        hostile["status"] == "dead"
        and hostile["status_code"] == 404
        and hostile["error_kind"] == "http-status"
    )
    assert hostile["severity"] == "error" and hostile["fix"] == HOSTILE_FIX
    assert hostile["places"] == [
        {"path": "pages/action-7.md", "line": 41, "column": 5, "department": AMP_DEPT, "text": HOSTILE}
    ]
    oldest = data["still_broken"][0]
    assert oldest["failing_since"] == "2025-04-04T02:00:00+00:00"
    assert oldest["days_failing"] == 40.19 and oldest["consecutive_failures"] == 38
    timeout = data["still_broken"][1]
    assert (
        timeout["status"] == "unreachable"
        and timeout["error_kind"] == "timeout"
        and timeout["last_good"] is None
    )
    assert data["flapping"][0]["flapping"] is True
    back = data["recovered"][0]
    assert back["status"] == "ok" and back["failing_since"] is None and back["days_failing"] is None
    assert back["severity"] is None and back["rule"] is None
    assert data["content"] == [
        {"new": entry.new, "finding": finding_record(entry.finding)} for entry in report.content
    ]
    assert data["trend"][0] == {
        "run_id": 30,
        "started": "2025-05-01T02:00:00+00:00",
        "failing": 0,
        "checked": 1200,
    }
    assert [point["run_id"] for point in data["trend"]] == list(range(30, 44))
    for moment in (data["generated"], oldest["checked_at"], oldest["first_seen"], oldest["last_good"]):
        assert datetime.fromisoformat(moment).utcoffset() == timedelta(0)


def test_json_has_every_field_of_the_model() -> None:
    """A field added to the model must reach report.json (and its docstring): this fails until it does."""
    data = json_report.document(sample_report())
    for model, record in (
        (NightlyReport, data),
        (RunFacts, data["run"]),
        (LinkEntry, data["newly_broken"][0]),
        (Place, data["newly_broken"][0]["places"][0]),
        (ContentEntry, data["content"][0]),
        (TrendPoint, data["trend"][0]),
    ):
        missing = {field.name for field in fields(model)} - set(record)
        assert not missing, f"{model.__name__} fields not in report.json: {sorted(missing)}"


def test_json_schema_is_documented() -> None:
    doc = json_report.__doc__ or ""
    data = json_report.document(sample_report())
    documented = set(re.findall(r'"([a-z_]+)":', doc))
    keys = set(data) | set(data["summary"]) | set(data["run"]) | set(data["newly_broken"][0])
    keys |= set(data["newly_broken"][0]["places"][0]) | set(data["content"][0]) | set(data["trend"][0])
    assert keys <= documented, f"not in the docstring: {sorted(keys - documented)}"
    assert '"schema": "checker-nightly"' in doc and '"version": 1' in doc


def test_json_takes_naive_times_as_utc() -> None:
    naive = replace(sample_report(), generated=datetime(2025, 5, 14, 6, 30))
    data = json_report.document(naive)
    assert data["generated"] == "2025-05-14T06:30:00+00:00"
    assert data["still_broken"][0]["days_failing"] == 40.19


# ---- summary.md --------------------------------------------------------------------------------


def test_markdown_summary() -> None:
    text = markdown.render(sample_report())
    lines = text.splitlines()
    assert lines[0] == "## Nightly link report: run 43, 14 May 2025"
    assert lines[2] == (
        "**3 newly broken** · 4 still broken · 2 recovered · 1 flapping · 5 content findings (2 new)"
    )
    assert "1,213 URLs checked on 64 pages, 7 failing; 3 URLs not checked." in lines
    assert "> The previous run (42) was interrupted." in lines
    for heading in (
        "### Newly broken (3)",
        "### Came back (2)",
        "### Broken longest (4)",
        "### New content findings (2)",
    ):
        assert heading in lines
    longest = lines[lines.index("### Broken longest (4)") + 2 : lines.index("### Broken longest (4)") + 6]
    assert [line.split()[1] for line in longest] == [
        "<https://data.gov.uk/dataset/gone>",
        "<https://www.example.com/timeout>",
        "<https://www.gov.uk/flappy>",
        "<https://www.gov.uk/blocked>",
    ]
    assert longest[0] == (
        "- <https://data.gov.uk/dataset/gone> dead (404), since 4 Apr 2025 (40 days) — pages/action-2.md:19"
        " (Department for Business, Energy &amp; Industrial Strategy)"
    )
    assert "(under a day)" in longest[3]
    assert "- pages/action-1.md:41 (Cabinet Office): the statement is placeholder text" in text
    # hostile content is inert: the quoted URL a code span, the javascript: URL not a link
    assert f"`{QUOTED_URL}`" in text
    assert f"`{JS_URL}`" in text and f"<{JS_URL}>" not in text
    assert "Energy &amp; Industrial Strategy" in text and "Energy & " not in text
    hostile = replace(sample_report().content[1], new=True)
    text = markdown.render(replace(sample_report(), content=(hostile,)))
    assert "<script>" not in text
    assert "the statement is empty &lt;script&gt;alert(1)&lt;/script&gt; `statement-empty`" in text


def test_markdown_lists_are_short() -> None:
    many = tuple(link(f"https://www.gov.uk/page-{index:02d}") for index in range(13))
    text = markdown.render(replace(sample_report(), newly_broken=many))
    lines = text.splitlines()
    start = lines.index("### Newly broken (13)")
    items = lines[start + 2 : start + 13]
    assert len([line for line in items if line.startswith("- <https://")]) == 10
    assert items[10] == "- … and 3 more"


def test_markdown_empty_and_interrupted() -> None:
    text = markdown.render(empty_report(complete=False))
    assert text.splitlines()[0].endswith("— **interrupted**")
    assert "Nothing to report" in text and "###" not in text
    assert "4 URLs not checked" in text


def test_markdown_escapes() -> None:
    assert markdown.text("a *b* _c_ [d](e) `f` <g> & | # ~") == (
        r"a \*b\* \_c\_ \[d\](e) \`f\` &lt;g&gt; &amp; \| \# \~"
    )
    assert markdown.text("two\nlines") == "two lines"
    assert markdown.url("https://x.org/a b") == "`https://x.org/a b`"
    assert markdown.url("https://x.org/a`b") == "<https://x.org/a`b>"  # code spans do not break autolinks
    assert markdown.url("https://x.org/a b`c") == "``https://x.org/a b`c``"
    assert markdown.url("`x") == "`` `x ``"
    assert markdown.url("HTTPS://X.ORG/") == "<HTTPS://X.ORG/>"


# ---- index.html --------------------------------------------------------------------------------


class Collector(HTMLParser):
    """Every start tag with its attributes (values unescaped, as a browser reads them)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(page: str) -> Collector:
    collector = Collector()
    collector.feed(page)
    collector.close()
    return collector


def test_html_escapes_hostile_content() -> None:
    report = sample_report()
    page = html.render(report)
    assert "<script>alert" not in page and "alert(1)</script>" not in page
    assert page.count("<script") == 1  # the page's own script
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Energy &amp; Industrial Strategy" in page and "Energy & Industrial" not in page
    assert QUOTED_URL not in page  # its quotes and brackets never appear raw
    assert HOSTILE_FIX not in page and "Replace the link &quot;x&quot; &lt;b&gt;now&lt;/b&gt;" in page
    tags = parsed(page).tags
    # the quoted URL survives as one whole attribute value: no quote ended an attribute early
    assert [attrs["href"] for tag, attrs in tags if tag == "a" and attrs.get("href") == QUOTED_URL] == [
        QUOTED_URL
    ]
    assert [attrs["data-url"] for tag, attrs in tags if attrs.get("data-url") == QUOTED_URL] == [QUOTED_URL]
    allowed = {
        "class", "id", "href", "rel", "data-url", "data-sort", "data-type", "data-figure", "data-scope",
        "data-context", "data-rule", "data-run", "data-failing", "aria-sort", "aria-label", "aria-labelledby",
        "aria-live", "scope", "tabindex", "role", "datetime", "for", "type", "autocomplete", "placeholder",
        "hidden", "lang", "charset", "http-equiv", "content", "name", "viewbox", "preserveaspectratio",
        "x", "y", "x1", "x2", "y1", "y2", "width", "height", "text-anchor", "dy", "transform",
    }  # fmt: skip
    for tag, attrs in tags:
        assert set(attrs) <= allowed, f"<{tag}> has unexpected attributes {set(attrs) - allowed}"
        assert not any(name.startswith("on") for name in attrs)


def test_html_links_only_web_addresses() -> None:
    report = sample_report()
    tags = parsed(html.render(report)).tags
    anchors = [attrs for tag, attrs in tags if tag == "a"]
    reported = {
        entry.url for group in (report.newly_broken, report.still_broken, report.recovered) for entry in group
    }
    for attrs in anchors:
        href = attrs["href"] or ""
        if href.startswith("#"):
            continue
        assert href in reported and href.startswith("https://")
        assert attrs["rel"] == "noopener noreferrer"
    assert JS_URL not in {attrs["href"] for attrs in anchors}
    assert {attrs["href"] for attrs in anchors if not (attrs["href"] or "").startswith("#")} == reported - {
        JS_URL
    }


def test_html_references_no_resource(tmp_path: Path) -> None:
    report = sample_report()
    page = html.render(report)
    tags = parsed(page).tags
    for tag, attrs in tags:
        assert not {"src", "srcset", "action", "poster", "xlink:href", "data", "background"} & set(attrs), tag
        if tag == "link":
            pytest.fail("a <link> element loads a resource")
    assert "@import" not in page and "url(" not in page.replace("data-url", "")
    assert "<iframe" not in page and "<img" not in page and "<object" not in page
    # every web address left in the page is one of the reported links (in an href or as text)
    urls = {
        entry.url for group in (report.newly_broken, report.still_broken, report.recovered) for entry in group
    }
    urls |= {entry.final_url for group in (report.newly_broken, report.still_broken) for entry in group}
    rest = page
    for url in sorted(urls, key=len, reverse=True):
        rest = rest.replace(esc(url), "")
    assert re.findall(r"(?i)https?://", rest) == []
    csp = next(
        attrs["content"] for tag, attrs in tags if attrs.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None and "default-src 'none'" in csp and "unsafe-inline" not in csp


def test_html_sections_counts_and_groups() -> None:
    report = sample_report()
    page = html.render(report)
    for ident in ("summary", "trend", "newly-broken", "still-broken", "recovered", "flapping", "content"):
        assert f'<section class="panel" id="{ident}"' in page
    for heading in ("Broke last night", "Still broken", "Came back", "Flapping", "Content findings", "Trend"):
        assert re.search(rf"<h2 [^>]*>{heading}( <span|</h2>)", page), heading
    figure = dict(re.findall(r'data-figure="([a-z-]+)"><dt>.*?</dt><dd[^>]*>([^<]+)</dd>', page))
    assert figure == {
        "newly-broken": "3", "still-broken": "4", "recovered": "2", "flapping": "1", "unchecked": "3",
        "content": "5", "content-new": "2", "run": "Complete",
    }  # fmt: skip
    assert "The previous run was interrupted." in page and "This run was interrupted" not in page
    assert '<span class="badge s-bad">Dead</span> HTTP 404' in page  # a word, not a colour alone
    assert '<span class="badge s-warn">Unreachable</span> timeout' in page
    assert "38 runs in a row" in page
    assert "40 days" in page and "under a day" in page and "4 Apr 2025" in page
    assert "2 more places" in page
    # content findings: by page, then department (named ones first), each with its fix and a "new" badge
    headings = re.findall(r"<h[34]>(.*?)(?: <span|</h[34]>)", page)
    assert headings == [
        "pages/action-1.md", "Cabinet Office", "Department for Business, Energy &amp; Industrial Strategy",
        "Not in a department block", "pages/action-7.md",
        "Department for Business, Energy &amp; Industrial Strategy", "Home Office",
    ]  # fmt: skip
    assert page.count('<span class="badge new">New</span>') == 2
    assert "Close it with {/div}" in page


def test_html_empty_sections_say_so() -> None:
    page = html.render(empty_report())
    for sentence in (
        "Nothing broke last night.",
        "Nothing is still broken.",
        "Nothing came back last night.",
        "No link is flapping.",
        "No content findings.",
    ):
        assert sentence in page
    assert '<table class="sortable"' not in page
    assert "This is the first run" in page


def test_html_interrupted_run_has_a_banner() -> None:
    page = html.render(empty_report(complete=False))
    assert '<div class="banner" role="alert"><strong>This run was interrupted.</strong>' in page
    assert 'data-figure="run"><dt>This run</dt><dd class="word">Interrupted</dd>' in page
    assert "did not finish" in page


def test_html_without_runs() -> None:
    page = html.render(empty_report(runs=0))
    assert "No runs recorded yet." in page and "<svg" not in page


# ---- the chart ---------------------------------------------------------------------------------


def bars(svg: str) -> list[dict[str, float]]:
    found = re.findall(r'<rect class="bar[^"]*" data-run="\d+" data-failing="(\d+)" x="([\d.]+)" '
                       r'y="([\d.]+)" width="([\d.]+)" height="([\d.]+)">', svg)  # fmt: skip
    return [
        dict(zip(("failing", "x", "y", "width", "height"), map(float, row), strict=True)) for row in found
    ]


@pytest.mark.parametrize("runs", [1, 2, 14, 100, 365])
def test_chart_has_one_bar_per_run_inside_the_frame(runs: int) -> None:
    points = trend(runs, last_id=500)
    svg = chart.trend_svg(points)
    drawn = bars(svg)
    assert len(drawn) == runs
    assert svg.count('class="bar tonight"') == 1
    assert all(bar["x"] >= 60 and bar["x"] + bar["width"] <= chart.WIDTH - 20 + 0.1 for bar in drawn)
    assert all(bar["height"] > 0 and bar["y"] >= 20 for bar in drawn)
    assert all(drawn[index]["x"] < drawn[index + 1]["x"] for index in range(runs - 1))
    assert all(bar["width"] <= 44 for bar in drawn)
    tallest = max(drawn, key=lambda bar: bar["failing"])
    assert all(bar["height"] <= tallest["height"] for bar in drawn)
    labels = re.findall(r'<text class="tick" x="[\d.]+" y="\d+" text-anchor="middle">([^<]+)</text>', svg)
    assert 1 <= len(labels) <= 8 and labels[-1] == "14 May"
    assert f"Tonight: {points[-1].failing}" in svg
    assert '<title id="trend-title">' in svg and '<desc id="trend-desc">' in svg
    assert 'aria-labelledby="trend-title trend-desc"' in svg


def test_chart_y_axis_is_round() -> None:
    assert [chart.nice_step(value) for value in (0, 3, 4, 5, 9, 23, 180, 4000)] == [
        1,
        1,
        1,
        2,
        5,
        10,
        50,
        1000,
    ]
    svg = chart.trend_svg(trend(1))
    assert ">0</text>" in svg and ">1</text>" in svg  # a zero still gets an axis
    assert chart.description(trend(1)).startswith("One run so far")
    assert chart.label_indexes(100) == list(range(8, 100, 13))  # eight, the last one tonight
    assert chart.label_indexes(3) == [0, 1, 2]


# ---- boundaries --------------------------------------------------------------------------------


def test_writers_import_only_the_model_and_json_format() -> None:
    folder = ROOT / "checker" / "output" / "nightly"
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                assert node.level == 0, f"{path.name}: relative import"
                names = [node.module]
            for name in names:
                if name == "checker" or name.startswith("checker."):
                    assert name.startswith(("checker.model", "checker.output.nightly")) or name == (
                        "checker.output.json_format"
                    ), f"{path.name} imports {name}"
