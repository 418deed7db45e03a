"""Rendered HTML as input (issue 10): the HTML of a page gives the same findings as its Markdown.

The HTML fixtures (``fixtures/html/``) are the real pages rendered as the publication's build
renders them (``tests/html_fixtures.py``, ``checker.parse.render``); the first test fails when
they are not what the renderer makes today. Then every page is checked both ways, offline with
the default profile, and the findings must be the same (rule, department, message; positions
differ, and messages are compared with their line numbers taken out), each HTML finding
pointing at the right element of the HTML source. The fixture cases whose rules are about
content are rendered on the fly and held to the same; the broken-HTML cases are written here.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from checker.cli import main
from checker.engine.collect import collect
from checker.engine.fingerprint import source_text
from checker.engine.pages import parse_page, parse_text
from checker.engine.plan import make_plan
from checker.engine.run import evaluate_pages
from checker.model import Fault, LinkKind, Page, PageKind
from checker.model.finding import Finding
from checker.parse import parse_file
from checker.parse.html import parse_html, parse_html_file
from checker.parse.render import main as render_main
from checker.parse.render import render_body, render_page
from checker.parse.source import Source
from tests.conftest import FIXTURES
from tests.html_fixtures import HTML, SOURCES, fixture_for, page_text, rendered

PLAN = make_plan()
#: fixture cases about content, whose HTML must give the same findings; the others are about
#: Markdown markup the HTML does not keep (attribute lists, {/div}s, link near misses, waivers)
CONTENT_CASES = (
    "action-heading-accepted",
    "bom-crlf",
    "clean-page",
    "crest",
    "departments",
    "markup-variants",
    "names-entities",
    "page-blocks-commented-out",
    "page-empty-section",
    "page-heading-only",
    "placeholder",
    "placeholder-awaiting",
    "placeholder-coming-soon",
    "placeholder-markers",
    "placeholder-read-more",
    "placeholder-real-statements",
    "placeholder-to-be-confirmed",
    "read-more",
    "read-more-wrong-department",
    "statement-empty",
)
_LINE = re.compile(r"\b(lines?) [0-9]+")


def findings(page: Page) -> list[Finding]:
    return evaluate_pages([page], PLAN)


def comparable(found: list[Finding]) -> Counter[tuple[str, str | None, str]]:
    """Findings without their positions: rule, department, and the message with no line numbers."""
    return Counter((f.rule, f.department, _LINE.sub(r"\1 N", f.message)) for f in found)


def html_page(text: str, name: str = "page.html") -> Page:
    return parse_html(Source(name, text, is_html=True))


def document(body: str) -> str:
    return f'<!DOCTYPE html>\n<html>\n<body>\n<div class="section">\n{body}\n</div>\n</body>\n</html>\n'


def department(name: str = "Home Office", crest: str = "logo-ho", statement: str | None = None) -> str:
    said = (
        statement
        if statement is not None
        else "We will do it. <a href='https://www.gov.uk/ho'>Read more »</a>"
    )
    return (
        f'<div class="department">\n<h2 class="{crest}">{name}</h2>\n'
        f'<div class="statement">\n<p>{said}</p>\n</div>\n</div>'
    )


def rules(page: Page) -> list[str]:
    return [finding.rule for finding in findings(page)]


# -- the fixtures, and the same findings both ways ----------------------------------------------


def test_the_html_fixtures_are_what_the_renderer_makes() -> None:
    """Run ``python -m tests.html_fixtures`` after changing the renderer or the corpus."""
    assert sorted(HTML.glob("*/*.html")) == sorted(fixture_for(source) for source in SOURCES)
    for source in SOURCES:
        assert fixture_for(source).read_text(encoding="utf-8") == rendered(source), source


@pytest.mark.parametrize("source", SOURCES, ids=[source.stem for source in SOURCES])
def test_html_and_markdown_give_the_same_findings(source: Path) -> None:
    markdown = findings(parse_file(str(source)))
    html = findings(parse_html_file(str(fixture_for(source))))
    assert markdown, "every real page has findings to compare"
    assert comparable(html) == comparable(markdown)


@pytest.mark.parametrize("source", SOURCES, ids=[source.stem for source in SOURCES])
def test_html_and_markdown_read_the_same_page(source: Path) -> None:
    """The two models agree on what the page says: action, departments, crests, links."""

    def said(page: Page) -> tuple[object, ...]:
        blocks = [
            (
                block.name,
                block.heading.classes if block.heading else None,
                [(link.url, link.is_read_more) for link in block.statement.links]
                if block.statement
                else None,
            )
            for block in page.departments
        ]
        return page.kind, page.action_number, page.title, blocks, [link.url for link in page.links]

    assert said(parse_html_file(str(fixture_for(source)))) == said(parse_file(str(source)))


@pytest.mark.parametrize("source", SOURCES, ids=[source.stem for source in SOURCES])
def test_html_findings_point_at_their_element(source: Path) -> None:
    path = fixture_for(source)
    page = parse_html_file(str(path))
    found = findings(page)
    for finding in found:
        line = page.lines[finding.line - 1]
        if finding.rule.startswith("link-"):
            assert line[finding.column - 1 :].startswith(f'<a href="{finding.url}"'), finding
        elif finding.rule == "placeholder-text":
            assert source_text(page.lines, finding.span) == finding.fields["text"], finding
            assert '<div class="statement">' in page.lines[finding.line - 2]
        else:
            raise AssertionError(f"a finding this test does not know how to place: {finding}")
    assert {finding.rule for finding in found} <= {"link-insecure", "placeholder-text"}


@pytest.mark.parametrize("source", SOURCES[:2], ids=[source.stem for source in SOURCES[:2]])
def test_a_minified_page_gives_the_same_findings(source: Path) -> None:
    """All on one line, as a minifier writes it: the same findings, at columns of that line."""
    page = html_page(rendered(source).replace("\n", ""), fixture_for(source).name)
    found = findings(page)
    assert comparable(found) == comparable(findings(parse_file(str(source))))
    for finding in found:
        under = source_text(page.lines, finding.span)
        assert under.startswith(f'<a href="{finding.url}"') or under == finding.fields["text"], finding


@pytest.mark.parametrize("name", CONTENT_CASES)
def test_content_cases_give_the_same_findings_as_html(name: str) -> None:
    source = FIXTURES / "cases" / f"{name}.md"
    html = html_page(render_page(page_text(source)), f"{name}.html")
    assert comparable(findings(html)) == comparable(findings(parse_file(str(source))))


# -- the renderer -------------------------------------------------------------------------------


def test_the_renderer_makes_the_builds_markup() -> None:
    body = render_body(
        "{{DEPARTMENTRESPONSE}}\n#Action 07: Publish & be *damned*\n{div .section}\n{navigation}\n"
        "{department}\n##Department for<br>Business &amp; Skills\n{: .logo-bis #bis}\n{statement}\n"
        "Text with £5 and ^2^. {::comment}checker: allow x -- y{:/comment}\n"
        "[Read more »](http://www.bis.gov.uk/a b?x=1&y=2)\n{/statement}\n{/department}\n{/div}\n"
    )
    assert body.splitlines() == [
        '<div class="action-header"><div class="content-wrapper"><div class="title">'
        "<h1><span>Action</span> 07</h1><p>Publish &amp; be <em>damned</em></p></div></div></div>",
        '<div class="section">',
        '<div class="department">',
        '<h2 class="logo-bis" id="bis"><span class="organisation-logo"><span>Department for<br>'
        "Business &amp; Skills</span></span></h2>",
        '<div class="statement">',
        "<p>Text with £5 and <sup>2</sup>.",
        "[Read more »](http://www.bis.gov.uk/a b?x=1&amp;y=2)</p>",
        "</div>",
        "</div>",
        "</div>",
    ]


def test_the_renderer_writes_urls_as_written_and_reads_headings_without_a_space() -> None:
    body = render_body("#Title\n\n[a](http://example.org/ü?q=1) [b](javascript:void(0))\n")
    assert body == (
        '<h1>Title</h1>\n<p><a href="http://example.org/ü?q=1">a</a> <a href="javascript:void(0)">b</a></p>\n'
    )


def test_the_renderer_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    source = FIXTURES / "cases" / "clean-page.md"
    assert render_main([str(source)]) == 0
    assert capsys.readouterr().out == render_page(source.read_text(encoding="utf-8"))
    assert render_main([]) == 2
    assert "usage: python -m checker.parse.render PAGE.md" in capsys.readouterr().err


def test_the_renderer_leaves_comments_as_they_are() -> None:
    body = render_body("<!--\n{div .department}\n##Home Office\n-->\nText\n")
    assert body == "<!--\n{div .department}\n##Home Office\n-->\n<p>Text</p>\n"


# -- what the HTML reader reads -----------------------------------------------------------------


def test_a_department_block_as_the_build_writes_it() -> None:
    text = (
        "<!DOCTYPE html>\n<html><body>\n"
        '<div class="action-header"><div class="content-wrapper"><div class="title">'
        "<h1><span>Action</span> 05</h1><p>Departments will do it</p></div></div></div>\n"
        "<div class='section'>\n"
        "<div class='department'>\n"
        '<h2 class="logo-single"><span class="organisation-logo"><span>Her Majesty&rsquo;s<br />Revenue &amp;'
        "<br>\n  Customs</span></span></h2>\n"
        "<div class='statement'>\n"
        "\t<p>We will do it.\n"
        '  <a class="more"\n     href="https://www.gov.uk/hmrc">Read more &raquo;</a></p>\n'
        "</div>\n</div>\n</div>\n</body></html>\n"
    )
    page = html_page(text, "_action05.html")
    assert (page.kind, page.action_number, page.title) == (
        PageKind.DEPARTMENT_RESPONSE,
        5,
        "Departments will do it",
    )
    assert page.title_span is not None and page.title_span.start.line == 3
    (block,) = page.departments
    heading = block.heading
    assert heading is not None and block.statement is not None
    assert heading.name == "Her Majesty’s Revenue & Customs"
    assert heading.classes == ("logo-single",)
    assert (heading.span.start.line, heading.span.start.column, heading.span.end.line) == (6, 1, 7)
    assert heading.raw.startswith('<span class="organisation-logo">')
    statement = block.statement
    assert statement.lines == (
        (9, "\t<p>We will do it."),
        (10, '  <a class="more"'),
        (11, '     href="https://www.gov.uk/hmrc">Read more &raquo;</a></p>'),
    )
    assert statement.text_span is not None
    assert (statement.text_span.start.line, statement.text_span.start.column) == (9, 2)
    (link,) = statement.links
    assert (link.url, link.text, link.kind, link.is_read_more) == (
        "https://www.gov.uk/hmrc",
        "Read more »",
        LinkKind.HTML,
        True,
    )
    assert (link.span.start.line, link.span.start.column, link.span.end.line, link.span.end.column) == (
        10,
        3,
        11,
        37,
    )
    assert page.links == (link,)
    assert page.problems == ()
    assert findings(page) == []


def test_positions_are_columns_of_the_source_not_of_the_parser() -> None:
    """Entities, tabs and wide characters before a link do not move its column."""
    line = '<p>&eacute;t&eacute; — 日本\t<a href="http://example.org/">x</a></p>'
    page = html_page(document(department(statement=line[3:-4])))
    link = next(link for link in page.links if link.url == "http://example.org/")
    assert (
        page.lines[link.line - 1][link.column - 1 : link.span.end.column - 1]
        == '<a href="http://example.org/">'
    )


def test_crlf_and_a_byte_order_mark_keep_lines(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(b"\xef\xbb\xbf" + document(department(crest="")).replace("\n", "\r\n").encode())
    page = parse_page(str(path))
    assert page.lines[5] == '<h2 class="">Home Office</h2>'
    assert [(f.line, f.column) for f in findings(page) if f.rule == "crest-missing"] == [(6, 1)]


def test_other_links_on_the_page_are_page_links() -> None:
    text = document(
        '<a href="/digital/strategy">Strategy</a>\n<img src="http://example.org/crest.png" alt="Crest">\n'
        + department()
    )
    page = html_page(text)
    assert [(link.url, link.kind) for link in page.links] == [
        ("/digital/strategy", LinkKind.HTML),
        ("http://example.org/crest.png", LinkKind.IMAGE),
        ("https://www.gov.uk/ho", LinkKind.HTML),
    ]
    assert [link.url for link in page.departments[0].statement.links] == ["https://www.gov.uk/ho"]  # type: ignore[union-attr]
    assert "link-insecure" in rules(page)


def test_a_page_with_no_department_block_is_another_page() -> None:
    page = html_page("<html><body><p>Hello <a href='http://example.org/'>there</a></p></body></html>")
    assert page.kind is PageKind.OTHER
    assert rules(page) == ["link-insecure"]


# -- broken HTML --------------------------------------------------------------------------------


def test_a_department_block_with_no_heading() -> None:
    text = document('<div class="department">\n<div class="statement"><p>Text.</p></div>\n</div>')
    page = html_page(text)
    assert [(p.fault, p.message, p.span.start.line) for p in page.problems] == [
        (Fault.ACTION_HEADING, page.problems[0].message, 4),
        (Fault.INCOMPLETE, "a department block with no <h2> heading", 5),
    ]
    assert "structure-incomplete" in rules(page)


def test_a_heading_without_a_crest_class_has_no_crest() -> None:
    page = html_page(document(department(crest="")))
    crest = [f for f in findings(page) if f.rule == "crest-missing"]
    assert [(f.department, f.line, f.column) for f in crest] == [("Home Office", 6, 1)]


def test_a_department_block_with_no_statement() -> None:
    page = html_page(document('<div class="department">\n<h2 class="logo-ho">Home Office</h2>\n</div>'))
    assert page.departments[0].statement is None
    assert [p.message for p in page.problems if p.fault is Fault.INCOMPLETE] == [
        'a department block with no <div class="statement">'
    ]


def test_headings_and_statements_out_of_place() -> None:
    text = document(
        '<h2 class="logo-single">Cabinet Office</h2>\n<h2>Contents</h2>\n'
        '<div class="statement"><p>Adrift.</p></div>\n'
        '<div class="department">\n<div class="statement"><p>First.</p>\n<h2>Inside</h2></div>\n'
        '<h2 class="logo-ho">Home Office</h2>\n<p>Stray words.</p>\n'
        '<div class="statement"><p>Second.</p></div>\n'
        '<div class="department"><h2 class="logo-mod">Ministry of Defence</h2>'
        '<div class="statement">Inner.</div></div>\n</div>'
    )
    found = [(p.fault, p.span.start.line) for p in html_page(text).problems]
    assert found == [
        (Fault.ACTION_HEADING, 4),
        (Fault.OUTSIDE_BLOCK, 5),  # the crest-classed h2; a plain <h2> elsewhere is not a department's
        (Fault.OUTSIDE_BLOCK, 7),
        (Fault.ORDER, 9),
        (Fault.NESTED, 10),
        (Fault.STRAY_TEXT, 12),
        (Fault.DUPLICATE, 13),
        (Fault.NESTED, 14),
    ]


def test_a_missing_end_tag() -> None:
    text = document(
        department() + "\n" + department("Cabinet Office", "logo-single").replace("</div>\n</div>", "</div>")
    )
    page = html_page(text)
    body_ends = page.lines.index("</body>") + 1
    assert [(p.fault, p.message, p.span.start.line) for p in page.problems if p.fault is Fault.UNCLOSED] == [
        (Fault.UNCLOSED, f'<div class="section"> is not closed before line {body_ends}', 4)
    ]
    text = "<html><body>\n" + department().removesuffix("</div>")
    assert [p.message for p in html_page(text).problems if p.fault is Fault.UNCLOSED] == [
        '<div class="department"> is never closed'
    ]


def test_a_script_in_a_statement_is_not_its_text() -> None:
    statement = (
        "<script>var text = 'Coming soon...'; document.write('<a href=\"http://x.org/\">x</a>')</script>"
        "<!-- TODO -->"
    )
    page = html_page(document(department(statement=statement)))
    block = page.departments[0]
    assert block.statement is not None
    assert block.statement.text == ""
    assert page.links == ()
    assert rules(page) == ["structure-action-heading", "statement-empty"]


def test_entities_in_names() -> None:
    text = document(
        department("Department for<br/>Culture, Media &#x26; Sport", "logo-single")
        + department("Foreign &amp;&nbsp;Commonwealth<br>\nOffice", "logo-single")
        + department("Her Majesty&#8217;s Treasury", "logo-single")
    )
    page = html_page(text)
    assert [block.name for block in page.departments] == [
        "Department for Culture, Media & Sport",
        "Foreign & Commonwealth Office",
        "Her Majesty’s Treasury",
    ]
    assert "department-unknown" not in rules(page)


def test_a_page_holding_only_the_action_header() -> None:
    header = (
        '<div class="action-header"><div class="content-wrapper"><div class="title">'
        "<h1><span>Action</span> 04</h1><p>Title</p></div></div></div>"
    )
    page = html_page(document(header), "_action05.html")
    assert [(p.fault, p.message) for p in page.problems] == [
        (Fault.NO_DEPARTMENTS, page.problems[0].message),
        (Fault.ACTION_MISMATCH, "the action header says Action 04 but the file _action05.html is action 05"),
    ]


def test_an_empty_html_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = tmp_path / "page.html"
    empty.write_bytes(b"")
    action = tmp_path / "_action05.html"
    action.write_bytes(b"\n\n")
    code, out, err = run(capsys, empty, action)
    assert (code, err) == (1, "")
    assert out.splitlines()[0] == (
        f"{action}:1:1: error: the department-response page is empty, so the published page has no responses "
        "[structure-no-departments]"
    )
    assert out.splitlines()[-1] == "1 error in 2 pages"


def test_an_html_file_in_a_declared_encoding(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    text = '<meta charset="iso-8859-1">' + document(department("Her Majesty\u2019s Treasury", "logo-single"))
    path.write_bytes(text.encode("cp1252"))
    page = parse_page(str(path))
    assert page.departments[0].name == "Her Majesty\u2019s Treasury"


def test_an_html_file_with_a_utf16_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "saved"  # no suffix: read as HTML by its content
    path.write_bytes(b"\xff\xfe" + document(department()).encode("utf-16-le"))
    page = parse_page(str(path))
    assert [block.name for block in page.departments] == ["Home Office"]


def test_hostile_nesting_is_read_without_raising() -> None:
    text = '<div class="department"><h2 class="logo-ho">x <a href="/a">' * 300 + "<p><b>" * 300
    page = html_page(text)
    assert len(page.departments) == 300
    assert len(page.links) == 300
    assert all(len(block.name or "") <= 1000 for block in page.departments)
    assert {p.fault for p in page.problems} == {
        Fault.ACTION_HEADING,
        Fault.INCOMPLETE,
        Fault.NESTED,
        Fault.UNCLOSED,
    }


def test_links_in_scripts_and_templates_are_not_links() -> None:
    text = document(
        '<template><a href="http://example.org/t">t</a></template>\n'
        "<script>document.write('<a href=\"http://example.org/s\">s</a>')</script>\n" + department()
    )
    assert [link.url for link in html_page(text).links] == ["https://www.gov.uk/ho"]


def test_an_html_file_that_is_not_utf8(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(b"<html>\n<body>Caf\xe9</body></html>\n")
    code, _, err = run(capsys, path)
    assert code == 2
    assert err == (
        f"checker: error: {path}:2: is not UTF-8 text (byte 0xe9 in column 10); save it as UTF-8, "
        "or declare its encoding with <meta charset>\n"
    )


# -- the command line ---------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *paths: Path | str) -> tuple[int, str, str]:
    code = main(["check", "--offline", *(str(path) for path in paths)])
    out, err = capsys.readouterr()
    return code, out, err


def test_checker_check_reads_an_html_page(capsys: pytest.CaptureFixture[str]) -> None:
    source = FIXTURES / "corpus" / "departmentactions" / "_action01.md"
    path = fixture_for(source)
    code, out, err = run(capsys, path)
    assert (code, err) == (1, "")
    placeholder = next(line for line in out.splitlines() if "[placeholder-text]" in line)
    assert placeholder.startswith(
        f"{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}:"
    )
    line, column = map(int, placeholder.split(":")[1:3])
    assert path.read_text(encoding="utf-8").splitlines()[line - 1][column - 1 :].startswith("Awaiting DCLG")
    assert out.splitlines()[-1] == "1 error, 13 warnings in 1 page"


def test_a_url_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    url = "https://www.gov.uk/government/publications/x?page=1"
    code, _, err = run(capsys, url)
    assert code == 2
    said = f"is a URL; checker reads files: save the page first (curl -o page.html {url})"
    assert err == f"checker: error: {url}: {said}\n"


def test_a_folder_of_sources_skips_their_built_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = FIXTURES / "corpus" / "departmentactions" / "_action04.md"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "_action04.md").write_text(page_text(source), encoding="utf-8")
    (tmp_path / "src" / "_action04.html").write_text(rendered(source), encoding="utf-8")
    (tmp_path / "site" / "04").mkdir(parents=True)
    (tmp_path / "site" / "04" / "index.html").write_text(rendered(source), encoding="utf-8")
    (tmp_path / "site" / "style.css").write_text("body {}\n", encoding="utf-8")
    files, errors = collect(["src", "site", "src/*", "src/*.html"])
    assert errors == []
    assert [file.path for file in files] == ["src/_action04.md", "site/04/index.html", "src/_action04.html"]


def test_text_already_read_is_parsed_by_its_kind() -> None:
    """What ``--fix`` needs to parse a page again with an edit in it."""
    html = rendered(FIXTURES / "corpus" / "departmentactions" / "_action04.md")
    markdown = page_text(FIXTURES / "corpus" / "departmentactions" / "_action04.md")
    for path, text in (("a.html", html), ("_action04.md", html), ("_action04.md", markdown)):
        page = parse_text(path, text.rstrip("\n"))
        assert (page.action_number, [block.name for block in page.departments]) == (4, ["Cabinet Office"])
    assert {link.kind for link in parse_text("a.html", html).links} == {LinkKind.HTML}


def test_an_html_document_named_md_is_read_as_html(tmp_path: Path) -> None:
    path = tmp_path / "_action04.md"
    path.write_text(rendered(FIXTURES / "corpus" / "departmentactions" / "_action04.md"), encoding="utf-8")
    page = parse_page(str(path))
    assert (page.action_number, len(page.departments)) == (4, 1)
    assert [link.kind for link in page.links] == [LinkKind.HTML, LinkKind.HTML]
