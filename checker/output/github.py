"""GitHub Actions workflow commands: one annotation per finding, and a Markdown job summary.

    ::error file=pages/_action01.md,line=41,endLine=41,col=1,endColumn=14,title=RULE (DEPARTMENT)::...

Chosen automatically on standard output when ``GITHUB_ACTIONS=true`` (see ``checker.cli.outputs``).
Levels: error → ``::error``, warning → ``::warning``, info → ``::notice``. Paths are the findings'
own, relative to the working folder (the workspace, in a workflow). Columns are given only for a
finding on one line (the runner rejects them otherwise), ``endColumn`` exclusive as ours is (as
ruff and ESLint give it too).

Exempt findings (``Finding.exempt``: outside the lines a change touched, and later waived or in
the baseline) get **no annotation**, so the pull request is annotated on exactly the lines that
count; they are listed, with the reason, in a collapsed ``::group::`` of the log and in the job
summary. Unreadable pages and rules that failed are ``::error`` annotations too; notes are
``::notice``. The last line is the text format's summary.

The job summary (``checker.output.markdown``) is appended to the file ``$GITHUB_STEP_SUMMARY``
names, when it is set in ``OutputOptions.environ``; the file is never truncated. A summary that
cannot be written is reported as a ``::warning`` and the run goes on.

Escaping is GitHub's own (``@actions/core``): in the message ``%`` → ``%25``, CR → ``%0D``,
LF → ``%0A``; in property values (file, title) also ``:`` → ``%3A`` and ``,`` → ``%2C``. Before
that, text from pages, servers and file names goes through ``checker.output.safe.visible``
(control characters, line breaks and bidirectional controls as visible escapes), so that no
page can put a line of its own in the log, colour or hide it, or start a workflow command
(``::add-mask::``, ``::stop-commands::``) there; every line is checked by ``safe.line``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from checker.model.finding import Finding, Severity
from checker.model.report import Report, RuleInfo
from checker.output import markdown, safe, text
from checker.output.base import OutputOptions

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
SUMMARY_VARIABLE = "GITHUB_STEP_SUMMARY"


def escape_data(value: str) -> str:
    """A workflow command's message, as ``@actions/core`` escapes it."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A workflow command's property value (``file=``, ``title=``...)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, properties: Mapping[str, str | int] | None = None) -> str:
    """One workflow command line, without its newline; the property values are made
    ``safe.visible``, the message too, line by line (see ``_command``)."""
    return _command(name, (message,), properties or {})


def _command(name: str, lines: Sequence[str], properties: Mapping[str, str | int]) -> str:
    """A workflow command whose message is ``lines`` joined by line breaks (``%0A``: the annotation
    shows them), each line ``safe.visible`` and ``safe.line``, so that none starts with ``::``."""
    given = ",".join(
        f"{key}={escape_property(safe.visible(str(value)))}" for key, value in properties.items()
    )
    data = "\n".join(safe.line(safe.visible(part)) for line in lines for part in line.split("\n"))
    return f"::{name}{' ' + given if given else ''}::{escape_data(data)}"


def location(finding: Finding) -> dict[str, str | int]:
    """``file``, ``line``, ``endLine``, and the columns when the span is on one line."""
    start, end = finding.span.start, finding.span.end
    end_line = end.line
    if end.line > start.line and end.column <= 1:
        end_line -= 1  # the span ends at the start of a line: it ends on the line before
    where: dict[str, str | int] = {"file": finding.path, "line": start.line, "endLine": end_line}
    if end_line == start.line:
        where["col"] = start.column
        if end.line == start.line:
            where["endColumn"] = end.column
    return where


def title(finding: Finding) -> str:
    return f"{finding.rule} ({finding.department})" if finding.department else finding.rule


def annotation(finding: Finding) -> str:
    lines = (finding.message, f"Fix: {finding.fix}") if finding.fix else (finding.message,)
    properties = {**location(finding), "title": title(finding)}
    return _command(COMMANDS[finding.severity], lines, properties)


def write_summary(report: Report, stream: TextIO, environ: Mapping[str, str]) -> None:
    """Append the Markdown job summary to ``$GITHUB_STEP_SUMMARY``, when it is set."""
    path = environ.get(SUMMARY_VARIABLE)
    if not path:
        return
    try:
        with Path(path).open("a", encoding="utf-8", newline="\n") as summary:
            summary.write(markdown.document(report))
    except OSError as error:
        reason = error.strerror or str(error)
        stream.write(command("warning", f"checker: the job summary could not be written to {path}: {reason}"))
        stream.write("\n")


def write(report: Report, stream: TextIO, options: OutputOptions) -> None:
    exempt: list[Finding] = []
    for finding in report.findings:
        if finding.exempt is not None:
            exempt.append(finding)
        else:
            stream.write(annotation(finding) + "\n")
    for error in report.errors:
        where: dict[str, str | int] = {"file": error.path}
        if error.line is not None:
            where["line"] = error.line
        stream.write(command("error", error.message, {**where, "title": "checker: page not read"}) + "\n")
    for failure in report.failures:
        failed: dict[str, str | int] = {"file": failure.path} if failure.path else {}
        message = f"{failure.error} (the other rules' findings are complete; please report it)"
        properties = {**failed, "title": f"checker: internal error in rule {failure.rule}"}
        stream.write(command("error", message, properties) + "\n")
    for note in report.notes:
        stream.write(command("notice", note, {"title": "checker"}) + "\n")
    if exempt:
        count = f"{len(exempt)} finding{'' if len(exempt) == 1 else 's'}"
        stream.write(command("group", f"{count} not annotated (exempt from the check)") + "\n")
        for finding in exempt:
            line = (
                f"{safe.path(finding.path)}:{finding.line}:{finding.column}: {finding.severity.label}: "
                f"{safe.visible(finding.message)} [{safe.visible(finding.rule)}] "
                f"(exempt: {safe.visible(finding.exempt or '')})"
            )
            stream.write(safe.line(line) + "\n")
        stream.write(command("endgroup", "") + "\n")
    stream.write(safe.line(text.summary(report)) + "\n")
    write_summary(report, stream, options.environ)


@dataclass(frozen=True)
class _GitHub:
    name: str = "github"
    description: str = "GitHub Actions annotations and a job summary (chosen when GITHUB_ACTIONS=true)"

    def write(self, report: Report, stream: TextIO, options: OutputOptions) -> None:
        write(report, stream, options)

    def write_rules(self, rules: Sequence[RuleInfo], stream: TextIO, options: OutputOptions) -> None:
        text.write_rules(rules, stream, options)  # a rule list is not an annotation: the text listing


FORMATTER = _GitHub()
