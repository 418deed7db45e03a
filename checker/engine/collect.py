"""Stage *collect*: the command line's PATH arguments (files, folders, globs) -> page files.

Each page is named once however it was given (``a.md``, ``./a.md``, an absolute path,
a folder holding it): by its path relative to the working folder when it is below it,
else by its normalised path. Order is stable: arguments in order, folders sorted.

What is a page: a Markdown file, ``.md`` or ``.markdown`` (any case).

- A file named on the command line with another suffix is an input error naming it and
  what checker reads (``page.html: is HTML; ...``), never read as Markdown: an HTML page
  read as Markdown has no blocks and would pass with nothing checked. A name with no suffix
  at all says nothing about its type, so it is read as Markdown (``reading`` then refuses an
  HTML document by its content).
- A folder or a glob is a way of saying "the pages in here": files that are not pages are
  skipped silently, as ``site/*`` should check the Markdown and step over the stylesheets.
  A folder or glob that holds files but no page at all is an input error, since the user
  meant something by it (``*.html`` says that HTML is not read yet).

Note that a shell expands an unquoted glob before checker sees it, so ``checker check site/*``
names every file explicitly; quote the glob (``'site/*'``) to have the non-pages skipped.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.errors import InputError
from checker.parse.source import HTML_NOT_READ, MARKDOWN_SUFFIXES

PAGE_SUFFIXES = MARKDOWN_SUFFIXES
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")


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
            pages, error = _from_glob(argument)
        elif Path(argument).is_dir():
            pages, error = _from_folder(argument)
        else:
            error = _not_a_page(argument)
            pages = [] if error else [argument]  # reading reports a missing or unreadable file
        found.extend(pages)
        if error is not None:
            errors.append(error)
    files: dict[str, PageFile] = {}
    for path in found:
        display = _display(path, cwd)
        identity = os.path.realpath(cwd / display)
        files.setdefault(identity, PageFile(display, _key(display, cwd, root)))
    return list(files.values()), errors


def _is_page(path: str | Path) -> bool:
    return Path(path).suffix.lower() in PAGE_SUFFIXES


def _is_html(path: str | Path) -> bool:
    return Path(path).suffix.lower() in HTML_SUFFIXES


def _not_a_page(argument: str) -> InputError | None:
    """Why a file named on the command line is not read, or None when it is read as a page."""
    suffix = Path(argument).suffix
    if not suffix or _is_page(argument):
        return None
    if _is_html(argument):
        return InputError(argument, f"is HTML; {HTML_NOT_READ}")
    return InputError(
        argument, f"is not a Markdown page; checker reads Markdown pages ({', '.join(PAGE_SUFFIXES)})"
    )


def _from_glob(argument: str) -> tuple[list[str], InputError | None]:
    """The pages a glob matches; an error when it matches nothing, or files but no page."""
    matches = sorted(glob.glob(argument, recursive=True))  # noqa: PTH207 (user globs may be absolute)
    files = [match for match in matches if not Path(match).is_dir()]
    pages = [match for match in files if _is_page(match)]
    if not matches:
        return [], InputError(argument, "matches no files")
    if files and not pages:
        if all(_is_html(match) for match in files):
            return [], InputError(argument, f"matches only HTML files; {HTML_NOT_READ}")
        return [], InputError(argument, f"matches no pages ({', '.join(PAGE_SUFFIXES)}), only other files")
    return pages, None


def _from_folder(argument: str) -> tuple[list[str], InputError | None]:
    folder = Path(argument)
    pages = sorted(
        str(path)
        for path in folder.rglob("*")
        if _is_page(path) and path.is_file() and not _hidden(path, folder)
    )
    if not pages:
        return [], InputError(argument, f"is a folder with no pages ({', '.join(PAGE_SUFFIXES)}) in it")
    return pages, None


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)
