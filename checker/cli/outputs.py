"""Where the output goes: the formats on standard output and in files, written whole."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from checker.config.settings import Settings
from checker.errors import CheckerError, Origin
from checker.output import FORMATS


def use_colour(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


@dataclass(frozen=True)
class Output:
    """One output of a run: a format, and the file it goes to."""

    format: str
    path: Path | None  # None: standard output


def format_name(name: str, origin: Origin) -> str:
    if name not in FORMATS:
        raise origin.error(f"unknown format {name!r} (allowed: {', '.join(FORMATS)})")
    return name


def outputs_for(settings: Settings, environ: Mapping[str, str] = os.environ) -> list[Output]:
    """Where each format goes: ``--output FORMAT[=PATH]``s, and ``--format`` on standard output.

    In a GitHub Actions job (``GITHUB_ACTIONS=true`` in ``environ``) standard output is ``github``
    unless a format for it was given (``--format``, ``format:`` in the config file, or an
    ``--output`` without ``=PATH``).
    """
    outputs: list[Output] = []
    origin = settings.origin("output")
    for spec in settings.output:
        name, sep, path = spec.partition("=")
        if sep and not path.strip():
            raise origin.error(f"{spec!r} names no file; write FORMAT=PATH, or FORMAT alone")
        outputs.append(Output(format_name(name.strip(), origin), Path(path) if sep else None))
    to_stdout = [output for output in outputs if output.path is None]
    if len(to_stdout) > 1:
        raise origin.error("more than one --output goes to standard output; give the others =PATH")
    if not to_stdout:
        name = settings.format
        if "format" not in settings.origins and environ.get("GITHUB_ACTIONS") == "true":
            name = "github"
        outputs.insert(0, Output(format_name(name, settings.origin("format")), None))
    elif settings.origin("format").path == "--format" and origin.path == "--output":
        raise origin.error("give --format or an --output without =PATH, not both")
    return outputs


def _plain(write: Callable[[str, TextIO, bool], None], name: str, stream: TextIO) -> None:
    write(name, stream, False)


def emit(
    outputs: Sequence[Output], out: TextIO, colour: str, write: Callable[[str, TextIO, bool], None]
) -> None:
    for output in outputs:
        if output.path is None:
            write(output.format, out, use_colour(colour, out))
        else:
            # tempfile: only when a file is written
            from checker.atomic import write_atomically  # noqa: PLC0415

            try:
                write_atomically(output.path, functools.partial(_plain, write, output.format))
            except OSError as error:
                raise CheckerError(
                    str(output.path), f"cannot be written: {error.strerror or error}"
                ) from None
