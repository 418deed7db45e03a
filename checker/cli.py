"""The command line. Only this module prints and picks exit codes.

Exit codes: 0 clean (or warnings only), 1 error-level findings,
2 usage, config or input error, 3 internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from checker import __version__
from checker.config.settings import FORMATS, Settings, find_config, load_settings
from checker.crawl import CrawlConfig
from checker.errors import CheckerError
from checker.finding import Severity
from checker.output import FORMATTERS
from checker.runner import LinkCheck, Plan, check, plan

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="checker", description="Link and content checker for department-response pages."
    )
    parser.add_argument("--version", action="version", version=f"checker {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--rules",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="another folder of rule files (repeatable; later folders override)",
    )
    common.add_argument("--profile", help="rule profile to use (default: default)")
    common.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="config file (default: .checker.yaml in the working folder, if any)",
    )
    common.add_argument("--format", choices=FORMATS, help="output format (default: text)")

    run = commands.add_parser("check", parents=[common], help="check pages (files, folders or globs)")
    run.add_argument("paths", nargs="+", metavar="PATH")
    run.add_argument(
        "--offline", action="store_true", default=None, help="do not check links over the network"
    )
    crawl = run.add_argument_group("link checking")
    crawl.add_argument(
        "--concurrency", type=_positive_int, metavar="N", help="requests at once (default: 16)"
    )
    crawl.add_argument(
        "--host-concurrency",
        type=_positive_int,
        metavar="N",
        help="requests at once to one host (default: 2)",
    )
    crawl.add_argument(
        "--host-interval",
        type=_seconds,
        metavar="S",
        help="seconds between requests to one host (default: 0.5)",
    )
    crawl.add_argument(
        "--timeout",
        type=_seconds,
        metavar="S",
        help="seconds to give one link, retries included (default: 60)",
    )
    crawl.add_argument(
        "--base-url",
        type=_base_url,
        metavar="URL",
        help="check site-relative links (/digital/...) against this address, e.g. https://www.gov.uk/",
    )
    crawl.add_argument(
        "--allow-private",
        action="store_true",
        default=None,
        help="also check links to private and local addresses (intranets)",
    )
    run.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text output (default: auto, on a terminal only)",
    )

    commands.add_parser("rules", parents=[common], help="list every rule with its level and description")
    return parser


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r} should be between 0 and 3600 seconds")
    return value


def _base_url(text: str) -> str:
    if urlsplit(text).scheme not in ("http", "https") or not urlsplit(text).netloc:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http(s) address such as https://www.gov.uk/")
    return text


def _link_check(args: argparse.Namespace, settings: Settings) -> LinkCheck | None:
    if args.offline or (args.offline is None and settings.offline):
        return None
    crawl = settings.crawl
    defaults = CrawlConfig()

    def pick(flag: float | None, configured: float | None, default: float) -> float:
        return flag if flag is not None else configured if configured is not None else default

    timeout = max(pick(args.timeout, crawl.timeout, defaults.total_timeout), 0.1)
    config = CrawlConfig(
        concurrency=int(pick(args.concurrency, crawl.concurrency, defaults.concurrency)),
        host_concurrency=int(pick(args.host_concurrency, crawl.host_concurrency, defaults.host_concurrency)),
        host_interval=pick(args.host_interval, crawl.host_interval, defaults.host_interval),
        total_timeout=timeout,
        connect_timeout=min(defaults.connect_timeout, timeout),
        read_timeout=min(defaults.read_timeout, timeout),
        allow_private=bool(args.allow_private or crawl.allow_private),
        user_agent=f"checker/{__version__} (link checker for department-response pages)",
    )
    return LinkCheck(config=config, progress=sys.stderr, base_url=args.base_url or settings.base_url)


def _settings(args: argparse.Namespace) -> Settings:
    path = args.config if args.config is not None else find_config(Path.cwd())
    if args.config is not None and not args.config.is_file():
        raise CheckerError(str(args.config), "does not exist (given with --config)")
    return load_settings(path) if path is not None else Settings()


def _plan(args: argparse.Namespace, settings: Settings) -> Plan:
    return plan([*settings.rules, *args.rules], args.profile or settings.profile or "default")


def _use_colour(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    settings = _settings(args)
    the_plan = _plan(args, settings)
    report = check(args.paths, the_plan, _link_check(args, settings))
    for error in report.errors:
        print(f"checker: error: {error}", file=sys.stderr)
    FORMATTERS[args.format or settings.format or "text"](report, out, _use_colour(args.color, out))
    if report.errors:
        return EXIT_USAGE
    return EXIT_FINDINGS if report.worst is Severity.ERROR else EXIT_OK


def cmd_rules(args: argparse.Namespace, out: TextIO) -> int:
    settings = _settings(args)
    the_plan = _plan(args, settings)
    selected = {rule.id: rule.level.label for rule in the_plan.selected}
    levels = {rule.id: selected.get(rule.id, "off") for rule in the_plan.rule_set.rules}
    if (args.format or settings.format) == "json":
        records = [
            {
                "id": rule.id,
                "kind": rule.kind,
                "level": levels[rule.id],
                "description": rule.description,
                "fix": rule.fix,
                "source": rule.source,
            }
            for rule in the_plan.rule_set.rules
        ]
        json.dump({"version": 1, "rules": records}, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return EXIT_OK
    for rule in sorted(the_plan.rule_set.rules, key=lambda rule: rule.id):
        out.write(f"{rule.id:<22} {levels[rule.id]:<8} {rule.description}\n")
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
