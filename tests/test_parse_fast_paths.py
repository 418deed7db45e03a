"""The parser's fast paths find what the slow ones found (issue 12).

- A block whose text has no character that starts a link is not parsed inline
  (``links.may_hold_link``): every sample gives the links it gives with every block parsed
  inline, as markdown-it's own core rule does.
- A token line is read once (``lines._remembered``) and reads the same on any line, at any
  indentation; a long line is read each time and not kept.
- ``comments``: which lines have a comment closer after them (``_last_holding``).
- Each statement holds the links that start inside it, and only those.
"""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt
from markdown_it.rules_core import inline as every_block_inline

from checker.model import Link, LinkKind
from checker.parse import lines as lines_module
from checker.parse import links, parse_source
from checker.parse.comments import KRAMDOWN_CLOSE, _last_holding
from checker.parse.lines import Kind, classify
from checker.parse.source import Source


def _every_block_parsed() -> MarkdownIt:
    """The checker's parser with markdown-it's own core ``inline`` rule: no block skipped."""
    md = links._make_parser()
    md.core.ruler.at("inline", every_block_inline)
    return md


#: Markdown, and how many links the parser reports in it
SAMPLES = [
    ("## Cabinet<br>Office", 0),
    ("Text with no link at all, *emphasis* and `code`.", 0),
    ("a < b and c > d, 3 @ 4", 0),
    ("time 10:30, ratio 1:2, http:/not-a-url", 0),
    ("<A HREF='https://upper.example'>Upper case</A>", 1),
    ('<a\nhref="https://two.lines">x</a>', 1),
    ("<b>bold</b> then <a href=/path>a path</a>", 1),
    ("<me@example.com>", 1),
    ("<https://www.gov.uk/some doc>", 1),
    ("<https://www.gov.uk/>", 1),
    ("see https://www.gov.uk/x.", 1),
    ("see www.gov.uk without a scheme", 0),
    ("[Read more »]", 1),
    ("[Read more »] (https://www.gov.uk/x)", 1),
    ("[a phrase] in brackets", 0),
    ("![a picture](https://example.com/p.png)", 1),
    ("[ref][nowhere]", 1),
    ("[Read more »](https://www.gov.uk/government/\npublications/x)", 1),
    ("## Home Office\n\nWe will act. [Read more »](https://www.gov.uk/x)\n\n## Cabinet<br>Office", 1),
    ("    [in code](https://code.example)", 0),
    ("<div>\n<a href='https://block.example'>block</a>\n</div>", 1),
    ("[defined]\n\n[defined]: https://def.example", 1),
]


@pytest.mark.parametrize(("text", "count"), SAMPLES)
def test_skipping_blocks_that_cannot_hold_a_link_keeps_every_link(
    text: str, count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = text.split("\n")
    found = links.extract_links(text, lines)
    monkeypatch.setattr(links, "_PARSER", _every_block_parsed())
    assert links.extract_links(text, lines) == found
    assert len(found) == count


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("Cabinet<br>Office", False),
        ("plain words: a colon", False),
        ("x@y.z", False),
        ("[x]", True),
        ("https://x.y", True),
        ("<x@y.z>", True),
        ("<scheme:x>", True),
        ("<A href=x>", True),
    ],
)
def test_what_may_hold_a_link(content: str, expected: bool) -> None:
    assert links.may_hold_link(content) is expected


def test_a_block_that_cannot_hold_a_link_is_not_parsed_inline() -> None:
    tokens = links._PARSER.parse("Cabinet<br>Office\n\nSee [x](https://x.y)\n")
    heading, statement = (token for token in tokens if token.type == "inline")
    assert heading.children == []
    assert [child.type for child in statement.children or []][:2] == ["text", "link_open"]


@pytest.mark.parametrize(
    "token",
    [
        "{div .department}",
        "{department}",
        "{/div}",
        "{: .logo-ho #home}",
        "##Home Office ##",
        "#Action 05: Title",
        "{{DEPARTMENTRESPONSE}}",
        "{navigation}",
        "{nothing",
        "#hashtag",
    ],
)
def test_a_token_reads_the_same_on_any_line(token: str) -> None:
    first = classify(3, token)
    again = classify(40, f"   {token}  ")
    assert (again.number, again.text, again.column) == (40, f"   {token}  ", 4)
    assert again._replace(number=3, text=token, column=1) == first


def test_the_kinds_of_token_lines() -> None:
    kinds = [classify(1, text).kind for text in ("{nothing", "#hashtag", "{{x}}", "{:x", "{/x y}", "{x}")]
    assert kinds == [Kind.TEXT, Kind.TEXT, Kind.DIRECTIVE, Kind.TEXT, Kind.DIRECTIVE, Kind.DIRECTIVE]


def test_a_long_token_line_is_read_but_not_kept() -> None:
    name = "x" * 1000
    before = lines_module._remembered.cache_info().currsize
    line = classify(7, f"{{div .{name}}}")
    assert (line.kind, line.tag, line.classes) == (Kind.OPEN, "div", (name,))
    assert lines_module._remembered.cache_info().currsize == before


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([], -1),
        (["no closer"], -1),
        (["-->", "text"], 0),
        (["a", "x --> y", "-->", "b"], 2),
    ],
)
def test_the_last_line_holding_an_html_closer(lines: list[str], expected: int) -> None:
    assert _last_holding(lines, "-->") == expected


def test_the_last_line_holding_a_kramdown_closer_needs_the_whole_closer() -> None:
    assert _last_holding(["{:/comment}", "{:/x}", "text"], "{:/", KRAMDOWN_CLOSE) == 0
    assert _last_holding(["{:/x}"], "{:/", KRAMDOWN_CLOSE) == -1


def test_each_statement_holds_the_links_that_start_inside_it() -> None:
    text = "\n".join(
        [
            "{{DEPARTMENTRESPONSE}}",
            "#Action 05: Title",
            "{div .section}",
            "Before [the blocks](https://before.example)",
            "{div .department}",
            "##Home [Office](https://heading.example)",
            "{div .statement}",
            "One [first](https://one.example) and <https://two.example>",
            "",
            "and on https://three.example",
            "{/div}",
            "{/div}",
            "{div .department}",
            "##Cabinet<br>Office",
            "{div .statement}",
            "No link here.",
            "{/div}",
            "{/div}",
            "{div .department}",
            "##Treasury",
            "{div .statement}",
            "[Read more »](https://last.example)",
            "{/div}",
            "{/div}",
            "{/div}",
        ]
    )
    page = parse_source(Source("_action05.md", text))
    held = [[link.url for link in block.statement.links] for block in page.departments if block.statement]
    assert held == [
        ["https://one.example", "https://two.example", "https://three.example"],
        [],
        ["https://last.example"],
    ]
    assert [link.url for link in page.links][:2] == ["https://before.example", "https://heading.example"]
    last: Link = page.links[-1]
    assert (last.kind, last.line, last.column, last.span.end.column) == (LinkKind.INLINE, 22, 1, 36)


@pytest.mark.parametrize(
    "text",
    [
        '<div class="x">\n<![img](a.png) <a href="https://after.example">x</a>\n</div>',
        "<![ x <a href='https://inline.example'>y</a>",
        "<![img",
    ],
)
def test_a_marked_section_the_standard_library_does_not_know_is_no_internal_error(text: str) -> None:
    """``<![img]`` is a bogus comment up to the next ``>`` to a browser; Python 3.11 raised."""
    page = parse_source(Source("page.md", text))
    assert all(link.url != "https://after.example" for link in page.links)  # inside the bogus comment
