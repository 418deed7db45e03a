"""What every output format shares: the options it is given and the ``Formatter`` protocol."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from checker.model.report import Report, RuleInfo


@dataclass(frozen=True)
class OutputOptions:
    """How a formatter writes: colours, and the environment it may read."""

    colour: bool = False  # ANSI colours (text, on a terminal)
    #: the process environment as the CLI passes it (``os.environ``), for formatters that read it
    #: (github: ``$GITHUB_STEP_SUMMARY``); empty by default, so a formatter never reads the real one
    environ: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)


class Formatter(Protocol):
    """One output format."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    def write(self, report: Report, stream: TextIO, options: OutputOptions) -> None: ...

    def write_rules(self, rules: Sequence[RuleInfo], stream: TextIO, options: OutputOptions) -> None: ...
