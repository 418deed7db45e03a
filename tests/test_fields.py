"""``Fields``, a finding's read-only fields: a mapping like the dict it replaced, in less memory."""

from __future__ import annotations

import copy
import pickle
import random

import pytest

from checker.model.finding import Fields, FieldValue


def _generated(seed: int) -> list[dict[str, FieldValue]]:
    rng = random.Random(seed)
    names = ["text", "url", "code", "elapsed", "hint", "status", "runs", "detail"]
    values: list[FieldValue] = ["", "x", "Read more »", 0, 404, 2.5, None, -1]
    return [
        {name: rng.choice(values) for name in rng.sample(names, rng.randrange(len(names) + 1))}
        for _ in range(300)
    ]


@pytest.mark.parametrize("seed", range(3))
def test_reads_as_the_dict_it_was_made_from(seed: int) -> None:
    for given in _generated(seed):
        fields = Fields.of(given)
        assert fields == given and given == fields
        assert dict(fields) == given and list(fields) == list(given) and len(fields) == len(given)
        assert list(fields.items()) == list(given.items())
        assert list(fields.keys()) == list(given.keys()) and list(fields.values()) == list(given.values())
        for name in ["text", "url", "code", "elapsed", "hint", "status", "runs", "detail", "other"]:
            assert (name in fields) == (name in given)
            assert fields.get(name, "absent") == given.get(name, "absent")
            if name in given:
                assert fields[name] == given[name]
            else:
                with pytest.raises(KeyError):
                    fields[name]


def test_read_only() -> None:
    fields = Fields.of({"a": 1})
    with pytest.raises(TypeError):
        fields["a"] = 2  # type: ignore[index]
    with pytest.raises(AttributeError):
        fields._values = (2,)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        fields.other = 1  # type: ignore[attr-defined]
    assert fields == {"a": 1}
    assert copy.copy(fields) == fields and pickle.loads(pickle.dumps(fields)) == fields


def test_fields_with_the_same_names_share_them() -> None:
    first = Fields.of({"text": "a", "code": 404})
    second = Fields.of({"text": "b", "code": 410})
    assert first._names is second._names
    assert first != second and Fields.of(first) is first
    assert repr(first) == "Fields({'text': 'a', 'code': 404})"
