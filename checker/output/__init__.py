"""Output formats: one module each, one registry of names (``FORMATS``).

A formatter is given the whole ``Report`` (findings, rule metadata, per-URL link
results, run facts) and ``OutputOptions``; it writes to a text stream and never
decides the exit code. ``write_rules`` lists rules (``checker rules``) in a format.
"""

from __future__ import annotations

from checker.output import github, json_format, junit, markdown, sarif, text
from checker.output.base import Formatter, OutputOptions

__all__ = ["FORMATS", "Formatter", "OutputOptions"]

FORMATS: dict[str, Formatter] = {
    formatter.name: formatter
    for formatter in (
        text.FORMATTER,
        json_format.FORMATTER,
        github.FORMATTER,
        sarif.FORMATTER,
        junit.FORMATTER,
        markdown.FORMATTER,
    )
}
