"""Inline waivers: read from the page's comments, judged by the engine (docs/waivers.md).

Valid (in a block, a family, the whole page, one line, the HTML-comment form), expired,
unused, malformed; waiver lines are invisible to the structure; `checker check` end to end.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from checker.cli import commands
from checker.engine.plan import Plan, Selection, make_plan
from checker.engine.run import RunRequest, evaluate_pages, run
from checker.engine.waivers import REASON, apply_waivers
from checker.model import Fault, Page, PageKind, Span
from checker.model.finding import Finding
from checker.model.page import Reach, Waiver
from checker.model.report import LinkSummary
from checker.parse import parse_source
from checker.parse.source import Source
from checker.parse.waivers import read_waiver

PLAN = make_plan()
TODAY = date(2027, 1, 15)


def block(name: str, statement: str, *, crest: str = "{: .logo-single}", before: str = "") -> str:
    """A department block; ``before``: lines between the heading's attribute list and the statement."""
    extra = f"{before}\n" if before else ""
    heading = f"{{div .department}}\n##{name}\n{crest}\n"
    return f"{heading}{extra}{{div .statement}}\n{statement}\n{{/div}}\n{{/div}}\n"


def page(*blocks: str, top: str = "") -> str:
    head = (
        f"{{{{DEPARTMENTRESPONSE}}}}\n#Action 08: Departments will raise awareness\n{top}{{div .section}}\n\n"
    )
    return head + "\n".join(blocks) + "{/div}\n"


def parsed(text: str) -> Page:
    return parse_source(Source("page.md", text))


def judged(
    text: str, plan: Plan = PLAN, today: date = TODAY, links: LinkSummary | None = None
) -> tuple[list[Finding], list[Finding]]:
    """The findings shown, and those a waiver left out."""
    the_page = parsed(text)
    found = evaluate_pages_without_waivers(the_page, plan)
    findings, waived = apply_waivers(found, [the_page], plan, {}, links=links, today=today)
    return [f for f in findings if waived.keep(f)], [f for f in findings if not waived.keep(f)]


def evaluate_pages_without_waivers(the_page: Page, plan: Plan) -> list[Finding]:
    return evaluate_pages([dataclasses.replace(the_page, waivers=())], plan)


def rules(findings: list[Finding]) -> list[tuple[int, str]]:
    return [(finding.line, finding.rule) for finding in findings]


def comment(text: str) -> str:
    return f"{{::comment}}{text}{{:/comment}}"


# -- reading one waiver -----------------------------------------------------------------------


def test_a_waiver_reads_its_rules_date_and_reason() -> None:
    said = read_waiver("checker: allow placeholder-text, crest- until 2027-01-31 -- DCLG answers in May")
    assert (said.rules, said.until, said.reason, said.problem) == (
        ("placeholder-text", "crest-"),
        date(2027, 1, 31),
        "DCLG answers in May",
        None,
    )
    assert read_waiver("Checker: ALLOW Link-Dead link-slow --moved").rules == ("link-dead", "link-slow")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("checker: allow placeholder-text", "it gives no reason"),
        ("checker: allow placeholder-text --   ", "its reason after ' -- ' is empty"),
        ("checker: allow -- DfT has not answered", "it names no rule"),
        ("checker: allow until 2027-01-31 -- x", "it names no rule"),
        (
            "checker: allow placeholder-text until 31/01/2027 -- x",
            "'31/01/2027' is not a date written YYYY-MM-DD",
        ),
        ("checker: allow placeholder-text until 2027-02-30 -- x", "2027-02-30 is not a date in the calendar"),
        ("checker: allow placeholder-text until -- x", "'until' needs a date"),
        ("checker: allow placeholder-text until 2027-01-31 because -- x", "'because' after the date"),
        ("checker: allow placeholder_text -- x", "'placeholder_text' is not a rule id or family"),
        ("checker: deny placeholder-text -- x", "'deny' is not an instruction checker knows"),
        ("checker allow placeholder-text -- x", "'checker' needs a colon"),
        ("checker: allow placeholder-text — MoD answers later", "two hyphens"),
    ],
)
def test_a_malformed_waiver_says_what_is_wrong(text: str, problem: str) -> None:
    said = read_waiver(text)
    assert said.problem is not None and problem in said.problem


# -- where waivers are and what they cover ------------------------------------------------------


def test_forms_and_reach() -> None:
    text = page(
        block(
            "Cabinet<br>Office",
            f"Coming soon... {comment('checker: allow placeholder-text -- on its line')}",
            before=comment("checker: allow crest- until 2027-01-31 -- the block"),
        ),
        block(
            "Home Office",
            "Awaiting confirmation. <!-- checker: allow placeholder-text -- HTML, on its line -->",
            crest="{: .logo-ho}",
            before="<!-- checker: allow read-more-missing -- an HTML comment of its own -->",
        ),
        top=comment("checker: allow link- -- the whole page") + "\n",
    )
    the_page = parsed(text)
    waivers = {waiver.reason: waiver for waiver in the_page.waivers}
    assert [waiver.reason for waiver in the_page.waivers] == [
        "the whole page",
        "the block",
        "on its line",
        "an HTML comment of its own",
        "HTML, on its line",
    ]
    lines = text.split("\n")
    assert waivers["the whole page"].reach is Reach.PAGE
    assert waivers["the whole page"].scope == Span.of(1, 1, len(lines), 1)
    assert waivers["the whole page"].span == Span.of(3, 1, 3, len(lines[2]) + 1)
    co, ho = the_page.departments
    assert (waivers["the block"].reach, waivers["the block"].scope) == (Reach.BLOCK, co.span)
    assert waivers["the block"].until == date(2027, 1, 31)
    on_line = waivers["on its line"]
    assert (
        on_line.reach is Reach.LINE
        and on_line.scope.start.line == on_line.scope.end.line == on_line.span.start.line
    )
    assert lines[on_line.span.start.line - 1][on_line.span.start.column - 1 :].startswith("{::comment}")
    assert (waivers["an HTML comment of its own"].reach, waivers["an HTML comment of its own"].scope) == (
        Reach.BLOCK,
        ho.span,
    )
    assert waivers["HTML, on its line"].reach is Reach.LINE
    # the comments are not statement text
    assert co.statement is not None and co.statement.text == "Coming soon..."
    assert ho.statement is not None and ho.statement.text == "Awaiting confirmation."
    assert the_page.problems == ()


def test_the_multi_line_form_holds_several_waivers_and_reasons_may_wrap() -> None:
    text = page(
        block(
            "Cabinet<br>Office",
            "Coming soon...\n{::comment}\nA note for editors.\n"
            "checker: allow placeholder-text until 2027-03-01 -- CO signs off\n  after the spending review\n"
            "checker: allow read-more-missing -- no strategy yet\n{:/comment}",
        )
    )
    the_page = parsed(text)
    first, second = the_page.waivers
    assert (first.rules, first.reason) == (("placeholder-text",), "CO signs off after the spending review")
    assert first.span.start.line + 1 == first.span.end.line
    assert (second.rules, second.reason, second.reach) == (
        ("read-more-missing",),
        "no strategy yet",
        Reach.BLOCK,
    )
    (block_,) = the_page.departments
    assert block_.statement is not None and block_.statement.text == "Coming soon..."
    assert the_page.problems == ()


def test_waiver_lines_are_not_stray_text_or_statement_text() -> None:
    before = (
        f"{comment('checker: allow placeholder-text -- one line')}\n"
        "{::comment}\nchecker: allow crest-missing -- several\nlines\n{:/comment}\n"
        "{::comment /}"
    )
    text = page(block("Cabinet<br>Office", f"We will do it.\n{comment('a note')}", before=before))
    the_page = parsed(text)
    assert the_page.problems == ()
    (block_,) = the_page.departments
    assert block_.statement is not None
    assert block_.statement.text == "We will do it."
    assert block_.heading is not None and block_.heading.classes == ("logo-single",)


def test_a_waiver_between_the_heading_and_its_attribute_list_detaches_it_as_kramdown_does() -> None:
    text = page(
        block(
            "Cabinet<br>Office", "We will.", crest=f"{comment('checker: allow x -- y')}\n{{: .logo-single}}"
        )
    )
    assert [problem.fault for problem in parsed(text).problems] == [Fault.DETACHED_ATTRIBUTES]


def test_a_comment_after_markup_spoils_the_markup_and_the_waiver() -> None:
    text = page(
        block(
            "Cabinet<br>Office",
            "We will.",
            crest=f"{{: .logo-single}} {comment('checker: allow crest-missing -- y')}",
        )
    )
    the_page = parsed(text)
    (waiver,) = the_page.waivers
    assert waiver.problem is not None and "a comment after {: .logo-single}" in waiver.problem
    (block_,) = the_page.departments
    assert block_.heading is not None and block_.heading.classes == ()


def test_unclosed_and_shown_waivers_are_malformed() -> None:
    text = page(
        block(
            "Cabinet<br>Office", "We will.", before="{::comment}checker: allow crest-missing -- y{/comment}"
        ),
        block("Home Office", "We will.", crest="{: .logo-ho}", before="checker: allow crest-missing -- y"),
    )
    unclosed, shown = parsed(text).waivers
    assert unclosed.problem is not None and "never closed" in unclosed.problem
    assert shown.problem is not None and "not inside a comment" in shown.problem


def test_links_in_comments_are_not_links() -> None:
    text = page(block("Cabinet<br>Office", f"We will. {comment('see [old](https://old.example/)')}"))
    assert [link.url for link in parsed(text).links] == []


# -- the engine ----------------------------------------------------------------------------------


def test_a_placeholder_waived_in_its_block_and_not_in_the_next() -> None:
    waiver = comment("checker: allow placeholder-text until 2027-01-31 -- CO answers after the review")
    text = page(
        block("Cabinet<br>Office", "Coming soon...", before=waiver),
        block("Home Office", "TBC", crest="{: .logo-ho}"),
    )
    shown, waived = judged(text)
    assert rules(shown) == [(18, "placeholder-text")]
    assert rules(waived) == [(10, "placeholder-text")]


def test_the_last_day_counts_and_the_day_after_is_expired() -> None:
    waiver = comment("checker: allow placeholder-text until 2027-01-31 -- CO answers after the review")
    text = page(block("Cabinet<br>Office", "Coming soon...", before=waiver))
    assert judged(text, today=date(2027, 1, 31))[0] == []
    shown, waived = judged(text, today=date(2027, 2, 1))
    assert waived == []
    assert rules(shown) == [(8, "waiver-expired"), (10, "placeholder-text")]
    expired = shown[0]
    assert expired.message == (
        "the waiver for placeholder-text expired on 2027-01-31; the finding it covered is reported again"
    )
    assert expired.department == "Cabinet Office"
    assert expired.fingerprint and expired.subject.startswith("{::comment}checker: allow")


def test_a_family_and_a_page_level_waiver() -> None:
    text = page(
        block("Cabinet<br>Office", "We will. [Read more »](http://www.cabinetoffice.gov.uk/)", crest=""),
        block("Home Office", "We will. [Read more »](http://www.homeoffice.gov.uk/)", crest="{: .logo-ho}"),
        top=comment("checker: allow link-, crest -- the old sites serve http only") + "\n",
    )
    shown, waived = judged(text)
    assert shown == []
    assert sorted({finding.rule for finding in waived}) == ["crest-missing", "link-insecure"]


def test_an_unused_waiver() -> None:
    text = page(
        block(
            "Cabinet<br>Office",
            "We will do it. [Read more »](https://www.gov.uk/government/organisations/cabinet-office)",
            before=comment("checker: allow placeholder-text -- CO had not answered"),
        )
    )
    shown, _ = judged(text)
    assert rules(shown) == [(8, "waiver-unused")]
    assert shown[0].message == "the waiver for placeholder-text covers no finding in its department block"


def test_a_line_waiver_covers_its_line_only() -> None:
    text = page(
        block(
            "Cabinet<br>Office", "TBC", before=f"Not here. {comment('checker: allow placeholder-text -- x')}"
        )
    )
    shown, _ = judged(text)
    assert {finding.rule for finding in shown} >= {"placeholder-text", "waiver-unused"}


def test_unknown_rules_and_waiver_rules_are_malformed() -> None:
    text = page(
        block(
            "Cabinet<br>Office",
            "Coming soon...",
            before=comment("checker: allow placeholder-txt -- x")
            + "\n"
            + comment("checker: allow waiver-unused -- x"),
        )
    )
    shown, waived = judged(text)
    assert waived == []
    malformed = [finding.message for finding in shown if finding.rule == "waiver-malformed"]
    assert len(malformed) == 2
    assert "'placeholder-txt' names no rule" in malformed[0]
    assert "which no waiver can waive" in malformed[1]
    assert "placeholder-text" in {finding.rule for finding in shown}


def test_a_waiver_for_a_rule_that_did_not_run_is_not_judged() -> None:
    text = page(
        block(
            "Cabinet<br>Office",
            "We will do it.",
            before=comment("checker: allow crest-missing until 2020-01-01 -- x"),
        )
    )
    plan = make_plan(selection=Selection(select=("placeholder-text", "waiver-")))
    assert judged(text, plan) == ([], [])
    assert rules(judged(text)[0]) == [(8, "waiver-expired"), (10, "read-more-missing")]


def test_link_waivers_are_not_unused_when_links_were_not_checked() -> None:
    text = page(
        block(
            "Cabinet<br>Office",
            "We will. [Read more »](https://www.gov.uk/government/organisations/cabinet-office)",
            before=comment("checker: allow link-dead -- the page moves in March"),
        )
    )
    assert judged(text) == ([], [])
    down = LinkSummary(urls=1, requests=0, elapsed=0.0, network_down=True, unchecked=1)
    assert judged(text, links=down) == ([], [])
    checked = LinkSummary(urls=1, requests=1, elapsed=0.1, network_down=False)
    assert rules(judged(text, links=checked)[0]) == [(8, "waiver-unused")]


def test_ignored_waiver_rules_report_nothing_but_waivers_still_work() -> None:
    text = page(
        block("Cabinet<br>Office", "Coming soon...", before=comment("checker: allow placeholder-text -- x")),
        block("Home Office", "We will.", crest="{: .logo-ho}", before=comment("checker: allow crest- -- x")),
    )
    plan = make_plan(selection=Selection(ignore=("waiver-unused",)))
    shown, waived = judged(text, plan)
    assert rules(waived) == [(10, "placeholder-text")]
    assert "waiver-unused" not in {finding.rule for finding in shown}


def test_a_malformed_waiver_waives_nothing() -> None:
    text = page(
        block("Cabinet<br>Office", "Coming soon...", before=comment("checker: allow placeholder-text"))
    )
    shown, waived = judged(text)
    assert waived == []
    assert rules(shown) == [(8, "waiver-malformed"), (10, "placeholder-text")]


def test_waiver_model_defaults() -> None:
    assert Page("p.md", PageKind.OTHER, None, None, None, (), (), ()).waivers == ()
    waiver = Waiver(("x",), None, "r", Span.of(1, 1, 1, 2), Span.of(1, 1, 1, 2), Reach.LINE)
    assert waiver.problem is None


# -- end to end ------------------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    target = tmp_path / "_action08.md"
    target.write_text(text, encoding="utf-8")
    return target


def test_check_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = page(
        block(
            "Cabinet<br>Office",
            "Coming soon...",
            before=comment("checker: allow placeholder-text until 2999-12-31 -- CO answers after the review"),
        ),
        block(
            "Home Office", "TBC", crest="{: .logo-ho}", before=comment("checker: allow placeholder-text -- x")
        ),
    )
    target = write(tmp_path, text)
    assert commands.main(["check", "--offline", str(target)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"no problems in 1 page; 2 findings {REASON} not shown"
    assert commands.main(["check", "--offline", "--format", "json", str(target)]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["hidden"] == 2

    target.write_text(text.replace("2999-12-31", "2001-12-31"), encoding="utf-8")
    assert commands.main(["check", "--offline", str(target)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == f"1 error, 1 warning in 1 page; 1 finding {REASON} not shown"
    assert any("[waiver-expired]" in line for line in out)


def test_run_fingerprints_waiver_findings(tmp_path: Path) -> None:
    text = page(
        block("Cabinet<br>Office", "We will.", before=comment("checker: allow placeholder-text -- x"))
    )
    target = write(tmp_path, text)
    report = run(RunRequest([str(target)], PLAN, root=tmp_path))
    (unused,) = [finding for finding in report.findings if finding.rule == "waiver-unused"]
    assert unused.fingerprint
    again = run(RunRequest([str(target)], PLAN, root=tmp_path))
    assert [finding.fingerprint for finding in again.findings] == [
        finding.fingerprint for finding in report.findings
    ]


def test_a_multi_line_html_comment_holds_a_waiver_too() -> None:
    before = "<!--\n  checker: allow placeholder-text\n  -- CO answers after the review\n-->"
    text = page(block("Cabinet<br>Office", "Coming soon...", before=before))
    (waiver,) = parsed(text).waivers
    assert (waiver.reach, waiver.reason, waiver.span.start.line, waiver.span.end.line) == (
        Reach.BLOCK,
        "CO answers after the review",
        9,
        10,
    )
    shown, waived = judged(text)
    assert (shown, rules(waived)) == ([], [(13, "placeholder-text")])


def test_a_comment_after_a_pre_processor_token_spoils_the_waiver_but_not_the_token() -> None:
    text = page(block("Cabinet<br>Office", "We will.")).replace(
        "{div .department}", "{div .department} " + comment("checker: allow crest-missing -- y")
    )
    the_page = parsed(text)
    (waiver,) = the_page.waivers
    assert waiver.problem is not None and "after {div .department}" in waiver.problem
    assert [block_.name for block_ in the_page.departments] == ["Cabinet Office"]
    assert the_page.problems == ()
