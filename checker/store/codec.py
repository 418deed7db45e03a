"""Model values to SQLite columns and back, exactly: times, link results, findings.

Times are stored as UTC ISO 8601 text with microseconds (``2024-05-01T02:00:00.000000+00:00``),
so text order is time order. Lists (redirects, anchors) and mappings (options, finding fields)
are JSON.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from checker.model.finding import FieldValue, Finding, Severity
from checker.model.links import ErrorKind, Hop, LinkResult, LinkStatus
from checker.model.page import Span

#: the columns of the checks table that hold a result, in the order of result_values
RESULT_COLUMNS = (
    "url",
    "status",
    "status_code",
    "final_url",
    "redirects",
    "permanent_redirect",
    "error_kind",
    "detail",
    "elapsed",
    "attempts",
    "content_type",
    "anchors",
    "truncated",
    "checked_at",
)

#: the columns of the findings table that hold a finding, in the order of finding_values
FINDING_COLUMNS = (
    "fingerprint",
    "rule",
    "severity",
    "page",
    "line",
    "col",
    "end_line",
    "end_col",
    "message",
    "fix",
    "department",
    "url",
    "subject",
    "fields",
)


def time_text(when: datetime) -> str:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"the store needs timezone-aware times, got {when!r}")
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def optional_time_text(when: datetime | None) -> str | None:
    return None if when is None else time_text(when)


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def optional_time(text: str | None) -> datetime | None:
    return None if text is None else parse_time(text)


def to_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def options_json(options: Mapping[str, object] | None) -> str:
    return to_json(dict(options or {}))


def options_from(text: str) -> Mapping[str, Any]:
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def result_values(result: LinkResult) -> tuple[object, ...]:
    return (
        result.url,
        result.status.value,
        result.status_code,
        result.final_url,
        to_json([[hop.url, hop.status_code, hop.location] for hop in result.redirects]),
        int(result.permanent_redirect),
        result.error_kind.value if result.error_kind is not None else None,
        result.detail,
        result.elapsed,
        result.attempts,
        result.content_type,
        None if result.anchors is None else to_json(sorted(result.anchors)),
        int(result.truncated),
        optional_time_text(result.checked_at),
    )


_ERROR_KINDS = frozenset(kind.value for kind in ErrorKind)


class UnknownValue(ValueError):
    """The file holds a value this checker's model does not have (a newer checker wrote it)."""


def link_status(text: str) -> LinkStatus:
    try:
        return LinkStatus(text)
    except ValueError:
        raise UnknownValue(f"a link status {text!r}") from None


def _error_kind(text: str | None) -> ErrorKind | None:
    """The error kind; one this checker does not know reads as None (the detail still says it)."""
    return ErrorKind(text) if text in _ERROR_KINDS else None


def result_from(row: sqlite3.Row) -> LinkResult:
    """A ``LinkResult`` from a row holding ``RESULT_COLUMNS`` by name."""
    anchors = row["anchors"]
    return LinkResult(
        url=row["url"],
        status=link_status(row["status"]),
        status_code=row["status_code"],
        final_url=row["final_url"],
        redirects=tuple(Hop(url, code, location) for url, code, location in json.loads(row["redirects"])),
        permanent_redirect=bool(row["permanent_redirect"]),
        error_kind=_error_kind(row["error_kind"]),
        detail=row["detail"],
        elapsed=row["elapsed"],
        attempts=row["attempts"],
        content_type=row["content_type"],
        anchors=None if anchors is None else frozenset(json.loads(anchors)),
        truncated=bool(row["truncated"]),
        checked_at=optional_time(row["checked_at"]),
    )


def finding_values(finding: Finding) -> tuple[object, ...]:
    span = finding.span
    return (
        finding.fingerprint,
        finding.rule,
        finding.severity.label,
        finding.path,
        span.start_line,
        span.start_column,
        span.end_line,
        span.end_column,
        finding.message,
        finding.fix,
        finding.department,
        finding.url,
        finding.subject,
        to_json(dict(finding.fields)),
    )


def finding_from(row: sqlite3.Row) -> Finding:
    """A ``Finding`` (without ``link``) from a row holding ``FINDING_COLUMNS`` by name."""
    fields: dict[str, FieldValue] = json.loads(row["fields"])
    return Finding(
        rule=row["rule"],
        severity=Severity.parse(row["severity"]),
        path=row["page"],
        span=Span.of(row["line"], row["col"], row["end_line"], row["end_col"]),
        message=row["message"],
        fix=row["fix"],
        department=row["department"],
        url=row["url"],
        subject=row["subject"],
        fields=fields,
        fingerprint=row["fingerprint"],
    )
