"""A short Markdown summary for a pull-request comment (and the GitHub job summary).

    ### ❌ checker failed: 2 findings fail the check
    2 errors, 1 warning in 2 pages; ...            (the text format's summary line)
    | Where | Level | Rule | Message | Fix |        (the findings that fail the check)
    <details> the other findings (below --fail-on) </details>
    <details> the exempt findings, with why </details>
    pages that could not be read, rules that failed, notes

At most ``MAX_ROWS`` findings are listed over all tables, in the report's order, then "and N
more". Everything taken from the pages (messages, fixes, paths, departments) is escaped, so a
message holding ``|``, ``*`` or ``<script>`` is shown as written and cannot break the table or
inject HTML. No timestamps: the same report gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

from checker.model.finding import Finding
from checker.model.report import Report, RuleInfo
from checker.output.base import OutputOptions
from checker.output.text import summary

MAX_ROWS = 50

_MARKDOWN = re.compile(r"([\\`*_\[\]|~])")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def escape(text: str) -> str:
    """``text`` as literal Markdown inline content (one table cell: line breaks become ``<br>``)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN.sub(r"\\\1", text)
    return _LINE_BREAK.sub("<br>", text)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def headline(report: Report) -> str:
    """Pass or fail, and why: the findings that fail the check, unreadable pages, failed rules."""
    reasons = []
    if report.failing:
        reasons.append(f"{_plural(len(report.failing), 'finding')} at {report.fail_on.label} or above")
    if report.errors:
        reasons.append(f"{_plural(len(report.errors), 'page')} could not be read")
    if report.failures:
        reasons.append(f"{_plural(len(report.failures), 'internal error')} in the rules")
    if reasons:
        return f"### ❌ checker failed: {', '.join(reasons)}"
    return "### ✅ checker passed"


def _where(finding: Finding) -> str:
    return escape(f"{finding.path}:{finding.line}:{finding.column}")


def _message(finding: Finding) -> str:
    if finding.department and finding.department not in finding.message:
        return escape(f"{finding.department}: {finding.message}")
    return escape(finding.message)


def _fix(finding: Finding) -> str:
    return finding.fix or ""


def _exempt(finding: Finding) -> str:
    return finding.exempt or ""


def _table(
    findings: Sequence[Finding],
    last: tuple[str, Callable[[Finding], str]],
    budget: int,
    lines: list[str],
) -> int:
    """A table of ``findings`` (at most ``budget`` rows, then "and N more"); the rows left.

    ``last`` is the last column: its title, and what it says for a finding.
    """
    title, cell = last
    shown = findings[:budget]
    if shown:
        lines.append(f"| Where | Level | Rule | Message | {title} |")
        lines.append("| --- | --- | --- | --- | --- |")
        for finding in shown:
            lines.append(
                f"| {_where(finding)} | {finding.severity.label} | `{finding.rule}` "
                f"| {_message(finding)} | {escape(cell(finding))} |"
            )
    if len(findings) > len(shown):
        if shown:
            lines.append("")
        lines.append(f"… and {len(findings) - len(shown)} more (every finding is in the other outputs).")
    return budget - len(shown)


def _details(summary_text: str, body: list[str], lines: list[str]) -> None:
    lines += ["", f"<details><summary>{summary_text}</summary>", "", *body, "", "</details>"]


def document(report: Report) -> str:
    """The whole comment, ending in a newline."""
    lines = [headline(report), "", escape(summary(report))]
    failing = report.failing
    failing_ids = {id(finding) for finding in failing}
    exempt = [finding for finding in report.findings if finding.exempt is not None]
    other = [
        finding for finding in report.findings if finding.exempt is None and id(finding) not in failing_ids
    ]
    budget = MAX_ROWS
    if failing:
        lines.append("")
        budget = _table(failing, ("Fix", _fix), budget, lines)
    if other:
        body: list[str] = []
        budget = _table(other, ("Fix", _fix), budget, body)
        below = f"below {report.fail_on.label}, so they do not fail the check"
        _details(f"{_plural(len(other), 'finding')} {below}", body, lines)
    if exempt:
        body = []
        budget = _table(exempt, ("Why it does not count", _exempt), budget, body)
        _details(f"{_plural(len(exempt), 'finding')} exempt from the check", body, lines)
    if report.errors:
        lines += ["", "**Could not be read:**", ""]
        lines += [f"- {escape(str(error))}" for error in report.errors]
    if report.failures:
        lines += ["", "**Internal errors** (the other rules' findings are complete):", ""]
        for failure in report.failures:
            where = f" on {escape(failure.path)}" if failure.path else ""
            lines.append(f"- rule `{failure.rule}`{where}: {escape(failure.error)}")
    if report.notes:
        lines += ["", "**Notes:**", ""]
        lines += [f"- {escape(note)}" for note in report.notes]
    return "\n".join(lines) + "\n"


def write_rules(rules: Sequence[RuleInfo], stream: TextIO) -> None:
    stream.write("| Rule | Level | Description |\n| --- | --- | --- |\n")
    for rule in rules:
        level = rule.level.label if rule.level is not None else "off"
        stream.write(f"| `{rule.id}` | {level} | {escape(rule.description)} |\n")


@dataclass(frozen=True)
class _Markdown:
    name: str = "markdown"
    description: str = "a short summary for a pull-request comment: pass or fail, the findings in a table"

    def write(self, report: Report, stream: TextIO, options: OutputOptions) -> None:
        stream.write(document(report))

    def write_rules(self, rules: Sequence[RuleInfo], stream: TextIO, options: OutputOptions) -> None:
        write_rules(rules, stream)


FORMATTER = _Markdown()
