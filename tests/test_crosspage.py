"""Cross-page rules: a folder checked as one publication, and its cross-page findings exactly.

``tests/test_fixtures.py`` runs every fixture page alone, where these rules see one page and say
nothing. Here each folder of ``fixtures/publication/<rule>/`` (``fails``, ``passes``...) and the
whole real corpus are checked at once, and every finding of a publication-scope rule is asserted:
its rule and level, the page and line it sits on, the department, and the second place it points
at (``Finding.related``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from checker.cli import main
from checker.engine.api import Scope
from checker.engine.kinds import KINDS
from checker.engine.plan import Plan, make_plan
from checker.engine.run import check
from checker.model.report import Report
from tests.conftest import FIXTURES

PLAN = make_plan()
CROSS_PAGE = frozenset(rule.id for rule in PLAN.rule_set.rules if KINDS[rule.kind].scope is Scope.PUBLICATION)
PUBLICATIONS = FIXTURES / "publication"
CORPUS = FIXTURES / "corpus"

#: rule, level, page, line, department, related page, related line (pages relative to the folder checked)
Row = tuple[str, str, str, int, str | None, str, int]


def relative(path: str, folder: Path) -> str:
    return Path(path).resolve().relative_to(folder.resolve()).as_posix()


def cross_page(folder: Path, plan: Plan = PLAN) -> list[Row]:
    """The findings of the publication-scope rules when ``folder`` is checked as a whole, sorted."""
    return rows(check([str(folder)], plan), folder)


@pytest.fixture(scope="module")
def corpus_report() -> Report:
    return check([str(CORPUS)], PLAN)


def rows(report: Report, folder: Path) -> list[Row]:
    assert report.failures == ()
    assert report.errors == ()
    found: list[Row] = []
    for finding in report.findings:
        if finding.rule not in CROSS_PAGE:
            continue
        assert len(finding.related) == 1, f"{finding.rule} should point at one other place: {finding}"
        (related,) = finding.related
        assert related.message
        found.append(
            (
                finding.rule,
                finding.severity.label,
                relative(finding.path, folder),
                finding.line,
                finding.department,
                relative(related.path, folder),
                related.span.start.line,
            )
        )
    return sorted(found, key=lambda row: (row[2], row[3], row[0], row[5], row[6]))


# ---------------------------------------------------------------------------------------------
# The real corpus: each finding checked by hand against the pages.

A, MOJ = "departmentactions", "Ministry of Justice"
INDEX = f"{A}/_index.md"
CHAPTER = "strategy/09-actions-and-themes.md"
SEED = "seed/action11-2012-12-20.md"
FCO = "Foreign and Commonwealth Office"


def moj(page: str, line: int) -> Row:
    """MoJ's "Read more" goes to a theme of its strategy (#theme-0N-...), the index to the strategy
    itself (line 18): the same document, another fragment, so info."""
    return ("read-more-inconsistent", "info", page, line, MOJ, INDEX, 18)


def title(page: str, line: int) -> Row:
    return ("action-title-mismatch", "warning", page, 2, None, CHAPTER, line)


CORPUS_FINDINGS: list[Row] = sorted(
    [
        # FCO's statement on action 02 is its statement on action 03 but for a leading "The"
        # ("The FCO will obtain the additional expertise ... training, guidance and best practice."):
        # a statement about in-house capability (action 03) standing on the Service Manager action.
        ("statement-duplicate", "warning", f"{A}/_action02.md", 115, FCO, f"{A}/_action03.md", 117),
        ("statement-duplicate", "warning", f"{A}/_action03.md", 117, FCO, f"{A}/_action02.md", 115),
        # "services will meet" in the chapter, "services meet" on the page
        title(f"{A}/_action06.md", 233),
        # "all 24 central government departments" in the chapter, "all central ..." on the page
        title(f"{A}/_action07.md", 356),
        # "a new suite of common technology platforms" in the chapter, "a suite" on the page
        title(f"{A}/_action11.md", 611),
        # the chapter misspells "unecessarily"; the page has "unnecessarily"
        title(f"{A}/_action12.md", 659),
        # the seed (action 11 as it stood on 2012-12-20) has the same title as today's page
        title(SEED, 611),
        moj(f"{A}/_action01.md", 154),  # #theme-02-transforming-the-way-we-work
        moj(f"{A}/_action02.md", 155),  # #theme-01-transforming-our-services
        moj(f"{A}/_action03.md", 157),  # #theme-02
        moj(f"{A}/_action05.md", 156),  # #theme-01
        moj(f"{A}/_action06.md", 164),  # #theme-01
        moj(f"{A}/_action07.md", 165),  # #theme-01
        moj(f"{A}/_action08.md", 164),  # #theme-04-transforming-how-we-engage
        moj(f"{A}/_action09.md", 159),  # #theme-04
        moj(f"{A}/_action10.md", 160),  # #theme-03-breaking-barriers-to-digital-transformation
        moj(f"{A}/_action11.md", 153),  # #theme-03
        moj(f"{A}/_action12.md", 157),  # #theme-03
        moj(f"{A}/_action13.md", 154),  # #theme-03
        moj(f"{A}/_action14.md", 157),  # #theme-04
        moj(SEED, 153),  # #theme-03
    ],
    key=lambda row: (row[2], row[3], row[0], row[5], row[6]),
)


def test_the_real_corpus_as_one_publication(corpus_report: Report) -> None:
    assert rows(corpus_report, CORPUS) == CORPUS_FINDINGS


def test_the_corpus_without_its_chapter_and_page_by_page() -> None:
    """Without the strategy chapter no title is compared; a page alone says nothing."""
    actions = cross_page(CORPUS / A)
    assert {row[0] for row in actions} == {"statement-duplicate", "read-more-inconsistent"}
    assert len(actions) == 15
    for page in ("_action03.md", "_action11.md", "_index.md"):
        assert cross_page(CORPUS / A / page) == []
    assert cross_page(CORPUS / "strategy") == []


# ---------------------------------------------------------------------------------------------
# The fixtures: a failing and a passing publication for each rule.

HO, MOD, AGO = "Home Office", "Ministry of Defence", "Attorney General's Office"
FIXTURE_FINDINGS: dict[str, list[Row]] = {
    "read-more-inconsistent/fails": [
        # Home Office's page 02 links another document than the index's entry
        ("read-more-inconsistent", "warning", "_action02.md", 22, HO, "_index.md", 4),
        # MoD's page 03 adds #section-2 to the index's URL
        ("read-more-inconsistent", "info", "_action03.md", 30, MOD, "_index.md", 5),
    ],
    "read-more-inconsistent/fails-without-index": [
        ("read-more-inconsistent", "info", "_action02.md", 22, MOD, "_action01.md", 22),
        ("read-more-inconsistent", "warning", "_action03.md", 14, HO, "_action01.md", 14),
    ],
    "read-more-inconsistent/passes": [],
    "index-missing/fails": [
        # MoD's pages agree with each other, not with the index item (which no page uses)
        ("read-more-inconsistent", "warning", "_action01.md", 30, MOD, "_index.md", 5),
        ("read-more-inconsistent", "warning", "_action02.md", 30, MOD, "_index.md", 5),
        # the Home Office answers on both pages, but the index has no item for it
        ("index-missing", "warning", "_index.md", 3, HO, "_action01.md", 19),
        # the FCO answers nowhere and no page links its strategy
        ("index-missing", "warning", "_index.md", 4, "Foreign and Commonwealth Office", "_action01.md", 2),
        # no page links MoD's item; its own pages link another URL
        ("index-missing", "warning", "_index.md", 5, MOD, "_action01.md", 30),
    ],
    "index-missing/passes": [],
    "action-title-mismatch/fails": [
        ("action-title-mismatch", "warning", "_action02.md", 2, None, "09-actions-and-themes.md", 9),
        ("action-title-mismatch", "warning", "_action03.md", 2, None, "09-actions-and-themes.md", 13),
    ],
    "action-title-mismatch/passes": [],
    "department-missing/fails": [
        ("department-missing", "info", "_action01.md", 2, AGO, "_action02.md", 11),
        ("department-missing", "info", "_action05.md", 2, HO, "_action03.md", 27),
    ],
    "department-missing/passes": [],
    "statement-duplicate/fails": [
        ("statement-duplicate", "warning", "_action01.md", 22, HO, "_action03.md", 22),
        ("statement-duplicate", "warning", "_action02.md", 30, MOD, "_action03.md", 31),
        ("statement-duplicate", "warning", "_action03.md", 22, HO, "_action01.md", 22),
        # the pasted copy links a part of the same document
        ("read-more-inconsistent", "info", "_action03.md", 23, HO, "_action01.md", 22),
        ("statement-duplicate", "warning", "_action03.md", 31, MOD, "_action02.md", 30),
    ],
    "statement-duplicate/passes": [],
}


@pytest.mark.parametrize("folder", sorted(FIXTURE_FINDINGS))
def test_publication_fixture(folder: str) -> None:
    assert cross_page(PUBLICATIONS / folder) == FIXTURE_FINDINGS[folder]


def test_every_fixture_folder_is_asserted() -> None:
    folders = {path.parent.relative_to(PUBLICATIONS).as_posix() for path in PUBLICATIONS.glob("*/*/*.md")}
    assert folders == set(FIXTURE_FINDINGS)


@pytest.mark.parametrize("rule", sorted(CROSS_PAGE))
def test_every_cross_page_rule_fails_and_passes(rule: str) -> None:
    assert any(row[0] == rule for row in FIXTURE_FINDINGS[f"{rule}/fails"])
    assert FIXTURE_FINDINGS[f"{rule}/passes"] == []


def test_the_five_rules_are_publication_rules() -> None:
    assert {
        "read-more-inconsistent",
        "index-missing",
        "action-title-mismatch",
        "department-missing",
        "statement-duplicate",
    } == CROSS_PAGE


def test_messages_name_the_difference(corpus_report: Report) -> None:
    report = check([str(PUBLICATIONS / "action-title-mismatch" / "fails")], PLAN)
    titles = [finding.message for finding in report.findings if finding.rule == "action-title-mismatch"]
    assert titles == [
        "Action 02's title is not the strategy chapter's: the page has \"redesigned\" where the chapter "
        'has "re-designed"',
        'Action 03\'s title is not the strategy chapter\'s: the page adds "the" (the page: "have the '
        'appropriate"); has "in-house, including specialist skills" where the chapter has "in-house"',
    ]
    report = corpus_report
    copies = [finding.message for finding in report.findings if finding.rule == "statement-duplicate"]
    assert copies[0] == (
        "Foreign and Commonwealth Office: the statement on action 02 repeats its statement on action 03 "
        '(but for 1 word: "The"): a likely copy-paste'
    )
    first_moj = next(finding for finding in report.findings if finding.rule == "read-more-inconsistent")
    assert first_moj.message == (
        'Ministry of Justice: "Read more" goes to '
        "http://open.justice.gov.uk/digital-strategy/#theme-02-transforming-the-way-we-work, not to "
        "http://open.justice.gov.uk/digital-strategy/ as in the index (only the fragment differs); "
        "5 of its 13 other pages use "
        "http://open.justice.gov.uk/digital-strategy/#theme-03-breaking-barriers-to-digital-transformation"
    )


# ---------------------------------------------------------------------------------------------
# The index and the chapter named in the config instead of found by convention.


def _override(folder: Path, rule: str, option: str, value: object) -> Plan:
    """A plan whose ``rule`` has ``option: value`` (a rules folder replacing the built-in rule file)."""
    folder.mkdir()
    builtin = next(info.source for info in PLAN.rule_set.rules if info.id == rule)
    data = yaml.safe_load(Path(builtin).read_text(encoding="utf-8"))
    data["options"][option] = value
    (folder / f"{rule}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return make_plan([folder])


def test_the_index_named_in_the_config(tmp_path: Path) -> None:
    publication = tmp_path / "publication"
    shutil.copytree(PUBLICATIONS / "read-more-inconsistent" / "fails", publication)
    (publication / "_index.md").rename(publication / "strategies.md")
    # not found by convention: the pages are compared among themselves
    assert cross_page(publication) == [
        ("read-more-inconsistent", "warning", "_action02.md", 22, HO, "_action01.md", 22),
        ("read-more-inconsistent", "info", "_action03.md", 30, MOD, "_action01.md", 30),
    ]
    plan = _override(tmp_path / "rules", "read-more-inconsistent", "index", "strategies.md")
    assert cross_page(publication, plan) == [
        ("read-more-inconsistent", "warning", "_action02.md", 22, HO, "strategies.md", 4),
        ("read-more-inconsistent", "info", "_action03.md", 30, MOD, "strategies.md", 5),
    ]


def test_the_chapter_named_in_the_config(tmp_path: Path) -> None:
    publication = tmp_path / "publication"
    shutil.copytree(PUBLICATIONS / "action-title-mismatch" / "fails", publication)
    # a draft that sorts first and defines action 02 as its page has it: found by convention instead
    page = (publication / "_action02.md").read_text(encoding="utf-8").splitlines()[1]
    (publication / "00-draft.md").write_text(f"###{page}\n<!-- expect: none -->\n", encoding="utf-8")
    assert cross_page(publication) == []
    plan = _override(tmp_path / "rules", "action-title-mismatch", "strategy", "09-*.md")
    assert [row[2] for row in cross_page(publication, plan)] == ["_action02.md", "_action03.md"]


def test_statement_duplicate_options(tmp_path: Path) -> None:
    """No tolerance: only the same words; no exemption: the boilerplate is reported."""
    folder = PUBLICATIONS / "statement-duplicate"
    exact = _override(tmp_path / "exact", "statement-duplicate", "max_changed_words", 0)
    copies = [row for row in cross_page(folder / "fails", exact) if row[0] == "statement-duplicate"]
    assert [(row[2], row[4]) for row in copies] == [("_action01.md", HO), ("_action03.md", HO)]
    assert cross_page(CORPUS / A, exact) == [
        row for row in cross_page(CORPUS / A) if row[0] != "statement-duplicate"
    ]
    everything = _override(tmp_path / "all", "statement-duplicate", "exempt", [])
    repeated = [row for row in cross_page(folder / "passes", everything) if row[0] == "statement-duplicate"]
    assert {row[4] for row in repeated} == {"Her Majesty's Treasury"}


def test_json_gives_both_places(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--offline", "--format", "json", str(PUBLICATIONS / "index-missing" / "fails")])
    document = json.loads(capsys.readouterr().out)
    assert code == 0  # warnings only
    missing = [finding for finding in document["findings"] if finding["rule"] == "index-missing"]
    assert [finding["line"] for finding in missing] == [3, 4, 5]
    home = missing[0]
    assert home["department"] == HO
    assert home["fix"] == (
        "Add an item for it: - [Home Office Digital Strategy]"
        "(https://www.gov.uk/government/publications/home-office-digital-strategy)"
    )
    assert home["related"] == [
        {
            "path": str(Path(home["path"]).parent / "_action01.md"),
            "line": 19,
            "column": 1,
            "end_line": 19,
            "end_column": 14,
            "message": "Home Office answers action 01 here",
        }
    ]
    assert len({finding["fingerprint"] for finding in document["findings"]}) == len(document["findings"])
