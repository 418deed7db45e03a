"""What counts as a placeholder statement, and that read-more-missing never asks to complete one.

``fixtures/placeholders/history.txt`` holds every stand-in text found in the publication's own
history (alphagov/government-digital-strategy); each, put into a department statement with or
without a "Read more" link, must give exactly ``placeholder-text``. ``real.txt`` holds real
statements that use the same words in a sentence: no ``placeholder-text``, and
``read-more-missing`` when they have no link.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from checker.checks.statement_pattern import Options
from checker.engine.plan import Selection, make_plan
from checker.engine.run import evaluate_pages
from checker.parse import parse_source
from checker.parse.source import Source
from tests.conftest import FIXTURES

PLAN = make_plan()
STRATEGY = "https://www.gov.uk/government/organisations/cabinet-office"
STATEMENT_LINE = 8  # where the statement's first line is in ``page``


def page(statement: str) -> str:
    """A one-department page that is clean apart from ``statement``."""
    return (
        "{{DEPARTMENTRESPONSE}}\n"
        "#Action 08: Departments will raise awareness of their digital services\n"
        "{div .section}\n"
        "{div .department}\n"
        "##Cabinet<br>Office\n"
        "{: .logo-single}\n"
        "{div .statement}\n"
        f"{statement}\n"
        "{/div}\n"
        "{/div}\n"
        "{/div}\n"
    )


def findings(statement: str) -> list[tuple[str, int]]:
    result = evaluate_pages([parse_source(Source("page.md", page(statement)))], PLAN)
    return [(finding.rule, finding.line) for finding in result]


def entries(name: str) -> list[str]:
    """The non-comment lines of a ``fixtures/placeholders`` file."""
    lines = (FIXTURES / "placeholders" / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def with_link(text: str) -> str:
    return f"{text} [Read more »]({STRATEGY})"


def link_below(text: str) -> str:
    return f"{text}\n[Read more »]({STRATEGY})"


def indented(text: str) -> str:
    return f"  {text}"


PLACINGS: dict[str, Callable[[str], str]] = {
    "alone": str,
    "read-more": with_link,
    "read-more-below": link_below,
    "indented": indented,
}
HISTORY = entries("history.txt")
REAL = entries("real.txt")


def short(texts: list[str]) -> list[str]:
    """Test ids: the start of each text."""
    return [text if len(text) <= 40 else text[:37] + "..." for text in texts]


# The forms from the issue and what editors type, beside the historical ones.
EDITOR_FORMS = [
    f"Coming soon... [Read more »]({STRATEGY})",
    f"Awaiting Cabinet Office confirmation. [Read more »]({STRATEGY})",
    "tbc",
    "Statement coming soon.",
    "Response coming soon",
    "coming soon!!",
    "COMING SOON…",
    "**Coming soon**",
    "_TBC_",
    "TBA",
    "TBD.",
    "To be confirmed.",
    "Statement to be confirmed",
    "To follow",
    "Response to follow.",
    "Awaiting response",
    "Awaiting confirmation from the Department for Business, Innovation & Skills",
    "Awaiting Her Majesty's Treasury sign-off",
    "DCLG response awaited",
    "Pending",
    "Coming soon. Awaiting DCLG confirmation.",
    "TBC - awaiting Home Office confirmation",
    "TODO",
    "FIXME: write the statement",
    "XXX",
    "N/A",
    "n/a",
    "[insert Cabinet Office response]",
    "Lorem ipsum dolor sit amet.",
    "...",
    f"Coming soon <br> [Read more »]({STRATEGY})",
    f'Coming soon <a href="{STRATEGY}">Read more »</a>',
]


def test_history_has_the_forms_found() -> None:
    assert "Coming soon..." in HISTORY
    assert "Awaiting DCLG confirmation" in HISTORY
    assert len(HISTORY) >= 10
    text = (FIXTURES / "placeholders" / "history.txt").read_text(encoding="utf-8")
    assert len(re.findall(r"^# source: [0-9a-f]{40} \S+$", text, re.MULTILINE)) >= 8


@pytest.mark.parametrize("placing", PLACINGS)
@pytest.mark.parametrize("form", HISTORY, ids=short(HISTORY))
def test_historical_form_is_a_placeholder(form: str, placing: str) -> None:
    assert findings(PLACINGS[placing](form)) == [("placeholder-text", STATEMENT_LINE)]


@pytest.mark.parametrize("form", EDITOR_FORMS, ids=short(EDITOR_FORMS))
def test_editor_form_is_a_placeholder(form: str) -> None:
    assert findings(form) == [("placeholder-text", STATEMENT_LINE)]
    if "Read more" not in form:
        assert findings(with_link(form)) == [("placeholder-text", STATEMENT_LINE)]


@pytest.mark.parametrize("statement", REAL, ids=short(REAL))
def test_real_statement_with_its_link_passes(statement: str) -> None:
    assert findings(with_link(statement)) == []


@pytest.mark.parametrize("statement", REAL, ids=short(REAL))
def test_real_statement_without_a_link_is_read_more_missing(statement: str) -> None:
    assert findings(statement) == [("read-more-missing", STATEMENT_LINE)]


def test_a_placeholder_never_gets_read_more_missing() -> None:
    for form in [*HISTORY, *EDITOR_FORMS]:
        assert "read-more-missing" not in {rule for rule, _ in findings(form)}, form


def test_placeholders_are_skipped_even_with_placeholder_text_ignored() -> None:
    plan = make_plan(selection=Selection(ignore=("placeholder-text",)))
    for form in ["Coming soon...", "tbc", "Awaiting DCLG confirmation"]:
        assert evaluate_pages([parse_source(Source("page.md", page(form)))], plan) == [], form
    real = evaluate_pages([parse_source(Source("page.md", page("We will work with GDS.")))], plan)
    assert [finding.rule for finding in real] == ["read-more-missing"]


def test_read_more_missing_fix_is_for_real_statements_only() -> None:
    result = evaluate_pages([parse_source(Source("page.md", page("We will work with GDS.")))], PLAN)
    assert [finding.fix for finding in result] == [
        "End the statement with [Read more »](http://www.cabinetoffice.gov.uk/resource-library/cabinet-office-digital-strategy)"
    ]


def test_whole_patterns_ignore_case_and_refuse_empty_matches() -> None:
    options = Options(whole=(re.compile("coming soon"),))
    assert options.whole[0].fullmatch("COMING SOON")
    with pytest.raises(ValueError, match="matches empty text"):
        Options(whole=(re.compile("(?:tbc)?"),))


@pytest.mark.parametrize(
    "path", sorted((FIXTURES / "cases").glob("placeholder-*.md")), ids=lambda path: path.stem
)
def test_placeholder_fixture_has_real_blocks_too(path: Path) -> None:
    """Each class of fixture shows both sides: blocks that are flagged and real ones that are not."""
    text = path.read_text(encoding="utf-8")
    flagged = len(re.findall(r"^\d+:\d+ placeholder-text$", text, re.MULTILINE))
    assert flagged < text.count("{div .department}")
