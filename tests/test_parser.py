"""The page model: names, classes, statements and links with exact positions."""

from __future__ import annotations

import re
import time

import pytest

from checker.errors import InputError
from checker.model import Fault, LinkKind, PageKind, Position, Problem, Span
from checker.parse import parse_file, parse_source
from checker.parse.lines import classify
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


# -- the action heading as the build reads it ------------------------------------------------

#: the publication's build (compiling/processcontents.rb); Ruby's \s is ASCII whitespace only
BUILD_ACTION = re.compile(r"#Action ([0-9]{2}):\s(.+)", re.ASCII)
BODY = "{div .section}\n{div .department}\n##Home Office\n{: .logo-ho}\n"
BODY += "{div .statement}\nx\n{/div}\n{/div}\n{/div}\n"


def heading_problems(heading: str, path: str = "page.md") -> list[Problem]:
    page = parse_source(Source(path, f"{{{{DEPARTMENTRESPONSE}}}}\n{heading}\n{BODY}"))
    return [problem for problem in page.problems if problem.span.start.line == 2]


@pytest.mark.parametrize(
    ("heading", "reason", "fix"),
    [
        ("#Action 01:Title", "there is no space after the colon", "#Action 01: Title"),
        ("# Action 01: Title", "there is a space after the #", "#Action 01: Title"),
        ("#  Action 01: Title", "there is a space after the #", "#Action 01: Title"),
        ("#action 01: Title", '"action" is not "Action" with a capital A', "#Action 01: Title"),
        ("#ACTION 01: Title", '"ACTION" is not "Action" with a capital A', "#Action 01: Title"),
        ("#Action 1: Title", "the number 1 is not two digits", "#Action 01: Title"),
        ("#Action 001: Title", "the number 001 is not two digits", "#Action 01: Title"),
        ("#Action 01 Title", "there is no colon after the number", "#Action 01: Title"),
        ("#Action 01 - Title", 'there is "-" after the number, not a colon', "#Action 01: Title"),
        ("#Action 01. Title", 'there is "." after the number, not a colon', "#Action 01: Title"),
        ("#Action 01; Title", 'there is ";" after the number, not a colon', "#Action 01: Title"),
        ("#Action 01 : Title", "there is a space before the colon", "#Action 01: Title"),
        ("#Action01: Title", 'there is no space between "Action" and the number', "#Action 01: Title"),
        ("#Action  01: Title", 'the space between "Action" and the number is not one plain space', None),
        ("#Action\t01: Title", 'the space between "Action" and the number is not one plain space', None),
        ("#Action 01:\u00a0Title", "the space after the colon is not a plain space", "#Action 01: Title"),
        ("##Action 01: Title", "it starts with ##, not one #", "#Action 01: Title"),
        ("####Action 01: Title", "it starts with ####, not one #", "#Action 01: Title"),
        ("#Action 01:", "there is no title", None),
        ("#Action 01: ", "there is no title", None),
        ("#Action 01 Title #", "the #s at the end would show in the published title", "#Action 01: Title"),
    ],
)
def test_action_heading_forms_the_build_does_not_read(heading: str, reason: str, fix: str | None) -> None:
    (problem,) = heading_problems(heading)
    assert problem.fault is Fault.ACTION_HEADING
    assert problem.message.startswith("the build does not read this as the action heading: ")
    assert reason in problem.message and problem.message.endswith('it needs "#Action NN: Title"')
    assert problem.span == Span.of(2, 1, 2, len(heading.rstrip()) + 1)
    if fix is not None:
        assert problem.fix == f'write "{fix}"'
    assert BUILD_ACTION.match(heading) is None or "#s at the end" in reason or "\t" in heading


def test_every_reason_is_named_once() -> None:
    (problem,) = heading_problems("## action1 - Title ##")
    reasons = problem.message.split(": ", 1)[1].rsplit("; it needs", 1)[0].split("; ")
    assert reasons == [
        "it starts with ##, not one #",
        '"action" is not "Action" with a capital A',
        'there is no space between "Action" and the number',
        "the number 1 is not two digits",
        'there is "-" after the number, not a colon',
        "the #s at the end would show in the published title",
    ]
    assert problem.fix == 'write "#Action 01: Title"'


@pytest.mark.parametrize(
    "heading",
    [
        "#Action 01: Title",
        "#Action 01:  Title",  # the build reads any one space after the colon; more stay in the title
        "#Action 01:\tTitle",
        "  #Action 01: Title",  # the build's pattern is not anchored to the start of the line
        "#Action 01: C# in government",
        "#Action 01: Title (see #3)",
        "#Action 99: Title",
        "#Action 00: Title",
    ],
)
def test_action_heading_forms_the_build_reads(heading: str) -> None:
    assert heading_problems(heading) == []
    assert BUILD_ACTION.search(heading) is not None


def test_closing_hashes_alone_say_what_the_reader_sees() -> None:
    (problem,) = heading_problems("#Action 01: Title ##")
    assert problem.message == (
        "the #s at the end would show in the published title (the build reads everything after the "
        "colon as the title)"
    )
    assert problem.fix == 'write "#Action 01: Title"'
    page = parse_source(Source("page.md", f"{{{{DEPARTMENTRESPONSE}}}}\n#Action 01: Title ##\n{BODY}"))
    assert page.title == "Title"


def test_a_heading_with_no_title_says_to_add_one() -> None:
    (problem,) = heading_problems("#Action 1:")
    assert "the number 1 is not two digits; there is no title" in problem.message
    assert problem.fix == 'write "#Action 01: " followed by the action\'s title'


def test_a_three_digit_number_cannot_be_fixed_by_padding() -> None:
    (problem,) = heading_problems("#Action 123: Title")
    assert "the number 123 is not two digits" in problem.message
    assert problem.fix == 'write "#Action NN: Title", with the action\'s two-digit number'


@pytest.mark.parametrize("line", ["#Action 01: x{}y", "##Home{}Office", "#Action 01: x{}#"])
def test_a_long_run_of_spaces_in_a_heading_is_read_in_linear_time(line: str) -> None:
    started = time.perf_counter()
    classify(1, line.format(" " * 200_000))  # a lazy ``.*?\s+#+$`` would take minutes
    assert time.perf_counter() - started < 2


def test_a_lenient_heading_still_parses_the_page() -> None:
    page = parse_source(Source("page.md", f"{{{{DEPARTMENTRESPONSE}}}}\n# action 7 - Title\n{BODY}"))
    assert (page.action_number, page.title) == (7, "Title")
    assert [block.name for block in page.departments] == ["Home Office"]
    assert [problem.fault for problem in page.problems] == [Fault.ACTION_HEADING]


@pytest.mark.parametrize(
    ("path", "heading", "problem"),
    [
        (
            "_action01.md",
            "#Action 02: Title",
            "the heading says Action 02 but the file _action01.md is action 01",
        ),
        ("pages/_action05.md", "#Action 5: Title", None),  # numbers compare as numbers; the form is reported
        ("_action5.md", "#Action 05: Title", None),
        (
            "_action10.md",
            "#Action 01: Title",
            "the heading says Action 01 but the file _action10.md is action 10",
        ),
        ("action11-2012-12-20.md", "#Action 11: Title", None),
        ("action11-2012-12-20.md", "#Action 12: Title", "the heading says Action 12 but the file"),
        ("_Action03.markdown", "#Action 04: Title", "the file _Action03.markdown is action 03"),
        ("page.md", "#Action 02: Title", None),  # no number in the name: nothing to compare
        ("transaction01.md", "#Action 02: Title", None),
    ],
)
def test_action_number_and_file_name(path: str, heading: str, problem: str | None) -> None:
    found = [found for found in heading_problems(heading, path) if found.fault is Fault.ACTION_MISMATCH]
    if problem is None:
        assert found == []
    else:
        (mismatch,) = found
        assert problem in mismatch.message
        assert mismatch.span == Span.of(2, 1, 2, len(heading) + 1)
        assert mismatch.fix is not None and "or rename the file" in mismatch.fix


def test_mismatch_fix_names_the_file_number() -> None:
    (problem,) = heading_problems("#Action 02: Boards will include a digital leader", "_action01.md")
    assert problem.fix == (
        'write "#Action 01: Boards will include a digital leader", '
        "or rename the file if 02 is the right number"
    )


# -- pages with nothing to check ---------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\n", b"\r\n\r\n  \r\n", b"\xef\xbb\xbf"])
def test_an_empty_action_page_is_one_error(data: bytes) -> None:
    page = parse_source(decode("_action05.md", data))
    assert page.kind is PageKind.DEPARTMENT_RESPONSE
    (problem,) = page.problems
    assert problem.fault is Fault.NO_DEPARTMENTS
    assert problem.span == Span.of(1, 1, 1, 1)
    assert problem.message == "the department-response page is empty, so the published page has no responses"
    assert problem.fix is not None and '"#Action 05: Title"' in problem.fix


def test_an_action_page_of_only_comments_says_so() -> None:
    page = parse_source(Source("_action05.md", "<!-- to do:\n{div .department}\n-->\n"))
    (problem,) = page.problems
    assert problem.fault is Fault.NO_DEPARTMENTS
    assert "holds only HTML comments" in problem.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("{{DEPARTMENTRESPONSE}}\n", 1),
        ("{{DEPARTMENTRESPONSE}}\n#Action 05: Title\n", 2),
        ("{{DEPARTMENTRESPONSE}}\n#Action 05: Title\n\n{div .section}\n{navigation}\nIntro\n{/div}\n", 4),
        ("{{DEPARTMENTRESPONSE}}\n#Action 05: Title\n{div .section}\n{div .departmnet}\n{/div}\n{/div}\n", 3),
    ],
)
def test_a_response_page_with_no_department_block(text: str, line: int) -> None:
    page = parse_source(Source("page.md", text))
    problems = [problem for problem in page.problems if problem.fault is Fault.NO_DEPARTMENTS]
    (problem,) = problems
    assert problem.span.start == Position(line, 1)
    assert problem.fix == "add a {div .department} block for each department, inside {div .section}"


def test_commented_out_blocks_are_named() -> None:
    text = (
        "{{DEPARTMENTRESPONSE}}\n#Action 05: Title\n{div .section}\n<!--\n{div .department}\n##Home Office\n"
    )
    text += "{div .statement}\nx\n{/div}\n{/div}\n-->\n{/div}\n"
    (problem,) = parse_source(Source("page.md", text)).problems
    assert problem.fault is Fault.NO_DEPARTMENTS
    assert "(from line 5) are inside an HTML comment" in problem.message
    assert problem.fix == "remove the <!-- and --> around the department blocks"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "#Action 05: Title\n" + BODY,
            "department blocks on a page without the {{DEPARTMENTRESPONSE}} marker",
        ),
        (
            "#Action 05: Title\n",
            "_action05.md is an action page, but without the {{DEPARTMENTRESPONSE}} marker",
        ),
    ],
)
def test_an_action_page_without_the_marker(text: str, message: str) -> None:
    page = parse_source(Source("dir/_action05.md", text))
    assert page.kind is PageKind.DEPARTMENT_RESPONSE
    problem = page.problems[0]
    assert problem.fault is Fault.MARKER and problem.message.startswith(message)
    assert problem.span == Span.of(1, 1, 1, 18)


@pytest.mark.parametrize(
    "path", ["page.md", "notes/_index.md", "action05.md", "_action05-draft.md", "_actions.md"]
)
def test_other_names_with_nothing_on_them_are_other_pages(path: str) -> None:
    page = parse_source(Source(path, ""))
    assert (page.kind, page.problems) == (PageKind.OTHER, ())


@pytest.mark.parametrize("path", ["_action05.md", "dir/_action5.md", "_ACTION05.MD", "_action05.markdown"])
def test_action_page_names(path: str) -> None:
    assert parse_source(Source(path, "")).kind is PageKind.DEPARTMENT_RESPONSE


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html>\n<html><body>x</body></html>\n",
        b"<!doctype HTML>\n",
        b"\xef\xbb\xbf  <html lang='en'>\n",
        b"<html>\n",
        b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">\n',
    ],
)
def test_an_html_document_is_not_read_as_markdown(data: bytes) -> None:
    with pytest.raises(InputError) as caught:
        decode("_action05.md", data)
    assert str(caught.value) == (
        "_action05.md: is an HTML document, not a Markdown page (`checker check` reads it as HTML)"
    )


@pytest.mark.parametrize("text", ['<div class="note">\nx\n</div>\n', "<htmlish>\n", "Intro <html> text\n"])
def test_raw_html_in_a_markdown_page_is_read(text: str) -> None:
    assert decode("page.md", text.encode()).text == text
