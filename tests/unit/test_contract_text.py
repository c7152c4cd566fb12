"""The contract's JSON text is exactly what ``json.dumps(..., indent=2)`` writes."""

import json
import math
from decimal import Decimal
from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bilag.contract.text import json_array_pieces, json_array_text, json_text


class Colour(StrEnum):
    RED = "red"


def _reference(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
KEYS = st.text() | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none()
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(KEYS, inner, max_size=4)
    ),
    max_leaves=30,
)


@given(VALUES)
def test_any_json_value_is_written_as_json_dumps_writes_it(value: object) -> None:
    assert json_text(value) == _reference(value)


def test_empty_containers_strings_with_line_breaks_and_str_enums_match_json_dumps() -> None:
    value = {
        "a": [],
        "b": {},
        "c": [[], {}, [1, [2, {"x": None}]]],
        "text": 'line\nbreak\u2028 "quoted" é \ud800',
        "colour": Colour.RED,
        Colour.RED: [math.inf, -math.inf, 1e-05, 10**30],
    }
    assert json_text(value) == _reference(value)


def test_what_json_cannot_write_is_refused_as_json_dumps_refuses_it() -> None:
    with pytest.raises(TypeError):
        json_text({"amount": Decimal("1.00")})
    with pytest.raises(TypeError):
        json_text({("a", "b"): 1})


@given(st.lists(VALUES, max_size=5))
def test_an_array_written_element_by_element_is_the_array_json_dumps_writes(
    items: list[object],
) -> None:
    texts = [json_text(item, depth=1) for item in items]
    assert json_array_text(texts) == _reference(items)
    assert "".join(json_array_pieces(texts, per_piece=2)) == _reference(items)
