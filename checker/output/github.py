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
LF → ``%0A``; in property values (file, title) also ``:`` → ``%3A`` and ``,`` → ``%2C``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from checker.model.finding import Finding, Severity
from checker.model.report import Report, RuleInfo
from checker.output import markdown, text
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
    """One workflow command line, without its newline."""
    given = ",".join(f"{key}={escape_property(str(value))}" for key, value in (properties or {}).items())
    return f"::{name}{' ' + given if given else ''}::{escape_data(message)}"


def _one_line(value: str) -> str:
    """Plain log text on one line, so that nothing in it can start a workflow command."""
    return " ".join(value.splitlines())


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
    message = finding.message + (f"\nFix: {finding.fix}" if finding.fix else "")
    properties = {**location(finding), "title": title(finding)}
    return command(COMMANDS[finding.severity], message, properties)


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
                f"{finding.path}:{finding.line}:{finding.column}: {finding.severity.label}: "
                f"{finding.message} [{finding.rule}] (exempt: {finding.exempt})"
            )
            stream.write(_one_line(line) + "\n")
        stream.write(command("endgroup", "") + "\n")
    stream.write(_one_line(text.summary(report)) + "\n")
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
