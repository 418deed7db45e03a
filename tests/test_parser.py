"""The page model: names, classes, statements and links with exact positions."""

from __future__ import annotations

import pytest

from checker.model import LinkKind, PageKind, Position
from checker.parse import parse_file, parse_source
from checker.parse.source import Source, decode
from tests.conftest import FIXTURES

SEED = FIXTURES / "corpus" / "seed" / "action11-2012-12-20.md"


def page_of(text: str) -> Source:
    return Source("page.md", text)


def test_seed_page_model() -> None:
    page = parse_file(str(SEED))
    assert page.kind is PageKind.DEPARTMENT_RESPONSE
    assert page.action_number == 11
    assert page.title is not None and page.title.startswith("Cabinet Office will lead in the definition")
    assert len(page.departments) == 18
    first = page.departments[0]
    assert first.name == "Attorney General's Office"
    assert first.heading is not None
    assert first.heading.raw == "Attorney <br> General's <br> Office"
    assert first.heading.span.start == Position(13, 1)
    assert first.heading.classes == ("logo-single",)
    assert first.statement is not None
    (link,) = first.statement.links
    assert link.is_read_more and link.kind is LinkKind.INLINE
    assert link.url == "https://www.gov.uk/government/publications/law-officers-departments-digital-strategy"
    line = SEED.read_text(encoding="utf-8").splitlines()[link.line - 1]
    assert line[link.column - 1 : link.span.end.column - 1] == f"[Read more »]({link.url})"
    assert [block.name for block in page.departments][-3:] == [
        "Home Office",
        "Ministry of Defence",
        "Ministry of Justice",
    ]


def test_markup_variants() -> None:
    page = parse_file(str(FIXTURES / "cases" / "markup-variants.md"))
    cabinet, home = page.departments
    assert cabinet.name == "Cabinet Office"
    assert cabinet.heading is not None and cabinet.heading.element_id == "cabinet-office"
    assert cabinet.statement is not None
    assert cabinet.statement.text.count("\n") == 3  # four lines: three paragraphs and a definition
    assert "“curly quotes”" in cabinet.statement.text
    assert home.name == "Home Office"  # <BR /> in capitals
    assert home.heading is not None and home.heading.classes == ("logo-ho",)
    assert home.statement is not None
    kinds = [(link.kind, link.url) for link in home.statement.links]
    assert kinds == [
        (LinkKind.AUTOLINK, "https://www.gov.uk/service-manual"),
        (LinkKind.BARE, "https://www.gov.uk/performance"),
        (LinkKind.HTML, "https://www.gov.uk/government/organisations/home-office"),
    ]
    assert home.statement.links[-1].is_read_more
    assert page.problems == ()


def test_every_link_kind_with_positions() -> None:
    path = FIXTURES / "cases" / "links.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    page = parse_file(str(path))
    found = {
        (link.kind, link.url, lines[link.line - 1][link.column - 1 : link.span.end.column - 1])
        for link in page.links
    }
    assert (LinkKind.INLINE, "https://www.gov.uk/a", "[inline](https://www.gov.uk/a)") in found
    assert (LinkKind.REFERENCE, "https://www.gov.uk/ref", "[reference][ref]") in found
    assert (LinkKind.REFERENCE, "https://www.gov.uk/shortcut", "[shortcut]") in found
    assert (LinkKind.AUTOLINK, "https://www.gov.uk/auto", "<https://www.gov.uk/auto>") in found
    assert (LinkKind.BARE, "https://www.gov.uk/bare/", "https://www.gov.uk/bare/") in found
    assert (LinkKind.HTML, "https://www.gov.uk/html", '<a href="https://www.gov.uk/html">') in found
    assert (LinkKind.IMAGE, "https://www.gov.uk/crest.png", "![crest](https://www.gov.uk/crest.png)") in found
    assert (LinkKind.UNRESOLVED, "", "[Read more »]") in found
    assert (LinkKind.INLINE, "", "[Read more »]()") in found
    assert (LinkKind.UNRESOLVED, "", "[our plan][plan]") in found
    assert not any("bracketed" in text for _, _, text in found)


def test_block_html_link_position() -> None:
    source = page_of('Intro\n\n<div class="x">\n  <p>See <a href="https://a.gov.uk/">this</a></p>\n</div>\n')
    (link,) = parse_source(source).links
    assert (link.kind, link.url, link.line, link.column) == (LinkKind.HTML, "https://a.gov.uk/", 4, 10)


def test_ial_with_several_classes_and_an_id() -> None:
    text = "{{DEPARTMENTRESPONSE}}\n#Action 01: t\n{div .department}\n##Home Office\n{: .logo-ho .wide #ho}\n"
    text += "{div .statement}\nx [Read more »](https://x.gov.uk/)\n{/div}\n{/div}\n"
    (block,) = parse_source(page_of(text)).departments
    assert block.heading is not None
    assert (block.heading.classes, block.heading.element_id) == (("logo-ho", "wide"), "ho")


@pytest.mark.parametrize(
    "heading",
    ["##Cabinet<br>Office", "## Cabinet <br> Office", "##Cabinet<br/>Office", "##  Cabinet <br />Office ##"],
)
def test_heading_forms(heading: str) -> None:
    text = (
        f"{{{{DEPARTMENTRESPONSE}}}}\n#Action 01: t\n{{department}}\n{heading}\n{{: .logo-single}}\n"
        "{statement}\nx\n{/statement}\n{/department}\n"
    )
    (block,) = parse_source(page_of(text)).departments
    assert block.name == "Cabinet Office"


def test_bom_and_crlf_keep_positions() -> None:
    source = decode(
        "p.md", "\ufeff{{DEPARTMENTRESPONSE}}\r\n#Action 01: t\r\nsee https://x.gov.uk/a\r\n".encode()
    )
    page = parse_source(source)
    assert page.action_number == 1
    (link,) = page.links
    assert (link.line, link.column, link.url) == (3, 5, "https://x.gov.uk/a")


def test_other_pages_have_links_but_no_blocks() -> None:
    page = parse_file(str(FIXTURES / "corpus" / "departmentactions" / "_index.md"))
    assert page.kind is PageKind.OTHER
    assert page.departments == () and page.problems == ()
    assert len(page.links) == 17


def test_links_in_html_comments_are_ignored() -> None:
    page = parse_source(page_of("a\n<!--\n[x](https://hidden.gov.uk/)\n-->\n[y](https://shown.gov.uk/)\n"))
    assert [link.url for link in page.links] == ["https://shown.gov.uk/"]


@pytest.mark.parametrize(
    "text",
    [
        "{/div}\n{/div}\n",
        "{{DEPARTMENTRESPONSE}}\n{div .department}\n{div .department}\n{div .statement}\n",
        "{{DEPARTMENTRESPONSE}}\n{: .logo-single}\n##x\n{div .statement}\n{/span}\n{/statement}\n",
        "{{DEPARTMENTRESPONSE}}\n" + "{div .department}\n" * 500,
        "{{DEPARTMENTRESPONSE}}\n[a](<\n[b][\n<a href=\n![x](\n",
        "",
        "\n\n\n",
    ],
)
def test_parser_never_raises_on_content(text: str) -> None:
    parse_source(page_of(text))
