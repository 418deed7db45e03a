"""The one finding type that every stage passes along."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from checker.model import Span


class Severity(enum.IntEnum):
    """Finding level; ordered so that ``max()`` gives the worst."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    path: str
    span: Span
    message: str
    fix: str | None = None
    department: str | None = None
    url: str | None = None
    evidence: tuple[tuple[str, str], ...] = ()  # what was observed, e.g. ("status_code", "404")

    @property
    def line(self) -> int:
        return self.span.start.line

    @property
    def column(self) -> int:
        return self.span.start.column

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.rule, self.message)
