"""Department names as readers see them, near-miss links, and Read-more links to another department.

Fixtures show each end to end (``names-entities.md``, ``link-near-misses.md``,
``read-more-wrong-department.md``); these tests pin the pieces: ``heading_text``,
``name_key``, what the parser records for a near miss (span, detail, rewrite), and how
``read-more-target`` compares URLs.
"""

from __future__ import annotations

from typing import Any

import pytest

from checker.checks import read_more_target
from checker.checks.read_more_target import document_key
from checker.config.registry import load_registry
from checker.engine.api import Context, Rule
from checker.engine.evaluate import link_sites
from checker.engine.plan import make_plan
from checker.engine.run import evaluate_pages
from checker.model import Link, LinkKind, Page
from checker.model.finding import Finding, Severity
from checker.model.registry import Department, Registry
from checker.parse import parse_source
from checker.parse.source import Source
from checker.text import heading_text, name_key
from tests.conftest import ROOT

SPACE_IN_URL = "the URL contains a space (write it as %20, or fix the address)"
REGISTRY = load_registry(ROOT / "rules" / "departments.yaml")
PLAN = make_plan()


def response(*blocks: tuple[str, str]) -> str:
    """A department-response page with one block per (heading, statement line)."""
    text = "{{DEPARTMENTRESPONSE}}\n#Action 01: t\n{div .section}\n"
    for heading, statement in blocks:
        text += f"{{div .department}}\n##{heading}\n{{: .logo-single}}\n"
        text += f"{{div .statement}}\n{statement}\n{{/div}}\n{{/div}}\n"
    return text + "{/div}\n"


def page_of(text: str) -> Page:
    return parse_source(Source("page.md", text))


# -- names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Business, Innovation &amp; Skills", "Business, Innovation & Skills"),
        ("Her Majesty&#39;s<br>Treasury", "Her Majesty's Treasury"),
        ("Her Majesty&#x2019;s Treasury", "Her Majesty\u2019s Treasury"),
        ("Her Majesty&rsquo;s Revenue &amp;<br/>Customs", "Her Majesty\u2019s Revenue & Customs"),
        ("Foreign &amp;&nbsp;Commonwealth <BR> Office", "Foreign & Commonwealth Office"),
        ("Ministry of\u00a0\u00a0Defence", "Ministry of Defence"),
        ("Home\u00adOffice\u200b", "HomeOffice"),  # invisible characters are not shown
        ("Food \\& Rural Affairs", "Food & Rural Affairs"),  # a Markdown escape
        ("Food \\&amp; Rural", "Food &amp; Rural"),  # an escaped "&" starts no entity
        ("A &lt;br&gt; B", "A <br> B"),  # a written entity is shown, not taken as a break
        ("AT&T Office", "AT&T Office"),  # a bare "&" is itself
    ],
)
def test_heading_text_is_what_the_reader_sees(raw: str, shown: str) -> None:
    assert heading_text(raw) == shown


@pytest.mark.parametrize(
    ("written", "department"),
    [
        (
            "Department for<br>Business, Innovation &amp; Skills",
            "Department for Business, Innovation & Skills",
        ),
        ("Department for Business, Innovation &#38; Skills", "Department for Business, Innovation & Skills"),
        ("Department for Culture, Media &#x26; Sport", "Department for Culture, Media & Sport"),
        ("Her Majesty&#39;s Treasury", "Her Majesty's Treasury"),
        ("Her Majesty\u2019s Treasury", "Her Majesty's Treasury"),
        ("Her Majesty\u02bcs Treasury", "Her Majesty's Treasury"),
        ("Her Majestys Treasury", "Her Majesty's Treasury"),
        ("HM\u00a0Treasury", "Her Majesty's Treasury"),
        ("Her Majesty&rsquo;s Revenue &amp; Customs", "Her Majesty's Revenue & Customs"),
        ("Attorney General\u2019s Office", "Attorney General's Office"),
        ("Attorney Generals Office", "Attorney General's Office"),
        ("Law Officers\u2019 Departments", "Attorney General's Office"),
        ("Foreign &amp;&nbsp;Commonwealth Office", "Foreign and Commonwealth Office"),
        ("FOREIGN AND COMMONWEALTH OFFICE", "Foreign and Commonwealth Office"),
        (
            "Department for Environment, Food \\& Rural Affairs",
            "Department for Environment, Food & Rural Affairs",
        ),
        (
            "Department for Environment\u2013Food & Rural Affairs",
            "Department for Environment, Food & Rural Affairs",
        ),
        ("Ministry of\u2009Defence", "Ministry of Defence"),
        ("Cabinet <br> Office", "Cabinet Office"),
        ("Cabinet&#8203;<br>Office", "Cabinet Office"),  # a zero-width space beside the break
        ("D\u00e9partment for Transport", "Department for Transport"),
    ],
)
def test_every_form_of_a_name_finds_the_department(written: str, department: str) -> None:
    found = REGISTRY.lookup(written)
    assert found is not None and found.name == department


def test_name_keys_still_tell_departments_apart() -> None:
    keys = [name_key(department.name) for department in REGISTRY.departments]
    assert len(set(keys)) == len(keys)
    assert REGISTRY.lookup("Department for Digital &amp; Data") is None
    assert name_key("Home Office") != name_key("Cabinet Office")


def test_the_heading_name_is_decoded_and_the_raw_kept() -> None:
    (block,) = page_of(response(("Department for<br>Business, Innovation &amp; Skills", "x"))).departments
    assert block.heading is not None
    assert block.heading.raw == "Department for<br>Business, Innovation &amp; Skills"
    assert block.name == "Department for Business, Innovation & Skills"


def test_unknown_department_message_shows_the_character() -> None:
    text = response(("Department for Digital &amp; Data", "x [Read more »](https://www.gov.uk/x)"))
    (finding,) = [f for f in evaluate_pages([page_of(text)], PLAN) if f.rule == "department-unknown"]
    assert '"Department for Digital & Data"' in finding.message


# -- near misses ---------------------------------------------------------------------------

NEAR_MISSES = [
    # (statement line, source under the span, rule, detail, rewrite)
    (
        "See [Read more »] (https://www.gov.uk/a) now",
        "[Read more »] (https://www.gov.uk/a)",
        'there is a space between "]" and "("',
        "[Read more »](https://www.gov.uk/a)",
    ),
    (
        "See [Read more »](https://www.gov.uk/some doc) now",
        "[Read more »](https://www.gov.uk/some doc)",
        SPACE_IN_URL,
        "[Read more »](https://www.gov.uk/some%20doc)",
    ),
    (
        "See [our plan](https://www.gov.uk/some doc) now",
        "[our plan](https://www.gov.uk/some doc)",
        SPACE_IN_URL,
        "[our plan](https://www.gov.uk/some%20doc)",
    ),
    (
        "See [Read more »]https://www.gov.uk/a.",
        "[Read more »]https://www.gov.uk/a",
        "the URL is not in parentheses",
        "[Read more »](https://www.gov.uk/a)",
    ),
    (
        "See [Read more »] https://www.gov.uk/a",
        "[Read more »] https://www.gov.uk/a",
        "the URL is not in parentheses",
        "[Read more »](https://www.gov.uk/a)",
    ),
    (
        "See [Read more »](https://www.gov.uk/a and more",
        "[Read more »](https://www.gov.uk/a",
        'the "(" before the URL is never closed',
        "[Read more »](https://www.gov.uk/a)",
    ),
    (
        "See [Read more »]((https://www.gov.uk/a) now",
        "[Read more »]((https://www.gov.uk/a)",
        'there is an extra "(" before the URL',
        "[Read more »](https://www.gov.uk/a)",
    ),
    (
        "See [Read more »]<https://www.gov.uk/a> now",
        "[Read more »]<https://www.gov.uk/a>",
        "the URL is in angle brackets, not in parentheses",
        "[Read more »](https://www.gov.uk/a)",
    ),
    (
        "See [Read more »][https://www.gov.uk/a] now",
        "[Read more »][https://www.gov.uk/a]",
        "the URL is in square brackets, not in parentheses",
        "[Read more »](https://www.gov.uk/a)",
    ),
    (
        "See [Read more »] (https://www.gov.uk/a b) now",
        "[Read more »] (https://www.gov.uk/a b)",
        'there is a space between "]" and "("; ' + SPACE_IN_URL,
        "[Read more »](https://www.gov.uk/a%20b)",
    ),
    (
        "See <https://www.gov.uk/some doc> now",
        "<https://www.gov.uk/some doc>",
        SPACE_IN_URL,
        "<https://www.gov.uk/some%20doc>",
    ),
]


def _under(line: str, link: Link) -> str:
    return line[link.column - 1 : link.span.end.column - 1]


@pytest.mark.parametrize(("line", "source", "detail", "rewrite"), NEAR_MISSES)
def test_near_misses_are_one_link_each_with_what_is_wrong(
    line: str, source: str, detail: str, rewrite: str
) -> None:
    page = page_of(f"para\n\n{line}\n")
    (link,) = page.links  # the URL inside is part of the near miss, not a second link
    assert (link.kind, link.url, link.line) == (LinkKind.UNRESOLVED, "", 3)
    assert (_under(line, link), link.detail, link.rewrite) == (source, detail, rewrite)


@pytest.mark.parametrize(
    ("line", "source", "detail"),
    [
        (
            "See [Read more »]((https://www.gov.uk/a)) now",
            "[Read more »]((https://www.gov.uk/a))",
            "the URL is in a second pair of parentheses",
        ),
        (
            'See [Read more »]("https://www.gov.uk/a") now',
            '[Read more »]("https://www.gov.uk/a")',
            "the URL is in quotation marks",
        ),
    ],
)
def test_a_wrapped_url_is_a_link_with_a_detail(line: str, source: str, detail: str) -> None:
    (link,) = page_of(f"{line}\n").links
    assert link.kind is LinkKind.INLINE and link.url == source[len("[Read more »](") : -1]
    assert (_under(line, link), link.detail, link.rewrite) == (
        source,
        detail,
        "[Read more »](https://www.gov.uk/a)",
    )


@pytest.mark.parametrize(
    "line",
    [
        "a [sic] https://www.gov.uk/a bare address",  # prose, then a bare link
        "a [Read more »]( https://www.gov.uk/a ) link",  # spaces inside the parentheses are allowed
        "a [Read more »](<https://www.gov.uk/a b>) link",  # a link: link-malformed names the space
        "a [note] (see below) aside",
    ],
)
def test_not_near_misses(line: str) -> None:
    assert not any(link.detail for link in page_of(f"{line}\n").links)


def test_a_url_broken_across_two_lines() -> None:
    lines = ["See [Read more »](https://www.gov.uk/government/", "publications/digital-strategy). Then more."]
    (link,) = page_of("\n".join(lines) + "\n").links
    assert (link.line, link.column, link.span.end.line, link.span.end.column) == (1, 5, 2, 31)
    assert link.detail == "the URL is broken across two lines"
    assert link.rewrite == "[Read more »](https://www.gov.uk/government/publications/digital-strategy)"


def test_read_more_with_no_url_still_says_so() -> None:
    (link,) = page_of("a [Read more »] (see below)\n").links
    assert (link.kind, link.detail, _under("a [Read more »] (see below)", link)) == (
        LinkKind.UNRESOLVED,
        "",
        "[Read more »]",
    )


def test_near_miss_findings_name_the_fault_and_the_fix() -> None:
    text = response(
        ("Cabinet Office", "x [Read more »] (https://www.gov.uk/a)"),
        ("Home Office", "x [Read more »](https://www.gov.uk/some doc)"),
    )
    found = [f for f in evaluate_pages([page_of(text)], PLAN) if f.rule.startswith("link-")]
    assert [(f.rule, f.line, f.column) for f in found] == [
        ("link-missing-url", 8, 3),
        ("link-missing-url", 15, 3),
    ]
    first, second = found
    assert first.message == 'the link "Read more »" goes nowhere: there is a space between "]" and "("'
    assert first.fix == "Write it as [Read more »](https://www.gov.uk/a)"
    assert "the URL contains a space" in second.message and "has no URL" not in second.message
    assert second.fix == "Write it as [Read more »](https://www.gov.uk/some%20doc)"


def test_a_bare_read_more_is_offered_the_departments_strategy() -> None:
    (finding,) = [
        f
        for f in evaluate_pages([page_of(response(("Home Office", "x [Read more »]")))], PLAN)
        if f.rule == "link-missing-url"
    ]
    assert finding.fix == f"Write it as [Read more »]({REGISTRY.lookup('Home Office').strategy})"  # type: ignore[union-attr]


def test_near_miss_scan_stays_linear() -> None:
    line = "[x](https://a " * 2000 + "[Read more »] (" * 2000
    assert len(page_of(line + "\n").links) == 4000  # every one a link with no target


# -- Read-more links to another department's strategy ---------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (
            "http://www.homeoffice.gov.uk/ho-digital-strategy/",
            "https://WWW.HomeOffice.gov.uk/ho-digital-strategy",
        ),
        ("http://www.decc.gov.uk/our_goals.aspx#dds", "https://www.decc.gov.uk:443/our_goals.aspx"),
        ("https://www.gov.uk", "https://www.gov.uk/"),
    ],
)
def test_document_key_same(one: str, other: str) -> None:
    assert document_key(one) == document_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("https://www.gov.uk/a", "https://www.gov.uk/A"),  # paths are case-sensitive
        ("https://www.gov.uk/a?x=1", "https://www.gov.uk/a?x=2"),
        ("https://gov.uk/a", "https://www.gov.uk/a"),
        ("https://www.gov.uk/a", "https://www.gov.uk/a/b"),
    ],
)
def test_document_key_different(one: str, other: str) -> None:
    assert document_key(one) != document_key(other)


RULE: Rule[Any] = Rule(
    id="read-more-wrong-department",
    kind=read_more_target.KIND,
    level=Severity.ERROR,
    message="{department}: {owner} ({url})",
    description="",
    fix="{expected}: {strategy}",
    options=read_more_target.Options(),
    source="test",
)


def _wrong(page: Page, registry: Registry) -> list[Finding]:
    context = Context([page], registry, lambda statement: False)
    return [
        found for site in link_sites(page, context) for found in read_more_target.check(RULE, site, context)
    ]


def _department(name: str, strategy: str | None, order: int) -> Department:
    return Department(name, None, (), "logo-single", strategy, order)


def test_a_strategy_two_departments_share_is_right_for_both() -> None:
    shared = "https://www.gov.uk/law-officers-strategy"
    registry = Registry(
        (
            _department("Attorney General's Office", shared, 0),
            _department("Treasury Solicitor's Department", shared, 1),
            _department("Home Office", "https://www.gov.uk/ho", 2),
        )
    )
    page = page_of(
        response(
            ("Attorney General's Office", f"x [Read more »]({shared})"),
            ("Treasury Solicitor&#39;s Department", f"x [Read more »]({shared}/)"),
            ("Home Office", f"x [Read more »]({shared})"),
        )
    )
    (finding,) = _wrong(page, registry)
    assert (finding.message, finding.fix) == (
        f"Home Office: Attorney General's Office ({shared})",
        "Home Office: https://www.gov.uk/ho",
    )


def test_only_read_more_links_of_known_departments_count() -> None:
    other = "https://www.gov.uk/co"
    registry = Registry((_department("Cabinet Office", other, 0), _department("Home Office", None, 1)))
    page = page_of(
        response(
            (
                "Home Office",
                f"as [the Cabinet Office plan]({other}) says. [Read more »](https://www.gov.uk/x)",
            ),
            ("Department for Digital Things", f"x [Read more »]({other})"),
            ("Home Office", f"x [Read more »] ({other})"),  # a near miss: link-missing-url's
        )
    )
    assert _wrong(page, registry) == []
    (finding,) = _wrong(page_of(response(("Home Office", f"x [Read more »]({other})"))), registry)
    assert finding.fix == f"Home Office: {read_more_target.NO_STRATEGY}"
