"""The command line. Only this package prints and picks exit codes.

Exit codes: 0 clean (or warnings only), 1 error-level findings,
2 usage, config or input error, 3 internal error (a check that failed, or a bug).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from checker import __version__
from checker.cli import options
from checker.cli import timings as cli_timings
from checker.cli.nightly import cmd_nightly, cmd_prune, cmd_report
from checker.cli.outputs import format_name, outputs_for
from checker.cli.running import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, execute, request_for, silence_stdout
from checker.cli.signals import STOPPED, Stopper
from checker.config.settings import (
    SETTINGS,
    BadValue,
    Setting,
    Settings,
)
from checker.engine.run import run
from checker.errors import CheckerError
from checker.output import FORMATS, OutputOptions

_DEFAULTS = Settings()


def _argument_type(setting: Setting) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            return setting.parse(text)
        except BadValue as bad:
            raise argparse.ArgumentTypeError(str(bad)) from None

    return parse


#: `checker baseline` runs a check as `checker check` would, without what only shapes its output
_BASELINE_SKIPS = frozenset(
    {"output", "format", "min_level", "fix", "changed_since", "all_links", "color", "fail_on"}
)


def _takes(setting: Setting, command: str) -> bool:
    if command == "baseline":
        return setting.name == "baseline" or (
            "check" in setting.commands and setting.name not in _BASELINE_SKIPS
        )
    return command in setting.commands


def _add_settings(parser: argparse.ArgumentParser, command: str) -> None:
    groups: dict[str, argparse._ArgumentGroup] = {}
    for setting in SETTINGS:
        if setting.flag is None or not _takes(setting, command):
            continue
        section = setting.key.rpartition(".")[0]
        target: Any = parser
        if section == "crawl":
            target = groups.setdefault(section, parser.add_argument_group("link checking"))
        default = getattr(_DEFAULTS, setting.name)
        help_text = setting.help
        if command == "check" and setting.name == "format":
            help_text += f" ({', '.join(FORMATS)})"
        if isinstance(default, tuple) and default:
            help_text += f" (default: {', '.join(map(str, default))})"
        elif default not in (None, (), False):
            help_text += (
                f" (default: {default:g})" if isinstance(default, float) else f" (default: {default})"
            )
        common: dict[str, Any] = {"dest": setting.name, "default": None, "help": help_text}
        if setting.boolean:
            target.add_argument(setting.flag, action=argparse.BooleanOptionalAction, **common)
        else:
            target.add_argument(
                setting.flag,
                action="append" if setting.many else "store",
                type=_argument_type(setting),
                metavar=setting.metavar,
                **common,
            )


#: each command, what ``checker --help`` says of it, and whether it takes PATHs
_SUBCOMMANDS = (
    ("check", "check pages (files, folders or globs)", True),
    ("nightly", "re-check every link, record it in the link store, write the nightly report", True),
    ("report", "write the nightly report again from the link store", False),
    ("prune", "remove old runs from the link store (history is kept)", False),
    (
        "baseline",
        "record today's findings in a baseline file (check --baseline fails only on new ones)",
        True,
    ),
    ("rules", "list every rule with its level and description", False),
)


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser. Given the ``command`` that runs, it has only that command's
    subparser: each parser and option costs argparse some work (a formatter, translated strings),
    and a check from an editor should start at once. None: every command's, for ``checker --help``
    and what argparse says about a missing or unknown command."""
    parser = argparse.ArgumentParser(
        prog="checker", description="Link and content checker for department-response pages."
    )
    parser.add_argument("--version", action="version", version=f"checker {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text, takes_paths in _SUBCOMMANDS:
        if command is not None and name != command:
            continue
        sub = commands.add_parser(name, help=help_text)
        if takes_paths:
            sub.add_argument("paths", nargs="+", metavar="PATH")
        if name == "report":
            sub.add_argument("--run", type=int, metavar="ID", help="report on this run (default: the newest)")
        sub.add_argument(
            "--config",
            type=Path,
            metavar="FILE",
            help="config file (default: .checker.yaml in the working folder, if any)",
        )
        _add_settings(sub, name)
    return parser


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    settings = options.settings_of(args)
    outputs_for(settings)  # a bad --output is a usage error before anything runs
    if settings.offline or not settings.store:
        return execute(settings, args.paths, out)[1]
    with options.open_settings_store(settings) as store:
        history = options.run_history(store, settings, cache=True, command="check")
        return execute(settings, args.paths, out, history)[1]


def cmd_baseline(args: argparse.Namespace, out: TextIO) -> int:
    """Record today's findings, so that `check --baseline FILE` fails only on new ones."""
    # json, tempfile: only here
    from checker.engine.baseline import DEFAULT_NAME, save_baseline  # noqa: PLC0415

    settings = options.settings_of(args)
    target = settings.baseline or (options.root_of(settings) or Path.cwd()) / DEFAULT_NAME
    timings = cli_timings.begin(settings)
    if settings.offline or not settings.store:
        report = run(request_for(settings, args.paths, filtered=False, timings=timings))
    else:
        with options.open_settings_store(settings) as store:
            history = options.run_history(store, settings, cache=True, command="baseline")
            report = run(request_for(settings, args.paths, history, filtered=False, timings=timings))
    if timings is not None:
        cli_timings.show(timings, sys.stderr)
    for error in report.errors:
        print(f"checker: error: {error}", file=sys.stderr)
    if report.errors or report.failures:
        print(
            "checker: the baseline was not written: some pages or rules could not be checked", file=sys.stderr
        )
        return EXIT_USAGE if report.errors else EXIT_INTERNAL
    try:
        count = save_baseline(target, report.findings)
    except OSError as error:
        raise CheckerError(str(target), f"cannot be written: {error.strerror or error}") from None
    print(
        f"recorded {count} findings in {target}; `checker check --baseline {target}` fails only on new ones",
        file=out,
    )
    return EXIT_OK


def cmd_rules(args: argparse.Namespace, out: TextIO) -> int:
    settings = options.settings_of(args)
    name = format_name(settings.format, settings.origin("format"))
    FORMATS[name].write_rules(options.plan_for(settings).rules, out, OutputOptions())
    return EXIT_OK


COMMANDS = {
    "check": cmd_check,
    "nightly": cmd_nightly,
    "report": cmd_report,
    "prune": cmd_prune,
    "baseline": cmd_baseline,
    "rules": cmd_rules,
}


def _command_in(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs when it starts with one (``checker check ...``), else None: with
    ``checker --help check`` or no command, the parser needs every command."""
    return argv[0] if argv and argv[0] in COMMANDS else None


#: the cycle collector's thresholds while a command runs (Python's are 700, 10, 10). A run makes
#: objects by the million (pages, link results, findings) and next to no reference cycles, and a
#: collection every 700 allocations cost a tenth of a 10,000-link check (5.7 s against 5.1 s,
#: measured); after 50,000 the garbage any cycles leave stays a few megabytes.
COLLECTOR_THRESHOLDS = (50_000, 20, 10)


def _closed_streams_to_devnull() -> None:
    """A standard stream whose descriptor was closed before the start (``2>&-``) is None in
    Python: everything written to it (usage errors, notes, the progress line, ``--timings``, the
    report) goes nowhere instead of failing, and the exit code still gives the verdict."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, Path(os.devnull).open("w", encoding="utf-8"))  # noqa: SIM115 (kept open)


def main(argv: Sequence[str] | None = None) -> int:
    cli_timings.entered()
    _closed_streams_to_devnull()
    argv = sys.argv[1:] if argv is None else argv
    args = _parser(_command_in(argv)).parse_args(argv)
    stopper = Stopper()
    restore = stopper.install()
    thresholds = gc.get_threshold()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    try:
        return _dispatch(args, stopper)
    finally:
        gc.set_threshold(*thresholds)
        restore()


def _dispatch(args: argparse.Namespace, stopper: Stopper) -> int:
    try:
        return COMMANDS[args.command](args, sys.stdout)
    except CheckerError as error:
        print(f"checker: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(stopper.message(), file=sys.stderr)
        return STOPPED
    except BrokenPipeError:  # the reader went away (checker ... | head): say nothing more
        silence_stdout()
        return EXIT_OK
    except Exception as error:  # the last line of defence: never a bare traceback
        print(f"checker: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        if os.environ.get("CHECKER_DEBUG"):
            import traceback  # noqa: PLC0415

            traceback.print_exc()
        else:
            print("checker: set CHECKER_DEBUG=1 to see the traceback, and please report it", file=sys.stderr)
        return EXIT_INTERNAL
