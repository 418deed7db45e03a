"""Fixtures for the crawler tests: a local imitation-site server and a fast config."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from checker.crawl import CrawlConfig

from .sites import SiteServer

# Tiny timeouts and backoffs keep the suite fast; allow_private because every
# imitation site lives on 127.0.0.1 (the guard tests switch it off).  No robots.txt:
# these tests count the requests for links exactly (test_pacing.py covers robots.txt).
FAST = CrawlConfig(
    host_interval=0.0,
    robots=False,
    connect_timeout=1.0,
    read_timeout=1.0,
    total_timeout=5.0,
    retries=2,
    backoff_base=0.01,
    backoff_cap=0.05,
    retry_after_cap=2.0,
    allow_private=True,
)


@pytest.fixture
async def site() -> AsyncIterator[SiteServer]:
    async with SiteServer() as server:
        yield server


@pytest.fixture
def config() -> CrawlConfig:
    return FAST
