"""What a run measured: one sample per tool and round, gathered per workload."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from bench.verdict import Verdict


@dataclass(frozen=True)
class Sample:
    wall: float
    rss_kib: int
    requests: int | None  # counted at the server (None: no server)
    exit_code: int
    verdict: Verdict
    timed_out: bool = False
    stages: dict[str, float] = field(default_factory=dict)  # checker's --timings, when it printed them
    rules: dict[str, float] = field(default_factory=dict)


@dataclass
class ToolRow:
    tool: str  # "checker", "lychee", "markdown-it-py", "python -c pass"
    samples: list[Sample] = field(default_factory=list)
    unavailable: str = ""  # why the row has no samples
    timed_out: bool = False  # stopped at the time limit: its later rounds were not run

    @property
    def walls(self) -> list[float]:
        return [sample.wall for sample in self.samples]

    @property
    def median(self) -> float | None:
        return statistics.median(self.walls) if self.samples else None

    @property
    def ok(self) -> bool:
        return all(sample.verdict.ok for sample in self.samples)


@dataclass
class WorkloadResult:
    name: str
    about: str
    server: str  # "nginx", "nginx+echo 20 ms", "python 20 ms", "" when no server
    checker: ToolRow
    other: ToolRow  # lychee or the baseline
    pages: int = 1
    blocks: int = 0  # department blocks on the fullest page
    links: int = 0
    unique: int = 0
    dead: int = 0
    notes: list[str] = field(default_factory=list)

    def size(self, pages: int, blocks: int, links: int, unique: int, dead: int) -> None:
        self.pages, self.blocks, self.links, self.unique, self.dead = pages, blocks, links, unique, dead

    @property
    def ratio(self) -> float | None:
        mine, theirs = self.checker.median, self.other.median
        return mine / theirs if mine is not None and theirs else None

    @property
    def ok(self) -> bool:
        return self.checker.ok and self.other.ok
