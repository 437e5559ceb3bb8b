"""Reading --search-space: distributions by name, and one clear message for bad input."""

from __future__ import annotations

import json

import pytest

from hpo._cli._search_space import parse_search_space
from hpo.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
)
from hpo.exceptions import CLIUsageError


def test_objects_and_encoded_strings_give_the_same_distributions() -> None:
    space = {
        "lr": FloatDistribution(1e-5, 1e-1, log=True),
        "q": FloatDistribution(0.0, 1.0, step=0.25),
        "layers": IntDistribution(1, 9, step=2),
        "opt": CategoricalDistribution(["adam", "sgd", None, 3]),
    }
    as_objects = json.dumps({k: json.loads(distribution_to_json(d)) for k, d in space.items()})
    as_strings = json.dumps({k: distribution_to_json(d) for k, d in space.items()})
    assert parse_search_space(as_objects) == space
    assert parse_search_space(as_strings) == space
    assert list(parse_search_space(as_objects)) == list(space)
    assert parse_search_space(None) == {} and parse_search_space("{}") == {}


def test_optional_attributes_take_their_defaults() -> None:
    text = '{"x": {"name": "FloatDistribution", "attributes": {"low": -1, "high": 1}}}'
    assert parse_search_space(text) == {"x": FloatDistribution(-1.0, 1.0)}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{bad", "--search-space is not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"x": 3}', "parameter 'x' must be a distribution object"),
        ('{"x": {"name": "NoSuchDistribution", "attributes": {}}}', "parameter 'x'"),
        ('{"x": {"name": "FloatDistribution", "attributes": {"low": 2, "high": 1}}}', "'x'"),
        ('{"x": {"name": "IntDistribution"}}', "parameter 'x'"),
        ('{"x": "not json"}', "parameter 'x'"),
    ],
)
def test_bad_search_spaces_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(CLIUsageError, match=message) as info:
        parse_search_space(text)
    assert "\n" not in str(info.value)
