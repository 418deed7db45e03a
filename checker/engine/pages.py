"""Stage *parse*: page files -> page models; a page that cannot be read becomes an error, not a stop."""

from __future__ import annotations

from collections.abc import Sequence

from checker.engine.collect import PageFile
from checker.errors import CheckerError
from checker.model import Page
from checker.parse import parse_file


def parse_pages(files: Sequence[PageFile]) -> tuple[list[Page], list[CheckerError]]:
    pages: list[Page] = []
    errors: list[CheckerError] = []
    for file in files:
        try:
            pages.append(parse_file(file.path))
        except CheckerError as error:
            errors.append(error)
    return pages, errors
