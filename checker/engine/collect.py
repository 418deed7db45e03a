"""Stage *collect*: the command line's PATH arguments (files, folders, globs) -> page files.

Each page is named once however it was given (``a.md``, ``./a.md``, an absolute path,
a folder holding it): by its path relative to the working folder when it is below it,
else by its normalised path. Order is stable: arguments in order, folders sorted.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.errors import InputError

PAGE_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class PageFile:
    path: str  # as shown to the user
    key: str  # relative to the run's root, with "/": the page's identity in fingerprints


def _display(argument: str, cwd: Path) -> str:
    absolute = Path(os.path.normpath(cwd / argument))
    try:
        return absolute.relative_to(cwd).as_posix()
    except ValueError:
        return os.path.normpath(argument)


def _key(display: str, cwd: Path, root: Path) -> str:
    absolute = os.path.normpath(cwd / display)
    return Path(os.path.relpath(absolute, root)).as_posix()


def collect(arguments: Sequence[str], root: Path | None = None) -> tuple[list[PageFile], list[InputError]]:
    """Pages to check, in a stable order, and an error for each argument that names nothing."""
    cwd = Path.cwd()
    root = root.resolve() if root else cwd
    found: list[str] = []
    errors: list[InputError] = []
    for argument in arguments:
        if glob.has_magic(argument):
            matches = sorted(glob.glob(argument, recursive=True))  # noqa: PTH207 (user globs may be absolute)
            if not matches:
                errors.append(InputError(argument, "matches no files"))
            found.extend(match for match in matches if not Path(match).is_dir())
        elif Path(argument).is_dir():
            pages = sorted(
                str(path)
                for path in Path(argument).rglob("*")
                if path.suffix in PAGE_SUFFIXES and path.is_file() and not _hidden(path, Path(argument))
            )
            if not pages:
                errors.append(
                    InputError(argument, f"is a folder with no pages ({', '.join(PAGE_SUFFIXES)}) in it")
                )
            found.extend(pages)
        else:
            found.append(argument)  # reading reports a missing or unreadable file
    files: dict[str, PageFile] = {}
    for path in found:
        display = _display(path, cwd)
        identity = os.path.realpath(cwd / display)
        files.setdefault(identity, PageFile(display, _key(display, cwd, root)))
    return list(files.values()), errors


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)
