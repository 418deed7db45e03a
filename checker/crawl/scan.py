"""The title and first top-level headings of an HTML page, by one linear scan.

Soft-404 and bot-challenge detection need only the ``<title>`` and the first few ``<h1>``
of a page, not a tree of the whole page: :func:`scan_heads` finds them in a single pass
over the decoded text, at C regex speed between tags, with no parser object and no tree.
It reads markup the way beautifulsoup4's ``html.parser`` tree builder (which the crawler
used before) does, so the text it returns is the text that builder's ``get_text()`` gave:

* comments, ``<!DOCTYPE>``, other ``<!...>`` declarations and ``<?...?>`` processing
  instructions are skipped; the text of ``<![CDATA[...]]>`` counts;
* ``<script>`` and ``<style>`` hold raw text up to their end tag, which is never markup
  (a ``<title>`` in a script is no title); one never closed swallows the rest;
* start tags may have attributes, quoted or not, holding ``>`` or ``<``; names are
  case-insensitive; ``<x/>`` opens and closes ``x``; void elements (``<br>``, ``<meta>``)
  hold nothing;
* an end tag closes the most recent open element of its name and everything opened after
  it; one with no open element of its name is ignored; an element never closed (a body cut
  off at a size cap) runs to the end of the text;
* text inside ``<template>``, ``<rt>`` and ``<rp>`` is not text of the page;
* character references are decoded (``html.unescape``) per run of text.

A construct that never ends (``<!--`` or ``<a href="...`` at the very end of a cut-off
body) is text up to the next ``>`` (or up to the next ``<``), as ``html.parser`` reads it.
The scan is linear in the length of the text whatever it holds: every search that found
nothing is remembered, so no position is searched twice for the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

__all__ = ["Heads", "scan_heads"]

#: how many ``<h1>`` the soft-404 check looks at, in document order
MAX_HEADINGS = 3

# the patterns of CPython's html.parser (3.11), which the old html.parser-based reading used
_START_TAG = re.compile(
    r"""
  <([a-zA-Z][^\t\n\r\f />\x00]*)       # tag name
  (?:[\s/]*                            # optional whitespace before attribute name
    (?:(?<=['"\s/])[^\s/>][^\s/=>]*    # attribute name
      (?:\s*=+\s*                      # value indicator
        (?:'[^']*'                     # LITA-enclosed value
          |"[^"]*"                     # LIT-enclosed value
          |(?!['"])[^>\s]*             # bare value
         )
        \s*                            # possibly followed by a space
       )?(?:\s|/(?!>))*
     )*
   )?
  \s*                                  # trailing whitespace
""",
    re.VERBOSE,
)
_END_TAG = re.compile(r"</\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>")
#: the next "<": a whole end tag (group 1: its name), a whole start tag (2: its name), or
#: anything else (no group: comments, declarations, tags cut off...).  The start tag's name
#: and attributes are an atomic group, read once as html.parser reads them: otherwise a tag
#: that never ends would make the regex backtrack through them all (quadratically or worse).
_NEXT = re.compile(_END_TAG.pattern + "|(?>" + _START_TAG.pattern + ")/?>|<", re.VERBOSE)
_TAG_NAME = re.compile(r"([a-zA-Z][^\t\n\r\f />\x00]*)")
_NAME_AND_SPACE = re.compile(r"[a-zA-Z][^\t\n\r\f />\x00]*(?:\s|/(?!>))*")
_ATTRIBUTE = re.compile(
    r"""((?<=['"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|"[^"]*"|(?![\'"])[^>\s]*))?(?:\s|/(?!>))*"""
)
_COMMENT_END = re.compile(r"--\s*>")
_CUT_REFERENCE = re.compile(r"&#?[a-zA-Z0-9]*\Z")
_DECLARATION_NAME = re.compile(r"([a-zA-Z][-_.a-zA-Z0-9]*)\s*")
_MARKED_SECTIONS = frozenset({"temp", "cdata", "ignore", "include", "rcdata"})
_MARKED_SECTION_END = re.compile(r"]\s*]\s*>")
_CONDITIONAL_SECTIONS = frozenset({"if", "else", "endif"})  # <![if !IE]>, from Microsoft Office
_CONDITIONAL_SECTION_END = re.compile(r"]\s*>")
_RAW_END = {name: re.compile(rf"</\s*{name}\s*>", re.IGNORECASE) for name in ("script", "style")}
_ASCII_SPACES = " \n\t\x0c\r"
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
#: elements that hold nothing (html.parser's tree builder closes them at once)
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "menuitem", "meta",
     "param", "source", "track", "wbr", "basefont", "bgsound", "command", "frame", "image", "isindex",
     "nextid", "spacer"}
)  # fmt: skip
#: elements whose text is not the page's text (beautifulsoup4's special string containers)
_NOT_TEXT = frozenset({"template", "rt", "rp"})
#: elements that need more than a push and a pop
_SPECIAL = _VOID | _NOT_TEXT | {"title", "h1", "script", "style"}


@dataclass(frozen=True)
class Heads:
    """The raw text of the first ``<title>`` (None: no title) and of the first ``<h1>`` elements."""

    title: str | None
    headings: tuple[str, ...]


class _Finder:
    """``str.find`` and ``pattern.search`` that remember where a search found nothing.

    A search from ``start`` that fails also fails from any later start, so each needle is
    searched to the end of the text at most once: this is what keeps the scan linear.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._none_after: dict[object, int] = {}

    def find(self, needle: str, start: int) -> int:
        if start >= self._none_after.get(needle, len(self._text) + 1):
            return -1
        found = self._text.find(needle, start)
        if found < 0:
            self._none_after[needle] = start
        return found

    def search(self, pattern: re.Pattern[str], start: int) -> re.Match[str] | None:
        if start >= self._none_after.get(pattern, len(self._text) + 1):
            return None
        found = pattern.search(self._text, start)
        if found is None:
            self._none_after[pattern] = start
        return found


class _Reader:
    """The open elements, and the text collected for the title and headings.

    ``sinks`` are the collecting elements still open (the first title, the first headings),
    each with its place in the stack; they are in stack order, so closing pops them from the end.
    """

    __slots__ = ("collecting", "counts", "headings", "hidden", "node", "sinks", "stack", "title")

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.counts: dict[str, int] = {}  # open elements by name
        self.title: list[str] | None = None  # the first title's text, once it opened
        self.headings: list[list[str]] = []
        self.sinks: list[tuple[int, list[str]]] = []
        self.hidden = 0  # open elements whose text does not count (template, rt, rp)
        self.collecting = False  # some text goes somewhere
        self.node: list[str] = []  # the pieces of the text between two pieces of markup

    def done(self) -> bool:
        return self.title is not None and len(self.headings) == MAX_HEADINGS and not self.sinks

    def text(self, piece: str) -> None:
        """Text, while collecting; :meth:`flush` at the next markup makes it one text node."""
        self.node.append(piece)

    def markup(self) -> None:
        """Markup comes next: the text before it is a node of its own."""
        if self.node:
            self.flush()

    def flush(self) -> None:
        """End the current text node: beautifulsoup4 made one of only ASCII spaces a single one."""
        node = "".join(self.node)
        self.node.clear()
        if not node.strip(_ASCII_SPACES) and not (self.counts.get("pre") or self.counts.get("textarea")):
            node = "\n" if "\n" in node else " "
        for _at, parts in self.sinks:
            parts.append(node)

    def start(self, name: str, closed: bool) -> None:
        if name in _VOID:
            return
        at = len(self.stack)
        self.stack.append(name)
        self.counts[name] = self.counts.get(name, 0) + 1
        if name == "title" and self.title is None:
            self.title = []
            self.sinks.append((at, self.title))
        elif name == "h1" and len(self.headings) < MAX_HEADINGS:
            parts: list[str] = []
            self.headings.append(parts)
            self.sinks.append((at, parts))
        elif name in _NOT_TEXT:
            self.hidden += 1
        self.collecting = bool(self.sinks) and not self.hidden
        if closed:
            self.end(name)

    def end(self, name: str) -> None:
        """Close the most recent open ``name`` and all opened after it; nothing if none is open."""
        counts = self.counts
        if not counts.get(name):
            return
        stack = self.stack
        while True:
            popped = stack.pop()
            counts[popped] -= 1
            if popped in _NOT_TEXT:
                self.hidden -= 1
            if popped == name:
                break
        sinks = self.sinks
        while sinks and sinks[-1][0] >= len(stack):
            sinks.pop()
        self.collecting = bool(sinks) and not self.hidden


def scan_heads(text: str) -> Heads:
    """The first title and up to :data:`MAX_HEADINGS` ``<h1>`` texts of ``text`` (see module docstring).

    The texts are raw (whitespace and control characters as in the page); the caller cleans
    them.  Stops as soon as the title and the headings are complete.  A page made of plain
    markup only is read by :func:`plain_heads`, which gives the same answer in a fraction of
    the time; any other page by the full scan.
    """
    heads = plain_heads(text)
    return heads if heads is not None else full_scan(text)


# --- plain pages ---------------------------------------------------------------------------------
# A "plain" page is one where every "<" starts one of the tokens below, spelt in the narrowest
# way: a start tag with ASCII-named attributes whose values hold no "<" or ">" (a bare value is
# followed by a space or ">", so that no "/" can belong to it), an end tag with no attributes, a
# declaration that starts with a letter (<!DOCTYPE html>), or a processing instruction.  No
# comment, no CDATA, no "<" as text, and none of the elements that the full scan treats apart
# (raw text, text that does not count, whitespace kept).  In such a page every tag is read as
# the full scan reads it, nothing can hide a tag, and the text of a title or heading that holds
# only text runs from its start tag to the next "<", which is its own end tag.

_WS = r"[ \t\n\r\f]"  # the spaces html.parser's tag name stops at (``\s`` would take more)
_PLAIN_VALUE = r"""(?:"[^"<>]*+"|'[^'<>]*+'|[-a-zA-Z0-9_.:]++(?=[ \t\n\r\f>]))"""
_PLAIN_ATTRIBUTE = rf"[a-zA-Z_:][-a-zA-Z0-9_:.]*+(?:{_WS}*+={_WS}*+{_PLAIN_VALUE})?+"
_PLAIN_TOKEN = (
    rf"<(?:[a-zA-Z][-a-zA-Z0-9]*+(?:{_WS}++{_PLAIN_ATTRIBUTE})*+{_WS}*+/?>"
    rf"|/[a-zA-Z][-a-zA-Z0-9]*+{_WS}*+>"
    r"|![a-zA-Z][^<>]*+>"  # a declaration; "<!--" and "<![" are not plain
    r"|\?[^<>]*+>)"
)
#: a whole plain page; possessive throughout, so that any page fails or passes in one pass
_PLAIN_PAGE = re.compile(rf"(?:[^<]*+{_PLAIN_TOKEN})*+[^<]*+")
#: the elements the full scan does more with than push and pop (see _SPECIAL), less title and
#: h1, looked for in the lowercased page (so that "<prefix>" is not plain either: no harm)
_NOT_PLAIN = re.compile(r"<(?:script|style|template|rt|rp|pre|textarea)")
_PLAIN_TITLE = re.compile(r"<[tT][iI][tT][lL][eE](?=[ \t\n\r\f/>])[^>]*>")
_PLAIN_HEADING = re.compile(r"<[hH]1(?=[ \t\n\r\f/>])[^>]*>")
_PLAIN_TITLE_END = re.compile(rf"</[tT][iI][tT][lL][eE]{_WS}*>")
_PLAIN_HEADING_END = re.compile(rf"</[hH]1{_WS}*>")


def plain_heads(text: str) -> Heads | None:
    """:func:`scan_heads` of a plain page (see above); None when ``text`` is not one, or when a
    title or heading holds markup."""
    if _PLAIN_PAGE.fullmatch(text) is None:
        return None
    if _NOT_PLAIN.search(text.lower()) is not None:
        return None
    title: str | None = None
    found = _PLAIN_TITLE.search(text)
    if found is not None:
        title = _plain_text(text, found, _PLAIN_TITLE_END)
        if title is None:
            return None
    headings: list[str] = []
    for found in _PLAIN_HEADING.finditer(text):
        if len(headings) == MAX_HEADINGS:
            break
        heading = _plain_text(text, found, _PLAIN_HEADING_END)
        if heading is None:
            return None
        headings.append(heading)
    return Heads(title, tuple(headings))


def _plain_text(text: str, tag: re.Match[str], end: re.Pattern[str]) -> str | None:
    """The text of the element whose start tag is ``tag``, when it holds only text and is closed."""
    start = tag.end()
    if text[start - 2] == "/":  # <title/>: opened and closed at once (no bare value ends in "/")
        return ""
    close = text.find("<", start)
    if close < 0 or end.match(text, close) is None:
        return None
    if close == start:
        return ""
    node = unescape(text[start:close])
    if not node.strip(_ASCII_SPACES):  # as _Reader.flush: a node of only spaces is one space
        node = "\n" if "\n" in node else " "
    return node


# --- every other page ----------------------------------------------------------------------------


def full_scan(text: str) -> Heads:
    """:func:`scan_heads` by the full, linear scan, whatever the page holds."""
    reader = _Reader()
    find = _Finder(text)
    stack, counts, node = reader.stack, reader.counts, reader.node
    search = _NEXT.search
    special = _SPECIAL
    pos = 0
    while True:
        tag = search(text, pos)
        if tag is None:
            if reader.collecting and pos < len(text):
                reader.text(_unescape_tail(text[pos:]))
            break
        lt = tag.start()
        if lt > pos and reader.collecting:
            reader.text(unescape(text[pos:lt]))
        end_name, start_name = tag.groups()
        if node and (end_name is not None or start_name is not None):
            reader.flush()
        pos = tag.end()
        if end_name is not None:  # an end tag
            name = end_name.lower()
            if stack and stack[-1] == name and name not in special:
                stack.pop()  # the common case, inline: the element just opened, nothing to collect
                counts[name] -= 1
                continue
            if not counts.get(name):
                continue  # nothing of that name is open: ignored
            reader.end(name)
        elif start_name is not None:  # a start tag
            closed = text[pos - 2] == "/" and _closes_itself(text, lt)
            name = start_name.lower()
            if name not in special:
                if not closed:
                    stack.append(name)
                    counts[name] = counts.get(name, 0) + 1
                continue
            reader.start(name, closed)
            if name in _RAW_END and not closed:
                pos = _raw_text(text, pos, name, find, reader)
        else:  # comments, declarations, tags cut off...: rare, read one by one
            pos = _markup(text, lt, find, reader)
        if reader.done():
            break
    if reader.node:
        reader.flush()
    title = None if reader.title is None else "".join(reader.title)
    return Heads(title, tuple("".join(parts) for parts in reader.headings))


def _unescape_tail(piece: str) -> str:
    """The last text of the page, decoded; a reference cut off at its very end stays as it is."""
    cut = _CUT_REFERENCE.search(piece)
    if cut is None:
        return unescape(piece)
    return unescape(piece[: cut.start()]) + cut.group()


def _raw_text(text: str, i: int, name: str, find: _Finder, reader: _Reader) -> int:
    """Skip the raw text of a ``<script>`` or ``<style>`` that starts at ``i``; return where it ends."""
    found = find.search(_RAW_END[name], i)
    if found is None:
        return len(text)  # an unclosed script swallows the rest of the page
    reader.end(name)  # its text is no text of the page
    return found.end()


def _markup(text: str, lt: int, find: _Finder, reader: _Reader) -> int:
    """Read the markup that starts with the ``<`` at ``lt``; return where the text goes on."""
    after = text[lt + 1 : lt + 2]
    if after in _LETTERS:
        end = _start_tag(text, lt, find, reader)
    elif after == "/":
        end = _end_tag(text, lt, find, reader)
    elif after == "!":
        end = _declaration(text, lt, find, reader)
    elif after == "?":
        close = find.find(">", lt + 2)
        end = close + 1 if close >= 0 else -1
        if end >= 0:
            reader.markup()
    else:  # a "<" that starts nothing is text
        if reader.collecting:
            reader.text("<")
        return lt + 1
    if end >= 0:
        return end
    end = _fallback_end(text, lt, find)
    if reader.collecting:  # html.parser hands this over as it is, references and all
        reader.text(text[lt:end])
    return end


def _fallback_end(text: str, lt: int, find: _Finder) -> int:
    """Where markup at ``lt`` that never ends is cut: after the next ">", or at the next "<"
    (with neither, only the "<" is text, and what follows it is read on)."""
    close = find.find(">", lt + 1)
    if close >= 0:
        return close + 1
    following = find.find("<", lt + 1)
    return following if following >= 0 else lt + 1


def _marked_section(text: str, lt: int, find: _Finder, reader: _Reader) -> int:
    """``<![CDATA[...]]>`` (its text counts, even in a template) and other marked sections."""
    named = _DECLARATION_NAME.match(text, lt + 3)
    close = None
    if named is not None and named.group(1).lower() in _MARKED_SECTIONS:
        close = find.search(_MARKED_SECTION_END, lt + 3)
    elif named is not None and named.group(1).lower() in _CONDITIONAL_SECTIONS:
        close = find.search(_CONDITIONAL_SECTION_END, lt + 3)
    else:  # html.parser rejected the whole page here; a bogus comment is what a browser reads
        end = find.find(">", lt + 2)
        if end < 0:
            return -1
        reader.markup()
        return end + 1
    if close is None:
        return -1
    reader.markup()
    content = text[lt + 3 : close.start()]
    if reader.sinks and content[:6].upper() == "CDATA[":
        reader.text(content[6:])
        reader.flush()  # a node of its own, even when empty, and even in a template
    return close.end()


def _start_tag(text: str, lt: int, find: _Finder, reader: _Reader) -> int:
    match = _START_TAG.match(text, lt)
    assert match is not None  # "<" and a letter always match
    j = match.end()
    if text.startswith((">", "/>"), j):
        end = j + (1 if text[j] == ">" else 2)
        closed = text[end - 2] == "/" and _closes_itself(text, lt)
    elif j >= len(text) or text[j] in _LETTERS or text[j] in "=/":
        # cut off in the tag: text, as html.parser reads the end of its input (up to the next
        # ">" or "<"), but never less than the tag's attributes: a "<" inside them starts no
        # tag, so that no attribute is read twice (which html.parser may do, quadratically)
        end = _fallback_end(text, lt, find)
        if lt + 1 < end < j:
            end = j
        if reader.collecting:
            reader.text(text[lt:end])
        return end
    else:  # bogus input (such as <a "b">): no tag, its text is text
        if reader.collecting:
            reader.text(text[lt:j])
        return j
    name = match.group(1).lower()
    reader.markup()
    reader.start(name, closed)
    if name in _RAW_END and not closed:
        return _raw_text(text, end, name, find, reader)
    return end


def _closes_itself(text: str, lt: int) -> bool:
    """Whether the start tag at ``lt``, which ends in "/>", closes itself (``<br/>``, ``<p />``).

    Read as html.parser reads it, attribute by attribute: in ``<a href=/x/>`` the "/" belongs
    to the value.
    """
    named = _NAME_AND_SPACE.match(text, lt + 1)
    assert named is not None  # a start tag
    k = named.end()
    while (attribute := _ATTRIBUTE.match(text, k)) is not None and attribute.end() > k:
        k = attribute.end()
    return text.startswith("/>", k) or text[k : text.index(">", k) + 1].strip() == "/>"


def _end_tag(text: str, lt: int, find: _Finder, reader: _Reader) -> int:
    close = find.find(">", lt + 1)
    if close < 0:
        return -1
    if close == lt + 2:
        return close + 1  # "</>" is nothing at all
    reader.markup()
    match = _END_TAG.match(text, lt, close + 1)
    if match is not None:
        reader.end(match.group(1).lower())
        return close + 1
    named = _TAG_NAME.match(text, lt + 2, close)
    if named is not None:  # "</h1 class=x>" closes h1; "</ 3>" is a bogus comment
        reader.end(named.group(1).lower())
    return close + 1


def _declaration(text: str, lt: int, find: _Finder, reader: _Reader) -> int:
    if text.startswith("<!--", lt):
        found = find.search(_COMMENT_END, lt + 4)
        if found is None:
            return -1
        reader.markup()
        return found.end()
    if text.startswith("<![", lt):
        return _marked_section(text, lt, find, reader)
    close = find.find(">", lt + 2)
    if close < 0:
        return -1
    reader.markup()
    return close + 1
