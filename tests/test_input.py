"""What the command line reads as a page, and pages with nothing to check, end to end.

File names matter here (``_action05.md`` is an action page whatever it holds), so the
pages are written to ``tmp_path`` under the names an editor would give them. HTML pages are
read too (``tests/test_html_input.py`` checks what is read from them).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checker.cli import main
from tests.conftest import FIXTURES

CLEAN = FIXTURES / "cases" / "clean-page.md"
READS = "checker reads Markdown (.md, .markdown) and HTML (.html, .htm, .xhtml, .shtml) pages"
HTML_PAGE = "<!DOCTYPE html>\n<html><body><div class='department'><h2>Home Office</h2></div></body></html>\n"
#: what checker finds on HTML_PAGE: no action header, no crest, no statement
HTML_PAGE_RULES = ["[structure-action-heading]", "[structure-incomplete]", "[crest-missing]"]


def run(capsys: pytest.CaptureFixture[str], *paths: Path | str) -> tuple[int, str, str]:
    code = main(["check", "--offline", *(str(path) for path in paths)])
    out, err = capsys.readouterr()
    return code, out, err


def page(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def clean_copy(folder: Path, name: str = "clean.md") -> Path:
    return Path(shutil.copy(CLEAN, folder / name))


def test_an_empty_action_page_is_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = page(tmp_path, "_action05.md", "")
    code, out, err = run(capsys, empty)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"{empty}:1:1: error: the department-response page is empty, so the published page has no "
        "responses [structure-no-departments]",
        '    fix: Start it with {{DEPARTMENTRESPONSE}} and "#Action 05: Title", then a {div .department} '
        "block for each department",
        "1 error in 1 page",
    ]


def test_an_empty_page_with_another_name_is_not_an_action_page(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, page(tmp_path, "notes.md", ""))
    assert (code, out) == (0, "no problems in 1 page\n")


def test_an_action_page_whose_section_is_empty(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = "{{DEPARTMENTRESPONSE}}\n#Action 05: Title\n{div .section}\n{navigation}\n\n{navigation}\n{/div}\n"
    path = page(tmp_path, "_action05.md", text)
    code, out, _ = run(capsys, path)
    assert code == 1
    assert out.startswith(f"{path}:3:1: error: no department blocks on this department-response page")


def test_an_action_page_without_the_marker(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = CLEAN.read_text(encoding="utf-8").replace("{{DEPARTMENTRESPONSE}}\n", "", 1)
    path = page(tmp_path, "_action03.md", text)
    code, out, _ = run(capsys, path)
    assert code == 1
    assert f"{path}:1:1: error: department blocks on a page without the {{{{DEPARTMENTRESPONSE}}}}" in out
    assert "[structure-marker]" in out


def test_the_heading_number_is_the_file_number(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = CLEAN.read_text(encoding="utf-8").replace("#Action 03:", "#Action 02:", 1)
    path = page(tmp_path, "_action01.md", text)
    code, out, _ = run(capsys, path)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        f"{path}:2:1: error: the heading says Action 02 but the file _action01.md is action 01 "
        "[structure-action-mismatch]"
    )
    assert lines[1].startswith('    fix: Write "#Action 01: All departments will ensure')
    assert lines[1].endswith('", or rename the file if 02 is the right number')
    assert lines[-1] == "1 error in 1 page"


@pytest.mark.parametrize("name", ["notes.txt", "_action05.md.bak"])
def test_a_named_file_of_another_type_is_an_input_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    other = page(tmp_path, name, HTML_PAGE)
    clean = clean_copy(tmp_path)
    code, out, err = run(capsys, other, clean)
    assert code == 2
    assert err == f"checker: error: {other}: is not a page; {READS}\n"
    assert out.splitlines()[-1] == "no problems in 1 page; 1 file could not be checked"


@pytest.mark.parametrize("name", ["page.html", "page.htm", "PAGE.HTML", "page.xhtml"])
def test_a_named_html_file_is_read_as_html(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    html = page(tmp_path, name, HTML_PAGE)
    code, out, err = run(capsys, html, clean_copy(tmp_path))
    assert (code, err) == (1, "")
    assert [line.split()[-1] for line in out.splitlines() if line.startswith(str(html))] == HTML_PAGE_RULES
    assert out.splitlines()[-1] == "3 errors in 2 pages"


def test_a_missing_html_file_does_not_exist(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, tmp_path / "gone.html")
    assert code == 2
    assert err == f"checker: error: {tmp_path / 'gone.html'}: does not exist\n"


def test_an_html_document_named_md_is_read_as_html(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    saved = page(tmp_path, "_action05.md", HTML_PAGE)
    bare = page(tmp_path, "saved-page", HTML_PAGE)
    code, out, err = run(capsys, saved, bare)
    assert (code, err) == (1, "")
    for path in (saved, bare):
        assert [
            line.split()[-1] for line in out.splitlines() if line.startswith(str(path))
        ] == HTML_PAGE_RULES


def test_markdown_names_in_any_case_and_no_suffix_are_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    upper = clean_copy(tmp_path, "CLEAN.MD")
    long_name = clean_copy(tmp_path, "clean.markdown")
    bare = clean_copy(tmp_path, "README")
    code, out, err = run(capsys, upper, long_name, bare)
    assert (code, out, err) == (0, "no problems in 3 pages\n", "")


def test_a_glob_skips_what_is_not_a_page(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    clean_copy(tmp_path)
    page(tmp_path, "index.html", HTML_PAGE)
    page(tmp_path, "style.css", "body { margin: 0 }\n")
    code, out, err = run(capsys, f"{tmp_path}/*")
    assert (code, out, err) == (0, "no problems in 1 page\n", "")


def test_a_glob_with_no_page_is_an_input_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    page(site, "style.css", "body { margin: 0 }\n")
    page(site, "print.css", "body { margin: 0 }\n")
    code, out, err = run(capsys, f"{site}/*.css", f"{site}/*.md", clean_copy(tmp_path))
    assert code == 2
    assert err.splitlines() == [
        f"checker: error: {site}/*.css: matches no pages, only other files; {READS}",
        f"checker: error: {site}/*.md: matches no files",
    ]
    assert out.splitlines()[-1] == "no problems in 1 page; 2 files could not be checked"


def test_a_glob_or_folder_of_html_reads_the_html(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    page(site, "index.html", HTML_PAGE)
    page(site, "about.htm", HTML_PAGE)
    page(site, "style.css", "body { margin: 0 }\n")
    code, out, _ = run(capsys, f"{site}/*.htm*")
    assert (code, out.splitlines()[-1]) == (1, "6 errors in 2 pages")
    code, out, _ = run(capsys, site)
    assert (code, out.splitlines()[-1]) == (1, "6 errors in 2 pages")


def test_a_folder_with_no_page_is_an_input_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page(tmp_path, "style.css", "body { margin: 0 }\n")
    code, _, err = run(capsys, tmp_path)
    assert code == 2
    assert err == f"checker: error: {tmp_path}: is a folder with no pages in it; {READS}\n"


def test_a_glob_finds_action_pages_by_name(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page(tmp_path, "_action05.md", "")
    page(tmp_path, "_action06.md", "<!-- to do -->\n")
    code, out, _ = run(capsys, f"{tmp_path}/_action*.md")
    assert code == 1
    assert "_action05.md:1:1: error: the department-response page is empty" in out
    assert "_action06.md:1:1: error: the department-response page holds only HTML comments" in out
    assert out.splitlines()[-1] == "2 errors in 2 pages"
