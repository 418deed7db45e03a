"""Link extraction with a real CommonMark parser (markdown-it-py), with exact positions.

markdown-it does not record where inline tokens start, so the inline rules that
make links (``link``, ``image``, ``autolink``, ``linkify``, ``html_inline``) are
wrapped: each wrapper stamps the token it produced with its start and end offset
in the inline source. The offsets are mapped back to file line and column by
aligning each line of the inline source with its source line. A ``[text][ref]``
whose reference is not defined, and a lone ``[Read more »]``, are recorded as
links with no target instead of vanishing into plain text. Only the blocks whose text
has a character that starts a link (``may_hold_link``) are parsed inline: the others,
headings such as ``Cabinet<br>Office``, cannot hold one, and the block parse of the whole
page, which says what is a block, is done as before.

So are *near misses*, links an editor meant but CommonMark does not make, each with
what is wrong (``Link.detail``) and the link as it should be written (``Link.rewrite``):

- ``[Read more »] (https://...)``: a space between ``]`` and ``(``;
- ``[Read more »](https://www.gov.uk/some doc)``: a space in the URL;
- ``[Read more »](https://...``: the ``(`` is never closed;
- ``[Read more »](https://www.gov.uk/government/`` then ``publications/x)`` on the next line:
  the URL is broken across two lines;
- ``[Read more »]https://...``, ``[Read more »]<https://...>``, ``[Read more »][https://...]``:
  the URL is not in parentheses;
- ``<https://www.gov.uk/some doc>``: an autolink with a space.

The bare or angle-bracket link markdown-it finds inside a near miss (the ``https://...``
part) is left out: the near miss is the one link there. A link that CommonMark does make
but to a wrapped URL (``[text]((https://...))``, ``[text]("https://...")``) keeps its URL
as written and gets a ``detail`` too.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
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
#: what an editor writes as a link target: a scheme, ``www.``, or a site path
_URLISH = re.compile(r"(?:[a-z][a-z0-9+.-]*://|mailto:|www\.|/(?![/\s]))", re.IGNORECASE)
_MAX_TARGET = 2048  # how far past a "]" a near miss's URL is looked for: bounded, so linear time
_TOKEN = re.compile(r"[^\s<>]+")
_PAREN_MARKS = re.compile(r"\\.|[()]")  # a backslash escape, or a parenthesis
_WHITESPACE = re.compile(r"\s")
_URL_REST = re.compile(r"[ \t]*([^\s()<>\[\]]+)\)")  # the end of a URL broken across two lines
#: ``<scheme:...>`` with whitespace inside: not an autolink
_SPACED_AUTOLINK = re.compile(r"<([a-z][a-z0-9+.-]{1,31}:[^<>\n]*?)>", re.IGNORECASE)
_WRAPPERS = {
    "(": (")", "a second pair of parentheses"),
    "[": ("]", "square brackets"),
    "<": (">", "angle brackets"),
    '"': ('"', "quotation marks"),
    "'": ("'", "quotation marks"),
    "\u201c": ("\u201d", "quotation marks"),
    "\u2018": ("\u2019", "quotation marks"),
}
_SPACE_IN_URL = "the URL contains a space (write it as %20, or fix the address)"
_OPENERS = "(<[\"'\u201c\u2018"


def _skip_gap(src: str, pos: int, stop: int) -> int:
    """The first offset from ``pos`` that is not a space or tab (``stop`` at most)."""
    while pos < stop and src[pos] in " \t":
        pos += 1
    return pos


def _urlish(text: str, pos: int = 0) -> bool:
    """Whether ``text`` at ``pos`` starts like a URL, past any stray ``(``, ``<``, ``[`` or quote."""
    while pos < len(text) and text[pos] in _OPENERS:
        pos += 1
    return bool(_URLISH.match(text, pos))


InlineRule = Callable[[StateInline, bool], bool]


def is_read_more(text: str) -> bool:
    return bool(READ_MORE.match(plain_typography(text)))


@dataclass(frozen=True)
class _Unresolved:
    """A link with no target (or a near miss), found in an inline source."""

    start: int  # offsets in the inline source, which is the block token's ``content`` object
    end: int
    text: str
    detail: str = ""  # a near miss: what is wrong, and the link as it should be written
    rewrite: str = ""


@dataclass(frozen=True)
class _NearMiss:
    """A link an editor meant but CommonMark does not make."""

    end: int  # just past the last character of the near miss
    detail: str
    rewrite: str


def _clean_url(url: str) -> str:
    """The URL an editor meant: stray wrappers and end punctuation off, spaces as ``%20``."""
    url = url.strip().lstrip(_OPENERS)
    url = url.rstrip(">]\"'\u201d\u2019.,;:!?")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return re.sub(r"\s+", "%20", url)


class _Target(NamedTuple):
    url: str  # as written, without the line break when it is broken across two lines
    end: int  # just past the near miss
    closed: bool  # the ``)`` is there
    broken: bool = False  # the URL runs on to the next line


def _paren_target(src: str, start: int, stop: int) -> _Target | None:
    """What follows a ``(`` at ``start - 1``, up to ``stop`` (the end of the line).

    None when what is in the parentheses does not look like a URL.
    """
    begin = _skip_gap(src, start, stop)
    if src.startswith("<", begin):
        close = src.find(">", begin + 1, stop)
        if close < 0 or not _urlish(src, begin + 1):
            return None
        after = _skip_gap(src, close + 1, stop)
        if after < stop and src[after] == ")":
            return _Target(src[begin + 1 : close], after + 1, True)
        return _Target(src[begin + 1 : close], close + 1, False)
    if not _urlish(src, begin):
        return None
    depth = 0
    for mark in _PAREN_MARKS.finditer(src, begin, stop):
        if mark.group() == "(":
            depth += 1
        elif mark.group() == ")":
            if depth == 0:
                return _Target(src[begin : mark.start()].rstrip(), mark.end(), True)
            depth -= 1
    space = _WHITESPACE.search(src, begin, stop)
    if space is None and src.startswith("\n", stop):  # the URL may go on on the next line
        rest = _URL_REST.match(src, stop + 1, min(len(src), stop + 1 + _MAX_TARGET))
        if rest is not None:
            return _Target(src[begin:stop] + rest.group(1), rest.end(), True, broken=True)
    end = space.start() if space else stop
    return _Target(src[begin:end], end, False)


def _near_miss(src: str, end: int, text: str) -> _NearMiss | None:
    """A link target meant for the ``[text]`` that ends at ``end``, but not written as one."""
    limit = min(len(src), end + _MAX_TARGET)
    stop = src.find("\n", end, limit)
    stop = limit if stop < 0 else stop
    begin = _skip_gap(src, end, stop)
    spaced, opener = begin > end, src[begin : begin + 1]
    problems: list[str] = []
    if opener == "(":
        found = _paren_target(src, begin + 1, stop)
        if found is None:
            return None
        url, close, closed, broken = found
        if spaced:
            problems.append('there is a space between "]" and "("')
        if broken:
            problems.append("the URL is broken across two lines")
        elif not closed:
            extra = url.startswith("(")
            problems.append(
                'there is an extra "(" before the URL' if extra else 'the "(" before the URL is never closed'
            )
        elif any(char.isspace() for char in url.strip()):
            problems.append(_SPACE_IN_URL)
        if not problems:
            return None  # written correctly, so something else stopped CommonMark: not ours to name
    elif opener in ("<", "["):
        closer, what = _WRAPPERS[opener]
        close = src.find(closer, begin + 1, stop)
        url = src[begin + 1 : close] if close >= 0 else ""
        if close < 0 or not _urlish(url.strip()):
            return None
        close += 1
        problems.append(f"the URL is in {what}, not in parentheses")
    else:
        token = _TOKEN.match(src, begin, stop)
        if token is None or not _urlish(token.group()) or (spaced and not is_read_more(text)):
            return None  # "[sic] www..." after a space is prose, unless it is a "Read more"
        url = token.group().rstrip(".,;:!?")
        close = begin + len(url)
        problems.append("the URL is not in parentheses")
    return _NearMiss(close, "; ".join(problems), f"[{text}]({_clean_url(url)})")


def _wrapped(url: str) -> str | None:
    """``(https://...)``, ``"https://..."``: what a link's URL is wrapped in, or None."""
    if len(url) < 3 or url[0] not in _WRAPPERS:
        return None
    closer, what = _WRAPPERS[url[0]]
    return what if url.endswith(closer) and _urlish(url[1:-1].strip()) else None


def _stamp(
    rule: InlineRule, types: frozenset[str], trigger: str, *, scheme_before: bool = False
) -> InlineRule:
    """``rule``, stamping the token it makes with its offsets.

    ``trigger`` is the character each rule needs where it starts (``[`` for a link, ``:`` for
    linkify): the inline parser tries every rule at every punctuation mark, so the wrapper
    answers no at once instead of calling the rule to hear it say no.
    """

    def stamped(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if state.src[start] != trigger:
            return False
        first = len(state.tokens)
        if scheme_before:
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
    stamped = _stamp(rule, frozenset({"link_open"}), "[")

    def link(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] != "[":
            return False
        if stamped(state, silent):
            return True
        if not silent:
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


def _stamp_autolink(rule: InlineRule) -> InlineRule:
    stamped = _stamp(rule, frozenset({"link_open"}), "<")

    def autolink(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] != "<":
            return False
        if stamped(state, silent):
            return True
        if not silent:
            match = _SPACED_AUTOLINK.match(state.src, state.pos)
            if match and any(char.isspace() for char in match.group(1)):
                url = match.group(1)
                _note(
                    state, _Unresolved(match.start(), match.end(), url, _SPACE_IN_URL, f"<{_clean_url(url)}>")
                )
        return False

    return autolink


def _note(state: StateInline, note: _Unresolved) -> None:
    notes: dict[int, list[_Unresolved]] = state.env.setdefault(_UNRESOLVED, {})
    notes.setdefault(id(state.src), []).append(note)


def _note_unresolved(state: StateInline) -> None:
    src, start = state.src, state.pos
    label_end = _label_end(src, start)
    if label_end < 0:
        return
    text = src[start + 1 : label_end]
    end = label_end + 1
    near = _near_miss(src, end, text)
    if near is not None:
        _note(state, _Unresolved(start, near.end, text, near.detail, near.rewrite))
        return
    if src.startswith("[", end):  # [text][ref] with no definition
        close = _label_end(src, end)
        if close < 0:
            return
        end = close + 1
    elif not is_read_more(text):
        return  # a plain [bracketed] phrase is prose, not a link
    _note(state, _Unresolved(start, end, text))


def may_hold_link(content: str) -> bool:
    """Whether a block's inline ``content`` can hold anything ``extract_links`` reports.

    Each thing reported needs a character to start it: a link, an image, a ``[text]`` that
    is not one or a near miss (all ``[``), a bare URL (linkify fires on ``://``), an autolink
    or a spaced one (``<`` with ``:``, or ``@`` for an e-mail address), an HTML anchor
    (``<a``, in any case). A heading such as ``Cabinet<br>Office`` has none of them, and
    its inline parse, most of the parse of such a line, is skipped.
    """
    if "[" in content or "://" in content:
        return True
    return "<" in content and (":" in content or "@" in content or "<a" in content.lower())


def _inline_where_links_may_be(state: StateCore) -> None:
    """markdown-it's core ``inline`` rule, run on the blocks that may hold a link only.

    Nothing but ``extract_links`` reads the inline tokens, and one block's inline parse does
    not depend on another's (link reference definitions are read by the block parse), so a
    block skipped here has no inline tokens (``children`` empty) and yields exactly the
    links, none, that it would have.
    """
    md, env = state.md, state.env
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            if may_hold_link(token.content):
                md.inline.parse(token.content, md, env, token.children)


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"linkify": True}).enable("linkify")
    md.core.ruler.disable("linkify")  # the inline rule keeps positions; the core one does not
    md.core.ruler.at("inline", _inline_where_links_may_be)
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # keep javascript: links, to report them
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]  # URLs as written, not percent-encoded
    inline = md.inline.ruler
    rules = {rule.name: rule.fn for rule in inline.__rules__}
    inline.at("link", _stamp_link(rules["link"]))
    inline.at("image", _stamp(rules["image"], frozenset({"image"}), "!"))
    inline.at("autolink", _stamp_autolink(rules["autolink"]))
    inline.at("linkify", _stamp(rules["linkify"], frozenset({"link_open"}), ":", scheme_before=True))
    inline.at("html_inline", _stamp(rules["html_inline"], frozenset({"html_inline"}), "<"))
    return md


class _Aligner:
    """Maps offsets in a block's content back to (line, column) in the file.

    The table is made when the first position is asked for: most blocks hold no link.
    """

    def __init__(self, content: str, first_line: int, lines: Sequence[str]) -> None:
        self.content = content
        self.first_line = first_line
        self.lines = lines
        self.starts: list[int] = []
        self.columns: list[int] = []

    def _align(self) -> None:
        first_line, lines, offset = self.first_line, self.lines, 0
        for index, part in enumerate(self.content.split("\n")):
            source = lines[first_line + index] if first_line + index < len(lines) else ""
            found = source.find(part) if part else 0
            self.starts.append(offset)
            self.columns.append(max(found, 0))
            offset += len(part) + 1

    def position(self, offset: int) -> tuple[int, int]:
        if not self.starts:
            self._align()
        index = bisect.bisect_right(self.starts, offset) - 1
        return self.first_line + index + 1, self.columns[index] + offset - self.starts[index] + 1

    def span(self, start: int, end: int) -> Span:
        (line, column), (end_line, end_column) = self.position(start), self.position(end)
        return Span.of(line, column, end_line, end_column)


def _html_anchors(html: str) -> list[tuple[int, int, int, str]]:
    if "<a" not in html.lower():
        return []  # no <a tag, no anchor: most inline HTML is <br>
    from checker.parse.anchors import html_anchors  # noqa: PLC0415  # html.parser: only when needed

    return html_anchors(html)


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


def _link(text: str, url: str, kind: LinkKind, span: Span, *, detail: str = "", rewrite: str = "") -> Link:
    return Link(
        text=text,
        url=url.strip(),
        kind=kind,
        span=span,
        is_read_more=is_read_more(text),
        detail=detail,
        rewrite=rewrite,
    )


def _near_misses(token: Token, notes: dict[int, list[_Unresolved]]) -> list[_Unresolved]:
    """The block's notes in source order, without one inside another (``[x]<https://a b>``)."""
    kept: list[_Unresolved] = []
    for note in sorted(notes.get(id(token.content), ()), key=lambda note: (note.start, -note.end)):
        if not kept or note.start >= kept[-1].end:
            kept.append(note)
    return kept


def _inside(offset: int, notes: Sequence[_Unresolved]) -> bool:
    """Whether ``offset`` is inside a near miss; ``notes`` are sorted and do not overlap."""
    index = bisect.bisect_right(notes, offset, key=lambda note: note.start) - 1
    return index >= 0 and bool(notes[index].detail) and offset < notes[index].end


def _inline_links(token: Token, aligner: _Aligner, notes: Sequence[_Unresolved] = ()) -> Iterator[Link]:
    children = token.children or []
    for index, child in enumerate(children):
        if "start" not in child.meta:
            continue
        span = aligner.span(child.meta["start"], child.meta["end"])
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            detail = rewrite = ""
            if child.markup in ("autolink", "linkify"):
                if _inside(child.meta["start"], notes):
                    continue  # the URL part of a near miss, which is reported as one link
                kind = LinkKind.AUTOLINK if child.markup == "autolink" else LinkKind.BARE
            else:
                source = token.content[child.meta["start"] : child.meta["end"]]
                kind = LinkKind.REFERENCE if not source.rstrip().endswith(")") else LinkKind.INLINE
                wrapper = _wrapped(href.strip()) if kind is LinkKind.INLINE else None
                if wrapper is not None:
                    detail = f"the URL is in {wrapper}"
                    rewrite = f"[{source[1 : source.rindex('](')]}]({_clean_url(href)})"
            yield _link(_label_text(children, index), href, kind, span, detail=detail, rewrite=rewrite)
        elif child.type == "image":
            yield _link(child.content, str(child.attrGet("src") or ""), LinkKind.IMAGE, span)
        elif child.type == "html_inline":
            for _line, _column, _length, href in _html_anchors(child.content):
                yield _link(_html_link_text(children, index), href, LinkKind.HTML, span)


def _unresolved_links(notes: Sequence[_Unresolved], aligner: _Aligner) -> Iterator[Link]:
    for note in notes:
        span = aligner.span(note.start, note.end)
        text = _SPACES.sub(" ", note.text).strip()
        yield _link(text, "", LinkKind.UNRESOLVED, span, detail=note.detail, rewrite=note.rewrite)


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
            near = _near_misses(token, notes) if notes else []
            if not token.children and not near:
                continue  # no link in it, or not parsed for having none (``may_hold_link``)
            aligner = _Aligner(token.content, token.map[0], lines)
            links.extend(_inline_links(token, aligner, near))
            links.extend(_unresolved_links(near, aligner))
        elif token.type == "html_block":
            links.extend(_block_html_links(token, lines))
    links.sort(key=_span_key)
    return links


def _span_key(link: Link) -> tuple[int, int, int, int]:
    """The order of ``Link.span`` as plain integers, which compare faster than spans."""
    span = link.span
    return span.start_line, span.start_column, span.end_line, span.end_column


_PARSER = _make_parser()
