"""Check kinds: one small module each. The engine registers them (``checker.engine.kinds``)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NoOptions:
    """The options of a check kind that takes none: one class for every such kind (each dataclass
    made is a little of every run's start-up)."""
