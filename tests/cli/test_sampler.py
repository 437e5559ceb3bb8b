"""Building the sampler of ``ask`` from --sampler and --sampler-kwargs."""

from __future__ import annotations

import pytest

from hpo._cli._sampler import build_sampler, sampler_names
from hpo.distributions import FloatDistribution
from hpo.exceptions import CLIUsageError
from hpo.samplers import RandomSampler, TPESampler
from hpo.study import create_study


def test_every_public_sampler_is_offered_by_name() -> None:
    names = sampler_names()
    assert {"RandomSampler", "TPESampler", "QMCSampler", "NSGAIISampler"} <= set(names)
    assert "BaseSampler" not in names


def test_the_sampler_is_built_with_the_json_arguments() -> None:
    sampler = build_sampler("TPESampler", '{"n_startup_trials": 3, "seed": 7}')
    assert isinstance(sampler, TPESampler)
    assert isinstance(build_sampler("RandomSampler", None), RandomSampler)
    assert build_sampler(None, None) is None
    first = build_sampler("RandomSampler", '{"seed": 5}')
    second = build_sampler("RandomSampler", '{"seed": 5}')
    space = {"x": FloatDistribution(0.0, 1.0)}
    asked = [create_study(sampler=s).ask(space).params["x"] for s in (first, second)]
    assert asked[0] == asked[1]


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("NoSuchSampler", None, "unknown sampler 'NoSuchSampler'; choose from .*TPESampler"),
        ("BaseSampler", None, "unknown sampler"),
        ("TPESampler", "{bad", "--sampler-kwargs is not valid JSON"),
        ("TPESampler", "[1]", "must be a JSON object"),
        ("TPESampler", '{"no_such_argument": 1}', "TPESampler rejects"),
        (None, '{"seed": 1}', "--sampler-kwargs needs --sampler"),
    ],
)
def test_bad_samplers_name_the_problem(name: str | None, kwargs: str | None, message: str) -> None:
    with pytest.raises(CLIUsageError, match=message):
        build_sampler(name, kwargs)
