"""Crawl URLs one at a time and say how much memory each took: run in a subprocess by the tests.

``python -m tests.crawl.memory_probe URL...`` (from the repository root) crawls a warm-up URL
(the first), then each other URL alone (with a fragment, so that the body is read up to the
full size cap), and prints one JSON object: for each URL its status, error kind, whether the
body was cut off, its detail, and ``peak``: the most memory Python held during its crawl above
what it held before (``tracemalloc``, so every buffer, decoded body and parse tree counts), and
``rss_growth``: how far the process's peak resident size (``getrusage``) rose over the whole
probe after the warm-up (C allocations such as zlib's included).  Only 127.0.0.1 is contacted:
the URLs are the caller's local server, and no name is looked up.
"""

from __future__ import annotations

import asyncio
import gc
import json
import resource
import sys
import time
import tracemalloc

from checker.crawl import CrawlConfig, crawl

CONFIG = CrawlConfig(
    host_interval=0.0,
    connect_timeout=2.0,
    read_timeout=2.0,
    total_timeout=10.0,
    retries=0,
    allow_private=True,  # the server is on 127.0.0.1
    dns_probes=(),
)


def _rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def _one(url: str) -> dict[str, object]:
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    started = time.monotonic()
    report = asyncio.run(crawl([f"{url}#end"], CONFIG))
    peak = tracemalloc.get_traced_memory()[1] - before
    result = next(iter(report.results.values()))
    return {
        "status": result.status.value,
        "error_kind": result.error_kind,
        "truncated": result.truncated,
        "detail": result.detail,
        "seconds": round(time.monotonic() - started, 3),
        "peak": peak,
    }


def main(urls: list[str]) -> None:
    warm_up, *measured = urls
    tracemalloc.start()
    _one(warm_up)  # imports, parsers and the event loop's first allocations
    rss_before = _rss_bytes()
    results = {url: _one(url) for url in measured}
    print(json.dumps({"results": results, "rss_growth": _rss_bytes() - rss_before}))


if __name__ == "__main__":
    main(sys.argv[1:])
