"""A department-response page's Markdown -> the HTML the publication's build makes of it, near enough.

The build (``compiling/processcontents.rb`` in the publication's repository) swaps the
pre-processor tokens for HTML with text substitutions, then hands the page to kramdown with
``parse_block_html``, so Markdown inside the ``div``s is Markdown still. This module does the
same in one pass over the lines, rendering the Markdown between the tokens with markdown-it-py:

- ``{{DEPARTMENTRESPONSE}}`` is removed; it turns on the department-response substitutions.
- ``#Action NN: Title`` (exactly: one ``#``, two digits, ``": "``) becomes the action header,
  ``<div class="action-header"><div class="content-wrapper"><div class="title">`` holding
  ``<h1><span>Action</span> NN</h1><p>Title</p>``.
- ``##Name`` becomes ``<h2><span class="organisation-logo"><span>Name</span></span></h2>`` (a
  plain ``<h2>`` on a page without the marker), the name rendered as inline Markdown; the
  attribute list on the line right below it (``{: .logo-single #id}``) gives the ``h2`` its
  classes and id, as kramdown applies a block attribute list to the block above it.
- ``{div .x .y #z}`` (any tag) becomes ``<div class="x y" id="z">``, ``{/div}`` ``</div>``;
  ``{department}``, ``{statement}`` are ``div``s with that class, ``{collapsed}`` is
  ``<div class="theme">``, ``{page-break}`` ``<div class="page-break"></div>``, ``^5^`` is
  ``<sup>5</sup>``.
- Every other directive on a line of its own (``{navigation}``, ``{include x}``, ``{PDF=x}``,
  ``{pull}``...) is dropped, as are attribute lists anywhere but under a heading, kramdown's
  comments (``{::comment}``...``{:/comment}``) and options (``{::options .../}``). HTML comments
  are copied as they are, tokens inside them untouched.

The Markdown between the tokens is rendered by markdown-it-py (CommonMark, raw HTML on, tables
on), made kramdown-like where it matters to the checker: link targets are written as they are in
the source (no percent-encoding, no scheme refused), and ``#Title`` without a space is a heading.
Left out of kramdown: smart quotes and typographic symbols (the build straightens quotes and
writes ``--`` for ``–``, and kramdown curls and joins them again: the text comes out as it was
written), symbolic entities (kramdown writes ``&rsquo;``, ``&pound;``; this writes the
characters, which the reader takes as the same), automatic heading ids, attribute lists on
paragraphs and spans, footnotes, abbreviations, definition lists, math; Markdown inside raw HTML
blocks written in the page (kramdown's ``parse_block_html`` reads it, CommonMark passes the block
through); the ``{navigation}`` links and partials (``{include x}``).
Rendering is for tests and previews: ``python -m checker.parse.render PAGE.md > PAGE.html``.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from markdown_it import MarkdownIt

__all__ = ["render_body", "render_page"]

MARKER = "{{DEPARTMENTRESPONSE}}"
_ACTION = re.compile(r"^#Action ([0-9]{2}):[ \t](.+)$")
_HEADING = re.compile(r"^##(?!#)\s*(.*?)\s*$")
_OPEN = re.compile(r"^\{(?P<tag>[a-z][a-z0-9-]*)(?P<attrs>(?:\s+[.#][^\s{}]+)+)\s*\}$")
_BARE_OPEN = {
    "department": ("div", "department"),
    "statement": ("div", "statement"),
    "collapsed": ("div", "theme"),
    "div": ("div", ""),
    "span": ("span", ""),
}
_CLOSE = re.compile(r"^\{/(?P<tag>[a-z][a-z0-9-]*)\}$")
_CLOSE_AS = {"department": "div", "statement": "div", "collapsed": "div"}
_IAL = re.compile(r"^\{:\s*(?P<attrs>[^{}]*)\}$")
_DIRECTIVE = re.compile(r"^\{[^{}]*\}$|^\{\{[^{}]*\}\}$")
_KRAMDOWN_COMMENT = re.compile(r"\{::comment(?:\s[^{}]*?)?(?:/\}|\}.*?\{:/(?:comment)?\})", re.DOTALL)
_KRAMDOWN_OPTIONS = re.compile(r"\{::options\b[^{}]*/\}")
_ATX_NO_SPACE = re.compile(r"^(\s{0,3}#{1,6})(?=[^#\s])")
_SUPERSCRIPT = re.compile(r"\^(.+?)\^")


class _KramdownLike(MarkdownIt):
    """markdown-it with link targets written as they are, as kramdown writes them."""

    def __init__(self) -> None:
        super().__init__("commonmark", {"html": True, "linkify": False, "typographer": False})
        self.enable("table")

    def validateLink(self, url: str) -> bool:
        return True

    def normalizeLink(self, url: str) -> str:
        return url

    def normalizeLinkText(self, link: str) -> str:
        return link


_MARKDOWN = _KramdownLike()


def _attributes(attrs: str) -> str:
    """``.a .b #c`` -> `` class="a b" id="c"``."""
    classes = [part[1:] for part in attrs.split() if part.startswith(".") and len(part) > 1]
    ids = [part[1:] for part in attrs.split() if part.startswith("#") and len(part) > 1]
    written = f' class="{html.escape(" ".join(classes))}"' if classes else ""
    return written + (f' id="{html.escape(ids[-1])}"' if ids else "")


def _inline(text: str) -> str:
    rendered: str = _MARKDOWN.renderInline(_superscripts(text))
    return rendered.strip()


def _superscripts(text: str) -> str:
    return _SUPERSCRIPT.sub(r"<sup>\1</sup>", text)


def _action_header(number: str, title: str) -> str:
    return (
        '<div class="action-header"><div class="content-wrapper"><div class="title">'
        f"<h1><span>Action</span> {number}</h1><p>{_inline(title)}</p></div></div></div>"
    )


class _Renderer:
    def __init__(self, marked: bool) -> None:
        self.marked = marked
        self.out: list[str] = []
        self.run: list[str] = []

    def flush(self) -> None:
        if any(line.strip() for line in self.run):
            self.out.append(_MARKDOWN.render("\n".join(self.run)).rstrip("\n"))
        self.run = []

    def emit(self, html_text: str) -> None:
        self.flush()
        self.out.append(html_text)

    def heading(self, name: str, attrs: str) -> str:
        inner = _inline(name)
        if self.marked:
            inner = f'<span class="organisation-logo"><span>{inner}</span></span>'
        return f"<h2{_attributes(attrs)}>{inner}</h2>"

    def line(self, stripped: str, lines: Sequence[str], index: int) -> int:
        """Render the token on ``lines[index]``; the index of the next line to render."""
        if stripped == MARKER:
            return index + 1
        if self.marked and (action := _ACTION.match(stripped)):
            self.emit(_action_header(action[1], action[2].strip()))
            return index + 1
        if heading := _HEADING.match(stripped):
            after = lines[index + 1].strip() if index + 1 < len(lines) else ""
            ial = _IAL.match(after)
            self.emit(self.heading(heading[1], ial["attrs"] if ial else ""))
            return index + 2 if ial else index + 1
        if opener := _OPEN.match(stripped):
            self.emit(f"<{opener['tag']}{_attributes(opener['attrs'])}>")
        elif stripped[1:-1] in _BARE_OPEN and stripped.startswith("{") and stripped.endswith("}"):
            tag, name = _BARE_OPEN[stripped[1:-1]]
            self.emit(f'<{tag} class="{name}">' if name else f"<{tag}>")
        elif closer := _CLOSE.match(stripped):
            self.emit(f"</{_CLOSE_AS.get(closer['tag'], closer['tag'])}>")
        elif stripped == "{page-break}":
            self.emit('<div class="page-break"></div>')
        elif _IAL.match(stripped) or _DIRECTIVE.match(stripped):
            self.run.append("")  # dropped; it still ends the paragraph above it
        else:
            self.run.append(_superscripts(_ATX_NO_SPACE.sub(r"\1 ", lines[index])))
        return index + 1


def render_body(markdown: str) -> str:
    """The page's content as HTML, without the document around it."""
    text = markdown.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    text = _KRAMDOWN_COMMENT.sub(lambda match: "\n" * match.group(0).count("\n"), text)
    text = _KRAMDOWN_OPTIONS.sub("", text)
    renderer = _Renderer(MARKER in text)
    lines = text.split("\n")
    index, in_comment = 0, False
    while index < len(lines):
        stripped = lines[index].strip()
        if in_comment or stripped.startswith("<!--"):
            # an HTML comment, copied as it is: the build's tokens inside it are not the page's
            opened = stripped.find("<!--") + 4 if not in_comment else 0
            in_comment = "-->" not in stripped[opened:]
            renderer.emit(lines[index])
            index += 1
            continue
        index = renderer.line(stripped, lines, index)
    renderer.flush()
    return "\n".join(renderer.out) + "\n"


def render_page(markdown: str, title: str | None = None) -> str:
    """The page as a whole HTML document, as the site serves it."""
    if title is None:
        action = next(
            (_ACTION.match(line.strip()) for line in markdown.splitlines() if _ACTION.match(line.strip())),
            None,
        )
        title = f"Action {action[1]}" if action else "Page"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"<title>{html.escape(title)} | Departmental responses to the Government Digital Strategy</title>\n"
        "</head>\n"
        '<body class="action-page">\n'
        '<div class="container">\n'
        f"{render_body(markdown)}"
        "</div>\n"
        "</body>\n"
        "</html>\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m checker.parse.render PAGE.md``: the page's HTML on standard output."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if len(arguments) != 1 or arguments[0].startswith("-"):
        print("usage: python -m checker.parse.render PAGE.md > PAGE.html", file=sys.stderr)
        return 2
    sys.stdout.write(render_page(Path(arguments[0]).read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
