"""``Span`` keeps four numbers, not two ``Position``s, and behaves as the frozen, ordered dataclass
of two positions it replaced: equality, hashing, order, repr, pickling, immutability."""

from __future__ import annotations

import dataclasses
import gc
import pickle
import random

import pytest

from checker.engine import pages
from checker.model import Position, Span
from tests.conftest import FIXTURES


@dataclasses.dataclass(frozen=True, order=True)
class Reference:
    """What ``Span`` was: a frozen, ordered dataclass of two positions."""

    start: Position
    end: Position


def _spans(seed: int, n: int = 400) -> list[tuple[int, int, int, int]]:
    rng = random.Random(seed)
    small = [1, 2, 3, 255, 256, 257, 10_000]
    return [tuple(rng.choice(small) for _ in range(4)) for _ in range(n)]  # type: ignore[misc]


@pytest.mark.parametrize("seed", range(3))
def test_order_equality_and_hash_are_those_of_two_positions(seed: int) -> None:
    numbers = _spans(seed)
    spans = [Span.of(*four) for four in numbers]
    references = [Reference(Position(a, b), Position(c, d)) for a, b, c, d in numbers]
    assert [spans.index(s) for s in sorted(spans)] == [references.index(r) for r in sorted(references)]
    for (span, ref), (other, other_ref) in zip(
        zip(spans, references, strict=True), zip(spans[1:], references[1:], strict=True), strict=False
    ):
        assert (span == other) == (ref == other_ref)
        assert (span < other, span <= other, span > other, span >= other) == (
            ref < other_ref,
            ref <= other_ref,
            ref > other_ref,
            ref >= other_ref,
        )
        if span == other:
            assert hash(span) == hash(other)
    assert len(set(spans)) == len(set(numbers))


def test_made_from_positions_or_numbers_alike() -> None:
    span = Span(Position(3, 7), Position(4, 1))
    assert span == Span.of(3, 7, 4, 1)
    assert (span.start, span.end) == (Position(3, 7), Position(4, 1))
    assert (span.start_line, span.start_column, span.end_line, span.end_column) == (3, 7, 4, 1)
    assert Span.line(5, "abc") == Span.of(5, 1, 5, 4)
    assert repr(span) == "Span(start=Position(line=3, column=7), end=Position(line=4, column=1))"


def test_it_holds_no_position_objects() -> None:
    span = Span.of(300, 400, 500, 600)
    held = [value for value in gc.get_referents(span) if value is not Span]  # its class, and its values
    assert sorted(held) == [300, 400, 500, 600]


def test_frozen() -> None:
    span = Span.of(1, 1, 1, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.start_line = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del span.end_column
    with pytest.raises(AttributeError):
        span.other = 1  # type: ignore[attr-defined]
    assert span == Span.of(1, 1, 1, 2)


def test_compared_with_something_else() -> None:
    span = Span.of(1, 1, 1, 2)
    assert span != (1, 1, 1, 2)
    assert span != Reference(Position(1, 1), Position(1, 2))
    with pytest.raises(TypeError):
        _ = span < (1, 1, 1, 2)  # type: ignore[operator]


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickled_and_back(protocol: int) -> None:
    span = Span.of(2, 3, 4, 5)
    again = pickle.loads(pickle.dumps(span, protocol))
    assert again == span and type(again) is Span


def test_pages_come_back_from_the_parse_workers_with_their_spans() -> None:
    """The workers' pickling (each model class by its constructor) carries spans whole."""
    path = str(FIXTURES / "corpus" / "seed" / "action11-2012-12-20.md")
    page = pages.parse_page(path)
    (back,) = pages._unpickled(pages._parse_batch([path]))
    assert back == page
    assert [link.span for link in back.links] == [link.span for link in page.links]


def test_equal_numbers_are_one_int_however_the_span_was_made() -> None:
    """Python shares ints up to 256 only: spans share theirs (made, built from positions, unpickled)."""

    def numbers() -> list[int]:
        return [int(text) for text in ("1000", "2000", "3000", "4000")]  # new int objects each call

    made = Span.of(*numbers())
    line, column, end_line, end_column = numbers()
    built = Span(Position(line, column), Position(end_line, end_column))
    unpickled = pickle.loads(pickle.dumps(made, pickle.HIGHEST_PROTOCOL))
    for other in (built, unpickled):
        assert other.start_line is made.start_line and other.start_column is made.start_column
        assert other.end_line is made.end_line and other.end_column is made.end_column
