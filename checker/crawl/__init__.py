"""Async link crawler: fetch each distinct URL once and classify the outcome.

Public API: :func:`crawl` / :func:`crawl_sync`, :func:`plan` and :class:`CrawlConfig`.
What a crawl finds (``LinkResult``, ``LinkStatus``, ``ErrorKind``, ``CrawlReport``,
``fetch_key``) lives in :mod:`checker.model.links`, so that checks, the store and the
formatters never import the crawler.  Importing this package has no side effects and
the package keeps no global mutable state; it never prints.
"""

from .config import CrawlConfig
from .crawler import OnResult, crawl, crawl_sync, plan

__all__ = ["CrawlConfig", "OnResult", "crawl", "crawl_sync", "plan"]
