"""The per-block, per-link and per-finding shortcuts give exactly what the plain ways give.

Each shortcut is compared with the plain way it replaced, kept here as the reference: sentences
read until one is no stand-in, a statement's words shared by the rules of a run, link rules that
read the crawler's results given only the links that have one, the owner of a link found by the
numbers of its span, fingerprints a page at a time, a finding's JSON written without its record
(a link result's once per report), comment-free lines read whole.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import io
import json
import math
import random
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import pytest

from checker.checks import statement_pattern, statements
from checker.checks.publication import visible_lines
from checker.engine.api import Context, LinkSite, Rule
from checker.engine.evaluate import Evaluation, link_sites
from checker.engine.fingerprint import fingerprint, source_text
from checker.engine.kinds import KINDS, placeholder_test
from checker.engine.plan import make_plan
from checker.engine.run import check
from checker.model import Page, PageKind, Span
from checker.model.finding import Fields, FieldValue, Finding, Related, Severity
from checker.model.links import ErrorKind, Hop, LinkResult, LinkStatus, fetch_key
from checker.output import json_format
from checker.output.base import OutputOptions
from checker.parse import parse_file, parse_source
from checker.parse.source import Source
from tests.conftest import FIXTURES

PLAN = make_plan()


def _whole() -> tuple[Any, ...]:
    rule = next(rule for rule in PLAN.rule_set.rules if rule.id == "placeholder-text")
    options: statement_pattern.Options = rule.options
    return options.whole


def _reference_stand_in_words(text: str, whole: tuple[Any, ...]) -> bool:
    """As ``stand_in_words`` was: every sentence cut before any is read."""
    if statement_pattern.is_stand_in(text, whole):
        return True
    parts = statement_pattern.sentences(text)
    return parts != [text] and all(statement_pattern.is_stand_in(part, whole) for part in parts)


def test_sentences_read_until_one_is_no_stand_in_say_what_all_of_them_say() -> None:
    atoms = [
        "tbc",
        "TBC.",
        "Coming soon...",
        "awaiting DCLG confirmation",
        "n/a",
        "pending",
        "to be confirmed",
        "We will publish data",
        "x",
        "",
        ".",
        "!",
        "?",
        ";",
        ":",
        " - ",
        "--",
        " ",
        "\n",
        "(",
        ")",
    ]
    rng = random.Random(7)
    seen = Counter[bool]()
    for whole in (_whole(), (), _whole()[:1]):
        for _ in range(20_000):
            text = "".join(
                rng.choice(atoms) + rng.choice(["", " ", ". ", "; ", " - "]) for _ in range(rng.randrange(7))
            )
            for given in (text, text.strip()):
                expected = _reference_stand_in_words(given, whole)
                assert statement_pattern.stand_in_words(given, whole) is expected, (given, len(whole))
                seen[expected] += 1
    assert seen[True] > 1000 and seen[False] > 1000


def _statement_page() -> Page:
    return parse_source(
        Source(
            "page.md",
            "{{DEPARTMENTRESPONSE}}\n#Action 01: Things\n{div .section}\n"
            "{div .department}\n##Home Office\n{: .logo-single}\n{div .statement}\n"
            "We will **publish** data. [Read more »](https://www.gov.uk/a)\n{/div}\n{/div}\n"
            "{div .department}\n##Cabinet Office\n{: .logo-single}\n{div .statement}\n"
            "Coming soon... [Read more »](http://www.gov.uk/b)\n{/div}\n{/div}\n"
            "{/div}\n[elsewhere](https://www.gov.uk/c)\n",
        )
    )


def test_a_statements_words_are_worked_out_once_in_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    page = _statement_page()
    calls = Counter[str]()
    original = statements.words_text

    def counted(statement: Any, plain: str | None = None) -> str:
        calls["words_text"] += 1
        return original(statement, plain)

    monkeypatch.setattr(statement_pattern, "words_text", counted)
    context = Context([page], PLAN.rule_set.registry, placeholder_test(PLAN.rule_set.rules))
    for block in page.departments:
        statement = block.statement
        assert statement is not None
        plain = statements.plain_text(statement)
        for _ in range(3):
            assert statement_pattern.shared_words_text(context, statement, plain) == original(statement)
    assert calls["words_text"] == len(page.departments)
    statement = page.departments[0].statement
    assert statement is not None
    for _ in range(2):  # without a run, nothing is kept
        statement_pattern.shared_words_text(None, statement, statements.plain_text(statement))
    assert calls["words_text"] == len(page.departments) + 2


def test_first_match_after_the_check_is_what_the_check_found() -> None:
    page = _statement_page()
    rule = next(rule for rule in PLAN.rule_set.rules if rule.id == "placeholder-text")
    context = Context([page], PLAN.rule_set.registry, placeholder_test(PLAN.rule_set.rules))
    for block in page.departments:
        found = list(statement_pattern.check(rule, page, block, context))
        assert block.statement is not None
        hit = statement_pattern.first_match(rule.options, block.statement)
        assert (hit is not None) is bool(found)
        fresh = parse_source(Source("page.md", "\n".join(page.lines) + "\n"))
        statement = next(other for other in fresh.departments if other.name == block.name).statement
        assert statement is not None
        assert statement_pattern.first_match(rule.options, statement) == hit  # worked out again


def _results(page: Page) -> dict[str, LinkResult]:
    """A result for the page's first web link only."""
    url = next(link.url for link in page.links if link.url.startswith("http"))
    return {fetch_key(url): _result(url)}


@pytest.mark.parametrize("online", [False, True])
def test_rules_that_read_results_are_given_the_links_that_have_one(
    monkeypatch: pytest.MonkeyPatch, online: bool
) -> None:
    page = _statement_page()
    given: list[LinkSite] = []
    original = KINDS["link-status"].check

    def recording(rule: Rule[Any], site: LinkSite, context: Context) -> Iterator[Finding]:
        given.append(site)
        yield from original(rule, site, context)

    kind = dataclasses.replace(KINDS["link-status"], check=recording)
    monkeypatch.setitem(KINDS, "link-status", kind)
    results = _results(page) if online else None
    context = Context([page], PLAN.rule_set.registry, placeholder_test(PLAN.rule_set.rules), results)
    evaluation = Evaluation([rule for rule in PLAN.selected if rule.id == "link-dead"], context)
    evaluation.page(page)
    found, failures = evaluation.finish()
    every = list(link_sites(page, context))
    assert given == [site for site in every if site.result is not None]
    assert not failures
    assert len(found) == (1 if online else 0)
    assert len(every) == len(page.links) == 3


def test_a_links_department_is_found_by_its_span_not_its_identity() -> None:
    page = _statement_page()
    context = Context([page], PLAN.rule_set.registry, placeholder_test(PLAN.rule_set.rules))
    copied = dataclasses.replace(page, links=tuple(dataclasses.replace(link) for link in page.links))
    assert all(a is not b for a, b in zip(page.links, copied.links, strict=True))
    expected = [site.department for site in link_sites(page, context)]
    assert expected == ["Home Office", "Cabinet Office", None]
    assert [site.department for site in link_sites(copied, context)] == expected


def _reference_visible_lines(page: Page) -> Iterator[tuple[int, str]]:
    in_comment = False
    for number, text in enumerate(page.lines, start=1):
        rest = text
        shown = ""
        while rest:
            if in_comment:
                end = rest.find("-->")
                if end < 0:
                    rest = ""
                else:
                    rest, in_comment = rest[end + 3 :], False
            else:
                start = rest.find("<!--")
                if start < 0:
                    shown, rest = shown + rest, ""
                else:
                    shown, rest, in_comment = shown + rest[:start], rest[start + 4 :], True
        if shown.strip():
            yield number, shown


def test_visible_lines_are_what_reading_each_line_for_comments_gives() -> None:
    rng = random.Random(4)
    atoms = ["<!--", "-->", "a", " ", "", "<!-", "->", "x -- y", "\t"]
    for _ in range(20_000):
        lines = tuple(
            "".join(rng.choice(atoms) for _ in range(rng.randrange(5))) for _ in range(rng.randrange(6))
        )
        page = Page("p.md", PageKind.OTHER, None, None, None, (), (), (), lines)
        assert list(visible_lines(page)) == list(_reference_visible_lines(page))


def _reference_fingerprint(
    findings: Iterable[Finding], pages: Mapping[str, Page], keys: Mapping[str, str]
) -> list[Finding]:
    seen: Counter[tuple[str, str, str, str]] = Counter()
    out: list[Finding] = []
    for finding in findings:
        page = pages.get(finding.path)
        subject = finding.subject or (source_text(page.lines, finding.span) if page is not None else "")
        identity = (finding.rule, keys.get(finding.path, finding.path), finding.department or "", subject)
        occurrence = seen[identity]
        seen[identity] += 1
        digest = hashlib.sha256("\x1f".join((*identity, str(occurrence))).encode("utf-8")).hexdigest()[:20]
        out.append(dataclasses.replace(finding, subject=subject, fingerprint=digest))
    return out


def test_fingerprints_a_page_at_a_time_are_the_fingerprints() -> None:
    report = check([str(FIXTURES / "corpus"), str(FIXTURES / "cases")], PLAN)
    pages = {path: parse_file(path) for path in {finding.path for finding in report.findings}}
    keys = {path: f"root/{path}" for path in list(pages)[::2]}  # some pages keyed, others not
    bare = [dataclasses.replace(finding, subject="", fingerprint="") for finding in report.findings]
    for findings in (
        bare,
        list(report.findings),
        bare[::-1],  # pages out of order, and coming back
        [*bare, *bare],  # every identity twice
        [*bare, dataclasses.replace(bare[0], path="gone.md")],  # a page that is not there
    ):
        made = fingerprint(findings, pages, keys)
        expected = _reference_fingerprint(findings, pages, keys)
        assert made == expected
        assert [finding.fingerprint for finding in made] == [finding.fingerprint for finding in expected]
        assert [finding.subject for finding in made] == [finding.subject for finding in expected]


def test_a_finding_is_what_the_dataclass_made() -> None:
    span = Span.of(1, 2, 3, 4)
    plain = Finding("r", Severity.ERROR, "p.md", span, "m")
    assert plain.fields == {} and isinstance(plain.fields, Fields)
    given: dict[str, FieldValue] = {"a": 1}
    kept = Finding("r", Severity.ERROR, "p.md", span, "m", fields=given)
    given["a"] = 2  # the finding froze a copy
    assert kept.fields == {"a": 1} and isinstance(kept.fields, Fields)
    proxy = MappingProxyType({"b": "x"})
    assert Finding("r", Severity.ERROR, "p.md", span, "m", fields=proxy).fields == {"b": "x"}
    frozen = Fields(("b",), ("x",))
    assert Finding("r", Severity.ERROR, "p.md", span, "m", fields=frozen).fields is frozen
    full = Finding(
        rule="r",
        severity=Severity.INFO,
        path="p.md",
        span=span,
        message="m",
        fix="f",
        department="d",
        url="u",
        subject="s",
        fields={"c": None},
        link=None,
        fingerprint="fp",
        exempt="e",
        related=(Related("q.md", span, "there"),),
    )
    assert dataclasses.replace(full) == full
    assert dataclasses.replace(full, message="n").message == "n"
    assert [getattr(full, field.name) for field in dataclasses.fields(Finding)] == [
        "r",
        Severity.INFO,
        "p.md",
        span,
        "m",
        "f",
        "d",
        "u",
        "s",
        {"c": None},
        None,
        "fp",
        "e",
        (Related("q.md", span, "there"),),
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        full.rule = "other"  # type: ignore[misc]
    assert hash(full) == hash(dataclasses.replace(full, exempt=None))  # exempt is not compared


def test_rule_findings_show_a_missing_value_as_nothing() -> None:
    page = _statement_page()
    rule = Rule("r", "k", Severity.WARNING, "{department}|{url}|{a}|{b}", "d", "{b}{a}", None, "s")
    span = page.departments[0].span
    made = rule.finding(page, span, a=None, b=2)
    assert (made.message, made.fix, made.subject, dict(made.fields)) == ("|||2", "2", "", {"a": None, "b": 2})
    made = rule.finding(page, span, department="D", url="U", a="x", b=0.5)
    assert (made.message, made.fix, made.subject) == ("D|U|x|0.5", "0.5x", "U")
    assert rule.finding(page, span, department="D", subject="s", a=None, b=None).fix is None


class _Mood(enum.StrEnum):
    GLAD = "glad"


def _result(url: str) -> LinkResult:
    return LinkResult(
        url=url,
        status=LinkStatus.DEAD,
        status_code=404,
        final_url=url + "/x",
        redirects=(Hop(url, 301, url + "/x"),),
        permanent_redirect=True,
        error_kind=ErrorKind.HTTP_STATUS,
        detail="the server answered 404 “quoted”",
        elapsed=0.25,
        attempts=2,
        content_type="text/html",
        anchors=None,
        checked_at=datetime(2026, 1, 2, tzinfo=UTC),
    )


def test_json_findings_of_every_shape_are_json_dumps_of_their_records() -> None:
    report = check([str(FIXTURES / "publication")], PLAN)
    span = report.findings[0].span
    shared, same = _result("http://x/a"), _result("http://x/a")  # equal, not the same object
    values: list[FieldValue | Any] = ["ü “q”", None, 0, -3, 2**70, 1.5, math.nan, math.inf, True, False]
    findings = [
        Finding(
            "r",
            severity,
            "p.md",
            span,
            "m\n\x00",
            fields={"v": value, "n": None, "s": "t", "i": 1, "e": _Mood.GLAD},
            link=link,
            exempt=exempt,
            related=related,
        )
        for severity in Severity
        for value in values
        for link in (None, shared, same, shared)
        for exempt in (None, "outside")
        for related in ((), (Related("q.md", span, "there"),))
    ]
    findings.append(Finding("r", Severity.ERROR, "p.md", span, "m"))  # no fields at all
    shown = dataclasses.replace(report, findings=(*report.findings, *findings))
    stream = io.StringIO()
    json_format.FORMATTER.write(shown, stream, OutputOptions())
    written = stream.getvalue()
    # ``json.dumps`` writes NaN as NaN, as the writer does; compare the text itself
    assert written == json.dumps(json_format.document(shown), indent=2, ensure_ascii=False) + "\n"
    assert re.search(r'"evidence": \{\n        "url": "http://x/a"', written)
