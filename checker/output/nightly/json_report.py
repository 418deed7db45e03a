"""``report.json``: the nightly report for machines; schema ``checker-nightly``, version 1.

The document is one JSON object (UTF-8, indented, keys in the order below)::

    {"schema": "checker-nightly",          # always this string
     "version": 1,                         # bumped on any incompatible change
     "generated": TIME,                    # when the report was made
     "run": RUN,                           # tonight's run
     "previous": RUN | null,               # the run before it, if any
     "summary": {"newly_broken": N, "still_broken": N, "recovered": N, "flapping": N,
                 "unchecked": N, "content": N, "content_new": N, "complete": BOOL},
     "newly_broken": [LINK],               # failing tonight, good (or unseen) in the previous run
     "still_broken": [LINK],               # failing tonight and in the previous run
     "recovered":    [LINK],               # failing in the previous run, good tonight
     "flapping":     [LINK],               # alternating lately; these are also in the lists above
     "unchecked": N,                       # URLs not checked tonight (network down, interrupted run)
     "content": [{"new": BOOL, "finding": FINDING}],
     "trend": [{"run_id": N, "started": TIME, "failing": N, "checked": N}]}   # oldest first

    RUN  = {"id": N, "started": TIME, "finished": TIME | null, "complete": BOOL,
            "pages": N, "urls": N, "failing": N}
    LINK = {"url": STR, "status": STATUS, "status_code": N | null, "error_kind": KIND | null,
            "detail": STR, "final_url": STR, "checked_at": TIME | null,
            "first_seen": TIME, "last_good": TIME | null, "failing_since": TIME | null,
            "days_failing": NUMBER | null,  # derived: days from failing_since to "generated", 2 decimals
            "consecutive_failures": N, "flapping": BOOL,
            "places": [{"path": STR, "line": N, "column": N, "department": STR | null, "text": STR}],
            "rule": STR | null, "severity": "error" | "warning" | "info" | null, "fix": STR | null}
    FINDING = a finding exactly as in ``checker check --format json`` (version 2, see
              ``checker/output/json_format.py``): rule, severity, path, line, column, end_line,
              end_column, message, fix, department, url, fingerprint, fields, evidence?

``TIME`` is ISO 8601 with a UTC offset (``2025-05-03T02:00:00+00:00``; a time stored
without a zone is taken as UTC).  ``STATUS`` is a ``LinkStatus`` value (``ok``, ``dead``,
``error``, ``unreachable``, ``blocked``, ``soft-404``, ``private``, ``skipped``,
``unchecked``); ``KIND`` an ``ErrorKind`` value (``dns``, ``timeout``, ``http-status``...).
Severities are lower-case labels, as in the findings.  Readers should ignore keys they do
not know: new keys may appear without a version change.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from checker.model.nightly import ContentEntry, LinkEntry, NightlyReport, Place, RunFacts, TrendPoint
from checker.output.json_format import finding_record
from checker.output.nightly.common import days_failing, iso

SCHEMA = "checker-nightly"
VERSION = 1


def run_record(run: RunFacts) -> dict[str, Any]:
    return {
        "id": run.id,
        "started": iso(run.started),
        "finished": iso(run.finished),
        "complete": run.complete,
        "pages": run.pages,
        "urls": run.urls,
        "failing": run.failing,
    }


def place_record(place: Place) -> dict[str, Any]:
    return {
        "path": place.path,
        "line": place.line,
        "column": place.column,
        "department": place.department,
        "text": place.text,
    }


def link_entry_record(entry: LinkEntry, now: datetime) -> dict[str, Any]:
    days = days_failing(entry, now)
    return {
        "url": entry.url,
        "status": entry.status.value,
        "status_code": entry.status_code,
        "error_kind": entry.error_kind.value if entry.error_kind is not None else None,
        "detail": entry.detail,
        "final_url": entry.final_url,
        "checked_at": iso(entry.checked_at),
        "first_seen": iso(entry.first_seen),
        "last_good": iso(entry.last_good),
        "failing_since": iso(entry.failing_since),
        "days_failing": round(days, 2) if days is not None else None,
        "consecutive_failures": entry.consecutive_failures,
        "flapping": entry.flapping,
        "places": [place_record(place) for place in entry.places],
        "rule": entry.rule,
        "severity": entry.severity.label if entry.severity is not None else None,
        "fix": entry.fix,
    }


def content_record(entry: ContentEntry) -> dict[str, Any]:
    return {"new": entry.new, "finding": finding_record(entry.finding)}


def trend_record(point: TrendPoint) -> dict[str, Any]:
    return {
        "run_id": point.run_id,
        "started": iso(point.started),
        "failing": point.failing,
        "checked": point.checked,
    }


def document(report: NightlyReport) -> dict[str, Any]:
    """The whole ``report.json`` document as plain data."""
    now = report.generated

    def links(entries: tuple[LinkEntry, ...]) -> list[dict[str, Any]]:
        return [link_entry_record(entry, now) for entry in entries]

    return {
        "schema": SCHEMA,
        "version": VERSION,
        "generated": iso(report.generated),
        "run": run_record(report.run),
        "previous": run_record(report.previous) if report.previous is not None else None,
        "summary": {
            "newly_broken": len(report.newly_broken),
            "still_broken": len(report.still_broken),
            "recovered": len(report.recovered),
            "flapping": len(report.flapping),
            "unchecked": report.unchecked,
            "content": len(report.content),
            "content_new": sum(entry.new for entry in report.content),
            "complete": report.run.complete,
        },
        "newly_broken": links(report.newly_broken),
        "still_broken": links(report.still_broken),
        "recovered": links(report.recovered),
        "flapping": links(report.flapping),
        "unchecked": report.unchecked,
        "content": [content_record(entry) for entry in report.content],
        "trend": [trend_record(point) for point in report.trend],
    }


def render(report: NightlyReport) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
