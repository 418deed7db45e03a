"""The ``<a href>`` anchors in a piece of inline HTML, read by the standard library's ``html.parser``.

A module of its own so that ``html.parser`` is imported when a page has inline HTML with an
``<a`` in it, not by every run (most pages hold none).
"""

from __future__ import annotations

from html.parser import HTMLParser


class _AnchorFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, int, int, str]] = []  # line, column, length, href

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        for name, value in attrs:
            if name == "href":
                line, column = self.getpos()
                self.found.append((line, column, len(self.get_starttag_text() or ""), value or ""))

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """``<![word ...``: a marked section, or, for a word the standard library does not know
        (``<![img](a.png)``), a bogus comment up to the next ``>``, as browsers read it.

        The standard library raises ``AssertionError`` there (Python 3.11), which would make
        an editor's typo an internal error of the whole run.
        """
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i + 3)
            return -1 if end < 0 else end + 1


def html_anchors(html: str) -> list[tuple[int, int, int, str]]:
    """Each ``<a href>``: its line and column in ``html``, the length of its start tag, its href."""
    finder = _AnchorFinder()
    finder.feed(html)
    finder.close()
    return finder.found
