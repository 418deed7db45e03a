"""The trend chart: failing URLs per run, as inline SVG drawn here (no script, no library).

One bar per run, oldest on the left, tonight's bar darker and labelled in text; a y axis
with round ticks, at most about eight date labels on the x axis (tonight's always), a
``<title>``/``<desc>`` for assistive technology and a ``<title>`` per bar for the pointer.
The drawing uses a ``viewBox``, so it scales to the page; it is right for one run (one
bar of a sensible width) and for hundreds (thin bars, thinned labels).  The text
alternative (a table of the same numbers) is the page's business, not the chart's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from checker.model.nightly import TrendPoint
from checker.output.nightly.common import esc, when

WIDTH = 960
HEIGHT = 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 96, 24, 50
_MAX_BAR = 44.0
_MAX_X_LABELS = 8


def _day(moment: datetime) -> str:
    return when(moment, year=False, clock=False)


def _when(moment: datetime) -> str:
    return when(moment)


def nice_step(largest: int, ticks: int = 4) -> int:
    """A round step (1, 2 or 5 times a power of ten, at least 1) giving about ``ticks`` ticks."""
    if largest <= ticks:
        return 1
    raw = largest / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)  # pragma: no cover - the loop always returns


def _fmt(number: float) -> str:
    return f"{number:.1f}".removesuffix(".0")


def label_indexes(count: int, most: int = _MAX_X_LABELS) -> list[int]:
    """Which bars get a date label: evenly spaced, counted back from the last (tonight)."""
    if count <= 0:
        return []
    every = max(1, math.ceil(count / most))
    return [index for index in range(count) if (count - 1 - index) % every == 0]


def description(points: Sequence[TrendPoint]) -> str:
    """One sentence saying what the chart shows, for ``<desc>`` and the figure caption."""
    if not points:
        return "No runs recorded yet."
    last = points[-1]
    if len(points) == 1:
        return (
            f"One run so far ({_when(last.started)}): {last.failing:,} failing of {last.checked:,} checked."
        )
    failing = [point.failing for point in points]
    return (
        f"Failing URLs in each of the last {len(points)} runs, from {_when(points[0].started)} "
        f"to {_when(last.started)}: lowest {min(failing):,}, highest {max(failing):,}, "
        f"tonight {last.failing:,} of {last.checked:,} checked."
    )


def trend_svg(points: Sequence[TrendPoint], ident: str = "trend") -> str:
    """The chart as an ``<svg>`` element (empty string when there is no run)."""
    if not points:
        return ""
    plot_w = WIDTH - _LEFT - _RIGHT
    plot_h = HEIGHT - _TOP - _BOTTOM
    base = _TOP + plot_h
    step = nice_step(max(point.failing for point in points))
    top_value = max(step, math.ceil(max(point.failing for point in points) / step) * step)
    slot = plot_w / len(points)
    bar_w = min(_MAX_BAR, max(slot * 0.72, min(slot, 1.0)))

    def y_of(value: int) -> float:
        return base - plot_h * value / top_value

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{ident}-title">Broken links per night</title>',
        f'<desc id="{ident}-desc">{esc(description(points))}</desc>',
        '<g class="grid">',
    ]
    for value in range(0, top_value + 1, step):
        y = _fmt(y_of(value))
        parts.append(f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{y}" y2="{y}"/>')
        parts.append(
            f'<text class="tick" x="{_LEFT - 8}" y="{y}" text-anchor="end" dy="0.32em">{value:,}</text>'
        )
    parts.append("</g>")
    parts.append(
        f'<text class="axis-title" transform="translate(16 {_fmt(_TOP + plot_h / 2)}) rotate(-90)" '
        'text-anchor="middle">Failing URLs</text>'
    )
    parts.append('<g class="bars">')
    labels = set(label_indexes(len(points)))
    for index, point in enumerate(points):
        centre = _LEFT + slot * (index + 0.5)
        x = _fmt(centre - bar_w / 2)
        height = plot_h * point.failing / top_value
        tonight = index == len(points) - 1
        css = "bar tonight" if tonight else "bar"
        shown = max(height, 1.5)  # a zero still leaves a visible stub on the baseline
        tip = f"Run {point.run_id}, {_when(point.started)}: {point.failing:,} failing of {point.checked:,}"
        tip += " checked (tonight)" if tonight else " checked"
        parts.append(
            f'<rect class="{css}" data-run="{point.run_id}" data-failing="{point.failing}" '
            f'x="{x}" y="{_fmt(base - shown)}" width="{_fmt(bar_w)}" height="{_fmt(shown)}">'
            f"<title>{esc(tip)}</title></rect>"
        )
        if index in labels:
            parts.append(
                f'<text class="tick" x="{_fmt(centre)}" y="{base + 18}" text-anchor="middle">'
                f"{esc(_day(point.started))}</text>"
            )
    parts.append("</g>")
    last = points[-1]
    right = _LEFT + slot * (len(points) - 0.5) + bar_w / 2
    parts.append(
        f'<text class="callout" x="{_fmt(right + 8)}" y="{_fmt(min(y_of(last.failing) + 4, base - 2))}">'
        f"Tonight: {last.failing:,}</text>"
    )
    parts.append(
        f'<line class="axis" x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{_fmt(base)}" y2="{_fmt(base)}"/>'
    )
    parts.append(
        f'<text class="axis-title" x="{_fmt(_LEFT + plot_w / 2)}" y="{HEIGHT - 8}" '
        'text-anchor="middle">Run start (UTC)</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)
