"""The command line: ``checker check`` and ``checker rules``."""

from checker.cli.commands import main

__all__ = ["main"]
