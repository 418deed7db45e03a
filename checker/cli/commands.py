"""The command line. Only this package prints and picks exit codes.

Exit codes: 0 clean (or warnings only), 1 error-level findings,
2 usage, config or input error, 3 internal error (a check that failed, or a bug).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from checker import __version__
from checker.cli.progress import Progress
from checker.config.settings import (
    SETTINGS,
    BadValue,
    Setting,
    Settings,
    Values,
    find_config,
    read_config,
    resolve,
)
from checker.crawl import CrawlConfig
from checker.engine.filter import MinLevel
from checker.engine.links import LinkOptions
from checker.engine.plan import Plan, Selection, make_plan
from checker.engine.run import RunRequest, run
from checker.errors import CheckerError, Origin
from checker.model.finding import Severity
from checker.model.report import Report
from checker.output import FORMATS, OutputOptions

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
_DEFAULTS = Settings()


def _argument_type(setting: Setting) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            return setting.parse(text)
        except BadValue as bad:
            raise argparse.ArgumentTypeError(str(bad)) from None

    return parse


def _add_settings(parser: argparse.ArgumentParser, command: str) -> None:
    groups: dict[str, argparse._ArgumentGroup] = {}
    for setting in SETTINGS:
        if setting.flag is None or command not in setting.commands:
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="checker", description="Link and content checker for department-response pages."
    )
    parser.add_argument("--version", action="version", version=f"checker {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="check pages (files, folders or globs)")
    check.add_argument("paths", nargs="+", metavar="PATH")
    rules = commands.add_parser("rules", help="list every rule with its level and description")
    for name, sub in (("check", check), ("rules", rules)):
        sub.add_argument(
            "--config",
            type=Path,
            metavar="FILE",
            help="config file (default: .checker.yaml in the working folder, if any)",
        )
        _add_settings(sub, name)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    path = args.config if args.config is not None else find_config(Path.cwd())
    if args.config is not None and not args.config.is_file():
        raise CheckerError(str(args.config), "does not exist (given with --config)")
    config: Values = read_config(path) if path is not None else {}
    flags: Values = {}
    for setting in SETTINGS:
        value = getattr(args, setting.name, None)
        if value is not None and setting.flag is not None:
            flags[setting.name] = (tuple(value) if setting.many else value, Origin(setting.flag))
    return resolve(flags, config, str(path) if path is not None else None)


def _plan(settings: Settings) -> Plan:
    selection = Selection(
        settings.select, settings.ignore, settings.origins.get("select"), settings.origins.get("ignore")
    )
    return make_plan(
        settings.rules, settings.profile, profile_origin=settings.origins.get("profile"), selection=selection
    )


def _link_options(settings: Settings) -> LinkOptions:
    defaults = CrawlConfig()
    timeout = settings.timeout
    config = CrawlConfig(
        concurrency=settings.concurrency,
        host_concurrency=settings.host_concurrency,
        host_interval=settings.host_interval,
        total_timeout=timeout,
        # under the whole-link limit, so that a blocked network shows as a connect failure
        # (network-level, "not checked") rather than as the link's own timeout
        connect_timeout=min(defaults.connect_timeout, timeout / 2),
        read_timeout=min(defaults.read_timeout, timeout),
        allow_private=settings.allow_private,
        private_host_allowlist=frozenset(host.rstrip(".").lower() for host in settings.private_hosts),
        dns_probes=settings.dns_probes,
        user_agent=f"checker/{__version__} (link checker for department-response pages)",
    )
    return LinkOptions(config=config, base_url=settings.base_url)


def _use_colour(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


@dataclass(frozen=True)
class Output:
    format: str
    path: Path | None  # None: standard output


def _format_name(name: str, origin: Origin) -> str:
    if name not in FORMATS:
        raise origin.error(f"unknown format {name!r} (allowed: {', '.join(FORMATS)})")
    return name


def _outputs(settings: Settings) -> list[Output]:
    """Where each format goes: ``--output FORMAT[=PATH]``s, and ``--format`` on standard output."""
    outputs: list[Output] = []
    origin = settings.origin("output")
    for spec in settings.output:
        name, sep, path = spec.partition("=")
        if sep and not path.strip():
            raise origin.error(f"{spec!r} names no file; write FORMAT=PATH, or FORMAT alone")
        outputs.append(Output(_format_name(name.strip(), origin), Path(path) if sep else None))
    to_stdout = [output for output in outputs if output.path is None]
    if len(to_stdout) > 1:
        raise origin.error("more than one --output goes to standard output; give the others =PATH")
    if not to_stdout:
        outputs.insert(0, Output(_format_name(settings.format, settings.origin("format")), None))
    elif settings.origin("format").path == "--format" and origin.path == "--output":
        raise origin.error("give --format or an --output without =PATH, not both")
    return outputs


def _write_file(path: Path, write: Callable[[TextIO], None]) -> None:
    """Write a report file whole or not at all: a temporary file beside it, then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            write(stream)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _plain(write: Callable[[str, TextIO, bool], None], name: str, stream: TextIO) -> None:
    write(name, stream, False)


def _emit(
    outputs: Sequence[Output], out: TextIO, colour: str, write: Callable[[str, TextIO, bool], None]
) -> None:
    for output in outputs:
        if output.path is None:
            write(output.format, out, _use_colour(colour, out))
        else:
            try:
                _write_file(output.path, functools.partial(_plain, write, output.format))
            except OSError as error:
                raise CheckerError(
                    str(output.path), f"cannot be written: {error.strerror or error}"
                ) from None


def _exit_code(report: Report) -> int:
    if report.failures:
        return EXIT_INTERNAL
    if report.errors:
        return EXIT_USAGE
    return EXIT_FINDINGS if report.worst is Severity.ERROR else EXIT_OK


def _progress_enabled(stream: TextIO, environ: Mapping[str, str]) -> bool:
    return stream.isatty() and not environ.get("CI")


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    settings = _settings(args)
    outputs = _outputs(settings)
    the_plan = _plan(settings)
    config_path = settings.config
    request = RunRequest(
        paths=args.paths,
        plan=the_plan,
        links=None if settings.offline else _link_options(settings),
        root=Path(config_path).resolve().parent if config_path else None,
        filters=(MinLevel(Severity.parse(settings.min_level)),),
        progress=Progress(sys.stderr, enabled=_progress_enabled(sys.stderr, os.environ)),
    )
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
        FORMATS[name].write(report, stream, OutputOptions(colour=colour))

    _emit(outputs, out, settings.color, write)
    return _exit_code(report)


def cmd_rules(args: argparse.Namespace, out: TextIO) -> int:
    settings = _settings(args)
    name = _format_name(settings.format, settings.origin("format"))
    FORMATS[name].write_rules(_plan(settings).rules, out, OutputOptions())
    return EXIT_OK


COMMANDS = {"check": cmd_check, "rules": cmd_rules}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args, sys.stdout)
    except CheckerError as error:
        print(f"checker: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("checker: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # the last line of defence: never a bare traceback
        print(f"checker: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        if os.environ.get("CHECKER_DEBUG"):
            traceback.print_exc()
        else:
            print("checker: set CHECKER_DEBUG=1 to see the traceback, and please report it", file=sys.stderr)
        return EXIT_INTERNAL
