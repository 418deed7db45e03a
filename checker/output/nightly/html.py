"""``index.html``: the nightly report as one self-contained page for editors.

Hand-written HTML: every piece of content (URLs, link texts, department names, messages,
details, fixes) goes through ``esc`` (``html.escape`` with quotes), in text and in
attributes alike, and attributes are always double-quoted.  Only ``http``/``https`` URLs
become links (``rel="noopener noreferrer"``); anything else is shown as text.  Style and
script are inline (see :mod:`.assets`), admitted by a hash-based Content-Security-Policy;
the page references no other resource, so it works offline and from ``file://``.

Sections, each with an ``id`` and a heading: ``summary`` (figures), ``trend`` (the SVG chart
and its table), ``newly-broken``, ``still-broken``, ``recovered``, ``flapping`` (see
:mod:`.tables`) and ``content`` (grouped by page, then department).
"""

from __future__ import annotations

from itertools import groupby

from checker.model.nightly import ContentEntry, LinkEntry, NightlyReport
from checker.output.nightly import assets
from checker.output.nightly.chart import description, trend_svg
from checker.output.nightly.common import days_failing, esc, plural, time_html, when
from checker.output.nightly.tables import GROUPS, filter_box, header, link_section, section

_TOC = (
    ("summary", "Summary"),
    ("trend", "Trend"),
    ("newly-broken", "Broke last night"),
    ("still-broken", "Still broken"),
    ("recovered", "Came back"),
    ("flapping", "Flapping"),
    ("content", "Content findings"),
)


def _finding_row(entry: ContentEntry) -> str:
    finding = entry.finding
    new = ' <span class="badge new">New</span>' if entry.new else ""
    level = finding.severity.label
    context = f"{finding.path} {finding.department or ''} {'new' if entry.new else ''}"
    return (
        f'<tr data-context="{esc(context)}" data-rule="{esc(finding.rule)}">'
        f'<td class="num" data-sort="{finding.line}">{finding.line}</td>'
        f'<td data-sort="{4 - finding.severity.value}">'
        f'<span class="sev-{level}">{esc(level.capitalize())}</span></td>'
        f"<td><code>{esc(finding.rule)}</code></td>"
        f"<td>{esc(finding.message)}{new}</td>"
        f"<td>{esc(finding.fix) if finding.fix else '—'}</td></tr>"
    )


_FINDING_HEAD = (
    '<colgroup><col class="c-line"><col class="c-level"><col class="c-rule"><col class="c-msg">'
    '<col class="c-fix"></colgroup><thead><tr>'
    + header("Line", "number", "ascending")
    + header("Level", "number")
    + header("Rule", "text")
    + header("Finding", "text")
    + header("Suggested fix", "")
    + "</tr></thead>"
)


def _content_section(report: NightlyReport) -> str:
    entries = report.content
    new = sum(entry.new for entry in entries)
    title = "Content findings"
    note = "Placeholders, structure, crests and other content faults, by page, then department."
    if not entries:
        return section("content", title, 0, '<p class="empty">No content findings.</p>', note)
    note += f" {new:,} {'is' if new == 1 else 'are'} new since the last complete run."

    def page_of(entry: ContentEntry) -> str:
        return entry.finding.path

    def dept_of(entry: ContentEntry) -> tuple[bool, str]:
        return (entry.finding.department is None, entry.finding.department or "")

    ordered = sorted(entries, key=lambda entry: (page_of(entry), dept_of(entry), entry.finding.sort_key()))
    pages = []
    for page, in_page in groupby(ordered, key=page_of):
        page_entries = list(in_page)
        page_new = sum(entry.new for entry in page_entries)
        counted = plural(len(page_entries), "finding") + (f", {page_new} new" if page_new else "")
        depts = []
        for (_, dept), in_dept in groupby(page_entries, key=dept_of):
            rows = "".join(_finding_row(entry) for entry in in_dept)
            name = esc(dept) if dept else "Not in a department block"
            caption = f'<caption class="visually-hidden">{name}, {esc(page)}</caption>'
            depts.append(
                f'<div class="group"><h4>{name}</h4><div class="table-wrap">'
                f'<table class="sortable findings">{caption}{_FINDING_HEAD}<tbody>{rows}</tbody></table>'
                "</div></div>"
            )
        pages.append(
            f'<div class="group page-group"><h3>{esc(page)} <span class="count">({counted})</span></h3>'
            f"{''.join(depts)}</div>"
        )
    inner = filter_box("content", "content-groups", "Filter content findings")
    inner += f'<div id="content-groups">{"".join(pages)}</div>'
    return section("content", title, len(entries), inner, note)


def _figures(report: NightlyReport) -> str:
    new_content = sum(entry.new for entry in report.content)
    figures = (
        ("newly-broken", "Broke last night", len(report.newly_broken), "#newly-broken"),
        ("still-broken", "Still broken", len(report.still_broken), "#still-broken"),
        ("recovered", "Came back", len(report.recovered), "#recovered"),
        ("flapping", "Flapping", len(report.flapping), "#flapping"),
        ("unchecked", "Not checked", report.unchecked, "#summary"),
        ("content", "Content findings", len(report.content), "#content"),
        ("content-new", "New content findings", new_content, "#content"),
    )
    cards = [
        f'<div class="figure{" alert" if name == "newly-broken" and value else ""}" data-figure="{name}">'
        f'<dt><a href="{href}">{label}</a></dt><dd>{value:,}</dd></div>'
        for name, label, value, href in figures
    ]
    run = report.run
    state = "Complete" if run.complete else "Interrupted"
    cards.append(
        f'<div class="figure{"" if run.complete else " alert"}" data-figure="run">'
        f'<dt>This run</dt><dd class="word">{state}</dd></div>'
    )
    line = (
        f"Run {run.id} checked {plural(run.urls, 'URL')} on {plural(run.pages, 'page')}; "
        f"{run.failing:,} failing. Started {time_html(run.started)}, "
        + (f"finished {time_html(run.finished)}." if run.finished else "did not finish.")
    )
    if report.previous is not None:
        prev = report.previous
        line += (
            f" Compared with run {prev.id} of {time_html(prev.started)} "
            f"({'complete' if prev.complete else 'interrupted'}, {plural(prev.urls, 'URL')} checked, "
            f"{prev.failing:,} failing)."
        )
    else:
        line += " This is the first run: there is nothing to compare with."
    return (
        '<section class="panel" id="summary" aria-labelledby="summary-heading">'
        f'<h2 id="summary-heading">Summary</h2><dl class="figures">{"".join(cards)}</dl>'
        f'<p class="runline">{line}</p></section>'
    )


def _trend(report: NightlyReport) -> str:
    points = report.trend
    head = (
        '<section class="panel" id="trend" aria-labelledby="trend-heading"><h2 id="trend-heading">Trend</h2>'
    )
    if not points:
        return f'{head}<p class="empty">No runs recorded yet.</p></section>'
    rows = "".join(
        f'<tr><td class="num">{point.run_id}</td><td>{time_html(point.started)}</td>'
        f'<td class="num">{point.failing:,}</td><td class="num">{point.checked:,}</td></tr>'
        for point in reversed(points)
    )
    table = (
        f"<details><summary>The numbers behind the chart ({plural(len(points), 'run')}, newest first)"
        "</summary>"
        '<div class="table-wrap"><table id="trend-table">'
        '<caption class="visually-hidden">Failing URLs per run</caption><thead><tr><th scope="col">Run</th>'
        '<th scope="col">Started</th><th scope="col">Failing</th><th scope="col">Checked</th>'
        f"</tr></thead><tbody>{rows}</tbody></table></div></details>"
    )
    figure = f"<figure>{trend_svg(points)}<figcaption>{esc(description(points))}</figcaption></figure>"
    return f"{head}{figure}{table}</section>"


def _banners(report: NightlyReport) -> str:
    out = []
    if not report.run.complete:
        out.append(
            '<div class="banner" role="alert"><strong>This run was interrupted.</strong> '
            f"What was checked before it stopped is shown; {plural(report.unchecked, 'URL')} "
            "were not checked, so some broken links may be missing from these lists.</div>"
        )
    elif report.unchecked:
        out.append(
            '<div class="banner"><strong>Some links were not checked.</strong> '
            f"{plural(report.unchecked, 'URL')} could not be checked tonight (for example, the network "
            "was down); they are not counted as broken.</div>"
        )
    if report.previous is not None and not report.previous.complete:
        out.append(
            '<div class="banner info"><strong>The previous run was interrupted.</strong> '
            f"Run {report.previous.id} did not check every link, so “broke last night” and “came back” "
            "compare with what it did check.</div>"
        )
    return "".join(out)


def render(report: NightlyReport) -> str:
    """The whole page."""
    run = report.run
    now = report.generated

    def by_url(entry: LinkEntry) -> tuple[float, str]:
        return (0.0, entry.url.lower())

    def longest(entry: LinkEntry) -> tuple[float, str]:
        return (-(days_failing(entry, now) or 0.0), entry.url.lower())

    groups = {
        "newly-broken": report.newly_broken,
        "still-broken": report.still_broken,
        "recovered": report.recovered,
        "flapping": report.flapping,
    }
    sections = [_figures(report), _trend(report)]
    for group in GROUPS:
        entries = sorted(groups[group.ident], key=longest if group.ident == "still-broken" else by_url)
        sections.append(link_section(group, entries, now))
    sections.append(_content_section(report))
    toc = "".join(f'<li><a href="#{ident}">{label}</a></li>' for ident, label in _TOC)
    title = f"Nightly link report: run {run.id}, {when(run.started, clock=False)}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(assets.CSP)}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light">'
        f"<title>{esc(title)}</title><style>{assets.CSS}</style></head>\n<body>"
        '<header class="masthead"><div class="wrap"><h1>Nightly link report</h1>'
        f"<p>Run {run.id} · started {time_html(run.started)} · report made {time_html(report.generated)}</p>"
        "</div></header>"
        f'<nav class="toc" aria-label="Sections"><ul>{toc}</ul></nav>'
        f'<main class="wrap">{_banners(report)}{"".join(sections)}</main>'
        '<footer class="wrap"><p>The same report is in <code>report.json</code> '
        "(schema <code>checker-nightly</code>, version 1) and <code>summary.md</code>, "
        "next to this page.</p></footer>"
        f"<script>{assets.SCRIPT}</script></body></html>\n"
    )
