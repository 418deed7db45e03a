"""Page analysis: "page not found" pages served with 200, bot challenges, anchors.

:func:`analyse_html` reads a (possibly truncated) HTML body and returns the page title,
whether the title or a top heading says the page does not exist, whether it is a
bot-challenge page and, only when asked (a link to the page has a ``#fragment``), its
anchors (``id`` attributes and ``<a name>``).  The title and headings come from a linear
scan of the text (:mod:`.scan`), which costs microseconds for a small page; only anchors
need a parse of the whole page, done by lxml's C parser (libxml2, about 30 times faster
than beautifulsoup4 with ``html.parser``, which this module used before).  It is pure and
thread-safe (one lxml parser per thread), so the crawler runs it inline for small bodies
and in a worker thread for large ones.

:func:`redirect_soft404` detects the other kind of soft 404: a deep link that
redirects to the site's home page or to a search page.
"""

from __future__ import annotations

import codecs
import re
import threading
from dataclasses import dataclass
from typing import cast
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from checker.model.links import ErrorKind

from .scan import scan_heads

__all__ = ["HEAD_CHARS", "PageInfo", "analyse_html", "decode_html", "page_anchors", "redirect_soft404"]

_APOS = "['’]"
#: what a title or heading says when the page does not exist (any one, in any case)
_NOT_FOUND_PHRASES = (
    r"\bnot\s+found\b",
    r"\b(?:cannot|can" + _APOS + r"?t|could\s+not|couldn" + _APOS + r"?t)\s+be\s+(?:found|located)\b",
    r"\b(?:cannot|can"
    + _APOS
    + r"?t|could\s+not|couldn"
    + _APOS
    + r"?t)\s+find\s+(?:th(?:at|is|e))\s+page\b",
    r"\bno\s+longer\s+(?:available|exists?)\b",
    r"\b(?:page|document|file)\s+(?:does\s+not|doesn" + _APOS + r"?t)\s+exist\b",
    r"\bpage\s+(?:is\s+)?missing\b",
    r"\b(?:error|http)\s*404\b",
    r"\b404\s*(?:error|[-–—:|])",
    r"^\s*404\s*$",
)
_NOT_FOUND = re.compile("|".join(_NOT_FOUND_PHRASES), re.IGNORECASE)
#: every phrase above spells one of these words as it is (a test checks): an ASCII text
#: without any of them, in any case, cannot match, and is not searched
_NOT_FOUND_WORDS = ("found", "located", "page", "longer", "exist", "missing", "404")
_CHALLENGE_PHRASES = (
    "just a moment",
    "attention required",
    "checking your browser",
    "verify(?:ing)? you are (?:a )?human",
    "are you a robot",
    "captcha",
    "request unsuccessful",
    "ddos protection",
)
_CHALLENGE_TITLE = re.compile("|".join(_CHALLENGE_PHRASES), re.IGNORECASE)
_CHALLENGE_WORDS = (
    "moment", "required", "browser", "human", "robot", "captcha", "unsuccessful", "protection"
)  # fmt: skip
#: the title and headings are looked for in this much of the page: all of what is read when a link
#: has no fragment (fetch reads 128 KiB then), so that a fragment never changes the verdict,
#: and a bound on the scan of a hostile page of megabytes
HEAD_CHARS = 128 * 1024
_CHALLENGE_MARKERS = ("/cdn-cgi/challenge-platform/", "cf-chl-", "_incapsula_resource")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HOME_PATHS = frozenset(
    {"", "/", "/index.html", "/index.htm", "/index.php", "/index.asp", "/index.aspx", "/default.aspx",
     "/default.asp", "/home", "/home/", "/en", "/en/", "/home.aspx", "/home.html"}
)  # fmt: skip
_SEARCH_PATH = re.compile(r"(?:^|/)(?:search|find|results)(?:[./?]|$)", re.IGNORECASE)
_SEARCH_PARAMS = frozenset({"q", "query", "search", "keywords", "searchterm", "s", "term"})


@dataclass(frozen=True)
class PageInfo:
    """What :func:`analyse_html` found in a page."""

    title: str
    anchors: frozenset[str] | None  # None: not looked for
    not_found: str | None  # the title/heading text that says "not found", if any
    challenge: bool


#: codecs Python has that no browser decodes a page with (and UTF-7, which the web forbids)
_NOT_FOR_PAGES = frozenset({"utf-7", "unicode-escape", "raw-unicode-escape", "punycode", "idna", "undefined"})


def _decoded(body: bytes, name: str) -> str | None:
    """``body`` decoded as ``name`` if that is a text encoding pages may use; else None.

    The name comes from the server (header or ``<meta>``): an unknown one, a codec that is not
    a text encoding (``rot13``, ``base64``, ``zlib``) or one that fails is no answer, never an
    error.
    """
    try:
        info = codecs.lookup(name)
        if info.name in _NOT_FOR_PAGES:
            return None
        return body.decode(info.name, errors="replace")
    except Exception:  # LookupError, UnicodeError, or anything else a codec raises on these bytes
        return None


def decode_html(body: bytes, charset: str | None) -> str:
    """Decode ``body`` using the header charset, else a ``<meta charset>``, else UTF-8."""
    candidates = [charset]
    match = _META_CHARSET.search(body[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "replace"))
    for name in candidates:
        if name:
            text = _decoded(body, name)
            if text is not None:
                return text
    return body.decode("utf-8", errors="replace")


def _clean(text: str) -> str:
    """Whitespace collapsed, and no control or unprintable characters (the text is shown in reports)."""
    if not text.isprintable():
        text = "".join(char if char.isprintable() else " " for char in text)
    return " ".join(text.split())


def _matches(pattern: re.Pattern[str], words: tuple[str, ...], text: str) -> bool:
    """``pattern.search(text)``, where every match of ``pattern`` (case-insensitive) holds one
    of ``words``: an ASCII text that holds none of them is answered without the search.

    Only for ASCII: there, matching regardless of case is matching the lowercased text, while
    ``re.IGNORECASE`` also lets "ſ" match "s" and "K" (the Kelvin sign) match "k".
    """
    if text.isascii():
        lowered = text.lower()
        for word in words:
            if word in lowered:
                break
        else:
            return False
    return pattern.search(text) is not None


def analyse_html(body: bytes, charset: str | None, *, anchors: bool = True) -> PageInfo:
    """Read an HTML body (see module docstring); ``anchors=False`` skips the anchors (None).

    Never raises on bad markup.
    """
    text = decode_html(body, charset)
    if "<" not in text:
        return PageInfo(title="", anchors=frozenset() if anchors else None, not_found=None, challenge=False)
    heads = scan_heads(text[:HEAD_CHARS])
    title = _clean(heads.title) if heads.title is not None else ""
    not_found = None
    looked: list[str] = []  # a heading often repeats the title: the same answer, asked once
    for candidate in [title, *(_clean(h) for h in heads.headings)]:
        if candidate and len(candidate) <= 200 and candidate not in looked:
            if _matches(_NOT_FOUND, _NOT_FOUND_WORDS, candidate):
                not_found = candidate
                break
            looked.append(candidate)
    lowered = text[:65536].lower()
    challenge = bool(title and _matches(_CHALLENGE_TITLE, _CHALLENGE_WORDS, title)) or any(
        m in lowered for m in _CHALLENGE_MARKERS
    )
    return PageInfo(
        title=title,
        anchors=page_anchors(text) if anchors else None,
        not_found=not_found,
        challenge=challenge,
    )


_PARSERS = threading.local()  # an lxml parser must not be used by two threads at once


def _parser() -> etree.HTMLParser:
    parser: etree.HTMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        # huge_tree: libxml2 otherwise gives up at 256 nested elements (old pages nest
        # unclosed <font> and <div> that deep); no_network: never fetch anything it names
        parser = etree.HTMLParser(
            encoding="utf-8", recover=True, no_network=True, huge_tree=True, collect_ids=False,
            remove_comments=True, remove_pis=True,
        )  # fmt: skip
        _PARSERS.parser = parser
    return parser


def page_anchors(text: str) -> frozenset[str]:
    """Every ``id`` and ``<a name>`` of the page ``text``: what a ``#fragment`` can point at.

    libxml2 reads the page as an HTML5 browser does (an ``id`` inside ``<title>``,
    ``<textarea>`` or a ``<![CDATA[`` section is no element's).  A page it gives up on (more
    than 2048 nested elements) is read by ``html.parser`` instead, which has no such limit.
    """
    parser = _parser()
    # bytes with the encoding given, so that neither an XML declaration nor a <meta
    # charset> can make libxml2 re-decode what decode_html already decoded
    root = etree.fromstring(text.encode("utf-8", "replace"), parser)
    if parser.error_log.filter_from_level(etree.ErrorLevels.FATAL):
        return _anchors_by_html_parser(text)
    if root is None:
        return frozenset()
    found = root.xpath("//@id | //a/@name", smart_strings=False)
    return frozenset(cast("list[str]", found))


def _anchors_by_html_parser(text: str) -> frozenset[str]:
    from bs4 import BeautifulSoup  # noqa: PLC0415  (only for pages libxml2 cannot read whole)

    # "<?" as "<!?": the same bogus markup to html.parser, and no warning that the page looks like XML
    soup = BeautifulSoup(text.replace("<?", "<!?"), "html.parser")
    found = {str(tag.get("id")) for tag in soup.find_all(id=True)}
    found.update(str(tag.get("name")) for tag in soup.find_all("a", attrs={"name": True}))
    return frozenset(found)


def _is_home(path: str) -> bool:
    return path.lower() in _HOME_PATHS


def _is_search(path: str, query: str) -> bool:
    if _SEARCH_PATH.search(path):
        return True
    return any(key.lower() in _SEARCH_PARAMS for key, _ in parse_qsl(query, keep_blank_values=True))


def redirect_soft404(original_url: str, final_url: str) -> tuple[ErrorKind, str] | None:
    """If redirecting ``original_url`` to ``final_url`` hides a missing page, say why.

    A deep link (not itself a home or search page) that ends on a home page
    (``/``, ``/index.html`` …, with no query) or on a search page (``/search``,
    ``?q=`` …) is a soft 404.  Returns ``(error_kind, plain-English reason)`` or
    ``None``.
    """
    orig = urlsplit(original_url)
    final = urlsplit(final_url)
    if _is_home(orig.path) and not orig.query:
        return None
    if _is_home(final.path) and not final.query:
        return (
            ErrorKind.REDIRECT_HOME,
            f"redirected to the site's home page {final_url} instead of the document",
        )
    if _is_search(final.path, final.query) and not _is_search(orig.path, orig.query):
        return ErrorKind.REDIRECT_SEARCH, f"redirected to a search page {final_url} instead of the document"
    return None
