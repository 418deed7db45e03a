"""The page scan (title and first headings) and the anchors, against what html.parser reads.

The crawler used to read every page with beautifulsoup4's ``html.parser`` tree builder; the
scan of :mod:`checker.crawl.scan` must find the same title and headings.  The oracle here is
that old reading, kept as :func:`_html_parser_heads`.
"""

from __future__ import annotations

import random
import warnings

import pytest
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

from checker.crawl import scan
from checker.crawl.scan import MAX_HEADINGS, Heads, scan_heads
from checker.crawl.soft404 import HEAD_CHARS, analyse_html, page_anchors


def _soup(text: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)  # the oracle reads XHTML too
        return BeautifulSoup(text, "html.parser")


def _html_parser_heads(text: str) -> Heads:
    """What the old analysis read: ``soup.find("title")`` and the first three ``<h1>``."""
    soup = _soup(text)
    title = soup.find("title")
    headings = tuple(h.get_text() for h in soup.find_all(["h1"], limit=MAX_HEADINGS))
    return Heads(None if title is None else title.get_text(), headings)


def _html_parser_anchors(text: str) -> frozenset[str]:
    soup = _soup(text)
    found = {str(tag.get("id")) for tag in soup.find_all(id=True)}
    found.update(str(tag.get("name")) for tag in soup.find_all("a", attrs={"name": True}))
    return frozenset(found)


# (document, title, headings): each also checked against html.parser
CASES = [
    ("<html><head><title>Page not found</title></head><body><h1>Sorry</h1></body></html>",
     "Page not found", ("Sorry",)),
    ("<TITLE>Upper Case</TITLE><H1 CLASS='x'>Heading</H1>", "Upper Case", ("Heading",)),
    ("<title lang='en' data-x=\"a > b\">With attributes</title>", "With attributes", ()),
    ("<meta content='<title>fake</title>'><title>Real</title>", "Real", ()),
    ("<!-- <title>In a comment</title> --><title>After</title>", "After", ()),
    ("<script>var t = '<title>In a script</title>';</script><title>After script</title>",
     "After script", ()),
    ("<style>/* <title>x</title> */</style><title>After style</title>", "After style", ()),
    ("<SCRIPT type='text/javascript'>document.write('<h1>no</h1>')</SCRIPT><h1>yes</h1>", None, ("yes",)),
    ("<title>Fish &amp; chips &#8211; &#x2014; &eacute; &nbsp;x</title>", "Fish & chips – — é \xa0x", ()),
    ("<html><body><p>No title here</p></body></html>", None, ()),
    ("<title></title><h1></h1>", "", ("",)),
    ("<title/>Not the title<h1/>nor this", "", ("",)),
    ("<title>Cut off at the size cap", "Cut off at the size cap", ()),
    ("<title>Split <b>over</b> <!-- a comment --> tags</title>", "Split over  tags", ()),
    ("<title>One</title><title>Two</title>", "One", ()),
    ("<h1>1</h1><h1>2</h1><h1>3</h1><h1>4</h1>", None, ("1", "2", "3")),
    ("<h1>outer <h1>inner</h1> rest</h1>", None, ("outer inner rest", "inner")),
    ("<div><h1>Closed by its parent</div><p>after</p>", None, ("Closed by its parent",)),
    ("<h1>Not closed by a stray</p></span> end tag</h1>", None, ("Not closed by a stray end tag",)),
    ("<title>x</h1>y</title>", "xy", ()),
    ("<h1>Ruby <ruby>漢<rt>kan</rt></ruby> and <template>hidden</template> text</h1>", None,
     ("Ruby 漢 and  text",)),
    ("<title><![CDATA[In CDATA]]></title>", "In CDATA", ()),
    ("<!DOCTYPE html><?xml version='1.0'?><title>After declarations</title>", "After declarations", ()),
    ("<title>a < b > c</title>", "a < b > c", ()),
    ("<h1>Page <a href='/x' title='a > b'>not</a> found</h1>", None, ("Page not found",)),
    ("<title>Tag <a href=\"cut", "Tag <a href=\"cut", ()),
    ("<title>Comment <!-- never closed", "Comment <!-- never closed", ()),
    ("<h1>Script <script>never closed", None, ("Script ",)),
    ("<title>\n  Spread\n  over lines\n</title>", "\n  Spread\n  over lines\n", ()),
    ("<br><img src=x><title>After voids</title></br>", "After voids", ()),
    ("<p>a</p></div></body><h1>stray end tags before</h1>", None, ("stray end tags before",)),
    ("<h1 / >Odd spacing</h1 >", None, ("Odd spacing",)),
    ("</ h1><h1>x</ h1>y</h1>", None, ("x",)),
    ("<a \"b\">bogus</a><title>t</title>", "t", ()),
    ("<x-custom-element><title>custom</title></x-custom-element>", "custom", ()),
    ("<div/><title/>t<h1 class=a/>h</h1>", "", ("h",)),
    ("<a href=/x/><title>bare value ending in a slash</title></a>", "bare value ending in a slash", ()),
    ("<h1><span title='x'/>inside</h1><h1 />after", None, ("inside", "")),
    ("<title>Fish &amp chips &#8211 &#x2014</title>", "Fish & chips – —", ()),
    ("<title>cut in a reference &am", "cut in a reference &am", ()),
    ("<title>cut in a number &#82", "cut in a number &#82", ()),
    ("<title>\x00\x1b[31mcontrol</title>", "\x00\x1b[31mcontrol", ()),
]  # fmt: skip


@pytest.mark.parametrize(("document", "title", "headings"), CASES)
def test_scan_reads_what_html_parser_reads(
    document: str, title: str | None, headings: tuple[str, ...]
) -> None:
    found = scan_heads(document)
    assert found == _html_parser_heads(document)
    if title is not None:
        assert found.title == title
    if headings:
        assert found.headings == headings


def test_references_are_decoded_as_a_browser_does() -> None:
    """By ``html.unescape`` (HTML5): html.parser's tree builder dropped the semicolon of an
    unknown name, and did not decode a name that merely starts with a known one."""
    assert scan_heads("<title>a &unknown; b &amp c</title>").title == "a &unknown; b & c"
    assert scan_heads("<title>&ampx &copy2024</title>").title == "&x ©2024"


def test_no_title_is_none_and_an_empty_one_is_empty() -> None:
    assert scan_heads("<p>x</p>").title is None
    assert scan_heads("").title is None
    assert scan_heads("<title></title>").title == ""


@pytest.mark.parametrize("cut", range(0, 140, 3))
def test_every_truncation_of_a_page_reads_as_html_parser_does(cut: int) -> None:
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><!-- c --><title>Page &amp; not "
        "found</title><script>if (a < b) { x = '</div>' }</script></head><body class=\"x\">"
        "<h1 id='top'>We can't <em>find</em> that page</h1><p>text</p></body></html>"
    )
    text = page[:cut]
    assert scan_heads(text) == _html_parser_heads(text), text


def test_the_analysis_decides_on_the_scanned_title_and_headings() -> None:
    page = analyse_html(b"<TITLE>Error 404</TITLE><h1>Annual report</h1>", None, anchors=False)
    assert (page.title, page.not_found, page.anchors) == ("Error 404", "Error 404", None)
    heading = analyse_html(b"<title>DCMS</title><h1>Page <b>not</b>\n found</h1>", None, anchors=False)
    assert heading.not_found == "Page not found"
    hidden = analyse_html(b"<!-- <title>Page not found</title> --><title>Annual report</title>", None)
    assert (hidden.title, hidden.not_found) == ("Annual report", None)
    scripted = analyse_html(b"<script>'<h1>Page not found</h1>'</script><h1>Report</h1>", None)
    assert scripted.not_found is None


def test_the_title_and_headings_come_from_the_head_of_a_long_page() -> None:
    filler = "<p>" + "x" * 1000 + "</p>"
    late = (
        "<title>Report</title>" + filler * (HEAD_CHARS // len(filler) + 1) + "<h1>Page not found</h1>"
    ).encode()
    assert analyse_html(late, None).not_found is None  # as when only the first 128 KiB are read
    early = ("<title>Report</title><h1>Page not found</h1>" + filler * 200).encode()
    assert analyse_html(early, None).not_found == "Page not found"


class _CountingFinder(scan._Finder):
    """Counts the characters that searches went through."""

    examined = 0

    def _searches(self, needle: object, start: int) -> bool:
        return start < self._none_after.get(needle, len(self._text) + 1)

    def find(self, needle: str, start: int) -> int:
        searches = self._searches(needle, start)
        found = super().find(needle, start)
        if searches:
            _CountingFinder.examined += (found if found >= 0 else len(self._text)) - start
        return found

    def search(self, pattern: scan.re.Pattern[str], start: int) -> scan.re.Match[str] | None:
        searches = self._searches(pattern, start)
        found = super().search(pattern, start)
        if searches:
            _CountingFinder.examined += (found.end() if found else len(self._text)) - start
        return found


HOSTILE = {
    "comments that never close": "<!--" * 50_000,
    "tags that never close": "<a " * 50_000,
    "attributes that never end": "<a x='" * 30_000,
    "end tags that never close": "</" * 50_000,
    "declarations that never close": "<!" * 50_000,
    "processing instructions": "<?" * 50_000,
    "CDATA that never closes": "<![CDATA[" * 20_000,
    "one endless tag": "<a " + "b=c " * 50_000,
    "equals signs": "<a " + "=" * 200_000,
    "nested titles": "<title>" * 30_000,
    "unclosed headings": "<h1>" * 50_000,
    "deep nesting": "<div>" * 50_000 + "</span>" * 50_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_scan_stays_linear_on_hostile_markup(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """No search goes over the same text twice, whatever the page holds (html.parser can)."""
    monkeypatch.setattr(scan, "_Finder", _CountingFinder)
    _CountingFinder.examined = 0
    text = HOSTILE[name]
    scan_heads(text)
    assert _CountingFinder.examined <= 4 * len(text)


def test_anchors_are_ids_and_a_names() -> None:
    text = (
        "<html><body><h2 id='dds'>Strategy</h2><a name='goal-2'>Goal</a><A NAME=upper></A>"
        "<P ID=Para>x</P><a href='#x'>link</a><span name='not-an-anchor'></span><p id=''></p>"
        "<!-- <p id='commented'> --><script>'<p id=\"scripted\">'</script>"
    )
    assert page_anchors(text) == frozenset({"dds", "goal-2", "upper", "Para", ""})
    assert page_anchors(text) == _html_parser_anchors(text)


def test_anchors_of_a_truncated_page() -> None:
    text = "<html><body><p id='one'>x</p><div><p id='two'>y</p><p id='thr"
    assert page_anchors(text) == frozenset({"one", "two"})


def test_anchors_of_a_page_nested_deeper_than_libxml2_reads() -> None:
    """libxml2 stops at 2048 nested elements; such a page is read by html.parser instead."""
    text = "<div>" * 3000 + "<p id='deep'>x</p>" + "</div>" * 3000 + "<a name='after'></a>"
    assert page_anchors(text) == frozenset({"deep", "after"})


def test_anchors_ignore_declared_encodings_of_the_decoded_text() -> None:
    text = '<?xml version="1.0" encoding="iso-8859-1"?><meta charset="windows-1252"><p id="café€">'
    assert page_anchors(text) == frozenset({"café€"})
    assert page_anchors("") == frozenset()
    assert page_anchors("no markup at all") == frozenset()


_FRAGMENTS = [
    "<title>", "</title>", "<TITLE lang=en>", "<h1>", "</h1>", "<H1 class='a>b'>", "<!--", "-->", "<script>",
    "</script>", "<style>", "</style>", "<div>", "</div>", "<p>", "</p>", "<br/>", "<b>", "</b>", "<title/>",
    "<h1/>", "<![CDATA[", "]]>", "<!DOCTYPE html>", "<?xml?>", "Page not found", " ", "\n", "x", "&amp;",
    "&lt;", "<", ">", "'", '"', "=", "/", "<a href=/x/>", "</a>", "<template>", "</template>", "<rt>",
    "</rt>", "<span title='<h1>'>", "<!x>", "</ x>", "&#39;", "<img src=x>", "<pre>", "</pre>",
]  # fmt: skip


def test_random_markup_reads_as_html_parser_reads() -> None:
    """Thousands of documents made of the pieces that matter, malformed ones mostly."""
    rng = random.Random(1)
    for _ in range(3000):
        text = "".join(rng.choice(_FRAGMENTS) for _ in range(rng.randint(1, 14)))
        assert scan_heads(text) == _html_parser_heads(text), text
