"""CPU seconds the crawler alone spends on N URLs: no Markdown, no rules, no output.

    .venv/bin/python benchmarks/crawl_cpu.py                        # 10,000 URLs, 127.0.0.1:8089
    .venv/bin/python benchmarks/crawl_cpu.py --base http://127.0.0.1:8090 --n 2000
    .venv/bin/python benchmarks/crawl_cpu.py --rounds 5 --profile /tmp/crawl.prof

URL ``i`` is ``{base}/ok/i``, and every ``--dead-every``-th one ``{base}/dead/i`` (the local
nginx of the benchmarks answers 200 with a small HTML page for ``/ok/``, 404 for the rest).
The settings are those of ``checker check --allow-private --concurrency 128
--host-concurrency 128 --host-interval 0`` (robots.txt read, as by default).  Each round runs
:func:`checker.crawl.crawl_sync` in this process and prints its CPU time (user + system, of
this process: the crawler's event loop and any worker threads), wall time and the tally of
statuses; the last line is the median.  The cycle collector runs with the thresholds a
``checker`` command sets (``COLLECTOR_THRESHOLDS``): with Python's defaults the same crawl
costs about 35% more CPU, which no run of ``checker`` pays.  Only addresses given with
``--base`` are requested.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checker.cli.commands import COLLECTOR_THRESHOLDS
from checker.crawl import CrawlConfig, crawl_sync


def _urls(base: str, n: int, dead_every: int) -> list[str]:
    base = base.rstrip("/")
    return [
        f"{base}/dead/{i}" if dead_every and i % dead_every == dead_every - 1 else f"{base}/ok/{i}"
        for i in range(n)
    ]


def _config(concurrency: int, robots: bool) -> CrawlConfig:
    return CrawlConfig(
        concurrency=concurrency,
        host_concurrency=concurrency,
        host_interval=0.0,
        robots=robots,
        allow_private=True,
        total_timeout=60.0,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8089", help="scheme, host and port to crawl")
    parser.add_argument("--n", type=int, default=10_000, help="URLs per round")
    parser.add_argument("--dead-every", type=int, default=100, help="every k-th URL is /dead/ (0: none)")
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--no-robots", action="store_true", help="do not read robots.txt")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", help="write a cProfile of the last round to this file")
    parser.add_argument("--cpu-profile", action="store_true", help="profile CPU time, not wall time")
    args = parser.parse_args(argv)
    if "127.0.0.1" not in args.base and "localhost" not in args.base:
        parser.error("only a local server may be crawled")
    urls = _urls(args.base, args.n, args.dead_every)
    config = _config(args.concurrency, not args.no_robots)
    cpu_times = []
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    for round_ in range(args.rounds):
        profiler = None
        if args.profile and round_ == args.rounds - 1:
            # CPU time, not wall time: on a busy machine a wall-clock profile charges the
            # time this process was descheduled to whatever call it was in
            profiler = cProfile.Profile(time.process_time) if args.cpu_profile else cProfile.Profile()
        before = resource.getrusage(resource.RUSAGE_SELF)
        wall, cpu = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.enable()
        report = crawl_sync(urls, config)
        if profiler is not None:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_SELF)
        user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
        cpu_times.append(cpu)
        tally = Counter(str(result.status) for result in report.results.values())
        print(
            f"round {round_ + 1}: cpu {cpu:.3f} s (user {user:.2f}, sys {system:.2f})  wall {wall:.3f} s  "
            f"{1e6 * cpu / len(urls):.0f} us/URL  requests {report.requests}  {dict(sorted(tally.items()))}",
            flush=True,
        )
        if profiler is not None:
            profiler.dump_stats(args.profile)
    print(f"median cpu {statistics.median(cpu_times):.3f} s over {args.rounds} rounds of {len(urls)} URLs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
