"""``summary.md``: a few lines for a chat message or a CI job summary.

A headline of figures, then short lists (at most :data:`LIMIT` entries, then "and N more"):
newly broken, came back, broken longest (oldest first) and new content findings.  Plain
CommonMark that GitHub and chat tools render alike: content is escaped (``& < >`` as
entities, Markdown punctuation with a backslash, line breaks folded), and URLs are
``<autolinks>`` when they can be, code spans otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from checker.model.links import LinkStatus
from checker.model.nightly import ContentEntry, LinkEntry, NightlyReport
from checker.output.nightly.common import days_failing, utc, when

LIMIT = 10

_T = TypeVar("_T")
_SPECIAL = re.compile(r"([\\`*_\[\]~|#])")
_AUTOLINK_OK = re.compile(r"https?://[^\s<>\x00-\x1f\x7f]+", re.IGNORECASE)

_STATUS = {
    LinkStatus.OK: "OK",
    LinkStatus.DEAD: "dead",
    LinkStatus.ERROR: "error",
    LinkStatus.UNREACHABLE: "unreachable",
    LinkStatus.BLOCKED: "blocked",
    LinkStatus.SOFT_404: "soft 404",
    LinkStatus.PRIVATE: "private address",
    LinkStatus.SKIPPED: "skipped",
    LinkStatus.UNCHECKED: "not checked",
}


def text(value: str) -> str:
    """Content as inert Markdown text on one line."""
    flat = " ".join(value.split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", flat)


def url(value: str) -> str:
    """An autolink for a plain web address; a code span for anything else."""
    flat = " ".join(value.split())
    if _AUTOLINK_OK.fullmatch(flat):
        return f"<{flat}>"
    ticks = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (ticks + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _status(entry: LinkEntry) -> str:
    label = _STATUS.get(entry.status, entry.status.value)
    if entry.status_code is not None:
        label += f" ({entry.status_code})"
    elif entry.error_kind is not None:
        label += f" ({entry.error_kind.value})"
    return label


def _where(entry: LinkEntry) -> str:
    if not entry.places:
        return ""
    first = entry.places[0]
    where = f"{text(first.path)}:{first.line}"
    if first.department:
        where += f" ({text(first.department)})"
    if len(entry.places) > 1:
        where += f" and {_plural(len(entry.places) - 1, 'other place')}"
    return f" — {where}"


def _since(entry: LinkEntry, now: datetime) -> str:
    days = days_failing(entry, now)
    if entry.failing_since is None or days is None:
        return ""
    span = "under a day" if days < 1 else _plural(int(days), "day")
    return f", since {when(entry.failing_since, clock=False)} ({span})"


def _listing(title: str, items: Sequence[_T], line: Callable[[_T], str]) -> list[str]:
    if not items:
        return []
    out = ["", f"### {title} ({len(items):,})", ""]
    out += [f"- {line(item)}" for item in items[:LIMIT]]
    if len(items) > LIMIT:
        out.append(f"- … and {len(items) - LIMIT:,} more")
    return out


def _finding(entry: ContentEntry) -> str:
    finding = entry.finding
    where = f"{text(finding.path)}:{finding.line}"
    if finding.department:
        where += f" ({text(finding.department)})"
    fix = f" Fix: {text(finding.fix)}" if finding.fix else ""
    return f"{where}: {text(finding.message)} `{finding.rule}`.{fix}"


def render(report: NightlyReport) -> str:
    """The whole ``summary.md``."""
    run = report.run
    now = report.generated
    new_content = [entry for entry in report.content if entry.new]
    state = "" if run.complete else " — **interrupted**"
    lines = [
        f"## Nightly link report: run {run.id}, {when(run.started, clock=False)}{state}",
        "",
        f"**{len(report.newly_broken):,} newly broken** · {len(report.still_broken):,} still broken · "
        f"{len(report.recovered):,} recovered · {len(report.flapping):,} flapping · "
        f"{len(report.content):,} content findings ({len(new_content):,} new)",
        "",
        f"{_plural(run.urls, 'URL')} checked on {_plural(run.pages, 'page')}, {run.failing:,} failing"
        + (f"; {_plural(report.unchecked, 'URL')} not checked" if report.unchecked else "")
        + ".",
    ]
    if not run.complete:
        lines += ["", "> The run was interrupted: what was checked before it stopped is reported."]
    if report.previous is not None and not report.previous.complete:
        lines += ["", f"> The previous run ({report.previous.id}) was interrupted."]
    lines += _listing(
        "Newly broken", report.newly_broken, lambda entry: f"{url(entry.url)} {_status(entry)}{_where(entry)}"
    )
    lines += _listing("Came back", report.recovered, lambda entry: f"{url(entry.url)}{_where(entry)}")
    oldest = sorted(
        report.still_broken,
        key=lambda entry: (utc(entry.failing_since or now), entry.url),
    )
    lines += _listing(
        "Broken longest",
        oldest,
        lambda entry: f"{url(entry.url)} {_status(entry)}{_since(entry, now)}{_where(entry)}",
    )
    lines += _listing("New content findings", new_content, _finding)
    if not (report.newly_broken or report.recovered or report.still_broken or new_content):
        lines += ["", "Nothing to report: no broken links and no new content findings."]
    return "\n".join(lines) + "\n"
