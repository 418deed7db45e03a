"""Output formats: one module each, chosen by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from checker.output import json_format, text
from checker.report import Report

Formatter = Callable[[Report, TextIO, bool], None]  # report, stream, colour

FORMATTERS: dict[str, Formatter] = {
    "text": text.write,
    "json": json_format.write,
}
