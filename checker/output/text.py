"""Plain text for people: ``path:line:col: level: message [rule]``, an indented ``fix:``, a summary.

What comes from pages, servers and file names is shown with ``checker.output.safe``: control
characters as escapes, no line that a page starts, no workflow command a CI log would run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from checker.model.finding import Severity
from checker.model.report import Report, RuleInfo
from checker.output import safe
from checker.output.base import OutputOptions

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
    for reason, count in sorted(report.hidden.items()):
        line += f"; {_plural(count, 'finding')} {safe.visible(reason)} not shown"
    if report.links is not None:
        links = report.links
        checked = links.urls - links.unchecked
        if links.unchecked and not checked:
            line += f"; {_plural(links.urls, 'URL')} not checked (network unavailable)"
        else:
            requests = _plural(links.requests, "request")
            line += f"; {_plural(checked, 'URL')} checked with {requests} in {links.elapsed:.2f}s"
            if links.cached:
                line += f" ({links.cached} from the link store)"
            if links.unchecked:
                line += f", {links.unchecked} not checked (network unavailable)"
    return safe.line(line)


#: lines gathered before they are written (a few hundred kilobytes)
_BATCH = 1024


def write(report: Report, stream: TextIO, options: OutputOptions) -> None:
    """Each finding's line and fix, then the notes and the summary.

    What findings share (their page, rule, level) is made safe and painted once, and lines are
    written in batches: a large report has hundreds of thousands of them.
    """

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if options.colour else text

    levels = {severity: paint(_COLOURS[severity], severity.label) for severity in Severity}
    paths: dict[str, str] = {}
    rules: dict[str, str] = {}
    lines: list[str] = []
    for finding in report.findings:
        path = paths.get(finding.path)
        if path is None:
            path = paths[finding.path] = safe.path(finding.path)
        rule = rules.get(finding.rule)
        if rule is None:
            rule = rules[finding.rule] = paint(_DIM, f"[{safe.visible(finding.rule)}]")
        where = paint(_BOLD, f"{path}:{finding.line}:{finding.column}:")
        message = safe.visible(finding.message)
        lines.append(safe.line(f"{where} {levels[finding.severity]}: {message} {rule}") + "\n")
        if finding.fix:
            lines.append(safe.line(f"    fix: {safe.visible(finding.fix)}") + "\n")
        if len(lines) >= _BATCH:
            stream.write("".join(lines))
            lines.clear()
    for note in report.notes:
        lines.append(safe.line(f"note: {safe.visible(note)}") + "\n")
    lines.append(summary(report) + "\n")
    stream.write("".join(lines))


def write_rules(rules: Sequence[RuleInfo], stream: TextIO, options: OutputOptions) -> None:
    width = max((len(rule.id) for rule in rules), default=0) + 2
    for rule in rules:
        level = rule.level.label if rule.level is not None else "off"
        rule_id, description = safe.visible(rule.id), safe.visible(rule.description)
        stream.write(safe.line(f"{rule_id:<{width}}{level:<9}{description}") + "\n")


@dataclass(frozen=True)
class _Text:
    name: str = "text"
    description: str = "for people: path:line:col: level: message [rule], a fix, a summary"

    def write(self, report: Report, stream: TextIO, options: OutputOptions) -> None:
        write(report, stream, options)

    def write_rules(self, rules: Sequence[RuleInfo], stream: TextIO, options: OutputOptions) -> None:
        write_rules(rules, stream, options)


FORMATTER = _Text()
