"""Stage *collect*: the command line's PATH arguments (files, folders, globs) -> page files.

Each page is named once however it was given (``a.md``, ``./a.md``, an absolute path,
a folder holding it): by its path relative to the working folder when it is below it,
else by its normalised path. Order is stable: arguments in order, folders sorted.

What is a page: a Markdown file, ``.md`` or ``.markdown``, or an HTML file, ``.html``, ``.htm``,
``.xhtml`` or ``.shtml`` (any case); the parse stage reads each by its kind.

- A file named on the command line is read whatever its kind, HTML as HTML. A file with
  another suffix is an input error naming it and what checker reads; a name with no suffix
  at all says nothing about its type, so it is read (as HTML when its text starts as an HTML
  document, else as Markdown).
- A URL (``https://...``) is an input error: checker reads files; save the page first.
- A folder or a glob is a way of saying "the pages in here": files that are not pages are
  skipped silently, as ``site/*`` should step over the stylesheets. When it holds Markdown
  pages it is a source tree and only those are checked: HTML beside them is a built copy of
  the same pages (whose findings would all come twice) or a template, not what the user meant.
  A folder or glob with no Markdown page is a built site, and its HTML pages are checked. To
  check HTML beside Markdown, name the files or give an HTML-only glob (``'site/**/*.html'``).
  A folder or glob that holds files but no page at all is an input error, since the user
  meant something by it.

Note that a shell expands an unquoted glob before checker sees it, so ``checker check site/*``
names every file explicitly; quote the glob (``'site/*'``) to have the non-pages skipped.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.errors import InputError
from checker.parse.source import HTML_SUFFIXES, MARKDOWN_SUFFIXES

PAGE_SUFFIXES = MARKDOWN_SUFFIXES + HTML_SUFFIXES
#: what checker reads, as input errors say it
READS = f"checker reads Markdown ({', '.join(MARKDOWN_SUFFIXES)}) and HTML ({', '.join(HTML_SUFFIXES)}) pages"
#: an argument that is a URL, not a file: ``https://www.gov.uk/...``
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


@dataclass(frozen=True)
class PageFile:
    """One page file to check: how it is shown, and its key."""

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
    pages: list[str]
    error: InputError | None
    for argument in arguments:
        if _URL.match(argument):  # before globs: a URL's "?" is not a wildcard
            pages, error = [], _not_a_page(argument)
        elif glob.has_magic(argument):
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


def _is_markdown(path: str | Path) -> bool:
    return Path(path).suffix.lower() in MARKDOWN_SUFFIXES


def _pages_among(files: list[str]) -> list[str]:
    """The pages among files found in a folder or by a glob: the Markdown, else the HTML."""
    markdown = [path for path in files if _is_markdown(path)]
    return markdown or [path for path in files if _is_page(path)]


def _not_a_page(argument: str) -> InputError | None:
    """Why a file named on the command line is not read, or None when it is read as a page."""
    if _URL.match(argument):
        return InputError(
            argument, f"is a URL; checker reads files: save the page first (curl -o page.html {argument})"
        )
    suffix = Path(argument).suffix
    if not suffix or _is_page(argument):
        return None
    return InputError(argument, f"is not a page; {READS}")


def _from_glob(argument: str) -> tuple[list[str], InputError | None]:
    """The pages a glob matches; an error when it matches nothing, or files but no page."""
    matches = sorted(glob.glob(argument, recursive=True))  # noqa: PTH207 (user globs may be absolute)
    files = [match for match in matches if not Path(match).is_dir()]
    pages = _pages_among(files)
    if not matches:
        return [], InputError(argument, "matches no files")
    if files and not pages:
        return [], InputError(argument, f"matches no pages, only other files; {READS}")
    return pages, None


def _from_folder(argument: str) -> tuple[list[str], InputError | None]:
    folder = Path(argument)
    pages = _pages_among(
        sorted(
            str(path)
            for path in folder.rglob("*")
            if _is_page(path) and path.is_file() and not _hidden(path, folder)
        )
    )
    if not pages:
        return [], InputError(argument, f"is a folder with no pages in it; {READS}")
    return pages, None


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)
