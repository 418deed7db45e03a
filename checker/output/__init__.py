"""Output formats: one module each, one registry of names (``FORMATS``).

A formatter is given the whole ``Report`` (findings, rule metadata, per-URL link
results, run facts) and ``OutputOptions``; it writes to a text stream and never
decides the exit code. ``write_rules`` lists rules (``checker rules``) in a format.

``FORMATS`` imports a format's module when the format is first looked up, so a run that
writes text does not import SARIF's, JUnit's and the others' (start-up, issue 12).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from checker.output.base import Formatter, OutputOptions

__all__ = ["FORMATS", "Formatter", "OutputOptions"]

#: format name -> its module in this package (which holds ``FORMATTER``), in the order formats are listed
_MODULES = {
    "text": "text",
    "json": "json_format",
    "github": "github",
    "sarif": "sarif",
    "junit": "junit",
    "markdown": "markdown",
}


class _Formats(Mapping[str, Formatter]):
    """Every format by name; a format's module is imported when it is first looked up."""

    def __getitem__(self, name: str) -> Formatter:
        formatter: Formatter = importlib.import_module(f"{__name__}.{_MODULES[name]}").FORMATTER
        return formatter

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


FORMATS: Mapping[str, Formatter] = _Formats()
