"""Every fixture page carries its expected findings; this one test runs them all.

A fixture ends with an HTML comment (which the parser ignores, as the build does):

    <!-- expect
    9:1 placeholder-text
    25:28 placeholder-text
    -->

or ``<!-- expect: none -->``. Each line is ``LINE:COLUMN rule-id``; the findings of
an offline run with the default profile must be exactly these, no more, no fewer.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from checker.engine.api import Scope
from checker.engine.kinds import KINDS
from checker.engine.plan import make_plan
from checker.engine.run import evaluate_pages
from checker.parse import parse_file
from tests.conftest import FIXTURES, SHARED_CORPUS

EXPECT = re.compile(r"<!-- expect(?P<none>: none)?\s*(?P<body>.*?)-->", re.DOTALL)
ENTRY = re.compile(r"^(?P<line>\d+):(?P<column>\d+) (?P<rule>[a-z-]+)$")
PAGES = sorted(FIXTURES.glob("**/*.md"))
PAGES = [page for page in PAGES if page.name != "README.md"]
CRAWL_KINDS = {kind.name for kind in KINDS.values() if kind.reads_link_results}
PLAN = make_plan()


def expected(path: Path) -> list[tuple[int, int, str]]:
    text = path.read_text(encoding="utf-8")
    blocks = list(EXPECT.finditer(text))
    assert len(blocks) == 1, f"{path}: needs exactly one <!-- expect --> block"
    block = blocks[0]
    if block["none"]:
        return []
    entries = []
    for raw in block["body"].strip().splitlines():
        match = ENTRY.match(raw.strip())
        assert match, f"{path}: bad expectation line {raw!r} (want LINE:COLUMN rule-id)"
        entries.append((int(match["line"]), int(match["column"]), match["rule"]))
    assert entries, f"{path}: an empty expect block; write <!-- expect: none --> for a clean page"
    return sorted(entries)


@pytest.mark.parametrize("path", PAGES, ids=[str(page.relative_to(FIXTURES)) for page in PAGES])
def test_fixture(path: Path) -> None:
    page = parse_file(str(path))
    findings = evaluate_pages([page], PLAN)
    actual = sorted((finding.line, finding.column, finding.rule) for finding in findings)
    assert actual == expected(path), "\n".join(
        f"{path.relative_to(FIXTURES)}:{f.line}:{f.column}: {f.rule}: {f.message}" for f in findings
    )


def test_fixtures_cover_every_content_rule() -> None:
    """Every rule that needs no crawl has a fixture where it fires (link rules: tests/test_link_rules.py)."""
    fired = {rule for path in PAGES for _, _, rule in expected(path)}
    # cross-page rules see one page here and say nothing: tests/test_crosspage.py covers them
    rules = {
        rule.id
        for rule in PLAN.rule_set.rules
        if rule.kind not in CRAWL_KINDS and KINDS[rule.kind].scope is not Scope.PUBLICATION
    }
    assert rules - fired == set()


CORPUS_COPIES = sorted((FIXTURES / "corpus").glob("*/*.md"))


SUMS = {
    name: digest
    for digest, name in (
        line.split("  ", 1)
        for line in (FIXTURES / "corpus" / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
}


def page_text(copy: Path) -> bytes:
    """The copy without its trailing expect block: the page as published."""
    text = copy.read_bytes()
    return text[: text.rindex(b"<!-- expect")].rstrip(b"\n")


@pytest.mark.parametrize(
    "copy", CORPUS_COPIES, ids=[str(page.relative_to(FIXTURES)) for page in CORPUS_COPIES]
)
def test_corpus_copies_are_verbatim(copy: Path) -> None:
    """Every copy is the published page, byte for byte: checked against the recorded sums."""
    name = copy.relative_to(FIXTURES / "corpus").as_posix()
    assert hashlib.sha256(page_text(copy)).hexdigest() == SUMS[name]


def test_every_recorded_page_has_a_copy() -> None:
    assert set(SUMS) == {copy.relative_to(FIXTURES / "corpus").as_posix() for copy in CORPUS_COPIES}


@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")
def test_sums_match_the_shared_corpus() -> None:
    """An extra, where the shared corpus is beside the checkout: the sums are of today's originals."""
    for name, digest in SUMS.items():
        original = (SHARED_CORPUS / name).read_bytes().rstrip(b"\n")
        assert hashlib.sha256(original).hexdigest() == digest, name


def test_real_pages_parse_without_structure_problems() -> None:
    for copy in CORPUS_COPIES:
        assert parse_file(str(copy)).problems == (), copy
