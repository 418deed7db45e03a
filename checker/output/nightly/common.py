"""Small helpers the writers share: escaping, times in UTC, how long a link has been failing."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from checker.model.nightly import LinkEntry

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def esc(text: object) -> str:
    """Content for HTML text or a double-quoted attribute: ``& < > " '`` escaped."""
    return escape(str(text), quote=True)


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def utc(moment: datetime) -> datetime:
    """The same instant in UTC; a time without a zone is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the zone kept (``+00:00`` added to a time without one)."""
    if moment is None:
        return None
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).isoformat()


def when(moment: datetime, *, year: bool = True, clock: bool = True) -> str:
    """``3 May 2025 02:14 UTC`` (English month names whatever the locale)."""
    moment = utc(moment)
    text = f"{moment.day} {_MONTHS[moment.month - 1]}"
    if year:
        text += f" {moment.year}"
    if clock:
        text += f" {moment:%H:%M} UTC"
    return text


def time_html(moment: datetime | None, *, clock: bool = True) -> str:
    """A ``<time>`` element in UTC; a dash for no time."""
    if moment is None:
        return "—"
    return f'<time datetime="{esc(utc(moment).isoformat())}">{esc(when(moment, clock=clock))}</time>'


def sort_time(moment: datetime | None) -> str:
    """A time as a key that sorts as text (empty for none)."""
    return utc(moment).isoformat() if moment is not None else ""


def days_failing(entry: LinkEntry, now: datetime) -> float | None:
    """``LinkEntry.days_failing``, safe when one of the two times has no zone."""
    if entry.failing_since is None:
        return None
    return max(0.0, (utc(now) - utc(entry.failing_since)).total_seconds() / 86400)


def duration(days: float) -> str:
    """``under a day``, ``1 day``, ``40 days`` (whole days, rounded down)."""
    return "under a day" if days < 1 else plural(int(days), "day")
