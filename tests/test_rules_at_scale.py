"""The rules' shortcuts (issue 12) give exactly what the plain ways give, with work linear in the pages.

Each index, shared table and encoder that replaced a plain loop is compared here with that loop,
kept below as the reference, on random input and on the real pages: the statement-duplicate
matcher with "each other statement in order", the read-more tallies with a count over the other
pages, the banded edit distance with the full table, the JSON writer with ``json.dumps``, the
text-only words with ``statement_words``. How much work a run does is counted in calls, never
timed: for a publication twice as long, each costly step runs about twice as often, not four times.
"""

from __future__ import annotations

import dataclasses
import enum
import gc
import io
import json
import math
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from checker.checks import read_more_target, statement_duplicate, statement_pattern, statements
from checker.checks.department_presence import SINGLE, is_single
from checker.checks.publication import Response
from checker.checks.read_more_consistency import MAJORITY_AT_LEAST, Tally
from checker.checks.statement_duplicate import Candidate, Options, _Matcher, word_distance
from checker.engine.api import Context, Scope
from checker.engine.evaluate import Evaluation, evaluate
from checker.engine.kinds import KINDS, placeholder_test
from checker.engine.plan import make_plan
from checker.engine.run import check, evaluate_pages
from checker.model import DepartmentBlock, Link, LinkKind, Page, Span, Statement
from checker.model.finding import Finding, Related, Severity
from checker.model.links import ErrorKind, Hop, LinkResult, LinkStatus, fetch_key
from checker.model.registry import Registry
from checker.output import json_format
from checker.output.base import OutputOptions
from checker.parse import parse_file, parse_source
from checker.parse.source import Source
from checker.text import plain_typography
from tests.conftest import FIXTURES
from tests.test_statement_duplicate import _candidate, _distance, _edited, _first_copy, _page

PLAN = make_plan()
PAGES = sorted(path for path in FIXTURES.rglob("*.md") if "html" not in path.parts)


def _statements() -> list[Statement]:
    found: list[Statement] = []
    for path in PAGES:
        page = parse_file(str(path))
        found.extend(block.statement for block in page.departments if block.statement is not None)
    return found


def _response(page: Page, name: str = "Home Office") -> Response:
    return Response(page, DepartmentBlock(Span.of(1, 1, 1, 1), None, None), name, name)


# --- statement-duplicate ----------------------------------------------------------------------


def test_word_distance_is_the_full_tables() -> None:
    rng = random.Random(12)
    for _ in range(20_000):
        first = [rng.choice("abc") for _ in range(rng.randrange(12))]
        second = _edited(rng, first if rng.random() < 0.6 else list("abcab"), "abcd", rng.randrange(5))
        limit = rng.randrange(5)
        assert word_distance(first, second, limit) == _distance(first, second, limit)


def _department(rng: random.Random) -> list[Candidate]:
    """Statements of one department on random pages: a few wordings, many near copies of them."""
    pages = [_page(rng.choice([None, *range(1, 6)]), f"_action{n:02d}.md") for n in range(rng.randint(1, 9))]
    if rng.random() < 0.8:  # in response order (by action, then path), as the rule reads them
        pages.sort(
            key=lambda page: (page.action_number if page.action_number is not None else 10**6, page.path)
        )
    vocabulary = "abcdefgh"[: rng.randint(2, 8)]
    templates = [
        [rng.choice(vocabulary) for _ in range(rng.randint(0, 16))] for _ in range(rng.randint(1, 3))
    ]
    candidates = []
    for page in pages:
        for _ in range(rng.randint(0, 4)):
            words = _edited(rng, rng.choice(templates), vocabulary, rng.randrange(4))
            if words:
                candidates.append(_candidate(page, words))
    return candidates


def test_the_matcher_finds_what_each_other_statement_in_order_finds() -> None:
    rng = random.Random(2012)
    compared = copies = 0
    for _ in range(3_000):
        candidates = _department(rng)
        options = Options(max_changed_words=rng.randrange(4), min_words=rng.choice([0, 1, 2, 3, 5, 8, 12]))
        matcher = _Matcher(candidates, options)
        for at in range(len(candidates)):
            found = matcher.first_copy(at)
            expected = _first_copy(candidates, at, options)
            got = (
                None
                if found is None
                else (next(i for i, c in enumerate(candidates) if c is found[0]), found[1])
            )
            assert got == expected
            compared += 1
            copies += expected is not None
    assert compared > 10_000 and copies > compared // 4  # both kinds of answer were tried


# --- read-more-inconsistent -------------------------------------------------------------------


def _reference_majority(others: Sequence[tuple[Response, Link]], key: Callable[[str], str]) -> str | None:
    """What ``_majority`` gave: the first other link's URL for a key more than half of them use."""
    if not others:
        return None
    top, count = Counter(key(link.url) for _, link in others).most_common(1)[0]
    if count < MAJORITY_AT_LEAST or count * 2 <= len(others):
        return None
    return next(link.url for _, link in others if key(link.url) == top)


def _reference_describe(urls: Sequence[str], expected: str, key: Callable[[str], str]) -> str:
    """What ``describe_others`` said of the other pages' links."""
    if not urls:
        return 'no other page has a "Read more" link for it'
    top, count = Counter(key(url) for url in urls).most_common(1)[0]
    shown = "it" if top == key(expected) else next(url for url in urls if key(url) == top)
    if len(urls) == 1:
        return f"its other page uses {shown}"
    if count == len(urls):
        return f"its {len(urls)} other pages all use {shown}"
    return f"{count} of its {len(urls)} other pages use {shown}"


def test_tallies_read_the_other_pages_as_counting_them_did() -> None:
    rng = random.Random(5)
    urls = [
        "http://www.homeoffice.gov.uk/digital/",
        "https://www.homeoffice.gov.uk/digital",
        "http://www.homeoffice.gov.uk/digital/#part-2",
        "http://www.homeoffice.gov.uk/strategy.pdf",
        "https://www.gov.uk/x",
    ]
    for _ in range(2_000):
        pages = [_page(n, f"_action{n:02d}.md") for n in range(1, rng.randint(2, 7))]
        uses = []
        for page in sorted(pages, key=lambda _: rng.random()) if rng.random() < 0.3 else pages:
            response = _response(page)
            for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
                url = rng.choice(urls[: rng.randint(1, len(urls))])
                uses.append((response, Link("Read more »", url, LinkKind.INLINE, Span.of(1, 1, 1, 2), True)))
        for key in (read_more_target.document_key, lambda url: url):
            tally = Tally(uses, key)
            for response, _ in uses:
                others = [(other, link) for other, link in uses if other.page is not response.page]
                majority = tally.majority(response.page, "Home Office")
                assert (majority.url if majority else None) == _reference_majority(others, key)
                expected = rng.choice(urls)
                described = tally.describe(response.page, expected)
                assert described == _reference_describe([link.url for _, link in others], expected, key)


# --- the JSON writer --------------------------------------------------------------------------


class _Level(enum.IntEnum):
    LOW = 1


class _Word(enum.StrEnum):
    WORD = "wörd"


def _value(rng: random.Random, depth: int) -> Any:
    scalars: list[Any] = [
        "",
        "plain",
        "ünïcödé “quotes” …",
        'control \x00\x1f\x7f\n\t"\\',
        "\ud800 lone",
        "😀",
        0,
        -7,
        2**70,
        1.5,
        -0.0,
        1e300,
        math.inf,
        -math.inf,
        math.nan,
        True,
        False,
        None,
        _Level.LOW,
        _Word.WORD,
    ]
    if depth > 3 or rng.random() < 0.5:
        return rng.choice(scalars)
    if rng.random() < 0.5:
        items = [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
        return tuple(items) if rng.random() < 0.2 else items
    keys: list[Any] = ["a", "b c", "ü", "", 1, 2.5, True, False, None, _Word.WORD]
    return {rng.choice(keys): _value(rng, depth + 1) for _ in range(rng.randrange(4))}


def test_the_json_writer_writes_what_json_dump_writes() -> None:
    rng = random.Random(3)
    for _ in range(3_000):
        data = {"version": 2, "x": _value(rng, 0), "y": _value(rng, 0)}
        stream = io.StringIO()
        json_format._write(data, stream)
        assert stream.getvalue() == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    empty = io.StringIO()
    json_format._write({}, empty)
    assert empty.getvalue() == json.dumps({}, indent=2) + "\n"
    with pytest.raises(TypeError):
        json_format._write({"x": {1, 2}}, io.StringIO())
    with pytest.raises(TypeError):
        json_format._write({"x": {(1, 2): "tuple key"}}, io.StringIO())


def test_json_reports_are_json_dumps_of_their_document() -> None:
    """Findings of every shape (related places, evidence, exempt, empty fields), and no finding at all."""
    report = check([str(FIXTURES / "publication"), str(FIXTURES / "cases")], PLAN)
    assert any(finding.related for finding in report.findings)
    evidence = Finding(
        "link-status",
        Severity.ERROR,
        "p.md",
        Span.of(1, 2, 1, 9),
        "m",
        url="https://x",
        exempt="not changed",
        link=_link_result(),
        related=(Related("q.md", Span.of(3, 1, 3, 4), "there"),),
    )
    for shown in (
        report,
        dataclasses.replace(report, findings=(*report.findings[:20], evidence)),
        dataclasses.replace(report, findings=()),
    ):
        stream = io.StringIO()
        json_format.FORMATTER.write(shown, stream, OutputOptions())
        assert (
            stream.getvalue() == json.dumps(json_format.document(shown), indent=2, ensure_ascii=False) + "\n"
        )


def _link_result() -> LinkResult:
    return LinkResult(
        url="http://x/a#f",
        status=LinkStatus.DEAD,
        status_code=404,
        final_url="https://x/a",
        redirects=(Hop("http://x/a", 301, "https://x/a"),),
        permanent_redirect=True,
        error_kind=ErrorKind.HTTP_STATUS,
        detail="the server answered 404 Not Found “quoted”",
        elapsed=0.12345,
        attempts=2,
        content_type="text/html",
        anchors=frozenset({"f"}),
        checked_at=datetime(2026, 1, 2, tzinfo=UTC),
    )


# --- statement words, typography, patterns ----------------------------------------------------


def test_typography_is_plain_typography() -> None:
    every = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)
    assert statements.typography(every) == plain_typography(every)
    assert statements.typography("plain ASCII") == "plain ASCII"


def test_other_space_is_what_isspace_says() -> None:
    for code in range(0x110000):
        char = chr(code)
        assert bool(statements._OTHER_SPACE.match(char)) == (char.isspace() and char != " ")


_HOSTILE = [
    "Coming soon&hellip; [Read more »](https://x/a) **TBC** <br> `code` ~strike~ \\*",
    "A <a href='https://x'>link <b>text</b></a> and   spaces\u2028and\u00a0nbsp.",
    "[ref]: https://x/ref\nText [with][ref] a reference and [Read more »]",
    "…“quoted” ‘text’ — dash – dash &#8217; &#x2019; &amp;amp;",
    "   \t  ",
    "[Read more »](https://x/a)[Read more »](https://x/b) overlapping <https://x/c>",
]


def test_words_text_is_the_text_of_statement_words() -> None:
    found = _statements()
    for text in _HOSTILE:
        page = parse_source(Source("page.md", _page_text(text)))
        found.extend(block.statement for block in page.departments if block.statement is not None)
    assert len(found) > 300
    for statement in found:
        assert statements.words_text(statement) == statements.statement_words(statement).text


def test_words_text_skips_only_passes_that_would_find_nothing() -> None:
    """``words_text`` runs a markup pattern only over a text holding a character its matches need,
    and the space pattern only over an unprintable one: on statements made of the pieces those
    patterns read, in every order, it still gives what ``statement_words`` (which runs them all) does."""
    pieces = ["<br>", "</b>", "&amp;", "&#8217;", "**", "_", "`", "~~", "\\*", "\\a", " ", "  ", "\t",
              "\u00a0", "\u2028", "\u3000", "word", "é", ".", "[x](https://x/a)", "<", "&",
              "a_b"]  # fmt: skip
    rng = random.Random(12)
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        page = parse_source(Source("page.md", _page_text(f"Our plan {text} ends.")))
        for statement in (block.statement for block in page.departments):
            if statement is not None:
                assert statements.words_text(statement) == statements.statement_words(statement).text


def test_sentence_breaks_are_where_the_pattern_as_first_written_finds_them() -> None:
    written = re.compile(r"(?<=[.!?;:])\s+|\s+-+\s+")
    pieces = ["a", "é", " ", "  ", "\t", "\n", "\u00a0", "\u2028", ".", "!", "?", ";", ":", "-", "--", ","]
    rng = random.Random(5)
    for _ in range(50_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 16)))
        found = [match.span() for match in statement_pattern.SENTENCE_BREAK.finditer(text)]
        assert found == [match.span() for match in written.finditer(text)], repr(text)
        assert statement_pattern.sentences(text) == [part for part in written.split(text) if part]


def _page_text(statement: str, heading: str = "Cabinet<br>Office") -> str:
    return (
        "{{DEPARTMENTRESPONSE}}\n#Action 08: Departments will do things\n{div .section}\n{div .department}\n"
        f"##{heading}\n{{: .logo-single}}\n{{div .statement}}\n{statement}\n{{/div}}\n{{/div}}\n{{/div}}\n"
    )


def _placeholder_options() -> statement_pattern.Options:
    rule = next(rule for rule in PLAN.rule_set.rules if rule.id == "placeholder-text")
    options: statement_pattern.Options = rule.options
    return options


def test_patterns_as_one_say_what_each_says() -> None:
    options = _placeholder_options()
    texts = [statements.words_text(statement) for statement in _statements()]
    texts += [plain_typography(statement.text) for statement in _statements()]
    texts += [
        "TBC",
        "tbc.",
        "Coming soon...",
        "n/a",
        "N.A",
        "pending",
        "...",
        "-",
        "TODO",
        "our todo list",
        "[insert figures]",
        "[insert figures](x)",
        "Awaiting DCLG confirmation",
        "x" * 3000,
        "",
    ]
    whole, patterns = statements.either(options.whole), statements.either(options.patterns)
    assert whole is not None and patterns is not None  # the shipped rule's patterns make one each
    for text in texts:
        assert (whole.fullmatch(text) is not None) == any(p.fullmatch(text) for p in options.whole)
        assert (patterns.search(text) is not None) == any(p.search(text) for p in options.patterns)


def test_patterns_with_other_options_are_read_one_by_one() -> None:
    mixed = (statements.linear(re.compile("a")), statements.linear(re.compile("b"), ignore_case=True))
    assert statements.either(mixed) is None
    assert statements.either(()) is None
    named = (statements.linear(re.compile(r"(?P<text>XX)")), statements.linear(re.compile(r"(?P<text>YY)")))
    combined = statements.either(named)
    for text in ["a YY b XX", "XX", "nothing", ""]:
        assert (combined is not None and combined.search(text) is not None) == any(
            p.search(text) for p in named
        )
    options = statement_pattern.Options(patterns=(re.compile(r"(?P<text>XX)"), re.compile(r"(?P<text>YY)")))
    assert statement_pattern.search_match(options, "a YY b XX") == statement_pattern.Hit(2, 4, "YY")
    assert statement_pattern.search_match(options, "nothing") is None


# --- per-run tables -----------------------------------------------------------------------------


def test_context_tables_answer_as_the_registry_does() -> None:
    registry: Registry = PLAN.rule_set.registry
    context = Context([], registry, lambda statement: False)
    names = ["Home Office", "home office", "HM Treasury", "Her Majesty's Treasury", "Home Offce", "Nobody"]
    for name in names * 2:
        assert context.lookup(name) == registry.lookup(name)
        assert context.closest(name) == registry.closest(name)
    for url in ["HTTP://WWW.Gov.UK:80/a#x", "https://x", "mailto:a@b", "http://[::1/", "not a url"] * 2:
        assert context.fetch_key(url) == fetch_key(url)
    made: list[int] = []

    def make() -> int:
        made.append(1)
        return len(made)

    assert context.shared("key", make) == 1
    assert context.shared("key", make) == 1  # made once per run
    assert Context([], registry, lambda statement: False).shared("key", lambda: 5) == 5  # per run


def test_the_placeholder_test_remembers_statements_not_ids() -> None:
    """Statements made and dropped one after another may share an id: each is judged as itself."""
    is_placeholder = placeholder_test(PLAN.rule_set.rules)
    for index in range(200):
        text = "Coming soon..." if index % 2 else f"We will publish {index} datasets."
        statement = parse_source(Source("page.md", _page_text(text))).departments[0].statement
        assert statement is not None
        assert is_placeholder(statement) is bool(index % 2)
        assert is_placeholder(statement) is bool(index % 2)
        del statement


def test_is_single_with_a_memory_of_lines_says_the_same() -> None:
    seen: dict[str, bool] = {}
    for path in PAGES:
        page = parse_file(str(path))
        assert is_single(page, SINGLE, seen) == is_single(page, SINGLE)


def test_identified_keeps_every_other_field() -> None:
    finding = Finding(
        "r",
        Severity.WARNING,
        "p.md",
        Span.of(1, 2, 3, 4),
        "m",
        "f",
        "d",
        "u",
        "s",
        {"a": 1},
        None,
        "fp",
        "exempt",
        (Related("q.md", Span.of(1, 1, 1, 2), "there"),),
    )
    made = finding.identified("subject", "print")
    assert made == dataclasses.replace(finding, subject="subject", fingerprint="print")
    for field in dataclasses.fields(Finding):
        if field.name not in ("subject", "fingerprint"):
            assert getattr(made, field.name) == getattr(finding, field.name), field.name


def test_a_run_leaves_the_collector_as_it_found_it() -> None:
    frozen = gc.get_freeze_count()
    check([str(FIXTURES / "corpus" / "departmentactions")], PLAN)
    assert gc.get_freeze_count() == frozen
    assert gc.isenabled()


# --- linear work --------------------------------------------------------------------------------

_NAMES = [
    "Cabinet<br>Office",
    "Home<br>Office",
    "HM<br>Treasury",
    "Ministry of<br>Defence",
    "Department for Digital Thingz",
]


def _publication(pages: int, blocks: int = 24) -> list[Page]:
    """Pages as ``/tmp/bench/gen.py`` writes them: the same few departments over and over, near-copy
    statements, unique URLs, action numbers repeating every 3 pages, one unknown department."""
    made = []
    for number in range(pages):
        lines = [
            "{{DEPARTMENTRESPONSE}}",
            f"#Action {number % 3 + 1:02d}: Departments will do things",
            "{div .section}",
        ]
        for block in range(blocks):
            lines += [
                "{div .department}",
                f"##{_NAMES[block % len(_NAMES)]}",
                "{: .logo-single}",
                "{div .statement}",
                f"We will do digital things in block {block} and improve services for users. "
                f"[Read more »](http://127.0.0.1/page/{number * blocks + block})",
                "{/div}",
                "{/div}",
            ]
        lines.append("{/div}")
        made.append(parse_source(Source(f"_action{number:04d}.md", "\n".join(lines) + "\n")))
    return made


def _counted(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, calls: Counter[str]) -> None:
    original = getattr(owner, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls[name] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)


def _work(monkeypatch: pytest.MonkeyPatch, pages: int) -> tuple[Counter[str], int]:
    calls: Counter[str] = Counter()
    with monkeypatch.context() as patched:
        _counted(patched, read_more_target, "document_key", calls)
        _counted(patched, statement_duplicate, "word_distance", calls)
        _counted(patched, statement_duplicate, "differing_words", calls)
        # imported by name: counted where used (statement-duplicate reads it through statement_pattern)
        _counted(patched, statement_pattern, "words_text", calls)
        _counted(patched, Registry, "closest", calls)
        _counted(patched, Registry, "lookup", calls)
        found = evaluate_pages(_publication(pages), PLAN)
    return calls, len(found)


def test_the_work_grows_with_the_publication_not_its_square(monkeypatch: pytest.MonkeyPatch) -> None:
    small, small_found = _work(monkeypatch, 6)
    large, large_found = _work(monkeypatch, 24)
    assert large_found > 3.5 * small_found  # four times the pages: four times the findings
    assert set(small) == {
        "document_key",
        "word_distance",
        "differing_words",
        "words_text",
        "closest",
        "lookup",
    }
    for name, count in small.items():
        assert large[name] <= 4.5 * count, (name, count, large[name])  # a square would be 16 times
    assert large["closest"] == small["closest"] == 1  # one unknown name, worked out once
    assert large["lookup"] == small["lookup"]  # each distinct name looked up once


def test_page_by_page_evaluation_is_evaluate() -> None:
    """Pages checked as they arrive, publication rules at the end: the same findings, in the same order."""
    pages = [
        *_publication(4),
        *(parse_file(str(path)) for path in sorted((FIXTURES / "corpus").rglob("*.md"))),
    ]
    registry = PLAN.rule_set.registry
    whole = evaluate(PLAN.selected, Context(pages, registry, placeholder_test(PLAN.rule_set.rules)))
    arrived: list[Page] = []
    evaluation = Evaluation(PLAN.selected, Context(arrived, registry, placeholder_test(PLAN.rule_set.rules)))
    for page in pages:
        evaluation.page(page)
        arrived.append(page)
    found, failures = evaluation.finish()
    assert (found, failures) == whole
    assert [finding.message for finding in found] == [finding.message for finding in whole[0]]
    assert any(KINDS[rule.kind].scope is Scope.PUBLICATION for rule in PLAN.selected)
