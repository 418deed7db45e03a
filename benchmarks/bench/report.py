"""The table: one Markdown document (stdout and reports/benchmarks/latest.md) and the same
numbers round by round in latest.json, with the machine and the tool versions."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.results import ToolRow, WorkloadResult

HEADER = (
    "| workload | server | tool | wall median (range) | peak RSS | requests | links/s | ratio | verdict |"
)
RULE = "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"


def machine() -> dict[str, Any]:
    """Cores, CPU, memory and load: the context every number depends on."""
    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "usable cores": len(os.sched_getaffinity(0)),
        "platform": platform.platform(),
        "load average": " ".join(f"{load:.2f}" for load in os.getloadavg()),
    }
    for path, key, label in (
        (Path("/proc/cpuinfo"), "model name", "cpu"),
        (Path("/proc/meminfo"), "MemTotal", "memory"),
    ):
        try:
            line = next(line for line in path.read_text().splitlines() if line.startswith(key))
            info[label] = line.split(":", 1)[1].strip()
        except (OSError, StopIteration):
            pass
    return info


def _seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 1 else f"{value:.2f} s"


def _wall(row: ToolRow) -> str:
    if row.median is None:
        return "—"
    return f"{_seconds(row.median)} ({min(row.walls):.2f}–{max(row.walls):.2f})"


def _requests(row: ToolRow) -> str:
    counts = sorted({sample.requests for sample in row.samples if sample.requests is not None})
    if not counts:
        return "—"
    return f"{counts[0]:,}" if len(counts) == 1 else f"{counts[0]:,}–{counts[-1]:,}"


def _verdict(row: ToolRow) -> str:
    wrong = [sample.verdict.summary for sample in row.samples if not sample.verdict.ok]
    if wrong:
        return f"**{wrong[0]}**" + (
            f" ({len(wrong)} of {len(row.samples)} rounds)" if len(row.samples) > 1 else ""
        )
    return row.samples[0].verdict.summary if row.samples else "—"


def _line(result: WorkloadResult, row: ToolRow, first: bool) -> str:
    if not row.samples:
        cells = [
            result.name if first else "",
            result.server if first else "",
            f"{row.tool}: {row.unavailable or 'unavailable'}",
        ]
        return "| " + " | ".join(cells + ["—"] * 6) + " |"
    rss = max(sample.rss_kib for sample in row.samples) / 1024
    rate = f"{result.links / row.median:,.0f}" if row.median and result.links else "—"
    ratio = (f"{result.ratio:.2f}" if result.ratio is not None else "—") if first else ""
    cells = [result.name if first else "", result.server if first else "", row.tool, _wall(row),
             f"{rss:,.0f} MiB", _requests(row), rate, ratio, _verdict(row)]  # fmt: skip
    return "| " + " | ".join(cells) + " |"


def markdown(results: list[WorkloadResult], context: dict[str, Any]) -> str:
    lines = [
        "# checker against lychee",
        "",
        f"{context['date']}; {_count(context['rounds'], 'round')}, alternating which tool goes first; scale "
        f"{context['scale']:g}; the whole run took {context['elapsed']:.0f} s.",
        "",
        "Machine: " + "; ".join(f"{key} {value}" for key, value in context["machine"].items()) + ".",
        "",
        "Versions: " + "; ".join(f"{key} {value}" for key, value in context["versions"].items()) + ".",
        "",
        HEADER,
        RULE,
    ]
    for result in results:
        lines += [_line(result, result.checker, True), _line(result, result.other, False)]
    lines += [
        "",
        "ratio: checker's median wall over the other tool's (lychee, markdown-it-py, python -c pass). "
        f"peak RSS: the largest of the rounds, by {context['rss']}. requests: counted at the server.",
        "",
    ]
    lines += ["Workloads:", ""] + [f"- `{r.name}`: {r.about}; as run: {_sizes(r)}" for r in results]
    lines += ["", "Commands (each run in a fresh folder; standard output to a file):", ""]
    lines += [f"- {what}: `{command}`" for what, command in context["commands"].items()]
    notes = [f"- `{r.name}`: {note}" for r in results for note in r.notes]
    if notes:
        lines += ["", "Notes:", "", *notes]
    return "\n".join(lines) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _sizes(result: WorkloadResult) -> str:
    if not result.links:
        return "one page"
    pages = f"{_count(result.pages, 'page')} of up to {result.blocks} department blocks"
    dead = f", {result.dead:,} planted dead" if result.dead else ""
    return f"{pages}, {result.links:,} links, {result.unique:,} distinct URLs{dead}"


def write(folder: Path, text: str, results: list[WorkloadResult], context: dict[str, Any], stem: str) -> None:
    """``stem``.md and ``stem``.json in ``folder`` (reports/ is not committed)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.md").write_text(text, encoding="utf-8")
    document = {
        "context": context,
        "workloads": [asdict(result) | {"ratio": result.ratio} for result in results],
    }
    (folder / f"{stem}.json").write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
