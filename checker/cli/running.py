"""Running a check from the CLI: the request, the report's errors on stderr, the outputs, the exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TextIO

from checker.cli import options
from checker.cli.outputs import emit, outputs_for
from checker.cli.progress import Progress
from checker.config.settings import Settings
from checker.engine.baseline import load_baseline
from checker.engine.changes import changed_since
from checker.engine.filter import FindingFilter, MinLevel
from checker.engine.history import RunHistory
from checker.engine.run import RunRequest, run
from checker.model.finding import Severity
from checker.model.report import Report
from checker.output import FORMATS, OutputOptions

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _exit_code(report: Report) -> int:
    if report.failures:
        return EXIT_INTERNAL
    if report.errors:
        return EXIT_USAGE
    return EXIT_FINDINGS if report.failing else EXIT_OK


def request_for(
    settings: Settings, paths: Sequence[str], history: RunHistory | None = None, *, filtered: bool = True
) -> RunRequest:
    """The engine's request for a check as ``settings`` say; ``filtered=False``: every finding kept
    (no baseline, no minimum level), as ``checker baseline`` records them."""
    filters: list[FindingFilter] = []
    if filtered and settings.baseline is not None:
        filters.append(load_baseline(settings.baseline))
    if filtered:
        filters.append(MinLevel(Severity.parse(settings.min_level)))
    return RunRequest(
        paths=paths,
        plan=options.plan_for(settings),
        links=None if settings.offline else options.link_options(settings),
        root=options.root_of(settings),
        filters=filters,
        progress=Progress(sys.stderr, enabled=options.progress_enabled(sys.stderr, os.environ)),
        history=history,
        fail_on=Severity.parse(settings.fail_on),
        changes=changed_since(settings.changed_since) if settings.changed_since else None,
        all_links=settings.all_links,
    )


def execute(
    settings: Settings, paths: Sequence[str], out: TextIO, history: RunHistory | None = None
) -> tuple[Report, int]:
    """Check ``paths`` as ``settings`` say, print what went wrong on stderr, write the outputs."""
    outputs = outputs_for(settings)
    report = run(request_for(settings, paths, history))
    for error in report.errors:
        print(f"checker: error: {error}", file=sys.stderr)
    for failure in report.failures:
        where = f" on {failure.path}" if failure.path else ""
        print(
            f"checker: internal error in rule {failure.rule}{where}: {failure.error} "
            "(the other rules' findings are complete; please report it)",
            file=sys.stderr,
        )

    def write(name: str, stream: TextIO, colour: bool) -> None:
        FORMATS[name].write(report, stream, OutputOptions(colour=colour))

    emit(outputs, out, settings.color, write)
    return report, _exit_code(report)
