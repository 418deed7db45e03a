"""What every output format shares: the options it is given and the ``Formatter`` protocol."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TextIO

from checker.model.report import Report, RuleInfo


@dataclass(frozen=True)
class OutputOptions:
    colour: bool = False  # ANSI colours (text, on a terminal)


class Formatter(Protocol):
    """One output format."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    def write(self, report: Report, stream: TextIO, options: OutputOptions) -> None: ...

    def write_rules(self, rules: Sequence[RuleInfo], stream: TextIO, options: OutputOptions) -> None: ...
