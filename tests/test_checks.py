"""Unit tests of check helpers that fixtures reach only in part."""

from __future__ import annotations

import itertools
import random

from checker.checks.departments import _in_order
from checker.urls import UrlPolicy as Options
from checker.urls import url_problem as problem


def _longest(positions: list[int]) -> int:
    best = [1] * len(positions)
    for i, value in enumerate(positions):
        for j in range(i):
            if positions[j] < value:
                best[i] = max(best[i], best[j] + 1)
    return max(best, default=0)


def test_in_order_keeps_a_longest_increasing_run() -> None:
    rng = random.Random(7)
    for _ in range(300):
        positions = [rng.randrange(12) for _ in range(rng.randrange(15))]
        kept = sorted(_in_order(positions))
        assert len(kept) == _longest(positions)
        assert all(positions[a] < positions[b] for a, b in itertools.pairwise(kept))


def test_malformed_urls() -> None:
    options = Options()
    assert problem("https://www.gov.uk/x", options) is None
    assert problem("mailto:digital@cabinetoffice.gov.uk", options) is None
    assert problem("/digital/strategy/actions/06/", options) is None
    assert problem("#top", options) is None
    assert problem("www.gov.uk/x", options) == "it has no scheme (https://)"
    assert problem("gov.uk", options) == "it has no scheme (https://)"
    assert problem("//www.gov.uk/x", options) == "it has no scheme (https://)"
    assert problem("https://www.gov.uk:99999/", options) is not None
    assert problem("https://exa_mple..org/", options) == "'exa_mple..org' is not a valid host name"
    assert (
        problem("ftp://files.gov.uk/x", options)
        == "the ftp: scheme is not allowed (allowed: http, https, mailto)"
    )
    assert problem("page.html", Options(relative=False)) == "it is relative; write the full address"
