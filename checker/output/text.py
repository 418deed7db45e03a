"""Plain text for people: ``path:line:col: level: message [rule]``, an indented ``fix:``, a summary."""

from __future__ import annotations

from typing import TextIO

from checker.finding import Severity
from checker.report import Report

_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(report: Report) -> str:
    counts = report.counts()
    parts = [_plural(counts[level], level.label) for level in sorted(Severity, reverse=True) if counts[level]]
    found = ", ".join(parts) if parts else "no problems"
    line = f"{found} in {_plural(len(report.files), 'page')}"
    if report.errors:
        line += f"; {_plural(len(report.errors), 'file')} could not be checked"
    if report.links is not None:
        links = report.links
        if links.network_down:
            line += f"; {_plural(links.urls, 'URL')} not checked (network unavailable)"
        else:
            requests = _plural(links.requests, "request")
            line += f"; {_plural(links.urls, 'URL')} checked with {requests} in {links.elapsed:.2f}s"
    return line


def write(report: Report, stream: TextIO, colour: bool) -> None:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if colour else text

    for finding in report.findings:
        level = paint(_COLOURS[finding.severity], finding.severity.label)
        where = paint(_BOLD, f"{finding.path}:{finding.line}:{finding.column}:")
        stream.write(f"{where} {level}: {finding.message} {paint(_DIM, f'[{finding.rule}]')}\n")
        if finding.fix:
            stream.write(f"    fix: {finding.fix}\n")
    for note in report.notes:
        stream.write(f"note: {note}\n")
    stream.write(summary(report) + "\n")
