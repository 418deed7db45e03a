"""Running a check from the CLI: the request, the report's errors on stderr, the outputs, the exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from checker.cli import options
from checker.cli import timings as cli_timings
from checker.cli.outputs import Output, emit, outputs_for
from checker.cli.progress import Progress
from checker.config.settings import Settings
from checker.engine.filter import FindingFilter, MinLevel
from checker.engine.run import RunRequest, run
from checker.engine.timing import Timings, stage
from checker.model import Page
from checker.model.finding import Severity
from checker.model.report import Report
from checker.output import FORMATS, OutputOptions

if TYPE_CHECKING:  # the run history and the link stage: only when links are checked
    from checker.engine.changes import Changes
    from checker.engine.history import RunHistory
    from checker.engine.links import LinkOptions

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _exit_code(report: Report) -> int:
    if report.failures:
        return EXIT_INTERNAL
    if report.errors:
        return EXIT_USAGE
    return EXIT_FINDINGS if report.failing else EXIT_OK


def _changes(settings: Settings) -> Changes | None:
    if not settings.changed_since:
        return None
    # git (subprocess): only with --changed-since
    from checker.engine.changes import changed_since  # noqa: PLC0415

    return changed_since(settings.changed_since)


def request_for(
    settings: Settings,
    paths: Sequence[str],
    history: RunHistory | None = None,
    *,
    filtered: bool = True,
    timings: Timings | None = None,
) -> RunRequest:
    """The engine's request for a check as ``settings`` say; ``filtered=False``: every finding kept
    (no baseline, no minimum level), as ``checker baseline`` records them."""
    filters: list[FindingFilter] = []
    if filtered and settings.baseline is not None:
        # json, tempfile: only with --baseline
        from checker.engine.baseline import load_baseline  # noqa: PLC0415

        filters.append(load_baseline(settings.baseline))
    if filtered:
        filters.append(MinLevel(Severity.parse(settings.min_level)))
    if not settings.offline:  # issue 11: a config file switching the address guard off is said aloud
        for note in options.guard_notes(settings):
            print(f"checker: note: {note}", file=sys.stderr)
    with stage(timings, "rule files"):
        plan = options.plan_for(settings)
    links = None
    if not settings.offline:
        with stage(timings, "link options (and the crawler, aiohttp, loaded)"):
            links = options.link_options(settings)
    return RunRequest(
        paths=paths,
        plan=plan,
        links=links,
        root=options.root_of(settings),
        filters=filters,
        progress=Progress(sys.stderr, enabled=options.progress_enabled(sys.stderr, os.environ)),
        history=history,
        fail_on=Severity.parse(settings.fail_on),
        changes=_changes(settings),
        all_links=settings.all_links,
        workers=settings.jobs,
        timings=timings,
    )


def execute(
    settings: Settings, paths: Sequence[str], out: TextIO, history: RunHistory | None = None
) -> tuple[Report, int]:
    """Check ``paths`` as ``settings`` say, print what went wrong on stderr, write the outputs."""
    outputs = outputs_for(settings)
    timings = cli_timings.begin(settings)
    request = request_for(settings, paths, history, timings=timings)
    to_fix = _pages_to_fix(settings, request)  # --fix: refused before anything runs, or the pages read
    report = run(request)
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
        FORMATS[name].write(report, stream, OutputOptions(colour=colour, environ=os.environ))

    code = _exit_code(report)
    if to_fix is not None and request.links is not None:
        with stage(timings, "fixes"):
            code = _fix(to_fix, report, request.links, _fix_stream(outputs, out), code)
    try:
        with stage(timings, "output"):
            emit(outputs, out, settings.color, write)
    except BrokenPipeError:  # checker ... | head: the reader went away, the verdict stands
        silence_stdout()
    if timings is not None:
        cli_timings.show(timings, sys.stderr)
    return report, code


def silence_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


# --- --fix (issue 9): after the check, rewrite what has one right answer -------------------------
# The findings and the exit code are those of the check before the fix: the diffs say what changed,
# and a second run (cheap: the link store holds the results) says what is left. The pages are read
# before the check, so a page edited while links are checked is refused rather than fixed blind.


def _pages_to_fix(settings: Settings, request: RunRequest) -> list[Page] | None:
    if not settings.fix:
        return None
    if request.links is None or not request.plan.reads_link_results:
        why = (
            "--offline is given"
            if request.links is None
            else f"no selected rule checks links (profile {settings.profile})"
        )
        raise settings.origin("fix").error(
            f"needs the links checked (it rewrites them from what checking found), but {why}"
        )
    # --fix only: not imported by a plain check
    from checker.engine.fix import read_pages  # noqa: PLC0415

    return read_pages(request.paths, request.root)


def _fix_stream(outputs: Sequence[Output], out: TextIO) -> TextIO:
    """The diffs go before a text report on standard output; beside any other format, to stderr."""
    on_stdout = next((output.format for output in outputs if output.path is None), "text")
    return out if on_stdout == "text" else sys.stderr


def _fix(pages: Sequence[Page], report: Report, links: LinkOptions, stream: TextIO, code: int) -> int:
    """Plan and write the fixes, then print each page's diff and a summary (every page is written
    before anything is printed, so a closed pipe cannot stop a fix half way); the exit code."""
    from checker.engine.fix import plan_fixes  # noqa: PLC0415
    from checker.engine.fix_apply import FixRefused, apply_edits  # noqa: PLC0415

    plan = plan_fixes(pages, report.link_results, links)
    diffs: list[str] = []
    fixed_links = 0
    refused = False
    for page in plan.pages:
        try:
            diffs.append(apply_edits(page.path, page.edits, page.lines))
        except FixRefused as error:
            print(f"checker: error: {error}", file=sys.stderr)
            refused = True
            continue
        fixed_links += len(page.edits)
    fixed_pages = len(diffs)
    stream.write("".join(diffs))
    for line in (*map(str, plan.skipped), *plan.notes):
        print(f"checker: --fix: {line}", file=stream)
    links_word = "link" if fixed_links == 1 else "links"
    pages_word = "page" if fixed_pages == 1 else "pages"
    print(
        f"checker: --fix: fixed {fixed_links} {links_word} in {fixed_pages} {pages_word}; "
        "the findings reported are from the check before the fix",
        file=stream,
    )
    stream.flush()
    return EXIT_USAGE if refused and code < EXIT_USAGE else code
