"""The rows of the table: what each workload generates, serves and runs, at any scale."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from bench.corpora import CorpusSpec

Kind = Literal["crawl", "offline", "startup"]
MIN_LINKS = 10
MIN_DUPLICATE_URLS = 20


@dataclass(frozen=True)
class Workload:
    name: str
    kind: Kind
    about: str
    pages: int = 0
    blocks: int = 0  # department blocks a page; 0: each registry department once (18)
    links: int = 0
    unique: int = 0
    delay_ms: float = 0.0
    defaults: bool = False  # both tools at their own default politeness

    def corpus(self) -> CorpusSpec:
        return CorpusSpec(pages=self.pages, blocks=self.blocks, links=self.links, unique=self.unique)

    def with_blocks(self, blocks: int | None) -> Workload:
        return self if blocks is None else replace(self, blocks=blocks)

    def scaled(self, factor: float) -> Workload:
        """Sizes times ``factor``: links (at least 10), pages (at least one) and, for a
        duplicate-heavy corpus, its distinct URLs (at least 20, so a dead one is planted)."""
        if self.kind == "startup" or factor == 1:
            return self
        links = max(MIN_LINKS, round(self.links * factor))
        duplicate = self.unique < self.links
        unique = min(links, max(MIN_DUPLICATE_URLS, round(self.unique * factor))) if duplicate else links
        return replace(self, links=links, unique=unique, pages=max(1, round(self.pages * factor)))


WORKLOADS: tuple[Workload, ...] = (
    Workload("unique-10k-20ms", "crawl", "10,000 unique URLs in 100 pages, 20 ms answers",
             pages=100, links=10_000, unique=10_000, delay_ms=20),
    Workload("unique-10k-0ms", "crawl", "10,000 unique URLs in 100 pages, immediate answers",
             pages=100, links=10_000, unique=10_000),
    Workload("dup-20k-20ms", "crawl", "20,000 links over 200 unique URLs in 200 pages, 20 ms answers",
             pages=200, links=20_000, unique=200, delay_ms=20),
    Workload("unique-100k-0ms", "crawl", "100,000 unique URLs in 1,000 pages, immediate answers",
             pages=1000, links=100_000, unique=100_000),
    Workload("defaults-1k-20ms", "crawl", "1,000 URLs on one host in 10 pages, 20 ms; both tools at "
             "their default politeness", pages=10, links=1000, unique=1000, delay_ms=20, defaults=True),
    Workload("offline-1000x100", "offline", "1,000 pages x 100 department blocks, one link each, "
             "checker --offline against markdown-it-py parsing the same files",
             pages=1000, blocks=100, links=100_000, unique=100_000),
    Workload("startup", "startup", "checker check --offline on one real page, against python -c pass"),
)  # fmt: skip


def select(names: str | None) -> list[Workload]:
    """The workloads named in ``--only`` (comma-separated), in table order."""
    if not names:
        return list(WORKLOADS)
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    known = {workload.name for workload in WORKLOADS}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise ValueError(
            f"unknown workload {', '.join(unknown)}; the workloads are: {', '.join(sorted(known))}"
        )
    return [workload for workload in WORKLOADS if workload.name in wanted]
