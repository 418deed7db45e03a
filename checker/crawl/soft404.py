"""Page analysis: "page not found" pages served with 200, bot challenges, anchors.

:func:`analyse_html` parses a (possibly truncated) HTML body with
beautifulsoup4's built-in ``html.parser`` and returns the page title, the
anchors (``id`` attributes and ``<a name>``), whether the title or a top
heading says the page does not exist, and whether it is a bot-challenge page.
It is pure and thread-safe, so the crawler runs it in a worker thread.

:func:`redirect_soft404` detects the other kind of soft 404: a deep link that
redirects to the site's home page or to a search page.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from bs4 import BeautifulSoup

from checker.model.links import ErrorKind

__all__ = ["PageInfo", "analyse_html", "decode_html", "redirect_soft404"]

_APOS = "['’]"
_NOT_FOUND = re.compile(
    "|".join(
        [
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
        ]
    ),
    re.IGNORECASE,
)
_CHALLENGE_TITLE = re.compile(
    r"just a moment|attention required|checking your browser|verify(?:ing)? you are (?:a )?human"
    r"|are you a robot|captcha|request unsuccessful|ddos protection",
    re.IGNORECASE,
)
_CHALLENGE_MARKERS = ("/cdn-cgi/challenge-platform/", "cf-chl-", "_incapsula_resource")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_PROCESSING_INSTRUCTION = re.compile(r"<\?[^>]*>")
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
    anchors: frozenset[str]
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
    return " ".join("".join(char if char.isprintable() else " " for char in text).split())


def analyse_html(body: bytes, charset: str | None) -> PageInfo:
    """Parse an HTML body (see module docstring).  Never raises on bad markup."""
    text = decode_html(body, charset)
    # Processing instructions mean nothing in HTML; removing them keeps bs4 from
    # warning that an XHTML page "looks like XML".
    text = _PROCESSING_INSTRUCTION.sub("", text)
    if "<" not in text:
        return PageInfo(title="", anchors=frozenset(), not_found=None, challenge=False)
    soup = BeautifulSoup(text, "html.parser")
    anchors: set[str] = set()
    for tag in soup.find_all(id=True):
        anchors.add(str(tag.get("id")))
    for tag in soup.find_all("a", attrs={"name": True}):
        anchors.add(str(tag.get("name")))
    title_tag = soup.find("title")
    title = _clean(title_tag.get_text()) if title_tag is not None else ""
    headings = [_clean(h.get_text()) for h in soup.find_all(["h1"], limit=3)]
    not_found = None
    for candidate in [title, *headings]:
        if candidate and len(candidate) <= 200 and _NOT_FOUND.search(candidate):
            not_found = candidate
            break
    lowered = text[:65536].lower()
    challenge = bool(title and _CHALLENGE_TITLE.search(title)) or any(
        m in lowered for m in _CHALLENGE_MARKERS
    )
    return PageInfo(title=title, anchors=frozenset(anchors), not_found=not_found, challenge=challenge)


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
