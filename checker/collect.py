"""Turning the command line's PATH arguments (files, folders, globs) into a list of pages."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

from checker.errors import InputError

PAGE_SUFFIXES = (".md", ".markdown")


def collect(arguments: Sequence[str]) -> tuple[list[str], list[InputError]]:
    """Pages to check, in a stable order, and an error for each argument that names nothing."""
    pages: list[str] = []
    errors: list[InputError] = []
    for argument in arguments:
        if glob.has_magic(argument):
            matches = sorted(glob.glob(argument, recursive=True))  # noqa: PTH207 (user globs may be absolute)
            if not matches:
                errors.append(InputError(argument, "matches no files"))
            pages.extend(match for match in matches if not Path(match).is_dir())
        elif Path(argument).is_dir():
            found = sorted(
                str(path)
                for path in Path(argument).rglob("*")
                if path.suffix in PAGE_SUFFIXES and path.is_file() and not _hidden(path, Path(argument))
            )
            if not found:
                errors.append(
                    InputError(argument, f"is a folder with no pages ({', '.join(PAGE_SUFFIXES)}) in it")
                )
            pages.extend(found)
        else:
            pages.append(argument)  # read_source reports a missing or unreadable file
    unique = list(dict.fromkeys(pages))
    return unique, errors


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)
