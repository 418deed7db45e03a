"""The link tables of ``index.html``: broke last night, still broken, came back, flapping.

One row per URL: the link (a link only for ``http``/``https``), its status as a word in
a badge (never colour alone) with the code and the crawler's detail, the group's own
columns (how long it has been broken, when it last worked...), every place it sits
(page:line, department, link text) and the suggested fix.  Each cell carries a
``data-sort`` key for the page script; each table gets a filter box the script shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from checker.model.links import LinkStatus
from checker.model.nightly import LinkEntry, Place
from checker.output.nightly.common import days_failing, duration, esc, plural, sort_time, time_html

PLACES_SHOWN = 3

STATUS_LABELS = {
    LinkStatus.OK: ("OK", "s-ok"),
    LinkStatus.DEAD: ("Dead", "s-bad"),
    LinkStatus.ERROR: ("Error", "s-bad"),
    LinkStatus.UNREACHABLE: ("Unreachable", "s-warn"),
    LinkStatus.BLOCKED: ("Blocked", "s-warn"),
    LinkStatus.SOFT_404: ("Soft 404", "s-bad"),
    LinkStatus.PRIVATE: ("Private address", "s-warn"),
    LinkStatus.SKIPPED: ("Skipped", "s-none"),
    LinkStatus.UNCHECKED: ("Not checked", "s-none"),
}


def url_html(url: str) -> str:
    """The URL as a link when it is a web address, as text otherwise (never a ``javascript:`` link)."""
    if url.lower().startswith(("http://", "https://")):
        return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(url)}</a>'
    return f"<span>{esc(url)}</span>"


def _link(entry: LinkEntry) -> str:
    out = url_html(entry.url)
    if entry.final_url and entry.final_url != entry.url:
        out += f'<span class="small">ends at {esc(entry.final_url)}</span>'
    return out


def _status(entry: LinkEntry) -> str:
    label, css = STATUS_LABELS.get(entry.status, (entry.status.value, "s-none"))
    out = f'<span class="badge {css}">{esc(label)}</span>'
    if entry.status_code is not None:
        out += f" HTTP {entry.status_code}"
    elif entry.error_kind is not None:
        out += f" {esc(entry.error_kind.value.replace('-', ' '))}"
    if entry.detail:
        out += f'<span class="small">{esc(entry.detail)}</span>'
    return out


def _place(place: Place) -> str:
    where = f'<span class="path">{esc(place.path)}:{place.line}</span>'
    dept = esc(place.department) if place.department else "no department"
    text = f" · “{esc(place.text)}”" if place.text else ""
    return f'<li>{where}<span class="small">{dept}{text}</span></li>'


def _places(places: Sequence[Place]) -> str:
    if not places:
        return "—"
    out = f'<ul class="places">{"".join(_place(place) for place in places[:PLACES_SHOWN])}</ul>'
    rest = places[PLACES_SHOWN:]
    if rest:
        more = "".join(_place(place) for place in rest)
        summary = f"<summary>{plural(len(rest), 'more place')}</summary>"
        out += f'<details>{summary}<ul class="places">{more}</ul></details>'
    return out


def _fix(entry: LinkEntry) -> str:
    out = esc(entry.fix) if entry.fix else ("" if entry.rule else "—")
    if entry.rule:
        out += f'<span class="small">rule <code>{esc(entry.rule)}</code></span>'
    return out


def _broken_for(entry: LinkEntry, now: datetime) -> tuple[str, str]:
    days = days_failing(entry, now)
    if days is None:
        return "—", "-1"
    runs = plural(entry.consecutive_failures, "run")
    since = time_html(entry.failing_since, clock=False)
    return (
        f'<strong>{duration(days)}</strong><span class="small">since {since}; {runs} in a row</span>',
        f"{days:.4f}",
    )


def _last_good(entry: LinkEntry) -> tuple[str, str]:
    shown = time_html(entry.last_good, clock=False) if entry.last_good else "never"
    if entry.status.failing:
        shown += f'<span class="small">failing {plural(entry.consecutive_failures, "run")} in a row</span>'
    return shown, sort_time(entry.last_good)


@dataclass(frozen=True)
class Column:
    title: str
    kind: str  # "text" or "number": how the script sorts it; "" for a column that does not sort
    cell: Callable[[LinkEntry], tuple[str, str | None]]  # (HTML, sort key; None: sort by the text)
    css: str = ""


def columns(now: datetime) -> dict[str, Column]:
    return {
        "url": Column("Link", "text", lambda entry: (_link(entry), entry.url.lower()), "url"),
        "status": Column(
            "Status",
            "text",
            lambda entry: (_status(entry), f"{entry.status.value} {entry.status_code or ''}"),
        ),
        "broken_for": Column("Broken for", "number", lambda entry: _broken_for(entry, now), "when"),
        "last_good": Column("Last worked", "text", _last_good, "when"),
        "checked": Column(
            "Checked",
            "text",
            lambda entry: (time_html(entry.checked_at), sort_time(entry.checked_at)),
            "when",
        ),
        "where": Column(
            "Where (page:line, department)",
            "text",
            lambda entry: (
                _places(entry.places),
                f"{entry.places[0].path}\x1f{entry.places[0].line:09d}" if entry.places else "",
            ),
            "where",
        ),
        "fix": Column("Suggested fix", "", lambda entry: (_fix(entry), None), "fix"),
    }


@dataclass(frozen=True)
class Group:
    """One table of links: its section id, heading, columns, the order rows come in, the empty text."""

    ident: str
    title: str
    columns: tuple[str, ...]
    sorted_by: tuple[int, str]  # column index and aria-sort value of the order the rows come in
    empty: str
    note: str


GROUPS = (
    Group(
        "newly-broken",
        "Broke last night",
        ("url", "status", "where", "fix"),
        (0, "ascending"),
        "Nothing broke last night.",
        "Links that failed tonight and worked (or were not seen) in the run before.",
    ),
    Group(
        "still-broken",
        "Still broken",
        ("url", "status", "broken_for", "where", "fix"),
        (2, "descending"),
        "Nothing is still broken.",
        "Failing tonight and in the run before; longest broken first.",
    ),
    Group(
        "recovered",
        "Came back",
        ("url", "status", "checked", "where"),
        (0, "ascending"),
        "Nothing came back last night.",
        "Failing in the run before, working tonight.",
    ),
    Group(
        "flapping",
        "Flapping",
        ("url", "status", "last_good", "where", "fix"),
        (0, "ascending"),
        "No link is flapping.",
        "Links that have switched between working and failing lately (they are also listed above).",
    ),
)


def filter_box(ident: str, scope: str, label: str) -> str:
    """A filter box for the rows under the element ``scope``; hidden until the script shows it."""
    return (
        f'<div class="filter" data-scope="{scope}" hidden>'
        f'<label for="filter-{ident}">{esc(label)}</label>'
        f'<input id="filter-{ident}" type="search" autocomplete="off" '
        'placeholder="URL, page, department, text…">'
        f'<output for="filter-{ident}" aria-live="polite"></output></div>'
    )


def header(title: str, kind: str, sort: str | None = None) -> str:
    """A column header; ``kind`` makes it sortable, ``sort`` says the rows are already in its order."""
    attrs = f' data-type="{kind}"' if kind else ""
    if sort:
        attrs += f' aria-sort="{sort}"'
    return f'<th scope="col"{attrs}>{esc(title)}</th>'


def section(ident: str, title: str, count: int, inner: str, note: str = "") -> str:
    note_html = f'<p class="note">{note}</p>' if note else ""
    return (
        f'<section class="panel" id="{ident}" aria-labelledby="{ident}-heading">'
        f'<h2 id="{ident}-heading">{esc(title)} <span class="count">({count:,})</span></h2>'
        f"{note_html}{inner}</section>"
    )


def link_section(group: Group, entries: Sequence[LinkEntry], now: datetime) -> str:
    """A group's section: its table with a filter box, or the sentence saying it is empty."""
    if not entries:
        return section(group.ident, group.title, 0, f'<p class="empty">{esc(group.empty)}</p>', group.note)
    known = columns(now)
    chosen = [known[key] for key in group.columns]
    index, order = group.sorted_by
    head = "".join(
        header(column.title, column.kind, order if number == index else None)
        for number, column in enumerate(chosen)
    )
    body = []
    for entry in entries:
        cells = []
        for column in chosen:
            content, key = column.cell(entry)
            attrs = f' class="{column.css}"' if column.css else ""
            if key is not None:
                attrs += f' data-sort="{esc(key)}"'
            cells.append(f"<td{attrs}>{content}</td>")
        body.append(f'<tr data-url="{esc(entry.url)}">{"".join(cells)}</tr>')
    table = (
        f'<div class="table-wrap" tabindex="0" role="region" aria-label="{esc(group.title)}">'
        f'<table class="sortable links" id="table-{group.ident}">'
        f'<caption class="visually-hidden">{esc(group.title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )
    inner = filter_box(group.ident, f"table-{group.ident}", f"Filter “{group.title.lower()}”") + table
    return section(group.ident, group.title, len(entries), inner, group.note)
