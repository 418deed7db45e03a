"""Link extraction with a real CommonMark parser (markdown-it-py), with exact positions.

markdown-it does not record where inline tokens start, so the inline rules that
make links (``link``, ``image``, ``autolink``, ``linkify``, ``html_inline``) are
wrapped: each wrapper stamps the token it produced with its start and end offset
in the inline source. The offsets are mapped back to file line and column by
aligning each line of the inline source with its source line. A ``[text][ref]``
whose reference is not defined, and a lone ``[Read more »]``, are recorded as
links with no target instead of vanishing into plain text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from checker.model import Link, LinkKind, Span
from checker.text import plain_typography

READ_MORE = re.compile(r"^\s*read\s+more\b", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_UNRESOLVED = "checker_unresolved"
_MAX_SCHEME = 64  # longer than any URL scheme linkify knows
_MAX_LABEL = 999  # CommonMark: a link label holds at most 999 characters
_SCHEME_BEFORE = re.compile(r"(?:^|[^a-z0-9.+-])([a-z][a-z0-9.+-]*)$", re.IGNORECASE)

InlineRule = Callable[[StateInline, bool], bool]


def is_read_more(text: str) -> bool:
    return bool(READ_MORE.match(plain_typography(text)))


@dataclass(frozen=True)
class _Unresolved:
    start: int  # offsets in the inline source, which is the block token's ``content`` object
    end: int
    text: str


def _stamp(rule: InlineRule, types: frozenset[str], *, scheme_before: bool = False) -> InlineRule:
    def stamped(state: StateInline, silent: bool) -> bool:
        start, first = state.pos, len(state.tokens)
        if scheme_before and state.src.startswith(":", start):
            # linkify fires on the ":" and takes the scheme back out of the pending text
            scheme = _SCHEME_BEFORE.search(state.pending[-_MAX_SCHEME:])
            start -= len(scheme.group(1)) if scheme else 0
        ok = rule(state, silent)
        if ok and not silent:
            begin = start
            for token in state.tokens[first:]:
                if token.type in types and "start" not in token.meta:
                    token.meta = {**token.meta, "start": begin, "end": state.pos}
                    break
        return ok

    return stamped


def _stamp_link(rule: InlineRule) -> InlineRule:
    stamped = _stamp(rule, frozenset({"link_open"}))

    def link(state: StateInline, silent: bool) -> bool:
        if stamped(state, silent):
            return True
        if not silent and state.src[state.pos] == "[":
            _note_unresolved(state)
        return False

    return link


def _label_end(src: str, start: int) -> int:
    """Index of the ``]`` closing a simple (unnested) label opened at ``start``, or -1.

    The search is bounded by CommonMark's label limit, so a line of ten thousand
    ``[`` costs linear time, not quadratic.
    """
    close = src.find("]", start + 1, start + 2 + _MAX_LABEL)
    if close < 0 or "[" in src[start + 1 : close]:
        return -1
    return close


def _note_unresolved(state: StateInline) -> None:
    src, start = state.src, state.pos
    label_end = _label_end(src, start)
    if label_end < 0:
        return
    text = src[start + 1 : label_end]
    end = label_end + 1
    if src.startswith("[", end):  # [text][ref] with no definition
        close = _label_end(src, end)
        if close < 0:
            return
        end = close + 1
    elif not is_read_more(text):
        return  # a plain [bracketed] phrase is prose, not a link
    notes: dict[int, list[_Unresolved]] = state.env.setdefault(_UNRESOLVED, {})
    notes.setdefault(id(src), []).append(_Unresolved(start, end, text))


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"linkify": True}).enable("linkify")
    md.core.ruler.disable("linkify")  # the inline rule keeps positions; the core one does not
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # keep javascript: links, to report them
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]  # URLs as written, not percent-encoded
    inline = md.inline.ruler
    rules = {rule.name: rule.fn for rule in inline.__rules__}
    inline.at("link", _stamp_link(rules["link"]))
    inline.at("image", _stamp(rules["image"], frozenset({"image"})))
    inline.at("autolink", _stamp(rules["autolink"], frozenset({"link_open"})))
    inline.at("linkify", _stamp(rules["linkify"], frozenset({"link_open"}), scheme_before=True))
    inline.at("html_inline", _stamp(rules["html_inline"], frozenset({"html_inline"})))
    return md


class _Aligner:
    """Maps offsets in a block's content back to (line, column) in the file."""

    def __init__(self, content: str, first_line: int, lines: Sequence[str]) -> None:
        self.first_line = first_line
        self.starts: list[int] = []
        self.columns: list[int] = []
        offset = 0
        for index, part in enumerate(content.split("\n")):
            source = lines[first_line + index] if first_line + index < len(lines) else ""
            found = source.find(part) if part else 0
            self.starts.append(offset)
            self.columns.append(max(found, 0))
            offset += len(part) + 1

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return self.first_line + index + 1, self.columns[index] + offset - self.starts[index] + 1

    def span(self, start: int, end: int) -> Span:
        (line, column), (end_line, end_column) = self.position(start), self.position(end)
        return Span.of(line, column, end_line, end_column)


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


def _html_anchors(html: str) -> list[tuple[int, int, int, str]]:
    finder = _AnchorFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def _label_text(children: Sequence[Token], start: int) -> str:
    depth, parts = 0, []
    for index in range(start + 1, len(children)):
        token = children[index]
        if token.type == "link_open":
            depth += 1
        elif token.type == "link_close":
            if depth == 0:
                break
            depth -= 1
        elif token.type in ("text", "code_inline") or token.type == "image":
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return _SPACES.sub(" ", "".join(parts)).strip()


def _html_link_text(children: Sequence[Token], start: int) -> str:
    parts = []
    for index in range(start + 1, len(children)):
        token = children[index]
        if token.type == "html_inline" and token.content.lower().startswith("</a"):
            break
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
    return _SPACES.sub(" ", "".join(parts)).strip()


def _link(text: str, url: str, kind: LinkKind, span: Span) -> Link:
    return Link(text=text, url=url.strip(), kind=kind, span=span, is_read_more=is_read_more(text))


def _inline_links(token: Token, aligner: _Aligner) -> Iterator[Link]:
    children = token.children or []
    for index, child in enumerate(children):
        if "start" not in child.meta:
            continue
        span = aligner.span(child.meta["start"], child.meta["end"])
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            if child.markup == "autolink":
                kind = LinkKind.AUTOLINK
            elif child.markup == "linkify":
                kind = LinkKind.BARE
            else:
                source = token.content[child.meta["start"] : child.meta["end"]]
                kind = LinkKind.REFERENCE if not source.rstrip().endswith(")") else LinkKind.INLINE
            yield _link(_label_text(children, index), href, kind, span)
        elif child.type == "image":
            yield _link(child.content, str(child.attrGet("src") or ""), LinkKind.IMAGE, span)
        elif child.type == "html_inline":
            for _line, _column, _length, href in _html_anchors(child.content):
                yield _link(_html_link_text(children, index), href, LinkKind.HTML, span)


def _unresolved_links(token: Token, aligner: _Aligner, notes: dict[int, list[_Unresolved]]) -> Iterator[Link]:
    for note in notes.get(id(token.content), ()):
        yield _link(
            _SPACES.sub(" ", note.text).strip(), "", LinkKind.UNRESOLVED, aligner.span(note.start, note.end)
        )


def _block_html_links(token: Token, lines: Sequence[str]) -> Iterator[Link]:
    assert token.map is not None
    aligner = _Aligner(token.content, token.map[0], lines)
    offsets = [0]
    for part in token.content.split("\n"):
        offsets.append(offsets[-1] + len(part) + 1)
    for line, column, length, href in _html_anchors(token.content):
        start = offsets[line - 1] + column
        yield _link("", href, LinkKind.HTML, aligner.span(start, start + length))


def extract_links(markdown: str, lines: Sequence[str]) -> list[Link]:
    """Every link in ``markdown``, in source order. ``lines`` are the file's own lines."""
    env: dict[str, Any] = {}
    tokens = _PARSER.parse(markdown, env)
    notes: dict[int, list[_Unresolved]] = env.get(_UNRESOLVED, {})
    links: list[Link] = []
    for token in tokens:
        if token.map is None:
            continue
        if token.type == "inline":
            aligner = _Aligner(token.content, token.map[0], lines)
            links.extend(_inline_links(token, aligner))
            links.extend(_unresolved_links(token, aligner, notes))
        elif token.type == "html_block":
            links.extend(_block_html_links(token, lines))
    links.sort(key=lambda link: link.span)
    return links


_PARSER = _make_parser()
