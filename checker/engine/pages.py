"""Stage *parse*: page files -> page models; a page that cannot be read becomes an error, not a stop.

Each page is read by its kind (``checker.parse.source.read_page``): HTML by its name (``.html``...)
or, whatever its name, by its text starting as an HTML document, parsed by ``checker.parse.html``;
everything else is Markdown, parsed by ``checker.parse``. Both make the same page model.
"""

from __future__ import annotations

from collections.abc import Sequence

from checker.engine.collect import PageFile
from checker.errors import CheckerError
from checker.model import Page
from checker.parse import parse_html, parse_source
from checker.parse.source import HTML_DOCUMENT, Source, is_html_name, read_page


def parse_page(path: str) -> Page:
    """One page from disk, Markdown or HTML. Raises ``InputError`` for a file that cannot be read."""
    source = read_page(path)
    return parse_html(source) if source.is_html else parse_source(source)


def parse_text(path: str, text: str) -> Page:
    """A page's text (already read, lines joined with ``\\n``), parsed as ``parse_page`` would."""
    if is_html_name(path) or HTML_DOCUMENT.match(text):
        return parse_html(Source(path, text, is_html=True))
    return parse_source(Source(path, text))


def parse_pages(files: Sequence[PageFile]) -> tuple[list[Page], list[CheckerError]]:
    pages: list[Page] = []
    errors: list[CheckerError] = []
    for file in files:
        try:
            pages.append(parse_page(file.path))
        except CheckerError as error:
            errors.append(error)
    return pages, errors
