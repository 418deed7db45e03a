"""Async link crawler: fetch each distinct URL once and classify the outcome.

Public API: :func:`crawl` / :func:`crawl_sync`, :class:`CrawlConfig`,
:class:`CrawlReport`, :class:`CrawlResult`, :class:`Hop`, :class:`LinkStatus`,
:func:`fetch_key`, :class:`Progress`.  Importing this package has no side
effects and the package keeps no global mutable state.
"""

from .config import CrawlConfig
from .crawler import crawl, crawl_sync, plan
from .progress import Progress
from .result import CrawlReport, CrawlResult, Hop, LinkStatus, fetch_key

__all__ = [
    "CrawlConfig",
    "CrawlReport",
    "CrawlResult",
    "Hop",
    "LinkStatus",
    "Progress",
    "crawl",
    "crawl_sync",
    "fetch_key",
    "plan",
]
