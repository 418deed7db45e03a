"""Figures for the whole real corpus: parse and rule time offline, and a full link check
against the local imitation of its hosts (tests/test_link_rules.py), with politeness on.

    .venv/bin/python benchmarks/corpus.py [--repeat N]

Prints pages, links, distinct URLs, HTTP requests and wall time. Talks only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.engine.collect import collect  # noqa: E402
from checker.engine.links import LinkOptions, crawlable  # noqa: E402
from checker.engine.pages import parse_pages  # noqa: E402
from checker.engine.plan import make_plan  # noqa: E402
from checker.engine.run import check  # noqa: E402
from tests.crawl.sites import SiteServer  # noqa: E402
from tests.test_link_rules import CONFIG, ROUTES  # noqa: E402

CORPUS = str(ROOT / "fixtures" / "corpus")


def offline(repeat: int) -> None:
    the_plan = make_plan()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        report = check([CORPUS], the_plan)
        times.append(time.perf_counter() - started)
    pages, _ = parse_pages(collect([CORPUS])[0])
    links = sum(len(page.links) for page in pages)
    print(
        f"offline: {len(report.files)} pages, {links} links, {len(report.findings)} findings; "
        f"median {statistics.median(times) * 1000:.1f} ms over {repeat} runs"
    )


async def online(host_interval: float) -> None:
    pages, _ = parse_pages(collect([CORPUS])[0])
    urls = crawlable(pages)
    async with SiteServer(routes=ROUTES) as site:
        config = replace(CONFIG, host_interval=host_interval)
        links = LinkOptions(config=config, resolver=site.resolver, ssl_context=site.client_ssl)
        started = time.perf_counter()
        report = await asyncio.to_thread(check, [CORPUS], make_plan(), links)
        wall = time.perf_counter() - started
    assert report.links is not None
    served = sum(site.requests.values())
    print(
        f"online (host interval {host_interval}s): {len(urls)} link occurrences, "
        f"{report.links.urls} distinct "
        f"URLs, {report.links.requests} requests sent ({served} served), {wall:.2f} s wall"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    offline(args.repeat)
    asyncio.run(online(0.0))
    asyncio.run(online(0.5))


if __name__ == "__main__":
    main()
